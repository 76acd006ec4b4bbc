"""The Dukcapil GIS source (jabodash.official.dukcapil) against its loopback stand-in
(tests/support/dukcapil_server.py): Kemendagri codes to BPS codes, the 15 regions only, the kecamatan
crosswalk (data/kecamatan_crosswalk.csv) that reports instead of guessing, the CLI. Its faults:
tests/test_official_faults.py; saved as a dataset and on the pages: tests/test_dukcapil_saved.py."""
import json
import subprocess
import sys

import pytest
from support import dukcapil_server
from support.data import ROOT
from support.fault_server import FaultServer

from jabodash.official import dukcapil

ROWS = {dukcapil.SERVICES["kabkota"]: dukcapil_server.kab_rows(),
        dukcapil.SERVICES["kecamatan"]: dukcapil_server.kec_rows()}


@pytest.fixture()
def srv():
    with FaultServer(lambda path: dukcapil_server.answer(path, ROWS)) as server:
        server.base = server.origin + "/arcgis/rest/services/"
        yield server


def test_kab_kota_by_bps_code_never_the_kemendagri_number(srv):
    res = dukcapil.run(2025, 2, "kabkota", base=srv.base)
    got = {r["region_code"]: r["value"] for r in res.records}
    # Kemendagri 31.71 is Jakarta Pusat (BPS 3173), 31.74 Jakarta Selatan (BPS 3171)
    assert got == {"3173": 1_100_001, "3171": 2_300_002, "3276": 2_100_003}
    assert res.tables[0]["outside_dropped"] == 1 and res.indicator == "population_dukcapil"   # Kota Bandung
    out = res.to_json()
    assert out["regions"] == 3 and "stated by the user" in out["reference_date"]
    assert res.records[0]["source"]["grade"] == "official" and out["limits"]["table_deadline_s"] == 60


def test_the_query_asks_only_for_the_15_regions(srv):
    dukcapil.run(2025, 1, "kabkota", base=srv.base)
    query = next(p for p in srv.requests if "/query?" in p)
    assert "no_prop%3D31+AND+no_kab%3D74" in query and "no_prop%3D36+AND+no_kab%3D74" in query
    assert query.count("no_prop") == 15 and "outFields=%2A" in query and "f=json" in query


def test_paging_follows_exceeded_transfer_limit(srv, monkeypatch):
    monkeypatch.setattr(dukcapil, "PAGE", 2)
    res = dukcapil.run(2025, 1, "kecamatan", base=srv.base)
    assert sorted(r["kemendagri_code"] for r in res.records) == ["31.71.01", "32.76.01", "32.76.02", "32.76.03"]
    assert sum("/query?" in p for p in srv.requests) == 3


def test_kecamatan_go_to_bps_codes_through_the_crosswalk_by_kemendagri_code():
    rows = {**ROWS, dukcapil.SERVICES["kecamatan"]: dukcapil_server.kec_rows() + [
        {"no_prop": 32, "no_kab": 76, "no_kec": 12, "nama_kec": "KECAMATAN BARU", "jumlah_penduduk": 5_001},
        {"no_prop": 32, "no_kab": 76, "no_kec": 4, "nama_kec": "LIMO SELATAN", "jumlah_penduduk": 7_001},
        {"no_prop": 31, "no_kab": 74, "no_kec": 3, "nama_kec": "Kec. Mampang Prapatan", "jumlah_penduduk": 9_001}]}
    with FaultServer(lambda path: dukcapil_server.answer(path, rows)) as server:
        res = dukcapil.run(2025, 1, "kecamatan", base=server.origin + "/arcgis/rest/services/")
    # 32.76.01 Pancoran Mas is BPS 3276020, 31.71.01 Gambir (Jakarta Pusat) 3173080, 31.74.03 3171070
    assert {r["region_code"]: r["value"] for r in res.records} == {
        "3276020": 250_001, "3276040": 300_002, "3276010": 180_003, "3173080": 80_004, "3171070": 9_001}
    assert res.indicator == "population_dukcapil_sem1"
    # a code the crosswalk does not know, and a code it names otherwise: reported, never placed
    assert [(u["kemendagri_code"], u["reason"], u["crosswalk_name"]) for u in res.unmatched] == [
        ("32.76.12", "no_code", None), ("32.76.04", "other_name", "LIMO")]
    text = dukcapil.report_text(res.to_json(), "en")
    assert "5 kept, 2 not kept" in text and "32.76.04 LIMO SELATAN (3276): the crosswalk names this code LIMO" in text


def test_an_arcgis_error_answer_is_said(srv):
    res = dukcapil.run(2025, 1, "kabkota", base=srv.origin + "/other/")
    assert res.errors and res.errors[0]["kind"] == "http" and res.records == []


def test_cli_json_and_text(srv):
    env = {"JABODASH_DUKCAPIL_URL": srv.base, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "jabodash", "refresh", "dukcapil", "--year", "2025", "--semester",
                           "2", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["indicator"] == "population_dukcapil" and len(out["records"]) == 7    # 3 kab/kota, 4 kecamatan
    assert out["levels"] == ["kabkota", "kecamatan"] and out["saved"] is None
    done = subprocess.run([sys.executable, "-m", "jabodash", "refresh", "dukcapil", "--year", "2025", "--semester",
                           "1", "--level", "kabkota", "--lang", "en"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0 and "covering 3 of the 15 regions" in done.stdout
    assert "your statement" in done.stdout and "3173 KOTA ADM. JAKARTA PUSAT: 1,100,001" in done.stdout
    assert "Changes: 2 new, 1 changed" in done.stdout and "Limits: 60 s per table" in done.stdout   # Depok S1 2025 is built in


def test_data_page_reads_dukcapil_and_says_whose_date_it_is(srv, monkeypatch, tmp_path):
    from support.apptest import run_page
    monkeypatch.setenv("JABODASH_DUKCAPIL_URL", srv.base)
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    at = run_page("pages/data.py", lang="en")
    at.number_input(key="w_duk_year").set_value(2024)
    at.radio(key="w_duk_semester").set_value(2)
    at.button(key="duk_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "7 figures (kabkota, kecamatan) for 2024 semester 2, covering 3 of the 15 regions" in captions
    assert "your statement: Dukcapil's service does not say it" in captions
    assert "4 kept, 0 not kept" in captions
