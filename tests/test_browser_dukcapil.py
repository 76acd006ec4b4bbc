"""Population from Dukcapil, school counts from Dapodik and BPS SIMDASI's Dalam Angka table in Chromium:
the real app server pointed (JABODASH_DUKCAPIL_URL, JABODASH_DAPODIK_URL, JABODASH_BPS_URL) at the loopback
services of tests/support/dukcapil_server.py, dapodik_server.py and simdasi_server.py; read, change report,
save, then the kecamatan map draws the saved figures with their official source line (screenshots
test-artifacts/dukcapil-report.png, dapodik-report.png, simdasi-report.png, dukcapil-kecamatan-map.png,
dapodik-kecamatan-map.png and simdasi-kecamatan-map.png, for a person to look at)."""
import re

import pytest
from support import appserver, dapodik_server, dukcapil_server, simdasi_server
from support.appserver import ARTIFACTS, app_server, map_frame, map_root, wait_for_app
from support.bps_server import KEY
from support.browser import no_exceptions
from support.fault_server import FaultServer

from jabodash.geo import boundaries, kecamatan_codes
from jabodash.official import dukcapil, simdasi

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

ROWS = {dukcapil.SERVICES["kabkota"]: dukcapil_server.kab_rows(),
        dukcapil.SERVICES["kecamatan"]: dukcapil_server.kec_rows()}
# SIMDASI: the shipped recipes (one id_tabel shared by 18 areas, years 2023-2025) against a stand-in that has
# Kota Depok's 2024 table only: its 11 kecamatan (Limo's density a "-"), and a Bandung row dropped
SHARED_ID = simdasi.load()[0].id_tabel
DEPOK = kecamatan_codes.load().query("parent_code == '3276'")[["code", "name"]].to_numpy().tolist()
DENSITY = {code: 5_000 + 450 * i for i, (code, _) in enumerate(DEPOK) if code != "3276060"}
SIMDASI_TABLES = {(SHARED_ID, "3276000", "2024"): simdasi_server.dalam_angka(
    [(code, name.title(), f"{150 + 7 * i},25", DENSITY.get(code, "-")) for i, (code, name) in enumerate(DEPOK)]
    + [("3273010", "Bandung Kulon", "99,01", 9_000)])}


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


def source_line(page, text: str) -> str:
    """The map's source line holding ``text`` (in "Data sources (n)", opened again if it closed with a
    new indicator), as shown."""
    line = page.get_by_text(text, exact=False).first
    try:
        line.wait_for(timeout=20000)
    except playwright_api.TimeoutError:                  # the sources closed with the new indicator
        page.get_by_text("Data sources (", exact=False).first.click()
        line.wait_for(timeout=60000)
    return line.inner_text()


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


def read_and_save_simdasi(page) -> None:
    """The SIMDASI section of the open data page, with the key typed in the BPS section: fetch the shipped
    recipes' tables, check the report (Depok's two columns read, every other area and year not available),
    save."""
    wait_for_app(page)                      # the Dapodik save's run has ended
    page.get_by_role("textbox", name="BPS WebAPI key").fill(KEY)
    page.keyboard.press("Enter")
    wait_for_app(page)
    page.get_by_text("BPS SIMDASI (Dalam Angka tables, down to kecamatan)").click()
    page.get_by_text(f"Recipes in data/simdasi_recipes.csv: {len(simdasi.load())}.").wait_for(timeout=60000)
    page.get_by_role("button", name="Fetch the recipes' tables").click()
    report = page.get_by_text("conflicts between BPS tables", exact=False)
    try:
        report.wait_for(timeout=120000)
    except playwright_api.TimeoutError:
        page.screenshot(path=str(ARTIFACTS / "simdasi-report-failed.png"), full_page=True)
        raise
    wait_for_app(page)
    lines = page.get_by_text("(id_tabel " + SHARED_ID + ", wilayah 3276000):", exact=False)
    assert lines.count() == 2                            # the two columns of Depok's 2024 table
    read = {re.sub(r" \(id_tabel .*?\)", "", x) for x in lines.all_inner_texts()}
    assert read == {  # each line names its indicator, year and area
        "Density (publ.) (population_density_published) 2024, Depok: "
        "10 figures, 1 rows of other regions dropped, 1 cells empty; covers 1 of the 15 regions",
        "BPS pop. estimate (population_estimate_bps) 2024, Depok: "
        "11 figures, 1 rows of other regions dropped, 0 cells empty; covers 1 of the 15 regions"}, read
    failed = page.locator("[data-testid='stAlertContentError']").filter(has_text="BPS has no data for this table")
    recipes = simdasi.load()
    tables = sum(len(r.year_list()) for r in recipes)
    assert failed.count() == 1 and failed.inner_text().startswith(f"{tables - 2} tables failed (the others are kept)")
    # the areas and years that failed alike in one line per column
    assert f"(var {SHARED_ID}, domain 3101000: 2023, 2024, 2025; 3171000: 2023, 2024, 2025;" in failed.inner_text()
    new, changed, same = map(int, re.match(r"(\d+) new figures, (\d+) changed, (\d+) unchanged, 0 conflicts",
                                           report.inner_text()).groups())
    assert new + changed + same == 21                    # 10 densities and 11 populations of Depok's kecamatan
    assert KEY not in page.inner_text("body")
    section = page.locator("[data-testid='stExpander']").filter(has_text="BPS SIMDASI (Dalam Angka tables")
    height = int(section.bounding_box()["height"])       # the whole section: a window as tall as it
    page.set_viewport_size({"width": 1600, "height": min(height + 120, 4000)})
    page.wait_for_timeout(500)
    section.screenshot(path=str(ARTIFACTS / "simdasi-report.png"))
    page.set_viewport_size({"width": 1600, "height": 1000})
    page.get_by_role("button", name="Save the refresh").click()
    section.get_by_text("Saved as dataset", exact=False).wait_for(timeout=60000)   # the section stayed open
    # the list of saved refreshes (drawn above the section) already has it: the save ran the page again
    assert page.get_by_text(re.compile(r"^BPS SIMDASI \d{4}-\d{2}-\d{2}: 21 figures")).count() == 1


def simdasi_on_the_map(page) -> None:
    """On the open kecamatan map: the saved SIMDASI density draws Depok's kecamatan (Limo a gap), with
    the official source line."""
    pick(page, "Indicator", "Space · Population density (as published)")
    wait_for_app(page, timeout_ms=120000)
    root = map_root(page)
    root.locator(".js-plotly-plot .gtitle", has_text="Population density (as published)").first.wait_for(timeout=60000)
    wait_for_app(page)
    hover = dict(map_frame(page).evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(
        p => (p.data || []).filter(t => t.type === 'choropleth').flatMap(t => (t.locations || []).map(
            (loc, i) => [loc, String((t.hovertext || [])[i] || '')])))"""))
    for code, value in DENSITY.items():
        assert f"{value:,}" in hover.get(code, ""), (code, hover.get(code))
    limo = hover.get("3276060", "")                      # the "-" cell: a gap, no number
    assert "Limo" in limo and "no data" in limo and not re.search(r"\d,\d{3}", limo), limo
    figure_text = root.locator(".js-plotly-plot").first.text_content()
    assert "2024 · 10 of 217 kecamatan" in figure_text and "Source: BPS SIMDASI [official]" in figure_text
    # the year box shows this indicator's coverage, not the schools' one picked before it (same years)
    boxes = page.locator("[data-testid='stSelectbox']").evaluate_all(
        "els => els.map(e => e.innerText + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' '))")
    assert any("2024 (10 of 217 kecamatan)" in box for box in boxes), boxes
    assert "Source grade: official" in source_line(page, "BPS SIMDASI (Badan Pusat Statistik, Dalam Angka tables), 2 tables")
    wait_for_app(page)
    page.screenshot(path=str(ARTIFACTS / "simdasi-kecamatan-map.png"))


def test_read_save_and_map_dukcapil_kecamatan(browser, tmp_path, monkeypatch, test_boundaries):
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"JABODASH_WORKSPACE": str(tmp_path / "ws"), "JABODASH_CACHE_DIR": str(tmp_path / "cache"),
           "JABODASH_CONFIG_DIR": str(tmp_path / "cfg"), "JABODASH_BPS_KEY": ""}   # no key but the typed one
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    if test_boundaries is not None:   # the real kecamatan, else squares in Depok
        boundaries.import_file(test_boundaries / "jabodetabek_adm3.geojson", "kecamatan")
    else:
        dukcapil_server.kecamatan_squares(tmp_path)
    with FaultServer(lambda path: dukcapil_server.answer(path, ROWS)) as srv, \
            FaultServer(lambda path: dapodik_server.answer(path)) as dapo, \
            FaultServer(lambda path: simdasi_server.answer(path, SIMDASI_TABLES)) as sim:
        env["JABODASH_DUKCAPIL_URL"] = srv.origin + "/arcgis/rest/services/"
        env["JABODASH_DAPODIK_URL"] = dapo.origin + "/"
        env["JABODASH_BPS_URL"] = sim.origin + "/v1/"
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
            read_and_save_simdasi(page)
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
            source_line(page, "Dapodik (Kemendikdasmen) rekap dataSekolah")
            wait_for_app(page)
            page.screenshot(path=str(ARTIFACTS / "dapodik-kecamatan-map.png"))
            simdasi_on_the_map(page)
            no_exceptions(page)
            assert errors == [] and outside.blocked == []
