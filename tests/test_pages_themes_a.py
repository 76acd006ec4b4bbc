"""AppTest of the population, public-services and cooperation pages: every figure the page
shows is checked against values read from data/*.csv, in both languages, with the view
read from and written back to the URL."""
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from jabodash.core import fmt
from jabodash.core.catalog import get as ind
from jabodash.core.paths import DATA_DIR, ROOT

OBS = pd.read_csv(DATA_DIR / "observations.csv", dtype={"region_code": str})
REGIONS = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str}).set_index("code")
APP = str(ROOT / "app.py")


def values(indicator, year, codes=None):
    rows = OBS[(OBS.indicator_id == indicator) & (OBS.year == year)]
    if codes is not None:
        rows = rows[rows.region_code.isin(codes)]
    return rows.set_index("region_code")["value"]


def open_page(page: str, keep_sidebar: bool = True, **params) -> AppTest:
    """Run app.py (so st.navigation registers the pages), then switch to the page."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if keep_sidebar:
        # Widget ids differ per page, so a page switch resets the shared sidebar radios to
        # their first option (a fix for ui.page_setup is proposed; the xfail test
        # test_page_switch_keeps_the_sidebar tracks it). Choose them again, as a user would.
        wanted = {"w_lang": params.get("lang", "id"), "w_region_set": params.get("region_set", "agglomeration")}
        for key, value in wanted.items():
            if at.radio(key=key).value != value:
                at.radio(key=key).set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at, label):
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}: {[m.label for m in at.metric]}")


TABLE_COLUMN = {  # a column that only this table has, per language
    "census_table": ("Kode BPS", "BPS code"),
    "services_table": ("Per 100.000 penduduk", "Per 100,000 people"),
    "links_table": ("Anggota Jabodetabek", "Member of Jabodetabek"),
    "other_table": ("Cakupan terluas", "Widest coverage"),
}


def table(at, key):
    """The st.dataframe with the given key (found by a column only it has)."""
    frames = [df.value for df in at.dataframe if set(TABLE_COLUMN[key]) & set(df.value.columns)]
    assert len(frames) == 1, key
    return frames[0]


def text_of(elements):
    return " ".join(e.value for e in elements)


def figures(at):
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


# ---------------------------------------------------------------- Kependudukan

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


# ---------------------------------------------------------------- Layanan publik

def per_100k(count, year, series="population_census"):
    counts = values(count, year)
    pop = values(series, year)
    both = counts.index.intersection(pop.index)
    return counts[both] / pop[both] * 100_000


def test_services_page_default_doctors_against_the_median():
    at = open_page("layanan")
    assert at.title[0].value == "Layanan publik"
    assert at.selectbox(key="w_svc_indicator").value == "doctors_per_100k"
    expected = per_100k("doctors", 2020)
    assert len(expected) == 6
    decimals = ind("doctors_per_100k").decimals
    assert metric(at, "Wilayah dengan data") == "6 / 15"
    assert metric(at, "Nilai metro") == "tidak tersedia"
    assert metric(at, "Median wilayah berdata") == fmt.number(expected.median(), decimals, "id")
    assert metric(at, "Penyebut (penduduk)") == "Sensus 2020"
    assert "hanya 6 dari 15 wilayah" in text_of(at.info) and "bukan nilai metro" in text_of(at.info)
    assert "hanya ada untuk unit di DKI Jakarta" in text_of(at.caption)
    assert "jumlah dokter / penduduk × 100.000" in text_of(at.markdown).replace("\\", "")
    shown = table(at, "services_table").set_index("Wilayah")
    for code, value in expected.items():
        row = shown.loc[REGIONS.loc[code, "short_name"]]
        assert row["Per 100.000 penduduk"] == pytest.approx(value, abs=0.0051)
        assert row["Jumlah"] == values("doctors", 2020)[code]
        assert row["Penduduk penyebut"] == values("population_census", 2020)[code]
        assert row["Seri penduduk"] == "Sensus 2020"
    assert shown["Per 100.000 penduduk"].isna().sum() == 9
    fig = next(f for f in figures(at) if "Dokter" in f["layout"]["title"]["text"])
    assert "2020 · 6 dari 15 wilayah" in fig["layout"]["title"]["text"]
    assert any(a["text"].startswith("median 6 wilayah (bukan metro)") for a in fig["layout"]["annotations"])
    assert "RSUD per 100.000 penduduk" in text_of(at.caption).replace("\\", "")  # the indicator without any figure is named
    assert at.query_params["indicator"] == "doctors_per_100k" and at.query_params["year"] == "2020"


def test_services_clinics_2023_in_english_from_the_url():
    at = open_page("layanan", lang="en", indicator="clinics_per_100k", year="2023")
    assert at.title[0].value == "Public services"
    assert at.selectbox(key="w_svc_year").value == 2023
    expected = per_100k("clinics", 2023, "population_estimate_bps")
    assert sorted(expected.index) == ["3173", "3174", "3175"]
    assert metric(at, "Regions with data") == "3 / 15"
    assert metric(at, "Denominator (population)") == "BPS projection 2023"
    assert metric(at, "Median of regions with data") == fmt.number(expected.median(), ind("clinics_per_100k").decimals, "en")
    shown = table(at, "services_table").set_index("Region")
    for code, value in expected.items():
        assert shown.loc[REGIONS.loc[code, "short_name"], "Per 100,000 people"] == pytest.approx(value, abs=0.0051)
    assert at.query_params["indicator"] == "clinics_per_100k"


def test_services_changing_indicator_and_too_few_regions():
    at = open_page("layanan", lang="en")
    at.selectbox(key="w_svc_indicator").set_value("clinics_per_100k").run()
    assert not at.exception
    assert at.query_params["indicator"] == "clinics_per_100k"
    assert at.selectbox(key="w_svc_year").value in (2022, 2023, 2024)
    at.selectbox(key="w_svc_year").set_value(2024).run()
    assert metric(at, "Regions with data") == "1 / 15"
    assert metric(at, "Median of regions with data") == "–"
    assert "too few regions for a median" in text_of(at.info)
    assert at.query_params["year"] == "2024"


def test_services_highlights_regions_from_the_url():
    from jabodash.core import palette
    at = open_page("layanan", regions="3173,3101")
    fig = next(f for f in figures(at) if "Dokter" in f["layout"]["title"]["text"])
    bars = fig["data"][0]
    colours = dict(zip(bars["y"], bars["marker"]["color"]))
    assert colours["Jakarta Pusat"] == palette.HIGHLIGHT and colours["Kepulauan Seribu"] == palette.HIGHLIGHT
    assert colours["Jakarta Timur"] == palette.NEUTRAL_BAR
    assert at.query_params["regions"] == "3173,3101"


def test_services_jabodetabek():
    at = open_page("layanan", region_set="jabodetabek", indicator="nurses_per_100k", year="2020")
    assert metric(at, "Wilayah dengan data") == "6 / 14"
    assert len(table(at, "services_table")) == 14


# ---------------------------------------------------------------- Kerja sama & aglomerasi

def test_cooperation_page_figures_match_the_data():
    at = open_page("kerjasama")
    assert at.title[0].value == "Kerja sama & aglomerasi"
    assert metric(at, "Kawasan Aglomerasi (UU 2/2024)") == "15 kab/kota"
    assert metric(at, "Jabodetabek") == "14 kab/kota"
    aid = values("dki_financial_assistance_budget", 2020)
    assert metric(at, "Bantuan keuangan DKI 2020") == fmt.number(aid.sum(), 2, "id")
    assert metric(at, "Komuter Bodetabek → DKI 2014") == "1,38 juta"
    links = table(at, "links_table").set_index("Wilayah")
    assert len(links) == 15
    for code, value in aid.items():
        assert links.loc[REGIONS.loc[code, "short_name"], "Bantuan keuangan DKI 2020 (miliar Rp)"] == fmt.number(value, 2, "id")
    assert links.loc["Tangerang Selatan", "Bantuan keuangan DKI 2020 (miliar Rp)"] == "tidak ada data"
    assert links.loc["Jakarta Pusat", "Bantuan keuangan DKI 2020 (miliar Rp)"] == "–"
    assert links.loc["Kab. Cianjur", "Anggota Jabodetabek"] == "tidak"
    assert links.loc["Depok", "Komuter ke DKI 2014 (orang)"] == "284.093"
    cost = values("commuters_daily_cost_over_25k_rp", 2023)
    assert links.loc["Jakarta Selatan", "Komuter berbiaya > Rp25.000 2023 (%)"] == fmt.number(cost["3171"], 2, "id")
    fig = next(f for f in figures(at) if "Anggaran bantuan" in f["layout"]["title"]["text"])
    assert "2020 · 8 dari 9 wilayah" in fig["layout"]["title"]["text"]
    other = table(at, "other_table")
    assert len(other) == 3
    assert len(at.get("download_button")) >= 2


def test_cooperation_jabodetabek_in_english():
    at = open_page("kerjasama", lang="en", region_set="jabodetabek")
    assert at.title[0].value == "Cooperation & agglomeration"
    codes = REGIONS.index[REGIONS.in_jabodetabek]
    aid = values("dki_financial_assistance_budget", 2020, codes)
    assert metric(at, "DKI financial assistance 2020") == fmt.number(aid.sum(), 2, "en")
    links = table(at, "links_table")
    assert len(links) == 14 and (links["Member of Jabodetabek"] == "yes").all()
    fig = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("DKI Jakarta financial assistance"))
    assert "2020 · 7 of 8 regions" in fig["layout"]["title"]["text"]
    assert at.query_params["region_set"] == "jabodetabek" and at.query_params["lang"] == "en"


# ---------------------------------------------------------------- shared sidebar across pages

@pytest.mark.parametrize("page", ["kependudukan", "layanan", "kerjasama"])
def test_page_switch_keeps_the_sidebar(page):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert at.radio(key="w_lang").value == "en"
    assert at.radio(key="w_region_set").value == "agglomeration"
