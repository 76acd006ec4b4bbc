"""Figures of the population page (Kependudukan), computed from the store.

* Population series: census counts, BPS projections/estimates and the Dukcapil registry stay
  separate series (never joined into one line).
* One census year: population, official area, density, 2010-2020 growth and each region's
  share of the metro. Shares exist only when the metro total is complete (in SQL).
* Commuting: what data/flows.csv holds. Published totals for groups of regions (BODETABEK,
  JABODETABEK, DKI Jakarta as origin) are kept apart from the kab/kota rows: they are shown
  as totals, never added to or subtracted from the kab/kota figures.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from jabodash.charts import sources_text
from jabodash.core import fmt
from jabodash.core.catalog import get as get_indicator
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features.ringkasan import Kpi
from jabodash.store import Store
from jabodash.store.aggregate import MetroValue, metro_value

SERIES = ("population_census", "population_estimate_bps", "population_dukcapil")
GROWTH = "population_growth_2010_2020"
GROWTH_YEAR = 2020  # the derived growth rate is filed under the second census
DENSITY = "population_density_census"
DKI_PROVINCE = "31"
# Group codes used in data/flows.csv and the regions they stand for.
GROUP_CODES = ("BODETABEK", "JABODETABEK", "DKI Jakarta")
ANY_DESTINATION = "any other kab/kota"


# ---------------------------------------------------------------- series and census year

def series(store: Store, region_set: str) -> pd.DataFrame:
    """Every figure of the three population series for the regions of the set (long).
    Regions without any figure keep one row with NULL series/value."""
    return store.query("kependudukan_series", series=list(SERIES), region_set=region_set)


def census_years(store: Store, region_set: str) -> pd.DataFrame:
    return store.query("kependudukan_census_years", region_set=region_set)


def default_census_year(years: pd.DataFrame, wanted: int | None) -> int | None:
    options = [int(y) for y in years["year"]]
    if not options:
        return None
    return wanted if wanted in options else max(options)


def census_year(store: Store, year: int, region_set: str) -> pd.DataFrame:
    """One row per region: population, area, density, growth, share (NULL when the metro
    total is incomplete), covered/total."""
    return store.query("kependudukan_census_year", year=int(year), region_set=region_set)


def census_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The census-year frame as a display table with translated column names."""
    out = pd.DataFrame({
        t("kependudukan.col.region", lang): frame["short_name"],
        t("kependudukan.col.code", lang): frame["region_code"],
        t("kependudukan.col.population", lang): frame["population"].astype("Int64"),
        t("kependudukan.col.area", lang): frame["area_km2"],
        t("kependudukan.col.density", lang): frame["density"].round(1),
        t("kependudukan.col.share", lang): frame["share_pct"].round(2),
        t("kependudukan.col.growth", lang): frame["growth_2010_2020"].round(2),
        t("kependudukan.col.source", lang): frame["source"],
    })
    return out.reset_index(drop=True)


def _most_covered_year(store: Store, indicator_id: str, region_set: str) -> int | None:
    """The year with the widest coverage (latest of equals)."""
    years = store.query("indicator_years", indicator_id=indicator_id, region_set=region_set)
    if years.empty:
        return None
    best = years.sort_values(["regions_with_value", "year"]).iloc[-1]
    return int(best["year"])


def kpis(store: Store, year: int, region_set: str) -> list[Kpi]:
    """Metro population and density of the census year, the registry total and the BPS
    estimate, each with its coverage (incomplete totals are not shown as totals)."""
    out = []
    for key, indicator_id, kpi_year in (
        ("kependudukan.kpi.census", "population_census", year),
        ("kependudukan.kpi.density", DENSITY, year),
        ("kependudukan.kpi.registry", "population_dukcapil", _most_covered_year(store, "population_dukcapil", region_set)),
        ("kependudukan.kpi.estimate", "population_estimate_bps",
         _most_covered_year(store, "population_estimate_bps", region_set)),
    ):
        ind = get_indicator(indicator_id)
        mv = metro_value(store, ind, kpi_year, region_set) if kpi_year is not None else None
        out.append(Kpi(key, ind, mv, kpi_year))
    return out


def density_metro(store: Store, year: int, region_set: str) -> MetroValue:
    return metro_value(store, get_indicator(DENSITY), year, region_set)


def density_source(census: pd.DataFrame, year: int, lang: str) -> str:
    """Source line of the density chart: the census counts and the official area it uses."""
    return t("kependudukan.density.source", lang, year=year,
             sources=sources_text([(census.dropna(subset=["population"]), "origin")], lang) or "–")


def growth_source(series_frame: pd.DataFrame, lang: str) -> str:
    """Source line of the growth chart: the SP2010 and SP2020 counts it uses."""
    census = series_frame[series_frame["series"] == "population_census"]
    return t("kependudukan.growth.source", lang, sources=sources_text([(census, "origin")], lang) or "–")


def growth_coverage(frame: pd.DataFrame) -> tuple[int, int]:
    return int(frame["growth_2010_2020"].notna().sum()), len(frame)


# ---------------------------------------------------------------- commuting

def group_members(regions: pd.DataFrame) -> dict[str, list[str]]:
    """Region codes each flow group stands for (within the full region table)."""
    jabo = regions[regions["in_jabodetabek"]]
    return {
        "BODETABEK": jabo.loc[jabo["province_code"] != DKI_PROVINCE, "code"].tolist(),
        "JABODETABEK": jabo["code"].tolist(),
        "DKI Jakarta": regions.loc[regions["province_code"] == DKI_PROVINCE, "code"].tolist(),
    }


def _group_name(code: str, lang: str) -> str:
    key = {"BODETABEK": "BODETABEK", "JABODETABEK": "JABODETABEK", "DKI Jakarta": "DKI"}.get(code)
    if key:
        return t(f"kependudukan.group.{key}", lang)
    if code == ANY_DESTINATION:
        return t("kependudukan.group.any", lang)
    return str(code)


def flows(store: Store, region_set: str, lang: str) -> pd.DataFrame:
    """Every commuting flow with labels and its kind: 'kabkota' (origin is a region of the
    set) or 'group' (a published total for a group of regions). Kab/kota rows whose origin
    is outside the set are left out."""
    regions = store.query("regions", region_set=region_set)
    names = dict(zip(regions["code"], regions["short_name"]))
    frame = store.query("flows")
    origins = store.query("datasets").set_index("id")["origin"]
    frame["origin_site"] = frame["dataset_id"].map(origins)
    is_region = frame["origin_code"].str.fullmatch(r"\d{4}")
    frame = frame[~is_region | frame["origin_code"].isin(names)].copy()
    frame["kind"] = frame["origin_code"].map(lambda c: "kabkota" if c in names else "group")
    frame["origin_name"] = [names.get(c) or _group_name(c, lang) for c in frame["origin_code"]]
    frame["destination_name"] = [names.get(c) or _group_name(c, lang) for c in frame["destination_code"]]
    return frame.reset_index(drop=True)


def flows_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    def measure(indicator_id: str) -> str:
        return get_indicator(indicator_id).short(lang)

    return pd.DataFrame({
        t("kependudukan.flows.col.origin", lang): frame["origin_name"],
        t("kependudukan.flows.col.destination", lang): frame["destination_name"],
        t("kependudukan.flows.col.year", lang): frame["year"],
        t("kependudukan.flows.col.measure", lang): frame["indicator_id"].map(measure),
        t("kependudukan.flows.col.value", lang): frame["value"].astype("Int64"),
        t("kependudukan.flows.col.kind", lang): frame["kind"].map(lambda k: t(f"kependudukan.flows.kind.{k}", lang)),
        t("kependudukan.flows.col.note", lang): frame["note"],
        t("kependudukan.flows.col.source", lang): frame["source"],
    })


@dataclass
class Sankey:
    """Nodes and links of a flow chart for one year and one flow indicator."""
    year: int
    labels: list[str] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    link_kinds: list[str] = field(default_factory=list)       # kabkota | group
    link_labels: list[str] = field(default_factory=list)
    itemised: list[str] = field(default_factory=list)         # names of itemised kab/kota origins
    members: int = 0                                           # kab/kota in the group the itemised ones belong to
    published_total: float | None = None                       # group total into the same destination
    datasets: pd.DataFrame = field(default_factory=pd.DataFrame)  # dataset_id, source, origin_site of the rows used

    @property
    def empty(self) -> bool:
        return not self.values


def sankey(flow_frame: pd.DataFrame, regions_all: pd.DataFrame, lang: str,
           indicator_id: str = "commuters_to_destination", year: int | None = None) -> Sankey:
    """Flow chart data from the flows of one indicator and year (the latest by default).

    * kab/kota origin -> destination: a link (figures per kab/kota, "itemised");
    * group origin -> the same group ("DKI Jakarta" -> "DKI Jakarta"): a link from the
      group's residents to "other kab/kota in the group";
    * group origin -> a destination that itemised links already reach (BODETABEK -> DKI):
      NOT a link (it would count the itemised origins twice); kept as published_total;
    * any other group row: a link between group nodes.
    """
    rows = flow_frame[flow_frame["indicator_id"] == indicator_id]
    if rows.empty:
        return Sankey(year=year or 0)
    year = int(year if year is not None else rows["year"].max())
    rows = rows[rows["year"] == year]
    out = Sankey(year=year)
    index: dict[tuple[str, str], int] = {}

    def node(side: str, label: str) -> int:
        if (side, label) not in index:
            index[(side, label)] = len(out.labels)
            out.labels.append(label)
        return index[(side, label)]

    itemised = rows[rows["kind"] == "kabkota"].sort_values("value", ascending=False)
    reached = set(itemised["destination_code"])
    used = [itemised]
    for row in itemised.itertuples():
        dest = t("kependudukan.sankey.dest_itemised", lang, name=row.destination_name, n=len(itemised))
        _link(out, node("o", row.origin_name), node("d", dest), row.value, "kabkota",
              t("kependudukan.sankey.itemised", lang))
    out.itemised = itemised["origin_name"].tolist()
    groups = rows[rows["kind"] == "group"].sort_values("value", ascending=False)
    members = group_members(regions_all)
    for row in groups.itertuples():
        if row.destination_code in reached and row.origin_code != row.destination_code:
            out.published_total = float(row.value)
            out.members = len(members.get(row.origin_code, []))
            used.append(groups.loc[[row.Index]])
            continue
        origin = t("kependudukan.group.residents", lang, name=row.origin_name)
        if row.origin_code == row.destination_code:
            dest = t("kependudukan.group.within", lang, name=row.destination_name)
        else:
            dest = row.destination_name
        _link(out, node("o", origin), node("d", dest), row.value, "group", t("kependudukan.sankey.published_total", lang))
        used.append(groups.loc[[row.Index]])
    if out.members == 0 and len(itemised):
        out.members = len(members["BODETABEK"])
    out.datasets = pd.concat(used)[["dataset_id", "source", "origin_site"]].drop_duplicates()
    return out


def _link(out: Sankey, source: int, target: int, value: float, kind: str, label: str) -> None:
    out.sources.append(source)
    out.targets.append(target)
    out.values.append(float(value))
    out.link_kinds.append(kind)
    out.link_labels.append(label)


def region_values(store: Store, indicator_id: str, year: int, region_set: str) -> pd.DataFrame:
    """An observed indicator for every region of the set (gaps kept)."""
    return store.query("indicator_values", indicator_id=indicator_id, year=int(year), region_set=region_set)


def flow_values(store: Store, flow_frame: pd.DataFrame, indicator_id: str, region_set: str) -> tuple[pd.DataFrame, int | None, float | None]:
    """A flow indicator's latest year as one value per region of the set (NULL where the
    data has no kab/kota row), the year, and the published total for the whole area (a
    group row) when there is one. The group total is returned apart, never added."""
    rows = flow_frame[flow_frame["indicator_id"] == indicator_id]
    regions = store.query("regions", region_set=region_set)
    base = regions[["code", "name", "short_name", "province"]].rename(columns={"code": "region_code"})
    if rows.empty:
        base["value"] = pd.NA
        return base, None, None
    year = int(rows["year"].max())
    rows = rows[rows["year"] == year]
    kab = rows[rows["kind"] == "kabkota"][["origin_code", "value", "note", "dataset_id", "source", "origin_site"]]
    kab = kab.rename(columns={"origin_site": "origin"})
    out = base.merge(kab.rename(columns={"origin_code": "region_code"}), on="region_code", how="left")
    out = pd.concat([out[out["value"].notna()].sort_values("value", ascending=False), out[out["value"].isna()]])
    group = rows[rows["kind"] == "group"]
    total = float(group["value"].max()) if len(group) else None
    return out.reset_index(drop=True), year, total


def latest_values(store: Store, indicator_id: str, region_set: str) -> tuple[pd.DataFrame, int | None]:
    """An observed indicator in its latest year for every region of the set (gaps kept)."""
    years = store.query("indicator_years", indicator_id=indicator_id, region_set=region_set)
    if years.empty:
        return pd.DataFrame(columns=["region_code", "short_name", "name", "value"]), None
    year = int(years["year"].max())
    return region_values(store, indicator_id, year, region_set), year


def total_note(total: float | None, lang: str) -> str | None:
    """The line that states a published group total next to kab/kota bars."""
    if total is None:
        return None
    return t("kependudukan.count_total_note", lang, value=fmt.number(total, 0, lang))


def commuting_facts(sk: Sankey, share: pd.DataFrame, cost: pd.DataFrame, count_2023: pd.DataFrame,
                    lang: str) -> dict:
    """Numbers for the honest note on what the commuting data covers (for st.markdown:
    the region names are Markdown-escaped)."""
    return dict(
        itemised=len(sk.itemised), members=sk.members, names=md_escape(", ".join(sk.itemised), 300),
        total=fmt.number(sk.published_total, 0, lang, missing=t("common.no_data", lang)),
        itemised_2023=int(count_2023["value"].notna().sum()),
        share_n=int(share["value"].notna().sum()), cost_n=int(cost["value"].notna().sum()),
    )
