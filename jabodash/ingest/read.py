"""Reading an upload: :func:`read_upload` (bytes) and :func:`read_file` (a path), never raising.

The size limit comes first (``JABODASH_MAX_UPLOAD_MB``, read at each call), then the file kind
(``.xlsx`` or text; ``.xls``, ``.ods``, PDF, images and other binary data are refused), the
encoding and delimiter (:mod:`jabodash.ingest.sniff`), the grid (:mod:`jabodash.ingest.grid`),
and the analysis (:mod:`jabodash.ingest.analyse`). The other limits (:mod:`jabodash.ingest.caps`:
line length and table size before parsing, an xlsx's declared sizes before unpacking) raise
LimitExceeded, which becomes its message. The file's SHA-256 is computed beside the
reader. An unexpected exception becomes the message ``ingest.error.internal``.
"""
from __future__ import annotations

import hashlib
import math
import os
import re
import threading
from pathlib import Path

from jabodash.ingest import caps, memory
from jabodash.ingest.analyse import _analyse
from jabodash.ingest.caps import LimitExceeded
from jabodash.ingest.grid import _parse_pyarrow, _parse_python, _read_xlsx, _salvage_long_rows
from jabodash.ingest.numbers import NUMBER_FORMATS
from jabodash.ingest.outcome import LAYOUTS, LEVELS, IngestOptions, IngestResult, _empty_records
from jabodash.ingest.sniff import (
    DELIMITERS,
    _detect_encoding,
    _looks_binary,
    _magic,
    _sniff_delimiter,
    _sniff_records,
    _table_width,
)
from jabodash.ingest.text import _clip, safe_filename

DEFAULT_MAX_UPLOAD_MB = 200
_FILLED = re.compile(rb"[^ \t\r\n\x00\xef\xbb\xbf\xff\xfe]")
_NOT_SPACE = re.compile(r"\S")


def max_upload_bytes() -> int:
    """The size limit for one upload: JABODASH_MAX_UPLOAD_MB (MiB, default 200)."""
    raw = os.environ.get("JABODASH_MAX_UPLOAD_MB", "").strip()
    try:
        mb = float(raw) if raw else float(DEFAULT_MAX_UPLOAD_MB)
    except ValueError:
        mb = float(DEFAULT_MAX_UPLOAD_MB)
    if not math.isfinite(mb) or mb <= 0:
        mb = float(DEFAULT_MAX_UPLOAD_MB)
    return int(mb * 1024 * 1024)


MAX_UPLOAD_BYTES = max_upload_bytes()


def read_file(path: str | Path, filename: str | None = None, options: IngestOptions | None = None,
              matcher=None) -> IngestResult:
    """read_upload for a file on disk, checking the size limit before reading it."""
    options = options or IngestOptions()
    limit = options.max_bytes or max_upload_bytes()
    path = Path(path)
    name = filename or path.name
    size = path.stat().st_size
    if size > limit:
        res = IngestResult(filename=safe_filename(name), size_bytes=size, options=options)
        return res.error("too_large", size_mb=f"{size / 1048576:.1f}", limit_mb=f"{limit / 1048576:.0f}")
    # the reader owns these bytes: it lets them go once the table is parsed (a 172 MB file: 172 MB
    # less while the records are made)
    return _read_owned([path.read_bytes()], name, options, matcher)


def read_upload(data: bytes, filename: str = "upload.csv", options: IngestOptions | None = None,
                matcher=None) -> IngestResult:
    """Read an uploaded file into a validation report and clean records. Never raises.

    matcher: a :class:`jabodash.geo.regions.RegionMatcher` (default: the shared kab/kota matcher,
    which accepts 7-digit kecamatan codes unverified). Pass :func:`matcher_with_cached_kecamatan`
    to recognise kecamatan names from the cached kecamatan boundaries.
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    return _read_owned([data], filename, options, matcher)


def _sha256_into(data: bytes, digest: dict) -> None:
    digest["sha"] = hashlib.sha256(data).hexdigest()


def _read_owned(box: list, filename: str, options: IngestOptions | None, matcher) -> IngestResult:
    """read_upload of the bytes in ``box`` (a one-item list, emptied here): when no one else holds
    them, they are freed as soon as the grid is parsed."""
    options = options if isinstance(options, IngestOptions) else IngestOptions()
    result = IngestResult(filename=safe_filename(filename), options=options)
    with memory.small_pages():   # (the reader's short-lived arrays: see jabodash.ingest.memory)
        return _read_into(box, filename, options, matcher, result)


def _read_into(box: list, filename: str, options: IngestOptions, matcher, result: IngestResult) -> IngestResult:
    try:
        if not isinstance(box[0], bytes):
            return result.error("empty")
        result.size_bytes = size = len(box[0])
        limit = options.max_bytes or max_upload_bytes()
        if size > limit:
            return result.error("too_large", size_mb=f"{size / 1048576:.1f}", limit_mb=f"{limit / 1048576:.0f}")
        digest: dict[str, str] = {}
        # the checksum runs beside the reader (hashlib releases the GIL on large inputs); the thread
        # lets go of its arguments when it ends
        hasher = threading.Thread(target=_sha256_into, args=(box[0], digest), daemon=True)
        hasher.start()
        try:
            grid = _grid(box, str(filename or ""), options, result, limit) if _check_options(options, result) else None
        finally:
            hasher.join()   # (then no one holds the bytes: they are freed before the analysis)
            result.sha256 = digest.get("sha", "")
        if grid is not None:
            memory.give_back()   # the bytes, the decoded text and Arrow's pieces of the table
            _analyse(grid, options, matcher, result)
    except LimitExceeded as exc:
        result.records = _empty_records()
        result.error(exc.key, **exc.params)
    except MemoryError:
        result.records = _empty_records()
        result.error("internal", detail="MemoryError")
    except Exception as exc:  # the last line of defence: a message, never a crash
        result.records = _empty_records()
        result.error("internal", detail=f"{type(exc).__name__}: {_clip(exc, 200)}")
    return result


def _check_options(options: IngestOptions, result: IngestResult) -> bool:
    if options.layout is not None and options.layout not in LAYOUTS:
        result.error("bad_option", option="layout", value=_clip(options.layout, 40))
    if options.level is not None and options.level not in LEVELS:
        result.error("bad_option", option="level", value=_clip(options.level, 40))
    if options.delimiter is not None and options.delimiter not in (*DELIMITERS, "tab", "\\t"):
        result.error("bad_option", option="delimiter", value=_clip(options.delimiter, 10))
    for _col, fmt in {**options.number_formats, **({"*": options.number_format} if options.number_format else {})}.items():
        if fmt not in NUMBER_FORMATS:
            result.error("bad_option", option="number_format", value=_clip(fmt, 20))
    if options.year is not None and not 1900 <= int(options.year) <= 2100:
        result.error("bad_option", option="year", value=str(options.year))
    return result.ok


def _grid(box: list, filename: str, options: IngestOptions, result: IngestResult, limit: int):
    """The file's grid (None with an error in ``result``); takes the bytes out of ``box``."""
    data = box.pop()
    if len(data) == 0 or not _FILLED.search(data):  # (a search, not data.strip(): no copy of the file)
        result.error("empty")
        return None
    kind = _magic(data)
    lower = filename.lower()
    if kind == "zip" or lower.endswith((".xlsx", ".xlsm")):
        if kind != "zip":
            if _looks_binary(data[:4096].decode("latin-1")):
                result.error("binary")
            else:
                result.error("xlsx_unreadable", detail="not a zip archive")
            return None
        result.file_type = "xlsx"
        return _read_xlsx(data, options.sheet, result, limit)
    if kind == "ole":
        result.error("unsupported_format", kind="xls")
        return None
    if kind is not None:
        result.error("binary_kind", kind=kind.upper())
        return None
    result.file_type = "csv"
    box.append(data)
    del data
    return _csv_grid(box, lower, options, result)


def _csv_grid(box: list, lower: str, options: IngestOptions, result: IngestResult):
    """The grid of a text file (the bytes in ``box``, taken out): encoding, delimiter, width, then
    Arrow's reader (the csv module where Arrow cannot). The decoded text of a UTF-8 file is let go
    before Arrow reads its bytes, and the bytes once Arrow has read them."""
    data = box.pop()
    lines = caps.check_lines(data)
    try:   # (an ASCII file's text is None: only its sample is decoded)
        text, encoding = _detect_encoding(data, options.encoding, whole=False)
    except (UnicodeError, LookupError):
        result.error("encoding", encoding=_clip(options.encoding or "?", 30))
        return None
    result.encoding = encoding
    sample = text[:262144] if text is not None else data[:262144].decode("ascii")
    if _looks_binary(sample):   # (it reads the first 64 KiB)
        result.error("binary")
        return None
    # same as "not text.strip()", without a copy of the text
    if not _NOT_SPACE.search(sample) and not (len(data) > len(sample) and _NOT_SPACE.search(
            text if text is not None else data.decode("ascii"))):
        result.error("empty")
        return None
    if (len(text) if text is not None else len(data)) > len(sample):
        cut = max(sample.rfind("\n"), sample.rfind("\r"))
        if cut > 0:
            sample = sample[:cut]
    forced = {"tab": "\t", "\\t": "\t"}.get(options.delimiter or "", options.delimiter)
    delimiter = forced or _sniff_delimiter(sample, lower)[0]
    if delimiter is None:
        result.error("no_table")
        return None
    result.delimiter = delimiter
    records = _sniff_records(sample, delimiter)
    width = _table_width(records)
    if width < 2:
        result.error("no_table")
        return None
    caps.check_table(lines, width, row=next((i + 1 for i, r in enumerate(records) if len(r) == width), 1))
    utf8 = encoding in ("utf-8", "utf-8-sig")
    box.append(data if encoding == "utf-8" else data[3:] if utf8 else text.encode("utf-8"))
    del data
    if utf8:
        text = None   # decoded again only if Arrow cannot read the bytes
    # (it lets the bytes go once it has read them; the lines of UTF-8 bytes were measured above)
    grid = _parse_pyarrow(box, delimiter, width, utf8)
    if grid is None:   # the bytes are still in box: the csv module reads the text
        grid = _parse_python(text if text is not None else _detect_encoding(box.pop(), "utf-8")[0], delimiter, width)
    box.clear()
    del text
    return _salvage_long_rows(grid)
