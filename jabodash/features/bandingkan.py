"""Figures of the compare page (Bandingkan wilayah): 2-5 regions side by side.

* series(): every figure of the chosen indicators for every region of the region set
  (queries/bandingkan_series.sql); for_regions() keeps the chosen regions (small multiples).
* profile(): one year per indicator (the year in which most of the chosen regions have a figure;
  ties: most regions of the set, then the latest), each indicator min-max scaled within the
  regions of the set that have a figure that year and flipped when lower is better, plus the
  rank within the set. Neutral indicators (no good/bad direction) are scaled unflipped, ranked
  highest-first and marked as neutral.
* similar_regions(): distance between one region and every other region of the region set
  over z-scores of the indicators both have (queries/bandingkan_set_values.sql picks each indicator's
  latest year with at least SIMILAR_MIN_REGIONS regions). Nothing is imputed: a pair is compared
  only on indicators both regions have, and only when they share SIMILAR_MIN_SHARED of them.

Uploaded indicators (ids ``upload.<dataset>.<slug>``, jabodash/features/unggah.py) are compared
beside the built-in ones: the same queries read them when ``run`` carries the uploads (the app's
``DataSource.query``; see jabodash/store/overlay.py); catalog_with() gives the catalog
dict with the uploaded Indicators that every lookup below takes. Nothing is imputed for them either.

Every function takes ``run(name, **params) -> DataFrame`` (``Store.query`` or the cached
``DataSource.query``) or plain frames, so everything here runs without Streamlit.
"""
from __future__ import annotations

import math
from typing import Callable, Iterable, MutableMapping

import numpy as np
import pandas as pd

from jabodash.charts.bandingkan import indicator_label, lookup, uploaded_label
from jabodash.core import fmt
from jabodash.core.catalog import Indicator, load_catalog
from jabodash.core.i18n import t
from jabodash.core.state import DEFAULT_INDICATOR
from jabodash.features import unggah
from jabodash.store import overlay

Runner = Callable[..., pd.DataFrame]

MIN_REGIONS, MAX_REGIONS = 2, 5
MIN_INDICATORS, MAX_INDICATORS = 1, 9
DEFAULT_REGIONS = ("3171", "3276", "3201")
DEFAULT_INDICATORS = ("population_density_census", "ipm", "poverty_rate", "unemployment_rate_tpt",
                      "population_growth_2010_2020")
SIMILAR_MIN_SHARED = 3     # a pair of regions is compared on at least this many shared indicators
SIMILAR_MIN_REGIONS = 5    # an indicator's year counts for z-scores when this many regions have it
SIMILAR_TOP = 5            # nearest regions shown


# --- selection ------------------------------------------------------------------------------

def region_choices(regions: pd.DataFrame) -> dict[str, str]:
    """code -> short name, for the region picker (regions: queries/regions.sql)."""
    return dict(zip(regions["code"], regions["short_name"]))


def indicator_choices(indicators: pd.DataFrame, lang: str) -> dict[str, str]:
    """id -> name for the indicator picker: indicators with figures, flows excluded
    (indicators: queries/indicators.sql, optionally with the uploaded rows appended as
    ui.source.indicator_table() gives them). Uploaded indicators are marked
    ("Unggahan · <name>") and come after the built-in ones."""
    ok = indicators[(indicators["max_regions"] > 0) & (indicators["kind"] != "flow")]
    names = ok["name_en" if lang == "en" else "name_id"]
    out = {i: str(n) for i, n in zip(ok["id"], names) if not unggah.is_uploaded(i)}
    uploaded = {i: uploaded_label(str(n), lang) for i, n in zip(ok["id"], names) if unggah.is_uploaded(i)}
    seen = pd.Series(list(uploaded.values()), dtype=object).value_counts()
    for i, label in uploaded.items():  # two uploads of the same name: tell them apart by dataset
        out[i] = f"{label} ({i.split('.')[1]})" if seen[label] > 1 else label
    return out


def catalog_with(uploads: overlay.Uploads | None = None) -> dict[str, Indicator]:
    """The built-in catalog plus the uploaded Indicators of ``uploads`` (``ui.source.uploaded_data()``),
    for every ``catalog=`` below (as DataSource.catalog)."""
    return {**load_catalog(), **(uploads.indicators if uploads is not None else {})}


def outside_set(wanted: Iterable[str], in_set: dict[str, str], all_regions: dict[str, str]) -> list[str]:
    """Names of wanted regions that are not in the chosen region set (e.g. Kab. Cianjur when
    the set is Jabodetabek)."""
    return [all_regions.get(code, code) for code in wanted if code not in in_set]


def init_choice(session: MutableMapping, key: str, options: list[str], initial: list[str]) -> None:
    """Prepare a multiselect's value in session state: the initial choice the first time,
    afterwards the previous choice without options that no longer exist (the region set may
    have changed), so the widget never holds an invalid value."""
    if key not in session:
        session[key] = list(initial)
    else:
        session[key] = [v for v in session[key] if v in options]


def initial_regions(wanted: Iterable[str], options: list[str]) -> list[str]:
    """Regions to preselect: those from the URL that are in the region set, else the defaults.
    The count is not cut to MAX_REGIONS: a link with six regions shows the message instead."""
    chosen = [code for code in wanted if code in options]
    return chosen or [code for code in DEFAULT_REGIONS if code in options]


def initial_indicators(url_indicator: str | None, options: list[str], url_indicators: Iterable[str] = (),
                       ipm: str = "ipm") -> list[str]:
    """Indicators to preselect: the URL's list (``indicators=``, as a shared compare link has it)
    when it names any valid one; else the URL's indicator first (when it is not the app default),
    then the compare defaults, whose IPM is ``ipm``: the series the region set headlines
    (jabodash.store.headline.headline_ipm with complete_only: the current one where it covers the set)."""
    listed = [i for i in url_indicators if i in options]
    if listed:
        return listed[:MAX_INDICATORS]
    first = [url_indicator] if url_indicator and url_indicator != DEFAULT_INDICATOR else []
    defaults = [ipm if i == "ipm" else i for i in DEFAULT_INDICATORS]
    chosen = [i for i in dict.fromkeys(first + defaults) if i in options]
    return chosen[:MAX_INDICATORS]


def selection_problem(regions: list[str], indicators: list[str]) -> tuple[str, dict] | None:
    """(i18n key, format arguments) when the selection cannot be compared, else None."""
    if len(regions) < MIN_REGIONS:
        return "bandingkan.too_few_regions", dict(n=len(regions), low=MIN_REGIONS, high=MAX_REGIONS)
    if len(regions) > MAX_REGIONS:
        return "bandingkan.too_many_regions", dict(n=len(regions), low=MIN_REGIONS, high=MAX_REGIONS,
                                                extra=len(regions) - MAX_REGIONS)
    if len(indicators) < MIN_INDICATORS:
        return "bandingkan.no_indicators", {}
    if len(indicators) > MAX_INDICATORS:
        return "bandingkan.too_many_indicators", dict(n=len(indicators), high=MAX_INDICATORS)
    return None


# --- data -----------------------------------------------------------------------------------

def series(run: Runner, region_set: str, indicators: list[str]) -> pd.DataFrame:
    """Long table of every figure of the indicators for every region of the set: indicator_id,
    region_code, short_name, year, value, source... (figures only, no rows for gaps;
    queries/bandingkan_series.sql)."""
    return run("bandingkan_series", region_set=region_set, indicator_ids=list(indicators))


def for_regions(data: pd.DataFrame, regions: list[str]) -> pd.DataFrame:
    """The rows of the chosen regions only (small multiples, CSV)."""
    return data[data["region_code"].isin(list(regions))].reset_index(drop=True)


def direction(ind: Indicator) -> str:
    if ind.higher_is_better is None:
        return "neutral"
    return "higher" if ind.higher_is_better else "lower"


def profile_years(data: pd.DataFrame, regions: list[str]) -> dict[str, int]:
    """indicator_id -> its profile year: the year in which most chosen regions have a figure;
    of ties, the one in which most regions of the set have one; then the latest."""
    if data.empty:
        return {}
    chosen = data["region_code"].isin(list(regions))
    counts = (data.assign(chosen=chosen).groupby(["indicator_id", "year"])
              .agg(n_chosen=("chosen", "sum"), n_set=("region_code", "nunique")).reset_index())
    counts = counts.sort_values(["indicator_id", "n_chosen", "n_set", "year"])
    return {k: int(v) for k, v in counts.groupby("indicator_id")["year"].last().items()}


def scale(values: pd.Series, higher_is_better: bool | None) -> pd.Series:
    """Min-max within the given values: 0 = lowest, 1 = highest; flipped (1 - x) when lower
    is better. Missing stays missing. With fewer than two figures, or all equal, there is no
    spread to scale: every figure gets 0.5."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    present = v.dropna()
    if len(present) < 2 or present.max() == present.min():
        out = v.where(v.isna(), 0.5)
    else:
        out = (v - present.min()) / (present.max() - present.min())
    if higher_is_better is False:
        out = 1.0 - out
    return out


def rank(values: pd.Series, higher_is_better: bool | None) -> pd.Series:
    """1 = best within the values (highest first for neutral indicators); ties share the best
    rank; missing stays missing."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    return v.rank(ascending=higher_is_better is False, method="min")


PROFILE_COLUMNS = ["indicator_id", "region_code", "short_name", "chosen", "year", "value", "score", "rank",
                   "covered", "total", "chosen_covered", "direction"]


def profile(data: pd.DataFrame, regions: list[str], indicators: list[str], names: dict[str, str],
            catalog: dict[str, Indicator] | None = None) -> pd.DataFrame:
    """Each indicator in its profile year, for every region of the set (names: code -> short
    name of the set's regions; gaps kept with value NaN). score: min-max within the regions of
    the set that have a figure that year (0 worst .. 1 best; neutral indicators unflipped: 0
    lowest .. 1 highest); rank: 1 = best among them (neutral: highest); covered: regions of the
    set with a figure; total: regions in the set; chosen_covered: chosen regions with a figure.
    The chosen regions come first, in the order chosen."""
    catalog = catalog or load_catalog()
    order = list(regions) + [code for code in names if code not in regions]
    years = profile_years(data, regions)
    rows = []
    for ind_id in indicators:
        ind = lookup(catalog, ind_id)
        year = years.get(ind_id)
        part = data[(data["indicator_id"] == ind_id) & (data["year"] == year)] if year is not None else data.iloc[0:0]
        values = part.set_index("region_code")["value"].reindex(order)
        scores, ranks = scale(values, ind.higher_is_better), rank(values, ind.higher_is_better)
        covered = int(values.notna().sum())
        chosen_covered = int(values.reindex(list(regions)).notna().sum())
        for code in order:
            rows.append(dict(indicator_id=ind_id, region_code=code, short_name=names.get(code, code),
                             chosen=code in regions, year=year, value=values[code], score=scores[code],
                             rank=ranks[code], covered=covered, total=len(names), chosen_covered=chosen_covered,
                             direction=direction(ind)))
    out = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    out["year"] = out["year"].astype("Int64")
    out["rank"] = out["rank"].astype("Int64")
    return out


def table(prof: pd.DataFrame, lang: str, catalog: dict[str, Indicator] | None = None) -> pd.DataFrame:
    """The chosen regions' profile as a readable table: one row per indicator, one column per
    chosen region with the figure in the UI's number format and its rank in the set ("#2/15"),
    'no data' for gaps."""
    catalog = catalog or load_catalog()
    no_data = t("common.no_data", lang)
    rows = []
    for ind_id, part in prof[prof["chosen"]].groupby("indicator_id", sort=False):
        ind = lookup(catalog, ind_id)
        first = part.iloc[0]
        row = {t("bandingkan.col.indicator", lang): indicator_label(ind, lang), t("bandingkan.col.unit", lang): ind.unit(lang),
               t("bandingkan.col.year", lang): "" if pd.isna(first["year"]) else str(int(first["year"])),
               t("bandingkan.col.coverage", lang): f"{first['covered']}/{first['total']}"}
        for r in part.itertuples():
            text = fmt.number(r.value, ind.decimals, lang, missing=no_data)
            if not pd.isna(r.rank):
                text += f" (#{int(r.rank)}/{r.covered})"
            row[r.short_name] = text
        rows.append(row)
    return pd.DataFrame(rows)


def rows_used(data: pd.DataFrame, prof: pd.DataFrame) -> pd.DataFrame:
    """The figures behind the profile and ranks: each indicator in its profile year, every
    region of the set."""
    years = prof[["indicator_id", "year"]].dropna().drop_duplicates().astype({"year": int})
    return data.merge(years, on=["indicator_id", "year"])


def export_frame(prof: pd.DataFrame, catalog: dict[str, Indicator] | None = None) -> pd.DataFrame:
    """The profile for CSV download: numbers unformatted, with the unit."""
    catalog = catalog or load_catalog()
    out = prof.copy()
    out.insert(1, "unit", [lookup(catalog, i).unit_en for i in out["indicator_id"]])
    return out


# --- similar regions ------------------------------------------------------------------------

def set_values(run: Runner, region_set: str, indicators: list[str],
               min_regions: int = SIMILAR_MIN_REGIONS) -> pd.DataFrame:
    """The chosen indicators for every region of the set in the year bandingkan_set_values picks."""
    return run("bandingkan_set_values", region_set=region_set, indicator_ids=list(indicators), min_regions=min_regions)


def zscores(values: pd.DataFrame) -> pd.DataFrame:
    """z = (x - mean) / sd per indicator over the regions that have a figure (population sd,
    ddof=0). Indicators with fewer than two figures or no spread are dropped. Returns the
    input's rows with a column z."""
    if values.empty:
        return values.assign(z=pd.Series(dtype=float))
    grouped = values.groupby("indicator_id")["value"]
    mean = grouped.transform("mean")
    sd = grouped.transform(lambda v: v.std(ddof=0))
    count = grouped.transform("count")
    out = values.assign(z=(values["value"] - mean) / sd)
    return out[(count >= 2) & (sd > 0)].reset_index(drop=True)


def similar_regions(z: pd.DataFrame, focus: str, min_shared: int = SIMILAR_MIN_SHARED) -> pd.DataFrame:
    """Distance of every other region to `focus`: root mean square difference of z-scores over
    the indicators both have (so pairs with different numbers of shared indicators stay
    comparable). Regions sharing fewer than min_shared indicators keep their row with distance
    NaN. Sorted nearest first, NaN last."""
    cols = ["region_code", "short_name", "distance", "shared", "indicators"]
    wide = z.pivot_table(index="region_code", columns="indicator_id", values="z", aggfunc="first")
    names = dict(zip(z["region_code"], z["short_name"])) if "short_name" in z else {}
    if focus not in wide.index:
        return pd.DataFrame(columns=cols)
    mine = wide.loc[focus]
    rows = []
    for code in wide.index:
        if code == focus:
            continue
        both = mine.notna() & wide.loc[code].notna()
        used = tuple(sorted(wide.columns[both]))
        diff = (mine[both] - wide.loc[code][both]).to_numpy(dtype=float)
        distance = float(math.sqrt(np.mean(diff ** 2))) if len(used) >= min_shared else math.nan
        rows.append(dict(region_code=code, short_name=names.get(code, code), distance=distance,
                         shared=len(used), indicators=used))
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["distance", "region_code"], na_position="last").reset_index(drop=True)


def similar_table(similar: pd.DataFrame, lang: str, top: int = SIMILAR_TOP,
                  catalog: dict[str, Indicator] | None = None) -> pd.DataFrame:
    """The nearest regions for display: rank, region, distance, shared indicators (named)."""
    catalog = catalog or load_catalog()
    near = similar[similar["distance"].notna()].head(top)
    return pd.DataFrame({
        t("bandingkan.col.region", lang): near["short_name"],
        t("bandingkan.col.distance", lang): [fmt.number(d, 2, lang) for d in near["distance"]],
        t("bandingkan.col.shared", lang): near["shared"],
        t("bandingkan.col.indicators_used", lang): [", ".join(indicator_label(lookup(catalog, i), lang) for i in used)
                                                  for used in near["indicators"]],
    })


def years_used(values: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """indicator_id -> (year, regions with a figure) as chosen by cmp_set_values."""
    if values.empty:
        return {}
    first = values.drop_duplicates("indicator_id")
    return {r.indicator_id: (int(r.year), int(r.regions_with_value)) for r in first.itertuples()}


def similar_summary(values: pd.DataFrame, z: pd.DataFrame, indicators: list[str], lang: str,
                    catalog: dict[str, Indicator] | None = None) -> tuple[list[str], list[str]]:
    """(indicators used, as 'name (year, n regions)'; indicators left out, with the reason)."""
    catalog = catalog or load_catalog()
    used_years = years_used(values)
    in_z = set(z["indicator_id"]) if not z.empty else set()
    used, left_out = [], []
    for ind_id in indicators:
        name = indicator_label(lookup(catalog, ind_id), lang)
        if ind_id in in_z:
            year, n = used_years[ind_id]
            used.append(t("bandingkan.similar.used_item", lang, name=name, year=year, n=n))
        elif ind_id in used_years:
            left_out.append(t("bandingkan.similar.no_spread", lang, name=name))
        else:
            left_out.append(t("bandingkan.similar.too_sparse", lang, name=name, n=SIMILAR_MIN_REGIONS))
    return used, left_out
