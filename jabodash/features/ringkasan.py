"""Figures of the overview page (Ringkasan): metro KPIs, computed from the store.

``store`` is anything with ``query(name, **params)``: the page passes ``ui.source.data_source()`` (the
built-in data, the saved datasets and the session's uploads, with the switch "official figures
only"), the tests a Store or a DataSource.

The IPM card uses BPS's current series (``ipm_lfsp2020``: life expectancy from the SP2020 Long
Form, headlined since November 2024) when it covers every region of the set in some year, else
the older series (``ipm``, var 413), and says which series it shows and how far the current one
reaches (jabodash.store.headline.headline_ipm).
"""
from __future__ import annotations

from dataclasses import dataclass

from jabodash.core import fmt
from jabodash.core.catalog import Indicator, load_catalog
from jabodash.core.i18n import t
from jabodash.store import Store
from jabodash.store.aggregate import MetroValue, metro_value
from jabodash.store.headline import IPM_OLDER, headline_ipm

# (label key, indicator): population census count, official area, density, IPM range,
# population-weighted poverty rate.
KPI_INDICATORS = (
    ("ringkasan.kpi.population", "population_census"),
    ("ringkasan.kpi.area", "area_km2_big"),
    ("ringkasan.kpi.density", "population_density_census"),
    ("ringkasan.kpi.ipm", "ipm"),            # resolved by headline_ipm
    ("ringkasan.kpi.poverty", "poverty_rate"),
)


@dataclass(frozen=True)
class Kpi:
    key: str
    indicator: Indicator
    metro: MetroValue | None
    year: int | None
    note: str | None = None                    # e.g. which IPM series and why (behind the help icon)
    missing_names: tuple[str, ...] = ()        # regions without a figure (named when few)
    series: str | None = None                  # the note in a few words, on the card

    def help_text(self, lang: str) -> str:
        """The card's help: the full note first, then the definition."""
        return "\n\n".join(p for p in (self.note, self.indicator.definition(lang)) if p)

    def value_text(self, lang: str) -> str:
        mv, ind = self.metro, self.indicator
        if mv is None:
            return t("common.no_data", lang)
        if ind.aggregation == "min_max":
            if mv.minimum is None:
                return t("common.no_data", lang)
            return f"{fmt.number(mv.minimum, ind.decimals, lang)} – {fmt.number(mv.maximum, ind.decimals, lang)}"
        if mv.value is None:
            return t("common.incomplete", lang)
        if ind.aggregation == "sum" and mv.value >= 1e6:
            return fmt.compact(mv.value, lang)
        return fmt.number(mv.value, ind.decimals, lang)

    def detail_text(self, lang: str) -> str:
        ind, mv = self.indicator, self.metro
        parts = [ind.unit(lang)]
        if self.year is not None:
            parts.append(str(self.year))
        if mv is not None:
            parts.append(t("common.coverage", lang, covered=mv.covered, total=mv.total))
        if self.series:
            parts.append(self.series)
        if self.missing_names:
            parts.append(t("ringkasan.missing", lang, names=", ".join(self.missing_names)))
        return " · ".join(parts)


def best_year(store: Store, indicator_id: str, region_set: str) -> int | None:
    """Latest year in which every region of the set has a figure; else the latest of the years with
    the most regions (as the IPM card's current series, store.headline): with the switch "official
    figures only" a year that most regions have beats a newer one that only one or two have."""
    years = store.query("indicator_years", indicator_id=indicator_id, region_set=region_set)
    if years.empty:
        return None
    most = years[years["regions_with_value"] == years["regions_with_value"].max()]
    return int(most["year"].max())


MAX_NAMED = 5   # a KPI names the regions without a figure when there are at most this many


def missing_names(store, mv: MetroValue | None, region_set: str, limit: int | None = MAX_NAMED) -> tuple[str, ...]:
    """Short names of the regions of the set without a figure (none when more than ``limit``)."""
    if mv is None or not mv.missing or (limit is not None and len(mv.missing) > limit):
        return ()
    names = store.query("regions", region_set=region_set).set_index("code")["short_name"]
    return tuple(str(names.get(code, code)) for code in mv.missing)


def kpis(store: Store, region_set: str, lang: str = "id") -> tuple[Kpi, ...]:
    """The KPI cards. Every query is cached by the app (ui.source), so nothing is cached here: the
    figures depend on the uploads and the switch "official figures only"."""
    catalog = load_catalog()
    out = []
    for key, indicator_id in KPI_INDICATORS:
        note, choice, series = None, None, None
        if indicator_id == IPM_OLDER:
            choice = headline_ipm(store, region_set)
            indicator_id, note = choice.indicator_id, choice.note(lang)
            series = t("ringkasan.ipm.label_current" if choice.is_current else "ringkasan.ipm.label_older", lang)
        ind = catalog[indicator_id]
        year = (choice.current_year if choice is not None and choice.is_current and choice.current_covered < choice.total
                else best_year(store, indicator_id, region_set))
        mv = metro_value(store, ind, year, region_set) if year is not None else None
        out.append(Kpi(key, ind, mv, year, note, missing_names(store, mv, region_set), series))
    return tuple(out)
