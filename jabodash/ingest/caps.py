"""Limits on what one upload may hold, checked before the expensive work.

A hostile or broken file must be refused early, with a message that names what was too large,
the limit and where, and reading must stay within a small multiple of the file's size in memory.
The size of the upload itself is ``JABODASH_MAX_UPLOAD_MB`` (:func:`jabodash.ingest.read.max_upload_bytes`);
the limits below are module constants (tests lower them with ``monkeypatch.setattr``):

* :data:`MAX_LINE_BYTES` the longest line of a text file, and the longest cell (a quoted value may
  span lines), in bytes as uploaded. Checked on the raw bytes before they are decoded.
* :data:`MAX_COLUMNS` the most columns of a table (CSV/TSV: its usual field count; XLSX: the last
  column with a value in any row).
* :data:`MAX_CELLS` the most cells (rows times columns) of a text table, counted from its lines
  before it is parsed.
* XLSX, from the zip's directory before anything is unpacked: :data:`MAX_XLSX_PART_BYTES` the
  declared unpacked size of any one part (a sheet's XML, the shared strings),
  :data:`MAX_XLSX_UNPACKED_BYTES` all parts together, :data:`MAX_XLSX_RATIO` how many times a part
  may be larger unpacked than packed (parts over :data:`RATIO_FLOOR_BYTES` only); then
  :data:`MAX_SHARED_STRINGS` the number of shared strings (counted by streaming the part, before
  openpyxl loads them all) and, while the sheet is read, :data:`MAX_XLSX_CELLS` its cells (an
  empty row counts as one).

Python's zipfile never unpacks more than a member's declared size, so the declared sizes bound
what is unpacked. Each check raises :class:`LimitExceeded` (an ``ingest.error.<key>`` message
with its parameters), which :func:`jabodash.ingest.read.read_upload` turns into the result's error.
"""
from __future__ import annotations

import re
import zipfile

import numpy as np

MAX_LINE_BYTES = 1 << 20
MAX_COLUMNS = 500
MAX_CELLS = 25_000_000
MAX_XLSX_PART_BYTES = 256 << 20
MAX_XLSX_UNPACKED_BYTES = 512 << 20
MAX_XLSX_RATIO = 100
RATIO_FLOOR_BYTES = 10 << 20
MAX_SHARED_STRINGS = 1_000_000
MAX_XLSX_CELLS = 5_000_000

class LimitExceeded(Exception):
    """An upload over one of the limits: ``key`` (under ``ingest.error.``) and message parameters."""

    def __init__(self, key: str, **params) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _size(n: int) -> str:
    """Bytes as a person reads them: 812 bytes, 64 KB, 1.0 MB."""
    if n < 1024:
        return f"{n:,} bytes"
    if n < 1048576:
        return f"{n / 1024:,.0f} KB"
    return f"{n / 1048576:,.1f} MB"


def check_lines(data: bytes) -> int:
    """The number of lines of a text upload; raises ``line_too_long`` (with its line number) first.

    Lines end at LF (CR when the file has no LF). A line is too long when MAX_LINE_BYTES + 1 bytes
    from its start hold no line break: the scan jumps from the last break of each such window to
    the next (a few hundred searches for a 200 MB file), and the lines are counted with
    ``bytes.count``; no copy of the file.
    """
    sep = b"\n" if b"\n" in data else b"\r"
    limit = MAX_LINE_BYTES
    start = 0          # offset where a line starts
    while len(data) - start > limit:
        cut = data.rfind(sep, start, start + limit + 1)
        if cut < 0:
            end = data.find(sep, start)
            raise LimitExceeded("line_too_long", line=f"{data.count(sep, 0, start) + 1:,}",
                                size=_size((len(data) if end < 0 else end) - start), limit=_size(limit))
        start = cut + 1
    return _count_byte(data, sep[0]) + (1 if data and not data.endswith(sep) else 0)


def _count_byte(data: bytes, byte: int, piece: int = 1 << 20) -> int:
    """How many times ``byte`` occurs in ``data`` (numpy, a MiB at a time: three to four times
    bytes.count's speed, and no array the size of the file)."""
    arr = np.frombuffer(data, dtype=np.uint8)
    hits = np.empty(min(piece, len(arr)), dtype=bool)
    total = 0
    for start in range(0, len(arr), piece):
        part = arr[start:start + piece]
        found = hits[:len(part)]
        np.equal(part, byte, out=found)
        total += int(np.count_nonzero(found))
    return total


def check_table(lines: int, width: int, row: int = 1) -> None:
    """The columns and cells of a text table before it is parsed (row: a line of that width)."""
    if width > MAX_COLUMNS:
        raise LimitExceeded("too_many_columns", columns=f"{width:,}", limit=f"{MAX_COLUMNS:,}", row=f"{row:,}")
    cells = lines * width
    if cells > MAX_CELLS:
        raise LimitExceeded("too_many_cells", rows=f"{lines:,}", columns=f"{width:,}", cells=f"{cells:,}",
                            limit=f"{MAX_CELLS:,}")


def cell_too_long(row: int, column: int | str, size: int | None) -> LimitExceeded:
    """The error for a cell over MAX_LINE_BYTES (a quoted value spanning lines); size None: unknown."""
    return LimitExceeded("cell_too_long", row=f"{row:,}", column=str(column),
                         size=_size(size) if size is not None else f"> {_size(MAX_LINE_BYTES)}",
                         limit=_size(MAX_LINE_BYTES))


def check_xlsx_parts(zf: zipfile.ZipFile) -> None:
    """Declared sizes and compression ratios of every part, before anything is unpacked."""
    total = 0
    for info in zf.infolist():
        size = info.file_size
        total += size
        if size > MAX_XLSX_PART_BYTES:
            raise LimitExceeded("xlsx_part_too_large", part=info.filename[:120], size=_size(size),
                                limit=_size(MAX_XLSX_PART_BYTES))
        if size > RATIO_FLOOR_BYTES and size > MAX_XLSX_RATIO * max(info.compress_size, 1):
            raise LimitExceeded("xlsx_ratio", part=info.filename[:120], size=_size(size),
                                packed=_size(info.compress_size),
                                ratio=f"{size / max(info.compress_size, 1):,.0f}", limit=f"{MAX_XLSX_RATIO:,}")
    if total > MAX_XLSX_UNPACKED_BYTES:
        raise LimitExceeded("xlsx_unpacked_too_large", size=_size(total), limit=_size(MAX_XLSX_UNPACKED_BYTES))


# an opening <si> element (any namespace prefix), not the closing one
_SI_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


def check_shared_strings(zf: zipfile.ZipFile) -> None:
    """Count the shared strings by streaming their part, stopping at the limit."""
    names = [n for n in zf.namelist() if n.lower().endswith("sharedstrings.xml")]
    for name in names:
        count = 0
        tail = b""
        with zf.open(name) as fh:
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                buf = tail + chunk
                cut = buf.rfind(b"<")
                if cut < 0 or len(buf) - cut > 256:
                    cut = len(buf)
                count += len(_SI_RE.findall(buf, 0, cut))
                tail = buf[cut:]
                if count > MAX_SHARED_STRINGS:
                    raise LimitExceeded("too_many_shared_strings", count=f"{count:,}",
                                        limit=f"{MAX_SHARED_STRINGS:,}")
        count += len(_SI_RE.findall(tail))
        if count > MAX_SHARED_STRINGS:
            raise LimitExceeded("too_many_shared_strings", count=f"{count:,}", limit=f"{MAX_SHARED_STRINGS:,}")
