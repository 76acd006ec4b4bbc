"""Figures of the public-services page (Layanan publik), computed from the store.

Facilities and staff per 100,000 people are derived indicators (SQL view derived_per_100k):
count / population x 100,000, where the population is the census count in census years and
the BPS estimate otherwise (population_best; never the registry, never interpolated).

The metro value follows the catalog (aggregate.metro_value: ratio of sums over ALL regions
of the set). When members are missing there is no metro value; the page then shows the
median of the regions that have the figure, labelled as such, or nothing when fewer than
MIN_FOR_MEDIAN regions have it.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jabodash.charts import sources_text
from jabodash.core import fmt
from jabodash.core.catalog import Indicator, load_catalog
from jabodash.core.i18n import t
from jabodash.store import Store
from jabodash.store.aggregate import MetroValue, metro_value

DEFAULT_INDICATOR = "doctors_per_100k"
MIN_FOR_MEDIAN = 3
DKI_PROVINCE = "31"


def per_100k_indicators() -> list[Indicator]:
    return [ind for ind in load_catalog().values() if ind.derivation == "per_100k"]


def coverage(store: Store, region_set: str) -> pd.DataFrame:
    """Per-100,000 indicators x years with regions covered (see layanan_coverage.sql)."""
    return store.query("layanan_coverage", region_set=region_set)


def options(cov: pd.DataFrame) -> list[str]:
    """Per-100,000 indicators that have at least one figure, in catalog order."""
    has = cov[cov["regions_with_value"] > 0].sort_values("sort_order")
    return list(dict.fromkeys(has["indicator_id"]))


def without_data(cov: pd.DataFrame, lang: str) -> list[str]:
    empty = cov.groupby("indicator_id")["regions_with_value"].max()
    ids = [i for i in cov.drop_duplicates("indicator_id").sort_values("sort_order")["indicator_id"] if empty[i] == 0]
    catalog = load_catalog()
    return [catalog[i].name(lang) for i in ids]


def pick(options_: list[str], wanted: str | None) -> str | None:
    if not options_:
        return None
    if wanted in options_:
        return wanted
    return DEFAULT_INDICATOR if DEFAULT_INDICATOR in options_ else options_[0]


def values(store: Store, indicator_id: str, year: int, region_set: str) -> pd.DataFrame:
    """Every region of the set: per-100k value, count, population used and its series."""
    frame = store.query("layanan_per_100k", indicator_id=indicator_id, year=int(year), region_set=region_set)
    frame.attrs["year"] = int(year)
    return frame


@dataclass(frozen=True)
class Comparison:
    """What each region is compared against."""
    metro: MetroValue
    median: float | None        # median of the regions with data, only when there is no metro value
    median_n: int               # regions behind the median
    dki_only: bool              # the regions with data are all DKI Jakarta units

    @property
    def reference(self) -> float | None:
        return self.metro.value if self.metro.value is not None else self.median


def compare(store: Store, ind: Indicator, year: int, region_set: str, frame: pd.DataFrame) -> Comparison:
    mv = metro_value(store, ind, year, region_set)
    present = frame.dropna(subset=["value"])
    median = None
    if mv.value is None and len(present) >= MIN_FOR_MEDIAN:
        median = float(present["value"].median())
    dki_only = len(present) > 0 and bool((present["province_code"] == DKI_PROVINCE).all())
    return Comparison(metro=mv, median=median, median_n=len(present), dki_only=dki_only)


def denominator_label(frame: pd.DataFrame, year: int, lang: str) -> str:
    used = frame.dropna(subset=["value"])["population_series"].dropna().unique()
    if len(used) == 1:
        return t(f"layanan.denominator.{used[0]}", lang, year=year)
    if len(used) > 1:
        return t("layanan.denominator.mixed", lang, year=year)
    return t("layanan.none", lang)


def source_line(frame: pd.DataFrame, lang: str) -> str:
    """'derived by jabodash from <count source>; population: <population sources>'."""
    present = frame.dropna(subset=["value"])
    return t("layanan.source_derived", lang,
             numerator=sources_text([(present, "numerator_origin")], lang, limit=1) or "–",
             population=sources_text([(present, "population_origin")], lang, limit=1) or "–")


def kpi_texts(cmp: Comparison, ind: Indicator, frame: pd.DataFrame, year: int, lang: str) -> list[tuple[str, str, str, str]]:
    """(label key, value, detail, help key) of the KPI cards."""
    mv = cmp.metro
    coverage_text = t("common.coverage", lang, covered=mv.covered, total=mv.total)
    metro_text = (fmt.number(mv.value, ind.decimals, lang) if mv.value is not None
                  else t("layanan.not_available", lang))
    median_text = fmt.number(cmp.median, ind.decimals, lang) if cmp.median is not None else t("layanan.none", lang)
    unit_year = f"{ind.unit(lang)} · {year}"
    return [
        ("layanan.kpi.coverage", f"{mv.covered} / {mv.total}", f"{year} · {coverage_text}", ""),
        ("layanan.kpi.metro", metro_text, f"{unit_year} · {coverage_text}", "layanan.kpi.help_metro"),
        ("layanan.kpi.median", median_text, f"{unit_year} · n = {cmp.median_n}", "layanan.kpi.help_median"),
        ("layanan.kpi.denominator", denominator_label(frame, year, lang), t("layanan.kpi.denominator_detail", lang),
         ""),
    ]


def frame_year(frame: pd.DataFrame) -> str:
    years = frame.attrs.get("year")
    return str(years) if years is not None else ""


def table(frame: pd.DataFrame, cmp: Comparison, lang: str) -> pd.DataFrame:
    """Counts, population used and the ratio per region, with the difference from the
    reference (metro value, else the labelled median)."""
    ref = cmp.reference
    series = frame["population_series"].map(
        lambda s: t(f"layanan.denominator.{s}", lang, year=frame_year(frame)) if isinstance(s, str) else None)
    out = pd.DataFrame({
        t("layanan.col.region", lang): frame["short_name"],
        t("layanan.col.count", lang): frame["numerator"].astype("Int64"),
        t("layanan.col.population", lang): frame["population"].where(frame["value"].notna()).astype("Int64"),
        t("layanan.col.series", lang): series.where(frame["value"].notna()),
        t("layanan.col.value", lang): frame["value"].round(2),
        t("layanan.col.diff", lang): (frame["value"] - ref).round(2) if ref is not None else pd.NA,
        t("layanan.col.source", lang): frame["numerator_source"],
    })
    return out.reset_index(drop=True)
