"""AppTest of the data and methods page (Data & metode): figures against
data/observations.csv, both languages, URL round trips, boundary attribution.

Pages are opened with AppTest.switch_page before the first run (the app's st.navigation then
runs the page, with the sidebar and URL handling of ui.page_setup).
"""
import json

from support.apptest import frame, qp, run_page, texts
from support.data import OBS

from jabodash.core.catalog import load_catalog

DATA = "pages/data.py"


def test_data_page_catalog_and_details():
    at = run_page(DATA)
    assert at.title[0].value == "Data dan metode"
    catalog = frame(at, "Kode")
    ids = set(load_catalog())   # every indicator of data/indicators.toml, once
    assert len(catalog) == len(ids) and set(catalog["Kode"]) == ids
    assert f"{len(ids)} dari {len(ids)} indikator ditampilkan." in texts(at)
    sources = frame(at, "Lisensi")
    assert len(sources) > 0 and sources["Tautan"].dropna().str.startswith("http").all()
    caps = texts(at)
    assert "belum ada batas wilayah di cache" in caps.replace("\\", "")
    assert any("python -m jabodash boundaries fetch" in c.value for c in at.code)
    assert len(at.get("plotly_chart")) == 2  # figures by region and year, coverage matrix


def test_data_page_search_theme_and_url():
    at = run_page(DATA, indicator="ipm")
    assert at.selectbox(key="w_meta_indicator").value == "ipm"
    years = json.loads(at.get("plotly_chart")[0].proto.spec)
    present = years["data"][1]
    n2024 = ((OBS.indicator_id == "ipm") & (OBS.year == 2024)).sum()
    assert f"2024<br>{n2024}/15" in present["x"]
    at.text_input(key="w_meta_search").input("kemiskinan").run()
    catalog = frame(at, "Kode")
    assert "poverty_rate" in set(catalog["Kode"]) and "ipm" not in set(catalog["Kode"])
    # ipm is filtered out: the description follows the first match, and so does the URL
    assert at.selectbox(key="w_meta_indicator").value == catalog["Kode"].iloc[0]
    assert qp(at, "indicator") == catalog["Kode"].iloc[0]
    at.text_input(key="w_meta_search").input("").run()
    at.multiselect(key="w_meta_themes").set_value(["ekonomi"]).run()
    catalog = frame(at, "Kode")
    assert set(catalog["Tema"]) == {"Ekonomi"}
    coverage = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert len(coverage["data"][1]["y"]) == len(catalog)


def test_data_page_no_match_message():
    at = run_page(DATA, lang="en")
    at.text_input(key="w_meta_search").input("zzzz nothing").run()
    assert not at.exception
    assert "No indicator matches" in at.info[0].value
    assert len(at.get("plotly_chart")) == 0


def test_data_page_in_english_with_derived_indicator():
    at = run_page(DATA, lang="en", indicator="doctors_per_100k")
    assert at.title[0].value == "Data and methods"
    md = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Formula:" in md and "Definition:" in md
    assert "Derived indicator: the sources below are those of its inputs" in texts(at)
    sources = frame(at, "Licence")
    assert set(", ".join(sources["Indicators"]).split(", ")) <= {"doctors", "population_census", "population_estimate_bps"}
    assert qp(at, "indicator") == "doctors_per_100k" and qp(at, "lang") == "en"


def test_data_page_flow_indicator():
    at = run_page(DATA, lang="en", indicator="commuters_to_destination")
    assert "Flow indicator" in texts(at)
    flows = frame(at, "destination_code")
    assert len(flows) > 0


def test_data_page_region_set_changes_coverage():
    at = run_page(DATA, region_set="jabodetabek")
    coverage = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert "Kab. Cianjur" not in coverage["data"][1]["x"] and len(coverage["data"][1]["x"]) == 14
    assert qp(at, "region_set") == "jabodetabek"


def test_data_page_shows_cached_boundary_attribution(monkeypatch):
    from jabodash.geo import boundaries

    class Cached:
        attribution = "BPS via OCHA/HDX, CC BY-IGO"
        meta = {"source": "file adm2.geojson (BPS via OCHA/HDX COD-AB)", "licence": "CC BY-IGO",
                "fetched_at": "2026-03-01T10:00:00Z"}
        gdf = [None] * 15

    monkeypatch.setattr(boundaries, "attribution", lambda level: Cached.attribution if level == "kabkota" else None)
    monkeypatch.setattr(boundaries, "load_cached", lambda level: Cached() if level == "kabkota" else None)
    at = run_page(DATA, lang="en")
    caps = texts(at).replace("\\", "")
    assert "Regencies/cities: 15 regions in the cache." in caps
    assert "Attribution: BPS via OCHA/HDX, CC BY-IGO" in caps and "Licence: CC BY-IGO" in caps
    assert "Districts (kecamatan): no boundaries in the cache." in caps
    assert any("boundaries fetch" in c.value for c in at.code)  # kecamatan still missing
