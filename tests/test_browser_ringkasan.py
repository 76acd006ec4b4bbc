"""Browser test: the real server in headless Chromium renders the overview (Ringkasan), raises no
error and asks no host but itself for anything."""
import pytest
from appserver import ARTIFACTS, open_page

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser




def test_overview_renders_without_errors_or_outside_requests(server, browser):
    page, outside, errors = open_page(browser, server + "/?lang=id")
    page.get_by_text("Ringkasan metropolitan Jakarta").wait_for()
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    assert page.locator("[data-testid='stMetric']").count() == 5
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
