"""Hostile boundary files (issue 16): zip bombs, too many members, features or vertices.

The bombs are small and made on the fly; the limits of jabodash.geo.boundaries.limits are
lowered with monkeypatch so that each is over its limit. Every refusal is a BoundaryError with
a message in both languages, and the boundaries cached before stay as they were.
"""
from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_boundaries import kab_coverage, write, zipped_shapefile  # noqa: E402

from jabodash.cli import boundaries as cli_boundaries  # noqa: E402
from jabodash.core.i18n import t  # noqa: E402
from jabodash.core.paths import cache_dir  # noqa: E402
from jabodash.geo import boundaries as bd  # noqa: E402
from jabodash.geo.boundaries import cache as bd_cache  # noqa: E402
from jabodash.geo.boundaries import limits  # noqa: E402

SQUARE = [[106.80, -6.20], [106.81, -6.20], [106.81, -6.19], [106.80, -6.19], [106.80, -6.20]]


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))
    bd_cache._GEOJSON_MEMO.clear()
    return tmp_path / "cache"


@pytest.fixture
def cached(tmp_path) -> bytes:
    """A working kab/kota cache that every refusal must leave alone; returns its parquet bytes."""
    bd.import_file(write(kab_coverage().to_crs(4326), tmp_path / "good.geojson", "GeoJSON"), "kabkota")
    return _parquet()


def _parquet() -> bytes:
    return (cache_dir() / "boundaries" / "kabkota.parquet").read_bytes()


def _feature(name: str = "Gambir") -> str:
    return json.dumps({"type": "Feature", "properties": {"code": "3173", "name": name},
                       "geometry": {"type": "Polygon", "coordinates": [SQUARE]}})


def geojson_text(n: int) -> str:
    return '{"type": "FeatureCollection", "features": [' + ",".join(_feature() for _ in range(n)) + "]}"


def geojson_bomb(path: Path, n: int = 20_000) -> Path:
    """A zip whose one GeoJSON member is the same feature n times (about 200 bytes each)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("kecamatan.geojson", geojson_text(n))
    return path


def _refused(exc_info, key: str, cached_bytes: bytes) -> str:
    err = exc_info.value
    assert err.key == key, str(err)
    for lang in ("id", "en"):
        text = t(err.key, lang, **err.params)
        assert text != err.key and "{" not in text, text  # translated, every placeholder filled
    assert t(err.key, "en", **err.params) == str(err)
    assert _parquet() == cached_bytes
    return str(err)


def test_geojson_zip_bomb_refused_from_its_ratio_before_unpacking(tmp_path, monkeypatch, cached):
    bomb = geojson_bomb(tmp_path / "bomb.zip")
    with zipfile.ZipFile(bomb) as zf:
        info = zf.infolist()[0]
    assert info.file_size > 4_000_000 and info.file_size / info.compress_size > 200
    monkeypatch.setattr(limits, "extract", lambda *a, **k: pytest.fail("a bomb was unpacked"))
    for data in (bomb, bomb.read_bytes()):
        with pytest.raises(bd.BoundaryError) as err:
            bd.import_file(data, "kecamatan", filename="bomb.zip")
        msg = _refused(err, "boundaries.error.zip_ratio", cached)
        assert "kecamatan.geojson" in msg and "bomb.zip" in msg


def test_zip_declared_size_over_the_limit(tmp_path, monkeypatch, cached):
    monkeypatch.setattr(limits, "MAX_ZIP_RATIO", 10**6)
    monkeypatch.setattr(limits, "MAX_BYTES", 1_000_000)
    monkeypatch.setattr(limits, "extract", lambda *a, **k: pytest.fail("a bomb was unpacked"))
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(geojson_bomb(tmp_path / "big.zip"), "kabkota")
    msg = _refused(err, "boundaries.error.too_large", cached)
    assert "limit of 1.0 MB" in msg


def test_shapefile_zip_over_the_limits(tmp_path, monkeypatch, cached):
    stored = zipped_shapefile(kab_coverage(), tmp_path)
    shp = tmp_path / "deflated.zip"
    with zipfile.ZipFile(stored) as src, zipfile.ZipFile(shp, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
    with zipfile.ZipFile(shp) as zf:
        read = sum(i.file_size for i in zf.infolist() if i.filename[-4:] in (".shp", ".shx", ".dbf"))
        members = len(zf.infolist())
    monkeypatch.setattr(limits, "MAX_BYTES", read - 1)
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(shp, "kabkota")
    _refused(err, "boundaries.error.too_large", cached)
    monkeypatch.setattr(limits, "MAX_BYTES", read + 1_000)  # the shapefile's own parts fit
    monkeypatch.setattr(limits, "MAX_ZIP_MEMBERS", members - 1)
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(shp, "kabkota")
    assert f"holds {members} files" in _refused(err, "boundaries.error.zip_members", cached)
    monkeypatch.setattr(limits, "MAX_ZIP_MEMBERS", members)
    monkeypatch.setattr(limits, "RATIO_FLOOR", 0)
    monkeypatch.setattr(limits, "MAX_ZIP_RATIO", 1.0)  # a shapefile packs a little: now a "bomb"
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(shp, "kabkota")
    _refused(err, "boundaries.error.zip_ratio", cached)
    monkeypatch.setattr(limits, "MAX_ZIP_RATIO", 1000.0)
    assert len(bd.import_file(shp, "kabkota").boundary_set.gdf) == 15  # within every limit: read


def test_a_zip_member_larger_than_declared_is_stopped(tmp_path, monkeypatch, cached):
    """A header that understates a member's size: unpacking stops, and the zip is refused."""
    path = tmp_path / "liar.zip"
    body = geojson_text(200).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("kab.geojson", body)
    raw = bytearray(path.read_bytes())
    size = len(body).to_bytes(4, "little")
    for at in (22, raw.rindex(b"PK\x01\x02") + 24):  # local header and central directory sizes
        assert raw[at:at + 4] == size
        raw[at:at + 4] = (100).to_bytes(4, "little")
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(bytes(raw), "kabkota", filename="liar.zip")
    assert _refused(err, "boundaries.error.unreadable_file", cached)


def test_too_many_features_refused_before_the_full_read(tmp_path, monkeypatch, cached):
    monkeypatch.setattr(limits, "MAX_FEATURES", 10)
    path = write(kab_coverage().to_crs(4326), tmp_path / "kab.gpkg", "GPKG")
    monkeypatch.setattr("pyogrio.read_dataframe", lambda *a, **k: pytest.fail("read in full"))
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(path, "kabkota")
    assert "holds 15 features" in _refused(err, "boundaries.error.too_many_features", cached)
    # a driver that does not know its count (or a GeoPackage whose stored count lies): the
    # streamed count stops it all the same
    import pyogrio
    info = pyogrio.read_info
    monkeypatch.setattr("pyogrio.read_info", lambda *a, **k: {**info(*a, **k), "features": 3})
    monkeypatch.setattr(limits, "BATCH", 4)
    for data in (path, tmp_path / "kab.geojson"):
        if data.suffix == ".geojson":
            write(kab_coverage().to_crs(4326), data, "GeoJSON")
        with pytest.raises(bd.BoundaryError) as err:
            bd.import_file(data, "kabkota")
        assert "more than the limit of 10" in _refused(err, "boundaries.error.too_many_features", cached)


def test_too_many_vertices(tmp_path, monkeypatch, cached):
    gdf = kab_coverage().to_crs(4326)
    vertices = int(gdf.geometry.count_coordinates().sum())
    path = write(gdf, tmp_path / "kab.geojson", "GeoJSON")
    monkeypatch.setattr(limits, "MAX_VERTICES", vertices - 1)
    with pytest.raises(bd.BoundaryError) as err:
        bd.import_file(path.read_bytes(), "kabkota", filename="kab.geojson")
    assert f"more than {vertices - 1} vertices" in _refused(err, "boundaries.error.too_many_vertices", cached)
    monkeypatch.setattr(limits, "MAX_VERTICES", vertices)
    assert len(bd.import_file(path, "kabkota").boundary_set.gdf) == 15


def test_geojson_bytes_over_the_size_limit(tmp_path, monkeypatch, cached):
    data = geojson_text(50).encode()
    monkeypatch.setattr(limits, "MAX_BYTES", len(data) - 1)
    for source in (data, tmp_path / "x.geojson"):
        if isinstance(source, Path):
            source.write_bytes(data)
        with pytest.raises(bd.BoundaryError) as err:
            bd.import_file(source, "kabkota", filename="x.geojson")
        _refused(err, "boundaries.error.too_large", cached)


def test_cli_refuses_a_bomb_in_one_line(tmp_path, capsys, cached):
    bomb = geojson_bomb(tmp_path / "bomb.zip")
    import argparse
    parser = argparse.ArgumentParser()
    cli_boundaries.register(parser.add_subparsers())
    args = parser.parse_args(["boundaries", "import", str(bomb), "--level", "kecamatan"])
    assert args.func(args) == 1
    err = capsys.readouterr().err
    assert "error: bomb.zip was not unpacked" in err and "Traceback" not in err
    assert _parquet() == cached
