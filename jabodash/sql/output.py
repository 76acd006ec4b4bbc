"""Results: what one run of a query gave, for the page, the downloads and the command line.

A :class:`Result` holds every row that was read as an Arrow table (at most ``download_cap`` rows or
``download_max_bytes``: the engine stops reading there, so a query returning 50 million rows never
materialises). A sandbox of the app spools them (:func:`spool_result`): every row goes to an Arrow IPC
file on disk, written by the worker, and the Result keeps only the rows the page shows, so a large
result never sits in the server's memory; the downloads read the file when the user asks for them. The page shows the first ``display_rows``; the downloads (formula-safe CSV, Parquet,
JSON records) hold everything that was read. Values pandas, a table widget or Parquet cannot hold
plainly (lists, structs, maps, unions, blobs, intervals) become text, column names are made unique.

pandas is imported where it is used: the worker process (:mod:`jabodash.sql.worker`) builds Results
but never converts them, and does not load pandas.
"""
from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.ipc  # noqa: F401 (pa.ipc)
import pyarrow.parquet as pq

from jabodash.core.cells import unique_names
from jabodash.core.fmt import number
from jabodash.core.i18n import t
from jabodash.sql.problems import SqlProblem
from jabodash.sql.settings import DEFAULT_DISPLAY_ROWS, DEFAULT_DOWNLOAD_CAP

if TYPE_CHECKING:
    import pandas as pd


def _nested_or_binary(tp: pa.DataType) -> bool:
    return (pa.types.is_nested(tp) or pa.types.is_binary(tp) or pa.types.is_large_binary(tp)
            or pa.types.is_fixed_size_binary(tp) or pa.types.is_interval(tp))


def _interval_text(value) -> str:
    """An Arrow month-day-nano interval as DuckDB prints it: "1 year 2 months 3 days 04:05:06"."""
    months, days, nanos = int(value.months), int(value.days), int(value.nanoseconds)
    parts = []
    years, months = divmod(months, 12) if months >= 0 else (-(-months // 12), -(-months % 12))
    for amount, unit in ((years, "year"), (months, "month"), (days, "day")):
        if amount:
            parts.append(f"{amount} {unit}{'' if abs(amount) == 1 else 's'}")
    if nanos or not parts:
        sign = "-" if nanos < 0 else ""
        micros = abs(nanos) // 1000
        secs, micro = divmod(micros, 1_000_000)
        text = f"{sign}{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"
        parts.append(text + (f".{micro:06d}".rstrip("0") if micro else ""))
    return " ".join(parts)


def _is_interval(value) -> bool:
    return all(hasattr(value, a) for a in ("months", "days", "nanoseconds"))


def _text_value(value):
    if value is None:
        return None
    if _is_interval(value):
        return _interval_text(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "0x" + bytes(value).hex()
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(_json_value(value), ensure_ascii=False)
    return str(value)


def _text_column(col: pa.ChunkedArray) -> pa.Array:
    return pa.array([_text_value(v) for v in col.to_pylist()], type=pa.string())


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas, column by column, names made unique. Lists, structs, maps, unions, blobs and
    intervals become text (JSON for nested values), so a table widget and a CSV show them plainly."""
    import pandas as pd
    data = {}
    names = unique_names(table.column_names)
    for name, col in zip(names, table.columns):
        try:
            if _nested_or_binary(col.type):
                data[name] = _text_column(col).to_pandas()
            else:
                data[name] = col.to_pandas()
        except Exception:
            data[name] = pd.Series([_text_value(v) for v in col.to_pylist()], dtype=object)
    return pd.DataFrame(data, columns=names)


def _parquet_table(table: pa.Table) -> pa.Table:
    """The table with unique names and every column Parquet cannot hold (e.g. a union) as text."""
    table = table.rename_columns(unique_names(table.column_names))
    columns = []
    for name, col in zip(table.column_names, table.columns):
        try:
            pq.write_table(pa.table({name: col.slice(0, 0)}), io.BytesIO())
            columns.append(col)
        except (pa.ArrowException, NotImplementedError, TypeError, ValueError):
            columns.append(_text_column(col))
    return pa.table(columns, names=table.column_names)


def _json_value(value):
    if value is None:
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value.as_tuple().exponent >= 0 else float(value)
    if _is_interval(value):
        return _interval_text(value)
    if isinstance(value, (datetime, date, dtime)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return str(value)


@dataclass
class Result:
    """What one run gave. ``ok`` is False when ``error`` is set (then there are no rows).

    ``table`` holds every row that was read (at most the download cap); ``df`` the first
    ``display_rows`` of them for the page. ``truncated`` says the query had more rows than were read
    (``limit_reason``: "rows" or "bytes"). ``elapsed_s`` is the time from start to the last row read.
    """

    sql: str
    error: SqlProblem | None = None
    columns: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    table: pa.Table | None = None
    truncated: bool = False
    limit_reason: str = ""
    elapsed_s: float = 0.0
    display_rows: int = DEFAULT_DISPLAY_ROWS
    download_cap: int = DEFAULT_DOWNLOAD_CAP
    row_count: int | None = None   # rows read, when ``table`` holds only the first of them (spooled)
    spool: str = ""                # the Arrow IPC file holding every row read (see spool_result)
    _df: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def rows(self) -> int:
        """Rows read (all rows of the query unless truncated)."""
        if self.row_count is not None:
            return self.row_count
        return 0 if self.table is None else self.table.num_rows

    def full_table(self) -> pa.Table | None:
        """Every row read: ``table``, or the spool file memory-mapped (its pages are the file's, not the
        process's heap). FileNotFoundError when the spool was removed (the result was replaced)."""
        if not self.spool:
            return self.table
        return pa.ipc.open_file(pa.memory_map(self.spool, "r")).read_all()

    @property
    def shown(self) -> int:
        return min(self.rows, self.display_rows)

    @property
    def df(self) -> pd.DataFrame:
        """The rows the page shows (the first display_rows), column names made unique."""
        if self._df is None:
            self._df = _to_pandas(self.table.slice(0, self.display_rows) if self.table is not None
                                  else pa.table({}))
        return self._df

    def frame(self) -> pd.DataFrame:
        """Every row read, as pandas (for downloads)."""
        table = self.full_table()
        return _to_pandas(table if table is not None else pa.table({}))

    def to_csv(self, bom: bool = True) -> bytes:
        """Every row read as formula-safe CSV (jabodash.core.csvsafe.to_safe_csv)."""
        # Imported here, not at the top: csvsafe loads pandas, which the worker process (it imports this
        # package) never needs; at the top it would add about 1.2 s and 45 MB to every worker start
        # (measured: `import jabodash.sql` 0.96 s / 85 MB, with jabodash.core.csvsafe 2.3 s / 130 MB).
        from jabodash.core.csvsafe import to_safe_csv
        return to_safe_csv(self.frame(), bom=bom)

    def to_parquet(self) -> bytes:
        """Every row read as Parquet (zstd), types kept; column names made unique, a type Parquet
        cannot hold (a UNION) written as text."""
        table = self.full_table()
        table = _parquet_table(table if table is not None else pa.table({}))
        buf = io.BytesIO()
        pq.write_table(table, buf, compression="zstd")
        return buf.getvalue()

    def records(self) -> list[dict]:
        """Every row read as JSON-ready dicts (dates ISO 8601, decimals as numbers, NaN as null)."""
        table = self.full_table()
        if table is None:
            return []
        names = unique_names(table.column_names)
        return [dict(zip(names, (_json_value(v) for v in row.values())))
                for row in table.rename_columns(names).to_pylist()]

    def download_name(self, ext: str) -> str:
        """A file name for a download: jabodash-sql-YYYYMMDD-HHMMSS.<ext>."""
        return f"jabodash-sql-{datetime.now().strftime('%Y%m%d-%H%M%S')}.{ext.lstrip('.')}"

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps({"columns": self.columns, "types": self.types, "rows": self.records(),
                           "row_count": self.rows, "truncated": self.truncated,
                           "elapsed_s": round(self.elapsed_s, 4)}, ensure_ascii=False, indent=indent)

    def summary(self, lang: str = "id") -> str:
        """"12 baris · 0,03 detik" (with "lebih dari" when truncated)."""
        key = "sql.result.summary_truncated" if self.truncated else "sql.result.summary"
        return t(key, lang, rows=number(self.rows, 0, lang), seconds=number(self.elapsed_s, 2, lang))

    def notice(self, lang: str = "id") -> str:
        """What was cut: "" when every row is shown."""
        if self.truncated:
            key = "sql.result.truncated_bytes" if self.limit_reason == "bytes" else "sql.result.truncated"
            return t(key, lang, shown=number(self.shown, 0, lang), rows=number(self.rows, 0, lang))
        if self.rows > self.shown:
            return t("sql.result.display_limited", lang, shown=number(self.shown, 0, lang),
                     rows=number(self.rows, 0, lang))
        return ""


def spool_result(result: Result, path: str, keep_rows: int) -> Result:
    """Write every row read to ``path`` (an Arrow IPC file: every Arrow type, read back memory-mapped)
    and keep only the first ``keep_rows`` in ``result.table``; ``rows`` still counts them all. Results
    of a few rows are not spooled. The worker does this, so the rows never cross into the app."""
    table = result.table
    if table is None or result.error is not None or table.num_rows <= keep_rows:
        return result
    with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    result.row_count, result.spool = table.num_rows, str(path)
    result.table = table.slice(0, keep_rows)
    return result
