"""SQL worker processes (about 110 MB each) never outlive their sessions and never pile up: at most
JABODASH_SQL_MAX_WORKERS live at once, a worker ends when its browser session ends or after
JABODASH_SQL_WORKER_IDLE_S idle, and a sandbox whose worker was ended answers again on its next query."""
from __future__ import annotations

import os

import pandas as pd
import pytest
from support.browser import wait_until

from jabodash.cluster import procs
from jabodash.sql import Sandbox, live_workers, reap, set_session_probe
from jabodash.sql import worker as worker_mod

pytestmark = pytest.mark.skipif(os.name != "posix", reason="worker processes are POSIX only")


@pytest.fixture()
def sessions(monkeypatch):
    """Ten browser sessions' sandboxes, at most four workers; the test says which sessions are open."""
    monkeypatch.setenv("JABODASH_SQL_MAX_WORKERS", "4")
    monkeypatch.setenv("JABODASH_SQL_WORKER_IDLE_S", "600")
    reap()
    open_sessions: set[str] = set()
    set_session_probe(lambda sid: sid in open_sessions)
    reap()  # workers of sessions of earlier tests (AppTest pages) are not open here: they end now
    boxes = []
    yield open_sessions, boxes
    set_session_probe(None)
    for box in boxes:
        box.close()


def test_ten_sessions_come_and_go_and_no_worker_stays(sessions):
    open_sessions, boxes = sessions
    before = live_workers()
    pids = set()
    for i in range(10):
        open_sessions.add(f"s{i}")
        frame = pd.DataFrame({"n": [i]})
        box = Sandbox(uploads={"upload_mine": frame}, include_saved=False, timeout_s=5, owner=f"s{i}")
        boxes.append(box)
        result = box.run("SELECT n FROM upload_mine")
        assert result.ok and result.df["n"].tolist() == [i]
        pids.add(box._worker.proc.pid)
        assert live_workers() <= 4, i  # earlier tests' idle workers made room too
        if i % 2:  # every other browser closes while the others arrive
            open_sessions.discard(f"s{i}")
    assert len(procs.running(pids)) <= 4
    # a session whose worker was ended for the cap answers again, with its own upload
    assert boxes[0].run("SELECT n FROM upload_mine").df["n"].tolist() == [0]
    open_sessions.clear()  # every browser has gone
    reap()
    assert live_workers() <= before
    assert wait_until(lambda: not procs.running(pids))


def test_the_reaper_ends_a_closed_session_s_worker_by_itself(sessions, monkeypatch):
    open_sessions, boxes = sessions
    monkeypatch.setenv("JABODASH_SQL_WORKER_IDLE_S", "2")  # the reaper looks every 0.5 s
    open_sessions.add("a")
    box = Sandbox(include_saved=False, timeout_s=5, owner="a")
    boxes.append(box)
    assert box.run("SELECT 1 AS x").ok
    pid = box._worker.proc.pid
    open_sessions.discard("a")
    assert wait_until(lambda: not procs.running({pid}))
    assert box.run("SELECT 2 AS x").df["x"].tolist() == [2]  # the session came back: a new worker


def test_an_idle_worker_is_ended_after_the_idle_time(sessions, monkeypatch):
    open_sessions, boxes = sessions
    monkeypatch.setenv("JABODASH_SQL_WORKER_IDLE_S", "1")
    open_sessions.add("b")
    box = Sandbox(include_saved=False, timeout_s=5, owner="b")
    boxes.append(box)
    assert box.run("SELECT 1 AS x").ok
    pid = box._worker.proc.pid
    assert wait_until(lambda: not procs.running({pid}))
    assert box.run("SELECT 3 AS x").df["x"].tolist() == [3]


def test_when_every_worker_is_busy_the_user_is_told(sessions, monkeypatch):
    open_sessions, boxes = sessions
    monkeypatch.setenv("JABODASH_SQL_MAX_WORKERS", "1")
    open_sessions.update({"c", "d"})
    first = Sandbox(include_saved=False, timeout_s=5, owner="c")
    boxes.append(first)
    first._worker.busy = True  # as if its query were running
    monkeypatch.setattr(worker_mod, "_WORKER_GRACE_S", 0.0)
    second = Sandbox(include_saved=False, timeout_s=1.5, owner="d")  # the wait for a busy one; the kill is at the limit
    boxes.append(second)
    problem = second.run("SELECT 1").error
    assert problem is not None and problem.key == "error.busy"
    assert "All 1 SQL consoles" in problem.text("en") and "busy" in problem.text("en")
    assert "Semua 1 konsol SQL" in problem.text("id")
    first._worker.busy = False
    assert second.run("SELECT 4 AS x").df["x"].tolist() == [4]  # the idle one makes room
    assert not first._worker.alive()  # ended to make room, and started again by its next query
    assert first.run("SELECT 5 AS x").df["x"].tolist() == [5]
