"""Values: the years, indicators and numbers of the data rows become records.

Years ``2023``, ``2023*`` (preliminary), ``2023-06`` (period), ``Tahun 2023``, from a year
column, from year headers (``wide_years``) or, when there is neither, a single year in the
title (or ``options.year``). The indicator name comes from an indicator column, the value
column's header (``wide_indicators``), ``options.indicator``, a super-header or the title.
Numbers go through :func:`jabodash.ingest.numbers.parse_numbers`, column by column; a cell that
is missing, not a number or ambiguous is skipped with its reason. Of two records for the same
region, indicator and period, the first in the file wins. The defaults offered for the
indicator's description (name, unit, higher_is_better, source, year) are in ``result.suggested``.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from jabodash.core.parallel import in_order
from jabodash.ingest import memory
from jabodash.ingest.early import EarlyParses, parse_column
from jabodash.ingest.header import _RowSkips, _Table
from jabodash.ingest.numbers import _STATUS_REASON, MISSING, OK
from jabodash.ingest.outcome import IngestOptions, IngestResult
from jabodash.ingest.text import _NOTE_RE, _clip, _is_missing_text, _norm_header, _take, parse_year


def _title_year(texts: list[str]) -> int | None:
    years = set()
    for text in texts:
        for m in re.finditer(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text or ""):
            years.add(int(m.group(1)))
    return years.pop() if len(years) == 1 else None


_LOWER_IS_BETTER = re.compile(
    r"miskin|kemiskinan|pengangguran|kematian|mortalit|kriminal|kejahatan|polusi|pencemaran|banjir|"
    r"kemacetan|macet|stunting|gizi buruk|buta huruf|putus sekolah|kumuh|gini|ketimpangan|kecelakaan|"
    r"poverty|unemploy|mortality|death|crime|pollution|flood|congestion|illitera|dropout|slum|inequality|"
    r"accident", re.IGNORECASE)


_HIGHER_IS_BETTER = re.compile(
    r"\bipm\b|pembangunan manusia|harapan hidup|melek huruf|angka partisipasi|rata-rata lama sekolah|"
    r"human development|\bhdi\b|life expectancy|literacy|enrol+ment|years of schooling", re.IGNORECASE)


def suggest_higher_is_better(name: str | None) -> bool | None:
    """The direction an indicator's name implies: False for a name of something to reduce (poverty,
    unemployment...), True for a name of something to raise (IPM, life expectancy, literacy...),
    else None (neutral): a count such as a population is neither."""
    if _LOWER_IS_BETTER.search(name or ""):
        return False
    return True if _HIGHER_IS_BETTER.search(name or "") else None


def _unit_from(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(r"\(([^()]{1,30})\)\s*(?:,?\s*(?:19|20)\d{2}.*)?$", text.strip())
    if m and not parse_year(m.group(1)) and not re.fullmatch(r"[\d\s\-–]+", m.group(1)):
        return m.group(1).strip()
    return None


def _pretty(name: str) -> str:
    s = re.sub(r"[_]+", " ", name).strip()
    return s[:1].upper() + s[1:] if s else s


def _finish_values(table: _Table, roles: dict, layout: str, skip: _RowSkips, regions: tuple,
                   options: IngestOptions, result: IngestResult, super_cells: list[str],
                   early: EarlyParses | None = None) -> list:
    """Years, indicators and numbers of the rows still in play; records and cell-level skips
    (early: the value columns' parses started before the roles were known)."""
    years = _row_years(table, roles, layout, skip, options, result, super_cells)
    if years is None:
        return []
    ylist, yidx, title_year = years
    row_ok = skip.free()
    inds = _Indicators(table, roles, layout, skip, row_ok, options, result, super_cells)
    table.distincts.clear()   # (the last step that reads the columns' distinct texts is done)
    rows_ok = np.flatnonzero(row_ok)
    cells, cell_skips, percent_any = _value_columns(table, roles, layout, rows_ok, ylist, inds, options, result,
                                                    early or EarlyParses())
    result.suggested.update({"unit": _suggest_unit(result, table.names, roles, table.cols, super_cells, percent_any),
                             "higher_is_better": suggest_higher_is_better(inds.base_name), "year": title_year})
    if cells.any():
        periods = _periods(ylist)
        unique = cells.keys_unique(regions[0], yidx, periods)
        # the texts not read again are let go before the records are made (the value columns' texts
        # list duplicates: kept when there may be some)
        keep = () if unique else set(roles["values"])
        table.cols[:] = [c if i in keep else pa.array([], type=pa.string()) for i, c in enumerate(table.cols)]
        memory.give_back()
        made = cells.records(regions[0], yidx, periods, len(inds.codes), unique=unique, by_year=(ylist, table.lines))
        _records(table, made, ylist, regions[1], list(inds.codes), cell_skips, result)
    return cell_skips


def _row_years(table: _Table, roles: dict, layout: str, skip: _RowSkips, options: IngestOptions,
               result: IngestResult, super_cells: list[str]) -> tuple[list, np.ndarray, int | None] | None:
    """Years per row: (list of (year, period, preliminary), index into it per row or -1, the
    title's year). None (with an error) when the file has no year."""
    N = len(table.lines)
    ylist: list[tuple[int, str, bool]] = []
    yidx = np.full(N, -1, dtype=np.int64)
    yi = roles.get("year")
    title_year = options.year or _title_year(result.title_lines + super_cells)
    if layout == "wide_years":
        ylist = list(dict.fromkeys(roles["year_headers"][vi] for vi in roles["values"]))
    elif yi is not None:
        d = table.distinct(yi)
        idx, distinct = d.idx, d.values
        parsed = [parse_year(v) for v in distinct]
        pos = {}
        per_distinct = np.full(len(distinct), -1, dtype=np.int64)
        for k, p in enumerate(parsed):
            if p is not None:
                per_distinct[k] = pos.setdefault(p, len(pos))
        ylist = list(pos)
        yidx = per_distinct[idx] if len(idx) else yidx
        empty = np.asarray([not (v or "").strip() or _is_missing_text(v) for v in distinct], dtype=bool)
        row_empty = empty[idx] if len(idx) else np.zeros(N, dtype=bool)
        skip.mark(row_empty, "missing_year", yi)
        skip.mark((yidx < 0) & ~row_empty, "invalid_year", yi)
    elif title_year:
        ylist = [(int(title_year), str(title_year), False)]
        yidx[:] = 0
        if not options.year:
            result.warn("year_from_title", year=int(title_year))
    else:
        result.error("no_year")
        return None
    return ylist, yidx, title_year


class _Indicators:
    """The indicator per row (index into a list of names) and the codes of the indicator names
    in the order they are first used."""

    def __init__(self, table: _Table, roles: dict, layout: str, skip: _RowSkips, row_ok: np.ndarray,
                 options: IngestOptions, result: IngestResult, super_cells: list[str]):
        N = len(table.lines)
        self.layout = layout
        ii = roles.get("indicator")
        self.base_name = options.indicator or _default_indicator(result, table.names, roles, layout, super_cells)
        result.suggested["indicator"] = self.base_name
        self.row: np.ndarray | None = None
        self.raw: list[str] = []
        if ii is not None:
            d = table.distinct(ii)
            idx, distinct = d.idx, d.values
            codes = np.asarray([k if (v or "").strip() else -1 for k, v in enumerate(distinct)], dtype=np.int64)
            ind_row = codes[idx] if len(idx) else np.full(N, -1, dtype=np.int64)
            # merged cells in spreadsheets leave the indicator only on the first row of a block: carry it down
            if (ind_row < 0).any():
                s = pd.Series(np.where(ind_row < 0, np.nan, ind_row)).ffill()
                ind_row = s.fillna(-1).to_numpy().astype(np.int64)
            self.row = ind_row
            self.raw = [str(v) for v in distinct]
            row_ok &= ~skip.mark(ind_row < 0, "missing_indicator", ii)
        self.weak = roles.get("indicator_kind") == "weak"
        self.codes: dict[str, int] = {}
        self._table: np.ndarray | None = None
        self._names: list[str] | None = None

    def code(self, name: str) -> int:
        return self.codes.setdefault(name, len(self.codes))

    def column_codes(self, column: str) -> np.ndarray:
        """The indicator code of value column ``column`` per indicator text of the rows
        (:meth:`row_keys`; one entry when the rows have no indicator column)."""
        wide = self.layout == "wide_indicators"
        if self.row is not None:
            if wide or self._table is None:  # the same names for every column unless wide_indicators
                label = _pretty(column) if wide else None
                if self._names is None:   # ("base \u2013 text" when weak, made once)
                    self._names = [f"{self.base_name} \u2013 {raw}" for raw in self.raw] if self.weak else self.raw
                names = [f"{name} \u2013 {label}" for name in self._names] if label else self._names
                codes = self.codes
                add = codes.setdefault
                self._table = np.asarray([add(name, len(codes)) for name in names] or [0], dtype=np.int32)
            return self._table
        return np.asarray([self.code(_pretty(column) if wide else self.base_name)], dtype=np.int32)

    def row_keys(self, rows: np.ndarray) -> np.ndarray:
        """Each row's index into :meth:`column_codes` (its indicator text; 0 without an indicator column)."""
        if self.row is None:
            return np.zeros(len(rows), dtype=np.int32)
        keys = (self.row if len(rows) == len(self.row) else self.row[rows]).astype(np.int32)   # (every row: no gather)
        return np.maximum(keys, 0, out=keys)   # (rows without one are not in play)


def _value_columns(table: _Table, roles: dict, layout: str, rows_ok: np.ndarray, ylist: list, inds: _Indicators,
                   options: IngestOptions, result: IngestResult, early: EarlyParses) -> tuple["_Cells", list, bool]:
    """The value columns parsed one by one into :class:`_Cells` (their usable cells), the cell-level
    skips and whether a % sign was seen; sets the number formats, ambiguous columns and missing
    counts of ``result``."""
    cols, names, lines = table.cols, table.names, table.lines
    formats: dict[str, str | None] = {}
    cells = _Cells(roles["values"], rows_ok, inds.row_keys(rows_ok))
    skipped: list[tuple] = []   # (lines, column, texts, reasons) of each column's skipped cells
    missing_total = 0
    by_marker: Counter = Counter()
    percent_any = False
    for vi, num in zip(roles["values"], _parsed_columns(table, roles["values"], options, cells, early)):
        name = names[vi]
        percent_any |= num.percent
        formats[name] = num.format
        if num.format == "ambiguous":
            result.ambiguous_columns.append({"column": name, "examples": num.ambiguous_examples, "likely": None})
        elif num.conflicts:
            result.warn("number_conflict", column=_clip(name, 60), format=num.format, count=num.conflicts)
        st = num.status if len(rows_ok) == len(num.status) else num.status[rows_ok]   # (all rows: no copy)
        bad = rows_ok[st != OK]
        if len(bad):
            vals = np.asarray(_take(cols[vi], bad).to_pylist(), dtype=object)
            bad_status = num.status[bad]
            skipped.append((lines[bad], name, vals, _REASONS[bad_status]))
            miss_mask = bad_status == MISSING
            missing_total += int(miss_mask.sum())
            for v, count in Counter(vals[miss_mask].tolist()).items():   # (each marker stripped once)
                by_marker[str(v).strip()] += count
        if len(bad) == len(rows_ok):
            continue
        # the year code of the column (wide_years), else the row's year
        y_col = ylist.index(roles["year_headers"][vi]) if layout == "wide_years" else None
        cells.put_keys(vi, inds.column_codes(name), y_col)
        del num, st
    early.close()   # (the columns parsed early for nothing)
    _report_numbers(formats, missing_total, by_marker, result)
    cell_skips = [] if not skipped else [pd.DataFrame({   # (one frame, in column order)
        "row": np.concatenate([p[0] for p in skipped]),
        "column": np.repeat(np.asarray([p[1] for p in skipped], dtype=object), [len(p[0]) for p in skipped]),
        "value": np.concatenate([p[2] for p in skipped]), "reason_key": np.concatenate([p[3] for p in skipped])})]
    memory.give_back()   # the parsers' arrays
    return cells, cell_skips, percent_any


_REASONS = np.asarray([_STATUS_REASON.get(k) for k in range(max(_STATUS_REASON) + 1)], dtype=object)

# value columns of at least this many cells in all are parsed on several threads (Arrow's and
# numpy's kernels release the GIL); below it a pool costs more than it saves
PARALLEL_MIN_CELLS = 400_000


def _parsed_columns(table: _Table, value_idx: list[int], options: IngestOptions, cells: "_Cells",
                    early: EarlyParses):
    """parse_numbers of each value column (or its early parse), in order, its numbers put in
    ``cells`` (and let go) where it was parsed; on a thread per core when the columns are many and
    long (jabodash.core.parallel.in_order)."""
    def parse(vi: int):
        started = early.take(vi)
        num = started.result() if started is not None else parse_column(table, vi, options)
        cells.put_numbers(vi, num.status, num.values)
        num.values = None
        return num

    # a pool costs more than it saves on small files
    return in_order(parse, value_idx, threads=len(table.lines) * len(value_idx) >= PARALLEL_MIN_CELLS,
                    name="ingest-numbers")


def _report_numbers(formats: dict[str, str | None], missing_total: int, by_marker: Counter,
                    result: IngestResult) -> None:
    """The number forms, ambiguous columns and missing cells of the file, with their warnings."""
    # the likely form of an ambiguous column: what the decided columns of the same file use (a hint)
    decided = {f for f in formats.values() if f in ("id", "en")}
    for amb in result.ambiguous_columns:
        amb["likely"] = next(iter(decided)) if len(decided) == 1 else None
    if result.ambiguous_columns:
        result.warn("ambiguous_numbers", columns=", ".join(_clip(a["column"], 60) for a in result.ambiguous_columns),
                    examples=", ".join(e for a in result.ambiguous_columns for e in a["examples"][:2]))
    result.number_formats = formats
    result.number_format = _summary_format(formats)
    if missing_total:
        result.warn("missing_values", count=missing_total)
    result.missing = {"count": missing_total, "by_marker": dict(by_marker)}


def _periods(ylist: list) -> np.ndarray:
    """The period code of each year code (a year and its preliminary figure are one period)."""
    periods = list(dict.fromkeys(y[1] for y in ylist))
    return np.asarray([periods.index(y[1]) for y in ylist] or [0], dtype=np.int32)


def _records(table: _Table, cells: list[np.ndarray], ylist: list, reg_list: list[str], ind_list: list[str],
             cell_skips: list, result: IngestResult) -> None:
    """``result.records`` from the usable cells of the value columns (:meth:`_Cells.records`, in file
    order), without duplicates. The table's texts are let go once the duplicates' cells are read."""
    cols, names, lines = table.cols, table.names, table.lines
    rows, r_code, i_code, y_code, value, v_col, dup, *made = cells
    by_year = made[0] if made else None
    cells.clear()
    if dup.any():
        d = np.flatnonzero(dup)
        cell_skips.append(pd.DataFrame({"row": lines[rows[d]], "column": np.asarray(names, dtype=object)[v_col[d]].tolist(),
                                        "value": _cells(cols, rows[d], v_col[d]).tolist(), "reason_key": "duplicate"}))
        result.warn("duplicates", count=int(dup.sum()))
        keep = ~dup
        rows, r_code, i_code, y_code, value, v_col = (a[keep] for a in (rows, r_code, i_code, y_code, value, v_col))
    del dup
    empty = pa.array([], type=pa.string())
    cols[:] = [empty] * len(cols)   # nothing reads the texts again (the row skips share this list)
    memory.give_back()
    result.rows_used = int(1 + np.count_nonzero(rows[1:] != rows[:-1])) if len(rows) else 0  # rows are sorted
    # each column made from its codes and the codes let go at once (10,000,000 records: ~40 MB each)
    frame = {"region_code": pd.Categorical.from_codes(r_code, categories=pd.Index(reg_list, dtype="str"))}
    del r_code
    frame["indicator"] = pd.Categorical.from_codes(i_code, categories=pd.Index(ind_list, dtype="str"))
    del i_code
    years, period, preliminary, line = by_year or _by_year_and_row(ylist, y_code, rows, lines)
    del y_code, rows, by_year
    frame["year"] = pd.arrays.IntegerArray(years, np.zeros(len(years), dtype=bool))  # no copy, no missing
    periods = list(dict.fromkeys(y[1] for y in ylist))
    frame["period"] = pd.Categorical.from_codes(period, categories=pd.Index(periods, dtype="str"))
    frame["preliminary"] = preliminary
    del years, period, preliminary
    frame["value"] = value.astype("float64", copy=False)
    frame["row"] = line
    del line
    frame["column"] = pd.Categorical.from_codes(v_col, categories=pd.Index(list(names), dtype="str"))
    del v_col
    result.records = pd.DataFrame(frame, copy=False)


def _year_tables(ylist: list) -> list[np.ndarray]:
    """The year (int64), period code and preliminary flag of each year code."""
    return [np.asarray([y[0] for y in ylist], dtype=np.int64), _periods(ylist).astype(_code_type(len(ylist))),
            np.asarray([y[2] for y in ylist], dtype=bool)]


def _by_year_and_row(ylist: list, y_code: np.ndarray, rows: np.ndarray, lines: np.ndarray) -> list[np.ndarray]:
    """The records' year (int64), period code, preliminary flag and line (int64), from their year
    codes and rows: four gathers over every record, on a thread per core for many records (numpy's
    indexing releases the GIL; unlike np.take, it makes no array of int64 indices first)."""
    tables = _year_tables(ylist)
    jobs = [(t, y_code) for t in tables] + [(lines.astype(np.int64, copy=False), rows)]
    return list(in_order(lambda job: job[0][job[1]], jobs, threads=len(rows) >= PARALLEL_MIN_CELLS,
                         name="ingest-records"))


class _Cells:
    """The value columns' cells as matrices (a row per row in play, a column per value column in
    table order), filled column by column as they are parsed (:meth:`put`), so that the usable
    cells come out in file order (by row, then column) with no sort and no joined copy of
    per-column parts. The indicator of a cell is a small table (indicator text of the row x column)."""

    BLOCK = 1 << 20   # cells per block of :meth:`records` (its temporary arrays stay this size)

    def __init__(self, value_idx: list[int], rows_ok: np.ndarray, row_keys: np.ndarray):
        self.vis = np.asarray(sorted(value_idx), dtype=np.int32)
        self.where = {int(vi): j for j, vi in enumerate(self.vis)}
        shape = (len(rows_ok), len(self.vis))
        self.ok = np.zeros(shape, dtype=bool)
        self.values = np.empty(shape, dtype=np.float64)
        self.codes: list[np.ndarray | None] = [None] * len(self.vis)
        self.years: list[int | None] = [None] * len(self.vis)
        self.rows_ok, self.row_keys = rows_ok, row_keys

    def put(self, vi: int, ok: np.ndarray, values: np.ndarray, codes: np.ndarray, year: int | None) -> None:
        """Value column ``vi``: which rows in play are usable, the column's numbers (every row of the
        table), its indicator codes (:meth:`_Indicators.column_codes`) and year code (or None)."""
        self.put_numbers(vi, None, values, ok=ok)
        self.put_keys(vi, codes, year)

    def put_numbers(self, vi: int, status: np.ndarray | None, values: np.ndarray, ok: np.ndarray | None = None) -> None:
        """The numbers of value column ``vi`` and which of the rows in play are usable (status OK, per
        row of the table; or ``ok`` per row in play). Columns may be put on several threads at once."""
        j = self.where[int(vi)]
        every = len(self.rows_ok) == len(values)   # (every row of the table in play, the usual case: no gathers)
        if ok is None:
            ok = (status if every else status[self.rows_ok]) == OK
        self.ok[:, j] = ok
        self.values[:, j] = values if every else values[self.rows_ok]

    def put_keys(self, vi: int, codes: np.ndarray, year: int | None) -> None:
        """The indicator codes (:meth:`_Indicators.column_codes`) and year code (or None) of value
        column ``vi``, once it has usable cells (in the columns' order: the codes are given in it)."""
        j = self.where[int(vi)]
        self.codes[j], self.years[j] = codes, year

    def any(self) -> bool:
        return bool(self.ok.any())

    def _layout(self) -> tuple[np.ndarray, bool, np.ndarray]:
        """(indicator code by (row's indicator text, column), whether every column has its year,
        the year code of each column)."""
        size = max(1, max((len(c) for c in self.codes if c is not None), default=1))
        table = np.zeros((size, len(self.vis)), dtype=np.int32)
        for j, c in enumerate(self.codes):
            if c is not None:
                table[:len(c), j] = c if len(c) == size else c[0]
        by_column = all(y is not None for y, c in zip(self.years, self.codes) if c is not None)
        return table, by_column, np.asarray([y or 0 for y in self.years], dtype=np.int32)

    def keys_unique(self, reg_idx: np.ndarray, yidx: np.ndarray, periods: np.ndarray) -> bool:
        """True when no two cells in play can have the same region, indicator and period, whatever
        numbers they hold: each row has its own (region, indicator text, row's period) and each
        (indicator text, column) its own (indicator code, column's period). Then no cell is a
        duplicate, and the texts of the value columns are not needed to list one."""
        table, by_column, col_years = self._layout()
        used = np.flatnonzero([c is not None for c in self.codes])
        if not len(used) or not len(self.rows_ok):
            return True
        n_per = len(periods) + 1
        texts = np.flatnonzero(np.bincount(self.row_keys))   # (the indicator texts of the rows: np.unique without a sort)
        pair = table[texts][:, used].astype(np.int64)
        if by_column:
            pair = pair * n_per + periods[col_years[used]]
        if _duplicated(pair.ravel()).any():
            return False
        every = len(self.rows_ok) == len(reg_idx)   # (every row in play: no gathers)
        sig = ((reg_idx if every else reg_idx[self.rows_ok]).astype(np.int64) + 1) * table.shape[0] + self.row_keys
        if not by_column:
            y = yidx if every else yidx[self.rows_ok]
            sig = sig * n_per + np.where(y < 0, len(periods), periods[np.maximum(y, 0)])
        return not _duplicated(sig).any()

    def records(self, reg_idx: np.ndarray, yidx: np.ndarray, periods: np.ndarray, n_ind: int,
                unique: bool | None = None, by_year: tuple | None = None) -> list:
        """(row index, region code, indicator code, year code, value, column index, duplicate) per
        usable cell, in file order, made a block of rows at a time (boolean masks of the block, no
        index arrays); the numbers are moved to the front of their own matrix (no second array of
        them) and the matrices let go. A duplicate has the region, indicator and period
        (``periods[year code]``) of a cell before it; unique: :meth:`keys_unique` (None: found here).
        When the keys are unique, the numbers and the codes are made on two threads for many cells.
        With ``by_year`` (the year list and the table's lines) an eighth item: the records' year,
        period code, preliminary flag and line (:func:`_by_year_and_row`, made block by block with the
        codes when no cell can be a duplicate; else None)."""
        if unique is None:
            unique = self.keys_unique(reg_idx, yidx, periods)
        step = max(1, self.BLOCK // max(len(self.vis), 1))
        per_row = np.count_nonzero(self.ok, axis=1)
        starts = np.arange(0, len(self.rows_ok), step)
        ats = np.concatenate([[0], np.cumsum(np.add.reduceat(per_row, starts) if len(starts) else [])]).astype(np.int64)
        blocks = [(int(s), int(a), int(e)) for s, a, e in zip(starts, ats, ats[1:]) if e > a]
        total = int(ats[-1])
        types = (np.int32, _code_type(len(reg_idx) and int(reg_idx.max()) + 1), _code_type(n_ind),
                 _code_type(len(periods)), _code_type(int(self.vis.max(initial=0)) + 1))
        codes = [np.empty(total, dtype=t) for t in types]  # (rows, region, indicator, year, column: as small as they fit)
        seen = None if unique else _FirstSeen(total, (int(reg_idx.max(initial=0)) + 2, n_ind + 1, len(periods) + 1))

        small = self._small_codes(types, reg_idx, yidx)
        jobs = [self._pack_values(blocks, step)]
        made = None
        if seen is None and by_year is not None:   # (the years and lines of the records with their codes)
            small["year_tables"] = _year_tables(by_year[0])
            lines = by_year[1].astype(np.int64, copy=False)
            small["lines"] = lines if len(lines) == len(self.rows_ok) else lines[self.rows_ok]
            made = [np.empty(total, dtype=t.dtype) for t in small["year_tables"]] + [np.empty(total, dtype=np.int64)]
            codes = codes + made
        if seen is None:   # (the codes of a row and of a cell on two threads)
            jobs += [lambda: self._codes(blocks, step, per_row, codes, small, periods, None, (0, 5)),
                     lambda: self._codes(blocks, step, per_row, codes, small, periods, None, (1, 3)),
                     lambda: self._codes(blocks, step, per_row, codes, small, periods, None, (2, 4))]
        else:
            jobs.append(lambda: self._codes(blocks, step, per_row, codes, small, periods, seen, (0, 1, 2, 3, 4)))
        for _ in in_order(lambda job: job(), jobs, threads=unique and total >= PARALLEL_MIN_CELLS, name="ingest-cells"):
            pass
        packed = self.values.reshape(-1)
        value = packed[:total] if total >= 0.9 * len(packed) else packed[:total].copy()
        self.ok = self.values = None
        del packed
        memory.give_back()
        rows, r_code, i_code, y_code, v_col = codes[:5]
        return [rows, r_code, i_code, y_code, value, v_col,
                np.zeros(total, dtype=bool) if seen is None else seen.duplicates()] + ([made] if by_year else [])

    def _pack_values(self, blocks: list[tuple[int, int, int]], step: int):
        """The job that moves the usable numbers to the front of their matrix, block by block."""
        def pack() -> None:
            packed = self.values.reshape(-1)   # (a view: written over the matrix's front)
            for start, at, end in blocks:
                packed[at:end] = self.values[start:start + step][self.ok[start:start + step]]   # (never ahead of the block it reads)
        return pack

    def _small_codes(self, types: tuple, reg_idx: np.ndarray, yidx: np.ndarray) -> dict:
        """The tables the codes are gathered from, in the codes' own types (smaller temporaries)."""
        table, by_column, col_years = self._layout()
        return {"rows": self.rows_ok.astype(types[0]), "region": reg_idx.astype(types[1]),
                "table": table.astype(types[2]), "by_column": by_column,
                "years": col_years.astype(types[3]) if by_column else yidx.astype(types[3]),
                "columns": self.vis.astype(types[4])}

    def _codes(self, blocks: list[tuple[int, int, int]], step: int, per_row: np.ndarray, codes: list[np.ndarray],
               small: dict, periods: np.ndarray, seen, which: tuple[int, ...]) -> None:
        """The row (0), region (1), indicator (2), year (3) and column (4) codes of the usable cells
        named in ``which``, block by block (duplicates marked in ``seen`` in file order: every code);
        with 3, their year, period code and preliminary flag, and with 0 their line (5), when ``codes``
        has room for them (:meth:`records`' by_year)."""
        rows, r_code, i_code, y_code, v_col = codes[:5]
        for start, at, end in blocks:
            ok = self.ok[start:start + step]
            counts = per_row[start:start + step]
            block_rows = self.rows_ok[start:start + step]
            if 0 in which:
                rows[at:end] = np.repeat(small["rows"][start:start + step], counts)
            if 1 in which:
                r_code[at:end] = np.repeat(small["region"][block_rows], counts)
            if 2 in which:
                i_code[at:end] = small["table"][self.row_keys[start:start + step]][ok]
            if 4 in which:
                v_col[at:end] = np.broadcast_to(small["columns"], ok.shape)[ok]
            if 3 in which:
                y_code[at:end] = np.broadcast_to(small["years"], ok.shape)[ok] if small["by_column"] else \
                    np.repeat(small["years"][block_rows], counts)
                for out, by_code in zip(codes[5:8], small.get("year_tables", ())):
                    out[at:end] = by_code[y_code[at:end]]
            if 5 in which and len(codes) > 8:
                codes[8][at:end] = np.repeat(small["lines"][start:start + step], counts)
            if seen is not None:
                seen.add(at, r_code[at:end], i_code[at:end], periods[y_code[at:end]])


def _code_type(n: int) -> type:
    """The smallest signed integer type for the codes 0..n (as pandas' Categorical keeps them)."""
    return np.int8 if n < 127 else np.int16 if n < 32_767 else np.int32


class _FirstSeen:
    """Duplicate records found block by block in file order, without a key array of every record:
    a key (region, indicator, period) is a duplicate when seen before or earlier in its block. The
    keys seen are a byte each of the whole key space when it is small (the usual case: regions x
    indicators x periods), else every key is kept and the duplicates are found at the end."""

    SPACE = 1 << 26

    def __init__(self, total: int, sizes: tuple[int, int, int]):
        self.sizes = sizes
        space = sizes[0] * sizes[1] * sizes[2]
        self.seen = np.zeros(space, dtype=bool) if space <= self.SPACE else None
        self.keys = np.empty(total, dtype=np.int64) if self.seen is None else None
        self.dup = np.zeros(total, dtype=bool)
        self.count = 0   # keys seen

    def add(self, at: int, region: np.ndarray, indicator: np.ndarray, period: np.ndarray) -> None:
        key = region.astype(np.int64)
        key += 1   # (-1, no region, is 0)
        key *= self.sizes[1]
        key += indicator
        key *= self.sizes[2]
        key += period
        if self.seen is None:
            self.keys[at:at + len(key)] = key
            return
        before = self.seen[key]
        self.seen[key] = True
        new = int(np.count_nonzero(self.seen)) - self.count   # the keys the block added to those seen
        self.count += new
        # every key new to the file once in the block (the usual case), or some twice: find which
        self.dup[at:at + len(key)] = before if new == len(key) - int(np.count_nonzero(before)) \
            else before | _duplicated(key)

    def duplicates(self) -> np.ndarray:
        if self.seen is None:
            self.dup = _duplicated(self.keys)
            self.keys = None
        return self.dup


def _cells(cols: list, rows: np.ndarray, v_col: np.ndarray) -> np.ndarray:
    """The text of the given cells (row and column index per cell), a column at a time."""
    out = np.empty(len(rows), dtype=object)
    for c in np.unique(v_col):
        sel = np.flatnonzero(v_col == c)
        out[sel] = _take(cols[int(c)], rows[sel]).to_pylist()
    return out


def _duplicated(key: np.ndarray) -> np.ndarray:
    """Keys seen before in the array (the first of each stays), as pandas' duplicated(keep="first")."""
    if len(key) and key.min() >= 0 and key.max() < 4 * len(key) + 1024:
        # small keys: a byte per possible key shows at once whether any repeats (the usual case: none)
        seen = np.zeros(int(key.max()) + 1, dtype=bool)
        seen[key] = True
        if int(np.count_nonzero(seen)) == len(key):
            return np.zeros(len(key), dtype=bool)
    return pd.Series(key).duplicated(keep="first").to_numpy()


def _summary_format(formats: dict[str, str | None]) -> str | None:
    vals = {f for f in formats.values() if f}
    if not vals:
        return None
    if "ambiguous" in vals:
        return "ambiguous"
    if len(vals) == 1:
        return vals.pop()
    rest = vals - {"plain", "native"}
    if len(rest) == 1:
        return rest.pop()
    if not rest:
        return "native" if "native" in vals else "plain"
    return "mixed"


def _default_indicator(result, names, roles, layout, super_cells) -> str:
    generic = {"nilai", "value", "values", "jumlah", "total", "angka", "data", "val", "besaran"}
    if layout == "long" and roles["values"]:
        name = names[roles["values"][0]]
        if _norm_header(name) not in generic and not name.startswith("column_"):
            return _clip(_pretty(name), 120)
    for text in list(super_cells) + list(result.title_lines):
        if text and not _NOTE_RE.match(text):
            unit = _unit_from(text)
            if unit and text.rstrip().endswith(f"({unit})"):  # "Jumlah Penduduk (Jiwa)": unit apart
                text = text.rstrip()[: -len(unit) - 2].rstrip(" ,")
            return _clip(text, 120)
    stem = Path(result.filename or "data").stem
    return _clip(_pretty(re.sub(r"[-.]+", " ", stem)), 120) or "Indikator"


def _suggest_unit(result, names, roles, cols, super_cells, percent_any) -> str | None:
    ui = roles.get("unit")
    if ui is not None:
        vals = [v for v in cols[ui].slice(0, 5000).to_pylist() if v]
        if vals:
            return _clip(Counter(vals).most_common(1)[0][0], 40)
    for text in [names[i] for i in roles["values"]] + list(super_cells) + list(result.title_lines):
        unit = _unit_from(text)
        if unit:
            return _clip(unit, 40)
    if percent_any:
        return "%"
    return None
