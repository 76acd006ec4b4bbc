"""CSV downloads that are safe to open in Excel/LibreOffice (no formula injection).

Text cells that start with = + - @ tab or carriage return are prefixed with an apostrophe so
that a spreadsheet shows them as text instead of running them. Numeric columns are written as
numbers (a negative number stays -5). The file is UTF-8 with a BOM so that Excel detects the
encoding of Indonesian names.
"""
from __future__ import annotations

import pandas as pd

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        out[column] = series.map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_safe_csv(df: pd.DataFrame) -> bytes:
    return safe_frame(df).to_csv(index=False).encode("utf-8-sig")
