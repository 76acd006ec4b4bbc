"""Label placement of geographic maps (jabodash.charts.maplabels): every region named, no two
labels on each other, inside a region when the label fits there, else beside it with a leader."""
from __future__ import annotations

import itertools
import math

import pytest
import shapely

from jabodash.charts import maplabels


def _frame():
    return maplabels.Frame.fit((106.0, -7.0, 107.0, -6.0), 600, 600)


def _box_of(frame, placed, item):
    x, y = frame.px(placed.lon, placed.lat)
    w, h = item.inner[placed.variant] if placed.inside and item.inner else (item.width, item.height)
    return (float(x) - w / 2, float(y) - h / 2, float(x) + w / 2, float(y) + h / 2)


def _items(frame):
    """One large square (its label fits) and a cluster of six tiny squares (none fits)."""
    big = shapely.box(106.1, -6.9, 106.6, -6.4)
    items = [maplabels.Item("big", 106.35, -6.65, big, *maplabels.text_box(["Kab. Besar", "1.234"], 15),
                            (maplabels.text_box(["Kab. Besar", "1.234"], 15),))]
    for n, (i, j) in enumerate(itertools.product(range(3), range(2))):
        lon, lat = 106.70 + 0.02 * i, -6.30 + 0.02 * j
        geom = shapely.box(lon - 0.009, lat - 0.009, lon + 0.009, lat + 0.009)
        w, h = maplabels.text_box([f"Kota Kecil {n}", "12,5"], 15)
        items.append(maplabels.Item(f"k{n}", lon, lat, geom, w, h, ((w, h),)))
    return items


def test_frame_grows_to_the_plot_area_and_maps_back():
    frame = maplabels.Frame.fit((106.0, -7.0, 107.0, -6.0), 800, 400)
    lon0, lat0, lon1, lat1 = frame.bounds
    assert lon1 - lon0 > 1.9 and lat0 == pytest.approx(-7.0, abs=1e-6) and lat1 == pytest.approx(-6.0, abs=1e-6)
    x, y = frame.px([lon0, lon1], [lat0, lat1])
    assert list(x) == pytest.approx([0, 800], abs=1e-6) and list(y) == pytest.approx([0, 400], abs=1e-6)
    lon, lat = frame.lonlat(400, 200)
    assert float(lon) == pytest.approx(106.5) and -6.51 < float(lat) < -6.49


def test_every_region_labelled_inside_or_beside_without_overlap():
    frame = _frame()
    items = _items(frame)
    placed = maplabels.place(items, frame)
    assert [p.code for p in placed] == [it.code for it in items]
    big = placed[0]
    assert big.inside and big.leader is None
    assert items[0].geom.contains(shapely.Point(big.lon, big.lat))
    small = placed[1:]
    assert all(not p.inside and p.leader for p in small)
    boxes = [_box_of(frame, p, it) for p, it in zip(placed, items)]
    for a, b in itertools.combinations(boxes, 2):
        assert not maplabels._overlaps(a, b), (a, b)
    for p, it in zip(small, items[1:]):
        start, end = p.leader
        assert start == pytest.approx((it.lon, it.lat), abs=1e-6)    # from the region ...
        label = shapely.box(*_box_of(frame, p, it)).buffer(maplabels.PAD + 1)
        assert label.contains(shapely.Point(*frame.px(*end)))        # ... to the label's edge
        # a callout never covers one of the small regions it must leave visible
        for other in items[1:]:
            px = shapely.box(*(float(v) for v in (*frame.px(other.geom.bounds[0], other.geom.bounds[1]),
                                                   *frame.px(other.geom.bounds[2], other.geom.bounds[3]))))
            assert not shapely.box(*_box_of(frame, p, it)).intersects(px)
    # the frame holds every label
    for x0, y0, x1, y1 in boxes:
        assert x0 >= -1 and y0 >= -1 and x1 <= frame.width + 1 and y1 <= frame.height + 1


def test_placement_is_memoised_and_a_wrapped_name_is_tried_inside():
    frame = _frame()
    items = _items(frame)
    assert maplabels.place(items, frame) == maplabels.place(list(items), frame)
    # a region too narrow for the one-line name but wide enough for the name on two lines
    geom = shapely.box(106.2, -6.8, 106.35, -6.6)
    one = maplabels.text_box(["Kabupaten Sempit", "3,5"], 15)
    two = maplabels.text_box(["Kabupaten", "Sempit", "3,5"], 15)
    got = maplabels.place([maplabels.Item("n", 106.275, -6.7, geom, *one, (one, two))], frame)[0]
    assert got.inside and got.variant == 1


def test_text_box_reads_plotly_html():
    assert maplabels.text_box(["<b>Depok</b>", "1.234"], 10) == maplabels.text_box(["Depok", "1.234"], 10)
    assert maplabels.text_box(["A &amp; B"], 10)[0] == maplabels.text_box(["A & B"], 10)[0]
    assert maplabels.text_box(["Depok"], 10, bold=True)[0] > maplabels.text_box(["Depok"], 10)[0]


# The candidate spots are tested together (shapely's array functions): they must be the ones a
# plain loop over the candidates, nearest first, finds. These loops are the rules written out.

def _inside_loop(w, h, ax, ay, geom, boxes, lines=(), points=(), reach=8):
    offsets = sorted(((dx * w / 4, dy * h / 2) for dx in range(-reach, reach + 1) for dy in range(-reach, reach + 1)),
                     key=lambda d: (d[0] ** 2 + d[1] ** 2) ** 0.5)
    for dx, dy in offsets:
        cx, cy = ax + dx, ay + dy
        box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        padded = shapely.box(*(v + s * maplabels.PAD for v, s in zip(box, (-1, -1, 1, 1))))
        rect = shapely.box(*box)
        if any(maplabels._overlaps(box, b) for b in boxes) or any(ln.intersects(padded) for ln in lines) \
                or any(shapely.Point(p).intersects(padded) for p in points):
            continue
        if geom.intersection(rect).area >= maplabels.INSIDE * rect.area:
            return cx, cy
    return None


def _near_loop(it, ax, ay, boxes, land, leaders, frame):
    import math
    step = max(it.height, 12.0)
    for ring in range(1, 4):
        dist, found = step * (0.3 + ring * 0.5), []
        for n in range(maplabels.DIRECTIONS):
            a = 2 * math.pi * n / maplabels.DIRECTIONS
            cx = ax + math.cos(a) * (dist + it.width / 2 * abs(math.cos(a)))
            cy = ay + math.sin(a) * (dist + it.height / 2 * abs(math.sin(a)))
            box = (cx - it.width / 2, cy - it.height / 2, cx + it.width / 2, cy + it.height / 2)
            padded = (box[0] - maplabels.PAD, box[1] - maplabels.PAD, box[2] + maplabels.PAD, box[3] + maplabels.PAD)
            if box[0] < 0 or box[1] < 0 or box[2] > frame.width or box[3] > frame.height \
                    or any(maplabels._overlaps(padded, b) for b in boxes) or land.intersects(shapely.box(*padded)):
                continue
            line = shapely.LineString([(ax, ay), (cx, cy)]).difference(shapely.box(*padded))
            if line.geom_type == "LineString" and not line.is_empty and not any(line.intersects(o) for o in leaders) \
                    and not any(line.intersects(shapely.box(*b)) for b in boxes):
                found.append((line.length, cx, cy))
        if found:
            return min(found, key=lambda f: f[0])[1:]   # the first of equal lengths
    return None


def test_candidate_spots_are_the_nearest_that_pass_every_rule():
    import random
    rng = random.Random(7)
    frame = maplabels.Frame.fit((0.0, 0.0, 1.0, 1.0), 400, 400)
    checked = {"inside": 0, "near": 0}
    for _ in range(60):
        # a ragged region (a star) and, around it, other labels, label points and leader lines
        cx, cy, r = rng.uniform(120, 280), rng.uniform(120, 280), rng.uniform(30, 90)
        star = shapely.Polygon([(cx + (r if k % 2 else r / 2.2) * math.cos(k * math.pi / 7),
                                 cy + (r if k % 2 else r / 2.2) * math.sin(k * math.pi / 7)) for k in range(14)])
        shapely.prepare(star)
        boxes = [(x, y, x + rng.uniform(10, 60), y + rng.uniform(6, 20))
                 for x, y in ((rng.uniform(0, 380), rng.uniform(0, 380)) for _ in range(rng.randint(0, 6)))]
        points = [(rng.uniform(cx - 40, cx + 40), rng.uniform(cy - 15, cy + 15)) for _ in range(rng.randint(0, 3))]
        lines = [shapely.LineString([(rng.uniform(0, 400), rng.uniform(0, 400)) for _ in range(2)])
                 for _ in range(rng.randint(0, 3))]
        w, h = rng.uniform(20, 90), rng.uniform(10, 30)
        want = _inside_loop(w, h, cx, cy, star, boxes, lines, points)
        assert maplabels._inside_spot(w, h, cx, cy, star, boxes, lines, points) == want
        checked["inside"] += want is not None
        item = maplabels.Item("x", 0.0, 0.0, None, w, h)
        land = shapely.union_all([star, shapely.box(0, 0, 60, 400)])
        shapely.prepare(land)
        want = _near_loop(item, cx + r, cy, boxes, land, lines, frame)
        got = maplabels._near_spot(item, cx + r, cy, boxes, land, lines, frame)
        assert (got and got[:2]) == want
        checked["near"] += want is not None
    assert checked["inside"] > 10 and checked["near"] > 10   # both kinds of answer were compared


def _star(rng):
    cx, cy, r = rng.uniform(120, 280), rng.uniform(120, 280), rng.uniform(30, 90)
    star = shapely.Polygon([(cx + (r if k % 2 else r / 2.2) * math.cos(k * math.pi / 7),
                             cy + (r if k % 2 else r / 2.2) * math.sin(k * math.pi / 7)) for k in range(14)])
    shapely.prepare(star)
    return star, cx, cy, r


def _clutter(rng, cx, cy):
    boxes = [(x, y, x + rng.uniform(10, 60), y + rng.uniform(6, 20))
             for x, y in ((rng.uniform(0, 380), rng.uniform(0, 380)) for _ in range(rng.randint(0, 8)))]
    points = [(rng.uniform(cx - 40, cx + 40), rng.uniform(cy - 15, cy + 15)) for _ in range(rng.randint(0, 3))]
    lines = [shapely.LineString([(rng.uniform(0, 400), rng.uniform(0, 400)) for _ in range(2)])
             for _ in range(rng.randint(0, 3))]
    return boxes, points, lines


def test_kept_candidates_never_answer_for_other_labels_or_regions():
    """What the spot searches keep per region, point and label size (whether a box fits its region,
    a callout's ring off the land) is asked again with other labels and leaders around (a new year),
    with other sizes and for other regions at the same point: every answer is the plain loop's."""
    import random
    rng = random.Random(29)
    frame = maplabels.Frame.fit((0.0, 0.0, 1.0, 1.0), 400, 400)
    checked = {"inside": 0, "near": 0}
    for _ in range(12):
        star, cx, cy, r = _star(rng)
        other = shapely.affinity.scale(star, 0.5, 0.5)   # another region around the same point
        shapely.prepare(other)
        h = rng.uniform(10, 30)
        sizes = [(rng.uniform(20, 90), h), (rng.uniform(20, 90), h)]   # other values: other widths
        # each region's land less itself: another neighbour beside each
        lands = {id(star): [shapely.box(0, 0, 60, 400)], id(other): [shapely.box(cx + r + 20, cy - 20, 400, cy + 20)]}
        for _ in range(4):   # the same regions, points and sizes; other labels and leaders around
            boxes, points, lines = _clutter(rng, cx, cy)
            for (w, h), geom in itertools.product(sizes, (star, other)):
                want = _inside_loop(w, h, cx, cy, geom, boxes, lines, points)
                assert maplabels._inside_spot(w, h, cx, cy, geom, boxes, lines, points) == want
                checked["inside"] += want is not None
                item = maplabels.Item("x", 0.0, 0.0, None, w, h)
                land = maplabels._without(maplabels._union([geom, *lands[id(geom)]]), geom)
                want = _near_loop(item, cx + r, cy, boxes, land, lines, frame)
                got = maplabels._near_spot(item, cx + r, cy, boxes, land, lines, frame)
                assert (got and got[:2]) == want
                checked["near"] += want is not None
    assert checked["inside"] > 20 and checked["near"] > 20


def _column_loop(column, side, items, anchors, boxes, land, leaders, frame):
    """A column of callouts one height at a time, as the rules say (maplabels._column's docstring)."""
    p = maplabels.PAD
    row = max(items[i].height for i in column) + 2 * p
    total, mean_y = row * len(column), sum(anchors[i][1] for i in column) / len(column)
    best = None
    for shift in sorted(range(-30, 31), key=abs):
        top = min(max(mean_y + total / 2 + shift * row / 2, total), frame.height)
        lo, hi = maplabels._band(land, top - total, top, frame.width)
        edge = lo - 2 * p if side == "west" else hi + 2 * p
        rows = [top - row / 2 - row * r for r in range(len(column))]
        cxs = {i: min(max(edge - items[i].width / 2 if side == "west" else edge + items[i].width / 2,
                          items[i].width / 2), frame.width - items[i].width / 2) for i in column}
        ends = {i: cxs[i] + items[i].width / 2 if side == "west" else cxs[i] - items[i].width / 2 for i in column}
        order = min(itertools.permutations(column), key=lambda o: sum(
            math.hypot(anchors[i][0] - ends[i], anchors[i][1] - y) for i, y in zip(o, rows)))
        placed = {i: (cxs[i], y, (*anchors[i], ends[i], y)) for i, y in zip(order, rows)}
        cost, length = 0, 0.0
        for i, (x, y, line) in placed.items():
            rect = maplabels._box(x, y, items[i].width, items[i].height, p)
            leader = shapely.LineString([line[:2], line[2:]])
            cost += land.intersects(shapely.box(*rect)) + sum(maplabels._overlaps(rect, b) for b in boxes)
            cost += sum(leader.intersects(shapely.box(*b)) for b in boxes) + sum(leader.intersects(o) for o in leaders)
            length += leader.length
        if best is None or (cost, length) < best[:2]:
            best = (cost, length, placed)
        if best[0] == 0 and abs(shift) > 8:
            break
    return best[2]


def test_a_column_of_callouts_is_the_one_the_rules_give():
    """The column's heights are measured together: the same rows, leaders and height as one at a time."""
    import random
    rng = random.Random(3)
    frame = maplabels.Frame.fit((0.0, 0.0, 1.0, 1.0), 600, 400)
    for n in range(40):
        land = maplabels._union([shapely.box(150, 40, 450, 360), _star(rng)[0]])
        k = rng.randint(1, 6)
        anchors = [(rng.uniform(160, 440), rng.uniform(60, 340)) for _ in range(k)]
        items = [maplabels.Item(f"r{i}", 0.0, 0.0, None, rng.uniform(40, 120), rng.choice((18.75, 37.5)))
                 for i in range(k)]
        boxes, _, leaders = _clutter(rng, 300, 200)
        side = "west" if n % 2 else "east"
        got = maplabels._column(list(range(k)), side, items, anchors, boxes, land, leaders, frame)
        want = _column_loop(list(range(k)), side, items, anchors, boxes, land, leaders, frame)
        assert list(got) == list(want)   # the labels in their rows, top down
        for i in got:
            assert [*got[i][:2], *got[i][2]] == pytest.approx([*want[i][:2], *want[i][2]], abs=1e-6)


def test_the_legend_goes_to_each_lands_emptiest_corner():
    """The land's area in each corner is kept per land: maps of other regions with a legend of the
    same size (another year) each get the corner their own land leaves empty."""
    frame = maplabels.Frame.fit((0.0, 0.0, 1.0, 1.0), 400, 400)
    corners = {"top right": (0.5, 0.5, 1.0, 1.0), "top left": (0.0, 0.5, 0.5, 1.0),
               "bottom left": (0.0, 0.0, 0.5, 0.5), "bottom right": (0.5, 0.0, 1.0, 0.5)}
    got = {}
    for _ in range(2):   # the second time from what was kept
        for name, (x0, y0, x1, y1) in corners.items():
            # land everywhere but this corner
            land = [shapely.box(0, 0, 1, 1).difference(shapely.box(x0, y0, x1, y1))]
            x, y, _, _ = maplabels.legend_box(land, frame, ["<b>Unit</b>"], ["1 – 2 (3)", "2 – 3 (4)"], 13)
            got.setdefault(name, set()).add(("top" if y > 200 else "bottom") + (" right" if x > 200 else " left"))
    assert got == {name: {name} for name in corners}


def test_a_column_of_callouts_keeps_off_the_legend(monkeypatch):
    """A column of callouts may lie over land or another label where nothing better is left, never
    over the legend (a reserved box): it paid 1 for the legend like for a label over land, and the
    presenter's density map on a 1440 px laptop put Kota Bogor's callout under the legend's title."""
    frame = maplabels.Frame.fit((0.0, 0.0, 1.0, 1.0), 600, 400)
    # land fills the middle and, above y 200, the whole west: a west column either stays low, beside
    # the legend's corner, or goes up over the land and over two labels already there
    land = maplabels._union([shapely.box(250, 0, 450, 400), shapely.box(0, 200, 450, 400)])
    anchors = [(260.0, 60.0), (270.0, 90.0), (280.0, 120.0)]
    items = [maplabels.Item(f"r{i}", 0.0, 0.0, None, 100.0, 37.5) for i in range(3)]
    legend = (0.0, 0.0, 200.0, 120.0)
    others = [(0.0, 210.0, 120.0, 260.0), (0.0, 270.0, 120.0, 320.0), (0.0, 330.0, 120.0, 380.0)]

    def column():
        boxes = [maplabels._Reserved(legend), *others]
        got = maplabels._column([0, 1, 2], "west", items, anchors, boxes, land, [], frame)
        return [maplabels._box(cx, cy, 100.0, 37.5, 0) for cx, cy, _ in got.values()]

    over = lambda rects: [r for r in rects if maplabels._overlaps(r, legend)]   # noqa: E731
    monkeypatch.setattr(maplabels, "RESERVED_COST", 1)
    assert over(column())      # paid like any other crossing, the legend loses
    monkeypatch.undo()
    assert over(column()) == []
