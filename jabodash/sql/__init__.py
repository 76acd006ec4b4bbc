"""Read-only SQL console: one sandboxed DuckDB connection per session.

Analysts who know SQL query the built-in tables and views, their own uploads of this session and the
saved datasets. The console cannot change the data, read or write files or URLs, load extensions or
change settings, and a query cannot run forever or exhaust memory.

A query is kept harmless by two lines of defence, each tested on its own in tests/test_sql.py,
and by a process boundary:

* first line, DuckDB's own guarantees: a private in-memory DuckDB per sandbox that attaches the data
  read-only, with external access off, the configuration locked and memory, thread, time and row
  limits (:mod:`jabodash.sql.engine`);
* second line, the statement itself is checked before it runs: DuckDB's parser must find one
  statement of a reading type, its parse tree (``json_serialize_sql``) must name no file or URL as a
  table and no function or view that shows the machine (paths, settings), and the tokens must hold no word or function that writes, reads files
  or URLs or runs SQL text (:mod:`jabodash.sql.guard`);
* what DuckDB does not bound (an allocation outside its buffer manager, a loop that ignores the
  interrupt) is bounded by running the engine in a worker process with a capped address space that is
  killed at the time limit (:mod:`jabodash.sql.worker`).

The package:

=============  ==========================================================================================
``settings``   limits (defaults, JABODASH_SQL_* environment variables), the built-in relation names
``problems``   :class:`SqlProblem`: a refused or failed query as a translatable message with its position
``guard``      :func:`check_statements`, :func:`check_tree`, :func:`check_tokens`: the second line of defence
``output``     :class:`Result`: the rows read, the page's share of them, CSV/Parquet/JSON downloads
``examples``   :func:`examples`: the example queries of queries/examples/
``relations``  :func:`table_name`, :func:`saved_datasets`: uploads and saved datasets as relations
``engine``     the locked-down DuckDB connection and the runner (the first line of defence)
``worker``     the worker process and its pipe protocol; ``__main__`` is its entry point
``sandbox``    :class:`Sandbox`, :func:`run_query`: what the page and the command line use
=============  ==========================================================================================

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

    Sandbox(owner=session_id) and set_session_probe(is_active) end a session's worker with its session.

This package must not import streamlit.
"""
from jabodash.sql.examples import EXAMPLES_DIR, Example, examples
from jabodash.sql.guard import (
    DENIED_FUNCTIONS,
    DENIED_WORDS,
    LEADING_WORDS,
    MACHINE_NAMES,
    PIVOT_WORDS,
    check_statements,
    check_tokens,
    check_tree,
    tokens,
)
from jabodash.sql.output import Result
from jabodash.sql.problems import SqlProblem, problem_from_exception
from jabodash.sql.relations import saved_datasets, table_name
from jabodash.sql.sandbox import RelationInfo, Sandbox, default_isolation, run_query
from jabodash.sql.settings import (
    BATCH_ROWS,
    BUILTIN_TABLES,
    BUILTIN_VIEWS,
    CATALOG,
    DEFAULT_DISPLAY_ROWS,
    DEFAULT_DOWNLOAD_CAP,
    DEFAULT_DOWNLOAD_MAX_BYTES,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_THREADS,
    DEFAULT_TIMEOUT_S,
    MAX_QUERY_CHARS,
    memory_bytes,
    settings_from_env,
)
from jabodash.sql.worker import WorkersBusy, live_workers, reap, set_session_probe

__all__ = [
    "BATCH_ROWS", "BUILTIN_TABLES", "BUILTIN_VIEWS", "CATALOG", "DEFAULT_DISPLAY_ROWS", "DEFAULT_DOWNLOAD_CAP",
    "DEFAULT_DOWNLOAD_MAX_BYTES", "DEFAULT_MEMORY_LIMIT", "DEFAULT_THREADS", "DEFAULT_TIMEOUT_S", "DENIED_FUNCTIONS",
    "DENIED_WORDS", "EXAMPLES_DIR", "Example", "LEADING_WORDS", "MACHINE_NAMES", "MAX_QUERY_CHARS", "PIVOT_WORDS", "RelationInfo",
    "Result", "Sandbox", "SqlProblem", "check_statements", "check_tokens", "check_tree", "default_isolation", "examples",
    "memory_bytes", "problem_from_exception", "run_query", "saved_datasets", "settings_from_env", "table_name",
    "tokens", "WorkersBusy", "live_workers", "reap", "set_session_probe",
]
