"""AppTest of the sidebar switch "Hanya angka resmi / Official figures only" (jabodash.core.grades):
it lives in the URL (official=1), changes what the overview KPIs, the map and the compare page show,
every page renders with it on, and source lines carry the grade."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from support.apptest import metric, qp, run_page, texts
from support.data import OBS, ROOT

from jabodash.core import fmt

DATASETS = pd.read_csv(ROOT / "data" / "datasets.csv", dtype=str, keep_default_na=False)

PAGES = ("ringkasan", "peta", "kependudukan", "wilayah", "layanan", "kerjasama", "bandingkan", "data", "unggah",
         "sql", "presentasi")


def test_switch_sets_the_url_and_changes_the_overview_kpis():
    at = run_page("pages/ringkasan.py")
    population = metric(at, "Penduduk (SP)")
    assert population.endswith("juta")
    at.toggle(key="w_official").set_value(True).run()
    assert not at.exception
    assert qp(at, "official") == "1"
    assert "Hanya angka resmi: angka sekunder" in texts(at)
    # the census counts come mostly from Wikipedia lists and mirrors (secondary): only a few official ones
    assert metric(at, "Penduduk (SP)") != population
    assert metric(at, "Penduduk (SP)") == "belum lengkap"
    # the IPM card shows the current series and says how far it reaches among official figures
    grade = OBS["dataset_id"].map(DATASETS.set_index("id")["grade"])
    n = ((OBS.indicator_id == "ipm_lfsp2020") & (OBS.year == 2024) & grade.isin(["official", "official-cited"])).sum()
    card = next(m for m in at.metric if m.label == "Rentang IPM")   # the full note is behind its help icon
    assert f"seri terkini BPS (UHH Long Form SP2020), baru {n} dari 15 wilayah (2024)" in card.proto.help


def test_metro_totals_name_the_missing_members_when_official_only():
    params = dict(indicator="grdp_current_prices", year="2022")
    off = " ".join(i.value for i in run_page("pages/ringkasan.py", **params).info)
    on = " ".join(i.value for i in run_page("pages/ringkasan.py", official="1", **params).info)
    # DKI 2022 comes from databoks (secondary); Depok's from CNBC quoting BPS Kota Depok (official-cited)
    assert "7 dari 15 wilayah" in off and "1 dari 15 wilayah" in on
    assert "Tanpa angka:" in on and "Jakarta Selatan" in on and "Depok" not in on.split("Tanpa angka:")[1]


def _hovers(at) -> str:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return " ".join(str(tr.get("hovertext", "")) for tr in spec["data"])


def test_map_shows_only_official_figures():
    params = dict(indicator="ipm_lfsp2020", year="2023")
    rows = OBS[(OBS.indicator_id == "ipm_lfsp2020") & (OBS.year == 2023)]
    grade = rows["dataset_id"].map(DATASETS.set_index("id")["grade"])
    shown = {fmt.number(v, 2, "id") for v in rows.value[grade.isin(["official", "official-cited"])]}
    hidden = {fmt.number(v, 2, "id") for v in rows.value[grade == "secondary"]} - shown
    assert shown and hidden   # e.g. BPS heads quoted (Depok, Kota Tangerang) against a hackathon compilation (DKI)
    everything = _hovers(run_page("pages/peta.py", **params))
    official = _hovers(run_page("pages/peta.py", official="1", **params))
    assert all(v in everything for v in shown | hidden)
    assert all(v in official for v in shown) and not any(v in official for v in hidden)
    assert "[resmi dikutip]" in official and "[sekunder]" not in official


def test_compare_shows_only_official_figures():
    params = dict(regions="3171,3276,3275", indicators="population_census,poverty_rate")
    tables = {}
    for official in ("0", "1"):
        at = run_page("pages/bandingkan.py", official=official, **params)
        tables[official] = next(d.value for d in at.dataframe if "Indikator" in d.value.columns).set_index("Indikator")
    census = "Penduduk (sensus)"
    assert tables["0"].loc[census, "Jakarta Selatan"].startswith("2.")  # SP2020 (a Wikipedia mirror)
    assert tables["1"].loc[census, "Jakarta Selatan"] == "tidak ada data"
    assert tables["1"].loc[census, "Depok"] == "tidak ada data"         # RKPD Depok read on a document mirror
    assert tables["1"].loc[census, "Kota Bekasi"].startswith("2.543.676")   # BPS's result quoted (official-cited)
    # Depok's poverty rate: named BPS heads quoted (official-cited), shown in both; with the switch on, ranked
    # among the regions with an official figure only (most P0 figures come from a coursework repository)
    assert tables["1"].loc["Kemiskinan", "Depok"] != "tidak ada data"
    assert tables["0"].loc["Kemiskinan", "Depok"].endswith("/15)")
    assert not tables["1"].loc["Kemiskinan", "Depok"].endswith("/15)")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_official_only(page):
    at = run_page(f"pages/{page}.py", official="1")
    assert not at.exception
    assert at.toggle(key="w_official").value is True
    assert qp(at, "official") == "1"


def test_source_footnote_carries_the_grade():
    at = run_page("pages/ringkasan.py", indicator="ipm", year="2024")
    assert "Tingkat sumber: **sekunder**" in texts(at)   # IPM 2024 (var 413): a coursework repository's copy
