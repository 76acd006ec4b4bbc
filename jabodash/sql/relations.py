"""Uploads and saved datasets as relations of a sandbox: their SQL names and their Arrow tables.

A session's uploads and the workspace's saved datasets are registered as views of the sandbox's own
connection (see :mod:`jabodash.sql.engine`), under a safe name: ``upload_<file name folded to
[a-z0-9_]>`` or ``saved_<id>``, never a built-in table's name.
"""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Iterable

import pyarrow as pa

from jabodash.sql.settings import BUILTIN_TABLES, BUILTIN_VIEWS

if TYPE_CHECKING:
    import pandas as pd

_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def table_name(text: str, prefix: str = "upload", taken: Iterable[str] = ()) -> str:
    """A safe, unique SQL name for an upload: "upload_" + the text folded to [a-z0-9_]."""
    folded = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    folded = re.sub(r"\.(csv|tsv|txt|xlsx?|parquet)$", "", folded)
    slug = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")[:40] or "data"
    base = f"{prefix}_{slug}" if prefix else slug
    if not _NAME_RE.match(base):
        base = f"t_{base}"[:63]
    taken_l = {str(x).lower() for x in taken} | set(BUILTIN_TABLES) | set(BUILTIN_VIEWS)
    name, n = base, 1
    while name in taken_l:
        n += 1
        name = f"{base}_{n}"
    return name


def saved_datasets() -> dict[str, tuple[pd.DataFrame, str]]:
    """The saved datasets of the workspace as {"saved_<id>": (records, title)}, read by the store's
    one reader of saved datasets (jabodash.store.kinds.saved: again only when the workspace listing
    changes; a damaged dataset is skipped and noted). The frames are shared: never mutated."""
    # Imported here, not at the top: the store loads pandas and jabodash.ingest, which the worker
    # process (it imports this package) never needs; at the top they would add about 1.2 s and 53 MB to
    # every worker start (measured: `import jabodash.sql` 0.96 s / 85 MB, with the store 2.2 s / 139 MB).
    from jabodash.store import kinds
    out: dict[str, tuple[pd.DataFrame, str]] = {}
    for item in kinds.saved():
        out[table_name(item.dataset.id, prefix="saved", taken=out)] = (item.dataset.records, item.dataset.title)
    return out


def _arrow(frame) -> pa.Table:
    """An upload as an Arrow table; a column Arrow cannot type (mixed objects) becomes text."""
    if isinstance(frame, pa.Table):
        return frame
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        fixed = frame.copy()
        for col in fixed.columns:
            try:
                pa.array(fixed[col], from_pandas=True)
            except (pa.ArrowException, TypeError, ValueError):
                fixed[col] = fixed[col].map(lambda v: None if v is None else str(v))
        return pa.Table.from_pandas(fixed, preserve_index=False)


def _is_dataframe(obj) -> bool:
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "columns")

