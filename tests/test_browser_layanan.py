"""Browser test of the public services page (Layanan): the real server in headless Chromium
reads the view from the URL, shows it, writes it back, raises no error and asks no host but
itself for anything. Screenshots go to test-artifacts/ (themes-*.png) for a person to look at."""
import pytest
from support.appserver import ARTIFACTS, open_page
from support.browser import charts_drawn

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser


def test_url_state_is_read_and_written(server, browser):
    page, outside, errors = open_page(browser, f"{server}/layanan?lang=en&region_set=jabodetabek"
                                               "&indicator=nurses_per_100k&year=2020")
    page.get_by_role("heading", name="Public services").first.wait_for()
    charts_drawn(page, 2)
    assert page.get_by_text("Nurses per 100,000 population").count() > 0
    assert "indicator=nurses_per_100k" in page.url and "region_set=jabodetabek" in page.url
    # the sidebar shows the region set of the URL
    checked = page.locator("[data-testid='stSidebar'] input[type='radio']:checked")
    assert checked.count() == 2
    page.screenshot(path=str(ARTIFACTS / "themes-layanan-nurses-en.png"), full_page=False)
    assert errors == [] and outside.blocked == []
    page.context.close()
