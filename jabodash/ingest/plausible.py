"""Plausibility of an upload's figures (issue 23): for every indicator of the file that names a
catalog indicator (its id, or its Indonesian or English name or short name, in the indicator or
the column header), a value outside the
indicator's valid range and a change against the previous year's figure of the same region
larger than the indicator allows (data/indicator_ranges.toml) are flagged beside the figure with
the reason, and a unit that differs from the catalog's is flagged for the file; for every
indicator the report says how many of the 15 regions the file covers. Vectorised: coverage and
catalog names are found for every indicator at once (a wide file has tens of thousands), then the
indicators that name a catalog indicator are checked in one pass each. Flags never change or drop a figure.
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


def _parents(region_code: pd.Series) -> tuple[np.ndarray, int]:
    """Per record, the index of its region's kab/kota among those of the 15 found (a kecamatan
    counts for its kab/kota), -1 for any other region; and how many were found. Each distinct code
    is looked at once (a 10,000,000-record upload has 15 of them)."""
    codes, uniques = pd.factorize(region_code)   # (a missing code: -1, none of the 15)
    texts = [str(u) for u in uniques]   # (as astype(str) writes them)
    parents = [t[:4] if len(t) > 4 else t for t in texts]
    fifteen = _fifteen()
    found = {p: i for i, p in enumerate(dict.fromkeys(p for p in parents if p in fifteen))}
    per_code = np.asarray([found.get(p, -1) for p in parents] + [-1], dtype=np.int64)   # (the last: for -1)
    return per_code[codes], len(found)


def regions_covered(records: pd.DataFrame | None) -> int:
    """How many of the 15 regions the records have a figure for (a kecamatan counts for its kab/kota)."""
    if records is None or records.empty:
        return 0
    codes = records["region_code"]
    if "value" in records:
        codes = codes[records["value"].notna().to_numpy()]
    parent, _n = _parents(codes)
    return int(len(np.unique(parent[parent >= 0])))


def _indicators(records: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """The indicator texts in the order they first appear and each record's index into them (-1
    without one: such records are in no indicator's group, as in pandas' groupby)."""
    codes, uniques = pd.factorize(records["indicator"])
    labels = [str(u) for u in uniques]
    if len(set(labels)) < len(labels):   # two values with one text (1 and "1"): one indicator, as astype(str)
        codes, uniques = pd.factorize(records["indicator"].astype(str))
        labels = list(uniques)
    return labels, codes


def _coverage(ind: np.ndarray, parent: np.ndarray, n_ind: int, n_parent: int) -> np.ndarray:
    """How many of the 15 regions each indicator has records for."""
    if not n_parent:
        return np.zeros(n_ind, dtype=np.int64)
    sel = (parent >= 0) & (ind >= 0)
    key = ind[sel].astype(np.int64) * n_parent + parent[sel]
    if n_ind * n_parent <= 1 << 26:
        seen = np.zeros(n_ind * n_parent, dtype=bool)
        seen[key] = True
        return seen.reshape(n_ind, n_parent).sum(axis=1)
    return np.bincount(pd.unique(key) // n_parent, minlength=n_ind)


def _catalog_ids(records: pd.DataFrame, labels: list[str], ind: np.ndarray) -> list[str | None]:
    """The catalog indicator each indicator text names, else the first of the first five column
    headers of its records (in file order) that names one (a wide file's "poverty_rate")."""
    names = _names()
    cids = [names.get(label.strip().casefold()) for label in labels]
    if "column" not in records or all(cids):
        return cids
    col, uniques = pd.factorize(records["column"])   # (missing headers: -1, left out)
    col_cid = [names.get(str(u).strip().casefold()) for u in uniques]
    if not any(col_cid):
        return cids
    have = (col >= 0) & (ind >= 0)
    pairs = pd.unique(ind[have].astype(np.int64) * len(uniques) + col[have])   # (indicator, column) in file order
    p_ind, p_col = np.divmod(pairs, len(uniques))
    rank = pd.Series(p_ind).groupby(p_ind).cumcount().to_numpy()
    for k, j in zip(p_ind[rank < 5].tolist(), p_col[rank < 5].tolist()):
        if cids[k] is None and col_cid[j]:
            cids[k] = col_cid[j]
    return cids


def check(records: pd.DataFrame, unit: str | None = None, lang: str = "en", limit: int = LIST_LIMIT) -> dict:
    """``{"coverage": [...], "flags": [...], "flag_count": n, "unit_flags": [...]}`` (see module).
    Coverage and catalog names are found for all indicators at once; only the indicators that
    name a catalog indicator are then checked one by one."""
    out = {"coverage": [], "flags": [], "flag_count": 0, "unit_flags": []}
    if records is None or records.empty:
        return out
    labels, ind = _indicators(records)
    parent, n_parent = _parents(records["region_code"])
    covered = _coverage(ind, parent, len(labels), n_parent)
    cids = _catalog_ids(records, labels, ind)
    rows_of = _rows_by_indicator(ind, len(labels)) if any(cids) else None
    for k, (indicator, cid) in enumerate(zip(labels, cids)):
        out["coverage"].append({"indicator": indicator, "catalog_id": cid, "regions": int(covered[k]),
                                "total": checks.REGIONS_TOTAL, "text": checks.coverage_text(int(covered[k]), lang)})
        if cid is None:
            continue
        part = records.iloc[rows_of[k]]
        for finder in (_range_flags, _jump_flags):
            count, found = finder(part, cid, max(0, limit - len(out["flags"])))
            out["flag_count"] += count
            out["flags"].extend(found)
        ind_ = load_catalog()[cid]
        stated = unit or ""
        if checks.units_differ(ind_.unit_en, stated) and checks.units_differ(ind_.unit_id, stated):
            item = checks.flag("unit", stated=stated[:40], expected=ind_.unit(lang))
            out["unit_flags"].append({"indicator": indicator, **item, "text": checks.text(item, lang)})
    for item in out["flags"]:
        item["text"] = checks.text(item, lang)
    return out


def _rows_by_indicator(ind: np.ndarray, n: int) -> list[np.ndarray]:
    """The record positions of each indicator, in file order."""
    order = np.argsort(ind, kind="stable")
    counts = np.bincount(ind[ind >= 0], minlength=n)
    return np.split(order[len(ind) - int(counts.sum()):], np.cumsum(counts)[:-1])   # (-1 sorts first)


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
