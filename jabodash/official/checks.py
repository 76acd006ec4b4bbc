"""Plausibility checks of a refresh (the checks themselves: jabodash.core.plausibility): the unit a table states
against its recipe, and each new or changed figure against the previous one."""
from __future__ import annotations

import pandas as pd

from jabodash.core import plausibility as checks
from jabodash.official.recipes import Recipe


def unit_flag(recipe: Recipe, stated: str) -> dict | None:
    """A table whose recipe documents no BPS unit and whose answer states one of another kind or
    scale than the recipe's unit ("ribu jiwa" for persons): flagged beside each figure. (A recipe
    that documents BPS's unit refuses any other, see Recipe.unit_ok.)"""
    if recipe.bps_unit or not checks.units_differ(recipe.unit, stated):
        return None
    return checks.flag("unit_undocumented", stated=str(stated)[:40], expected=recipe.unit)


def flag_changes(refresh, changes: dict, builtin: pd.DataFrame) -> None:
    """Put ``flags`` on every new and changed figure: range, change against the previous year's
    figure (refreshed or built-in), a revision of the same year, the table's unit flag."""
    rows = [(r.indicator_id, r.region_code, r.year, r.value) for r in builtin.itertuples()]
    rows += [(r["indicator"], r["region_code"], r["year"], r["value"]) for r in refresh.records]
    history = checks.History(rows)
    units = {(tb["indicator"], tb["domain"], tb["var"]): tb.get("unit_flag") for tb in refresh.tables}
    for kind in ("new", "changed"):
        for item in changes[kind]:
            src = item.get("new_source") or {}
            found = checks.figure_flags(item["indicator"], item["region_code"], item["year"], item["new_value"],
                                        history, item.get("old_value"))
            unit = units.get((item["indicator"], src.get("domain"), src.get("var")))
            item["flags"] = found + ([unit] if unit else [])
