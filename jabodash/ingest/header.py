"""Header and row handling: where the header is, what the data rows are, which rows are not data.

* Title lines above the header are kept as ``title_lines``; a row of super-headers such as
  "Jumlah Penduduk (Jiwa)" fills empty header cells and names the indicator.
* Blank lines, notes below the table (``Sumber: ...``, kept as ``notes``), repeated header
  lines, a BPS column-numbering row ``(1) (2) (3)`` and ragged rows (another field count than
  the table) are skipped, each listed with its reason (:class:`_RowSkips`).
* Column names are made unique with :func:`jabodash.core.cells.unique_names`
  (``Nilai``, ``Nilai (2)``; an empty header cell is ``column_<n>``).
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jabodash.core.cells import unique_names
from jabodash.core.parallel import in_order
from jabodash.ingest import memory
from jabodash.ingest.grid import _Grid
from jabodash.ingest.outcome import IngestOptions, IngestResult, _empty_skipped, reason_text
from jabodash.ingest.text import (
    _COLNUM_RE,
    _NOTE_RE,
    _NOTE_RE_RE2,
    Distinct,
    _clip,
    _filled,
    _isna,
    _numlike,
    _take,
    _trimmed,
    parse_year,
    repeats,
)

PREVIEW_ROWS = 20


def _head_rows(grid: _Grid, n: int = 80) -> list[tuple[int, list[str], bool]]:
    """The first records in file order: (line, stripped cells, has the table's width)."""
    k = min(n, grid.n)
    valid = []
    if k:
        sliced = [c.slice(0, k).to_pylist() for c in grid.cols]
        for i in range(k):
            valid.append((int(grid.lines[i]), [sliced[j][i].strip() for j in range(grid.width)], True))
    last = valid[-1][0] if valid and grid.n > k else math.inf
    odd = [(line, [c.strip() for c in cells], False) for line, cells, _raw in grid.odd if line <= last]
    return sorted(valid + odd, key=lambda r: r[0])[: n + len(odd)]


def _nonempty(cells: list[str]) -> int:
    return sum(1 for c in cells if c)


def _is_data_like(cells: list[str]) -> bool:
    return any(_numlike(c) and parse_year(c) is None for c in cells if c)


def _find_header(head, options: IngestOptions, result: IngestResult) -> tuple[int | None, int | None]:
    """(index in head of the header row or None for no header, index of the first data row)."""
    if options.header_row is not None:
        if options.header_row == 0:
            first = next((i for i, r in enumerate(head) if _nonempty(r[1])), 0)
            return None, first
        for i, (line, _cells, _v) in enumerate(head):
            if line == options.header_row:
                return i, i + 1
        result.error("bad_option", option="header_row", value=str(options.header_row))
        return None, None
    # rows with the table's field count decide; a title line that the delimiter happens to
    # split ("Penduduk, Luas, dan Kepadatan, 2023") has another field count and is not a header
    counts = Counter(_nonempty(c) for _l, c, valid in head if valid and _nonempty(c) >= 2)
    if not counts:
        counts = Counter(_nonempty(c) for _l, c, _v in head if _nonempty(c) >= 2)
    if not counts:
        return None, None
    top = max(counts.values())
    modal = max(k for k, v in counts.items() if v == top)
    threshold = max(2, math.ceil(0.6 * modal))
    any_valid = any(valid and _nonempty(c) >= threshold for _l, c, valid in head)
    for i, (line, cells, valid) in enumerate(head):
        if _nonempty(cells) < threshold or (any_valid and not valid):
            continue
        if _is_data_like(cells):
            # a header shorter than the data rows ("a,b,c" over "1,2,3,"): the line just above
            if i > 0 and not head[i - 1][2] and head[i - 1][0] == line - 1 \
                    and _nonempty(head[i - 1][1]) >= threshold and not _is_data_like(head[i - 1][1]) \
                    and len(head[i - 1][1]) < len(cells):
                return i - 1, i
            if i == next(j for j, r in enumerate(head) if _nonempty(r[1])):
                nxt = next((r for r in head[i + 1:] if _nonempty(r[1])), None)
                if nxt is not None and _is_data_like(nxt[1]):
                    result.warn("headerless")
                    return None, i
        return i, i + 1
    return None, None


def _header_cells(head, h_idx: int | None, first_data: int, width: int,
                  result: IngestResult) -> tuple[int, list[str], list[str]]:
    """(line of the header, its cells, super-header cells that name more than the header): the
    header row with empty cells filled from a super-header row just above; the lines above it
    become ``result.title_lines``."""
    super_cells: list[str] = []
    if h_idx is not None:
        header_line, hcells, _ = head[h_idx]
        hcells = (hcells + [""] * width)[:width]
        up_row = head[h_idx - 1] if h_idx > 0 else None
        if up_row is not None and up_row[0] == header_line - 1 and _nonempty(up_row[1]):
            up = (up_row[1] + [""] * width)[:width]
            for i in range(width):
                if not hcells[i] and up[i]:
                    hcells[i] = up[i]
                elif hcells[i] and up[i] and up[i] != hcells[i]:
                    super_cells.append(up[i])
        title_rows = head[:h_idx]
        result.header_row = int(header_line)
    else:
        header_line = head[first_data][0] - 1
        hcells = [""] * width
        title_rows = head[:first_data]
        result.header_row = 0
    result.title_lines = [_clip(" ".join(c for c in cells if c), 300) for _l, cells, _v in title_rows
                          if _nonempty(cells)]
    return header_line, hcells, super_cells


@dataclass
class _Table:
    """The data part of the grid: the rows below the header, cells trimmed, empty unnamed columns dropped."""

    names: list[str]                        # unique column names
    hcells: list[str]                       # the header cells ("" where there was none)
    cols: list[pa.Array]                    # trimmed text cells per column
    lines: np.ndarray                       # line of each row
    native: dict[int, np.ndarray] | None    # xlsx: numeric cells per column
    nonempty: np.ndarray                    # filled cells per row
    blank: np.ndarray                       # rows without a filled cell
    odd_filled: list[tuple[int, list[str], str]]  # rows with another field count and a filled cell
    distincts: dict[int, Distinct] = field(default_factory=dict, repr=False, compare=False)

    def distinct(self, i: int) -> Distinct:
        """Column i's distinct texts (made once, shared by the steps)."""
        if i not in self.distincts:
            self.distincts[i] = Distinct(self.cols[i])
        return self.distincts[i]

    @property
    def width(self) -> int:
        return len(self.names)

    @property
    def n(self) -> int:
        return len(self.lines)


def _data_part(grid: _Grid, header_line: int, hcells: list[str], result: IngestResult) -> _Table | None:
    """The rows below the header; sets the columns, counts and preview of ``result``. None (with
    an error) when there is no data row or fewer than two columns."""
    names = unique_names(hcells, suffix=" ({n})", first=2, blank="column_{i}")
    W = grid.width
    start = int(np.searchsorted(grid.lines, header_line, side="right"))
    lines = grid.lines[start:]
    N = len(lines)
    cols = []
    nonempty = np.zeros(N, dtype=np.int32)
    col_used = []
    # each column trimmed and its filled cells found on a thread per core for a big file (Arrow's and
    # numpy's kernels release the GIL); the raw texts are not read again: each freed once trimmed
    def trimmed_and_filled(i: int) -> tuple:
        col = _trimmed(grid.cols[i].slice(start))
        return col, _filled(col)

    for i, (col, filled) in enumerate(in_order(trimmed_and_filled, range(W), threads=N * W >= PARALLEL_MIN_CELLS,
                                               name="ingest-trim")):
        grid.cols[i] = pa.array([], type=pa.string())
        cols.append(col)
        nonempty += filled
        col_used.append(bool(filled.any()))
    memory.give_back()
    native = {i: a[start:] for i, a in grid.native.items()} if grid.native else None
    odd_data = [(line, cells, raw) for line, cells, raw in grid.odd if line > header_line]
    keep = [i for i in range(W) if col_used[i] or hcells[i]]   # drop unnamed, empty columns
    if len(keep) < W:
        cols = [cols[i] for i in keep]
        names = [names[i] for i in keep]
        hcells = [hcells[i] for i in keep]
        if native:
            native = {j: native[i] for j, i in enumerate(keep)}
        W = len(keep)
    result.columns = list(names)
    blank = nonempty == 0
    odd_filled = [o for o in odd_data if any(c.strip() for c in o[1])]
    result.blank_lines = int(blank.sum()) + len(odd_data) - len(odd_filled)
    result.rows_read = int((~blank).sum()) + len(odd_filled)
    prev_rows = np.flatnonzero(~blank)[:PREVIEW_ROWS]
    if W:
        result.preview = pd.DataFrame({names[i]: pd.Series(_take(cols[i], prev_rows).to_pylist(), dtype="str")
                                       for i in range(W)})
        result.preview.index = pd.Index(lines[prev_rows], name="row")
    if result.rows_read == 0:
        result.error("header_only")
        return None
    if W < 2:
        result.error("no_table")
        return None
    return _Table(names=names, hcells=hcells, cols=cols, lines=lines, native=native, nonempty=nonempty,
                  blank=blank, odd_filled=odd_filled)


# columns of at least this many cells in all are trimmed on several threads
PARALLEL_MIN_CELLS = 400_000


class _RowSkips:
    """Rows skipped as a whole, each with one reason (the first that applies)."""

    def __init__(self, cols: list[pa.Array], names: list[str], lines: np.ndarray, blank: np.ndarray):
        self.cols, self.names, self.lines, self.blank = cols, names, lines, blank
        self.code = np.zeros(len(lines), dtype=np.int16)
        self.parts: list[tuple[np.ndarray, str, str | None, list]] = []

    def free(self) -> np.ndarray:
        """Rows still in play: not blank and not skipped."""
        return (self.code == 0) & ~self.blank

    def mark(self, mask: np.ndarray, reason: str, col_idx: int | None = None, values=None) -> np.ndarray:
        """Skip the rows of mask still in play; the value listed is the cell of col_idx, the
        given values (a function of the row indices), or the row's first filled cell."""
        sel = mask & self.free()
        rows = np.flatnonzero(sel)
        if len(rows):
            self.code[rows] = len(self.parts) + 1
            if values is not None:
                vals = list(values(rows))
            elif col_idx is not None:
                vals = _take(self.cols[col_idx], rows).to_pylist()
            else:
                vals = list(_first_cells(self.cols, rows))
            column = self.names[col_idx] if isinstance(col_idx, int) else col_idx
            self.parts.append((rows, reason, column, vals))
        return sel

    def values_of(self, reason: str) -> list:
        return [v for rows, key, _c, vals in self.parts if key == reason for v in vals]

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return _empty_skipped().drop(columns=["reason"])
        return pd.DataFrame({
            "row": np.concatenate([self.lines[p[0]] for p in self.parts]),
            "column": [p[2] for p in self.parts for _ in range(len(p[0]))],
            "value": [v for p in self.parts for v in p[3]],
            "reason_key": [p[1] for p in self.parts for _ in range(len(p[0]))]})


def _first_cells(cols: list[pa.Array], rows: np.ndarray) -> np.ndarray:
    """The first filled cell of each of the given rows."""
    values = [_take(c, rows).to_pylist() for c in cols]
    out = np.full(len(rows), "", dtype=object)
    for k in range(len(rows)):
        for col in values:
            if col[k]:
                out[k] = col[k]
                break
    return out


def _mark_non_data(table: _Table, skip: _RowSkips, has_header: bool) -> list[str]:
    """Skip repeated headers, the column-numbering row and notes; returns the notes."""
    cols, hcells, W, N = table.cols, table.hcells, table.width, table.n
    filled = [i for i in range(W) if hcells[i]]
    if has_header and len(filled) >= 2:
        skip.mark(_header_repeats(cols, hcells, filled, max(2, math.ceil(0.6 * len(filled))), N), "repeated_header")
    colnum = np.zeros(N, dtype=bool)
    for r in np.flatnonzero(~table.blank)[:2]:
        cells = [cols[i][int(r)].as_py() for i in range(W)]
        if _nonempty(cells) >= 2 and all(_COLNUM_RE.match(c) for c in cells if c):
            colnum[r] = True
    skip.mark(colnum, "column_numbering")
    single = table.nonempty == 1
    if repeats(cols[0]):   # (each distinct text tested once: a column of codes or names of regions)
        d = table.distinct(0)
        is_note = d.per_row(pc.match_substring_regex(d.dictionary, _NOTE_RE_RE2))
    else:
        is_note = pc.match_substring_regex(cols[0], _NOTE_RE_RE2).to_numpy(zero_copy_only=False)
    single_rows = np.flatnonzero(single)
    if len(single_rows):
        firsts = _first_cells(cols, single_rows)
        is_note[single_rows[[bool(_NOTE_RE.match(x or "")) for x in firsts]]] = True
    skip.mark(is_note, "note")
    return [str(x) for x in skip.values_of("note")]


def _header_repeats(cols: list, hcells: list[str], filled: list[int], need: int, n: int) -> np.ndarray:
    """Rows where at least ``need`` of the ``filled`` columns hold their header text. Such a row
    holds one in at least one of the first len(filled) - need + 1 of them: only those columns are
    compared whole, the others at the rows found there (usually none)."""
    first = len(filled) - need + 1
    hits = np.zeros(n, dtype=np.int32)
    for i in filled[:first]:
        hits += pc.equal(cols[i], hcells[i]).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(hits)
    if len(rows):
        for i in filled[first:]:
            hits[rows] += pc.equal(_take(cols[i], rows), hcells[i]).to_numpy(zero_copy_only=False)
    return hits >= need


def _odd_rows(table: _Table, width: int, notes: list[str], result: IngestResult) -> list[tuple]:
    """The rows with another field count than the table: (line, None, value, reason); notes
    among them are added to ``notes``."""
    odd_rows = []
    for line, cells, raw in table.odd_filled:
        filled = [c.strip() for c in cells if c.strip()]
        if _NOTE_RE.match(filled[0]):
            notes.append(" ".join(filled))
            odd_rows.append((line, None, _clip(" ".join(filled)), "note"))
        elif len(filled) == 1:
            odd_rows.append((line, None, _clip(filled[0]), "text_line"))
        else:
            key = "ragged_long" if len(cells) > width else "ragged_short"
            odd_rows.append((line, None, _clip(raw), key))
    n_ragged = sum(1 for r in odd_rows if r[3].startswith("ragged"))
    if n_ragged:
        result.warn("ragged", count=n_ragged, width=width)
    return odd_rows


def _skipped_frame(cell_skips: list, odd_rows: list[tuple], skip: _RowSkips, result: IngestResult) -> None:
    """``result.skipped``: the skipped cells, odd rows and rows, in file order."""
    skips = list(cell_skips)
    if odd_rows:
        skips.append(pd.DataFrame(odd_rows, columns=["row", "column", "value", "reason_key"]))
    skips.append(skip.frame())
    skips = [s for s in skips if len(s)]
    if skips:
        sk = pd.concat(skips, ignore_index=True)
        sk["row"] = sk["row"].astype("int64")
        sk["column"] = sk["column"].astype(object).where(sk["column"].notna(), None)
        # (a short text is its own clip: no call for it)
        sk["value"] = pd.Series([v if type(v) is str and len(v) <= 200 else "" if _isna(v) else _clip(v)
                                 for v in sk["value"].tolist()], index=sk.index, dtype=object)
        reasons = {k: reason_text(k, "en") for k in sk["reason_key"].unique()}
        sk["reason"] = sk["reason_key"].map(reasons).astype("str")
        sk["reason_key"] = sk["reason_key"].astype("str")
        result.skipped = sk.sort_values("row", kind="stable").reset_index(drop=True)[
            ["row", "column", "value", "reason_key", "reason"]]
