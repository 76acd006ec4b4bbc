"""Targets as data: plan targets and the progress figures reported beside them (no streamlit).

* ``data/targets.csv``: one row per target (columns in COLUMNS), each with the page it was read
  from, a verbatim quote and a grade by the figures' rule (jabodash.core.grades).
* ``data/target_plans.toml``: the plans the targets belong to (names, document, level).
* ``data/target_indicators.toml``: indicators that only targets name so far (same schema as
  data/indicators.toml, kind "target"); they stay out of the main catalog so that no indicator
  picker lists an indicator without figures.

A target is a single value (``target_value``) or a range (``target_low``-``target_high``), with
a direction ("higher" or "lower" is better). ``scope`` says whose commitment it is:
national, province (``region_code`` = province code), agglomeration (the metro), kabkota
(``region_code`` = kab/kota code) or each (a standing minimum every region must meet, such as the
30 % green open space of Law 26/2007). Analysts' own target files join the built-in ones through
:func:`combined` (``origin`` "upload").
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from jabodash.core import catalog as catalog_mod
from jabodash.core.grades import GRADES
from jabodash.core.paths import DATA_DIR

TARGETS_FILE = DATA_DIR / "targets.csv"
PLANS_FILE = DATA_DIR / "target_plans.toml"
INDICATORS_FILE = DATA_DIR / "target_indicators.toml"

SCOPES = ("national", "province", "agglomeration", "kabkota", "each")
DIRECTIONS = ("higher", "lower")
NUMERIC = ("baseline_year", "baseline_value", "target_year", "target_value", "target_low", "target_high",
           "reported_year", "reported_value")
COLUMNS = ["id", "plan", "indicator", "scope", "region_code", "baseline_year", "baseline_value", "target_year",
           "target_value", "target_low", "target_high", "direction", "article", "source_url", "source_title",
           "publisher", "grade", "grade_reason", "quote", "note", "ref_code", "reported_year", "reported_value",
           "reported_url", "reported_title", "reported_grade", "reported_quote"]


@dataclass(frozen=True)
class Plan:
    id: str
    name_id: str
    name_en: str
    document_id: str
    document_en: str
    level: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_id

    def document(self, lang: str) -> str:
        return self.document_en if lang == "en" else self.document_id


@lru_cache(maxsize=2)
def plans(path: Path = PLANS_FILE) -> dict[str, Plan]:
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    return {p["id"]: Plan(**{k: p[k] for k in Plan.__dataclass_fields__}) for p in raw.get("plan", [])}


def plan_name(plan_id: str, lang: str) -> str:
    """The plan's short name; an analyst's own plan id shows as it is."""
    found = plans().get(plan_id)
    return found.name(lang) if found else str(plan_id)


@lru_cache(maxsize=2)
def target_indicators(path: Path = INDICATORS_FILE) -> dict[str, catalog_mod.Indicator]:
    return catalog_mod.load_catalog(path)


def indicator(indicator_id: str, known: dict[str, catalog_mod.Indicator] | None = None) -> catalog_mod.Indicator | None:
    """The catalog entry (main catalog, uploads in ``known``, then the target-only indicators)."""
    known = known if known is not None else catalog_mod.load_catalog()
    return known.get(indicator_id) or target_indicators().get(indicator_id)


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reindex(columns=COLUMNS)
    for col in NUMERIC:
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    for col in set(COLUMNS) - set(NUMERIC):
        frame[col] = frame[col].astype("string").fillna("").str.strip()
    return frame


@lru_cache(maxsize=2)
def _builtin(path: Path) -> pd.DataFrame:
    frame = _clean(pd.read_csv(path, dtype=str, keep_default_na=False))
    problems = problems_of(frame)
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems[:5]))
    return frame.assign(origin="builtin")


def builtin(path: Path = TARGETS_FILE) -> pd.DataFrame:
    """The built-in targets (a copy: callers may change it)."""
    return _builtin(path).copy()


def combined(uploaded: list[pd.DataFrame] | None = None) -> pd.DataFrame:
    """Built-in targets plus the analyst's (each frame already checked, ``origin`` "upload")."""
    frames = [builtin()] + [_clean(f).assign(origin="upload") for f in uploaded or [] if len(f)]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def row_problems(row: pd.Series) -> list[str]:
    """What is wrong with one target row (English, for data checks; the upload page words its own)."""
    out = []
    rid = row.get("id") or "?"
    if row["scope"] not in SCOPES:
        out.append(f"{rid}: scope {row['scope']!r} not one of {SCOPES}")
    if row["direction"] not in DIRECTIONS:
        out.append(f"{rid}: direction {row['direction']!r} not one of {DIRECTIONS}")
    single, low, high = row["target_value"], row["target_low"], row["target_high"]
    if _missing(single) == (_missing(low) or _missing(high)):
        out.append(f"{rid}: give target_value or both target_low and target_high")
    elif not _missing(low) and low > high:
        out.append(f"{rid}: target_low above target_high")
    if row["scope"] in ("province", "kabkota") and not row["region_code"]:
        out.append(f"{rid}: scope {row['scope']} needs a region_code")
    if row["grade"] and row["grade"] not in GRADES:
        out.append(f"{rid}: unknown grade {row['grade']!r}")
    if not row["source_url"]:
        out.append(f"{rid}: no source_url")
    return out


def problems_of(frame: pd.DataFrame) -> list[str]:
    out = []
    dup = frame["id"][frame["id"].duplicated()]
    out += [f"duplicate id {i}" for i in dup]
    for _, row in frame.iterrows():
        out += row_problems(row)
    return out
