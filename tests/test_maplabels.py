"""Label placement of geographic maps (jabodash.charts.maplabels): every region named, no two
labels on each other, inside a region when the label fits there, else beside it with a leader."""
from __future__ import annotations

import itertools

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
