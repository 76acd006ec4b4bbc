"""Faults of the shared workspace (issue 28): the audit log's dataset.save names the new dataset
and the file; a killed save's temporary folder goes when a process starts; two saves of one
name at once keep both and the second saver is told."""
import json
import multiprocessing
import os
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from jabodash.core import shared_fs
from jabodash.core.paths import ROOT
from jabodash.features import unggah
from jabodash.ingest import read_upload
from jabodash.server import __main__ as server_main
from jabodash.store import access, save_notes, shelf

CSV = b"wilayah,tahun,jumlah_warung\nKota Depok,2023,10\nKota Bogor,2023,12\nKota Bekasi,2023,14\n"


@pytest.fixture(autouse=True)
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.delenv("JABODASH_WORKSPACE_READONLY", raising=False)
    return tmp_path / "ws"


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[unggah.RAW_KEY] = ("data.csv", CSV)
    at.run()
    at.switch_page("pages/unggah.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="u_desc_name").set_value("Warung").run()
    return at


def test_audit_of_a_save_names_the_new_dataset_and_the_file():
    at = _page()
    at.button(key="u_save").click().run()
    assert not at.exception
    saved = shelf.list_datasets()
    entry = [e for e in access.entries() if e["action"] == "dataset.save"][-1]
    # before: target "data.csv" (the user's file name, the same for every save of that file)
    assert entry["target"] == saved[0]["id"] and entry["file"] == "data.csv" and entry["result"] == "ok"


def test_audit_of_a_cli_save_names_the_new_dataset_and_the_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(CSV)
    done = subprocess.run([sys.executable, "-m", "jabodash", "ingest", str(path), "--save", "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env={**os.environ})
    assert done.returncode == 0, done.stderr
    dataset_id = json.loads(done.stdout)["dataset_id"]
    entry = [e for e in access.entries() if e["action"] == "dataset.save"][-1]
    assert entry["target"] == dataset_id and entry["file"] == "data.csv" and entry["session"] == "cli"


def test_a_second_save_of_the_same_name_is_told():
    at = _page()
    at.button(key="u_save").click().run()
    assert not any("bernama sama" in w.value for w in at.warning)      # the first: nothing to say
    at.button(key="u_save").click().run()
    ids = {m["id"] for m in shelf.list_datasets()}
    notices = [w.value.replace("\\", "") for w in at.warning if "bernama sama" in w.value]
    named = [i for i in ids if notices and i in notices[0]]
    assert len(ids) == 2 and len(notices) == 1 and len(named) == 1     # the first save, named to the second
    (second,) = ids - set(named)
    assert [o["id"] for o in save_notes.same_title(second)] == named


def _save(barrier, workspace_path, name):
    os.environ["JABODASH_WORKSPACE"] = workspace_path
    result = read_upload(CSV, "data.csv")
    barrier.wait()
    shelf.save_dataset(result, CSV, "data.csv", {"title": name, "indicator": name})


def test_two_processes_saving_one_name_at_once_keep_both_and_each_sees_the_other(ws):
    shelf.datasets_dir()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_save, args=(barrier, str(ws), "Sekolah")) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    a, b = shelf.list_datasets()
    assert a["title"] == b["title"] == "Sekolah" and a["id"] != b["id"]
    assert [o["id"] for o in save_notes.same_title(a["id"])] == [b["id"]]
    assert [o["id"] for o in save_notes.same_title(b["id"])] == [a["id"]]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_killed_saves_temporary_folder_goes_when_a_server_process_starts(ws, monkeypatch):
    root = shelf.datasets_dir()
    # what a save killed between mkdir and rename leaves: .tmp-<id>.<pid>.<host>.<random>
    left = root / f".tmp-warung-1.{_dead_pid()}.{shared_fs.host()}.abcd1234"
    left.mkdir()
    (left / "cleaned.parquet").write_bytes(b"half")
    live = root / shared_fs.scratch_name(".tmp-", "busy-1")   # a save in progress in this process
    live.mkdir()
    called = []
    monkeypatch.setattr("streamlit.web.cli.main", lambda **kw: called.append(kw))
    server_main.main(["--server.port", "8661"])
    assert called and not left.exists() and live.exists()


def test_no_tidying_in_a_read_only_workspace(ws, monkeypatch):
    root = shelf.datasets_dir()
    left = root / f".tmp-warung-1.{_dead_pid()}.{shared_fs.host()}.abcd1234"
    left.mkdir()
    monkeypatch.setenv(access.READONLY_ENV, "1")
    assert server_main.tidy_workspace() == 0 and left.exists()
