"""`python -m jabodash refresh bps` end to end, in a subprocess against the loopback WebAPI
(tests/support/bps_server.py): JSON schema, exit status, --save, `info --json`, and the key never printed."""
import json
import os
import subprocess
import sys

import pytest
from support.bps_server import DKI, JABAR, KEY, BpsServer, payload

from jabodash.core.paths import ROOT

IPM = payload(413, "[Metode Baru] Indeks Pembangunan Manusia", "", DKI + JABAR, [2024],
              {("3201", 2024): 72.5, ("3271", 2024): "78,61", ("3276", 2024): "-"})
TPT = payload(788, "Tingkat Pengangguran Terbuka", "Persen", JABAR, [2024], {("3276", 2024): 5.9})


@pytest.fixture()
def env(tmp_path):
    base = {k: v for k, v in os.environ.items() if not k.startswith("JABODASH_BPS")}
    return {**base, "JABODASH_WORKSPACE": str(tmp_path / "ws"), "JABODASH_CONFIG_DIR": str(tmp_path / "cfg"),
            "PYTHONPATH": str(ROOT)}


def cli(env, *args):
    proc = subprocess.run([sys.executable, "-m", "jabodash", *args], env=env, capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert "Traceback" not in proc.stderr
    return proc


def test_refresh_json_save_and_info(env):
    with BpsServer({("0000", "413"): IPM, ("3200", "788"): TPT}) as srv:
        env = {**env, "JABODASH_BPS_URL": srv.base, "JABODASH_BPS_KEY": KEY}
        proc = cli(env, "refresh", "bps", "--indicator", "ipm", "--indicator", "unemployment_rate_tpt",
                   "--json", "--save", "--precedence")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["schema"] == "jabodash.refresh/1" and out["ok"] is True and out["errors"] == []
    got = {(r["indicator"], r["region_code"], r["year"]): r["value"] for r in out["records"]}
    assert got == {("ipm", "3201", 2024): 72.5, ("ipm", "3271", 2024): 78.61,
                   ("unemployment_rate_tpt", "3276", 2024): 5.9}
    rec = next(r for r in out["records"] if r["region_code"] == "3276")
    assert set(rec) == {"indicator", "region_code", "year", "value", "source"}
    assert rec["source"]["var"] == "788" and rec["source"]["domain"] == "3200"
    assert rec["source"]["title"] == "Tingkat Pengangguran Terbuka" and rec["source"]["retrieved_at"]
    assert {c["region_code"] for c in out["changes"]["changed"]} == {"3201", "3271"}
    assert out["saved"] and KEY not in proc.stdout + proc.stderr

    info = json.loads(cli(env, "info", "--json").stdout)
    refreshed = [d for d in info["datasets"] if d["id"] == out["saved"]]
    assert len(refreshed) == 1 and refreshed[0]["provenance"] == "official" and refreshed[0]["grade"] == "official"
    assert refreshed[0]["origin"] == "BPS WebAPI" and refreshed[0]["precedence"] is True
    assert {s["var"] for s in refreshed[0]["sources"]} == {"413", "788"}
    assert all(KEY not in (s["url"] or "") for s in refreshed[0]["sources"])


def test_some_tables_fail_exit_1_text_report(env):
    with BpsServer({("0000", "413"): IPM}, {("0000", "621"): "html", ("0000", "619"): "quota"}) as srv:
        env = {**env, "JABODASH_BPS_URL": srv.base, "JABODASH_BPS_KEY": KEY}
        proc = cli(env, "refresh", "bps", "--lang", "en")
    assert proc.returncode == 1
    assert "2 figures from 1 BPS tables, 7 tables failed." in proc.stdout   # 8 recipes, 1 read
    assert "poverty_rate (var 621, domain 0000): BPS answered with a page that is not data" in proc.stdout
    assert "BPS's quota or rate limit was reached (HTTP 429)" in proc.stdout
    assert "Limits: 60 s per table, 600 s per run" in proc.stdout
    assert KEY not in proc.stdout + proc.stderr


def test_bad_key_and_bad_arguments_exit_2(env):
    with BpsServer({("0000", "413"): IPM}) as srv:
        bad = {**env, "JABODASH_BPS_URL": srv.base, "JABODASH_BPS_KEY": "notthekey9876"}
        proc = cli(bad, "refresh", "bps", "--json")
        assert proc.returncode == 2
        out = json.loads(proc.stdout)
        assert out["ok"] is False and out["errors"][0]["kind"] == "bad_key" and out["records"] == []
        assert "notthekey9876" not in proc.stdout + proc.stderr
        proc = cli({**env, "JABODASH_BPS_URL": srv.base}, "refresh", "bps")
        assert proc.returncode == 2 and "JABODASH_BPS_KEY" in proc.stderr
        proc = cli({**env, "JABODASH_BPS_URL": srv.base, "JABODASH_BPS_KEY": KEY}, "refresh", "bps",
                   "--indicator", "puskesmas", "--json")
        assert proc.returncode == 2 and json.loads(proc.stdout)["errors"][0]["kind"] == "usage"
        assert srv.requests == [srv.requests[0]]   # only the bad key's one request reached the server
