"""jabodash.geo.boundaries and the `boundaries` CLI.

Synthetic coverages are built here, in UTM 48S, with zig-zag shared borders and the official
areas of data/regions.csv. The web services are played by a loopback server
(tests/support/boundary_server.py). The real development boundaries are used only when
JABODASH_TEST_BOUNDARIES points at a folder holding them; nothing derived from them is written
outside tmp_path.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support.boundary_server import BoundaryServer, arcgis_layer, json_response, raw_response  # noqa: E402

from jabodash.cli import boundaries as cli_boundaries  # noqa: E402
from jabodash.core.paths import DATA_DIR, cache_dir  # noqa: E402
from jabodash.geo import boundaries as bd  # noqa: E402
from jabodash.geo.boundaries import cache as bd_cache  # noqa: E402

REGIONS = pd.read_csv(Path(DATA_DIR) / "regions.csv", dtype={"code": str, "kemendagri_code": str,
                                                                  "province_code": str})
KAB = list(REGIONS["code"])
UTM = "EPSG:32748"
H = 120_000.0  # height of every synthetic kab/kota rectangle (m): all 15 fit in the study area
X0, Y0 = 660_000.0, 9_170_000.0  # about 106.45 E, 7.5 S
STEP, AMP = 200.0, 2.0  # zig-zag: a vertex every 200 m, +-2 m (net area zero)


# ------------------------------------------------------------------------------------------------
# synthetic data


def _zigzag(x: float, y_from: float, y_to: float) -> list[tuple[float, float]]:
    n = int(round(abs(y_to - y_from) / STEP))
    sign = 1 if y_to > y_from else -1
    pts = []
    for k in range(n + 1):
        kk = k if sign > 0 else n - k  # the same vertices whichever way the edge is walked
        off = {1: AMP, 3: -AMP}.get(kk % 4, 0.0)
        pts.append((x + off, y_from + sign * k * STEP))
    return pts


def _edges() -> list[float]:
    xs = [X0]
    for area in REGIONS["area_km2"]:
        xs.append(xs[-1] + float(area) * 1e6 / H)
    return xs


def _cell(x0: float, x1: float, y0: float, y1: float) -> Polygon:
    """A rectangle whose left and right sides are zig-zags shared with its neighbours."""
    right = _zigzag(x1, y0, y1)
    left = _zigzag(x0, y1, y0)
    return Polygon([*right, *left])


def kab_coverage(scale: dict[str, float] | None = None) -> gpd.GeoDataFrame:
    """15 kab/kota side by side, each with its official area (times ``scale[code]``), UTM 48S."""
    scale = scale or {}
    xs = _edges()
    geoms = []
    for i, code in enumerate(KAB):
        x0, x1 = xs[i], xs[i + 1]
        if code in scale:  # stretch vertically: a different area, borders no longer shared
            geoms.append(_cell(x0, x1, Y0, Y0 + H * scale[code]))
        else:
            geoms.append(_cell(x0, x1, Y0, Y0 + H))
    return gpd.GeoDataFrame({"code": KAB, "name": list(REGIONS["name"]),
                             "kemendagri": list(REGIONS["kemendagri_code"])}, geometry=geoms, crs=UTM)


def kec_coverage() -> gpd.GeoDataFrame:
    """Each kab/kota cut in two kecamatan, "Bawah" (south, xxx010) and "Atas" (north, xxx020):
    the same names in every kab/kota, so name matching needs the parent."""
    xs = _edges()
    rows = []
    ymid = Y0 + H / 2
    for i, code in enumerate(KAB):
        x0, x1 = xs[i], xs[i + 1]
        rows.append((code + "010", "Bawah", code, _cell(x0, x1, Y0, ymid)))
        rows.append((code + "020", "Atas", code, _cell(x0, x1, ymid, Y0 + H)))
    df = pd.DataFrame(rows, columns=["code", "name", "adm2_code", "geometry"])
    return gpd.GeoDataFrame(df, geometry="geometry", crs=UTM)


def to_features(gdf: gpd.GeoDataFrame, props: list[dict]) -> list[dict]:
    geo = json.loads(gdf.to_crs(4326).to_json())
    out = []
    for i, (f, p) in enumerate(zip(geo["features"], props)):
        out.append({"type": "Feature", "id": i + 1, "geometry": f["geometry"], "properties": p})
    return out


def big_kab_features() -> list[dict]:
    gdf = kab_coverage()
    props = [{"OBJECTID": i + 1, "WADMPR": prov, "WADMKK": name, "KDPKAB": kem, "KDBBPS": None}
             for i, (prov, name, kem) in enumerate(zip(REGIONS["province"], REGIONS["name"],
                                                       REGIONS["kemendagri_code"]))]
    return to_features(gdf, props)


def big_kec_features(extra_name: str | None = None) -> list[dict]:
    gdf = kec_coverage()
    kem = dict(zip(REGIONS["code"], REGIONS["kemendagri_code"]))
    props = []
    for i, (code, name, parent) in enumerate(zip(gdf["code"], gdf["name"], gdf["adm2_code"])):
        suffix = "01" if code.endswith("010") else "02"
        props.append({"OBJECTID": i + 1, "WADMKC": name, "WADMKK": "x", "WADMPR": "y",
                      "KDPKAB": kem[parent], "KDCPUM": f"{kem[parent]}.{suffix}", "KDCBPS": None})
    if extra_name:  # a kecamatan whose name the BPS list does not know (a new one, say)
        props[0]["WADMKC"] = extra_name
    return to_features(gdf, props)


def write(gdf: gpd.GeoDataFrame, path: Path, driver: str) -> Path:
    gdf.to_file(path, driver=driver, engine="pyogrio")
    return path


def zipped_shapefile(gdf: gpd.GeoDataFrame, folder: Path, name: str = "kab", inner_dir: str = "") -> Path:
    shp_dir = folder / f"{name}_shp"
    shp_dir.mkdir()
    gdf.to_file(shp_dir / f"{name}.shp", driver="ESRI Shapefile", engine="pyogrio")
    zpath = folder / f"{name}.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for p in shp_dir.iterdir():
            zf.write(p, arcname=f"{inner_dir}{p.name}")
    return zpath


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(folder))
    bd_cache._GEOJSON_MEMO.clear()
    return folder


@pytest.fixture
def server():
    with BoundaryServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def real_geo() -> Path | None:
    folder = os.environ.get("JABODASH_TEST_BOUNDARIES")
    if folder and (Path(folder) / "jabodetabek_adm2.geojson").exists():
        return Path(folder)
    return None


def _needs_real(real_geo):
    if real_geo is None:
        pytest.skip("JABODASH_TEST_BOUNDARIES not set to a folder with jabodetabek_adm{2,3}.geojson")
    return real_geo


# ------------------------------------------------------------------------------------------------
# pure functions: validate, area_checks, simplify


def test_validate_repairs_a_bow_tie_and_reprojects():
    bow = Polygon([(700_000, 9_300_000), (701_000, 9_301_000), (701_000, 9_300_000), (700_000, 9_301_000)])
    assert not bow.is_valid
    gdf = gpd.GeoDataFrame({"code": ["3276"], "name": ["Depok"]}, geometry=[bow], crs=UTM)
    out = bd.validate(gdf, "kabkota")
    assert out.crs.to_epsg() == 4326
    assert list(out.columns) == ["code", "name", "parent_code", "area_km2", "geometry"]
    geom = out.geometry.iloc[0]
    assert geom.is_valid and geom.geom_type in ("Polygon", "MultiPolygon")
    assert out.attrs["repaired"] == 1
    assert out["area_km2"].iloc[0] == pytest.approx(0.5, rel=1e-3)  # two triangles of 0.25 km2
    assert out["parent_code"].iloc[0] == "32"
    minx, miny, maxx, maxy = geom.bounds
    assert 106 < minx < maxx < 108 and -7.7 < miny < maxy < -5


def test_validate_merges_duplicate_codes_and_drops_non_polygons():
    a, b = box(700_000, 9_300_000, 701_000, 9_301_000), box(702_000, 9_300_000, 703_000, 9_301_000)
    line = shapely.LineString([(0, 0), (1, 1)])
    gdf = gpd.GeoDataFrame({"code": ["3276", "3276", "3275"], "name": ["Depok", "Depok", "Bekasi"]},
                           geometry=[a, b, line], crs=UTM)
    out = bd.validate(gdf, "kabkota")
    assert list(out["code"]) == ["3276"]
    assert out.geometry.iloc[0].geom_type == "MultiPolygon"
    assert out["area_km2"].iloc[0] == pytest.approx(2.0, rel=1e-6)
    assert out.attrs["dropped"] == [2]


def test_area_checks_flag_more_than_five_percent():
    gdf = bd.validate(kab_coverage(scale={"3276": 1.10, "3275": 1.04}), "kabkota")
    checks = {c["code"]: c for c in bd.area_checks(gdf, "kabkota")}
    assert len(checks) == 15
    assert checks["3276"]["flagged"] and checks["3276"]["diff_pct"] == pytest.approx(10, abs=0.05)
    assert not checks["3275"]["flagged"] and checks["3275"]["diff_pct"] == pytest.approx(4, abs=0.05)
    assert not checks["3171"]["flagged"] and abs(checks["3171"]["diff_pct"]) < 0.05
    assert sum(c["flagged"] for c in checks.values()) == 1


def test_area_checks_kecamatan_sum_per_parent():
    kec = kec_coverage()
    kec = kec[kec["code"] != "3276020"]  # half of Depok missing
    gdf = bd.validate(kec.rename(columns={"adm2_code": "parent_code"}), "kecamatan")
    checks = {c["code"]: c for c in bd.area_checks(gdf, "kecamatan")}
    assert checks["3276"]["scope"] == "parent_sum" and checks["3276"]["units"] == 1
    assert checks["3276"]["flagged"] and checks["3276"]["diff_pct"] == pytest.approx(-50, abs=0.1)
    assert not checks["3201"]["flagged"] and checks["3201"]["units"] == 2


def _assert_clean_coverage(gdf: gpd.GeoDataFrame, reference_union_area: float, holes: int = 0):
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    assert shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)  # no overlaps, shared edges identical
    projected = gdf.to_crs(UTM).geometry
    union = shapely.union_all(projected.values)
    # no overlaps: the parts add up to the whole; no gaps: the whole did not shrink
    assert projected.area.sum() == pytest.approx(union.area, rel=1e-6)
    assert union.area == pytest.approx(reference_union_area, rel=2e-3)
    # gaps narrower than ~5 m would show as holes of the union
    assert sum(len(p.interiors) for p in shapely.get_parts(union)) == holes


@pytest.mark.parametrize("level", bd.LEVELS)
def test_simplify_keeps_shared_borders(level):
    src = kab_coverage() if level == "kabkota" else kec_coverage().rename(columns={"adm2_code": "parent_code"})
    valid = bd.validate(src, level)
    assert bd.coverage_ok(valid)
    before = shapely.get_num_coordinates(valid.geometry.values).sum()
    out = bd.simplify(valid, level)
    after = shapely.get_num_coordinates(out.geometry.values).sum()
    assert after < before / 10  # the 5 m zig-zags are gone
    assert out.crs.to_epsg() == 4326
    _assert_clean_coverage(out, shapely.union_all(src.geometry.values).area)
    # every pair of neighbours still shares a border line
    g = out.geometry.values
    for i in range(len(g) - 1):
        if level == "kabkota":
            assert shapely.intersection(g[i].boundary, g[i + 1].boundary).length > 0
    # coordinates are rounded to 5 decimals; the unsimplified area is kept
    coords = shapely.get_coordinates(g)
    assert np.allclose(coords, np.round(coords, 5), atol=1e-9)
    assert list(out["area_km2"]) == list(valid["area_km2"])
    # RFC 7946: exterior rings counter-clockwise
    assert all(shapely.LinearRing(p.exterior).is_ccw for p in shapely.get_parts(g))


def test_simplify_exists_in_installed_geopandas():
    assert hasattr(gpd.GeoSeries, "simplify_coverage")


# ------------------------------------------------------------------------------------------------
# import_file: formats, columns, matching


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "zip", "zip-bytes", "geojson-bytes", "gpkg-bytes"])
def test_import_each_format(tmp_path, fmt):
    gdf = kab_coverage()
    if fmt.startswith("geojson"):
        path = write(gdf.to_crs(4326), tmp_path / "kab.geojson", "GeoJSON")
    elif fmt.startswith("gpkg"):
        path = write(gdf, tmp_path / "kab.gpkg", "GPKG")  # stays in EPSG:32748: reprojection
    else:
        path = zipped_shapefile(gdf, tmp_path)
    if fmt.endswith("bytes"):
        report = bd.import_file(path.read_bytes(), "kabkota", filename=path.name)
    else:
        report = bd.import_file(path, "kabkota")
    assert len(report.matched) == 15 and not report.unmatched and not report.missing
    out = report.boundary_set.gdf
    assert out.crs.to_epsg() == 4326
    assert sorted(out["code"]) == sorted(KAB)
    assert report.columns["code"] == "code"
    assert not report.flagged
    assert report.boundary_set.meta["code_scheme"] == "bps"
    assert bd.load_cached("kabkota") is not None


def test_import_reprojects_from_utm(tmp_path):
    path = write(kab_coverage(), tmp_path / "utm.gpkg", "GPKG")
    report = bd.import_file(path, "kabkota")
    minx, miny, maxx, maxy = report.boundary_set.gdf.total_bounds
    assert 106 < minx < maxx < 107.7 and -7.7 < miny < maxy < -5
    areas = dict(zip(report.boundary_set.gdf["code"], report.boundary_set.gdf["area_km2"]))
    official = dict(zip(REGIONS["code"], REGIONS["area_km2"]))
    for code in KAB:
        assert areas[code] == pytest.approx(official[code], rel=1e-4)


def test_import_bytes_sniffed_without_filename(tmp_path):
    path = write(kab_coverage().to_crs(4326), tmp_path / "k.geojson", "GeoJSON")
    report = bd.import_file(path.read_bytes(), "kabkota")
    assert len(report.boundary_set.gdf) == 15


def test_zip_with_folder_and_zip_with_two_layers(tmp_path):
    gdf = kab_coverage()
    nested = zipped_shapefile(gdf, tmp_path, "nested", inner_dir="data/")
    assert len(bd.import_file(nested, "kabkota").boundary_set.gdf) == 15
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(nested) as src, zipfile.ZipFile(two, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
            dst.writestr(name.replace("nested.", "other."), src.read(name))
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(two, "kabkota")
    assert err.value.key == "boundaries.error.multiple_layers" and "other" in str(err.value)
    assert len(bd.import_file(two, "kabkota", layer="other").boundary_set.gdf) == 15


def test_unsupported_and_broken_files(tmp_path):
    txt = tmp_path / "notes.txt"
    txt.write_text("hello")
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(txt, "kabkota")
    assert err.value.key == "boundaries.error.unsupported_format"
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(broken, "kabkota")
    assert err.value.key == "boundaries.error.unreadable_file"
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(b"PK\x03\x04garbage", "kabkota", filename="x.zip")
    assert err.value.key == "boundaries.error.unreadable_file"
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(tmp_path / "nope.gpkg", "kabkota")
    assert err.value.key == "boundaries.error.unreadable_file"
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(txt, "provinsi")
    assert err.value.key == "boundaries.error.level"


def test_name_matching_reports_every_unmatched_feature(tmp_path):
    gdf = kab_coverage()
    names = list(REGIONS["name"])
    names[KAB.index("3201")] = "Bogor"  # ambiguous alone; "Kota Bogor" is taken: by elimination
    names[KAB.index("3276")] = "Atlantis"  # inside the area, unknown
    names[KAB.index("3275")] = ""  # empty
    gdf = gdf.assign(NAMA_KAB=names).drop(columns=["code", "name", "kemendagri"])
    far = gpd.GeoDataFrame({"NAMA_KAB": ["Kota Sorong"]}, geometry=[box(0, 9_000_000, 1000, 9_001_000)],
                           crs=UTM).to_crs(4326).to_crs(UTM)
    gdf = pd.concat([gdf, far], ignore_index=True)
    path = write(gdf.to_crs(4326), tmp_path / "names.geojson", "GeoJSON")
    report = bd.import_file(path, "kabkota", name_column="NAMA_KAB")
    assert report.columns["code"] is None and report.columns["name"] == "NAMA_KAB"
    by_index = {u["index"]: u for u in report.unmatched}
    assert set(by_index) == {KAB.index("3276"), KAB.index("3275")}
    assert by_index[KAB.index("3276")]["value"] == "Atlantis"
    assert report.outside == [{"index": 15, "value": "Kota Sorong"}]
    assert sorted(report.missing) == ["3275", "3276"]
    methods = {m["code"]: m["method"] for m in report.matched}
    assert methods["3201"] == "name (by elimination)" and methods["3271"] == "name"
    assert "Atlantis" in report.summary()
    meta = json.loads((cache_dir() / "boundaries" / "kabkota.json").read_text())
    assert sorted(u["index"] for u in meta["unmatched"]) == sorted(by_index)


def test_code_column_kemendagri_and_conflicts(tmp_path):
    gdf = kab_coverage()
    path = write(gdf.to_crs(4326), tmp_path / "kem.geojson", "GeoJSON")
    report = bd.import_file(path, "kabkota", code_column="kemendagri")
    codes = dict(zip(report.boundary_set.gdf["name"], report.boundary_set.gdf["code"]))
    assert codes["Kota Jakarta Selatan"] == "3171" and codes["Kota Jakarta Pusat"] == "3173"
    assert not report.conflicts
    # Kemendagri digits without the dot, read as BPS: the names disagree and are reported
    undotted = gdf.assign(kem4=gdf["kemendagri"].str.replace(".", "", regex=False))
    path = write(undotted.to_crs(4326), tmp_path / "kem4.geojson", "GeoJSON")
    report = bd.import_file(path, "kabkota", code_column="kem4", name_column="name")
    assert {c["name"] for c in report.conflicts} >= {"Kota Jakarta Selatan", "Kota Jakarta Pusat"}
    assert "check the code scheme" in report.summary()
    report = bd.import_file(path, "kabkota", code_column="kem4", name_column="name", code_scheme="kemendagri")
    assert not report.conflicts


def test_code_column_errors_and_bad_codes(tmp_path):
    gdf = kab_coverage().to_crs(4326)
    gdf["code"] = gdf["code"].astype(object)
    gdf.loc[0, "code"] = "ID3101"  # P-code form
    gdf.loc[1, "code"] = "xx"  # garbage, the name still matches
    gdf.loc[2, "code"] = "3204"  # a real code, not a dashboard region
    path = write(gdf, tmp_path / "codes.geojson", "GeoJSON")
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(path, "kabkota", code_column="KODE")
    assert err.value.key == "boundaries.error.column_not_found" and "KODE" in str(err.value)
    report = bd.import_file(path, "kabkota", code_column="code")
    assert len(report.matched) == 14
    assert [o["value"] for o in report.outside] == ["3204"]
    assert report.missing == [KAB[2]]
    path2 = write(gdf[["geometry"]].assign(foo=1), tmp_path / "nokey.geojson", "GeoJSON")
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(path2, "kabkota")
    assert err.value.key == "boundaries.error.no_key_column" and "foo" in str(err.value)


def test_kabkota_codes_written_as_seven_digits(tmp_path, capsys):
    """XXXX000 is the kab/kota XXXX (mixed with 4-digit and dotted codes), in the API and the CLI."""
    gdf = kab_coverage().to_crs(4326)
    gdf["code"] = [c + "000" if i % 3 else c for i, c in enumerate(gdf["code"])]
    gdf.loc[1, "code"] = gdf.loc[1, "kemendagri"]  # a dotted Kemendagri code among them
    gdf = gdf.drop(columns=["name"])
    path = write(gdf, tmp_path / "kab7.geojson", "GeoJSON")
    report = bd.import_file(path, "kabkota", code_column="code")
    assert sorted(report.boundary_set.gdf["code"]) == sorted(KAB)
    assert not report.unmatched and not report.outside and not report.missing
    assert [m["code"] for m in report.matched] == KAB
    assert [m["value"] for m in report.matched][2] == KAB[2] + "000"
    bd.clear_cache("kabkota")
    assert _cli(["boundaries", "import", str(path), "--level", "kabkota", "--code-column", "code"]) == 0
    assert "15 regions" in capsys.readouterr().out
    assert sorted(bd.load_cached("kabkota").gdf["code"]) == sorted(KAB)
    # Kemendagri digits padded the same way, with the Kemendagri scheme: Jakarta's codes cross over
    undotted = gdf.assign(kem7=kab_coverage()["kemendagri"].str.replace(".", "", regex=False) + "000")
    path = write(undotted, tmp_path / "kem7.geojson", "GeoJSON")
    report = bd.import_file(path, "kabkota", code_column="kem7", code_scheme="kemendagri")
    assert [m["code"] for m in report.matched] == KAB


def test_seven_digit_kabkota_code_is_never_a_kecamatan(tmp_path):
    kec = kec_coverage().to_crs(4326)
    kec["code"] = kec["code"].astype(object)
    kec.loc[0, "code"] = kec.loc[0, "code"][:4] + "000"
    path = write(kec, tmp_path / "kec.geojson", "GeoJSON")
    report = bd.import_file(path, "kecamatan", code_column="code")
    assert len(report.matched) == 29
    assert not any(c.endswith("000") for c in report.boundary_set.gdf["code"])
    assert [(u["index"], u["value"]) for u in report.unmatched] == [(0, kec.loc[0, "code"])]
    assert "written as 7 digits" in report.unmatched[0]["reason"]


def test_no_feature_matches(tmp_path):
    gdf = kab_coverage().to_crs(4326).assign(name="Atlantis").drop(columns=["code", "kemendagri"])
    path = write(gdf, tmp_path / "none.geojson", "GeoJSON")
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(path, "kabkota")
    assert err.value.key == "boundaries.error.no_match" and err.value.params["count"] == 15


def test_kecamatan_import_codes_then_names_within_parent(tmp_path):
    kec = kec_coverage()
    path = write(kec.to_crs(4326), tmp_path / "kec.geojson", "GeoJSON")
    report = bd.import_file(path, "kecamatan")
    assert report.boundary_set.meta["code_scheme"] == "bps" and len(report.matched) == 30
    gdf = report.boundary_set.gdf
    assert set(gdf["parent_code"]) == set(KAB)
    assert (gdf["code"].str[:4] == gdf["parent_code"]).all()
    # names only ("Atas"/"Bawah" everywhere) with a parent column naming the kab/kota
    named = kec.assign(kab=[dict(zip(REGIONS["code"], REGIONS["name"]))[c] for c in kec["adm2_code"]])
    named = named.drop(columns=["code", "adm2_code"])
    path = write(named.to_crs(4326), tmp_path / "named.geojson", "GeoJSON")
    report = bd.import_file(path, "kecamatan", name_column="name", parent_column="kab")
    assert len(report.matched) == 30 and not report.unmatched
    assert sorted(report.boundary_set.gdf["code"]) == sorted(kec["code"])
    # without the parent the same names are ambiguous, and reported
    path = write(named.drop(columns=["kab"]).to_crs(4326), tmp_path / "noparent.geojson", "GeoJSON")
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(path, "kecamatan", name_column="name")
    assert err.value.key == "boundaries.error.no_match"


def test_kecamatan_names_without_a_reference(tmp_path):
    named = kec_coverage().drop(columns=["code"])
    path = write(named.to_crs(4326), tmp_path / "named.geojson", "GeoJSON")
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(path, "kecamatan", name_column="name")
    assert err.value.key == "boundaries.error.no_match"


def test_bps_made_files_get_the_bps_attribution(tmp_path):
    gdf = kab_coverage().to_crs(4326)
    gdf = gdf.assign(ADM2_PCODE="ID" + gdf["code"], ADM2_EN=gdf["name"]).drop(columns=["code", "name"])
    path = write(gdf, tmp_path / "idn_admbnda_adm2_bps_20200401.geojson", "GeoJSON")
    report = bd.import_file(path, "kabkota")
    assert report.columns["code"] == "ADM2_PCODE"
    assert bd.attribution("kabkota") == "BPS via OCHA/HDX, CC BY-IGO"
    assert report.meta["licence"] == "CC BY-IGO"
    plain = write(kab_coverage().to_crs(4326), tmp_path / "mine.geojson", "GeoJSON")
    bd.import_file(plain, "kabkota", attribution="Peta: Bappeda", licence="internal")
    assert bd.attribution("kabkota") == "Peta: Bappeda"


# ------------------------------------------------------------------------------------------------
# cache


def _import_kab(tmp_path) -> bd.ImportReport:
    return bd.import_file(write(kab_coverage().to_crs(4326), tmp_path / "kab.geojson", "GeoJSON"), "kabkota")


def test_cache_round_trip(tmp_path, cache):
    assert bd.load_cached("kabkota") is None and bd.geojson_for("kabkota") is None
    assert bd.attribution("kabkota") is None
    report = _import_kab(tmp_path)
    parquet, meta_path = cache / "boundaries" / "kabkota.parquet", cache / "boundaries" / "kabkota.json"
    meta = json.loads(meta_path.read_text())
    assert meta["sha256"] == hashlib.sha256(parquet.read_bytes()).hexdigest()
    for key in ("source", "licence", "attribution", "fetched_at", "feature_count", "unmatched", "area_checks"):
        assert key in meta
    assert not [p for p in (cache / "boundaries").iterdir() if p.name.endswith(".tmp")]
    loaded = bd.load_cached("kabkota")
    assert loaded.gdf.crs.to_epsg() == 4326
    assert list(loaded.gdf.columns) == ["code", "name", "parent_code", "area_km2", "geometry"]
    pd.testing.assert_frame_equal(pd.DataFrame(loaded.gdf.drop(columns="geometry")),
                                  pd.DataFrame(report.boundary_set.gdf.drop(columns="geometry")),
                                  check_dtype=False)
    assert loaded.gdf.geometry.geom_equals(report.boundary_set.gdf.geometry).all()
    status = bd.cache_status()
    assert status["kabkota"]["feature_count"] == 15 and status["kecamatan"] is None


def test_geojson_for_is_memoised_per_checksum(tmp_path):
    _import_kab(tmp_path)
    fc = bd.geojson_for("kabkota")
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 15
    feat = fc["features"][0]
    assert feat["id"] in KAB and set(feat["properties"]) == {"name"}
    assert feat["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert bd.geojson_for("kabkota") is fc
    gdf = kab_coverage().to_crs(4326)
    write(gdf[gdf["code"] != "3101"], tmp_path / "k14.geojson", "GeoJSON")
    bd.import_file(tmp_path / "k14.geojson", "kabkota")
    fc2 = bd.geojson_for("kabkota")
    assert fc2 is not fc and len(fc2["features"]) == 14


@pytest.mark.parametrize("damage", ["garbage", "truncate", "checksum", "json", "no-json-old"])
def test_corrupt_cache_is_detected_removed_and_rebuilt(tmp_path, cache, damage, caplog):
    _import_kab(tmp_path)
    folder = cache / "boundaries"
    parquet, meta_path = folder / "kabkota.parquet", folder / "kabkota.json"
    if damage == "garbage":
        parquet.write_bytes(b"not a parquet file at all")
    elif damage == "truncate":
        parquet.write_bytes(parquet.read_bytes()[:500])
    elif damage == "checksum":
        meta = json.loads(meta_path.read_text())
        meta["sha256"] = "0" * 64
        meta_path.write_text(json.dumps(meta))
    elif damage == "json":
        meta_path.write_text("{not json")
    else:  # a parquet left without its JSON by a crash, long ago
        meta_path.unlink()
        os.utime(parquet, (time.time() - 3600, time.time() - 3600))
    assert bd.load_cached("kabkota") is None
    assert not parquet.exists() and not meta_path.exists()
    assert bd.geojson_for("kabkota") is None and bd.attribution("kabkota") is None
    _import_kab(tmp_path)  # rebuilt
    assert len(bd.load_cached("kabkota").gdf) == 15


def test_corrupt_parquet_with_a_valid_checksum_is_caught(tmp_path, cache):
    _import_kab(tmp_path)
    folder = cache / "boundaries"
    data = b"PAR1" + b"\x00" * 100 + b"PAR1"
    meta = json.loads((folder / "kabkota.json").read_text())
    meta["sha256"] = hashlib.sha256(data).hexdigest()
    (folder / "kabkota.parquet").write_bytes(data)
    (folder / "kabkota.json").write_text(json.dumps(meta))
    assert bd.load_cached("kabkota") is None


def test_clear_cache(tmp_path):
    _import_kab(tmp_path)
    assert len(bd.clear_cache("kabkota")) == 2
    assert bd.load_cached("kabkota") is None and bd.clear_cache() == []


# ------------------------------------------------------------------------------------------------
# BIG ArcGIS REST


def test_fetch_big_kabkota_pages_until_the_limit_clears(server):
    feats = big_kab_features()
    url = server.route("/big/kab/query", arcgis_layer(feats, max_record_count=4))
    calls = []
    report = bd.fetch_big("kabkota", url, progress=lambda d, t, m: calls.append((d, t, m)), timeout=5)
    pages = [q for p, q in server.requests if "resultOffset" in q]
    assert [int(q["resultOffset"]) for q in pages] == [0, 4, 8, 12]
    for q in pages:
        assert q["f"] == "geojson" and q["outSR"] == "4326" and q["returnGeometry"] == "true"
        assert "KDPKAB IN (" in q["where"] and "'31.74'" in q["where"]
    assert any(t == 15 and d == 15 for d, t, m in calls)
    gdf = report.boundary_set.gdf
    assert sorted(gdf["code"]) == sorted(KAB) and not report.unmatched
    # the Kemendagri code 31.74 became BPS 3171, with Jakarta Selatan's geometry
    expected = bd.validate(kab_coverage(), "kabkota").set_index("code")["area_km2"]
    assert gdf.set_index("code")["area_km2"]["3171"] == pytest.approx(expected["3171"], rel=1e-3)
    meta = report.meta
    assert meta["attribution"] == bd.ATTRIBUTION_BIG and meta["pages"] == 4
    assert {m["method"] for m in report.matched} == {"kemendagri code"}
    assert bd.attribution("kabkota") == bd.ATTRIBUTION_BIG


def test_fetch_big_limit_flag_in_properties_and_no_count(server):
    feats = big_kab_features()
    layer = arcgis_layer(feats, max_record_count=10, flag_in_properties=True)

    def no_count(query):
        if query.get("returnCountOnly"):
            return raw_response(b"<html>nope</html>")(query)
        return layer(query)
    url = server.route("/big/q", no_count)
    calls = []
    report = bd.fetch_big("kabkota", url, progress=lambda d, t, m: calls.append((t, m)), timeout=5)
    assert len(report.boundary_set.gdf) == 15 and report.meta["pages"] == 2
    assert {t for t, m in calls if "page" in m} == {None}  # no count: no total, still progress


def test_fetch_big_kecamatan_without_reference_keeps_kemendagri_codes(server):
    url = server.route("/big/kec/query", arcgis_layer(big_kec_features(), max_record_count=8))
    report = bd.fetch_big("kecamatan", url, timeout=5)
    gdf = report.boundary_set.gdf
    assert report.meta["code_scheme"] == "kemendagri"
    assert "317401" in set(gdf["code"])  # Jakarta Selatan (BPS 3171) + Kemendagri suffix 01
    assert (gdf["code"].str.len() == 6).all() and (gdf["code"].str[:4] == gdf["parent_code"]).all()
    assert set(gdf["parent_code"]) == set(KAB)
    assert not report.unmatched  # nothing to match against: nothing reported as unmatched


def test_fetch_big_kecamatan_matches_names_against_bps_kecamatan(server, tmp_path):
    bd.import_file(write(kec_coverage().to_crs(4326), tmp_path / "kec.geojson", "GeoJSON"), "kecamatan")
    url = server.route("/big/kec/query", arcgis_layer(big_kec_features(extra_name="Kecamatan Baru"),
                                                      max_record_count=8))
    report = bd.fetch_big("kecamatan", url, timeout=5)
    gdf = report.boundary_set.gdf.set_index("code")
    assert report.meta["code_scheme"] == "mixed"
    # Jakarta Selatan: Kemendagri 31.74.02 "Atas" -> BPS 3171020
    assert "3171020" in gdf.index and gdf.loc["3171020", "parent_code"] == "3171"
    assert len(report.unmatched) == 1
    u = report.unmatched[0]
    assert u["value"] == "Kecamatan Baru" and "Kemendagri-based code 310101" in u["reason"]
    assert "310101" in gdf.index


def test_fetch_big_prefers_bps_codes_when_the_service_has_them(server):
    feats = big_kec_features()
    for f in feats:
        f["properties"]["KDCBPS"] = None
    bps_codes = list(kec_coverage()["code"])
    for f, code in zip(feats, bps_codes):
        f["properties"]["KDCBPS"] = code
    url = server.route("/big/kec/query", arcgis_layer(feats))
    report = bd.fetch_big("kecamatan", url, timeout=5)
    assert report.meta["code_scheme"] == "bps"
    assert sorted(report.boundary_set.gdf["code"]) == sorted(bps_codes)


@pytest.mark.parametrize("case", ["http500", "timeout", "truncated", "malformed", "missing_field",
                                  "service_error", "not_geojson", "empty", "refused"])
def test_fetch_big_failures_are_clear(server, tmp_path, case):
    _import_kab(tmp_path)  # a working cache that a failed download must leave alone
    before = (cache_dir() / "boundaries" / "kabkota.parquet").read_bytes()
    feats = big_kab_features()
    body = json.dumps({"type": "FeatureCollection", "features": feats}).encode()
    timeout = 5
    if case == "http500":
        handler = raw_response(b"Internal Server Error", status=500, content_type="text/plain")
    elif case == "timeout":
        handler = lambda q: raw_response(body, delay=1.5)(q)  # noqa: E731
        timeout = 0.3
    elif case == "truncated":
        handler = lambda q: raw_response(body, truncate_to=len(body) // 3)(q)  # noqa: E731
    elif case == "malformed":
        handler = raw_response(b'{"type": "FeatureCollection", "features": [}')
    elif case == "missing_field":
        for f in feats:
            f["properties"].pop("KDPKAB")
            f["properties"]["KODE_KAB"] = "x"
        handler = arcgis_layer(feats)
    elif case == "service_error":
        handler = json_response({"error": {"code": 400, "message": "Unable to complete operation.",
                                           "details": ["Invalid where clause"]}})
    elif case == "not_geojson":
        handler = json_response({"type": "FeatureCollection", "rows": []})
    elif case == "empty":
        handler = arcgis_layer([])
    url = server.route("/big/query", handler) if case != "refused" else "http://127.0.0.1:9/query"
    with pytest.raises(bd.BoundaryError) as err:
        bd.fetch_big("kabkota", url, timeout=timeout)
    e = err.value
    expected = {"http500": "http", "timeout": "timeout", "truncated": "truncated", "malformed": "malformed",
                "missing_field": "missing_field", "service_error": "service", "not_geojson": "missing_field",
                "empty": "no_features", "refused": "network"}[case]
    assert e.key == f"boundaries.error.{expected}"
    msg = str(e)
    assert "Traceback" not in msg and len(msg) < 600
    if case == "http500":
        assert e.params["status"] == 500 and "HTTP 500" in msg
    if case == "missing_field":
        assert e.params["field"] == "KDPKAB" and "'KDPKAB'" in msg and "KODE_KAB" in msg
    if case == "not_geojson":
        assert e.params["field"] == "features"
    if case == "service_error":
        assert "Invalid where clause" in msg
    if case == "truncated":
        assert e.params["expected"] == len(body)
    assert (cache_dir() / "boundaries" / "kabkota.parquet").read_bytes() == before


def test_error_keys_have_english_messages():
    for key in bd.MESSAGES_EN:
        assert key.startswith("boundaries.error.")
    e = bd.BoundaryError("boundaries.error.http", status=503, url="http://x")
    assert e.key == "boundaries.error.http" and e.params == {"status": 503, "url": "http://x"}
    assert str(e) == "The server answered HTTP 503 for http://x."


# ------------------------------------------------------------------------------------------------
# geoBoundaries


def _gb_features(extra: bool = True) -> list[dict]:
    names = list(REGIONS["name"])
    names[KAB.index("3201")] = "Bogor"
    names[KAB.index("3275")] = "Bekasi City"
    feats = to_features(kab_coverage(), [{"shapeName": n, "shapeISO": "", "shapeID": f"IDN-ADM2-{i}",
                                          "shapeGroup": "IDN", "shapeType": "ADM2"}
                                         for i, n in enumerate(names)])
    if extra:
        inside = gpd.GeoSeries([box(106.5, -6.0, 106.51, -5.99)], crs=4326)  # a neighbour-like unknown
        far = gpd.GeoSeries([box(130.0, -1.0, 130.1, -0.9)], crs=4326)
        for name, g in (("Serang", inside), ("Sorong", far)):
            feats.append({"type": "Feature", "geometry": json.loads(g.to_json())["features"][0]["geometry"],
                          "properties": {"shapeName": name, "shapeISO": "", "shapeID": "x", "shapeGroup": "IDN",
                                         "shapeType": "ADM2"}})
    return feats


def _gb_meta(geo_url: str, **drop) -> dict:
    meta = {"boundaryID": "IDN-ADM2-12345", "boundaryName": "Indonesia", "boundaryISO": "IDN",
            "boundaryType": "ADM2", "boundarySource": "BPS, OCHA ROAP", "boundaryLicense": "CC BY 3.0 IGO",
            "licenseDetail": "", "boundaryYearRepresented": "2020",
            "gjDownloadURL": geo_url.replace("simplified", "full"), "simplifiedGeometryGeoJSON": geo_url,
            "tjDownloadURL": "", "staticDownloadLink": ""}
    for k in drop:
        meta.pop(k)
    return meta


def test_fetch_geoboundaries(server):
    geo = {"type": "FeatureCollection", "features": _gb_features()}
    geo_url = server.route("/gb/simplified.geojson", json_response(geo))
    api = server.route("/gb/api/IDN/ADM2/", json_response(_gb_meta(geo_url)))
    calls = []
    report = bd.fetch_geoboundaries(api, progress=lambda d, t, m: calls.append((d, t, m)), timeout=5)
    gdf = report.boundary_set.gdf
    assert sorted(gdf["code"]) == sorted(KAB)
    assert [u["value"] for u in report.unmatched] == ["Serang"]
    assert [o["value"] for o in report.outside] == ["Sorong"]
    methods = {m["code"]: m["method"] for m in report.matched}
    assert methods["3201"] == "name (by elimination)"
    assert report.meta["licence"] == "CC BY 3.0 IGO"
    assert report.meta["attribution"].startswith("BPS via OCHA/HDX, CC BY-IGO")
    assert "BPS, OCHA ROAP" in report.meta["source"]
    assert bd.attribution("kabkota") == report.meta["attribution"]
    assert any("geoBoundaries" in m for d, t, m in calls)


def test_fetch_geoboundaries_relative_url_and_list_answer(server):
    geo = {"type": "FeatureCollection", "features": _gb_features(extra=False)}
    server.route("/gb/files/simplified.geojson", json_response(geo))
    meta = _gb_meta("../files/simplified.geojson")
    meta["boundarySource"] = "Some Agency"
    api = server.route("/gb/api/", json_response([meta]))
    report = bd.fetch_geoboundaries(api, timeout=5)
    assert len(report.boundary_set.gdf) == 15
    assert report.meta["attribution"] == "Some Agency via geoBoundaries, CC BY 3.0 IGO"


@pytest.mark.parametrize("case", ["no_licence", "no_url", "geo_500", "geo_truncated", "no_shapename",
                                  "api_malformed", "api_timeout"])
def test_fetch_geoboundaries_failures(server, case):
    feats = _gb_features()
    if case == "no_shapename":
        for f in feats:
            f["properties"]["name"] = f["properties"].pop("shapeName")
    geo_body = json.dumps({"type": "FeatureCollection", "features": feats}).encode()
    if case == "geo_500":
        geo_handler = raw_response(b"oops", status=500)
    elif case == "geo_truncated":
        geo_handler = raw_response(geo_body, truncate_to=1000)
    else:
        geo_handler = raw_response(geo_body)
    geo_url = server.route("/gb/s.geojson", geo_handler)
    drop = {"no_licence": {"boundaryLicense": 1}, "no_url": {"simplifiedGeometryGeoJSON": 1}}.get(case, {})
    if case == "api_malformed":
        api_handler = raw_response(b"<!doctype html><title>Maintenance</title>", content_type="text/html")
    elif case == "api_timeout":
        api_handler = lambda q: raw_response(json.dumps(_gb_meta(geo_url)).encode(), delay=1.5)(q)  # noqa: E731
    else:
        api_handler = json_response(_gb_meta(geo_url, **drop))
    api = server.route("/gb/api/", api_handler)
    with pytest.raises(bd.BoundaryError) as err:
        bd.fetch_geoboundaries(api, timeout=0.3 if case == "api_timeout" else 5)
    e = err.value
    expected = {"no_licence": ("missing_field", "boundaryLicense"), "no_url": ("missing_field",
                "simplifiedGeometryGeoJSON"), "no_shapename": ("missing_field", "shapeName"),
                "geo_500": ("http", None), "geo_truncated": ("truncated", None),
                "api_malformed": ("malformed", None), "api_timeout": ("timeout", None)}[case]
    assert e.key == f"boundaries.error.{expected[0]}"
    if expected[1]:
        assert e.params["field"] == expected[1] and expected[1] in str(e)


def test_fetch_auto_falls_back_to_geoboundaries(server):
    big = server.route("/big/query", raw_response(b"busy", status=503))
    geo_url = server.route("/gb/s.geojson", json_response({"type": "FeatureCollection",
                                                            "features": _gb_features(extra=False)}))
    api = server.route("/gb/api/", json_response(_gb_meta(geo_url)))
    report = bd.fetch("kabkota", url=big, fallback_url=api, timeout=5)
    assert report.meta["fallback_from"]["error_key"] == "boundaries.error.http"
    assert bd.load_cached("kabkota").meta["fallback_from"]["source"] == "BIG"
    with pytest.raises(bd.BoundaryError) as err:  # kecamatan has no fallback
        bd.fetch("kecamatan", url=big, fallback_url=api, timeout=5)
    assert err.value.params["status"] == 503
    with pytest.raises(bd.BoundaryError):
        bd.fetch("kecamatan", source="geoboundaries")


# ------------------------------------------------------------------------------------------------
# CLI


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="jabodash")
    sub = parser.add_subparsers(dest="command")
    cli_boundaries.register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_import_status_clear(tmp_path, capsys):
    path = write(kab_coverage().to_crs(4326), tmp_path / "kab.geojson", "GeoJSON")
    assert _cli(["boundaries", "import", str(path), "--level", "kabkota", "--attribution", "Peta uji"]) == 0
    out = capsys.readouterr().out
    assert "15 regions" in out and "GeoJSON for maps" in out
    assert _cli(["boundaries", "status"]) == 0
    out = capsys.readouterr().out
    assert "kabkota: 15 regions" in out and "Peta uji" in out and "kecamatan: nothing cached" in out
    assert _cli(["boundaries", "clear"]) == 0
    assert bd.load_cached("kabkota") is None


def test_cli_import_errors_are_one_line(tmp_path, capsys):
    path = write(kab_coverage().to_crs(4326), tmp_path / "kab.geojson", "GeoJSON")
    assert _cli(["boundaries", "import", str(tmp_path / "missing.gpkg"), "--level", "kabkota"]) == 1
    assert _cli(["boundaries", "import", str(path), "--level", "kabkota", "--code-column", "NOPE"]) == 1
    err = capsys.readouterr().err
    assert "error:" in err and "NOPE" in err and "Traceback" not in err


def test_cli_fetch_with_progress(server, capsys):
    url = server.route("/big/query", arcgis_layer(big_kab_features(), max_record_count=5))
    assert _cli(["boundaries", "fetch", "--level", "kabkota", "--source", "big", "--url", url,
                 "--timeout", "5"]) == 0
    captured = capsys.readouterr()
    assert "15 regions" in captured.out
    assert "15/15" in captured.err  # the progress bar
    bad = server.route("/big/bad", raw_response(b"x", status=500))
    assert _cli(["boundaries", "fetch", "--level", "kecamatan", "--url", bad, "--timeout", "5"]) == 1
    err = capsys.readouterr().err
    assert "HTTP 500" in err and "Traceback" not in err
    assert _cli(["boundaries", "fetch", "--url", bad]) == 2  # --url names one layer


def test_cli_is_found_by_the_main_cli():
    pytest.importorskip("jabodash.cli")
    from jabodash.cli import build_parser
    args = build_parser().parse_args(["boundaries", "status"])
    assert args.func(args) == 0


# ------------------------------------------------------------------------------------------------
# the real development boundaries (JABODASH_TEST_BOUNDARIES), budgets and timings

BUDGET_FIGURE = {"kabkota": 250 * 1024, "kecamatan": 1200 * 1024}


@pytest.fixture
def real_cache(real_geo):
    folder = _needs_real(real_geo)
    reports = {}
    for level, name in (("kabkota", "jabodetabek_adm2.geojson"), ("kecamatan", "jabodetabek_adm3.geojson")):
        reports[level] = bd.import_file(folder / name, level, attribution=bd.ATTRIBUTION_BPS,
                                        licence=bd.LICENCE_BPS)
    return reports


def test_real_boundaries_import_and_budgets(real_cache, real_geo):
    kab, kec = real_cache["kabkota"], real_cache["kecamatan"]
    assert len(kab.boundary_set.gdf) == 15 and not kab.unmatched and not kab.flagged
    assert len(kec.boundary_set.gdf) == 217 and not kec.unmatched
    assert kec.meta["code_scheme"] == "bps"
    # Jakarta Utara's kecamatan leave out the Sunter lakes: their sum is 5.3% under BIG's area
    assert [c["code"] for c in kec.flagged] == ["3175"]
    for level, report in real_cache.items():
        assert report.meta["coverage_valid_simplified"]
        src = gpd.read_file(real_geo / report.meta["input"]).to_crs(UTM)
        src_union = shapely.union_all(src.geometry.values)
        src_holes = sum(len(p.interiors) for p in shapely.get_parts(src_union))  # the Sunter lakes
        _assert_clean_coverage(report.boundary_set.gdf, src_union.area, holes=src_holes)
        size = bd.geojson_size(bd.geojson_for(level))
        assert size < 0.75 * BUDGET_FIGURE[level], (level, size)  # well under the budget
        print(f"\n{level}: GeoJSON {size / 1024:.0f} KB")


def test_real_boundaries_figure_json_within_budget(real_cache):
    px = pytest.importorskip("plotly.express")
    for level in bd.LEVELS:
        fc = bd.geojson_for(level)
        codes = [f["id"] for f in fc["features"]]
        df = pd.DataFrame({"code": codes, "value": np.linspace(0, 1000, len(codes))})
        fig = px.choropleth_map(df, geojson=fc, locations="code", color="value", map_style="white-bg")
        size = len(fig.to_json().encode())
        assert size < BUDGET_FIGURE[level], (level, size)
        print(f"\n{level}: figure JSON {size / 1024:.0f} KB")


def _populate(level: str, real_geo: Path | None, tmp_path: Path) -> None:
    if real_geo is not None:
        name = "jabodetabek_adm2.geojson" if level == "kabkota" else "jabodetabek_adm3.geojson"
        bd.import_file(real_geo / name, level)
    elif level == "kabkota":
        _import_kab(tmp_path)
    else:
        bd.import_file(write(kec_coverage().to_crs(4326), tmp_path / "kec.geojson", "GeoJSON"), "kecamatan")


@pytest.mark.benchmark
@pytest.mark.parametrize("level", bd.LEVELS)
def test_benchmark_load_cached(benchmark, level, real_geo, tmp_path):
    _populate(level, real_geo, tmp_path)
    bd.load_cached(level)  # warm imports
    result = benchmark(bd.load_cached, level)
    assert result is not None and len(result.gdf) > 0
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        bd.load_cached(level)
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    print(f"\nload_cached({level}): median {median * 1000:.1f} ms over 5 runs")
    assert median < 0.3


def test_a_download_answer_nested_thousands_deep_is_a_clear_error():
    from jabodash.geo.boundaries import downloads
    with pytest.raises(bd.BoundaryError) as info:
        downloads._parse_json(b"[" * 100_000 + b"]" * 100_000, "https://example.invalid/query")
    assert info.value.key == "boundaries.error.malformed" and "nested" in info.value.params["reason"]
