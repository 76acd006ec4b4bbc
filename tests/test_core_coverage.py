"""Coverage of the core set (issue 23): the latest year and grade per core indicator and region,
recomputed from data/observations.csv and data/datasets.csv; in info --json and on the data page."""
from __future__ import annotations

import json

import pandas as pd
from support.apptest import run_page, texts
from support.data import OBS, ROOT

from jabodash.cli import main as cli_main
from jabodash.features import data as coverage
from jabodash.store import get_store

DATASETS = pd.read_csv(ROOT / "data" / "datasets.csv", dtype=str, keep_default_na=False).set_index("id")
REGIONS = pd.read_csv(ROOT / "data" / "regions.csv", dtype={"code": str})


def _expected(official_only: bool) -> pd.DataFrame:
    """The latest figure per (core indicator, region) from the data files."""
    obs = OBS[OBS["indicator_id"].isin(coverage.CORE_INDICATORS)].copy()
    obs["grade"] = obs["dataset_id"].map(DATASETS["grade"])
    if official_only:
        obs = obs[obs["grade"].isin(["official", "official-cited"])]
    return obs.sort_values("year").groupby(["indicator_id", "region_code"]).tail(1).set_index(
        ["indicator_id", "region_code"])


def test_every_cell_is_the_latest_figure_of_the_data_files():
    for official_only in (False, True):
        got = coverage.core_coverage(get_store().query, official_only=official_only)
        assert len(got) == len(coverage.CORE_INDICATORS) * 15 == 180
        want = _expected(official_only)
        for row in got.itertuples():
            key = (row.indicator_id, row.region_code)
            if key not in want.index:
                assert pd.isna(row.year) and pd.isna(row.value)          # a gap stays a gap
            else:
                assert (row.year, row.value, row.grade) == (want.loc[key, "year"], want.loc[key, "value"],
                                                            want.loc[key, "grade"])


def test_summary_counts_recent_years_and_grades():
    frame = pd.DataFrame({"year": pd.array([2025, 2024, 2023, 2019, None], dtype="Int64"),
                          "grade": ["official", "official-cited", "secondary", "secondary", None]})
    assert coverage.core_summary(frame) == {"cells": 5, "with_figure": 4, "since_2023": 3, "since_2024": 2,
                                       "by_grade": {"secondary": 2, "official": 1, "official-cited": 1}}


def test_stored_share_counts_every_stored_figure_by_grade():
    share = coverage.stored_share(get_store().query)
    grades = OBS["dataset_id"].map(DATASETS["grade"])
    assert share["figures"] == len(OBS)
    assert share["official_or_cited"] == grades.isin(["official", "official-cited"]).sum()
    kecamatan = OBS["region_code"].astype(str).str.len() == 7
    levels = share["by_level"]
    assert levels["kecamatan"]["figures"] == kecamatan.sum() > 0
    assert levels["region"]["figures"] == (~kecamatan).sum()
    assert levels["region"]["official_or_cited"] == grades[~kecamatan].isin(["official", "official-cited"]).sum()
    assert levels["region"]["official_or_cited"] + levels["kecamatan"]["official_or_cited"] == share["official_or_cited"]


def test_matrix_has_a_row_per_core_indicator_and_a_column_per_region():
    table = coverage.core_matrix(coverage.core_coverage(get_store().query), "id")
    assert table.shape == (12, 15)
    assert list(table.columns) == REGIONS.sort_values("code")["short_name"].tolist()
    assert coverage.core_cell_text(2024, "official-cited", "id") == "2024 · resmi dikutip"
    assert coverage.core_cell_text(None, None, "en") == "–"
    assert table.isna().sum().sum() == 0


def test_info_json_gives_the_coverage(capsys):
    assert cli_main(["info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)["coverage"]
    assert info["indicators"] == list(coverage.CORE_INDICATORS) and len(info["cells"]) == 180
    want = _expected(False)
    assert info["summary"]["since_2023"] == int((want["year"] >= 2023).sum())
    assert info["summary"]["since_2024"] == int((want["year"] >= 2024).sum())
    cell = next(c for c in info["cells"] if c["indicator_id"] == "poverty_rate" and c["region_code"] == "3276")
    assert cell["year"] == int(want.loc[("poverty_rate", "3276"), "year"])
    assert info["summary_official_only"]["since_2023"] <= info["summary"]["since_2023"]


def test_data_page_shows_the_core_coverage_table_and_follows_the_switch():
    at = run_page("pages/data.py")
    table = next(d.value for d in at.dataframe if "Jakarta Selatan" in d.value.columns and len(d.value) == 12)
    assert "Kemiskinan" in table.index and table.loc["Kemiskinan"].str.match(r"202[45] · ").all()
    assert "Cakupan data inti" in " ".join(s.value for s in at.subheader)
    assert "dari 180 sel" in texts(at)
    region = coverage.stored_share(get_store().query)["by_level"]["region"]
    assert f"Kabupaten/kota dan provinsi: {region['official_or_cited']:,} dari {region['figures']:,}".replace(",", ".") \
        in texts(at)
    on = run_page("pages/data.py", official="1")
    assert "Hanya angka resmi dan resmi dikutip yang dihitung" in texts(on)
    table = next(d.value for d in on.dataframe if "Jakarta Selatan" in d.value.columns and len(d.value) == 12)
    assert not table.apply(lambda col: col.str.contains("sekunder")).any().any()


def test_a_sourced_figure_names_its_publisher_first_in_the_source_line():
    from jabodash import charts
    values = get_store().query("indicator_values", indicator_id="poor_population", year=2024,
                               region_set="agglomeration").set_index("region_code")
    jaksel = values.loc[["3171"]].reset_index()
    assert charts.sources_line(jaksel, "id") == "BPS Jakarta Selatan, Dalam Angka 2025, via ANTARA [resmi dikutip]"
    # an address-titled (older) dataset still names the publication it cites, then its site
    census = get_store().query("indicator_values", indicator_id="population_census", year=2020,
                               region_set="agglomeration")
    assert charts.sources_line(census[census.region_code == "3171"], "id").startswith("BPS SP2020 melalui ")
