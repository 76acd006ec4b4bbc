"""Number formatting in the UI language (Indonesian: 1.234.567,8; English: 1,234,567.8).

One formatter for every table, chart, hover, KPI, finding and report. The locale's marks come from
Babel (CLDR data), the same source for Plotly's ``separators``; the digits are Python's own
formatting (both locales group by three, as CLDR's "#,##0.###" says): Babel's format_decimal
goes through Decimal at ~60 us a number, too slow for a map's hundreds of labels on every rerun. The number of decimals is the caller's (an
indicator's ``decimals``); downloads (CSV) keep machine format and never come through here.
"""
from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache

from babel import Locale

_LOCALES = {"id": "id_ID", "en": "en_US"}


def is_missing(value) -> bool:
    return (value is None or (isinstance(value, float) and math.isnan(value))
            or type(value).__name__ == "NAType")   # pandas' NA, without importing pandas (the SQL worker)


@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES.get(lang, "en_US"))


@lru_cache(maxsize=8)
def _symbols(lang: str) -> dict:
    """Python's "," and "." to the locale's group and decimal marks (from Babel's CLDR data)."""
    symbols = _locale(lang).number_symbols["latn"]
    return str.maketrans({",": symbols["group"], ".": symbols["decimal"]})


def number(value, decimals: int = 0, lang: str = "id", missing: str = "–") -> str:
    """value with ``decimals`` decimals, grouped, in the UI language; ``missing`` for a gap."""
    if is_missing(value):
        return missing
    v = float(value)
    if not math.isfinite(v):
        return missing
    # through the shortest decimal repr, as Babel does (39595.615 -> 39.595,62, not the binary
    # float's 39595.61499... -> ,61), rounding half to even
    text = f"{Decimal(repr(v)):,.{max(int(decimals), 0)}f}"
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]                                  # no "-0,00"
    return text.translate(_symbols(lang))


def separators(lang: str) -> str:
    """Plotly's ``separators`` (decimal mark, then group mark) for the UI language."""
    symbols = _locale(lang).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


_LARGE = ((1e12, "triliun", "trillion", "T", "tn"), (1e9, "miliar", "billion", "M", "bn"),
          (1e6, "juta", "million", "jt", "M"))


def compact(value, lang: str = "id", missing: str = "–", short: bool = False) -> str:
    """Large counts in words: 12,3 juta / 12.3 million; ``short`` for tight labels (map tiles):
    12,3 jt / 12.3 M."""
    if is_missing(value):
        return missing
    v = float(value)
    for size, word_id, word_en, abbr_id, abbr_en in _LARGE:
        if abs(v) >= size:
            word = (abbr_id if lang == "id" else abbr_en) if short else (word_id if lang == "id" else word_en)
            return f"{number(v / size, 2, lang)} {word}"
    return number(v, 0, lang)


def decimals_for(values, most: int = 2) -> int:
    """The fewest decimals (up to ``most``) that show every value exactly: 0 for counts."""
    finite = [float(v) for v in values if not is_missing(v) and math.isfinite(float(v))]

    def exact(v: float, d: int) -> bool:
        scaled = v * 10 ** d
        if not math.isfinite(scaled):   # a huge value (1e308, refused by a refresh): no decimals to show
            return True
        return abs(scaled - round(scaled)) < 1e-6 * max(1.0, abs(scaled))

    for d in range(most + 1):
        if all(exact(v, d) for v in finite):
            return d
    return most


def table(df, lang: str, decimals: dict | int | None = None, missing: str = "–"):
    """A copy of df for display with every numeric column as text in the UI language.

    ``decimals``: one number for every column, a {column: decimals} dict, or None to use the
    fewest decimals (up to 3) that show each column's values. Year-like integer columns
    (named year/tahun) stay without grouping. For st.dataframe (pair with right-aligned
    TextColumns, see ui.widgets.table): the browser's own locale never decides the format.
    """
    import pandas as pd  # here: the SQL worker imports this module and must not load pandas

    out = df.copy()
    for col in out.columns:
        s = out[col]
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        if str(col).lower() in ("year", "tahun", "tahun_data") or str(col).lower().endswith("year"):
            out[col] = [missing if is_missing(v) else str(int(v)) for v in s]
            continue
        d = decimals.get(col) if isinstance(decimals, dict) else decimals
        if d is None:
            d = decimals_for(s, most=3)
        out[col] = [number(v, d, lang, missing) for v in s]
    return out


def joined(*parts) -> str:
    """Non-empty parts joined with " · " (an empty unit leaves no stray separator)."""
    return " · ".join(str(p) for p in parts if p not in (None, ""))
