"""Browser test of the targets page (Sasaran & capaian), one visit: the real server in headless
Chromium at 1440 px shows the matrix with symbols and words, the detail chart with the target and
the trajectory, switches to one plan, raises no error and asks no host but itself. Screenshots go
to test-artifacts/ (sasaran-*.png) for a person to look at."""
import pytest
from support.appserver import full_screenshot, open_page, wait_for_app
from support.browser import charts_drawn

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser


def test_targets_page_in_the_browser(server, browser):
    page, outside, errors = open_page(browser, f"{server}/sasaran?lang=en", width=1440, height=900)
    page.get_by_role("heading", name="Targets").first.wait_for()
    charts_drawn(page, 1)
    assert page.get_by_text("Regions × targets").count() == 1
    assert page.locator("[data-testid='stDataFrame']").count() >= 3
    chart = page.locator(".js-plotly-plot").first
    assert chart.get_by_text("Trajectory needed").count() >= 1
    assert chart.get_by_text("Poverty rate (P0)").count() >= 1
    full_screenshot(page, "sasaran-all-en-1440.png", width=1440)
    # one plan: the RITJ's six targets at the metro
    page.set_viewport_size({"width": 1440, "height": 900})
    page.locator("[data-testid='stSelectbox']").filter(has_text="Plan").first.click()
    page.get_by_role("option", name="RITJ 2018–2029").click()
    wait_for_app(page)
    page.locator("[data-testid='stMetricValue']").filter(has_text="6").first.wait_for()
    charts_drawn(page, 1)
    assert page.locator(".js-plotly-plot").first.get_by_text("Public transport mode share").count() >= 1
    full_screenshot(page, "sasaran-ritj-en-1440.png", width=1440)
    assert errors == [] and outside.blocked == []
    page.context.close()
