"""CSV downloads that are safe to open in a spreadsheet (no formula injection).

Use :func:`to_safe_csv` for every CSV the app offers for download.

Decisions
---------
* Encoding: UTF-8 **with** a byte-order mark. Excel on Windows reads a BOM-less UTF-8 CSV as
  the local ANSI code page and garbles names such as "Cikarang Selatan – Bekasi"; with the BOM
  it reads UTF-8. LibreOffice, pandas (``encoding="utf-8-sig"``) and DuckDB handle the BOM.
  ``bom=False`` is available for programs that do not.
* Dialect: comma separator, ``.`` as the decimal mark, CRLF line ends (RFC 4180), fields
  quoted only when needed. Missing values are empty cells.
* Formula injection (OWASP "CSV Injection"): a **text** cell whose first character, or first
  character after leading spaces, is ``=`` ``+`` ``-`` ``@`` (or their full-width forms
  ``＝ ＋ － ＠``), a tab, CR or LF is prefixed with an apostrophe ``'``, which spreadsheets
  show as text. Column names are text cells too.
* Numbers stay numbers: columns with a numeric dtype (and Python ints/floats inside object
  columns) are written as numbers, so a negative value is ``-5``, not ``'-5``. A text cell
  that merely looks like a negative number ("-5" as a string) is still prefixed: the cell is
  text, and a spreadsheet would otherwise read it as a number or a formula.

This module must not import streamlit.
"""
from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_WHITESPACE_TRIGGERS = ("\t", "\r", "\n")


def neutralise(value):
    """One text cell made inert: prefixed with an apostrophe when a spreadsheet could run it.

    Anything that is not a str is returned unchanged.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in _WHITESPACE_TRIGGERS or value.lstrip(" ")[:1] in TRIGGERS:
        return "'" + value
    return value


def safe_cell(value):
    """A cell value for CSV: numbers, booleans and missing values unchanged, text neutralised."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return value
    if isinstance(value, numbers.Number):
        return value
    if isinstance(value, float) and np.isnan(value):
        return value
    if value is pd.NA or value is pd.NaT:
        return value
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return value
    return neutralise(str(value))


def _is_text_dtype(dtype) -> bool:
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return False
    if pd.api.types.is_datetime64_any_dtype(dtype) or isinstance(dtype, pd.PeriodDtype):
        return False
    if isinstance(dtype, pd.CategoricalDtype):
        return _is_text_dtype(dtype.categories.dtype)
    return True


def _safe_text_column(col: pd.Series) -> pd.Series:
    """safe_cell on every non-missing cell. A column of only text is done once per distinct
    value (a 1,000,000-row column of region names has a few dozen); mixed columns cell by cell."""
    if pd.api.types.infer_dtype(col, skipna=True) != "string":
        return col.map(safe_cell, na_action="ignore")
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    safe = np.empty(len(uniques), dtype=object)
    safe[:] = [safe_cell(u) for u in uniques]
    values = col.to_numpy(dtype=object, copy=True)
    present = codes >= 0
    values[present] = safe[codes[present]]
    return pd.Series(values, index=col.index)


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of df whose text cells and column names are neutralised."""
    out = pd.DataFrame(index=range(len(df)))
    names = []
    for i, name in enumerate(df.columns):
        col = df.iloc[:, i].reset_index(drop=True)
        names.append(neutralise(str(name)))
        if isinstance(col.dtype, pd.CategoricalDtype):
            if _is_text_dtype(col.dtype.categories.dtype):
                cats = [neutralise(str(c)) for c in col.cat.categories]
                if len(set(cats)) == len(cats):
                    col = col.cat.rename_categories(cats)
                else:
                    col = col.astype(object).map(safe_cell)
            out[i] = col
        elif _is_text_dtype(col.dtype):
            out[i] = _safe_text_column(col.astype(object))
        else:
            out[i] = col
    out.columns = names
    return out


def to_safe_csv(df: pd.DataFrame, *, bom: bool = True, index: bool = False) -> bytes:
    """The DataFrame as formula-safe CSV bytes (UTF-8 with BOM, comma, CRLF). See the module doc."""
    frame = df.reset_index() if index else df
    text = safe_frame(frame).to_csv(index=False, lineterminator="\r\n", na_rep="")
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data
