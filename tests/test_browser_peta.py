"""Browser tests of the map explorer and the Wilayah page in headless Chromium: maps draw,
the default white background asks no outside host, screenshots to test-artifacts/."""
import importlib
import os
import re
import tempfile
import time
from pathlib import Path

import pytest
from support.appserver import (
    ARTIFACTS,
    app_server,
    full_screenshot,
    map_frame,
    map_root,
    open_page,
    upload_and_use,
    wait_for_app,
)

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser
REAL = os.environ.get("JABODASH_TEST_BOUNDARIES")


@pytest.fixture(scope="module")
def geo_server():
    """A server whose cache holds the real boundaries (when given), else none."""
    ARTIFACTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        old = os.environ.get("JABODASH_CACHE_DIR")
        os.environ["JABODASH_CACHE_DIR"] = tmp
        try:
            from jabodash.geo import boundaries
            if REAL:
                boundaries.import_file(Path(REAL) / "jabodetabek_adm2.geojson", "kabkota")
                boundaries.import_file(Path(REAL) / "jabodetabek_adm3.geojson", "kecamatan")
            else:   # synthetic squares (see test_page_peta)
                from test_page_peta import squares_geojson
                path = squares_geojson(Path(tmp) / "squares.geojson")
                boundaries.import_file(path, "kabkota", "kode", "nama")
            sha = boundaries.cache_status()["kabkota"]["sha256"]
        finally:
            if old is None:
                os.environ.pop("JABODASH_CACHE_DIR")
            else:
                os.environ["JABODASH_CACHE_DIR"] = old
        with app_server(env={"JABODASH_CACHE_DIR": tmp}) as url:
            yield url, tmp, sha


@pytest.fixture(scope="module")
def empty_server():
    ARTIFACTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        with app_server(env={"JABODASH_CACHE_DIR": tmp}) as url:
            yield url




def _offline(outside, errors):
    """No tile, font, world outline (Plotly's CDN) or any other outside request, and no page error
    (the white map is Plotly's geo subplot: no glyph files, no "Map error.")."""
    assert errors == []
    assert outside.blocked == []


GEO_PATHS = ".js-plotly-plot .geo .choroplethlocation"   # the regions, as SVG paths
GEO_TEXTS = ".js-plotly-plot .geo .scattergeo text"   # their labels, as SVG text


def _no_exception(page):
    assert page.locator("[data-testid='stException']").count() == 0


def test_tile_grid_without_boundaries(empty_server, browser):
    page, outside, errors = open_page(browser, empty_server + "/peta?lang=id&indicator=ipm", wait_figure=True)
    page.get_by_text("python -m jabodash boundaries fetch", exact=False).first.wait_for()
    # 15 tiles labelled; the legend names the missing class when there is one
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() >= 2
    _no_exception(page)
    full_screenshot(page, "peta-tiles.png")
    assert errors == [] and outside.blocked == []


def test_geographic_map_offline(geo_server, browser):
    geo_server = geo_server[0]
    start = time.monotonic()
    page, outside, errors = open_page(browser, geo_server + "/peta?lang=id&map_type=geo&indicator=population_census",
                                      wait_figure=True)
    root = map_root(page)   # the map component's frame
    root.locator(GEO_PATHS).first.wait_for()
    elapsed = time.monotonic() - start
    # every region named by its short name (never a code such as JKP or KEPS), Jakarta Pusat too
    labels = " ".join(root.locator(GEO_TEXTS).all_text_contents())
    if REAL:
        for name in ("Jakarta Pusat", "Jakarta Utara", "Kepulauan Seribu", "Kab. Bogor", "Kota Bogor", "Depok"):
            # a name wrapped inside its region ("Kab.<br>Bogor") reads as SVG tspans without the space
            assert name.replace(" ", "") in labels.replace(" ", ""), (name, labels)
    assert not any(code in labels.split() for code in ("JKP", "JKB", "KEPS", "KTGR")), labels
    legend = root.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert len(legend) >= 3, legend
    annotations = " ".join(root.locator(".js-plotly-plot .annotation-text").all_text_contents())
    assert "Batas" in annotations or "geoBoundaries" in annotations or "BIG" in annotations, annotations
    _no_exception(page)
    page.wait_for_timeout(1500)
    full_screenshot(page, "peta-geo.png")
    print(f"geo map page ready in {elapsed:.1f}s")
    _profile_follows_the_map(page)
    _language_switch_keeps_choices(page)
    _offline(outside, errors)


def _value(page, label: str) -> str:
    """The shown value of the selectbox labelled ``label``."""
    return page.get_by_role("combobox", name=label, exact=True).first.input_value()


def _profile_follows_the_map(page) -> None:
    """The kab/kota profile is a fragment of its own (a year change does not redraw it): a region
    clicked on the map still shows its profile, a year change keeps it, and a region picked in the
    profile stays in the address through later changes of the map."""
    frame = map_frame(page)
    frame.evaluate("""() => { const gd = document.querySelector('.js-plotly-plot');
        const t = gd.data.findIndex(t => t.type.startsWith('choropleth') && (t.locations || []).includes('3173'));
        gd.emit('plotly_click', {points: [{curveNumber: t, pointNumber: gd.data[t].locations.indexOf('3173'),
                                           location: '3173'}]}); }""")
    page.wait_for_function("() => location.search.includes('regions=3173')", timeout=30000)
    wait_for_app(page)
    assert _value(page, "Wilayah").endswith("(3173)")
    shown = _value(page, "Tahun")
    other = next(o for o in _options(page, "Tahun") if o.split(" ")[0] != shown.split(" ")[0])
    _pick(page, "Tahun", other)
    page.wait_for_function(f"() => location.search.includes('year={other.split(' ')[0]}')", timeout=30000)
    assert _value(page, "Wilayah").endswith("(3173)") and "regions=3173" in page.url
    assert page.get_by_role("heading", name="Profil wilayah", exact=True).count() == 1
    _pick(page, "Wilayah", next(o for o in _options(page, "Wilayah") if o.endswith("(3171)")))
    page.wait_for_function("() => location.search.includes('regions=3171')", timeout=30000)
    _pick(page, "Tahun", shown)
    page.wait_for_function(f"() => location.search.includes('year={shown.split(' ')[0]}')", timeout=30000)
    assert "regions=3171" in page.url and _value(page, "Wilayah").endswith("(3171)")
    _no_exception(page)


# the map's choices made in Indonesian, and how each reads after a switch to English
CHOICES = {("Jenis peta", "Map type"): ("Kisi petak", "Tile grid"),
           ("Klasifikasi", "Classification"): ("interval sama", "equal interval"),
           ("Palet warna", "Palette"): ("Kontras tinggi", "High contrast"),
           ("Cakupan tampilan", "Extent"): ("Jakarta", "Jakarta")}


def _switch_language(page, name: str) -> None:
    page.locator("[data-testid='stSidebar'] label").filter(has_text=name).first.click()
    page.wait_for_function(f"() => location.search.includes('lang=en') === {'true' if name == 'English' else 'false'}",
                           timeout=30000)
    wait_for_app(page)


def _language_switch_keeps_choices(page) -> None:
    """The language switch (a run of the whole page) keeps every choice of the map and shows it in
    the new language, and back: the boxes showed the old language's label ("Kisi petak" in English),
    and the way back reset map type, classification, palette and extent to their defaults."""
    for (label, _), (option, _) in CHOICES.items():
        _pick(page, label, option)
    params = page.url.split("?")[1]
    assert all(p in params for p in ("map_type=tiles", "classification=equal_interval", "palette=high_contrast",
                                     "fit=jakarta")), params
    _switch_language(page, "English")
    page.get_by_role("combobox", name="Map type", exact=True).first.wait_for()
    for (_, label), (_, option) in CHOICES.items():
        assert _value(page, label) == option, (label, _value(page, label))
    assert _value(page, "Level") == "Regency/city"
    assert _value(page, "Indicator").startswith("Population · Population, census count"), _value(page, "Indicator")
    assert re.fullmatch(r"\d{4} \(\d+ of 15 regions\)", _value(page, "Year")), _value(page, "Year")
    page.set_viewport_size({"width": 1440, "height": 1000})   # the longest toggle label wraps, not cut
    cut = page.locator("[data-testid='stCheckbox'] .stMarkdownEllipsis").evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)")
    assert cut == [], cut
    _switch_language(page, "Bahasa Indonesia")
    page.get_by_role("combobox", name="Jenis peta", exact=True).first.wait_for()
    for (label, _), (option, _) in CHOICES.items():
        assert _value(page, label) == option, (label, _value(page, label))
    assert _value(page, "Tingkat") == "Kabupaten/kota" and _value(page, "Indikator").startswith("Kependudukan · ")
    assert _params(page.url) == _params("?" + params), (page.url, params)   # the same view, in Indonesian
    _no_exception(page)


def _params(url: str) -> set[str]:
    return {p for p in url.split("?", 1)[1].split("&") if not p.startswith("lang=")}


def _options(page, label: str) -> list[str]:
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    box.click()
    options = page.get_by_role("option").all_text_contents()
    page.keyboard.press("Escape")
    return options


@pytest.mark.skipif(not REAL, reason="JABODASH_TEST_BOUNDARIES not set")
def test_kecamatan_map_and_wilayah(geo_server, browser):
    geo_server = geo_server[0]
    # the built-in kecamatan figures (data/sources/kecamatan_sp2010.csv) on the real boundaries
    page, outside, errors = open_page(browser, geo_server + "/peta?lang=en&map_type=geo&level=kecamatan"
                                      "&indicator=population_census_sp2010_preliminary&year=2010", wait_figure=True)
    map_root(page).locator(".js-plotly-plot .legendtext").nth(2).wait_for()
    map_root(page).get_by_text("217 of 217 kecamatan", exact=False).first.wait_for()
    map_root(page).get_by_text("BPS SP2010 angka sementara via GitHub lahdjirayhan", exact=False).first.wait_for()
    _no_exception(page)
    page.wait_for_timeout(1500)
    full_screenshot(page, "peta-kecamatan.png")
    _offline(outside, errors)
    page, outside, errors = open_page(browser, geo_server + "/wilayah?lang=id", wait_figure=True)
    page.get_by_text("centroid", exact=False).first.wait_for()
    _no_exception(page)
    page.wait_for_timeout(1500)
    full_screenshot(page, "wilayah.png")
    _offline(outside, errors)


def test_wilayah_without_boundaries(empty_server, browser):
    page, outside, errors = open_page(browser, empty_server + "/wilayah?lang=en", wait_figure=True)
    page.get_by_text("published coordinates", exact=False).first.wait_for()
    _no_exception(page)
    full_screenshot(page, "wilayah-tiles.png")
    assert errors == [] and outside.blocked == []


def test_broken_upload_shows_error_and_keeps_cache(geo_server, browser):
    url, cache, sha = geo_server
    page, outside, errors = open_page(browser, url + "/peta?lang=en", wait_figure=True)
    page.get_by_text("Boundaries", exact=True).first.click()
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(
        files=[{"name": "broken.geojson", "mimeType": "application/geo+json", "buffer": b"\x00garbage{" * 100}])
    page.get_by_text("broken.geojson").first.wait_for()
    page.get_by_role("button", name="Import file").click()
    page.get_by_text("Replace the Regency/city boundaries for everyone?").first.wait_for()   # cached: asked first
    page.get_by_role("button", name="Yes, go ahead").click()
    page.locator("[data-testid='stAlertContentError']").first.wait_for(timeout=60000)
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.locator("[data-testid='stAlertContentError']").first.inner_text()
    page.get_by_text("cached (", exact=False).first.wait_for()
    full_screenshot(page, "peta-broken-upload.png")
    old = os.environ.get("JABODASH_CACHE_DIR")
    os.environ["JABODASH_CACHE_DIR"] = cache
    try:
        from jabodash.geo import boundaries
        assert boundaries.cache_status()["kabkota"]["sha256"] == sha
    finally:
        if old is None:
            os.environ.pop("JABODASH_CACHE_DIR")
        else:
            os.environ["JABODASH_CACHE_DIR"] = old
    assert errors == []


def _pick(page, label: str, option: str, typed: str | None = None) -> None:
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    box.click()
    if typed:
        page.keyboard.type(typed)
    page.get_by_role("option", name=option).click()
    wait_for_app(page)


def test_upload_then_see_it_on_the_map(geo_server, browser):
    """An analyst's CSV uploaded on /unggah, used in the session, then picked on the map page:
    the geographic map draws its figures (read back from the Plotly figure in the page)."""
    url = geo_server[0]
    codes = ["3171", "3172", "3173", "3174", "3175", "3101", "3201", "3203", "3216", "3271", "3275", "3276",
             "3603", "3671", "3674"]
    csv = ("kode_wilayah;tahun;jumlah_posyandu\n" + "".join(
        f"{code};2024;{(i + 1) * 111}\n" for i, code in enumerate(codes))).encode()
    page, outside, errors = open_page(browser, url + "/unggah?lang=id")
    upload_and_use(page, "posyandu.csv", csv, {"Nama indikator": "Posyandu aktif"})
    page.get_by_role("link", name="Peta").first.click()
    page.get_by_role("heading", name="Peta").first.wait_for(timeout=30000)
    wait_for_app(page)
    _pick(page, "Jenis peta", "Geografis (batas wilayah)")
    # the rerun of that choice has landed (a loaded machine may be slow): the map is geographic
    map_root(page).locator(GEO_PATHS).first.wait_for(timeout=30000)
    wait_for_app(page)
    _pick(page, "Indikator", "Unggahan · Posyandu aktif", typed="Posyandu")
    root = map_root(page)   # the same component frame, redrawn with the new figure
    root.locator(GEO_PATHS).first.wait_for(timeout=30000)
    wait_for_app(page)
    root.locator(".js-plotly-plot .gtitle", has_text="Posyandu aktif").first.wait_for(timeout=30000)
    hover = map_frame(page).evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(
        p => (p.data || []).filter(t => t.type === 'choropleth').flatMap(t => (t.locations || []).map(
            (loc, i) => [loc, String((t.hovertext || [])[i] || '')])))""")
    shown = dict(hover)
    assert "Posyandu aktif" in root.locator(".js-plotly-plot .gtitle").first.text_content()
    for i, code in enumerate(codes):
        assert f"{(i + 1) * 111:,}".replace(",", ".") in shown.get(code, ""), (code, shown.get(code))
    _no_exception(page)
    page.wait_for_timeout(1500)
    full_screenshot(page, "peta-upload.png")
    _offline(outside, errors)


@pytest.mark.skipif(not importlib.import_module("jabodash.presenter.exports").chromium_path(), reason="no system Chromium")
def test_map_svg_download_for_slides(geo_server, browser, tmp_path):
    """The map page's SVG button renders the current map at 1920x1080 with kaleido, on click."""
    page, outside, errors = open_page(browser, geo_server[0] + "/peta?lang=id&map_type=geo&indicator=ipm&year=2024",
                                      wait_figure=True)
    with page.expect_download(timeout=120000) as info:
        page.get_by_role("button", name="Unduh SVG").click()
    download = info.value
    assert download.suggested_filename == "jabodash_map_ipm_2024_kabkota_1920x1080.svg"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    svg = target.read_text()
    assert 'width="1920"' in svg and 'height="1080"' in svg
    assert "IPM seri lama (var 413" in svg and "2024" in svg and "Batas wilayah" in svg
    # the map itself is vectors: its regions are SVG paths and its labels SVG text (not a picture)
    assert 'class="choroplethlocation"' in svg and "<image" not in svg
    if REAL:
        assert "Jakarta Pusat" in svg
    _no_exception(page)
    _offline(outside, errors)
