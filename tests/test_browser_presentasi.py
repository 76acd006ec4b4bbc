"""Browser test of presenter mode: the real server in headless Chromium at 1920x1080 shows the
shipped story with one large figure, no Streamlit chrome in presenter layout, no page error and
no request to any host but the app. Screenshots go to test-artifacts/ (looked at by eye)."""
import importlib

import pytest
from support.appserver import ARTIFACTS, app_server, wait_for_app
from support.appserver import open_page as _open_page

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

STORY = "jabodetabek_dalam_angka"


def open_page(browser, url, wait_figure=True):
    """Presenter pages are looked at on a 1920x1080 screen, with their figure drawn."""
    return _open_page(browser, url, width=1920, height=1080, wait_figure=wait_figure)


def figure_box(page):
    return page.locator(".js-plotly-plot").first.bounding_box()


def test_presenter_layout_fills_the_screen(server, browser):
    page, outside, errors = open_page(browser, f"{server}/presentasi?story={STORY}&step=2&presenter=1")
    page.get_by_text("Langkah 2 dari 8").wait_for()
    page.get_by_text("Kota-kota Jakarta paling padat", exact=True).wait_for()
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert not page.locator("[data-testid='stHeader']").is_visible()
    box = figure_box(page)
    assert box["width"] > 1800 and box["height"] >= 800
    assert box["y"] + box["height"] <= 1080        # the whole figure on the first screen
    # large type: every text of the figure at least 20 px
    sizes = page.eval_on_selector_all(
        ".js-plotly-plot text", "els => els.map(e => parseFloat(getComputedStyle(e).fontSize)).filter(x => x > 0)")
    assert sizes and min(sizes) >= 20, sorted(set(sizes))[:5]
    page.screenshot(path=str(ARTIFACTS / "presenter-step2.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    assert errors == []
    assert outside.blocked == []


def test_next_and_previous_change_the_step_in_the_url(server, browser):
    page, outside, errors = open_page(browser, f"{server}/presentasi?story={STORY}&step=3&presenter=1")
    page.get_by_text("Langkah 3 dari 8").wait_for()
    page.screenshot(path=str(ARTIFACTS / "presenter-step3.png"))
    page.get_by_role("button", name="Berikutnya ▶").click()
    page.get_by_text("Langkah 4 dari 8").wait_for()
    page.wait_for_url("**step=4**")
    wait_for_app(page)
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "presenter-step4.png"))
    page.get_by_role("button", name="◀ Sebelumnya").click()
    page.get_by_text("Langkah 3 dari 8").wait_for()
    page.wait_for_url("**step=3**")
    wait_for_app(page)
    # the arrow keys step through the story too (a presenter with a keyboard or a clicker in arrow mode)
    page.locator(".js-plotly-plot").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    page.get_by_text("Langkah 4 dari 8").wait_for()
    wait_for_app(page)
    page.keyboard.press("ArrowLeft")
    page.get_by_text("Langkah 3 dari 8").wait_for()
    assert errors == [] and outside.blocked == []


def test_presentasi_page_in_english_with_the_editor(server, browser):
    page, outside, errors = open_page(browser, f"{server}/presentasi?story={STORY}&step=2&lang=en")
    page.get_by_text("Step 2 of 8").wait_for()
    page.get_by_text("Edit the story").wait_for()
    assert page.locator("[data-testid='stSidebar']").is_visible()
    page.screenshot(path=str(ARTIFACTS / "presenter-page-en.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert errors == [] and outside.blocked == []


@pytest.mark.skipif(not importlib.import_module("jabodash.presenter.exports").chromium_path(), reason="no system Chromium")
def test_png_and_svg_downloads_from_the_page(server, browser, tmp_path):
    """The download buttons render on the server with kaleido and the system Chromium, when clicked."""
    import io

    from PIL import Image
    page, outside, errors = open_page(browser, f"{server}/presentasi?story={STORY}&step=1")
    with page.expect_download(timeout=120000) as info:
        page.get_by_role("button", name="Unduh PNG").click()
    download = info.value
    assert download.suggested_filename == f"jabodash_{STORY}_01_1920x1080.png"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    image = Image.open(io.BytesIO(target.read_bytes()))
    assert image.size == (1920, 1080)
    assert len(image.convert("RGB").getcolors(1 << 20)) > 40
    with page.expect_download(timeout=120000) as info:
        page.get_by_role("button", name="Unduh SVG").click()
    svg = tmp_path / "x.svg"
    info.value.save_as(svg)
    assert 'width="1920"' in svg.read_text() and "Sumber" in svg.read_text()
    assert errors == [] and outside.blocked == []


def test_high_contrast_presenter_step(server, browser):
    page, outside, errors = open_page(browser, f"{server}/presentasi?story={STORY}&step=5&presenter=1"
                                               "&palette=high_contrast")
    page.get_by_text("Langkah 5 dari 8").wait_for()
    page.screenshot(path=str(ARTIFACTS / "presenter-step5-high-contrast.png"))
    assert errors == [] and outside.blocked == []


def test_deep_link_as_first_request(browser):
    with app_server() as url:
        page, outside, errors = open_page(browser, f"{url}/presentasi?story={STORY}&step=2&lang=en")
        page.get_by_text("Step 2 of 8").wait_for()
        links = page.locator("[data-testid='stSidebarNavLink']").all_inner_texts()
        page.context.close()
    assert "Presenter" in links, links
