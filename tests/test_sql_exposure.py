"""SQL console, issue 17: nothing the console shows reveals the machine (paths of the database, the
cache, the workspace, the home folder; settings), and a file named as a table (FROM region, '/x.csv')
is refused by the console's own check, not only by DuckDB's external-access block."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import duckdb
import pytest

from jabodash.core.paths import ROOT, cache_dir, workspace_dir
from jabodash.sql import Sandbox, check_tokens, check_tree
from jabodash.store import database_path

# Queries a curious or hostile user tries to learn where things live on the server.
PROBES = [
    "FROM duckdb_settings()", "SELECT * FROM duckdb_settings() WHERE value LIKE '%/%'", "FROM duckdb_databases()",
    'SELECT * FROM "duckdb_databases"()', "SELECT path FROM duckdb_databases() WHERE NOT internal",
    "FROM pg_catalog.pg_settings", "FROM pg_settings WHERE name = 'allowed_paths'",
    "SELECT current_setting('allowed_paths')", "SELECT current_setting('temp_directory')",
    "SELECT current_setting('home_directory'), current_setting('extension_directory')",
    "SHOW allowed_paths", "SHOW extension_directory", "SHOW home_directory", "SHOW secret_directory",
    "FROM duckdb_extensions()", "SELECT install_path FROM duckdb_extensions()", "FROM pragma_database_list()",
    "FROM pragma_database_size()", "FROM pragma_user_agent()", "FROM pragma_platform()",
    "FROM duckdb_temporary_files()", "FROM duckdb_external_file_cache()", "FROM duckdb_logs",
    "FROM duckdb_secrets()", "SELECT getenv('HOME')", "SELECT getvariable('x')",
    "EXPLAIN SELECT * FROM duckdb_databases()", "WITH d AS (FROM duckdb_databases()) FROM d",
    "SELECT (SELECT path FROM duckdb_databases() LIMIT 1)", "FROM duckdb_views()", "FROM duckdb_tables()",
    "SHOW DATABASES", "SHOW ALL TABLES", "FROM information_schema.schemata", "FROM duckdb_schemas()",
    "PRAGMA database_list", "CALL pragma_database_list()", "SELECT * FROM 'x.csv'",
    "SELECT * FROM read_csv('/nonexistent/x.csv')", "FROM glob('/*')",
]


def _machine_paths() -> list[str]:
    paths = {database_path(), database_path().parent, cache_dir(), workspace_dir(), Path.home(), ROOT,
             Path(tempfile.gettempdir()) / "x"}
    found = set()
    for p in paths:
        for variant in (p, p.resolve()):
            if len(str(variant)) > 4:
                found.add(str(variant))
    return sorted(found)


@pytest.fixture(scope="module", params=["process", "thread"])
def box(request):
    with Sandbox(timeout_s=5, memory_limit="256MB", include_saved=False, isolation=request.param) as sb:
        yield sb


def _shown(result) -> str:
    """Everything the page or the command line could show of a result, in both languages."""
    if result.error is not None:
        return " ".join([result.error.text("id"), result.error.text("en"), result.error.context(),
                         json.dumps(result.error.to_dict("en"))])
    return json.dumps(result.records(), default=str) + json.dumps(result.columns)


def test_no_probing_query_shows_a_path_of_the_machine(box):
    paths = _machine_paths()
    assert str(database_path().parent) in paths
    for sql in PROBES:
        shown = _shown(box.run(sql))
        for path in paths:
            assert path not in shown, (sql, path)


@pytest.mark.parametrize("sql,name", [
    ("FROM duckdb_databases()", "duckdb_databases"), ("FROM duckdb_settings()", "duckdb_settings"),
    ("FROM pg_catalog.pg_settings", "pg_settings"), ("SHOW allowed_paths", "allowed_paths"),
    ("SELECT current_setting('temp_directory')", "current_setting"), ("FROM duckdb_extensions()", "duckdb_extensions"),
    ("FROM pragma_database_list()", "pragma_database_list"), ('SELECT * FROM "duckdb_databases"()', "duckdb_databases"),
    ("EXPLAIN FROM duckdb_databases()", "duckdb_databases"),
])
def test_machine_settings_and_catalogs_are_refused_with_a_clear_message(box, sql, name):
    problem = box.run(sql).error
    assert problem is not None and problem.kind == "refused" and problem.key == "refused.machine", sql
    assert problem.params["name"] == name
    assert name in problem.text("id") and "tidak tersedia" in problem.text("id")
    assert name in problem.text("en") and "settings, file locations" in problem.text("en")


def test_reading_the_catalog_of_tables_still_works(box):
    for sql in ["SHOW TABLES", "SHOW DATABASES", "SHOW region", "DESCRIBE region", "SUMMARIZE region",
                "FROM duckdb_columns() WHERE table_name = 'region'", "FROM duckdb_tables()"]:
        result = box.run(sql)
        assert result.ok and result.rows > 0, (sql, result.error and result.error.text("en"))
    assert box.run("SHOW DATABASES").df.iloc[:, 0].tolist() == ["jabodash"]


def test_an_error_message_of_duckdb_never_shows_the_home_folder():
    from jabodash.sql.problems import problem_from_exception
    home = str(Path.home())
    exc = duckdb.PermissionException(f'Permission Error: Cannot access directory "{home}/.duckdb/extensions"')
    problem = problem_from_exception(exc, "FROM x")
    assert home not in problem.text("en") and ".duckdb/extensions" in problem.text("en")


FILE_TABLES = [
    ("SELECT * FROM region, '/some/file.csv'", "/some/file.csv"),
    ("FROM region r, 'data.parquet' p", "data.parquet"),
    ("SELECT * FROM region, observation, '/etc/passwd'", "/etc/passwd"),
    ("SELECT * FROM region CROSS JOIN 'https://example.com/x.parquet'", "https://example.com/x.parquet"),
    ("SELECT * FROM region POSITIONAL JOIN '/x.json'", "/x.json"),
    ("WITH a AS (SELECT 1 AS n) SELECT * FROM a, '/x.csv'", "/x.csv"),
    ("SELECT * FROM (SELECT * FROM region, '/x.csv')", "/x.csv"),
    ("FROM region UNION ALL BY NAME FROM region, '/x.csv'", "/x.csv"),
    ("EXPLAIN SELECT * FROM region, '/x.csv'", "/x.csv"),
]


@pytest.mark.parametrize("sql,path", FILE_TABLES)
def test_a_file_named_as_a_table_is_refused_by_the_console_check(box, sql, path):
    problem = box.check(sql)
    assert problem is not None and problem.key == "refused.file_literal", sql
    assert problem.params["path"].strip("'\"") == path
    assert path in problem.text("en") and "Reading a file or URL by name" in problem.text("en")
    assert path in problem.text("id") and "Membaca berkas atau URL" in problem.text("id")
    assert problem.line == 1 and sql[problem.offset:].lstrip("'\"").startswith(path)


@pytest.mark.parametrize("sql,path", FILE_TABLES + [('SELECT * FROM region, "x.csv"', "x.csv"),
                                                     ('FROM "s3://bucket/x.parquet"', "s3://bucket/x.parquet")])
def test_the_parse_tree_alone_refuses_a_file_as_a_table(sql, path):
    con = duckdb.connect()
    try:
        problem = check_tree(con, sql)
    finally:
        con.close()
    assert problem is not None and problem.key == "refused.file_literal" and problem.params["path"] == path


@pytest.mark.parametrize("sql,path", [item for item in FILE_TABLES if not item[0].startswith("EXPLAIN")])
def test_the_tokens_alone_refuse_a_file_as_a_table(sql, path):
    problem = check_tokens(sql)
    assert problem is not None and problem.key == "refused.file_literal", sql


def test_strings_in_ordinary_clauses_are_not_taken_for_files(box):
    for sql in ["SELECT 'a', 'b.csv' FROM region, observation LIMIT 1",
                "SELECT name FROM region WHERE name IN ('a.csv', '/b') OR code = '3171'",
                "SELECT * FROM region r JOIN observation o ON o.region_code = r.code AND o.indicator_id <> 'x.y' LIMIT 1",
                "SELECT extract(year FROM '2024-01-01'::DATE) AS y", "FROM region SELECT code, 'x/y' ORDER BY 1, 2",
                "SELECT code FROM region GROUP BY code, 'a.b' ORDER BY code LIMIT 1"]:
        assert box.check(sql) is None, (sql, box.check(sql).text("en"))
        assert box.run(sql).ok, sql
