"""Source 2: the official services, downloaded only when the user asks: BIG's ArcGIS REST layers
(:func:`fetch_big`, paged) and, for kab/kota only, the geoBoundaries API
(:func:`fetch_geoboundaries`); :func:`fetch` picks one or falls back. Every network failure
becomes a :class:`~jabodash.geo.boundaries.model.BoundaryError` with a clear message.
"""
from __future__ import annotations

import json
import logging
import re
import time
from typing import Any
from urllib.parse import urljoin, urlsplit

import geopandas as gpd

from jabodash.geo.boundaries.build import _build
from jabodash.geo.boundaries.cache import _rewrite_meta
from jabodash.geo.boundaries.model import (
    ATTRIBUTION_BIG,
    ATTRIBUTION_BPS,
    LICENCE_BIG,
    WGS84,
    BoundaryError,
    ImportReport,
    ProgressFn,
    _check_level,
    _regions_table,
)

log = logging.getLogger(__name__)

DEFAULT_BIG_URLS = {
    "kabkota": "https://geoservices.big.go.id/rbi/rest/services/BATASWILAYAH/"
               "Administrasi_AR_KabKota_50K/MapServer/0/query",
    "kecamatan": "https://geoservices.big.go.id/rbi/rest/services/BATASWILAYAH/"
                 "Administrasi_AR_Kecamatan_10K/MapServer/0/query",
}
DEFAULT_GB_URL = "https://www.geoboundaries.org/api/current/gbOpen/IDN/ADM2/"
# Field names of BIG's layers, as documented; verified on first real use (a clear error names
# the missing field and lists the ones the service sent).
BIG_FIELDS = {
    "kabkota": {"code": "KDPKAB", "name": "WADMKK"},
    "kecamatan": {"code": "KDCPUM", "name": "WADMKC", "parent": "KDPKAB", "bps_code": "KDCBPS"},
}
BIG_PAGE_SIZE = {"kabkota": 50, "kecamatan": 100}
MAX_PAGES = 500
GB_FIELDS = ("simplifiedGeometryGeoJSON", "boundaryLicense", "boundarySource")


def _short_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _session(session):
    if session is not None:
        return session
    import requests
    s = requests.Session()
    s.headers["User-Agent"] = "jabodash boundaries (+https://github.com/)"
    return s


def _short_reason(exc: Exception) -> str:
    text = str(exc)
    if "NameResolution" in text or "Name or service not known" in text or "getaddrinfo" in text:
        return "the host name could not be resolved (offline?)"
    if "Connection refused" in text or "ConnectionRefused" in text:
        return "connection refused"
    if "SSL" in text or "CERTIFICATE" in text:
        return "TLS/certificate error"
    if "Connection reset" in text or "RemoteDisconnected" in text or "Connection aborted" in text:
        return "the server closed the connection"
    return text if len(text) <= 200 else text[:200] + "..."


def _http_get(session, url: str, params: dict | None, timeout: float,
              progress: ProgressFn | None = None, what: str = "") -> bytes:
    """GET a URL and return the whole body; every failure becomes a BoundaryError."""
    import requests
    short = _short_url(url)
    try:
        resp = session.get(url, params=params, timeout=timeout, stream=True)
    except requests.exceptions.Timeout:
        raise BoundaryError("boundaries.error.timeout", url=short, timeout=timeout) from None
    except requests.exceptions.RequestException as exc:
        raise BoundaryError("boundaries.error.network", url=short, reason=_short_reason(exc)) from None
    try:
        if resp.status_code >= 400:
            raise BoundaryError("boundaries.error.http", status=resp.status_code, url=short)
        length = resp.headers.get("Content-Length")
        expected = int(length) if length and length.isdigit() else None
        chunks, done, last = [], 0, 0.0
        try:
            for chunk in resp.iter_content(chunk_size=1 << 16):
                chunks.append(chunk)
                done += len(chunk)
                now = time.monotonic()
                if progress and now - last > 0.1:
                    progress(done, expected, what)
                    last = now
        except requests.exceptions.ConnectionError as exc:
            if "timed out" in str(exc).lower():
                raise BoundaryError("boundaries.error.timeout", url=short, timeout=timeout) from None
            raise BoundaryError("boundaries.error.truncated", url=short, received=done,
                                expected=expected if expected is not None else "?") from None
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError):
            raise BoundaryError("boundaries.error.truncated", url=short, received=done,
                                expected=expected if expected is not None else "?") from None
        except requests.exceptions.Timeout:
            raise BoundaryError("boundaries.error.timeout", url=short, timeout=timeout) from None
        body = b"".join(chunks)
        encoded = resp.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
        if expected is not None and not encoded and len(body) < expected:
            raise BoundaryError("boundaries.error.truncated", url=short, received=len(body), expected=expected)
        if progress:
            progress(done, expected, what)
        return body
    finally:
        resp.close()


def _parse_json(body: bytes, url: str) -> Any:
    short = _short_url(url)
    try:
        text = body.decode("utf-8-sig")
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise BoundaryError("boundaries.error.malformed", url=short, reason=str(exc)) from None
    except json.JSONDecodeError as exc:
        hint = " (the text ends early: cut off?)" if exc.pos >= len(text.rstrip()) - 1 else ""
        raise BoundaryError("boundaries.error.malformed", url=short,
                            reason=f"{exc.msg} at character {exc.pos}{hint}") from None
    except RecursionError:  # arrays or objects nested thousands deep: not a boundary answer
        raise BoundaryError("boundaries.error.malformed", url=short, reason="nested too deeply") from None


def _get_json(session, url, params, timeout, progress=None, what="") -> Any:
    return _parse_json(_http_get(session, url, params, timeout, progress, what), url)


def _require(obj: dict, fields, source: str) -> None:
    for f in fields:
        if f not in obj:
            raise BoundaryError("boundaries.error.missing_field", field=f, source=source,
                                available=", ".join(sorted(map(str, obj))) or "none")


def _feature_collection(data: Any, source: str) -> list[dict]:
    if not isinstance(data, dict):
        raise BoundaryError("boundaries.error.missing_field", field="features", source=source,
                            available=type(data).__name__)
    _require(data, ["features"], source)
    feats = data["features"]
    if not isinstance(feats, list):
        raise BoundaryError("boundaries.error.missing_field", field="features", source=source,
                            available=f"features is a {type(feats).__name__}")
    return feats


def _features_to_gdf(features: list[dict], source: str, required: list[str]) -> gpd.GeoDataFrame:
    if not features:
        raise BoundaryError("boundaries.error.no_features", source=source, query="as sent")
    props0 = set()
    for f in features:
        if not isinstance(f, dict) or "geometry" not in f:
            raise BoundaryError("boundaries.error.missing_field", field="geometry", source=source,
                                available=", ".join(sorted(f)) if isinstance(f, dict) else "none")
        props0 |= set((f.get("properties") or {}).keys())
    missing = [r for r in required if r not in props0]
    if missing:
        raise BoundaryError("boundaries.error.missing_field", field=missing[0], source=source,
                            available=", ".join(sorted(props0)) or "none")
    try:
        gdf = gpd.GeoDataFrame.from_features(features, crs=WGS84)
    except Exception as exc:
        raise BoundaryError("boundaries.error.malformed", url=source, reason=f"bad geometry: {exc}") from None
    for r in required:
        if r not in gdf.columns:
            gdf[r] = None
    return gdf


def big_where(level: str) -> str:
    """The default ``where`` of a BIG query: the dashboard's kab/kota by Kemendagri code."""
    _check_level(level)
    codes = sorted(_regions_table()["kemendagri_code"].astype(str))
    return "KDPKAB IN (" + ", ".join(f"'{c}'" for c in codes) + ")"


def fetch_big(level: str, base_url: str | None = None, progress: ProgressFn | None = None,
              timeout: float = 30, session=None, *, where: str | None = None,
              page_size: int | None = None) -> ImportReport:
    """Download one level from BIG's ArcGIS REST layer (f=geojson, outSR=4326), paging with
    resultOffset/resultRecordCount while ``exceededTransferLimit`` is true, then import it.

    ``progress(done, total_or_None, message)``: features so far, of the count the service gives.
    """
    _check_level(level)
    url = base_url or DEFAULT_BIG_URLS[level]
    session = _session(session)
    where = where or big_where(level)
    fields = BIG_FIELDS[level]
    size = int(page_size or BIG_PAGE_SIZE[level])
    source = f"BIG ({_short_url(url)})"
    if progress:
        progress(0, None, "asking BIG how many features")
    total = None
    try:
        counted = _get_json(session, url, {"where": where, "returnCountOnly": "true", "f": "json"}, timeout)
        if isinstance(counted, dict) and isinstance(counted.get("count"), int):
            total = counted["count"]
    except BoundaryError as exc:  # the count is a nicety; the query itself reports real failures
        if exc.key in ("boundaries.error.http", "boundaries.error.timeout", "boundaries.error.network"):
            raise
        log.info("BIG count query failed: %s", exc)
    features: list[dict] = []
    seen_ids: set = set()
    offset, pages = 0, 0
    base = {"where": where, "outFields": "*", "returnGeometry": "true", "outSR": "4326", "f": "geojson"}
    while True:
        params = dict(base, resultOffset=offset, resultRecordCount=size)
        data = _get_json(session, url, params, timeout)
        if isinstance(data, dict) and "error" in data:
            err = data["error"]
            msg = err.get("message") if isinstance(err, dict) else str(err)
            details = err.get("details") if isinstance(err, dict) else None
            if details:
                msg = f"{msg} ({'; '.join(map(str, details))})"
            raise BoundaryError("boundaries.error.service", url=_short_url(url), message=msg)
        page = _feature_collection(data, source)
        pages += 1
        for f in page:
            fid = f.get("id") if isinstance(f, dict) else None
            if fid is not None:
                if fid in seen_ids:
                    continue
                seen_ids.add(fid)
            features.append(f)
        offset += len(page)
        if progress:
            progress(len(features), total, f"BIG {level}: page {pages}, {len(features)} features")
        exceeded = data.get("exceededTransferLimit")
        if exceeded is None and isinstance(data.get("properties"), dict):
            exceeded = data["properties"].get("exceededTransferLimit")
        if not exceeded or not page:
            break
        if pages >= MAX_PAGES:
            raise BoundaryError("boundaries.error.too_many_pages", source=source, pages=pages)
    if not features:
        raise BoundaryError("boundaries.error.no_features", source=source, query=where)
    required = [fields["code"], fields["name"]]
    raw = _features_to_gdf(features, source, required)
    meta = {
        "source": source, "licence": LICENCE_BIG, "attribution": ATTRIBUTION_BIG,
        "input": _short_url(url), "query": where, "pages": pages,
        "columns": {"code": fields["code"], "name": fields["name"], "parent": fields.get("parent"),
                    "bps_code": fields.get("bps_code") if fields.get("bps_code") in raw.columns else None},
    }
    return _build(raw, level, code_col=fields["code"], name_col=fields["name"],
                  parent_col=fields.get("parent") if fields.get("parent") in raw.columns else None,
                  bps_code_col=meta["columns"]["bps_code"], code_scheme="kemendagri", meta=meta,
                  progress=progress)


def fetch_geoboundaries(api_url: str = DEFAULT_GB_URL, progress: ProgressFn | None = None,
                        timeout: float = 30, session=None) -> ImportReport:
    """Kab/kota from the geoBoundaries API: its metadata JSON names the simplified GeoJSON, the
    licence and the source; features carry only ``shapeName``, so names are matched."""
    session = _session(session)
    source = f"geoBoundaries ({_short_url(api_url)})"
    if progress:
        progress(0, None, "asking geoBoundaries for the file")
    info = _get_json(session, api_url, None, timeout)
    if isinstance(info, list) and info and isinstance(info[0], dict):
        info = info[0]
    if not isinstance(info, dict):
        raise BoundaryError("boundaries.error.missing_field", field=GB_FIELDS[0], source=source,
                            available=type(info).__name__)
    if "boundarySource" not in info and "boundarySource-1" in info:  # older API
        info = dict(info, boundarySource=info["boundarySource-1"])
    _require(info, GB_FIELDS, source)
    geo_url = urljoin(api_url, str(info["simplifiedGeometryGeoJSON"]))
    body = _http_get(session, geo_url, None, timeout, progress, "downloading geoBoundaries GeoJSON")
    data = _parse_json(body, geo_url)
    features = _feature_collection(data, f"geoBoundaries ({_short_url(geo_url)})")
    raw = _features_to_gdf(features, f"geoBoundaries ({_short_url(geo_url)})", ["shapeName"])
    src, lic = str(info["boundarySource"]), str(info["boundaryLicense"])
    bps_made = bool(re.search(r"\bBPS\b|Badan Pusat Statistik|OCHA|HDX|Statistics Indonesia", src, re.I))
    meta = {
        "source": f"geoBoundaries gbOpen IDN ADM2 ({src})",
        "licence": lic,
        "attribution": (f"{ATTRIBUTION_BPS} (via geoBoundaries)" if bps_made
                        else f"{src} via geoBoundaries, {lic}"),
        "input": _short_url(geo_url),
        "geoboundaries": {k: info.get(k) for k in ("boundaryID", "boundaryYearRepresented",
                                                   "sourceDataUpdateDate", "buildDate") if k in info},
        "columns": {"code": None, "name": "shapeName", "parent": None},
    }
    return _build(raw, "kabkota", code_col=None, name_col="shapeName", meta=meta, progress=progress)


def fetch(level: str, source: str = "auto", url: str | None = None, progress: ProgressFn | None = None,
          timeout: float = 30, session=None, fallback_url: str | None = None) -> ImportReport:
    """Download one level: ``source`` big, geoboundaries (kab/kota only) or auto (BIG, and for
    kab/kota geoBoundaries when BIG fails)."""
    _check_level(level)
    if source == "geoboundaries":
        if level != "kabkota":
            raise BoundaryError("boundaries.error.level", level=f"{level} (geoBoundaries has kab/kota only)")
        return fetch_geoboundaries(url or DEFAULT_GB_URL, progress=progress, timeout=timeout, session=session)
    if source == "big":
        return fetch_big(level, url, progress=progress, timeout=timeout, session=session)
    if source != "auto":
        raise ValueError(f"source must be auto, big or geoboundaries, not {source!r}")
    try:
        return fetch_big(level, url, progress=progress, timeout=timeout, session=session)
    except BoundaryError as exc:
        if level != "kabkota":
            raise
        log.info("BIG download failed (%s); trying geoBoundaries", exc)
        if progress:
            progress(0, None, f"BIG failed ({exc}); trying geoBoundaries")
        report = fetch_geoboundaries(fallback_url or DEFAULT_GB_URL, progress=progress, timeout=timeout,
                                     session=session)
        # record why the fallback was used, in the report and in the cached JSON
        report.meta["fallback_from"] = {"source": "BIG", "error_key": exc.key, "error": str(exc)}
        _rewrite_meta(report.boundary_set)
        return report
