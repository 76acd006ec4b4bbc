"""Browser test of deep links on a fresh server: the page files live in a top-level pages/ folder,
where Streamlit (1.67) runs its old automatic multipage mode until app.py has run once in the
server. A deep link as the very first request must still get the whole app shell: app.py's
navigation, the language and region-set radios, and the page itself (ui._leave_pages_directory_mode).

Every case starts its own server (the shared module server has already run app.py) and opens
the deep link as that server's first script run. Waits are on the script state and on elements,
never fixed sleeps.
"""
from urllib.parse import urlparse

import pytest
from support.appserver import ARTIFACTS, OutsideRequests, app_server, open_page, page_errors, wait_for_app

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

TIMEOUT_MS = 90_000     # a fresh server's first run on a loaded 2-core machine

# url path ("" is the root, the overview), the page's title (Indonesian, the default language)
PAGES = [
    ("", "Ringkasan metropolitan Jakarta"),
    ("peta", "Peta"),
    ("kependudukan", "Kependudukan"),
    ("wilayah", "Wilayah: luas, kepadatan, jarak"),
    ("layanan", "Layanan publik"),
    ("kerjasama", "Kerja sama & aglomerasi"),
    ("sasaran", "Sasaran & capaian"),
    ("bandingkan", "Bandingkan wilayah"),
    ("data", "Data dan metode"),
    ("unggah", "Unggah data"),
    ("sql", "Konsol SQL"),
    ("presentasi", "Presentasi"),
]
NAV_LINKS = ["Ringkasan", "Peta", "Kependudukan", "Wilayah", "Layanan publik", "Kerja sama & aglomerasi",
             "Sasaran & capaian", "Bandingkan wilayah", "Data & metode", "Unggah data", "Konsol SQL", "Presentasi"]


@pytest.fixture
def fresh_server():
    """A server of its own: no script has run in it yet (no warm-up, which would run app.py first)."""
    ARTIFACTS.mkdir(exist_ok=True)
    with app_server(env={"JABODASH_WARMUP": "off"}) as url:
        yield url


def assert_app_shell(page, path: str, title: str) -> None:
    """app.py's navigation with every page, both sidebar radios, the page's own title, no error."""
    sidebar = page.locator("[data-testid='stSidebar']")
    main = page.locator("[data-testid='stMain']")
    main.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=TIMEOUT_MS)
    wait_for_app(page, TIMEOUT_MS)
    sidebar.locator("[data-testid='stSidebarNavLink']").nth(len(NAV_LINKS) - 1).wait_for(timeout=TIMEOUT_MS)
    links = [text.strip() for text in sidebar.locator("[data-testid='stSidebarNavLink']").all_inner_texts()]
    assert links == NAV_LINKS, links
    for label in ("Bahasa", "Cakupan wilayah"):     # the language and the region-set radio
        sidebar.locator("[data-testid='stRadio']").filter(has_text=label).wait_for(timeout=TIMEOUT_MS)
    assert sidebar.get_by_role("radio", name="Bahasa Indonesia").is_checked()
    assert sidebar.get_by_role("radio", name="Kawasan Aglomerasi (15)").is_checked()
    assert urlparse(page.url).path == "/" + path
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.parametrize("path,title", PAGES, ids=[p or "root" for p, _ in PAGES])
def test_deep_link_as_first_request_shows_the_app_shell(fresh_server, browser, path, title):
    page, outside, errors = open_page(browser, f"{fresh_server}/{path}", timeout_ms=TIMEOUT_MS)
    assert_app_shell(page, path, title)
    assert errors == []
    assert outside.blocked == []
    page.context.close()


def test_two_deep_links_as_the_first_two_requests(fresh_server, browser):
    """The second deep link, opened after the first has finished, gets the shell too."""
    first, first_outside, first_errors = open_page(browser, f"{fresh_server}/kerjasama", timeout_ms=TIMEOUT_MS)
    second, second_outside, second_errors = open_page(browser, f"{fresh_server}/wilayah", timeout_ms=TIMEOUT_MS)
    assert_app_shell(first, "kerjasama", "Kerja sama & aglomerasi")
    assert_app_shell(second, "wilayah", "Wilayah: luas, kepadatan, jarak")
    assert first_errors == second_errors == []
    assert first_outside.blocked == second_outside.blocked == []
    first.context.close()
    second.context.close()


def test_two_deep_links_at_the_same_time_as_the_first_requests(fresh_server, browser):
    """Both runs start in the pages-directory mode; the first to reach page_setup switches the
    server-wide flag off, so the other finds it off and must still see that its own run
    bypassed app.py (this failed every time with the flag alone)."""
    pages = []
    for path in ("kerjasama", "wilayah"):
        page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
        outside = OutsideRequests(fresh_server)
        page.route("**/*", outside)
        errors: list[str] = []
        page_errors(page, errors)
        page.goto(f"{fresh_server}/{path}", wait_until="commit")   # do not wait: the second starts at once
        pages.append((page, outside, errors))
    for (page, outside, errors), (path, title) in zip(pages, (PAGES[5], PAGES[3])):
        assert_app_shell(page, path, title)
        assert errors == []
        assert outside.blocked == []
        page.context.close()
