"""AppTest of the built-in kecamatan figures (data/sources/kecamatan_sp2010.csv) on the pages that read
them: the kecamatan map (indicator offered, values, coverage, source line with its grade, the picked
kecamatan's value and source) and the Wilayah drill-down (census column and note)."""
import json

import pytest
from support.apptest import map_figure, numbers_back, open_page, run_page
from test_kecamatan_figures import EXPECTED, IND, squares

NAME_ID = "Jumlah penduduk SP2010 angka sementara"


@pytest.fixture
def kecamatan(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    assert len(squares(tmp_path / "kec.geojson").matched) == 217


def captions(at) -> str:
    return " ".join([c.value for c in at.caption] + [i.value for i in at.info]).replace("\\", "")   # Markdown escapes


def hover_by_code(spec) -> dict:
    hover = {}
    for tr in spec["data"]:
        if tr.get("type") == "choropleth" and tr.get("hovertext"):
            hover.update(zip(tr["locations"], tr["hovertext"]))
    return hover


def test_kecamatan_map_offers_the_built_in_population_with_source_and_coverage(kecamatan):
    at = open_page("peta")
    at.selectbox(key="m_level").set_value("kecamatan").run()
    sb = at.selectbox(key="w_indicator_kec")
    assert sb.value == "boundary_area_km2"                   # the area first, as before
    assert "data bawaan juga memuat penduduk per kecamatan hasil sp2010" in captions(at).lower()
    assert any(NAME_ID in label for label in sb.options), sb.options
    sb.set_value(IND).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="w_year_kec").value == 2010
    assert at.selectbox(key="w_year_kec").options == ["2010 (217 dari 217 kecamatan)"]
    assert at.query_params["indicator"] == IND and at.query_params["level"] == "kecamatan"
    spec = map_figure(at)
    assert "217 dari 217 kecamatan" in spec["layout"]["title"]["subtitle"]["text"]
    hover = hover_by_code(spec)
    assert len(hover) == 217
    for code in ("3276050", "3171010", "3101010", "3603210"):   # each kecamatan its own figure, Indonesian format
        assert f"{int(EXPECTED[code]):,}".replace(",", ".") in hover[code], hover[code]
    # the source line (expander) names the dataset with its grade; no kecamatan is listed as unplaced
    text = captions(at)
    assert "Hasil Olah Cepat" in text and "**sekunder**" in text
    footer = " ".join(a.get("text", "") for a in spec["layout"]["annotations"])   # the figure's own source line
    assert "BPS SP2010 angka sementara via GitHub lahdjirayhan [sekunder]" in footer
    assert "tidak punya poligon" not in text
    # the picked kecamatan's value and its source
    at.selectbox(key="m_region").set_value("3276050").run()
    assert not at.exception
    assert [(m.label, m.value) for m in at.metric] == [(NAME_ID, "164.682 jiwa")]
    assert "via GitHub lahdjirayhan (repository populasi-indonesia-kecamatan" in captions(at)


def test_official_only_hides_the_secondary_kecamatan_figures(kecamatan):
    at = open_page("peta")
    at.toggle(key="w_official").set_value(True).run()
    at.selectbox(key="m_level").set_value("kecamatan").run()
    assert not at.exception
    assert IND not in at.selectbox(key="w_indicator_kec").options


def test_wilayah_drilldown_shows_the_census_column_and_its_source(kecamatan):
    at = run_page("pages/wilayah.py")
    at.selectbox(key="wil_parent").set_value("3276").run()
    assert not at.exception, [e.value for e in at.exception]
    kec = next(numbers_back(df.value, "id") for df in at.dataframe if "census_2010" in df.value.columns)
    assert set(kec["kabkota"]) == {"Kota Depok"}
    assert dict(zip(kec["code"], kec["census_2010"])) == {c: v for c, v in EXPECTED.items() if c.startswith("3276")}
    column = next(df for df in at.dataframe if "census_2010" in df.value.columns).proto.columns   # the column config (JSON)
    assert "Penduduk SP2010 (angka sementara)" in column          # its label, in the UI language
    assert "11 dari 11 kecamatan memiliki penduduk SP2010 angka sementara" in captions(at)
    # the drill-down map: the area first, the census figure on request
    def drilldown():
        return next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "3276050" in c.proto.spec)
    assert drilldown()["layout"]["title"]["text"].startswith("Luas wilayah")
    at.radio(key="wil_kec_colour").set_value("census").run()
    assert not at.exception, [e.value for e in at.exception]
    spec = drilldown()
    assert spec["layout"]["title"]["text"].startswith(NAME_ID)
    hover = hover_by_code(spec)
    assert set(hover) == {c for c in EXPECTED if c.startswith("3276")}
    assert "164.682" in hover["3276050"]
    assert "**sekunder**" in captions(at)
