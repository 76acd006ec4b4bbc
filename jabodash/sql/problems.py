"""Problems: what the SQL console says about a refused or failed query.

Errors are :class:`SqlProblem` objects (never tracebacks): a message key of the ``[sql]`` locale
table, DuckDB's own message (``errors_as_json`` gives its type and the byte position in the query)
and the line/column of the position. :meth:`jabodash.sql.Sandbox.run` never raises for a bad query;
it returns a :class:`jabodash.sql.Result` whose ``error`` is set.

:func:`problem_from_exception` turns a DuckDB exception into a problem: the message key by the
exception's type (and by its text for timeouts, memory, read-only, locked settings and permissions),
the position read from the JSON error or from DuckDB's ``LINE n:`` caret.
"""
from __future__ import annotations

import functools
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from jabodash.core.fmt import number
from jabodash.core.i18n import t


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
            parts.append(t("sql.error.duckdb_says", lang, detail=redact_paths(self.detail)))
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
                "detail": redact_paths(self.detail), "error_type": self.error_type, "line": self.line,
                "column": self.column}


@functools.lru_cache(maxsize=1)
def _machine_paths() -> tuple[str, ...]:
    """Folders of this machine that a message must not show: the home, cache, workspace and program
    folders and the temporary folder (each as given and resolved), longest first."""
    from jabodash.core.paths import ROOT, cache_dir, workspace_dir
    found: set[str] = set()
    for folder in (Path.home(), cache_dir(), workspace_dir(), ROOT, Path(tempfile.gettempdir()), Path(sys.prefix)):
        for variant in (folder, folder.resolve()):
            text = str(variant).rstrip("/\\")
            if len(text) > 4:  # never "/" or "/tmp" alone
                found.add(text)
    return tuple(sorted(found, key=len, reverse=True))


def redact_paths(text: str) -> str:
    """DuckDB's message with the machine's folders (see _machine_paths) replaced by "…" (e.g. the
    extension folder under the home folder in a permission error)."""
    for folder in _machine_paths():
        text = text.replace(folder, "…")
    return text


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
