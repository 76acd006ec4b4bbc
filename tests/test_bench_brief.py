"""Benchmark: the shipped story's meeting deck and PDF brief, each within 10 s on this machine.

Run only when asked: .venv/bin/python -m pytest tests/test_bench_brief.py -q -s --benchmark-enable
(with JABODASH_TEST_BOUNDARIES set the map steps are the geographic maps, as on a set-up laptop).
The time covers reading the figures, the findings, rendering the maps (deck) or every figure (PDF)
with the system Chromium and writing the file.
"""
import io
import os
import time

import pytest
from pptx import Presentation

from jabodash.brief import make
from jabodash.brief import outline as model
from jabodash.presenter import exports, stories
from jabodash.store.datasource import DataSource

BUDGET_S = 10.0
pytestmark = [pytest.mark.benchmark,
              pytest.mark.skipif(exports.chromium_path() is None, reason="no system Chromium")]


@pytest.fixture(autouse=True)
def only_when_asked(request):
    if not request.config.getoption("benchmark_enable", default=False):
        pytest.skip("benchmark: run with --benchmark-enable")


@pytest.fixture(scope="module")
def boundaries_cached(test_boundaries, tmp_path_factory, request):
    """The real kab/kota boundaries in a cache of this module only (a module fixture is set up before
    the skip of only_when_asked: it must never leave boundaries in the cache other tests share)."""
    if test_boundaries is None or not request.config.getoption("benchmark_enable", default=False):
        yield False
        return
    from jabodash.geo import boundaries
    old = os.environ.get("JABODASH_CACHE_DIR")
    os.environ["JABODASH_CACHE_DIR"] = str(tmp_path_factory.mktemp("brief_cache"))
    try:
        boundaries.import_file(test_boundaries / "jabodetabek_adm2.geojson", "kabkota")
        yield True
    finally:
        if old is None:
            os.environ.pop("JABODASH_CACHE_DIR", None)
        else:
            os.environ["JABODASH_CACHE_DIR"] = old


@pytest.mark.parametrize("fmt", ["pptx", "pdf"])
def test_bench_story_brief(benchmark, store, boundaries_cached, fmt):
    story = stories.load_story("jabodetabek_dalam_angka")
    timings: list[float] = []

    def build():
        started = time.perf_counter()
        src = model.memoized(DataSource.from_store(store))
        data = make.output(model.from_story(src, story, "id"), src, fmt)
        timings.append(time.perf_counter() - started)
        return data

    data = benchmark.pedantic(build, rounds=1, iterations=1)
    seconds = timings[-1]
    benchmark.extra_info.update(seconds=round(seconds, 2), kb=len(data) // 1024, geo_maps=boundaries_cached)
    print(f"\n{fmt}: {len(story.steps)} steps in {seconds:.2f} s ({len(data) // 1024} KB, "
          f"geographic maps: {boundaries_cached})")
    if fmt == "pptx":
        assert len(Presentation(io.BytesIO(data)).slides) >= 1 + len(story.steps)
    else:
        assert data.startswith(b"%PDF")
    assert seconds < BUDGET_S
