"""The map component's geometry split (jabodash.charts.geosplit) and its served files
(jabodash.ui.components.geomap): the figure travels without its GeoJSON, the GeoJSON once by content
hash, and the browser's reassembly gives back the very same figure."""
import hashlib
import json

import numpy as np
import pandas as pd
import plotly
import plotly.io as pio
import pytest

from jabodash.charts import geosplit, peta
from jabodash.geo.classify import classify
from jabodash.ui.components import geomap


class Ind:
    id, higher_is_better, decimals = "x", True, 1

    def name(self, lang):
        return "Indikator"

    def short(self, lang):
        return "Ind"

    def unit(self, lang):
        return "orang"


def square(lon, lat, size=0.05):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


CODES = ["3173", "3174", "3171", "3201", "3603", "3203"]
GEO = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": c, "properties": {"name": f"Wilayah {c}"},
     "geometry": square(106.6 + 0.06 * (i % 3), -6.4 + 0.06 * (i // 3))} for i, c in enumerate(CODES)]}
KEC = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": f"317301{i}", "properties": {"name": f"Kec {i}"},
     "geometry": square(106.8 + 0.02 * i, -6.2, 0.02)} for i in range(4)]}


def year_figure(values):
    df = pd.DataFrame({"region_code": CODES[:5], "name": CODES[:5], "short_name": CODES[:5], "value": values})
    classes = classify(df.set_index("region_code")["value"], "quantiles", 3)
    return peta.choropleth(df, GEO, Ind(), 2024, "id", classes)


def plain(fig) -> dict:
    return json.loads(pio.to_json(fig, validate=False))


def test_the_browsers_reassembly_gives_back_the_same_figure():
    fig = year_figure([1.0, 2.0, np.nan, 4.0, 5.0])
    split = geosplit.split(fig)
    joined = geosplit.join(json.loads(split.spec), {h: json.loads(b) for h, b in split.pools.items()})
    assert joined == plain(fig)
    assert split.height == fig.layout.height


def test_the_geometry_leaves_the_figure_and_one_pool_serves_every_year():
    a, b = year_figure([1.0, 2.0, 3.0, 4.0, 5.0]), year_figure([5.0, 4.0, np.nan, 2.0, 1.0])
    sa, sb = geosplit.split(a), geosplit.split(b)
    assert list(sa.pools) == list(sb.pools) and len(sa.pools) == 2   # the same files for both years
    geometry, template = (json.loads(body) for body in sa.pools.values())
    assert sorted(f["id"] for f in geometry["features"]) == sorted(CODES)   # context and classes: one pool
    assert "coordinates" not in sa.spec and "coordinates" not in sb.spec
    refs = [t["geojson"] for t in json.loads(sa.spec)["data"] if t["type"] == "choropleth"]
    assert refs and all(set(r) == {"ref", "ids"} for r in refs)
    # the template (Plotly's styling defaults, the same every year) goes by reference too
    assert template == plain(a)["layout"]["template"] and "layout" in template
    assert json.loads(sa.spec)["layout"]["template"] == {"ref": list(sa.pools)[1]}
    body = b"".join(sa.pools.values())
    assert len(sa.spec) < len(pio.to_json(a, validate=False)) - 0.8 * len(body)


def test_a_second_boundary_set_gets_its_own_pool_and_the_hash_is_the_content():
    full = peta.complete_values(pd.DataFrame({"region_code": ["3173010"], "value": [1.0]}), KEC)
    classes = classify(full.set_index("region_code")["value"], "quantiles", 3)
    fig = peta.choropleth(full, KEC, Ind(), 2024, "id", classes, outline=GEO)
    split = geosplit.split(fig)
    geometry = [json.loads(body) for body in split.pools.values() if b'"FeatureCollection"' in body]
    assert len(geometry) in (1, 2) and len(split.pools) == len(geometry) + 1   # and the template's
    ids = {f["id"] for pool in geometry for f in pool["features"]}
    assert ids == set(CODES) | {f["id"] for f in KEC["features"]}
    import hashlib
    for digest, body in split.pools.items():
        assert hashlib.sha256(body).hexdigest().startswith(digest)
    joined = geosplit.join(json.loads(split.spec), {h: json.loads(b) for h, b in split.pools.items()})
    assert joined == plain(fig)


def test_one_id_with_two_geometries_is_never_merged():
    other = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "3173", "properties": {"name": "x"}, "geometry": square(100, 0)}]}
    fig = {"data": [{"type": "choropleth", "geojson": GEO, "locations": CODES},
                    {"type": "choropleth", "geojson": other, "locations": ["3173"]}], "layout": {}}
    split = geosplit.split(fig)
    assert len(split.pools) == 2
    joined = geosplit.join(json.loads(split.spec), {h: json.loads(b) for h, b in split.pools.items()})
    assert joined["data"][1]["geojson"]["features"][0]["geometry"]["coordinates"][0][0] == [100, 0]


def test_traces_without_geojson_pass_unchanged():
    fig = {"data": [{"type": "scattergeo", "lat": [1], "lon": [2], "text": ["a"]}], "layout": {"height": 300}}
    split = geosplit.split(fig)
    assert split.pools == {} and json.loads(split.spec) == fig and split.height == 300


def test_the_served_folder_has_the_component_plotly_and_each_pool(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path))
    path = geomap.folder()
    assert path.parent == tmp_path / "components"
    name = geomap.plotly_name()
    assert name.startswith("plotly-") and name.endswith(".min.js")
    assert (path / name).read_bytes() == geomap.PLOTLY_JS.read_bytes()
    html = (path / "index.html").read_text()
    geo = geomap.geo_name()
    assert geo == f"plotly-geo-{plotly.__version__}.min.js" and (path / geo).read_bytes() == geomap.GEO_JS.read_bytes()
    assert f'<script src="geomap.js" data-geo="{geo}" data-full="{name}"></script>' in html
    assert "<script>" not in html   # no inline script
    split = geosplit.split(year_figure([1.0, 2.0, 3.0, 4.0, 5.0]))
    geomap.write_pools(split, path)
    digest = next(iter(split.pools))
    assert (path / "geo" / f"{digest}.json").read_bytes() == split.pools[digest]
    assert not [p for p in path.rglob(".tmp-*")]
    args = json.dumps({"spec": split.spec})
    assert geomap.figure_of(args, path) == plain(year_figure([1.0, 2.0, 3.0, 4.0, 5.0]))


@pytest.mark.parametrize("name", geomap.FILES)
def test_the_component_sources_exist(name):
    assert (geomap.SOURCE / name).stat().st_size > 0


def test_the_geo_bundle_is_the_recorded_file_of_the_full_bundles_plotly_js_version():
    """The vendored geo bundle is the file recorded (sha256) and the plotly.js version of the pinned
    plotly package: after an upgrade of plotly this fails until the geo bundle follows."""
    assert hashlib.sha256(geomap.GEO_JS.read_bytes()).hexdigest() == geomap.GEO_SHA256
    assert geomap.js_version(geomap.GEO_JS) == geomap.js_version(geomap.PLOTLY_JS) is not None
    assert (geomap.SOURCE / "plotly-geo.LICENSE").read_text().startswith("MIT License")


def test_a_geo_bundle_of_another_version_is_not_served_and_the_full_one_draws(tmp_path, monkeypatch):
    other = tmp_path / "plotly-geo.min.js"
    other.write_text("/**\n* plotly.js (geo - minified) v0.0.1\n*/\n")
    monkeypatch.setattr(geomap, "GEO_JS", other)
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))
    for cached in (geomap.geo_name, geomap._version):
        cached.cache_clear()
    try:
        assert geomap.geo_name() is None
        path = geomap.folder()
        html = (path / "index.html").read_text()
        assert f'data-geo="{geomap.plotly_name()}" data-full="{geomap.plotly_name()}"' in html
        assert not list(path.glob("plotly-geo-*"))
    finally:
        for cached in (geomap.geo_name, geomap._version):
            cached.cache_clear()
