"""Store, queries, derived views and metro aggregation, checked against data/ values."""
import math

import duckdb
import pandas as pd
import pytest

from jabodash.core import catalog
from jabodash.core.paths import DATA_DIR
from jabodash.store import QueryNotFound, Store, aggregate, build_database, database_path, load_query

OBS = pd.read_csv(DATA_DIR / "observations.csv", dtype={"region_code": str})
REGIONS = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str}).set_index("code")


def obs(region, indicator, year):
    row = OBS[(OBS.region_code == region) & (OBS.indicator_id == indicator) & (OBS.year == year)]
    assert len(row) == 1
    return float(row.value.iloc[0])


def test_tables_hold_every_row_of_data(store):
    cur = store.cursor()
    assert cur.execute("SELECT count(*) FROM observation").fetchone()[0] == len(OBS)
    assert cur.execute("SELECT count(*) FROM region").fetchone()[0] == 15
    assert cur.execute("SELECT count(*) FROM region WHERE in_jabodetabek").fetchone()[0] == 14
    assert cur.execute("SELECT count(*) FROM region WHERE in_agglomeration").fetchone()[0] == 15
    n_ind = cur.execute("SELECT count(*) FROM indicator").fetchone()[0]
    assert n_ind == len(catalog.load_catalog())
    # every observation's dataset exists
    assert cur.execute("SELECT count(*) FROM observation o ANTI JOIN dataset d ON d.id = o.dataset_id").fetchone()[0] == 0


def test_connection_is_read_only(store):
    with pytest.raises(duckdb.Error):
        store.cursor().execute("DELETE FROM observation")
    with pytest.raises(duckdb.Error):
        store.cursor().execute("CREATE TABLE x (a INT)")


def test_database_is_rebuilt_atomically(tmp_path):
    path = build_database(tmp_path / "a.duckdb")
    s = Store(path)
    assert s.query("regions", region_set="jabodetabek")["code"].tolist()[:2] == ["3101", "3171"]
    s.close()
    assert not list(tmp_path.glob(".build-*"))


def test_unknown_or_unsafe_query_names_are_refused():
    for name in ("nope", "../etc/passwd", "regions;drop", "REGIONS", ""):
        with pytest.raises(QueryNotFound):
            load_query(name)


def test_regions_query_by_set(store):
    j = store.query("regions", region_set="jabodetabek")
    a = store.query("regions", region_set="agglomeration")
    assert len(j) == 14 and len(a) == 15
    assert set(a.code) - set(j.code) == {"3203"}
    assert a.set_index("code").loc["3171", "kemendagri_code"] == "31.74"


def test_indicator_values_keep_gaps_as_rows(store):
    v = store.query("indicator_values", indicator_id="population_census", year=2010, region_set="agglomeration")
    assert len(v) == 15
    missing = set(v[v.value.isna()].region_code)
    assert missing == {"3101", "3203"}  # SP2010 final not found for Kep. Seribu and Cianjur
    depok = v.set_index("region_code").loc["3276"]
    assert depok.value == obs("3276", "population_census", 2010)
    assert depok.source  # every figure names its source


def test_derived_density_equals_population_over_area(store):
    v = store.query("indicator_values", indicator_id="population_density_census", year=2020,
                    region_set="agglomeration").set_index("region_code")
    for code in ("3276", "3173", "3203"):
        expected = obs(code, "population_census", 2020) / REGIONS.loc[code, "area_km2"]
        assert v.loc[code, "value"] == pytest.approx(expected)
        assert bool(v.loc[code, "derived"]) is True
        assert "population_census" in v.loc[code, "note"]


def test_derived_growth_is_compound_annual_rate(store):
    v = store.query("indicator_values", indicator_id="population_growth_2010_2020", year=2020,
                    region_set="agglomeration").set_index("region_code")
    p10, p20 = obs("3276", "population_census", 2010), obs("3276", "population_census", 2020)
    assert v.loc["3276", "value"] == pytest.approx(((p20 / p10) ** (1 / 10.33) - 1) * 100)
    assert math.isnan(v.loc["3203", "value"]) or pd.isna(v.loc["3203", "value"])  # no SP2010 for Cianjur


def test_per_100k_uses_census_or_estimate_of_the_same_year(store):
    s = store.query("indicator_series", indicator_id="posyandu_per_100k", region_set="agglomeration")
    assert not s.empty
    row = s.iloc[0]
    count = obs(row.region_code, "posyandu", int(row.year))
    cur = store.cursor()
    pop = cur.execute("SELECT value FROM population_best WHERE region_code = ? AND year = ?",
                      [row.region_code, int(row.year)]).fetchone()[0]
    assert row.value == pytest.approx(count / pop * 100000)


def test_metro_sum_is_complete_or_absent(store):
    ind = catalog.get("population_census")
    full = aggregate.metro_value(store, ind, 2020, "agglomeration")
    assert full.complete and full.covered == 15
    expected = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].value.sum()
    assert full.value == pytest.approx(expected)
    partial = aggregate.metro_value(store, ind, 2010, "agglomeration")
    assert partial.value is None and partial.covered == 13 and partial.total == 15
    assert set(partial.missing) == {"3101", "3203"}


def test_metro_weighted_mean_uses_census_weights(store):
    ind = catalog.get("poverty_rate")
    mv = aggregate.metro_value(store, ind, 2020, "jabodetabek")
    pov = OBS[(OBS.indicator_id == "poverty_rate") & (OBS.year == 2020)].set_index("region_code").value
    pop = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].set_index("region_code").value
    codes = REGIONS[REGIONS.in_jabodetabek].index
    expected = (pov[codes] * pop[codes]).sum() / pop[codes].sum()
    assert mv.value == pytest.approx(expected) and mv.covered == 14


def test_metro_ratio_density(store):
    ind = catalog.get("population_density_census")
    mv = aggregate.metro_value(store, ind, 2020, "agglomeration")
    pop = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].value.sum()
    assert mv.value == pytest.approx(pop / REGIONS.area_km2.sum())


def test_metro_min_max_for_ipm(store):
    mv = aggregate.metro_value(store, catalog.get("ipm"), 2024, "agglomeration")
    ipm = OBS[(OBS.indicator_id == "ipm") & (OBS.year == 2024)].value
    assert mv.value is None and mv.minimum == ipm.min() and mv.maximum == ipm.max()


def test_database_path_is_stable():
    # not compared with the process-wide store: an earlier test may have made it under another cache dir
    from jabodash.core.paths import cache_dir
    first = database_path()
    assert database_path() == first and first.exists()
    assert first.parent == cache_dir() / "db" and first.name.startswith("jabodash-")
