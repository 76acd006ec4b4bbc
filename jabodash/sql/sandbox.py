"""The sandbox: one session's SQL console, what the page and the command line use.

A :class:`Sandbox` is made per browser session (in ``st.session_state``, never ``st.cache_resource``)
and never shared: it holds that session's uploads and the workspace's saved datasets as relations of
its own engine, runs the engine in a worker process (or in this process with isolation "thread"),
checks every query (:mod:`jabodash.sql.guard`) before sending it, and answers with a
:class:`jabodash.sql.output.Result` that carries the rows or the problem, never an exception for a
bad query. It also describes the schema for the page's schema browser and the limits in one line.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from jabodash.core.fmt import number
from jabodash.core.i18n import t
from jabodash.sql.engine import _Engine
from jabodash.sql.guard import check_statements, check_tokens, check_tree
from jabodash.sql.output import Result, spool_result
from jabodash.sql.problems import SqlProblem, _problem_at
from jabodash.sql.relations import _NAME_RE, _arrow, _is_dataframe, saved_datasets
from jabodash.sql.settings import (
    _MEMORY_RE,
    BUILTIN_TABLES,
    BUILTIN_VIEWS,
    CATALOG,
    MAX_QUERY_CHARS,
    settings_from_env,
)
from jabodash.sql.worker import (
    _WORKER_START_S,
    WorkersBusy,
    _from_ipc,
    _ipc,
    _WorkerClient,
    _WorkerDied,
)

# The schema rows a worker answered, shared by the sandboxes of this process: the same data file and
# the same relations (names and Arrow schemas) give the same rows, so a new session's schema browser
# does not wait for its new worker to start (the worker keeps starting meanwhile, for the first query).
_SCHEMA_MEMO: OrderedDict[tuple, list[tuple[str, str, str, str]]] = OrderedDict()
_SCHEMA_LOCK = threading.Lock()
_SCHEMA_MEMO_SIZE = 32

# One in-memory DuckDB database for the parsers of every sandbox of the process (it parses, never
# runs: extract_statements and json_serialize_sql of the query text, no table): each sandbox has a
# cursor of its own (a connection of that database, ~0.02 ms) instead of a database (~15-25 ms for
# every new session).
_PARSER_DB: duckdb.DuckDBPyConnection | None = None
_PARSER_LOCK = threading.Lock()


def _parser_cursor() -> duckdb.DuckDBPyConnection:
    global _PARSER_DB
    with _PARSER_LOCK:
        if _PARSER_DB is None:
            _PARSER_DB = duckdb.connect(":memory:", config={"errors_as_json": True})
        return _PARSER_DB.cursor()


@dataclass
class RelationInfo:
    """One entry of the schema browser."""

    name: str
    kind: str            # table | view | upload | saved
    description: str
    columns: list[tuple[str, str]]  # (name, DuckDB type)
    rows: int | None = None



def default_isolation() -> str:
    """"process" on POSIX systems (a worker process per sandbox), else "thread"; JABODASH_SQL_ISOLATION
    overrides."""
    wanted = os.environ.get("JABODASH_SQL_ISOLATION", "").strip().lower()
    if wanted in ("process", "thread"):
        return wanted
    return "process" if os.name == "posix" and sys.platform != "emscripten" else "thread"


def stop_margin(timeout: float) -> float:
    """How long before the time limit DuckDB is told to stop (a tenth of the limit, 0.2 to 1 s): the
    worker is killed at the limit itself when DuckDB did not stop."""
    return min(1.0, max(0.2, 0.1 * float(timeout)), 0.5 * float(timeout))


class Sandbox:
    """One session's SQL console over the data and the session's uploads.

    ``uploads`` maps a SQL name to a DataFrame / Arrow table, or to ``(frame, title)``; saved datasets
    of the workspace are added as ``saved_<id>`` when ``include_saved``. Create one per session (never
    share between sessions); :meth:`close` it when done (also a context manager).

    ``isolation="process"`` (default on Linux/macOS) runs DuckDB in a worker process of its own: its
    address space is capped (memory limit + result allowance) so even an allocation DuckDB's memory
    limit does not see fails as an out-of-memory error, and a query that does not stop at the time
    limit is ended by killing the worker at the limit (a new one starts, with the uploads, on the next
    query); DuckDB itself is told to stop :func:`stop_margin` earlier, so that an interruptible query
    still answers with its own timeout.
    ``isolation="thread"`` runs DuckDB in this process (same checks and DuckDB limits, no hard cap).
    ``owner`` names the browser session (its worker ends when the session ends, see
    :func:`jabodash.sql.worker.set_session_probe`).
    """

    def __init__(self, db_path: str | Path | None = None, uploads: dict | None = None, *,
                 timeout_s: float | None = None, memory_limit: str | None = None,
                 threads: int | None = None, display_rows: int | None = None,
                 download_cap: int | None = None, download_max_bytes: int | None = None,
                 include_saved: bool = True, max_query_chars: int = MAX_QUERY_CHARS,
                 isolation: str | None = None, owner: str | None = None, spool: bool = True):
        if db_path is None:
            # Imported here for the worker's start-up: jabodash.store loads pandas (see results.to_csv).
            from jabodash.store import database_path
            db_path = database_path()
        env = settings_from_env()
        self.db_path = Path(db_path)
        self.timeout_s = float(timeout_s if timeout_s is not None else env["timeout_s"])
        self.memory_limit = str(memory_limit if memory_limit is not None else env["memory_limit"])
        self.threads = max(1, int(threads if threads is not None else env["threads"]))
        self.display_rows = max(1, int(display_rows if display_rows is not None else env["display_rows"]))
        self.download_cap = max(1, int(download_cap if download_cap is not None else env["download_cap"]))
        self.download_max_bytes = int(download_max_bytes if download_max_bytes is not None
                                      else env["download_max_bytes"])
        self.max_query_chars = int(max_query_chars)
        self.isolation = isolation or default_isolation()
        if self.isolation not in ("process", "thread"):
            raise ValueError(f"isolation must be 'process' or 'thread', got {self.isolation!r}")
        if not _MEMORY_RE.match(self.memory_limit):
            raise ValueError(f"memory_limit must look like 512MB or 1GB, got {self.memory_limit!r}")
        if not self.timeout_s > 0:
            raise ValueError("timeout_s must be positive")
        if not self.db_path.is_file():
            raise FileNotFoundError(str(self.db_path))
        self._lock = threading.Lock()
        self.spool = bool(spool)
        self._spool_dir: str | None = None
        self._spool_n = 0
        self._relations: dict[str, tuple[str, str]] = {}  # name -> (kind, title)
        self._frames: dict[str, Any] = {}
        self._arrow_schemas: dict[str, pa.Schema] = {}   # name -> columns sent (the schema memo's key)
        self._schema_rows: list[tuple[str, str, str, str]] | None = None
        self._parser = _parser_cursor()  # parses, never runs
        init = {"db_path": str(self.db_path), "timeout_s": self.timeout_s, "memory_limit": self.memory_limit,
                "threads": self.threads, "download_cap": self.download_cap,
                "download_max_bytes": self.download_max_bytes}
        self._engine: _Engine | None = None
        self._worker: _WorkerClient | None = None
        if self.isolation == "thread":
            self._engine = _Engine(**init)
        else:
            self._worker = _WorkerClient(init, owner=owner)
            self._worker.on_session_end = weakref.WeakMethod(self.drop_spool)
        try:
            for name, value in (saved_datasets() if include_saved else {}).items():
                self._add(name, value, "saved")
            for name, value in (uploads or {}).items():
                self._add(name, value, "upload")
            if self._worker is not None:
                try:
                    self._worker.ensure()  # start now, so the first query does not wait for it
                except WorkersBusy:
                    pass  # every worker is busy: the first query starts it (or says so)
        except BaseException:
            self.close()
            raise

    # -- uploads ------------------------------------------------------------

    def _add(self, name: str, value, kind: str) -> None:
        frame, title = value if isinstance(value, tuple) else (value, "")
        name = str(name)
        if not _NAME_RE.match(name):
            raise ValueError(f"not a valid upload table name: {name!r} (use jabodash.sql.table_name())")
        if name in BUILTIN_TABLES or name in BUILTIN_VIEWS:
            raise ValueError(f"upload table name {name!r} is a built-in table")
        if not isinstance(frame, pa.Table) and not _is_dataframe(frame):
            raise TypeError("an upload must be a pandas DataFrame or a pyarrow Table")
        table = _arrow(frame)
        if self._engine is not None:
            self._engine.add(name, table)
        else:
            data = _ipc(table)
            self._worker.tables[name] = data
            if self._worker.alive():
                self._worker.request({"op": "add", "name": name}, [data], timeout_s=_WORKER_START_S)
        self._frames[name] = frame
        self._arrow_schemas[name] = table.schema.remove_metadata()
        self._relations[name] = (kind, str(title or ""))
        self._schema_rows = None

    def add_upload(self, name: str, frame, title: str = "") -> None:
        """Add (or replace) one upload of this session."""
        with self._lock:
            if self._relations.get(name, ("", ""))[0] == "saved":
                raise ValueError(f"{name!r} is a saved dataset")
            self._add(name, (frame, title), "upload")

    def remove_upload(self, name: str) -> None:
        with self._lock:
            if self._relations.get(name, ("", ""))[0] != "upload":
                return
            if self._engine is not None:
                self._engine.remove(name)
            else:
                self._worker.tables.pop(name, None)
                if self._worker.alive():
                    self._worker.request({"op": "remove", "name": name}, timeout_s=_WORKER_START_S)
            self._relations.pop(name, None)
            self._frames.pop(name, None)
            self._arrow_schemas.pop(name, None)
            self._schema_rows = None

    def sync_uploads(self, uploads: dict) -> None:
        """Make this session's uploads exactly ``uploads`` (name -> frame or (frame, title)): new ones
        are added, changed ones replaced, missing ones removed. Cheap when nothing changed (page reruns)."""
        wanted = {name: (value if isinstance(value, tuple) else (value, "")) for name, value in uploads.items()}
        for name in [n for n in self.uploads if n not in wanted]:
            self.remove_upload(name)
        for name, (frame, title) in wanted.items():
            current = self._relations.get(name)
            if current is None or self._frames.get(name) is not frame or current[1] != str(title or ""):
                self.add_upload(name, frame, title)

    @property
    def uploads(self) -> list[str]:
        return [n for n, (k, _) in self._relations.items() if k == "upload"]

    @property
    def saved(self) -> list[str]:
        return [n for n, (k, _) in self._relations.items() if k == "saved"]

    def limits_text(self, lang: str = "id") -> str:
        """One line on the limits, for the page."""
        seconds = number(self.timeout_s, 0 if self.timeout_s.is_integer() else 1, lang)
        return t("sql.page.limits", lang, seconds=seconds, memory=self.memory_limit,
                 display=number(self.display_rows, 0, lang), cap=number(self.download_cap, 0, lang))

    # -- checks and runs ----------------------------------------------------

    def check(self, sql: str) -> SqlProblem | None:
        """Both checks without running: None when the query would be run."""
        if not isinstance(sql, str):
            return _problem_at("refused", "refused.empty", "", None)
        if len(sql) > self.max_query_chars:
            return _problem_at("refused", "refused.too_long", sql, None,
                               limit=number(self.max_query_chars, 0, "id"))
        if "\x00" in sql:
            return _problem_at("refused", "refused.unreadable", sql, None)
        with self._lock:
            problem = check_statements(self._parser, sql) or check_tree(self._parser, sql)
        return problem or check_tokens(sql)

    def run(self, sql: str, *, timeout_s: float | None = None, download_cap: int | None = None) -> Result:
        """Check and run one query. Never raises for a bad query: see ``Result.error``.
        ``timeout_s`` may shorten the sandbox's time limit for this run, never lengthen it."""
        problem = self.check(sql)
        if problem is not None:
            return Result(sql=sql if isinstance(sql, str) else "", error=problem,
                          display_rows=self.display_rows, download_cap=download_cap or self.download_cap)
        return self._execute(sql, timeout_s=timeout_s, download_cap=download_cap, check=True)

    def _run_unchecked(self, sql: str, *, timeout_s: float | None = None) -> Result:
        """Tests only: run without the statement checks, to show what DuckDB alone refuses."""
        return self._execute(sql, timeout_s=timeout_s, download_cap=None, check=False)

    def _next_spool(self) -> str:
        """A new spool file's path; the previous result's file is removed (the result is replaced)."""
        self.drop_spool()
        if self._spool_dir is None or not os.path.isdir(self._spool_dir):
            self._spool_dir = tempfile.mkdtemp(prefix="jabodash-sql-")
        self._spool_n += 1
        return os.path.join(self._spool_dir, f"result-{self._spool_n}.arrow")

    def drop_spool(self) -> None:
        """Remove the spooled rows of the last result (its downloads then fail; the page shows a new one)."""
        if self._spool_dir is not None:
            for name in os.listdir(self._spool_dir) if os.path.isdir(self._spool_dir) else []:
                try:
                    os.unlink(os.path.join(self._spool_dir, name))
                except OSError:
                    pass

    def _execute(self, sql: str, *, timeout_s, download_cap, check: bool) -> Result:
        timeout = self.timeout_s if timeout_s is None else min(float(timeout_s), self.timeout_s)
        spool = self._next_spool() if self.spool else ""
        if self._engine is not None:
            result = self._engine.run(sql, timeout_s=timeout, download_cap=download_cap, check=check)
            result.display_rows = self.display_rows
            return spool_result(result, spool, self.display_rows) if spool else result
        started = time.perf_counter()
        with self._lock:
            try:
                # DuckDB is told to stop a margin before the limit, and the worker is killed at the
                # limit itself: a query DuckDB cannot interrupt (one huge string built inside one
                # function call) ends within the limit, not the limit plus a grace period.
                reply, blobs = self._worker.request(
                    {"op": "run", "sql": sql, "timeout_s": timeout - stop_margin(timeout),
                     "download_cap": download_cap, "check": check, "spool": spool, "keep_rows": self.display_rows},
                    timeout_s=timeout)
            except (TimeoutError, _WorkerDied) as exc:
                self._restart_quietly()
                return self._lost_worker(sql, timeout, started, timed_out=isinstance(exc, TimeoutError))
            except WorkersBusy:
                problem = _problem_at("error", "error.busy", sql, None,
                                      n=number(settings_from_env()["max_workers"], 0))
                return Result(sql=sql, error=problem, display_rows=self.display_rows)
            except (RuntimeError, OSError) as exc:  # the worker could not start or answer
                problem = _problem_at("error", "error.other", sql, None)
                problem.detail = str(exc)[:500]
                return Result(sql=sql, error=problem, display_rows=self.display_rows)
        result = Result(sql=sql, columns=list(reply.get("columns") or []), types=list(reply.get("types") or []),
                        truncated=bool(reply.get("truncated")), limit_reason=str(reply.get("limit_reason") or ""),
                        elapsed_s=float(reply.get("elapsed_s") or 0.0), display_rows=self.display_rows,
                        download_cap=download_cap or self.download_cap, row_count=reply.get("row_count"),
                        spool=str(reply.get("spool") or ""))
        if reply.get("error"):
            result.error = SqlProblem(**reply["error"])
            if result.error.kind == "timeout":     # stopped by DuckDB at the margin: say the limit
                result.error.params["seconds"] = number(timeout, 0 if float(timeout).is_integer() else 1)
        elif blobs:
            result.table = _from_ipc(blobs[0])
        return result

    def _restart_quietly(self) -> None:
        """Start the next worker now, so the next query does not wait for it."""
        try:
            self._worker.ensure()
        except Exception:  # WorkersBusy included
            self._worker.kill()  # started again on the next request

    def _lost_worker(self, sql: str, timeout: float, started: float, timed_out: bool) -> Result:
        if timed_out:  # DuckDB did not stop at the limit: the worker was killed
            problem = _problem_at("timeout", "error.timeout", sql, None,
                                  seconds=number(timeout, 0 if float(timeout).is_integer() else 1))
            problem.detail = "the query process did not stop at the time limit and was ended"
        else:  # the worker ended by itself (out of memory, a crash)
            problem = _problem_at("memory", "error.memory", sql, None, limit=self.memory_limit)
            problem.detail = "the query process ended"
        return Result(sql=sql, error=problem, elapsed_s=time.perf_counter() - started,
                      display_rows=self.display_rows)

    def settings(self) -> dict[str, str]:
        """DuckDB's settings of the sandbox connection (duckdb_settings())."""
        if self._engine is not None:
            return self._engine.settings()
        with self._lock:
            return self._worker.request({"op": "settings"}, timeout_s=_WORKER_START_S)[0]["settings"]

    # -- schema -------------------------------------------------------------

    def _rows(self) -> list[tuple[str, str, str, str]]:
        if self._schema_rows is None:
            if self._engine is not None:
                self._schema_rows = self._engine.schema_rows()
            else:
                key = self._schema_key()
                with _SCHEMA_LOCK:
                    rows = _SCHEMA_MEMO.get(key) if key is not None else None
                    if rows is not None:
                        _SCHEMA_MEMO.move_to_end(key)
                if rows is None:
                    try:
                        with self._lock:
                            reply, _ = self._worker.request({"op": "schema"}, timeout_s=_WORKER_START_S)
                    except WorkersBusy:
                        return []  # every worker is busy: no schema this time, asked again next time
                    rows = [tuple(row) for row in reply["rows"]]
                    if key is not None:
                        with _SCHEMA_LOCK:
                            _SCHEMA_MEMO[key] = rows
                            while len(_SCHEMA_MEMO) > _SCHEMA_MEMO_SIZE:
                                _SCHEMA_MEMO.popitem(last=False)
                self._schema_rows = list(rows)
        return self._schema_rows

    def _schema_key(self) -> tuple | None:
        """What a worker's schema rows depend on: the data file (path, inode, size, modification
        time) and each relation's name and columns; None when the file cannot be read."""
        try:
            stat = self.db_path.stat()
        except OSError:
            return None
        return (str(self.db_path), stat.st_ino, stat.st_size, stat.st_mtime_ns,
                tuple(sorted(self._arrow_schemas.items())))

    def schema(self, lang: str = "id") -> list[RelationInfo]:
        """Tables, views, the session's uploads and saved datasets with their columns and a one-line
        description each, in the order of the schema browser."""
        by_name: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for db, tbl, col, typ in self._rows():
            by_name.setdefault((db, tbl), []).append((col, typ))
        out: list[RelationInfo] = []
        listed = set()
        for kind, names in (("table", BUILTIN_TABLES), ("view", BUILTIN_VIEWS)):
            for name in names:
                if (CATALOG, name) in by_name:
                    out.append(RelationInfo(name, kind, self._description(name, kind, "", lang),
                                            by_name[(CATALOG, name)]))
                    listed.add((CATALOG, name))
        for (db, name), columns in sorted(by_name.items()):
            if db == CATALOG and (db, name) not in listed:  # a table added to the schema later
                out.append(RelationInfo(name, "table", self._description(name, "table", "", lang), columns))
        for wanted in ("upload", "saved"):
            for name, (kind, title) in self._relations.items():
                if kind == wanted and ("temp", name) in by_name:
                    out.append(RelationInfo(name, kind, self._description(name, kind, title, lang),
                                            by_name[("temp", name)], rows=len(self._frames[name])))
        return out

    @staticmethod
    def _description(name: str, kind: str, title: str, lang: str) -> str:
        if kind in ("upload", "saved"):
            return t(f"sql.schema.{kind}", lang, title=title or name)
        key = f"sql.schema.describe.{name}"
        text = t(key, lang)
        return "" if text == key else text

    def schema_frame(self, lang: str = "id"):
        """The schema as one row per relation: name, kind, description, columns ("a INTEGER, ...")."""
        import pandas as pd
        rows = [{"name": r.name, "kind": t(f"sql.schema.kind.{r.kind}", lang), "description": r.description,
                 "columns": ", ".join(f"{c} {tp}" for c, tp in r.columns)} for r in self.schema(lang)]
        return pd.DataFrame(rows, columns=["name", "kind", "description", "columns"])

    # -- lifecycle ----------------------------------------------------------

    def close(self) -> None:
        if getattr(self, "_spool_dir", None) is not None:
            shutil.rmtree(self._spool_dir, ignore_errors=True)
            self._spool_dir = None
        if getattr(self, "_engine", None) is not None:
            self._engine.close()
        if getattr(self, "_worker", None) is not None:
            self._worker.close()
        try:
            self._parser.close()
        except Exception:
            pass

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def run_query(sql: str, **kwargs) -> Result:
    """One query in a fresh sandbox (the command line uses this)."""
    run_kw = {k: kwargs.pop(k) for k in ("download_cap",) if k in kwargs}
    kwargs.setdefault("spool", False)  # the rows are printed after the sandbox has closed
    with Sandbox(**kwargs) as box:
        return box.run(sql, **run_kw)
