"""Who may change the shared things, and the record of who did.

The saved datasets (``workspace_dir()/datasets``) and the boundary cache are shared by every
session and every worker. Two modes:

* **open** (default): any session may save, rename, delete and replace them; renaming, deleting
  and replacing ask for a confirmation in the app (jabodash/ui/workspace.py).
* **read-only** (``JABODASH_WORKSPACE_READONLY=1``): the app saves, renames, deletes and imports
  nothing shared; sessions explore, compare, upload for themselves and present. The command
  line (``python -m jabodash ingest --save``, ``boundaries import``) and administrators still can.

Every change made through the app, and its result, goes to ``workspace_dir()/audit.jsonl``,
one JSON object a line: ``time`` (UTC, ISO 8601), ``session`` (the Streamlit session id, or
``cli``), ``action``, ``target``, ``result`` (``ok`` or ``failed: <reason>``) and ``pid``.
Lines are appended with one write under an exclusive lock, so two workers never mix lines.
Recording never stops the action: a log that cannot be written is itself logged (warning).

This module must not import streamlit.
"""
from __future__ import annotations

import json
import logging
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from jabodash.core.paths import workspace_dir

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None

AUDIT_FILE = "audit.jsonl"
READONLY_ENV = "JABODASH_WORKSPACE_READONLY"
_TRUE = {"1", "true", "yes", "on", "ya"}

log = logging.getLogger(__name__)


def read_only() -> bool:
    """True when the deployment made the shared workspace read-only for the app (read now)."""
    return os.environ.get(READONLY_ENV, "").strip().lower() in _TRUE


def audit_path() -> Path:
    return workspace_dir() / AUDIT_FILE


@contextmanager
def _locked(path: Path):
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)   # closing releases the lock


def record(action: str, target: str, result: str = "ok", session: str = "cli", extra: dict | None = None) -> dict:
    """Append one line to the audit log; returns the entry (also when it could not be written).
    ``extra``: more fields of the entry (e.g. ``file`` of a ``dataset.save``), as short texts."""
    entry = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), "session": str(session)[:64],
             "action": str(action)[:64], "target": str(target)[:300], "result": str(result)[:300],
             "pid": os.getpid()}
    for key, value in (extra or {}).items():
        entry.setdefault(str(key)[:32], str(value)[:300])
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        with _locked(audit_path()) as fd:
            os.write(fd, line)
    except OSError as exc:
        log.warning("The audit log %s cannot be written (%s): %s", audit_path(), exc, line.decode().strip())
    return entry


def entries(limit: int | None = None) -> list[dict]:
    """The audit log's entries, oldest first (the last ``limit``); unreadable lines are left out."""
    try:
        lines = audit_path().read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines[-limit:] if limit else lines:
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(item, dict):
            out.append(item)
    return out


def audited(action: str, target: str, session: str, do, extra: dict | None = None, describe=None):
    """Run ``do()`` and record the action with its result (``failed: <error type>`` when it
    raises; the exception goes on). ``describe(value)`` gives the target once it is known (a
    saved dataset's new id: ``dataset.save`` records the id as target and the file in ``file``)."""
    try:
        value = do()
    except BaseException as exc:
        record(action, target, f"failed: {type(exc).__name__}", session, extra)
        raise
    record(action, describe(value) if describe is not None and value is not None else target, "ok", session,
           extra)
    return value
