"""Build the embedded dataset in data/ from the compiled reference tables.

Usage: python tools/build_data.py PATH/TO/reference

The reference folder (regions.csv, indicators_long.csv, commuters.csv, SOURCES.md) holds
figures read in named public sources. This script only reshapes them: it never invents,
interpolates or fills a value. Its decisions are listed here and recorded in the output:

* Conflicting values for the same region, indicator and year: one is kept (rules in
  CONFLICT_RULES), the other goes to data/conflicts.csv and into the kept row's note.
* Renamed indicator ids, so that a name says what the series is:
  population_density -> population_density_published (published figure, BPS areas),
  population_growth_rate -> population_growth_2000_2010 (SP2010 preliminary).
* The derived centroid columns of regions.csv are dropped (they come from the
  development boundaries); the published lat/lon stay.
"""
from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "data"

RENAMES = {
    "population_density": "population_density_published",
    "population_growth_rate": "population_growth_2000_2010",
}

# (region, indicator, year) -> (value kept, reason)
CONFLICT_RULES = {
    ("3603", "population_census", 2010): (
        2834376.0,
        "kept 2,834,376: three independent sources (cryer.org.uk, wikide.org, a thesis citing BPS) agree",
    ),
    ("3203", "unemployment_rate_tpt", 2018): (
        10.16,
        "kept 10.16: quoted by the regency's labour office (Disnakertrans) from BPS; 10.10 is a later news paraphrase",
    ),
    ("3203", "unemployment_rate_tpt", 2019): (
        9.75,
        "kept 9.75: quoted by the regency's labour office (Disnakertrans) from BPS; 9.72 is a later news paraphrase",
    ),
}

PROVINCE_CODES = {"DKI Jakarta": "31", "Jawa Barat": "32", "Banten": "36"}


def dataset_id(source: str) -> str:
    return "src_" + hashlib.sha1(source.encode("utf-8")).hexdigest()[:8]


def origin_of(source: str) -> str:
    s = source.strip()
    if s.startswith("github:"):
        return s.split()[0]
    if s.startswith("http"):
        return urlparse(s.split()[0]).netloc.removeprefix("www.")
    return s.split("(")[0].strip()[:80]


def url_of(source: str) -> str:
    s = source.strip()
    if s.startswith("http"):
        return s.split()[0]
    if s.startswith("github:"):
        repo = s.split()[0].removeprefix("github:")
        return f"https://github.com/{repo}"
    return ""


def build(ref: Path) -> None:
    OUT.mkdir(exist_ok=True)
    regions = pd.read_csv(ref / "regions.csv", dtype={"code": str, "kemendagri_code": str})
    regions = regions.rename(columns={"type": "kind", "in_aglomerasi_law_2_2024": "in_agglomeration"})
    regions["province_code"] = regions["province"].map(PROVINCE_CODES)
    regions["kemendagri_code"] = regions["kemendagri_code"].map(lambda s: f"{float(s):.2f}")
    regions = regions[
        ["code", "kemendagri_code", "name", "short_name", "kind", "province_code", "province",
         "in_jabodetabek", "in_agglomeration", "lat", "lon", "coord_source", "area_km2", "area_source"]
    ].sort_values("code")
    regions.to_csv(OUT / "regions.csv", index=False, lineterminator="\n")

    obs = pd.read_csv(ref / "indicators_long.csv", dtype={"region_code": str})
    obs["indicator"] = obs["indicator"].replace(RENAMES)
    obs["note"] = obs["note"].fillna("")
    keep = []
    dropped = []
    for key, group in obs.groupby(["region_code", "indicator", "year"], sort=False):
        if len(group) == 1:
            keep.append(group.index[0])
            continue
        value, reason = CONFLICT_RULES[key]  # a new conflict must get a rule: KeyError on purpose
        kept = group[group["value"] == value]
        assert len(kept) == 1, key
        keep.append(kept.index[0])
        others = group.drop(kept.index)
        for _, row in others.iterrows():
            dropped.append({**row.to_dict(), "kept_value": value, "reason": reason})
        other_txt = "; ".join(f"{r.value:g} ({r.source})" for r in others.itertuples())
        obs.loc[kept.index[0], "note"] = f"{obs.loc[kept.index[0], 'note']} | CONFLICT RESOLVED: {reason}; not used: {other_txt}".strip(" |")
    obs = obs.loc[sorted(keep)]
    obs["dataset_id"] = obs["source"].map(dataset_id)
    out = obs.rename(columns={"indicator": "indicator_id"})[
        ["region_code", "indicator_id", "year", "value", "unit", "dataset_id", "note"]
    ].sort_values(["indicator_id", "region_code", "year"])
    out.to_csv(OUT / "observations.csv", index=False, lineterminator="\n")
    pd.DataFrame(dropped).rename(columns={"indicator": "indicator_id"}).to_csv(
        OUT / "conflicts.csv", index=False, lineterminator="\n")

    flows = pd.read_csv(ref / "commuters.csv", dtype=str)
    flows["dataset_id"] = flows["source"].map(dataset_id)
    flows["indicator_id"] = flows["year"].map({"2014": "commuters_to_destination", "2023": "commuters_any_destination"})
    flows.loc[flows["note"].str.contains("WORKERS", na=False), "indicator_id"] = "commuting_workers_any_destination"
    flows = flows.rename(columns={"commuters": "value"})
    flows[["origin_code", "destination_code", "year", "indicator_id", "value", "dataset_id", "note"]].to_csv(
        OUT / "flows.csv", index=False, lineterminator="\n")

    sources = pd.concat([obs["source"], flows["source"]]).drop_duplicates()
    datasets = pd.DataFrame({"id": sources.map(dataset_id), "title": sources})
    datasets["origin"] = datasets["title"].map(origin_of)
    datasets["source_url"] = datasets["title"].map(url_of)
    datasets["license"] = "not stated by the source; figures are facts quoted from the publication named in title"
    assert datasets["id"].is_unique
    datasets.sort_values("id").to_csv(OUT / "datasets.csv", index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    print(f"regions {len(regions)}, observations {len(out)}, conflicts {len(dropped)}, flows {len(flows)}, datasets {len(datasets)}")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference"))
