"""The indicator catalog data/indicators.toml agrees with the embedded data and with its own schema.

The schema is described at the top of data/indicators.toml. These tests read the file directly
(tomllib + pandas), so they do not depend on jabodash.core.catalog.
"""
from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).resolve().parent.parent / "data"

THEMES = {"kependudukan", "wilayah", "layanan_publik", "ekonomi", "kerja_sama"}
KINDS = {"observed", "derived", "flow"}
AGGREGATIONS = {"sum", "weighted_mean", "ratio", "min_max", "none"}
DERIVATIONS = {"density", "cagr_census", "per_100k"}
SPECIAL_DENOMINATORS = {"area", "population_best"}
SHORT_MAX = 18

KEY_ORDER = [
    "id", "theme", "kind", "name_id", "name_en", "short_id", "short_en", "unit_id", "unit_en",
    "definition_id", "definition_en", "higher_is_better", "aggregation", "weight_indicator", "weight_year",
    "numerator", "denominator", "derivation", "formula_id", "formula_en", "decimals", "source_note",
]
REQUIRED = [
    "id", "theme", "kind", "name_id", "name_en", "short_id", "short_en", "unit_id", "unit_en",
    "definition_id", "definition_en", "aggregation", "decimals", "source_note",
]
BILINGUAL = ["name", "short", "unit", "definition", "formula"]

# Derived indicators the dashboard computes (see the brief in the catalog header).
PER_100K_NUMERATORS = [
    "hospitals_general", "hospitals_maternity", "hospitals_special", "hospitals_total", "hospitals_rsud",
    "clinics", "posyandu", "puskesmas", "doctors", "nurses", "midwives", "schools_total_dapodik",
    "schools_sd", "schools_smp", "schools_sma", "schools_smk",
]
EXPECTED_DERIVED = {"population_density_census", "population_density_estimate", "population_growth_2010_2020"} | {
    f"{n}_per_100k" for n in PER_100K_NUMERATORS
}
FLOW_IDS = {"commuters_to_destination", "commuters_any_destination", "commuting_workers_any_destination"}


@pytest.fixture(scope="module")
def doc() -> dict:
    with (DATA / "indicators.toml").open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def catalog(doc) -> list[dict]:
    return doc["indicator"]


@pytest.fixture(scope="module")
def by_id(catalog) -> dict[str, dict]:
    return {e["id"]: e for e in catalog}


@pytest.fixture(scope="module")
def observations() -> pd.DataFrame:
    return pd.read_csv(DATA / "observations.csv", dtype={"region_code": str})


@pytest.fixture(scope="module")
def flows() -> pd.DataFrame:
    return pd.read_csv(DATA / "flows.csv", dtype=str)


@pytest.fixture(scope="module")
def region_codes() -> set[str]:
    return set(pd.read_csv(DATA / "regions.csv", dtype={"code": str})["code"])


def test_file_holds_only_indicator_tables(doc):
    assert list(doc) == ["indicator"]
    assert isinstance(doc["indicator"], list) and doc["indicator"]
    assert all(isinstance(e, dict) for e in doc["indicator"])


def test_ids_unique(catalog):
    counts = Counter(e["id"] for e in catalog)
    assert [i for i, n in counts.items() if n > 1] == []


def test_every_observed_indicator_has_exactly_one_entry(catalog, observations):
    counts = Counter(e["id"] for e in catalog)
    assert observations["indicator_id"].nunique() > 0
    for indicator_id in sorted(observations["indicator_id"].unique()):
        assert counts[indicator_id] == 1, indicator_id


def test_every_flow_indicator_has_exactly_one_entry(catalog, flows):
    counts = Counter(e["id"] for e in catalog)
    assert set(flows["indicator_id"]) == FLOW_IDS
    for indicator_id in sorted(flows["indicator_id"].unique()):
        assert counts[indicator_id] == 1, indicator_id


def test_kind_matches_where_the_data_lives(catalog, observations, flows):
    observed = set(observations["indicator_id"])
    flowing = set(flows["indicator_id"])
    for e in catalog:
        if e["kind"] == "observed":
            assert e["id"] in observed, e["id"]
        elif e["kind"] == "flow":
            assert e["id"] in flowing, e["id"]
            assert e["theme"] == "kependudukan", e["id"]
        else:
            assert e["id"] not in observed | flowing, f"{e['id']} is derived but stored in the data"


def test_expected_derived_indicators_present(catalog):
    derived = {e["id"] for e in catalog if e["kind"] == "derived"}
    assert derived == EXPECTED_DERIVED


def test_keys_known_required_and_in_schema_order(catalog):
    for e in catalog:
        keys = list(e)
        assert set(keys) <= set(KEY_ORDER), (e["id"], set(keys) - set(KEY_ORDER))
        assert keys == [k for k in KEY_ORDER if k in e], f"{e['id']}: keys out of order"
        missing = [k for k in REQUIRED if k not in e]
        assert missing == [], (e["id"], missing)


def test_allowed_values(catalog):
    for e in catalog:
        assert e["theme"] in THEMES, e["id"]
        assert e["kind"] in KINDS, e["id"]
        assert e["aggregation"] in AGGREGATIONS, e["id"]
        if "derivation" in e:
            assert e["derivation"] in DERIVATIONS, e["id"]
        if "higher_is_better" in e:
            assert isinstance(e["higher_is_better"], bool), e["id"]
        assert isinstance(e["decimals"], int) and not isinstance(e["decimals"], bool), e["id"]
        assert 0 <= e["decimals"] <= 4, e["id"]


def test_every_string_field_non_empty_in_both_languages(catalog):
    for e in catalog:
        for key, value in e.items():
            if isinstance(value, str):
                assert value.strip(), f"{e['id']}.{key} is empty"
                assert value == value.strip(), f"{e['id']}.{key} has stray whitespace"
        for stem in BILINGUAL:
            present = [f"{stem}_{lang}" in e for lang in ("id", "en")]
            assert present[0] == present[1], f"{e['id']}: {stem}_id / {stem}_en must come in pairs"


def test_short_names_fit_chart_labels(catalog):
    for e in catalog:
        for lang in ("id", "en"):
            short = e[f"short_{lang}"]
            assert len(short) <= SHORT_MAX, (e["id"], lang, short, len(short))


def test_names_unique_per_language(catalog):
    for key in ("name_id", "name_en", "short_id", "short_en"):
        counts = Counter(e[key] for e in catalog)
        assert [n for n, c in counts.items() if c > 1] == [], key


def test_unit_en_is_the_unit_in_observations(catalog, observations):
    units = observations.groupby("indicator_id")["unit"].unique()
    for e in catalog:
        if e["kind"] == "observed":
            assert list(units[e["id"]]) == [e["unit_en"]], e["id"]


def test_weighted_mean_names_a_complete_weight(catalog, by_id, observations, region_codes):
    for e in catalog:
        if e["aggregation"] != "weighted_mean":
            assert "weight_indicator" not in e and "weight_year" not in e, e["id"]
            continue
        weight, year = e["weight_indicator"], e["weight_year"]
        assert weight in by_id, (e["id"], weight)
        assert isinstance(year, int) and not isinstance(year, bool), e["id"]
        rows = observations[(observations["indicator_id"] == weight) & (observations["year"] == year)]
        assert set(rows["region_code"]) == region_codes, f"{e['id']}: {weight} {year} lacks regions"
        assert rows["value"].notna().all() and (rows["value"] > 0).all(), e["id"]
        assert "SP2020" in e["definition_id"] and "SP2020" in e["definition_en"], (
            f"{e['id']}: the definition must say that the metro value uses fixed SP2020 weights")


def test_ratio_and_derived_name_existing_parts(catalog, by_id):
    for e in catalog:
        needs_parts = e["aggregation"] == "ratio" or e["kind"] == "derived"
        if not needs_parts:
            assert "numerator" not in e and "denominator" not in e, e["id"]
            continue
        assert e.get("numerator") in by_id, (e["id"], e.get("numerator"))
        assert e["numerator"] != e["id"], e["id"]
        if e["aggregation"] == "ratio":
            assert "denominator" in e, e["id"]
            # a ratio adds numerators and denominators across regions, so both must be additive
            assert by_id[e["numerator"]]["aggregation"] == "sum", e["id"]
        if "denominator" in e:
            den = e["denominator"]
            assert den in SPECIAL_DENOMINATORS or den in by_id, (e["id"], den)
            if den in by_id:
                assert by_id[den]["aggregation"] == "sum", e["id"]


def test_derived_entries_carry_derivation_and_formula(catalog):
    for e in catalog:
        derived_keys = {"derivation", "formula_id", "formula_en"}
        if e["kind"] != "derived":
            assert not derived_keys & set(e), e["id"]
            continue
        assert derived_keys <= set(e), e["id"]
        d = e["derivation"]
        if d == "density":
            assert e["denominator"] == "area" and e["aggregation"] == "ratio", e["id"]
            assert "BIG" in e["formula_id"] and "BIG" in e["formula_en"], e["id"]
        elif d == "cagr_census":
            assert e["numerator"] == "population_census", e["id"]
            assert "10,33" in e["formula_id"] and "10.33" in e["formula_en"], e["id"]
            assert e["aggregation"] == "none" and "higher_is_better" not in e, e["id"]
        elif d == "per_100k":
            assert e["id"] == f"{e['numerator']}_per_100k", e["id"]
            assert e["denominator"] == "population_best" and e["aggregation"] == "ratio", e["id"]
            assert e["theme"] == "layanan_publik" and e["higher_is_better"] is True, e["id"]
            # the formula must say what population_best is: census when it exists, else BPS estimate
            assert "sensus" in e["formula_id"] and "proyeksi" in e["formula_id"], e["id"]
            assert "census" in e["formula_en"] and "estimate" in e["formula_en"], e["id"]


def test_separate_series_stay_separate(by_id):
    """Sibling series that must not be mixed each have their own entry and say why."""
    for a, b in [("ipm", "ipm_lfsp2020"), ("population_census", "population_census_sp2010_preliminary")]:
        assert a in by_id and b in by_id
    # the older IPM (var 413) says it was superseded and why it must not be mixed with the current one
    assert "superseded" in by_id["ipm"]["definition_en"] and "ipm_lfsp2020" in by_id["ipm"]["definition_en"]
    assert "digantikan" in by_id["ipm"]["definition_id"] and "ipm_lfsp2020" in by_id["ipm"]["definition_id"]
    assert "Never mix" in by_id["ipm_lfsp2020"]["definition_en"] and "var 413" in by_id["ipm_lfsp2020"]["definition_en"]
    assert "UNSURE" in by_id["ipm_lfsp2020"]["source_note"]   # the DKI 2021-2023 values are identified by level
    for series in ("ipm", "ipm_lfsp2020"):
        assert by_id[series]["aggregation"] == "min_max"
    assert by_id["area_km2_big"]["aggregation"] == "sum"
    assert by_id["population_density_published"]["aggregation"] == "none"


def test_resolved_conflicts_are_mentioned(by_id):
    conflicts = pd.read_csv(DATA / "conflicts.csv")
    assert len(conflicts) > 0
    for indicator_id in set(conflicts["indicator_id"]):
        assert "CONFLICT RESOLVED" in by_id[indicator_id]["source_note"], indicator_id


def test_entries_grouped_by_theme(catalog):
    order = [e["theme"] for e in catalog]
    seen: list[str] = []
    for theme in order:
        if not seen or seen[-1] != theme:
            assert theme not in seen, f"theme {theme} appears in two separate blocks"
            seen.append(theme)
