"""The guard: the statement itself is checked before it runs (the second line of defence).

* :func:`check_statements` uses DuckDB's own parser (``con.extract_statements``): exactly one
  statement, of type SELECT (also DESCRIBE, SHOW, SUMMARIZE, FROM-first, VALUES, TABLE, UNPIVOT),
  EXPLAIN (of a statement that is itself allowed) or MULTI when it is a PIVOT.
* :func:`check_tree` walks DuckDB's own parse tree of a SELECT (``json_serialize_sql``): a table whose
  name is a file or URL (``FROM region, '/x.csv'``, ``FROM "x.parquet"``), a refused function however it
  is written, and the functions, views and settings that show the machine (:data:`MACHINE_NAMES`:
  ``duckdb_databases()`` holds the database file's path, ``duckdb_settings()`` and ``pg_settings`` the
  allowed paths, ``SHOW <setting>`` a setting's value) are refused.
* :func:`check_tokens` reads DuckDB's tokenizer output (``duckdb.tokenize``) with comments and string
  literals dropped: the first word must start a reading query; words that start a statement that
  changes something (INSERT, COPY, ATTACH, INSTALL, PRAGMA, ...) are refused anywhere; functions that
  read files or URLs, run SQL text or scan raw memory (``read_csv*``, ``read_parquet``, ``glob``,
  ``query``, ``json_execute_serialized_sql``, ``arrow_scan``, ...) are refused, quoted or not; a
  string literal directly after FROM/JOIN (a file path as a table) is refused; a ``;`` followed by
  anything is a second statement.

The first line, DuckDB's own guarantees on the sandbox connection, is in :mod:`jabodash.sql.engine`;
each line is tested on its own in tests/test_sql.py.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from jabodash.sql.problems import SqlProblem, _char_offset, _problem_at, problem_from_exception
from jabodash.sql.settings import BUILTIN_TABLES, BUILTIN_VIEWS

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
# Functions, views and tables that show the server's settings, file locations or platform (the database
# file's path in duckdb_databases(), allowed_paths in duckdb_settings() and pg_settings, the extension
# folder in the home folder, the environment): refused by name, called or not, quoted or not.
MACHINE_NAMES = frozenset({
    "duckdb_settings", "duckdb_databases", "duckdb_extensions", "duckdb_temporary_files",
    "duckdb_external_file_cache", "duckdb_logs", "duckdb_log_contexts", "duckdb_secrets", "duckdb_secret_types",
    "pg_settings", "current_setting", "getenv", "getvariable", "which_secret",
    "pragma_database_list", "pragma_database_size", "pragma_user_agent", "pragma_platform",
    "pragma_metadata_info", "pragma_storage_info", "pragma_show_databases",
})
# Characters of a table name that make DuckDB read it as a file or URL (FROM 'x.csv', FROM "s3://b/x").
_FILE_CHARS = frozenset("/\\.:*?~")
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
# Clause words that end a FROM list at their parenthesis depth.
_CLAUSE_WORDS = frozenset({"select", "where", "group", "having", "order", "limit", "offset", "qualify", "window",
                           "on", "using", "union", "intersect", "except", "values", "sample"})
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
# tokens: check_tokens
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
    clauses = [""]  # per parenthesis depth: "from" inside a FROM list, else the last clause word
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        prev = toks[i - 1] if i else None
        if tok.kind == "operator" and tok.text == "(":
            calls.append(prev is not None and (prev.kind == "identifier" or (
                prev.kind == "keyword" and prev.word not in _NOT_CALLS)))
            clauses.append("")
        elif tok.kind == "operator" and tok.text == ")" and calls:
            calls.pop()
            clauses.pop()
        elif tok.kind == "keyword" and not tok.quoted:
            clauses[-1] = "from" if tok.word in ("from", "join") else (
                tok.word if tok.word in _CLAUSE_WORDS else clauses[-1])
        # FROM region, '/some/file.csv': a string literal as the next table of a FROM list
        if (tok.kind == "string_const" and prev is not None and prev.text == "," and clauses[-1] == "from"
                and not (calls and calls[-1])):
            return _problem_at("refused", "refused.file_literal", text, tok.start, tok.length,
                               path=tok.text[:80])
        if tok.kind in ("identifier", "keyword") and tok.word in MACHINE_NAMES:
            return _problem_at("refused", "refused.machine", text, tok.start, tok.length, name=tok.word)
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
# statement types: check_statements (DuckDB's parser)
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


# ---------------------------------------------------------------------------
# the parse tree: check_tree (DuckDB's parser, json_serialize_sql)
# ---------------------------------------------------------------------------

_SETTING_NAMES: frozenset[str] | None = None
_NO_LOCATION = 2**64 - 1


def _setting_names(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """DuckDB's setting names and their aliases (SHOW <setting> prints its value)."""
    global _SETTING_NAMES
    if _SETTING_NAMES is None:
        rows = con.execute("SELECT name, aliases FROM duckdb_settings()").fetchall()
        _SETTING_NAMES = frozenset(str(name).lower() for row in rows for name in [row[0], *(row[1] or [])])
    return _SETTING_NAMES


def _relation_like(name: str) -> bool:
    """A built-in relation's name or an upload's or saved dataset's (SHOW region describes a table)."""
    name = name.lower()
    return name in BUILTIN_TABLES or name in BUILTIN_VIEWS or name.startswith(("upload_", "saved_"))


def _tree_nodes(node, where: tuple[int, int] | None = None):
    """Every dict in the JSON parse tree, depth first, with the nearest position (byte offset, length)
    found on it or above it (a table function's call has none of its own)."""
    if isinstance(node, dict):
        loc = node.get("query_location")
        if isinstance(loc, int) and loc != _NO_LOCATION:
            where = (loc, int(node.get("query_location_length") or 0))
        yield node, where
        for value in node.values():
            yield from _tree_nodes(value, where)
    elif isinstance(node, list):
        for value in node:
            yield from _tree_nodes(value, where)


def _tree_problem(node: dict, where: tuple[int, int] | None, text: str,
                  settings: frozenset[str]) -> SqlProblem | None:
    offset = None if where is None else _char_offset(text, where[0])
    length = 0 if where is None else where[1]
    kind, table = node.get("type"), str(node.get("table_name") or "")
    if kind == "BASE_TABLE" and any(ch in _FILE_CHARS for ch in table):
        return _problem_at("refused", "refused.file_literal", text, offset, length, path=table[:80])
    if kind == "BASE_TABLE" and table.lower() in MACHINE_NAMES:
        return _problem_at("refused", "refused.machine", text, offset, length, name=table.lower())
    if kind == "SHOW_REF" and node.get("show_type") == "SHOW" and table and not node.get("query") and (
            table.lower() in settings or not _relation_like(table)):  # SHOW <setting> prints its value
        return _problem_at("refused", "refused.machine", text, offset, length, name=table.lower())
    name = str(node.get("function_name") or "").lower()
    if name and offset is not None and text[offset:offset + len(name)].lower() == name:
        length = len(name)  # the call's own name, not the whole table function clause
    if name in DENIED_FUNCTIONS:
        return _problem_at("refused", "refused.function", text, offset, length, name=name)
    if name in MACHINE_NAMES:
        return _problem_at("refused", "refused.machine", text, offset, length, name=name)
    return None


def _type_word(text: str) -> str:
    try:
        toks = tokens(text)
    except Exception:
        return ""
    return toks[0].word if toks else ""


def check_tree(con: duckdb.DuckDBPyConnection, text: str) -> SqlProblem | None:
    """DuckDB's own parse tree of a SELECT: a table that is a file or URL (FROM region, '/x.csv';
    FROM "x.parquet"), a refused function (called in any way the parser accepts) or a view, function or
    setting that shows the machine (duckdb_databases(), pg_settings, SHOW allowed_paths) is refused.
    None when the tree is clean or cannot be had (the token check and DuckDB's own limits remain)."""
    inner = _explain_inner(text) if _type_word(text) == "explain" else None
    if inner is not None:  # EXPLAIN <query>: the query's tree, positions in the whole text
        problem = check_tree(con, inner)
        if problem is not None and problem.offset is not None:
            rebased = _problem_at(problem.kind, problem.key, text, len(text) - len(inner) + problem.offset,
                                  problem.length, **problem.params)
            return rebased
        return problem
    try:
        tree = json.loads(con.execute("SELECT json_serialize_sql(?::VARCHAR)", [text]).fetchall()[0][0])
        settings = _setting_names(con)
    except (duckdb.Error, TypeError, ValueError):
        return None
    if tree.get("error"):
        return None
    for node, where in _tree_nodes(tree.get("statements") or []):
        problem = _tree_problem(node, where, text, settings)
        if problem is not None:
            return problem
    return None


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

