"""python -m jabodash ingest on a facility list (points layout): the points are counted per
kab/kota and kecamatan as on the upload page, the counts are the JSON records and what --save
stores; without boundaries the command says how to get them and exits 1."""
import json
from pathlib import Path

import pytest

from jabodash import cli
from jabodash.geo import boundaries
from jabodash.store import shelf

FIXTURE = Path(__file__).parent / "fixtures" / "ingest" / "points_facilities.csv"


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))


def squares(tmp_path):
    from test_page_peta import squares_geojson  # one 0.1° square per kab/kota around its published point
    path = squares_geojson(tmp_path / "squares.geojson")
    boundaries.import_file(path.read_bytes(), "kabkota", "kode", "nama", "squares.geojson")


def test_points_counted_into_records_and_saved(tmp_path, capsys):
    squares(tmp_path)
    code = cli.main(["ingest", str(FIXTURE), "--json", "--save", "--indicator", "Jumlah fasilitas", "--year", "2024"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["layout"] == "points"
    counts = {r["region_code"]: r["value"] for r in out["records"]}
    assert len(counts) == 15 and counts["3276"] == 2 and counts["3203"] == 1 and sum(counts.values()) == 3
    assert {r["indicator"] for r in out["records"]} == {"Jumlah fasilitas"}
    assert {r["year"] for r in out["records"]} == {2024}
    pc = out["point_counts"]
    assert pc["basis"] == "boundaries" and pc["points"] == 4 and pc["counted"]["kabkota"] == 3
    # Klinik Bandung (line 5) lies outside the area: listed, not counted
    assert [(o["row"], o["reason"]) for o in pc["outside"]] == [(5, "outside_area")]
    obs, inds = shelf.observations()
    saved = obs[obs["dataset_id"] == out["dataset_id"]].set_index("region_code")["value"]
    assert saved["3276"] == 2 and saved["3171"] == 0 and len(saved) == 15
    assert list(inds["name"]) == ["Jumlah fasilitas"]


def test_points_without_boundaries_say_how_to_get_them(capsys):
    code = cli.main(["ingest", str(FIXTURE), "--save", "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 1
    assert "counting needs boundaries" in err and "python -m jabodash boundaries fetch" in err
    assert "Traceback" not in err and shelf.list_datasets() == []
