"""AppTest of the app shell and the overview page (Ringkasan)."""
from conftest import OBS, REGIONS, metric
from streamlit.testing.v1 import AppTest

from jabodash.core.paths import ROOT


def run_app(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_overview_shows_metro_kpis_from_the_data():
    at = run_app()
    assert at.title[0].value == "Ringkasan metropolitan Jakarta"
    pop2020 = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].value.sum()
    # 15 regions, SP2020: shown in millions with Indonesian decimals
    assert metric(at, "Penduduk (SP)") == f"{pop2020 / 1e6:.2f}".replace(".", ",") + " juta"
    # the IPM card headlines BPS's current series (2023: its year with the most regions, 9 of 15)
    ipm = OBS[(OBS.indicator_id == "ipm_lfsp2020") & (OBS.year == 2023)].value
    assert len(ipm) == 9
    assert metric(at, "Rentang IPM") == f"{ipm.min():.2f} – {ipm.max():.2f}".replace(".", ",")
    captions = " ".join(c.value for c in at.caption)
    assert "15 dari 15 wilayah" in captions
    # one short line on the card; the full note (which series, how far it reaches) behind its help icon
    assert "2023 · 9 dari 15 wilayah · seri terkini BPS" in captions and "var 413" not in captions
    helps = " ".join(m.proto.help for m in at.metric)
    assert "seri terkini BPS (UHH Long Form SP2020), baru 9 dari 15 wilayah (2023)" in helps


def test_overview_in_english_and_jabodetabek_from_url():
    at = run_app(lang="en", region_set="jabodetabek")
    assert at.title[0].value == "Jakarta metropolitan overview"
    # the official area of the 14 Jabodetabek regions, English thousands separator
    area = REGIONS[REGIONS.in_jabodetabek].area_km2.sum()
    assert metric(at, "Area") == f"{area:,.2f}"
    captions = " ".join(c.value for c in at.caption)
    assert "14 of 14 regions" in captions


def test_incomplete_metro_is_not_shown_as_total():
    at = run_app(lang="en", indicator="population_census", year="2010")
    infos = " ".join(i.value for i in at.info)
    assert "13 of 15 regions" in infos


def test_changing_indicator_updates_url():
    at = run_app()
    at.selectbox(key="w_indicator").set_value("poverty_rate").run()
    assert not at.exception
    assert at.query_params["indicator"] == "poverty_rate"
    # the chosen year (2020) exists for the new indicator too, so it is kept
    assert at.selectbox(key="w_year").value == 2020
    at.selectbox(key="w_indicator").set_value("population_census").run()
    at.selectbox(key="w_year").set_value(2010).run()
    at.selectbox(key="w_indicator").set_value("ipm_lfsp2020").run()
    # 2010 is not in that series: its latest year with good coverage (2023, 9 of 15), not 2025 (1 of 15)
    assert at.selectbox(key="w_year").value == 2023
    assert at.query_params["year"] == "2023"


def test_bad_url_parameters_fall_back_with_notice():
    at = run_app(lang="xx", indicator="<script>", year="abc")
    assert at.title[0].value == "Ringkasan metropolitan Jakarta"
    toasts = [t.value for t in at.toast]
    assert any("tidak valid" in t for t in toasts)
    assert any("tidak dikenal" in t for t in toasts)
    assert all("<script>" not in t for t in toasts)


def test_language_switch():
    at = run_app()
    at.radio(key="w_lang").set_value("en").run()
    assert at.title[0].value == "Jakarta metropolitan overview"
    assert at.query_params["lang"] == "en"
