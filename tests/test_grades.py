"""Provenance grades: the grading rules of tools/build_data.py, the graded data files, the grade in
the store (derived figures take the weakest input), uploads graded from their metadata, and the
"official figures only" filter that every figure query applies through $official_only."""
from __future__ import annotations

import filecmp
import importlib.util
import os
from pathlib import Path

import pandas as pd
import pytest
from support.data import OBS, ROOT

from jabodash.core import grades
from jabodash.store import fit_official_only, get_store, overlay
from jabodash.store.datasource import DataSource
from jabodash.store.headline import IPM_CURRENT, headline_ipm

DATA = ROOT / "data"
DATASETS = pd.read_csv(DATA / "datasets.csv", dtype=str, keep_default_na=False)
REFERENCE = Path(os.environ.get("JABODASH_REFERENCE", ROOT.parent / "shared" / "reference"))


def _build_data():
    spec = importlib.util.spec_from_file_location("build_data", ROOT / "tools" / "build_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_data = _build_data()


# --- the rules ------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, notes, grade", [
    ("https://jakutkota.bps.go.id/id/pressrelease/2019/11/05/176/x.html", [], "official"),
    ("https://dinkes.tangerangkota.go.id/data/x", [], "official"),
    # audit of issue 23: government news pages quoting an officer, a coursework repository, a transcription
    ("https://setda.tangerangkota.go.id/berita/x", [], "official-cited"),
    ("http://tangerangkab.go.id/detail-konten/show-berita/152", [], "official-cited"),
    ("github:tauradavin/uas-visdat-2026 Data/Miskin 2021.csv (BPS table 'P0')", [], "secondary"),
    ("github:cahyadsn/wilayah db/wilayah_luas.sql (BIG letter B-16.10/DIGD-BIG/IGD.04.04/12/2024)", [], "secondary"),
    ("https://wikimili.com/en/West_Jakarta (Wikipedia text citing BPS SP2020)", [], "secondary"),
    ("https://databoks.katadata.co.id/datapublish/x (citing BPS)", [], "secondary"),
    ("https://someone.blogspot.com/2010/09/x.html (blog quoting BPS DKI)", [], "secondary"),
    ("github:tauradavin/uas-visdat-2026 Data/IPM 2024.csv (BPS table '...', var 413)", [], "secondary"),
    ("github:season179/tiny-chatbot data/brs.txt (BPS DKI BRS No. 22/05/31/Th.XX)", [], "secondary"),
    ("https://adoc.pub/x.html (BRS BPS DKI No. 44/10/31/Th. XIV)", [], "secondary"),
    ("https://123dok.com/document/x (BPS publication)", [], "secondary"),
    ("github:mbahmu25/JakFestGM src/data/data.js (tables labelled 'BPS DKI Jakarta')", [], "secondary"),
    ("https://monitordepok.co/ipm-depok", ["head of BPS Kota Depok quoted (Dec 2024)"], "official-cited"),
    ("https://koran.tempo.co/amp/metro/394906/x", ["only one RSUD (Sawangan) as of Mar 2016"], "secondary"),
    ("https://cianjur.viva.co.id/amp/x", ["news compiled 'from various sources', UNSURE that it is BPS"],
     "secondary"),
])
def test_grade_rules(source, notes, grade):
    got, reason = build_data.grade_of(source, notes)
    assert got == grade and reason


def test_one_article_gets_one_grade_whatever_its_row_says():
    rows = pd.DataFrame({"source": ["https://news.example/a (BPS Kota Tangerang quoted)", "https://news.example/a"],
                         "note": ["", "rounded"]})
    graded = build_data.grade_sources(rows)
    assert {g for g, _ in graded.values()} == {"official-cited"}


# --- the data files -------------------------------------------------------------------------------

def test_every_dataset_has_a_grade_and_a_reason():
    assert set(DATASETS["grade"]) <= set(build_data.GRADES)
    assert (DATASETS["grade_reason"].str.len() >= 4).all()   # "blog" is the shortest
    assert DATASETS["id"].is_unique


def test_the_153_original_datasets_are_graded_as_recorded():
    """The counts of the closing note (issue 13): 153 datasets before the additions of 2026-12 and
    the sourced files (data/sources), less the Cianjur TPT article whose address pointed elsewhere
    and two databoks age tables that are not BPS estimates (dropped), after the audit of issue 23: two government news pages official -> official-cited,
    personal repositories (a coursework repository's files, a chatbot's copy of a BRS, a transcription of BIG's
    areas) and document mirrors (adoc.pub, 123dok, Scribd) -> secondary, whatever they copy."""
    additions = pd.read_csv(DATA / "observations.csv", dtype=str, keep_default_na=False)
    added = set(additions.loc[additions["note"].str.contains(r"\(quality (?:good|medium)\)"), "dataset_id"])
    _, sourced = build_data.read_sources(DATA / "sources")
    added |= {build_data.dataset_id(key) for key in sourced}
    original = DATASETS[~DATASETS["id"].isin(added - set(_older_ids()))]
    assert len(original) == 150
    assert original["grade"].value_counts().to_dict() == {"secondary": 109, "official-cited": 40, "official": 1}
    by_origin = DATASETS.set_index("origin")["grade"]
    assert by_origin["jakutkota.bps.go.id"] == "official"
    assert (DATASETS.loc[DATASETS["title"].str.contains("Wikipedia"), "grade"] == "secondary").all()
    tauradavin = DATASETS[DATASETS["origin"] == "github:tauradavin/uas-visdat-2026"].set_index("id")["grade"]
    assert len(tauradavin) == 10 and tauradavin.eq("secondary").all()
    mirrors = DATASETS["source_url"].str.contains(r"adoc\.pub|123dok\.com|scribd\.com|github\.com/season179", regex=True)
    assert mirrors.sum() > 0 and DATASETS.loc[mirrors, "grade"].eq("secondary").all()
    assert DATASETS.set_index("id").loc[["src_4cfd6f94", "src_ca544928"], "grade"].eq("official-cited").all()
    assert DATASETS.set_index("id").loc["src_7e8da780", "grade"] == "secondary"


def _older_ids() -> list[str]:
    """Datasets that gave figures before the additions and also appear in them (none today)."""
    notes = pd.read_csv(DATA / "observations.csv", dtype=str, keep_default_na=False)
    mixed = notes.groupby("dataset_id")["note"].agg(lambda n: n.str.contains("(quality ", regex=False).any() and
                                                     (~n.str.contains("(quality ", regex=False)).any())
    return list(mixed[mixed].index)


def test_low_quality_additions_are_only_evidence():
    conflicts = pd.read_csv(DATA / "conflicts.csv", dtype={"region_code": str})
    low = conflicts[conflicts["reason"].str.startswith("quality low")]
    assert len(low) == 8
    obs = OBS.set_index(["region_code", "indicator_id", "year"])["value"]
    for row in low.itertuples():
        key = (row.region_code, row.indicator_id, row.year)
        if pd.isna(row.kept_value):
            assert key not in obs.index   # a gap stays a gap: never a zero
        else:
            assert obs[key] == row.kept_value != row.value
    # good and medium rows are figures with their quality in the note, unless a sourced figure of
    # the same value replaced them (the addition's source is then named as corroborating) or they
    # were dropped (conflicts.csv says why)
    assert OBS["note"].str.contains(r"\(quality (?:good|medium)\)").sum() > 20
    if (REFERENCE / "additions_2026-12.csv").exists():
        add = pd.read_csv(REFERENCE / "additions_2026-12.csv", dtype={"region_code": str})
        add = add[add["quality"].isin(["good", "medium"])]
        _, sourced = build_data.read_sources(DATA / "sources")
        sourced_ids = {build_data.dataset_id(key) for key in sourced}
        kept = OBS.set_index(["region_code", "indicator_id", "year"])
        dropped = set(zip(conflicts.loc[conflicts["reason"].str.startswith("dropped:"), "source"], conflicts["year"]))
        for row in add.itertuples():
            key = (row.region_code, build_data.RENAMES.get(row.indicator, row.indicator), row.year)
            if (row.source, row.year) in dropped:
                continue
            figure = kept.loc[key]
            assert "(quality " in figure.note or figure.dataset_id in sourced_ids, key
    assert conflicts["reason"].str.startswith("dropped: read from a garbled article").sum() == 3
    depok = OBS[(OBS.region_code == "3276") & (OBS.indicator_id == "grdp_per_capita_current_prices")
                & (OBS.year == 2022)].iloc[0]
    assert depok.value == 38.23 and "CORROBORATED by" in depok.note
    assert OBS.loc[(OBS.region_code == "3674") & (OBS.indicator_id == "ipm_lfsp2020") & (OBS.year == 2024),
                   "value"].tolist() == [84.16]


@pytest.mark.skipif(not (REFERENCE / "indicators_long.csv").exists(), reason="no reference tables here")
def test_build_data_reproduces_the_data_folder(tmp_path):
    build_data.build(REFERENCE, tmp_path)
    for name in ("regions.csv", "observations.csv", "conflicts.csv", "flows.csv", "datasets.csv"):
        assert filecmp.cmp(tmp_path / name, DATA / name, shallow=False), name


# --- grades in the store and the filter -------------------------------------------------------------

def test_grade_helpers():
    assert grades.of_metadata({"grade": "official"}) == "official"
    assert grades.of_metadata({}) == grades.of_metadata({"grade": "made-up"}) == "unrated"
    assert grades.label("official-cited", "id") == "resmi dikutip" and grades.label(None, "en") == ""
    assert [grades.rank(g) for g in grades.GRADES] == [3, 2, 1, 0]
    assert fit_official_only("SELECT 1", {"official_only": True}) == {}
    assert fit_official_only("... $official_only ...", {}) == {"official_only": False}


def test_official_only_hides_secondary_figures_and_derived_take_the_weakest_grade():
    store = get_store()
    census = store.query("indicator_values", indicator_id="population_census", year=2020, region_set="agglomeration")
    graded = census.set_index("region_code")["grade"]
    assert graded["3275"] == "official-cited"              # Kota Bekasi: BPS's SP2020 result quoted by name
    assert graded["3276"] == "secondary"                   # Depok: the RKPD citing BPS, read on a document mirror
    assert graded["3171"] == "secondary"                   # Jakarta Selatan: a Wikipedia mirror
    density = store.query("indicator_values", indicator_id="population_density_census", year=2020,
                          region_set="agglomeration")
    assert set(density["grade"]) == {"secondary"}         # BIG area transcribed in a personal repository (secondary)
    hidden = store.query("indicator_values", indicator_id="population_census", year=2020, region_set="agglomeration",
                         official_only=True).set_index("region_code")
    assert len(hidden) == 15                              # every region keeps its row, without a figure if secondary
    assert hidden["value"].isna().equals(graded.reindex(hidden.index).eq("secondary"))
    ipm = store.query("indicator_values", indicator_id="ipm", year=2024, region_set="agglomeration",
                      official_only=True)
    assert len(ipm) == 15 and ipm["value"].isna().all()   # var 413 2024 only from a coursework repository so far
    years = store.query("indicator_years", indicator_id="ipm_lfsp2020", region_set="agglomeration", official_only=True)
    shown = OBS[(OBS.indicator_id == "ipm_lfsp2020") & (OBS.year == 2023)
                & OBS.dataset_id.map(DATASETS.set_index("id")["grade"]).isin(["official", "official-cited"])]
    assert dict(zip(years["year"], years["regions_with_value"]))[2023] == len(shown) >= 3  # Depok, Kota Tangerang, Bekasi


def test_official_only_catalog_counts_only_shown_figures():
    store = get_store()
    everything = store.query("indicators").set_index("id")["max_regions"]
    official = store.query("indicators", official_only=True).set_index("id")["max_regions"]
    grade_of = OBS.dataset_id.map(DATASETS.set_index("id")["grade"])
    census = OBS[(OBS.indicator_id == "population_census") & grade_of.isin(["official", "official-cited"])]
    assert everything["population_census"] == 15
    assert official["population_census"] == census.groupby("year").size().max() < 15   # mostly mirrors so far
    poverty = OBS[(OBS.indicator_id == "poverty_rate") & grade_of.isin(["official", "official-cited"])]
    assert everything["poverty_rate"] == 15
    assert official["poverty_rate"] == poverty.groupby("year").size().max() < 15   # P0 tables from a repository
    counts = store.query("data_grades", region_set="agglomeration")
    ipm = counts[counts["indicator_id"] == "ipm_lfsp2020"].set_index("grade")["figures"].to_dict()
    assert ipm == grade_of[OBS.indicator_id == "ipm_lfsp2020"].value_counts().to_dict()


def _bundle(meta: dict, indicator_id: str = IPM_CURRENT, year: int = 2019, value: float = 80.0):
    codes = get_store().query("regions", region_set="agglomeration")["code"]
    obs = pd.DataFrame({"region_code": codes, "indicator_id": indicator_id, "year": year, "value": value,
                        "dataset_id": "refresh", "preliminary": False, "period": ""})
    inds = pd.DataFrame(columns=["id", "dataset_id", "name", "unit", "higher_is_better", "source", "title"])
    return overlay.build([("refresh", meta, obs, inds, "saved")])


def test_uploads_are_graded_from_their_metadata_and_filtered_by_the_same_sql():
    store = get_store()
    official = DataSource.over(store, _bundle({"grade": "official"}), official_only=True)
    assert official.values(IPM_CURRENT, 2019, "agglomeration")["grade"].eq("official").all()
    unrated = DataSource.over(store, _bundle({}), official_only=False)
    assert unrated.values(IPM_CURRENT, 2019, "agglomeration")["grade"].eq("unrated").all()
    hidden = DataSource.over(store, _bundle({}), official_only=True)
    assert hidden.values(IPM_CURRENT, 2019, "agglomeration")["value"].isna().all()
    assert 2019 not in set(hidden.years(IPM_CURRENT, "agglomeration")["year"])


# --- the IPM headline ----------------------------------------------------------------------------

def test_ipm_headline_is_the_current_series_where_it_covers_the_region_set():
    store = get_store()
    builtin = headline_ipm(store, "agglomeration")
    per_year = OBS[OBS.indicator_id == IPM_CURRENT].groupby("year").size()
    year = max(per_year.index, key=lambda y: (per_year[y], y))   # the year with the most regions, latest first
    covered = int(per_year[year])
    assert builtin.indicator_id == IPM_CURRENT          # headlined, though it does not cover all 15 so far
    assert (builtin.current_year, builtin.current_covered, builtin.total) == (year, covered, 15) and covered < 15
    assert "seri terkini" in builtin.note("id") and f"{covered} dari 15 wilayah ({year})" in builtin.note("id")
    assert f"{covered} of 15 regions" in builtin.note("en")
    side_by_side = headline_ipm(store, "agglomeration", complete_only=True)   # the compare page's defaults
    assert side_by_side.indicator_id == "ipm" and "seri lama var 413" in side_by_side.note("id")
    refreshed = DataSource.over(store, _bundle({"grade": "official"}), official_only=True)
    choice = headline_ipm(refreshed, "agglomeration")
    assert choice.indicator_id == IPM_CURRENT and choice.is_current
    assert "seri terkini" in choice.note("id")


# --- exports carry the grade -------------------------------------------------------------------------

def test_csv_and_image_exports_carry_the_grade():
    from jabodash import charts
    from jabodash.core import catalog, csvsafe
    from jabodash.core.state import ViewState
    from jabodash.presenter import views

    store = get_store()
    values = store.query("indicator_values", indicator_id="ipm", year=2024, region_set="agglomeration")
    csv = csvsafe.to_safe_csv(values).decode("utf-8") if isinstance(csvsafe.to_safe_csv(values), bytes) \
        else csvsafe.to_safe_csv(values)
    header = csv.splitlines()[0].lstrip("\ufeff").split(",")
    grades = values["grade"].tolist()
    assert "grade" in header and len(grades) == 15 and csv.count(",secondary,") == grades.count("secondary") > 0
    fig = charts.ranking_bar(values, catalog.get("ipm"), 2024, "en")
    assert any("[secondary]" in str(a.text) for a in fig.layout.annotations)   # the PNG/SVG source line
    fig, _ = views.figure_for(ViewState(indicator="population_density_census", year=2020), store, "id", kind="map")
    assert "Sumber: diturunkan oleh jabodash [sekunder]" in [a.text for a in fig.layout.annotations]   # story export
