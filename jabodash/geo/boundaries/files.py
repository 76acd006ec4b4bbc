"""Source 1: a boundary file the user gives (GeoJSON, GeoPackage or zipped Shapefile, as a path
or uploaded bytes), read with pyogrio; the code, name and parent columns are found (or named by
the caller) and the shared pipeline (:mod:`.build`) does the rest.
"""
from __future__ import annotations

import glob
import re
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd

from jabodash.geo.boundaries import limits
from jabodash.geo.boundaries.build import _build
from jabodash.geo.boundaries.geometry import _looks_lonlat
from jabodash.geo.boundaries.model import (
    ATTRIBUTION_BPS,
    LICENCE_BPS,
    BoundaryError,
    ImportReport,
    ProgressFn,
    _check_level,
)

# Columns tried (case-insensitive, in order) when the caller names none.
CODE_COLUMNS = {
    "kabkota": ("code", "kode", "bps_code", "kode_bps", "kdbbps", "adm2_pcode", "kdpkab", "kode_kab"),
    "kecamatan": ("code", "kode", "bps_code", "kode_bps", "kdcbps", "adm3_pcode", "kdcpum", "kode_kec"),
}
NAME_COLUMNS = {
    "kabkota": ("name", "nama", "adm2_en", "adm2_id", "shapename", "wadmkk", "name_2", "kabkota",
                "kab_kota", "kabupaten"),
    "kecamatan": ("name", "nama", "adm3_en", "adm3_id", "shapename", "wadmkc", "name_3", "kecamatan"),
}
PARENT_COLUMNS = ("parent_code", "adm2_code", "adm2_pcode", "kdpkab", "kode_kab", "adm2_name", "adm2_en",
                  "wadmkk", "kabkota", "kab_kota")

_SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "zip", ".shp": "shp"}


def _sniff(data: bytes) -> str | None:
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if data[:16] == b"SQLite format 3\x00":
        return "gpkg"
    if data.lstrip()[:1] in (b"{", b"["):
        return "geojson"
    return None


def _pick_layer(path: str, filename: str, layer: str | None) -> str | None:
    import pyogrio
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:
        raise BoundaryError("boundaries.error.unreadable_file", filename=filename, reason=str(exc)) from None
    names = [str(x[0]) for x in layers]
    if layer is not None:
        if layer not in names:
            raise BoundaryError("boundaries.error.multiple_layers", filename=filename, layers=", ".join(names))
        return layer
    if len(names) <= 1:
        return None
    polys = [str(n) for n, gt in layers if gt and "polygon" in str(gt).lower()]
    if len(polys) == 1:
        return polys[0]
    raise BoundaryError("boundaries.error.multiple_layers", filename=filename, layers=", ".join(names))


def _zip_member(path: Path, filename: str, layer: str | None, dest: Path) -> tuple[Path, str, str | None]:
    """Choose the layer inside a zip, check the archive's declared sizes (:mod:`.limits`) and
    unpack only that layer (a shapefile with its siblings) into ``dest``."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = [m for m in zf.namelist() if not m.endswith("/") and "__MACOSX" not in m]
            readable = [m for m in names if Path(m).suffix.lower() in (".shp", ".geojson", ".json", ".gpkg")]
            if layer is not None:
                chosen = [m for m in readable if m == layer or Path(m).stem == layer]
                if chosen:
                    readable, layer = chosen[:1], None
            if not readable:
                raise BoundaryError("boundaries.error.no_layer", filename=filename)
            if len(readable) > 1:
                raise BoundaryError("boundaries.error.multiple_layers", filename=filename,
                                    layers=", ".join(Path(m).stem for m in readable))
            member = readable[0]
            kind = _SUFFIXES[Path(member).suffix.lower()]
            parts = limits.shapefile_parts(member, names) if kind == "shp" else [member]
            limits.check_zip(zf, filename, parts)
            limits.extract(zf, parts, dest, filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, EOFError) as exc:
        raise BoundaryError("boundaries.error.unreadable_file", filename=filename, reason=str(exc)) from None
    return dest / Path(member).name, kind, layer


def _read_path(path: Path, kind: str, filename: str, layer: str | None) -> gpd.GeoDataFrame:
    """Read a file known to be of ``kind``: a zip is unpacked (one layer) into a temporary folder;
    sizes and counts are checked (:mod:`.limits`) before the full read."""
    import pyogrio
    with tempfile.TemporaryDirectory(prefix="jabodash-boundaries-") as tmp:
        if kind == "zip":
            path, kind, layer = _zip_member(path, filename, layer, Path(tmp))
        files = [path] if kind != "shp" else [p for p in path.parent.glob(f"{glob.escape(path.stem)}.*")
                                              if p.suffix.lower() in (".shp", ".shx", ".dbf")]
        limits.check_size(sum(p.stat().st_size for p in files), filename)
        target = str(path)
        layer = _pick_layer(target, filename, layer)
        try:
            limits.check_counts(target, layer, filename)
            gdf = pyogrio.read_dataframe(target, layer=layer)
        except BoundaryError:
            raise
        except Exception as exc:
            raise BoundaryError("boundaries.error.unreadable_file", filename=filename, reason=str(exc)) from None
    if gdf.crs is None and not _looks_lonlat(gdf):
        raise BoundaryError("boundaries.error.no_crs", filename=filename)
    return gdf


def read_file(path_or_bytes: str | Path | bytes, filename: str | None = None,
              layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a GeoJSON, GeoPackage or zipped Shapefile (path or uploaded bytes) with pyogrio,
    within the limits of :mod:`.limits` (checked before anything is unpacked or loaded)."""
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(path_or_bytes)
        name = filename or "upload"
        kind = _SUFFIXES.get(Path(name).suffix.lower()) or _sniff(data)
        if kind is None or kind == "shp":
            raise BoundaryError("boundaries.error.unsupported_format", filename=name)
        if kind != "zip":
            limits.check_size(len(data), name)
        with tempfile.TemporaryDirectory(prefix="jabodash-upload-") as tmp:
            path = Path(tmp) / f"upload.{'geojson' if kind == 'geojson' else kind}"
            path.write_bytes(data)
            del data
            return _read_path(path, kind, name, layer)
    path = Path(path_or_bytes)
    name = filename or path.name
    if not path.exists():
        raise BoundaryError("boundaries.error.unreadable_file", filename=name, reason="no such file")
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        with path.open("rb") as fh:
            kind = _sniff(fh.read(64))
    if kind is None:
        raise BoundaryError("boundaries.error.unsupported_format", filename=name)
    return _read_path(path, kind, name, layer)


def _find_column(columns, wanted: str | None, candidates: tuple[str, ...]) -> str | None:
    cols = [c for c in columns if c != "geometry"]
    if wanted is not None:
        if wanted in cols:
            return wanted
        lower = {str(c).lower(): c for c in cols}
        if str(wanted).lower() in lower:
            return lower[str(wanted).lower()]
        raise BoundaryError("boundaries.error.column_not_found", column=wanted,
                            available=", ".join(map(str, cols)))
    lower = {str(c).lower(): c for c in cols}
    for cand in candidates:
        if cand in lower:
            return lower[cand]
    return None


def _detect_bps_made(raw: gpd.GeoDataFrame) -> bool:
    """COD-AB (BPS via OCHA/HDX) files: ADMn_PCODE columns or a source column naming BPS."""
    lower = {str(c).lower(): c for c in raw.columns}
    if any(re.fullmatch(r"adm\d_pcode", c) for c in lower):
        return True
    if "source" in lower:
        vals = raw[lower["source"]].dropna().astype(str).head(50)
        return bool(vals.str.contains(r"\bBPS\b", regex=True).any())
    return False


def import_file(path_or_bytes: str | Path | bytes, level: str, code_column: str | None = None,
                name_column: str | None = None, filename: str | None = None, *,
                parent_column: str | None = None, layer: str | None = None, code_scheme: str = "auto",
                source: str | None = None, licence: str | None = None,
                attribution: str | None = None, progress: ProgressFn | None = None) -> ImportReport:
    """Import a boundary file the user gives and write it to the cache.

    Codes come from ``code_column`` (BPS, ``ID``-prefixed P-codes, or Kemendagri "31.74" /
    "31.74.01"; plain digits are read as BPS unless ``code_scheme="kemendagri"``), else from
    ``name_column`` through the region matcher; without either, well-known columns are tried
    (code, kode, ADM2_PCODE, KDPKAB, name, nama, ADM2_EN, shapeName, WADMKK...).
    ``parent_column`` (kecamatan) scopes name matching to a kab/kota.
    """
    _check_level(level)
    if code_scheme not in ("auto", "bps", "kemendagri"):
        raise ValueError(f"code_scheme must be auto, bps or kemendagri, not {code_scheme!r}")
    name = filename or (Path(path_or_bytes).name if isinstance(path_or_bytes, (str, Path)) else "upload")
    if progress:
        progress(0, None, f"reading {name}")
    raw = read_file(path_or_bytes, filename=name, layer=layer)
    if raw.empty:
        raise BoundaryError("boundaries.error.no_features", source=name, query="whole file")
    if code_column is None and name_column is not None:
        code_col = None  # the caller asked for name matching
    else:
        code_col = _find_column(raw.columns, code_column, CODE_COLUMNS[level])
    # the name column is the fallback for codes that do not resolve, and the name shown
    name_col = _find_column(raw.columns, name_column, NAME_COLUMNS[level])
    if code_col is None and name_col is None:
        raise BoundaryError("boundaries.error.no_key_column",
                            available=", ".join(str(c) for c in raw.columns if c != "geometry"))
    parent_col = None
    if level == "kecamatan":
        parent_col = _find_column(raw.columns, parent_column, PARENT_COLUMNS)
        if parent_col in (code_col, name_col):
            parent_col = None
    bps_made = _detect_bps_made(raw)
    meta = {
        "source": source or (f"file {name}" + (" (BPS via OCHA/HDX COD-AB)" if bps_made else "")),
        "licence": licence or (LICENCE_BPS if bps_made else "unknown (user-supplied file)"),
        "attribution": attribution or (ATTRIBUTION_BPS if bps_made else name),   # the file the user gave
        "input": name,
        "columns": {"code": code_col, "name": name_col, "parent": parent_col},
    }
    return _build(raw, level, code_col=code_col, name_col=name_col, parent_col=parent_col,
                  code_scheme=code_scheme, meta=meta, progress=progress)
