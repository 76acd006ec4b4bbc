"""Unit tests of the shared chart helpers (jabodash.charts): value axis room, the source line
(cited publications, wrapping, inert names from data) and the PNG config of st.plotly_chart."""
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

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
    assert len(lines) == 3 and lines[0].startswith("Sumber: BPS SP2020 melalui situs0.example;")
    assert all(len(line) <= 120 for line in lines) and lines[-1].endswith("situs7.example")
    assert fig.layout.margin.b == 70 + 14 * 2
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
