"""The kecamatan crosswalk (data/kecamatan_crosswalk.csv, sources in data/kecamatan_crosswalk.md):
Kemendagri kecamatan codes (32.76.06) to BPS codes (3276050) for the 217 kecamatan of the 15 regions,
from BPS's "Bridging Kode Wilayah BPS - Kemendagri" (2020). No streamlit, no geometry.

* :func:`load` - the table (code, name, kemendagri_code, kemendagri_name, parent_code), read once.
* :func:`by_kemendagri` - Kemendagri code (dotted "32.76.06" or digits "327606") -> its row.
* :func:`same_name` - two spellings of one name (case, spaces and punctuation aside).
* :func:`check_boundaries` - the table against a set of kecamatan boundaries: codes missing on either
  side and names that differ (reported, never corrected).
"""
from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from jabodash.core.paths import DATA_DIR

CROSSWALK_FILE = DATA_DIR / "kecamatan_crosswalk.csv"
COLUMNS = ["code", "name", "kemendagri_code", "kemendagri_name", "parent_code"]


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    frame = pd.read_csv(CROSSWALK_FILE, dtype=str, keep_default_na=False)
    if list(frame.columns) != COLUMNS:
        raise ValueError(f"{CROSSWALK_FILE.name}: columns must be {', '.join(COLUMNS)}")
    return frame


def load() -> pd.DataFrame:
    """The crosswalk (a copy: callers may change it)."""
    return _table().copy()


def _digits(code) -> str:
    return re.sub(r"\D", "", str(code or ""))


@lru_cache(maxsize=1)
def _by_kemendagri() -> dict[str, dict]:
    return {_digits(r["kemendagri_code"]): r for r in _table().to_dict("records")}


def by_kemendagri(code) -> dict | None:
    """The crosswalk row of a Kemendagri kecamatan code ("32.76.06" or "327606"), or None."""
    digits = _digits(code)
    return dict(_by_kemendagri()[digits]) if len(digits) == 6 and digits in _by_kemendagri() else None


def norm(name) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name or "").casefold())


def same_name(a, b) -> bool:
    """True when two names are one name written with other case, spaces or punctuation
    ("KRAMAT JATI" and "Kramatjati"); anything else (a different word) is a different name."""
    return bool(norm(a)) and norm(a) == norm(b)


def check_boundaries(codes, names) -> dict:
    """The crosswalk against boundaries' kecamatan (``codes``, ``names`` in the same order):
    ``missing`` (crosswalk codes without a polygon), ``extra`` (polygons the crosswalk does not
    know) and ``renamed`` ([code, crosswalk name, boundary name] where the spelling differs)."""
    table = _table()
    known = dict(zip(table["code"], table["name"]))
    given = dict(zip((str(c) for c in codes), (str(n) for n in names)))
    return {"missing": sorted(set(known) - set(given)), "extra": sorted(set(given) - set(known)),
            "renamed": [[c, known[c], given[c]] for c in sorted(set(known) & set(given))
                        if not same_name(known[c], given[c])]}
