"""Value columns parsed early: while the roles, regions, years and indicators of a big table are
worked out on this thread (Python, one core), the columns that look like values are parsed on a
thread per other core.

A column looks like values before the roles are known when its header is a year, or names no
role (or "value"), and its first filled cells are nearly all numbers. The parse of such a column
(:func:`parse_column`, the same call the value step makes) is started as soon as the data part of
the table is known; when the column turns out to be a value column, the value step takes the
result from here, else it is dropped (a column parsed for nothing). The parse depends only on the
column's cells and the options, so the records are the same either way.
"""
from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor

from jabodash.ingest.header import _Table
from jabodash.ingest.numbers import NumberColumn, parse_numbers
from jabodash.ingest.outcome import IngestOptions
from jabodash.ingest.text import _chunks, _hint, _is_missing_text, _numlike, parse_year

# tables of at least this many cells in the columns that look like values are parsed early
EARLY_MIN_CELLS = 400_000
# columns parsed ahead per thread, and in all (their numbers wait for the value step: 9 bytes a row each)
AHEAD_PER_THREAD = 4
AHEAD_MAX = 8
_HEAD = 200   # first cells looked at


def parse_column(table: _Table, vi: int, options: IngestOptions) -> NumberColumn:
    """parse_numbers of value column ``vi`` with the file's options (cells trimmed by _data_part)."""
    fmt = options.number_formats.get(table.names[vi]) or options.number_format
    nat = table.native.get(vi) if table.native else None
    return parse_numbers(table.cols[vi], number_format=fmt, native=nat, trimmed=True)


def likely_values(table: _Table) -> list[int]:
    """The columns that look like value columns before the roles are known."""
    out = []
    for i, header in enumerate(table.hcells):
        if header and not parse_year(header) and _hint(header) not in (None, "value"):
            continue
        pieces = _chunks(table.cols[i])
        head = [v for v in pieces[0].slice(0, _HEAD).to_pylist() if v and not _is_missing_text(v)] if pieces else []
        if len(head) >= 10 and sum(map(_numlike, head)) >= 0.9 * len(head):
            out.append(i)
    return out


class EarlyParses:
    """The early parses of a table (none for a small table or a single core): :meth:`take` gives the
    future of a column's parse (None when it was not started), :meth:`close` drops the others."""

    def __init__(self, table: _Table | None = None, options: IngestOptions | None = None):
        self.futures: dict[int, Future] = {}
        self.pool: ThreadPoolExecutor | None = None
        threads = (os.cpu_count() or 1) - 1   # (the other core goes on with the roles)
        if table is None or options is None or threads < 1:
            return
        columns = likely_values(table)[:min(AHEAD_PER_THREAD * threads, AHEAD_MAX)]
        threads = min(threads, len(columns))
        if not columns or len(table.lines) * len(columns) < EARLY_MIN_CELLS:
            return
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ingest-early")
        self.futures = {vi: self.pool.submit(parse_column, table, vi, options) for vi in columns}

    def take(self, vi: int) -> Future | None:
        return self.futures.pop(vi, None)

    def keep(self, columns: list[int]) -> None:
        """Cancel the parses of the other columns that have not started (the roles are known)."""
        for vi in [vi for vi in self.futures if vi not in set(columns)]:
            if self.futures[vi].cancel():
                del self.futures[vi]

    def close(self) -> None:
        """Cancel the parses not started and wait for the running ones (their results dropped)."""
        futures, self.futures = self.futures, {}
        for fut in futures.values():
            fut.cancel()
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None
