"""Digests of the map page's figures over many views, to show that a speed change leaves every map
exactly as it was: run it in two checkouts (e.g. an older commit unpacked with ``git archive``) and
compare the files.

    python tools/bench/mapdigest.py --scratch /tmp/x --out after.tsv [--root DIR] [--random 150] [--seed 29]
    diff before.tsv after.tsv

The figures are built as the page builds them (jabodash.ui.peta: values, classes, ``map_view``, then
``geomap.prepare`` for the geographic map), one process, the views in a random but fixed order, so the
builders' memos (label placement, land shapes, pools) are hit, missed and cleared as on a server:
every year of every kab/kota indicator at the default view, then ``--random`` views drawn over
language, region set, classification, classes, palette, fit, map type and background, and every
tenth of those also as the image export (presenter styling, 1920x1080). One line per view: the view
and the SHA-256 of what would be sent (the figure's JSON without its geometry, and its pools' hashes).
Boundaries as tools/bench/pages.py imports them (``JABODASH_TEST_BOUNDARIES``).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _views(src, seed: int, extra: int) -> list[tuple]:
    from jabodash.core import state as state_mod
    rng = random.Random(seed)
    table = src.table()
    per_ind = {row.id: [int(y) for y in row.years] for row in table.itertuples() if len(row.years)}
    default = ("id", "agglomeration", "quantiles", 5, "default", "core", "geo", "white", False)
    views = [(ind, year, *default) for ind, years in per_ind.items() for year in years]
    rng.shuffle(views)
    for n in range(extra):
        ind = rng.choice(sorted(per_ind))
        views.append((ind, rng.choice(per_ind[ind]), rng.choice(("id", "en")), rng.choice(state_mod.REGION_SETS),
                      rng.choice(state_mod.CLASSIFICATIONS), rng.randint(3, 7), rng.choice(state_mod.PALETTES),
                      rng.choice(state_mod.FITS), rng.choice(("geo", "geo", "geo", "tiles")),
                      rng.choice(("white", "white", "white", "osm")), n % 10 == 9))
    return views


def _digest(src, geojson, attribution, view) -> str:
    import plotly.io as pio

    from jabodash.charts import peta as peta_charts
    from jabodash.charts.geosplit import split
    from jabodash.core import state as state_mod
    from jabodash.features import peta
    from jabodash.presenter import views as pviews
    ind_id, year, lang, region_set, method, k, pal, fit, mode, basemap, export = view
    state = state_mod.ViewState().with_(indicator=ind_id, year=year, region_set=region_set, classification=method,
                                        classes=k, palette=pal, fit=fit, map_type=mode, lang=lang)
    ind = src.indicator(ind_id)
    values = src.values(ind_id, year, region_set, "kabkota")
    center = src.metro(ind, year, region_set).value if pal == "diverging" else None
    classes = peta.classes_for(values, ind, state, lang, center)
    args = dict(level="kabkota", view=mode, geojson=geojson if mode == "geo" else None, fit=fit,
                attribution=attribution, outline=None)
    if export:
        fig = peta_charts.map_view(values, ind, year, lang, classes, presenter=True, width=1920, height=1080, **args)
        return hashlib.sha256(pio.to_json(pviews.presentify(fig)).encode()).hexdigest()
    if mode != "geo":
        return hashlib.sha256(pio.to_json(peta_charts.map_view(values, ind, year, lang, classes, basemap=basemap,
                                                               **args)).encode()).hexdigest()
    # as the page draws it (an older checkout's map_view drops ``plain``: its figure is split)
    shown = split(peta_charts.map_view(values, ind, year, lang, classes, basemap=basemap, plain=True, **args))
    return hashlib.sha256(shown.spec.encode() + "".join(sorted(shown.pools)).encode()).hexdigest()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scratch", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--root", type=Path, default=HERE.parent.parent, help="the checkout to build with")
    ap.add_argument("--random", type=int, default=150)
    ap.add_argument("--seed", type=int, default=29)
    args = ap.parse_args(argv)
    scratch = args.scratch.resolve()
    os.environ["JABODASH_CACHE_DIR"] = str(scratch / "cache")
    os.environ["JABODASH_WORKSPACE"] = str(scratch / "workspace")
    sys.path[:0] = [str(args.root.resolve()), str(HERE)]
    import pages
    scratch.mkdir(parents=True, exist_ok=True)
    pages.prepare(scratch)
    from jabodash.geo import boundaries
    from jabodash.store import get_store
    from jabodash.store.datasource import DataSource
    src = DataSource.from_store(get_store())
    geojson, attribution = boundaries.geojson_for("kabkota"), boundaries.attribution("kabkota")
    with args.out.open("w") as out:
        for view in _views(src, args.seed, args.random):
            out.write("\t".join(map(str, view)) + "\t" + _digest(src, geojson, attribution, view) + "\n")
    print(f"{args.out}: {sum(1 for _ in args.out.open())} views", file=sys.stderr)


if __name__ == "__main__":
    main()
