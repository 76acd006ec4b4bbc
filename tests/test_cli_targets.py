"""python -m jabodash targets: the same rows and statuses as jabodash.features.sasaran, exit codes."""
from __future__ import annotations

import json

import pytest

from jabodash.cli import main
from jabodash.features import sasaran
from jabodash.store import get_store
from jabodash.store.datasource import DataSource


def run_cli(capsys, *argv):
    code = main(["targets", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_has_the_schema_and_agrees_with_the_feature(capsys):
    code, out, _ = run_cli(capsys, "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "jabodash.targets/1" and doc["region_set"] == "agglomeration"
    ds = DataSource.from_store(get_store())
    rows = sasaran.evaluate(ds, "agglomeration", sasaran.active_targets(ds))
    assert len(doc["rows"]) == len(rows)
    got = {(r["target"], r["region_code"]): r for r in doc["rows"]}
    for r in rows.itertuples():
        cli = got[(r.target, r.place)]
        assert cli["status"] == r.status
        assert cli["direction"] in ("higher", "lower")
        assert set(cli["source"]) == {"title", "url", "grade"}
    dki = got[("rpjmd_dki_poverty_2029", "31")]
    assert {"target_low", "target_high"} <= set(dki) and "target_value" not in dki
    assert dki["latest"]["year"] == 2024 and dki["latest"]["origin"] == "aggregate"
    assert dki["observed_years"] == [2020, 2024]
    assert got[("rpjmn_poverty_2029", "3276")]["status"] == "reference"


def test_plan_filter_and_family(capsys):
    code, out, _ = run_cli(capsys, "--json", "--plan", "ritj_2018_2029", "--region-set", "jabodetabek")
    doc = json.loads(out)
    assert code == 0 and doc["plans"] == ["ritj_2018_2029"] and {r["region_code"] for r in doc["rows"]} == {"metro"}
    code, out, _ = run_cli(capsys, "--json", "--plan", "rpjmd")
    assert code == 0 and all(p.startswith("rpjmd_") for p in json.loads(out)["plans"])


def test_text_in_english(capsys):
    code, out, _ = run_cli(capsys, "--lang", "en", "--plan", "ritj")
    assert code == 0
    assert "PT mode share ≥ 60 (2029)" in out and "19.43 (2023)" in out and "✖ off track" in out


def test_bad_arguments_exit_2(capsys):
    code, _, err = run_cli(capsys, "--plan", "no_such_plan", "--lang", "en")
    assert code == 2 and "Unknown plan: no_such_plan" in err
    for bad in (["--region-set", "everywhere"], ["--lang", "fr"]):
        with pytest.raises(SystemExit) as exc:
            main(["targets", *bad])
        assert exc.value.code == 2
