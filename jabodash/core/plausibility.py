"""Plausibility checks of a figure (issues 23 and 28), shared by the refresh change report and
the upload report: a value outside the indicator's valid range, a change against the previous
figure larger than the indicator allows, a unit that differs from the expected one. Each check
gives a flag ``{"reason": ..., "params": {...}}`` shown beside the figure (:func:`text`); a flag
never changes a figure. The ranges and allowances are data: data/indicator_ranges.toml.
"""
from __future__ import annotations

import bisect
import re

from jabodash.core.catalog import valid_range
from jabodash.core.fmt import number as fmt_number
from jabodash.core.i18n import t

REGIONS_TOTAL = 15


def flag(reason: str, **params) -> dict:
    return {"reason": reason, "params": params}


def range_flag(indicator: str, value: float) -> dict | None:
    found = valid_range(indicator).check(value)
    return flag(found[0], **found[1]) if found else None


def jump_flag(indicator: str, old: float, old_year: int, new: float, new_year: int) -> dict | None:
    found = valid_range(indicator).jump(old, new, abs(new_year - old_year) or 1)
    return flag(found[0], previous=old, previous_year=old_year, **found[1]) if found else None


class History:
    """Earlier figures per (indicator, region), to find the previous figure of a year."""

    def __init__(self, rows):
        """``rows``: iterable of (indicator, region_code, year, value)."""
        series: dict[tuple, dict[int, float]] = {}
        for ind, region, year, value in rows:
            if value is None or value != value:
                continue
            series.setdefault((str(ind), str(region)), {})[int(year)] = float(value)
        self._years = {k: sorted(v) for k, v in series.items()}
        self._values = series

    def previous(self, indicator: str, region: str, year: int) -> tuple[int, float] | None:
        years = self._years.get((indicator, region))
        if not years:
            return None
        i = bisect.bisect_left(years, int(year))
        if i == 0:
            return None
        prev = years[i - 1]
        return prev, self._values[(indicator, region)][prev]


def figure_flags(indicator: str, region: str, year: int, value: float, history: History | None,
                 same_year_old: float | None = None) -> list[dict]:
    """Every flag of one figure: its range, its change against the previous year's figure, and
    (a revision) its change against the old figure of the same year."""
    out = []
    found = range_flag(indicator, value)
    if found:
        out.append(found)
    prev = history.previous(indicator, region, year) if history is not None else None
    if prev is not None:
        found = jump_flag(indicator, prev[1], prev[0], value, year)
        if found:
            out.append(found)
    if same_year_old is not None:
        found = valid_range(indicator).jump(same_year_old, value, 1)
        if found:
            out.append(flag("revision_" + found[0].split("_", 1)[1], previous=same_year_old, **found[1]))
    return out


def norm_unit(unit) -> str:
    return re.sub(r"\s+", " ", str(unit or "")).strip().lower()


_SCALES = ((r"\b(ribu|thousand|rb)\b", 1e3), (r"\b(juta|million|jt)\b", 1e6),
           (r"\b(miliar|milyar|billion|m)\b", 1e9), (r"\b(triliun|trillion|t)\b", 1e12))
_KINDS = (("percent", r"%|\bpersen\b|\bpercent\b|\bprosen\b"), ("index", r"\bindeks\b|\bindex\b|\bskor\b|\bscore\b"),
          ("money", r"\brp\b|\brupiah\b"), ("area", r"\bkm\b|km2|km²|\bha\b|hektar"),
          ("persons", r"\bjiwa\b|\borang\b|\bpersons?\b|\bpeople\b|\bpenduduk\b"),
          ("count", r"\bunit\b|\bbuah\b|\bcount\b|\bsekolah\b|\bschools?\b"))


def unit_family(unit) -> tuple[str | None, float]:
    """(kind, scale) of a unit text: ("percent", 1) for "persen penduduk", ("persons", 1000) for
    "ribu jiwa", ("money", 1e12) for "triliun rupiah"; kind None when not recognised."""
    text = norm_unit(unit)
    kind = next((k for k, rx in _KINDS if re.search(rx, text)), None)
    scale = next((s for rx, s in _SCALES if re.search(rx, text)), 1.0) if kind != "percent" else 1.0
    return kind, scale


def units_differ(expected: str, stated: str) -> bool:
    """True when both units are recognised and differ in kind or scale (a percent is not a count,
    "ribu jiwa" is not "jiwa"); unrecognised or equal texts are not flagged."""
    if not norm_unit(stated) or not norm_unit(expected) or norm_unit(stated) == norm_unit(expected):
        return False
    (k1, s1), (k2, s2) = unit_family(expected), unit_family(stated)
    return k1 is not None and k2 is not None and (k1 != k2 or s1 != s2)


def unit_flag(expected: str, stated: str) -> dict | None:
    """A flag when a source states a unit that differs from the expected one."""
    if not units_differ(expected, stated):
        return None
    return flag("unit", stated=str(stated)[:40], expected=str(expected)[:40])


def _num(value, lang: str) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    decimals = 0
    if abs(number) < 1000:
        decimals = next((d for d in (0, 1, 2) if abs(round(number, d) - number) < 1e-9), 2)
    return fmt_number(number, decimals, lang)


def text(item: dict, lang: str) -> str:
    """One flag in words."""
    params = {k: (_num(v, lang) if isinstance(v, (int, float)) and k != "years" and not k.endswith("_year") else v)
              for k, v in (item.get("params") or {}).items()}
    return t(f"plausibility.{item.get('reason')}", lang, **params)


def texts(items, lang: str) -> str:
    return "; ".join(text(i, lang) for i in items or [])


def coverage_text(regions: int, lang: str) -> str:
    return t("plausibility.coverage", lang, regions=regions, total=REGIONS_TOTAL)
