"""Derived figures (density, per 100,000) over the layered observations: a saved BPS refresh with
precedence replaces a built-in population figure, and the density and per-100,000 figures of that
region and year are computed from the refreshed population (their note names the refresh); a
refresh without precedence leaves them as built; without a refresh they equal the store's."""
import pandas as pd
import pytest

from jabodash.store import get_store, overlay, shelf
from jabodash.store.datasource import DataSource

DS = "bps_refresh_test"
REGION, YEAR = "3275", 2024   # Kota Bekasi; 2024 is no census year: the BPS estimate is the denominator


def refresh_bundle(rows: list[tuple], precedence: bool = True) -> overlay.Uploads:
    obs = pd.DataFrame(rows, columns=["region_code", "indicator_id", "year", "value"])
    obs = obs.assign(dataset_id=DS, note="BPS WebAPI var test", precedence=precedence)
    meta = {"kind": "bps_refresh", "grade": "official", "title": "Refresh (test)",
            "official": {"precedence": precedence, "tables": [{}]}}
    return overlay.build([(DS, meta, obs, pd.DataFrame(columns=shelf.IND_COLUMNS), "official")])


def figure(bundle, indicator_id: str, region=REGION, year=YEAR) -> dict:
    rows = overlay.overlay(get_store().path, bundle).execute(
        "SELECT * FROM observation_all WHERE indicator_id = ? AND region_code = ? AND year = ?",
        [indicator_id, region, year]).df()
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


@pytest.fixture(scope="module")
def built():
    store = get_store()
    area = store.con.execute("SELECT area_km2 FROM region WHERE code = ?", [REGION]).fetchone()[0]
    population = figure(overlay.build([]), "population_estimate_bps")["value"]
    puskesmas = figure(overlay.build([]), "puskesmas")["value"]
    return area, population, puskesmas


def test_without_a_refresh_the_derived_figures_are_the_stores():
    store = get_store()
    layered = overlay.overlay(store.path, overlay.build([])).execute(
        "SELECT * EXCLUDE (provenance) FROM observation_all WHERE derived ORDER BY ALL").df()
    stored = store.con.execute("SELECT * FROM observation_all WHERE derived ORDER BY ALL").df()
    assert len(layered) > 100 and layered.equals(stored)


def test_a_refreshed_population_with_precedence_is_what_density_and_rates_use(built):
    area, population, puskesmas = built
    bundle = refresh_bundle([(REGION, "population_estimate_bps", YEAR, population * 2)])
    density = figure(bundle, "population_density_estimate")
    assert density["value"] == pytest.approx(population * 2 / area)
    # the note names the refresh; the grade is the weakest of its inputs: the refresh (official)
    # and the BIG area (secondary since the audit of issue 23: a personal repository's transcription)
    assert density["derived"] and f"population_estimate_bps {YEAR} ({DS})" in density["note"]
    assert density["grade"] == figure(overlay.build([]), "area_km2_big")["grade"] == "secondary"
    rate = figure(bundle, "puskesmas_per_100k")
    assert rate["value"] == pytest.approx(puskesmas / (population * 2) * 100_000)
    # another region keeps the built-in figures
    other = figure(bundle, "population_density_estimate", region="3276")
    assert other["value"] == figure(overlay.build([]), "population_density_estimate", region="3276")["value"]


def test_the_pages_read_the_refreshed_density_and_its_denominator(built):
    area, population, puskesmas = built
    source = DataSource.over(get_store(), refresh_bundle([(REGION, "population_estimate_bps", YEAR, population * 2)]))
    values = source.values("population_density_estimate", YEAR, "agglomeration").set_index("region_code")
    assert values.loc[REGION, "value"] == pytest.approx(population * 2 / area)
    parts = get_store().query_with(refresh_bundle([(REGION, "population_estimate_bps", YEAR, population * 2)]),
                                   "layanan_per_100k", indicator_id="puskesmas_per_100k", year=YEAR,
                                   region_set="agglomeration").set_index("region_code")
    assert parts.loc[REGION, "population"] == population * 2
    assert parts.loc[REGION, "population_dataset_id"] == DS
    assert parts.loc[REGION, "value"] == pytest.approx(puskesmas / (population * 2) * 100_000)


def test_a_refresh_without_precedence_leaves_the_derived_figures_as_built(built):
    area, population, _ = built
    bundle = refresh_bundle([(REGION, "population_estimate_bps", YEAR, population * 2)], precedence=False)
    assert figure(bundle, "population_estimate_bps")["value"] == population
    assert figure(bundle, "population_density_estimate")["value"] == pytest.approx(population / area)
