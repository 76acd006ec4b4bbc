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

from jabodash.core import fmt
from jabodash.core.catalog import get as get_indicator
from jabodash.core.i18n import t
from jabodash.features import kependudukan
from jabodash.store import Store

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
