"""In the browser: a change of the map's year or of the overview's year reruns a fragment (not the
page), and the address bar and the share link still follow, so a copied link shows the view."""
import re

import pytest
from support.appserver import open_page, wait_for_app
from support.browser import no_exceptions

pytestmark = pytest.mark.browser


def pick_year(page, label: str, year: int) -> None:
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).first.click()
    page.get_by_role("option", name=re.compile(rf"^{year}\b")).click()


def share_link(page, label: str) -> str:
    page.locator("[data-testid='stSidebar'] [data-testid='stExpander']").filter(has_text=label).first.click()
    code = page.locator("[data-testid='stSidebar'] [data-testid='stCode'] code").first
    code.wait_for()
    return code.inner_text()


def test_map_year_change_updates_address_and_share_link(server, browser):
    page, outside, errors = open_page(browser, server + "/peta?lang=id&indicator=ipm&year=2024", wait_figure=True)
    pick_year(page, "Tahun", 2022)
    page.wait_for_function("() => location.search.includes('year=2022')")
    wait_for_app(page)
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot .gtitle, .js-plotly-plot text')]"
                           ".some(e => e.textContent.includes('2022'))")
    assert "indicator=ipm" in page.url
    assert "year=2022" in share_link(page, "Salin tautan")
    assert page.locator("h1").filter(has_text="Peta").count() == 1   # the page is whole
    no_exceptions(page)
    assert errors == [] and outside.blocked == []


def test_overview_year_change_keeps_the_trend(server, browser):
    page, outside, errors = open_page(browser, server + "/?lang=en&indicator=poverty_rate&year=2024", wait_figure=True,
                                      height=1600)   # the year picker below the KPIs and the targets strip
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2")
    pick_year(page, "Year", 2023)
    page.wait_for_function("() => location.search.includes('year=2023')")
    wait_for_app(page)
    assert "indicator=poverty_rate" in page.url
    assert page.locator(".js-plotly-plot").count() == 2   # the ranking and the trend
    assert "year=2023" in share_link(page, "Copy the link")
    no_exceptions(page)
    assert errors == [] and outside.blocked == []
