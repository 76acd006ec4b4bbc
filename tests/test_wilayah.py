"""Logic of the Wilayah page (jabodash.features.wilayah): distances from Monas, membership of the
agglomeration, the area and density table and the kecamatan table, checked against data/ and the
development boundaries read independently of jabodash."""
import json
import math

import pandas as pd
import pytest
from support.data import OBS, REGIONS

from jabodash.features import wilayah

KM_PER_DEGREE = 2 * math.pi * wilayah.EARTH_KM / 360   # one degree of a great circle: 111.19 km


def test_haversine_gives_known_distances():
    lat0, lon0 = wilayah.MONAS
    assert float(wilayah.haversine_km(lat0, lon0)) == 0
    assert float(wilayah.haversine_km(lat0 + 1, lon0)) == pytest.approx(KM_PER_DEGREE, rel=1e-9)
    # along the parallel a degree of longitude is shorter by cos(latitude)
    east = float(wilayah.haversine_km(lat0, lon0 + 1))
    assert east == pytest.approx(KM_PER_DEGREE * math.cos(math.radians(lat0)), rel=1e-3)


def test_distances_from_the_published_coordinates_are_sorted_and_plausible():
    table, basis = wilayah.distances(REGIONS)
    assert basis == "published" and len(table) == len(REGIONS)
    assert list(table["distance_km"]) == sorted(table["distance_km"])
    by_code = table.set_index("code")["distance_km"]
    assert table["code"].iloc[0] == "3173"          # Jakarta Pusat: Monas stands in it
    assert by_code["3173"] < 2
    # Kota Bogor is about 47 km south of Monas (0.42 degrees of latitude)
    assert by_code["3271"] == pytest.approx(KM_PER_DEGREE * 0.4213, abs=1.0)
    assert table["code"].iloc[-1] == "3203"         # Kab. Cianjur, the farthest member
    assert by_code["3203"] > 70


def test_distances_use_the_boundary_centroids_when_there_are_boundaries(test_boundaries):
    if test_boundaries is None:
        pytest.skip("JABODASH_TEST_BOUNDARIES not set")
    gpd = pytest.importorskip("geopandas")
    gdf = gpd.read_file(test_boundaries / "jabodetabek_adm2.geojson")
    table, basis = wilayah.distances(REGIONS, gdf)
    published, _ = wilayah.distances(REGIONS)
    assert basis == "boundaries"
    moved = table.set_index("code")["distance_km"] - published.set_index("code")["distance_km"]
    assert moved.abs().max() > 0.5     # centroids, not the published points
    assert table.set_index("code")["distance_km"]["3173"] < 5


def test_membership_marks_cianjur_as_agglomeration_only():
    member = wilayah.membership(REGIONS)
    assert member["3203"] == "agglomeration_only"
    expected = REGIONS.set_index("code")["in_jabodetabek"].astype(str) == "True"
    assert (member == "jabodetabek").equals(expected.reindex(member.index))
    assert (member == "jabodetabek").sum() == 14


def test_area_table_joins_the_official_area_and_sorts_by_density():
    # the census density as the store derives it: SP2020 population over the official (BIG) area
    pop = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].set_index("region_code")["value"]
    area = REGIONS.set_index("code")["area_km2"]
    density = (pop / area[pop.index]).rename("value").rename_axis("region_code").reset_index()
    density = density[density.region_code != "3203"]   # a gap: Cianjur without a figure
    table = wilayah.area_table(REGIONS, density)
    assert len(table) == len(REGIONS)
    assert list(table["density"].dropna()) == sorted(density["value"], reverse=True)
    assert table["code"].iloc[-1] == "3203" and pd.isna(table["density"].iloc[-1])   # the gap last, not zero
    row = table.set_index("code").loc["3173"]
    assert row["area_km2"] == area["3173"] == pytest.approx(47.565)
    assert row["density"] == pytest.approx(pop["3173"] / 47.565)


def test_kecamatan_table_lists_one_kabkota_by_area(test_boundaries):
    if test_boundaries is None:
        pytest.skip("JABODASH_TEST_BOUNDARIES not set")
    features = json.loads((test_boundaries / "jabodetabek_adm3.geojson").read_text())["features"]
    gdf = pd.DataFrame([f["properties"] for f in features]).rename(columns={"adm2_code": "parent_code"})
    table = wilayah.kecamatan_table(gdf, REGIONS, "3173")
    mine = gdf[gdf["parent_code"].astype(str) == "3173"]
    assert len(table) == len(mine) > 0 and set(table["code"]) == set(mine["code"].astype(str))
    assert list(table["area_km2"]) == sorted(table["area_km2"], reverse=True)
    assert set(table["kabkota"]) == {"Kota Jakarta Pusat"}
