"""Figures of the overview page (Ringkasan): metro KPIs, computed from the store."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jabodash.core import fmt
from jabodash.core.catalog import Indicator, load_catalog
from jabodash.core.i18n import t
from jabodash.store import Store
from jabodash.store.aggregate import MetroValue, metro_value

# (label key, indicator): population census count, official area, density, IPM range,
# population-weighted poverty rate.
KPI_INDICATORS = (
    ("overview.kpi.population", "population_census"),
    ("overview.kpi.area", "area_km2_big"),
    ("overview.kpi.density", "population_density_census"),
    ("overview.kpi.ipm", "ipm"),
    ("overview.kpi.poverty", "poverty_rate"),
)


@dataclass(frozen=True)
class Kpi:
    key: str
    indicator: Indicator
    metro: MetroValue | None
    year: int | None

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
        return " · ".join(parts)


def best_year(store: Store, indicator_id: str, region_set: str) -> int | None:
    """Latest year in which every region of the set has a figure; else the latest year."""
    years = store.query("indicator_years", indicator_id=indicator_id, region_set=region_set)
    if years.empty:
        return None
    total = len(store.query("regions", region_set=region_set))
    complete = years[years["regions_with_value"] == total]
    pick = complete if not complete.empty else years
    return int(pick["year"].max())


@lru_cache(maxsize=16)
def kpis(store: Store, region_set: str) -> tuple[Kpi, ...]:
    """The KPI cards; cached per store and region set (the store is read-only, Kpi is frozen)."""
    catalog = load_catalog()
    out = []
    for key, indicator_id in KPI_INDICATORS:
        ind = catalog[indicator_id]
        year = best_year(store, indicator_id, region_set)
        mv = metro_value(store, ind, year, region_set) if year is not None else None
        out.append(Kpi(key, ind, mv, year))
    return tuple(out)
