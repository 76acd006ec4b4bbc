"""The map page's, the overview's and the population page's fragments: a change inside one reruns only that part (as the
server does: tests/support/fragments.py), and the URL and the sidebar's share link still follow, so a
shared link shows the view; what the fragment draws equals what a full run of the same view draws."""
import json

import pandas as pd
import pytest
from support.apptest import map_figure
from support.data import values
from support.fragments import fragment_ids, open_page, rerun_fragment

from jabodash import charts


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))


def share_link(at) -> str:
    links = [c.value for c in at.sidebar.code]
    assert len(links) == 1, links
    return links[0]


def spec(at, key_start: str) -> dict:
    charts = [c for c in at.get("plotly_chart")]
    assert charts, "no chart"
    return json.loads(charts[0].proto.spec)


def test_map_year_change_reruns_the_fragment_and_updates_url_and_link(cache):
    at = open_page("peta", indicator="ipm", year="2024")
    assert len(fragment_ids(at)) == 2   # the map explorer (first) and the kab/kota region profile
    at.selectbox(key="w_year").set_value(2022)
    rerun_fragment(at)
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["year"] == "2022" and at.query_params["indicator"] == "ipm"
    assert "year=2022" in share_link(at) and "indicator=ipm" in share_link(at)
    assert not at.title   # the page set-up did not run again: only the fragment drew
    hover = " ".join(str(tr.get("hovertext", "")) for tr in map_figure(at)["data"])
    for code, value in values("ipm", 2022).items():
        assert f"{value:.2f}".replace(".", ",") in hover, code
    # a map control: the palette goes to the URL too
    at.selectbox(key="m_palette").set_value("high_contrast")
    rerun_fragment(at)
    assert at.query_params["palette"] == "high_contrast" and at.query_params["year"] == "2022"
    assert "palette=high_contrast" in share_link(at)


def test_map_fragment_draws_what_a_full_run_draws(cache):
    at = open_page("peta", indicator="ipm", year="2024")
    at.selectbox(key="w_year").set_value(2023)
    rerun_fragment(at)
    in_fragment = map_figure(at)
    full = open_page("peta", indicator="ipm", year="2023")
    assert map_figure(full) == in_fragment
    # the region profile (its table, its cooperation records, its targets) is a fragment of its own: a year
    # change does not draw it again; run alone it draws what the full run draws
    assert len(at.dataframe) == 0 and len(full.dataframe) == 3
    rerun_fragment(at, fragment_ids(at)[1])
    assert len(at.dataframe) == 3
    for mine, theirs in zip(at.dataframe, full.dataframe, strict=True):
        pd.testing.assert_frame_equal(mine.value, theirs.value)


def test_overview_year_change_reruns_the_ranking_only(cache):
    at = open_page("ringkasan", indicator="poverty_rate", year="2024")
    assert len(fragment_ids(at)) == 1
    trend_before = [c for c in at.get("plotly_chart") if c.key == "trend"]
    assert len(trend_before) == 1
    at.selectbox(key="w_year").set_value(2023)
    rerun_fragment(at)
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["year"] == "2023" and at.query_params["indicator"] == "poverty_rate"
    assert "year=2023" in share_link(at)
    keys = [c.key for c in at.get("plotly_chart")]
    assert keys == ["ranking"]   # the trend was not drawn again
    ranking = spec(at, "ranking")
    bars = ranking["data"]
    shown = " ".join(" ".join(map(str, tr.get("text") or [])) + str(tr.get("hovertext", "")) for tr in bars)
    # value labels the metro line would cross are annotations on a white ground (charts.labels_clear_of)
    shown += " ".join(a.get("text", "") for a in ranking["layout"].get("annotations", [])
                      if a.get("name") == charts.VALUE_LABEL)
    for value in values("poverty_rate", 2023):
        assert f"{value:.2f}".replace(".", ",") in shown
    full = open_page("ringkasan", indicator="poverty_rate", year="2023")
    assert [json.loads(c.proto.spec) for c in full.get("plotly_chart") if c.key == "ranking"] == [spec(at, "ranking")]


def test_population_census_year_change_reruns_the_census_part_only(cache):
    at = open_page("kependudukan", year="2020")
    assert len(fragment_ids(at)) == 1
    at.selectbox(key="w_pop_year").set_value(2010)
    rerun_fragment(at)
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["year"] == "2010" and "year=2010" in share_link(at)
    assert not at.title   # the page set-up did not run again
    keys = [c.key for c in at.get("plotly_chart")]
    assert keys == ["fig_population_share", "fig_population_density"]   # series, growth, commuting not redrawn
    assert at.metric[0].label == "Penduduk (sensus 2010)" and at.metric[0].value == "belum lengkap"
    full = open_page("kependudukan", year="2010")
    drawn = {c.key: json.loads(c.proto.spec) for c in full.get("plotly_chart")}
    assert [drawn[k] for k in keys] == [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert [m.value for m in full.metric] == [m.value for m in at.metric]
    pd.testing.assert_frame_equal(at.dataframe[0].value, full.dataframe[0].value)   # the census table
