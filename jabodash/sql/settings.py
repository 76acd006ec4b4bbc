"""The SQL console's limits and fixed names.

Every sandbox has a time limit (default 10 s), a DuckDB memory limit (default 1 GB) and thread count
(default 1), the number of rows the page shows (``display_rows``, 1,000) and the most rows or bytes a
query may return for the downloads (``download_cap``, 1,000,000 rows; ``download_max_bytes``, 256 MB,
and never more than a quarter of the memory limit, so that the rows read and their conversion stay
inside it). The time limit covers the whole request: execution, fetching and conversion.
The app runs at most ``max_workers`` worker processes at once (default 4) and ends one that has been
idle for ``worker_idle_s`` (default 300 s) or whose browser session has ended (see
:mod:`jabodash.sql.worker`).
:func:`settings_from_env` reads them from JABODASH_SQL_* environment variables (invalid values fall back
to the defaults); a :class:`jabodash.sql.sandbox.Sandbox` argument overrides both.

The built-in data is attached as the catalog ``jabodash``; its tables and views are listed here in the
order of the schema browser, and no upload may take one of their names.
"""
from __future__ import annotations

import os
import re
from typing import Any

CATALOG = "jabodash"

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_LIMIT = "1GB"
DEFAULT_THREADS = 1
DEFAULT_DISPLAY_ROWS = 1000
DEFAULT_DOWNLOAD_CAP = 1_000_000
DEFAULT_DOWNLOAD_MAX_BYTES = 256 * 1024 * 1024
MAX_QUERY_CHARS = 100_000
DEFAULT_MAX_WORKERS = 4
DEFAULT_WORKER_IDLE_S = 300.0
BATCH_ROWS = 8192

# The built-in relations, in the order the schema browser lists them.
BUILTIN_TABLES = ("region", "region_alias", "indicator", "observation", "flow", "dataset", "grade_scale", "target")
BUILTIN_VIEWS = ("population_best", "derived_density", "derived_growth", "derived_per_100k", "derived_all",
                 "observation_all", "observation_grade")


_MEMORY_RE = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|KIB|MB|MIB|GB|GIB|TB|TIB)\s*$", re.I)
_ENV = {  # setting -> (environment variable, type, default)
    "timeout_s": ("JABODASH_SQL_TIMEOUT_S", float, DEFAULT_TIMEOUT_S),
    "memory_limit": ("JABODASH_SQL_MEMORY_LIMIT", str, DEFAULT_MEMORY_LIMIT),
    "threads": ("JABODASH_SQL_THREADS", int, DEFAULT_THREADS),
    "display_rows": ("JABODASH_SQL_DISPLAY_ROWS", int, DEFAULT_DISPLAY_ROWS),
    "download_cap": ("JABODASH_SQL_DOWNLOAD_CAP", int, DEFAULT_DOWNLOAD_CAP),
    "download_max_bytes": ("JABODASH_SQL_DOWNLOAD_MAX_BYTES", int, DEFAULT_DOWNLOAD_MAX_BYTES),
    "max_workers": ("JABODASH_SQL_MAX_WORKERS", int, DEFAULT_MAX_WORKERS),
    "worker_idle_s": ("JABODASH_SQL_WORKER_IDLE_S", float, DEFAULT_WORKER_IDLE_S),
}


def settings_from_env() -> dict[str, Any]:
    """The sandbox limits: JABODASH_SQL_TIMEOUT_S, _MEMORY_LIMIT, _THREADS, _DISPLAY_ROWS, _DOWNLOAD_CAP,
    _DOWNLOAD_MAX_BYTES, and for the app's worker processes _MAX_WORKERS and _WORKER_IDLE_S, when set and
    valid, else the defaults of this module."""
    out: dict[str, Any] = {}
    for name, (var, kind, default) in _ENV.items():
        raw = os.environ.get(var, "").strip()
        value = default
        if raw:
            try:
                value = kind(raw)
                if kind is str and not _MEMORY_RE.match(value):
                    value = default
                elif kind is not str and not value > 0:
                    value = default
            except ValueError:
                value = default
        out[name] = value
    return out


def memory_bytes(text: str) -> int:
    """"1GB" / "512 MiB" -> bytes (DuckDB reads KB/MB/GB as powers of 1000, KiB/MiB/GiB of 1024)."""
    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", str(text), re.I)
    if not m:
        raise ValueError(f"not a memory size: {text!r}")
    units = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
             "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
    return int(float(m.group(1)) * units[m.group(2).lower()])
