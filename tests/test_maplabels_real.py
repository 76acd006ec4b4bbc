"""Label placement on the real kab/kota boundaries (skipped without JABODASH_TEST_BOUNDARIES): in the
default views (every region, Jakarta, the core) at the page's size, the export's (1920x1080) and the
presenter screen's (1920x900), no leader crosses another, no label lies on another label or outside
the map, and (but for one) no leader runs through a label."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import shapely

from jabodash.charts import peta
from jabodash.geo.classify import classify


class Ind:
    id = "population"
    decimals = 0
    higher_is_better = None

    def name(self, lang):
        return "Jumlah penduduk"

    def unit(self, lang):
        return "jiwa"

    def short(self, lang):
        return "Penduduk"


# population 2020 (SP2020, rounded): label lengths as on the page's default view
POP = {"3101": 27749, "3171": 2226812, "3172": 3037139, "3173": 1056896, "3174": 2434511, "3175": 1778981,
       "3201": 5427068, "3203": 2477560, "3216": 3113017, "3271": 1043070, "3275": 2543676, "3276": 2056335,
       "3603": 3245619, "3671": 1895486, "3674": 1354350}


@pytest.fixture(scope="module")
def kabkota(test_boundaries):
    if test_boundaries is None:
        pytest.skip("JABODASH_TEST_BOUNDARIES not set")
    import geopandas as gpd

    from jabodash.geo import boundaries
    gdf = gpd.read_file(test_boundaries / "jabodetabek_adm2.geojson")
    gdf["code"] = gdf["code"].astype(str)
    gdf["parent_code"] = gdf["province_code"]
    fc = boundaries.to_geojson(boundaries.simplify(gdf, "kabkota"), "kabkota")
    regions = peta.regions().set_index("code")
    codes = [f["id"] for f in fc["features"] if f["id"] in POP]
    values = pd.DataFrame({"region_code": codes, "name": [regions.loc[c, "name"] for c in codes],
                           "short_name": [regions.loc[c, "short_name"] for c in codes],
                           "value": [float(POP[c]) for c in codes], "source": "BPS SP2020"})
    return fc, values


def _layout(fig, frame):
    """Label boxes (px), whether each is a callout, and the leaders (px) of a figure's labels."""
    from jabodash.charts import maplabels
    boxes, callout = [], []
    for tr in fig.data:
        if tr.type == "scattergeo" and tr.mode == "text":
            for lon, lat, text in zip(tr.lon, tr.lat, tr.text):
                w, h = maplabels.text_box(text.split("<br>"), tr.textfont.size, tr.textfont.weight == "bold")
                x, y = frame.px(lon, lat)
                boxes.append((float(x) - w / 2, float(y) - h / 2, float(x) + w / 2, float(y) + h / 2))
                callout.append(tr.name == "callouts")
    leaders = []
    for tr in fig.data:
        if tr.name == "leaders":
            for i in range(0, len(tr.lon), 3):
                xs, ys = frame.px(tr.lon[i:i + 2], tr.lat[i:i + 2])
                leaders.append(shapely.LineString(np.column_stack([xs, ys])))
    return boxes, callout, leaders


@pytest.mark.parametrize("presenter", [0, 1080, 900], ids=["page", "export", "presenter"])
@pytest.mark.parametrize("fit", ["all", "jakarta", "core"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_real_labels_no_crossing_no_overlap(kabkota, fit, presenter, lang):
    fc, values = kabkota
    classes = classify(values.set_index("region_code")["value"], "quantiles", 5, lang=lang)
    kwargs = dict(width=1920, height=presenter) if presenter else {}
    fig = peta.choropleth(values, fc, Ind(), 2020, lang, classes, fit=fit, presenter=bool(presenter), **kwargs)
    style = peta.PRESENTER if presenter else peta.NORMAL
    frame = peta.maplabels.label_frame(values["short_name"], peta.fit_bounds(fc, fit), fit, style, bool(presenter),
                                       kwargs.get("height", style.height), kwargs.get("width"))
    boxes, callout, leaders = _layout(fig, frame)
    assert boxes
    crossings = sum(a.crosses(b) for a, b in itertools.combinations(leaders, 2))
    overlaps = sum(peta.maplabels._overlaps(a, b) for a, b in itertools.combinations(boxes, 2))
    # a leader through a label other than its own (it ends on its own label's edge)
    through = sum(line.crosses(shapely.box(*b)) for line in leaders for b in boxes
                  if not shapely.box(*b).buffer(peta.maplabels.PAD + 1).contains(shapely.Point(line.coords[-1])))
    outside = sum(b[0] < -1 or b[1] < -1 or b[2] > frame.width + 1 or b[3] > frame.height + 1 for b in boxes)
    print(f"\n{fit} {lang} presenter={presenter}: {len(boxes)} labels, {sum(callout)} callouts, "
          f"{len(leaders)} leaders, crossings {crossings}, overlaps {overlaps}, through {through}, "
          f"outside {outside}, longest leader {max((ln.length for ln in leaders), default=0):.0f} px")
    assert (crossings, overlaps, outside) == (0, 0, 0)
    assert through <= 1     # left: at most one leader over an inside label where its region has no other room


# population per km2 2020 (the shipped story's map step): other label lengths, another legend
DENSITY = {"3101": 2534, "3171": 15363, "3172": 16369, "3173": 22220, "3174": 19476, "3175": 12058, "3201": 1814,
           "3203": 682, "3216": 2480, "3271": 9366, "3275": 11940, "3276": 10287, "3603": 3156, "3671": 10628,
           "3674": 8215}


@pytest.mark.parametrize("figures", ["population", "density"])
@pytest.mark.parametrize("fit", ["all", "core"])
def test_presenter_screen_labels_clear_of_each_other_and_the_legend(kabkota, fit, figures, monkeypatch):
    """The presenter page's map on the narrowest meeting laptop (presenter.views.SCREEN_WIDTH): no
    label on another and none under the legend (placed for 1920 px, a 1440 px screen ran the
    callouts' lines into each other; then a column of callouts paid for the legend no more than for
    land, and Kota Bogor's sat under its title)."""
    from jabodash.presenter import views
    seen = {}
    place = peta.maplabels.place

    def spy(items, frame, reserved=()):
        seen["legend"] = reserved[0] if reserved else None
        return place(items, frame, reserved)

    monkeypatch.setattr(peta.maplabels, "place", spy)
    fc, values = kabkota
    if figures == "density":
        values = values.assign(value=values["region_code"].map(DENSITY).astype(float))
    classes = classify(values.set_index("region_code")["value"], "quantiles", 5, lang="id")
    fig = peta.choropleth(values, fc, Ind(), 2020, "id", classes, fit=fit, presenter=True,
                          width=views.SCREEN_WIDTH, height=views.SCREEN_HEIGHT)
    frame = peta.maplabels.label_frame(values["short_name"], peta.fit_bounds(fc, fit), fit, peta.PRESENTER, True,
                                       views.SCREEN_HEIGHT, views.SCREEN_WIDTH)
    boxes, _, _ = _layout(fig, frame)
    assert len(boxes) >= 13 and seen["legend"] is not None
    assert [pair for pair in itertools.combinations(boxes, 2) if peta.maplabels._overlaps(*pair)] == []
    assert [b for b in boxes if peta.maplabels._overlaps(b, seen["legend"])] == []
