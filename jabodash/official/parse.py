"""One BPS dynamic table (the WebAPI's JSON answer) -> figures of the 15 regions.

* Regions come from the **codes** in ``vervar`` (``val``), through the region matcher: in the Jawa
  Barat domain "Bogor" is the kabupaten (3201) and "Kota Bogor" the city (3271), so labels alone
  would mislead. A label that names another of the 15 regions than its code is reported
  (``label_mismatch``) and the code is kept. Rows of other regions (the province, other
  kab/kota) are dropped and counted.
* Years come from the ``tahun`` labels ("2024"; a label without a 4-digit year is skipped).
* A cell is ``datacontent[<vervar><var><turvar><tahun><turtahun>]`` (the ``val`` fields
  concatenated as text, as BPS's clients read it; the length varies, so keys are built, never
  split). A missing key is a gap (a partial table), never a zero. Values given as text are read
  with a decimal comma or point ("82,53", "1.234,5"); "-", "…", "..." and the like are gaps.
* A value outside the indicator's valid range (data/indicator_ranges.toml: a rate 0-100, a count
  > 0) is refused per cell and listed in ``refused`` with the reason; the table's other cells are
  kept. ("1e308", -5000 or "1.234.567,8" for a poverty rate never reach a page.)
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from jabodash.core.catalog import ValidRange, valid_range
from jabodash.geo.regions import RegionMatcher
from jabodash.official.recipes import Recipe

_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_GAP_TEXT = {"", "-", "–", "—", "…", "...", "..", ".", "x", "na", "n/a", "n.a.", "nan", "null", "tidak ada"}
_TOTAL_TURVAR = ("tidak ada", "total", "jumlah", "semua")
_ANNUAL = ("tahun", "tahunan", "setahun", "annual", "year")


class TableError(ValueError):
    """The answer cannot be read as a table: ``kind`` names why (translated by the refresh)."""

    def __init__(self, kind: str, detail: str = ""):
        self.kind = kind
        self.detail = detail
        super().__init__(f"{kind}: {detail}" if detail else kind)


@dataclass
class TableResult:
    title: str
    unit: str
    figures: list[dict] = field(default_factory=list)   # region_code, year, value, label
    outside: list[str] = field(default_factory=list)     # vervar labels of regions not among the 15
    gaps: int = 0                                        # cells of the 15 without a figure
    text_gaps: list[str] = field(default_factory=list)   # values like "-" or "…" read as gaps
    label_mismatches: list[dict] = field(default_factory=list)
    skipped_years: list[str] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)    # region_code, year, raw, reason, params

    def regions(self) -> int:
        """How many of the 15 regions have at least one figure."""
        return len({f["region_code"] for f in self.figures})


def number(value) -> float | None:
    """A cell as a float; None for a gap. Raises ValueError for text that is not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text.casefold() in _GAP_TEXT:
        return None
    if "," in text and "." in text:          # 1.234,56 (Indonesian) or 1,234.56 (English)
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".") if text.count(",") == 1 else text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    result = float(text)
    return result if math.isfinite(result) else None


def _items(payload: dict, key: str) -> list[dict]:
    items = payload.get(key)
    if not isinstance(items, list) or not all(isinstance(i, dict) and "val" in i for i in items):
        raise TableError("malformed", key)
    return items


def _val(item: dict) -> str:
    val = item.get("val")
    if isinstance(val, float) and val.is_integer():
        val = int(val)
    return str(val).strip()


def _pick(items: list[dict], wanted: str, defaults: tuple[str, ...], what: str) -> dict:
    if wanted:
        found = [i for i in items if str(i.get("label", "")).strip().casefold() == wanted.casefold()]
        if len(found) != 1:
            raise TableError(f"no_{what}", wanted)
        return found[0]
    if len(items) == 1:
        return items[0]
    found = [i for i in items if str(i.get("label", "")).strip().casefold() in defaults]
    if len(found) != 1:
        raise TableError(f"ambiguous_{what}", ", ".join(str(i.get("label", ""))[:30] for i in items[:6]))
    return found[0]


def _variable(payload: dict, recipe: Recipe) -> tuple[str, str, str]:
    """(var val, title, unit) of the answer; the var must be the recipe's."""
    var = payload.get("var")
    if isinstance(var, dict):
        var = [var]
    if not isinstance(var, list) or not var or not isinstance(var[0], dict):
        raise TableError("malformed", "var")
    if _val(var[0]) != recipe.var:
        raise TableError("other_var", _val(var[0])[:12])
    return _val(var[0]), str(var[0].get("label") or recipe.table)[:300], str(var[0].get("unit") or "")[:60]


def read_table(payload: dict, recipe: Recipe, matcher: RegionMatcher) -> TableResult:
    """The figures of the 15 regions in one table answer (see the module docstring)."""
    var, title, unit = _variable(payload, recipe)
    if not recipe.unit_ok(unit):
        raise TableError("unit_mismatch", unit or "-")
    content = payload.get("datacontent")
    if not isinstance(content, dict):
        raise TableError("malformed", "datacontent")
    vervar, tahun = _items(payload, "vervar"), _items(payload, "tahun")
    turvar = _pick(_items(payload, "turvar"), recipe.turvar, _TOTAL_TURVAR, "turvar")
    turtahun = _pick(_items(payload, "turtahun"), recipe.turtahun, _ANNUAL, "turtahun")
    result = TableResult(title=title, unit=unit)
    years = _years(tahun, result)
    rng = valid_range(recipe.indicator)
    for row in vervar:
        code = _region(row, matcher, result)
        if code is None:
            continue
        for tval, year in years:
            key = f"{_val(row)}{var}{_val(turvar)}{tval}{_val(turtahun)}"
            _cell(content.get(key), code, year, row, result, rng)
    return result


def _years(tahun: list[dict], result: TableResult) -> list[tuple[str, int]]:
    years = []
    for item in tahun:
        label = str(item.get("label", ""))
        found = _YEAR.search(label)
        if found is None:
            result.skipped_years.append(label[:30])
        else:
            years.append((_val(item), int(found.group(0))))
    return years


def _region(row: dict, matcher: RegionMatcher, result: TableResult) -> str | None:
    label = str(row.get("label", "")).strip()[:120]
    match = matcher.match(_val(row), level="kabkota")
    if not match.ok:
        result.outside.append(label or _val(row))
        return None
    named = matcher.match(label, level="kabkota") if label else None
    if named is not None and named.ok and named.code != match.code:
        result.label_mismatches.append({"code": match.code, "label": label, "label_names": named.code})
    return match.code


def _cell(raw, code: str, year: int, row: dict, result: TableResult, rng: ValidRange) -> None:
    if raw is None:
        result.gaps += 1
        return
    try:
        value = number(raw)
    except ValueError:
        value = None
    if value is None:
        result.gaps += 1
        result.text_gaps.append(str(raw)[:20])
        return
    impossible = rng.check(value)
    if impossible is not None:
        result.refused.append({"region_code": code, "year": year, "raw": str(raw)[:30], "value": value,
                               "reason": impossible[0], "params": impossible[1]})
        return
    result.figures.append({"region_code": code, "year": year, "value": value,
                           "label": str(row.get("label", ""))[:120]})
