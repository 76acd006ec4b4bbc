"""Browser test of the compare page (Bandingkan): the real server in headless Chromium renders
the page from its URL, raises no error, asks no host but itself for anything, keeps the shared
sidebar and URL state across a page switch and offers a PNG download on every chart.
Screenshots go to test-artifacts/ (themes-b-*.png) for a person to look at."""
import re

import pytest
from support.appserver import ARTIFACTS, full_screenshot, open_page, wait_for_app
from support.browser import no_exceptions

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser


def test_compare_page_from_its_url(server, browser):
    page, outside, errors = open_page(browser, server + "/bandingkan?regions=3171,3276,3201")
    page.get_by_role("heading", name="Bandingkan wilayah").first.wait_for()
    charts = page.locator(".js-plotly-plot")
    charts.nth(3).wait_for()
    assert charts.count() == 4
    tags = page.locator("[data-testid='stMultiSelectTagsContainer']").first.locator("[data-tag]")
    assert [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())] == \
        ["Jakarta Selatan", "Depok", "Kab. Bogor"]
    assert page.get_by_text("Wilayah paling mirip dengan Jakarta Selatan").count() > 0
    assert "regions=3171%2C3276%2C3201" in page.url or "regions=3171,3276,3201" in page.url
    no_exceptions(page)
    full_screenshot(page, "themes-b-compare.png")
    assert errors == [] and outside.blocked == []


def test_every_compare_chart_offers_png(server, browser):
    page, outside, errors = open_page(browser, server + "/bandingkan?regions=3171,3276&lang=en")
    charts = page.locator(".js-plotly-plot")
    charts.nth(3).wait_for()
    for i in range(charts.count()):
        charts.nth(i).hover()
        button = charts.nth(i).locator(".modebar-btn[data-title*='PNG']")
        assert button.count() == 1, f"chart {i} has no PNG download"
    assert page.get_by_role("button", name="Download CSV").count() >= 3
    assert errors == [] and outside.blocked == []


def test_compare_six_regions_in_english(server, browser):
    page, outside, errors = open_page(browser, server + "/bandingkan?lang=en&regions=3171,3172,3173,3174,3175,3276")
    page.get_by_text(re.compile(r"Choose at most 5 regions \(now 6\)")).wait_for()
    assert page.locator(".js-plotly-plot").count() == 0
    no_exceptions(page)
    page.screenshot(path=str(ARTIFACTS / "themes-b-compare-six-en.png"))
    assert errors == [] and outside.blocked == []


def switch_to(page, nav_label: str, heading: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text(nav_label, exact=True).click()
    page.get_by_role("heading", name=heading).first.wait_for()
    wait_for_app(page)


def test_compare_selection_survives_a_page_switch(server, browser):
    page, outside, errors = open_page(browser, server + "/bandingkan?regions=3171,3276&indicator=ipm")
    page.locator(".js-plotly-plot").first.wait_for()
    switch_to(page, "Data & metode", "Data dan metode")
    page.locator(".js-plotly-plot").first.wait_for()
    switch_to(page, "Bandingkan wilayah", "Bandingkan wilayah")
    page.locator(".js-plotly-plot").first.wait_for()
    page.wait_for_url(re.compile(r"regions="))
    assert "regions=3171%2C3276" in page.url or "regions=3171,3276" in page.url
    assert "indicator=ipm" in page.url
    tags = page.locator("[data-testid='stMultiSelectTagsContainer']").first.locator("[data-tag]")
    assert tags.count() == 2
    _language_switch_keeps_choices(page)
    no_exceptions(page)
    assert errors == [] and outside.blocked == []


def _chips(page) -> list[list[str]]:
    """The chosen options of each multiselect (regions, indicators), as shown."""
    return page.locator("[data-testid='stMultiSelectTagsContainer']").evaluate_all(
        "els => els.map(e => [...e.querySelectorAll('[data-tag]')].map(t => t.getAttribute('aria-label')))")


def _language_switch_keeps_choices(page) -> None:
    """A language switch keeps the chosen regions and indicators and shows them in the new language
    (the chips kept the old language's names), and the way back too."""
    before = _chips(page)
    assert before[1] and all(" · " not in c for c in before[1]) and before[1][0].startswith("IPM"), before
    for name, lang in (("English", "en"), ("Bahasa Indonesia", "id")):
        page.locator("[data-testid='stSidebar'] label").filter(has_text=name).first.click()
        page.wait_for_function(f"() => location.search.includes('lang=en') === {str(lang == 'en').lower()}",
                               timeout=30000)
        wait_for_app(page)
        page.locator(".js-plotly-plot").first.wait_for()
        chips = _chips(page)
        assert chips[0] == before[0], chips   # region names are the same in both languages
        if lang == "en":
            assert len(chips[1]) == len(before[1]) and chips[1][0].startswith("HDI"), chips
        else:
            assert chips == before, chips
        assert "indicator=ipm" in page.url and ("regions=3171%2C3276" in page.url or "regions=3171,3276" in page.url)


def test_sidebar_state_survives_a_page_switch(server, browser):
    page, outside, errors = open_page(browser, server + "/bandingkan?lang=en&regions=3171,3276")
    page.locator(".js-plotly-plot").first.wait_for()
    page.locator("[data-testid='stSidebarNav']").get_by_text("Data & methods", exact=True).click()
    page.wait_for_url(re.compile(r"/data"))
    wait_for_app(page)
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.get_by_role("heading", name="Data and methods").count() == 1
    assert page.get_by_label("Agglomeration area (15)").is_checked()
    assert "lang=en" in page.url and "region_set" not in page.url
