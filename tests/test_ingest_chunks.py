"""A big file's columns stay in the pieces Arrow read them in (issue 29): the records of a wide file are
those of a plain reading of its text, whether its columns come in one piece or in many (read in small
blocks on several threads), and numbers parsed piece by piece are those of the whole column."""
from __future__ import annotations

import csv

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ingest_files

from jabodash.core import parallel
from jabodash.ingest import grid, header, read_file, values
from jabodash.ingest.numbers import parse_numbers

MISSING = {"-", "...", "n/a"}


def _plain(path) -> list[tuple]:
    """(region code, year, value, line, column, indicator text) of every figure, by csv and float()."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    header, out = rows[0], []
    wide_years = header[4] == "2015"
    for line, row in enumerate(rows[1:], start=2):
        for j in range(4, len(header)):
            if row[j] in MISSING:
                continue
            value = float(row[j].replace(".", "").replace(",", "."))
            year = int(header[j]) if wide_years else int(row[2])
            out.append((row[0], year, value, line, header[j], row[2] if wide_years else row[3]))
    return out


def _outcome(r) -> tuple:
    return (r.ok, r.layout, r.rows_read, r.rows_used, r.records.to_dict("list"), r.skipped.to_dict("list"),
            [(m.key, m.params) for m in r.warnings], r.number_formats, r.missing, r.roles)


@pytest.mark.parametrize("layout", ["wide_years", "wide_indicators"])
def test_wide_file_records_are_the_plain_reading_in_one_piece_or_many(layout, tmp_path, monkeypatch):
    path = ingest_files.write(layout, tmp_path / f"{layout}.csv", 3_000)
    whole = read_file(path)
    monkeypatch.setattr(grid, "THREADED_MIN_BYTES", 0)
    monkeypatch.setattr(grid, "BLOCK_BYTES", 8192)
    monkeypatch.setattr(values, "PARALLEL_MIN_CELLS", 0)
    monkeypatch.setattr(header, "PARALLEL_MIN_CELLS", 0)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 3)
    seen = []
    real = grid._read_arrow
    monkeypatch.setattr(grid, "_read_arrow", lambda *a, **k: seen.append(r := real(*a, **k)) or r)
    pieces = read_file(path)
    assert seen[0][0].column(0).num_chunks > 10   # (the columns did come in many pieces)
    assert whole.ok and whole.layout == layout and _outcome(pieces) == _outcome(whole)
    rec = whole.records
    got = list(zip(rec["region_code"].astype(str), rec["year"].astype(int), rec["value"], rec["row"],
                   rec["column"].astype(str)))
    plain = _plain(path)
    assert got == [p[:5] for p in plain] and len(got) > 25_000
    assert all(text in str(name) for name, (*_, text) in zip(rec["indicator"], plain))


_TEXTS = st.lists(st.sampled_from(["1.234,5", "1,234.5", "1.234", "12", "-", "", " 7 ", "Rp 1.000", "5%", "x",
                                   "3,25", "0.5", "\u22122", "1.234.567"]), max_size=40)


@settings(max_examples=150, deadline=None)
@given(_TEXTS, st.lists(st.integers(0, 40), max_size=4), st.sampled_from([None, "id", "en", "decimal"]),
       st.booleans())
def test_numbers_of_a_column_in_pieces_are_those_of_the_whole(texts, cuts, form, native):
    """Shapes, the column's form, separators and the cast piece by piece: what the whole column gives."""
    bounds = [0, *sorted(min(c, len(texts)) for c in cuts), len(texts)]
    pieces = pa.chunked_array([pa.array(texts[a:b], type=pa.string()) for a, b in zip(bounds, bounds[1:])],
                              type=pa.string())
    nat = np.where(np.arange(len(texts)) % 3 == 0, 2.5, np.nan) if native else None
    kw = {"decimal_only": True} if form == "decimal" else {"number_format": form}
    one, many = (parse_numbers(col, native=nat, **kw) for col in (pa.array(texts, type=pa.string()), pieces))
    assert np.array_equal(one.values, many.values, equal_nan=True) and one.status.tolist() == many.status.tolist()
    assert (one.format, one.ambiguous_examples, one.percent, one.conflicts) == \
        (many.format, many.ambiguous_examples, many.percent, many.conflicts)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.text(max_size=3), max_size=6), max_size=5), st.data())
def test_take_chunk_by_chunk_is_arrows_take(pieces, data):
    """The cells of any rows (in any order, repeated) of a chunked column: what Arrow's take gives."""
    from jabodash.ingest.text import _take
    col = pa.chunked_array([pa.array(p, type=pa.string()) for p in pieces], type=pa.string())
    n = len(col)
    rows = data.draw(st.lists(st.integers(0, n - 1), max_size=12)) if n else []
    want = col.take(pa.array(rows, type=pa.int64())).to_pylist()
    assert _take(col, np.asarray(rows, dtype=np.int64)).to_pylist() == want
    assert _take(col.combine_chunks(), np.asarray(rows, dtype=np.int32)).to_pylist() == want
