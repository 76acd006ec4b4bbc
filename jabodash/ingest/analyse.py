"""The analysis of a grid, step by step: header, data rows, rows that are not data, roles and
layout, regions, then values (records) or points, and the list of skipped cells and rows.

Each step lives in the module of its concern (header, roles, regions, values, points); this
module only runs them in order and stops at the first error.
"""
from __future__ import annotations

from jabodash.ingest.early import EarlyParses
from jabodash.ingest.grid import _Grid
from jabodash.ingest.header import (
    _data_part,
    _find_header,
    _head_rows,
    _header_cells,
    _mark_non_data,
    _nonempty,
    _odd_rows,
    _RowSkips,
    _skipped_frame,
    _Table,
)
from jabodash.ingest.outcome import IngestOptions, IngestResult
from jabodash.ingest.points import _finish_points
from jabodash.ingest.resolve import _get_matcher, _mark_regions
from jabodash.ingest.roles import _roles_and_layout
from jabodash.ingest.text import _SOURCE_RE, _clip
from jabodash.ingest.values import _finish_values


def _analyse(grid: _Grid, options: IngestOptions, matcher, result: IngestResult) -> None:
    if grid.width < 2:
        result.error("empty" if grid.n == 0 and not grid.odd else "no_table")
        return
    head = _head_rows(grid)
    if not any(_nonempty(c) for _l, c, _v in head):
        result.error("empty")
        return
    h_idx, first_data = _find_header(head, options, result)
    if not result.ok:
        return
    if first_data is None:
        result.error("no_table")
        return
    header_line, hcells, super_cells = _header_cells(head, h_idx, first_data, grid.width, result)

    # the data part: rows below the header
    table = _data_part(grid, header_line, hcells, result)
    if table is None:
        return

    # the columns that look like values parsed on the other cores while this thread goes on
    early = EarlyParses(table, options)
    try:
        _analyse_table(table, grid.width, h_idx, super_cells, options, matcher, result, early)
    finally:
        early.close()


def _analyse_table(table: _Table, width: int, h_idx: int | None, super_cells: list[str], options: IngestOptions,
                   matcher, result: IngestResult, early: EarlyParses) -> None:
    # rows that are not data: repeated headers, column numbering, notes
    skip = _RowSkips(table.cols, table.names, table.lines, table.blank)
    notes = _mark_non_data(table, skip, h_idx is not None)

    # roles and layout, from a sample of the data rows
    m = _get_matcher(matcher)
    found = _roles_and_layout(table, skip, options, m, result)
    if found is None:
        return
    roles, layout = found
    early.keep(roles["values"] if layout != "points" else [])

    # regions
    region_codes = _mark_regions(table, roles, skip, options, m, result)

    if layout == "points":
        table.distincts.clear()   # (not read again)
        cell_skips = _finish_points(table, roles, skip, region_codes, result)
    else:
        cell_skips = _finish_values(table, roles, layout, skip, region_codes, options, result, super_cells, early)

    # rows with another field count than the table
    odd_rows = _odd_rows(table, width, notes, result)
    _skipped_frame(cell_skips, odd_rows, skip, result)
    result.notes = [_clip(x, 300) for x in dict.fromkeys(notes)]
    src = next((mt.group(2).strip() for n_ in result.notes for mt in [_SOURCE_RE.match(n_)] if mt), None)
    result.suggested["source"] = _clip(src, 300) if src else None
    if result.ok:
        if layout == "points" and (result.points is None or len(result.points) == 0):
            result.error("no_rows_used")
        elif layout != "points" and len(result.records) == 0:
            result.error("no_rows_used")
