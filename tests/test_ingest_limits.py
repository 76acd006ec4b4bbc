"""Hostile uploads are refused early, with a message naming what was too large, the limit and where.

The files are made here, small, against limits lowered with monkeypatch (jabodash.ingest.caps),
so they trip the same checks as the full-size ones (a 150 MB line, an xlsx with millions of
shared strings, a zip bomb) without their cost.
"""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from jabodash.ingest import caps, read_upload

HEADER = b"kode_wilayah,tahun,nilai\n"
ROWS = b"".join(b"%d,2023,%d\n" % (code, code % 97) for code in (3171, 3172, 3173, 3174, 3175))

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def xlsx(rows: list[list], strings: list[str], filler_rows: int = 0) -> bytes:
    """A workbook written part by part: rows of numbers or shared-string indexes ("s0"), then
    filler_rows identical rows (they compress about 500 times: a zip bomb in small)."""
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(f'<c t="s"><v>{v[1:]}</v></c>' if isinstance(v, str) else f"<c><v>{v}</v></c>"
                        for v in row)
        body.append(f'<row r="{r}">{cells}</row>')
    body.append('<row><c><v>3171</v></c><c><v>2023</v></c><c><v>1</v></c></row>' * filler_rows)
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{"".join(body)}</sheetData></worksheet>'
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{len(strings)}" uniqueCount="{len(strings)}">'
           + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           ("xl/sharedStrings.xml", sst), ("xl/worksheets/sheet1.xml", sheet)):
            zf.writestr(name, text)
    return buf.getvalue()


GOOD_ROWS = [["s0", "s1", "s2"], *[[code, 2023, code % 97] for code in (3171, 3172, 3173, 3174, 3175)]]
GOOD_STRINGS = ["kode_wilayah", "tahun", "nilai"]


def only_error(result) -> tuple[str, dict]:
    assert not result.ok
    assert len(result.errors) == 1, [m.key for m in result.errors]
    assert result.records.empty
    message = result.errors[0]
    return message.key, message.params


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fail if openpyxl is asked to open the workbook: the refusal must come before it."""
    def refuse(*_a, **_k):
        raise AssertionError("openpyxl.load_workbook was called")
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_the_small_files_here_are_read_when_within_the_limits():
    r = read_upload(HEADER + ROWS, "ok.csv")
    assert r.ok and sorted(r.records["region_code"]) == ["3171", "3172", "3173", "3174", "3175"]
    x = read_upload(xlsx(GOOD_ROWS, GOOD_STRINGS, filler_rows=0), "ok.xlsx")
    assert x.ok and x.file_type == "xlsx" and list(x.records["value"]) == [3171 % 97, 3172 % 97, 3173 % 97,
                                                                           3174 % 97, 3175 % 97]


def test_a_line_over_the_limit_is_refused_with_its_number_size_and_the_limit(monkeypatch):
    monkeypatch.setattr(caps, "MAX_LINE_BYTES", 1024)
    data = HEADER + ROWS[:26] + b"3176,2023," + b"9" * 3000 + b"\n" + ROWS
    key, params = only_error(read_upload(data, "panjang.csv"))
    assert key == "ingest.error.line_too_long"
    assert params == {"line": "4", "size": "3 KB", "limit": "1 KB"}
    assert read_upload(data, "panjang.csv").errors[0].text("en") == (
        "Line 4 is too long (3 KB); the longest line allowed is 1 KB. "
        "Check that the file is a table with one row per line.")
    assert read_upload(data, "panjang.csv").errors[0].text("id").startswith("Baris 4 terlalu panjang (3 KB); "
                                                                            "baris terpanjang yang diizinkan 1 KB.")


def test_one_long_line_without_a_newline_is_refused(monkeypatch):
    monkeypatch.setattr(caps, "MAX_LINE_BYTES", 1024)
    key, params = only_error(read_upload(b"a," * 5000, "satu_baris.csv"))
    assert key == "ingest.error.line_too_long" and params == {"line": "1", "size": "10 KB", "limit": "1 KB"}


def test_line_limit_counts_bytes_per_line_and_cr_only_lines(monkeypatch):
    monkeypatch.setattr(caps, "MAX_LINE_BYTES", 16)
    assert caps.check_lines(b"a" * 16 + b"\n" + b"b" * 16) == 2
    with pytest.raises(caps.LimitExceeded) as exc:
        caps.check_lines(b"a\rbb\r" + b"c" * 17 + b"\rd")
    assert exc.value.params["line"] == "3" and exc.value.params["size"] == "17 bytes"
    # many windows of the scan (17 bytes each), lines of 16 bytes at the limit between short ones
    assert caps.check_lines(b"abcdefgh\n" * 40) == 40
    assert caps.check_lines((b"a" * 16 + b"\n" + b"bc\n") * 20 + b"tail") == 41
    with pytest.raises(caps.LimitExceeded) as exc:
        caps.check_lines(b"abcdefgh\n" * 40 + b"x" * 17 + b"\n" + b"abc\n")
    assert exc.value.params["line"] == "41"


def test_too_many_columns_are_refused_not_cut(monkeypatch):
    monkeypatch.setattr(caps, "MAX_COLUMNS", 5)
    wide = b"kode," + b",".join(b"%d" % y for y in range(2000, 2006)) + b"\n"
    wide += b"".join(b"%d," % c + b",".join(b"1" for _ in range(6)) + b"\n" for c in (3171, 3172, 3173))
    key, params = only_error(read_upload(wide, "lebar.csv"))
    assert key == "ingest.error.too_many_columns" and params == {"columns": "7", "limit": "5", "row": "1"}


def test_too_many_cells_are_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(caps, "MAX_CELLS", 15)
    key, params = only_error(read_upload(HEADER + ROWS, "sel.csv"))
    assert key == "ingest.error.too_many_cells"
    assert params == {"rows": "6", "columns": "3", "cells": "18", "limit": "15"}
    monkeypatch.setattr(caps, "MAX_CELLS", 18)
    assert read_upload(HEADER + ROWS, "sel.csv").ok


def test_a_cell_longer_than_the_limit_once_in_utf8_is_refused(monkeypatch):
    """A Windows-1252 line under the limit whose cell is over it once in UTF-8 (a euro sign is one
    byte, then three): the cell is measured even though the line was."""
    monkeypatch.setattr(caps, "MAX_LINE_BYTES", 200)
    data = HEADER + ROWS[:13] + b"3172,2023," + b"\x80" * 150 + b"\n" + ROWS
    key, params = only_error(read_upload(data, "sel_euro.csv"))
    assert key == "ingest.error.cell_too_long"
    assert params["row"] == "3" and params["column"] == "3" and params["size"] == "450 bytes"


@pytest.mark.parametrize("parser", ["arrow", "python"])
def test_a_quoted_value_spanning_lines_over_the_limit_names_row_and_column(monkeypatch, parser):
    monkeypatch.setattr(caps, "MAX_LINE_BYTES", 200)
    if parser == "python":
        from jabodash.ingest import read as read_module
        monkeypatch.setattr(read_module, "_parse_pyarrow", lambda *a: None)
    data = HEADER + ROWS[:13] + b'3172,2023,"' + b"baris\n" * 100 + b'"\n' + ROWS
    key, params = only_error(read_upload(data, "sel_panjang.csv"))
    assert key == "ingest.error.cell_too_long"
    assert params["row"] == "3" and params["limit"] == "200 bytes"
    if parser == "arrow":
        assert params["column"] == "3" and params["size"] == "600 bytes"


def test_xlsx_part_over_the_declared_size_is_refused_before_unpacking(monkeypatch, no_openpyxl):
    monkeypatch.setattr(caps, "MAX_XLSX_PART_BYTES", 100_000)
    data = xlsx(GOOD_ROWS, GOOD_STRINGS, filler_rows=2000)
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, *a, **k: opened.append(a) or 1 / 0)
    key, params = only_error(read_upload(data, "besar.xlsx"))
    assert opened == []  # nothing unpacked
    assert key == "ingest.error.xlsx_part_too_large"
    assert params["part"] == "xl/worksheets/sheet1.xml" and params["limit"] == "98 KB"
    assert params["size"] == "122 KB"


def test_xlsx_zip_bomb_is_refused_by_its_compression_ratio(monkeypatch, no_openpyxl):
    monkeypatch.setattr(caps, "RATIO_FLOOR_BYTES", 10_000)
    data = xlsx(GOOD_ROWS, GOOD_STRINGS, filler_rows=20_000)
    assert len(data) < 10_000
    key, params = only_error(read_upload(data, "bom.xlsx"))
    assert key == "ingest.error.xlsx_ratio" and params["part"] == "xl/worksheets/sheet1.xml"
    assert int(params["ratio"].replace(",", "")) > 100 and params["limit"] == "100"
    assert "zip bomb" in read_upload(data, "bom.xlsx").errors[0].text("en")


def test_xlsx_unpacked_total_is_limited(monkeypatch, no_openpyxl):
    monkeypatch.setattr(caps, "MAX_XLSX_UNPACKED_BYTES", 2_000)
    key, params = only_error(read_upload(xlsx(GOOD_ROWS, GOOD_STRINGS), "total.xlsx"))
    assert key == "ingest.error.xlsx_unpacked_too_large" and params["limit"] == "2 KB"


def test_xlsx_with_too_many_shared_strings_is_refused_before_openpyxl_loads_them(monkeypatch, no_openpyxl):
    monkeypatch.setattr(caps, "MAX_SHARED_STRINGS", 50)
    strings = GOOD_STRINGS + [f"teks {i}" for i in range(60)]
    key, params = only_error(read_upload(xlsx(GOOD_ROWS, strings), "teks.xlsx"))
    assert key == "ingest.error.too_many_shared_strings" and params == {"count": "63", "limit": "50"}


def test_shared_strings_are_counted_across_read_chunks_and_prefixes(monkeypatch):
    monkeypatch.setattr(caps, "MAX_SHARED_STRINGS", 10**9)
    xml = (f'<x:sst {NS}>' + '<x:si><x:t>a</x:t></x:si>' * 70_000 + '<si/>' * 3 + '</x:sst>').encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", xml)
    monkeypatch.setattr(caps, "MAX_SHARED_STRINGS", 70_002)
    with zipfile.ZipFile(buf) as zf, pytest.raises(caps.LimitExceeded) as exc:
        caps.check_shared_strings(zf)
    assert exc.value.params["count"] == "70,003"
    monkeypatch.setattr(caps, "MAX_SHARED_STRINGS", 70_003)
    with zipfile.ZipFile(buf) as zf:
        caps.check_shared_strings(zf)


def test_xlsx_cells_and_columns_are_limited_while_the_sheet_is_read(monkeypatch):
    monkeypatch.setattr(caps, "MAX_XLSX_CELLS", 40)
    key, params = only_error(read_upload(xlsx(GOOD_ROWS, GOOD_STRINGS, filler_rows=50), "sel.xlsx"))
    assert key == "ingest.error.xlsx_too_many_cells" and params == {"row": "14", "limit": "40"}
    monkeypatch.setattr(caps, "MAX_XLSX_CELLS", 5_000_000)
    monkeypatch.setattr(caps, "MAX_COLUMNS", 3)
    rows = [*GOOD_ROWS, [3176, 2023, 5, 7]]
    key, params = only_error(read_upload(xlsx(rows, GOOD_STRINGS), "lebar.xlsx"))
    assert key == "ingest.error.too_many_columns" and params == {"columns": "4", "limit": "3", "row": "7"}
