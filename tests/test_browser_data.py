"""Data & metode in Chromium: the page opened from its URL, in both languages (screenshots in
test-artifacts/ for a person to look at)."""

import pytest
from support.appserver import full_screenshot, open_page
from support.browser import no_exceptions

from jabodash.geo import boundaries

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser


def test_data_page_from_its_url(server, browser):
    page, outside, errors = open_page(browser, server + "/data")
    page.get_by_role("heading", name="Data dan metode").first.wait_for()
    page.locator(".js-plotly-plot").nth(1).wait_for()
    assert page.locator(".js-plotly-plot").count() == 2
    assert page.locator("[data-testid='stDataFrame']").count() >= 2
    # one notice per level without cached boundaries (the server shares this process's test cache)
    uncached = sum(1 for entry in boundaries.cache_status().values() if entry is None)
    assert page.get_by_text("belum ada batas wilayah di cache", exact=False).count() == uncached
    no_exceptions(page)
    full_screenshot(page, "themes-b-data.png")
    assert errors == [] and outside.blocked == []


def test_data_page_in_english_for_a_derived_indicator(server, browser):
    page, outside, errors = open_page(browser, server + "/data?lang=en&indicator=doctors_per_100k&region_set=jabodetabek")
    page.get_by_role("heading", name="Data and methods").first.wait_for()
    page.locator(".js-plotly-plot").nth(1).wait_for()
    assert page.get_by_text("Derived indicator: the sources below", exact=False).count() == 1
    assert "indicator=doctors_per_100k" in page.url and "region_set=jabodetabek" in page.url
    no_exceptions(page)
    full_screenshot(page, "themes-b-data-en.png")
    assert errors == [] and outside.blocked == []
