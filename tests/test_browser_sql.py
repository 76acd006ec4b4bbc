"""Browser test of the SQL console: the real server in headless Chromium runs a typed query and
shows the result table, with no error and no request to any host but itself."""
import pytest
from support.appserver import ARTIFACTS, full_screenshot, open_page, wait_for_app

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser


def test_typed_query_shows_the_result_table(server, browser):
    page, outside, errors = open_page(browser, server + "/sql?lang=id")
    page.get_by_text("Konsol SQL").first.wait_for()
    editor = page.locator("[data-testid='stTextArea'] textarea").first
    editor.fill("SELECT name, area_km2 FROM region ORDER BY area_km2 DESC LIMIT 5")
    editor.press("Control+Enter")  # commit the text, then run
    page.get_by_role("button", name="Jalankan").click()
    page.get_by_text("5 baris", exact=False).first.wait_for(timeout=60000)
    wait_for_app(page)
    main = page.locator("[data-testid='stColumn']").first
    assert main.locator("[data-testid='stDataFrame']").count() == 1
    assert page.get_by_role("button", name="Unduh CSV").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    full_screenshot(page, "sql.png")
    assert errors == []
    assert outside.blocked == []


def test_refused_statement_shows_the_message(server, browser):
    page, outside, errors = open_page(browser, server + "/sql?lang=en")
    editor = page.locator("[data-testid='stTextArea'] textarea").first
    editor.fill("DROP TABLE region")
    editor.press("Control+Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    page.locator("[data-testid='stAlert']").filter(has_text="is refused").first.wait_for(timeout=60000)
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "sql-refused.png"))
    assert errors == [] and outside.blocked == []


def test_a_large_result_downloads_every_row_from_the_spool(server, browser):
    """The page keeps the rows it shows; the CSV is made from the worker's spool file when clicked."""
    page, outside, errors = open_page(browser, server + "/sql?lang=id")
    editor = page.locator("[data-testid='stTextArea'] textarea").first
    editor.fill("SELECT i, 'https://contoh.invalid/' || i AS url FROM range(25000) t(i)")
    editor.press("Control+Enter")
    page.get_by_role("button", name="Jalankan").click()
    page.get_by_text("25.000 baris", exact=False).first.wait_for(timeout=60000)
    wait_for_app(page)
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name="Unduh CSV").click()
    lines = open(info.value.path(), encoding="utf-8-sig").read().splitlines()
    assert lines[0] == "i,url" and len(lines) == 25001 and lines[-1] == "24999,https://contoh.invalid/24999"
    assert page.locator("[data-testid='stException']").count() == 0
    assert errors == [] and outside.blocked == []
