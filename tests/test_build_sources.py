"""tools/build_data.py reads data/sources/*.csv: each row a figure with its page, quote and grade
(the grade as the file gives it), and a sourced figure that differs from another keeps the more
official one, the other going to conflicts.csv."""
from __future__ import annotations

import csv
import importlib.util

import pandas as pd
import pytest
from support.data import ROOT

spec = importlib.util.spec_from_file_location("build_data", ROOT / "tools" / "build_data.py")
build_data = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_data)

REGION = {"code": "3276", "name": "Kota Depok", "short_name": "Depok", "type": "kota", "province": "Jawa Barat",
          "kemendagri_code": "32.76", "in_jabodetabek": "true", "in_aglomerasi_law_2_2024": "true",
          "lat": "-6.4", "lon": "106.8", "coord_source": "x", "centroid_lat": "", "centroid_lon": "",
          "centroid_source": "", "area_km2": "200.29", "area_source": "x"}
LONG = [  # region_code, indicator, year, value, unit, source, note
    ("3276", "unemployment_rate_tpt", 2023, 6.5, "percent of labour force", "https://news.example/a", "rounded"),
    ("3276", "population_census", 2020, 2056335, "persons", "https://mirror.example/w (Wikipedia text)", ""),
]
SOURCED = [
    {"region_code": "3276", "indicator": "unemployment_rate_tpt", "year": "2023", "value": "6.33",
     "unit": "percent of labour force", "source_url": "https://depokkota.bps.go.id/id/pressrelease/x",
     "source_title": "Keadaan Ketenagakerjaan Kota Depok Agustus 2023", "publisher": "BPS Kota Depok",
     "quote": "TPT Kota Depok Agustus 2023 sebesar 6,33 persen", "grade": "official",
     "grade_reason": "BPS site, read directly", "note": ""},
    {"region_code": "3276", "indicator": "ipm_lfsp2020", "year": "2024", "value": "82.5",
     "unit": "index 0-100", "source_url": "https://news.example/ipm",
     "source_title": "IPM Depok naik", "publisher": "Antara, quoting BPS Kota Depok",
     "quote": "IPM Kota Depok 2024 sebesar 82,50", "grade": "official-cited",
     "grade_reason": "news agency quoting a named BPS release", "note": "BRS No. 1"},
]


def _write(path, rows, columns):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)


@pytest.fixture
def built(tmp_path):
    ref, sources, out = tmp_path / "ref", tmp_path / "sources", tmp_path / "out"
    ref.mkdir()
    sources.mkdir()
    _write(ref / "regions.csv", [REGION], list(REGION))
    pd.DataFrame(LONG, columns=["region_code", "indicator", "year", "value", "unit", "source", "note"]).to_csv(
        ref / "indicators_long.csv", index=False)
    pd.DataFrame(columns=["origin_code", "destination_code", "year", "commuters", "source", "note"]).to_csv(
        ref / "commuters.csv", index=False)
    _write(sources / "core_2024.csv", SOURCED, build_data.SOURCE_COLUMNS)
    build_data.build(ref, out, sources)
    read = {name: pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
            for name in ("observations", "datasets", "conflicts")}
    return read


def test_a_sourced_row_arrives_with_its_grade_and_dataset(built):
    obs, datasets = built["observations"], built["datasets"].set_index("id")
    row = obs[(obs.indicator_id == "ipm_lfsp2020") & (obs.year == "2024")].iloc[0]
    assert float(row.value) == 82.5 and row.region_code == "3276"
    assert row.note == '"IPM Kota Depok 2024 sebesar 82,50" | BRS No. 1'
    dataset = datasets.loc[row.dataset_id]
    assert dataset.grade == "official-cited"          # from the file, not from the address rules
    assert dataset.grade_reason == "news agency quoting a named BPS release"
    assert dataset.title == "Antara, quoting BPS Kota Depok: IPM Depok naik"
    assert dataset.origin == "Antara, quoting BPS Kota Depok" and dataset.source_url == "https://news.example/ipm"


def test_the_more_official_figure_wins_and_the_other_is_a_conflict(built):
    obs, datasets, conflicts = built["observations"], built["datasets"].set_index("id"), built["conflicts"]
    tpt = obs[obs.indicator_id == "unemployment_rate_tpt"]
    assert tpt["value"].astype(float).tolist() == [6.33]
    assert datasets.loc[tpt.iloc[0].dataset_id, "grade"] == "official"
    assert conflicts["value"].astype(float).tolist() == [6.5]
    assert conflicts.iloc[0]["source"] == "https://news.example/a"
    assert conflicts.iloc[0]["reason"].startswith("kept 6.33: official source (BPS Kota Depok:")
    # the superseded source stays listed, with no figures
    assert "https://news.example/a" in set(datasets["title"])


def test_a_sourced_row_without_a_quote_or_grade_is_refused(tmp_path):
    bad = dict(SOURCED[0], quote="")
    _write(tmp_path / "x.csv", [bad], build_data.SOURCE_COLUMNS)
    with pytest.raises(AssertionError, match="quote"):
        build_data.read_sources(tmp_path)
    _write(tmp_path / "x.csv", [dict(SOURCED[0], grade="resmi")], build_data.SOURCE_COLUMNS)
    with pytest.raises(AssertionError, match="grade"):
        build_data.read_sources(tmp_path)


def test_a_sourced_figure_equal_to_a_ruled_value_replaces_the_mirror(tmp_path, monkeypatch):
    """Where a conflict rule keeps one value and a sourced (more official) row carries the same value,
    the sourced row is kept, the mirror with that value corroborates it, the other value is a conflict."""
    key = ("3276", "population_census", 2010)
    monkeypatch.setitem(build_data.CONFLICT_RULES, key, (1738570.0, "kept 1,738,570: two sources agree"))
    ref, sources, out = tmp_path / "ref", tmp_path / "sources", tmp_path / "out"
    ref.mkdir()
    sources.mkdir()
    _write(ref / "regions.csv", [REGION], list(REGION))
    long = [("3276", "population_census", 2010, 1738570, "persons", "https://mirror.example/a (Wikipedia text)", ""),
            ("3276", "population_census", 2010, 1736565, "persons", "https://mirror.example/b (older text)", "")]
    pd.DataFrame(long, columns=["region_code", "indicator", "year", "value", "unit", "source", "note"]).to_csv(
        ref / "indicators_long.csv", index=False)
    pd.DataFrame(columns=["origin_code", "destination_code", "year", "commuters", "source", "note"]).to_csv(
        ref / "commuters.csv", index=False)
    sourced = dict(SOURCED[1], indicator="population_census", year="2010", value="1738570", unit="persons",
                   source_url="https://news.example/sp2010", quote="penduduk Depok 1.738.570 jiwa (SP2010)")
    _write(sources / "census.csv", [sourced], build_data.SOURCE_COLUMNS)
    build_data.build(ref, out, sources)
    obs = pd.read_csv(out / "observations.csv", dtype=str, keep_default_na=False)
    datasets = pd.read_csv(out / "datasets.csv", dtype=str, keep_default_na=False).set_index("id")
    conflicts = pd.read_csv(out / "conflicts.csv", dtype=str, keep_default_na=False)
    row = obs[obs.indicator_id == "population_census"].iloc[0]
    assert len(obs) == 1 and float(row.value) == 1738570
    assert datasets.loc[row.dataset_id, "source_url"] == "https://news.example/sp2010"
    assert "CORROBORATED by https://mirror.example/a" in row.note
    assert conflicts["value"].astype(float).tolist() == [1736565]
    assert conflicts.iloc[0]["reason"] == "kept 1,738,570: two sources agree"


def test_every_sourced_figure_is_in_the_data_or_recorded_as_a_conflict():
    """Each row of data/sources/*.csv arrives in data/observations.csv under its own dataset, or
    corroborates the kept figure of its cell (same value, named in the note), or is in
    data/conflicts.csv against the kept value: no sourced figure is lost without a trace."""
    data = ROOT / "data"
    rows, meta = build_data.read_sources(data / "sources")
    obs = pd.read_csv(data / "observations.csv", dtype={"region_code": str}, keep_default_na=False)
    conflicts = pd.read_csv(data / "conflicts.csv", dtype={"region_code": str}, keep_default_na=False)
    cells = obs.set_index(["region_code", "indicator_id", "year"]).sort_index()
    assert len(rows) > 0
    for r in rows.itertuples():
        key = (r.region_code, r.indicator, r.year)
        cell = cells.loc[[key]] if key in cells.index else cells.iloc[0:0]
        own = cell[(cell.dataset_id == build_data.dataset_id(r.source)) & (cell.value == r.value)]
        backs = cell[(cell.value == r.value) & cell.note.str.contains(r.source, regex=False)]
        lost = conflicts[(conflicts.source == r.source) & (conflicts.region_code == r.region_code)
                         & (conflicts.indicator_id == r.indicator) & (conflicts.year == r.year)]
        assert len(own) + len(backs) + len(lost) >= 1, key
        assert len(cell) == 1 or key not in cells.index, key
