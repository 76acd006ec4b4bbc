"""The local cache: ``cache_dir()/boundaries/{level}.parquet`` (GeoParquet, the *simplified*
geometry and the *unsimplified* ``area_km2``) plus ``{level}.json`` (source, licence, attribution,
date, sha256 of the parquet, the import report). The parquet is written first, then the JSON that
vouches for it; a corrupt cache is removed and reported as absent, never raised.

:func:`load_cached` keeps the set it read per (cache folder, level) and hands it out again while
both files are unchanged (same inode, size and times; a write within the last seconds is checked
against the checksum, as file times are coarse): a page rerun reads no parquet. :func:`geojson_for`
keeps an in-memory memo per (cache folder, level, checksum). Do not mutate what they return.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import shapely

from jabodash.core import shared_fs
from jabodash.core.paths import atomic_write_bytes, cache_dir
from jabodash.geo.boundaries.geometry import to_geojson
from jabodash.geo.boundaries.model import LEVELS, BoundarySet, _check_level

log = logging.getLogger(__name__)

CACHE_FORMAT = 1


def _cache_paths(level: str) -> tuple[Path, Path]:
    folder = cache_dir() / "boundaries"
    return folder / f"{level}.parquet", folder / f"{level}.json"


def _remove(*paths: Path) -> None:
    for p in paths:
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not remove %s: %s", p, exc)


def _write_cache(bset: BoundarySet) -> Path:
    parquet, meta_path = _cache_paths(bset.level)
    buf = io.BytesIO()
    bset.gdf.to_parquet(buf, index=False)
    data = buf.getvalue()
    bset.meta["sha256"] = hashlib.sha256(data).hexdigest()
    bset.meta["feature_count"] = int(len(bset.gdf))
    bset.meta["parquet_bytes"] = len(data)
    # parquet first, then the JSON that vouches for it; a reader between the two sees a checksum
    # mismatch and retries (see load_cached). One writer at a time across processes (app workers,
    # the command line), so two imports never leave one's JSON beside the other's parquet.
    parquet.parent.mkdir(parents=True, exist_ok=True)
    with shared_fs.write_lock(parquet.parent / ".write.lock"):
        atomic_write_bytes(parquet, data)
        atomic_write_bytes(meta_path, json.dumps(bset.meta, ensure_ascii=False, indent=1).encode())
    return parquet


@lru_cache(maxsize=1)
def _wgs84_crs():
    import pyproj
    return pyproj.CRS.from_epsg(4326)


def _parquet_to_gdf(data: bytes) -> gpd.GeoDataFrame:
    """Read a cache parquet. Our files are always EPSG:4326; parsing their PROJJSON with pyproj
    costs ~30 ms, three quarters of a load, so a known EPSG:4326 reuses one CRS object."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pq.read_table(pa.BufferReader(data))
    geo = json.loads((table.schema.metadata or {}).get(b"geo", b"{}"))
    col = geo.get("primary_column", "geometry")
    info = geo.get("columns", {}).get(col, {})
    crs_id = (info.get("crs") or {}).get("id") if isinstance(info.get("crs"), dict) else None
    if info.get("encoding", "").upper() != "WKB" or crs_id != {"authority": "EPSG", "code": 4326}:
        return gpd.read_parquet(io.BytesIO(data))  # not written by us: the general reader
    geoms = shapely.from_wkb(table.column(col).to_numpy(zero_copy_only=False))
    df = table.drop_columns([col]).to_pandas()
    return gpd.GeoDataFrame(df, geometry=gpd.array.from_shapely(geoms, crs=_wgs84_crs()))


def _rewrite_meta(bset: BoundarySet) -> None:
    """Update the JSON next to an unchanged parquet (the checksum stays valid)."""
    atomic_write_bytes(_cache_paths(bset.level)[1],
                       json.dumps(bset.meta, ensure_ascii=False, indent=1).encode())


def _read_cache_once(level: str) -> tuple[str, BoundarySet | None, str]:
    """(status, the set when "ok", what is wrong otherwise: said once by load_cached)."""
    parquet, meta_path = _cache_paths(level)
    try:
        meta = json.loads(meta_path.read_bytes())
    except FileNotFoundError:
        if parquet.exists() and time.time() - parquet.stat().st_mtime > 60:
            return "corrupt", None, "parquet without its JSON"  # older than any write
        return "absent", None, ""
    except (OSError, ValueError) as exc:
        return "corrupt", None, f"{meta_path.name} unreadable ({type(exc).__name__})"
    try:
        data = parquet.read_bytes()
    except FileNotFoundError:
        return "corrupt", None, "JSON without its parquet"
    if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT or meta.get("level") != level:
        return "corrupt", None, f"{meta_path.name} of another format or level"
    if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        return "mismatch", None, f"{parquet.name} checksum differs"
    try:
        gdf = _parquet_to_gdf(data)
    except Exception as exc:
        return "corrupt", None, f"{parquet.name} unreadable ({type(exc).__name__})"
    needed = {"code", "name", "parent_code", "area_km2", "geometry"}
    if not needed <= set(gdf.columns) or gdf.crs is None or len(gdf) != meta.get("feature_count"):
        return "corrupt", None, f"{parquet.name} lacks columns or features"
    return "ok", BoundarySet(level=level, gdf=gdf, meta=meta), ""


# (cache folder, level) -> (stamp of both files before they were read, the set, the JSON's bytes)
_LOADED: dict[tuple[str, str], tuple[tuple, BoundarySet, bytes]] = {}
RECENT_S = 3.0   # a write this recent may share its file times with the one before it


def _stamp(paths: tuple[Path, ...]) -> tuple:
    out = []
    for p in paths:
        s = p.stat()
        out.append((s.st_ino, s.st_size, s.st_mtime_ns, s.st_ctime_ns))
    return tuple(out)


def _unchanged(level: str) -> BoundarySet | None:
    """The set read before, when neither file changed since (None otherwise)."""
    parquet, meta_path = _cache_paths(level)
    hit = _LOADED.get((str(parquet.parent), level))
    if hit is None:
        return None
    try:
        stamp = _stamp((parquet, meta_path))
        if stamp != hit[0]:
            return None
        if time.time() - max(max(s[2], s[3]) for s in stamp) / 1e9 < RECENT_S:
            # a same-size rewrite within the file system's time granularity keeps the stamp
            if meta_path.read_bytes() != hit[2] or \
                    hashlib.sha256(parquet.read_bytes()).hexdigest() != hit[1].meta.get("sha256"):
                return None
    except OSError:
        return None
    return hit[1]


def _remember(level: str, stamp: tuple | None, bset: BoundarySet) -> None:
    parquet, meta_path = _cache_paths(level)
    if stamp is None:
        return
    try:
        meta_bytes = meta_path.read_bytes()
    except OSError:
        return
    if json.loads(meta_bytes) == bset.meta:   # the JSON read is the one remembered
        if len(_LOADED) >= 8:
            _LOADED.clear()
        _LOADED[(str(parquet.parent), level)] = (stamp, bset, meta_bytes)


def _forget() -> None:
    _LOADED.clear()
    _GEOJSON_MEMO.clear()


def load_cached(level: str) -> BoundarySet | None:
    """The cached boundaries of a level, or None when there are none.

    A corrupt cache (unreadable JSON or parquet, checksum mismatch, wrong columns) is logged,
    removed and reported as None, never raised: the page then offers import/download again.
    Read once per version of the files (see the module docstring).
    """
    _check_level(level)
    hit = _unchanged(level)
    if hit is not None:
        return hit
    status, detail = "absent", ""
    for _attempt in range(3):
        try:
            stamp = _stamp(_cache_paths(level))
        except OSError:
            stamp = None
        status, bset, detail = _read_cache_once(level)
        if status == "ok":
            _remember(level, stamp, bset)
            return bset
        if status != "mismatch":
            break
        time.sleep(0.05)  # maybe a writer between its two files
    if status in ("corrupt", "mismatch"):
        parquet, meta_path = _cache_paths(level)
        log.warning("boundary cache for %s is damaged (%s); removed, import or download again",
                    level, detail)
        _remove(parquet, meta_path)
        _forget()
    return None


def _read_meta(level: str) -> dict | None:
    try:
        meta = json.loads(_cache_paths(level)[1].read_bytes())
        return meta if isinstance(meta, dict) else None
    except (OSError, ValueError):
        return None


_GEOJSON_MEMO: dict[tuple[str, str, str], dict] = {}


def geojson_for(level: str) -> dict | None:
    """The cached boundaries of ``level`` as a GeoJSON FeatureCollection (feature id = code,
    property name), or None. Memoised per (cache folder, level, checksum): do not mutate it."""
    _check_level(level)
    meta = _read_meta(level)
    if meta is None:
        return None
    key = (str(cache_dir()), level, str(meta.get("sha256")))
    hit = _GEOJSON_MEMO.get(key)
    if hit is not None:
        return hit
    bset = load_cached(level)
    if bset is None:
        return None
    fc = to_geojson(bset.gdf, level)
    if len(_GEOJSON_MEMO) >= 8:
        _GEOJSON_MEMO.clear()
    _GEOJSON_MEMO[(str(cache_dir()), level, str(bset.meta.get("sha256")))] = fc
    return fc


def attribution(level: str) -> str | None:
    """The attribution line every map of this level must show, or None when nothing is cached."""
    _check_level(level)
    meta = _read_meta(level)
    return meta.get("attribution") if meta else None


def cache_status() -> dict[str, dict | None]:
    """Per level: the cache metadata (source, licence, fetched_at, counts...) or None."""
    out = {}
    for level in LEVELS:
        bset = load_cached(level)
        if bset is None:
            out[level] = None
        else:
            out[level] = dict(bset.meta, path=str(_cache_paths(level)[0]))
    return out


def clear_cache(level: str | None = None) -> list[Path]:
    """Remove the cached boundaries of one level (or all); returns the files removed."""
    removed = []
    for lvl in ([_check_level(level)] if level else LEVELS):
        for p in _cache_paths(lvl):
            if p.exists():
                _remove(p)
                removed.append(p)
    _forget()
    return removed
