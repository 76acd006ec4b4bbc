"""Refresh from BPS in Chromium: the real app server pointed (JABODASH_BPS_URL) at the loopback
WebAPI of tests/support/bps_server.py; key typed into the password field, fetch, change report, save with
precedence (screenshot test-artifacts/bps-refresh-report.png, for a person to look at)."""
import pytest
from support import appserver
from support.appserver import ARTIFACTS, app_server, wait_for_app
from support.bps_server import DKI, JABAR, KEY, BpsServer, payload
from support.browser import no_exceptions

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

IPM = payload(413, "[Metode Baru] Indeks Pembangunan Manusia", "", DKI + JABAR, [2024, 2025],
              {("3271", 2024): "99,5", ("3201", 2024): 72.39, ("3201", 2025): 72.9, ("3276", 2024): "-"})
TPT = payload(788, "Tingkat Pengangguran Terbuka Menurut Kabupaten/Kota", "Persen", JABAR, [2024],
              {("3276", 2024): "5,91", ("3275", 2024): 7.2})


def open_page(browser, url: str):
    """appserver.open_page with a longer first wait: a fresh server's first run of the data page
    (catalog, coverage matrix) can take more than a minute on a loaded 2-core machine."""
    return appserver.open_page(browser, url, timeout_ms=240000)


def test_refresh_from_bps_change_report_and_save(browser, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    with BpsServer({("0000", "413"): IPM, ("3200", "788"): TPT}, {("0000", "621"): "html"}) as bps:
        env = {"JABODASH_BPS_URL": bps.base, "JABODASH_BPS_KEY": "", "JABODASH_WORKSPACE": str(tmp_path / "ws"),
               "JABODASH_CONFIG_DIR": str(tmp_path / "cfg")}
        with app_server(env) as url:
            page, outside, errors = open_page(browser, url + "/data?lang=en")
            page.get_by_role("heading", name="Refresh from BPS").wait_for()
            field = page.locator("input[aria-label='BPS WebAPI key']")
            assert field.get_attribute("type") == "password"
            field.fill(KEY)
            field.press("Enter")
            wait_for_app(page, timeout_ms=120000)
            page.get_by_role("button", name="Fetch from BPS").click()
            page.get_by_text("Change report").wait_for(timeout=120000)
            wait_for_app(page)
            assert page.get_by_text("Done: 5 figures from 2 tables.").count() == 1
            assert page.get_by_text("3 new figures, 1 changed, 1 unchanged", exact=False).count() == 1
            assert page.get_by_text("a page that is not data (text/html)", exact=False).count() == 1
            page.get_by_text("Change report").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "bps-refresh-report.png"))
            assert KEY not in page.inner_text("body")
            # only the password field itself holds it (as its value), nothing else on the page
            html = page.content()
            assert html.count(KEY) == page.locator(f"input[type='password'][value='{KEY}']").count() <= 1

            page.get_by_text("Refreshed figures take precedence").click()
            wait_for_app(page)
            page.get_by_role("button", name="Save the refresh").click()
            page.get_by_text("Saved as dataset", exact=False).wait_for(timeout=60000)
            wait_for_app(page)
            assert page.get_by_text("precedence on", exact=False).count() == 1
            page.screenshot(path=str(ARTIFACTS / "bps-refresh-saved.png"))
            no_exceptions(page)
            assert errors == [] and outside.blocked == []
        assert all(KEY in path for path in bps.requests)   # the server was asked with the key
    assert not any(KEY.encode() in p.read_bytes() for p in (tmp_path / "ws").rglob("*") if p.is_file())
