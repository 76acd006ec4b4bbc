"""The DuckDB store: loads data/ into a database file once, then serves named queries.

* build_database() copies the embedded CSV/TOML files into DuckDB tables (types stated in
  queries/schema/01_tables.sql) and creates the derived views (02_views.sql). The result is
  a file in the user cache, named by a fingerprint of every input, so it is rebuilt only when
  data or schema change. Writing goes to a temporary file that is renamed into place.
* database_path() checks the file against the manifest written beside it at build time
  (``integrity``: size and sha256); a damaged file (truncated, emptied, overwritten) is rebuilt
  from data/ atomically, with one warning in the log. The check runs again only when the file
  on disk changes (size, time or inode).
* Store opens that file READ-ONLY: the UI can never change the data. When the file changes on
  disk while it is open (damaged, or rebuilt by another process), the Store checks it again,
  reopens it and drops the uploads' databases that attached the old one.
* query(name, **params) runs queries/<name>.sql with DuckDB named parameters ($name).
  SQL is never built from strings. query_with(uploads, name, **params) runs the same file with
  the analyst's uploads next to the built-in rows (jabodash.store.overlay: one read path for
  built-in and uploaded indicators); query() is query_with the empty bundle. Every query that
  reads figures has the parameter ``$official_only`` (default false; see fit_official_only).

The package: this module (build, Store), ``aggregate`` (metro values), ``headline`` (which IPM series
a headline shows), ``overlay`` (saved datasets and a session's uploads as relations beside the
built-in tables), ``datasource`` (the one reader of figures for pages and exports), ``kinds`` (dataset
kinds, registered by the packages that save them, and the one reader of the saved datasets),
``shelf`` (saved datasets on disk), ``access`` (who may change them), ``save_notes`` (what a save
tells its saver, e.g. another dataset of the same title), ``integrity`` (the database
file's manifest). Nothing here imports a package above the store.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
import time
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from jabodash.core.catalog import CATALOG_FILE, catalog_frame
from jabodash.core.paths import DATA_DIR, QUERIES_DIR, cache_dir
from jabodash.store import integrity, overlay, plan_targets

SCHEMA_DIR = QUERIES_DIR / "schema"
DATA_FILES = ("regions.csv", "region_aliases.csv", "indicators.toml", "observations.csv", "flows.csv", "datasets.csv",
              "targets.csv")
_QUERY_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
_BUILD_LOCK = threading.Lock()
_SOUND: dict[str, tuple] = {}   # database path -> stat_key of it and its manifest when last found sound

log = logging.getLogger(__name__)


class QueryNotFound(KeyError):
    pass


def _inputs() -> list[Path]:
    return ([DATA_DIR / name for name in DATA_FILES] + sorted(SCHEMA_DIR.glob("*.sql"))
            + [Path(__file__), Path(integrity.__file__)])


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in _inputs():
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()[:16]


def _read_sources() -> dict[str, pd.DataFrame]:
    str_cols = {"code": str, "region_code": str, "origin_code": str, "destination_code": str, "kemendagri_code": str}
    regions = pd.read_csv(DATA_DIR / "regions.csv", dtype=str_cols)
    aliases_path = DATA_DIR / "region_aliases.csv"
    aliases = (pd.read_csv(aliases_path, dtype=str, keep_default_na=False) if aliases_path.exists()
               else pd.DataFrame(columns=["alias", "code", "note"]))
    if "note" not in aliases:
        aliases["note"] = ""
    obs = pd.read_csv(DATA_DIR / "observations.csv", dtype=str_cols, keep_default_na=False,
                      na_values={"value": [""]})
    flows = pd.read_csv(DATA_DIR / "flows.csv", dtype=str_cols, keep_default_na=False)
    datasets = pd.read_csv(DATA_DIR / "datasets.csv", dtype=str, keep_default_na=False)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    counts = pd.concat([obs["dataset_id"], flows["dataset_id"]]).value_counts()
    datasets["loaded_at"] = now
    datasets["rows"] = datasets["id"].map(counts).fillna(0).astype(int)
    datasets["sha256"] = datasets["id"].map(_rows_digests(obs, flows)).fillna("")
    derived = pd.DataFrame([{
        "id": "derived", "title": "Derived in jabodash from the figures named in each row's note",
        "origin": "jabodash", "source_url": "", "license": "as its inputs",
        "loaded_at": now, "rows": 0, "sha256": "", "grade": None,
        "grade_reason": "each derived figure takes the weakest grade of its inputs"}])
    datasets = pd.concat([datasets, derived], ignore_index=True)
    return {"region": regions, "region_alias": aliases, "indicator": catalog_frame(CATALOG_FILE),
            "observation": obs, "flow": flows, "dataset": datasets, "target": plan_targets.builtin()}


def _rows_digests(obs: pd.DataFrame, flows: pd.DataFrame) -> dict[str, str]:
    """sha256 of each dataset's rows (as text), so a changed figure changes its checksum."""
    digests: dict[str, hashlib._Hash] = {}
    for frame in (obs, flows):
        lines = frame.astype(str).agg("|".join, axis=1)
        for dataset, line in zip(frame["dataset_id"], lines):
            digests.setdefault(dataset, hashlib.sha256()).update(line.encode() + b"\n")
    return {key: h.hexdigest() for key, h in digests.items()}


def build_database(path: Path, fingerprint_: str | None = None) -> Path:
    """Build the database file at path (atomically), with its manifest beside it. Returns path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".build-", suffix=".duckdb", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # DuckDB wants to create the file itself
    try:
        con = duckdb.connect(tmp)
        try:
            for table, frame in _read_sources().items():
                con.register(f"_src_{table}", frame)
            for sql_file in sorted(SCHEMA_DIR.glob("*.sql")):
                con.execute(sql_file.read_text(encoding="utf-8"))
            for table in ("region", "region_alias", "indicator", "observation", "flow", "dataset", "target"):
                con.unregister(f"_src_{table}")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        integrity.write_manifest(Path(tmp), path, fingerprint_ or fingerprint())
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return path


def database_path() -> Path:
    """Path of the current database file, built on first use and rebuilt when damaged."""
    fp = fingerprint()
    path = cache_dir() / "db" / f"jabodash-{fp}.duckdb"
    key = (integrity.stat_key(path), integrity.stat_key(integrity.manifest_path(path)))
    if key[0] is not None and _SOUND.get(str(path)) == key:
        return path
    with _BUILD_LOCK, integrity.build_lock(path.parent):
        problem = integrity.check(path, fp) if path.exists() else "absent"
        if problem is not None:
            if problem != "absent":
                log.warning("The data cache %s is damaged (%s); rebuilt from data/.", path, problem)
            build_database(path, fp)
            _remove_stale(path)
            overlay.forget(path)   # their ATTACH saw the old file
        _SOUND[str(path)] = (integrity.stat_key(path), integrity.stat_key(integrity.manifest_path(path)))
    return path


def _remove_stale(current: Path) -> None:
    keep = (current, integrity.manifest_path(current), current.parent / ".lock")
    for old in [*current.parent.glob("jabodash-*.duckdb"), *current.parent.glob("jabodash-*.json")]:
        if old not in keep:
            try:
                old.unlink()
            except OSError:
                pass  # still open elsewhere; harmless


@lru_cache(maxsize=None)
def load_query(name: str) -> str:
    """Text of queries/<name>.sql; name is a fixed identifier, never user text."""
    if not _QUERY_NAME.match(name):
        raise QueryNotFound(name)
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryNotFound(name)
    return path.read_text(encoding="utf-8")


def fit_official_only(sql: str, params: dict) -> dict:
    """The "official figures only" switch (jabodash.core.grades) is one named parameter of every
    query that reads figures: False unless given, and left out for a query without figures (such
    as ``regions``), so callers may always pass it."""
    uses = "$official_only" in sql
    if uses and "official_only" not in params:
        return {**params, "official_only": False}
    if not uses and "official_only" in params:
        return {k: v for k, v in params.items() if k != "official_only"}
    return params


class Store:
    """Read-only access to the database. Safe to share between threads: every query runs
    on its own cursor. ``cursor()`` reads the file itself; the named queries read it through
    the uploads' views (an in-memory database per bundle attaching the file read-only)."""

    def __init__(self, path: Path | None = None):
        started = time.perf_counter()
        self._managed = path is None   # the cache file: checked, rebuilt and reopened when damaged
        self._lock = threading.Lock()
        self.path = Path(path) if path else database_path()
        self.con = duckdb.connect(str(self.path), read_only=True)
        self._key = integrity.stat_key(self.path)
        self.open_seconds = time.perf_counter() - started

    def _current(self) -> duckdb.DuckDBPyConnection:
        """The connection; reopened on the checked (maybe rebuilt) file when it changed on disk."""
        if self._managed and integrity.stat_key(self.path) != self._key:
            with self._lock:
                if integrity.stat_key(self.path) != self._key:
                    # closed first: DuckDB keeps one instance per open file path, and a new
                    # connection would get the old file's instance while this one lives
                    self.con.close()
                    overlay.forget(self.path)
                    self.path = database_path()
                    self.con = duckdb.connect(str(self.path), read_only=True)
                    self._key = integrity.stat_key(self.path)
        return self.con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._current().cursor()

    def query(self, name: str, **params) -> pd.DataFrame:
        return self.query_with(overlay.EMPTY, name, **params)

    def query_with(self, uploads: overlay.Uploads, name: str, **params) -> pd.DataFrame:
        """queries/<name>.sql over the built-in data and ``uploads``."""
        sql = load_query(name)
        params = fit_official_only(sql, params)
        self._current()
        cur = overlay.overlay(self.path, uploads).cursor()
        try:
            return cur.execute(sql, params or None).df()
        finally:
            cur.close()

    def runner(self, uploads: overlay.Uploads):
        """query(name, **params) over the built-in data and ``uploads``."""
        def run(name: str, **params) -> pd.DataFrame:
            return self.query_with(uploads, name, **params)
        return run

    def close(self) -> None:
        overlay.forget(self.path)
        self.con.close()


_DEFAULT: Store | None = None
_DEFAULT_LOCK = threading.Lock()


def get_store() -> Store:
    """One process-wide read-only store (the Streamlit app wraps this in st.cache_resource)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Store()
        return _DEFAULT
