"""Boundaries made ready for the map figures, once per GeoJSON dict: rings as NumPy arrays wound
as d3-geo reads them, an index by code, bounds, label points; and the frames a map can be fitted
to (the mainland core, the five Jakarta cities, everything).

Moved out of :mod:`jabodash.charts.peta` (which re-exports the public names) so that module keeps
to the figures. Nothing here imports streamlit.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd

from jabodash.core.paths import DATA_DIR

REGIONS_FILE = DATA_DIR / "regions.csv"
OUTSIDE_CORE = ("3101", "3203")   # Kep. Seribu and Kab. Cianjur stretch the extent
JAKARTA = ("3171", "3172", "3173", "3174", "3175")

@lru_cache(maxsize=1)
def regions() -> pd.DataFrame:
    df = pd.read_csv(REGIONS_FILE, dtype={"code": str})
    return df.set_index("code", drop=False)



# ---------------------------------------------------------------------------------------------
# GeoJSON preparation (once per GeoJSON dict)


class Prepared:
    """A GeoJSON FeatureCollection made ready for Plotly: NumPy rings, index by code, bounds,
    label points."""

    def __init__(self, geojson: dict):
        import shapely
        feats = geojson.get("features", [])
        self.codes = [str(f.get("id", f.get("properties", {}).get("code", ""))) for f in feats]
        self.names = [str(f.get("properties", {}).get("name", "")) for f in feats]
        self.index = {code: i for i, code in enumerate(self.codes)}
        self.features = [_np_feature(f, code) for f, code in zip(feats, self.codes)]
        geoms = [shapely.geometry.shape(f["geometry"]) if f.get("geometry") else None for f in feats]
        arr = np.array(geoms, dtype=object)
        self.geoms = arr                                     # shapely geometries (label placement)
        self.bounds = shapely.bounds(arr)                    # (n, 4) minx, miny, maxx, maxy
        self.label_points = _polylabels(arr)                 # (n, 2) lon, lat

    def subset(self, positions) -> dict:
        return {"type": "FeatureCollection", "features": [self.features[i] for i in positions]}


def _wound(rings) -> list[np.ndarray]:
    """A polygon's rings as arrays, the outer ring clockwise and the holes anticlockwise: the
    winding d3-geo (Plotly's geo maps) reads as "this polygon" on the sphere (the other winding
    fills the whole globe but the polygon). MapLibre draws either."""
    out = []
    for n, ring in enumerate(rings):
        a = np.asarray(ring, dtype=float)
        if len(a) >= 3:
            x, y = a[:, 0], a[:, 1]
            area = np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])   # > 0: anticlockwise
            if (area > 0) == (n == 0):
                a = a[::-1].copy()
        out.append(a)
    return out


def _np_geometry(geom: dict) -> dict:
    kind = geom.get("type")
    coords = geom.get("coordinates")
    if kind == "Polygon":
        return {"type": kind, "coordinates": _wound(coords)}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [_wound(poly) for poly in coords]}
    return geom


def _np_feature(feature: dict, code: str) -> dict:
    props = feature.get("properties") or {}
    return {"type": "Feature", "id": code, "properties": {"name": props.get("name", "")},
            "geometry": _np_geometry(feature["geometry"]) if feature.get("geometry") else None}


def _polylabels(geoms: np.ndarray) -> np.ndarray:
    """A point well inside each polygon (centre of the largest inscribed circle, 'polylabel');
    for a multipolygon, inside its largest part."""
    import shapely
    out = np.full((len(geoms), 2), np.nan)
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            continue
        if g.geom_type == "MultiPolygon":
            g = max(g.geoms, key=lambda p: p.area)
        try:
            line = shapely.maximum_inscribed_circle(g, tolerance=max(1e-4, math.sqrt(g.area) / 200))
            x, y = shapely.get_coordinates(line)[0]
        except Exception:  # pragma: no cover - degenerate geometry
            p = g.representative_point()
            x, y = p.x, p.y
        out[i] = (x, y)
    return out


_BY_ID: dict[int, tuple[dict, Prepared]] = {}
_BY_CONTENT: dict[int, Prepared] = {}
_MEMO_SIZE = 8


def _fingerprint(geojson: dict) -> int:
    """A cheap content key (no coordinate walk beyond ring lengths): feature ids, names, the
    vertex count of every feature and its first vertex. A re-simplified or re-imported set
    changes vertex counts, so it never reuses another set's prepared form."""
    parts = []
    for f in geojson.get("features", []):
        geom = f.get("geometry") or {}
        coords = geom.get("coordinates") or []
        polys = coords if geom.get("type") == "MultiPolygon" else [coords]
        count = sum(len(ring) for poly in polys for ring in poly)
        first = tuple(polys[0][0][0]) if polys and polys[0] and len(polys[0][0]) else ()
        parts.append((f.get("id"), (f.get("properties") or {}).get("name"), count, first))
    return hash(tuple(parts))


def prepared(geojson: dict) -> Prepared:
    """The prepared form of a GeoJSON dict, memoised by identity (the dict from
    ``boundaries.geojson_for`` is memoised there and must not be mutated) and, when a cache hands
    out copies (``st.cache_data`` unpickles a new dict on every rerun), by content."""
    hit = _BY_ID.get(id(geojson))
    if hit is not None and hit[0] is geojson:
        return hit[1]
    key = _fingerprint(geojson)
    prep = _BY_CONTENT.get(key)
    if prep is None:
        prep = Prepared(geojson)
        if len(_BY_CONTENT) >= _MEMO_SIZE:
            _BY_CONTENT.clear()
        _BY_CONTENT[key] = prep
    if len(_BY_ID) >= _MEMO_SIZE:
        _BY_ID.clear()
    _BY_ID[id(geojson)] = (geojson, prep)
    return prep


def wound(geojson: dict) -> dict:
    """The features of ``geojson`` with their rings wound as Plotly's geo maps need them (see
    :func:`_wound`), as a new FeatureCollection (ids and names kept)."""
    prep = prepared(geojson)
    return prep.subset(range(len(prep.codes)))


def label_points(geojson: dict) -> pd.DataFrame:
    """code, lat, lon: a label point inside every feature (largest inscribed circle)."""
    prep = prepared(geojson)
    return pd.DataFrame({"code": prep.codes, "lat": prep.label_points[:, 1], "lon": prep.label_points[:, 0]})


def complete_values(values: pd.DataFrame, geojson: dict) -> pd.DataFrame:
    """Every feature of the GeoJSON as a row (value NaN where ``values`` has none), names from the
    GeoJSON where ``values`` lacks them: for kecamatan maps of uploaded data, so that kecamatan
    without a figure count (and show) as missing instead of being left out."""
    prep = prepared(geojson)
    base = pd.DataFrame({"region_code": prep.codes, "name_geo": prep.names})
    vals = values.copy()
    vals["region_code"] = vals["region_code"].astype(str)
    out = base.merge(vals, on="region_code", how="left")
    if "name" not in out:
        out["name"] = out["name_geo"]
    out["name"] = out["name"].fillna(out["name_geo"])
    if "short_name" not in out:
        out["short_name"] = out["name"]
    out["short_name"] = out["short_name"].fillna(out["name"])
    return out.drop(columns="name_geo")


def core_bounds(geojson: dict | None = None, margin: float = 0.02) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) of the 13 mainland Jabodetabek kab/kota (without
    Kep. Seribu and Kab. Cianjur), from the boundaries when given (kab/kota or kecamatan
    features), else from the region points with a wider margin."""
    if geojson is not None:
        prep = prepared(geojson)
        keep = [i for i, c in enumerate(prep.codes) if c[:4] not in OUTSIDE_CORE]
        if keep:
            b = prep.bounds[keep]
            box = (np.nanmin(b[:, 0]), np.nanmin(b[:, 1]), np.nanmax(b[:, 2]), np.nanmax(b[:, 3]))
            return (box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin)
    pts = regions()
    pts = pts[~pts["code"].isin(OUTSIDE_CORE)]
    wide = margin + 0.15
    return (pts["lon"].min() - wide, pts["lat"].min() - wide, pts["lon"].max() + wide, pts["lat"].max() + wide)


def jakarta_bounds(geojson: dict | None = None, margin: float = 0.01) -> tuple[float, float, float, float]:
    """Bounds of the five Jakarta cities (without Kep. Seribu): the close-up for dense cities."""
    if geojson is not None:
        prep = prepared(geojson)
        keep = [i for i, c in enumerate(prep.codes) if c[:4] in JAKARTA]
        if keep:
            b = prep.bounds[keep]
            return (np.nanmin(b[:, 0]) - margin, np.nanmin(b[:, 1]) - margin,
                    np.nanmax(b[:, 2]) + margin, np.nanmax(b[:, 3]) + margin)
    pts = regions()
    pts = pts[pts["code"].isin(JAKARTA)]
    wide = margin + 0.08
    return (pts["lon"].min() - wide, pts["lat"].min() - wide, pts["lon"].max() + wide, pts["lat"].max() + wide)


def all_bounds(geojson: dict | None = None, margin: float = 0.02) -> tuple[float, float, float, float]:
    if geojson is not None:
        b = prepared(geojson).bounds
        return (np.nanmin(b[:, 0]) - margin, np.nanmin(b[:, 1]) - margin,
                np.nanmax(b[:, 2]) + margin, np.nanmax(b[:, 3]) + margin)
    pts = regions()
    wide = margin + 0.2
    return (pts["lon"].min() - wide, pts["lat"].min() - wide, pts["lon"].max() + wide, pts["lat"].max() + wide)



def fit_bounds(geojson: dict, fit: str) -> tuple[float, float, float, float]:
    if fit == "core":
        return core_bounds(geojson)
    if fit == "jakarta":
        return jakarta_bounds(geojson)
    return all_bounds(geojson)
