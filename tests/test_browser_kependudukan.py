"""Browser test of the population page (Kependudukan), and of the three thematic pages
(Kependudukan, Layanan, Kerjasama) rendering in both languages: the real server in headless
Chromium renders each page from its URL path, raises no error, asks no host but itself for
anything, and keeps the shared sidebar across a page switch. Screenshots go to
test-artifacts/ (themes-*.png) for a person to look at."""
import pytest
from support.appserver import ARTIFACTS, full_screenshot, open_page, wait_for_app
from support.browser import charts_drawn

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser


# the three thematic pages render in both languages: one test, parametrized by page


PAGES = [  # url path, title id, title en, plotly charts at least
    ("kependudukan", "Kependudukan", "Population", 4),
    ("layanan", "Layanan publik", "Public services", 2),
    ("kerjasama", "Kerja sama & aglomerasi", "Cooperation & agglomeration", 2),
]


@pytest.mark.parametrize("path,title_id,title_en,n_charts", PAGES)
def test_page_renders_in_both_languages(server, browser, path, title_id, title_en, n_charts):
    for lang, title in (("id", title_id), ("en", title_en)):
        page, outside, errors = open_page(browser, f"{server}/{path}?lang={lang}")
        page.get_by_role("heading", name=title).first.wait_for()
        charts_drawn(page, n_charts)
        page.locator("[data-testid='stDownloadButton']").first.wait_for()  # drawn late in the run
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator("[data-testid='stDownloadButton']").count() >= 1
        full_screenshot(page, f"themes-{path}-{lang}.png")
        assert errors == []
        assert outside.blocked == []
        page.context.close()


# --- Kependudukan ----------------------------------------------------------------------------

def test_population_census_2010_from_url_states_incomplete_total(server, browser):
    page, outside, errors = open_page(browser, f"{server}/kependudukan?year=2010")
    page.get_by_role("heading", name="Kependudukan").first.wait_for()
    charts_drawn(page, 4)
    assert page.get_by_text("13 dari 15 wilayah").count() > 0
    assert page.get_by_text("belum lengkap").count() > 0
    page.screenshot(path=str(ARTIFACTS / "themes-kependudukan-2010.png"), full_page=False)
    assert errors == [] and outside.blocked == []
    page.context.close()


def test_sidebar_choices_survive_a_page_switch(server, browser):
    """Switch pages through the sidebar navigation: language and region set stay."""
    page, outside, errors = open_page(browser, f"{server}/kependudukan?lang=en")
    page.get_by_role("heading", name="Population").first.wait_for()
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_role("link", name="Cooperation & agglomeration").click()
    page.wait_for_url("**/kerjasama**")
    wait_for_app(page)
    checked = sidebar.locator("input[type='radio']:checked")
    values = [checked.nth(i).evaluate("e => e.closest('label').innerText") for i in range(checked.count())]
    page.context.close()
    assert errors == [] and outside.blocked == []
    assert any("English" in v for v in values), values
    assert any("Agglomeration area (15)" in v for v in values), values
