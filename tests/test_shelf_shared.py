"""One workspace shared by several processes (app workers, the command line): writes at the same
moment, a delete racing a rename, another worker's save seen without a restart, leftovers of
killed saves cleaned at start without touching a save in progress."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from jabodash.core import shared_fs
from jabodash.core.paths import ROOT
from jabodash.store import shelf

CORPUS = ROOT / "tests" / "fixtures" / "ingest"

PRELUDE = r"""
import json, os, sys, time
from pathlib import Path
from jabodash.ingest import read_upload
from jabodash.store import shelf
sync = Path(sys.argv[1])
def wait_for(name):
    while not (sync / name).exists():
        time.sleep(0.01)
def signal(name):
    (sync / name).write_text("x")
data = Path(sys.argv[2]).read_bytes()
result = read_upload(data, "penduduk.csv")
"""


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "workspace"
    monkeypatch.setenv("JABODASH_WORKSPACE", str(path))
    return path


def _child(code: str, sync: Path, *args: str) -> subprocess.Popen:
    fixture = str(CORPUS / "bps_wide_semicolon.csv")
    return subprocess.Popen([sys.executable, "-c", PRELUDE + code, str(sync), fixture, *args], cwd=ROOT,
                            env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    return out


def _wait_for(path: Path, proc: subprocess.Popen) -> None:
    while not path.exists():
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        time.sleep(0.01)


def _start_together(sync: Path, procs: list[subprocess.Popen]) -> list[str]:
    for i, proc in enumerate(procs):
        _wait_for(sync / f"ready-{i}", proc)
    (sync / "go").write_text("x")
    return [_finish(p) for p in procs]


SAVE_MANY = r"""
signal("ready-" + sys.argv[3])
wait_for("go")
ids = [shelf.save_dataset(result, data, "penduduk.csv", {"indicator": f"P{sys.argv[3]}-{i}"}) for i in range(6)]
print(json.dumps(ids))
"""

REPLACE_MANY = r"""
signal("ready-" + sys.argv[3])
wait_for("go")
for i in range(6):
    shelf.save_dataset(result, data, "penduduk.csv", {"indicator": f"R{sys.argv[3]}-{i}"}, dataset_id=sys.argv[4])
"""


def test_two_processes_saving_at_the_same_moment_leave_every_dataset_intact(ws, tmp_path):
    sync = tmp_path / "sync"
    sync.mkdir()
    outs = _start_together(sync, [_child(SAVE_MANY, sync, str(i)) for i in range(2)])
    ids = [i for out in outs for i in json.loads(out)]
    listed, damaged = shelf.list_datasets(with_problems=True)
    assert damaged == [] and sorted(m["id"] for m in listed) == sorted(ids) and len(ids) == 12
    for meta in listed:
        ds = shelf.load_dataset(meta["id"])
        assert len(ds.records) == 17 and meta["rows"] == 17
    assert sorted(m["indicator"] for m in listed) == sorted(f"P{p}-{i}" for p in range(2) for i in range(6))
    assert [p.name for p in (ws / "datasets").iterdir() if p.name.startswith(".")] == []


def test_two_processes_replacing_one_dataset_at_once_both_succeed(ws, tmp_path):
    from jabodash.ingest import read_upload
    data = (CORPUS / "bps_wide_semicolon.csv").read_bytes()
    target = shelf.save_dataset(read_upload(data, "penduduk.csv"), data, "penduduk.csv")
    sync = tmp_path / "sync"
    sync.mkdir()
    _start_together(sync, [_child(REPLACE_MANY, sync, str(i), target) for i in range(2)])
    listed, damaged = shelf.list_datasets(with_problems=True)
    assert damaged == [] and [m["id"] for m in listed] == [target]
    assert listed[0]["indicator"] in ("R0-5", "R1-5") and len(shelf.load_dataset(target).records) == 17
    assert [p.name for p in (ws / "datasets").iterdir() if p.name.startswith(".")] == []


RENAME_PAUSED = r"""
from jabodash.store import shelf as w
original = w.atomic_write_bytes
folder = w.dataset_dir(sys.argv[3])
def paused(path, payload):
    signal("renamer-inside")
    wait_for("deleter-started")
    until = time.monotonic() + 3     # with the write lock the delete waits for us: go on after a while
    while folder.exists() and time.monotonic() < until:
        time.sleep(0.01)
    original(path, payload)
w.atomic_write_bytes = paused
w.rename_dataset(sys.argv[3], "Nama baru")
"""

DELETE = r"""
wait_for("renamer-inside")
signal("deleter-started")
shelf.delete_dataset(sys.argv[3])
"""


def test_a_delete_racing_a_rename_leaves_no_half_dataset(ws, tmp_path):
    """Without one write lock across processes, the rename wrote meta.json into the folder the
    delete had just moved away, and the folder came back with meta.json only (damaged)."""
    from jabodash.ingest import read_upload
    data = (CORPUS / "bps_wide_semicolon.csv").read_bytes()
    target = shelf.save_dataset(read_upload(data, "penduduk.csv"), data, "penduduk.csv")
    sync = tmp_path / "sync"
    sync.mkdir()
    renamer = _child(RENAME_PAUSED, sync, target)
    deleter = _child(DELETE, sync, target)
    _finish(renamer)
    _finish(deleter)
    assert shelf.list_datasets(with_problems=True) == ([], [])
    assert not (ws / "datasets" / target).exists()


def test_a_dataset_saved_by_another_process_appears_without_a_restart(ws, tmp_path):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert not any(o.startswith("Unggahan ·") for o in at.selectbox(key="w_indicator").options)
    sync = tmp_path / "sync"
    sync.mkdir()
    out = _finish(_child('print(shelf.save_dataset(result, data, "p.csv", {"indicator": "Dari pekerja B"}))',
                         sync))
    at.run()    # the next rerun of this session, in this process
    assert not at.exception, [e.value for e in at.exception]
    assert "Unggahan · Dari pekerja B" in at.selectbox(key="w_indicator").options
    _finish(_child(f'shelf.update_meta("{out.strip()}", indicator="Diganti B")', sync))
    at.run()
    options = at.selectbox(key="w_indicator").options
    assert "Unggahan · Diganti B" in options and "Unggahan · Dari pekerja B" not in options
    _finish(_child(f'shelf.delete_dataset("{out.strip()}")', sync))
    at.run()
    assert not any(o.startswith("Unggahan ·") for o in at.selectbox(key="w_indicator").options)


def test_leftovers_of_killed_saves_are_cleaned_at_start_but_not_a_save_in_progress(ws, tmp_path):
    root = ws / "datasets"
    root.mkdir(parents=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid, live_pid, here = int(gone.stdout), os.getpid(), shared_fs.host()
    names = {"killed": f".tmp-a-1.{dead_pid}.{here}.00aa", "killed_trash": f".trash-a-1.{dead_pid}.{here}.00ab",
             "in_progress": f".tmp-b-2.{live_pid}.{here}.00bb", "other_host": f".tmp-c-3.{dead_pid}.elsewhere.00cc",
             "other_host_old": f".tmp-d-4.{live_pid}.elsewhere.00dd", "old_style": ".tmp-e-5-1234abcd"}
    for name in names.values():
        (root / name).mkdir()
        (root / name / "cleaned.parquet").write_bytes(b"x" * 1000)
    old = time.time() - 3600
    for path in (root / names["other_host_old"], root / names["other_host_old"] / "cleaned.parquet"):
        os.utime(path, (old, old))
    out = subprocess.run([sys.executable, "-c", "from jabodash.store import shelf; print(shelf.list_datasets())"],
                         cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr[-2000:]
    left = sorted(p.name for p in root.iterdir())
    assert left == sorted([names["in_progress"], names["other_host"], names["old_style"]])


IMPORT_PAUSED = r"""
from jabodash.geo import boundaries
from jabodash.geo.boundaries import cache as c
original = c.atomic_write_bytes
def paused(path, payload):
    original(path, payload)
    if str(path).endswith(".parquet"):
        mine = path.stat()
        signal("a-parquet-written")
        wait_for("b-writing")            # B has read its file and starts writing the cache
        until = time.monotonic() + 2     # with the write lock B waits for us: go on after a while
        while path.stat().st_ino == mine.st_ino and time.monotonic() < until:
            time.sleep(0.01)
c.atomic_write_bytes = paused
boundaries.import_file(Path(sys.argv[3]).read_bytes(), "kabkota", "kode", "nama", "a.geojson")
"""

IMPORT_OTHER = r"""
from jabodash.geo import boundaries
from jabodash.geo.boundaries import build
write = build._write_cache
def announced(bset):
    signal("b-writing")
    return write(bset)
build._write_cache = announced
wait_for("a-parquet-written")
boundaries.import_file(Path(sys.argv[3]).read_bytes(), "kabkota", "kode", "nama", "b.geojson")
"""


def test_two_boundary_imports_at_once_leave_one_consistent_cache(tmp_path, monkeypatch):
    """Without a write lock, A's JSON (its checksum) landed beside B's parquet: every page then
    found the shared boundary cache damaged."""
    from test_page_peta import squares_geojson

    from jabodash.geo import boundaries
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))
    squares = squares_geojson(tmp_path / "squares.geojson")
    sync = tmp_path / "sync"
    sync.mkdir()
    first = _child(IMPORT_PAUSED, sync, str(squares))
    second = _child(IMPORT_OTHER, sync, str(squares))
    _finish(first)
    _finish(second)
    cached = boundaries.load_cached("kabkota")
    assert cached is not None and len(cached.gdf) == 15
    assert "b.geojson" in boundaries.cache_status()["kabkota"]["source"]
