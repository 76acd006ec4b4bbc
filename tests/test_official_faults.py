"""The fault suite that every outside source runs (issue 28), against loopback stand-ins
(tests/support/fault_server.py serves the hostile answers; each source's adapter below serves its own
documented format and its own error answers).

Each case refreshes two tables of one source, the second one faulted, and checks: the faulted
table fails with the named kind (or is read with the fault reported), the other table is kept,
the report says the limits, and the key appears nowhere: not in the report, not in a request to
another host (there is none).
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

import pytest
from support import dapodik_server, dukcapil_server, simdasi_server
from support.bps_server import DKI, JABAR, KEY, payload
from support.fault_server import FaultServer

from jabodash.official import client, dapodik, dukcapil, recipes, simdasi
from jabodash.official import fetch as refresh
from jabodash.official import http_client as hc

LIMITS = hc.Limits(read_timeout_s=0.6, table_deadline_s=1.5, run_deadline_s=30, max_bytes=1024 * 1024,
                      max_depth=64, retries=1, backoff_s=0.05)


@dataclass
class Outcome:
    errors: list            # (table, kind)
    kept: list              # tables read
    refused: list           # (table, region, year, reason)
    mismatches: int
    gaps: dict              # table -> cells without a figure
    figures: dict           # (table, region, year) -> value
    report: str             # everything the user is shown (JSON)
    exit_code: int


# --- BPS WebAPI --------------------------------------------------------------------------------

BPS_PATH = re.compile(r"^/v1/api/list/model/data/lang/\w+/domain/(\d{4})/var/(\d+)/key/([^/]+)/$")
BPS_TABLES = {"a": recipes.Recipe("ipm", "0000", "413", "", "", "index 0-100"),
              "b": recipes.Recipe("poverty_rate", "3200", "919", "", "", "percent of population", "persen")}


def _bps_payload(table: str, fault: str | None) -> dict:
    if table == "a":
        return payload(413, "[Metode Baru] Indeks Pembangunan Manusia", "", DKI, [2024],
                       {("3171", 2024): 84.5, ("3174", 2024): 82.1})
    values = {("3201", 2024): 7.2, ("3271", 2024): 6.4, ("3276", 2024): 2.3, ("3216", 2024): 4.8}
    rows = JABAR
    if fault == "impossible":
        values.update({("3201", 2024): "1e308", ("3271", 2024): -5000, ("3276", 2024): "1.234.567,8"})
    elif fault == "partial_table":
        values = {("3201", 2024): 7.2}
    elif fault == "renamed":      # the labels of Bogor and Kota Bogor swapped: the codes decide
        rows = [(c, {"Bogor": "Kota Bogor", "Kota Bogor": "Bogor"}.get(lbl, lbl)) for c, lbl in JABAR]
    return payload(919, "Persentase Penduduk Miskin Menurut Kabupaten/Kota di Jawa Barat", "Persen", rows,
                   [2024], values)


def bps_run(faults: dict, base_origin: str, limits=LIMITS) -> tuple:
    by_var = {r.var: name for name, r in BPS_TABLES.items()}

    def answer(path):
        m = BPS_PATH.match(path)
        if m is None:
            return "raw", (404, b"<html>Not found</html>", "text/html")
        table = by_var.get(m.group(2))
        fault = faults.get(table)
        if m.group(3) != KEY or fault == "bad_key":
            return "raw", (200, b'{"status":"Error","message":"Invalid key or key not activated"}',
                           "application/json")
        if fault in ("impossible", "partial_table", "renamed"):
            return None, _bps_payload(table, fault)
        return fault, _bps_payload(table, None)

    return answer, lambda base: _bps_outcome(refresh.run(list(BPS_TABLES.values()), KEY, base=base + "/v1/",
                                                         limits=limits))


def _bps_outcome(res) -> Outcome:
    name = {r.var: n for n, r in BPS_TABLES.items()}
    return Outcome(errors=[(name.get(e["var"]), e["kind"]) for e in res.errors],
                   kept=[name[t["var"]] for t in res.tables],
                   refused=[(name[t["var"]], c["region_code"], c["year"], c["reason"]) for t in res.tables
                            for c in t["refused"]],
                   mismatches=sum(len(t["label_mismatches"]) for t in res.tables),
                   gaps={name[t["var"]]: t["gaps"] for t in res.tables},
                   figures={(name[r["source"]["var"]], r["region_code"], r["year"]): r["value"] for r in res.records},
                   report=json.dumps(res.to_json(), default=str), exit_code=res.exit_code)


# --- Dukcapil GIS (ArcGIS REST): table "a" is the kab/kota level, "b" the kecamatan level --------

def dukcapil_run(faults: dict, base_origin: str, limits=LIMITS) -> tuple:
    kec_values = {}
    if faults.get("b") == "impossible":   # "1e308", -5000 and a fractional person count
        kec_values = {(32, 76, 1): "1e308", (32, 76, 2): -5000, (32, 76, 3): "12,5"}
    elif faults.get("b") == "partial_table":
        kec_values = {(32, 76, 2): None, (32, 76, 3): "-", (31, 71, 1): None}
    rows = {dukcapil.SERVICES["kabkota"]: dukcapil_server.kab_rows(),
            dukcapil.SERVICES["kecamatan"]: dukcapil_server.kec_rows(kec_values)}
    if faults.get("b") == "renamed":      # the kecamatan names changed: codes and values still read
        for a in rows[dukcapil.SERVICES["kecamatan"]]:
            a["nama_kec"] = "KEC. " + a["nama_kec"].title()

    def answer(path):
        table = "b" if dukcapil.SERVICES["kecamatan"] in path else "a"
        fault = faults.get(table)
        if fault in (None, "impossible", "partial_table", "renamed"):
            return dukcapil_server.answer(path, rows)
        return fault, dukcapil_server.answer(path, rows)[1]

    def go(base):
        out = dukcapil.run(2025, 1, base=base + "/arcgis/rest/services/", limits=limits)
        name = {"kabkota": "a", "kecamatan": "b"}
        failed = {e["level"] for e in out.errors}
        return Outcome(errors=[(name[e["level"]], e["kind"]) for e in out.errors],
                       kept=[name[lvl] for lvl in out.levels if lvl not in failed],
                       refused=[(name[tb["level"]], c["region_code"], 2025, c["reason"]) for tb in out.tables
                                for c in tb["refused"]],
                       mismatches=0, gaps={name[tb["level"]]: tb["gaps"] for tb in out.tables},
                       figures={("a" if len(r["region_code"]) == 4 else "b", r["region_code"], r["year"]): r["value"]
                                for r in out.records},
                       report=json.dumps(out.to_json(), default=str), exit_code=out.exit_code)
    return answer, go


# --- BPS SIMDASI (interoperability endpoints): "a" a DKI table of kab/kota, "b" Depok's kecamatan ----

SIM = {"a": simdasi.Recipe("population_estimate_bps", "3100000", "TESTdki01", "Jumlah Penduduk", "2024"),
       "b": simdasi.Recipe("population_estimate_bps", "3276000", "TESTdepok01", "Jumlah Penduduk", "2024")}


def simdasi_run(faults: dict, base_origin: str, limits=LIMITS) -> tuple:
    change = {"impossible": {"3276010": "1e308", "3276020": -5000, "3276050": "12,5"},
              "partial_table": {"3276020": None, "3276050": "-", "3276000": None}}.get(faults.get("b"), {})
    rows = [(c, "KEC. " + lbl if faults.get("b") == "renamed" else lbl, change.get(c, v)) for c, lbl, v in simdasi_server.DEPOK]
    tables = {"TESTdki01": simdasi_server.table(simdasi_server.DKI), "TESTdepok01": simdasi_server.table(rows)}

    def answer(path):
        fault = faults.get("b" if "TESTdepok01" in path else "a")
        if fault in (None, "impossible", "partial_table", "renamed", "bad_key"):
            keys = {"TESTdki01": "a", "TESTdepok01": "b"}
            return simdasi_server.answer(path, tables, {t: "bad_key" for t, n in keys.items() if faults.get(n) == "bad_key"})
        return fault, simdasi_server.answer(path, tables)[1]

    return answer, lambda base: _sim_outcome(simdasi.run(list(SIM.values()), KEY, base=base + "/v1/", limits=limits))


def _sim_outcome(res) -> Outcome:
    name = {r.id_tabel: n for n, r in SIM.items()}
    return Outcome(errors=[(name.get(e["var"]), e["kind"]) for e in res.errors],
                   kept=[name[t["var"]] for t in res.tables],
                   refused=[(name[t["var"]], c["region_code"], c["year"], c["reason"]) for t in res.tables
                            for c in t["refused"]],
                   mismatches=0, gaps={name[t["var"]]: t["gaps"] for t in res.tables},
                   figures={(name[r["source"]["var"]], r["region_code"], r["year"]): r["value"] for r in res.records},
                   report=json.dumps(res.to_json(), default=str), exit_code=res.exit_code)


# --- Dapodik recap: "a" Jawa Barat's kab/kota (province 020000), "b" Depok's kecamatan (026600) ---------

def dapodik_run(faults: dict, base_origin: str, limits=LIMITS) -> tuple:
    fault_b = faults.get("b")
    change = {"impossible": {"026601": {"sd": "1e308"}, "026602": {"sd": -5000}, "026603": {"sd": "12,5"}},
              "partial_table": {"026601": {"sd": None}, "026602": {"sd": "-"}}}.get(fault_b, {})
    if fault_b == "renamed":      # the kecamatan written otherwise: "Kec. Beji" -> "KECAMATAN BEJI"
        change = {c: {"nama": "KECAMATAN " + n[5:].upper()} for c, n, _ in dapodik_server.KEC["026600"]}

    def answer(path):
        fault = faults.get("b" if "kode_wilayah=026600" in path else "a")
        if fault in (None, "impossible", "partial_table", "renamed"):
            return dapodik_server.answer(path, change)
        return fault, dapodik_server.answer(path, change)[1]

    def go(base):
        out = dapodik.run("20241", base=base + "/", limits=limits, regions=["3276"])
        name = {"kabkota": "a", "kecamatan": "b"}
        failed = {e["level"] for e in out.errors}
        return Outcome(errors=[(name[e["level"]], e["kind"]) for e in out.errors],
                       kept=[name[lvl] for lvl in out.levels if lvl not in failed],
                       refused=[(name[tb["level"]], c["region_code"], 2024, c["reason"]) for tb in out.tables
                                for c in tb["refused"]],
                       mismatches=0, gaps={name[tb["level"]]: tb["gaps"] for tb in out.tables},
                       figures={("a" if len(r["region_code"]) == 4 else "b", r["region_code"], r["year"]): r["value"]
                                for r in out.records if r["indicator"] == "schools_sd"},
                       report=json.dumps(out.to_json(), default=str), exit_code=out.exit_code)
    return answer, go


SOURCES = {"bps": bps_run, "dukcapil": dukcapil_run, "simdasi": simdasi_run, "dapodik": dapodik_run}
# what each source's source-level faults give
IMPOSSIBLE = {"bps": [("b", "3201", 2024, "above_max"), ("b", "3271", 2024, "below_min"), ("b", "3276", 2024, "above_max")],
              # Kemendagri 32.76.01-03 are BPS 3276020, 3276040, 3276010 (data/kecamatan_crosswalk.csv)
              "dukcapil": [("b", "3276020", 2025, "above_max"), ("b", "3276040", 2025, "not_above"),
                           ("b", "3276010", 2025, "not_integer")]}
IMPOSSIBLE["simdasi"] = [("b", "3276010", 2024, "above_max"), ("b", "3276020", 2024, "not_above"),
                         ("b", "3276050", 2024, "not_integer")]
# Dapodik's Beji, Pancoran Mas and Cimanggis are BPS 3276050, 3276020, 3276040 (by name, data/kecamatan_crosswalk.csv)
IMPOSSIBLE["dapodik"] = [("b", "3276050", 2024, "above_max"), ("b", "3276020", 2024, "below_min"),
                         ("b", "3276040", 2024, "not_integer")]
KEPT_AFTER_IMPOSSIBLE = {"bps": ("b", "3216", 2024), "dukcapil": ("b", "3173080", 2025), "simdasi": ("b", "3276", 2024),
                         "dapodik": ("b", "3276010", 2024)}


# --- the suite ---------------------------------------------------------------------------------

def run_case(source: str, faults: dict, limits=LIMITS):
    other = FaultServer(lambda path: (None, {"status": "OK"}), host="127.0.0.2")
    with other:
        answer, go = SOURCES[source](faults, "", limits)
        with FaultServer(answer, redirect_to=other.origin) as srv:
            started = time.monotonic()
            outcome = go(srv.origin)
            took = time.monotonic() - started
        return outcome, other.requests, took


TRANSPORT = [("quota", hc.QUOTA), ("html", hc.NOT_JSON), ("timeout", hc.TIMEOUT),
             ("drip", hc.DEADLINE), ("redirect", hc.REDIRECT), ("huge", hc.TOO_LARGE),
             ("huge_nolength", hc.TOO_LARGE), ("nested", hc.MALFORMED), ("partial", hc.MALFORMED),
             ("duplicate", hc.MALFORMED)]


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("fault, kind", TRANSPORT)
def test_a_faulted_table_fails_by_name_and_the_others_are_kept(source, fault, kind):
    outcome, elsewhere, took = run_case(source, {"b": fault})
    assert outcome.errors == [("b", kind)]
    assert outcome.kept == ["a"] and outcome.figures           # the good table is kept
    assert outcome.exit_code == refresh.EXIT_PARTIAL
    assert KEY not in outcome.report
    assert elsewhere == []                                      # nothing reached the other host
    assert '"table_deadline_s": 1.5' in outcome.report          # the report states its limits
    assert took < 12                                            # the deadlines hold (drip: 1.5 s)


@pytest.mark.parametrize("source", ["bps", "simdasi"])     # Dukcapil's service is public: no key to refuse
def test_invalid_key_stops_the_refresh(source):
    outcome, elsewhere, _ = run_case(source, {"a": "bad_key", "b": "bad_key"})
    assert outcome.errors == [("a", hc.BAD_KEY)] and outcome.kept == []
    assert outcome.exit_code == refresh.EXIT_USAGE and KEY not in outcome.report


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_impossible_values_are_refused_per_cell_and_reported(source):
    outcome, _, _ = run_case(source, {"b": "impossible"})
    assert outcome.errors == []
    # BPS: "1e308", -5000 and "1.234.567,8" for a poverty rate; Dukcapil: "1e308", -5000 and 12,5 persons
    assert sorted(outcome.refused) == sorted(IMPOSSIBLE[source])
    assert KEPT_AFTER_IMPOSSIBLE[source] in outcome.figures      # the table's plausible cells are kept
    assert not {(r[0], r[1]) for r in IMPOSSIBLE[source]} & {(k[0], k[1]) for k in outcome.figures}


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_a_partial_table_gives_gaps_never_zeros(source):
    outcome, _, _ = run_case(source, {"b": "partial_table"})
    kept = {"bps": [("b", "3201", 2024)], "dukcapil": [("b", "3276020", 2025)], "simdasi": [("b", "3276010", 2024)],
            "dapodik": [("b", "3276040", 2024), ("b", "3276010", 2024)]}[source]
    assert [k for k in outcome.figures if k[0] == "b"] == kept
    assert outcome.gaps["b"] == {"bps": 5, "dukcapil": 3, "simdasi": 3, "dapodik": 2}[source]
    assert 0 not in outcome.figures.values()


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_renamed_labels_keep_the_codes_and_are_reported(source):
    outcome, _, _ = run_case(source, {"b": "renamed"})
    if source == "bps":
        assert outcome.figures[("b", "3201", 2024)] == 7.2 and outcome.figures[("b", "3271", 2024)] == 6.4
        # "Kota Bogor" on code 3201 names the city: reported ("Bogor" alone names neither for sure)
        assert outcome.mismatches == 1
    elif source == "dukcapil":   # read by Kemendagri code through the crosswalk; "KEC. Pancoran Mas" is PANCORAN MAS
        assert outcome.figures[("b", "3276020", 2025)] == 250_001 and '"KEC. Pancoran Mas"' in outcome.report
    elif source == "dapodik":    # kecamatan are placed by name: case and the word "Kecamatan" aside, the same name
        assert outcome.figures[("b", "3276050", 2024)] == 31 and '"KECAMATAN BEJI"' in outcome.report
    else:                        # SIMDASI rows are placed by their 7-digit code, never their label
        assert outcome.figures[("b", "3276020", 2024)] == 260_012 and outcome.figures[("b", "3276", 2024)] == 2_100_014


def test_the_run_deadline_stops_the_remaining_tables_without_a_request():
    limits = hc.Limits(read_timeout_s=0.6, table_deadline_s=1.0, run_deadline_s=0.9, retries=0)
    outcome, _, took = run_case("bps", {"a": "drip", "b": None}, limits)
    assert outcome.errors == [("a", hc.DEADLINE), ("b", hc.DEADLINE)]
    assert '"run_deadline_s": 0.9' in outcome.report and took < 5


# --- the client itself -------------------------------------------------------------------------

def test_the_nesting_bound_is_checked_before_parsing():
    assert hc.json_depth(b'{"a": [1, {"b": "[[[[[["}]}') == 3
    with pytest.raises(hc.FetchError) as err:
        hc.parse_json(b"[" * 100_000 + b"]" * 100_000, 64)
    assert err.value.kind == hc.MALFORMED


@pytest.mark.parametrize("text", [b'{"a": 1, "a": 2}', b'{"a": NaN}', b'{"a": Infinity}'])
def test_duplicate_keys_and_non_numbers_are_malformed(text):
    with pytest.raises(hc.FetchError) as err:
        hc.parse_json(text, 64)
    assert err.value.kind == hc.MALFORMED


def test_a_url_at_another_origin_is_never_requested():
    f = hc.Fetcher("http://127.0.0.1:9/v1/", LIMITS, secrets=("sekret123",))
    with pytest.raises(hc.FetchError) as err:
        f.get("http://127.0.0.2:9/v1/key/sekret123/")
    assert err.value.kind == hc.REDIRECT and "sekret123" not in str(err.value)


def test_retries_with_backoff_then_quota():
    calls = []

    def answer(path):
        calls.append(path)
        return ("quota", {}) if len(calls) < 3 else (None, {"status": "OK", "n": 1})

    with FaultServer(answer) as srv:
        f = hc.Fetcher(srv.origin + "/", hc.Limits(retries=2, backoff_s=0.01))
        assert f.get_json(srv.origin + "/x") == {"status": "OK", "n": 1}
        assert len(calls) == 3
        calls.clear()
        f = hc.Fetcher(srv.origin + "/", hc.Limits(retries=1, backoff_s=0.01))
        with pytest.raises(hc.FetchError) as err:
            f.get_json(srv.origin + "/x")
        assert err.value.kind == hc.QUOTA and len(calls) == 2


def test_same_origin_redirect_is_followed():
    def answer(path):
        if path == "/old":
            return "raw", (301, b"", "text/plain")
        return None, {"ok": True}

    with FaultServer(answer) as srv:
        # the stand-in's raw answers carry no Location: a redirect without one is an error, said
        f = hc.Fetcher(srv.origin + "/", LIMITS)
        with pytest.raises(hc.FetchError) as err:
            f.get_json(srv.origin + "/old")
        assert err.value.kind == hc.HTTP


def test_limits_from_settings(monkeypatch):
    monkeypatch.setenv("JABODASH_FETCH_TABLE_DEADLINE_S", "7")
    monkeypatch.setenv("JABODASH_FETCH_RUN_DEADLINE_S", "70")
    lim = hc.Limits.from_env()
    assert (lim.table_deadline_s, lim.run_deadline_s) == (7.0, 70.0)
    monkeypatch.setenv("JABODASH_BPS_URL", "http://mirror.example/v1")
    assert client.base_url() == "http://mirror.example/v1/"
