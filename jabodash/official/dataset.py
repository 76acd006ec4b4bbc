"""A refresh kept in the workspace as what it is, a dataset of kind "bps_refresh" (registered with
jabodash.store.kinds when this module is imported), never written into data/.

The workspace folder (jabodash.store.shelf) holds ``original_bps_refresh.json`` (the records with their sources, no key),
``cleaned.parquet`` (one row per figure with the built-in indicator id, plus its source columns)
and ``meta.json`` with ``kind = "bps_refresh"``, ``grade = "official"`` and ``official``:
``{"precedence": bool, "origin", "tables", "retrieved_at"}``. jabodash.store.overlay lays the
figures over the built-in ones under their built-in indicator ids: with precedence they replace
built-in figures of the same indicator, region and year on every page; without, they only fill
gaps. The precedence is changed by saving the dataset again under the same id.
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd

from jabodash.official.fetch import ORIGIN, Refresh
from jabodash.store import kinds, shelf

KIND = "bps_refresh"
GRADE = "official"
FILENAME = "bps_refresh.json"
SOURCE_COLUMNS = ["source_title", "source_var", "source_domain", "source_url", "source_retrieved_at"]


def is_refresh(meta: dict | None) -> bool:
    return bool(meta) and meta.get("kind") == KIND


def _records(refresh: Refresh) -> pd.DataFrame:
    frame = refresh.frame()
    out = pd.DataFrame({
        "region_code": frame["region_code"].astype(str), "indicator": frame["indicator"].astype(str),
        "year": frame["year"].astype("int64"), "period": frame["year"].astype(str), "preliminary": False,
        "value": frame["value"].astype("float64")})
    for col in SOURCE_COLUMNS:
        out[col] = frame[col].astype(str)
    return out


def _meta(refresh: Refresh, precedence: bool, title: str | None) -> dict:
    day = (refresh.started_at or "")[:10]
    return {"title": title or f"{ORIGIN} {day}", "indicator": ORIGIN, "unit": None, "higher_is_better": None,
            "source": f"{ORIGIN} (Badan Pusat Statistik), {len(refresh.tables)} tables, retrieved {day}",
            "kind": KIND, "grade": GRADE,
            "official": {"precedence": bool(precedence), "origin": ORIGIN, "retrieved_at": refresh.started_at,
                         "tables": refresh.tables}}


def _fields(body: bytes) -> dict:
    """How the refresh was read, for meta.json: the original's digest, one long kab/kota table."""
    return {"sha256": hashlib.sha256(body).hexdigest(), "layout": "long", "level": "kabkota"}


def save(refresh: Refresh, precedence: bool = False, title: str | None = None, dataset_id: str | None = None) -> str:
    """Store the refresh in the workspace; returns the dataset id."""
    if not refresh.records:
        raise shelf.WorkspaceError("not_usable")
    body = json.dumps({"schema": "jabodash.refresh/1", "records": refresh.records, "tables": refresh.tables},
                      ensure_ascii=False, indent=1).encode("utf-8")
    return shelf.save_records(_records(refresh), body, FILENAME, _meta(refresh, precedence, title), _fields(body),
                              dataset_id=dataset_id)


def set_precedence(dataset_id: str, precedence: bool) -> str:
    """Save a stored refresh again with the precedence switched (same id)."""
    ds = shelf.load_dataset(dataset_id)
    if not is_refresh(ds.meta):
        raise shelf.WorkspaceError("not_usable")
    _, body = shelf.original_bytes(dataset_id)
    meta = {**ds.meta, "official": {**(ds.meta.get("official") or {}), "precedence": bool(precedence)}}
    return shelf.save_records(ds.records, body, FILENAME, meta, _fields(body), dataset_id=dataset_id)


def saved_refreshes() -> list[dict]:
    """The metas of the stored refreshes, newest first."""
    return [m for m in shelf.list_datasets() if is_refresh(m)]


def observations(dataset_id: str, meta: dict, records: pd.DataFrame) -> pd.DataFrame:
    """A stored refresh as observation rows under the built-in indicator ids (region_code,
    indicator_id, year, value, dataset_id, note, precedence)."""
    precedence = bool((meta.get("official") or {}).get("precedence"))
    if records is None or not len(records):
        return pd.DataFrame(columns=["region_code", "indicator_id", "year", "value", "dataset_id", "note",
                                     "precedence"])
    var = records.get("source_var", pd.Series("", index=records.index)).astype(str)
    domain = records.get("source_domain", pd.Series("", index=records.index)).astype(str)
    return pd.DataFrame({
        "region_code": records["region_code"].astype(str).to_numpy(),
        "indicator_id": records["indicator"].astype(str).to_numpy(),
        "year": records["year"].astype("int64").to_numpy(),
        "value": records["value"].astype("float64").to_numpy(),
        "dataset_id": dataset_id,
        "note": ("BPS WebAPI var " + var + ", domain " + domain).to_numpy(),
        "precedence": precedence})


def _frames(dataset_id: str, meta: dict, records: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return observations(dataset_id, meta, records), pd.DataFrame(columns=shelf.IND_COLUMNS)


# Figures under built-in indicator ids, layered over the built-in ones (jabodash.store.overlay).
KIND_SPEC = kinds.register(kinds.Kind(KIND, "official", _frames))
