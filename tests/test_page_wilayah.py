"""AppTest of the Wilayah page (area, density, kecamatan, distance, agglomeration) and unit tests of
jabodash.features.wilayah."""
import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest
from support.apptest import numbers_back, run_page
from test_page_peta import REGIONS, import_squares

from jabodash.core.paths import DATA_DIR
from jabodash.features import wilayah
from jabodash.geo import boundaries

OBS = pd.read_csv(DATA_DIR / "observations.csv", dtype={"region_code": str})
REAL = os.environ.get("JABODASH_TEST_BOUNDARIES")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def run() -> AppTest:
    return run_page("pages/wilayah.py")


def frames(at):
    return {df.proto.id: df.value for df in at.dataframe}


def all_text(at):
    return " ".join([c.value for c in at.caption] + [i.value for i in at.info])


def test_without_boundaries(cache):
    at = run()
    assert at.title[0].value.startswith("Wilayah")
    dfs = [numbers_back(df.value, "id") for df in at.dataframe]
    area = next(d for d in dfs if "density" in d.columns)
    dens = OBS[(OBS.indicator_id == "population_density_census") & (OBS.year == 2020)]
    if dens.empty:   # density is derived (population / area): recompute it
        pop = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].set_index("region_code").value
        dens = (pop / REGIONS.set_index("code").area_km2).dropna()
    else:
        dens = dens.set_index("region_code").value
    got = area.set_index("code")["density"].dropna()
    assert len(got) == 15
    for code, v in dens.items():
        assert got[code] == pytest.approx(v, abs=0.5)   # shown with the indicator's 0 decimals
    assert "regions.csv" in all_text(at)                # distance basis named
    assert "Belum ada batas kecamatan" in all_text(at)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    member = charts[-1]
    assert {tr["name"] for tr in member["data"]} == {"Jabodetabek", "Hanya aglomerasi"}
    # the tile grid names every region as a reader knows it, never by a tile abbreviation
    tiles = [text.replace("<br>", " ") for tr in member["data"] for text in tr["text"]]
    assert len(tiles) == 15 and {"Jakarta Pusat", "Kepulauan Seribu", "Kab. Cianjur"} <= set(tiles)
    assert not {"JKP", "KEPS", "KCJR"} & set(tiles)


def test_with_boundaries_centroid_distance_and_geo_membership(cache, tmp_path):
    import_squares(tmp_path)
    at = run()
    assert "centroid" in all_text(at)
    member = json.loads(at.get("plotly_chart")[-1].proto.spec)
    # Plotly's geo subplot (SVG, offline): the first trace without locations, no base layer
    assert [tr["type"] for tr in member["data"]] == ["scattergeo", "choropleth", "choropleth"]
    assert "locations" not in member["data"][0] and member["layout"]["geo"]["visible"] is False


@pytest.mark.skipif(not REAL, reason="JABODASH_TEST_BOUNDARIES not set")
def test_real_kecamatan_drilldown(cache):
    boundaries.import_file(Path(REAL) / "jabodetabek_adm2.geojson", "kabkota")
    boundaries.import_file(Path(REAL) / "jabodetabek_adm3.geojson", "kecamatan")
    at = run()
    at.selectbox(key="wil_parent").set_value("3171").run()
    assert not at.exception
    kec = next(numbers_back(df.value, "id") for df in at.dataframe if "kabkota" in df.value.columns)
    assert len(kec) >= 5 and set(kec["kabkota"]) == {"Kota Jakarta Selatan"}
    assert (kec["area_km2"] > 0).all()
    assert "penduduk kecamatan" in all_text(at)
    # the drill-down map draws exactly those kecamatan, framed on Jakarta Selatan
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "Luas" in c.proto.spec)
    drawn = {loc for tr in spec["data"] if tr["type"] == "choropleth" and tr.get("hovertext")
             for loc in tr["locations"]}
    assert drawn == set(kec["code"])
    lon, lat = (sum(spec["layout"]["geo"][axis]["range"]) / 2 for axis in ("lonaxis", "lataxis"))
    assert -6.35 < lat < -6.2 and 106.75 < lon < 106.9


def test_kecamatan_map_of_one_kabkota_synthetic():
    import geopandas as gpd
    from shapely.geometry import box

    from jabodash.charts import peta
    from jabodash.core.state import ViewState
    gdf = gpd.GeoDataFrame({"code": ["3276010", "3276020", "3171010"], "name": ["A", "B", "C"],
                            "parent_code": ["3276", "3276", "3171"], "area_km2": [10.0, 20.0, 5.0]},
                           geometry=[box(106.80, -6.40, 106.82, -6.38), box(106.82, -6.40, 106.84, -6.38),
                                     box(106.80, -6.30, 106.82, -6.28)], crs=4326)
    from jabodash.geo import boundaries as bd
    fc = bd.to_geojson(gdf, "kecamatan")
    fig = wilayah.kecamatan_map(gdf, fc, "3276", ViewState(), "id", "uji")
    spec = json.loads(fig.to_json())
    drawn = {loc for tr in spec["data"] if tr["type"] == "choropleth" for loc in tr["locations"]}
    assert drawn == {"3276010", "3276020"}          # the other kab/kota's kecamatan is not drawn
    labels = " ".join(str(tr.get("text")) for tr in spec["data"] if tr["type"] == "scattergeo")
    assert "A" in labels and "B" in labels and "20" in labels
    assert spec["layout"]["title"]["text"] == peta.AreaIndicator().name("id")


def test_area_table_and_kecamatan_table_units():
    density = pd.DataFrame({"region_code": ["3171", "3101"], "value": [15000.0, None]})
    out = wilayah.area_table(REGIONS, density)
    assert out.iloc[0]["code"] == "3171" and len(out) == len(REGIONS)


# --- unit tests of jabodash.features.wilayah ------------------------------------------------------

def test_haversine_and_distances():
    assert wilayah.haversine_km(-6.1754, 106.8272) == pytest.approx(0, abs=1e-9)
    # one degree of latitude ≈ 111.2 km
    assert wilayah.haversine_km(-7.1754, 106.8272) == pytest.approx(111.2, abs=0.2)
    dist, basis = wilayah.distances(REGIONS)
    assert basis == "published" and dist["distance_km"].is_monotonic_increasing
    geoms = [box(lon - 0.05, lat - 0.05, lon + 0.05, lat + 0.05) for lat, lon in zip(REGIONS.lat, REGIONS.lon)]
    gdf = gpd.GeoDataFrame({"code": REGIONS.code}, geometry=geoms, crs=4326)
    dist2, basis2 = wilayah.distances(REGIONS, gdf)
    assert basis2 == "boundaries"
    merged = dist.merge(dist2, on="code")
    assert np.allclose(merged.distance_km_x, merged.distance_km_y, atol=0.5)


def test_membership():
    m = wilayah.membership(REGIONS)
    assert (m == "agglomeration_only").sum() == 1 and m["3203"] == "agglomeration_only"
    fig = wilayah.membership_figure(REGIONS, "id")
    assert {tr.name for tr in fig.data} == {"Jabodetabek", "Hanya aglomerasi"}
