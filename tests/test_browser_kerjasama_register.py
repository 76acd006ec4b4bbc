"""Browser test of the cooperation register (one visit per page): the Kerja sama page draws the
network and the matrix, the table lists the records and the active filter narrows them; the
presenter's story step shows the network. No page error, no request to another host. Screenshots
go to test-artifacts/ (kerjasama-register-*.png, presenter-step7-cooperation.png, layanan-quality-ranking.png) for a person to
look at."""
import pytest
from support.appserver import ARTIFACTS, full_screenshot, open_page, wait_for_app
from support.browser import charts_drawn, no_exceptions

from jabodash.presenter import stories

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser


def test_kerjasama_register_in_the_browser(server, browser):
    page, outside, errors = open_page(browser, f"{server}/kerjasama")
    page.get_by_role("heading", name="Register kerja sama antardaerah").wait_for()
    charts_drawn(page, 4)
    assert page.get_by_text("Jejaring kerja sama antarwilayah").count() > 0
    assert page.get_by_text("Perjanjian per sektor dan wilayah").count() > 0
    assert page.get_by_text("40 dari 40 catatan sesuai saringan").count() == 1
    page.get_by_text("Register kerja sama antardaerah").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "kerjasama-register-network.png"))
    page.get_by_text("Hanya yang masih berlaku").click()
    page.get_by_text("dari 40 catatan sesuai saringan").wait_for()
    wait_for_app(page)
    assert page.get_by_text("24 dari 40 catatan sesuai saringan").count() == 1
    assert page.get_by_text("hanya yang masih berlaku").count() > 0
    no_exceptions(page)
    full_screenshot(page, "kerjasama-register-full.png")
    assert errors == [] and outside.blocked == []
    page.context.close()


def test_presenter_shows_the_cooperation_step(server, browser):
    story = stories.load_story("jabodetabek_dalam_angka")
    step = next(n for n, s in enumerate(story.steps, start=1) if s.kind == "cooperation")
    page, outside, errors = open_page(browser, f"{server}/presentasi?story=jabodetabek_dalam_angka&step={step}&presenter=1",
                                      width=1920, height=1080, wait_figure=True)
    page.get_by_text(f"Langkah {step} dari {len(story.steps)}").wait_for()
    assert page.get_by_text("Praktik kerja sama yang sudah berjalan").count() > 0
    assert page.locator(".js-plotly-plot").count() == 1
    no_exceptions(page)
    page.screenshot(path=str(ARTIFACTS / "presenter-step7-cooperation.png"))
    assert errors == [] and outside.blocked == []
    page.context.close()


def test_layanan_quality_section_in_the_browser(server, browser):
    page, outside, errors = open_page(browser, f"{server}/layanan", wait_figure=True)
    page.get_by_role("heading", name="Kualitas dan inovasi layanan").wait_for()
    page.get_by_role("heading", name="Kualitas dan inovasi layanan").scroll_into_view_if_needed()
    wait_for_app(page)
    assert page.get_by_text("10 dari 15 wilayah berangka pada 2021").count() == 1
    no_exceptions(page)
    page.screenshot(path=str(ARTIFACTS / "layanan-quality-ranking.png"))
    assert errors == [] and outside.blocked == []
    page.context.close()
