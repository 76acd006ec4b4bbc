"""Text helpers of the upload reader: missing markers, header hints, years, notes, file names.

* Missing markers ``-`` ``--`` ``–`` ``—`` ``..`` ``...`` ``…`` ``n/a`` ``NA`` ``#N/A`` ``x``
  ``null`` ``nan`` and empty cells are missing: counted, listed, never zero. The list is
  :data:`jabodash.core.cells.MISSING_MARKERS`, shared with the region matcher.
* Years ``2023``, ``2023*`` (preliminary), ``2023-06`` (period), ``Tahun 2023``
  (:func:`parse_year`).
* Header hints: a column's header names its likely role (region, year, value, lat/lon...).
* Notes below the table (``Sumber: ...``), total rows (``Jumlah``, a province) and a BPS
  column-numbering row ``(1) (2) (3)`` are recognised by the patterns here.

Hostile text (HTML, scripts, Markdown, formulas) is kept as inert text: nothing is ever
evaluated. Pages show cell text with ``st.dataframe``/``st.text`` or through
:meth:`~jabodash.ingest.outcome.Message.markdown`, which escapes parameters; CSV downloads go
through :func:`jabodash.core.csvsafe.to_safe_csv`. :func:`_check_hostile` only warns.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jabodash.core.cells import MISSING_MARKERS


def _isna(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def safe_filename(name: str | None, default: str = "upload") -> str:
    """A file name safe on every system: base name only, [A-Za-z0-9._-], no leading dot."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = text.replace("\\", "/").split("/")[-1]
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", text)
    text = re.sub(r"_{2,}", "_", text).strip("._- ")
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    stem = stem[:80].strip("._-")
    ext = ext[:10]
    if not stem or stem.upper() in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                                    *(f"LPT{i}" for i in range(10))}:
        stem = (stem + "_" if stem else "") + default
    return f"{stem}.{ext}" if ext else stem


def _clip(text: Any, limit: int = 200) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= limit else s[:limit] + "\u2026"


def _norm_header(text: str) -> str:
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"\([^)]*\)", " ", s)
    s = re.sub(r"[_/\\.\-:,]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


_HINTS = [
    ("rownum", re.compile(r"^(no|nomor|no urut|urut|#|nr|number)$")),
    ("lat", re.compile(r"^(lat|latitude|lintang|garis lintang|y)$")),
    ("lon", re.compile(r"^(lon|lng|long|longitude|bujur|garis bujur|x)$")),
    ("year", re.compile(r"^(tahun|year|thn|th|periode|period|tahun data|periode data|waktu|time)$")),
    ("unit", re.compile(r"^(satuan|unit|units|satuan data)$")),
    ("indicator", re.compile(r"\b(indikator|indicator|variabel|variable|uraian|rincian|nama indikator|"
                             r"nama variabel|series)\b")),
    ("dimension", re.compile(r"\b(jenis|kategori|category|kelompok|group|jenis kelamin|sex|gender|item)\b")),
    ("value", re.compile(r"^(nilai|value|values|angka|jumlah|total|data|val|besaran)$")),
    ("region", re.compile(r"\b(wilayah|kabupaten|kota|kab|kabkota|kab kota|kabupaten kota|kecamatan|kec|"
                          r"region|regency|city|district|daerah|adm2|adm3|kemendagri|kode bps|bps)\b")),
    ("name", re.compile(r"\b(nama|name|fasilitas|facility|lokasi|location|alamat)\b")),
]


def _hint(name: str) -> str | None:
    norm = _norm_header(name)
    for role, rx in _HINTS:
        if rx.search(norm):
            return role
    return None


_YEAR_RE = re.compile(
    r"^(?:(?:tahun|year|thn|th)\.?\s*)?((?:19|20)\d{2})"
    r"(?:\s*(\*{1,3})\)?"
    r"|\s*[-/.]\s*(0?[1-9]|1[0-2])(?:\s*[-/.]\s*\d{1,2}(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?)?"
    r"|\.0+"
    r"|\s*\(([^)]{0,40})\))?\s*$", re.IGNORECASE | re.ASCII)
_PRELIM_WORDS = re.compile(r"^\s*(p|sementara|angka sementara|prelim\w*|provisional|\*+)\s*$", re.I)


def parse_year(text: Any) -> tuple[int, str, bool] | None:
    """'2023' -> (2023, '2023', False); '2023*' -> preliminary; '2023-06' -> period '2023-06'."""
    if text is None:
        return None
    s = str(text).strip()
    if not s or len(s) > 60:
        return None
    m = _YEAR_RE.match(s)
    if not m:
        return None
    year = int(m.group(1))
    if not 1900 <= year <= 2100:
        return None
    prelim = bool(m.group(2)) or bool(m.group(4) and _PRELIM_WORDS.match(m.group(4)))
    period = f"{year}-{int(m.group(3)):02d}" if m.group(3) else str(year)
    return year, period, prelim


_NOTE_RE = re.compile(r"^\s*(sumber|source|sources|catatan|note|notes|keterangan|ket|nb|disclaimer)\s*[:.]"
                      r"|^\s*\*+\s*\)|^\s*\d\)\s|^\s*\*\s", re.IGNORECASE)
_NOTE_RE_RE2 = (r"(?i)^\s*(sumber|source|sources|catatan|note|notes|keterangan|ket|nb|disclaimer)\s*[:.]"
                r"|^\s*\*+\s*\)|^\s*\d\)\s|^\s*\*\s")
_SOURCE_RE = re.compile(r"^\s*(sumber|source|sources)\s*[:.]\s*(.+)$", re.IGNORECASE)
_AGGREGATE_RE = re.compile(
    r"^(jumlah|total|jumlah total|total jumlah|grand total|jumlah/total|total/jumlah|sub ?total|subjumlah|"
    r"jabodetabek|jabodetabekjur|jabodetabek ?\+ ?cianjur|kawasan aglomerasi.*|aglomerasi.*|indonesia|"
    r"dki jakarta|provinsi dki jakarta|jawa barat|provinsi jawa barat|banten|provinsi banten|"
    r"(provinsi|propinsi|prov\.?) .*|province.*|all|semua|rata-rata|rerata|average)$", re.IGNORECASE)
_COLNUM_RE = re.compile(r"^\(?\d{1,2}\)?$", re.ASCII)
_MISSING_SET = set(MISSING_MARKERS)
_NUMLIKE_RE = re.compile(r"^[+\-\u2212]?(?:rp\.?)?(\d[\d.,]*|[.,]\d+)(?:[eE][+-]?\d+)?%?$", re.IGNORECASE)


def _is_missing_text(s: str) -> bool:
    return s.strip().lower() in _MISSING_SET


_SPACES_RE = re.compile(r"[\s\u00a0\u202f\u2009]")
_NINES = str.maketrans("12345678", "99999999")


def _numlike(s: str) -> bool:
    """The text looks like a number (spaces aside). Decided once per shape: the pattern reads ASCII
    digits only as digits, so a text and its shape (digits 1-8 written as 9) are alike."""
    return _numlike_shape(s.translate(_NINES))


@functools.lru_cache(maxsize=1 << 14)
def _numlike_shape(shape: str) -> bool:
    return bool(_NUMLIKE_RE.match(_SPACES_RE.sub("", shape)))


def _chunks(col) -> list[pa.Array]:
    """The pieces of a column: the chunks of a ChunkedArray (as Arrow's reader leaves a big file's
    columns), else the array itself."""
    return col.chunks if isinstance(col, pa.ChunkedArray) else [col]


def _take(col, rows) -> pa.Array:
    """The cells of the given rows (numpy indices) as one array. A chunked column is taken from chunk
    by chunk: Arrow's take of a ChunkedArray first combines all its chunks (about 2 ms a call for a
    1,000,000-row column, copied whole to read a few cells)."""
    rows = np.asarray(rows, dtype=np.int64)
    if isinstance(col, pa.ChunkedArray) and col.num_chunks == 1:
        col = col.chunk(0)
    if not isinstance(col, pa.ChunkedArray):
        return col.take(pa.array(rows, type=pa.int64()))
    ends = np.cumsum([len(c) for c in col.chunks])
    which = np.searchsorted(ends, rows, side="right")
    if not len(rows) or rows.min() < 0 or which.max() >= col.num_chunks:
        return col.take(pa.array(rows, type=pa.int64())).combine_chunks()   # (Arrow's answer, or its error)
    order = np.argsort(which, kind="stable") if (np.diff(which) < 0).any() else None
    if order is not None:
        rows, which = rows[order], which[order]
    starts = ends - [len(c) for c in col.chunks]
    cuts = np.searchsorted(which, np.arange(col.num_chunks + 1))
    parts = [col.chunk(k).take(pa.array(rows[a:b] - starts[k], type=pa.int64()))
             for k, (a, b) in enumerate(zip(cuts, cuts[1:])) if b > a]
    out = pa.concat_arrays(parts)
    return out if order is None else out.take(pa.array(np.argsort(order), type=pa.int64()))


def _trimmed(col):
    """The texts without white space around them; the column itself when no text starts or ends with
    a byte that may be white space (ASCII space or control, or a byte of a non-ASCII character):
    no copy of a column that has nothing to trim (a 1,000,000-row column: ~20 MB not written). A
    chunked column is trimmed chunk by chunk (only the chunks that need it are copied)."""
    if isinstance(col, pa.ChunkedArray):
        pieces = [_trimmed(c) for c in col.chunks]
        if all(p is c for p, c in zip(pieces, col.chunks)):
            return col
        return pa.chunked_array(pieces, type=col.type)
    if not isinstance(col, pa.Array) or col.type != pa.string() or col.null_count or not len(col):
        return pc.utf8_trim_whitespace(col)
    bounds = np.frombuffer(col.buffers()[1], dtype=np.int32, count=len(col) + 1, offset=col.offset * 4)
    starts, ends = bounds[:-1], bounds[1:]
    filled = ends > starts
    if not filled.all():
        starts, ends = starts[filled], ends[filled]
    data = np.frombuffer(col.buffers()[2], dtype=np.uint8)
    first, last = data[starts], data[ends - 1]
    if ((first <= 32) | (first >= 127) | (last <= 32) | (last >= 127)).any():
        return pc.utf8_trim_whitespace(col)
    return col


def _filled(col) -> np.ndarray:
    """Which cells are not empty: the texts' lengths from their offsets (no comparison of texts), piece
    by piece; Arrow's comparison for a piece with nulls or of another type."""
    parts = []
    for piece in _chunks(col):
        if not len(piece):
            parts.append(np.zeros(0, dtype=bool))
            continue
        if piece.type != pa.string() or piece.null_count:
            parts.append(pc.not_equal(piece, "").to_numpy(zero_copy_only=False))
            continue
        bounds = np.frombuffer(piece.buffers()[1], dtype=np.int32, count=len(piece) + 1, offset=piece.offset * 4)
        parts.append(bounds[1:] > bounds[:-1])
    return parts[0] if len(parts) == 1 else np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _distinct(col: pa.Array) -> tuple[np.ndarray, list[str]]:
    d = Distinct(col)
    return d.idx, d.values


class Distinct:
    """A column's distinct texts in order of first appearance and each cell's index into them
    (Arrow's dictionary encoding), made once per column and shared by the steps that read a
    column's texts: notes, repeated headers, hostile text, regions, years, indicators. A test over
    the texts runs once per distinct text (:meth:`per_row`)."""

    def __init__(self, col):
        enc = pc.dictionary_encode(col)
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.combine_chunks()
        self.dictionary: pa.Array = enc.dictionary
        self.codes: np.ndarray = enc.indices.to_numpy(zero_copy_only=False)   # (int32, Arrow's own)
        self._idx: np.ndarray | None = None
        self._values: list[str] | None = None

    @property
    def idx(self) -> np.ndarray:
        """Each cell's index into the distinct texts (int64)."""
        if self._idx is None:
            self._idx = self.codes.astype(np.int64)
        return self._idx

    @property
    def values(self) -> list[str]:
        if self._values is None:
            self._values = self.dictionary.to_pylist()
        return self._values

    def counts(self) -> np.ndarray:
        """How many cells hold each distinct text."""
        return np.bincount(self.codes, minlength=len(self.dictionary))

    def per_row(self, per_text) -> np.ndarray:
        """A value per distinct text (an Arrow or numpy array) as a value per cell."""
        if isinstance(per_text, (pa.Array, pa.ChunkedArray)):
            per_text = per_text.to_numpy(zero_copy_only=False)
        return per_text[self.codes]


def repeats(col) -> bool:
    """The column's first 20,000 texts hold each at least twice on average (regions, years, indicators;
    not names or numbers): a test over its distinct texts costs less than one over its cells."""
    head = col.slice(0, 20_000)
    return pc.count_distinct(head).as_py() <= len(head) // 2


_HOSTILE_RE = re.compile(
    r"^\s*(?:=|@|[+\-]\s*[A-Za-z(=@]|[+\-]?[\d.,]+\s*[-+*/^&]\s*[\d(])"   # spreadsheet formulas
    r"|<\s*/?\s*[A-Za-z][^>]*>"                                             # HTML tags
    r"|\[[^\]]*\]\([^)]*\)|!\[", re.ASCII)                                 # Markdown links, images
# _HOSTILE_RE in RE2 (for Arrow's kernels: Python's ASCII \s and \d spelled out); every text
# _HOSTILE_RE finds matches it (the Python pattern still confirms each distinct text it finds)
_SP = r"[ \t\n\r\f\x0b]"
_HOSTILE_HINT = (rf"^{_SP}*(?:=|@|[+\-]{_SP}*[A-Za-z(=@]|[+\-]?[0-9.,]+{_SP}*[-+*/^&]{_SP}*[0-9(])"
                 rf"|<{_SP}*/?{_SP}*[A-Za-z][^>]*>|\[[^\]]*\]\([^)]*\)|!\[")


def _check_hostile(cols, names, roles, result, distinct=None) -> None:
    """Warn about cells that look like formulas, HTML or Markdown links in the text that is used
    (headers, region, indicator and name columns): they stay plain text, never run or rendered.
    distinct(i): column i's :class:`Distinct` (shared with the other steps), else made here."""
    texts = [n for n in names if _HOSTILE_RE.search(n)]
    count = len(texts)
    for key in ("region", "indicator", "name", "unit"):
        i = roles.get(key)
        if i is None:
            continue
        found, hits = _hostile_cells(cols[i], (lambda i=i: distinct(i)) if distinct is not None else None)
        count += hits
        texts.extend(found)
    if count:
        result.warn("hostile_text", count=count, example=_clip(texts[0], 60))


def _hostile_cells(col: pa.Array, distinct=None) -> tuple[list[str], int]:
    """(the distinct texts _HOSTILE_RE finds, in file order; the number of cells holding one). A
    column of repeated texts (regions, indicators) is searched once per distinct text, the others
    cell by cell; either way only the texts the RE2 pattern finds go through the Python pattern.
    distinct(): the column's :class:`Distinct` (None: made here)."""
    # (a column of mostly distinct texts, such as names, is searched by cell)
    if repeats(col) and len((d := (distinct or (lambda: Distinct(col)))()).dictionary) <= len(col) // 2:
        texts = d.dictionary
        maybe = pc.match_substring_regex(texts, _HOSTILE_HINT)
        if not pc.any(maybe).as_py():
            return [], 0
        per_text = d.counts()[np.flatnonzero(maybe.to_numpy(zero_copy_only=False))].tolist()
        found = [(v, k) for v, k in zip(texts.filter(maybe).to_pylist(), per_text) if v and _HOSTILE_RE.search(v)]
        return [v for v, _k in found], sum(k for _v, k in found)
    maybe = pc.match_substring_regex(col, _HOSTILE_HINT)
    if not pc.any(maybe).as_py():
        return [], 0
    _idx, distinct = _distinct(col.filter(maybe))
    found = [v for v in distinct if v and _HOSTILE_RE.search(v)]
    if not found:
        return [], 0
    return found, int(pc.sum(pc.is_in(col, value_set=pa.array(found, type=pa.string()))).as_py() or 0)
