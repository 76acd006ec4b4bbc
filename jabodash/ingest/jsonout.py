"""The JSON report written fast: byte for byte what ``json.dump(report, fh, ensure_ascii=False,
indent=2, allow_nan=False)`` writes, without building a Python dict per record.

Python's json module formats with ``indent`` in pure Python, a few microseconds per value: a
1,000,000-record report took about 40 s of CPU and a gigabyte for its dicts. Here the long
lists (records, points, skipped rows) are :class:`Rows`: columns of JSON texts made column by
column (each distinct text encoded once) and joined a chunk of rows at a time, so memory stays
bounded by the chunk. Everything else goes through ``json.dumps`` as before.
"""
from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Callable, TextIO

import numpy as np
import pandas as pd

CHUNK = 100_000


class Rows:
    """A list of flat JSON objects with the same keys, held as columns.

    ``columns`` maps each key to a function ``(start, stop) -> list of JSON texts`` for those rows.
    """

    def __init__(self, n: int, columns: dict[str, Callable[[int, int], list[str]]]):
        self.n = n
        self.columns = columns

    def __len__(self) -> int:
        return self.n

    def to_list(self) -> list[dict]:
        """The rows as Python dicts (for small lists and tests)."""
        keys = list(self.columns)
        cols = [self.columns[k](0, self.n) for k in keys]
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
    template = "    {\n" + ",\n".join("      " + encode_basestring(k).replace("%", "%%") + ": %s" for k in keys) \
        + "\n    }"
    fh.write("[\n")
    for start in range(0, rows.n, CHUNK):
        stop = min(rows.n, start + CHUNK)
        cols = [rows.columns[k](start, stop) for k in keys]
        if start:
            fh.write(",\n")
        fh.write(",\n".join(map(template.__mod__, zip(*cols))))
    fh.write("\n  ]")


# ---------------------------------------------------------------------------
# Columns of JSON texts, each matching the conversion of the row-by-row form
# ---------------------------------------------------------------------------


def _by_distinct(values: pd.Series, convert: Callable) -> list[str]:
    """JSON texts of convert(value), each distinct value converted once (missing ones row by row)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.asarray([_text(convert(u)) for u in uniques] + [""], dtype=object)[codes]
    for k in np.flatnonzero(codes < 0):
        texts[k] = _text(convert(values.iloc[k]))
    return texts.tolist()


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


def text_column(series: pd.Series, convert: Callable) -> Callable[[int, int], list[str]]:
    """A column converted value by value with ``convert`` (str, or None for missing values)."""
    return lambda a, b: _by_distinct(series.iloc[a:b], convert)


def float_column(series: pd.Series, null_missing: bool) -> Callable[[int, int], list[str]]:
    """Floats as json writes them (repr); NaN is null when null_missing, else refused as json would."""
    def make(a: int, b: int) -> list[str]:
        arr = series.iloc[a:b].to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isfinite(arr)
        if bad.any() and (not null_missing or np.isinf(arr).any()):
            raise ValueError("Out of range float values are not JSON compliant")
        texts = list(map(float.__repr__, arr.tolist()))
        for k in np.flatnonzero(bad):
            texts[k] = "null"
        return texts
    return make


def int_column(series: pd.Series) -> Callable[[int, int], list[str]]:
    """Integers (missing: null)."""
    def make(a: int, b: int) -> list[str]:
        part = series.iloc[a:b]
        if part.isna().any():
            return _by_distinct(part, lambda v: None if pd.isna(v) else int(v))
        return list(map(str, part.to_numpy(dtype="int64").tolist()))
    return make


def bool_column(series: pd.Series) -> Callable[[int, int], list[str]]:
    def make(a: int, b: int) -> list[str]:
        flags = series.iloc[a:b].to_numpy(dtype=bool)
        return np.where(flags, "true", "false").astype(object).tolist()
    return make
