"""The boundary model: levels and coordinate systems, attributions and licences, the errors
(:class:`BoundaryError`: a message key for translation plus its parameters), the result classes
:class:`BoundarySet` and :class:`ImportReport`, and the reference table of the dashboard's kab/kota
(``data/regions.csv``: BPS and Kemendagri codes, names, provinces, BIG's official areas).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import geopandas as gpd
import pandas as pd

from jabodash.core.paths import DATA_DIR

LEVELS = ("kabkota", "kecamatan")
WGS84 = "EPSG:4326"
AREA_CRS = "EPSG:32748"  # UTM 48S: within 0.07% of TM-3 48.2 here (see docs); never EPSG:23830

ATTRIBUTION_BPS = "BPS via OCHA/HDX, CC BY-IGO"
ATTRIBUTION_BIG = "BIG (Badan Informasi Geospasial)"
LICENCE_BPS = "CC BY-IGO"
LICENCE_BIG = "BIG terms of use (no open licence stated)"

ProgressFn = Callable[[int, "int | None", str], None]


# ---------------------------------------------------------------------------------------------
# errors


MESSAGES_EN = {
    "boundaries.error.level": "Unknown boundary level {level!r}; use one of: kabkota, kecamatan.",
    "boundaries.error.http": "The server answered HTTP {status} for {url}.",
    "boundaries.error.timeout": "No answer from {url} within {timeout} s.",
    "boundaries.error.network": "Could not reach {url}: {reason}",
    "boundaries.error.truncated": "The answer from {url} was cut off ({received} of {expected} bytes).",
    "boundaries.error.malformed": "The answer from {url} is not valid JSON: {reason}",
    "boundaries.error.service": "The service at {url} reported an error: {message}",
    "boundaries.error.missing_field": "The data from {source} has no field {field!r}; the service may "
                                      "have renamed it. Fields present: {available}.",
    "boundaries.error.no_features": "{source} returned no features (query: {query}). If this is a "
                                    "service, its field names or code format may have changed.",
    "boundaries.error.too_many_pages": "{source} kept asking for more pages after {pages} pages; stopped.",
    "boundaries.error.unsupported_format": "{filename}: unsupported file type; give a GeoJSON, a "
                                           "GeoPackage or a zipped Shapefile.",
    "boundaries.error.unreadable_file": "{filename} could not be read: {reason}",
    "boundaries.error.multiple_layers": "{filename} holds several layers ({layers}); choose one.",
    "boundaries.error.no_layer": "{filename} holds no shapefile, GeoJSON or GeoPackage.",
    "boundaries.error.no_crs": "{filename} has no coordinate reference system and its coordinates are "
                               "not longitude/latitude; add a .prj file or reproject it.",
    "boundaries.error.column_not_found": "Column {column!r} not found; columns present: {available}.",
    "boundaries.error.no_key_column": "No code or name column found; name one. Columns present: "
                                      "{available}.",
    "boundaries.error.no_match": "None of the {count} features could be matched to a {level} of the "
                                 "dashboard.",
    "boundaries.error.no_geometry": "No usable polygon geometry is left after repair.",
    "boundaries.error.too_large": "{filename} holds {size_mb} MB of data once unpacked, more than the "
                                  "limit of {limit_mb} MB; keep only the Jabodetabek area or simplify the "
                                  "boundaries, then try again.",
    "boundaries.error.zip_members": "{filename} holds {count} files, more than the limit of {limit}; zip "
                                    "only the boundary layer.",
    "boundaries.error.zip_ratio": "{filename} was not unpacked: its member {member} would grow {ratio} times "
                                  "(the limit is {limit} times), as a zip bomb does.",
    "boundaries.error.too_many_features": "{filename} holds {count} features, more than the limit of {limit}; "
                                          "keep only the Jabodetabek area, then try again.",
    "boundaries.error.too_many_vertices": "{filename} holds more than {limit} vertices; simplify the "
                                          "boundaries or keep only the Jabodetabek area, then try again.",
}


class BoundaryError(Exception):
    """A failure the user can act on: a message key (for translation) plus its parameters.

    ``str(err)`` gives the English message; the UI translates ``err.key`` with ``err.params``.
    """

    def __init__(self, key: str, **params: Any):
        self.key = key
        self.params = params
        super().__init__(self.message())

    def message(self) -> str:
        template = MESSAGES_EN.get(self.key, self.key)
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return f"{template} {self.params}"


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise BoundaryError("boundaries.error.level", level=level)
    return level


# ---------------------------------------------------------------------------------------------
# data classes


@dataclass
class BoundarySet:
    """Boundaries of one level: ``gdf`` in EPSG:4326 with code, name, parent_code, area_km2,
    geometry; ``meta`` as stored next to the cache file."""

    level: str
    gdf: gpd.GeoDataFrame
    meta: dict = field(default_factory=dict)

    @property
    def attribution(self) -> str | None:
        return self.meta.get("attribution")

    @property
    def code_scheme(self) -> str | None:
        return self.meta.get("code_scheme")


@dataclass
class ImportReport:
    """What an import or download did, feature by feature.

    matched: {index, value, code, name, method}; unmatched: {index, value, reason, suggestions};
    outside: {index, value} for features that are not in the dashboard's area; missing: codes of
    the dashboard that no feature supplied; merged: code -> feature indices dissolved into one;
    conflicts: features whose code and name point to different regions (the code was used).
    """

    level: str
    boundary_set: BoundarySet
    matched: list[dict] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    outside: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    merged: dict[str, list[int]] = field(default_factory=dict)
    conflicts: list[dict] = field(default_factory=list)
    area_checks: list[dict] = field(default_factory=list)
    repaired: int = 0
    dropped: list[dict] = field(default_factory=list)
    columns: dict = field(default_factory=dict)
    cache_path: Path | None = None

    @property
    def meta(self) -> dict:
        return self.boundary_set.meta

    @property
    def flagged(self) -> list[dict]:
        return [c for c in self.area_checks if c.get("flagged")]

    def summary(self, max_items: int = 20) -> str:
        meta = self.meta
        lines = [
            f"{self.level}: {len(self.boundary_set.gdf)} regions from {meta.get('source')} "
            f"(code scheme {meta.get('code_scheme')})",
            f"  features read: {meta.get('features_read')}, matched: {len(self.matched)}, "
            f"unmatched: {len(self.unmatched)}, outside the area: {len(self.outside)}, "
            f"geometries repaired: {self.repaired}",
        ]
        if self.columns:
            used = ", ".join(f"{k}={v}" for k, v in self.columns.items() if v)
            lines.append(f"  columns used: {used}")
        for item in self.unmatched[:max_items]:
            sugg = f" (did you mean {', '.join(item['suggestions'])}?)" if item.get("suggestions") else ""
            lines.append(f"  unmatched feature #{item['index']}: {item['value']!r}: {item['reason']}{sugg}")
        if len(self.unmatched) > max_items:
            lines.append(f"  ... and {len(self.unmatched) - max_items} more unmatched")
        if self.missing:
            lines.append(f"  no boundary for: {', '.join(self.missing)}")
        for c in self.conflicts:
            lines.append(f"  feature #{c['index']}: code {c['value']} gives {c['code']} but the name "
                         f"{c['name']!r} points to {c['name_says']}: check the code scheme (BPS or Kemendagri)")
        for code, idx in self.merged.items():
            lines.append(f"  {code}: features {idx} merged into one")
        for item in self.dropped:
            lines.append(f"  dropped feature #{item['index']}: {item['reason']}")
        for c in self.flagged:
            what = (f"its {c['units']} kecamatan sum to" if c.get("scope") == "parent_sum" else "")
            lines.append(f"  area check: {c['code']} {c['name']}: {what} {c['area_km2']:.1f} km2 vs official "
                         f"{c['official_km2']:.1f} km2 ({c['diff_pct']:+.1f}%)".replace(":  ", ": "))
        if self.cache_path:
            lines.append(f"  written to {self.cache_path}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# reference data: the dashboard's kab/kota (regions.csv)


@lru_cache(maxsize=1)
def _regions_table() -> pd.DataFrame:
    df = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str, "kemendagri_code": str,
                                                      "province_code": str})
    df["area_km2"] = pd.to_numeric(df["area_km2"], errors="coerce")
    return df


def _kab_codes() -> set[str]:
    return set(_regions_table()["code"])


def _kab_names() -> dict[str, str]:
    t = _regions_table()
    return dict(zip(t["code"], t["name"]))


def _province_of(kab: str) -> str:
    t = _regions_table().set_index("code")
    return str(t.loc[kab, "province_code"]) if kab in t.index else kab[:2]
