"""Browser test: the real server in headless Chromium renders the overview (Ringkasan), raises no
error and asks no host but itself for anything."""
import pytest
from support.appserver import ARTIFACTS, full_screenshot, open_page, wait_for_app

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser




def test_overview_renders_without_errors_or_outside_requests(server, browser):
    page, outside, errors = open_page(browser, server + "/?lang=id")
    page.get_by_text("Ringkasan metropolitan Jakarta").wait_for()
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    # the five KPIs, the service-quality and cooperation cards, the headline targets' strip
    from jabodash.features.sasaran import HEADLINE
    # the cards arrive one by one from the script: wait for all of them (a loaded CI machine drew 6 at first)
    playwright_api.expect(page.locator("[data-testid='stMetric']")).to_have_count(5 + 2 + len(HEADLINE),
                                                                                  timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=False)
    assert errors == []
    assert outside.blocked == []


def test_overview_in_english_from_the_url(server, browser):
    page, outside, errors = open_page(browser, server + "/?lang=en&indicator=poverty_rate&year=2023")
    page.get_by_text("Jakarta metropolitan overview").wait_for()
    assert page.get_by_text("Poverty rate", exact=False).count() > 0
    assert "indicator=poverty_rate" in page.url
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    page.get_by_text("15 of 15 regions", exact=False).first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "overview-en.png"))
    assert errors == [] and outside.blocked == []


def _expected_kpi_values(lang: str) -> list[str]:
    """The five KPI values of the agglomeration area, from data/."""
    from support.data import OBS, REGIONS

    def num(v: float, decimals: int) -> str:
        text = f"{v:,.{decimals}f}"
        return text.translate(str.maketrans(",.", ".,")) if lang == "id" else text

    pop = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].value.sum()
    # the IPM card: BPS's current series in its year with the most regions of the set
    current = OBS[OBS.indicator_id == "ipm_lfsp2020"]
    best = current.groupby("year").size().reset_index(name="n").sort_values(["n", "year"]).iloc[-1]
    ipm = current[current.year == best.year].value
    return [num(pop / 1e6, 2) + (" juta" if lang == "id" else " million"),
            num(REGIONS.area_km2.sum(), 2),
            num(pop / REGIONS.area_km2.sum(), 0),
            f"{num(ipm.min(), 2)} – {num(ipm.max(), 2)}",
            None]  # poverty: a weighted mean (its value is checked by the AppTest)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("width", [1280, 1440])
def test_kpi_values_show_whole_at_laptop_widths(server, browser, width, lang):
    """Every KPI value is shown whole (no ellipsis, nothing clipped) at 1280 and 1440 px."""
    page, outside, errors = open_page(browser, server + f"/?lang={lang}", width=width, height=900)
    values = page.locator("[data-testid='stMetricValue']")
    values.nth(4).wait_for()
    wait_for_app(page)
    # Layout settles after the run (styles, then fonts): wait until it has (the value and its inner
    # box, as asserted below), up to a limit; the assertions then say what is wrong if it never does.
    try:
        page.wait_for_function(
            "() => { const v = [...document.querySelectorAll(\"[data-testid='stMetricValue']\")];"
            " return v.length >= 5 && v.every(e => { const i = e.querySelector('div') || e;"
            " return e.scrollWidth <= e.clientWidth && i.scrollWidth <= i.clientWidth; }); }", timeout=20000)
    except playwright_api.TimeoutError:
        pass
    assert values.count() >= 5   # the KPIs first, then the overview's other cards (all checked for clipping)
    page.screenshot(path=str(ARTIFACTS / f"overview-kpi-{width}-{lang}.png"))
    boxes = values.evaluate_all(
        "els => els.map(e => { const inner = e.querySelector('div') || e;"
        " return {text: e.innerText.trim(), sw: e.scrollWidth, cw: e.clientWidth,"
        " isw: inner.scrollWidth, icw: inner.clientWidth}; })")
    texts = [" ".join(b["text"].split()) for b in boxes]
    for got, want in zip(texts, _expected_kpi_values(lang)):
        if want is not None:
            assert got == want, (width, lang, texts)
    for b in boxes:
        assert b["sw"] <= b["cw"] and b["isw"] <= b["icw"], (width, lang, boxes)
    assert errors == [] and outside.blocked == []


# what a Plotly chart draws for a figure: a bar, a line or marker of a trace, a heatmap cell image
DRAWN = ".bars .point path, .scatterlayer .js-line, .scatterlayer .point, .heatmaplayer image"


def test_official_only_overview_draws_no_empty_chart(server, browser):
    """One visit with "Hanya angka resmi" on: every Plotly chart on the overview draws figures; an
    indicator without any official figure gets the empty state where its charts would be."""
    page, outside, errors = open_page(browser, server + "/?lang=id&official=1", wait_figure=True)
    page.get_by_text("Hanya angka resmi: belum ada angka resmi", exact=False).first.wait_for()
    plots = page.locator(".js-plotly-plot")
    assert plots.count() >= 1   # the ranking; the trend where two years have official figures
    for i in range(plots.count()):
        assert plots.nth(i).locator(DRAWN).count() > 0, f"chart {i} is drawn empty"
    full_screenshot(page, "overview-official-only.png")
    # the same view for an indicator with no official figure: no chart, the empty state twice
    page.goto(server + "/?lang=id&official=1&indicator=doctors")
    wait_for_app(page)
    page.get_by_text("Belum ada angka resmi untuk Jumlah tenaga kesehatan", exact=False).first.wait_for()
    assert page.locator(".js-plotly-plot").count() == 0
    assert page.get_by_text("Belum ada angka resmi untuk Jumlah tenaga kesehatan", exact=False).count() == 2
    assert page.locator("[data-testid='stException']").count() == 0
    assert errors == [] and outside.blocked == []
