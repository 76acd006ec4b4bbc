"""Processes read from /proc (Linux; elsewhere every answer is empty): children of a process,
members of a process group, a command line. Used by the worker stop (jabodash.cluster.workers),
the cluster tests and the load script (tools/loadtest.py). Zombies (ended processes their parent
has not reaped yet) count as gone unless asked for."""
from __future__ import annotations

import os
from typing import NamedTuple


class Stat(NamedTuple):
    pid: int
    state: str  # R, S, D, Z, ...
    ppid: int
    pgrp: int


def stats() -> list[Stat]:
    """Every process this one can see, with its state, parent and process group."""
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    return [s for s in (stat(int(name)) for name in names if name.isdigit()) if s is not None]


def stat(pid: int) -> Stat | None:
    """One process's state, parent and group; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()  # after the command name: state ppid pgrp ...
        return Stat(pid, fields[0], int(fields[1]), int(fields[2]))
    except (OSError, IndexError, ValueError):
        return None


def running(pids) -> set[int]:
    """Those of ``pids`` that still run (not ended, not a zombie)."""
    return {pid for pid in pids if (s := stat(pid)) is not None and s.state != "Z"}


def children(pid: int) -> list[int]:
    """The live child processes of ``pid``."""
    return [s.pid for s in stats() if s.ppid == pid and s.state != "Z"]


def children_by_parent(zombies: bool = False) -> dict[int, list[int]]:
    """{parent pid: [child pids]} of every process (zombies included only when asked)."""
    kids: dict[int, list[int]] = {}
    for s in stats():
        if zombies or s.state != "Z":
            kids.setdefault(s.ppid, []).append(s.pid)
    return kids


def group_members(pgid: int) -> list[int]:
    """The live processes of process group ``pgid``."""
    return [s.pid for s in stats() if s.pgrp == pgid and s.state != "Z"]


def cmdline(pid: int) -> list[str]:
    """The command line of a live process; [] for a gone one and for a zombie (its cmdline file is empty)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            data = fh.read()
    except OSError:
        return []
    return data.decode(errors="replace").rstrip("\0").split("\0") if data else []
