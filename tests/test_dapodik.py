"""The Dapodik recap source (jabodash.official.dapodik) against its loopback stand-in
(tests/support/dapodik_server.py): Dapodik's region codes to BPS codes through
data/dapodik_regions.csv (checked by name), kecamatan by name through data/kecamatan_crosswalk.csv
(reported instead of guessed), gaps and zeros, the period, the CLI, the Data page, the saved dataset.
Its faults: tests/test_official_faults.py."""
import csv
import json
import subprocess
import sys

import pytest
from support import dapodik_server
from support.data import ROOT
from support.fault_server import FaultServer

from jabodash.official import dapodik
from jabodash.official import dataset as official_dataset


def serve(change=None):
    return FaultServer(lambda path: dapodik_server.answer(path, change))


@pytest.fixture()
def srv():
    with serve() as server:
        server.base = server.origin + "/"
        yield server


def _figures(res, indicator="schools_sd"):
    return {r["region_code"]: r["value"] for r in res.records if r["indicator"] == indicator}


def test_the_region_table_has_the_15_regions_once():
    rows = dapodik.load_regions()
    assert len(rows) == 15 and len({r["dapodik_code"] for r in rows}) == 15
    with open(ROOT / "data" / "regions.csv", encoding="utf-8") as fh:
        members = {r["code"] for r in csv.DictReader(fh) if r["in_agglomeration"] == "True"}
    assert {r["bps_code"] for r in rows} == members
    # a kab/kota's code lies under its province's (Kemendikbud's codes: 2 digits per level)
    assert all(r["dapodik_code"][:2] == r["dapodik_province"][:2] for r in rows)
    assert {r["dapodik_province"] for r in rows} == {"010000", "020000", "280000"}


def test_kab_kota_by_bps_code_and_the_five_levels(srv):
    res = dapodik.run("20241", "kabkota", base=srv.base)
    # 016300 is Jakarta Selatan (BPS 3171), 016000 Jakarta Pusat (BPS 3173): never the digits as they are
    assert _figures(res) == {"3171": 301, "3173": 201, "3201": 1701, "3276": 401, "3674": 351}
    assert _figures(res, "schools_smk")["3276"] == 111
    assert _figures(res, "schools_sd_to_slb_dapodik")["3276"] == 401 + 261 + 81 + 111 + 15
    assert not _figures(res, "sekolah") and res.year == 2024 and res.errors == []
    assert sum(tb["outside_dropped"] for tb in res.tables) == 1           # Kota Bandung
    rec = res.records[0]
    assert rec["source"]["grade"] == "official" and rec["source"]["origin"] == "Dapodik"
    assert rec["dapodik_code"] == "016300" and rec["source"]["var"] == "sd"
    assert res.to_json()["regions"] == 5 and res.to_json()["school_year"] == "2024/2025"


def test_one_request_per_province_and_per_kab_kota(srv):
    dapodik.run("20242", base=srv.base)
    provinces = [p for p in srv.requests if "id_level_wilayah=1&" in p]
    kab = [p for p in srv.requests if "id_level_wilayah=2&" in p]
    assert provinces == [f"/rekap/dataSekolah?id_level_wilayah=1&kode_wilayah={c}&semester_id=20242"
                         for c in ("010000", "020000", "280000")]
    assert len(kab) == 15 and "kode_wilayah=026600" in " ".join(kab)


def test_the_year_is_the_year_the_semester_ends_in_unless_stated(srv):
    assert dapodik.year_of("20241") == 2024 and dapodik.year_of("20242") == 2025
    assert dapodik.run("20242", "kabkota", base=srv.base).records[0]["year"] == 2025
    assert dapodik.run("20242", "kabkota", year=2024, base=srv.base).records[0]["year"] == 2024
    for bad in ("2024", "20243", "abcde", "19991"):
        with pytest.raises(ValueError):
            dapodik.parse_semester(bad)


def test_a_kab_kota_named_otherwise_is_reported_not_kept():
    with serve({"026600": {"nama": "Kota Depok Baru"}}) as server:
        res = dapodik.run("20241", "kabkota", base=server.origin + "/")
    assert "3276" not in _figures(res)
    assert [(u["dapodik_code"], u["reason"], u["table_name"]) for u in res.unmatched] == [
        ("026600", "other_name", "Kota Depok")]
    assert "026600 Kota Depok Baru (3276): data/dapodik_regions.csv names this code Kota Depok" in \
        dapodik.report_text(res.to_json(), "en")


def test_kecamatan_by_name_within_their_kab_kota(srv):
    res = dapodik.run("20241", "kecamatan", base=srv.base)
    # Beji is BPS 3276050, Pancoran Mas 3276020, Cimanggis 3276040, Sawangan 3276010, Jagakarsa (Jakarta Selatan) 3171010
    assert _figures(res) == {"3276050": 31, "3276020": 41, "3276040": 45, "3276010": 38, "3171010": 61}
    assert _figures(res, "schools_sd_to_slb_dapodik")["3276040"] == 45 + 30 + 9 + 10 + 0   # no SLB: a 0, kept
    assert [(u["name"], u["reason"]) for u in res.unmatched] == [("Kec. Bojongsari Baru", "no_name")]
    assert res.unmatched[0]["sd_to_slb"] == 11 + 5 + 1 + 2 + 0
    assert "5 used, 1 rows not used" in dapodik.report_text(res.to_json(), "en")


def test_gaps_are_gaps_and_rows_of_another_parent_are_dropped():
    change = {"026601": {"sd": None, "smp": "-"}, "026602": {"mst_kode_wilayah": "026000  "},
              "026603": {"id_level_wilayah": 2}, "026605": {"id_level_wilayah": "3"}}
    with serve(change) as server:
        res = dapodik.run("20241", "kecamatan", base=server.origin + "/", regions=["3276"])
    assert set(_figures(res)) == {"3276010"} and _figures(res, "schools_sma") == {"3276050": 6, "3276010": 7}
    assert "3276050" not in _figures(res, "schools_sd_to_slb_dapodik")     # no sum without all five
    table = res.tables[0]
    assert table["gaps"] == 2 and table["outside_dropped"] == 2 and 0 not in _figures(res, "schools_smp").values()


def test_not_a_list_is_malformed():
    with FaultServer(lambda path: (None, {"rows": []})) as server:
        res = dapodik.run("20241", "kabkota", base=server.origin + "/", regions=["3276"])
    assert [(e["level"], e["kind"]) for e in res.errors] == [("kabkota", "malformed")] and not res.records


def test_cli_json_and_text(srv, tmp_path):
    env = {"JABODASH_DAPODIK_URL": srv.base, "PATH": "/usr/bin:/bin", "JABODASH_WORKSPACE": str(tmp_path / "ws"),
           "JABODASH_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "jabodash", "refresh", "dapodik"]
    done = subprocess.run(cmd + ["--semester", "20241", "--json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["schema"] == "jabodash.refresh.dapodik/1" and out["year"] == 2024 and out["saved"] is None
    assert len(out["records"]) == 50 and out["levels"] == ["kabkota", "kecamatan"]   # 5 kab/kota, 5 kecamatan, x5
    done = subprocess.run(cmd + ["--semester", "20242", "--level", "kabkota", "--lang", "en", "--save"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "covering 5 of the 15 regions" in done.stdout and "recorded for the year 2025" in done.stdout
    assert "3276 Kota Depok (026600) schools_sd: 401" in done.stdout and "Saved as dataset" in done.stdout
    bad = subprocess.run(cmd + ["--semester", "2024"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert bad.returncode == 2 and "ID semester Dapodik" in bad.stderr and not bad.stdout


def test_saved_as_an_official_dataset_over_the_built_in_data(srv, fresh_workspace):
    from jabodash.store import shelf
    res = dapodik.run("20241", base=srv.base)
    ds_id = official_dataset.save(res, precedence=True)
    meta = shelf.load_dataset(ds_id).meta
    assert meta["kind"] == "dapodik_refresh" and meta["grade"] == "official"
    assert "semester 20241 recorded as 2024" in meta["source"]
    obs = official_dataset.observations(ds_id, meta, shelf.load_dataset(ds_id).records)
    kec = obs[(obs.region_code == "3276050") & (obs.indicator_id == "schools_sd")]
    assert kec["value"].tolist() == [31.0] and kec["note"].iloc[0].startswith("Dapodik rekap 026600")


def test_data_page_reads_dapodik(srv, monkeypatch, tmp_path):
    from support.apptest import run_page
    monkeypatch.setenv("JABODASH_DAPODIK_URL", srv.base)
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    at = run_page("pages/data.py", lang="en")
    at.text_input(key="w_dap_semester").set_value("20242").run()
    assert at.number_input(key="w_dap_year").value is None          # empty: the year the semester ends in
    at.button(key="dap_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "50 figures (kabkota, kecamatan) for semester 20242, covering 5 of the 15 regions" in captions
    assert "school year 2024/2025 semester 2; its figures are recorded for the year 2025" in captions
    assert "5 used, 1 rows not used" in captions
    unmatched = [d.value for d in at.dataframe if "Name (Dapodik)" in d.value.columns]
    assert [u["Name (Dapodik)"].tolist() for u in unmatched] == [["Kec. Bojongsari Baru"]]
    at.button(key="dap_save").click().run()
    assert any("Saved as dataset" in s.value for s in at.success)
    at.text_input(key="w_dap_semester").set_value("2024x").run()
    at.button(key="dap_run").click().run()
    assert any("semester id" in e.value for e in at.error)
