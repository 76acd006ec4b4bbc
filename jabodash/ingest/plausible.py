"""Plausibility of an upload's figures (issue 23): for every indicator of the file that names a
catalog indicator (its id, or its Indonesian or English name or short name, in the indicator or
the column header), a value outside the
indicator's valid range and a change against the previous year's figure of the same region
larger than the indicator allows (data/indicator_ranges.toml) are flagged beside the figure with
the reason, and a unit that differs from the catalog's is flagged for the file; for every
indicator the report says how many of the 15 regions the file covers. Vectorised: a file of
millions of rows is checked in one pass per indicator. Flags never change or drop a figure.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from jabodash.core import plausibility as checks
from jabodash.core.catalog import load_catalog, valid_range
from jabodash.geo.regions import load_regions

LIST_LIMIT = 200


def _names() -> dict[str, str]:
    out = {}
    for ind in load_catalog().values():
        if ind.kind != "observed":
            continue
        for name in (ind.id, ind.name_id, ind.name_en, ind.short_id, ind.short_en):
            out.setdefault(str(name).strip().casefold(), ind.id)
    return out


def catalog_id(indicator) -> str | None:
    """The catalog indicator an upload's indicator text names, or None."""
    return _names().get(str(indicator or "").strip().casefold())


def _fifteen() -> set[str]:
    regions = load_regions()
    return set(regions.loc[regions["in_agglomeration"].astype(bool), "code"].astype(str))


def regions_covered(records: pd.DataFrame | None) -> int:
    """How many of the 15 regions the records have a figure for (a kecamatan counts for its kab/kota)."""
    if records is None or records.empty:
        return 0
    codes = records.dropna(subset=["value"])["region_code"].astype(str) if "value" in records else records["region_code"].astype(str)
    parents = codes.str.slice(0, 4).where(codes.str.len() > 4, codes)
    return int(parents[parents.isin(_fifteen())].nunique())


def check(records: pd.DataFrame, unit: str | None = None, lang: str = "en", limit: int = LIST_LIMIT) -> dict:
    """``{"coverage": [...], "flags": [...], "flag_count": n, "unit_flags": [...]}`` (see module)."""
    fifteen = _fifteen()
    out = {"coverage": [], "flags": [], "flag_count": 0, "unit_flags": []}
    if records is None or records.empty:
        return out
    codes = records["region_code"].astype(str)
    parents = codes.str.slice(0, 4).where(codes.str.len() > 4, codes)
    for indicator, idx in records.groupby(records["indicator"].astype(str), sort=False).groups.items():
        part = records.loc[idx]
        cid = catalog_id(indicator)
        if cid is None and "column" in part:        # a wide file's column header ("poverty_rate")
            cid = next((c for c in map(catalog_id, part["column"].dropna().astype(str).unique()[:5]) if c), None)
        out["coverage"].append({"indicator": indicator, "catalog_id": cid,
                                "regions": int(parents.loc[idx][parents.loc[idx].isin(fifteen)].nunique()),
                                "total": checks.REGIONS_TOTAL,
                                "text": checks.coverage_text(int(parents.loc[idx][parents.loc[idx].isin(fifteen)].nunique()), lang)})
        if cid is None:
            continue
        for finder in (_range_flags, _jump_flags):
            count, found = finder(part, cid, max(0, limit - len(out["flags"])))
            out["flag_count"] += count
            out["flags"].extend(found)
        ind = load_catalog()[cid]
        stated = unit or ""
        if checks.units_differ(ind.unit_en, stated) and checks.units_differ(ind.unit_id, stated):
            item = checks.flag("unit", stated=stated[:40], expected=ind.unit(lang))
            out["unit_flags"].append({"indicator": indicator, **item, "text": checks.text(item, lang)})
    for item in out["flags"]:
        item["text"] = checks.text(item, lang)
    return out


def _row(part: pd.DataFrame, i, reason: str, params: dict) -> dict:
    year = part["year"].iloc[i]
    return {"row": int(part["row"].iloc[i]) if "row" in part else None, "region_code": str(part["region_code"].iloc[i]),
            "indicator": str(part["indicator"].iloc[i]), "year": None if pd.isna(year) else int(year),
            "value": float(part["value"].iloc[i]), "reason": reason, "params": params}


def _range_flags(part: pd.DataFrame, cid: str, limit: int) -> tuple[int, list[dict]]:
    """(how many values are outside the range, the first ``limit`` of them as flags)."""
    rng = valid_range(cid)
    values = part["value"].to_numpy(dtype="float64", na_value=np.nan)
    count, out = 0, []
    for bound, mask, reason in ((rng.above, values <= (rng.above if rng.above is not None else -np.inf), "not_above"),
                                (rng.min, values < (rng.min if rng.min is not None else -np.inf), "below_min"),
                                (rng.max, values > (rng.max if rng.max is not None else np.inf), "above_max")):
        if bound is None:
            continue
        hits = np.flatnonzero(mask & ~np.isnan(values))
        count += len(hits)
        for i in hits[: max(0, limit - len(out))]:
            out.append(_row(part, i, reason, {"bound": bound}))
    if rng.integer:
        hits = np.flatnonzero(~np.isnan(values) & (np.floor(values) != values))
        count += len(hits)
        for i in hits[: max(0, limit - len(out))]:
            out.append(_row(part, i, "not_integer", {}))
    return count, out


def _jump_flags(part: pd.DataFrame, cid: str, limit: int) -> tuple[int, list[dict]]:
    """(how many changes exceed the yearly allowance, the first ``limit`` of them as flags)."""
    rng = valid_range(cid)
    if rng.change_points is None and rng.change_percent is None:
        return 0, []
    frame = part[["region_code", "year", "value"]].copy()
    frame["pos"] = np.arange(len(part))
    frame = frame.dropna(subset=["year", "value"]).sort_values(["region_code", "year"], kind="stable")
    same = frame["region_code"].eq(frame["region_code"].shift()) & frame["year"].gt(frame["year"].shift())
    prev_value, prev_year = frame["value"].shift(), frame["year"].shift()
    years = (frame["year"] - prev_year).clip(lower=1)
    out = []
    if rng.change_points is not None:
        bad = same & ((frame["value"] - prev_value).abs() > rng.change_points * years + 1e-9)
    else:
        bad = same & (prev_value > 0) & (((frame["value"] - prev_value) / prev_value * 100).abs()
                                          > rng.change_percent * years + 1e-9)
    labels = frame.index[bad.to_numpy()]
    for label in labels[:limit]:
        pos = int(frame.at[label, "pos"])
        item = checks.jump_flag(cid, float(prev_value.at[label]), int(prev_year.at[label]),
                                float(frame.at[label, "value"]), int(frame.at[label, "year"]))
        if item:
            out.append(_row(part, pos, item["reason"], item["params"]))
    return len(labels), out
