"""The vectorised parts of the upload reader and its JSON writer give what the plain Python forms give:
floats as ``repr`` writes them, the JSON report byte for byte as ``json.dumps``, separators dropped and
mapped as ``str.replace`` would, and records in file order from the matrix of usable cells."""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jabodash.core import parallel
from jabodash.ingest import jsonout, read_upload
from jabodash.ingest.numbers import _drop_and_map
from jabodash.ingest.values import _Cells, _FirstSeen

EDGE_FLOATS = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1 / 3, 0.1 + 0.2, 100.0, 1234567.89, -987654.32, 1e-4, 9.999e-5,
               0.00009999999999999999, 1e-5, 0.0001234, 1e15, 1e16, 9999999999999998.0, 123456789012345678.0,
               410689159085499.9, 2.0 ** 53, 2.0 ** 53 + 2, 5e-324, 1.7976931348623157e308, -2.5e-8, 3e20]


def test_float_texts_are_repr_on_edge_values():
    assert jsonout.float_texts(np.asarray(EDGE_FLOATS)).to_pylist() == [repr(x) for x in EDGE_FLOATS]


def test_float_texts_are_repr_on_data_like_values():
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.normal(0, 1e6, 5000).round(2), rng.normal(0, 1, 5000),
                             10.0 ** rng.uniform(-12, 20, 5000), np.arange(-500, 500, dtype=float)])
    assert jsonout.float_texts(values).to_pylist() == [repr(x) for x in values.tolist()]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=30))
def test_float_texts_are_repr(values):
    assert jsonout.float_texts(np.asarray(values, dtype=float)).to_pylist() == [repr(x) for x in values]


def _report() -> dict:
    records = pd.DataFrame({
        "code": pd.Categorical(["3171", None, "3171", 'a "quoted" \u00e9 name\n']),
        "year": pd.array([2020, None, 2021, 2022], dtype="Int64"),
        "value": [1.5, np.nan, 100.0, -2.25e-7],
        "flag": [True, False, True, False],
        "text": pd.Series(["x", None, np.nan, "\u2013"], dtype=object)})
    rows = jsonout.Rows(len(records), {
        "code": jsonout.text_column(records["code"], lambda v: None if pd.isna(v) else str(v)),
        "year": jsonout.int_column(records["year"]),
        "value": jsonout.float_column(records["value"], null_missing=True),
        "flag": jsonout.bool_column(records["flag"]),
        "text": jsonout.text_column(records["text"], lambda v: "" if pd.isna(v) else str(v))})
    return {"schema": "x", "nested": {"a": [1, 2], "b": "\u00e9"}, "records": rows,
            "empty": jsonout.Rows(0, {}), "two_empty": jsonout.Rows(2, {})}


@pytest.mark.parametrize("chunk, cores", [(1, 1), (3, 1), (100_000, 2), (1, 2), (1, 4), (3, 4)])
def test_dump_writes_what_json_dumps_writes(monkeypatch, chunk, cores):
    """Also with the chunks made on threads (several cores): written in order."""
    monkeypatch.setattr(jsonout, "CHUNK", chunk)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: cores)
    report = _report()
    plain = {k: (v.to_list() if isinstance(v, jsonout.Rows) else v) for k, v in report.items()}
    plain["two_empty"] = [{}, {}]
    fh = io.StringIO()
    jsonout.dump(report, fh)
    assert fh.getvalue() == json.dumps(plain, ensure_ascii=False, indent=2, allow_nan=False)
    assert plain["records"][1] == {"code": None, "year": None, "value": None, "flag": False, "text": ""}
    assert plain["records"][3]["value"] == -2.25e-7


def test_float_column_refuses_infinity_like_json():
    column = jsonout.float_column(pd.Series([1.0, np.inf]), null_missing=True)
    with pytest.raises(ValueError, match="not JSON compliant"):
        column(0, 2)


@given(st.lists(st.text(alphabet="0123456789.,- %Rpx\u00e9\u0663", max_size=12), max_size=40),
       st.sampled_from([(b".", {b",": b"."}), (b",", {}), (b"", {b",": b"."}), (b". ", {b",": b".", b"x": b"y"})]))
def test_drop_and_map_is_str_replace(texts, how):
    drop, mapping = how
    expected = []
    for text in texts:
        for ch in drop:
            text = text.replace(chr(ch), "")
        expected.append("".join(mapping.get(c.encode(), c.encode()).decode() if c.isascii() else c for c in text))
    arr = pa.array(["pad"] + texts, type=pa.string()).slice(1)
    assert _drop_and_map(arr, drop, mapping).to_pylist() == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["", "a", " ", "1.234,5", "\u00e9t\u00e9"]), max_size=60),
       st.lists(st.integers(0, 60), max_size=4), st.integers(0, 3))
def test_filled_cells_from_offsets_are_the_non_empty_texts(texts, cuts, skip):
    """_filled (the texts' lengths from their offsets) is Arrow's ``!= ""``, in pieces and in slices."""
    from jabodash.ingest.text import _filled
    texts = ["x"] * skip + texts
    bounds = [0, *sorted(min(c, len(texts)) for c in cuts), len(texts)]
    col = pa.chunked_array([pa.array(texts[a:b], type=pa.string()) for a, b in zip(bounds, bounds[1:])],
                           type=pa.string()).slice(skip)
    assert _filled(col).tolist() == [t != "" for t in texts[skip:]]
    whole = pa.array(texts, type=pa.string()).slice(skip)
    assert _filled(whole).tolist() == pc.not_equal(whole, "").to_pylist()


@pytest.mark.parametrize("threads", [False, True])
def test_records_years_and_lines_made_with_the_codes_are_the_gathered_ones(threads, monkeypatch):
    """Without duplicates the records' years, periods, preliminary flags and lines are made block by
    block beside the codes: the same as gathered after them (_by_year_and_row)."""
    from jabodash.ingest import values
    from jabodash.ingest.values import _by_year_and_row, _periods
    if threads:
        monkeypatch.setattr(values, "PARALLEL_MIN_CELLS", 0)
        monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(_Cells, "BLOCK", 6)   # (several blocks)
    rng = np.random.default_rng(5)
    n, ylist = 40, [(2020, "2020", False), (2021, "2021", True), (2021, "2021", False), (2022, "2022-03", False)]
    rows_ok = np.flatnonzero(rng.random(n) < 0.8)
    lines = np.arange(n) * 3 + 2
    for by_column in (False, True):
        cells = _Cells([1, 2, 3], rows_ok, row_keys=np.arange(len(rows_ok), dtype=np.int32))
        for k, vi in enumerate([1, 2, 3]):
            cells.put(vi, rng.random(len(rows_ok)) < 0.7, rng.random(n), np.arange(len(rows_ok)) * 3 + k,
                      k if by_column else None)
        yidx = rng.integers(0, len(ylist), n)
        made = cells.records(np.arange(n) % 15, yidx, _periods(ylist), 3 * len(rows_ok), by_year=(ylist, lines))
        rows, _r, _i, y_code, _v, _c, dup, by_year = made
        assert not dup.any() and len(rows) > 40
        expected = _by_year_and_row(ylist, y_code, rows, lines)
        assert [a.dtype for a in by_year] == [a.dtype for a in expected]
        assert all((a == b).all() for a, b in zip(by_year, expected))


def test_cells_come_out_by_row_then_column():
    rows_ok = np.asarray([0, 2, 5])
    # rows 0 and 2 have the first indicator text of the file, row 5 the second
    cells = _Cells([7, 4], rows_ok, row_keys=np.asarray([0, 0, 1]))
    # given out of table order: column 7 before column 4; numbers for every row of the table
    cells.put(7, np.asarray([True, False, True]), np.asarray([1.0, 0, np.nan, 0, 0, 3.0]), np.asarray([0, 1]), None)
    cells.put(4, np.asarray([True, True, False]), np.asarray([10.0, 0, 20.0, 0, 0, np.nan]), np.asarray([2]), None)
    rows, region, indicator, year, value, column, dup = cells.records(
        reg_idx=np.asarray([3, 9, 1, 9, 9, 0]), yidx=np.asarray([5, 9, 6, 9, 9, 7]), periods=np.arange(10), n_ind=3)
    assert cells.ok is None and cells.values is None   # the matrices let go
    assert rows.tolist() == [0, 0, 2, 5]
    assert column.tolist() == [4, 7, 4, 7]
    assert value.tolist() == [10.0, 1.0, 20.0, 3.0]
    assert indicator.tolist() == [2, 0, 2, 1]
    assert region.tolist() == [3, 3, 1, 0]
    assert year.tolist() == [5, 5, 6, 7]
    assert dup.tolist() == [False] * 4


def test_cells_of_year_columns_take_the_columns_year():
    cells = _Cells([2, 3], np.asarray([0, 1]), np.zeros(2, dtype=np.int32))
    cells.put(2, np.asarray([True, True]), np.asarray([1.0, 2.0]), np.asarray([0]), 0)
    cells.put(3, np.asarray([False, True]), np.asarray([np.nan, 4.0]), np.asarray([0]), 1)
    rows, _region, _indicator, year, value, column, _dup = cells.records(np.zeros(2, int), np.full(2, -1),
                                                                        np.arange(2), 1)
    assert (rows.tolist(), year.tolist(), value.tolist(), column.tolist()) == ([0, 1, 1], [0, 0, 1], [1.0, 2.0, 4.0],
                                                                              [2, 2, 3])


@pytest.mark.parametrize("space", [_FirstSeen.SPACE, 1])   # a byte per key, or every key kept (a large space)
@pytest.mark.parametrize("block", [1 << 20, 2])           # one block, or a row per block
def test_cells_mark_later_cells_of_a_key_as_duplicates(monkeypatch, space, block):
    monkeypatch.setattr(_FirstSeen, "SPACE", space)
    monkeypatch.setattr(_Cells, "BLOCK", block)
    # rows 0 and 2 are one region and indicator; year codes 0 and 1 are one period (2023 and 2023*)
    cells = _Cells([1, 2], np.arange(3), np.asarray([0, 1, 0], dtype=np.int32))
    cells.put(1, np.ones(3, bool), np.asarray([1.0, 2.0, 3.0]), np.asarray([0, 1]), 0)
    cells.put(2, np.ones(3, bool), np.asarray([4.0, 5.0, 6.0]), np.asarray([0, 1]), 1)
    *_, value, _column, dup = cells.records(np.asarray([-1, 0, -1]), np.full(3, -1), np.asarray([0, 0]), 2)
    assert value.tolist() == [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
    assert dup.tolist() == [False, True, False, True, True, True]


def test_wide_years_file_keeps_file_order_messages_and_duplicates():
    text = ("kode;indikator;2022;2023\n"
            "3171;Penduduk;1.234,5;-\n"
            "3172;Penduduk;x;2.000,5\n"
            "3171;Penduduk;7;8\n"
            "3172;Penduduk;9;10\n")
    r = read_upload(text.encode(), "wide.csv")
    assert r.ok and r.layout == "wide_years" and r.rows_used == 4
    rec = r.records
    assert list(zip(rec["region_code"].astype(str), rec["year"].tolist(), rec["value"].tolist(), rec["row"].tolist(),
                    rec["column"].astype(str))) == [
        ("3171", 2022, 1234.5, 2, "2022"), ("3172", 2023, 2000.5, 3, "2023"), ("3171", 2023, 8.0, 4, "2023"),
        ("3172", 2022, 9.0, 5, "2022")]
    sk = r.skipped
    assert list(zip(sk["row"].tolist(), sk["column"], sk["value"], sk["reason_key"])) == [
        (2, "2023", "-", "missing"), (3, "2022", "x", "missing"), (4, "2022", "7", "duplicate"),
        (5, "2023", "10", "duplicate")]
    assert [m.key for m in r.warnings] == ["ingest.warning.missing_values", "ingest.warning.duplicates"]
    assert r.number_formats == {"2022": "id", "2023": "id"}


def test_dump_to_a_byte_stream_writes_the_same_bytes(monkeypatch):
    monkeypatch.setattr(jsonout, "CHUNK", 2)
    report = _report()
    plain = {k: (v.to_list() if isinstance(v, jsonout.Rows) else v) for k, v in report.items()}
    plain["two_empty"] = [{}, {}]
    raw = io.BytesIO()
    fh = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    fh.write("before ")
    jsonout.dump(report, fh)
    fh.write(" after")
    fh.flush()
    expected = "before " + json.dumps(plain, ensure_ascii=False, indent=2, allow_nan=False) + " after"
    assert raw.getvalue() == expected.encode("utf-8")


_THREADED_TEXT = ("kode;nama;tahun;kelompok;Penduduk;Miskin (%)\n"
                  + "".join(f"{3171 + k % 5};Wilayah {k % 5};{2000 + k // 20};G{k // 5 % 4};{k}.{k % 1000:03d},5;"
                            f"{'-' if k % 7 == 0 else f'{k % 100},{k % 10}'}\n" for k in range(400))
                  + '3171;"nama\nberbaris";2031;G0;1,5;2,5\n'
                  + "3172;Wilayah;2031;G0;1,5\n"          # a field short: an odd row
                  + "3173;Wilayah;2031;G0;x;3,5\n")


def _outcome(r) -> tuple:
    rec = r.records
    return (r.ok, r.layout, r.rows_read, r.rows_used, list(rec.columns), [tuple(map(str, row)) for row in rec.values],
            r.skipped.to_dict("list"), [(m.key, m.params) for m in r.warnings], r.number_formats)


@pytest.mark.parametrize("text", [_THREADED_TEXT, _THREADED_TEXT.replace('"nama\nberbaris"', "nama").replace(
    "3172;Wilayah;2031;G0;1,5\n", "")])
def test_threaded_reading_gives_what_one_thread_gives(monkeypatch, text):
    """Arrow's reader and the value columns on several threads (as for big files): the same records,
    skipped cells with their lines and columns, and messages as on one thread."""
    from jabodash.ingest import grid, values
    one = read_upload(text.encode(), "wide.csv")
    monkeypatch.setattr(grid, "THREADED_MIN_BYTES", 0)
    monkeypatch.setattr(values, "PARALLEL_MIN_CELLS", 0)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 4)
    many = read_upload(text.encode(), "wide.csv")
    assert one.ok and one.layout == "wide_indicators" and len(one.records) > 700
    assert _outcome(many) == _outcome(one)
    skipped = list(zip(*(many.skipped[c].tolist() for c in ("row", "column", "reason_key"))))
    assert (9, "Miskin (%)", "missing") in skipped and skipped[-1] == (405 if "\nberbaris" in text else 403,
                                                                      "Penduduk", "missing")
    assert ((404, None, "ragged_short") in skipped) == ("\nberbaris" in text)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "windows-1252"])
def test_csv_module_fallback_reads_what_arrow_reads(monkeypatch, encoding):
    """The reader drops a UTF-8 file's decoded text before Arrow reads the bytes; when Arrow cannot
    read them, the text is decoded again for the csv module: same records, either way."""
    from jabodash.ingest import read as read_module
    text = "kode;nama;2022;2023\n3171;Jakarta Selatan – Kebayoran;1.234,5;2.000\n3172;Jakarta Timur;7;8,25\n"
    data = text.encode(encoding)
    arrow = read_upload(data, "wide.csv")
    monkeypatch.setattr(read_module, "_parse_pyarrow", lambda *a: None)
    python = read_upload(data, "wide.csv")
    assert arrow.ok and python.ok and arrow.encoding == python.encoding == encoding
    assert arrow.records["value"].tolist() == python.records["value"].tolist() == [1234.5, 2000.0, 7.0, 8.25]
    assert python.preview.iloc[0].tolist() == ["3171", "Jakarta Selatan – Kebayoran", "1.234,5", "2.000"]


@pytest.mark.parametrize("ascii_only", [True, False])
def test_ascii_file_is_read_as_utf8_without_its_whole_text(monkeypatch, ascii_only):
    """A file of ASCII bytes is UTF-8 without decoding it whole (only its sample is decoded); the
    csv-module fallback decodes it then; a file of white space only is empty, as before, also when
    its first non-space character comes after the sample."""
    from jabodash.ingest import read as read_module
    name = "Jakarta Selatan" if ascii_only else "Jakarta Selatan – Kebayoran"
    data = f"kode;nama;2022;2023\n3171;{name};1.234,5;2.000\n3172;Jakarta Timur;7;8,25\n".encode()
    assert data.isascii() == ascii_only
    arrow = read_upload(data, "wide.csv")
    monkeypatch.setattr(read_module, "_parse_pyarrow", lambda *a: None)
    python = read_upload(data, "wide.csv")
    assert arrow.encoding == python.encoding == "utf-8"
    assert arrow.records["value"].tolist() == python.records["value"].tolist() == [1234.5, 2000.0, 7.0, 8.25]
    assert python.preview.iloc[0].tolist() == ["3171", name, "1.234,5", "2.000"]
    for blank in (b"\x0c \n" * 10, b" " * 300_000 + b"\x0c"):
        assert [m.key for m in read_upload(blank, "kosong.csv").errors] == ["ingest.error.empty"]
    assert [m.key for m in read_upload(b" " * 300_000 + b"x", "x.csv").errors] == ["ingest.error.no_table"]


@given(st.lists(st.text(alphabet=" a\t\u00a0\u3000\x01\n-", max_size=4), min_size=1, max_size=30),
       st.integers(0, 3))
def test_trimmed_is_arrow_trim_and_keeps_a_clean_column(texts, skip):
    """_trimmed gives Arrow's trim; a column with nothing to trim is returned as it is (no copy)."""
    import pyarrow.compute as pc

    from jabodash.ingest.text import _trimmed
    arr = pa.array(texts, type=pa.string()).slice(min(skip, len(texts)))
    out = _trimmed(arr)
    assert out.to_pylist() == pc.utf8_trim_whitespace(arr).to_pylist()
    if len(arr) and all(t == t.strip(" \t\n\x0b\x0c\r\x01\u00a0\u3000") for t in arr.to_pylist()):
        assert out is arr


@pytest.mark.parametrize("repeat", [1, 40])
def test_hostile_cells_counted_by_distinct_text_or_by_cell(repeat):
    """The hostile-text check gives the same texts (in file order) and count whether a column's
    texts repeat (searched once per distinct text) or not (searched cell by cell)."""
    from jabodash.ingest.text import _hostile_cells
    texts = ["Kota Bogor", "=HYPERLINK(1)", "<b>x</b>", "1+2", "3101", "-5", "[a](b)", "=HYPERLINK(1)", "a <b"]
    col = pa.array(texts * repeat, type=pa.string())
    assert _hostile_cells(col) == (["=HYPERLINK(1)", "<b>x</b>", "1+2", "[a](b)"], 5 * repeat)
    assert _hostile_cells(pa.array(["Kota Bogor", "3101"] * repeat, type=pa.string())) == ([], 0)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["Kota Bogor", "=A1", "<b>x</b>", "1+2", "3101", "[a](b)", "@x", "Depok"]),
                max_size=120), st.lists(st.integers(0, 120), max_size=5))
def test_a_columns_distinct_texts_are_in_file_order_in_one_piece_or_many(texts, cuts):
    """The shared distinct texts of a column (regions, years, indicators, hostile text): first
    appearance order and counts, whatever pieces Arrow read the column in."""
    from jabodash.ingest.text import _HOSTILE_RE, Distinct, _hostile_cells
    bounds = [0, *sorted(min(c, len(texts)) for c in cuts), len(texts)]
    col = pa.chunked_array([pa.array(texts[a:b], type=pa.string()) for a, b in zip(bounds, bounds[1:])],
                           type=pa.string())
    d = Distinct(col)
    first = list(dict.fromkeys(texts))
    assert d.values == first and d.idx.tolist() == [first.index(t) for t in texts]
    assert d.counts().tolist() == [texts.count(t) for t in first]
    assert d.per_row(np.arange(len(first)) * 2).tolist() == [2 * first.index(t) for t in texts]
    bad = [t for t in first if _HOSTILE_RE.search(t)]
    assert _hostile_cells(col, lambda: d) == _hostile_cells(col) == (bad, sum(texts.count(t) for t in bad))


def test_cells_keys_unique_only_when_no_two_cells_can_share_a_key():
    """keys_unique: each row its own (region, indicator text) and each year column its own period;
    False when two rows share them, or two columns are one period (2023 and 2023*)."""
    def cells(years, row_keys):
        c = _Cells([1, 2], np.arange(3), np.asarray(row_keys, dtype=np.int32))
        for vi, y in zip((1, 2), years):   # (a column's own indicators when the rows have the year)
            codes = [0, 1] if y is not None or vi == 1 else [2, 3]
            c.put(vi, np.ones(3, bool), np.asarray([1.0, 2.0, 3.0]), np.asarray(codes), y)
        return c
    regions, yidx = np.asarray([0, 1, 0]), np.full(3, -1)
    assert cells((0, 1), [0, 0, 1]).keys_unique(regions, yidx, np.asarray([0, 1]))
    assert not cells((0, 1), [0, 1, 0]).keys_unique(regions, yidx, np.asarray([0, 1]))   # rows 0 and 2
    assert not cells((0, 1), [0, 0, 1]).keys_unique(regions, yidx, np.asarray([0, 0]))   # one period
    # the year of the row (no year columns): rows 0 and 2 share a key only in the same period
    assert cells((None, None), [0, 1, 0]).keys_unique(regions, np.asarray([0, 0, 1]), np.asarray([0, 1]))
    assert not cells((None, None), [0, 1, 0]).keys_unique(regions, np.asarray([1, 0, 1]), np.asarray([0, 1]))
    same = _Cells([1, 2], np.arange(3), np.asarray([0, 1, 2], dtype=np.int32))   # two columns, one indicator
    for vi in (1, 2):
        same.put(vi, np.ones(3, bool), np.ones(3), np.asarray([0, 1, 2]), None)
    assert not same.keys_unique(regions, np.zeros(3, int), np.asarray([0]))


@pytest.mark.parametrize("block", [1 << 20, 2])
def test_cells_records_of_a_sparse_matrix_and_with_keys_known_unique(monkeypatch, block):
    """The usable numbers packed in place come out in file order, also when few cells are usable
    (then copied out of the matrix); with unique=True no duplicate is looked for and none is marked."""
    monkeypatch.setattr(_Cells, "BLOCK", block)
    rng = np.random.default_rng(3)
    ok = rng.random((50, 4)) < 0.3
    nums = rng.normal(size=(50, 4))
    cells = _Cells([0, 1, 2, 3], np.arange(50), np.zeros(50, dtype=np.int32))
    for j in range(4):
        cells.put(j, ok[:, j], nums[:, j], np.asarray([j]), j)
    rows, _r, indicator, year, value, column, dup = cells.records(np.zeros(50, int), np.full(50, -1),
                                                                  np.arange(4), 4, unique=True)
    r, c = np.nonzero(ok)
    assert value.tolist() == nums[r, c].tolist() and value.base is None
    assert (rows.tolist(), column.tolist(), indicator.tolist(), year.tolist()) == (r.tolist(), c.tolist(),
                                                                                   c.tolist(), c.tolist())
    assert not dup.any() and len(dup) == len(r)


@given(st.lists(st.text(alphabet="0123456789.,-", max_size=10), max_size=30), st.data())
def test_numbers_masked_and_counted_separators_are_the_kernels(texts, data):
    """The validity bitmap put on a column's buffers nulls what if_else nulls; separators counted
    per text (from the shapes) drop what Arrow's count gives."""
    from jabodash.ingest.numbers import _masked
    keep = np.asarray(data.draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts))), dtype=bool)
    arr = pa.array(texts, type=pa.string())
    assert _masked(arr, keep).to_pylist() == [t if k else None for t, k in zip(texts, keep)]
    sliced = pa.array(["x"] + texts, type=pa.string()).slice(1)   # (an offset: if_else)
    assert _masked(sliced, keep).to_pylist() == [t if k else None for t, k in zip(texts, keep)]
    counts = np.asarray([t.count(".") for t in texts], dtype=np.int64)
    assert _drop_and_map(arr, b".", {b",": b"."}, counts).to_pylist() == _drop_and_map(arr, b".", {b",": b"."}).to_pylist()


def test_digit_shapes_write_digits_one_to_nine_as_nine():
    """The shapes' byte arithmetic is the look-up table it replaces, for every byte, with an offset."""
    from jabodash.ingest.numbers import _digit_shapes, _nines
    every = np.arange(256, dtype=np.uint8)
    assert _nines(every).tolist() == [57 if 49 <= b <= 57 else b for b in range(256)]
    arr = pa.array(["x", "12.305,70", "-0,5%", "Rp 1.000", "", "ab\u00e99"], type=pa.string()).slice(1)
    assert _digit_shapes(arr).to_pylist() == ["99.909,90", "-0,9%", "Rp 9.000", "", "ab\u00e99"]


@given(st.text(alphabet="0123456789.,-+\u2212eE% rpRP\u00a0\u0660\u0669x\n", max_size=12))
def test_numlike_by_shape_is_the_pattern(text):
    """_numlike decided once per shape gives what the pattern gives on the text itself."""
    import re

    from jabodash.ingest.text import _NUMLIKE_RE, _numlike
    assert _numlike(text) == bool(_NUMLIKE_RE.match(re.sub(r"[\s\u00a0\u202f\u2009]", "", text)))


@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "x"]), min_size=5, max_size=5), max_size=40),
       st.integers(2, 5))
def test_header_repeats_are_rows_with_enough_header_cells(rows, need):
    """Comparing only the first columns whole finds every row holding at least ``need`` header texts."""
    from jabodash.ingest.header import _header_repeats
    header = ["a", "b", "c", "a", "b"]
    cols = [pa.chunked_array([pa.array([r[i] for r in rows], type=pa.string())], type=pa.string())
            for i in range(5)]
    want = [sum(r[i] == header[i] for i in range(5)) >= need for r in rows]
    assert _header_repeats(cols, header, list(range(5)), need, len(rows)).tolist() == want


def test_small_pages_turn_huge_pages_off_and_back_when_the_last_read_ends():
    """While a file is read the process asks for ordinary pages (the THP flag on Linux, numpy's hint);
    both come back as they were when the last of two reads at once ends."""
    from jabodash.ingest import memory
    switch, flag = memory._hugepage_switch(), memory.thp_disabled()
    if switch is None and flag is None:
        pytest.skip("neither numpy's huge-page hint nor the process's THP flag here")
    before = switch(True) if switch is not None else None
    try:
        with memory.small_pages():
            assert switch is None or switch(False) is False
            assert flag is None or memory.thp_disabled() is True
            with memory.small_pages():
                pass
            assert switch is None or switch(False) is False   # (still off: the outer read goes on)
            assert flag is None or memory.thp_disabled() is True
        assert switch is None or switch(True) is True
        assert memory.thp_disabled() == flag
    finally:
        if switch is not None:
            switch(before)
