"""A large SQL result never sits in the server's memory (issue 17: a 1,000,000-row result of about 200
bytes a row raised the server from 255 MB to 697 MB and it stayed there): the worker spools every row
to a file on disk, the app keeps the rows the page shows, the downloads are made from the file when
asked, and the file goes when the result is replaced or the sandbox closes."""
from __future__ import annotations

import io
import os

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from jabodash.core.paths import ROOT
from jabodash.sql import Sandbox, run_query

BIG = "SELECT i, repeat('x', 180) AS pad, i * 0.5 AS half FROM range({n}) t(i)"


@pytest.fixture(scope="module", params=["process", "thread"])
def box(request):
    with Sandbox(include_saved=False, timeout_s=30, memory_limit="1GB", display_rows=1000,
                 isolation=request.param) as sb:
        yield sb


def test_the_app_keeps_only_the_rows_shown(box):
    before = pa.total_allocated_bytes()
    result = box.run(BIG.format(n=300_000))
    assert result.ok and result.rows == 300_000 and not result.truncated
    assert result.table.num_rows == 1000 and len(result.df) == 1000
    assert result.df["i"].tolist()[:3] == [0, 1, 2]
    assert os.path.getsize(result.spool) > 300_000 * 180  # every row is on disk
    if box.isolation == "process":  # the rows never crossed into the app: well under the 60 MB they take
        assert pa.total_allocated_bytes() - before < 8 * 2**20
    assert "300.000" in result.summary("id") and "1.000" in result.notice("id")


def test_downloads_hold_every_row_from_the_spool(box):
    result = box.run(BIG.format(n=50_000))
    csv = pd.read_csv(io.BytesIO(result.to_csv()), encoding="utf-8-sig")
    assert len(csv) == 50_000 and csv["i"].iloc[-1] == 49_999 and csv["half"].iloc[-1] == 24_999.5
    parquet = pq.read_table(io.BytesIO(result.to_parquet()))
    assert parquet.num_rows == 50_000 and parquet.column("pad")[0].as_py() == "x" * 180
    assert len(result.records()) == 50_000


def test_a_replaced_result_frees_its_file_and_closing_frees_the_folder():
    with Sandbox(include_saved=False, timeout_s=30, display_rows=100) as sb:
        first = sb.run(BIG.format(n=20_000))
        folder = os.path.dirname(first.spool)
        assert os.path.exists(first.spool)
        second = sb.run("SELECT 1 AS one")
        assert not os.path.exists(first.spool) and second.ok and second.spool == ""
        third = sb.run(BIG.format(n=20_000))
        assert os.path.exists(third.spool)
    assert not os.path.exists(folder)


def test_a_small_result_and_the_command_line_are_not_spooled(box):
    small = box.run("SELECT code FROM region ORDER BY code")
    assert small.spool == "" and small.rows == 15 == small.table.num_rows
    cli = run_query(BIG.format(n=5000), include_saved=False, display_rows=10)
    assert cli.spool == "" and cli.table.num_rows == 5000 and len(cli.records()) == 5000


def test_the_page_keeps_the_shown_rows_in_the_session_and_offers_both_downloads():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/sql.py").run()
    at.text_area(key="sql_query").set_value(BIG.format(n=200_000))
    at.button(key="sql_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    result = at.session_state["_sql_result"]
    assert result.ok and result.rows == 200_000 and result.table.num_rows == 1000
    assert os.path.exists(result.spool)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Unduh CSV", "Unduh Parquet"]
    at.text_area(key="sql_query").set_value("SELECT 1 AS one")
    at.button(key="sql_run").click().run()
    assert not os.path.exists(result.spool)  # replaced: its rows are gone from disk too
    assert at.session_state["_sql_result"].rows == 1
