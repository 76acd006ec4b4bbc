"""Targets for the findings, read from data/targets.csv when that file exists (issue 24 adds it;
without it the brief simply has no target finding).

Read tolerantly, one row per target: ``indicator`` (or ``indicator_id``), ``scope`` (national,
province, agglomeration, kabkota...), ``region_code`` (empty unless the target is one region's),
``target_year``, ``target_value`` or ``target_low``/``target_high``, ``direction`` (higher or
lower; else the indicator's), ``plan`` (id) or ``plan_name``, and optionally ``grade``. A row
that lacks an indicator, a year or a value is skipped, never guessed.

:func:`finding` states the gap between a figure and the target that applies: the region's own
target first, then the agglomeration's, then a national one (shown as a reference).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from jabodash.brief.findings import Finding, value_text
from jabodash.core import fmt
from jabodash.core.catalog import Indicator
from jabodash.core.i18n import t
from jabodash.core.paths import DATA_DIR

TARGETS_FILE = DATA_DIR / "targets.csv"
SCOPES_FOR_SET = ("agglomeration", "jabodetabek", "metro", "national")


@dataclass(frozen=True)
class Target:
    indicator: str
    scope: str
    region_code: str
    target_year: int
    low: float
    high: float                 # low == high for a single value
    direction: str              # "higher" | "lower" | ""
    plan: str

    def text(self, ind: Indicator, lang: str) -> str:
        if self.low == self.high:
            return value_text(self.low, ind, lang)
        return f"{fmt.number(self.low, ind.decimals, lang)}–{value_text(self.high, ind, lang)}"


def plan_label(raw: str) -> str:
    """"rpjmn_2025_2029" -> "RPJMN 2025–2029"; a name with spaces is kept as it is."""
    raw = str(raw).strip()
    if " " in raw or not raw:
        return raw
    words = raw.replace("-", "_").split("_")
    years = [w for w in words if re.fullmatch(r"\d{4}", w)]
    names = [w.upper() if len(w) <= 6 else w.capitalize() for w in words if w not in years]
    return " ".join(names + (["–".join(years)] if years else []))


def _number(value) -> float | None:
    try:
        out = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _row(raw: dict) -> Target | None:
    indicator = str(raw.get("indicator") or raw.get("indicator_id") or "").strip()
    year = _number(raw.get("target_year"))
    value, low, high = (_number(raw.get(k)) for k in ("target_value", "target_low", "target_high"))
    if value is not None:
        low = high = value
    if not indicator or year is None or low is None or high is None:
        return None
    plan = str(raw.get("plan_name") or raw.get("plan") or "").strip()
    return Target(indicator=indicator, scope=str(raw.get("scope") or "").strip().lower(),
                  region_code=str(raw.get("region_code") or "").strip(), target_year=int(year),
                  low=min(low, high), high=max(low, high),
                  direction=str(raw.get("direction") or "").strip().lower(), plan=plan_label(plan))


@lru_cache(maxsize=4)
def _load(path: str, stamp: tuple) -> tuple[Target, ...]:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError):
        return ()
    return tuple(tg for tg in (_row(r) for r in frame.to_dict("records")) if tg is not None)


def load(path: Path = TARGETS_FILE) -> tuple[Target, ...]:
    """The targets of ``path``; none when the file is absent or unreadable."""
    path = Path(path)
    if not path.is_file():
        return ()
    st = path.stat()
    return _load(str(path), (st.st_mtime_ns, st.st_size))


def applying(targets, indicator: str, region_code: str | None = None) -> Target | None:
    """The target for a region (its own) or, without one, for the metro area, then national;
    the plan's horizon (the latest target year: RPJMN 2029 rather than a yearly RKP) first."""
    rows = [tg for tg in targets if tg.indicator == indicator]
    order = []
    if region_code:
        order.append([tg for tg in rows if tg.region_code == region_code])
    for scope in SCOPES_FOR_SET:
        order.append([tg for tg in rows if not tg.region_code and tg.scope == scope])
    for group in order:
        if group:
            return max(group, key=lambda tg: tg.target_year)
    return None


def finding(target: Target | None, value: float | None, year: int, subject: str, ind: Indicator,
            lang: str) -> Finding | None:
    """The gap between ``value`` (of ``subject`` in ``year``) and the target, or "already met"."""
    if target is None or fmt.is_missing(value):
        return None
    value = float(value)
    direction = target.direction or ("higher" if ind.higher_is_better else "lower"
                                     if ind.higher_is_better is False else "")
    if target.low <= value <= target.high:
        gap = 0.0
    elif direction == "higher" and value > target.high:
        gap = 0.0
    elif direction == "lower" and value < target.low:
        gap = 0.0
    else:
        gap = target.low - value if value < target.low else value - target.high
    plan = target.plan + (" " + t("brief.reference_national", lang) if target.scope == "national" else "")
    params = dict(plan=plan, target_year=target.target_year, target=target.text(ind, lang),
                  subject=subject, value=value_text(value, ind, lang), year=year)
    if gap == 0.0:
        return Finding("target", t("brief.target_met", lang, **params), (target.low, value))
    return Finding("target", t("brief.target", lang, gap=value_text(abs(gap), ind, lang), **params),
                   (target.low, value, abs(gap)))
