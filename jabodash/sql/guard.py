"""The guard: the statement itself is checked before it runs (the second line of defence).

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

The first line, DuckDB's own guarantees on the sandbox connection, is in :mod:`jabodash.sql.engine`;
each line is tested on its own in tests/test_sql.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb

from jabodash.sql.problems import SqlProblem, _char_offset, _problem_at, problem_from_exception

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

