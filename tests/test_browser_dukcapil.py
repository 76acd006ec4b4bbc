"""Population from Dukcapil and school counts from Dapodik in Chromium: the real app server pointed
(JABODASH_DUKCAPIL_URL, JABODASH_DAPODIK_URL) at the loopback services of tests/support/dukcapil_server.py
and dapodik_server.py; read, change report, save, then the kecamatan map draws the saved figures with
their official source line (screenshots test-artifacts/dukcapil-report.png, dapodik-report.png,
dukcapil-kecamatan-map.png and dapodik-kecamatan-map.png, for a person to look at)."""
import pytest
from support import appserver, dapodik_server, dukcapil_server
from support.appserver import ARTIFACTS, app_server, wait_for_app
from support.browser import no_exceptions
from support.fault_server import FaultServer

from jabodash.geo import boundaries
from jabodash.official import dukcapil

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

ROWS = {dukcapil.SERVICES["kabkota"]: dukcapil_server.kab_rows(),
        dukcapil.SERVICES["kecamatan"]: dukcapil_server.kec_rows()}


def open_page(browser, url: str):
    """appserver.open_page with a longer first wait: a fresh server's first run of the data page
    (catalog, coverage matrix) can take more than a minute on a loaded 2-core machine."""
    return appserver.open_page(browser, url, timeout_ms=240000)


def pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox labelled ``label``; the map's first draw may rerun the page
    and close a dropdown opened meanwhile, so it is opened again (up to three times)."""
    for _ in range(3):
        wait_for_app(page)
        page.locator("[data-testid='stSelectbox']").filter(has_text=label).first.click()
        try:
            page.get_by_role("option", name=option).click(timeout=10000)
            wait_for_app(page)
            return
        except playwright_api.TimeoutError:
            page.keyboard.press("Escape")
    raise AssertionError(f"no option {option!r} in {label!r}")


def read_and_save_dapodik(page) -> None:
    """The Dapodik section of the open data page: read semester 20241, check the report, save."""
    wait_for_app(page)                      # the Dukcapil save's run has ended
    page.get_by_text("School counts from Dapodik (recap by region)").click()
    page.get_by_role("button", name="Read from Dapodik").click()
    try:
        page.get_by_text("Kecamatan to BPS codes by their name", exact=False).wait_for(timeout=120000)
    except playwright_api.TimeoutError:
        page.screenshot(path=str(ARTIFACTS / "dapodik-report-failed.png"), full_page=True)
        raise
    wait_for_app(page)
    assert page.get_by_text("50 figures (kabkota, kecamatan) for semester 20241", exact=False).count() == 1
    assert page.get_by_text("5 used, 1 rows not used", exact=False).count() == 1
    page.get_by_role("button", name="Save the Dapodik figures").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "dapodik-report.png"))
    page.get_by_role("button", name="Save the Dapodik figures").click()
    page.get_by_text("Saved as dataset", exact=False).first.wait_for(timeout=60000)   # Dukcapil's went with the rerun


def test_read_save_and_map_dukcapil_kecamatan(browser, tmp_path, monkeypatch, test_boundaries):
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"JABODASH_WORKSPACE": str(tmp_path / "ws"), "JABODASH_CACHE_DIR": str(tmp_path / "cache")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    if test_boundaries is not None:   # the real kecamatan, else squares in Depok
        boundaries.import_file(test_boundaries / "jabodetabek_adm3.geojson", "kecamatan")
    else:
        dukcapil_server.kecamatan_squares(tmp_path)
    with FaultServer(lambda path: dukcapil_server.answer(path, ROWS)) as srv, \
            FaultServer(lambda path: dapodik_server.answer(path)) as dapo:
        env["JABODASH_DUKCAPIL_URL"] = srv.origin + "/arcgis/rest/services/"
        env["JABODASH_DAPODIK_URL"] = dapo.origin + "/"
        with app_server(env) as url:
            page, outside, errors = open_page(browser, url + "/data?lang=en")
            page.get_by_text("Population from Dukcapil (civil registry GIS)").click()
            page.get_by_role("button", name="Read from Dukcapil").click()
            page.get_by_text("Kecamatan to BPS codes through the crosswalk", exact=False).wait_for(timeout=120000)
            wait_for_app(page)
            assert page.get_by_text("7 figures (kabkota, kecamatan) for 2025 semester", exact=False).count() == 1
            assert page.get_by_text("4 kept, 0 not kept", exact=False).count() == 1
            page.get_by_role("button", name="Save the Dukcapil figures").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "dukcapil-report.png"))
            page.get_by_role("button", name="Save the Dukcapil figures").click()
            page.get_by_text("Saved as dataset", exact=False).wait_for(timeout=60000)
            read_and_save_dapodik(page)
            no_exceptions(page)
            assert errors == [] and outside.blocked == []

            page, outside, errors = open_page(browser, url + "/peta?lang=en&level=kecamatan")
            # the kecamatan level lists the saved Dukcapil population beside the boundaries' area
            pick(page, "Indicator", "Population · Registered population, Dukcapil civil registry (semester I)")   # the default semester
            wait_for_app(page, timeout_ms=120000)
            page.get_by_text("Data sources (1)").click()          # the map's source line, official grade
            page.get_by_text("Dukcapil GIS (Ditjen Dukcapil Kemendagri)", exact=False).first.wait_for(timeout=60000)
            wait_for_app(page)
            page.screenshot(path=str(ARTIFACTS / "dukcapil-kecamatan-map.png"))
            body = page.inner_text("body")
            assert "Registered population, Dukcapil civil registry (semester I)" in body
            pick(page, "Indicator", "Public services · Primary schools (SD)")      # the saved Dapodik counts
            wait_for_app(page, timeout_ms=120000)
            source_line = page.get_by_text("Dapodik (Kemendikdasmen) rekap dataSekolah", exact=False).first
            try:
                source_line.wait_for(timeout=20000)
            except playwright_api.TimeoutError:                  # the sources closed with the new indicator
                page.get_by_text("Data sources (", exact=False).first.click()
                source_line.wait_for(timeout=60000)
            wait_for_app(page)
            page.screenshot(path=str(ARTIFACTS / "dapodik-kecamatan-map.png"))
            no_exceptions(page)
            assert errors == [] and outside.blocked == []
