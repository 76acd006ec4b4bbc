"""Browser test of the cooperation page (Kerjasama) as the first request to a fresh server:
the deep link runs the app shell (sidebar navigation) and the page."""
import pytest
from appserver import app_server, open_page

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser


def test_deep_link_on_a_fresh_server_runs_the_app_shell(browser):
    with app_server() as url:
        page, outside, errors = open_page(browser, url + "/kerjasama")
        links = page.locator("[data-testid='stSidebarNavLink']").all_inner_texts()
        page.context.close()
    assert "Kerja sama & aglomerasi" in links, links
