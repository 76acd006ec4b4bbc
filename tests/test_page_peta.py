"""AppTest of the map explorer page (Peta) and unit tests of jabodash.features.peta."""
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest
from support.apptest import map_figure

from jabodash.core.paths import DATA_DIR, ROOT
from jabodash.features import peta
from jabodash.geo import boundaries

OBS = pd.read_csv(DATA_DIR / "observations.csv", dtype={"region_code": str})
REGIONS = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str})
REAL = os.environ.get("JABODASH_TEST_BOUNDARIES")


def squares_geojson(path: Path) -> Path:
    """Synthetic boundaries: one 0.1° square per kab/kota around its published point."""
    geoms = [box(lon - 0.05, lat - 0.05, lon + 0.05, lat + 0.05) for lat, lon in zip(REGIONS.lat, REGIONS.lon)]
    gdf = gpd.GeoDataFrame({"kode": REGIONS.code, "nama": REGIONS.name}, geometry=geoms, crs=4326)
    gdf.to_file(path, driver="GeoJSON")
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def run(cache_dir, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/peta.py")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figure(at, key_start="map_"):
    return map_figure(at)


def texts(at) -> str:
    return " ".join([i.value for i in at.info] + [w.value for w in at.warning] + [c.value for c in at.caption]
                    + [e.value for e in at.error] + [s.value for s in at.success])


def test_without_boundaries_tile_grid_and_note(cache):
    at = run(cache)
    assert at.title[0].value == "Peta"
    spec = figure(at)
    kinds = {tr.get("type") for tr in spec["data"]}
    assert not kinds & {"choropleth", "choroplethmap"} and "scatter" in kinds
    assert "python -m jabodash boundaries fetch" in texts(at)
    assert at.selectbox(key="m_map_type").value == "tiles"


def test_values_in_tile_map_equal_observations(cache):
    at = run(cache)
    at.selectbox(key="w_indicator").set_value("ipm").run()
    at.selectbox(key="w_year").set_value(2024).run()
    assert at.query_params["indicator"] == "ipm" and at.query_params["year"] == "2024"
    spec = figure(at)
    shown = " ".join(str(tr.get("hovertext", "")) for tr in spec["data"])
    ipm = OBS[(OBS.indicator_id == "ipm") & (OBS.year == 2024)]
    assert len(ipm) == 15
    for v in ipm.value:
        assert f"{v:.2f}".replace(".", ",") in shown


def test_kecamatan_without_boundaries_says_so(cache):
    at = run(cache)
    at.selectbox(key="m_level").set_value("kecamatan").run()
    assert not at.exception
    assert "batas" in " ".join(w.value for w in at.warning).lower()


def import_squares(tmp_path):
    path = squares_geojson(tmp_path / "squares.geojson")
    return boundaries.import_file(path.read_bytes(), "kabkota", "kode", "nama", "squares.geojson")


def test_geographic_map_with_imported_boundaries(cache, tmp_path):
    report = import_squares(tmp_path)
    assert len(report.matched) == 15
    at = run(cache)
    at.selectbox(key="m_map_type").set_value("geo").run()
    at.selectbox(key="w_year").set_value(2020).run()
    spec = figure(at)
    maps_ = [tr for tr in spec["data"] if tr.get("type") == "choropleth"]
    assert maps_
    assert spec["layout"]["geo"]["visible"] is False and "map" not in spec["layout"]   # SVG, offline
    located = {loc for tr in maps_ for loc in tr.get("locations", [])}
    assert set(REGIONS.code) <= located
    # values: classes hold the census population of every region
    pop = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)]
    hover = " ".join(str(tr.get("hovertext", tr.get("text", ""))) for tr in spec["data"])
    assert len(pop) == 15
    for v in pop.value:
        assert f"{int(v):,}".replace(",", ".") in hover
    # attribution drawn in the figure
    notes = " ".join(a.get("text", "") for a in spec["layout"].get("annotations", []))
    assert "Batas wilayah: squares.geojson" in notes and "Boundaries:" not in notes   # one label, in the UI language
    # changes: indicator, year, map type
    at.selectbox(key="w_indicator").set_value("ipm").run()
    assert not at.exception and at.query_params["indicator"] == "ipm"
    at.selectbox(key="m_map_type").set_value("tiles").run()
    assert not at.exception
    assert not [tr for tr in figure(at)["data"] if tr.get("type") == "choropleth"]
    at.selectbox(key="m_palette").set_value("diverging").run()
    at.slider(key="m_classes").set_value(3).run()
    assert not at.exception


def test_broken_upload_keeps_cache(cache, tmp_path):
    import_squares(tmp_path)
    before = boundaries.cache_status()["kabkota"]["sha256"]
    at = run(cache)
    # the uploader cannot be driven in AppTest: the page's import path is the same call
    with pytest.raises(boundaries.BoundaryError) as err:
        boundaries.import_file(b"\x00garbage\xff" * 50, "kabkota", None, None, "x.geojson")
    assert err.value.key
    assert boundaries.cache_status()["kabkota"]["sha256"] == before
    assert not at.exception


def test_fetch_offline_shows_translated_error(cache, monkeypatch):
    def boom(level, progress=None, **kw):
        raise boundaries.BoundaryError("boundaries.error.network", url="https://example.invalid", reason="offline")
    monkeypatch.setattr(boundaries, "fetch", boom)
    at = run(cache)
    at.button(key="b_fetch").click().run()
    assert not at.exception
    shown = at.error[0].value.replace("\\", "").replace("\u2060", "")   # Markdown-escaped, no autolink
    assert shown == "Tidak dapat menghubungi https://example.invalid: offline"


@pytest.mark.skipif(not REAL, reason="JABODASH_TEST_BOUNDARIES not set")
def test_real_boundaries_both_levels(cache):
    folder = Path(REAL)
    r2 = boundaries.import_file(folder / "jabodetabek_adm2.geojson", "kabkota")
    r3 = boundaries.import_file(folder / "jabodetabek_adm3.geojson", "kecamatan")
    assert len(r2.boundary_set.gdf) >= 14 and len(r3.boundary_set.gdf) > 150
    at = run(cache)
    at.selectbox(key="m_map_type").set_value("geo").run()
    at.selectbox(key="m_level").set_value("kecamatan").run()
    spec = figure(at)
    assert [tr for tr in spec["data"] if tr.get("type") == "choropleth"]
    assert "luas" in texts(at).lower()
    # a kecamatan map is geographic: no map type to pick (it said "Kisi petak" over the map)
    assert "m_map_type" not in [sb.key for sb in at.selectbox]
    at.selectbox(key="m_level").set_value("kabkota").run()
    assert not at.exception
    assert at.selectbox(key="m_map_type").value == "geo"


# --- unit tests of jabodash.features.peta ---------------------------------------------------------

def test_map_mode():
    assert peta.map_mode("kabkota", "geo", False) == "tiles"
    assert peta.map_mode("kabkota", "geo", True) == "geo"
    assert peta.map_mode("kabkota", "tiles", True) == "tiles"
    assert peta.map_mode("kecamatan", "tiles", False) == "none"
    assert peta.map_mode("kecamatan", "tiles", True) == "geo"


def test_selected_code_from_choropleth_and_tiles():
    assert peta.selected_code({"selection": {"points": [{"location": "3171"}]}}) == "3171"
    grid = __import__("jabodash.charts.peta", fromlist=["x"]).tile_layout("kabkota")
    row = grid.iloc[0]
    ev = {"selection": {"points": [{"x": float(row["col"]), "y": -float(row["row"])}]}}
    assert peta.selected_code(ev) == row["code"]
    assert peta.selected_code({"selection": {"points": []}}) is None
    assert peta.selected_code(None) is None


def test_profile_table_latest_and_trend():
    from jabodash.core import catalog
    prof = pd.DataFrame({"indicator_id": ["ipm", "ipm", "ipm"], "year": [2022, 2023, 2024],
                         "value": [80.0, 81.0, np.nan], "source": ["a", "b", "c"]})
    out = peta.profile_table(prof, catalog.load_catalog(), "en")
    assert out.iloc[0]["year"] == 2023 and out.iloc[0]["value"] == 81.0 and out.iloc[0]["trend"] == [80.0, 81.0]
    assert peta.profile_table(prof.iloc[:0], {}, "en").empty


def test_map_extent_is_in_the_url_and_osm_never_is(cache):
    at = run(cache, fit="jakarta")
    assert at.selectbox(key="m_fit").value == "jakarta"
    at.selectbox(key="m_fit").set_value("core").run()   # "all" is the default (issue 27): not in the URL
    assert not at.exception and at.query_params["fit"] == "core"
    at.toggle(key="m_osm").set_value(True).run()
    assert not at.exception
    assert "basemap" not in at.query_params and "osm" not in str(dict(at.query_params))


def test_zip_bomb_upload_is_refused_and_the_cache_stays(cache, tmp_path, monkeypatch):
    """A zip bomb through the page's uploader: a translated refusal, no traceback, cache kept."""
    import zipfile

    from jabodash.geo.boundaries import limits
    import_squares(tmp_path)
    before = boundaries.cache_status()["kabkota"]["sha256"]
    monkeypatch.setattr(limits, "extract", lambda *a, **k: pytest.fail("a bomb was unpacked"))
    bomb = tmp_path / "bom.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:  # 4 MB of one feature, a few KB packed
        zf.writestr("kecamatan.geojson", '{"type": "FeatureCollection", "features": ['
                    + ",".join(['{"type": "Feature", "properties": {"nama": "Gambir"}, "geometry": '
                                '{"type": "Point", "coordinates": [106.8, -6.2]}}'] * 40_000) + "]}")
    at = run(cache)
    at.file_uploader(key="b_file").upload("bom.zip", bomb.read_bytes(), "application/zip").run()
    at.button(key="b_import").click().run()
    at.button(key="b_import__yes").click().run()    # kab/kota boundaries are cached: replacing asks first
    assert not at.exception
    errors = " ".join(e.value for e in at.error).replace("\\", "")  # whether or not names are escaped
    assert "bom.zip tidak dibuka" in errors and "kecamatan.geojson" in errors and "bom zip" in errors
    assert "Traceback" not in errors
    assert boundaries.cache_status()["kabkota"]["sha256"] == before


def test_boundary_error_shows_a_link_in_its_parameters_as_plain_text(cache, monkeypatch):
    """A file or URL name that looks like Markdown (a link, an image) stays text in the error box."""
    hostile = "[klik](http://198.51.100.1/x) ![i](http://198.51.100.1/s.png)"

    def boom(level, progress=None, **kw):
        raise boundaries.BoundaryError("boundaries.error.network", url=hostile, reason="<b>offline</b>")
    monkeypatch.setattr(boundaries, "fetch", boom)
    at = run(cache)
    at.button(key="b_fetch").click().run()
    body = " ".join(e.value for e in at.error)
    assert body and "](http" not in body and "<b>" not in body
    assert "198" in body and "offline" in body


def test_replacing_boundaries_asks_first_and_is_recorded(cache, tmp_path, monkeypatch):
    from jabodash.store import access
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    import_squares(tmp_path)
    before = boundaries.cache_status()["kabkota"]["sha256"]
    smaller = squares_geojson(tmp_path / "other.geojson")
    at = run(cache)
    at.file_uploader(key="b_file").upload("other.geojson", smaller.read_bytes(), "application/geo+json").run()
    at.button(key="b_import").click().run()
    assert any("untuk semua orang" in w.value for w in at.warning)
    assert boundaries.cache_status()["kabkota"]["sha256"] == before and access.entries() == []
    at.button(key="b_import__no").click().run()                     # cancelled: nothing happens
    assert access.entries() == [] and not at.exception
    at.button(key="b_import").click().run()
    at.button(key="b_import__yes").click().run()
    assert not at.exception, [e.value for e in at.exception]
    log = access.entries()
    assert [(e["action"], e["target"], e["result"]) for e in log] == [("boundaries.import", "kabkota: other.geojson", "ok")]
    after = boundaries.cache_status()["kabkota"]
    assert "other.geojson" in after["source"] and "squares" not in after["source"]


def test_read_only_workspace_imports_and_downloads_no_boundaries(cache, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE_READONLY", "true")
    monkeypatch.setattr(boundaries, "fetch", lambda *a, **k: pytest.fail("downloaded in a read-only workspace"))
    at = run(cache)
    assert not {"b_import", "b_fetch"} & {b.key for b in at.button}
    assert any("JABODASH_WORKSPACE_READONLY" in i.value for i in at.info)


def test_map_as_a_slide_and_the_region_profile_deck(cache):
    """The kab/kota map as one slide and the picked region's profile deck (jabodash.brief)."""
    at = run(cache, indicator="poverty_rate", year="2024")
    labels = {d.key: d.proto.label for d in at.get("download_button")}
    assert labels["dl_map_slide"] == "Tampilan ini sebagai slide (PowerPoint)"
    assert labels["dl_region_deck"] == "Profil wilayah ini (PowerPoint)"
