"""AppTest of the cooperation register and the service-quality section in the pages, in both
languages: the Kerja sama page (KPIs, network, matrix, searchable table, active filter), an
agreements file uploaded on the upload page joining them (and saved for everyone), the region
profile list on the map page, the Layanan publik section "Kualitas dan inovasi layanan", the
overview KPIs and the presenter's story step. Expected values come from the CSV files."""
import pandas as pd
import pytest
from support.apptest import figures, metric, open_page
from support.data import ROOT

from jabodash.core import fmt
from jabodash.store import cooperation

CSV = pd.read_csv(ROOT / "data" / "cooperation.csv", dtype=str, keep_default_na=False)
AGREEMENTS = CSV[CSV["kind"] == "agreement"]
SQ = pd.read_csv(ROOT / "data" / "sources" / "service_quality.csv", dtype={"region_code": str})
UPLOAD = (b"parties,party_codes,sector,status,kind,description,source_url\n"
          b"Pemkot Depok; Pemkot Bogor,Depok;Kota Bogor,health,active,agreement,"
          b"Ambulans bersama,https://example.org/ambulans\n")


def frame_with(at, column: str) -> pd.DataFrame:
    frames = [df.value for df in at.dataframe if column in df.value.columns]
    assert len(frames) == 1, column
    return frames[0]


def fig_titled(at, words: str) -> dict:
    return next(f for f in figures(at) if words in f["layout"]["title"]["text"])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_kerjasama_page_register(lang):
    at = open_page("kerjasama", lang=lang)
    label = {"id": ("Perjanjian tercatat", "Kab/kota yang terlibat"),
             "en": ("Agreements recorded", "Regencies/cities involved")}[lang]
    assert metric(at, label[0]) == fmt.number(len(AGREEMENTS), 0, lang)
    named = {c for cell in AGREEMENTS["party_codes"] for c in cell.split(";")}
    regions = pd.read_csv(ROOT / "data" / "regions.csv", dtype=str)["code"]
    assert metric(at, label[1]) == f"{len(named & set(regions))} / 15"
    network = fig_titled(at, "Jejaring kerja sama" if lang == "id" else "Network of inter-regional")
    lines = [tr for tr in network["data"] if tr.get("mode") == "lines"]
    edges = cooperation.edges(cooperation.agreements_only(cooperation.builtin()), ["0", "31", "32", "36", *regions])
    assert len(lines) == len(edges)
    matrix = fig_titled(at, "Perjanjian per sektor" if lang == "id" else "Agreements by sector")
    assert len(matrix["data"][0]["y"]) == 19   # central government, 3 provinces, 15 kab/kota
    table = frame_with(at, "Sumber" if lang == "id" else "Source")
    assert len(table) == len(CSV)
    assert set(table["Sumber" if lang == "id" else "Source"]) == set(CSV["source_url"])


def test_active_filter_and_search_narrow_every_view():
    at = open_page("kerjasama")
    at.toggle(key="coop_active").set_value(True).run()
    active = AGREEMENTS[AGREEMENTS["status"] == "active"]
    network = fig_titled(at, "Jejaring kerja sama")
    assert f"hanya yang masih berlaku · {len(active)} perjanjian" in network["layout"]["title"]["text"]
    assert len(frame_with(at, "Sumber")) == (CSV["status"] == "active").sum()
    at.text_input(key="coop_search").set_value("Transjabodetabek").run()
    rows = frame_with(at, "Sumber")
    want = CSV[(CSV["status"] == "active") & (CSV["description"].str.contains("Transjabodetabek")
                                              | CSV["parties"].str.contains("Transjabodetabek"))]
    assert len(rows) == len(want) > 0
    at.text_input(key="coop_search").set_value("tidak-ada-kata-ini").run()
    assert any("Tidak ada catatan" in i.value for i in at.info)


def test_uploaded_agreements_join_the_register_and_can_be_saved(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    at = open_page("unggah")
    at.file_uploader(key="coop_file").upload("ambulans.csv", UPLOAD, "text/csv").run()
    assert not at.exception
    assert any("1 baris dari ambulans" in c.value for c in at.caption)
    at.switch_page("pages/kerjasama.py").run()
    assert metric(at, "Dari file unggahan") == "1"
    assert metric(at, "Perjanjian tercatat") == fmt.number(len(AGREEMENTS) + 1, 0, "id")
    table = frame_with(at, "Sumber")
    assert "https://example.org/ambulans" in set(table["Sumber"])
    matrix = fig_titled(at, "Perjanjian per sektor")
    rows = list(matrix["data"][0]["y"])
    health = matrix["data"][0]["x"].index("Kesehatan")
    assert matrix["data"][0]["text"][rows.index("Kota Depok")][health] == "1"   # no agreement on health before
    # saved for everyone: a new session sees it
    at.switch_page("pages/unggah.py").run()
    at.text_input(key="coop_save_name").set_value("ambulans").run()
    at.button(key="coop_save").click().run()
    assert any("ambulans" in s.value for s in at.success)
    fresh = open_page("kerjasama")
    assert metric(fresh, "Perjanjian tercatat") == fmt.number(len(AGREEMENTS) + 1, 0, "id")
    assert cooperation.saved_names() == ["ambulans"]


def test_bad_agreements_file_is_refused_with_every_problem():
    at = open_page("unggah", lang="en")
    bad = b"parties,party_codes,sector,description\nX,Atlantis,roads,\n"
    at.file_uploader(key="coop_file").upload("bad.csv", bad, "text/csv").run()
    assert not at.exception
    assert any("File not used: 3 problems" in e.value for e in at.error)
    text = " ".join(m.value for m in at.markdown)
    assert "Atlantis" in text and "roads" in text and "empty" in text
    at.switch_page("pages/kerjasama.py").run()
    assert metric(at, "From uploaded files") == "0"


def test_region_profile_lists_the_regions_agreements():
    at = open_page("peta", indicator="ipm", year="2024")
    at.selectbox(key="m_region").set_value("3275").run()
    rows = frame_with(at, "Asal data")
    want = CSV[CSV["party_codes"].map(lambda cell: "3275" in cell.split(";"))]
    assert len(rows) == len(want)
    assert any("Kerja sama yang melibatkan Kota Bekasi" in m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_layanan_quality_section(lang):
    at = open_page("layanan", lang=lang)
    assert at.selectbox(key="w_quality_indicator").value == "ombudsman_compliance_score"
    assert at.selectbox(key="w_quality_year").value == 2021
    want = SQ[(SQ["indicator"] == "ombudsman_compliance_score") & (SQ["year"] == 2021)]
    caption = "10 dari 15 wilayah berangka pada 2021" if lang == "id" else "10 of 15 regions have a figure in 2021"
    assert any(caption in c.value for c in at.caption) and len(want) == 10
    ranking = [c for c in at.get("plotly_chart") if c.key == "fig_quality_ranking"]
    assert len(ranking) == 1
    at.radio(key="w_quality_view").set_value("map").run()
    assert [c.key for c in at.get("plotly_chart") if c.key.startswith("fig_quality")] == ["fig_quality_map"]
    at.selectbox(key="w_quality_indicator").set_value("innovation_index_iid").run()
    at.radio(key="w_quality_view").set_value("trend").run()
    assert not at.exception
    trend = next(f for f in figures(at) if "IID" in f["layout"]["title"]["text"])
    names = pd.read_csv(ROOT / "data" / "regions.csv", dtype={"code": str}).set_index("code")["short_name"]
    iid_regions = set(names[SQ.loc[SQ["indicator"] == "innovation_index_iid", "region_code"].unique()])
    assert {tr["name"] for tr in trend["data"]} == iid_regions and {"Kota Tangerang", "Kab. Bogor"} <= iid_regions


@pytest.mark.parametrize("lang", ["id", "en"])
def test_overview_kpis(lang):
    at = open_page("ringkasan", lang=lang)
    want = SQ[(SQ["indicator"] == "ombudsman_compliance_score") & (SQ["year"] == 2021)]["value"]
    label = "Kepatuhan pelayanan (Ombudsman 2021)" if lang == "id" else "Service compliance (Ombudsman 2021)"
    assert metric(at, label) == f"{fmt.number(want.min(), 2, lang)}–{fmt.number(want.max(), 2, lang)}"
    label = "Perjanjian kerja sama" if lang == "id" else "Cooperation agreements"
    assert metric(at, label) == fmt.number(len(AGREEMENTS), 0, lang)


@pytest.mark.parametrize("lang,title", [("id", "Praktik kerja sama yang sudah berjalan"),
                                        ("en", "Cooperation already in practice")])
def test_presenter_story_step(lang, title):
    at = open_page("presentasi", story="jabodetabek_dalam_angka", step="7", lang=lang)
    assert at.subheader[0].value == title
    network = fig_titled(at, "Jejaring kerja sama" if lang == "id" else "Network of inter-regional")
    assert len([tr for tr in network["data"] if tr.get("mode") == "lines"]) > 20
