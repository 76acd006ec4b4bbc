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

import functools
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
    def fit(cls, bounds: tuple[float, float, float, float], width: float, height: float,
            side: float = 0.0) -> Frame:
        """``bounds`` grown along one axis to the plot area's aspect (so the map uses all of it
        and labels may go into the margins), and the scale that fits it there with at least
        ``side`` px free on the left and on the right (the columns of callouts)."""
        lon0, lat0, lon1, lat1 = (float(b) for b in bounds)
        x0, x1 = math.radians(lon0), math.radians(lon1)
        y0, y1 = float(_merc(lat0)), float(_merc(lat1))
        k = min(max(width - 2 * side, width / 3) / max(x1 - x0, 1e-9), height / max(y1 - y0, 1e-9))
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
    longest = max((_chars(s) for s in lines), default=0)
    return (CHAR_EM_BOLD if bold else CHAR_EM) * size * longest + 2, LINE_EM * size * max(len(lines), 1)


@functools.lru_cache(maxsize=4096)
def _chars(text: str) -> int:
    """The characters a line of Plotly HTML shows (its tags left out, its entities one each)."""
    return len(html.unescape(re.sub(r"<[^>]+>", "", text)))


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
_LAND: dict[tuple, tuple] = {}      # ids of the pixel geometries -> (them, their union); and land minus one
_BANDS: dict[tuple, tuple] = {}     # (id of a land, band) -> (the land, its x extent in the band)
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


def _union(geoms: list):
    """The union of pixel geometries (prepared), memoised by their identity: a map's labels and
    legend ask for the same land many times."""
    import shapely
    geoms = sorted(geoms, key=id)   # one land whatever the order (a map's rows follow its values)
    key = ("union", *(id(g) for g in geoms))
    hit = _LAND.get(key)
    if hit is None:
        land = shapely.union_all(geoms) if geoms else shapely.Point()
        shapely.prepare(land)
        if len(_LAND) >= _MEMO_SIZE:
            _LAND.clear()
        hit = _LAND[key] = (list(geoms), land)   # the geometries kept alive: their ids stay valid
    return hit[1]


def _without(land, geom):
    """``land`` less one region (memoised like :func:`_union`): where a callout may not go."""
    import shapely
    key = ("without", id(land), id(geom))
    hit = _LAND.get(key)
    if hit is None:
        if len(_LAND) >= _MEMO_SIZE:
            _LAND.clear()
        less = land.difference(geom)
        shapely.prepare(less)   # tested against many boxes (:func:`_ring`)
        hit = _LAND[key] = ([land, geom], less)
    return hit[1]


def _band(land, y0: float, y1: float, width: float) -> tuple[float, float]:
    """The x extent of ``land`` between the heights ``y0`` and ``y1`` within the frame's ``width``
    (its middle when there is none), memoised like :func:`_union`: the columns of callouts try the
    same bands again and again."""
    import shapely
    key = (id(land), y0, y1, width)
    hit = _BANDS.get(key)
    if hit is None:
        band = shapely.clip_by_rect(land, 0, y0, width, y1)
        if len(_BANDS) >= 16 * _MEMO_SIZE:
            _BANDS.clear()
        hit = _BANDS[key] = (land, (band.bounds[0], band.bounds[2]) if not band.is_empty else (width / 2,) * 2)
    return hit[1]


def legend_box(geoms, frame: Frame, titles: list[str], entries: list[str], size: float) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1; px, y northwards) of a legend of ``titles`` and ``entries`` at
    font ``size`` in the corner of the frame that covers the least of ``geoms`` (the land): top
    right, top left, bottom left or bottom right, in that order when they tie (an atlas puts its
    key in the empty sea or margin). Plotly's legend rows are about 1.5 em high."""
    chars = max([len(re.sub(r"<[^>]+>", "", x)) for x in titles] + [len(x) + 4 for x in entries])
    w, h = 0.62 * size * chars + 24, 1.5 * size * (len(entries) + len(titles)) + 12
    land = _union([_px_geom(frame, g) for g in geoms if g is not None])
    fw, fh = frame.width, frame.height
    corners = [(fw - w, fh - h, fw, fh), (0, fh - h, w, fh), (0, 0, w, h), (fw - w, 0, fw, h)]
    return min(corners, key=lambda c: round(_covered(land, c) / 50))


_COVERED: dict[tuple, tuple] = {}


def _covered(land, box: tuple) -> float:
    """The area of ``land`` in ``box`` (px), memoised by the land's identity: a new year's legend
    of an earlier year's size lands on the same corners."""
    import shapely
    key = (id(land), box)
    hit = _COVERED.get(key)
    if hit is None or hit[0] is not land:
        if len(_COVERED) >= 4 * _MEMO_SIZE:
            _COVERED.clear()
        hit = _COVERED[key] = (land, land.intersection(shapely.box(*box)).area)   # the land kept: its id stays valid
    return hit[1]


def label_frame(names, box: tuple[float, float, float, float], fit: str, style, presenter: bool, h: int,
                width: int | None) -> Frame:
    """The frame (px) a map's labels are placed in: ``box`` in the plot area of an ``h`` px high
    figure (``style``: charts.peta's sizes; title above, three footer lines below; in presenter
    mode the margins presenter.views.presentify gives), with room beside the land for the
    columns of callouts as wide as the longest of ``names`` (not in the Jakarta close-up, where
    every label fits inside)."""
    names = [str(n) for n in names]
    side = 0.0
    if names and fit != "jakarta":
        side = 0.9 * text_box([max(names, key=len)], style.label, presenter)[0]
    if presenter:
        top, bottom = 122, 101
    else:
        top, bottom = style.title + style.subtitle + 40, 16 + style.footer_line * 3
    map_w = width - 100 if width else style.map_width
    return Frame.fit(box, max(map_w, 200), max(h - top - bottom, 200), side)


def place(items: list[Item], frame: Frame, reserved: tuple = ()) -> list[Placed]:
    """Labels for ``items``: inside where the box fits in its region (largest regions first,
    no overlap), the rest as callouts beside the land (:func:`_callouts`), all off the
    ``reserved`` boxes (px: the legend). Memoised by the items' codes, points, geometries and
    box sizes whatever their order (a map's rows follow its values; the placement itself goes by
    the regions' sizes and places): a new year whose labels and legend are as long as another's
    is placed in no time."""
    order = sorted(range(len(items)), key=lambda i: items[i].code)
    ranked = [items[i] for i in order]
    key = (frame, tuple(reserved), tuple((it.code, round(it.lon, 6), round(it.lat, 6), id(it.geom),
                         round(it.width), round(it.height), tuple((round(w), round(h)) for w, h in it.inner))
                        for it in ranked))
    hit = _PLACED.get(key)
    if hit is None:
        hit = _place(ranked, frame, list(reserved))
        if len(_PLACED) >= _MEMO_SIZE:
            _PLACED.clear()
        _PLACED[key] = hit
    out: list = [None] * len(items)
    for i, placed in zip(order, hit):
        out[i] = placed
    return out


def _place(items: list[Item], frame: Frame, reserved: list) -> list[Placed]:
    """Inside labels, then callouts; an inside label a leader still runs through (its region had
    no other room) becomes a callout itself, and the whole is placed again (a few times at most)."""
    px_geoms = [_px_geom(frame, it.geom) if it.geom is not None else None for it in items]
    anchors = [tuple(float(v) for v in frame.px(it.lon, it.lat)) for it in items]
    outside: set[int] = set()
    for _ in range(4):
        placed, crossed = _place_once(items, frame, reserved, px_geoms, anchors, outside)
        if not crossed:
            break
        outside |= crossed
    return [placed[i] for i in range(len(items))]


class _Reserved(tuple):
    """A box no label may cover (the legend): a column of callouts pays :data:`RESERVED_COST` for
    each label or leader over it, one over land or another label pays 1 (so a column over the
    land's edge beats one over the legend)."""


RESERVED_COST = 100


def _place_once(items, frame: Frame, reserved: list, px_geoms, anchors, outside: set) -> tuple[dict, set]:
    boxes: list[tuple] = [_Reserved(b) for b in reserved]
    placed: dict[int, Placed] = {}
    own: dict[int, int] = {}     # an inside label's box in boxes
    order = sorted(range(len(items)), key=lambda i: -(px_geoms[i].area if px_geoms[i] is not None else 0.0))
    for i in (i for i in order if i not in outside):
        it, (ax, ay) = items[i], anchors[i]
        for variant, (w, h) in enumerate(it.inner or ((it.width, it.height),)):
            spot = _inside_spot(w, h, ax, ay, px_geoms[i], boxes, points=anchors[:i] + anchors[i + 1:])
            if spot is not None:
                cx, cy = spot
                own[i] = len(boxes)
                boxes.append(_box(cx, cy, w, h, PAD))
                lon, lat = frame.lonlat(cx, cy)
                placed[i] = Placed(it.code, float(lon), float(lat), True, variant=variant)
                break
    rest = [i for i in range(len(items)) if i not in placed]
    callouts = _callouts(rest, items, anchors, px_geoms, boxes, frame)
    crossed = _off_leaders(placed, own, callouts, items, anchors, px_geoms, boxes, frame)
    for i, (cx, cy, (x0, y0, x1, y1)) in callouts.items():
        lon, lat = frame.lonlat(cx, cy)
        lons, lats = frame.lonlat([x0, x1], [y0, y1])
        placed[i] = Placed(items[i].code, float(lon), float(lat), False,
                           ((float(lons[0]), float(lats[0])), (float(lons[1]), float(lats[1]))))
    return placed, crossed


def _off_leaders(placed: dict, own: dict, callouts: dict, items, anchors, px_geoms, boxes, frame: Frame) -> set:
    """An inside label a leader runs through moves, where its region has room, off every leader.
    Returns the labels that found no such room."""
    import shapely
    lines = [shapely.LineString([v[2][:2], v[2][2:]]) for v in callouts.values()]
    crossed = set()
    for i in list(placed):
        it = items[i]
        if not any(ln.intersects(shapely.box(*boxes[own[i]])) for ln in lines):
            continue
        crossed.add(i)
        others = [b for n, b in enumerate(boxes) if n != own[i]]
        for variant, (w, h) in enumerate(it.inner or ((it.width, it.height),)):   # one line, then wrapped
            spot = _inside_spot(w, h, *anchors[i], px_geoms[i], others, lines, anchors[:i] + anchors[i + 1:], 12)
            if spot is not None:
                boxes[own[i]] = _box(*spot, w, h, PAD)
                lon, lat = frame.lonlat(*spot)
                placed[i] = Placed(it.code, float(lon), float(lat), True, variant=variant)
                crossed.discard(i)
                break
    return crossed


def _callouts(rest: list[int], items, anchors, px_geoms, boxes, frame: Frame,
              obstacles=()) -> dict[int, tuple]:
    """Labels that fit nowhere inside: first those with a free place off the land close by (the
    sea beside an island or a coast), then the others in a column on each side of the land, one
    label under the other, each leader to its own row, the rows assigned so that the leaders are
    shortest in total (so no two of them cross), the column's height chosen so that no leader
    runs through a label. Returns {index: (cx, cy, (x0, y0, x1, y1) of the leader)}."""
    land = _union([g for g in px_geoms if g is not None])
    base = list(boxes)
    near = sorted(rest, key=lambda i: -anchors[i][1])   # north first
    far: list[int] = []
    for _ in range(len(rest) + 1):   # the columns first, then the near places; a region with none joins the columns
        boxes[:] = base
        out: dict[int, tuple] = {}
        leaders: list = []
        if far:
            _columns(far, items, anchors, boxes, land, leaders, frame, out)
        failed = []
        for i in near:
            others = _without(land, px_geoms[i]) if px_geoms[i] is not None else land   # over its own islands is fine
            spot = _near_spot(items[i], *anchors[i], boxes, others, leaders, frame)
            if spot is None:
                failed.append(i)
                continue
            cx, cy, line = spot
            boxes.append(_box(cx, cy, items[i].width, items[i].height, PAD))
            leaders.append(line)
            (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
            out[i] = (cx, cy, (x0, y0, x1, y1))
        if not failed:
            return out
        far += failed
        near = [i for i in near if i not in failed]
    for i in failed:   # nowhere free: at the region, over what is there
        out[i] = (*anchors[i], (*anchors[i], *anchors[i]))
    return out


def _columns(far: list[int], items, anchors, boxes, land, leaders, frame: Frame, out: dict) -> None:
    """The regions of ``far`` in two columns, west and east of the land's middle."""
    import shapely
    lx0, _, lx1, _ = land.bounds if not land.is_empty else (0, 0, frame.width, 0)
    by_x = sorted(far, key=lambda i: anchors[i][0])
    # west of the land's middle to the west column, east to the east; a side with more than
    # half and one more gives its innermost labels to the other
    west = [i for i in by_x if anchors[i][0] < (lx0 + lx1) / 2]
    east = [i for i in by_x if i not in west]
    while len(west) > len(east) + 1:
        east.insert(0, west.pop())
    while len(east) > len(west) + 1:
        west.append(east.pop(0))
    for side, column in (("west", west), ("east", east)):
        if column:
            for i, (cx, cy, line) in _column(column, side, items, anchors, boxes, land, leaders, frame).items():
                boxes.append(_box(cx, cy, items[i].width, items[i].height, PAD))
                leaders.append(shapely.LineString([line[:2], line[2:]]))
                out[i] = (cx, cy, line)


@functools.lru_cache(maxsize=1)
def _directions() -> tuple[np.ndarray, np.ndarray]:
    """cos and sin of the candidate directions of a callout around its region."""
    angles = [2 * math.pi * n / DIRECTIONS for n in range(DIRECTIONS)]
    return np.array([math.cos(a) for a in angles]), np.array([math.sin(a) for a in angles])


def _near_spot(it: Item, ax: float, ay: float, boxes, land, leaders, frame: Frame):
    """(cx, cy, leader) of the nearest place within about two label heights where the label lies
    off the land, off the labels so far and off the other leaders; or None. A ring's directions are
    tested together (shapely's array functions); what does not depend on the labels and leaders
    placed so far (the frame, the land, the leaders' lines) is kept per ring (:func:`_ring`)."""
    import shapely
    w, h = it.width, it.height
    for ring in range(1, 4):
        cx, cy, idx, lines, lengths = _ring(w, h, ax, ay, ring, land, frame)
        if not len(idx):
            continue
        x0, y0, x1, y1 = cx[idx] - w / 2, cy[idx] - h / 2, cx[idx] + w / 2, cy[idx] + h / 2
        ok = ~_hits(x0 - PAD, y0 - PAD, x1 + PAD, y1 + PAD, boxes)
        ext = shapely.bounds(lines)
        if len(boxes):
            b = np.asarray(boxes, dtype=float).reshape(-1, 4)
            ok &= _meeting(lines, ext, shapely.box(*b.T), b) == 0
        if leaders:
            others = np.asarray(leaders, dtype=object)
            ok &= _meeting(lines, ext, others, shapely.bounds(others)) == 0
        if ok.any():
            n = np.flatnonzero(ok)[int(np.argmin(lengths[ok]))]   # the shortest, the first of equal ones
            return float(cx[idx[n]]), float(cy[idx[n]]), lines[n]
    return None


_RINGS: dict[tuple, tuple] = {}


def _ring(w: float, h: float, ax: float, ay: float, ring: int, land, frame: Frame) -> tuple:
    """The candidate centres (cx, cy) of a ``w`` x ``h`` callout on ``ring`` around (``ax``, ``ay``),
    the indices of those inside the frame and off ``land`` (with ``PAD`` around) whose leader from the
    point to the label's edge is one line, those leaders and their lengths: kept per region, size and
    land (a new year's callouts of an earlier year's sizes are only checked against each other)."""
    import shapely
    key = (id(land), w, h, ax, ay, ring, frame)
    hit = _RINGS.get(key)
    if hit is not None and hit[0] is land:
        return hit[1]
    cos, sin = _directions()
    dist = max(h, 12.0) * (0.3 + ring * 0.5)
    cx = ax + cos * (dist + w / 2 * np.abs(cos))
    cy = ay + sin * (dist + h / 2 * np.abs(sin))
    x0, y0, x1, y1 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
    idx = np.flatnonzero(~((x0 < 0) | (y0 < 0) | (x1 > frame.width) | (y1 > frame.height)))
    rects = shapely.box(x0[idx] - PAD, y0[idx] - PAD, x1[idx] + PAD, y1[idx] + PAD)
    off = ~shapely.intersects(land, rects)
    idx, rects = idx[off], rects[off]
    lines = shapely.difference(shapely.linestrings(np.stack([np.stack([np.full(len(idx), ax), np.full(len(idx), ay)], -1),
                                                             np.stack([cx[idx], cy[idx]], -1)], axis=1)), rects)
    one = ~shapely.is_empty(lines) & (shapely.get_type_id(lines) == shapely.GeometryType.LINESTRING)
    made = (cx, cy, idx[one], lines[one], shapely.length(lines[one]))
    if len(_RINGS) >= 8 * _MEMO_SIZE:
        _RINGS.clear()
    _RINGS[key] = (land, made)   # the land kept alive: its id stays valid
    return made


SHIFTS = tuple(sorted(range(-30, 31), key=abs))   # a column's heights, in half rows around its regions' mean


def _column(column: list[int], side: str, items, anchors, boxes, land, leaders, frame: Frame) -> dict[int, tuple]:
    """The labels of ``column`` one under the other beside the land on ``side``. For each height
    of the column (around its regions' mean height, nearest first) the rows go to the regions so
    that the leaders are shortest in total (no two of them then cross); the height kept is the one
    whose labels and leaders meet the fewest labels, leaders and land, then the shortest; once one
    meets nothing, the heights more than eight half rows away are not tried. The heights are
    measured together, the nearest eighteen first (:func:`_heights`)."""
    best = None
    for part in (SHIFTS[:18], SHIFTS[18:]):
        made = _heights(part, column, side, items, anchors, boxes, land, leaders, frame)
        for s, (shift, cost, length) in enumerate(zip(part, made[0].tolist(), made[1])):
            if best is None or (cost, length) < best[:2]:
                best = (cost, length, made, s)
            if best[0] == 0 and abs(shift) > 8:
                return _rows(best[2], best[3], column, anchors)
    return _rows(best[2], best[3], column, anchors)


def _rows(made: tuple, s: int, column: list[int], anchors) -> dict[int, tuple]:
    """{label: (cx, cy, leader)} of the column at the ``s``-th height of :func:`_heights`."""
    _, _, cx, rows, ex, orders = made
    return {column[k]: (float(cx[s, r]), float(rows[s, r]), (*anchors[column[k]], float(ex[s, r]), float(rows[s, r])))
            for r, k in enumerate(orders[s])}


def _heights(shifts, column: list[int], side: str, items, anchors, boxes, land, leaders, frame: Frame) -> tuple:
    """The column at each of ``shifts``, computed together (NumPy and shapely's array functions, the
    same arithmetic as one height at a time): per shift the crossings and the leaders' total length,
    and per shift and row the label's centre (cx, the row's y), its leader's end x and the label in
    that row (an index into ``column``)."""
    import shapely
    n = len(column)
    row = max(items[i].height for i in column) + 2 * PAD
    total = row * n
    mean_y = float(np.mean([anchors[i][1] for i in column]))
    pts = np.array([anchors[i] for i in column])
    perms = _permutations(n) if n <= 7 else np.array([sorted(range(n), key=lambda k: -pts[k][1])])
    widths = np.array([items[i].width for i in column])
    heights = np.array([items[i].height for i in column])
    tops, edges = [], []
    for shift in shifts:
        top = min(max(mean_y + total / 2 + shift * row / 2, total), frame.height)
        lo, hi = _band(land, top - total, top, frame.width)
        tops.append(top)
        edges.append(lo - 2 * PAD if side == "west" else hi + 2 * PAD)
    tops, edges = np.array(tops), np.array(edges)[:, None]
    rows = (tops - row / 2)[:, None] - row * np.arange(n)[None, :]                  # (shifts, rows)
    cxs = np.clip(edges - widths / 2 if side == "west" else edges + widths / 2, widths / 2, frame.width - widths / 2)
    ends_x = cxs + widths / 2 if side == "west" else cxs - widths / 2               # (shifts, labels)
    # dist[s, k, r]: the leader of label k ending at row r
    dist = np.hypot(pts[None, :, :1] - ends_x[:, :, None], pts[None, :, 1:] - rows[:, None, :])
    if n <= 7:
        orders = perms[np.argmin(dist[:, perms, np.arange(n)[None, :]].sum(axis=2), axis=1)]
    else:
        orders = np.repeat(perms[:1], len(shifts), axis=0)
    # orders[s, r]: the label (index into column) in row r
    ex = np.take_along_axis(ends_x, orders, axis=1)
    ax, ay = pts[orders, 0], pts[orders, 1]
    lines = shapely.linestrings(np.stack([np.stack([ax, ay], -1), np.stack([ex, rows], -1)], axis=2).reshape(-1, 2, 2))
    cx, w, h = np.take_along_axis(cxs, orders, axis=1), widths[orders], heights[orders]
    rects = np.stack([cx - w / 2 - PAD, rows - h / 2 - PAD, cx + w / 2 + PAD, rows + h / 2 + PAD], -1).reshape(-1, 4)
    costs = _crossings(rects, lines, boxes, land, leaders).reshape(len(shifts), n).sum(axis=1)
    lengths = [float(sum(x)) for x in shapely.length(lines).reshape(len(shifts), n).tolist()]
    return costs, lengths, cx, rows, ex, orders


@functools.lru_cache(maxsize=8)
def _permutations(n: int) -> np.ndarray:
    """Every order of n rows (itertools' order), read only."""
    import itertools
    perms = np.array(list(itertools.permutations(range(n))))
    perms.flags.writeable = False
    return perms


def _crossings(rects: np.ndarray, lines: np.ndarray, boxes: list, land, leaders: list) -> np.ndarray:
    """Per label, how often it (``rects``, px boxes) and its leader (``lines``) meet the ``boxes``
    placed so far, the other ``leaders`` and the ``land``: each pair counted once. A leader is
    tested against a box or another leader only where their bounding boxes meet."""
    import shapely
    count = shapely.intersects(land, shapely.box(*rects.T)).astype(int)
    ext = shapely.bounds(lines)
    if len(boxes):
        b = np.asarray(boxes, dtype=float).reshape(-1, 4)
        weight = np.array([RESERVED_COST if isinstance(x, _Reserved) else 1 for x in boxes])
        count += (((rects[:, None, 0] < b[:, 2]) & (b[:, 0] < rects[:, None, 2])
                   & (rects[:, None, 1] < b[:, 3]) & (b[:, 1] < rects[:, None, 3])) * weight).sum(axis=1)
        count += _meeting(lines, ext, shapely.box(*b.T), b, weight)
    if leaders:
        others = np.asarray(leaders, dtype=object)
        count += _meeting(lines, ext, others, shapely.bounds(others))
    return count


def _meeting(lines: np.ndarray, ext: np.ndarray, geoms: np.ndarray, gext: np.ndarray,
             weight: np.ndarray | None = None) -> np.ndarray:
    """Per line, how many of ``geoms`` it meets (``ext``, ``gext``: their bounding boxes), each
    counted ``weight`` times (default once)."""
    import shapely
    near = ((ext[:, None, 0] <= gext[:, 2]) & (gext[:, 0] <= ext[:, None, 2])
            & (ext[:, None, 1] <= gext[:, 3]) & (gext[:, 1] <= ext[:, None, 3]))
    li, gi = np.nonzero(near)
    hit = shapely.intersects(lines[li], geoms[gi])
    return np.bincount(li[hit], weights=None if weight is None else weight[gi[hit]],
                       minlength=len(lines)).astype(int)


@functools.lru_cache(maxsize=512)
def _offsets(w: float, h: float, reach: int) -> tuple[np.ndarray, np.ndarray]:
    """A label centre's candidate offsets from its point (quarter widths, half heights), nearest first."""
    offsets = sorted(((dx * w / 4, dy * h / 2) for dx in range(-reach, reach + 1) for dy in range(-reach, reach + 1)),
                     key=lambda d: math.hypot(d[0], d[1]))
    both = np.array(offsets, dtype=float)
    return both[:, 0], both[:, 1]


def _hits(x0, y0, x1, y1, boxes) -> np.ndarray:
    """Per candidate box (arrays of its sides): does it overlap any of ``boxes`` (as :func:`_overlaps`)."""
    if not len(boxes):
        return np.zeros(len(x0), dtype=bool)
    b = np.asarray(boxes, dtype=float).reshape(-1, 4)
    return ((x0[:, None] < b[:, 2]) & (b[:, 0] < x1[:, None]) & (y0[:, None] < b[:, 3]) & (b[:, 1] < y1[:, None])).any(1)


def _inside_spot(w: float, h: float, ax: float, ay: float, geom, boxes, lines=(),
                 points=(), reach: int = 8) -> tuple[float, float] | None:
    """The centre nearest the label point where the label lies inside its region (at least
    ``INSIDE`` of its box: a letter may touch the border) and off the labels placed so far, off
    other regions' label points (an enclave: Kota Bogor in Kab. Bogor) and off ``lines``. The
    candidates are tested together (shapely's array functions); only those that pass the cheap
    tests and overlap the region without lying in it are measured, nearest first."""
    import shapely
    if geom is None or geom.is_empty:
        return None
    spots = _spots(geom, w, h, ax, ay, reach)
    cx, cy, (x0, y0, x1, y1), known = spots.cx, spots.cy, spots.box, spots.known
    free = ~_hits(x0, y0, x1, y1, boxes)
    if len(points):
        free &= spots.off(tuple(map(tuple, points)))
    idx = np.flatnonzero(free)
    if lines and len(idx):
        padded = shapely.box(x0[idx] - PAD, y0[idx] - PAD, x1[idx] + PAD, y1[idx] + PAD)
        idx = idx[~shapely.intersects(np.asarray(lines, dtype=object)[:, None], padded[None, :]).any(0)]
    start, size = 0, 16   # nearest first, in growing batches: a label that fits usually fits close by
    while start < len(idx):
        batch = idx[start:start + size]
        todo = batch[known[batch] == UNKNOWN]
        if len(todo):
            known[todo] = _overlap(geom, x0[todo], y0[todo], x1[todo], y1[todo])
        for i in batch[known[batch] != OUT].tolist():   # inside, or over its border: measured when reached
            if known[i] == BORDER:
                known[i] = IN if shapely.clip_by_rect(geom, x0[i], y0[i], x1[i], y1[i]).area \
                    >= INSIDE * shapely.box(x0[i], y0[i], x1[i], y1[i]).area else OUT
            if known[i] == IN:
                return float(cx[i]), float(cy[i])
        start, size = start + size, size * 4
    return None


UNKNOWN, OUT, IN, BORDER = -1, 0, 1, 2   # a candidate box and its region (:class:`_Spots`)


class _Spots:
    """The candidate centres (cx, cy) of a ``w`` x ``h`` label around (``ax``, ``ay``) (:func:`_offsets`),
    their boxes, and per candidate (``known``) IN when the label lies in ``geom`` (at least ``INSIDE``
    of its box: a letter may touch the border), OUT when not, BORDER when it overlaps the border (its
    share inside not measured yet), UNKNOWN before it is tested; :meth:`off`: which lie off a set of
    label points. Kept (and filled in as candidates are tested) per region, point and label size:
    none of it depends on the other labels, so a new year's labels of the sizes of an earlier year's
    are not measured again, only checked against each other."""

    def __init__(self, geom, w: float, h: float, ax: float, ay: float, reach: int):
        dx, dy = _offsets(w, h, reach)
        self.geom = geom   # kept: its id stays valid
        self.cx, self.cy = ax + dx, ay + dy
        self.box = (self.cx - w / 2, self.cy - h / 2, self.cx + w / 2, self.cy + h / 2)
        self.known = np.full(len(dx), UNKNOWN, dtype=np.int8)
        self._off: dict[tuple, np.ndarray] = {}

    def off(self, points: tuple) -> np.ndarray:
        """Per candidate: its box (with ``PAD`` around) holds none of ``points``."""
        hit = self._off.get(points)
        if hit is None:
            x0, y0, x1, y1 = self.box
            p = np.asarray(points, dtype=float).reshape(-1, 2)
            hit = ~((x0[:, None] - PAD <= p[:, 0]) & (p[:, 0] <= x1[:, None] + PAD)
                    & (y0[:, None] - PAD <= p[:, 1]) & (p[:, 1] <= y1[:, None] + PAD)).any(1)
            if len(self._off) >= 8:
                self._off.clear()
            self._off[points] = hit
        return hit


_SPOTS: dict[tuple, _Spots] = {}


def _spots(geom, w: float, h: float, ax: float, ay: float, reach: int) -> _Spots:
    key = (id(geom), w, h, ax, ay, reach)
    hit = _SPOTS.get(key)
    if hit is None or hit.geom is not geom:
        if len(_SPOTS) >= 8 * _MEMO_SIZE:
            _SPOTS.clear()
        hit = _SPOTS[key] = _Spots(geom, w, h, ax, ay, reach)
    return hit


def _overlap(geom, x0, y0, x1, y1) -> np.ndarray:
    """IN, BORDER or OUT per box (tested together)."""
    import shapely
    rects = shapely.box(x0, y0, x1, y1)
    inside, touching = shapely.contains(geom, rects), shapely.intersects(geom, rects)
    return np.where(inside, IN, np.where(touching, BORDER, OUT)).astype(np.int8)
