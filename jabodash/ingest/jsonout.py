"""The JSON report written fast: byte for byte what ``json.dump(report, fh, ensure_ascii=False,
indent=2, allow_nan=False)`` writes, without building a Python dict per record.

Python's json module formats with ``indent`` in pure Python, a few microseconds per value: a
1,000,000-record report took about 40 s of CPU and a gigabyte for its dicts. Here the long
lists (records, points, skipped rows) are :class:`Rows`: columns of JSON texts made column by
column as Arrow string arrays (each distinct text encoded once, numbers formatted by Arrow and
checked against Python's form, see :func:`float_texts`) and joined into objects by Arrow a chunk
of rows at a time, so memory stays bounded by the chunk and no Python object is made per value.
Everything else goes through ``json.dumps`` as before.
"""
from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Callable, TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jabodash.core.parallel import in_order

CHUNK = 100_000


class Rows:
    """A list of flat JSON objects with the same keys, held as columns.

    ``columns`` maps each key to a function ``(start, stop) -> JSON texts`` for those rows (an
    Arrow string array without nulls, or a list of str).
    """

    def __init__(self, n: int, columns: dict[str, Callable[[int, int], list[str]]]):
        self.n = n
        self.columns = columns

    def __len__(self) -> int:
        return self.n

    def to_list(self) -> list[dict]:
        """The rows as Python dicts (for small lists and tests)."""
        keys = list(self.columns)
        cols = [_as_list(self.columns[k](0, self.n)) for k in keys]
        return [dict(zip(keys, (json.loads(v) for v in row))) for row in zip(*cols)]


def dump(report: dict, fh: TextIO) -> None:
    """Write ``report`` (plain JSON values and :class:`Rows` at its top level) as json.dump with
    indent=2, ensure_ascii=False and allow_nan=False would."""
    first = True
    for key, value in report.items():
        fh.write(("{\n  " if first else ",\n  ") + encode_basestring(str(key)) + ": ")
        first = False
        if isinstance(value, Rows):
            _write_rows(value, fh)
        else:
            # strings hold no raw line break in JSON, so the nested lines only need two more spaces
            fh.write(json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False).replace("\n", "\n  "))
    fh.write("{}" if first else "\n}")


def _write_rows(rows: Rows, fh: TextIO) -> None:
    if not rows.n or not rows.columns:
        fh.write("[]" if not rows.n else "[\n    {}" + ",\n    {}" * (rows.n - 1) + "\n  ]")
        return
    keys = list(rows.columns)
    # each object is written as ",\n" + its text; the very first loses the two characters
    labels = [",\n    {\n      " + encode_basestring(keys[0]) + ": "]
    labels += [",\n      " + encode_basestring(k) + ": " for k in keys[1:]]
    def chunk(start: int) -> pa.Array:
        stop = min(rows.n, start + CHUNK)
        parts: list = []
        for label, k in zip(labels, keys):
            parts += [pa.scalar(label), _as_array(rows.columns[k](start, stop))]
        return pc.binary_join_element_wise(*parts, pa.scalar("\n    }"), "")

    fh.write("[\n")
    write = _byte_writer(fh)
    for i, joined in enumerate(in_order(chunk, range(0, rows.n, CHUNK), name="json-rows")):
        write(_joined_bytes(joined)[2 if i == 0 else 0:])
    fh.write("\n  ]")


def _byte_writer(fh: TextIO) -> Callable[[memoryview], None]:
    """A function writing UTF-8 bytes to fh: straight to its byte buffer when it has one and
    encodes UTF-8 (the text layer is flushed first), else decoded."""
    raw = getattr(fh, "buffer", None)
    if raw is not None and (getattr(fh, "encoding", "") or "").lower().replace("_", "-") in ("utf-8", "utf8"):
        def write(data: memoryview) -> None:
            fh.flush()
            raw.write(data)
        return write
    return lambda data: fh.write(bytes(data).decode("utf-8"))


def _joined_bytes(arr: pa.Array) -> memoryview:
    """The UTF-8 bytes of the texts of a string array without nulls, one after the other."""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset: arr.offset + len(arr) + 1]
    return memoryview(arr.buffers()[2])[int(offsets[0]): int(offsets[-1])]


def _as_array(texts) -> pa.Array:
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    return texts if isinstance(texts, pa.Array) else pa.array(list(texts), type=pa.string())


def _as_list(texts) -> list[str]:
    return texts.to_pylist() if isinstance(texts, (pa.Array, pa.ChunkedArray)) else list(texts)


# ---------------------------------------------------------------------------
# Columns of JSON texts, each matching the conversion of the row-by-row form
# ---------------------------------------------------------------------------


def _by_distinct(values: pd.Series, convert: Callable, category_texts: pa.Array | None = None) -> pa.Array:
    """JSON texts of convert(value), each distinct value converted once (missing ones row by row).
    category_texts: the texts of a categorical's categories, made once for the whole column."""
    if category_texts is not None:
        codes = values.cat.codes.to_numpy()
        texts = category_texts
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = _texts_of(uniques, convert)
    out = texts.take(pa.array(np.where(codes < 0, len(texts) - 1, codes).astype(np.int32)))
    missing = np.flatnonzero(codes < 0)
    if len(missing):
        fill = [_text(convert(values.iloc[int(k)])) for k in missing]
        out = pc.replace_with_mask(out, pa.array(codes < 0), pa.array(fill, type=pa.string()))
    return out


def _texts_of(uniques, convert: Callable) -> pa.Array:
    """The JSON texts of convert(u) for each distinct value, and a last "" (for missing values)."""
    return pa.array([_text(convert(u)) for u in list(uniques)] + [""], type=pa.string())


def _text(value) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return encode_basestring(value)
    return json.dumps(value, allow_nan=False)


def float_texts(arr: np.ndarray) -> pa.Array:
    """``repr`` of each finite float (what json writes), as an Arrow string array.

    Arrow writes the same shortest digits as Python; only the notation differs. Where Python writes
    plain notation (0 and 1e-4 <= |x| < 1e16) and Arrow did too, Arrow's text is used, with ".0"
    added to whole numbers; every other value is formatted by Python.
    """
    arr = np.asarray(arr, dtype=np.float64)
    out = pc.cast(pa.array(arr), pa.string())
    size = np.abs(arr)
    fast = ((size >= 1e-4) & (size < 1e16)) | (size == 0)
    fast &= ~pc.match_substring(out, "e").to_numpy(zero_copy_only=False)
    whole = fast & ~pc.match_substring(out, ".").to_numpy(zero_copy_only=False)
    if whole.any():
        mask = pa.array(whole)
        out = pc.replace_with_mask(out, mask, pc.binary_join_element_wise(out.filter(mask), ".0", ""))
    if not fast.all():
        slow = ~fast
        out = pc.replace_with_mask(out, pa.array(slow), pa.array(list(map(float.__repr__, arr[slow].tolist())),
                                                                   type=pa.string()))
    return out


def text_column(series: pd.Series, convert: Callable) -> Callable[[int, int], pa.Array]:
    """A column converted value by value with ``convert`` (str, or None for missing values). A
    categorical's categories are converted once for the whole column."""
    made: dict[str, pa.Array] = {}

    def make(a: int, b: int) -> pa.Array:
        if not isinstance(series.dtype, pd.CategoricalDtype):
            return _by_distinct(series.iloc[a:b], convert)
        if "texts" not in made:
            made["texts"] = _texts_of(series.cat.categories, convert)
        return _by_distinct(series.iloc[a:b], convert, made["texts"])
    return make


def float_column(series: pd.Series, null_missing: bool) -> Callable[[int, int], pa.Array]:
    """Floats as json writes them (repr); NaN is null when null_missing, else refused as json would."""
    def make(a: int, b: int) -> pa.Array:
        arr = series.iloc[a:b].to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isfinite(arr)
        if not bad.any():
            return float_texts(arr)
        if not null_missing or np.isinf(arr).any():
            raise ValueError("Out of range float values are not JSON compliant")
        texts = float_texts(np.where(bad, 0.0, arr))
        return pc.replace_with_mask(texts, pa.array(bad), pa.array(["null"] * int(bad.sum()), type=pa.string()))
    return make


def int_column(series: pd.Series) -> Callable[[int, int], pa.Array]:
    """Integers (missing: null)."""
    def make(a: int, b: int) -> pa.Array:
        part = series.iloc[a:b]
        if part.isna().any():
            return _by_distinct(part, lambda v: None if pd.isna(v) else int(v))
        return pc.cast(pa.array(part.to_numpy(dtype="int64")), pa.string())
    return make


def bool_column(series: pd.Series) -> Callable[[int, int], pa.Array]:
    def make(a: int, b: int) -> pa.Array:
        flags = series.iloc[a:b].to_numpy(dtype=bool)
        return pc.if_else(pa.array(flags), "true", "false")
    return make
