"""Writing to a folder that several processes share (app workers, the command line; the folder
may be on a network file system).

* :func:`write_lock`: one writer at a time across processes (``flock`` on a lock file) and
  threads; re-entrant within a thread. Readers take no lock: every write is a rename into place.
* :func:`scratch_name`: the name of a hidden temporary (``.tmp-``) or discarded (``.trash-``)
  folder that says who made it: ``.tmp-<id>.<pid>.<host>.<random>``.
* :func:`stale`: whether such a folder is a leftover that may be removed: its writer was on this
  host and is gone (a killed save), or nothing in it changed for ``max_age_s`` (a writer on
  another host, or an old name without a writer). A save in progress in another worker is
  neither, so it is never removed under its writer.

This module must not import streamlit.
"""
from __future__ import annotations

import os
import re
import secrets
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None

PREFIXES = (".tmp-", ".trash-")
_NAME = re.compile(r"^\.(?:tmp|trash)-[a-z0-9-]+\.(\d+)\.([a-z0-9-]+)\.[0-9a-f]+$")
_THREAD_LOCK = threading.RLock()
_DEPTH = threading.local()


def host() -> str:
    return re.sub(r"[^a-z0-9-]+", "-", socket.gethostname().lower()).strip("-")[:40] or "host"


@contextmanager
def write_lock(lock_file: Path):
    """Hold the write lock of ``lock_file`` (created when missing; blocking) for the block."""
    with _THREAD_LOCK:
        depth = getattr(_DEPTH, "n", 0)
        if depth or fcntl is None:
            _DEPTH.n = depth + 1
            try:
                yield
            finally:
                _DEPTH.n = depth
            return
        fd = os.open(Path(lock_file), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            _DEPTH.n = 1
            try:
                yield
            finally:
                _DEPTH.n = 0
        finally:
            os.close(fd)   # closing releases the lock


def scratch_name(prefix: str, dataset_id: str) -> str:
    """``.tmp-<id>.<pid>.<host>.<random>`` (prefix ``.tmp-`` or ``.trash-``)."""
    assert prefix in PREFIXES
    return f"{prefix}{dataset_id}.{os.getpid()}.{host()}.{secrets.token_hex(4)}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _last_change(path: Path) -> float:
    """The newest modification time of the folder and what is directly in it."""
    newest = path.stat().st_mtime
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                try:
                    newest = max(newest, entry.stat(follow_symlinks=False).st_mtime)
                except OSError:
                    continue
    except NotADirectoryError:
        pass
    return newest


def stale(path: Path, max_age_s: float, now: float | None = None) -> bool:
    """True for a leftover scratch folder (see the module's docstring)."""
    if not path.name.startswith(PREFIXES):
        return False
    match = _NAME.match(path.name)
    if match and match.group(2) == host() and int(match.group(1)) != os.getpid():
        if not _pid_alive(int(match.group(1))):
            return True
    try:
        return (now if now is not None else time.time()) - _last_change(path) > max_age_s
    except FileNotFoundError:
        return False   # removed meanwhile by its writer
