"""Table-cell conventions shared by every reader of analyst tables.

* :data:`MISSING_MARKERS`: the texts that mean "no value" in a cell (the BPS notation ``-``
  ``...`` ``x`` and the usual spreadsheet ones), compared stripped and lower-cased. The upload
  reader (:mod:`jabodash.ingest`) counts such cells as missing, never as zero; the region
  matcher (:mod:`jabodash.geo.regions`) calls them "empty", together with a few more texts
  that software writes for an empty name (its ``_PLACEHOLDERS``, commented there).
* :func:`unique_names`: the one rule for making column names unique (upload reader, SQL console).
* :func:`distinct_texts`: a column's distinct values as texts, a categorical's read from its codes.

This module must not import streamlit.
"""
from __future__ import annotations

from typing import Iterable

MISSING_MARKERS = ("", "-", "--", "---", "\u2013", "\u2014", "..", "...", "\u2026", "n/a", "na", "#n/a",
                   "x", "null", "nan")


def unique_names(names: Iterable, suffix: str = "_{n}", first: int = 1, blank: str | None = None) -> list[str]:
    """The names made unique, case-insensitively, in order: a repeated name gets ``suffix``
    with the smallest number from ``first`` up that gives a name not taken yet (``a``, ``a_1``,
    ``a_2``; with ``suffix=" ({n})", first=2``: ``a``, ``a (2)``). ``blank``: the name for an
    empty one, ``{i}`` being its 1-based position (``"column_{i}"``); None keeps it empty."""
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(names):
        base = str(raw)
        if not base and blank is not None:
            base = blank.format(i=i + 1)
        name, n = base, max(seen.get(base.lower(), 0), first - 1)
        while name.lower() in seen:
            n += 1
            name = base + suffix.format(n=n)
        seen[base.lower()] = n
        seen[name.lower()] = 0
        out.append(name)
    return out


def distinct_texts(col) -> list[str]:
    """The distinct values of a pandas column as ``str`` (a missing one as "nan"), as
    ``pd.unique(col.astype(str))`` gives them but without a text per row for a categorical (its
    used categories come from its codes; 10,000,000 records: 17 s and 4.8 GB the other way)."""
    import numpy as np
    import pandas as pd
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = np.unique(col.cat.codes.to_numpy())
        return [str(v) for v in col.cat.categories[codes[codes >= 0]]] + (["nan"] if len(codes) and codes[0] < 0
                                                                          else [])
    return [str(v) for v in pd.unique(col.astype(str))]
