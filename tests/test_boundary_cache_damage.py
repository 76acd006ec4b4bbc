"""A damaged boundary cache (GeoParquet + JSON in JABODASH_CACHE_DIR/boundaries): every page keeps
working, the map falls back to the tile grid, and the log says so in one line."""
import json
import logging

import geopandas as gpd
import pytest
import streamlit as st
from shapely.geometry import box
from support.apptest import metric, run_page
from support.data import OBS, REGIONS

from jabodash.geo import boundaries
from jabodash.geo.boundaries import cache as bd_cache

DAMAGES = ["parquet-zero", "parquet-truncate", "parquet-garbage", "json-zero", "json-truncate", "json-garbage"]


def import_squares(tmp_path) -> None:
    geoms = [box(lon - 0.05, lat - 0.05, lon + 0.05, lat + 0.05) for lat, lon in zip(REGIONS.lat, REGIONS.lon)]
    gdf = gpd.GeoDataFrame({"kode": REGIONS.code, "nama": REGIONS.name}, geometry=geoms, crs=4326)
    path = tmp_path / "squares.geojson"
    gdf.to_file(path, driver="GeoJSON")
    boundaries.import_file(path.read_bytes(), "kabkota", "kode", "nama", "squares.geojson")


def damage(cache_dir, how: str) -> None:
    which, kind = how.split("-")
    path = cache_dir / "boundaries" / f"kabkota.{'parquet' if which == 'parquet' else 'json'}"
    data = path.read_bytes()
    if kind == "zero":
        path.write_bytes(b"")
    elif kind == "truncate":
        path.write_bytes(data[: len(data) // 2])
    else:  # the same size, garbage in the middle
        mid, n = len(data) // 3, max(1, len(data) // 3)
        path.write_bytes(data[:mid] + (b"\xff\x00garbage" * (n // 9 + 1))[:n] + data[mid + n:])


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))
    bd_cache._GEOJSON_MEMO.clear()
    st.cache_data.clear()
    yield tmp_path / "cache"
    bd_cache._GEOJSON_MEMO.clear()
    st.cache_data.clear()


def boundary_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name.startswith("jabodash.geo") and r.levelno >= logging.WARNING]


@pytest.mark.parametrize("how", DAMAGES)
def test_damaged_boundary_cache_is_absent_with_one_log_line(cache, tmp_path, how, caplog):
    import_squares(tmp_path)
    damage(cache, how)
    caplog.set_level(logging.INFO)
    assert boundaries.load_cached("kabkota") is None
    assert boundaries.geojson_for("kabkota") is None and boundaries.attribution("kabkota") is None
    assert boundaries.cache_status() == {"kabkota": None, "kecamatan": None}
    logged = boundary_warnings(caplog)
    assert len(logged) == 1 and "kabkota" in logged[0] and "import or download again" in logged[0]
    assert not list((cache / "boundaries").glob("kabkota.*"))


@pytest.mark.parametrize("how", ["parquet-zero", "parquet-garbage", "json-truncate", "json-garbage"])
def test_pages_on_a_damaged_boundary_cache(cache, tmp_path, how, caplog):
    import_squares(tmp_path)
    damage(cache, how)
    caplog.set_level(logging.INFO)
    at = run_page("pages/peta.py", map_type="geo")
    assert at.title[0].value == "Peta" and not at.error
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    kinds = {tr.get("type") for tr in spec["data"]}
    assert not kinds & {"choropleth", "choroplethmap"} and "scatter" in kinds   # the tile grid
    notes = " ".join(i.value for i in at.info) + " ".join(c.value for c in at.caption)
    assert "python -m jabodash boundaries fetch" in notes
    at = run_page("pages/ringkasan.py")
    pop2020 = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].value.sum()
    assert metric(at, "Penduduk (SP)") == f"{pop2020 / 1e6:.2f}".replace(".", ",") + " juta"
    at = run_page("pages/data.py")
    assert at.title[0].value == "Data dan metode" and not at.error
    assert "belum ada batas wilayah di cache" in " ".join(c.value for c in at.caption).replace("\\", "")
    assert len(boundary_warnings(caplog)) == 1
