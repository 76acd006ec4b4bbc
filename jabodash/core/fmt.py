"""Number formatting in the UI language (Indonesian: 1.234.567,8; English: 1,234,567.8)."""
from __future__ import annotations

import math


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value, decimals: int = 0, lang: str = "id", missing: str = "–") -> str:
    if is_missing(value):
        return missing
    text = f"{float(value):,.{max(decimals, 0)}f}"
    if lang == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


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
    for d in range(most + 1):
        if all(abs(v * 10 ** d - round(v * 10 ** d)) < 1e-6 * max(1.0, abs(v * 10 ** d)) for v in finite):
            return d
    return most


def joined(*parts) -> str:
    """Non-empty parts joined with " · " (an empty unit leaves no stray separator)."""
    return " · ".join(str(p) for p in parts if p not in (None, ""))
