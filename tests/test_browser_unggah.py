"""Browser test: upload a small CSV on /unggah in headless Chromium, see the report, use it in
the session and find it in the overview's indicator picker. No request leaves 127.0.0.1."""
import pytest
from support.appserver import ARTIFACTS, app_server, full_screenshot, open_page, upload_and_use, wait_for_app

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

CSV = ("wilayah,tahun,jumlah\n" + "".join(
    f"{name},2023,{i * 7 + 10}\n" for i, name in enumerate(
        ["KOTA DEPOK", "KOTA BOGOR", "KABUPATEN BOGOR", "KOTA BEKASI", "KABUPATEN BEKASI", "KOTA ANTAH"]))).encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    ws = tmp_path_factory.mktemp("workspace")
    with app_server(env={"JABODASH_WORKSPACE": str(ws)}) as url:
        yield url


def test_upload_report_use_and_pick(server, browser):
    page, outside, errors = open_page(browser, server + "/unggah?lang=id")
    page.get_by_text("Unggah data").first.wait_for()
    upload_and_use(page, "warung.csv", CSV, {"Nama indikator": "Warung kopi"})
    assert page.locator("[data-testid='stException']").count() == 0
    full_screenshot(page, "unggah.png")
    # the cleaned records, made when the download is clicked: names from the matcher, values, rows
    with page.expect_download(timeout=60000) as got:
        page.locator("[data-testid='stDownloadButton']").filter(has_text="Unduh CSV").first.click()
    lines = open(got.value.path(), encoding="utf-8-sig").read().splitlines()
    assert lines[0].startswith("region_code,region_name,indicator,year")
    assert len(lines) == 6 and any(line.startswith("3276,Kota Depok,") and ",10.0," in line for line in lines)
    # the map opens on the upload at once (issue 27), and so does the overview
    page.get_by_role("link", name="Buka di peta →").click()
    page.get_by_role("heading", name="Peta").wait_for(timeout=30000)
    wait_for_app(page)
    chosen = page.locator("[data-testid='stSelectbox']").filter(has_text="Indikator").first.locator("input")
    assert chosen.input_value() == "Unggahan · Warung kopi"
    page.get_by_role("link", name="Ringkasan").click()
    page.get_by_text("Ringkasan metropolitan Jakarta").wait_for(timeout=30000)
    wait_for_app(page)
    chosen = page.locator("[data-testid='stSelectbox']").filter(has_text="Indikator").first.locator("input")
    assert chosen.input_value() == "Unggahan · Warung kopi"
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    page.get_by_text("Warung kopi").first.wait_for()
    page.set_viewport_size({"width": 1600, "height": 1400})
    page.screenshot(path=str(ARTIFACTS / "unggah-overview.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    assert errors == []
    assert outside.blocked == []
