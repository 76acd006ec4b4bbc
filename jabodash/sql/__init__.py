"""Read-only SQL console: one sandboxed DuckDB connection per session.

Analysts who know SQL query the built-in tables and views, their own uploads of this session and the
saved datasets. The console cannot change the data, read or write files or URLs, load extensions or
change settings, and a query cannot run forever or exhaust memory.

How a query is kept harmless (first line: DuckDB's own guarantees, verified in duckdb 2.0.1)
------------------------------------------------------------------------------------------
* Each :class:`Sandbox` opens its **own** in-memory DuckDB instance (never shared between sessions) and
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
  (or ``download_max_bytes``), so a query returning 50 million rows never materialises. The page
  shows the first ``display_rows``; the downloads hold everything that was read.

What DuckDB does not bound, and the worker process does
--------------------------------------------------------
DuckDB's memory limit covers its buffer manager, not every allocation: ``repeat('x', 2000000000)``
builds one 2 GB string outside it, and the interrupt is only looked at between vectors, so that query
ran for a minute and took 3.7 GB although the limits were 256 MB and 2 s. A sandbox therefore runs
DuckDB in a worker process of its own (``isolation="process"``, the default on POSIX systems;
``python -m jabodash.sql --worker``, driven over a pipe: JSON headers and Arrow IPC, nothing
pickled). Before each query the worker caps its address space (``RLIMIT_AS``: current size + memory
limit + twice the download byte cap + 256 MB), so such an allocation fails inside DuckDB as an
out-of-memory error; and a query that has not answered at the time limit plus a grace period is ended
by killing the worker; a new one starts at once with the session's uploads. ``isolation="thread"``
(non-POSIX systems, or JABODASH_SQL_ISOLATION=thread) runs the same engine in the app's process,
with every check and DuckDB limit but without the hard cap.

Second line: the statement itself is checked before it runs
------------------------------------------------------------
* :func:`check_statements` uses DuckDB's own parser (``con.extract_statements``): exactly one
  statement, of type SELECT (also DESCRIBE, SHOW, SUMMARIZE, FROM-first, VALUES, TABLE, UNPIVOT),
  EXPLAIN (of a statement that is itself allowed) or MULTI when it is a PIVOT.
* :func:`check_tokens` reads DuckDB's tokenizer output (``duckdb.tokenize``) with comments and string
  literals dropped: the first word must start a reading query; words that start a statement that
  changes something (INSERT, COPY, ATTACH, INSTALL, PRAGMA, ...) are refused anywhere; functions that
  read files or URLs, run SQL text or scan raw memory (``read_csv*``, ``read_parquet``, ``glob``,
  ``query``, ``json_execute_serialized_sql``, ``arrow_scan``, ...) are refused, quoted or not; a
  string literal directly after FROM/JOIN (a file path as a table) is refused; a ``;`` followed by
  anything is a second statement.

Each line is tested on its own in tests/test_sqlconsole.py.

Errors are :class:`SqlProblem` objects (never tracebacks): a message key of the ``[sql]`` locale
table, DuckDB's own message (``errors_as_json`` gives its type and the byte position in the query)
and the line/column of the position. :meth:`Sandbox.run` never raises for a bad query; it returns a
:class:`Result` whose ``error`` is set.

For a page (one sandbox per browser session, in ``st.session_state``, never ``st.cache_resource``)::

    box = Sandbox()                                    # starts its worker; close() when done
    box.sync_uploads({table_name(f): (df, f) for f, df in session_uploads.items()})  # every rerun
    result = box.run(query)                            # never raises for a bad query
    if result.ok:
        show(result.df); result.summary(lang); result.notice(lang)   # first display_rows rows
        result.to_csv(), result.to_parquet(), result.download_name("csv")
    else:
        result.error.text(lang); result.error.context()  # message + position; the query line and ^
    box.schema(lang); box.limits_text(lang); examples()

This module must not import streamlit.
"""
from __future__ import annotations

import io
import json
import math
import os
import re
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import duckdb
import pyarrow as pa
import pyarrow.ipc  # noqa: F401 (pa.ipc)
import pyarrow.parquet as pq

from jabodash.core.fmt import number
from jabodash.core.i18n import t
from jabodash.core.paths import QUERIES_DIR

if TYPE_CHECKING:  # pandas is imported where it is used: the worker process never needs it
    import pandas as pd

EXAMPLES_DIR = QUERIES_DIR / "examples"
CATALOG = "jabodash"

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_LIMIT = "1GB"
DEFAULT_THREADS = 1
DEFAULT_DISPLAY_ROWS = 1000
DEFAULT_DOWNLOAD_CAP = 1_000_000
DEFAULT_DOWNLOAD_MAX_BYTES = 256 * 1024 * 1024
MAX_QUERY_CHARS = 100_000
BATCH_ROWS = 8192

# The built-in relations, in the order the schema browser lists them.
BUILTIN_TABLES = ("region", "region_alias", "indicator", "observation", "flow", "dataset")
BUILTIN_VIEWS = ("population_best", "derived_density", "derived_growth", "derived_per_100k", "observation_all")

# Words that may start a statement that only reads.
LEADING_WORDS = frozenset({
    "select", "with", "from", "values", "table", "describe", "desc", "show", "explain", "summarize",
    "pivot", "pivot_wider", "unpivot", "pivot_longer",
})
PIVOT_WORDS = frozenset({"pivot", "pivot_wider", "unpivot", "pivot_longer"})
# Words that start a statement that changes something; refused anywhere outside strings/comments.
DENIED_WORDS = frozenset({
    "insert", "update", "delete", "create", "drop", "alter", "truncate", "merge", "copy", "export",
    "import", "attach", "detach", "install", "load", "pragma", "call", "checkpoint", "vacuum",
    "prepare", "execute", "deallocate", "begin", "commit", "rollback", "abort", "grant", "revoke",
})
# Functions that read files or URLs, run SQL text, scan raw memory or touch settings and secrets.
DENIED_FUNCTIONS = frozenset({
    "read_csv", "read_csv_auto", "read_single_csv_file", "sniff_csv",
    "read_parquet", "parquet_scan", "read_single_parquet_file", "parquet_metadata", "parquet_schema",
    "parquet_file_metadata", "parquet_kv_metadata", "parquet_full_metadata", "parquet_page_index",
    "parquet_bloom_probe",
    "read_json", "read_json_auto", "read_json_objects", "read_json_objects_auto", "read_ndjson",
    "read_ndjson_auto", "read_ndjson_objects", "read_single_json_file",
    "read_text", "read_blob", "read_duckdb", "read_xlsx", "glob", "st_read",
    "sqlite_scan", "sqlite_attach", "postgres_scan", "postgres_attach", "mysql_scan", "iceberg_scan",
    "delta_scan",
    "query", "query_table", "json_execute_serialized_sql",
    "arrow_scan", "arrow_scan_dumb", "python_arrow_scan", "pandas_scan",
    "duckdb_secrets", "which_secret", "load_aws_credentials",
    "enable_logging", "disable_logging", "truncate_duckdb_logs", "enable_profiling", "disable_profiling",
    "add_grammar_extension", "remove_grammar_extension", "checkpoint", "force_checkpoint", "getenv",
})
# Keywords before "(" that do not make it a function call (for the FROM 'file' check).
_NOT_CALLS = frozenset({
    "from", "join", "in", "exists", "as", "on", "select", "where", "and", "or", "not", "using", "lateral",
    "values", "with", "union", "intersect", "except", "all", "any", "some", "then", "else", "when", "case",
    "by", "having", "over", "window", "filter", "within", "pivot", "unpivot", "table", "is", "like", "ilike",
    "between", "recursive", "materialized", "limit", "offset", "qualify", "explain", "analyze", "describe",
    "summarize", "show", "distinct", "set", "array", "struct", "map", "row",
})
# Words after which a string literal would be read as a file name (FROM 'x.csv', DESCRIBE 'x.csv').
_BEFORE_TABLE = frozenset({"from", "join", "describe", "desc", "summarize", "show", "table", "pivot",
                           "unpivot", "pivot_wider", "pivot_longer"})
# Statement types DuckDB's parser reports, grouped by the reason a refusal gives.
_REFUSAL_REASON = {
    "INSERT": "modify", "UPDATE": "modify", "DELETE": "modify", "CREATE": "modify", "DROP": "modify",
    "ALTER": "modify", "MERGE_INTO": "modify", "CREATE_FUNC": "modify", "VACUUM": "modify",
    "COPY": "files", "EXPORT": "files", "COPY_DATABASE": "files",
    "ATTACH": "attach", "DETACH": "attach",
    "LOAD": "extension", "EXTENSION": "extension", "UPDATE_EXTENSIONS": "extension",
    "SET": "settings", "VARIABLE_SET": "settings", "PRAGMA": "settings", "CALL": "settings",
    "TRANSACTION": "transaction", "PREPARE": "other", "EXECUTE": "other", "RELATION": "other",
    "LOGICAL_PLAN": "other", "INVALID": "other", "MULTI": "other", "ANALYZE": "modify",
}


# ---------------------------------------------------------------------------
# problems
# ---------------------------------------------------------------------------


@dataclass
class SqlProblem:
    """A refused or failed query, translatable.

    ``kind`` is ``"refused"`` (the console does not run it), ``"error"`` (DuckDB reported an error),
    ``"timeout"`` or ``"memory"``. ``key`` is a key under ``sql.`` in the locale files; ``detail`` is
    DuckDB's own message (English), ``line``/``column`` (1-based) and ``length`` point into the query.
    """

    kind: str
    key: str
    params: dict = field(default_factory=dict)
    detail: str = ""
    error_type: str = ""
    line: int | None = None
    column: int | None = None
    length: int = 0
    query: str = ""
    offset: int | None = None  # character offset of the position in the query

    def message(self, lang: str = "id") -> str:
        return t(f"sql.{self.key}", lang, **self.params)

    def position(self, lang: str = "id") -> str:
        if self.line is None:
            return ""
        return t("sql.error.position", lang, line=self.line, column=self.column)

    def text(self, lang: str = "id") -> str:
        """One paragraph: the message, the position and DuckDB's own words."""
        parts = [self.message(lang)]
        if self.line is not None:
            parts.append(self.position(lang) + ".")
        if self.detail:
            parts.append(t("sql.error.duckdb_says", lang, detail=self.detail))
        return " ".join(parts)

    def context(self) -> str:
        """The query line the position points at, with a caret line under it ("" without position)."""
        if self.line is None or not self.query:
            return ""
        lines = self.query.splitlines() or [""]
        if self.line > len(lines):
            return ""
        text = lines[self.line - 1].expandtabs(1)
        start = max(0, (self.column or 1) - 1)
        cut = 0
        if len(text) > 120 and start > 60:
            cut = start - 40
            text = "..." + text[cut:]
            start = start - cut + 3
        text = text[:160]
        return f"{text}\n{' ' * start}{'^' * max(1, min(self.length or 1, 80))}"

    def to_dict(self, lang: str = "en") -> dict:
        return {"kind": self.kind, "key": f"sql.{self.key}", "message": self.message(lang),
                "detail": self.detail, "error_type": self.error_type, "line": self.line,
                "column": self.column}


def _line_col(text: str, char_offset: int) -> tuple[int, int]:
    before = text[:max(0, char_offset)]
    line = before.count("\n") + 1
    column = char_offset - (before.rfind("\n") + 1) + 1
    return line, column


def _char_offset(text: str, byte_offset: int) -> int:
    return len(text.encode("utf-8")[:max(0, byte_offset)].decode("utf-8", errors="ignore"))


def _problem_at(kind: str, key: str, text: str, char_offset: int | None, length: int = 0, **params) -> SqlProblem:
    line = column = None
    if char_offset is not None:
        line, column = _line_col(text, char_offset)
    return SqlProblem(kind=kind, key=key, params=params, line=line, column=column, length=length, query=text,
                      offset=char_offset)


# ---------------------------------------------------------------------------
# second line: tokens
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str    # identifier, keyword, operator, numeric_const, string_const, comment
    text: str    # stripped text
    start: int   # character offset in the query
    length: int
    quoted: bool = False

    @property
    def word(self) -> str:
        """Lower-case name of an identifier or keyword, quotes removed."""
        text = self.text
        if self.quoted:
            text = text[1:-1].replace('""', '"')
        return text.lower()


def tokens(text: str) -> list[_Token]:
    """DuckDB's tokenizer over text, comments dropped; positions as character offsets."""
    raw = text.encode("utf-8")
    found = duckdb.tokenize(text)
    bounds = [p for p, _ in found] + [len(raw)]
    out = []
    for i, (start, kind) in enumerate(found):
        name = getattr(kind, "name", str(kind).rsplit(".", 1)[-1])
        if name == "comment":
            continue
        piece = raw[start:bounds[i + 1]].decode("utf-8", errors="replace").strip()
        if not piece:
            continue
        offset = _char_offset(text, start)
        if name == "operator":
            # several symbols may come as one token ("),"): split them so "(" and ";" are seen
            for j, ch in enumerate(piece):
                if not ch.isspace():
                    out.append(_Token("operator", ch, offset + j, 1))
            continue
        quoted = name == "identifier" and len(piece) >= 2 and piece[0] == '"' and piece[-1] == '"'
        out.append(_Token(name, piece, offset, len(piece), quoted))
    return out


def check_tokens(text: str) -> SqlProblem | None:
    """Second line of defence, independent of DuckDB's statement types: None when the tokens look like
    one query that only reads, else the refusal."""
    try:
        toks = tokens(text)
    except Exception:  # the tokenizer never raised in tests; refuse rather than guess
        return _problem_at("refused", "refused.unreadable", text, None)
    if not toks:
        return _problem_at("refused", "refused.empty", text, None)
    # a ';' followed by anything is a second statement
    parts: list[list[_Token]] = [[]]
    for tok in toks:
        if tok.kind == "operator" and tok.text == ";":
            parts.append([])
        else:
            parts[-1].append(tok)
    parts = [part for part in parts if part]
    if len(parts) > 1:
        return _problem_at("refused", "refused.multiple", text, parts[1][0].start, parts[1][0].length,
                           count=len(parts))
    first = toks[0]
    if not (first.kind == "operator" and first.text == "(") and first.word not in LEADING_WORDS:
        return _problem_at("refused", "refused.leading", text, first.start, first.length,
                           word=first.text.upper()[:40])
    calls: list[bool] = []  # per open parenthesis: is it a function call's argument list?
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        prev = toks[i - 1] if i else None
        if tok.kind == "operator" and tok.text == "(":
            calls.append(prev is not None and (prev.kind == "identifier" or (
                prev.kind == "keyword" and prev.word not in _NOT_CALLS)))
        elif tok.kind == "operator" and tok.text == ")" and calls:
            calls.pop()
        if tok.kind in ("identifier", "keyword"):
            if tok.word in DENIED_FUNCTIONS and nxt is not None and nxt.kind == "operator" and nxt.text == "(":
                return _problem_at("refused", "refused.function", text, tok.start, tok.length, name=tok.word)
            if not tok.quoted and tok.word in DENIED_WORDS:
                return _problem_at("refused", "refused.keyword", text, tok.start, tok.length,
                                   word=tok.text.upper())
            # FROM 'file.csv' reads a file; inside a call, extract(year FROM '2024-01-01') does not
            if (tok.kind == "keyword" and tok.word in _BEFORE_TABLE and nxt is not None
                    and nxt.kind == "string_const" and not (calls and calls[-1])):
                return _problem_at("refused", "refused.file_literal", text, nxt.start, nxt.length,
                                   path=nxt.text[:80])
    return None


# ---------------------------------------------------------------------------
# first line: DuckDB's parser
# ---------------------------------------------------------------------------


def _type_name(statement) -> str:
    try:
        kind = statement.type
    except ValueError:  # a statement type the Python enum does not know (e.g. UPDATE EXTENSIONS)
        return "UNKNOWN"
    return getattr(kind, "name", str(kind).rsplit(".", 1)[-1]).upper()


def _explain_inner(text: str) -> str | None:
    """The statement an EXPLAIN [ANALYZE] [(options)] wraps, as text; None when not found."""
    toks = tokens(text)
    if not toks or toks[0].word != "explain":
        return None
    i = 1
    if i < len(toks) and toks[i].word in ("analyze", "analyse"):
        i += 1
    if (i + 1 < len(toks) and toks[i].kind == "operator" and toks[i].text == "("
            and toks[i + 1].word not in LEADING_WORDS and not toks[i + 1].text == "("):
        depth = 0
        while i < len(toks):
            if toks[i].kind == "operator" and toks[i].text == "(":
                depth += 1
            elif toks[i].kind == "operator" and toks[i].text == ")":
                depth -= 1
                if depth == 0:
                    i += 1
                    break
            i += 1
    if i >= len(toks):
        return None
    return text[toks[i].start:]


def _has_pivot(text: str) -> bool:
    return any(tok.kind in ("keyword", "identifier") and not tok.quoted and tok.word in PIVOT_WORDS
               for tok in tokens(text))


def check_statements(con: duckdb.DuckDBPyConnection, text: str, _depth: int = 0) -> SqlProblem | None:
    """First check before running: DuckDB's own parser must find exactly one statement of a reading
    type. Returns None or the problem (a refusal, or DuckDB's syntax error with its position)."""
    try:
        statements = con.extract_statements(text)
    except duckdb.Error as exc:
        return problem_from_exception(exc, text)
    except ValueError:  # a statement type the Python enum does not know (e.g. UPDATE EXTENSIONS)
        return _refused_statement(text, "?")
    if not statements:
        return _problem_at("refused", "refused.empty", text, None)
    if len(statements) > 1:
        second = statements[1].query.strip()
        offset = text.find(second) if second else -1
        return _problem_at("refused", "refused.multiple", text, offset if offset >= 0 else None,
                           len(second.split("\n", 1)[0]), count=len(statements))
    kind = _type_name(statements[0])
    if kind == "SELECT":
        return None
    if kind == "MULTI" and _has_pivot(text):
        return None
    if kind == "EXPLAIN" and _depth == 0:
        inner = _explain_inner(text)
        if inner is None:
            return _refused_statement(text, "EXPLAIN")
        problem = check_statements(con, inner, _depth=1)
        if problem is not None:
            base = len(text) - len(inner)
            rebased = _problem_at(problem.kind, problem.key, text,
                                  None if problem.offset is None else base + problem.offset,
                                  problem.length, **problem.params)
            rebased.detail, rebased.error_type = problem.detail, problem.error_type
            return rebased
        return None
    return _refused_statement(text, kind)


_FIRST_WORD_REASON = {"import": "files", "export": "files", "copy": "files", "install": "extension",
                      "load": "extension", "force": "extension", "attach": "attach", "detach": "attach",
                      "use": "attach", "set": "settings", "reset": "settings", "pragma": "settings",
                      "call": "settings"}


def _refused_statement(text: str, kind: str) -> SqlProblem:
    """Refusal of a statement type: the key names the reason (sql.refused.statement.<reason>)."""
    toks = tokens(text)
    first = toks[0] if toks else None
    word = first.word if first is not None else ""
    reason = _FIRST_WORD_REASON.get(word) or _REFUSAL_REASON.get(kind, "other")
    if first is None or word in LEADING_WORDS or first.text == "(":
        shown = kind.replace("_", " ")  # e.g. WITH ... INSERT: name the statement, not WITH
    else:
        shown = first.text.upper()[:40]
    return _problem_at("refused", f"refused.statement.{reason}", text, first.start if first else None,
                       first.length if first else 0, statement=shown)


# ---------------------------------------------------------------------------
# DuckDB errors -> problems
# ---------------------------------------------------------------------------

_ERROR_KEYS = {
    "ParserException": "error.syntax",
    "BinderException": "error.binder",
    "CatalogException": "error.catalog",
    "ConversionException": "error.data",
    "OutOfRangeException": "error.data",
    "InvalidTypeException": "error.data",
    "TypeMismatchException": "error.data",
    "PermissionException": "error.permission",
    "OutOfMemoryException": "error.memory",
    "InterruptException": "error.interrupted",
}
_LINE_RE = re.compile(r"\n*LINE (\d+): ?(.*)\n( *)(\^+)")


def problem_from_exception(exc: BaseException, text: str, timed_out: bool = False,
                           timeout_s: float | None = None, memory_limit: str | None = None) -> SqlProblem:
    """A DuckDB exception as a problem: message key by its type, DuckDB's message, the position."""
    name = type(exc).__name__
    raw = str(exc)
    prefix, sep, rest = raw.partition(": ")
    message, position, length = raw, None, 0
    if sep and rest.startswith("{"):
        try:
            data = json.loads(rest)
            message = f"{prefix}: {data.get('exception_message', '')}".strip()
            if "position" in data:
                position = _char_offset(text, int(data["position"]))
            loc = str(data.get("location", ""))
            m = re.match(r"\[(\d+),(\d+)\]", loc)
            if m:
                length = int(m.group(2))
        except (ValueError, TypeError):
            pass
    m = _LINE_RE.search(message)
    if m:  # errors_as_json off or a message without JSON: read "LINE n:" and the caret
        message = message[:m.start()].rstrip()
        if position is None:
            position = _caret_offset(text, int(m.group(1)), m.group(2), len(m.group(3)) - len(f"LINE {m.group(1)}: "))
            length = len(m.group(4))
    key = _ERROR_KEYS.get(name, "error.other")
    kind = "error"
    params: dict[str, Any] = {}
    low = message.lower()
    if "maximum execution time" in low:  # DuckDB's own max_execution_time fired first
        timed_out = True
    if name == "InterruptException" or (timed_out and ("interrupted" in low or "interrupt" in low)):
        key = "error.timeout" if timed_out else "error.interrupted"
        kind = "timeout" if timed_out else "error"
        params["seconds"] = number(timeout_s or 0, 0 if float(timeout_s or 0).is_integer() else 1)
        position = None
    elif name == "OutOfMemoryException" or "out of memory" in low:
        key, kind = "error.memory", "memory"
        params["limit"] = memory_limit or "?"
        message = message.split("\n", 1)[0]
    elif "read-only mode" in low:
        key = "error.read_only"
    elif "configuration has been locked" in low:
        key = "error.locked"
    elif name == "PermissionException" or "disabled by configuration" in low:
        key = "error.permission"
    message = message.strip()
    if len(message) > 1000:
        message = message[:1000] + " ..."
    problem = _problem_at(kind, key, text, position, length, **params)
    problem.detail = message
    problem.error_type = name
    return problem


def _caret_offset(text: str, line_no: int, snippet: str, caret_col: int) -> int | None:
    lines = text.split("\n")
    if not 1 <= line_no <= len(lines):
        return None
    line = lines[line_no - 1]
    base = 0
    core = snippet
    if core.startswith("..."):
        core = core[3:]
        caret_col -= 3
        if core.endswith("..."):
            core = core[:-3]
        found = line.find(core[:40])
        base = found if found >= 0 else 0
    start_of_line = sum(len(x) + 1 for x in lines[:line_no - 1])
    return start_of_line + base + max(0, caret_col)


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------


def _unique_names(names: Iterable[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = str(name)
        base, n = name, seen.get(name.lower(), 0)
        while name.lower() in seen:
            n += 1
            name = f"{base}_{n}"
        seen[base.lower()] = n
        seen[name.lower()] = 0
        out.append(name)
    return out


def _nested_or_binary(tp: pa.DataType) -> bool:
    return (pa.types.is_nested(tp) or pa.types.is_binary(tp) or pa.types.is_large_binary(tp)
            or pa.types.is_fixed_size_binary(tp) or pa.types.is_interval(tp))


def _interval_text(value) -> str:
    """An Arrow month-day-nano interval as DuckDB prints it: "1 year 2 months 3 days 04:05:06"."""
    months, days, nanos = int(value.months), int(value.days), int(value.nanoseconds)
    parts = []
    years, months = divmod(months, 12) if months >= 0 else (-(-months // 12), -(-months % 12))
    for amount, unit in ((years, "year"), (months, "month"), (days, "day")):
        if amount:
            parts.append(f"{amount} {unit}{'' if abs(amount) == 1 else 's'}")
    if nanos or not parts:
        sign = "-" if nanos < 0 else ""
        micros = abs(nanos) // 1000
        secs, micro = divmod(micros, 1_000_000)
        text = f"{sign}{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"
        parts.append(text + (f".{micro:06d}".rstrip("0") if micro else ""))
    return " ".join(parts)


def _is_interval(value) -> bool:
    return all(hasattr(value, a) for a in ("months", "days", "nanoseconds"))


def _text_value(value):
    if value is None:
        return None
    if _is_interval(value):
        return _interval_text(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(_json_value(value), ensure_ascii=False)
    return str(value)


def _text_column(col: pa.ChunkedArray) -> pa.Array:
    return pa.array([_text_value(v) for v in col.to_pylist()], type=pa.string())


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas, column by column, names made unique. Lists, structs, maps, unions, blobs and
    intervals become text (JSON for nested values), so a table widget and a CSV show them plainly."""
    import pandas as pd
    data = {}
    names = _unique_names(table.column_names)
    for name, col in zip(names, table.columns):
        try:
            if _nested_or_binary(col.type):
                data[name] = _text_column(col).to_pandas()
            else:
                data[name] = col.to_pandas()
        except Exception:
            data[name] = pd.Series([_text_value(v) for v in col.to_pylist()], dtype=object)
    return pd.DataFrame(data, columns=names)


def _parquet_table(table: pa.Table) -> pa.Table:
    """The table with unique names and every column Parquet cannot hold (e.g. a union) as text."""
    table = table.rename_columns(_unique_names(table.column_names))
    columns = []
    for name, col in zip(table.column_names, table.columns):
        try:
            pq.write_table(pa.table({name: col.slice(0, 0)}), io.BytesIO())
            columns.append(col)
        except (pa.ArrowException, NotImplementedError, TypeError, ValueError):
            columns.append(_text_column(col))
    return pa.table(columns, names=table.column_names)


def _json_value(value):
    if value is None:
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value.as_tuple().exponent >= 0 else float(value)
    if _is_interval(value):
        return _interval_text(value)
    if isinstance(value, (datetime, date, dtime)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return str(value)


@dataclass
class Result:
    """What one run gave. ``ok`` is False when ``error`` is set (then there are no rows).

    ``table`` holds every row that was read (at most the download cap); ``df`` the first
    ``display_rows`` of them for the page. ``truncated`` says the query had more rows than were read
    (``limit_reason``: "rows" or "bytes"). ``elapsed_s`` is the time from start to the last row read.
    """

    sql: str
    error: SqlProblem | None = None
    columns: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    table: pa.Table | None = None
    truncated: bool = False
    limit_reason: str = ""
    elapsed_s: float = 0.0
    display_rows: int = DEFAULT_DISPLAY_ROWS
    download_cap: int = DEFAULT_DOWNLOAD_CAP
    _df: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def rows(self) -> int:
        """Rows read (all rows of the query unless truncated)."""
        return 0 if self.table is None else self.table.num_rows

    @property
    def shown(self) -> int:
        return min(self.rows, self.display_rows)

    @property
    def df(self) -> pd.DataFrame:
        """The rows the page shows (the first display_rows), column names made unique."""
        if self._df is None:
            self._df = _to_pandas(self.table.slice(0, self.display_rows) if self.table is not None
                                  else pa.table({}))
        return self._df

    def frame(self) -> pd.DataFrame:
        """Every row read, as pandas (for downloads)."""
        return _to_pandas(self.table if self.table is not None else pa.table({}))

    def to_csv(self, bom: bool = True) -> bytes:
        """Every row read as formula-safe CSV (jabodash.core.csvsafe.to_safe_csv)."""
        from jabodash.core.csvsafe import to_safe_csv
        return to_safe_csv(self.frame(), bom=bom)

    def to_parquet(self) -> bytes:
        """Every row read as Parquet (zstd), types kept; column names made unique, a type Parquet
        cannot hold (a UNION) written as text."""
        table = _parquet_table(self.table if self.table is not None else pa.table({}))
        buf = io.BytesIO()
        pq.write_table(table, buf, compression="zstd")
        return buf.getvalue()

    def records(self) -> list[dict]:
        """Every row read as JSON-ready dicts (dates ISO 8601, decimals as numbers, NaN as null)."""
        if self.table is None:
            return []
        names = _unique_names(self.table.column_names)
        return [dict(zip(names, (_json_value(v) for v in row.values())))
                for row in self.table.rename_columns(names).to_pylist()]

    def download_name(self, ext: str) -> str:
        """A file name for a download: jabodash-sql-YYYYMMDD-HHMMSS.<ext>."""
        return f"jabodash-sql-{datetime.now().strftime('%Y%m%d-%H%M%S')}.{ext.lstrip('.')}"

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps({"columns": self.columns, "types": self.types, "rows": self.records(),
                           "row_count": self.rows, "truncated": self.truncated,
                           "elapsed_s": round(self.elapsed_s, 4)}, ensure_ascii=False, indent=indent)

    def summary(self, lang: str = "id") -> str:
        """"12 baris · 0,03 detik" (with "lebih dari" when truncated)."""
        key = "sql.result.summary_truncated" if self.truncated else "sql.result.summary"
        return t(key, lang, rows=number(self.rows, 0, lang), seconds=number(self.elapsed_s, 2, lang))

    def notice(self, lang: str = "id") -> str:
        """What was cut: "" when every row is shown."""
        if self.truncated:
            key = "sql.result.truncated_bytes" if self.limit_reason == "bytes" else "sql.result.truncated"
            return t(key, lang, shown=number(self.shown, 0, lang), rows=number(self.rows, 0, lang))
        if self.rows > self.shown:
            return t("sql.result.display_limited", lang, shown=number(self.shown, 0, lang),
                     rows=number(self.rows, 0, lang))
        return ""


# ---------------------------------------------------------------------------
# schema and examples
# ---------------------------------------------------------------------------


@dataclass
class RelationInfo:
    """One entry of the schema browser."""

    name: str
    kind: str            # table | view | upload | saved
    description: str
    columns: list[tuple[str, str]]  # (name, DuckDB type)
    rows: int | None = None


@dataclass
class Example:
    id: str
    title_en: str
    title_id: str
    sql: str

    def title(self, lang: str = "id") -> str:
        return self.title_id if lang == "id" and self.title_id else self.title_en


def examples(folder: Path | None = None) -> list[Example]:
    """The example queries of queries/examples/*.sql (sorted by file name). Each file starts with
    ``-- title: ...`` (English) and ``-- title_id: ...`` (Indonesian); those two lines are left out of
    the SQL loaded into the editor."""
    out = []
    for path in sorted((folder or EXAMPLES_DIR).glob("*.sql")):
        title_en = title_id = ""
        body = []
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^--\s*title(_id|_en)?\s*:\s*(.*)$", line)
            if m and not body:
                if m.group(1) == "_id":
                    title_id = m.group(2).strip()
                else:
                    title_en = m.group(2).strip()
                continue
            body.append(line)
        out.append(Example(id=path.stem, title_en=title_en or path.stem, title_id=title_id,
                           sql="\n".join(body).strip() + "\n"))
    return out


# ---------------------------------------------------------------------------
# uploads
# ---------------------------------------------------------------------------

_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def table_name(text: str, prefix: str = "upload", taken: Iterable[str] = ()) -> str:
    """A safe, unique SQL name for an upload: "upload_" + the text folded to [a-z0-9_]."""
    folded = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"\.(csv|tsv|txt|xlsx?|parquet)$", "", folded)
    slug = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")[:40] or "data"
    base = f"{prefix}_{slug}" if prefix else slug
    if not _NAME_RE.match(base):
        base = f"t_{base}"[:63]
    taken_l = {str(x).lower() for x in taken} | set(BUILTIN_TABLES) | set(BUILTIN_VIEWS)
    name, n = base, 1
    while name in taken_l:
        n += 1
        name = f"{base}_{n}"
    return name


def saved_datasets() -> dict[str, tuple[pd.DataFrame, str]]:
    """The saved datasets of the workspace as {"saved_<id>": (records, title)}; damaged ones skipped."""
    from jabodash.store import workspace
    out: dict[str, tuple[pd.DataFrame, str]] = {}
    try:
        metas = workspace.list_datasets()
    except Exception:
        return out
    for meta in metas:
        try:
            ds = workspace.load_dataset(meta["id"])
        except Exception:
            continue
        name = table_name(ds.id, prefix="saved", taken=out)
        out[name] = (ds.records, ds.title)
    return out


# ---------------------------------------------------------------------------
# the sandbox
# ---------------------------------------------------------------------------


_MEMORY_RE = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|KIB|MB|MIB|GB|GIB|TB|TIB)\s*$", re.I)
_ENV = {  # setting -> (environment variable, type, default)
    "timeout_s": ("JABODASH_SQL_TIMEOUT_S", float, DEFAULT_TIMEOUT_S),
    "memory_limit": ("JABODASH_SQL_MEMORY_LIMIT", str, DEFAULT_MEMORY_LIMIT),
    "threads": ("JABODASH_SQL_THREADS", int, DEFAULT_THREADS),
    "display_rows": ("JABODASH_SQL_DISPLAY_ROWS", int, DEFAULT_DISPLAY_ROWS),
    "download_cap": ("JABODASH_SQL_DOWNLOAD_CAP", int, DEFAULT_DOWNLOAD_CAP),
    "download_max_bytes": ("JABODASH_SQL_DOWNLOAD_MAX_BYTES", int, DEFAULT_DOWNLOAD_MAX_BYTES),
}


def settings_from_env() -> dict[str, Any]:
    """The sandbox limits: JABODASH_SQL_TIMEOUT_S, _MEMORY_LIMIT, _THREADS, _DISPLAY_ROWS, _DOWNLOAD_CAP,
    _DOWNLOAD_MAX_BYTES when set and valid, else the defaults of this module."""
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


def _arrow(frame) -> pa.Table:
    """An upload as an Arrow table; a column Arrow cannot type (mixed objects) becomes text."""
    if isinstance(frame, pa.Table):
        return frame
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        fixed = frame.copy()
        for col in fixed.columns:
            try:
                pa.array(fixed[col], from_pandas=True)
            except (pa.ArrowException, TypeError, ValueError):
                fixed[col] = fixed[col].map(lambda v: None if v is None else str(v))
        return pa.Table.from_pandas(fixed, preserve_index=False)


# ---------------------------------------------------------------------------
# the engine: the DuckDB side (in the worker process, or in this process)
# ---------------------------------------------------------------------------


class _Engine:
    """The locked-down DuckDB connection and the runner. Lives in the worker process (isolation
    "process") or in the app's process (isolation "thread")."""

    def __init__(self, db_path: str, *, timeout_s: float, memory_limit: str, threads: int,
                 download_cap: int, download_max_bytes: int):
        self.timeout_s = float(timeout_s)
        self.memory_limit = memory_limit
        self.download_cap = int(download_cap)
        self.download_max_bytes = int(download_max_bytes)
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
            check: bool = True) -> "Result":
        """Check (unless check=False, tests only) and run one query; never raises for a bad query."""
        timeout = self.timeout_s if timeout_s is None else min(float(timeout_s), self.timeout_s)
        cap = self.download_cap if download_cap is None else max(1, int(download_cap))
        result = Result(sql=sql, download_cap=cap)
        if check:
            with self.lock:
                problem = check_statements(self.con, sql)
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
            timer = threading.Timer(timeout, stop)
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
                    if size > self.download_max_bytes:
                        result.truncated, result.limit_reason = True, "bytes"
                        break
                table = pa.Table.from_batches(batches, schema=reader.schema)
                result.table = table.slice(0, cap) if rows > cap else table
                if not result.columns:
                    result.columns = result.table.column_names
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


def _duckdb_error(text: str) -> duckdb.Error:
    """A DuckDB exception rebuilt from its text ("Conversion Error: ..."), for errors that reach us
    through the Arrow stream as OSError."""
    kinds = {"INTERRUPT": "InterruptException", "Out of Memory": "OutOfMemoryException",
             "Conversion": "ConversionException", "Out of Range": "OutOfRangeException",
             "Invalid Input": "InvalidInputException", "Binder": "BinderException",
             "Catalog": "CatalogException", "Permission": "PermissionException", "Parser": "ParserException"}
    text = re.sub(r"^\w*Error: (?=\w[\w ]* Error: )", "", text.strip())  # "OSError: Conversion Error: ..."
    prefix = text.split(" Error:", 1)[0]
    cls = getattr(duckdb, kinds.get(prefix, "Error"), duckdb.Error)
    return cls(text)


# ---------------------------------------------------------------------------
# the worker process
# ---------------------------------------------------------------------------
#
# Messages both ways: 8-byte header (JSON length, number of blobs), the JSON, then each blob with
# an 8-byte length. Tables travel as Arrow IPC streams; nothing is pickled.

_WORKER_GRACE_S = 3.0
_WORKER_START_S = 60.0
_WORKER_IDLE_S = 1800.0


def _pack(header: dict, blobs: list[bytes] = ()) -> bytes:
    body = json.dumps(header, ensure_ascii=False).encode("utf-8")
    parts = [len(body).to_bytes(4, "big"), len(blobs).to_bytes(4, "big"), body]
    for blob in blobs:
        parts += [len(blob).to_bytes(8, "big"), blob]
    return b"".join(parts)


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _from_ipc(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


class _WorkerDied(Exception):
    pass


class _Pipe:
    """Reads exactly n bytes from a file descriptor before a deadline."""

    def __init__(self, fd: int):
        self.fd = fd

    def read(self, n: int, deadline: float | None) -> bytes:
        import select
        chunks, left = [], n
        while left:
            if deadline is not None:
                wait = deadline - time.monotonic()
                if wait <= 0 or not select.select([self.fd], [], [], wait)[0]:
                    raise TimeoutError
            chunk = os.read(self.fd, min(left, 1 << 20))
            if not chunk:
                raise _WorkerDied("end of stream")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def message(self, deadline: float | None, rest_s: float = 120.0) -> tuple[dict, list[bytes]]:
        head = self.read(8, deadline)
        later = time.monotonic() + rest_s  # the reply has started: the rest is a transfer
        body = json.loads(self.read(int.from_bytes(head[:4], "big"), later))
        blobs = []
        for _ in range(int.from_bytes(head[4:], "big")):
            size = int.from_bytes(self.read(8, later), "big")
            blobs.append(self.read(size, later))
        return body, blobs


def _result_message(result: "Result") -> tuple[dict, list[bytes]]:
    header = {"ok": result.ok, "columns": result.columns, "types": result.types, "truncated": result.truncated,
              "limit_reason": result.limit_reason, "elapsed_s": result.elapsed_s,
              "error": None if result.error is None else _problem_dict(result.error)}
    return header, ([] if result.table is None else [_ipc(result.table)])


def _problem_dict(problem: SqlProblem) -> dict:
    return {k: getattr(problem, k) for k in ("kind", "key", "params", "detail", "error_type", "line", "column",
                                             "length", "query", "offset")}


def _set_memory_cap(allowance: int) -> None:
    """Cap this process's address space at its current size plus allowance (Linux): an allocation
    beyond it fails inside DuckDB as an out-of-memory error instead of growing without bound."""
    try:
        import resource
        with open("/proc/self/status", encoding="ascii") as fh:
            size = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:"))
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = size + allowance
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (OSError, ValueError, ImportError, StopIteration):
        pass


def _worker_main() -> int:
    """python -m jabodash.sql --worker: one sandbox engine, driven over stdin/stdout."""
    import select
    proto_out = os.fdopen(os.dup(1), "wb")  # buffered: writes every byte, then flush()
    os.dup2(2, 1)  # stray prints must not corrupt the protocol
    pipe = _Pipe(sys.stdin.fileno())
    engine: _Engine | None = None
    allowance = 0
    while True:
        if not select.select([pipe.fd], [], [], _WORKER_IDLE_S)[0]:
            return 0  # idle: the parent starts a new worker when it needs one
        try:
            msg, blobs = pipe.message(None)
        except (_WorkerDied, ValueError):
            return 0
        op = msg.get("op")
        reply: dict = {"ok": True}
        out_blobs: list[bytes] = []
        try:
            if op == "init":
                engine = _Engine(msg["db_path"], timeout_s=msg["timeout_s"], memory_limit=msg["memory_limit"],
                                 threads=msg["threads"], download_cap=msg["download_cap"],
                                 download_max_bytes=msg["download_max_bytes"])
                allowance = (memory_bytes(msg["memory_limit"]) + 2 * int(msg["download_max_bytes"])
                             + 256 * 2**20)
            elif op == "add":
                engine.add(msg["name"], _from_ipc(blobs[0]))
            elif op == "remove":
                engine.remove(msg["name"])
            elif op == "run":
                _set_memory_cap(allowance)
                result = engine.run(msg["sql"], timeout_s=msg.get("timeout_s"),
                                    download_cap=msg.get("download_cap"), check=msg.get("check", True))
                reply, out_blobs = _result_message(result)
            elif op == "schema":
                reply["rows"] = engine.schema_rows()
            elif op == "settings":
                reply["settings"] = engine.settings()
            elif op == "quit":
                return 0
            else:
                reply = {"ok": False, "failure": f"unknown op {op!r}"}
        except Exception as exc:  # reported to the parent, which raises it there
            reply, out_blobs = {"ok": False, "failure": f"{type(exc).__name__}: {exc}"}, []
        try:
            proto_out.write(_pack(reply, out_blobs))
            proto_out.flush()
        except (BrokenPipeError, OSError):
            return 0


class _WorkerClient:
    """The app's side of one worker process: starts it, sends requests, kills it when it does not
    answer in time, and starts a new one (with the session's uploads) when needed."""

    def __init__(self, init: dict):
        self.init = init
        self.proc = None
        self.pipe: _Pipe | None = None
        self.pending = 0
        self.tables: dict[str, bytes] = {}  # name -> Arrow IPC, sent again to a new worker
        self.starts = 0

    @property
    def restarts(self) -> int:
        return max(0, self.starts - 1)

    def _start(self) -> None:
        import subprocess

        from jabodash.core.paths import ROOT
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH", "")] if p])
        debug = os.environ.get("JABODASH_SQL_WORKER_DEBUG")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jabodash.sql", "--worker"], cwd=str(ROOT), env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None if debug else subprocess.DEVNULL,
            close_fds=True)
        self.pipe = _Pipe(self.proc.stdout.fileno())
        self.pending = 0
        self.starts += 1
        self._write(_pack({"op": "init", **self.init}))
        for name, data in self.tables.items():
            self._write(_pack({"op": "add", "name": name}, [data]))

    def _write(self, data: bytes) -> None:
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise _WorkerDied(str(exc)) from exc
        self.pending += 1

    def _read(self, deadline: float | None) -> tuple[dict, list[bytes]]:
        msg, blobs = self.pipe.message(deadline)
        self.pending -= 1
        return msg, blobs

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ensure(self) -> None:
        if not self.alive():
            self.kill()
            self._start()

    def request(self, header: dict, blobs: list[bytes] = (), timeout_s: float | None = None):
        """Send one request, return (reply, blobs). TimeoutError when the worker did not answer in
        time (it is killed), _WorkerDied when it ended (crash, memory)."""
        self.ensure()
        try:
            while self.pending:  # replies of init/add sent at start
                reply, _ = self._read(time.monotonic() + _WORKER_START_S)
                if not reply.get("ok", False) and reply.get("failure"):
                    failure = reply["failure"]
                    self.kill()
                    raise RuntimeError(f"the SQL worker could not start: {failure}")
            self._write(_pack(header, list(blobs)))
            deadline = None if timeout_s is None else time.monotonic() + timeout_s
            reply, out = self._read(deadline)
        except TimeoutError:
            self.kill()
            raise
        except _WorkerDied:
            self.kill()
            raise
        if not reply.get("ok", True) and "failure" in reply:
            raise RuntimeError(reply["failure"])
        return reply, out

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            proc.kill()
            proc.wait(timeout=5)
        except Exception:
            pass
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except Exception:
                pass

    def close(self) -> None:
        """End the worker. Killing is safe: it holds the database read-only and writes nothing."""
        self.kill()


# ---------------------------------------------------------------------------
# the sandbox (what the page and the command line use)
# ---------------------------------------------------------------------------


def default_isolation() -> str:
    """"process" on POSIX systems (a worker process per sandbox), else "thread"; JABODASH_SQL_ISOLATION
    overrides."""
    wanted = os.environ.get("JABODASH_SQL_ISOLATION", "").strip().lower()
    if wanted in ("process", "thread"):
        return wanted
    return "process" if os.name == "posix" and sys.platform != "emscripten" else "thread"


class Sandbox:
    """One session's SQL console over the data and the session's uploads.

    ``uploads`` maps a SQL name to a DataFrame / Arrow table, or to ``(frame, title)``; saved datasets
    of the workspace are added as ``saved_<id>`` when ``include_saved``. Create one per session (never
    share between sessions); :meth:`close` it when done (also a context manager).

    ``isolation="process"`` (default on Linux/macOS) runs DuckDB in a worker process of its own: its
    address space is capped (memory limit + result allowance) so even an allocation DuckDB's memory
    limit does not see fails as an out-of-memory error, and a query that does not stop at the time
    limit is ended by killing the worker (a new one starts, with the uploads, on the next query).
    ``isolation="thread"`` runs DuckDB in this process (same checks and DuckDB limits, no hard cap).
    """

    def __init__(self, db_path: str | Path | None = None, uploads: dict | None = None, *,
                 timeout_s: float | None = None, memory_limit: str | None = None,
                 threads: int | None = None, display_rows: int | None = None,
                 download_cap: int | None = None, download_max_bytes: int | None = None,
                 include_saved: bool = True, max_query_chars: int = MAX_QUERY_CHARS,
                 isolation: str | None = None):
        if db_path is None:
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
        self._relations: dict[str, tuple[str, str]] = {}  # name -> (kind, title)
        self._frames: dict[str, Any] = {}
        self._schema_rows: list[tuple[str, str, str, str]] | None = None
        self._parser = duckdb.connect(":memory:", config={"errors_as_json": True})  # parses, never runs
        init = {"db_path": str(self.db_path), "timeout_s": self.timeout_s, "memory_limit": self.memory_limit,
                "threads": self.threads, "download_cap": self.download_cap,
                "download_max_bytes": self.download_max_bytes}
        self._engine: _Engine | None = None
        self._worker: _WorkerClient | None = None
        if self.isolation == "thread":
            self._engine = _Engine(**init)
        else:
            self._worker = _WorkerClient(init)
        try:
            for name, value in (saved_datasets() if include_saved else {}).items():
                self._add(name, value, "saved")
            for name, value in (uploads or {}).items():
                self._add(name, value, "upload")
            if self._worker is not None:
                self._worker.ensure()  # start now, so the first query does not wait for it
        except BaseException:
            self.close()
            raise

    # -- uploads ------------------------------------------------------------

    def _add(self, name: str, value, kind: str) -> None:
        frame, title = value if isinstance(value, tuple) else (value, "")
        name = str(name)
        if not _NAME_RE.match(name):
            raise ValueError(f"not a valid upload table name: {name!r} (use sqlconsole.table_name())")
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
            problem = check_statements(self._parser, sql)
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

    def _execute(self, sql: str, *, timeout_s, download_cap, check: bool) -> Result:
        timeout = self.timeout_s if timeout_s is None else min(float(timeout_s), self.timeout_s)
        if self._engine is not None:
            result = self._engine.run(sql, timeout_s=timeout, download_cap=download_cap, check=check)
            result.display_rows = self.display_rows
            return result
        started = time.perf_counter()
        with self._lock:
            try:
                reply, blobs = self._worker.request(
                    {"op": "run", "sql": sql, "timeout_s": timeout, "download_cap": download_cap, "check": check},
                    timeout_s=timeout + _WORKER_GRACE_S)
            except (TimeoutError, _WorkerDied) as exc:
                self._restart_quietly()
                return self._lost_worker(sql, timeout, started, timed_out=isinstance(exc, TimeoutError))
            except (RuntimeError, OSError) as exc:  # the worker could not start or answer
                problem = _problem_at("error", "error.other", sql, None)
                problem.detail = str(exc)[:500]
                return Result(sql=sql, error=problem, display_rows=self.display_rows)
        result = Result(sql=sql, columns=list(reply.get("columns") or []), types=list(reply.get("types") or []),
                        truncated=bool(reply.get("truncated")), limit_reason=str(reply.get("limit_reason") or ""),
                        elapsed_s=float(reply.get("elapsed_s") or 0.0), display_rows=self.display_rows,
                        download_cap=download_cap or self.download_cap)
        if reply.get("error"):
            result.error = SqlProblem(**reply["error"])
        elif blobs:
            result.table = _from_ipc(blobs[0])
        return result

    def _restart_quietly(self) -> None:
        """Start the next worker now, so the next query does not wait for it."""
        try:
            self._worker.ensure()
        except Exception:
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
                with self._lock:
                    reply, _ = self._worker.request({"op": "schema"}, timeout_s=_WORKER_START_S)
                self._schema_rows = [tuple(row) for row in reply["rows"]]
        return self._schema_rows

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


def _is_dataframe(obj) -> bool:
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "columns")


def run_query(sql: str, **kwargs) -> Result:
    """One query in a fresh sandbox (the command line uses this)."""
    run_kw = {k: kwargs.pop(k) for k in ("download_cap",) if k in kwargs}
    with Sandbox(**kwargs) as box:
        return box.run(sql, **run_kw)


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        sys.exit(_worker_main())
    sys.exit("usage: python -m jabodash.sql --worker (started by jabodash.sql.Sandbox)")
