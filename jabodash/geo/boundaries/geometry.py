"""Pure geometry functions: reproject and repair (:func:`validate`), compare areas with BIG's
official ones (:func:`area_checks`), simplify as a coverage so that shared borders stay shared
(:func:`simplify`), and the GeoJSON a map takes (:func:`to_geojson`). No I/O.
"""
from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jabodash.geo.boundaries.model import AREA_CRS, WGS84, BoundaryError, _check_level, _province_of, _regions_table

AREA_TOLERANCE = 0.05  # flag a region whose area differs from the official one by more than 5%
# Coverage simplification tolerance in metres (Visvalingam-Whyatt, roughly the square root of the
# triangle area removed). Measured on the BPS 2020 boundaries: kab/kota GeoJSON 148 KB,
# kecamatan ~790 KB, against budgets of 250 KB and 1.2 MB for the whole figure.
SIMPLIFY_TOLERANCE_M = {"kabkota": 100.0, "kecamatan": 60.0}
COORD_DECIMALS = 5  # about 1 m


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
