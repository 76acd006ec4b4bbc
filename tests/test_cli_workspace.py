"""python -m jabodash workspace: administrators list, rename and delete saved datasets (also in a
workspace that is read-only for the app), and every change is in the audit log."""
import json

import pytest

from jabodash.cli import main
from jabodash.core.paths import ROOT
from jabodash.ingest import read_upload
from jabodash.store import access, shelf

DATA = (ROOT / "tests" / "fixtures" / "ingest" / "bps_wide_semicolon.csv").read_bytes()


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("JABODASH_WORKSPACE_READONLY", "1")   # binds the app, not the command line


def test_list_rename_delete_and_log(capsys):
    good = shelf.save_dataset(read_upload(DATA, "p.csv"), DATA, "p.csv", {"indicator": "Penduduk"})
    bad = shelf.save_dataset(read_upload(DATA, "p.csv"), DATA, "p.csv", {"indicator": "Rusak"})
    (shelf.datasets_dir() / bad / "meta.json").write_text("{")
    assert main(["workspace", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in listed["datasets"]] == [good]
    assert listed["damaged"] == [{"id": bad, "reason": "meta_unreadable"}]
    assert main(["workspace", "rename", good, "Penduduk 2023"]) == 0
    assert main(["workspace", "delete", bad]) == 0
    assert main(["workspace", "delete", "tidak-ada"]) == 1
    assert "tidak-ada" in capsys.readouterr().err
    assert shelf.list_datasets(with_problems=True)[1] == []
    assert shelf.list_datasets()[0]["title"] == "Penduduk 2023"
    assert [(e["session"], e["action"], e["target"], e["result"]) for e in access.entries()] == [
        ("cli", "dataset.rename", f"{good} -> Penduduk 2023", "ok"), ("cli", "dataset.delete", bad, "ok"),
        ("cli", "dataset.delete", "tidak-ada", "failed: DatasetNotFound")]
    capsys.readouterr()
    assert main(["workspace", "log", "--last", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["target"] == "tidak-ada"
