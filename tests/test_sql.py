"""SQL console (jabodash.sql, python -m jabodash sql): hostile statements are refused or stopped
with the right message, each line of defence on its own; ordinary analytical queries give the right
values; uploads stay in their session; errors carry their position; exports; schema; examples; CLI."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from jabodash.cli import main
from jabodash.core import i18n
from jabodash.ingest import read_upload
from jabodash.sql import (
    BUILTIN_TABLES,
    BUILTIN_VIEWS,
    DEFAULT_DOWNLOAD_CAP,
    MAX_QUERY_CHARS,
    Sandbox,
    check_statements,
    check_tokens,
    examples,
    problem_from_exception,
    table_name,
)
from jabodash.sql import sandbox as sandbox_mod
from jabodash.sql import worker as worker_mod
from jabodash.sql.engine import _Engine
from jabodash.sql.worker import _from_ipc, _run_reply
from jabodash.store import Store, database_path, shelf

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def db_path():
    return database_path()


@pytest.fixture(scope="module")
def upload():
    return pd.DataFrame({"region_code": ["3171", "3276", "3674"], "indicator": ["bike_lanes_km"] * 3,
                         "year": [2024] * 3, "value": [12.5, 4.0, 7.25]})


@pytest.fixture(scope="module", params=["process", "thread"])
def box(request, db_path, upload):
    """The sandbox in both isolations: every test using it runs twice."""
    with Sandbox(db_path, uploads={"upload_bike": (upload, "sepeda.csv")}, timeout_s=1.5,
                 memory_limit="256MB", display_rows=100, download_cap=20_000, include_saved=False,
                 isolation=request.param) as sb:
        yield sb


@pytest.fixture(scope="module")
def parser():
    con = duckdb.connect()
    yield con
    con.close()


@pytest.fixture(scope="module")
def store(db_path):
    s = Store(db_path)
    yield s
    s.close()


def _assert_data_intact(box: Sandbox) -> None:
    assert box.run("SELECT count(*) AS n FROM region").df["n"][0] == 15
    tables = set(box.run("SHOW TABLES").df["name"])
    assert {"region", "observation", "flow", "dataset", "observation_all"} <= tables


# ---------------------------------------------------------------------------
# hostile statements through the whole console
# ---------------------------------------------------------------------------

def _hostile(tmp: Path) -> list[tuple[str, str]]:
    out = tmp / "out"
    return [
        # data-changing statements
        ("INSERT INTO region (code) VALUES ('9999')", "refused.statement.modify"),
        ("UPDATE region SET name = 'x'", "refused.statement.modify"),
        ("DELETE FROM observation", "refused.statement.modify"),
        ("CREATE TABLE x AS SELECT 1", "refused.statement.modify"),
        ("CREATE TEMP TABLE x AS SELECT 1", "refused.statement.modify"),
        ("CREATE OR REPLACE TEMP VIEW region AS SELECT 1", "refused.statement.modify"),
        ("CREATE MACRO m(x) AS x", "refused.statement.modify"),
        ("DROP TABLE region", "refused.statement.modify"),
        ("ALTER TABLE region ADD COLUMN z INTEGER", "refused.statement.modify"),
        ("TRUNCATE region", "refused.statement.modify"),
        ("MERGE INTO region USING region r2 ON true WHEN MATCHED THEN DELETE", "refused.statement.modify"),
        ("WITH t AS (SELECT 1) INSERT INTO region SELECT * FROM t", "refused.statement.modify"),
        ("VACUUM", "refused.statement.modify"),
        # files
        (f"COPY region TO '{out}.csv'", "refused.statement.files"),
        (f"COPY (SELECT * FROM observation) TO '{out}.parquet' (FORMAT parquet)", "refused.statement.files"),
        (f"COPY region FROM '{out}.csv'", "refused.statement.files"),
        (f"EXPORT DATABASE '{out}_db'", "refused.statement.files"),
        (f"IMPORT DATABASE '{out}_db'", "refused.statement.files"),
        # other databases
        (f"ATTACH '{out}.duckdb' AS other", "refused.statement.attach"),
        ("ATTACH ':memory:' AS scratch", "refused.statement.attach"),
        ("DETACH jabodash", "refused.statement.attach"),
        ("USE system", "refused.statement.attach"),
        # extensions
        ("INSTALL httpfs", "refused.statement.extension"),
        ("FORCE INSTALL httpfs", "refused.statement.extension"),
        ("LOAD httpfs", "refused.statement.extension"),
        # settings
        ("SET enable_external_access = true", "refused.statement.settings"),
        ("SET lock_configuration = false", "refused.statement.settings"),
        ("RESET memory_limit", "refused.statement.settings"),
        ("SET VARIABLE x = 1", "refused.statement.settings"),
        ("PRAGMA version", "refused.statement.settings"),
        ("CALL pragma_version()", "refused.statement.settings"),
        ("CALL read_csv('/etc/passwd')", "refused.statement.settings"),
        ("CALL glob('/etc/*')", "refused.statement.settings"),
        ("CHECKPOINT", "refused.statement.settings"),
        # transactions, prepared statements
        ("BEGIN TRANSACTION", "refused.statement.transaction"),
        ("ROLLBACK", "refused.statement.transaction"),
        ("PREPARE p AS SELECT 1", "refused.statement.other"),
        ("EXECUTE p", "refused.statement.other"),
        ("UPDATE EXTENSIONS", "refused.statement.other"),
        # stacked statements, comments hiding keywords
        ("SELECT 1; DROP TABLE region", "refused.multiple"),
        ("SELECT 1;\nDROP TABLE region;", "refused.multiple"),
        ("SELECT 1 -- harmless?\n; COPY region TO '/tmp/x.csv'", "refused.multiple"),
        ("SELECT 1;;SELECT 2", "refused.multiple"),
        ("/* SELECT */ DROP TABLE region", "refused.statement.modify"),
        ("-- SELECT 1\nDELETE FROM region", "refused.statement.modify"),
        ("EXPLAIN ANALYZE COPY region TO '/tmp/x.csv'", "refused.statement.files"),
        ("EXPLAIN (FORMAT json) DELETE FROM region", "refused.statement.modify"),
        ("EXPLAIN INSERT INTO region (code) VALUES ('1')", "refused.statement.modify"),
        # table functions that read files, URLs or run SQL text
        ("SELECT * FROM read_csv('/etc/passwd')", "refused.function"),
        ("SELECT * FROM read_csv_auto('/etc/passwd', header = false)", "refused.function"),
        ('SELECT * FROM "READ_CSV"(\'/etc/passwd\')', "refused.function"),
        ("SELECT * FROM read_csv /* hide */ ('/etc/passwd')", "refused.function"),
        ("SELECT * FROM read_parquet('https://example.com/x.parquet')", "refused.function"),
        ("SELECT * FROM read_json('/etc/passwd')", "refused.function"),
        ("SELECT * FROM read_text('/etc/passwd')", "refused.function"),
        ("SELECT * FROM read_blob('/etc/hostname')", "refused.function"),
        ("SELECT * FROM glob('/etc/*')", "refused.function"),
        ("SELECT * FROM sniff_csv('/etc/passwd')", "refused.function"),
        ("SELECT * FROM parquet_scan('/tmp/x.parquet')", "refused.function"),
        ("SELECT * FROM query('SELECT * FROM read_csv(''/etc/passwd'')')", "refused.function"),
        ("SELECT * FROM query_table('region')", "refused.function"),
        ("FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))", "refused.function"),
        ("FROM duckdb_secrets()", "refused.function"),
        ("FROM enable_logging(storage = 'file', storage_path = '/tmp/logs')", "refused.function"),
        ("WITH x AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM x", "refused.function"),
        ("FROM '/etc/passwd'", "refused.file_literal"),
        ("SELECT * FROM region JOIN 'https://example.com/x.csv' ON true", "refused.file_literal"),
        ("DESCRIBE '/etc/passwd'", "refused.file_literal"),
        ("SUMMARIZE '/etc/passwd'", "refused.file_literal"),
        ("PIVOT '/etc/passwd' ON a USING count(*)", "refused.file_literal"),
        # nothing to run
        ("", "refused.empty"),
        ("   -- only a comment", "refused.empty"),
        (";", "refused.empty"),
    ]


def test_hostile_statements_are_refused_with_the_reason(box, tmp_path):
    for sql, key in _hostile(tmp_path):
        result = box.run(sql)
        assert not result.ok, sql
        problem = result.error
        assert problem.kind == "refused", (sql, problem)
        assert problem.key == key, (sql, problem.key)
        for lang in ("id", "en"):
            text = problem.text(lang)
            assert text and not text.startswith("sql."), (sql, text)
            assert "{" not in problem.message(lang), (sql, lang)
        assert result.table is None and result.df.empty
    assert not list(tmp_path.iterdir()), "a refused statement wrote a file"
    _assert_data_intact(box)


def test_refusals_point_at_the_offending_word(box):
    problem = box.run("SELECT 1,\n  x FROM read_csv('/etc/passwd')").error
    assert (problem.line, problem.column) == (2, 10)
    assert "read_csv" in problem.context().splitlines()[0]
    assert problem.context().splitlines()[1].strip() == "^" * len("read_csv")
    problem = box.run("SELECT 1; DROP TABLE region").error
    assert (problem.line, problem.column) == (1, 11)
    assert "2" in problem.message("en")
    problem = box.run("DROP TABLE region").error
    assert "DROP" in problem.message("id") and "DROP" in problem.message("en")
    assert "hanya membaca" in problem.message("id")


def test_comments_and_strings_do_not_trigger_refusals(box):
    ok = [
        "SELECT 1 /* ; DROP TABLE region */",
        "SELECT 'DROP TABLE region; COPY x TO y' AS text",
        "SELECT 1 AS \"update\", 2 AS \"load\"  -- DELETE FROM region",
        "SELECT $$read_csv('/etc/passwd')$$ AS s",
        "SELECT extract(year FROM '2024-03-01'::DATE) AS y",
        "SELECT name FROM region WHERE name GLOB 'Kota *'",
        "SELECT 1;",
        "SELECT 1; -- trailing comment",
    ]
    for sql in ok:
        result = box.run(sql)
        assert result.ok, (sql, result.error and result.error.text("en"))


# ---------------------------------------------------------------------------
# each line of defence on its own
# ---------------------------------------------------------------------------

def test_first_line_duckdb_itself_refuses_without_our_checks(box, tmp_path):
    """What DuckDB guarantees in this sandbox with the statement checks switched off."""
    out = tmp_path / "x"
    cases = [
        ("SELECT * FROM read_csv('/etc/passwd')", "error.permission"),
        ("SELECT * FROM read_text('/etc/passwd')", "error.permission"),
        ("SELECT * FROM glob('/etc/*')", "error.permission"),
        ("SELECT * FROM read_parquet('https://example.com/x.parquet')", "error.permission"),
        (f"COPY region TO '{out}.csv'", "error.permission"),
        (f"COPY (SELECT 1) TO '{out}.parquet'", "error.permission"),
        (f"EXPORT DATABASE '{out}_db'", "error.permission"),
        (f"ATTACH '{out}.duckdb' AS other", "error.permission"),
        ("INSTALL httpfs", "error.permission"),
        ("LOAD httpfs", "error.permission"),
        ("CREATE SECRET s (TYPE s3)", None),  # fails (no secret types without extensions)
        ("SET enable_external_access = true", "error.locked"),
        ("SET lock_configuration = false", "error.locked"),
        ("SET memory_limit = '100GB'", "error.locked"),
        ("SET python_enable_replacements = true", "error.locked"),
        ("FROM enable_logging(storage = 'file', storage_path = '/tmp/logs')", "error.locked"),
        ("DROP TABLE region", "error.read_only"),
        ("CREATE TABLE x (a INTEGER)", "error.read_only"),
        ("INSERT INTO region (code) VALUES ('9999')", "error.read_only"),
        ("UPDATE region SET name = 'x'", "error.read_only"),
        ("DELETE FROM observation", "error.read_only"),
        ("ALTER TABLE region ADD COLUMN z INTEGER", "error.read_only"),
        ("FROM '/etc/passwd'", "error.catalog"),  # no file replacement scan
        ("DESCRIBE '/etc/passwd'", "error.catalog"),
        ("SUMMARIZE '/etc/passwd'", "error.catalog"),
    ]
    for sql, key in cases:
        result = box._run_unchecked(sql)
        assert not result.ok, sql
        assert key is None or result.error.key == key, (sql, result.error.key, result.error.detail)
        assert result.error.detail, sql
    assert not list(tmp_path.iterdir())
    _assert_data_intact(box)


def test_first_line_settings_are_what_we_asked_for(box):
    settings = box.settings()
    assert settings["max_execution_time"] == "1500"
    assert settings["enable_external_access"] == "false"
    assert settings["lock_configuration"] == "true"
    assert settings["python_enable_replacements"] == "false"
    assert settings["temp_directory"] == ""
    assert settings["threads"] == "1"
    assert settings["autoinstall_known_extensions"] == "false"
    dbs = box._run_unchecked("SELECT database_name, readonly FROM duckdb_databases() WHERE NOT internal").df
    assert dict(zip(dbs["database_name"], dbs["readonly"])) == {"jabodash": True}


def test_first_line_python_variables_are_not_readable(box):
    secret_frame = pd.DataFrame({"secret": ["from another session"]})  # noqa: F841 (the query names it)
    result = box._run_unchecked("SELECT * FROM secret_frame")
    assert not result.ok and result.error.key == "error.catalog"


def test_second_line_tokens_refuse_what_the_parser_calls_a_select(parser):
    """SELECTs that DuckDB's parser accepts as reading queries are still refused by the token check."""
    for sql in ["SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM glob('/etc/*')",
                "FROM '/etc/passwd'", "SELECT * FROM query('SELECT 1')",
                'SELECT * FROM "read_text"(\'/etc/passwd\')']:
        assert check_statements(parser, sql) is None, sql
        problem = check_tokens(sql)
        assert problem is not None and problem.kind == "refused", sql


def test_second_line_tokens_alone_refuse_every_hostile_statement(tmp_path):
    for sql, _key in _hostile(tmp_path):
        problem = check_tokens(sql)
        assert problem is not None and problem.kind == "refused", sql
        assert problem.key.startswith("refused."), (sql, problem.key)


def test_first_line_parser_alone_refuses_every_statement_that_is_not_a_read(parser, tmp_path):
    for sql, key in _hostile(tmp_path):
        if key.startswith("refused.statement") or key in ("refused.multiple", "refused.empty"):
            problem = check_statements(parser, sql)
            assert problem is not None and problem.kind == "refused", sql
            assert problem.key == key, (sql, problem.key)


def test_reading_statements_of_every_allowed_kind_run(box):
    for sql in ["SELECT 1", "WITH a AS (SELECT 2 AS x) SELECT * FROM a", "FROM region LIMIT 2",
                "VALUES (1), (2)", "TABLE region", "DESCRIBE region", "DESCRIBE SELECT 1 AS a",
                "SHOW TABLES", "SHOW ALL TABLES", "SUMMARIZE observation", "EXPLAIN SELECT 1",
                "EXPLAIN ANALYZE SELECT count(*) FROM observation",
                "PIVOT region ON kind USING count(*) GROUP BY province",
                "UNPIVOT (SELECT 1 AS a, 2 AS b) ON a, b",
                "(SELECT 1) UNION ALL (SELECT 2)"]:
        result = box.run(sql)
        assert result.ok, (sql, result.error and result.error.text("en"))
        assert result.rows >= 1, sql


# ---------------------------------------------------------------------------
# limits
# ---------------------------------------------------------------------------

def test_a_cross_join_that_runs_forever_is_stopped(box):
    result = box.run("SELECT count(*) FROM range(1000000) a, range(1000000) b", timeout_s=1)
    assert not result.ok and result.error.kind == "timeout"
    assert result.error.key == "error.timeout"
    assert "1 detik" in result.error.message("id") and "1 s" in result.error.message("en")
    assert box.run("SELECT 42 AS x").df["x"][0] == 42  # the connection is usable afterwards


def test_a_streaming_query_that_never_ends_is_stopped(box):
    result = box.run("SELECT a.range FROM range(1000000) a, range(1000000) b WHERE a.range + b.range < 0",
                     timeout_s=1)
    assert not result.ok and result.error.kind == "timeout"


def test_fifty_million_rows_never_materialise(box):
    result = box.run("SELECT range AS i, range * 2 AS j FROM range(50000000)")
    assert result.ok
    assert result.truncated and result.limit_reason == "rows"
    assert result.rows == box.download_cap == 20_000
    assert len(result.df) == box.display_rows == 100
    assert "lebih dari" in result.summary("id") and "more than" in result.summary("en")
    assert "LIMIT" in result.notice("en")


def test_display_rows_and_download_rows(box):
    result = box.run("SELECT range AS i FROM range(5000)")
    assert result.ok and not result.truncated
    assert result.rows == 5000 and len(result.df) == 100
    assert "5.000" in result.notice("id") and "5,000" in result.notice("en")
    assert len(result.frame()) == 5000


def test_download_byte_cap(db_path):
    with Sandbox(db_path, include_saved=False, download_max_bytes=1_000_000) as sb:
        result = sb.run("SELECT repeat('x', 1000) AS s FROM range(100000)")
    assert result.ok and result.truncated and result.limit_reason == "bytes"
    assert result.rows < 100000


def test_memory_limit_stops_a_greedy_query(db_path):
    with Sandbox(db_path, include_saved=False, memory_limit="64MB", timeout_s=10) as sb:
        result = sb.run("SELECT length(string_agg(repeat('x', 1000), '')) FROM range(1000000)")
        assert not result.ok and result.error.kind == "memory", result.error
        assert "64MB" in result.error.message("en")
        assert sb.run("SELECT 1 AS one").ok


def _process_box(db_path, upload, **kw):
    return Sandbox(db_path, uploads={"upload_bike": upload}, include_saved=False, isolation="process",
                   memory_limit="256MB", **kw)


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) / 1024 for line in fh if line.startswith("VmRSS:"))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_giant_value_fails_in_the_worker_not_in_the_app(db_path, upload):
    """DuckDB's memory_limit does not see one huge string; the worker's address-space cap does."""
    with _process_box(db_path, upload, timeout_s=5) as sb:
        before = _rss_mb()
        result = sb.run("SELECT length(repeat('x', 1500000000)) AS n")
        assert not result.ok and result.error.kind == "memory", result.error
        assert _rss_mb() - before < 100
        assert sb.run("SELECT count(*) AS n FROM upload_bike").df["n"][0] == 3


def test_a_query_that_ignores_the_interrupt_is_ended_with_its_worker(db_path, upload):
    """One long string operation does not look at DuckDB's interrupt; the worker is killed at the
    time limit itself (issue 28: it was the limit plus a 3 s grace) and a new one (with the uploads)
    serves the next query. The operation (30 million regex replacements in one value, several
    seconds) is far longer than the limit, so the kill happens on a fast machine too."""
    with _process_box(db_path, upload, timeout_s=1) as sb:
        assert sb.run("SELECT 1 AS warm").ok  # the worker has started
        first = sb._worker.proc.pid
        started = time.monotonic()
        result = sb.run("SELECT length(regexp_replace(repeat('x', 30000000), 'x', 'yy', 'g')) AS n")
        took = time.monotonic() - started
        assert not result.ok and result.error.kind == "timeout", result.error
        assert result.error.params["seconds"] == "1"
        assert took < 2.5, took        # the limit (1 s) and the kill, not the limit plus a grace
        after = sb.run("SELECT sum(value) AS s FROM upload_bike")
        assert after.ok and after.df["s"][0] == pytest.approx(23.75)
        assert sb._worker.proc.pid != first and sb._worker.restarts == 1


def test_lpad_of_two_gigabytes_is_stopped_within_the_time_limit(db_path, upload):
    """Issue 28: SELECT length(lpad('', 2147483647, 'x')) ran 14.7 s (953 MB) against a 10 s limit."""
    with _process_box(db_path, upload, timeout_s=2) as sb:
        assert sb.run("SELECT 1 AS warm").ok
        started = time.monotonic()
        result = sb.run("SELECT length(lpad('', 2147483647, 'x'))")
        took = time.monotonic() - started
        assert not result.ok and result.error.kind in ("timeout", "memory"), result.error
        assert took < 3.5, took        # before: the limit plus a 3 s grace (5 s and more)
        assert sb.run("SELECT count(*) AS n FROM upload_bike").df["n"][0] == 3


def test_a_worker_that_died_is_replaced(db_path, upload):
    with _process_box(db_path, upload, timeout_s=5) as sb:
        assert sb.run("SELECT 1 AS one").ok
        os.kill(sb._worker.proc.pid, signal.SIGKILL)
        sb._worker.proc.wait(timeout=5)
        result = sb.run("SELECT count(*) AS n FROM upload_bike")
        assert result.ok and result.df["n"][0] == 3
    assert sb._worker.proc is None  # closed with the sandbox


# --- both limits hold for the whole request (execution, fetch and conversion) -------------------

def _engine(db_path, **kw) -> _Engine:
    args = dict(timeout_s=1.0, memory_limit="256MB", threads=1, download_cap=1000, download_max_bytes=10**6)
    return _Engine(str(db_path), **{**args, **kw})


def test_the_time_limit_counts_from_the_request_start(db_path):
    """A request that reaches the engine when its time is already spent is a timeout, however quick
    the query: the limit is the request's, not only DuckDB's execution."""
    engine = _engine(db_path)
    try:
        assert engine.run("SELECT 1 AS one").ok
        late = engine.run("SELECT 1 AS one", started=time.monotonic() - 5)
        assert not late.ok and late.error.kind == "timeout" and late.table is None
        assert "1 s" in late.error.message("en")
        reply, blobs = _run_reply(engine, {"sql": "SELECT 1 AS one", "started": time.monotonic() - 5},
                                  time.monotonic())
        assert reply["error"]["kind"] == "timeout" and blobs == []
        reply, blobs = _run_reply(engine, {"sql": "SELECT 1 AS one"}, time.monotonic())
        assert reply["error"] is None and _from_ipc(bytes(blobs[0])).to_pydict() == {"one": [1]}
    finally:
        engine.close()


def test_a_result_whose_conversion_ends_past_the_limit_is_a_timeout(db_path, monkeypatch):
    """The engine's conversion of the batches counts: a result ready only after the limit
    (JABODASH_SQL_TIMEOUT_S=1) is refused as a timeout, and the next query runs."""
    monkeypatch.setenv("JABODASH_SQL_TIMEOUT_S", "1")
    convert, slow = _Engine._convert, [True]

    def slow_convert(batches, schema, cap):
        if slow.pop() if slow else False:
            time.sleep(1.5)
        return convert(batches, schema, cap)

    monkeypatch.setattr(_Engine, "_convert", staticmethod(slow_convert))
    with Sandbox(db_path, include_saved=False, isolation="thread") as sb:
        assert sb.timeout_s == 1
        result = sb.run("SELECT range AS i FROM range(10)")
        assert not result.ok and result.error.kind == "timeout" and result.error.key == "error.timeout"
        assert result.rows == 0
        assert sb.run("SELECT 42 AS x").df["x"][0] == 42


def test_the_worker_conversion_for_the_reply_counts(db_path, monkeypatch):
    """The worker's conversion to Arrow IPC counts too: a reply ready after the limit is a timeout."""
    engine = _engine(db_path)
    ipc = worker_mod._ipc_buffer

    def slow_ipc(table):
        time.sleep(1.5)
        return ipc(table)

    monkeypatch.setattr(worker_mod, "_ipc_buffer", slow_ipc)
    try:
        reply, blobs = _run_reply(engine, {"sql": "SELECT range AS i FROM range(10)"}, time.monotonic())
        assert reply["error"]["kind"] == "timeout" and blobs == []
    finally:
        engine.close()


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_the_rows_read_stay_within_the_memory_limit(db_path, monkeypatch, isolation):
    """With JABODASH_SQL_MEMORY_LIMIT=64MB the rows read (and so their conversion) stop at a quarter
    of it, reported as a cut result, even though the download byte cap (256 MB) is larger."""
    monkeypatch.setenv("JABODASH_SQL_MEMORY_LIMIT", "64MB")
    with Sandbox(db_path, include_saved=False, isolation=isolation, timeout_s=30) as sb:
        assert sb.download_max_bytes == 256 * 2**20
        result = sb.run("SELECT repeat('x', 1000) || range AS s FROM range(100000)")   # about 100 MB
        assert result.ok, result.error
        assert result.truncated and result.limit_reason == "bytes"
        assert 0 < result.rows < 100000
        assert result.table.nbytes <= 16 * 10**6 + 8192 * 1100   # the budget plus one batch
        assert "larger than the console reads" in result.notice("en")
        assert sb.run("SELECT count(*) AS n FROM range(5)").df["n"][0] == 5


def test_query_length_limit(box):
    result = box.run("SELECT 1" + " " * MAX_QUERY_CHARS)
    assert result.error.key == "refused.too_long"


# ---------------------------------------------------------------------------
# ordinary analytical queries
# ---------------------------------------------------------------------------

def test_counts_and_sums_match_the_store(box, store):
    for sql in ["SELECT count(*) AS n FROM observation",
                "SELECT count(*) AS n FROM observation_all",
                "SELECT sum(value) AS n FROM observation WHERE indicator_id = 'population_census' AND year = 2020",
                "SELECT count(DISTINCT indicator_id) AS n FROM observation_all"]:
        expected = store.cursor().execute(sql).fetchall()[0][0]
        assert box.run(sql).df["n"][0] == pytest.approx(expected), sql


def test_density_ranking_is_population_over_area(box, store):
    result = box.run("SELECT region_code, value FROM derived_density "
                     "WHERE indicator_id = 'population_density_census' AND year = 2020 ORDER BY value DESC")
    assert result.ok and result.rows == 15
    pop = store.cursor().execute("SELECT region_code, value FROM observation WHERE "
                                 "indicator_id = 'population_census' AND year = 2020").df()
    area = store.cursor().execute("SELECT code AS region_code, area_km2 FROM region").df()
    expected = pop.merge(area).assign(d=lambda d: d["value"] / d["area_km2"]).sort_values("d", ascending=False)
    assert list(result.df["region_code"]) == list(expected["region_code"])
    assert result.df["value"].tolist() == pytest.approx(expected["d"].tolist())
    assert result.df["region_code"][0] == "3173"  # Jakarta Pusat is the densest


def test_an_upload_joins_the_built_in_tables(box, upload):
    result = box.run("""
        SELECT r.short_name, u.value / p.value * 100000 AS per_100k
        FROM upload_bike u
        JOIN region r ON r.code = u.region_code
        JOIN observation p ON p.region_code = u.region_code
             AND p.indicator_id = 'population_census' AND p.year = 2020
        ORDER BY r.code""")
    assert result.ok, result.error and result.error.text("en")
    assert result.rows == 3
    assert list(result.df["short_name"]) == ["Jakarta Selatan", "Depok", "Tangerang Selatan"]
    assert (result.df["per_100k"] > 0).all()
    assert result.types == ["VARCHAR", "DOUBLE"]


def test_uploads_never_leak_between_sessions(db_path, upload):
    with Sandbox(db_path, uploads={"upload_mine": upload}, include_saved=False) as a, \
            Sandbox(db_path, uploads={"upload_theirs": upload.assign(value=0)}, include_saved=False) as b:
        assert a.run("SELECT sum(value) AS s FROM upload_mine").df["s"][0] == pytest.approx(23.75)
        other = a.run("SELECT * FROM upload_theirs")
        assert not other.ok and other.error.key == "error.catalog"
        assert not b.run("SELECT * FROM upload_mine").ok
        assert b.run("SELECT sum(value) AS s FROM upload_theirs").df["s"][0] == 0
        # uploads added after the lock still work, and can be removed
        a.add_upload("upload_late", pd.DataFrame({"x": [1, 2, 3]}), title="late.csv")
        assert a.run("SELECT sum(x) AS s FROM upload_late").df["s"][0] == 6
        assert not b.run("SELECT * FROM upload_late").ok
        a.remove_upload("upload_late")
        assert not a.run("SELECT * FROM upload_late").ok


def test_sync_uploads_follows_the_session(db_path, upload):
    with Sandbox(db_path, include_saved=False) as sb:
        first = pd.DataFrame({"a": [1]})
        sb.sync_uploads({"upload_a": first, "upload_b": (upload, "b.csv")})
        assert sorted(sb.uploads) == ["upload_a", "upload_b"]
        sb.sync_uploads({"upload_a": first, "upload_b": (upload, "b.csv")})  # a rerun: nothing changes
        sb.sync_uploads({"upload_a": pd.DataFrame({"a": [5]})})
        assert sb.uploads == ["upload_a"]
        assert sb.run("SELECT a FROM upload_a").df["a"][0] == 5
        assert not sb.run("SELECT * FROM upload_b").ok
        sb.sync_uploads({})
        assert sb.uploads == [] and [r.kind for r in sb.schema()] == ["table"] * len(BUILTIN_TABLES) + ["view"] * len(BUILTIN_VIEWS)


def test_limits_come_from_arguments_or_the_environment(db_path, monkeypatch):
    monkeypatch.setenv("JABODASH_SQL_TIMEOUT_S", "2.5")
    monkeypatch.setenv("JABODASH_SQL_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("JABODASH_SQL_DOWNLOAD_CAP", "not a number")
    with Sandbox(db_path, include_saved=False, display_rows=10) as sb:
        assert sb.timeout_s == 2.5 and sb.memory_limit == "300MB"
        assert sb.download_cap == DEFAULT_DOWNLOAD_CAP and sb.display_rows == 10
        assert sb.settings()["memory_limit"].startswith("286")
        assert "2,5 detik" in sb.limits_text("id") and "300MB" in sb.limits_text("en")
    with pytest.raises(ValueError):
        Sandbox(db_path, include_saved=False, memory_limit="1GB'; SET x=1")


def test_upload_names_are_checked(db_path):
    with pytest.raises(ValueError):
        Sandbox(db_path, uploads={"region": pd.DataFrame({"a": [1]})}, include_saved=False)
    with pytest.raises(ValueError):
        Sandbox(db_path, uploads={"x; DROP TABLE region": pd.DataFrame({"a": [1]})}, include_saved=False)
    assert table_name("Data Puskesmas 2024.csv") == "upload_data_puskesmas_2024"
    assert table_name("Jumlah Penduduk (BPS).xlsx", taken=["upload_jumlah_penduduk_bps"]) \
        == "upload_jumlah_penduduk_bps_2"
    assert table_name("../../etc/passwd") == "upload_etc_passwd"
    assert table_name("") == "upload_data"


def test_saved_datasets_are_visible(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    data = "kabupaten_kota;tahun;jumlah\nKota Depok;2023;10\nKota Bekasi;2023;12\nKabupaten Bogor;2023;30\n"
    result = read_upload(data.encode(), "taman.csv")
    assert result.ok, [m.text("en") for m in result.errors]
    ds_id = shelf.save_dataset(result, data.encode(), "taman.csv", {"title": "Taman kota 2023"})
    name = "saved_" + ds_id.replace("-", "_")
    with Sandbox(db_path) as sb:
        assert name in sb.saved
        res = sb.run(f"SELECT sum(value) AS s, count(*) AS n FROM {name}")
        assert res.ok and res.df["s"][0] == 52 and res.df["n"][0] == 3
        entry = next(r for r in sb.schema("id") if r.name == name)
        assert entry.kind == "saved" and "Taman kota 2023" in entry.description


def test_saved_datasets_are_read_again_only_when_the_workspace_listing_changes(tmp_path, monkeypatch):
    from jabodash.sql import relations as sql_relations
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    reads = []
    original = shelf.readable_datasets
    monkeypatch.setattr(shelf, "readable_datasets", lambda damaged=None: reads.append(1) or original(damaged))
    data = "kabupaten_kota;tahun;jumlah\nKota Depok;2023;10\n"
    result = read_upload(data.encode(), "a.csv")
    shelf.save_dataset(result, data.encode(), "a.csv", {"title": "A"})
    first = sql_relations.saved_datasets()
    assert len(first) == 1 and sql_relations.saved_datasets() == first and len(reads) == 1
    shelf.save_dataset(result, data.encode(), "b.csv", {"title": "B"})
    assert len(sql_relations.saved_datasets()) == 2 and len(reads) == 2


def test_a_new_sandbox_with_the_same_relations_reuses_the_schema_without_asking_its_worker(db_path, monkeypatch):
    """A new session's schema browser does not wait for its new worker: the rows a worker gave for the
    same data file and relations (names and columns) are shared; other columns are asked for again."""
    sandbox_mod._SCHEMA_MEMO.clear()
    with Sandbox(db_path, uploads={"upload_x": pd.DataFrame({"a": [1]})}, include_saved=False,
                 isolation="process") as first:
        names = [r.name for r in first.schema("en")]
    assert "upload_x" in names and len(sandbox_mod._SCHEMA_MEMO) == 1
    asked = []
    original = worker_mod._WorkerClient.request
    monkeypatch.setattr(worker_mod._WorkerClient, "request",
                        lambda self, header, *a, **k: asked.append(header["op"]) or original(self, header, *a, **k))
    with Sandbox(db_path, uploads={"upload_x": pd.DataFrame({"a": [2]})}, include_saved=False,
                 isolation="process") as second:
        assert [r.name for r in second.schema("en")] == names and "schema" not in asked
        second.sync_uploads({"upload_x": pd.DataFrame({"a": ["text"], "b": [1.5]})})   # other columns
        upload = next(r for r in second.schema("en") if r.name == "upload_x")
        assert "schema" in asked and [c for c, _ in upload.columns] == ["a", "b"]
        assert second.run("SELECT b FROM upload_x").df["b"][0] == 1.5


# ---------------------------------------------------------------------------
# errors: a message with the position, never a traceback
# ---------------------------------------------------------------------------

def test_syntax_error_position(box):
    problem = box.run("SELECT region_code,\n       value +\nFROM observation").error
    assert problem.kind == "error" and problem.key == "error.syntax"
    assert (problem.line, problem.column) == (3, 1)
    assert "Baris 3, kolom 1" in problem.text("id") and "Line 3, column 1" in problem.text("en")
    assert "syntax error" in problem.detail
    assert "Traceback" not in problem.text("en")


def test_binder_and_catalog_errors_have_their_position(box):
    problem = box.run("SELECT nmae FROM region").error
    assert problem.key == "error.binder" and (problem.line, problem.column) == (1, 8)
    assert "nmae" in problem.detail and "LINE" not in problem.detail
    problem = box.run("SELECT 'é😀' AS s,\n  x.* FROM regions x").error
    assert problem.key == "error.catalog" and (problem.line, problem.column) == (2, 12)
    assert problem.context().splitlines()[1].index("^") == 11


def test_conversion_error(box):
    problem = box.run("SELECT 'abc'::INTEGER").error
    assert problem.key == "error.data" and problem.line == 1 and problem.column == 13
    for lang in ("id", "en"):
        assert problem.text(lang)


def test_problem_from_plain_duckdb_message():
    """Messages without JSON (errors_as_json off) are read from DuckDB's LINE/caret context."""
    exc = duckdb_exc("ParserException", 'Parser Error: syntax error at or near "FROM"\n\n'
                                        "LINE 2:   x + FROM t\n              ^^^^")
    problem = problem_from_exception(exc, "SELECT 1,\n  x + FROM t")
    assert (problem.line, problem.column) == (2, 7)
    assert problem.detail == 'Parser Error: syntax error at or near "FROM"' and problem.length == 4


def duckdb_exc(name: str, text: str):
    return getattr(duckdb, name)(text)


# ---------------------------------------------------------------------------
# results and exports
# ---------------------------------------------------------------------------

def test_csv_is_formula_safe_and_parquet_round_trips(box):
    result = box.run("SELECT '=HYPERLINK(\"http://x\")' AS a, '@SUM(1)' AS b, -5 AS n, 1.5 AS x, "
                     "DATE '2024-01-02' AS d, NULL AS nothing, 'Kota Depok' AS name")
    assert result.ok
    data = result.to_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text and ",-5," in text
    table = pq.read_table(io.BytesIO(result.to_parquet()))
    assert table.column_names == ["a", "b", "n", "x", "d", "nothing", "name"]
    assert table.column("a")[0].as_py() == '=HYPERLINK("http://x")'
    assert str(table.column("d")[0].as_py()) == "2024-01-02"


def test_duplicate_column_names_are_made_unique(box):
    result = box.run("SELECT 1 AS a, 2 AS a, 3 AS A_1")
    assert result.columns == ["a", "a", "A_1"]
    assert list(result.df.columns) == ["a", "a_1", "A_1_1"]
    assert pq.read_table(io.BytesIO(result.to_parquet())).num_columns == 3
    assert result.to_csv()


def test_json_records(box):
    result = box.run("SELECT 1.5::DECIMAL(4,2) AS d, DATE '2024-01-02' AS day, 'nan'::DOUBLE AS f, "
                     "[1, 2] AS l, {'k': 'v'} AS s, INTERVAL 1 HOUR AS i")
    data = json.loads(result.to_json())
    row = data["rows"][0]
    assert row["d"] == 1.5 and row["day"] == "2024-01-02" and row["f"] is None
    assert row["l"] == [1, 2] and row["s"] == {"k": "v"}
    assert data["row_count"] == 1 and data["truncated"] is False


def test_every_duckdb_type_displays_and_exports(box):
    result = box.run("""
        SELECT union_value(num := 2)::UNION(num INTEGER, str VARCHAR) AS u, uuid() AS id,
               170141183460469231731687303715884105727::HUGEINT AS h, 'a'::ENUM('a', 'b') AS e,
               '101'::BIT AS b, TIMETZ '12:00:00+07' AS tz, 'x'::BLOB AS bl, MAP {'k': 1} AS m,
               INTERVAL '1 year 2 months 3 days 04:05:06.5' AS iv, TIMESTAMPTZ '2024-01-01 00:00:00+07' AS ts,
               12345678901234567890::UBIGINT AS ub, [1, 2]::INTEGER[2] AS arr, {'a': [1, 2]} AS st,
               NULL AS n, 'inf'::DOUBLE AS inf, 1.25::DECIMAL(5, 2) AS dec""")
    assert result.ok, result.error and result.error.text("en")
    row = result.df.iloc[0]
    assert row["iv"] == "1 year 2 months 3 days 04:05:06.5"
    assert row["bl"] == "0x78" and row["arr"] == "[1, 2]" and row["st"] == '{"a": [1, 2]}'
    assert result.to_csv()
    table = pq.read_table(io.BytesIO(result.to_parquet()))
    assert table.num_columns == 16 and str(table.schema.field("u").type) == "string"
    data = json.loads(result.to_json())["rows"][0]
    assert data["h"] == 170141183460469231731687303715884105727 and data["dec"] == 1.25 and data["inf"] is None


def test_empty_result(box):
    result = box.run("SELECT * FROM region WHERE false")
    assert result.ok and result.rows == 0 and list(result.df.columns) == list(result.columns)
    assert result.to_csv() and result.to_parquet()
    assert result.notice("id") == ""


# ---------------------------------------------------------------------------
# schema, examples, strings
# ---------------------------------------------------------------------------

def test_schema_lists_everything_with_descriptions(box):
    for lang in ("id", "en"):
        schema = box.schema(lang)
        names = [r.name for r in schema]
        tables, views = len(BUILTIN_TABLES), len(BUILTIN_VIEWS)
        assert names[:tables] == list(BUILTIN_TABLES)
        assert names[tables:tables + views] == list(BUILTIN_VIEWS)
        assert "upload_bike" in names
        for rel in schema:
            assert rel.description and rel.columns, rel.name
        upload = next(r for r in schema if r.name == "upload_bike")
        assert upload.kind == "upload" and "sepeda.csv" in upload.description and upload.rows == 3
        assert ("value", "DOUBLE") in upload.columns
    frame = box.schema_frame("en")
    assert list(frame.columns) == ["name", "kind", "description", "columns"]
    assert "region_code VARCHAR" in frame.set_index("name").loc["observation", "columns"]


def test_examples_load_and_run(box):
    found = examples()
    assert len(found) >= 5
    ids = [ex.id for ex in found]
    assert ids == sorted(ids)
    for ex in found:
        assert ex.title("en") and ex.title("id") and ex.title("en") != ex.title("id"), ex.id
        assert "-- title" not in ex.sql
        result = box.run(ex.sql, timeout_s=10)
        assert result.ok, (ex.id, result.error and result.error.text("en"))
        assert result.rows > 0, ex.id


def test_strings_complete_in_both_languages():
    ids = {k for k in i18n.strings("id") if k.startswith("sql.")}
    ens = {k for k in i18n.strings("en") if k.startswith("sql.")}
    assert ids == ens and len(ids) > 50
    for key in ids:
        assert i18n.strings("id")[key] != key


def test_module_does_not_import_streamlit():
    code = "import sys, jabodash.sql, jabodash.cli.sql; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_worker_process_does_not_load_pandas():
    """The worker imports the jabodash.sql package; pandas (via the store, the workspace or csvsafe)
    would add about a second to every worker start."""
    code = "import sys, jabodash.sql, jabodash.sql.worker; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------

@pytest.fixture()
def thread_cli(monkeypatch):
    """The in-process CLI tests run the sandbox in this process (faster); the subprocess test below
    goes through the worker process, as a user's command does."""
    monkeypatch.setenv("JABODASH_SQL_ISOLATION", "thread")


def _cli(capsys, *args):
    code = main(["sql", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_results(thread_cli, capsys):
    code, out, err = _cli(capsys, "SELECT code, short_name FROM region ORDER BY code LIMIT 3", "--lang", "en")
    assert code == 0 and "Kepulauan Seribu" in out and "3 rows" in out
    code, out, err = _cli(capsys, "SELECT code, 1.5 AS x, '=1+1' AS f FROM region ORDER BY code LIMIT 2",
                          "--format", "csv")
    assert code == 0
    assert out.splitlines() == ["code,x,f", "3101,1.5,'=1+1", "3171,1.5,'=1+1"]
    code, out, err = _cli(capsys, "SELECT count(*) AS n FROM region", "--format", "json")
    assert code == 0 and json.loads(out)["rows"] == [{"n": 15}]


def test_cli_refused_and_failed_queries(thread_cli, capsys):
    code, out, err = _cli(capsys, "DROP TABLE region", "--lang", "en")
    assert code == 3 and out == "" and err.startswith("Refused: DROP is refused")
    code, out, err = _cli(capsys, "SELECT * FROM read_csv('/etc/passwd')")
    assert code == 3 and "Ditolak" in err and "read_csv" in err
    code, out, err = _cli(capsys, "SELECT nmae FROM region", "--lang", "en")
    assert code == 1 and "Line 1, column 8" in err and "^^^^" in err
    code, out, err = _cli(capsys, "SELECT count(*) FROM range(1000000) a, range(1000000) b",
                          "--timeout", "1", "--lang", "en")
    assert code == 1 and err.startswith("Stopped:") and "1 s" in err
    code, out, err = _cli(capsys, "SELECT range FROM range(50000000)", "--max-rows", "1000", "--format", "csv")
    assert code == 0 and len(out.splitlines()) == 1001 and "1,000" in err
    for text in (out, err):
        assert "Traceback" not in text


def test_cli_reads_the_query_from_stdin_and_checks_arguments(thread_cli, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT 6 * 7 AS answer"))
    code, out, err = _cli(capsys, "-", "--format", "json")
    assert code == 0 and json.loads(out)["rows"] == [{"answer": 42}]
    code, out, err = _cli(capsys, "SELECT 1", "--memory-limit", "lots")
    assert code == 2 and "memory_limit" in err
    code, out, err = _cli(capsys, "SELECT 1", "--timeout", "0")
    assert code == 2


def test_cli_subprocess_never_shows_a_traceback():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("JABODASH_SQL_ISOLATION", None)
    for query, expected in [("SELECT 1; ATTACH '/tmp/x.db'", 3),
                            ("SELECT count(*) FROM range(1000000) a, range(1000000) b", 1),
                            ("SELECT 41 + 1 AS answer", 0)]:
        proc = subprocess.run([sys.executable, "-m", "jabodash", "sql", query, "--lang", "en", "--timeout", "1"], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == expected, (query, proc.stderr)
        assert "Traceback" not in proc.stderr
    assert "42" in proc.stdout
