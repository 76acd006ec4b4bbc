"""AppTest of the compare page (Bandingkan wilayah): figures against data/observations.csv,
both languages, URL round trips, bad selections.

Pages are opened with AppTest.switch_page before the first run (the app's st.navigation then
runs the page, with the sidebar and URL handling of ui.page_setup).
"""
import base64
import json
import re

import numpy as np
from streamlit.testing.v1 import AppTest
from support.apptest import frame, qp, run_page, texts
from support.data import OBS, ROOT
from support.data import obs_exact as obs

from jabodash.features import bandingkan

COMPARE = "pages/bandingkan.py"


def arr(v):
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def test_compare_shows_the_chosen_regions_against_the_data():
    at = run_page(COMPARE, regions="3171,3276,3271")
    assert at.title[0].value == "Bandingkan wilayah"
    assert at.multiselect(key="w_cmp_regions").value == ["3171", "3276", "3271"]
    table = frame(at, "Indikator").set_index("Indikator")
    # ranks within the region set (15 regions, all with IPM 2024 and poverty 2024)
    ipm = OBS[(OBS.indicator_id == "ipm") & (OBS.year == 2024)].set_index("region_code")["value"]
    ipm_rank = ipm.rank(ascending=False, method="min")
    names = {"3171": "Jakarta Selatan", "3276": "Depok", "3271": "Kota Bogor"}
    # Kota Bogor has no figure in the current series' best year: the default is the older one
    cur = OBS[OBS.indicator_id == "ipm_lfsp2020"]
    counts = cur.groupby("year")["region_code"].nunique()
    best = counts[counts == counts.max()].index.max()
    assert "3271" not in set(cur[cur.year == best]["region_code"])
    row = table.loc["IPM (seri lama)"]
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
    assert qp(at, "regions") == "3171,3276,3271"


def test_compare_similar_regions_list_indicators_used():
    at = run_page(COMPARE, regions="3171,3276")
    similar = frame(at, "Jarak")
    assert len(similar) == bandingkan.SIMILAR_TOP
    assert (similar["Indikator bersama"] >= bandingkan.SIMILAR_MIN_SHARED).all()
    # both regions are in BPS's current IPM series: the page opens on it (its latest year with >= 5 regions)
    assert re.search(r"IPM \(terkini\) \(20\d\d, \d+ wilayah\)", texts(at).replace("\\", ""))
    assert "IPM (seri lama)" not in texts(at).replace("\\", "")
    at.selectbox(key="w_cmp_focus").set_value("3276").run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[3].proto.spec)
    assert "Depok" in spec["layout"]["title"]["text"]


def test_compare_in_english():
    at = run_page(COMPARE, lang="en", regions="3171,3276,3271")  # Kota Bogor: older IPM series
    assert at.title[0].value == "Compare regions"
    table = frame(at, "Indicator")
    assert {"HDI (older)", "Poverty", "Unemployment"} <= set(table["Indicator"])
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
