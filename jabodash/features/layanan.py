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

from jabodash.charts import peta, ranking_bar, sources_text, trend_lines
from jabodash.core import fmt
from jabodash.core.catalog import Indicator, load_catalog
from jabodash.core.i18n import t
from jabodash.geo.classify import classify
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


# ---------------------------------------------------------------------------------------------
# Quality and innovation of public services (Kualitas dan inovasi layanan): the Ombudsman's
# assessments (three series, one per method), Kemendagri's innovation index, the SPBE index and the
# smart-city index, each ranked, over the years and on the tile map. A method change is a new
# indicator, never a join: the page picks one series at a time.

QUALITY_IDS = ("ombudsman_compliance_score", "ombudsman_compliance_zone", "ombudsman_compliance_grade_score", "ombudsman_maladmin_quality_score",
               "innovation_index_iid", "spbe_index", "smart_city_index_ikci_score")
OVERVIEW_QUALITY = "ombudsman_compliance_score"


def quality_options(store: Store, region_set: str) -> list[str]:
    """The quality indicators with at least one figure in the set, in QUALITY_IDS order."""
    return [i for i in QUALITY_IDS if not store.query("indicator_years", indicator_id=i, region_set=region_set).empty]


def quality_years(store: Store, indicator_id: str, region_set: str) -> pd.DataFrame:
    """year, regions_with_value of one quality indicator."""
    return store.query("indicator_years", indicator_id=indicator_id, region_set=region_set)


def best_year(years: pd.DataFrame) -> int | None:
    """The year with the most regions (the latest of equals): the default of the section."""
    if years.empty:
        return None
    top = years[years["regions_with_value"] == years["regions_with_value"].max()]
    return int(top["year"].max())


def category(note) -> str:
    """The zone, grade or category reported with a figure: the part of its note after the quote
    (data/sources notes read '"<quote>" | <category>')."""
    if not isinstance(note, str) or " | " not in note:
        return ""
    return note.rsplit(" | ", 1)[1].strip()


def quality_values(store: Store, indicator_id: str, year: int, region_set: str) -> pd.DataFrame:
    """Every region of the set in one year (gaps as NULL rows) with the reported category."""
    frame = store.query("indicator_values", indicator_id=indicator_id, year=int(year), region_set=region_set)
    frame["category"] = frame["note"].map(category)
    return frame


def quality_series(store: Store, indicator_id: str, region_set: str) -> pd.DataFrame:
    return store.query("indicator_series", indicator_id=indicator_id, region_set=region_set)


def quality_figures(store: Store, ind: Indicator, year: int, region_set: str, lang: str,
                    highlight: tuple[str, ...] = ()) -> dict:
    """Ranking, trend and tile map of one quality indicator, with the table behind them."""
    values = quality_values(store, ind.id, year, region_set)
    series = quality_series(store, ind.id, region_set)
    classes = classify(values.set_index("region_code")["value"], k=4, higher_is_better=ind.higher_is_better,
                       decimals=ind.decimals, lang=lang)
    return dict(values=values, series=series,
                ranking=ranking_bar(values, ind, year, lang, highlight=highlight),
                trend=trend_lines(series, ind, lang, highlight=highlight),
                map=peta.tile_map(values, ind, year, lang, classes, note=False),
                table=quality_table(values, ind, lang))


def quality_table(values: pd.DataFrame, ind: Indicator, lang: str) -> pd.DataFrame:
    """Region, value, reported category, source and grade (plain text cells)."""
    return pd.DataFrame({
        t("layanan.col.region", lang): values["short_name"],
        t("layanan.quality.col.value", lang): values["value"].round(ind.decimals),
        t("layanan.quality.col.category", lang): values["category"],
        t("layanan.col.source", lang): values["source_url"],
        t("grade.column", lang): [t(f"grade.{g}", lang) if isinstance(g, str) and g else "" for g in values["grade"]],
    })


def quality_kpi(store: Store, region_set: str, indicator_id: str = OVERVIEW_QUALITY) -> dict | None:
    """For the overview: the year of widest coverage of the Ombudsman series, how many regions
    it covers and the range (the indicator aggregates as min_max: no metro average)."""
    year = best_year(quality_years(store, indicator_id, region_set))
    if year is None:
        return None
    values = quality_values(store, indicator_id, year, region_set)
    present = values.dropna(subset=["value"])
    low, high = present.loc[present["value"].idxmin()], present.loc[present["value"].idxmax()]
    return dict(indicator=indicator_id, year=year, covered=len(present), total=len(values),
                low=float(low["value"]), low_region=low["short_name"], high=float(high["value"]),
                high_region=high["short_name"], green=int((present["value"] >= 81).sum()))
