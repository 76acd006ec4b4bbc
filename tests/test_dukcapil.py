"""The Dukcapil GIS source (jabodash.official.dukcapil) against its loopback stand-in
(tests/support/dukcapil_server.py): Kemendagri codes to BPS codes, the 15 regions only, the kecamatan
crosswalk that reports instead of guessing, the CLI. Its faults: tests/test_official_faults.py."""
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
    assert res.outside == 1 and res.indicator == "population_dukcapil"       # Kota Bandung dropped
    out = res.to_json()
    assert out["regions"] == 3 and "stated by the user" in out["reference_date"]
    assert out["source"]["grade"] == "official" and out["limits"]["table_deadline_s"] == 60


def test_the_query_asks_only_for_the_15_regions(srv):
    dukcapil.run(2025, 1, "kabkota", base=srv.base)
    query = next(p for p in srv.requests if "/query?" in p)
    assert "no_prop%3D31+AND+no_kab%3D74" in query and "no_prop%3D36+AND+no_kab%3D74" in query
    assert query.count("no_prop") == 15 and "outFields=%2A" in query and "f=json" in query


def test_paging_follows_exceeded_transfer_limit(srv, monkeypatch):
    monkeypatch.setattr(dukcapil, "PAGE", 2)
    res = dukcapil.run(2025, 1, "kecamatan", base=srv.base)
    assert sorted(k["kemendagri_code"] for k in res.kecamatan) == ["317101", "327601", "327602", "327603"]
    assert sum("/query?" in p for p in srv.requests) == 3


def test_kecamatan_crosswalk_matches_exact_names_and_lists_the_rest(srv):
    res = dukcapil.run(2025, 1, "kecamatan", base=srv.base)
    bps = [("3276010", "Pancoran Mas", "3276"), ("3276020", "Cimanggis", "3276"), ("3276030", "Sawangan Baru", "3276"),
           ("3173010", "Gambir", "3173")]
    matched, unmatched = dukcapil.crosswalk_kecamatan(res.kecamatan, bps)
    assert {m["kemendagri_code"]: m["region_code"] for m in matched} == {
        "327601": "3276010", "327602": "3276020", "317101": "3173010"}
    # "SAWANGAN" is not "Sawangan Baru": reported with the kab/kota's BPS names, never guessed
    assert [(u["kemendagri_code"], u["bps_names"]) for u in unmatched] == [
        ("327603", ["Cimanggis", "Pancoran Mas", "Sawangan Baru"])]


def test_an_arcgis_error_answer_is_said(srv):
    res = dukcapil.run(2025, 1, "kabkota", base=srv.origin + "/other/")
    assert res.errors and res.errors[0]["kind"] == "http" and res.records == []


def test_cli_json_and_text(srv):
    env = {"JABODASH_DUKCAPIL_URL": srv.base, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "jabodash", "refresh", "dukcapil", "--year", "2025", "--semester",
                           "2", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["indicator"] == "population_dukcapil" and len(out["records"]) == 3
    done = subprocess.run([sys.executable, "-m", "jabodash", "refresh", "dukcapil", "--year", "2025", "--semester",
                           "1", "--lang", "en"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0 and "covering 3 of the 15 regions" in done.stdout
    assert "your statement" in done.stdout and "3173 KOTA ADM. JAKARTA PUSAT: 1,100,001" in done.stdout


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
    assert "3 figures (kabkota) for 2024 semester 2, covering 3 of the 15 regions" in captions
    assert "your statement: Dukcapil's service does not say it" in captions
    table = next(df.value for df in at.dataframe if "Registered residents" in df.value.columns)
    assert dict(zip(table["BPS code"], table["Registered residents"])) == {
        "3173": 1_100_001, "3171": 2_300_002, "3276": 2_100_003}
