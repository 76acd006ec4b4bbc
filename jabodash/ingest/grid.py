"""The grid: an upload's rows of text cells with their line numbers (CSV text or an xlsx sheet).

Text is parsed by Arrow's CSV reader (every cell a string, rows with another field count set
aside as "odd" rows with their line numbers); its columns stay in the pieces Arrow read them in
(a ChunkedArray: no combined copy), and every step after reads them piece by piece. When Arrow
cannot, the csv module reads it record by record. The limits of :mod:`jabodash.ingest.caps` are checked on the way (an
xlsx's parts before they are unpacked, its cells and columns while its sheet is read). An ``.xlsx`` sheet is read with openpyxl (read-only); its cells that are
numbers are kept beside the text (``_Grid.native``) so that they are used as numbers.
"""
from __future__ import annotations

import csv
import io
import math
import re
import warnings
import zipfile
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from jabodash.ingest import caps
from jabodash.ingest.caps import LimitExceeded
from jabodash.ingest.outcome import IngestResult
from jabodash.ingest.sniff import _raise_field_limit
from jabodash.ingest.text import _chunks, _clip


@dataclass
class _Grid:
    cols: list                     # W string columns, pa.Array or pa.ChunkedArray (rows with the table's field count)
    lines: np.ndarray              # line (or sheet row) of each of those rows
    odd: list[tuple[int, list[str], str]]  # (line, fields, raw text) of rows with another field count
    width: int
    native: dict[int, np.ndarray] | None = None  # xlsx: numeric cells per column (NaN elsewhere)

    @property
    def n(self) -> int:
        return len(self.lines)


def _split_line(text: str, delimiter: str) -> list[str]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False))
    except csv.Error:
        return text.split(delimiter)
    if not rows:
        return []
    out = rows[0]
    for extra in rows[1:]:
        out = out + extra
    return out


_BREAK_RE = re.compile(r"\r\n|\r|\n")


# texts of at least this size are parsed on several threads first (Arrow numbers the rows it
# sets aside only when it reads on one thread: a file with such rows is read again on one)
THREADED_MIN_BYTES = 8 << 20
# bytes of text per piece Arrow reads (a column's chunk; a thread reads one at a time)
BLOCK_BYTES = 1 << 24


def _read_arrow(buf: bytes, delimiter: str, width: int, threads: bool, quoted: bool) -> tuple[pa.Table, list] | None:
    """Arrow's CSV reader, every cell a string: (table, [(row number, text)] of the rows with
    another field count; the number is None when read on several threads). quoted: the text has a
    quote character (a value may then span lines)."""
    names = [f"c{i}" for i in range(width)]
    invalid: list[tuple[int | None, str]] = []

    def handler(row) -> str:
        invalid.append((row.number, row.text))
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(buf),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=threads, block_size=BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                             escape_char=False, newlines_in_values=quoted,
                                             ignore_empty_lines=False, invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=True))
    except (pa.ArrowException, ValueError, OverflowError):
        return None
    return table, invalid


def _parse_pyarrow(box: list, delimiter: str, width: int, lines_checked: bool = False) -> _Grid | None:
    """The grid of the text bytes in ``box`` (a one-item list) by Arrow's reader, or None (the bytes
    left in ``box``) when Arrow cannot read them. Once read, the bytes are taken out of ``box``
    (freed when no one else holds them). The columns are Arrow's chunked columns as read: not
    combined into one piece each (a 180 MB file: 180 MB not copied, nor its pages faulted in).
    lines_checked: caps.check_lines has measured the lines of these very bytes."""
    buf = box[0]
    quoted = b'"' in buf
    read = None
    if len(buf) >= THREADED_MIN_BYTES:
        read = _read_arrow(buf, delimiter, width, threads=True, quoted=quoted)
        if read is not None and read[1]:
            read = None  # rows set aside: read again on one thread for their numbers
    read = read or _read_arrow(buf, delimiter, width, threads=False, quoted=quoted)
    if read is None:
        return None
    table, invalid = read
    del read
    n_valid = table.num_rows
    numbers = [num for num, _ in invalid]
    if any(num is None for num in numbers):
        return None
    total = n_valid + len(invalid)
    inv = np.asarray(numbers, dtype=np.int64)
    if len(inv) and (inv.min() < 1 or inv.max() > total or len(np.unique(inv)) != len(inv)
                     or np.any(np.diff(inv) <= 0)):
        return None
    box.clear()
    del buf
    cols = [_one_piece(col) for col in table.columns]
    del table
    is_valid = np.ones(total, dtype=bool)
    if len(inv):
        is_valid[inv - 1] = False
    # line of each record: equal to the record number unless values hold line breaks
    extra = None
    if quoted:
        has_break = any(pc.any(pc.match_substring_regex(col, r"[\r\n]")).as_py() for col in cols if len(col)) \
            or any(("\n" in text or "\r" in text) for _, text in invalid)
        if has_break:
            extra = np.zeros(total, dtype=np.int64)
            per_valid = np.zeros(n_valid, dtype=np.int64)
            for col in cols:
                per_valid += pc.count_substring_regex(col, r"\r\n|\r|\n").to_numpy(zero_copy_only=False)
            extra[is_valid] = per_valid
            for num, text in invalid:
                extra[num - 1] = len(_BREAK_RE.findall(text))
    rec_lines = np.arange(1, total + 1, dtype=np.int64)
    if extra is not None:
        rec_lines = rec_lines + np.concatenate([[0], np.cumsum(extra)[:-1]])
    lines = rec_lines[is_valid]
    if quoted or not lines_checked:   # (else a cell is within a line that caps.check_lines has measured)
        _check_cell_length(cols, lines)
    for num, text in invalid:
        if len(text) > caps.MAX_LINE_BYTES:
            raise caps.cell_too_long(int(rec_lines[num - 1]), "?", len(text.encode("utf-8")))
    odd = [(int(rec_lines[num - 1]), _split_line(text, delimiter), text) for num, text in invalid]
    return _Grid(cols=cols, lines=lines, odd=odd, width=width)


def _one_piece(col: pa.ChunkedArray):
    """The column as it is; a column of one chunk (a small file) as that chunk, of none as an empty array."""
    if col.num_chunks > 1:
        return col
    return col.chunk(0) if col.num_chunks else pa.array([], type=col.type)


def _check_cell_length(cols: list[pa.Array], lines: np.ndarray) -> None:
    """A value longer than MAX_LINE_BYTES (only a quoted one spanning lines can be) is refused."""
    for i, col in enumerate(cols):
        if not len(col):
            continue
        sizes = pc.binary_length(col)
        longest = pc.max(sizes).as_py() or 0
        if longest > caps.MAX_LINE_BYTES:
            k = int(np.argmax(sizes.to_numpy(zero_copy_only=False)))
            raise caps.cell_too_long(int(lines[k]), i + 1, longest)


def _parse_python(text: str, delimiter: str, width: int) -> _Grid:
    """Exact but slower: the csv module, one record at a time (fallback); cells up to MAX_LINE_BYTES."""
    _raise_field_limit()
    before = csv.field_size_limit(caps.MAX_LINE_BYTES)
    try:
        return _parse_records(text, delimiter, width)
    finally:
        csv.field_size_limit(before)


def _parse_records(text: str, delimiter: str, width: int) -> _Grid:
    columns: list[list[str]] = [[] for _ in range(width)]
    lines: list[int] = []
    odd: list[tuple[int, list[str], str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    prev = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise caps.cell_too_long(prev + 1, "?", None) from None
            row = None
        start = prev + 1
        prev = reader.line_num
        if row is None:
            odd.append((start, [], ""))
            continue
        if len(row) == 0:
            row = [""] * width
        if len(row) == width:
            for i, v in enumerate(row):
                columns[i].append(v)
            lines.append(start)
        else:
            odd.append((start, row, delimiter.join(row)))
    cols = [pa.array(c, type=pa.string()) for c in columns]
    return _Grid(cols=cols, lines=np.asarray(lines, dtype=np.int64), odd=odd, width=width)


def _salvage_long_rows(grid: _Grid) -> _Grid:
    """Rows longer than the table whose extra cells are all empty are ordinary rows."""
    keep, moved = [], []
    for line, cells, raw in grid.odd:
        if len(cells) > grid.width and not any(c.strip() for c in cells[grid.width:]):
            moved.append((line, cells[:grid.width]))
        else:
            keep.append((line, cells, raw))
    if not moved:
        return grid
    cols = []
    for i, col in enumerate(grid.cols):
        cols.append(pa.chunked_array([*_chunks(col), pa.array([m[1][i] for m in moved], type=pa.string())],
                                     type=pa.string()))
    lines = np.concatenate([grid.lines, np.asarray([m[0] for m in moved], dtype=np.int64)])
    order = np.argsort(lines, kind="stable")
    idx = pa.array(order)
    return _Grid(cols=[_one_piece(c.take(idx)) for c in cols], lines=lines[order], odd=keep, width=grid.width,
                 native=grid.native)


def _xlsx_cell(value) -> tuple[str, float]:
    if value is None:
        return "", np.nan
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), np.nan
    if isinstance(value, (int, float)):
        f = float(value)
        if not math.isfinite(f):
            return str(value), np.nan
        if f.is_integer() and abs(f) < 1e15:
            return str(int(f)), f
        return repr(f), f
    if hasattr(value, "isoformat"):
        try:
            if hasattr(value, "hour") and (value.hour or value.minute or value.second) and hasattr(value, "date"):
                return value.isoformat(sep=" "), np.nan
            return value.isoformat()[:10], np.nan
        except (TypeError, ValueError):
            return str(value), np.nan
    return str(value), np.nan


def _read_xlsx(data: bytes, sheet, result: IngestResult, limit: int) -> _Grid | None:
    """The sheet's grid, or None with the error in result; raises LimitExceeded (see limits)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            if "xl/workbook.xml" in names:
                caps.check_xlsx_parts(zf)
                caps.check_shared_strings(zf)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
        result.error("xlsx_unreadable", detail="zip")
        return None
    if "xl/workbook.xml" not in names:
        kind = "ods" if "content.xml" in names else "docx" if "word/document.xml" in names else "zip"
        result.error("unsupported_format", kind=kind)
        return None
    import openpyxl  # only for xlsx uploads: importing it costs about 0.3 s
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on broken files
        result.error("xlsx_unreadable", detail=type(exc).__name__)
        return None
    try:
        sheets = list(wb.sheetnames)
        result.sheets = sheets
        if not sheets:
            result.error("empty")
            return None
        if sheet is None or sheet == "":
            ws = wb.worksheets[0]
        elif isinstance(sheet, int) or (isinstance(sheet, str) and re.fullmatch(r"[0-9]{1,4}", sheet.strip())
                                        and sheet not in sheets):
            k = int(sheet)
            if not 1 <= k <= len(sheets):
                result.error("sheet_not_found", sheet=str(sheet), sheets=", ".join(sheets))
                return None
            ws = wb.worksheets[k - 1]
        elif sheet in sheets:
            ws = wb[sheet]
        else:
            result.error("sheet_not_found", sheet=_clip(sheet, 60), sheets=", ".join(sheets))
            return None
        result.sheet = ws.title
        try:
            ws.reset_dimensions()
        except AttributeError:
            pass
        rows: list[list[str]] = []
        nums: list[list[float]] = []
        width = 0
        cells_read = 0
        for row in ws.iter_rows(values_only=True):
            cells = list(row)
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()
            if len(cells) > caps.MAX_COLUMNS:
                raise LimitExceeded("too_many_columns", columns=f"{len(cells):,}", limit=f"{caps.MAX_COLUMNS:,}",
                                    row=f"{len(rows) + 1:,}")
            cells_read += max(len(cells), 1)
            if cells_read > caps.MAX_XLSX_CELLS:
                raise LimitExceeded("xlsx_too_many_cells", row=f"{len(rows) + 1:,}",
                                    limit=f"{caps.MAX_XLSX_CELLS:,}")
            pairs = [_xlsx_cell(v) for v in cells]
            rows.append([p[0] for p in pairs])
            nums.append([p[1] for p in pairs])
            width = max(width, len(pairs))
    except LimitExceeded:
        raise
    except Exception as exc:
        result.error("xlsx_unreadable", detail=type(exc).__name__)
        return None
    finally:
        try:
            wb.close()
        except Exception:
            pass
    if width == 0:
        return _Grid(cols=[], lines=np.zeros(0, dtype=np.int64), odd=[], width=0)
    cols = []
    native = {}
    for i in range(width):
        cols.append(pa.array([r[i] if i < len(r) else "" for r in rows], type=pa.string()))
        native[i] = np.asarray([r[i] if i < len(r) else np.nan for r in nums], dtype="float64")
    return _Grid(cols=cols, lines=np.arange(1, len(rows) + 1, dtype=np.int64), odd=[], width=width,
                 native=native)
