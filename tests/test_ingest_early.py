"""Value columns parsed early (issue 29): the columns that look like values are parsed on another core
while the roles, regions, years and indicators are worked out. The reading is the same with or
without: every fixture, a wide file, and files where a column parsed early is not a value column."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from support import ingest_files

from jabodash.ingest import early, read_file

FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures" / "ingest").iterdir() if p.suffix != ".py")


def _outcome(r) -> tuple:
    return (r.ok, r.layout, r.rows_read, r.rows_used, r.records.to_dict("list"), r.skipped.to_dict("list"),
            [(m.key, m.params) for m in r.warnings], [(m.key, m.params) for m in r.errors], r.number_formats,
            r.missing, r.roles, r.ambiguous_columns, r.to_json_str())


@pytest.fixture
def started(monkeypatch):
    """Early parses on for any table size with two cores; the columns started are listed."""
    monkeypatch.setattr(early, "EARLY_MIN_CELLS", 0)
    monkeypatch.setattr(early.os, "cpu_count", lambda: 2)
    seen: list[list[str]] = []
    real = early.EarlyParses.__init__

    def init(self, table=None, options=None):
        real(self, table, options)
        seen.append([table.names[i] for i in self.futures])

    monkeypatch.setattr(early.EarlyParses, "__init__", init)
    return seen


def _without(path: Path, **kw):
    old = early.EARLY_MIN_CELLS
    early.EARLY_MIN_CELLS = 10**18
    try:
        return read_file(path, **kw)
    finally:
        early.EARLY_MIN_CELLS = old


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_read_the_same_with_early_parses(path, started):
    assert _outcome(read_file(path)) == _outcome(_without(path))


@pytest.mark.parametrize("layout", ["wide_years", "wide_indicators", "long"])
def test_wide_and_long_files_parse_their_value_columns_early(layout, tmp_path, started):
    path = ingest_files.write(layout, tmp_path / f"{layout}.csv", 2_000)
    got = read_file(path)
    assert got.ok and got.layout == layout and _outcome(got) == _outcome(_without(path))
    values = got.roles["values"]
    # the first columns started are value columns, and nothing else (codes, years, names, units)
    assert started[0] and started[0] == values[:len(started[0])]
    assert len(started[0]) == min(len(values), early.AHEAD_PER_THREAD)


def test_a_column_parsed_early_that_is_not_a_value_column_is_dropped(tmp_path, started):
    # no header: the region codes and the years look like values before the roles are known
    lines = [f"{code};{year};{v}.5" for v, (code, year) in enumerate(
        [(c, y) for c in ("3171", "3172", "3173", "3174", "3175") for y in range(2001, 2021)])]
    path = tmp_path / "headerless.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = threading.active_count()
    got = read_file(path)
    assert started[0][:2] == ["column_1", "column_2"]
    assert got.ok and got.roles["region"] == "column_1" and got.roles["values"] == ["column_3"]
    assert _outcome(got) == _outcome(_without(path))
    assert len(got.records) == 100 and got.records["value"].tolist()[:2] == [0.5, 1.5]
    assert threading.active_count() == before   # (the early threads are gone)


def test_an_error_after_the_early_start_leaves_no_thread(tmp_path, started):
    path = tmp_path / "no_region.csv"
    path.write_text("a;b;c\n" + "".join(f"x{k};{k};{k * 2}\n" for k in range(50)), encoding="utf-8")
    before = threading.active_count()
    got = read_file(path)
    assert not got.ok and [m.key for m in got.errors] == ["ingest.error.no_region_column"]
    assert started[0] == ["b", "c"] and threading.active_count() == before


def test_columns_parsed_early_are_bounded_on_many_cores(tmp_path, started, monkeypatch):
    """Their numbers wait for the value step: at most AHEAD_MAX columns, whatever the number of cores."""
    monkeypatch.setattr(early.os, "cpu_count", lambda: 16)
    path = ingest_files.write("wide_years", tmp_path / "wide_years.csv", 300)
    got = read_file(path)
    assert len(got.roles["values"]) == 10 and started[0] == got.roles["values"][:early.AHEAD_MAX]
    assert _outcome(got) == _outcome(_without(path))
