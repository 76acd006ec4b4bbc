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
    # one short line on the card; the full note (which series, how far it reaches) behind its help icon
    assert f"{year} · {len(ipm)} dari 15 wilayah · seri terkini BPS" in captions and "var 413" not in captions
    helps = " ".join(m.proto.help for m in at.metric)
    assert f"seri terkini BPS (UHH Long Form SP2020), baru {len(ipm)} dari 15 wilayah ({year})" in helps


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
    # the picker's help names the whole choice (cut in its quarter-width box): the new one, kept on reruns
    picker = at.selectbox(key="w_indicator")
    assert picker.value == "poverty_rate" and picker.help == "Pilihan sekarang: Kependudukan · Persentase penduduk miskin \\(P0\\)"
    # the chosen year (2020) exists for the new indicator too, so it is kept
    assert at.selectbox(key="w_year").value == 2020
    at.selectbox(key="w_indicator").set_value("population_census").run()
    at.selectbox(key="w_year").set_value(2010).run()
    at.selectbox(key="w_indicator").set_value("ipm_lfsp2020").run()
    # 2010 is not in that series: its latest year with good coverage (>= 80 % of its best year's
    # regions), not a newer year with one or two regions
    per_year = OBS[OBS.indicator_id == "ipm_lfsp2020"].groupby("year").size()
    good = max(y for y, n in per_year.items() if n >= 0.8 * per_year.max())
    assert per_year[good] >= 9 and at.selectbox(key="w_year").value == good
    assert at.query_params["year"] == str(good)


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


def test_the_trend_of_fifteen_regions_colours_a_few_and_the_reader_picks_them():
    """15 coloured lines are unreadable on a projector: the best and the worst in colour, the rest grey
    under one legend entry; the picker above the chart changes which regions are coloured."""
    import json

    from jabodash.charts import OTHER_LINE
    at = run_app()
    pick = at.multiselect(key="w_trend_pick_population_census")
    assert pick.value == ["3201", "3101"]                   # Kab. Bogor highest, Kep. Seribu lowest (2020)

    def trend():
        fig = json.loads(at.get("plotly_chart")[-1].proto.spec)
        coloured = [tr["name"] for tr in fig["data"] if tr.get("line", {}).get("color") != OTHER_LINE]
        legend = [tr["name"] for tr in fig["data"] if tr.get("showlegend", True)]
        return coloured, legend

    coloured, legend = trend()
    assert coloured == ["Kab. Bogor", "Kepulauan Seribu"] and legend == coloured + ["13 wilayah lain"]
    pick.set_value(["3171", "3275", "3201"]).run()
    assert not at.exception
    coloured, legend = trend()
    assert coloured == ["Jakarta Selatan", "Kota Bekasi", "Kab. Bogor"] and legend[-1] == "12 wilayah lain"
