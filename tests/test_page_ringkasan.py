"""AppTest of the app shell and the overview page (Ringkasan)."""
from streamlit.testing.v1 import AppTest
from support.apptest import metric
from support.data import OBS, REGIONS

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
    # the IPM card headlines BPS's current series (its year with the most regions, not yet 15)
    current = OBS[OBS.indicator_id == "ipm_lfsp2020"]
    per_year = current.groupby("year").size()
    year = max(per_year.index, key=lambda y: (per_year[y], y))
    ipm = current[current.year == year].value
    assert 9 <= len(ipm) < 15
    assert metric(at, "Rentang IPM") == f"{ipm.min():.2f} – {ipm.max():.2f}".replace(".", ",")
    captions = " ".join(c.value for c in at.caption)
    assert "15 dari 15 wilayah" in captions
    assert f"seri terkini BPS (UHH Long Form SP2020), baru {len(ipm)} dari 15 wilayah ({year})" in captions.replace(
        "\\", "")


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
    assert at.selectbox(key="w_year").value == 2025  # 2010 not in that series: its latest year
    assert at.query_params["year"] == "2025"


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
