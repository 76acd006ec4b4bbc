"""Benchmarks of the pages users wait on (run with --benchmark-enable; otherwise each runs once, as a
test): the map page's, the overview's and the population page's warm rerun after a year change, as the server runs it
(the fragment that holds the year picker: tests/support/fragments.py), and the naive map app of
tools/bench/naive_app.py (pandas filter and gdf.to_json() on every rerun) beside it. The ratio
and the budgets (issue 14) are reported by tools/bench/pages.py; here the assertions check that
each rerun drew the year asked for."""
import os

import pytest
from streamlit.testing.v1 import AppTest
from support.apptest import map_figure
from support.data import ROOT
from support.fragments import open_page, rerun_fragment

pytestmark = pytest.mark.benchmark
REAL = os.environ.get("JABODASH_TEST_BOUNDARIES")
needs_real = pytest.mark.skipif(not REAL, reason="JABODASH_TEST_BOUNDARIES not set")


@pytest.fixture(scope="module")
def real_cache(tmp_path_factory):
    """The development boundaries in a cache of this module (and a kecamatan dataset saved)."""
    if not REAL:
        yield None
        return
    from pathlib import Path

    from jabodash.features import unggah
    from jabodash.geo import boundaries
    from jabodash.store import shelf
    folder = tmp_path_factory.mktemp("bench_pages")
    saved = {k: os.environ.get(k) for k in ("JABODASH_CACHE_DIR", "JABODASH_WORKSPACE")}
    os.environ["JABODASH_CACHE_DIR"], os.environ["JABODASH_WORKSPACE"] = str(folder / "cache"), str(folder / "ws")
    for level, name in (("kabkota", "adm2"), ("kecamatan", "adm3")):
        path = Path(REAL) / f"jabodetabek_{name}.geojson"
        boundaries.import_file(path.read_bytes(), level, "code", "name", path.name)
    codes = [f["id"] for f in boundaries.geojson_for("kecamatan")["features"]]
    text = "kode_kecamatan,tahun,jumlah_bench\n" + "".join(
        f"{c},{y},{100 + i + y % 2}\n" for i, c in enumerate(codes) for y in (2021, 2022))
    result = unggah.read(text.encode(), "bench.csv")
    shelf.save_dataset(result, text.encode(), "bench.csv",
                           unggah.meta_from(result, "Jumlah bench", "unit", "higher", "bench"))
    yield folder
    for key, value in saved.items():
        os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def year_changes(benchmark, at, key: str):
    """Benchmark one fragment rerun after the year widget switched to the other year."""
    options = at.selectbox(key=key).options
    state = {"i": 0}

    def change():
        state["i"] += 1
        at.selectbox(key=key).set_value(options[state["i"] % 2])
        return rerun_fragment(at)

    for _ in range(2):   # both years seen once: the warm state
        change()
    benchmark(change)
    assert not at.exception, [e.value for e in at.exception]
    return at


def drawn_year(at) -> str:
    return map_figure(at)["layout"]["title"]["subtitle"]["text"]


@pytest.mark.parametrize("map_type", ["tiles", pytest.param("geo", marks=needs_real)])
def test_bench_map_year_change_kabkota(benchmark, real_cache, map_type):
    at = year_changes(benchmark, open_page("peta", indicator="ipm", year="2024", map_type=map_type, timeout=120),
                      "w_year")
    year = at.selectbox(key="w_year").value
    assert at.query_params["year"] == str(year) and str(year) in drawn_year(at)


@needs_real
def test_bench_map_year_change_kecamatan(benchmark, real_cache):
    from jabodash.store import shelf
    indicator = shelf.indicator_id(shelf.list_datasets()[0]["id"], "Jumlah bench")
    at = year_changes(benchmark, open_page("peta", level="kecamatan", indicator=indicator, year="2022", timeout=120),
                      "w_year_kec")
    year = at.selectbox(key="w_year_kec").value
    assert at.query_params["year"] == str(year) and str(year) in drawn_year(at)


def test_bench_overview_year_change(benchmark):
    at = year_changes(benchmark, open_page("ringkasan", indicator="poverty_rate", year="2024", timeout=120), "w_year")
    year = at.selectbox(key="w_year").value
    assert at.query_params["year"] == str(year)
    assert [c.key for c in at.get("plotly_chart")] == ["ranking"]


def test_bench_population_year_change(benchmark):
    """The population page's census year: the fragment with the picker, the KPIs and the census section."""
    at = year_changes(benchmark, open_page("kependudukan", year="2020", timeout=120), "w_pop_year")
    year = at.selectbox(key="w_pop_year").value
    assert at.query_params["year"] == str(year)
    assert [c.key for c in at.get("plotly_chart")] == ["fig_population_share", "fig_population_density"]
    assert str(year) in at.subheader[0].value


@needs_real
def test_bench_naive_map_year_change(benchmark, real_cache):
    """The yardstick: tools/bench/naive_app.py, whole script on every rerun."""
    os.environ.setdefault("JABODASH_NAIVE_LEVEL", "kabkota")
    at = AppTest.from_file(str(ROOT / "tools" / "bench" / "naive_app.py"), default_timeout=120)
    at.run()
    options = at.selectbox(key="w_year").options
    state = {"i": 0}

    def change():
        state["i"] += 1
        at.selectbox(key="w_year").set_value(options[state["i"] % 2])
        return at.run()

    benchmark(change)
    assert not at.exception and len(at.get("plotly_chart")) == 1
