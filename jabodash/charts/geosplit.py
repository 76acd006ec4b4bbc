"""A map figure split into its geometry and the rest, so the geometry travels once.

A choropleth map's figure carries its boundaries as GeoJSON inside its traces (the kab/kota map:
~180 KB of ~195 KB). :func:`split` takes the GeoJSON out: every ``choropleth``(``map``) trace's
FeatureCollection becomes a reference ``{"ref": HASH, "ids": [feature ids]}`` to a pool of features
(a FeatureCollection of its own, named by the SHA-256 of its JSON), and the figure is serialised
without it. The pools are served as files by content hash (jabodash.ui.components.geomap), which the
browser fetches once per page and keeps while the page is open: a year change then sends the
figure's values, colours and texts only. The layout's template (Plotly's styling defaults, the same
for every map) travels the same way, as a pool of its own.

Features are pooled by id: the traces of one map (the context outlines and one trace per class)
share one pool, the full boundary set, whatever the classes are; the kab/kota outline over a
kecamatan map has ids of its own and joins the same pool. Two traces that give one id different
geometry get different pools. The pools' JSON and hash are memoised by the identity of the feature
objects (the map builders hand out the same prepared features every time), so a new year's figure
does not serialise the geometry again.

Nothing here imports streamlit.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import plotly.io as pio
from plotly.utils import PlotlyJSONEncoder

GEO_TRACES = ("choropleth", "choroplethmap", "choroplethmapbox")
_POOL_MEMO: dict[tuple, tuple[str, bytes, list]] = {}
_TEMPLATE_MEMO: dict[int, tuple[dict, str, bytes]] = {}
_MEMO_SIZE = 16


@dataclass(frozen=True)
class Split:
    spec: str                   # the figure's JSON, each GeoJSON replaced by {"ref", "ids"}
    pools: dict[str, bytes]     # hash -> FeatureCollection JSON (UTF-8)
    height: int | None = None   # the figure's layout height (the component's frame height)


def _features(trace: dict) -> list | None:
    geo = trace.get("geojson")
    if trace.get("type") not in GEO_TRACES or not isinstance(geo, dict) or geo.get("type") != "FeatureCollection":
        return None
    feats = geo.get("features") or []
    return feats if all(isinstance(f, dict) and f.get("id") is not None for f in feats) else None


def _same(a: dict, b: dict) -> bool:
    return a is b or pio.to_json(a, validate=False) == pio.to_json(b, validate=False)


def _pools(traces: list[dict]) -> tuple[list[dict], list[int | None]]:
    """Pools (id -> feature) and, per trace, the index of its pool (None: not a GeoJSON trace)."""
    pools: list[dict] = []
    where: list[int | None] = []
    for trace in traces:
        feats = _features(trace)
        if feats is None:
            where.append(None)
            continue
        i = next((n for n, pool in enumerate(pools)
                  if all(str(f["id"]) not in pool or _same(pool[str(f["id"])], f) for f in feats)), None)
        if i is None:
            pools.append({})
            i = len(pools) - 1
        pools[i].update((str(f["id"]), f) for f in feats)
        where.append(i)
    return pools, where


def _pool_json(pool: dict) -> tuple[str, bytes]:
    """(hash, JSON) of a pool, its features in id order; memoised by the features' identity."""
    items = sorted(pool.items())
    key = tuple((code, id(f)) for code, f in items)
    hit = _POOL_MEMO.get(key)
    if hit is not None:
        return hit[0], hit[1]
    body = pio.to_json({"type": "FeatureCollection", "features": [f for _, f in items]}, validate=False).encode()
    digest = hashlib.sha256(body).hexdigest()[:32]
    if len(_POOL_MEMO) >= _MEMO_SIZE:
        _POOL_MEMO.clear()
    _POOL_MEMO[key] = (digest, body, [f for _, f in items])   # the features kept alive: ids stay valid
    return digest, body


def split(figure) -> Split:
    """``figure`` (a plotly Figure or its dict) without its GeoJSON, and the GeoJSON pools."""
    fig = figure.to_dict() if hasattr(figure, "to_dict") else figure
    traces = [dict(t) for t in fig.get("data", [])]
    pools, where = _pools(traces)
    named = [_pool_json(p) for p in pools]
    for trace, i in zip(traces, where):
        if i is not None:
            trace["geojson"] = {"ref": named[i][0], "ids": [str(f["id"]) for f in trace["geojson"]["features"]]}
    layout, template = _template(fig.get("layout", {}))
    spec = pio.to_json({"data": traces, "layout": layout}, validate=False)
    height = layout.get("height")
    return Split(spec, {digest: body for digest, body in named + template}, int(height) if height else None)


def _template(layout: dict) -> tuple[dict, list[tuple[str, bytes]]]:
    """The layout with its template (Plotly's styling defaults, ~3.4 KB and the same for every map) as a
    reference ``{"ref": HASH}`` to a pool of its own, and that pool (none without a template)."""
    template = layout.get("template")
    if not isinstance(template, dict) or not template:
        return layout, []
    hit = _TEMPLATE_MEMO.get(id(template))
    if hit is None or hit[0] is not template:   # a plain figure's template is one dict (charts.peta)
        body = json.dumps(template, cls=PlotlyJSONEncoder, separators=(",", ":")).encode()
        hit = (template, hashlib.sha256(body).hexdigest()[:32], body)
        if len(_TEMPLATE_MEMO) >= _MEMO_SIZE:
            _TEMPLATE_MEMO.clear()
        _TEMPLATE_MEMO[id(template)] = hit   # the template kept alive: its id stays valid
    _, digest, body = hit
    return {**layout, "template": {"ref": digest}}, [(digest, body)]


def join(spec: dict, pools: dict[str, dict]) -> dict:
    """The inverse of :func:`split` on parsed JSON (what the browser does): each reference becomes a
    FeatureCollection of the pool's features with those ids, in that order; the template's, the template."""
    by_id = {h: {str(f["id"]): f for f in pool["features"]} for h, pool in pools.items() if "features" in pool}
    data = []
    for trace in spec["data"]:
        geo = trace.get("geojson")
        if isinstance(geo, dict) and "ref" in geo:
            trace = {**trace, "geojson": {"type": "FeatureCollection",
                                          "features": [by_id[geo["ref"]][i] for i in geo["ids"]]}}
        data.append(trace)
    layout = spec["layout"]
    template = layout.get("template")
    if isinstance(template, dict) and "ref" in template:
        layout = {**layout, "template": pools[template["ref"]]}
    return {"data": data, "layout": layout}
