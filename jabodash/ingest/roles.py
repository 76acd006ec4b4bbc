"""Column roles and layout: which column holds the regions, years, indicators, values or coordinates.

Layouts: ``long`` (region, year, value, optional indicator column), ``wide_years`` (one column
per year), ``wide_indicators`` (one column per indicator, with or without a year column),
``points`` (latitude/longitude columns). Detected from the header hints and a sample of up to
5,000 data rows, overridable in the options (``region_column``, ``layout``...).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jabodash.ingest.header import _RowSkips, _Table
from jabodash.ingest.numbers import OK, _digit_shapes, parse_numbers
from jabodash.ingest.outcome import IngestOptions, IngestResult
from jabodash.ingest.text import (
    _check_hostile,
    _clip,
    _hint,
    _is_missing_text,
    _norm_header,
    _numlike,
    _numlike_shape,
    _take,
    parse_year,
)


def _code_like(s: str) -> bool:
    return bool(re.fullmatch(r"(ID)?\d{4}(\d{3})?(\.0+)?|\d{2}\.\d{2}(\.\d{2})?", s))


def _score_region_column(values: list[str], m) -> tuple[float, str | None, int]:
    distinct = list(dict.fromkeys(v for v in values if v and not _is_missing_text(v)))[:300]
    if not distinct:
        return 0.0, None, 0
    numeric = [v for v in distinct if _numlike(v)]
    if len(numeric) > 0.5 * len(distinct) and sum(_code_like(v) for v in numeric) < 0.8 * len(numeric):
        return 0.0, None, len(distinct)
    res = m.match_many(distinct, level=None)
    good = res[res["status"].isin(["matched", "ambiguous"])]
    levels = Counter(lv for lv in good["level"] if isinstance(lv, str))
    level = levels.most_common(1)[0][0] if levels else None
    if levels.get("kecamatan") and levels.get("kabkota"):
        level = "kecamatan" if levels["kecamatan"] >= levels["kabkota"] else "kabkota"
    return len(good) / len(distinct), level, len(distinct)


def _numlike_count(arr: pa.Array) -> int:
    """How many of the texts look like numbers (:func:`_numlike`), decided once per distinct shape."""
    if not len(arr):
        return 0
    enc = pc.dictionary_encode(_digit_shapes(arr))
    per_shape = np.asarray([_numlike_shape(x) for x in enc.dictionary.to_pylist()], dtype=np.int64)
    return int((np.bincount(enc.indices.to_numpy(zero_copy_only=False), minlength=len(per_shape)) * per_shape).sum())


_DIGITS = "0123456789"


def _find_col(name: str | None, names: list[str], option: str, result: IngestResult) -> int | None:
    if name is None or name == "":
        return None
    for i, n in enumerate(names):
        if n == name:
            return i
    low = str(name).strip().casefold()
    for i, n in enumerate(names):
        if n.strip().casefold() == low:
            return i
    result.error("bad_option", option=option, value=_clip(name, 60))
    return None


def _roles_and_layout(table: _Table, skip: _RowSkips, options: IngestOptions, m,
                      result: IngestResult) -> tuple[dict, str] | None:
    """Roles and layout from a sample of the data rows still in play; sets ``result.layout`` and
    ``result.roles``. None when an error was found."""
    names, cols = table.names, table.cols
    sample_rows = np.flatnonzero(skip.free())[:5000]
    arrays = [_take(c, sample_rows) for c in cols]
    roles = _detect_roles(names, table.hcells, [a.to_pylist() for a in arrays], options, m, result, arrays)
    if not result.ok:
        return None
    layout = _decide_layout(roles, names, options, result)
    if not result.ok:
        return None
    result.layout = layout
    result.roles = {key: (names[roles[key]] if roles.get(key) is not None else None)
                    for key in ("region", "year", "indicator", "unit", "lat", "lon", "name")}
    result.roles["values"] = [names[i] for i in roles["values"]]
    result.roles["ignored"] = [names[i] for i in roles["ignored"]]
    _check_hostile(cols, names, roles, result, table.distinct)
    if roles["ignored"]:
        result.warn("ignored_columns", columns=", ".join(_clip(names[i], 60) for i in roles["ignored"]))
    return roles, layout


def _detect_roles(names, hcells, samples, options, m, result, arrays=None) -> dict:
    """The role of each column: {"region", "year", "indicator", "unit", "lat", "lon", "name": index,
    "values": [indices], "ignored": [indices], "level", "indicator_kind", "year_headers"}. arrays:
    the samples as Arrow arrays (None: made from the samples when needed)."""
    search = _RoleSearch(names, hcells, samples, options, m, result, arrays)
    search.forced()
    if not result.ok:
        return search.roles
    search.row_numbers()
    if options.layout in (None, "points"):
        search.coordinates()
    search.region()
    search.year()
    search.texts()
    search.values()
    return search.roles


class _RoleSearch:
    """The steps of :func:`_detect_roles`, sharing the sample, the header hints and the columns taken."""

    def __init__(self, names, hcells, samples, options, m, result, arrays=None):
        self.names, self.hcells, self.samples, self.arrays = names, hcells, samples, arrays
        self.options, self.m, self.result = options, m, result
        self.W = len(names)
        self.hints = [_hint(h) if h else None for h in hcells]
        self.year_headers = {i: parse_year(h) for i, h in enumerate(hcells) if h and parse_year(h)}
        self.roles: dict[str, Any] = {"values": [], "ignored": []}
        self.used: set[int] = set()
        self.rownum: set[int] = set()
        self.cache: dict[tuple[str, int], Any] = {}

    def nonmissing(self, i):
        """The sample's filled, non-missing values of column i (cached)."""
        cache = self.cache
        if ("vals", i) not in cache:
            counts = Counter(self.samples[i])
            # (a text that starts with a digit is no missing marker: no marker holds a digit)
            bad = {v for v in counts if not v or (v[0] not in _DIGITS and _is_missing_text(v))}
            cache[("vals", i)] = [v for v in self.samples[i] if v not in bad]
            cache[("counts", i)] = {v: c for v, c in counts.items() if v not in bad}
        return cache[("vals", i)]

    def counts(self, i) -> dict:
        """{value: count} of the sample's filled, non-missing values of column i."""
        self.nonmissing(i)
        return self.cache[("counts", i)]

    def share(self, i, test, key):
        """Share of the non-missing sample values of column i that pass test (cached)."""
        if (key, i) not in self.cache:
            counts = self.counts(i)
            total = sum(counts.values())
            self.cache[(key, i)] = sum(c for v, c in counts.items() if test(v)) / total if total else 0.0
        return self.cache[(key, i)]

    def numeric(self, i):
        """Share of the non-missing sample values of column i that look like numbers (cached): counted
        once per distinct shape of the texts (a missing marker or an empty text never looks like one)."""
        if ("num", i) not in self.cache:
            total = sum(self.counts(i).values())
            arr = self.arrays[i] if self.arrays is not None else pa.array(self.samples[i], type=pa.string())
            self.cache[("num", i)] = _numlike_count(arr) / total if total else 0.0
        return self.cache[("num", i)]

    # forced columns
    def forced(self) -> None:
        roles, used, names, options, result = self.roles, self.used, self.names, self.options, self.result
        for key, opt in (("region", "region_column"), ("year", "year_column"), ("indicator", "indicator_column"),
                         ("lat", "lat_column"), ("lon", "lon_column")):
            idx = _find_col(getattr(options, opt), names, opt, result)
            if idx is not None:
                roles[key] = idx
                used.add(idx)
        if options.value_columns:
            for name in options.value_columns:
                idx = _find_col(name, names, "value_columns", result)
                if idx is not None:
                    roles["values"].append(idx)
                    used.add(idx)

    # row numbers (No, Nomor, or 1, 2, 3... in the first column)
    def row_numbers(self) -> None:
        hints = self.hints
        for i in range(self.W):
            if i in self.used or hints[i] == "region":
                continue
            if hints[i] == "rownum" or (i == 0 and self.counting(i) and not self.region_codes(i)):
                self.rownum.add(i)

    def counting(self, i) -> bool:
        """Column i counts up by one from its first value (1, 2, 3... or 41, 42, 43...)."""
        vals = self.nonmissing(i)
        if len(vals) < 3 or self.year_headers.get(i) or not all(re.fullmatch(r"[0-9]{1,9}", v) for v in vals):
            return False
        head = [int(v) for v in vals[:50]]
        return head == list(range(head[0], head[0] + len(head)))

    def region_codes(self, i) -> bool:
        """Column i holds region codes (3171, 3172, 3173... counts up too, but names regions)."""
        vals = list(self.counts(i))
        if not all(_code_like(v) for v in vals[:50]):
            return False
        score, _level, _n = _score_region_column(vals, self.m)
        return score >= 0.5

    # coordinates
    def coordinates(self) -> None:
        roles, used = self.roles, self.used
        for key, _lo, _hi in (("lat", -90, 90), ("lon", -180, 180)):
            if key in roles:
                continue
            for i in range(self.W):
                if i in used or self.hints[i] != key:
                    continue
                vals = self.nonmissing(i)
                if not vals:
                    continue
                num = parse_numbers(vals, decimal_only=True)
                ok = num.status == OK
                if ok.mean() >= 0.8:
                    roles[key] = i
                    used.add(i)
                    break
        if ("lat" in roles) != ("lon" in roles):
            roles.pop("lat", None)
            roles.pop("lon", None)

    # region (other columns that also name regions, e.g. a code next to a name, are not values)
    def region(self) -> None:
        roles, used, options, hints = self.roles, self.used, self.options, self.hints
        region_like: set[int] = set()
        if "region" not in roles:
            best = None
            for i in range(self.W):
                if i in used or i in self.rownum or i in self.year_headers \
                        or hints[i] in ("year", "unit", "value", "lat", "lon"):
                    continue
                vals = self.nonmissing(i)
                if not vals or len(self.counts(i)) > 3000:
                    continue
                score, level, nd = _score_region_column(list(self.counts(i)), self.m)
                accept = score >= 0.5 or (score >= 0.2 and hints[i] == "region")
                if not accept:
                    continue
                region_like.add(i)
                rank = (1 if level == "kecamatan" and (options.level in (None, "kecamatan")) else 0, score,
                        0 if all(_code_like(v) for v in vals[:50]) else 1)
                if options.level and level != options.level:
                    rank = (-1,) + rank[1:]
                if best is None or rank > best[0]:
                    best = (rank, i, level)
            if best is not None:
                roles["region"] = best[1]
                roles["level"] = best[2]
                used.add(best[1])
                used.update(region_like)
                roles["ignored"].extend(sorted(region_like - {best[1]}))
        elif options.level is None:
            _s, lvl, _n = _score_region_column(list(self.counts(roles["region"])), self.m)
            roles["level"] = lvl
        if options.level:
            roles["level"] = options.level
        if "region" in roles and roles.get("level") == "kabkota":
            kec_hint = [i for i in range(self.W)
                        if i not in used and re.search(r"\bkec", _norm_header(self.hcells[i] or ""))]
            if kec_hint:
                self.result.warn("kecamatan_unknown", column=_clip(self.names[kec_hint[0]], 60))

    # year column
    def year(self) -> None:
        if "year" in self.roles or self.year_headers:
            return
        cands = []
        for i in range(self.W):
            if i in self.used or i in self.rownum:
                continue
            vals = self.nonmissing(i)
            if not vals or (self.hints[i] != "year" and (self.hints[i] == "value" or len(self.counts(i)) > 60)):
                continue   # (no share of years can make it the year column)
            year_share = self.share(i, parse_year, "year")
            if self.hints[i] == "year" and year_share >= 0.8:
                cands.append((2, i))
            elif year_share == 1.0 and self.hints[i] not in ("value",) and len(self.counts(i)) <= 60:
                cands.append((1, i))
        if cands:
            self.roles["year"] = max(cands)[1]
            self.used.add(self.roles["year"])

    # indicator / unit / name
    def texts(self) -> None:
        roles, used, hints = self.roles, self.used, self.hints
        for i in range(self.W):
            if i in used or i in self.rownum or i in self.year_headers:
                continue
            if hints[i] in ("indicator", "dimension") and "indicator" not in roles and self.numeric(i) < 0.5:
                roles["indicator"] = i
                roles["indicator_kind"] = "strong" if hints[i] == "indicator" else "weak"
                used.add(i)
            elif hints[i] == "unit" and "unit" not in roles and self.numeric(i) < 0.5:
                roles["unit"] = i
                used.add(i)
        if "lat" in roles and "name" not in roles:
            for i in range(self.W):
                if i in used or i in self.rownum:
                    continue
                if self.nonmissing(i) and self.numeric(i) < 0.5:
                    roles["name"] = i
                    used.add(i)
                    break

    # values
    def values(self) -> None:
        roles, used, year_headers = self.roles, self.used, self.year_headers
        if not roles["values"]:
            if year_headers and self.options.layout in (None, "wide_years"):
                roles["values"] = [i for i in sorted(year_headers) if i not in used]
                used.update(roles["values"])
            else:
                for i in range(self.W):
                    if i in used or i in self.rownum:
                        continue
                    if self.nonmissing(i) and self.numeric(i) >= 0.5:
                        roles["values"].append(i)
                        used.add(i)
        roles["year_headers"] = {i: y for i, y in year_headers.items() if i in roles["values"]}
        for i in range(self.W):
            if i not in used and i not in self.rownum and (self.nonmissing(i) or i in year_headers):
                roles["ignored"].append(i)
        roles["ignored"] = sorted(set(roles["ignored"]))


def _decide_layout(roles, names, options, result) -> str | None:
    if options.layout:
        layout = options.layout
    elif "lat" in roles and "lon" in roles:
        layout = "points"
    elif roles["year_headers"] and len(roles["year_headers"]) == len(roles["values"]):
        layout = "wide_years"
    elif "year" in roles and len(roles["values"]) == 1:
        layout = "long"
    else:
        layout = "wide_indicators"
    if layout == "points":
        if "lat" not in roles or "lon" not in roles:
            result.error("no_coordinates")
        return layout
    if roles.get("region") is None:
        result.error("no_region_column")
    if not roles["values"]:
        result.error("no_value_column")
    if layout == "wide_years" and not roles["year_headers"]:
        result.error("no_year")
    if layout == "long" and len(roles["values"]) > 1 and roles.get("indicator") is None:
        layout = "wide_indicators"
    return layout
