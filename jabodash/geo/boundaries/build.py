"""The pipeline shared by every source (:func:`_build`): codes are assigned (:mod:`.codes`; every
feature that cannot be placed is reported), geometries validated, areas checked and the set
simplified (:mod:`.geometry`), then the cache written (:mod:`.cache`); the result is an
:class:`~jabodash.geo.boundaries.model.ImportReport`.
"""
from __future__ import annotations

from datetime import datetime, timezone

import geopandas as gpd
import pandas as pd

from jabodash.geo.boundaries.cache import _GEOJSON_MEMO, CACHE_FORMAT, _write_cache
from jabodash.geo.boundaries.codes import _assign_kabkota, _assign_kecamatan, _blank
from jabodash.geo.boundaries.geometry import (
    COORD_DECIMALS,
    SIMPLIFY_TOLERANCE_M,
    area_checks,
    coverage_ok,
    simplify,
    validate,
)
from jabodash.geo.boundaries.model import (
    AREA_CRS,
    WGS84,
    BoundaryError,
    BoundarySet,
    ImportReport,
    ProgressFn,
    _check_level,
    _kab_codes,
)

# lon/lat box around the 15 kab/kota (Kep. Seribu to the Cianjur coast) with a margin: features of
# a whole-country file that lie entirely outside it are counted as "outside", not "unmatched".
STUDY_BBOX = (106.0, -7.7, 107.7, -5.0)


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
