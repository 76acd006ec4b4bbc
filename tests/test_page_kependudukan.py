"""AppTest of the population page (Kependudukan): every figure the page shows is checked
against values read from data/*.csv, in both languages, with the view read from and written
back to the URL."""
import pytest
from support.apptest import figures, metric, open_page, table, text_of
from support.data import REGIONS_BY_CODE as REGIONS
from support.data import values

from jabodash.core import fmt


def test_population_page_figures_match_the_data():
    at = open_page("kependudukan")
    assert at.title[0].value == "Kependudukan"
    pop = values("population_census", 2020)
    assert len(pop) == 15
    assert metric(at, "Penduduk (sensus 2020)") == fmt.compact(pop.sum(), "id")
    assert metric(at, "Kepadatan (sensus 2020)") == fmt.number(pop.sum() / REGIONS["area_km2"].sum(), 0, "id")
    assert metric(at, "Terdaftar Dukcapil 2024") == fmt.compact(values("population_dukcapil", 2024).sum(), "id")
    assert metric(at, "Proyeksi/estimasi BPS 2023") == "belum lengkap"
    assert "11 dari 15 wilayah" in text_of(at.caption)
    census = table(at, "census_table").set_index("Kode BPS")
    for code, population in pop.items():
        row = census.loc[code]
        assert row["Penduduk (jiwa)"] == population
        # a region's density is its population over its official area
        assert row["Kepadatan (jiwa/km²)"] == pytest.approx(population / REGIONS.loc[code, "area_km2"], abs=0.051)
        assert row["Pangsa terhadap metro (%)"] == pytest.approx(population / pop.sum() * 100, abs=0.0051)
    p2010 = values("population_census", 2010)
    growth = ((pop[p2010.index] / p2010) ** (1 / 10.33) - 1) * 100
    for code, rate in growth.items():
        assert census.loc[code, "Pertumbuhan 2010–2020 (%/tahun)"] == pytest.approx(rate, abs=0.0051)
    assert census["Pertumbuhan 2010–2020 (%/tahun)"].isna().sum() == 2  # no SP2010 for Kep. Seribu, Cianjur
    assert at.query_params["year"] == "2020"


def test_population_page_charts_state_unit_year_coverage_and_gaps():
    at = open_page("kependudukan")
    figs = figures(at)
    titles = [f["layout"]["title"]["text"] for f in figs]
    assert any("ribu jiwa" in t for t in titles)
    assert any("Kepadatan" in t and "2020 · 15 dari 15 wilayah" in t for t in titles)
    assert any("Laju pertumbuhan" in t and "13 dari 15 wilayah" in t for t in titles)
    sankey = next(f for f in figs if f["data"][0]["type"] == "sankey")
    assert "3 dari 8 asal Bodetabek dirinci" in sankey["layout"]["title"]["text"]
    itemised = sorted(sankey["data"][0]["link"]["value"])
    assert 1_380_000 not in itemised and 359531 in itemised
    notes = " ".join(a["text"] for a in sankey["layout"]["annotations"])
    assert "1.380.000" in notes and "Sumber:" in notes
    for f in figs:  # every figure names its source inside the figure
        assert any(a["text"].startswith("Sumber:") for a in f["layout"].get("annotations", [])), f["layout"]["title"]
    assert "3 dari 8 kab/kota Bodetabek" in text_of(at.markdown)
    assert len(at.get("download_button")) >= 6


def test_population_census_2010_in_english_from_the_url():
    at = open_page("kependudukan", lang="en", year="2010")
    assert at.title[0].value == "Population"
    assert at.selectbox(key="w_pop_year").value == 2010
    assert metric(at, "Population (census 2010)") == "incomplete"
    assert "13 of 15 regions" in text_of(at.caption)
    assert "No shares of the metro for census 2010: census counts exist for 13 of 15 regions" in text_of(at.info)
    census = table(at, "census_table")
    assert census["Share of metro (%)"].isna().all()
    assert census["Population (persons)"].isna().sum() == 2
    at.selectbox(key="w_pop_year").set_value(2020).run()
    assert not at.exception
    assert at.query_params["year"] == "2020" and at.query_params["lang"] == "en"
    assert metric(at, "Population (census 2020)") == fmt.compact(values("population_census", 2020).sum(), "en")


def test_population_jabodetabek_and_language_switch():
    at = open_page("kependudukan", region_set="jabodetabek")
    codes = REGIONS.index[REGIONS.in_jabodetabek]
    assert metric(at, "Penduduk (sensus 2020)") == fmt.compact(values("population_census", 2020, codes).sum(), "id")
    assert "14 dari 14 wilayah" in text_of(at.caption)
    assert len(table(at, "census_table")) == 14
    at.radio(key="w_lang").set_value("en").run()
    assert at.title[0].value == "Population"
    assert at.query_params["lang"] == "en" and at.query_params["region_set"] == "jabodetabek"


def test_population_bad_year_falls_back_with_notice():
    at = open_page("kependudukan")
    at.query_params["year"] = "abc"
    at.run()
    assert not at.exception
    assert any("tidak valid" in t.value and "abc" in t.value for t in at.toast)
    assert at.selectbox(key="w_pop_year").value == 2020
    assert at.query_params["year"] == "2020"
