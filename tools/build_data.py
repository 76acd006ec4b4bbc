"""Build the embedded dataset in data/ from the compiled reference tables.

Usage: python tools/build_data.py PATH/TO/reference

The reference folder (regions.csv, indicators_long.csv, commuters.csv, additions_*.csv, SOURCES.md) holds
figures read in named public sources. This script only reshapes them: it never invents,
interpolates or fills a value. Its decisions are listed here and recorded in the output:

* Conflicting values for the same region, indicator and year: one is kept (rules in
  CONFLICT_RULES), the other goes to data/conflicts.csv and into the kept row's note.
* Renamed indicator ids, so that a name says what the series is:
  population_density -> population_density_published (published figure, BPS areas),
  population_growth_rate -> population_growth_2000_2010 (SP2010 preliminary).
* The derived centroid columns of regions.csv are dropped (they come from the
  development boundaries); the published lat/lon stay.
* Additions (additions_*.csv, with a quality column): rows of quality good or medium are
  figures like the others; rows of quality low go only to data/conflicts.csv, as evidence
  (kept_value = the figure in the data, empty when there is none: a gap stays a gap).
* Sourced figures (data/sources/*.csv, columns SOURCE_COLUMNS: one row per figure with the page
  read, its title and publisher, a short quote showing the number, and the grade decided by the
  guide's rule with its reason): figures like the others, graded as the file says (not by
  GRADE_RULES). One dataset per address; its title names the publisher first. Where a sourced
  figure and another differ, the more official grade wins (at an equal grade the sourced file,
  read with a quote, wins); the other goes to data/conflicts.csv.
* Every dataset gets a provenance grade (GRADE_RULES below, first match wins; the reason goes to
  datasets.csv grade_reason): official (BPS or a ministry/government agency, read on its own
  site), official-cited (a news agency or document quoting a named BPS table, release or
  officer, or a verbatim copy of a named official table), secondary (encyclopedias and their
  mirrors, data-portal compilations, blogs, pages that name no official table or officer).
"""
from __future__ import annotations

import csv
import hashlib
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "data"
SOURCES = OUT / "sources"
SOURCE_COLUMNS = ["region_code", "indicator", "year", "value", "unit", "source_url", "source_title", "publisher",
                  "quote", "grade", "grade_reason", "note"]

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
    ("3276", "grdp_current_prices", 2022): (
        81.17,
        "kept 81.17: CNBC quoting the BPS Kota Depok report (additions 2026-12, quality good); "
        "81.0 is an infographic's approximate 'sekitar Rp81 triliun'",
    ),
}

# The same figure from two sources is not a conflict: the row of the better-graded source is kept
# and the other source is named in its note (CORROBORATED).

PROVINCE_CODES = {"DKI Jakarta": "31", "Jawa Barat": "32", "Banten": "36"}
ADDITION_QUALITIES_USED = ("good", "medium")

# Provenance grades. GRADE_RULES are tried in order on each source (its host, its text and the
# notes of every row that cites the same address); the first that matches gives the grade and
# the reason written to datasets.csv. A rule is (test, grade, reason); test(host, title, text).
GRADES = ("official", "official-cited", "secondary")
# Document mirrors: what is read there is a copy, not the publisher's page (secondary whatever it copies).
MIRROR_HOSTS = r"(?:^|[/.])(?:123dok\.com|scribd\.com|adoc\.pub)\b"
PORTAL_HOSTS = ("databoks.katadata.co.id", "katadata.co.id", "goodstats.id", "viewshoot.org")
QUOTES_OFFICIAL = re.compile(
    r"\bBPS\b|quot|Kemenkes|Kemendagri|Kemendikdasmen|Dukcapil|Dinkes|Disnaker|Biro Tata Pemerintahan",
    re.IGNORECASE)
# Judgement calls by address (substring of the source), before the general news rule.
GRADE_BY_SOURCE = {
    # personal repositories are secondary by our rule, whatever they copy (audit of issue 23)
    "github:tauradavin/uas-visdat-2026": (
        "secondary", "a student's coursework repository holding downloads of a named BPS table (var 413 / P0): "
        "a personal repository, not read at BPS"),
    "github:season179/tiny-chatbot": (
        "secondary", "a chatbot's personal repository holding the text of a named BPS DKI release "
        "(BRS No. 22/05/31/Th.XX), not read at BPS"),
    "github:cahyadsn/wilayah": (
        "secondary", "a personal repository's transcription of a named decree and letter (Kepmendagri "
        "300.2.2-2138/2025, BIG B-16.10/DIGD-BIG/IGD.04.04/12/2024), not read at the ministry"),
    "github:jabardigitalservice/": (
        "official-cited", "Open Data Jabar file (West Java government) reproducing BPS figures"),
    "github:mbahmu25/JakFestGM": ("secondary", "hackathon compilation of BPS DKI tables, transcribed by hand"),
    "id.scribd.com": ("secondary", "uploaded table whose origin is not stated"),
    # document mirrors are secondary by our rule: the text is not read at its publisher (audit of issue 23)
    "scribd.com/doc/7174664": ("secondary", "a mirror (Scribd upload) of a named ministry table (Kemendiknas "
                               "'APK Tahun 2006'), not read at the ministry"),
    "adoc.pub": ("secondary", "a document mirror of a named BPS release (BRS BPS DKI No. 44/10/31/Th. XIV), not "
                 "read at BPS"),
    "123dok.com": ("secondary", "a document mirror of a named BPS release or of a government document citing a "
                   "named BPS publication, not read at its publisher"),
    "radarbanten.co.id": ("official-cited", "news citing a named BPS table ('PDRB per kapita ADHB menurut "
                          "kab/kota di Provinsi Banten 2022')"),
    "cianjur.viva.co.id": ("secondary", "news compiled 'from various sources'; the source is not named"),
    "kompas.com/read/2019/01/09": ("secondary", "not an official statistic: Kompas's own city index (IKCI)"),
    "berimbang.com": ("secondary", "not an official statistic: Kompas's own city index (IKCI)"),
    "bogor.suara.com/amp/read/2024": ("secondary", "a legislator's remark, not the office that keeps the figure"),
    "jabar.idntimes.com": ("secondary", "a legislator citing BPS, not BPS or its table"),
}


# Government news pages that quote an officer (not the agency's own release of the figure): the
# general ".go.id" rule would call them official (audit of issue 23).
GOV_NEWS_PAGES = {
    "tangerangkab.go.id/detail-konten/show-berita": (
        "official-cited", "regency news page quoting the head of Dinkes Kab. Tangerang, not the agency's own "
        "release of the figure"),
    "setda.tangerangkota.go.id/berita": (
        "official-cited", "city secretariat news page quoting the acting mayor's remarks, not the health "
        "office's own count"),
}
# Re-graded by the audit of issue 23 (checked before the rules above, like GRADE_BY_SOURCE).
REGRADED = {
    "github:tauradavin/uas-visdat-2026 Data/Miskin 2021.csv": (
        "secondary", "a student's coursework repository (audit of issue 23): not a copy read at BPS"),
    "github:tauradavin/uas-visdat-2026 Data/Miskin 2022.csv": (
        "secondary", "a student's coursework repository (audit of issue 23): not a copy read at BPS"),
    "github:cahyadsn/wilayah db/wilayah_luas.sql": (
        "secondary", "a personal repository's transcription of the BIG letter and the Kepmendagri decree "
        "(audit of issue 23), not read at BIG or Kemendagri"),
}
# Figures left out of the data (to conflicts.csv as evidence, the gap stays): source substring -> reason.
DROPPED_SOURCES = {
    "cianjurupdate.com/cara-efektif-membuat-backlink": (
        "dropped: the provenance URL points to an unrelated page (an SEO article) and the cited cianjurupdate "
        "article could not be found; the gap stays"),
    "jumlah-penduduk-dan-persentase-kemiskinan-di-kota-bogor-2004-2024": (
        "dropped: not the BPS mid-year estimate; databoks' poverty pages give the Dukcapil registry of semester I "
        "2024 (the same template gives Kab. Tangerang 3,373,149 and Kota Bekasi 2,526,133, the counts of Dukcapil's "
        "semester I 2024 release); the gap stays"),
    "jumlah-penduduk-menurut-umur-di-kota-bogor-2024": (
        "dropped: databoks' 'penduduk menurut umur' series is not the BPS mid-year estimate (its Jakarta Pusat and "
        "Kep. Seribu 2024 values fall below SP2020); the gap stays"),
    "jumlah-penduduk-menurut-umur-di-kota-jakarta-pusat-2024": (
        "dropped: databoks' 'penduduk menurut umur' series is not the BPS mid-year estimate (914,918 is far below "
        "SP2020, 1,056,896, and the mid-2023 estimate); the gap stays"),
    "radarbanten.co.id/2023/05/17/inilah-urutan-pendapatan-per-kapita": (
        "dropped: read from a garbled article (printed 'Rp47,776,14', 'Rp94.382,54', 'Rp69,990,14'; Kota "
        "Tangerang +20 % on 2021); the gap stays until BPS Banten's table is read"),
}


def _regraded(host: str, title: str, text: str):
    for table in (REGRADED, GOV_NEWS_PAGES):
        for key, found in table.items():
            if key in title:
                return found
    return None


def _by_source(host: str, title: str, text: str):
    for key, (grade, reason) in GRADE_BY_SOURCE.items():
        if key in title:
            return grade, reason
    return None


GRADE_RULES = (
    _regraded,
    (lambda host, title, text: host.endswith("bps.go.id") and ("official", "BPS site, read directly")),
    (lambda host, title, text: host.endswith(".go.id")
     and ("official", "government site, read directly (the agency's own figure)")),
    (lambda host, title, text: "wikipedia" in title.lower()
     and ("secondary", "encyclopedia (Wikipedia) or a mirror of it")),
    (lambda host, title, text: host in PORTAL_HOSTS and ("secondary", "data-portal compilation")),
    (lambda host, title, text: "blogspot." in host and ("secondary", "blog")),
    _by_source,
    (lambda host, title, text: QUOTES_OFFICIAL.search(text)
     and ("official-cited", "news quoting BPS or a named official")),
    (lambda host, title, text: ("secondary", "news or page that names no official table or officer")),
)


def grade_of(source: str, notes: list[str] | tuple[str, ...] = ()) -> tuple[str, str]:
    """(grade, reason) of one source, by GRADE_RULES."""
    host = origin_of(source).lower()
    text = " ".join([source, *notes])
    for rule in GRADE_RULES:
        found = rule(host, source, text)
        if found:
            return found
    raise AssertionError("the last rule always matches")


def grade_sources(rows: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """source -> (grade, reason); the notes of every row citing the same address are read
    together (one article may be written up with and without 'BPS ... quoted')."""
    address = rows["source"].map(lambda s: s.split()[0])
    notes = rows.groupby(address)["note"].agg(lambda n: [str(x) for x in n if str(x)])
    titles = rows.groupby(address)["source"].agg(lambda s: sorted(set(s)))
    return {source: grade_of(source, [*titles[addr], *notes[addr]])
            for addr in titles.index for source in titles[addr]}


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


# units as the UI writes them (the compilation writes "km2"; the catalog's unit_en is what the data says)
UNITS = {"km2": "km²", "persons per km2": "persons per km²"}


def build(ref: Path, out_dir: Path = OUT, sources_dir: Path = SOURCES) -> None:
    out_dir.mkdir(exist_ok=True)
    regions = pd.read_csv(ref / "regions.csv", dtype={"code": str, "kemendagri_code": str})
    regions = regions.rename(columns={"type": "kind", "in_aglomerasi_law_2_2024": "in_agglomeration"})
    regions["province_code"] = regions["province"].map(PROVINCE_CODES)
    regions["kemendagri_code"] = regions["kemendagri_code"].map(lambda s: f"{float(s):.2f}")
    regions = regions[
        ["code", "kemendagri_code", "name", "short_name", "kind", "province_code", "province",
         "in_jabodetabek", "in_agglomeration", "lat", "lon", "coord_source", "area_km2", "area_source"]
    ].sort_values("code")
    regions.to_csv(out_dir / "regions.csv", index=False, lineterminator="\n")

    obs = pd.read_csv(ref / "indicators_long.csv", dtype={"region_code": str})
    additions, low = read_additions(ref)
    obs = pd.concat([obs, additions], ignore_index=True)
    obs["indicator"] = obs["indicator"].replace(RENAMES)
    obs["unit"] = obs["unit"].replace(UNITS)
    obs["note"] = obs["note"].fillna("")
    obs, left_out = drop_sources(obs)
    grades = grade_sources(obs)
    sourced, sourced_meta = read_sources(sources_dir)
    obs = pd.concat([obs, sourced], ignore_index=True)
    grades.update({key: (meta["grade"], meta["grade_reason"]) for key, meta in sourced_meta.items()})
    keep = []
    dropped = left_out
    for key, group in obs.groupby(["region_code", "indicator", "year"], sort=False):
        if len(group) == 1:
            keep.append(group.index[0])
            continue
        if group["value"].nunique() == 1:
            keep.append(corroborated(obs, group, grades, sourced_meta))
            continue
        value, reason = CONFLICT_RULES.get(key) or by_grade(group, grades, sourced_meta, key)
        kept = group[group["value"] == value]
        assert len(kept) >= 1, key
        kept = obs.loc[[corroborated(obs, kept, grades, sourced_meta)]]
        keep.append(kept.index[0])
        others = group[group["value"] != value]
        for _, row in others.iterrows():
            dropped.append({**row.to_dict(), "kept_value": value, "reason": reason})
        other_txt = "; ".join(f"{r.value:g} ({r.source})" for r in others.itertuples())
        obs.loc[kept.index[0], "note"] = f"{obs.loc[kept.index[0], 'note']} | CONFLICT RESOLVED: {reason}; not used: {other_txt}".strip(" |")
    all_sources = obs["source"]   # a source whose figures were all superseded stays listed (0 rows)
    obs = obs.loc[sorted(keep)]
    obs["dataset_id"] = obs["source"].map(dataset_id)
    out = obs.rename(columns={"indicator": "indicator_id"})[
        ["region_code", "indicator_id", "year", "value", "unit", "dataset_id", "note"]
    ].sort_values(["indicator_id", "region_code", "year"])
    out.to_csv(out_dir / "observations.csv", index=False, lineterminator="\n")
    dropped += evidence_rows(low, out)
    pd.DataFrame(dropped).rename(columns={"indicator": "indicator_id"}).to_csv(
        out_dir / "conflicts.csv", index=False, lineterminator="\n")

    flows = pd.read_csv(ref / "commuters.csv", dtype=str)
    flows["dataset_id"] = flows["source"].map(dataset_id)
    flows["indicator_id"] = flows["year"].map({"2014": "commuters_to_destination", "2023": "commuters_any_destination"})
    flows.loc[flows["note"].str.contains("WORKERS", na=False), "indicator_id"] = "commuting_workers_any_destination"
    flows = flows.rename(columns={"commuters": "value"})
    flows[["origin_code", "destination_code", "year", "indicator_id", "value", "dataset_id", "note"]].to_csv(
        out_dir / "flows.csv", index=False, lineterminator="\n")

    sources = pd.concat([all_sources, flows["source"]]).drop_duplicates()
    datasets = pd.DataFrame({"id": sources.map(dataset_id), "title": sources})
    datasets["origin"] = datasets["title"].map(origin_of)
    datasets["source_url"] = datasets["title"].map(url_of)
    datasets["license"] = "not stated by the source; figures are facts quoted from the publication named in title"
    flow_grades = grade_sources(flows.assign(note=flows["note"].fillna("")))
    graded = datasets["title"].map(lambda s: grades.get(s) or flow_grades[s])
    for key, meta in sourced_meta.items():   # the key is "sources:<url>"; the title names the publisher
        at = datasets["title"] == key
        datasets.loc[at, ["title", "origin", "source_url"]] = [meta["title"], meta["publisher"], meta["url"]]
    datasets["grade"] = graded.map(lambda g: g[0])
    datasets["grade_reason"] = graded.map(lambda g: g[1])
    assert datasets["id"].is_unique
    datasets.sort_values("id").to_csv(out_dir / "datasets.csv", index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    counts = ", ".join(f"{g} {n}" for g, n in datasets["grade"].value_counts().items())
    print(f"regions {len(regions)}, observations {len(out)}, conflicts {len(dropped)}, flows {len(flows)}, "
          f"datasets {len(datasets)} ({counts})")


def read_additions(ref: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of additions_*.csv to use (quality good or medium; the quality is appended to the
    note) and the low-quality rows (evidence only)."""
    frames = [pd.read_csv(path, dtype={"region_code": str}) for path in sorted(ref.glob("additions_*.csv"))]
    if not frames:
        empty = pd.DataFrame(columns=["region_code", "indicator", "year", "value", "unit", "source", "note"])
        return empty, empty.assign(quality=[])
    add = pd.concat(frames, ignore_index=True)
    add["note"] = add["note"].fillna("")
    used = add["quality"].isin(ADDITION_QUALITIES_USED)
    add.loc[used, "note"] = add.loc[used].apply(lambda r: f"{r.note} (quality {r.quality})".strip(), axis=1)
    return add[used].drop(columns="quality"), add[~used]


def drop_sources(obs: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """The rows whose source is in DROPPED_SOURCES, left out of the data and returned as
    conflicts.csv rows (kept_value empty: no figure replaces them)."""
    hit = obs["source"].map(lambda s: next((r for k, r in DROPPED_SOURCES.items() if k in s), None))
    rows = [{**row.to_dict(), "kept_value": None, "reason": reason}
            for (_, row), reason in zip(obs[hit.notna()].iterrows(), hit[hit.notna()])]
    return obs[hit.isna()], rows


def read_sources(folder: Path) -> tuple[pd.DataFrame, dict[str, dict]]:
    """The figures of folder/*.csv (columns SOURCE_COLUMNS) as rows like indicators_long.csv, their
    source being "sources:<url>", and per source its title, publisher, url and grade from the file.
    The quote showing the number leads the row's note."""
    frames = [pd.read_csv(path, dtype=str, keep_default_na=False).assign(file=path.name)
              for path in sorted(folder.glob("*.csv"))]
    if not frames:
        return pd.DataFrame(columns=["region_code", "indicator", "year", "value", "unit", "source", "note"]), {}
    rows = pd.concat(frames, ignore_index=True)
    for path, frame in zip(sorted(folder.glob("*.csv")), frames):
        missing = set(SOURCE_COLUMNS) - set(frame.columns)
        assert not missing, f"{path.name}: columns missing: {sorted(missing)}"
    bad = rows[~rows["grade"].isin(GRADES) | (rows["source_url"] == "") | (rows["quote"] == "")
               | (rows["publisher"] == "") | (rows["grade_reason"] == "") | (rows["value"] == "")]
    assert bad.empty, f"rows without a grade, address, publisher, quote, reason or value: {bad.head().to_dict('records')}"
    mirrored = rows[rows["source_url"].str.contains(MIRROR_HOSTS) & (rows["grade"] != "secondary")]
    assert mirrored.empty, f"a page read on a document mirror is secondary: {mirrored['source_url'].tolist()[:3]}"
    rows["source"] = "sources:" + rows["source_url"]
    meta: dict[str, dict] = {}
    for key, part in rows.groupby("source", sort=False):
        first = part.iloc[0]
        assert part["grade"].nunique() == 1, f"{first.source_url}: one address, one grade"
        meta[key] = {"title": f"{first.publisher}: {first.source_title}", "publisher": first.publisher,
                     "url": first.source_url, "grade": first.grade, "grade_reason": first.grade_reason}
    rows["note"] = rows.apply(lambda r: f'"{r.quote}"' + (f" | {r.note}" if r.note else ""), axis=1)
    out = rows[["region_code", "indicator", "year", "value", "unit", "source", "note"]].copy()
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    return out, meta


def corroborated(obs: pd.DataFrame, group: pd.DataFrame, grades: dict, sourced: dict):
    """The index of the row kept among rows of one value: the most official grade, at an equal grade
    the sourced file's; the others are named in its note as corroborating it."""
    best = max(group.index, key=lambda i: (GRADES[::-1].index(grades[group.loc[i, "source"]][0]),
                                           group.loc[i, "source"] in sourced))
    others = "; ".join(group.loc[i, "source"] for i in group.index if i != best)
    if others:
        obs.loc[best, "note"] = f"{obs.loc[best, 'note']} | CORROBORATED by {others}".strip(" |")
    return best


def by_grade(group: pd.DataFrame, grades: dict, sourced: dict, key) -> tuple[float, str]:
    """The value kept where a sourced figure differs from another: the more official grade, at an
    equal grade the sourced file's figure. Two figures that no rule separates raise KeyError."""
    def rank(i):
        source = group.loc[i, "source"]
        return (GRADES[::-1].index(grades[source][0]), source in sourced)
    ranked = sorted(group.index, key=rank, reverse=True)
    if not any(group.loc[i, "source"] in sourced for i in ranked) or rank(ranked[0]) == rank(ranked[1]):
        raise KeyError(key)   # a new conflict must get a rule in CONFLICT_RULES
    best = group.loc[ranked[0]]
    title = sourced[best.source]["title"] if best.source in sourced else best.source
    return best.value, f"kept {best.value:g}: {grades[best.source][0]} source ({title}) ranks above the others"


def evidence_rows(low: pd.DataFrame, kept: pd.DataFrame) -> list[dict]:
    """Low-quality additions as conflicts.csv rows: kept_value is the figure in the data for the
    same region, indicator and year, or empty."""
    index = kept.set_index(["region_code", "indicator_id", "year"])["value"]
    rows = []
    for r in low.itertuples():
        key = (r.region_code, RENAMES.get(r.indicator, r.indicator), int(r.year))
        kept_value = index.get(key)
        rows.append({"region_code": r.region_code, "indicator": key[1], "year": key[2], "value": r.value,
                     "unit": r.unit, "source": r.source, "note": r.note, "kept_value": kept_value,
                     "reason": "quality low in additions_2026-12.csv: recorded as evidence only, not used"
                               + ("" if kept_value is not None else "; no figure in the data (the gap stays)")})
    return rows


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference"))
