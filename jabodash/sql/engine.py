"""The engine: the locked-down DuckDB connection that runs a query (in the worker process, or in the
app's process with isolation "thread").

How a query is kept harmless (first line: DuckDB's own guarantees, verified in duckdb 2.0.1)
------------------------------------------------------------------------------------------
* Each sandbox opens its **own** in-memory DuckDB instance (never shared between sessions) and
  ``ATTACH``es the database file built by :mod:`jabodash.store` ``(READ_ONLY)`` as ``jabodash``, makes
  it the default catalog and ``DETACH``es the writable in-memory catalog ``memory``. Writing to a table
  or view of the data fails in DuckDB ("attached in read-only mode"). (A second ``duckdb.connect`` of
  the same file with another configuration is refused in one process, hence ATTACH.)
* ``SET enable_external_access = false``: no file, URL, database file or extension can be read,
  written, attached, installed or loaded (``read_csv``, ``COPY ... TO``, ``ATTACH 'file'``,
  ``INSTALL``/``LOAD``, ``EXPORT``/``IMPORT DATABASE``: "Permission Error: ... disabled by
  configuration"); then ``SET lock_configuration = true``: no setting can be changed afterwards
  (``SET enable_external_access = true`` fails with "the configuration has been locked"; so do the
  table functions that change settings, e.g. ``enable_logging()``, ``enable_profiling()``).
  Python replacement scans are off (``python_enable_replacements = false``): a query cannot read a
  pandas DataFrame by naming a Python variable.
* The session's uploads and saved datasets are registered as views of this connection only (DuckDB's
  temp catalog is per connection; registering works after the lock), so a session never sees another
  session's unsaved uploads.
* Limits: ``memory_limit`` (default 1 GB) and ``threads`` (default 1) per sandbox; ``temp_directory``
  is empty, so nothing spills to disk (a query over the limit fails with an out-of-memory message
  instead of filling the disk); extension auto-install/auto-load and community extensions are off.
  Time: DuckDB's ``max_execution_time`` is the time limit, and a ``threading.Timer`` also calls
  ``con.interrupt()`` at the limit (default 10 s).
* Rows: the result is streamed as Arrow record batches and reading stops after ``download_cap`` rows
  or when the batches read pass the result budget (``download_max_bytes``, and never more than a
  quarter of ``memory_limit``: the rows read and their copy for the reply stay within the memory
  limit), so a query returning 50 million rows never materialises.
* The time limit covers the whole request: execution, fetching the batches and converting them.
  A result complete only after the limit is a timeout, like a query interrupted at the limit.

Before it runs, a query passes the second line, :mod:`jabodash.sql.guard`. What DuckDB does not
bound (an allocation outside its buffer manager, a loop that does not look at the interrupt) is
bounded by the worker process, :mod:`jabodash.sql.worker`.
"""
from __future__ import annotations

import threading
import time

import duckdb
import pyarrow as pa

from jabodash.sql.guard import check_statements, check_tokens, check_tree
from jabodash.sql.output import Result
from jabodash.sql.problems import _duckdb_error, _problem_at, problem_from_exception
from jabodash.sql.settings import BATCH_ROWS, CATALOG, memory_bytes


class _Engine:
    """The locked-down DuckDB connection and the runner. Lives in the worker process (isolation
    "process") or in the app's process (isolation "thread")."""

    def __init__(self, db_path: str, *, timeout_s: float, memory_limit: str, threads: int,
                 download_cap: int, download_max_bytes: int):
        self.timeout_s = float(timeout_s)
        self.memory_limit = memory_limit
        self.download_cap = int(download_cap)
        self.download_max_bytes = int(download_max_bytes)
        # the rows read are held twice at most (the batches and their copy for the reply or the
        # page), beside DuckDB's own memory: a quarter of the memory limit keeps them inside it
        self.result_budget = max(1, min(self.download_max_bytes, memory_bytes(memory_limit) // 4))
        self.lock = threading.Lock()
        self.tables: dict[str, pa.Table] = {}
        self.con = duckdb.connect(":memory:", config={
            "memory_limit": memory_limit,
            "threads": int(threads),
            "max_execution_time": max(1, int(round(self.timeout_s * 1000))),
            "temp_directory": "",
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
            "allow_unsigned_extensions": False,
            "allow_persistent_secrets": False,
            "python_enable_replacements": False,
            "errors_as_json": True,
        })
        try:
            # ATTACH takes no prepared parameters; the path is the app's own database file (never
            # user text), with quotes escaped, and CATALOG is a constant.
            path = str(db_path).replace("'", "''")
            self.con.execute(f"ATTACH '{path}' AS {CATALOG} (READ_ONLY)")
            self.con.execute(f"USE {CATALOG}")
            self.con.execute("DETACH memory")
            self.con.execute("SET enable_external_access = false")
            self.con.execute("SET lock_configuration = true")
        except BaseException:
            self.con.close()
            raise

    def add(self, name: str, table: pa.Table) -> None:
        with self.lock:
            if name in self.tables:
                self.con.unregister(name)
            self.con.register(name, table)  # a view of this connection only; works after the lock
            self.tables[name] = table

    def remove(self, name: str) -> None:
        with self.lock:
            if self.tables.pop(name, None) is not None:
                self.con.unregister(name)

    def settings(self) -> dict[str, str]:
        with self.lock:
            return dict(self.con.execute("SELECT name, value FROM duckdb_settings()").fetchall())

    def schema_rows(self) -> list[tuple[str, str, str, str]]:
        with self.lock:
            return [tuple(map(str, row)) for row in self.con.execute(
                "SELECT database_name, table_name, column_name, data_type FROM duckdb_columns() "
                "WHERE database_name IN (?, 'temp') AND schema_name = 'main' "
                "ORDER BY database_name, table_name, column_index", [CATALOG]).fetchall()]

    def run(self, sql: str, *, timeout_s: float | None = None, download_cap: int | None = None,
            check: bool = True, started: float | None = None) -> Result:
        """Check (unless check=False, tests only) and run one query; never raises for a bad query.
        The time limit counts from ``started`` (time.monotonic() when the request came in; default
        now) and covers execution, fetching and converting the rows."""
        timeout = self.timeout_s if timeout_s is None else min(float(timeout_s), self.timeout_s)
        request_start = time.monotonic() if started is None else float(started)
        cap = self.download_cap if download_cap is None else max(1, int(download_cap))
        result = Result(sql=sql, download_cap=cap)
        if check:
            with self.lock:
                problem = check_statements(self.con, sql) or check_tree(self.con, sql)
            problem = problem or check_tokens(sql)
            if problem is not None:
                result.error = problem
                return result
        timed_out = threading.Event()

        def stop():
            timed_out.set()
            try:
                self.con.interrupt()
            except Exception:
                pass

        with self.lock:
            started = time.perf_counter()
            timer = threading.Timer(max(0.0, request_start + timeout - time.monotonic()), stop)
            timer.daemon = True
            timer.start()
            reader = None
            try:
                try:
                    rel = self.con.sql(sql)
                except duckdb.Error as exc:
                    raise self._positioned(sql, exc) from exc
                if rel is None:  # not reached for allowed statements
                    result.table = pa.table({})
                    return result
                result.columns = list(rel.columns)
                result.types = [str(tp) for tp in rel.types]
                reader = rel.to_arrow_reader(BATCH_ROWS)
                batches, rows, size = [], 0, 0
                for batch in reader:
                    if timed_out.is_set():
                        raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")
                    take = min(batch.num_rows, cap + 1 - rows)
                    if take < batch.num_rows:
                        batch = batch.slice(0, take)
                    batches.append(batch)
                    rows += batch.num_rows
                    size += batch.nbytes
                    if rows > cap:
                        result.truncated, result.limit_reason = True, "rows"
                        break
                    if size > self.result_budget:
                        result.truncated, result.limit_reason = True, "bytes"
                        break
                result.table = self._convert(batches, reader.schema, cap)
                if not result.columns:
                    result.columns = result.table.column_names
                if timed_out.is_set() or time.monotonic() - request_start > timeout:
                    # complete only after the limit (the conversion included): a timeout all the same
                    timed_out.set()
                    raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")
            except duckdb.Error as exc:
                result.error = problem_from_exception(exc, sql, timed_out=timed_out.is_set(),
                                                      timeout_s=timeout, memory_limit=self.memory_limit)
                result.table = None
            except (OSError, pa.ArrowException) as exc:  # an error raised while the Arrow stream is read
                result.error = problem_from_exception(_duckdb_error(str(exc)), sql, timed_out=timed_out.is_set(),
                                                      timeout_s=timeout, memory_limit=self.memory_limit)
                result.table = None
            except MemoryError:
                result.error = _problem_at("memory", "error.memory", sql, None, limit=self.memory_limit)
                result.table = None
            except Exception as exc:  # e.g. Arrow cannot hold a type: a message, never a traceback
                result.error = _problem_at("error", "error.other", sql, None)
                result.error.detail = f"{type(exc).__name__}: {exc}"[:500]
                result.error.error_type = type(exc).__name__
                result.table = None
            finally:
                timer.cancel()
                timer.join()
                if reader is not None:
                    try:
                        reader.close()
                    except Exception:
                        pass
                result.elapsed_s = time.perf_counter() - started
        return result

    @staticmethod
    def _convert(batches: list[pa.RecordBatch], schema: pa.Schema, cap: int) -> pa.Table:
        """The batches read as one table of at most ``cap`` rows."""
        table = pa.Table.from_batches(batches, schema=schema)
        return table.slice(0, cap) if table.num_rows > cap else table

    def _positioned(self, sql: str, exc: duckdb.Error) -> duckdb.Error:
        """The binder behind ``con.sql`` reports some errors without their position; binding the same
        statement through ``execute`` fails at the same point before anything runs and gives it."""
        text = str(exc)
        if '"position"' in text or "LINE " in text:
            return exc
        if type(exc).__name__ not in ("BinderException", "CatalogException"):
            return exc
        try:
            self.con.execute(sql)
        except duckdb.Error as again:
            if type(again) is type(exc):
                return again
        return exc

    def close(self) -> None:
        try:
            self.con.close()
        except Exception:
            pass
