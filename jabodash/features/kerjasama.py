"""Figures of the cooperation and agglomeration page (Kerja sama & aglomerasi).

* Membership: Jabodetabek (14 kab/kota) and the agglomeration area of Law 2/2024
  (Jabodetabek + Kab. Cianjur, 15), from the region table.
* DKI Jakarta's financial assistance to buffer regions: the recipients are the non-DKI
  regions; the six DKI units are the giver and are left out (not shown as "no data").
* What links each region to Jakarta: a matrix built from LINKS, one column per tie, each
  at the latest year the data holds. A new tie is one more Link entry.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jabodash.charts import kerjasama as charts_kerjasama
from jabodash.core import fmt
from jabodash.core.catalog import get as get_indicator
from jabodash.core.i18n import t
from jabodash.features import kependudukan
from jabodash.store import Store, cooperation

DKI_PROVINCE = "31"
ASSISTANCE = "dki_financial_assistance_budget"


@dataclass(frozen=True)
class Link:
    id: str
    kind: str                       # membership | observation | flow
    source: str                     # region column (membership) or indicator id
    destination: str | None = None  # flows only: destination code the flow must have
    dki_na: bool = False            # not applicable to DKI Jakarta's own units


LINKS = (
    Link("member_jabodetabek", "membership", "in_jabodetabek"),
    Link("member_agglomeration", "membership", "in_agglomeration"),
    Link("dki_assistance", "observation", ASSISTANCE, dki_na=True),
    Link("commuters_to_dki", "flow", "commuters_to_destination", destination="DKI Jakarta", dki_na=True),
    Link("commuters_any", "flow", "commuters_any_destination"),
    Link("commuter_share", "observation", "commuter_share_of_population"),
    Link("commuter_cost", "observation", "commuters_daily_cost_over_25k_rp"),
)


def regions(store: Store, region_set: str) -> pd.DataFrame:
    return store.query("regions", region_set=region_set)


def membership(store: Store) -> dict[str, dict]:
    """Members of each area, counted by province (from the full region table)."""
    allr = store.query("regions", region_set="agglomeration")
    out = {}
    for key, column in (("agglomeration", "in_agglomeration"), ("jabodetabek", "in_jabodetabek")):
        members = allr[allr[column]]
        by_prov = members["province_code"].value_counts()
        out[key] = dict(n=len(members), dki=int(by_prov.get("31", 0)), jabar=int(by_prov.get("32", 0)),
                        banten=int(by_prov.get("36", 0)))
    return out


def assistance(store: Store, region_set: str) -> tuple[pd.DataFrame, int | None]:
    """The latest year of DKI's financial assistance for the non-DKI regions of the set
    (gaps kept as NULL rows), and that year."""
    years = store.query("indicator_years", indicator_id=ASSISTANCE, region_set=region_set)
    if years.empty:
        return pd.DataFrame(columns=["region_code", "short_name", "name", "value"]), None
    year = int(years["year"].max())
    frame = store.query("indicator_values", indicator_id=ASSISTANCE, year=year, region_set=region_set)
    codes = regions(store, region_set).set_index("code")["province_code"]
    frame = frame[frame["region_code"].map(codes) != DKI_PROVINCE]
    return frame.reset_index(drop=True), year


def assistance_total(frame: pd.DataFrame) -> tuple[float | None, int]:
    """Sum of the recipients the source lists, and how many they are."""
    present = frame["value"].dropna()
    return (float(present.sum()) if len(present) else None), len(present)


def commuting_total(store: Store, region_set: str, lang: str) -> kependudukan.Sankey:
    regions_all = store.query("regions", region_set="agglomeration")
    return kependudukan.sankey(kependudukan.flows(store, region_set, lang), regions_all, lang)


def links(store: Store, region_set: str, lang: str) -> pd.DataFrame:
    """Long frame: region x tie, with status yes/no/na/no_data, display text, year, value
    and source. Regions stay in code order; a tie without data in a region is 'no_data'."""
    regs = regions(store, region_set)
    obs_ids = [link.source for link in LINKS if link.kind == "observation"]
    obs = store.query("kerjasama_latest", indicator_ids=obs_ids, region_set=region_set)
    flow_frame = kependudukan.flows(store, region_set, lang)
    parts = []
    for link in LINKS:
        base = regs[["code", "short_name", "province_code"]].rename(columns={"code": "region_code"})
        year, decimals = None, 0
        if link.kind == "membership":
            base["value"] = regs[link.source].astype(float).to_numpy()
            base["source"] = None
            base["origin"] = None
        else:
            if link.kind == "observation":
                rows = obs[obs["indicator_id"] == link.source]
                year = int(rows["year"].max()) if len(rows) else None
                rows = rows[["region_code", "value", "source", "origin"]]
            else:
                rows = flow_frame[(flow_frame["indicator_id"] == link.source) & (flow_frame["kind"] == "kabkota")]
                if link.destination:
                    rows = rows[rows["destination_code"] == link.destination]
                year = int(rows["year"].max()) if len(rows) else None
                rows = rows[rows["year"] == year].rename(columns={"origin_code": "region_code", "origin_site": "origin"})[
                    ["region_code", "value", "source", "origin"]]
            base = base.merge(rows, on="region_code", how="left")
            decimals = get_indicator(link.source).decimals
        base["link_id"] = link.id
        base["year"] = year
        base["label"] = t(f"kerjasama.link.{link.id}", lang, year=year if year is not None else "")
        base["status"], base["text"] = zip(*[_status(link, row.province_code, row.value, decimals, lang)
                                              for row in base.itertuples()])
        parts.append(base)
    return pd.concat(parts, ignore_index=True)


def _status(link: Link, province: str, value, decimals: int, lang: str) -> tuple[str, str]:
    if link.kind == "membership":
        return ("yes", t("kerjasama.matrix.yes", lang)) if value == 1 else ("no", t("kerjasama.matrix.no", lang))
    if link.dki_na and province == DKI_PROVINCE:
        return "na", t("kerjasama.matrix.na", lang)
    if pd.isna(value):
        return "no_data", t("common.no_data", lang)
    return "yes", fmt.number(value, decimals, lang)


def links_table(matrix: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The matrix as a wide display table (regions x ties, cell text)."""
    columns = list(dict.fromkeys(matrix["label"]))
    wide = matrix.pivot(index="short_name", columns="label", values="text")
    order = list(dict.fromkeys(matrix["short_name"]))
    wide = wide.reindex(index=order, columns=columns)
    wide.index.name = t("kependudukan.col.region", lang)
    return wide.reset_index()


def other_indicators(store: Store, region_set: str, lang: str) -> pd.DataFrame:
    """Every cooperation-theme indicator with its years and widest coverage."""
    frame = store.query("kerjasama_themes", region_set=region_set)
    name, unit = ("name_en", "unit_en") if lang == "en" else ("name_id", "unit_id")
    return pd.DataFrame({
        t("kerjasama.other.col.indicator", lang): frame[name],
        t("kerjasama.other.col.unit", lang): frame[unit],
        t("kerjasama.other.col.years", lang): frame["years"].map(
            lambda ys: ", ".join(str(y) for y in ys) if hasattr(ys, "__len__") and len(ys) else t("common.no_data", lang)),
        t("kerjasama.other.col.coverage", lang): [t("common.coverage", lang, covered=int(c), total=int(n))
                                                    for c, n in zip(frame["max_regions"], frame["total"])],
    })


# ---------------------------------------------------------------------------------------------
# The cooperation register (data/cooperation.csv and uploaded agreement files; the data and its
# derived views are jabodash.store.cooperation, shared with the presenter): what the page shows.

PROVINCE_NAMES = cooperation.PROVINCES


def node_codes(store: Store, region_set: str) -> list[str]:
    """The central government, the three provinces, then the kab/kota of the set in code order."""
    return [cooperation.CENTRAL, *PROVINCE_NAMES, *regions(store, region_set)["code"]]


def nodes(store: Store, region_set: str, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """code, label (tile abbreviation or province), name, row, col, n (agreements naming it)."""
    return charts_kerjasama.register_nodes(regions(store, region_set), frame, lang)


def filtered(frame: pd.DataFrame, active_only: bool = False, sectors: tuple[str, ...] = (), text: str = "",
             kinds: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows of the register that pass the page's filters (text: any word, case-insensitive, in
    parties, description, publisher or source title; plain text, never a pattern)."""
    out = frame
    if active_only:
        out = out[out["status"] == "active"]
    if sectors:
        out = out[out["sector"].isin(sectors)]
    if kinds:
        out = out[out["kind"].isin(kinds)]
    words = [w for w in str(text or "").lower().split() if w][:10]
    if words:
        hay = (out["parties"].fillna("") + " " + out["description"].fillna("") + " "
               + out["description_id"].fillna("") + " " + out["publisher"].fillna("")
               + " " + out["source_title"].fillna("")).str.lower()
        for word in words:
            out = out[hay.loc[out.index].str.contains(word, regex=False)]
    return out


def summary(frame: pd.DataFrame, region_codes: list[str]) -> dict:
    """Counts for the KPI cards: agreements (all, active), regions named, other records."""
    agreements = cooperation.agreements_only(frame)
    return dict(agreements=len(agreements), active=int((agreements["status"] == "active").sum()),
                covered=len(cooperation.covered_regions(agreements, region_codes)), total=len(region_codes),
                other=len(frame) - len(agreements))


def register_source(frame: pd.DataFrame, lang: str) -> str:
    return charts_kerjasama.register_source(frame, lang)


def network_figure(store: Store, region_set: str, frame: pd.DataFrame, lang: str, active_only: bool = False):
    """The network of the agreements of ``frame`` (meetings, disputes and plans are not links)."""
    return charts_kerjasama.register_network(frame, regions(store, region_set), lang, active_only)


def matrix_figure(store: Store, region_set: str, frame: pd.DataFrame, lang: str, active_only: bool = False):
    links_ = cooperation.agreements_only(frame, active_only)
    node_frame = nodes(store, region_set, links_, lang)
    matrix = cooperation.sector_matrix(links_, list(node_frame["code"]))
    subtitle = t("kerjasama.register.matrix.subtitle", lang, n=len(links_),
                 scope=t("kerjasama.register.active_only" if active_only else "kerjasama.register.all", lang))
    fig = charts_kerjasama.sector_heatmap(matrix, list(node_frame["name"]), lang, subtitle,
                                          register_source(links_, lang))
    return fig, matrix, node_frame


def _years(row) -> str:
    start = "" if pd.isna(row["year_start"]) else str(int(row["year_start"]))
    end = "" if pd.isna(row["year_end"]) else str(int(row["year_end"]))
    return f"{start}–{end}" if start and end and start != end else (start or end)


def register_table(frame: pd.DataFrame, lang: str, names: dict[str, str] | None = None) -> pd.DataFrame:
    """The searchable table: one row per record, texts in the UI's language, the source as a link.
    Cells hold plain text (the UI never renders them as HTML or Markdown)."""
    names = names or {}
    col = lambda key: t(f"kerjasama.register.col.{key}", lang)   # noqa: E731
    choice = lambda kind, value: t(f"kerjasama.register.{kind}.{value}", lang) if value else ""   # noqa: E731
    return pd.DataFrame({
        col("kind"): [choice("kind", v) for v in frame["kind"]],
        col("sector"): [choice("sector", v) for v in frame["sector"]],
        col("parties"): frame["parties"],
        col("regions"): [", ".join(names.get(c, c) for c in cooperation.party_codes(v)) for v in frame["party_codes"]],
        col("form"): frame["form"],
        col("years"): [_years(r) for r in frame.to_dict("records")],
        col("status"): [choice("status", v) for v in frame["status"]],
        col("description"): _description(frame, lang),
        col("obstacles"): frame["obstacles_results"],
        col("publisher"): frame["publisher"],
        col("grade"): [t(f"grade.{g}", lang) if g in cooperation.GRADES else "" for g in frame["grade"]],
        col("source"): frame["source_url"],
        col("origin"): [choice("origin", v) for v in frame["origin"]] if "origin" in frame else "",
    }).reset_index(drop=True)


def _description(frame: pd.DataFrame, lang: str) -> pd.Series:
    """The one-line description in the UI's language: description_id in Indonesian where the row has
    it, else the (English) description; the other way round in English."""
    first, second = ("description_id", "description") if lang == "id" else ("description", "description_id")
    a, b = frame[first].fillna("").astype(str), frame[second].fillna("").astype(str)
    return a.where(a.str.strip() != "", b)


def region_records(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """The records that name a region (for its profile), agreements first, newest first."""
    rows = cooperation.for_region(frame, code).copy()
    rows["_agreement"] = rows["kind"] != "agreement"
    return rows.sort_values(["_agreement", "year_start"], ascending=[True, False], na_position="last").drop(
        columns="_agreement")


def template_csv() -> bytes:
    """The agreements template offered on the upload page (CSV, UTF-8)."""
    return cooperation.template_frame().to_csv(index=False).encode("utf-8")
