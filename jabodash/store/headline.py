"""Which of two sibling series a view headlines (no streamlit).

The IPM: BPS has headlined since November 2024 the series with life expectancy from the SP2020
Long Form, revised back to 2020 (``ipm_lfsp2020``); the older series (``ipm``, "[Metode Baru] IPM",
var 413) is superseded, and the two are never mixed in one figure. The overview KPI, the compare
KPI headlines the current series wherever it has figures for the region set, saying how many of
its regions it covers (IpmChoice.note); the compare page's defaults use it where it covers every
region of the set, and the older one otherwise (regions side by side would have gaps).

``store`` is anything with ``query(name, **params)`` (a Store or a DataSource, whose switch
"official figures only" then counts only the official figures).
"""
from __future__ import annotations

from dataclasses import dataclass

from jabodash.core.i18n import t

IPM_CURRENT = "ipm_lfsp2020"   # BPS's headline IPM since Nov 2024 (UHH from the SP2020 Long Form)
IPM_OLDER = "ipm"              # [Metode Baru] IPM, var 413: superseded, never mixed with the current one


@dataclass(frozen=True)
class IpmChoice:
    """Which IPM series a view headlines, and how far the current series reaches."""
    indicator_id: str
    current_year: int | None       # the current series' year with the most regions of the set
    current_covered: int
    total: int

    @property
    def is_current(self) -> bool:
        return self.indicator_id == IPM_CURRENT

    def note(self, lang: str) -> str:
        if self.is_current:
            if self.current_covered < self.total:
                return t("ringkasan.ipm.current_partial", lang, covered=self.current_covered, total=self.total,
                         year=self.current_year)
            return t("ringkasan.ipm.current", lang)
        if self.current_year is None:
            return t("ringkasan.ipm.older_only", lang)
        return t("ringkasan.ipm.older", lang, covered=self.current_covered, total=self.total, year=self.current_year)


def headline_ipm(store, region_set: str, complete_only: bool = False) -> IpmChoice:
    """The current IPM series wherever it has figures for the region set, in its year with the most
    regions (the note says how many of the set it covers); the older series (var 413) when the
    current one has no figure for the set, or, with ``complete_only`` (the compare page's defaults,
    which set regions side by side), when no year of it covers every region of the set. The choice
    follows the data: a refresh or upload that extends the current series, or the official-only
    switch hiding part of it, changes it."""
    total = len(store.query("regions", region_set=region_set))
    years = store.query("indicator_years", indicator_id=IPM_CURRENT, region_set=region_set)
    years = years[years["regions_with_value"] > 0] if not years.empty else years
    if years.empty:
        return IpmChoice(IPM_OLDER, None, 0, total)
    best = years.sort_values(["regions_with_value", "year"]).iloc[-1]
    covered = int(best["regions_with_value"])
    use = IPM_OLDER if complete_only and covered < total else IPM_CURRENT
    return IpmChoice(use, int(best["year"]), covered, total)
