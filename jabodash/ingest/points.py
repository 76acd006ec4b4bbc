"""Points: a facility list (``points`` layout, latitude/longitude columns) read and counted per region.

Reading: the coordinate columns are parsed "decimal only"; swapped latitude/longitude is
noticed and corrected; a point outside the rough bounding box of the agglomeration
(:data:`AREA_BBOX`) is kept but flagged (``in_area`` false). ``result.points`` holds row, lat,
lon, name, region_code (from a region column, if any) and in_area.

Counting, the one path for the upload page and ``python -m jabodash ingest``:
:func:`count_points` counts points per polygon of one boundary set (point in polygon);
:func:`count_point_regions` counts per kab/kota and per kecamatan with the cached boundaries
(else by the file's region column) into a :class:`PointReport`; :func:`point_records` turns
those counts into records (zeros included: a count assumes the list is complete), the records
that are used in the session or saved (``workspace.save_dataset(..., records=...)``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jabodash.core.paths import DATA_DIR
from jabodash.ingest.header import _RowSkips, _Table
from jabodash.ingest.numbers import MISSING, parse_numbers
from jabodash.ingest.outcome import LEVELS, IngestResult
from jabodash.ingest.text import _take
from jabodash.ingest.values import _default_indicator, _title_year

# Rough bounding box of the 15 regions (Kepulauan Seribu in the north to Cianjur's coast).
AREA_BBOX = {"lat_min": -7.50, "lat_max": -5.05, "lon_min": 106.25, "lon_max": 107.45}
LEVEL_DIGITS = {"kabkota": 4, "kecamatan": 7}
OUTSIDE_COLUMNS = ["row", "lat", "lon", "name", "reason_key"]
OUTSIDE_REASONS = ("outside_area", "outside_polygons", "coords_outside_area")


def _finish_points(table: _Table, roles: dict, skip: _RowSkips, region_codes: tuple, result: IngestResult) -> list:
    """``result.points`` from the coordinate columns of the rows still in play."""
    cols, names, lines = table.cols, table.names, table.lines
    lat = parse_numbers(cols[roles["lat"]], decimal_only=True)
    lon = parse_numbers(cols[roles["lon"]], decimal_only=True)
    la, lo = lat.values.copy(), lon.values.copy()
    both = np.isfinite(la) & np.isfinite(lo)
    if both.any():
        # latitude and longitude swapped (Indonesia: lat about -11..6, lon about 95..141)
        med_la, med_lo = np.nanmedian(np.abs(la[both])), np.nanmedian(np.abs(lo[both]))
        if med_la > 90 or (med_la > 60 and med_lo < 20):
            la, lo = lo, la
            result.warn("coordinates_swapped")
    missing = (lat.status == MISSING) | (lon.status == MISSING)
    bad = ~missing & ~(np.isfinite(la) & np.isfinite(lo) & (np.abs(la) <= 90) & (np.abs(lo) <= 180)
                       & ~((la == 0) & (lo == 0)))
    both_cols = f"{names[roles['lat']]}, {names[roles['lon']]}"

    def pair(rows):
        return [f"{a}, {b}" if (a or b) else "" for a, b in zip(_take(cols[roles["lat"]], rows).to_pylist(),
                                                                _take(cols[roles["lon"]], rows).to_pylist())]
    skip.mark(missing, "missing_coordinate", both_cols, pair)
    skip.mark(bad, "invalid_coordinate", both_cols, pair)
    good = np.flatnonzero(skip.free())
    ni = roles.get("name")
    name_vals = np.asarray(_take(cols[ni], good).to_pylist(), dtype=object) if ni is not None \
        else np.full(len(good), None, dtype=object)
    inside = ((la[good] >= AREA_BBOX["lat_min"]) & (la[good] <= AREA_BBOX["lat_max"])
              & (lo[good] >= AREA_BBOX["lon_min"]) & (lo[good] <= AREA_BBOX["lon_max"]))
    result.points = pd.DataFrame({"row": lines[good].astype("int64"), "lat": la[good], "lon": lo[good],
                                  "name": pd.Series(name_vals, dtype=object),
                                  "region_code": pd.Series(_codes_of(region_codes, good), dtype=object),
                                  "in_area": inside})
    result.rows_used = int(len(good))
    result.number_formats = {names[roles["lat"]]: "decimal", names[roles["lon"]]: "decimal"}
    result.number_format = "decimal"
    if (~inside).any():
        result.warn("points_outside_area", count=int((~inside).sum()))
    result.suggested.update({"indicator": result.options.indicator or
                             _default_indicator(result, names, roles, "points", []),
                             "unit": "unit", "higher_is_better": None, "year": result.options.year
                             or _title_year(result.title_lines)})
    return []


def _codes_of(region_codes: tuple, rows: np.ndarray) -> np.ndarray:
    """The region code of each row (None where there is none), from (index per row, list of codes)."""
    table = np.asarray(list(region_codes[1]) + [None], dtype=object)
    idx = np.asarray(region_codes[0], dtype=np.int64)[rows]
    return table[np.where(idx >= 0, idx, len(table) - 1)]


# ---------------------------------------------------------------------------
# Points in polygons
# ---------------------------------------------------------------------------


@dataclass
class PointCounts:
    """Points counted per region: counts (code, count, zero for empty regions), outside points."""

    counts: pd.DataFrame
    outside: pd.DataFrame
    inside: int
    level: str | None

    def to_records(self, indicator: str, year: int | None) -> pd.DataFrame:
        c = self.counts
        period = str(year) if year else None
        return pd.DataFrame({"region_code": c["code"].astype("str"), "indicator": indicator,
                             "year": pd.array([year] * len(c), dtype="Int64"), "period": period,
                             "preliminary": False, "value": c["count"].astype("float64"),
                             "row": 0, "column": ""})


def count_points(points: pd.DataFrame, boundaries, level: str | None = None) -> PointCounts:
    """Count points (columns lat, lon) per polygon of ``boundaries`` (GeoDataFrame: code, geometry).

    A point on a shared border is counted once (the first polygon in code order). Points in no
    polygon are returned in ``outside``. ``level`` keeps only 4-digit (kabkota) or 7-digit
    (kecamatan) codes when the boundaries mix both.
    """
    import geopandas as gpd  # only when points are counted: importing it costs 0.6-1 s

    b = boundaries
    if b.crs is not None and b.crs.to_epsg() != 4326:
        b = b.to_crs(4326)
    b = b[["code", "geometry"]].copy()
    b["code"] = b["code"].astype(str)
    if level in LEVELS:
        b = b[b["code"].str.len() == (7 if level == "kecamatan" else 4)]
    b = b[b.geometry.notna() & ~b.geometry.is_empty].sort_values("code").reset_index(drop=True)
    pts = points.reset_index(drop=True)
    ok = np.isfinite(pts["lat"].astype(float)) & np.isfinite(pts["lon"].astype(float))
    gpts = gpd.GeoDataFrame(pts[ok], geometry=gpd.points_from_xy(pts.loc[ok, "lon"], pts.loc[ok, "lat"]),
                            crs=4326)
    joined = gpd.sjoin(gpts, b, how="left", predicate="intersects")
    joined = joined[~joined.index.duplicated(keep="first")]
    codes = joined["code"].reindex(pts.index)
    inside = codes.notna()
    counts = codes[inside].value_counts().reindex(b["code"], fill_value=0)
    counts_df = pd.DataFrame({"code": counts.index.astype(str), "count": counts.to_numpy().astype("int64")})
    outside = pts[~inside].copy()
    return PointCounts(counts=counts_df.reset_index(drop=True), outside=outside.reset_index(drop=True),
                       inside=int(inside.sum()), level=level)


# ---------------------------------------------------------------------------
# Points per kab/kota and kecamatan
# ---------------------------------------------------------------------------


@dataclass
class PointReport:
    """What counting the points of a points layout gave.

    basis: "boundaries" (point in polygon), "region_column" (the file's region column) or None
    (nothing to count with); counted: points counted per level; counts: per level a frame
    code, count (zeros included where the set of regions is known); outside: the points not
    counted (or counted by the region column although their coordinates lie outside the area),
    columns row, lat, lon, name, reason_key.
    """

    points: int
    basis: str | None
    counted: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    outside: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=OUTSIDE_COLUMNS))
    region_column: str | None = None


def cached_boundaries() -> dict:
    """{level: GeoDataFrame} of the cached boundaries (levels without a cache are absent)."""
    # imported here: jabodash.geo.boundaries costs 0.3-0.7 s at start-up (shapely, pyproj)
    from jabodash.geo import boundaries
    out = {}
    for level in LEVEL_DIGITS:
        try:
            bset = boundaries.load_cached(level)
        except Exception:  # a broken cache must not break the upload page
            bset = None
        if bset is not None and bset.gdf is not None and len(bset.gdf):
            out[level] = bset.gdf
    return out


def agglomeration_codes() -> list[str]:
    """The 15 kab/kota codes of the agglomeration (the regions a complete list counts zeros for)."""
    df = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str})
    return sorted(df.loc[df["in_agglomeration"].astype(str).str.lower() == "true", "code"])


def _outside(points: pd.DataFrame, mask: pd.Series, reason) -> pd.DataFrame:
    part = points[mask]
    reasons = list(reason[mask]) if isinstance(reason, pd.Series) else [reason] * len(part)
    return pd.DataFrame({"row": part["row"].astype("int64").to_numpy(), "lat": part["lat"].to_numpy(),
                         "lon": part["lon"].to_numpy(), "name": part["name"].astype(object).to_numpy(),
                         "reason_key": reasons}, columns=OUTSIDE_COLUMNS)


def count_point_regions(result: IngestResult, boundaries_by_level: dict | None,
                        region_codes: list[str] | None = None) -> PointReport:
    """Count the points of a points-layout result per kab/kota and per kecamatan.

    With cached boundaries (``{"kabkota": gdf, "kecamatan": gdf}``, either may be missing) each
    point is placed by point in polygon; without kab/kota boundaries the kab/kota counts are the
    sums of the kecamatan ones. Without boundaries, points that carry a region code (the file has
    a region column) are counted per that code, zeros for the other ``region_codes`` (default:
    the agglomeration). Otherwise nothing is counted (basis None).
    """
    pts = result.points if result.points is not None else pd.DataFrame(
        columns=["row", "lat", "lon", "name", "region_code", "in_area"])
    pts = pts.reset_index(drop=True)
    in_area = pts["in_area"].astype(bool) if "in_area" in pts else pd.Series(True, index=pts.index)
    bounds = {lv: g for lv, g in (boundaries_by_level or {}).items() if lv in LEVEL_DIGITS and g is not None}
    rep = PointReport(points=len(pts), basis=None, region_column=(result.roles or {}).get("region"))
    if bounds:
        rep.basis = "boundaries"
        found: dict[str, PointCounts] = {lv: count_points(pts, g, level=lv) for lv, g in bounds.items()}
        for lv, pc in found.items():
            rep.counts[lv] = pc.counts
            rep.counted[lv] = pc.inside
        if "kabkota" not in found:  # kab/kota from the kecamatan polygons
            kec = found["kecamatan"].counts
            rep.counts["kabkota"] = (kec.assign(code=kec["code"].str[:4]).groupby("code", as_index=False)["count"]
                                     .sum().astype({"count": "int64"}))
            rep.counted["kabkota"] = found["kecamatan"].inside
        primary = found["kabkota"] if "kabkota" in found else found["kecamatan"]
        mask = pts["row"].isin(set(primary.outside["row"]))
        rep.outside = _outside(pts, mask, in_area.map({True: "outside_polygons", False: "outside_area"}))
        return rep
    codes = pts["region_code"] if "region_code" in pts else pd.Series(None, index=pts.index, dtype=object)
    has = codes.notna() & (codes.astype(str) != "")
    if has.any():
        rep.basis = "region_column"
        codes = codes[has].astype(str)
        kab = codes.str[:4].value_counts()
        universe = sorted(set(region_codes if region_codes is not None else agglomeration_codes()) | set(kab.index))
        rep.counts["kabkota"] = pd.DataFrame({"code": universe, "count": kab.reindex(universe, fill_value=0)
                                              .to_numpy().astype("int64")})
        rep.counted["kabkota"] = int(has.sum())
        kec = codes[codes.str.len() == 7].value_counts().sort_index()
        if len(kec):
            rep.counts["kecamatan"] = pd.DataFrame({"code": kec.index.astype(str),
                                                    "count": kec.to_numpy().astype("int64")})
            rep.counted["kecamatan"] = int(kec.sum())
        rep.outside = _outside(pts, has & ~in_area, "coords_outside_area")
        return rep
    rep.outside = _outside(pts, ~in_area, "outside_area")
    return rep


def point_records(result: IngestResult, boundaries_by_level: dict | None, indicator: str, year,
                  region_codes: list[str] | None = None) -> tuple[pd.DataFrame, PointReport]:
    """The counts of a points layout as records (region_code 4-digit kab/kota and 7-digit
    kecamatan, value = number of points, zeros included) and the :class:`PointReport`.
    A count assumes the list is complete: a region without a point counts 0."""
    rep = count_point_regions(result, boundaries_by_level, region_codes)
    year = int(year) if year is not None and not pd.isna(year) else None
    frames = [PointCounts(counts=rep.counts[lv], outside=rep.outside, inside=rep.counted.get(lv, 0), level=lv)
              .to_records(str(indicator), year) for lv in LEVEL_DIGITS if lv in rep.counts]
    frames = [f for f in frames if len(f)]
    if not frames:
        return result.records.iloc[0:0].copy(), rep
    return pd.concat(frames, ignore_index=True), rep
