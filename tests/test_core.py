"""Unit tests of jabodash.core: view state, translations, formatting, text safety, catalog."""
import pytest

from jabodash.core import catalog, fmt, i18n, state
from jabodash.core.textsafe import md_escape

# --- view state <-> URL ---------------------------------------------------------------

def test_state_round_trip():
    s = state.ViewState(lang="en", region_set="jabodetabek", indicator="ipm", year=2023,
                        regions=("3171", "3276"), map_type="tiles", classes=4)
    params = state.to_params(s)
    assert params == {"lang": "en", "region_set": "jabodetabek", "indicator": "ipm", "year": "2023",
                      "map_type": "tiles", "classes": "4", "regions": "3171,3276"}
    parsed = state.from_params(params, {"ipm"}, {"3171", "3276"})
    assert parsed.state == s and parsed.notices == []


def test_state_defaults_are_left_out_of_links():
    assert state.to_params(state.ViewState()) == {}


@pytest.mark.parametrize("params,key,reason", [
    ({"lang": "fr"}, "lang", "state.notice.invalid"),
    ({"year": "20x4"}, "year", "state.notice.invalid"),
    ({"year": "1492"}, "year", "state.notice.invalid"),
    ({"classes": "12"}, "classes", "state.notice.invalid"),
    ({"indicator": "<img src=x>"}, "indicator", "state.notice.unknown_indicator"),
    ({"regions": "3171,9999"}, "regions", "state.notice.unknown_region"),
    ({"story": "../../etc"}, "story", "state.notice.invalid"),
])
def test_bad_parameters_fall_back_with_a_notice(params, key, reason):
    parsed = state.from_params(params, {"ipm"}, {"3171"})
    assert [(n[0], n[2]) for n in parsed.notices] == [(key, reason)]
    if key == "regions":
        assert parsed.state.regions == ("3171",)
    else:
        assert getattr(parsed.state, key) == getattr(state.ViewState(), key)


def test_list_valued_params_take_the_last_and_long_values_are_cut():
    parsed = state.from_params({"lang": ["id", "en"], "indicator": "x" * 5000})
    assert parsed.state.lang == "en"
    assert parsed.state.indicator == "x" * 200


def test_map_extent_and_compare_indicators_round_trip():
    s = state.ViewState(fit="jakarta", indicators=("ipm", "poverty_rate"))
    params = state.to_params(s)
    assert params == {"fit": "jakarta", "indicators": "ipm,poverty_rate"}
    assert state.from_params(params, {"ipm", "poverty_rate"}).state == s
    parsed = state.from_params({"fit": "world", "indicators": "ipm,nope,ipm", "basemap": "osm"}, {"ipm"})
    assert parsed.state.fit == "all" and parsed.state.indicators == ("ipm",)
    assert ("fit", "world", "state.notice.invalid") in parsed.notices
    assert ("indicators", "nope", "state.notice.unknown_indicator") in parsed.notices
    # no URL parameter switches the online OpenStreetMap background on
    assert "basemap" not in {f.name for f in state.fields(state.ViewState)}


# --- translations -----------------------------------------------------------------------

def test_every_key_exists_in_both_languages():
    ids, ens = set(i18n.strings("id")), set(i18n.strings("en"))
    assert ids - ens == set(), "missing in English"
    assert ens - ids == set(), "missing in Indonesian"


def test_translation_formats_and_falls_back():
    assert i18n.t("common.coverage", "id", covered=13, total=15) == "13 dari 15 wilayah"
    assert i18n.t("common.coverage", "en", covered=13, total=15) == "13 of 15 regions"
    assert i18n.t("common.coverage", "xx", covered=1, total=2) == "1 dari 2 wilayah"
    assert i18n.t("no.such.key", "en") == "no.such.key"


# --- formatting ---------------------------------------------------------------------------

def test_number_formats():
    assert fmt.number(1234567.891, 2, "id") == "1.234.567,89"
    assert fmt.number(1234567.891, 2, "en") == "1,234,567.89"
    assert fmt.number(None, 1, "id") == "–"
    assert fmt.number(float("nan"), 1, "en", missing="no data") == "no data"
    assert fmt.compact(33_720_000, "id") == "33,72 juta"
    assert fmt.compact(1.5e12, "en") == "1.50 trillion"


@pytest.mark.parametrize("values,expected", [([1, 2, 3.0], 0), ([1.5, 2], 1), ([12.25], 2), ([1.2345], 2),
                                             ([], 0), ([float("nan"), 4], 0), ([1e9, 0.1], 1)])
def test_decimals_for_uploaded_values(values, expected):
    from jabodash.core.fmt import decimals_for
    assert decimals_for(values) == expected


def test_joined_skips_empty_parts():
    from jabodash.core.fmt import joined
    assert joined("", 2024, "15 dari 15 wilayah") == "2024 · 15 dari 15 wilayah"
    assert joined("jiwa", None, "x") == "jiwa · x"


def test_compact_short_form_for_map_labels():
    assert fmt.compact(1_904_000, "id") == "1,90 juta" and fmt.compact(1_904_000, "en") == "1.90 million"
    assert fmt.compact(1_904_000, "id", short=True) == "1,90 jt"
    assert fmt.compact(1_904_000, "en", short=True) == "1.90 M"
    assert fmt.compact(2.5e9, "en", short=True) == "2.50 bn"


# --- text safety ----------------------------------------------------------------------------

@pytest.mark.parametrize("hostile", ["[click](http://evil)", "<script>alert(1)</script>",
                                     "**bold** _it_", ":red[alarm]", "![img](x.png)", "=HYPERLINK()"])
def test_md_escape_neutralises_markdown(hostile):
    escaped = md_escape(hostile)
    for ch in "[]()<>*_:!=":
        assert ch not in escaped.replace("\\" + ch, "")


# --- catalog -------------------------------------------------------------------------------

def test_catalog_entries_and_series_separation():
    cat = catalog.load_catalog()
    assert cat["ipm"].aggregation == "min_max" and cat["ipm_lfsp2020"].aggregation == "min_max"
    assert cat["poverty_rate"].weight_indicator == "population_census"
    assert cat["poverty_rate"].weight_year == 2020
    assert cat["population_density_census"].derived and cat["population_density_census"].formula("en")
    for series in ("population_census", "population_estimate_bps", "population_dukcapil"):
        assert series in cat and cat[series].definition("en")
    assert cat["poverty_rate"].higher_is_better is False
    assert cat["population_census"].higher_is_better is None
    frame = catalog.catalog_frame()
    assert list(frame.columns) == catalog.COLUMNS and frame["id"].is_unique
