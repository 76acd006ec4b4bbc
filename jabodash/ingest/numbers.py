"""Numbers of the upload reader: :func:`parse_numbers` decides a column's number form and parses it.

Indonesian ``1.234.567,89``, English ``1,234,567.89``, plain, with ``%``, ``Rp`` or spaces. The
form is decided per column from all of its values; a column whose values fit both forms with
different meanings (``1.234`` alone) is "ambiguous": its ambiguous cells are skipped and the
column is listed in ``ambiguous_columns`` until the analyst sets ``options.number_formats``.
Spreadsheet cells that are numbers are used as numbers. Coordinates are read "decimal only":
one ``.`` or ``,`` is the decimal mark, no thousands separators.

Every cell is classified by its shape (the text with digits 1-9 written as 9), so the patterns
run once per distinct shape, not once per cell; the text itself is cleaned and converted with
vectorised Arrow kernels.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jabodash.ingest.text import _MISSING_SET, _chunks, _isna

NUMBER_FORMATS = ("id", "en")

_R_INT = r"^[+-]?\d+$"
_R_AMB_DOT = r"^[+-]?[1-9]\d{0,2}\.\d{3}$"
_R_AMB_COMMA = r"^[+-]?[1-9]\d{0,2},\d{3}$"
_R_ID = r"^[+-]?(?:[1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,\d+)?$"
_R_EN = r"^[+-]?(?:(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d{1,3})?$"
_R_DEC = r"^[+-]?\d+(?:[.,]\d+)?$"

# cell status codes
OK, MISSING, NOT_A_NUMBER, AMBIGUOUS, CONFLICT = 0, 1, 2, 3, 4
_STATUS_REASON = {MISSING: "missing", NOT_A_NUMBER: "not_a_number", AMBIGUOUS: "ambiguous_number",
                  CONFLICT: "number_format_conflict"}


@dataclass
class NumberColumn:
    """Parsed numbers of one column: values (NaN when not usable) and a status per cell."""

    values: np.ndarray
    status: np.ndarray
    format: str | None
    ambiguous_examples: list[str] = field(default_factory=list)
    likely: str | None = None
    percent: bool = False
    conflicts: int = 0


_P_INT = re.compile(_R_INT, re.ASCII)
_P_AMB = re.compile(f"{_R_AMB_DOT}|{_R_AMB_COMMA}", re.ASCII)
_P_ID = re.compile(_R_ID, re.ASCII)
_P_EN = re.compile(_R_EN, re.ASCII)
_P_DEC = re.compile(_R_DEC, re.ASCII)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
_RP = re.compile(r"^([+-]?)rp\.?", re.IGNORECASE)
# shape classes
_S_TEXT, _S_MISSING, _S_INT, _S_AMB, _S_ID, _S_EN, _S_DEC, _S_NATIVE = range(8)   # (native: a spreadsheet number)
_N_CLASSES = 8


@functools.lru_cache(maxsize=1 << 16)   # (the columns of a file share most of their shapes)
def _shape_class(shape: str, decimal_only: bool) -> tuple[int, bool, bool]:
    """(class, has percent sign, needs cleaning) of one number shape (digits 1-9 written as 9)."""
    if shape.lower() in _MISSING_SET:
        return _S_MISSING, False, False
    c = _SPACES.sub("", shape)
    c = _RP.sub(r"\1", c)
    pct = c.endswith("%")
    if pct:
        c = c[:-1]
    c = c.replace("\u2212", "-")
    dirty = c != shape
    if decimal_only:
        return (_S_DEC if _P_DEC.match(c) else _S_TEXT), pct, dirty
    if _P_INT.match(c):
        return _S_INT, pct, dirty
    if _P_AMB.match(c):
        return _S_AMB, pct, dirty
    if _P_ID.match(c):
        return _S_ID, pct, dirty
    if _P_EN.match(c):
        return _S_EN, pct, dirty
    return _S_TEXT, pct, dirty


def _string_parts(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, data bytes) of a string array without nulls, offsets (int32) starting at 0; views of
    the array's buffers where they can be (read-only)."""
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int32, count=len(arr) + 1, offset=arr.offset * 4)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    first = int(offsets[0])
    return (offsets - np.int32(first) if first else offsets), data[first: int(offsets[-1])]


def _from_parts(offsets: np.ndarray, data: np.ndarray) -> pa.Array:
    return pa.StringArray.from_buffers(len(offsets) - 1, pa.py_buffer(np.ascontiguousarray(offsets, dtype=np.int32)),
                                       pa.py_buffer(np.ascontiguousarray(data, dtype=np.uint8)))


def _nines(data: np.ndarray) -> np.ndarray:
    """The bytes with every digit 1-9 written as 9: data + (57 - data) where 49 <= data <= 57, in
    unsigned byte arithmetic (whole-array kernels, no look-up per byte; one array besides the result)."""
    out = np.subtract(data, np.uint8(49))
    is_digit = np.less(out, np.uint8(9))
    np.subtract(np.uint8(57), data, out=out)
    np.multiply(out, is_digit, out=out)
    return np.add(out, data, out=out)


def _digit_shapes(arr: pa.Array) -> pa.Array:
    """Every digit 1-9 written as 9 (ASCII bytes only, so UTF-8 stays valid); the array's offsets
    are shared, not copied."""
    bufs = arr.buffers()
    if arr.null_count or bufs[2] is None:
        offsets, data = _string_parts(arr)
        return _from_parts(offsets, _nines(data))
    data = _nines(np.frombuffer(bufs[2], dtype=np.uint8))
    return pa.StringArray.from_buffers(len(arr), bufs[1], pa.py_buffer(data), None, 0, arr.offset)


def _drop_and_map(arr: pa.Array, drop: bytes, mapping: dict[bytes, bytes],
                  per_text: np.ndarray | None = None) -> pa.Array:
    """Remove the ASCII characters in drop and replace single ASCII characters (vectorised: byte
    comparisons and arithmetic, no look-up table; the removed bytes per text are counted by Arrow, or given in
    ``per_text``, so the new offsets need a cumulative sum over the texts, not over the bytes)."""
    offsets, data = _string_parts(arr)
    keep = None
    for ch in drop:
        keep = data != ch if keep is None else np.logical_and(keep, data != ch, out=keep)
    if keep is not None and not keep.all():
        if per_text is None:
            per_text = sum(pc.count_substring(arr, chr(ch)).to_numpy(zero_copy_only=False) for ch in drop)
        moved = np.empty(len(offsets), dtype=np.int32)
        moved[0] = 0
        np.subtract(offsets[1:], np.cumsum(per_text, dtype=np.int32), out=moved[1:])
        offsets = moved
        data = data[keep]
    elif mapping:
        data = data.copy()
    if mapping:   # each byte a moved by b - a (mod 256): one add per character, faster than putmask
        shifts = [((data == a[0]).view(np.uint8), (b[0] - a[0]) % 256) for a, b in mapping.items()]
        for step, delta in shifts:
            if delta != 1:
                np.multiply(step, np.uint8(delta), out=step)
            np.add(data, step, out=data)
    return _from_parts(offsets, data)


def parse_numbers(values, number_format: str | None = None, decimal_only: bool = False,
                  native: np.ndarray | None = None, trimmed: bool = False) -> NumberColumn:
    """Parse a column of number texts; decide its form (id/en/plain) from all its values.

    number_format forces "id" or "en". decimal_only (coordinates): one '.' or ',' is the
    decimal mark, no thousands separators. native: float array of cells that already are
    numbers (spreadsheets), NaN elsewhere; those are taken as they are. trimmed: the texts have no
    spaces around them already (the reader's table), so they are not trimmed again.

    Every cell is classified by its shape (the text with digits 1-9 written as 9), so the
    patterns run once per distinct shape, not once per cell. A chunked column (Arrow's pieces of
    a big file) is read piece by piece, never combined.
    """
    s = _string_array(values)
    if not trimmed:
        s = pc.utf8_trim_whitespace(s)
    if s.null_count:
        s = pc.fill_null(s, "")
    n = len(s)
    shape_list, sidx = _shapes(s)
    klass = [_shape_class(x, decimal_only) for x in shape_list]
    # each cell's class, one look-up per cell; what follows is decided per class (8 of them)
    cls = np.asarray([k[0] for k in klass] or [_S_TEXT], dtype=np.int8)[sidx]
    dirty = any(k[2] for k in klass)
    c = _cleaned(s) if dirty else s
    # separators per text, from its shape (when the texts are not cleaned, their shapes are theirs)
    separators = None if dirty else functools.partial(_per_text, shape_list, sidx)
    if native is not None:
        native = np.asarray(native, dtype="float64")
        is_native = ~np.isnan(native)
        cls[is_native & (cls != _S_MISSING)] = _S_NATIVE   # (not text: not counted in the column's form)
    counts = np.bincount(cls, minlength=_N_CLASSES) if n else np.zeros(_N_CLASSES, dtype=np.int64)
    out = NumberColumn(values=np.empty(0), status=np.empty(0, dtype=np.int8), format=None,
                       percent=any(k[1] for k in klass))
    status_of = np.full(_N_CLASSES, NOT_A_NUMBER, dtype=np.int8)
    status_of[_S_MISSING] = MISSING
    if decimal_only:
        valid_classes, conv = [_S_DEC], _converted(c, b"", {b",": b"."})
        out.format = "decimal"
    else:
        valid_classes, conv = _decide_form(out, cls, counts, status_of, s, c, number_format, separators)
    del sidx, separators
    valid_of = np.zeros(_N_CLASSES, dtype=bool)
    valid_of[valid_classes] = True
    out.status = status_of[cls]
    valid = valid_of[cls] if counts[valid_classes].any() else None
    out.values = _convert(out.status, valid, conv) if valid is not None else np.full(n, np.nan)
    if native is not None and is_native.any():
        _take_native(out, native, is_native, (cls != _S_MISSING) & (cls != _S_NATIVE))
    return out


def _string_array(values):
    """The values as Arrow strings without nulls (nulls become ""): an Array, or the ChunkedArray as
    it is (not combined)."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        arr = values
    else:
        arr = pa.array(["" if _isna(v) else str(v) for v in values], type=pa.string())
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    return arr


def _shapes(s) -> tuple[list[str], np.ndarray]:
    """(the distinct shapes of the texts, the index of each text's shape)."""
    enc = pc.dictionary_encode(pa.chunked_array([_digit_shapes(p) for p in _chunks(s)], type=pa.string()))
    if not enc.num_chunks:
        return [], np.zeros(0, dtype=np.int32)
    sizes = {len(p.dictionary) for p in enc.chunks}
    if len(sizes) > 1:   # (Arrow gives every piece the column's whole dictionary; else made so)
        enc = enc.unify_dictionaries()
    parts = [p.indices.to_numpy(zero_copy_only=False) for p in enc.chunks]
    return enc.chunk(0).dictionary.to_pylist(), parts[0] if len(parts) == 1 else np.concatenate(parts)


def _cleaned(s):
    """Spaces, a leading Rp, a trailing % and the minus sign U+2212 taken out of the texts."""
    c = pc.replace_substring_regex(s, r"[\s\x{00a0}\x{202f}\x{2009}]", "")
    c = pc.replace_substring_regex(c, r"^([+-]?)(?i:rp)\.?", r"\1")
    c = pc.replace_substring_regex(c, r"%$", "")
    return pc.replace_substring(c, "\u2212", "-")


def _per_text(shapes: list[str], sidx: np.ndarray, ch: str) -> np.ndarray:
    """How many ``ch`` each text holds, counted once per distinct shape."""
    return np.asarray([x.count(ch) for x in shapes] or [0], dtype=np.int32)[sidx]


def _converted(c, drop: bytes, mapping: dict[bytes, bytes], per_text: np.ndarray | None = None) -> list[pa.Array]:
    """:func:`_drop_and_map` of each piece of ``c`` (per_text: of the whole column, or None)."""
    out, at = [], 0
    for piece in _chunks(c):
        counts = per_text[at:at + len(piece)] if per_text is not None else None
        out.append(_drop_and_map(piece, drop, mapping, counts))
        at += len(piece)
    return out


def _decide_form(out: NumberColumn, cls: np.ndarray, counts: np.ndarray, status_of: np.ndarray, s,
                 c, number_format: str | None, separators=None) -> tuple[list[int], list[pa.Array]]:
    """Decide the column's form (id, en, plain or ambiguous) from the classes of its cells (their
    counts); mark the ambiguous and conflicting classes in ``status_of``. Returns (classes of
    the cells to convert, the pieces of the texts to convert). separators(ch): how many ``ch``
    each text of ``c`` holds (None: counted by Arrow)."""
    n_id, n_en, n_amb = int(counts[_S_ID]), int(counts[_S_EN]), int(counts[_S_AMB])
    forced = number_format if number_format in NUMBER_FORMATS else None
    if forced:
        fmt = forced
    elif n_id and n_en:
        fmt = "id" if n_id > n_en else "en" if n_en > n_id else None
    elif n_id:
        fmt = "id"
    elif n_en:
        fmt = "en"
    else:
        fmt = None
    if fmt == "id":
        valid, wrong = [_S_INT, _S_ID, _S_AMB], [_S_EN]
        conv = _converted(c, b".", {b",": b"."}, separators and separators("."))
    elif fmt == "en":
        valid, wrong = [_S_INT, _S_EN, _S_AMB], [_S_ID]
        conv = _converted(c, b",", {}, separators and separators(","))
    else:  # undecided: integers are safe; the rest is ambiguous
        valid, wrong, conv = [_S_INT], [_S_ID, _S_EN], _chunks(c)
    if fmt is None and (n_amb or n_id or n_en):
        out.format = "ambiguous"
        status_of[[_S_AMB, *wrong]] = AMBIGUOUS
        out.ambiguous_examples = [str(u) for u in dict.fromkeys(
            s.filter(pa.array(np.isin(cls, [_S_AMB, *wrong]))).slice(0, 200).to_pylist())][:5]
    else:
        if fmt is None:
            out.format = "plain" if counts[_S_INT] else None
        elif not (n_id or n_en or n_amb):
            out.format = fmt if forced else "plain"
        else:
            out.format = fmt
        if counts[wrong].any():
            status_of[wrong] = CONFLICT
            out.conflicts = int(counts[wrong].sum())
    return valid, conv


def _convert(status: np.ndarray, valid: np.ndarray, conv: list[pa.Array]) -> np.ndarray:
    """The valid cells' texts (in pieces) as numbers, NaN elsewhere (status OK where finite)."""
    if len(conv) == 1:
        nums = _as_floats(conv[0], valid)
    else:
        nums = np.empty(len(valid), dtype=np.float64)
        at = 0
        for piece in conv:
            nums[at:at + len(piece)] = _as_floats(piece, valid[at:at + len(piece)])
            at += len(piece)
    if not nums.flags.writeable:
        nums = nums.copy()
    ok = np.isfinite(nums)   # (the cells not converted are NaN)
    if not ok.all():
        nums[~ok] = np.nan
    status[ok] = OK
    return nums


def _as_floats(texts: pa.Array, valid: np.ndarray) -> np.ndarray:
    """The texts kept in ``valid`` as floats (NaN for the others; read-only when Arrow's own)."""
    masked = texts if valid.all() else _masked(texts, valid)
    try:
        return pc.cast(masked, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return np.array([_to_float(x) for x in masked.to_pylist()], dtype="float64")


def _masked(texts: pa.Array, keep: np.ndarray) -> pa.Array:
    """The texts with the cells not kept null: the same buffers with a validity bitmap (no copy of
    the texts) when the array has none and starts at its buffers' start."""
    bufs = texts.buffers()
    if texts.offset or texts.null_count or bufs[0] is not None:
        return pc.if_else(pa.array(keep), texts, pa.scalar(None, pa.string()))
    bitmap = pa.py_buffer(np.packbits(keep, bitorder="little"))
    return pa.StringArray.from_buffers(len(texts), bufs[1], bufs[2], bitmap, len(keep) - int(np.count_nonzero(keep)))


def _take_native(out: NumberColumn, native: np.ndarray, is_native: np.ndarray, text_cells: np.ndarray) -> None:
    """Spreadsheet cells that are numbers, taken as they are."""
    finite = is_native & np.isfinite(native)
    out.values[finite] = native[finite]
    out.status[finite] = OK
    if out.format in (None, "plain") and not (out.status[text_cells] == OK).any():
        out.format = "native"


def _to_float(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")
