"""AppTest of the compare page (Bandingkan wilayah) and the data and methods page (Data & metode):
figures against data/observations.csv, both languages, URL round trips, bad selections.

Pages are opened with AppTest.switch_page before the first run (the app's st.navigation then
runs the page, with the sidebar and URL handling of ui.page_setup).
"""
import base64
import json

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from jabodash.core.paths import DATA_DIR, ROOT
from jabodash.features import bandingkan as compare

OBS = pd.read_csv(DATA_DIR / "observations.csv", dtype={"region_code": str})
COMPARE, DATA = "pages/bandingkan.py", "pages/data.py"


def run_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def obs(region, indicator, year):
    row = OBS[(OBS.region_code == region) & (OBS.indicator_id == indicator) & (OBS.year == year)]
    assert len(row) == 1
    return float(row.value.iloc[0])


def arr(v):
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def qp(at, key) -> str | None:
    """One URL parameter as text (AppTest holds values the app wrote as lists)."""
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def texts(at, kind="caption") -> str:
    return " ".join(str(e.value) for e in getattr(at, kind))


def frame(at, column) -> pd.DataFrame:
    for d in at.dataframe:
        if column in d.value.columns:
            return d.value
    raise AssertionError(f"no table with column {column!r}")


# --- compare page ---------------------------------------------------------------------------------

def test_compare_shows_the_chosen_regions_against_the_data():
    at = run_page(COMPARE, regions="3171,3276,3201")
    assert at.title[0].value == "Bandingkan wilayah"
    assert at.multiselect(key="w_cmp_regions").value == ["3171", "3276", "3201"]
    table = frame(at, "Indikator").set_index("Indikator")
    # ranks within the region set (15 regions, all with IPM 2024 and poverty 2024)
    ipm = OBS[(OBS.indicator_id == "ipm") & (OBS.year == 2024)].set_index("region_code")["value"]
    ipm_rank = ipm.rank(ascending=False, method="min")
    names = {"3171": "Jakarta Selatan", "3276": "Depok", "3201": "Kab. Bogor"}
    row = table.loc["IPM"]
    for code, name in names.items():
        assert row[name] == f"{ipm[code]:.2f}".replace(".", ",") + f" (#{int(ipm_rank[code])}/15)"
    assert row["Tahun"] == "2024" and row["Wilayah berdata (cakupan)"] == "15/15"
    pov = OBS[(OBS.indicator_id == "poverty_rate") & (OBS.year == 2024)].set_index("region_code")["value"]
    pov_rank = pov.rank(ascending=True, method="min")  # lower is better
    prow = table.loc["Kemiskinan"]
    for code, name in names.items():
        assert prow[name].endswith(f"(#{int(pov_rank[code])}/15)")
    figs = at.get("plotly_chart")
    assert len(figs) == 4  # small multiples, profile, ranks, similar regions
    multiples = json.loads(figs[0].proto.spec)
    trace = next(tr for tr in multiples["data"] if tr["name"] == "Depok" and tr.get("xaxis", "x") == "x2")
    years, values = arr(trace["x"]), arr(trace["y"])
    assert dict(zip(years, values))[2024] == obs("3276", "ipm", 2024)
    assert "3 dari 3 wilayah" in multiples["layout"]["title"]["text"]
    assert qp(at, "regions") == "3171,3276,3201"


def test_compare_similar_regions_list_indicators_used():
    at = run_page(COMPARE, regions="3171,3276")
    similar = frame(at, "Jarak")
    assert len(similar) == compare.SIMILAR_TOP
    assert (similar["Indikator bersama"] >= compare.SIMILAR_MIN_SHARED).all()
    assert "IPM (2024, 15 wilayah)" in texts(at).replace("\\", "")
    at.selectbox(key="w_cmp_focus").set_value("3276").run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[3].proto.spec)
    assert "Depok" in spec["layout"]["title"]["text"]


def test_compare_in_english():
    at = run_page(COMPARE, lang="en", regions="3171,3276,3201")
    assert at.title[0].value == "Compare regions"
    table = frame(at, "Indicator")
    assert {"HDI", "Poverty", "Unemployment"} <= set(table["Indicator"])
    assert "Regions with data (set)" in table.columns
    assert [s.value for s in at.subheader][:2] == ["Over time", "Normalised profile"]
    assert qp(at, "lang") == "en"


def test_one_region_gives_a_clear_message():
    at = run_page(COMPARE, regions="3171")
    assert "Pilih paling sedikit 2 wilayah (saat ini 1)" in at.warning[0].value
    assert len(at.get("plotly_chart")) == 0
    assert qp(at, "regions") == "3171"


def test_six_regions_give_a_clear_message():
    at = run_page(COMPARE, lang="en", regions="3171,3172,3173,3174,3175,3276")
    assert at.warning[0].value.startswith("Choose at most 5 regions (now 6)")
    assert len(at.get("plotly_chart")) == 0
    at.multiselect(key="w_cmp_regions").unselect("3276").run()
    assert not at.exception and not at.warning
    assert len(at.get("plotly_chart")) == 4
    assert qp(at, "regions") == "3171,3172,3173,3174,3175"


def test_no_indicator_gives_a_clear_message():
    at = run_page(COMPARE, regions="3171,3276")
    at.multiselect(key="w_cmp_indicators").set_value([]).run()
    assert not at.exception
    assert at.warning[0].value == "Pilih paling sedikit satu indikator."


def test_compare_url_round_trip_and_widget_changes():
    at = run_page(COMPARE, regions="3276,3171", indicator="poverty_rate")
    assert at.multiselect(key="w_cmp_indicators").value[0] == "poverty_rate"
    assert qp(at, "indicator") == "poverty_rate"
    at.multiselect(key="w_cmp_regions").select("3671").run()
    assert qp(at, "regions") == "3276,3171,3671"
    at.multiselect(key="w_cmp_indicators").set_value(["ipm", "unemployment_rate_tpt"]).run()
    assert qp(at, "indicator") == "ipm" and qp(at, "indicators") == "ipm,unemployment_rate_tpt"
    # fewer than SIMILAR_MIN_SHARED indicators: similar regions explain why they are not shown
    assert "Pilih paling sedikit 3 indikator" in " ".join(i.value for i in at.info)
    # the written URL opens the same view
    again = run_page(COMPARE, **{k: qp(at, k) for k in at.query_params})
    assert again.multiselect(key="w_cmp_regions").value == ["3276", "3171", "3671"]
    assert again.multiselect(key="w_cmp_indicators").value == ["ipm", "unemployment_rate_tpt"]  # the whole choice


def test_compare_region_outside_the_region_set():
    at = run_page(COMPARE, region_set="jabodetabek", regions="3171,3203,3276")
    assert "Kab. Cianjur" in " ".join(i.value for i in at.info).replace("\\", "")
    assert at.multiselect(key="w_cmp_regions").value == ["3171", "3276"]
    assert qp(at, "regions") == "3171,3276"


def test_compare_gap_is_a_gap():
    # Kep. Seribu has no SP2010 final count and no 2010-2020 growth
    at = run_page(COMPARE, lang="en", regions="3101,3171", indicator="population_growth_2010_2020")
    table = frame(at, "Indicator").set_index("Indicator")
    row = table.loc["Growth 2010–2020"]
    # growth is derived: 13 of 15 regions (no SP2010 final count for Kep. Seribu and Kab. Cianjur)
    assert row["Kepulauan Seribu"] == "no data" and row["Regions with data (set)"] == "13/15"
    profile = json.loads(at.get("plotly_chart")[1].proto.spec)
    notes = " ".join(a["text"] for a in profile["layout"]["annotations"])
    assert "no data: Kepulauan Seribu" in notes


def test_compare_language_switch_keeps_the_selection():
    at = run_page(COMPARE, regions="3171,3276,3201")
    at.radio(key="w_lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Compare regions"
    assert at.multiselect(key="w_cmp_regions").value == ["3171", "3276", "3201"]
    assert qp(at, "lang") == "en" and qp(at, "regions") == "3171,3276,3201"


# --- data and methods page --------------------------------------------------------------------------

def test_data_page_catalog_and_details():
    at = run_page(DATA)
    assert at.title[0].value == "Data dan metode"
    catalog = frame(at, "Kode")
    assert len(catalog) == 70
    assert "70 dari 70 indikator ditampilkan." in texts(at)
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


def test_sidebar_state_survives_switching_to_compare():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert at.radio(key="w_region_set").value == "agglomeration"
    at.switch_page(COMPARE)
    at.run()
    assert not at.exception
    assert at.radio(key="w_lang").value == "en" and at.radio(key="w_region_set").value == "agglomeration"
    assert at.title[0].value == "Compare regions"


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
