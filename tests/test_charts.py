"""Unit tests of the shared chart helpers (jabodash.charts): value axis room, the source line
(cited publications, wrapping, inert names from data) and the PNG config of st.plotly_chart."""
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from jabodash import charts
from jabodash.charts import png_config, sources_text


def test_ranking_axis_leaves_room_for_outside_labels():
    import pandas as pd

    from jabodash.charts import value_range
    assert value_range(pd.Series([10.0, 50.0])) == [0.0, pytest.approx(59.0)]
    low, high = value_range(pd.Series([-2.0, 8.0]))
    assert low == pytest.approx(-3.8) and high == pytest.approx(9.8)
    assert value_range(pd.Series([float("nan")])) is None


# --- source lines: the publication a secondary source carries comes first ---------------------

@pytest.mark.parametrize("title, cited", [
    ("https://wikimili.com/en/West_Jakarta (Wikipedia text citing BPS SP2020)", "BPS SP2020"),
    ("https://x.example/a (databoks citing BPS)", "BPS"),
    ("github:o/r Data/IPM 2023.csv (BPS table '[Metode Baru] Indeks Pembangunan Manusia (IPM) Menurut "
     "Kabupaten/Kota', bps.go.id statistics-table var 413)", "BPS"),
    ("github:o/r db.sql (BIG letter B-16.10/DIGD-BIG/IGD.04.04/12/2024; codes per Kepmendagri 1/2025)", "BIG"),
    ("https://a.example (CNN Indonesia text quoting Dirjen Dukcapil, 7 Aug 2024; same figures in b.example)",
     "Dirjen Dukcapil, 7 Aug 2024"),
    ("github:o/r w.sql (population per Kepmendagri 300.2.2-2138/2025, Dukcapil registry)",
     "Kepmendagri 300.2.2-2138/2025"),
    ("https://blog.example/post (Wikipedia infobox)", None),
    ("Survei warung 2023", None),
])
def test_cited_source_reads_the_note_of_a_dataset_title(title, cited):
    from jabodash.charts import cited_source
    assert cited_source(title) == cited


def test_sources_line_groups_sites_under_the_publication_they_cite():
    import pandas as pd

    from jabodash.charts import sources_line
    rows = [("a", "https://s1.org/p (Wikipedia text citing BPS SP2020)", "s1.org"),
            ("b", "https://s2.org/p (Wikipedia text citing BPS SP2020)", "s2.org"),
            ("c", "https://s3.org/p (mirror citing BPS SP2020)", "s3.org"),
            ("d", "https://s3.org/q (Wikipedia text citing BPS SP2020)", "s3.org"),
            ("e", "https://blog.example/p (Wikipedia infobox)", "blog.example"),
            ("derived", None, None)]
    frame = pd.DataFrame(rows * 2, columns=["dataset_id", "source", "origin"])
    assert sources_line(frame, "id") == ("diturunkan oleh jabodash; BPS SP2020 melalui s1.org, s2.org +1 lainnya; "
                                         "blog.example")
    assert sources_line(frame, "en", limit=1) == ("derived by jabodash; BPS SP2020 via s1.org, s2.org +1 more "
                                                  "and 1 more")


def test_a_long_source_line_wraps_between_sources_and_makes_room():
    import plotly.graph_objects as go

    from jabodash.charts import base_layout
    long = "; ".join(f"BPS SP2020 melalui situs{i}.example" for i in range(8))
    fig = base_layout(go.Figure(), "Judul", "sub", long, "id")
    text = fig.layout.annotations[0].text
    lines = text.split("<br>")
    from jabodash.charts import SOURCE_WIDTH
    assert len(lines) == 4 and lines[0].startswith("Sumber: BPS SP2020 melalui situs0.example;")
    assert all(len(line) <= SOURCE_WIDTH for line in lines) and lines[-1].endswith("situs7.example")
    assert fig.layout.margin.b == 70 + 14 * (len(lines) - 1)
    short = base_layout(go.Figure(), "Judul", "sub", "BPS <b>x</b>", "id")
    assert short.layout.annotations[0].text == "Sumber: BPS &lt;b&gt;x&lt;/b&gt;" and short.layout.margin.b == 70


def test_wrapped_source_lines():
    from jabodash.charts import wrap_lines
    assert wrap_lines("a; b; c", width=4) == ["a; b;", "c"]
    assert wrap_lines("short") == ["short"]
    # a source longer than the width on its own is broken between words
    assert wrap_lines("Sumber: one two three; four", width=12) == ["Sumber: one", "two three;", "four"]


def test_source_names_from_data_are_inert_in_figures():
    frame = pd.DataFrame({"origin": ["<a href='http://x'>x</a> (y)", "plain.site"]})
    text = sources_text([(frame, "origin")], "en")
    assert "<" not in text and ">" not in text and "plain.site" in text


# --- st.plotly_chart config ---------------------------------------------------------------------

def test_plotly_config_png():
    cfg = png_config("x")
    assert cfg["toImageButtonOptions"]["format"] == "png" and cfg["toImageButtonOptions"]["filename"] == "x"


def test_a_shared_figure_gives_the_same_dict_made_once():
    """charts.shared: a figure drawn by many sessions (ui.source.per_data_version) gives st.plotly_chart the
    same dict as before, made once (no deep copy of its boundaries on every draw)."""
    from jabodash import charts as charts_mod
    geojson = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "a", "properties": {}, "geometry": {"type": "Point", "coordinates": [106.8, -6.2]}}]}

    def make():
        return go.Figure(go.Choroplethmap(geojson=geojson, locations=["a"], z=[1.5]), layout={"title": {"text": "x"}})

    fig, other = make(), make()
    plain = other.to_dict()
    made = charts_mod.shared((fig, {"other": fig}))[0]
    assert made is fig and type(fig) is charts_mod.SharedFigure and isinstance(fig, go.Figure)
    first, second = fig.to_dict(), fig.to_dict()
    assert first == plain == second and pio.to_json(fig) == pio.to_json(other)
    assert first["data"][0]["geojson"] is second["data"][0]["geojson"]   # not copied again
    first["layout"]["title"] = "changed"
    first["data"][0]["z"] = None
    assert fig.to_dict() == plain   # the top levels are the caller's own


# --- long subtitles wrap like source lines (issue 27) -------------------------------------------

LONG_SUB = " · ".join(["angka = jumlah tahun berdata, abu-abu = tidak ada data",
                       "tahun pada keterangan saat kursor diarahkan", "532 dari 1140 pasangan indikator–wilayah berdata",
                       "15 dari 15 wilayah"])


def _sub_lines(fig):
    return fig.layout.title.text.split("<br><sup>")[1].removesuffix("</sup>").split("<br>")


def test_a_long_subtitle_wraps_between_its_facts_and_makes_room():
    from jabodash.charts import HALF_SUBTITLE_WIDTH, SUBTITLE_WIDTH, TITLE_LINE_PX, base_layout, narrow_title
    fig = base_layout(go.Figure(), "Kelengkapan <b>data</b>", LONG_SUB, "", "id")
    lines = _sub_lines(fig)
    assert len(lines) == 2 and all(len(line) <= SUBTITLE_WIDTH for line in lines)
    assert lines[0].endswith(" ·") and " ".join(lines) == LONG_SUB   # broken between facts, nothing lost
    assert fig.layout.title.text.startswith("Kelengkapan &lt;b&gt;data&lt;/b&gt;<br><sup>")
    assert fig.layout.margin.t == 80 + TITLE_LINE_PX
    narrow = narrow_title(fig)
    lines = _sub_lines(narrow)
    assert len(lines) == 4 and all(len(line) <= HALF_SUBTITLE_WIDTH for line in lines)
    assert narrow.layout.margin.t == 80 + 3 * TITLE_LINE_PX and " ".join(lines) == LONG_SUB
    short = base_layout(go.Figure(), "Judul", "jiwa · 2020", "", "id")
    assert short.layout.title.text == "Judul<br><sup>jiwa · 2020</sup>" and short.layout.margin.t == 80


def test_a_top_margin_set_after_the_layout_keeps_the_subtitles_room():
    from jabodash.charts import TITLE_LINE_PX, base_layout, top_margin
    fig = top_margin(base_layout(go.Figure(), "Judul", LONG_SUB, "", "id"), 110)
    assert fig.layout.margin.t == 110 + TITLE_LINE_PX


def test_the_presenter_wraps_a_long_subtitle_and_makes_room_for_it():
    from jabodash.charts import base_layout
    from jabodash.presenter import views
    one = views.presentify(base_layout(go.Figure(go.Bar(x=[1], y=[1])), "Judul", "jiwa · 2020", "", "id"))
    long_sub = " · ".join([LONG_SUB] * 2)
    fig = views.presentify(base_layout(go.Figure(go.Bar(x=[1], y=[1])), "Judul", long_sub, "", "id"))
    lines = fig.layout.title.subtitle.text.split("<br>")
    assert len(lines) >= 2 and " ".join(lines) == long_sub
    assert all(len(line) * views.SUBTITLE_PX * 0.6 <= 0.9 * views.EXPORT_WIDTH + 1 for line in lines)
    assert fig.layout.margin.t > one.layout.margin.t + views.SUBTITLE_PX * (len(lines) - 1)


def test_year_axes_are_not_written_with_a_group_mark():
    """Years on an axis read 2010, not 2.010 (number_axes groups every other number)."""
    from jabodash.charts import trend_lines
    from jabodash.core.catalog import load_catalog
    ind = next(iter(load_catalog().values()))
    series = pd.DataFrame({"region_code": ["31.71"] * 2, "short_name": ["Jakarta Pusat"] * 2,
                           "year": [2010, 2020], "value": [1.0, 2.0]})
    fig = trend_lines(series, ind, "id")
    assert fig.layout.xaxis.tickformat == "d" and fig.layout.separators == ",."


def test_readability_flags_years_written_as_numbers():
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent))
    from support.readability import year_findings
    assert year_findings([["2.010", "2.015", "2.020"]]) and year_findings([["2,010", "2,020"]])
    assert year_findings([["0", "2.000", "4.000"], ["2010", "2015"], ["2.010"]]) == []


def test_a_metro_line_never_runs_through_a_value_label():
    """A label the metro line may cross is drawn as an annotation on a white ground (over the line);
    the others stay the bar's own text; the presenter sizes both alike."""
    from jabodash.charts import VALUE_LABEL, ranking_bar
    from jabodash.core.catalog import load_catalog
    from jabodash.presenter import views
    ind = load_catalog()["population_density_census"]
    values = pd.DataFrame({"region_code": list("abcd"), "name": list("ABCD"), "short_name": list("ABCD"),
                           "value": [22220.0, 8215.0, 3156.0, 682.0]})
    fig = ranking_bar(values, ind, 2020, "id", metro_value=3231.0)
    bar = fig.data[0]
    moved = {a.y: a for a in fig.layout.annotations if a.name == VALUE_LABEL}
    assert set(moved) == {"C", "D"}                                  # 3.156 and 682 sit where the line runs
    assert moved["C"].text == "3.156" and moved["C"].bgcolor == "white" and moved["C"].x == 3156.0
    assert list(bar.text) == ["22.220", "8.215", "", ""]
    shown = views.presentify(fig)
    assert {a.font.size for a in shown.layout.annotations if a.name == VALUE_LABEL} == {shown.data[0].textfont.size}
    far = ranking_bar(values, ind, 2020, "id", metro_value=15000.0)
    assert not [a for a in far.layout.annotations if a.name == VALUE_LABEL] and "" not in far.data[0].text


def test_trend_lines_colour_a_few_and_grey_the_rest():
    from jabodash.charts import OTHER_LINE, TREND_COLOURS, trend_lines
    from jabodash.core.catalog import load_catalog
    ind = load_catalog()["poverty_rate"]                       # lower is better
    rows = [(f"r{i}", f"R{i}", year, float(i + (year - 2020))) for i in range(8) for year in (2020, 2021)]
    series = pd.DataFrame(rows, columns=["region_code", "short_name", "year", "value"])
    few = trend_lines(series[series["region_code"].isin(["r0", "r1", "r2"])], ind, "id")
    assert [tr.line.color for tr in few.data] == TREND_COLOURS[:3] and "#F0E442" not in TREND_COLOURS
    many = trend_lines(series, ind, "id")
    coloured = [tr.name for tr in many.data if tr.line.color != OTHER_LINE]
    assert coloured == ["R0", "R7"]                            # the best (lowest) and the worst in 2021
    assert [tr.name for tr in many.data if tr.showlegend is not False] == ["R0", "R7", "6 wilayah lain"]
    picked = trend_lines(series, ind, "en", highlight=("r3", "nowhere"))
    assert [tr.name for tr in picked.data if tr.line.color != OTHER_LINE] == ["R3"]
    assert picked.data[-1].name == "7 other regions" and picked.data[-1].hoverinfo == "skip"


def test_the_presenter_moves_the_networks_key_clear_of_its_legend():
    """At projector type the key of abbreviations (bottom right) ran into the sector legend (top right)."""
    from jabodash.charts import base_layout
    from jabodash.presenter import views
    fig = base_layout(go.Figure(go.Scatter(x=[0, 1], y=[0, 1], name="Transportasi")), "Jejaring", "sub", "", "id")
    fig.add_annotation(text="<b>Singkatan</b><br>KEPS Kepulauan Seribu", xref="paper", yref="paper", x=1.0, y=0.01,
                       xanchor="left", yanchor="bottom", showarrow=False, name="abbreviations")
    shown = views.presentify(fig)
    key = next(a for a in shown.layout.annotations if a.name == "abbreviations")
    # in a left margin of its own (inside the plot it ran over the westernmost nodes)
    assert (key.x, key.xanchor, key.yanchor) == (0.0, "right", "bottom")
    assert shown.layout.margin.l >= 0.62 * 20 * len("KEPS Kepulauan Seribu")


def test_short_source_cuts_between_words_and_says_so():
    title = "BPS Provinsi DKI Jakarta, Berita Resmi Statistik, cited by the statistics office of the city"
    short = charts.short_source(title, grade="official-cited")
    assert short == "BPS Provinsi DKI Jakarta, Berita Resmi Statistik, cited by the … [resmi dikutip]"
    assert charts.short_source("wikimili.com (mirror of an encyclopedia)") == "wikimili.com"
    assert charts.short_source("x" * 80, limit=10) == "x" * 9 + "…"      # one long word: cut, and said


def test_sources_line_names_the_best_graded_sources_first():
    """A mirror is not named before an official source it shares a chart with, even when it comes
    first and carries more figures; among equal grades the source with more figures comes first."""
    import pandas as pd

    from jabodash.charts import sources_line
    rows = ([("m", "https://mirror.example/p (Wikipedia text citing BPS SP2020)", "mirror.example", "secondary")] * 5
            + [("o", "BPS Kota Depok, Depok Dalam Angka 2024", None, "official")]
            + [("c1", "ANTARA, quoting BPS Jawa Barat", None, "official-cited")]
            + [("c2", "Radar Depok, quoting the head of BPS Depok", None, "official-cited")] * 2)
    frame = pd.DataFrame(rows, columns=["dataset_id", "source", "origin", "grade"])
    assert sources_line(frame, "en", limit=3) == (
        "BPS Kota Depok, Depok Dalam Angka 2024 [official]; Radar Depok, quoting the head of BPS Depok "
        "[official-cited]; ANTARA, quoting BPS Jawa Barat [official-cited] and 1 more")


def test_sources_text_names_the_best_graded_sources_of_a_column_first():
    frame = pd.DataFrame({"population_origin": ["wikimili.com (Wikipedia)"] * 3 + ["BPS Kota Bekasi"],
                          "population_grade": ["secondary"] * 3 + ["official"]})
    assert sources_text([(frame, "population_origin")], "en", limit=1) == "BPS Kota Bekasi [official] and 1 more"
