"""Which BPS dynamic table feeds which indicator: data/bps_recipes.csv, read here.

One row per table: ``indicator`` (an id of data/indicators.toml), ``domain`` (BPS domain: 0000
national, 3100 DKI Jakarta, 3200 Jawa Barat, 3600 Banten, or a kab/kota domain such as 3275),
``var`` (the dynamic table's variable id in that domain), ``turvar`` / ``turtahun`` (the label of
the derived variable / derived period to read when the table has several, e.g. "Agustus";
empty: the only one, else the one labelled as a total or the year), ``unit`` (the catalog unit the figures
are in), ``bps_unit`` (the unit BPS states for the variable, ``|``-separated alternatives, empty when
not documented: a table in another unit is refused rather than read a thousand times off),
``table`` (its title when the recipe was written) and ``established`` (how the ids were found).
Rows are tried in file order; when two tables give one (indicator, region, year) different
values, the earlier row's figure is kept and the other is reported as a conflict.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from jabodash.core.paths import DATA_DIR

RECIPES_FILE = DATA_DIR / "bps_recipes.csv"
COLUMNS = ("indicator", "domain", "var", "turvar", "turtahun", "unit", "bps_unit", "table", "established")
_DOMAIN = re.compile(r"^\d{4}$")
_VAR = re.compile(r"^\d{1,8}$")


class RecipeError(ValueError):
    pass


@dataclass(frozen=True)
class Recipe:
    indicator: str
    domain: str
    var: str
    turvar: str
    turtahun: str
    unit: str
    bps_unit: str = ""
    table: str = ""
    established: str = ""

    @property
    def key(self) -> str:
        return f"{self.indicator}@{self.domain}/{self.var}"

    def unit_ok(self, unit: str | None) -> bool:
        """True when BPS's unit is one of the expected ones (or none is documented)."""
        wanted = [u.strip().lower() for u in self.bps_unit.split("|") if u.strip()]
        return not wanted or _norm_unit(unit) in wanted


def _norm_unit(unit) -> str:
    return re.sub(r"\s+", " ", str(unit or "")).strip().lower()


def load(path: Path | None = None) -> list[Recipe]:
    path = Path(path or RECIPES_FILE)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise RecipeError(f"{path.name}: columns must be {', '.join(COLUMNS)}")
        out = []
        for line, row in enumerate(reader, start=2):
            recipe = Recipe(**{k: (row.get(k) or "").strip() for k in COLUMNS})
            if not recipe.indicator or not _DOMAIN.match(recipe.domain) or not _VAR.match(recipe.var):
                raise RecipeError(f"{path.name} line {line}: indicator, a 4-digit domain and a numeric var are needed")
            out.append(recipe)
    return out


def select(recipes: list[Recipe], indicators: list[str] | None) -> list[Recipe]:
    """The recipes of the chosen indicators (all when none is chosen), in file order."""
    if not indicators:
        return list(recipes)
    wanted = set(indicators)
    return [r for r in recipes if r.indicator in wanted]


def indicators(recipes: list[Recipe]) -> list[str]:
    """The indicator ids the recipes can refresh, in first-seen order."""
    return list(dict.fromkeys(r.indicator for r in recipes))
