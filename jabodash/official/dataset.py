"""A refresh kept in the workspace as what it is, a dataset of kind "bps_refresh" (BPS WebAPI) or
"dukcapil_refresh" (Dukcapil's GIS service, jabodash.official.dukcapil) or "dapodik_refresh" (Dapodik's
recap, jabodash.official.dapodik), all registered with
jabodash.store.kinds when this module is imported, never written into data/. The two differ only
in their origin, title and the note each figure carries; a Dukcapil refresh also holds kecamatan
figures (7-digit BPS codes through data/kecamatan_crosswalk.csv), read on the kecamatan map.

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

import numpy as np
import pandas as pd

from jabodash.official import dapodik, dukcapil
from jabodash.official.fetch import ORIGIN, Refresh
from jabodash.official.simdasi import API as SIMDASI
from jabodash.store import kinds, shelf

KIND = "bps_refresh"
DUKCAPIL_KIND = "dukcapil_refresh"
DAPODIK_KIND = "dapodik_refresh"
GRADE = "official"
FILENAME = "bps_refresh.json"
FILENAMES = {KIND: FILENAME, DUKCAPIL_KIND: "dukcapil_refresh.json", DAPODIK_KIND: "dapodik_refresh.json"}   # the original's name, by kind
SOURCE_COLUMNS = ["source_title", "source_var", "source_domain", "source_url", "source_retrieved_at"]


def is_refresh(meta: dict | None) -> bool:
    return bool(meta) and meta.get("kind") in (KIND, DUKCAPIL_KIND, DAPODIK_KIND)


def _is_dukcapil(refresh: Refresh) -> bool:
    return isinstance(refresh, dukcapil.DukcapilRefresh)


def _is_dapodik(refresh: Refresh) -> bool:
    return isinstance(refresh, dapodik.DapodikRefresh)


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
    if _is_dukcapil(refresh):
        origin, kind = dukcapil.ORIGIN, DUKCAPIL_KIND
        stated = f"{refresh.year} semester {refresh.semester}"
        default = f"{origin} {stated} ({day})"
        source = (f"{origin} (Ditjen Dukcapil Kemendagri), {stated} as stated by the user (the service does "
                  f"not say its date), {', '.join(refresh.levels)}, retrieved {day}")
    elif _is_dapodik(refresh):
        origin, kind = dapodik.ORIGIN, DAPODIK_KIND
        default = f"{origin} {refresh.semester_id} ({day})"
        source = (f"{origin} (Kemendikdasmen) rekap dataSekolah, semester {refresh.semester_id} recorded as "
                  f"{refresh.year}, {', '.join(refresh.levels)}, retrieved {day}")
    elif refresh.tables and all(tb.get("api") == SIMDASI for tb in refresh.tables):
        origin, kind = f"BPS {SIMDASI}", KIND
        default = f"{origin} {day}"
        source = (f"{origin} (Badan Pusat Statistik, Dalam Angka tables), {len(refresh.tables)} tables, "
                  f"retrieved {day}")
    else:
        origin, kind, default = ORIGIN, KIND, f"{ORIGIN} {day}"
        source = f"{ORIGIN} (Badan Pusat Statistik), {len(refresh.tables)} tables, retrieved {day}"
    return {"title": title or default, "indicator": origin, "unit": None, "higher_is_better": None,
            "source": source, "kind": kind, "grade": GRADE,
            "official": {"precedence": bool(precedence), "origin": origin, "retrieved_at": refresh.started_at,
                         "tables": refresh.tables}}


def _fields(body: bytes, level: str = "kabkota") -> dict:
    """How the refresh was read, for meta.json: the original's digest, one long table."""
    return {"sha256": hashlib.sha256(body).hexdigest(), "layout": "long", "level": level}


def _level(refresh_or_meta) -> str:
    levels = getattr(refresh_or_meta, "levels", None) or ("kabkota",)
    return "+".join(levels)


def save(refresh: Refresh, precedence: bool = False, title: str | None = None, dataset_id: str | None = None) -> str:
    """Store the refresh in the workspace; returns the dataset id."""
    if not refresh.records:
        raise shelf.WorkspaceError("not_usable")
    content = {"schema": "jabodash.refresh/1", "records": refresh.records, "tables": refresh.tables}
    if _is_dukcapil(refresh) or _is_dapodik(refresh):
        content = {k: v for k, v in refresh.to_json().items() if k not in ("changes", "saved", "ok")}
    meta = _meta(refresh, precedence, title)
    body = json.dumps(content, ensure_ascii=False, indent=1, default=str).encode("utf-8")
    return shelf.save_records(_records(refresh), body, FILENAMES[meta["kind"]], meta,
                              _fields(body, _level(refresh)), dataset_id=dataset_id)


def set_precedence(dataset_id: str, precedence: bool) -> str:
    """Save a stored refresh again with the precedence switched (same id)."""
    ds = shelf.load_dataset(dataset_id)
    if not is_refresh(ds.meta):
        raise shelf.WorkspaceError("not_usable")
    _, body = shelf.original_bytes(dataset_id)
    meta = {**ds.meta, "official": {**(ds.meta.get("official") or {}), "precedence": bool(precedence)}}
    return shelf.save_records(ds.records, body, FILENAMES[ds.meta["kind"]], meta,
                              _fields(body, ds.meta.get("level") or "kabkota"),
                              dataset_id=dataset_id)


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
    if meta.get("kind") == DUKCAPIL_KIND:
        note = (dukcapil.ORIGIN + " " + domain + " (date stated by the user)").to_numpy()
    elif meta.get("kind") == DAPODIK_KIND:
        note = (dapodik.ORIGIN + " rekap " + domain + ", " + var).to_numpy()
    else:
        url = records.get("source_url", pd.Series("", index=records.index)).astype(str)
        note = np.where(url.str.contains("/simdasi/", regex=False),
                        f"BPS {SIMDASI} id_tabel " + var + ", wilayah " + domain,
                        "BPS WebAPI var " + var + ", domain " + domain)
    return pd.DataFrame({
        "region_code": records["region_code"].astype(str).to_numpy(),
        "indicator_id": records["indicator"].astype(str).to_numpy(),
        "year": records["year"].astype("int64").to_numpy(),
        "value": records["value"].astype("float64").to_numpy(),
        "dataset_id": dataset_id,
        "note": note,
        "precedence": precedence})


def _frames(dataset_id: str, meta: dict, records: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return observations(dataset_id, meta, records), pd.DataFrame(columns=shelf.IND_COLUMNS)


# Figures under built-in indicator ids, layered over the built-in ones (jabodash.store.overlay).
KIND_SPEC = kinds.register(kinds.Kind(KIND, "official", _frames))
DUKCAPIL_SPEC = kinds.register(kinds.Kind(DUKCAPIL_KIND, "official", _frames))
DAPODIK_SPEC = kinds.register(kinds.Kind(DAPODIK_KIND, "official", _frames))
