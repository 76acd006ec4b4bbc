"""Which of two sibling series a view headlines (no streamlit).

The IPM: BPS has headlined since November 2024 the series with life expectancy from the SP2020
Long Form, revised back to 2020 (``ipm_lfsp2020``); the older series (``ipm``, "[Metode Baru] IPM",
var 413) is superseded, and the two are never mixed in one figure. The overview KPI, the compare
page's default indicators and the shipped story use the current series where it covers the
region set (every region in some year) and the older one otherwise, saying which (IpmChoice.note).

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
            return t("overview.ipm.current", lang)
        if self.current_year is None:
            return t("overview.ipm.older_only", lang)
        return t("overview.ipm.older", lang, covered=self.current_covered, total=self.total, year=self.current_year)


def headline_ipm(store, region_set: str) -> IpmChoice:
    """The current IPM series when some year has a figure for every region of the set, else the
    older series (var 413). The choice follows the data: a refresh that completes the current
    series (or the official-only switch hiding part of it) changes it."""
    total = len(store.query("regions", region_set=region_set))
    years = store.query("indicator_years", indicator_id=IPM_CURRENT, region_set=region_set)
    if years.empty:
        return IpmChoice(IPM_OLDER, None, 0, total)
    best = years.sort_values(["regions_with_value", "year"]).iloc[-1]
    complete = bool((years["regions_with_value"] == total).any()) and total > 0
    return IpmChoice(IPM_CURRENT if complete else IPM_OLDER, int(best["year"]), int(best["regions_with_value"]), total)
