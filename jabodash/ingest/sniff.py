"""Sniffing the bytes of an upload: file kind, encoding, binary data, delimiter, table width.

* Files: CSV/TSV/TXT text, and ``.xlsx`` (first sheet, or ``options.sheet``). Old ``.xls``,
  ``.ods``, PDF, images, archives and other binary data are refused with a message.
* Encodings: UTF-8, UTF-8 with BOM, UTF-16 LE/BE (with or without BOM, Excel's "Unicode
  text"), else Windows-1252 (Latin-1 when a byte is undefined in 1252). CRLF, LF or CR.
* Delimiter: ``,`` ``;`` tab ``|``, the one giving the most rows with the same field count
  (near ties go to tab, ``;``, ``|``, then ``,``; ``.tsv`` prefers tab).
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter

DELIMITERS = (",", ";", "\t", "|")

_MAGIC = [
    (b"PK\x03\x04", "zip"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"), (b"%PDF", "pdf"),
    (b"\x89PNG", "png"), (b"GIF8", "gif"), (b"\xff\xd8\xff", "jpeg"), (b"\x1f\x8b", "gzip"),
    (b"PAR1", "parquet"), (b"BZh", "bzip2"), (b"7z\xbc\xaf", "7z"), (b"Rar!", "rar"),
    (b"\x7fELF", "elf"), (b"MZ", "exe"), (b"SQLite format 3", "sqlite"),
]


def _magic(data: bytes) -> str | None:
    for sig, kind in _MAGIC:
        if data.startswith(sig):
            if kind == "exe" and not (len(data) > 64 and b"PE" in data[:1024]):
                continue
            return kind
    return None


def _detect_encoding(data: bytes, forced: str | None, whole: bool = True) -> tuple[str | None, str]:
    """(text, label). Raises UnicodeError when a forced encoding does not fit. Not ``whole``: the
    text of a file of ASCII bytes only (valid UTF-8) is None, left for the caller to decode where
    it needs it (a 172 MB file: no 172 MB string made only to be dropped)."""
    if forced:
        label = forced.strip().lower().replace("_", "-")
        aliases = {"cp1252": "windows-1252", "utf8": "utf-8", "latin1": "latin-1", "iso-8859-1": "latin-1",
                   "utf-8-bom": "utf-8-sig", "utf16": "utf-16", "ascii": "utf-8"}
        label = aliases.get(label, label)
        text = data.decode(label)
        if label in ("utf-8", "utf-8-sig") and text.startswith("\ufeff"):
            text = text[1:]
        if label == "utf-16":
            label = "utf-16-be" if data.startswith(b"\xfe\xff") else "utf-16-le"
        return text, label
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return data.decode("utf-32"), "utf-32"
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le"), "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be"), "utf-16-be"
    head = data[:4096]
    if len(head) >= 4:
        even_nul = head[0::2].count(0) / max(1, len(head[0::2]))
        odd_nul = head[1::2].count(0) / max(1, len(head[1::2]))
        if odd_nul > 0.3 and even_nul < 0.05:
            return data.decode("utf-16-le"), "utf-16-le"
        if even_nul > 0.3 and odd_nul < 0.05:
            return data.decode("utf-16-be"), "utf-16-be"
    if not whole and data.isascii():
        return None, "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


_C0_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_C1_CHARS = re.compile("[\x80-\x9f]")


def _looks_binary(text: str) -> bool:
    """NUL bytes, or more control characters than any text table has."""
    head = text[:65536]
    if not head:
        return False
    if "\x00" in head:
        return True
    c0 = len(_C0_CHARS.findall(head))
    c1 = len(_C1_CHARS.findall(head))
    return c0 > max(4, 0.005 * len(head)) or c1 > max(8, 0.05 * len(head))


def _sniff_records(sample: str, delimiter: str, limit: int = 400) -> list[list[str]]:
    _raise_field_limit()
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, quotechar='"',
                              doublequote=True, strict=False):
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def _sniff_delimiter(sample: str, filename: str) -> tuple[str | None, dict[str, int]]:
    scores: dict[str, int] = {}
    for d in DELIMITERS:
        counts = Counter(len(r) for r in _sniff_records(sample, d) if any(c.strip() for c in r))
        multi = {k: v for k, v in counts.items() if k >= 2}
        scores[d] = max(multi.values()) if multi else 0
    best = max(scores.values())
    if best == 0:
        return None, scores
    prefer = ["\t", ";", "|", ","]
    if filename.lower().endswith((".csv",)):
        prefer = [";", "\t", "|", ","]
    eligible = [d for d in prefer if scores[d] >= 0.9 * best]
    if filename.lower().endswith((".tsv", ".tab")) and scores["\t"] >= 0.5 * best:
        return "\t", scores
    return eligible[0], scores


def _table_width(rows: list[list[str]]) -> int:
    counts = Counter(len(r) for r in rows if len(r) >= 2 and any(c.strip() for c in r))
    if not counts:
        return 0
    top = max(counts.values())
    return max(k for k, v in counts.items() if v == top)


_FIELD_LIMIT_SET = False


def _raise_field_limit() -> None:
    global _FIELD_LIMIT_SET
    if not _FIELD_LIMIT_SET:
        csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
        _FIELD_LIMIT_SET = True
