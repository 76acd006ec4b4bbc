"""A Dukcapil refresh saved as a dataset of kind "dukcapil_refresh" (jabodash.official.dataset) and
read through the one door: kab/kota figures layered over the built-in ones (gaps filled, or
replaced with precedence), kecamatan figures under BPS codes on the kecamatan map with grade
official, the CLI's --save, and the Data page's save button. Against the loopback stand-in
(tests/support/dukcapil_server.py); every value is made up."""
import json
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest
from support import dukcapil_server
from support.apptest import map_figure
from support.data import ROOT
from support.fault_server import FaultServer

from jabodash.core import paths
from jabodash.official import dataset, dukcapil, fetch
from jabodash.store import get_store, kinds, shelf
from jabodash.store.datasource import DataSource

ROWS = {dukcapil.SERVICES["kabkota"]: dukcapil_server.kab_rows(),
        dukcapil.SERVICES["kecamatan"]: dukcapil_server.kec_rows()}
# the stand-in's kecamatan under their BPS codes (Kemendagri 32.76.01-03, 31.71.01)
KEC = {"3276020": 250_001, "3276040": 300_002, "3276010": 180_003, "3173080": 80_004}


@pytest.fixture(autouse=True)
def _dirs(fresh_workspace):
    return fresh_workspace


@pytest.fixture()
def srv(monkeypatch):
    with FaultServer(lambda path: dukcapil_server.answer(path, ROWS)) as server:
        server.base = server.origin + "/arcgis/rest/services/"
        monkeypatch.setenv("JABODASH_DUKCAPIL_URL", server.base)
        yield server


def refreshed(srv, semester=2):
    result = dukcapil.run(2025, semester, base=srv.base)
    fetch.compare(result, fetch.builtin_figures(get_store(), [result.indicator]))
    return result


def test_saved_as_an_official_dataset_of_its_own_kind(srv):
    ds_id = dataset.save(refreshed(srv))
    meta = shelf.load_dataset(ds_id).meta
    assert meta["kind"] == "dukcapil_refresh" and meta["grade"] == "official" and meta["level"] == "kabkota+kecamatan"
    assert "2025 semester 2 as stated by the user" in meta["source"]
    assert [s.kind.name for s in kinds.saved()] == ["dukcapil_refresh"]
    _, body = shelf.original_bytes(ds_id)
    kept = json.loads(body)
    assert kept["schema"] == "jabodash.refresh.dukcapil/1" and kept["semester"] == 2 and len(kept["records"]) == 7
    assert dataset.is_refresh(meta) and [m["id"] for m in dataset.saved_refreshes()] == [ds_id]


def test_kab_kota_figures_reach_the_pages_through_the_one_door(srv):
    dataset.save(refreshed(srv))
    src = DataSource.from_store(get_store(), official_only=True)
    values = src.values("population_dukcapil", 2025, "agglomeration")
    got = values.dropna(subset=["value"]).set_index("region_code")
    assert got["value"].to_dict() == {"3171": 2_300_002, "3276": 2_100_003, "3173": 1_100_001}
    assert set(got["grade"]) == {"official"} and set(got["origin"]) == {"Dukcapil GIS"}
    assert got.loc["3276", "note"] == "Dukcapil GIS AGR_VISUAL_KAB_FIX (date stated by the user)"


def test_without_precedence_a_built_in_figure_stays_with_it_is_replaced(srv):
    # Depok's semester I 2025 is built in (2,024,664); the stand-in says 2,100,003
    result = refreshed(srv, semester=1)
    assert [(c["region_code"], c["old_value"]) for c in result.changes["changed"]] == [("3276", 2_024_664)]
    ds_id = dataset.save(result)
    src = DataSource.from_store(get_store())
    depok = src.values("population_dukcapil_sem1", 2025, "agglomeration").set_index("region_code").loc["3276"]
    assert depok["value"] == 2_024_664
    dataset.set_precedence(ds_id, True)
    src = DataSource.from_store(get_store())
    depok = src.values("population_dukcapil_sem1", 2025, "agglomeration").set_index("region_code").loc["3276"]
    assert depok["value"] == 2_100_003 and depok["dataset_id"] == ds_id


def test_kecamatan_figures_on_the_kecamatan_level_and_gaps_stay_gaps(srv, tmp_path):
    dataset.save(refreshed(srv))
    src = DataSource.from_store(get_store())
    assert src.table(level="kecamatan").empty                     # no boundaries: no kecamatan level
    dukcapil_server.kecamatan_squares(tmp_path)
    src = DataSource.from_store(get_store(), official_only=True)
    table = src.table(level="kecamatan").set_index("id")
    assert table.loc["population_dukcapil", "max_regions"] == 3 and table.loc["population_dukcapil", "years"] == [2025]
    values = src.values("population_dukcapil", 2025, "kecamatan", level="kecamatan").set_index("region_code")
    assert values["value"].dropna().to_dict() == {c: v for c, v in KEC.items() if c.startswith("3276")}
    assert values["value"].isna().to_dict()["3276050"]            # Beji: no figure, a gap, never a zero
    assert set(values["grade"].dropna()) == {"official"}


def test_cli_save_with_precedence(srv):
    env = {"JABODASH_DUKCAPIL_URL": srv.base, "PATH": "/usr/bin:/bin", "JABODASH_WORKSPACE": str(paths.workspace_dir()),
           "JABODASH_CACHE_DIR": str(paths.cache_dir())}
    done = subprocess.run([sys.executable, "-m", "jabodash", "refresh", "dukcapil", "--year", "2025", "--semester", "1",
                           "--save", "--precedence", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=env)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["saved"] and out["changes"]["changed"][0]["region_code"] == "3276"
    meta = shelf.load_dataset(out["saved"]).meta
    assert meta["kind"] == "dukcapil_refresh" and meta["official"]["precedence"] is True


def test_data_page_saves_and_the_kecamatan_map_shows_it(srv, tmp_path):
    from support.apptest import run_page
    dukcapil_server.kecamatan_squares(tmp_path, ("3276020", "3276040", "3276050"))
    at = run_page("pages/data.py", lang="en")
    at.number_input(key="w_duk_year").set_value(2025)
    at.radio(key="w_duk_semester").set_value(2)
    at.button(key="duk_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Dukcapil GIS AGR_VISUAL_KEC_FIX (kecamatan): 4 figures" in captions
    changes = next(df.value for df in at.dataframe if "Change" in df.value.columns)
    assert len(changes) == 7 and "Pancoran Mas (Depok)" in set(changes["Region"])
    at.button(key="duk_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = [m for m in shelf.list_datasets() if m.get("kind") == "dukcapil_refresh"]
    assert len(saved) == 1 and any(saved[0]["id"] in s.value for s in at.success)
    peta = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    peta.switch_page("pages/peta.py").run()
    peta.selectbox(key="m_level").set_value("kecamatan").run()
    picker = peta.selectbox(key="w_indicator_kec")
    assert "Kependudukan · Jumlah penduduk terdaftar Dukcapil (semester II)" in picker.options
    picker.set_value("population_dukcapil").run()
    assert not peta.exception, [e.value for e in peta.exception]
    hover = {}
    for tr in map_figure(peta)["data"]:
        if tr.get("type") in ("choroplethmap", "choropleth") and tr.get("hovertext"):
            hover.update(zip(tr["locations"], tr["hovertext"]))
    assert "250.001" in hover["3276020"] and "300.002" in hover["3276040"]
    assert "250.001" not in hover["3276050"]
    # Sawangan (3276010) and Gambir (3173080) have a figure but no polygon here: listed as gaps of the map
    captions = " ".join(c.value for c in peta.caption).replace("\\", "")
    assert "2 kecamatan memiliki angka tetapi tidak punya poligon" in captions
    assert "Gambir (Jakarta Pusat), Sawangan (Depok)" in captions


def test_wilayah_drill_down_shows_population_density_and_change(srv, tmp_path):
    from support.apptest import run_page
    dataset.save(refreshed(srv, semester=1))                 # 2025 S1
    rows = {**ROWS, dukcapil.SERVICES["kecamatan"]: dukcapil_server.kec_rows({(32, 76, 1): 251_001})}
    with FaultServer(lambda path: dukcapil_server.answer(path, rows)) as later:
        result = dukcapil.run(2025, 2, "kecamatan", base=later.origin + "/arcgis/rest/services/")
    dataset.save(result)                                     # 2025 S2: Pancoran Mas +1,000
    dukcapil_server.kecamatan_squares(tmp_path)
    at = run_page("pages/wilayah.py", lang="en")
    at.selectbox(key="wil_parent").set_value("3276").run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(df.value for df in at.dataframe if "population" in df.value.columns)   # shown in the UI's format
    rows = table.set_index("code")
    assert rows.loc["3276020", "population"] == "251,001" and rows.loc["3276020", "period"] == "2025 S2"
    assert rows.loc["3276020", "since"] == "2025 S1" and rows.loc["3276020", "change_pct"] == "0.40"   # +1,000
    assert rows.loc["3276040", "change_pct"] == "0.00" and rows.loc["3276040", "population"] == "300,002"
    assert rows.loc["3276050", "population"] == "–" and rows.loc["3276050", "period"] == "–"   # Beji: a gap
    area = float(rows.loc["3276020", "area_km2"].replace(",", ""))
    assert abs(float(rows.loc["3276020", "density"].replace(",", "")) - 251_001 / area) <= 251_001 / area * 0.01
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "3 of 4 kecamatan have Dukcapil's registered population" in captions
    assert "Source: Dukcapil GIS 2025 semester 2 (" in captions     # the latest figures' dataset
