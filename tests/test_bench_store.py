"""Benchmarks of the store: building and opening the DuckDB file, the overview's queries, KPIs and
metro values, and a warm rerun of the overview page (run with --benchmark-enable; assertions keep
them honest)."""
import pytest
from streamlit.testing.v1 import AppTest

from jabodash.core import catalog
from jabodash.core.paths import ROOT
from jabodash.features import ringkasan
from jabodash.store import Store, build_database
from jabodash.store.aggregate import metro_value

pytestmark = pytest.mark.benchmark


def test_bench_data_load(benchmark, tmp_path):
    """Cold start: data/ -> DuckDB file (budget < 1 s)."""
    path = benchmark(build_database, tmp_path / "bench.duckdb")
    s = Store(path)
    assert len(s.query("regions", region_set="agglomeration")) == 15
    s.close()


def test_bench_open_read_only(benchmark, store):
    s = benchmark(Store, store.path)
    s.close()


@pytest.mark.parametrize("name,params", [
    ("regions", {"region_set": "agglomeration"}),
    ("indicators", {}),
    ("indicator_years", {"indicator_id": "population_census", "region_set": "agglomeration"}),
    ("indicator_values", {"indicator_id": "population_density_census", "year": 2020, "region_set": "agglomeration"}),
    ("indicator_series", {"indicator_id": "poverty_rate", "region_set": "agglomeration"}),
])
def test_bench_overview_query(benchmark, store, name, params):
    frame = benchmark(store.query, name, **params)
    assert len(frame) > 0


def test_bench_kpis(benchmark, store):
    cards = benchmark(ringkasan.kpis, store, "agglomeration")
    assert len(cards) == 5


def test_bench_metro_weighted(benchmark, store):
    mv = benchmark(metro_value, store, catalog.get("poverty_rate"), 2024, "agglomeration")
    assert mv.complete


def test_bench_overview_rerun(benchmark):
    """A full rerun of the overview page (AppTest, warm caches)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()

    def rerun():
        at.run()
        return at

    result = benchmark(rerun)
    assert not result.exception
