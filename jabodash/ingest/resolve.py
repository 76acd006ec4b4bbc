"""Region resolution: the region column's values to BPS codes, each distinct value matched once.

Regions go through :mod:`jabodash.geo.regions` (names or BPS codes; kab/kota 4-digit,
kecamatan 7-digit). ``options.region_mapping`` {raw: code} wins over the matcher. Total rows
(``Jumlah``, a province, the agglomeration) are skipped as aggregates; values that are not
understood are listed in ``result.unmatched`` with suggested codes for the manual mapping.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from jabodash.geo.regions import RegionMatcher, default_matcher
from jabodash.ingest.text import _AGGREGATE_RE, Distinct, _clip, _is_missing_text

if TYPE_CHECKING:  # results imports this module (IngestResult.cleaned needs a matcher)
    from jabodash.ingest.header import _RowSkips, _Table
    from jabodash.ingest.outcome import IngestResult


def _get_matcher(matcher):
    return matcher if matcher is not None else default_matcher()


def matcher_with_cached_kecamatan():
    """A RegionMatcher that also knows the kecamatan of the cached kecamatan boundaries (if any)."""
    try:
        # imported here: jabodash.geo.boundaries costs 0.3-0.7 s (shapely, pyproj) at start-up,
        # and only the upload page and the ingest command need the cached kecamatan
        from jabodash.geo.boundaries import load_cached
        cached = load_cached("kecamatan")
    except Exception:
        cached = None
    if cached is None or cached.gdf is None or not len(cached.gdf):
        return default_matcher()
    gdf = cached.gdf
    table = pd.DataFrame({"code": gdf["code"].astype(str).values, "name": gdf["name"].astype(str).values})
    table = table[table["code"].str.fullmatch(r"\d{7}")]
    return RegionMatcher(kecamatan=table) if len(table) else default_matcher()


def _mark_regions(table: _Table, roles: dict, skip: _RowSkips, options, m, result: IngestResult) -> tuple:
    """Resolve the region column and skip the rows without a usable region. Returns per row
    (index into the list of codes or -1, the list of BPS codes)."""
    hcells, single = table.hcells, table.nonempty == 1
    reg = roles.get("region")
    if reg is None:
        skip.mark(single, "text_line")
        return np.full(table.n, -1, dtype=np.int64), []
    distinct = table.distinct(reg)
    if hcells[reg]:  # a repeated header block shows the region column's own header
        skip.mark(distinct.per_row(pc.equal(pc.utf8_lower(distinct.dictionary), hcells[reg].lower())),
                  "repeated_header")
    region_codes, rstat, info = _resolve_regions(distinct, options, m, result, roles.get("level"))
    # a row with one filled cell that is not a known region: a title, section label or note
    skip.mark(single & (rstat != 0), "text_line")
    _unmatched_report(info, skip.free(), table.lines, m, result)
    _fuzzy_report(info, skip.free(), m, result)
    for status, reason in ((4, "aggregate_row"), (1, "missing_region"), (2, "unknown_region"),
                           (3, "ambiguous_region"), (5, "other_level")):
        skip.mark(rstat == status, reason, reg)
    return region_codes


def _resolve_regions(col: Distinct, options, m, result, level) -> tuple[tuple, np.ndarray, dict]:
    """Per row of the region column (its distinct texts): (index into the list of codes or -1, the
    list of BPS codes), a status (0 ok, 1 empty, 2 unknown, 3 ambiguous, 4 aggregate, 5 other
    level), and per-distinct-value details for the unmatched report."""
    idx, distinct = col.idx, col.values
    mapping = {str(k).strip(): str(v).strip() for k, v in (options.region_mapping or {}).items()}
    mapping_ci = {k.casefold(): v for k, v in mapping.items()}
    codes: list[str | None] = [None] * len(distinct)
    stat = np.zeros(len(distinct), dtype=np.int8)
    suggestions: dict[int, list[str]] = {}
    fuzzy: dict[int, str] = {}   # a misspelt name matched to the nearest one: said in the report
    to_match = []
    bad_mapping = set()
    for k, value in enumerate(distinct):
        v = (value or "").strip()
        if not v or _is_missing_text(v):
            stat[k] = 1
            continue
        target = mapping.get(v) or mapping_ci.get(v.casefold())
        if target is not None:
            check = m.match(target, level=None)
            if check.status == "matched" and (level is None or check.level == level):
                codes[k] = check.code
                continue
            bad_mapping.add((v, target))
        if _AGGREGATE_RE.match(re.sub(r"\s+", " ", v)):
            stat[k] = 4
            continue
        to_match.append(k)
    for v, target in sorted(bad_mapping):
        result.warn("mapping_invalid", value=_clip(v, 60), code=_clip(target, 20))
    if to_match:
        res = m.match_many([distinct[k] for k in to_match], level=level)
        by_input = {inp: row for inp, row in zip(res["input"], res.itertuples(index=False))}
        for k in to_match:
            row = by_input.get(distinct[k])
            if row is None:
                stat[k] = 2
            elif row.status == "matched" and row.code:
                codes[k] = str(row.code)
                if row.method == "fuzzy":
                    fuzzy[k] = codes[k]
            elif row.method in ("province", "province_code"):
                stat[k] = 4
            elif row.status == "empty":
                stat[k] = 1
            else:
                stat[k] = 3 if row.status == "ambiguous" else 2
                suggestions[k] = [s for s in str(row.suggestions or "").split(",") if s]
    found_levels = Counter(len(c) for c in codes if c)
    if level is None and found_levels:
        level = "kecamatan" if found_levels.get(7, 0) > found_levels.get(4, 0) else "kabkota"
    if level:
        want = 7 if level == "kecamatan" else 4
        for k, c in enumerate(codes):
            if c is not None and len(c) != want:
                codes[k] = None
                stat[k] = 5
    result.level = level
    reg_list = sorted({c for c in codes if c})
    pos = {c: i for i, c in enumerate(reg_list)}
    per_distinct = np.asarray([pos[c] if c else -1 for c in codes] or [-1], dtype=np.int64)
    row_codes = per_distinct[idx] if len(idx) else np.zeros(0, dtype=np.int64)
    row_stat = stat[idx] if len(idx) else np.zeros(0, dtype=np.int8)
    return (row_codes, reg_list), row_stat, {"idx": idx, "distinct": distinct, "stat": stat,
                                            "suggestions": suggestions, "fuzzy": fuzzy}


FUZZY_EXAMPLES = 5


def _fuzzy_report(info: dict, eligible: np.ndarray, m, result: IngestResult) -> None:
    """The region names read as the nearest known one (a misspelling such as "Kota Bogorr"), in the
    rows still in play: one warning naming each ("Kota Bogorr → Kota Bogor (3271)"), so a wrong guess
    is seen before the data is used; the records keep the match."""
    idx, fuzzy = info["idx"], info.get("fuzzy") or {}
    if not fuzzy or not len(idx):
        return
    used = np.zeros(len(info["distinct"]), dtype=bool)
    used[idx[eligible]] = True
    pairs = [(info["distinct"][k], code) for k, code in sorted(fuzzy.items()) if used[k]]
    if not pairs:
        return
    shown = [f"{_clip(value, 60)} → {m.name(code)} ({code})" for value, code in pairs[:FUZZY_EXAMPLES]]
    more = len(pairs) - len(shown)
    result.warn("fuzzy_regions", count=len(pairs), examples="; ".join(shown) + (f"; +{more}" if more else ""))


def _unmatched_report(info: dict, eligible: np.ndarray, lines: np.ndarray, m, result: IngestResult) -> None:
    """The region values that were not understood, with suggestions, for the rows still in play."""
    idx, distinct, stat = info["idx"], info["distinct"], info["stat"]
    if not len(idx):
        return
    bad_value = np.isin(stat, (2, 3, 5))
    if not bad_value.any():
        return
    eligible = eligible & bad_value[idx]
    rows = idx[eligible]
    counts = np.bincount(rows, minlength=len(distinct))
    first = np.full(len(distinct), -1, dtype=np.int64)
    pos = np.flatnonzero(eligible)
    # the first eligible row of each distinct value
    order = np.argsort(rows, kind="stable")
    uniq, start = np.unique(rows[order], return_index=True)
    first[uniq] = pos[order[start]]
    out = []
    for k in np.flatnonzero((counts > 0) & np.isin(stat, (2, 3, 5))):
        sugg = info["suggestions"].get(int(k), [])
        names = []
        for code in sugg:
            try:
                names.append(str(m.name(code)))
            except Exception:
                names.append(code)
        status = {2: "unknown", 3: "ambiguous", 5: "other_level"}[int(stat[k])]
        out.append({"value": distinct[k], "status": status, "suggestions": sugg, "suggestion_names": names,
                    "rows": int(counts[k]), "first_row": int(lines[first[k]])})
    out.sort(key=lambda u: u["first_row"])
    result.unmatched = out
    n_unknown = sum(1 for u in out if u["status"] != "ambiguous")
    n_amb = len(out) - n_unknown
    if n_unknown:
        result.warn("unmatched_regions", count=n_unknown)
    if n_amb:
        result.warn("ambiguous_regions", count=n_amb)
