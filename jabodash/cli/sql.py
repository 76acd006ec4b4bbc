"""python -m jabodash sql "QUERY" [--format table|csv|json] [--timeout S] [--max-rows N] [--lang id|en]

Runs one query through exactly the sandbox of the SQL page (jabodash.sql.Sandbox: read-only,
no files/URLs/extensions, locked settings, time and memory limits, one statement of a reading type)
and prints the result. ``-`` as QUERY reads the query from standard input.

* table (default): the first rows as a text table, then the row count and time;
* csv: every row read (up to --max-rows), formula-safe CSV without BOM;
* json: {"columns", "types", "rows", "row_count", "truncated", "elapsed_s"}.

Exit status: 0 the query ran; 1 DuckDB reported an error, the time or memory limit stopped it;
3 the console refused the query (it would write, read files, hold several statements ...); 2 usage.
Messages go to standard error, in the chosen language; a traceback is never shown.
"""
from __future__ import annotations

import argparse
import sys

from jabodash.core.i18n import t
from jabodash.sql import run_query

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3


def register(subparsers) -> None:
    p = subparsers.add_parser("sql", help="run one read-only SQL query through the SQL console's sandbox", description=__doc__.split("\n\n")[1],
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", help='the SQL query (one statement); "-" reads it from standard input')
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--timeout", type=float, default=None, metavar="S",
                   help="time limit in seconds (default 10 or JABODASH_SQL_TIMEOUT_S)")
    p.add_argument("--max-rows", type=int, default=None, metavar="N",
                   help="read at most N rows (default 1,000,000 or JABODASH_SQL_DOWNLOAD_CAP)")
    p.add_argument("--display-rows", type=int, default=50, metavar="N",
                   help="rows printed by --format table (default 50)")
    p.add_argument("--memory-limit", default=None, metavar="SIZE", help="DuckDB memory limit (default 1GB or JABODASH_SQL_MEMORY_LIMIT)")
    p.add_argument("--lang", choices=("id", "en"), default="id")
    p.set_defaults(func=run)


def _positive(value, name: str) -> None:
    if value is not None and value <= 0:
        raise ValueError(f"{name} must be positive")


def run(args) -> int:
    from jabodash.official import dataset  # noqa: F401 - registers the BPS refresh kind (saved_<id> relations)
    lang = args.lang
    query = sys.stdin.read() if args.query == "-" else args.query
    try:
        _positive(args.timeout, "--timeout")
        _positive(args.max_rows, "--max-rows")
        _positive(args.display_rows, "--display-rows")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    options = {"display_rows": args.display_rows}
    if args.timeout is not None:
        options["timeout_s"] = args.timeout
    if args.max_rows is not None:
        options["download_cap"] = args.max_rows
    if args.memory_limit:
        options["memory_limit"] = args.memory_limit
    try:
        result = run_query(query, **options)
    except ValueError as exc:  # a limit the sandbox cannot use, e.g. --memory-limit lots
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not result.ok:
        problem = result.error
        label = {"refused": "sql.cli.refused", "timeout": "sql.cli.timeout"}.get(problem.kind, "sql.cli.failed")
        print(f"{t(label, lang)}: {problem.text(lang)}", file=sys.stderr)
        context = problem.context()
        if context:
            print(context, file=sys.stderr)
        return EXIT_REFUSED if problem.kind == "refused" else EXIT_FAILED
    out = sys.stdout
    if args.format == "csv":
        out.write(result.to_csv(bom=False).decode("utf-8").replace("\r\n", "\n"))
    elif args.format == "json":
        out.write(result.to_json() + "\n")
    else:
        df = result.df
        if len(df.columns):
            out.write(df.to_string(index=False, max_colwidth=60) + "\n")
        out.write(result.summary(lang) + "\n")
    if result.truncated:
        print(t("sql.cli.truncated", lang, rows=f"{result.rows:,}"), file=sys.stderr)
    elif args.format == "table" and result.rows > result.shown:
        print(t("sql.cli.display_limited", lang, shown=result.shown, rows=f"{result.rows:,}"), file=sys.stderr)
    out.flush()
    return EXIT_OK
