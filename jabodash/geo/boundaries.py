"""Administrative boundaries: sources, validation, simplification, cache, GeoJSON per level.

Three sources, one result (a :class:`BoundarySet` per level, cached on disk):

1. a file the user gives (:func:`import_file`): GeoJSON, GeoPackage or zipped Shapefile;
2. a download from the official services, started by the user: BIG's ArcGIS REST layers
   (:func:`fetch_big`) and, for kab/kota only, the geoBoundaries API (:func:`fetch_geoboundaries`);
3. the local cache (:func:`load_cached`): ``cache_dir()/boundaries/{level}.parquet`` (GeoParquet)
   plus ``{level}.json`` (source, licence, attribution, date, sha256 of the parquet, report).

Whatever the source, the same pipeline runs (:func:`_build`): codes are assigned (code column or
name matching with :mod:`jabodash.geo.regions`; every feature that cannot be placed is reported),
geometries are reprojected to EPSG:4326 and repaired (:func:`validate`), areas are computed in
UTM 48S and compared with BIG's official areas in ``data/regions.csv`` (:func:`area_checks`), and
the set is simplified as a coverage so that shared borders stay shared (:func:`simplify`).
The cache holds the *simplified* geometry (so a page loads it in a few tens of milliseconds) and
the *unsimplified* area in ``area_km2``.

Codes
-----
``code`` is always a BPS code where one can be established: 4 digits for kab/kota, 7 digits for
kecamatan. BIG's layers carry Kemendagri codes (``KDPKAB`` "31.74", ``KDCPUM`` "31.74.01").
For kab/kota the crosswalk in :mod:`jabodash.geo.regions` maps them (it differs for the five Jakarta
cities). For kecamatan there is no arithmetic crosswalk, so, per feature:

* a BPS kecamatan code in the data (``KDCBPS`` from BIG, or a 7-digit code column) is used as is;
* otherwise the kecamatan name is matched, within its parent kab/kota, against the BPS kecamatan
  we already know (the region list of :mod:`jabodash.geo.regions` if it has kecamatan, and the
  kecamatan boundaries already in the cache when those carry BPS codes);
* otherwise the code is the BPS parent + the Kemendagri suffix, e.g. ``317401`` for "31.74.01":
  six digits, so it can never be mistaken for a 7-digit BPS code. Such features are also listed
  as unmatched when a BPS reference list existed.

``meta["code_scheme"]`` says which of these the set uses: ``"bps"`` (all 7-digit BPS codes),
``"kemendagri"`` (all parent + Kemendagri suffix) or ``"mixed"``. Data keyed on BPS kecamatan
codes only joins to a ``"bps"`` set.

``parent_code`` is the BPS kab/kota code for kecamatan and the 2-digit province code for kab/kota.

Nothing here imports streamlit; pages cache :func:`geojson_for` results on top of the in-memory
memo kept here.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import re
import tempfile
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urljoin, urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jabodash.core.paths import DATA_DIR, atomic_write_bytes, cache_dir

log = logging.getLogger(__name__)

LEVELS = ("kabkota", "kecamatan")
WGS84 = "EPSG:4326"
AREA_CRS = "EPSG:32748"  # UTM 48S: within 0.07% of TM-3 48.2 here (see docs); never EPSG:23830
AREA_TOLERANCE = 0.05  # flag a region whose area differs from the official one by more than 5%
# Coverage simplification tolerance in metres (Visvalingam-Whyatt, roughly the square root of the
# triangle area removed). Measured on the BPS 2020 boundaries: kab/kota GeoJSON 148 KB,
# kecamatan ~790 KB, against budgets of 250 KB and 1.2 MB for the whole figure.
SIMPLIFY_TOLERANCE_M = {"kabkota": 100.0, "kecamatan": 60.0}
COORD_DECIMALS = 5  # about 1 m
CACHE_FORMAT = 1
# lon/lat box around the 15 kab/kota (Kep. Seribu to the Cianjur coast) with a margin: features of
# a whole-country file that lie entirely outside it are counted as "outside", not "unmatched".
STUDY_BBOX = (106.0, -7.7, 107.7, -5.0)

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

ATTRIBUTION_BPS = "BPS via OCHA/HDX, CC BY-IGO"
ATTRIBUTION_BIG = "BIG (Badan Informasi Geospasial)"
LICENCE_BPS = "CC BY-IGO"
LICENCE_BIG = "BIG terms of use (no open licence stated)"

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

ProgressFn = Callable[[int, "int | None", str], None]

# ---------------------------------------------------------------------------------------------
# errors


MESSAGES_EN = {
    "boundaries.error.level": "Unknown boundary level {level!r}; use one of: kabkota, kecamatan.",
    "boundaries.error.http": "The server answered HTTP {status} for {url}.",
    "boundaries.error.timeout": "No answer from {url} within {timeout} s.",
    "boundaries.error.network": "Could not reach {url}: {reason}",
    "boundaries.error.truncated": "The answer from {url} was cut off ({received} of {expected} bytes).",
    "boundaries.error.malformed": "The answer from {url} is not valid JSON: {reason}",
    "boundaries.error.service": "The service at {url} reported an error: {message}",
    "boundaries.error.missing_field": "The data from {source} has no field {field!r}; the service may "
                                      "have renamed it. Fields present: {available}.",
    "boundaries.error.no_features": "{source} returned no features (query: {query}). If this is a "
                                    "service, its field names or code format may have changed.",
    "boundaries.error.too_many_pages": "{source} kept asking for more pages after {pages} pages; stopped.",
    "boundaries.error.unsupported_format": "{filename}: unsupported file type; give a GeoJSON, a "
                                           "GeoPackage or a zipped Shapefile.",
    "boundaries.error.unreadable_file": "{filename} could not be read: {reason}",
    "boundaries.error.multiple_layers": "{filename} holds several layers ({layers}); choose one.",
    "boundaries.error.no_layer": "{filename} holds no shapefile, GeoJSON or GeoPackage.",
    "boundaries.error.no_crs": "{filename} has no coordinate reference system and its coordinates are "
                               "not longitude/latitude; add a .prj file or reproject it.",
    "boundaries.error.column_not_found": "Column {column!r} not found; columns present: {available}.",
    "boundaries.error.no_key_column": "No code or name column found; name one. Columns present: "
                                      "{available}.",
    "boundaries.error.no_match": "None of the {count} features could be matched to a {level} of the "
                                 "dashboard.",
    "boundaries.error.no_geometry": "No usable polygon geometry is left after repair.",
}


class BoundaryError(Exception):
    """A failure the user can act on: a message key (for translation) plus its parameters.

    ``str(err)`` gives the English message; the UI translates ``err.key`` with ``err.params``.
    """

    def __init__(self, key: str, **params: Any):
        self.key = key
        self.params = params
        super().__init__(self.message())

    def message(self) -> str:
        template = MESSAGES_EN.get(self.key, self.key)
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return f"{template} {self.params}"


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise BoundaryError("boundaries.error.level", level=level)
    return level


# ---------------------------------------------------------------------------------------------
# data classes


@dataclass
class BoundarySet:
    """Boundaries of one level: ``gdf`` in EPSG:4326 with code, name, parent_code, area_km2,
    geometry; ``meta`` as stored next to the cache file."""

    level: str
    gdf: gpd.GeoDataFrame
    meta: dict = field(default_factory=dict)

    @property
    def attribution(self) -> str | None:
        return self.meta.get("attribution")

    @property
    def code_scheme(self) -> str | None:
        return self.meta.get("code_scheme")


@dataclass
class ImportReport:
    """What an import or download did, feature by feature.

    matched: {index, value, code, name, method}; unmatched: {index, value, reason, suggestions};
    outside: {index, value} for features that are not in the dashboard's area; missing: codes of
    the dashboard that no feature supplied; merged: code -> feature indices dissolved into one;
    conflicts: features whose code and name point to different regions (the code was used).
    """

    level: str
    boundary_set: BoundarySet
    matched: list[dict] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    outside: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    merged: dict[str, list[int]] = field(default_factory=dict)
    conflicts: list[dict] = field(default_factory=list)
    area_checks: list[dict] = field(default_factory=list)
    repaired: int = 0
    dropped: list[dict] = field(default_factory=list)
    columns: dict = field(default_factory=dict)
    cache_path: Path | None = None

    @property
    def meta(self) -> dict:
        return self.boundary_set.meta

    @property
    def flagged(self) -> list[dict]:
        return [c for c in self.area_checks if c.get("flagged")]

    def summary(self, max_items: int = 20) -> str:
        meta = self.meta
        lines = [
            f"{self.level}: {len(self.boundary_set.gdf)} regions from {meta.get('source')} "
            f"(code scheme {meta.get('code_scheme')})",
            f"  features read: {meta.get('features_read')}, matched: {len(self.matched)}, "
            f"unmatched: {len(self.unmatched)}, outside the area: {len(self.outside)}, "
            f"geometries repaired: {self.repaired}",
        ]
        if self.columns:
            used = ", ".join(f"{k}={v}" for k, v in self.columns.items() if v)
            lines.append(f"  columns used: {used}")
        for item in self.unmatched[:max_items]:
            sugg = f" (did you mean {', '.join(item['suggestions'])}?)" if item.get("suggestions") else ""
            lines.append(f"  unmatched feature #{item['index']}: {item['value']!r}: {item['reason']}{sugg}")
        if len(self.unmatched) > max_items:
            lines.append(f"  ... and {len(self.unmatched) - max_items} more unmatched")
        if self.missing:
            lines.append(f"  no boundary for: {', '.join(self.missing)}")
        for c in self.conflicts:
            lines.append(f"  feature #{c['index']}: code {c['value']} gives {c['code']} but the name "
                         f"{c['name']!r} points to {c['name_says']}: check the code scheme (BPS or Kemendagri)")
        for code, idx in self.merged.items():
            lines.append(f"  {code}: features {idx} merged into one")
        for item in self.dropped:
            lines.append(f"  dropped feature #{item['index']}: {item['reason']}")
        for c in self.flagged:
            what = (f"its {c['units']} kecamatan sum to" if c.get("scope") == "parent_sum" else "")
            lines.append(f"  area check: {c['code']} {c['name']}: {what} {c['area_km2']:.1f} km2 vs official "
                         f"{c['official_km2']:.1f} km2 ({c['diff_pct']:+.1f}%)".replace(":  ", ": "))
        if self.cache_path:
            lines.append(f"  written to {self.cache_path}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# reference data (regions.csv and the region matcher)


@lru_cache(maxsize=1)
def _regions_table() -> pd.DataFrame:
    df = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str, "kemendagri_code": str,
                                                      "province_code": str})
    df["area_km2"] = pd.to_numeric(df["area_km2"], errors="coerce")
    return df


def _kab_codes() -> set[str]:
    return set(_regions_table()["code"])


def _kab_names() -> dict[str, str]:
    t = _regions_table()
    return dict(zip(t["code"], t["name"]))


def _province_of(kab: str) -> str:
    t = _regions_table().set_index("code")
    return str(t.loc[kab, "province_code"]) if kab in t.index else kab[:2]


def _regions_module():
    from jabodash.geo import regions  # imported late: written alongside this module
    return regions


def _kemendagri_kab_to_bps(code: str) -> str | None:
    """'31.74' -> '3171' through the crosswalk; None when not one of the dashboard's kab/kota."""
    try:
        bps = _regions_module().kemendagri_to_bps(code)
    except (KeyError, ValueError):
        return None
    return bps if bps in _kab_codes() else None


def _kecamatan_reference() -> pd.DataFrame:
    """BPS kecamatan we already know: code, name, parent_code (possibly none).

    ``data/`` has no kecamatan list, so this is the kecamatan boundary set in the cache when it
    carries BPS codes (e.g. a BPS/COD-AB kecamatan file imported earlier).
    """
    cached = load_cached("kecamatan")
    if cached is None:
        return pd.DataFrame({"code": [], "name": [], "parent_code": []}, dtype=object)
    gdf = cached.gdf
    bps = gdf[gdf["code"].astype(str).str.fullmatch(r"\d{7}")]
    return pd.DataFrame({"code": bps["code"].astype(str).values, "name": bps["name"].astype(str).values,
                         "parent_code": bps["code"].astype(str).str[:4].values})


def _norm_name(text: Any) -> str:
    """Lower case, no accents, no 'kecamatan'/'kec.' prefix, letters and digits only."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower().strip()
    s = re.sub(r"^(kecamatan|kec\.?)\s+", "", s)
    return re.sub(r"[^a-z0-9]", "", s)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value).strip() == "" or str(value).strip().lower() in ("nan", "none", "null")


def _code_text(value: Any) -> str:
    """Normalise a code cell: 3276.0 -> '3276', 'ID3276050' -> '3276050', trims blanks."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    s = str(value).strip().upper().replace(" ", "")
    if s.startswith("ID") and s[2:3].isdigit():
        s = s[2:]
    return s


# ---------------------------------------------------------------------------------------------
# code assignment


@dataclass
class _Assigned:
    code: str | None = None
    name: str | None = None
    parent: str | None = None
    method: str | None = None
    status: str = "unmatched"  # matched | unmatched | outside
    reason: str = ""
    suggestions: list[str] = field(default_factory=list)
    conflict: str | None = None  # the code the name points to, when it differs from the code's


def _parse_kab_code(value: Any, scheme: str) -> _Assigned:
    s = _code_text(value)
    if re.fullmatch(r"\d{2}\.\d{2}", s) or (scheme == "kemendagri" and re.fullmatch(r"\d{4}", s)):
        dotted = s if "." in s else f"{s[:2]}.{s[2:]}"
        bps = _kemendagri_kab_to_bps(dotted)
        if bps:
            return _Assigned(code=bps, method="kemendagri code", status="matched")
        return _Assigned(status="outside", reason=f"Kemendagri code {dotted} is not in the dashboard")
    if re.fullmatch(r"\d{4}", s):
        if s in _kab_codes():
            return _Assigned(code=s, method="code", status="matched")
        return _Assigned(status="outside", reason=f"code {s} is not in the dashboard")
    if re.fullmatch(r"\d{7}|\d{10}", s):
        return _Assigned(reason=f"{s} is a kecamatan/desa code, not a kab/kota code")
    return _Assigned(reason=f"not a kab/kota code: {s}")


def _match_kab_name(value: Any) -> _Assigned:
    m = _regions_module().match_region(str(value), level="kabkota")
    status = getattr(m, "status", "unknown")
    code = getattr(m, "code", None)
    if status == "matched" and code in _kab_codes():
        return _Assigned(code=code, method="name", status="matched")
    sugg = [c for c in (getattr(m, "suggestions", None) or []) if c in _kab_codes()]
    reason = {"ambiguous": "ambiguous name", "empty": "empty name"}.get(status, "unknown name")
    return _Assigned(reason=reason, suggestions=sugg)


def _parent_from_value(value: Any) -> str | None:
    """A parent kab/kota given as a BPS/Kemendagri code or a name -> BPS 4-digit, else None."""
    if _blank(value):
        return None
    a = _parse_kab_code(value, "auto")
    if a.status == "matched":
        return a.code
    s = _code_text(value)
    if re.fullmatch(r"\d{7}", s) and s[:4] in _kab_codes():
        return s[:4]
    m = _match_kab_name(value)
    return m.code if m.status == "matched" else None


class _KecNames:
    """Kecamatan name lookup within a parent, against the BPS reference list."""

    def __init__(self, ref: pd.DataFrame):
        self.ref = ref
        self.by_parent: dict[tuple[str, str], list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        self.names = dict(zip(ref["code"], ref["name"]))
        self._matcher = None
        for code, name, parent in zip(ref["code"], ref["name"], ref["parent_code"]):
            key = _norm_name(name)
            self.by_parent.setdefault((parent, key), []).append(code)
            self.by_name.setdefault(key, []).append(code)

    def __bool__(self) -> bool:
        return len(self.ref) > 0

    def match(self, name: Any, parent: str | None) -> _Assigned:
        if _blank(name):
            return _Assigned(reason="empty name")
        key = _norm_name(name)
        hits = self.by_parent.get((parent, key), []) if parent else self.by_name.get(key, [])
        if len(hits) == 1:
            return _Assigned(code=hits[0], name=self.names[hits[0]], method="name", status="matched")
        if len(hits) > 1:
            return _Assigned(reason="ambiguous name", suggestions=hits)
        # fuzzy: the region matcher, restricted to the parent
        sugg: list[str] = []
        try:
            if self._matcher is None:
                self._matcher = _regions_module().RegionMatcher(kecamatan=self.ref)
            m = self._matcher.match(str(name), level="kecamatan")
            cands = [m.code] if m.status == "matched" and m.code else []
            cands += list(getattr(m, "suggestions", None) or [])
            cands = [c for c in dict.fromkeys(cands) if c in self.names]
            if parent:
                cands = [c for c in cands if c.startswith(parent)]
            if m.status == "matched" and len(cands) == 1 and cands[0] == m.code:
                return _Assigned(code=m.code, name=self.names[m.code], method="name (fuzzy)",
                                 status="matched")
            sugg = cands
        except Exception as exc:  # matcher without a kecamatan list, or another API
            log.debug("kecamatan fuzzy match unavailable: %s", exc)
        where = f" in {parent}" if parent else ""
        return _Assigned(reason=f"no BPS kecamatan of that name{where}", suggestions=sugg)


def _assign_kabkota(values: list, names: list, scheme: str) -> list[_Assigned]:
    out = []
    for value, name in zip(values, names):
        a = _Assigned(reason="no code and no name")
        if not _blank(value):
            a = _parse_kab_code(value, scheme)
        if not _blank(name) and a.status != "outside":
            by_name = _match_kab_name(name)
            if a.status == "matched":
                # the code decides; a name pointing elsewhere is reported (e.g. Kemendagri digits
                # read as BPS: 3171 is Jakarta Selatan in BPS, Jakarta Pusat in Kemendagri)
                if by_name.status == "matched" and by_name.code != a.code:
                    a.conflict = by_name.code
            elif by_name.status == "matched" or _blank(value):
                a = by_name
        out.append(a)
    # "Bogor" next to "Kota Bogor": when an ambiguous name has exactly one candidate that no other
    # feature took, it is that one (reported as method "name (by elimination)").
    taken = {a.code for a in out if a.status == "matched"}
    for a in out:
        if a.status == "unmatched" and a.reason == "ambiguous name":
            free = [c for c in a.suggestions if c not in taken]
            if len(free) == 1:
                a.code, a.status, a.method, a.reason = free[0], "matched", "name (by elimination)", ""
                taken.add(free[0])
    kab_names = _kab_names()
    for a in out:
        if a.status == "matched":
            a.name = kab_names[a.code]
            a.parent = _province_of(a.code)
    return out


def _assign_kecamatan(values: list, names: list, parents: list, bps_values: list,
                      scheme: str) -> tuple[list[_Assigned], bool]:
    names_ref = _KecNames(_kecamatan_reference())
    out = []
    for value, name, parent_value, bps_value in zip(values, names, parents, bps_values):
        parent = _parent_from_value(parent_value)
        a: _Assigned | None = None
        # 1. a BPS kecamatan code in the data
        for cand in (bps_value, value if scheme != "kemendagri" else None):
            s = _code_text(cand) if not _blank(cand) else ""
            if re.fullmatch(r"\d{7}", s):
                if s[:4] in _kab_codes():
                    a = _Assigned(code=s, method="code", status="matched")
                else:
                    a = _Assigned(status="outside", reason=f"code {s} is not in the dashboard")
                break
        # 2. a Kemendagri kecamatan code: parent via the crosswalk, then name, then pseudo code
        if a is None and not _blank(value):
            s = _code_text(value)
            dotted = None
            if re.fullmatch(r"\d{2}\.\d{2}\.\d{2,3}", s):
                dotted = s
            elif scheme == "kemendagri" and re.fullmatch(r"\d{6,7}", s):
                dotted = f"{s[:2]}.{s[2:4]}.{s[4:]}"
            if dotted:
                kab = _kemendagri_kab_to_bps(dotted[:5])
                if kab is None:
                    a = _Assigned(status="outside", reason=f"Kemendagri code {dotted} is not in the dashboard")
                else:
                    parent = kab
                    if names_ref and not _blank(name):
                        a = names_ref.match(name, parent)
                    if a is None or a.status != "matched":
                        failed = a
                        a = _Assigned(code=kab + dotted[6:], method="kemendagri code", status="matched",
                                      parent=kab)
                        if failed is not None:  # a BPS list existed but the name was not in it
                            a.reason = failed.reason
                            a.suggestions = failed.suggestions
            elif a is None and s:
                a = _Assigned(reason=f"not a kecamatan code: {s}")
        # 3. a name (within the parent when known)
        if (a is None or a.status == "unmatched") and not _blank(name):
            if names_ref:
                by_name = names_ref.match(name, parent)
                if by_name.status == "matched" or a is None:
                    a = by_name
            elif a is None:
                a = _Assigned(reason="no BPS kecamatan list to match names against (import a file "
                                     "with BPS kecamatan codes first, or name a code column)")
        if a is None:
            a = _Assigned(reason="no code and no name")
        if a.status == "matched":
            a.parent = a.code[:4]
            if a.name is None:
                a.name = names_ref.names.get(a.code) or (None if _blank(name) else str(name).strip())
        out.append(a)
    return out, bool(names_ref)


# ---------------------------------------------------------------------------------------------
# pure geometry functions


def _polygonal(geom):
    """Keep only the polygonal part of a geometry (make_valid may return lines or points too)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        polys = [p for g in parts for p in shapely.get_parts(g)]
        if not polys:
            return None
        return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
    return None


def _looks_lonlat(gdf: gpd.GeoDataFrame) -> bool:
    if gdf.empty:
        return True
    minx, miny, maxx, maxy = gdf.total_bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def validate(gdf: gpd.GeoDataFrame, level: str) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326, repair (``make_valid``), keep polygons, merge features sharing a code,
    compute ``area_km2`` in UTM 48S. Input: a GeoDataFrame with code, name[, parent_code].

    Returns a new GeoDataFrame with exactly code, name, parent_code, area_km2, geometry, sorted
    by code. A missing CRS is taken as EPSG:4326 when the coordinates look like lon/lat.
    ``gdf.attrs["repaired"]``/``["dropped"]`` tell what was fixed.
    """
    _check_level(level)
    for col in ("code", "name"):
        if col not in gdf.columns:
            raise BoundaryError("boundaries.error.column_not_found", column=col,
                                available=", ".join(map(str, gdf.columns)))
    gdf = gdf.copy()
    if gdf.crs is None:
        if not _looks_lonlat(gdf):
            raise BoundaryError("boundaries.error.no_crs", filename="the data")
        gdf = gdf.set_crs(WGS84)
    elif not gdf.crs.equals(WGS84):
        gdf = gdf.to_crs(WGS84)
    if "parent_code" not in gdf.columns:
        gdf["parent_code"] = [(_province_of(c) if level == "kabkota" else str(c)[:4]) for c in gdf["code"]]
    geoms = gdf.geometry.values
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    fixed = shapely.make_valid(geoms[invalid]) if invalid.any() else []
    new = np.array(geoms, dtype=object)
    new[invalid] = fixed
    new = [_polygonal(g) for g in new]
    dropped = [int(i) for i, g in zip(gdf.index, new) if g is None]
    gdf = gdf.set_geometry(gpd.GeoSeries(new, index=gdf.index, crs=WGS84))
    gdf = gdf[gdf.geometry.notna()]
    if gdf.empty:
        raise BoundaryError("boundaries.error.no_geometry")
    gdf["code"] = gdf["code"].astype(str)
    if gdf["code"].duplicated().any():
        first = gdf.drop_duplicates("code").set_index("code")[["name", "parent_code"]]
        merged = gdf.groupby("code", sort=True).geometry.apply(lambda s: shapely.union_all(s.values))
        gdf = gpd.GeoDataFrame(first.loc[merged.index].reset_index(), geometry=list(merged.values), crs=WGS84)
        gdf["geometry"] = [_polygonal(shapely.make_valid(g)) for g in gdf.geometry]
    gdf = gdf.sort_values("code").reset_index(drop=True)
    gdf["area_km2"] = gdf.geometry.to_crs(AREA_CRS).area.values / 1e6
    out = gpd.GeoDataFrame(
        {"code": gdf["code"].astype(str), "name": gdf["name"].astype(str),
         "parent_code": gdf["parent_code"].astype(str), "area_km2": gdf["area_km2"].astype(float)},
        geometry=gdf.geometry.values, crs=WGS84)
    out.attrs = {"repaired": int(invalid.sum()), "dropped": dropped}
    return out


def area_checks(gdf: gpd.GeoDataFrame, level: str, tolerance: float = AREA_TOLERANCE) -> list[dict]:
    """Compare each region's area with BIG's official area (``data/regions.csv``).

    Kab/kota: one check per region. Kecamatan: ``data/`` holds no official kecamatan areas, so
    the kecamatan of each kab/kota are summed and compared with the kab/kota's official area
    (``scope: "parent_sum"``); a kab/kota with kecamatan missing shows up here too.
    Uses ``area_km2`` when present, else computes it in UTM 48S. ``flagged`` = |diff| > tolerance.
    """
    _check_level(level)
    if gdf.empty:
        return []
    area = gdf["area_km2"] if "area_km2" in gdf.columns else gdf.geometry.to_crs(AREA_CRS).area / 1e6
    table = _regions_table().set_index("code")
    if level == "kabkota":
        units = pd.DataFrame({"code": gdf["code"].astype(str).values, "area": np.asarray(area, float),
                              "count": 1})
        scope = "region"
    else:
        parent = gdf["parent_code"] if "parent_code" in gdf.columns else gdf["code"].astype(str).str[:4]
        units = (pd.DataFrame({"code": np.asarray(parent, str), "area": np.asarray(area, float)})
                 .groupby("code", as_index=False).agg(area=("area", "sum"), count=("area", "size")))
        scope = "parent_sum"
    checks = []
    for row in units.itertuples(index=False):
        official = table["area_km2"].get(row.code) if row.code in table.index else None
        if official is None or not np.isfinite(official) or official <= 0:
            continue
        diff = row.area / official - 1
        checks.append({"code": row.code, "name": str(table.loc[row.code, "name"]), "scope": scope,
                       "units": int(row.count), "area_km2": round(float(row.area), 3),
                       "official_km2": float(official), "diff_pct": round(100 * diff, 2),
                       "flagged": bool(abs(diff) > tolerance)})
    return checks


def _round_coords(geoms: np.ndarray, decimals: int) -> np.ndarray:
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    bad = ~shapely.is_valid(rounded)
    if bad.any():  # rare: a sliver thinner than the grid; repair only those
        rounded[bad] = [_polygonal(g) or src for g, src in
                        zip(shapely.make_valid(rounded[bad]), geoms[bad])]
    return rounded


def simplify(gdf: gpd.GeoDataFrame, level: str, tolerance_m: float | None = None,
             decimals: int = COORD_DECIMALS) -> gpd.GeoDataFrame:
    """Simplify the set as a coverage (``GeoSeries.simplify_coverage``: shared borders stay shared,
    no gaps or overlaps appear) in UTM 48S with a per-level tolerance in metres, then back to
    EPSG:4326 with coordinates rounded to ``decimals`` (shared vertices round identically) and
    polygons oriented as RFC 7946 wants. Other columns (``area_km2`` too) are kept as they are.
    """
    _check_level(level)
    tol = SIMPLIFY_TOLERANCE_M[level] if tolerance_m is None else float(tolerance_m)
    out = gdf.copy()
    if out.empty:
        return out
    src_crs = out.crs or WGS84
    projected = out.geometry.set_crs(src_crs, allow_override=True).to_crs(AREA_CRS)
    if tol > 0:
        projected = projected.simplify_coverage(tol)
    geoms = projected.to_crs(WGS84).values
    geoms = _round_coords(np.asarray(geoms, dtype=object), decimals)
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)
    return out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=WGS84))


def coverage_ok(gdf: gpd.GeoDataFrame) -> bool:
    """True when the polygons form a valid coverage (no overlaps, shared edges identical)."""
    return bool(shapely.coverage_is_valid(np.asarray(gdf.geometry.values, dtype=object)))


def to_geojson(gdf: gpd.GeoDataFrame, level: str) -> dict:
    """FeatureCollection with feature ``id`` = code and property ``name`` (+ ``parent_code`` for
    kecamatan): what ``plotly.express.choropleth_map(geojson=..., locations=codes)`` takes."""
    features = []
    geoms = shapely.to_geojson(np.asarray(gdf.geometry.values, dtype=object))
    for code, name, parent, geom in zip(gdf["code"], gdf["name"], gdf["parent_code"], geoms):
        props = {"name": str(name)}
        if level == "kecamatan":
            props["parent_code"] = str(parent)
        features.append({"type": "Feature", "id": str(code), "properties": props,
                         "geometry": json.loads(geom)})
    return {"type": "FeatureCollection", "features": features}


def geojson_size(fc: dict) -> int:
    """Bytes of compact JSON, as the GeoJSON travels inside a figure."""
    return len(json.dumps(fc, separators=(",", ":")).encode())


# ---------------------------------------------------------------------------------------------
# cache


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
    # mismatch and retries (see load_cached)
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


def _read_cache_once(level: str) -> tuple[str, BoundarySet | None]:
    parquet, meta_path = _cache_paths(level)
    try:
        meta = json.loads(meta_path.read_bytes())
    except FileNotFoundError:
        if parquet.exists() and time.time() - parquet.stat().st_mtime > 60:
            return "corrupt", None  # an orphan parquet without its JSON, older than any write
        return "absent", None
    except (OSError, ValueError) as exc:
        log.warning("boundary cache %s unreadable: %s", meta_path, exc)
        return "corrupt", None
    try:
        data = parquet.read_bytes()
    except FileNotFoundError:
        return "corrupt", None
    if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT or meta.get("level") != level:
        return "corrupt", None
    if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        return "mismatch", None
    try:
        gdf = _parquet_to_gdf(data)
    except Exception as exc:
        log.warning("boundary cache %s unreadable: %s", parquet, exc)
        return "corrupt", None
    needed = {"code", "name", "parent_code", "area_km2", "geometry"}
    if not needed <= set(gdf.columns) or gdf.crs is None or len(gdf) != meta.get("feature_count"):
        return "corrupt", None
    return "ok", BoundarySet(level=level, gdf=gdf, meta=meta)


def load_cached(level: str) -> BoundarySet | None:
    """The cached boundaries of a level, or None when there are none.

    A corrupt cache (unreadable JSON or parquet, checksum mismatch, wrong columns) is logged,
    removed and reported as None, never raised: the page then offers import/download again.
    """
    _check_level(level)
    status = "absent"
    for _attempt in range(3):
        status, bset = _read_cache_once(level)
        if status == "ok":
            return bset
        if status != "mismatch":
            break
        time.sleep(0.05)  # maybe a writer between its two files
    if status in ("corrupt", "mismatch"):
        parquet, meta_path = _cache_paths(level)
        log.warning("boundary cache for %s is corrupt (%s); removed, import or download again",
                    level, status)
        _remove(parquet, meta_path)
        _GEOJSON_MEMO.clear()
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
    _GEOJSON_MEMO.clear()
    return removed


# ---------------------------------------------------------------------------------------------
# the pipeline shared by every source


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _representative_outside(geom) -> bool:
    if geom is None or geom.is_empty:
        return False
    minx, miny, maxx, maxy = geom.bounds
    bx0, by0, bx1, by1 = STUDY_BBOX
    return maxx < bx0 or minx > bx1 or maxy < by0 or miny > by1


def _build(raw: gpd.GeoDataFrame, level: str, *, code_col: str | None, name_col: str | None,
           parent_col: str | None = None, bps_code_col: str | None = None, code_scheme: str = "auto",
           meta: dict, progress: ProgressFn | None = None) -> ImportReport:
    """Assign codes, validate, check areas, simplify, write the cache; returns the report."""
    _check_level(level)
    if raw.crs is not None and not raw.crs.equals(WGS84) and not raw.empty:
        lonlat = raw.geometry.to_crs(WGS84)
    else:
        lonlat = raw.geometry
    n = len(raw)

    def column(col):
        return list(raw[col]) if col else [None] * n

    values, names = column(code_col), column(name_col)
    if level == "kabkota":
        assigned = _assign_kabkota(values, names, code_scheme)
        had_ref = True
    else:
        assigned, had_ref = _assign_kecamatan(values, names, column(parent_col), column(bps_code_col),
                                              code_scheme)
    matched, unmatched, outside, conflicts = [], [], [], []
    keep_idx, codes, out_names, parents = [], [], [], []
    for i, (a, value, name, geom) in enumerate(zip(assigned, values, names, lonlat.values)):
        shown = value if not _blank(value) else name
        shown = None if _blank(shown) else str(shown)
        if a.status == "unmatched" and _representative_outside(geom):
            a.status, a.reason = "outside", "outside the dashboard's area"
        if a.status == "matched":
            item = {"index": i, "value": shown, "code": a.code, "name": a.name, "method": a.method}
            matched.append(item)
            if a.conflict:
                conflicts.append({"index": i, "value": shown, "name": None if _blank(name) else str(name),
                                  "code": a.code, "name_says": a.conflict})
            keep_idx.append(i)
            codes.append(a.code)
            out_names.append(a.name or a.code)
            parents.append(a.parent)
            if level == "kecamatan" and a.method == "kemendagri code" and had_ref:
                unmatched.append({"index": i, "value": None if _blank(name) else str(name),
                                  "reason": (a.reason or "name not in the BPS kecamatan list")
                                  + f"; kept with Kemendagri-based code {a.code}",
                                  "suggestions": a.suggestions})
        elif a.status == "outside":
            outside.append({"index": i, "value": shown})
        else:
            unmatched.append({"index": i, "value": shown, "reason": a.reason, "suggestions": a.suggestions})
    if not keep_idx:
        raise BoundaryError("boundaries.error.no_match", count=n, level=level)
    if progress:
        progress(n, n, f"{len(keep_idx)} of {n} features matched; repairing and simplifying")

    sub = raw.iloc[keep_idx]
    gdf = gpd.GeoDataFrame({"code": codes, "name": out_names, "parent_code": parents},
                           geometry=list(sub.geometry.values), crs=raw.crs)
    dup = pd.Series(keep_idx).groupby(pd.Series(codes)).apply(list)
    merged = {str(c): [int(x) for x in idx] for c, idx in dup.items() if len(idx) > 1}
    valid = validate(gdf, level)
    dropped = [{"index": keep_idx[i], "reason": "no polygon geometry"} for i in valid.attrs.get("dropped", [])]
    checks = area_checks(valid, level)
    coverage_in = coverage_ok(valid)
    simple = simplify(valid, level)
    coverage_out = coverage_ok(simple)

    codes_now = set(simple["code"])
    if level == "kabkota":
        missing = sorted(_kab_codes() - codes_now)
    else:
        missing = sorted(_kab_codes() - {c[:4] for c in codes_now})  # kab/kota with no kecamatan at all
    long = simple["code"].str.len()
    scheme = "bps" if (long == 7).all() else "kemendagri" if (long == 6).all() else "mixed"
    if level == "kabkota":
        scheme = "bps"
    meta = dict(meta)
    meta.update({
        "format": CACHE_FORMAT, "level": level, "fetched_at": meta.get("fetched_at") or _now(),
        "code_scheme": scheme, "crs": WGS84, "area_crs": AREA_CRS,
        "simplify_tolerance_m": SIMPLIFY_TOLERANCE_M[level], "coord_decimals": COORD_DECIMALS,
        "features_read": n, "matched_count": len(matched), "unmatched": unmatched,
        "outside_count": len(outside), "missing": missing, "merged": merged, "conflicts": conflicts,
        "repaired": int(valid.attrs.get("repaired", 0)), "dropped": dropped,
        "area_checks": checks, "coverage_valid_input": coverage_in,
        "coverage_valid_simplified": coverage_out,
    })
    meta.setdefault("columns", {})
    simple.attrs = {}
    bset = BoundarySet(level=level, gdf=simple, meta=meta)
    path = _write_cache(bset)
    _GEOJSON_MEMO.clear()
    return ImportReport(level=level, boundary_set=bset, matched=matched, unmatched=unmatched,
                        outside=outside, missing=missing, merged=merged, conflicts=conflicts, area_checks=checks,
                        repaired=meta["repaired"], dropped=dropped, columns=meta["columns"],
                        cache_path=path)


# ---------------------------------------------------------------------------------------------
# source 1: a file


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


def _read_path(path: Path, kind: str, filename: str, layer: str | None) -> gpd.GeoDataFrame:
    import pyogrio
    target = str(path)
    if kind == "zip":
        try:
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.namelist() if not m.endswith("/") and "__MACOSX" not in m]
        except zipfile.BadZipFile as exc:
            raise BoundaryError("boundaries.error.unreadable_file", filename=filename, reason=str(exc)) from None
        readable = [m for m in members if Path(m).suffix.lower() in (".shp", ".geojson", ".json", ".gpkg")]
        if layer is not None:
            chosen = [m for m in readable if m == layer or Path(m).stem == layer]
            if chosen:
                readable, layer = chosen[:1], None
        if not readable:
            raise BoundaryError("boundaries.error.no_layer", filename=filename)
        if len(readable) > 1:
            raise BoundaryError("boundaries.error.multiple_layers", filename=filename,
                                layers=", ".join(Path(m).stem for m in readable))
        target = f"/vsizip/{path}/{readable[0]}"
    layer = _pick_layer(target, filename, layer)
    try:
        gdf = pyogrio.read_dataframe(target, layer=layer)
    except Exception as exc:
        raise BoundaryError("boundaries.error.unreadable_file", filename=filename, reason=str(exc)) from None
    if gdf.crs is None and not _looks_lonlat(gdf):
        raise BoundaryError("boundaries.error.no_crs", filename=filename)
    return gdf


def read_file(path_or_bytes: str | Path | bytes, filename: str | None = None,
              layer: str | None = None) -> gpd.GeoDataFrame:
    """Read a GeoJSON, GeoPackage or zipped Shapefile (path or uploaded bytes) with pyogrio."""
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(path_or_bytes)
        name = filename or "upload"
        kind = _SUFFIXES.get(Path(name).suffix.lower()) or _sniff(data)
        if kind is None or kind == "shp":
            raise BoundaryError("boundaries.error.unsupported_format", filename=name)
        with tempfile.TemporaryDirectory(prefix="jabodash-boundaries-") as tmp:
            path = Path(tmp) / f"upload.{'geojson' if kind == 'geojson' else kind}"
            path.write_bytes(data)
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


# ---------------------------------------------------------------------------------------------
# source 2: the official services


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
