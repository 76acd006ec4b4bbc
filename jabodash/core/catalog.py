"""Indicator metadata: the catalog in data/indicators.toml.

Each indicator is declared once, with its names, unit, definition, direction and how it
aggregates to the metro. Derived indicators also carry their formula; their values come
from SQL views over the observations (queries/schema/02_views.sql).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import lru_cache

import pandas as pd

from jabodash.core.i18n import t
from jabodash.core.paths import DATA_DIR

CATALOG_FILE = DATA_DIR / "indicators.toml"
THEMES = ("kependudukan", "wilayah", "layanan_publik", "ekonomi", "kerja_sama")
AGGREGATIONS = ("sum", "weighted_mean", "ratio", "min_max", "none")


@dataclass(frozen=True)
class Indicator:
    id: str
    theme: str
    kind: str
    name_id: str
    name_en: str
    short_id: str
    short_en: str
    unit_id: str
    unit_en: str
    definition_id: str
    definition_en: str
    higher_is_better: bool | None
    aggregation: str
    weight_indicator: str | None
    weight_year: int | None
    numerator: str | None
    denominator: str | None
    derivation: str | None
    formula_id: str | None
    formula_en: str | None
    decimals: int
    source_note: str | None
    sort_order: int

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_id

    def short(self, lang: str) -> str:
        return self.short_en if lang == "en" else self.short_id

    def unit(self, lang: str) -> str:
        return self.unit_en if lang == "en" else self.unit_id

    def definition(self, lang: str) -> str:
        return self.definition_en if lang == "en" else self.definition_id

    def formula(self, lang: str) -> str | None:
        return (self.formula_en if lang == "en" else self.formula_id) or None

    @property
    def derived(self) -> bool:
        return self.kind == "derived"


COLUMNS = [f.name for f in fields(Indicator)]


def _entry(raw: dict, order: int) -> Indicator:
    def opt(key):
        value = raw.get(key)
        return None if value in ("", None) else value

    return Indicator(
        id=raw["id"], theme=raw["theme"], kind=raw.get("kind", "observed"),
        name_id=raw["name_id"], name_en=raw["name_en"],
        short_id=raw.get("short_id") or raw["name_id"], short_en=raw.get("short_en") or raw["name_en"],
        unit_id=raw["unit_id"], unit_en=raw["unit_en"],
        definition_id=raw["definition_id"], definition_en=raw["definition_en"],
        higher_is_better=raw.get("higher_is_better"), aggregation=raw.get("aggregation", "none"),
        weight_indicator=opt("weight_indicator"), weight_year=opt("weight_year"),
        numerator=opt("numerator"), denominator=opt("denominator"), derivation=opt("derivation"),
        formula_id=opt("formula_id"), formula_en=opt("formula_en"),
        decimals=int(raw.get("decimals", 1)), source_note=opt("source_note"), sort_order=order,
    )


@lru_cache(maxsize=4)
def load_catalog(path=CATALOG_FILE) -> dict[str, Indicator]:
    """id -> Indicator, in file order."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    out: dict[str, Indicator] = {}
    for order, item in enumerate(raw.get("indicator", [])):
        ind = _entry(item, order)
        if ind.id in out:
            raise ValueError(f"duplicate indicator id in catalog: {ind.id}")
        if ind.aggregation not in AGGREGATIONS:
            raise ValueError(f"{ind.id}: unknown aggregation {ind.aggregation!r}")
        out[ind.id] = ind
    return out


def catalog_frame(path=CATALOG_FILE) -> pd.DataFrame:
    """The catalog as a table with the columns of the DuckDB indicator table."""
    rows = [vars(ind) for ind in load_catalog(path).values()]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["higher_is_better"] = frame["higher_is_better"].astype("boolean")
    frame["weight_year"] = frame["weight_year"].astype("Int64")
    return frame


def get(indicator_id: str) -> Indicator:
    return load_catalog()[indicator_id]


def direction_label(ind: Indicator, lang: str) -> str:
    if ind.higher_is_better is None:
        return t("catalog.direction.neutral", lang)
    return t("catalog.direction.higher" if ind.higher_is_better else "catalog.direction.lower", lang)


# --- valid ranges and plausible changes (data/indicator_ranges.toml) ------------------------------

RANGES_FILE = DATA_DIR / "indicator_ranges.toml"
_RANGE_KEYS = ("min", "max", "above", "change_points", "change_percent", "integer")


@dataclass(frozen=True)
class ValidRange:
    """What values an indicator can take and how fast it plausibly changes (see the file's header).
    The checks return ``(reason, params)`` for a message (``plausibility.<reason>``), or None."""
    indicator: str
    min: float | None = None
    max: float | None = None
    above: float | None = None
    change_points: float | None = None
    change_percent: float | None = None
    integer: bool = False

    def check(self, value: float) -> tuple[str, dict] | None:
        """Why ``value`` is impossible for this indicator, or None."""
        if value != value or value in (float("inf"), float("-inf")):
            return "not_finite", {}
        if self.above is not None and value <= self.above:
            return "not_above", {"bound": self.above}
        if self.min is not None and value < self.min:
            return "below_min", {"bound": self.min}
        if self.max is not None and value > self.max:
            return "above_max", {"bound": self.max}
        if self.integer and not float(value).is_integer():
            return "not_integer", {}
        return None

    def jump(self, old: float, new: float, years: int) -> tuple[str, dict] | None:
        """Why the change from ``old`` to ``new`` over ``years`` (>= 1) needs a second look, or None."""
        years = max(1, int(years))
        if self.change_points is not None and abs(new - old) > self.change_points * years + 1e-9:
            return "jump_points", {"change": round(new - old, 2), "allowed": self.change_points * years,
                                   "years": years}
        if self.change_percent is not None and old > 0:
            pct = (new - old) / old * 100
            if abs(pct) > self.change_percent * years + 1e-9:
                return "jump_percent", {"change": round(pct, 1), "allowed": self.change_percent * years,
                                        "years": years}
        return None


@lru_cache(maxsize=4)
def load_ranges(path=RANGES_FILE) -> dict[str, ValidRange]:
    """indicator id -> ValidRange (indicators without an entry have no range)."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    out = {}
    for ind, entry in raw.items():
        unknown = set(entry) - set(_RANGE_KEYS)
        if unknown:
            raise ValueError(f"{path}: [{ind}] unknown keys {sorted(unknown)}")
        out[ind] = ValidRange(ind, **{k: (bool(v) if k == "integer" else float(v)) for k, v in entry.items()})
    return out


def valid_range(indicator_id: str) -> ValidRange:
    """The indicator's range; one without bounds when the file has none for it."""
    return load_ranges().get(indicator_id) or ValidRange(indicator_id)
