"""Where a geographic map writes its region labels: every region named, no two labels on each other.

A label (short name, value) goes inside its region when it fits there; otherwise it goes beside
the region, in the nearest free place, with a leader line to it (a "callout"): the five Jakarta
cities at metropolitan scale, Kepulauan Seribu's specks of islands. "Free" means: not on another
label, not on a region that has a callout (the small regions the reader must still see), and,
where possible, not on land at all (the sea north of Jakarta, the white around the map).

The placement works in the map's pixels: :class:`Frame` is the Mercator projection of the map's
frame fitted into its plot area, the fit Plotly's geo subplot makes for ``lonaxis``/``lataxis``
ranges (and that :func:`view_for_bounds` makes for MapLibre on the online OpenStreetMap background). Text sizes
are estimated from the character count (DejaVu Sans averages about 0.6 em a character).

Nothing here imports streamlit or plotly.
"""
from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

import numpy as np

CHAR_EM = 0.6          # average advance of a DejaVu Sans character, in em
CHAR_EM_BOLD = 0.68    # the same in bold
LINE_EM = 1.25         # line height, in em
PAD = 3.0              # px kept free around every label
DIRECTIONS = 24        # candidate directions around a region for its callout
INSIDE = 0.9           # share of a label's box that must lie in its region to be written there


def _merc(lat):
    lat = np.clip(np.asarray(lat, dtype=float), -85.0, 85.0)
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def _unmerc(y):
    return np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2)


@dataclass(frozen=True)
class Frame:
    """A Mercator frame: ``bounds`` (lon_min, lat_min, lon_max, lat_max) with the plot area's
    aspect, and ``k``, pixels per radian. Pixel y grows northwards."""

    bounds: tuple[float, float, float, float]
    k: float
    width: float
    height: float

    @classmethod
    def fit(cls, bounds: tuple[float, float, float, float], width: float, height: float) -> Frame:
        """``bounds`` grown along one axis to the plot area's aspect (so the map uses all of it
        and labels may go into the margins), and the scale that fits it there."""
        lon0, lat0, lon1, lat1 = (float(b) for b in bounds)
        x0, x1 = math.radians(lon0), math.radians(lon1)
        y0, y1 = float(_merc(lat0)), float(_merc(lat1))
        k = min(width / max(x1 - x0, 1e-9), height / max(y1 - y0, 1e-9))
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        hw, hh = width / k / 2, height / k / 2
        grown = (math.degrees(cx - hw), float(_unmerc(cy - hh)), math.degrees(cx + hw), float(_unmerc(cy + hh)))
        return cls(grown, k, float(width), float(height))

    def px(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        x = (np.radians(np.asarray(lon, dtype=float)) - math.radians(self.bounds[0])) * self.k
        y = (_merc(lat) - float(_merc(self.bounds[1]))) * self.k
        return x, y

    def lonlat(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        lon = np.degrees(np.asarray(x, dtype=float) / self.k + math.radians(self.bounds[0]))
        lat = _unmerc(np.asarray(y, dtype=float) / self.k + float(_merc(self.bounds[1])))
        return lon, lat


def _merc_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def view_for_bounds(bounds: tuple[float, float, float, float], width: int, height: int) -> tuple[dict, float]:
    """Centre and zoom that fit ``bounds`` into a map of width x height pixels (MapLibre: the
    world is 512 px wide at zoom 0)."""
    lon0, lat0, lon1, lat1 = bounds
    zx = math.log2(width * 360.0 / (512.0 * max(lon1 - lon0, 1e-6)))
    dy = abs(_merc_y(lat1) - _merc_y(lat0))
    zy = math.log2(height * 2 * math.pi / (512.0 * max(dy, 1e-9)))
    ym = (_merc_y(lat0) + _merc_y(lat1)) / 2
    lat_c = math.degrees(2 * math.atan(math.exp(ym)) - math.pi / 2)
    return {"lon": (lon0 + lon1) / 2, "lat": lat_c}, round(min(zx, zy) - 0.05, 2)


def text_box(lines: list[str], size: float, bold: bool = False) -> tuple[float, float]:
    """(width, height) in px of a label of ``lines`` (HTML as Plotly takes it) at font ``size``."""
    longest = max((len(html.unescape(re.sub(r"<[^>]+>", "", s))) for s in lines), default=0)
    return (CHAR_EM_BOLD if bold else CHAR_EM) * size * longest + 2, LINE_EM * size * max(len(lines), 1)


@dataclass(frozen=True)
class Item:
    """A region to label: its code, label point, geometry (shapely, lon/lat) and label box (px) as
    a callout writes it, and the boxes it may have inside its region (``inner``, tried in order:
    e.g. the name on one line, then wrapped)."""

    code: str
    lon: float
    lat: float
    geom: object
    width: float
    height: float
    inner: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Placed:
    """Where a label goes: its centre (lon, lat), whether it is inside its region, and the
    leader line (lon, lat) pairs from the region to the label's edge (callouts only)."""

    code: str
    lon: float
    lat: float
    inside: bool
    leader: tuple[tuple[float, float], tuple[float, float]] | None = None
    variant: int = 0            # which of the item's ``inner`` boxes, when inside


def _box(cx: float, cy: float, w: float, h: float, pad: float = 0.0):
    return (cx - w / 2 - pad, cy - h / 2 - pad, cx + w / 2 + pad, cy + h / 2 + pad)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


_PX: dict[tuple, object] = {}
_PLACED: dict[tuple, list] = {}
_MEMO_SIZE = 512


def _px_geom(frame: Frame, geom):
    """A shapely geometry in the frame's pixels, simplified to half a pixel (memoised: the map
    builders hand out the same prepared geometries on every rerun)."""
    import shapely
    key = (id(geom), geom.bounds, frame)
    hit = _PX.get(key)
    if hit is None:
        hit = shapely.transform(geom, lambda c: np.column_stack(frame.px(c[:, 0], c[:, 1]))).simplify(0.5)
        shapely.prepare(hit)
        if len(_PX) >= _MEMO_SIZE:
            _PX.clear()
        _PX[key] = hit
    return hit


def place(items: list[Item], frame: Frame) -> list[Placed]:
    """Labels for ``items``: inside where the box fits in its region (largest regions first,
    no overlap), the rest as callouts in the nearest free place (smallest regions first).
    Memoised by the items' codes, points, geometries and box sizes: a new year whose labels are
    as long as the last one's is placed in no time."""
    key = (frame, tuple((it.code, round(it.lon, 6), round(it.lat, 6), id(it.geom),
                         round(it.width), round(it.height), tuple((round(w), round(h)) for w, h in it.inner))
                        for it in items))
    hit = _PLACED.get(key)
    if hit is None:
        hit = _place(items, frame)
        if len(_PLACED) >= _MEMO_SIZE:
            _PLACED.clear()
        _PLACED[key] = hit
    return list(hit)


def _place(items: list[Item], frame: Frame) -> list[Placed]:
    px_geoms = [_px_geom(frame, it.geom) if it.geom is not None else None for it in items]
    anchors = [tuple(float(v) for v in frame.px(it.lon, it.lat)) for it in items]
    boxes: list[tuple] = []
    placed: dict[int, Placed] = {}
    order = sorted(range(len(items)), key=lambda i: -(px_geoms[i].area if px_geoms[i] is not None else 0.0))
    for i in order:
        it, (ax, ay) = items[i], anchors[i]
        for variant, (w, h) in enumerate(it.inner or ((it.width, it.height),)):
            spot = _inside_spot(w, h, ax, ay, px_geoms[i], boxes)
            if spot is not None:
                cx, cy = spot
                boxes.append(_box(cx, cy, w, h, PAD))
                lon, lat = frame.lonlat(cx, cy)
                placed[i] = Placed(it.code, float(lon), float(lat), True, variant=variant)
                break
    rest = [i for i in range(len(items)) if i not in placed]
    for i, (cx, cy, (x0, y0, x1, y1)) in _callouts(rest, items, anchors, px_geoms, boxes, frame).items():
        lon, lat = frame.lonlat(cx, cy)
        lons, lats = frame.lonlat([x0, x1], [y0, y1])
        placed[i] = Placed(items[i].code, float(lon), float(lat), False,
                           ((float(lons[0]), float(lats[0])), (float(lons[1]), float(lats[1]))))
    return [placed[i] for i in range(len(items))]


def _callouts(rest: list[int], items, anchors, px_geoms, boxes, frame: Frame) -> dict[int, tuple]:
    """Labels that fit nowhere inside: each beside its region, on its side of the group of such
    regions (west or east of their median), at a short leader's length where a free place is
    near (over a neighbour is fine: the label has a halo); the others along the land's edge on
    that side, each in the free row nearest its region's height. Returns {index: (cx, cy, (x0, y0, x1, y1) of the leader)}."""
    import shapely
    geoms = [g for g in px_geoms if g is not None]
    land = shapely.union_all(geoms) if geoms else shapely.Point()
    keep_clear = shapely.union_all([px_geoms[i] for i in rest if px_geoms[i] is not None] or [shapely.Point()])
    shapely.prepare(land)
    shapely.prepare(keep_clear)
    middle = float(np.median([anchors[i][0] for i in rest])) if rest else frame.width / 2
    out: dict[int, tuple] = {}
    leaders: list = []
    far: dict[str, list[int]] = {"west": [], "east": []}
    for i in sorted(rest, key=lambda i: -anchors[i][1]):   # north first
        side = "west" if anchors[i][0] < middle else "east"
        spot = _near_spot(items[i], *anchors[i], side, boxes, keep_clear, leaders, frame)
        if spot is None:
            far[side].append(i)
            continue
        cx, cy, line = spot
        boxes.append(_box(cx, cy, items[i].width, items[i].height, PAD))
        leaders.append(line)
        (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
        out[i] = (cx, cy, (x0, y0, x1, y1))
    for side, column in far.items():
        out.update(_column(column, side, items, anchors, boxes, land, frame))
    return out


def _near_spot(it: Item, ax: float, ay: float, side: str, boxes, keep_clear, leaders, frame: Frame):
    """(cx, cy, leader) of the nearest free place on ``side`` within a few label heights, off the
    labels so far, the regions with callouts and the other leaders; or None."""
    import shapely
    w, h = it.width, it.height
    step = max(h, 12.0)
    for ring in range(1, 4):
        dist = step * (0.6 + ring * 0.7)
        found = []
        for n in range(DIRECTIONS):
            a = 2 * math.pi * n / DIRECTIONS
            if (math.cos(a) > 0.3) if side == "west" else (math.cos(a) < -0.3):
                continue
            cx = ax + math.cos(a) * (dist + w / 2 * abs(math.cos(a)))
            cy = ay + math.sin(a) * (dist + h / 2 * abs(math.sin(a)))
            box = _box(cx, cy, w, h)
            if box[0] < 0 or box[1] < 0 or box[2] > frame.width or box[3] > frame.height:
                continue
            padded = _box(cx, cy, w, h, PAD)
            if any(_overlaps(padded, b) for b in boxes):
                continue
            rect = shapely.box(*padded)
            if keep_clear.intersects(rect):
                continue
            line = shapely.LineString([(ax, ay), (cx, cy)]).difference(rect)
            if line.is_empty or line.geom_type != "LineString" or any(line.intersects(o) for o in leaders):
                continue
            found.append((line.length, cx, cy, line))
        if found:
            _, cx, cy, line = min(found, key=lambda f: f[0])
            return cx, cy, line
    return None


def _column(column: list[int], side: str, items, anchors, boxes, land, frame: Frame) -> dict[int, tuple]:
    """The labels of ``column`` (north first) along the land's edge on ``side``: each in the free
    row nearest its region's height, beside the land in that row."""
    out: dict[int, tuple] = {}
    for i in column:
        it, (ax, ay) = items[i], anchors[i]
        w, h = it.width, it.height
        rows = sorted((ay + k * h / 3 for k in range(-60, 61)), key=lambda y: abs(y - ay))
        spot = None
        for cy in (y for y in rows if h / 2 <= y <= frame.height - h / 2):
            cx, end = _beside_land(ax, cy, w, h, side, land, frame)
            if not any(_overlaps(_box(cx, cy, w, h, PAD), b) for b in boxes):
                spot = (cx, cy, end)
                break
        if spot is None:   # no free row in the frame: at the region's height, over what is there
            cy = min(max(ay, h / 2), frame.height - h / 2)
            cx, end = _beside_land(ax, cy, w, h, side, land, frame)
            spot = (cx, cy, end)
        cx, cy, end = spot
        boxes.append(_box(cx, cy, w, h, PAD))
        out[i] = (cx, cy, (ax, ay, end[0], end[1]))
    return out


def _beside_land(ax: float, cy: float, w: float, h: float, side: str, land, frame: Frame):
    """(cx, leader end) of a label at height ``cy`` just off the land's edge on ``side`` (or off
    the anchor, where that is further out), kept inside the frame."""
    import shapely
    band = shapely.box(0, cy - h / 2, frame.width, cy + h / 2).intersection(land)
    lo, hi = (band.bounds[0], band.bounds[2]) if not band.is_empty else (ax, ax)
    gap = 2 * PAD
    if side == "west":
        cx = max(min(lo, ax) - gap - w / 2, w / 2)
        return cx, (cx + w / 2, cy)
    cx = min(max(hi, ax) + gap + w / 2, frame.width - w / 2)
    return cx, (cx - w / 2, cy)


def _inside_spot(w: float, h: float, ax: float, ay: float, geom, boxes) -> tuple[float, float] | None:
    """The centre nearest the label point where the label lies inside its region (at least
    ``INSIDE`` of its box: a letter may touch the border) and off the labels placed so far."""
    import shapely
    if geom is None or geom.is_empty:
        return None
    offsets = sorted(((dx * w / 4, dy * h / 2) for dx in range(-4, 5) for dy in range(-4, 5)),
                     key=lambda d: math.hypot(d[0], d[1]))
    for dx, dy in offsets:
        cx, cy = ax + dx, ay + dy
        box = _box(cx, cy, w, h)
        if any(_overlaps(box, b) for b in boxes):
            continue
        rect = shapely.box(*box)
        if geom.contains(rect) or geom.intersection(rect).area >= INSIDE * rect.area:
            return cx, cy
    return None
