"""The DuckDB store: loads data/ into a database file once, then serves named queries.

* build_database() copies the embedded CSV/TOML files into DuckDB tables (types stated in
  queries/schema/01_tables.sql) and creates the derived views (02_views.sql). The result is
  a file in the user cache, named by a fingerprint of every input, so it is rebuilt only when
  data or schema change. Writing goes to a temporary file that is renamed into place.
* Store opens that file READ-ONLY: the UI can never change the data.
* query(name, **params) runs queries/<name>.sql with DuckDB named parameters ($name).
  SQL is never built from strings. query_with(uploads, name, **params) runs the same file with
  the analyst's uploads next to the built-in rows (jabodash.store.uploads: one read path for
  built-in and uploaded indicators); query() is query_with the empty bundle.

The package: this module (build, Store), ``aggregate`` (metro values), ``uploads`` (uploads as
relations beside the built-in tables), ``datasource`` (indicator reads for pages and exports),
``workspace`` (saved datasets).
"""
from __future__ import annotations

import hashlib
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
from jabodash.store import uploads as uploads_mod

SCHEMA_DIR = QUERIES_DIR / "schema"
DATA_FILES = ("regions.csv", "region_aliases.csv", "indicators.toml", "observations.csv", "flows.csv", "datasets.csv")
_QUERY_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
_BUILD_LOCK = threading.Lock()


class QueryNotFound(KeyError):
    pass


def _inputs() -> list[Path]:
    return [DATA_DIR / name for name in DATA_FILES] + sorted(SCHEMA_DIR.glob("*.sql")) + [Path(__file__)]


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
        "loaded_at": now, "rows": 0, "sha256": ""}])
    datasets = pd.concat([datasets, derived], ignore_index=True)
    return {"region": regions, "region_alias": aliases, "indicator": catalog_frame(CATALOG_FILE),
            "observation": obs, "flow": flows, "dataset": datasets}


def _rows_digests(obs: pd.DataFrame, flows: pd.DataFrame) -> dict[str, str]:
    """sha256 of each dataset's rows (as text), so a changed figure changes its checksum."""
    digests: dict[str, hashlib._Hash] = {}
    for frame in (obs, flows):
        lines = frame.astype(str).agg("|".join, axis=1)
        for dataset, line in zip(frame["dataset_id"], lines):
            digests.setdefault(dataset, hashlib.sha256()).update(line.encode() + b"\n")
    return {key: h.hexdigest() for key, h in digests.items()}


def build_database(path: Path) -> Path:
    """Build the database file at path (atomically). Returns path."""
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
            for table in ("region", "region_alias", "indicator", "observation", "flow", "dataset"):
                con.unregister(f"_src_{table}")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return path


def database_path() -> Path:
    """Path of the current database file, built on first use."""
    path = cache_dir() / "db" / f"jabodash-{fingerprint()}.duckdb"
    with _BUILD_LOCK:
        if not path.exists():
            build_database(path)
            _remove_stale(path)
    return path


def _remove_stale(current: Path) -> None:
    for old in current.parent.glob("jabodash-*.duckdb"):
        if old != current:
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


class Store:
    """Read-only access to the database. Safe to share between threads: every query runs
    on its own cursor. ``cursor()`` reads the file itself; the named queries read it through
    the uploads' views (an in-memory database per bundle attaching the file read-only)."""

    def __init__(self, path: Path | None = None):
        started = time.perf_counter()
        self.path = Path(path) if path else database_path()
        self.con = duckdb.connect(str(self.path), read_only=True)
        self.open_seconds = time.perf_counter() - started

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    def query(self, name: str, **params) -> pd.DataFrame:
        return self.query_with(uploads_mod.EMPTY, name, **params)

    def query_with(self, uploads: uploads_mod.Uploads, name: str, **params) -> pd.DataFrame:
        """queries/<name>.sql over the built-in data and ``uploads``."""
        sql = load_query(name)
        cur = uploads_mod.overlay(self.path, uploads).cursor()
        try:
            return cur.execute(sql, params or None).df()
        finally:
            cur.close()

    def runner(self, uploads: uploads_mod.Uploads):
        """query(name, **params) over the built-in data and ``uploads``."""
        def run(name: str, **params) -> pd.DataFrame:
            return self.query_with(uploads, name, **params)
        return run

    def close(self) -> None:
        uploads_mod.forget(self.path)
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
