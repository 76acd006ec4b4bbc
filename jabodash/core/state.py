"""The whole view in the URL: ViewState <-> query parameters.

Every page reads its view from the query string and writes it back, so a reload or a shared
link shows the same view. Unknown or outdated values fall back to defaults and are reported
(as notices the page shows), never raised.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Mapping

from jabodash.core.i18n import LANGUAGES

REGION_SETS = ("jabodetabek", "agglomeration")
LEVELS = ("kabkota", "kecamatan")
MAP_TYPES = ("geo", "tiles")
CLASSIFICATIONS = ("quantiles", "natural_breaks", "equal_interval")
PALETTES = ("default", "high_contrast", "diverging")
FITS = ("core", "all", "jakarta")   # map extent: the built-up core, every region, Jakarta only
MAX_INDICATORS = 9                  # indicators compared side by side (compare page)
DEFAULT_INDICATOR = "population_census"


GOOD_COVERAGE = 0.8   # a default year covers at least this share of the best year's regions


def good_year(counts: dict[int, int]) -> int | None:
    """The year a page opens on: the latest whose coverage is close to the best (>= 80 % of the
    regions of the best-covered year), so that a newer year with a few figures (a chart that is
    mostly "no data") is not the default, and an old complete one does not beat a nearly complete
    newer one."""
    if not counts:
        return None
    best = max(counts.values())
    return max(y for y, n in counts.items() if n >= GOOD_COVERAGE * best)


@dataclass(frozen=True)
class ViewState:
    lang: str = "id"
    region_set: str = "agglomeration"
    indicator: str = DEFAULT_INDICATOR
    year: int | None = None
    level: str = "kabkota"
    map_type: str = "geo"                # geographic where boundaries are cached, else the tile grid
    classification: str = "quantiles"
    classes: int = 5
    palette: str = "default"
    regions: tuple[str, ...] = ()
    fit: str = "all"                     # every region of the set in view (Kab. Cianjur too)
    indicators: tuple[str, ...] = ()   # compare page: every chosen indicator (indicator = the first)
    presenter: bool = False
    official: bool = False             # "official figures only" (jabodash.core.grades): official=1
    step: int | None = None
    story: str | None = None

    def with_(self, **changes) -> "ViewState":
        return replace(self, **changes)


_DEFAULT = ViewState()
_PARAM_NAMES = {f.name for f in fields(ViewState)}


@dataclass
class Parsed:
    state: ViewState
    notices: list[tuple[str, str, str]] = field(default_factory=list)  # (param, given value, reason key)


def _one(params: Mapping, key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    if value is None:
        return None
    return str(value)[:200]


def from_params(params: Mapping, indicators: set[str] | None = None, regions: set[str] | None = None) -> Parsed:
    """Parse query parameters. indicators/regions: the valid ids, when known."""
    changes: dict = {}
    notices: list[tuple[str, str, str]] = []

    def choice(key: str, allowed):
        raw = _one(params, key)
        if raw is None:
            return
        if raw in allowed:
            changes[key] = raw
        else:
            notices.append((key, raw, "state.notice.invalid"))

    choice("lang", LANGUAGES)
    choice("region_set", REGION_SETS)
    choice("level", LEVELS)
    choice("map_type", MAP_TYPES)
    choice("classification", CLASSIFICATIONS)
    choice("palette", PALETTES)
    choice("fit", FITS)
    # The OpenStreetMap background is deliberately not a URL parameter: opening a shared link
    # must never make the recipient's machine contact a tile server it did not switch on.

    raw = _one(params, "indicator")
    if raw is not None:
        if indicators is None or raw in indicators:
            changes["indicator"] = raw
        else:
            notices.append(("indicator", raw, "state.notice.unknown_indicator"))

    for key, low, high in (("year", 1900, 2100), ("classes", 3, 7), ("step", 1, 999)):
        raw = _one(params, key)
        if raw is None:
            continue
        try:
            number = int(raw)
        except ValueError:
            notices.append((key, raw, "state.notice.invalid"))
            continue
        if low <= number <= high:
            changes[key] = number
        else:
            notices.append((key, raw, "state.notice.invalid"))

    raw = _one(params, "regions")
    if raw:
        wanted = tuple(dict.fromkeys(code.strip() for code in raw.split(",") if code.strip()))
        valid = tuple(code for code in wanted if regions is None or code in regions)
        if len(valid) != len(wanted):
            bad = ",".join(code for code in wanted if code not in valid)
            notices.append(("regions", bad, "state.notice.unknown_region"))
        changes["regions"] = valid

    raw = _one(params, "indicators")
    if raw:
        wanted = tuple(dict.fromkeys(i.strip() for i in raw.split(",") if i.strip()))[:MAX_INDICATORS]
        valid = tuple(i for i in wanted if indicators is None or i in indicators)
        if len(valid) != len(wanted):
            notices.append(("indicators", ",".join(i for i in wanted if i not in valid),
                            "state.notice.unknown_indicator"))
        changes["indicators"] = valid

    for key in ("presenter", "official"):
        raw = _one(params, key)
        if raw is not None:
            changes[key] = raw in ("1", "true", "yes")

    raw = _one(params, "story")
    if raw:
        if raw.replace("_", "").replace("-", "").isalnum():
            changes["story"] = raw
        else:
            notices.append(("story", raw, "state.notice.invalid"))

    return Parsed(replace(_DEFAULT, **changes), notices)


def to_params(state: ViewState, keys: tuple[str, ...] | None = None) -> dict[str, str]:
    """Query parameters for a state; defaults are left out to keep links short."""
    out: dict[str, str] = {}
    for f in fields(ViewState):
        if keys is not None and f.name not in keys:
            continue
        value = getattr(state, f.name)
        if value == getattr(_DEFAULT, f.name) or value is None:
            continue
        if isinstance(value, tuple):
            value = ",".join(value)
        elif isinstance(value, bool):
            value = "1" if value else "0"
        out[f.name] = str(value)
    return out
