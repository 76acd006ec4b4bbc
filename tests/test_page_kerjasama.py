"""AppTest of the cooperation page (Kerja sama & aglomerasi): every figure the page shows is
checked against values read from data/*.csv, in both languages, with the view read from and
written back to the URL."""
from support.apptest import figures, metric, open_page, table
from support.data import REGIONS_BY_CODE as REGIONS
from support.data import values

from jabodash.core import fmt


def test_cooperation_page_figures_match_the_data():
    at = open_page("kerjasama")
    assert at.title[0].value == "Kerja sama & aglomerasi"
    assert metric(at, "Kawasan Aglomerasi (UU 2/2024)") == "15 kab/kota"
    assert metric(at, "Jabodetabek") == "14 kab/kota"
    aid = values("dki_financial_assistance_budget", 2020)
    assert metric(at, "Bantuan keuangan DKI 2020") == fmt.number(aid.sum(), 2, "id")
    assert metric(at, "Komuter Bodetabek → DKI 2014") == "1,38 juta"
    links = table(at, "links_table").set_index("Wilayah")
    assert len(links) == 15
    for code, value in aid.items():
        assert links.loc[REGIONS.loc[code, "short_name"], "Bantuan keuangan DKI 2020 (miliar Rp)"] == fmt.number(value, 2, "id")
    assert links.loc["Tangerang Selatan", "Bantuan keuangan DKI 2020 (miliar Rp)"] == "tidak ada data"
    assert links.loc["Jakarta Pusat", "Bantuan keuangan DKI 2020 (miliar Rp)"] == "–"
    assert links.loc["Kab. Cianjur", "Anggota Jabodetabek"] == "tidak"
    assert links.loc["Depok", "Komuter ke DKI 2014 (orang)"] == "284.093"
    cost = values("commuters_daily_cost_over_25k_rp", 2023)
    assert links.loc["Jakarta Selatan", "Komuter berbiaya > Rp25.000 2023 (%)"] == fmt.number(cost["3171"], 2, "id")
    fig = next(f for f in figures(at) if "Anggaran bantuan" in f["layout"]["title"]["text"])
    assert "2020 · 8 dari 9 wilayah" in fig["layout"]["title"]["text"]
    other = table(at, "other_table")
    assert len(other) == 3
    assert len(at.get("download_button")) >= 2


def test_cooperation_jabodetabek_in_english():
    at = open_page("kerjasama", lang="en", region_set="jabodetabek")
    assert at.title[0].value == "Cooperation & agglomeration"
    codes = REGIONS.index[REGIONS.in_jabodetabek]
    aid = values("dki_financial_assistance_budget", 2020, codes)
    assert metric(at, "DKI financial assistance 2020") == fmt.number(aid.sum(), 2, "en")
    links = table(at, "links_table")
    assert len(links) == 14 and (links["Member of Jabodetabek"] == "yes").all()
    fig = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("DKI Jakarta financial assistance"))
    assert "2020 · 7 of 8 regions" in fig["layout"]["title"]["text"]
    assert at.query_params["region_set"] == "jabodetabek" and at.query_params["lang"] == "en"
