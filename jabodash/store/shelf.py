"""Saved uploads: one folder per dataset under ``workspace_dir()/datasets/<id>/``.

Uploads stay in the browser session (the page keeps the :class:`~jabodash.ingest.IngestResult`
in ``st.session_state``) until the analyst saves them; then :func:`save_dataset` writes:

* ``original_<sanitised file name>``: the uploaded bytes, unchanged;
* ``cleaned.parquet``: the records (region_code, indicator, year, period, preliminary, value,
  row, column); ``points.parquet`` as well for a points layout;
* ``meta.json``: id, title, indicator name, unit, ``higher_is_better``, source, the options
  (column mapping, number forms and the manual region mapping ``region_mapping``) so that the
  original can be read again the same way, and a summary of the validation report.

Writes are atomic and safe when several processes (app workers, the command line) share the
workspace: a dataset is assembled in a hidden temporary folder (``.tmp-<id>.<pid>.<host>.<random>``)
and renamed into place, meta.json is replaced atomically on rename, and every save, rename and
delete holds the workspace's write lock (jabodash.core.shared_fs: ``flock`` on
``.datasets.lock`` beside ``datasets``), so a rename never writes into a folder a delete or a replacing save moved
away. Readers take no lock. Leftovers of killed saves are removed when a process first uses the
workspace, only when stale (their writer is gone or they stopped changing: :func:`cleanup_temp`).
A worker sees another worker's saves on its next rerun: :func:`listing_signature` is a cheap
fingerprint (names and modification times, no file read) that the app's caches are keyed on. Ids are ``[a-z0-9-]`` only (validated before any
path is built), file names are sanitised, and every path is checked to lie inside the workspace.
A damaged dataset folder is skipped by :func:`list_datasets`, never an exception: logged once per
process, and noted for :func:`take_damaged` (the command line says it once per command, in its
language).
``JABODASH_WORKSPACE`` sets the folder (default outside the repository, see jabodash.core.paths).

This module must not import streamlit.
"""
from __future__ import annotations

import json
import logging
import math
import os
import re
import secrets
import shutil
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from jabodash.core import shared_fs
from jabodash.core.cells import distinct_texts
from jabodash.core.i18n import t
from jabodash.core.paths import atomic_write_bytes, workspace_dir
from jabodash.ingest import IngestOptions, IngestResult, read_upload, safe_filename

log = logging.getLogger(__name__)

META_SCHEMA = 1
ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
RECORDS_FILE = "cleaned.parquet"
POINTS_FILE = "points.parquet"
META_FILE = "meta.json"
_LOCK = threading.RLock()
_TEXT_LIMITS = {"title": 200, "indicator": 200, "unit": 60, "source": 500, "description": 2000}
# meta keys kept as given (JSON values): what kind of dataset it is (e.g. "bps_refresh", see
# jabodash.official.dataset), its provenance grade, and the official refresh's own record
EXTRA_META = ("kind", "grade", "official")


class WorkspaceError(Exception):
    """A workspace operation that cannot be done; ``key``/``params`` translate with i18n.t."""

    def __init__(self, key: str, **params):
        self.key = f"ingest.workspace.{key}"
        self.params = params
        super().__init__(t(self.key, "en", **params))

    def text(self, lang: str = "id") -> str:
        return t(self.key, lang, **self.params)


class DatasetNotFound(WorkspaceError, KeyError):
    pass


class DatasetCorrupt(WorkspaceError):
    """A damaged dataset folder; ``params["reason"]`` names what is wrong (``detail`` is its English)."""

    def text(self, lang: str = "id") -> str:
        detail = t(f"ingest.workspace.damage.{self.params.get('reason')}", lang)
        return t(self.key, lang, **{**self.params, "detail": detail})


def _corrupt(dataset_id: str, reason: str) -> DatasetCorrupt:
    return DatasetCorrupt("corrupt", id=dataset_id, reason=reason, detail=reason.replace("_", " "))


_DAMAGED: dict[str, DatasetCorrupt] = {}   # found since the last take_damaged(), by dataset id
_LOGGED: set[tuple[str, str]] = set()      # (id, reason) already in the log


def note_damaged(exc: DatasetCorrupt) -> None:
    key = (str(exc.params.get("id")), str(exc.params.get("reason")))
    with _LOCK:
        _DAMAGED[key[0]] = exc
        first = key not in _LOGGED
        _LOGGED.add(key)
    if first:
        log.warning("%s", exc)


def take_damaged() -> list[DatasetCorrupt]:
    """The damaged datasets :func:`list_datasets` skipped since the last call (one per dataset)."""
    with _LOCK:
        out = list(_DAMAGED.values())
        _DAMAGED.clear()
    return out


@dataclass
class Dataset:
    """A saved dataset: its metadata, its records and (points layout) its points."""

    id: str
    meta: dict
    records: pd.DataFrame
    points: pd.DataFrame | None = None

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.id)


# ---------------------------------------------------------------------------
# paths
# ---------------------------------------------------------------------------


_CLEANED: set[str] = set()   # dataset folders whose leftovers this process removed at its start


def datasets_dir() -> Path:
    """The saved datasets' folder; on first use in a process, leftovers of killed saves go."""
    path = workspace_dir() / "datasets"
    path.mkdir(parents=True, exist_ok=True)
    if str(path) not in _CLEANED:
        _CLEANED.add(str(path))
        try:
            cleanup_temp(root=path)
        except OSError as exc:
            log.warning("Leftovers in %s could not be removed: %s", path, exc)
    return path


def _lock_file() -> Path:
    """The workspace's write lock (jabodash.core.shared_fs.write_lock), beside the datasets."""
    return datasets_dir().parent / ".datasets.lock"


def valid_id(dataset_id) -> bool:
    return isinstance(dataset_id, str) and bool(ID_RE.fullmatch(dataset_id))


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def dataset_dir(dataset_id: str) -> Path:
    """The folder of a dataset; raises WorkspaceError for an id that is not a plain slug."""
    if not valid_id(dataset_id):
        raise WorkspaceError("invalid_id")
    root = datasets_dir()
    path = root / dataset_id
    if not _inside(path, root) or path.is_symlink():
        raise WorkspaceError("invalid_id")
    return path


def _slug(text: str, limit: int = 40) -> str:
    s = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s[:limit].strip("-") or "data"


def new_id(hint: str = "") -> str:
    """A fresh id: a slug of the hint plus 8 random hex digits (e.g. ``penduduk-2023-3f9a0c1b``)."""
    return f"{_slug(hint)}-{secrets.token_hex(4)}"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _clean_text(value, limit: int) -> str | None:
    if value is None:
        return None
    s = str(value)
    s = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", s).strip()
    return s[:limit] if s else None


def _json_bytes(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False, default=str).encode("utf-8")


# ---------------------------------------------------------------------------
# save, list, load, rename, delete
# ---------------------------------------------------------------------------


def save_dataset(result: IngestResult, original_bytes: bytes, filename: str, meta: dict | None = None,
                 dataset_id: str | None = None, records: pd.DataFrame | None = None) -> str:
    """Save an ingested upload; returns its id. ``meta`` may hold title, indicator, unit,
    higher_is_better, source, description and year; missing ones come from ``result.suggested``.
    With ``dataset_id`` an existing dataset is replaced (same id, atomically).
    ``records`` replaces ``result.records`` (RECORD_COLUMNS): for a points layout, the points
    counted per region (userdata.point_records), so that :func:`observations` serves them; the
    points themselves go to points.parquet.
    """
    if not isinstance(result, IngestResult) or not result.ok:
        raise WorkspaceError("not_usable")
    suggested = result.suggested or {}
    meta = dict(meta or {})
    for key in ("indicator", "unit", "source", "higher_is_better"):
        if key not in meta or (key == "indicator" and not meta.get(key)):
            if key in suggested:
                meta[key] = suggested[key]
    meta.setdefault("higher_is_better", None)   # neutral unless the analyst or the name says
    fields = {"sha256": result.sha256, "layout": result.layout, "level": result.level,
              "points": int(len(result.points)) if result.points is not None else 0,
              "region_mapping": dict(result.options.region_mapping or {}), "options": result.options.to_dict(),
              "report": result.summary(lang="en")}
    return save_records(result.records if records is None else records, original_bytes, filename, meta, fields,
                        dataset_id=dataset_id, points=result.points)


def save_records(records: pd.DataFrame, original_bytes: bytes, filename: str, meta: dict, fields: dict,
                 dataset_id: str | None = None, points: pd.DataFrame | None = None) -> str:
    """Save a dataset of any kind: its records (RECORD_COLUMNS and any more), the original bytes,
    meta.json from ``meta`` (title, indicator, unit, higher_is_better, source, description, year,
    and the kind's own keys: EXTRA_META) and ``fields`` (how it was read: sha256, layout, level,
    points, region_mapping, options, report); returns its id. With ``dataset_id`` an existing
    dataset is replaced (same id, atomically)."""
    if not isinstance(original_bytes, (bytes, bytearray, memoryview)):
        raise WorkspaceError("save_failed", detail="original bytes")
    safe_name = safe_filename(filename)
    indicator = _clean_text(meta.get("indicator") or Path(safe_name).stem, _TEXT_LIMITS["indicator"])
    title = _clean_text(meta.get("title") or indicator or safe_name, _TEXT_LIMITS["title"])
    hib = meta.get("higher_is_better")
    missing = [c for c in ("region_code", "indicator", "year", "period", "preliminary", "value")
               if c not in records.columns]
    if missing:
        raise WorkspaceError("save_failed", detail="records: " + ", ".join(missing))
    try:
        year = int(meta["year"]) if meta.get("year") is not None else None
    except (TypeError, ValueError):
        year = None
    now = _now()
    root = datasets_dir()
    with shared_fs.write_lock(_lock_file()):
        replacing = dataset_id is not None
        if replacing:
            target = dataset_dir(dataset_id)
            if not target.is_dir():
                raise DatasetNotFound("not_found", id=dataset_id)
            old = _read_meta(target, dataset_id)
            created = old.get("created_at") or now
        else:
            dataset_id = new_id(title or safe_name)
            while (root / dataset_id).exists():
                dataset_id = new_id(title or safe_name)
            target = dataset_dir(dataset_id)
            created = now
        record = {
            "schema": META_SCHEMA,
            "id": dataset_id,
            "title": title,
            "indicator": indicator,
            "unit": _clean_text(meta.get("unit"), _TEXT_LIMITS["unit"]),
            "higher_is_better": None if hib is None else bool(hib),
            "source": _clean_text(meta.get("source"), _TEXT_LIMITS["source"]),
            "description": _clean_text(meta.get("description"), _TEXT_LIMITS["description"]),
            "filename": safe_name,
            "original_file": f"original_{safe_name}",
            "size_bytes": len(original_bytes),
            "sha256": fields.get("sha256"),
            "created_at": created,
            "updated_at": now,
            "layout": fields.get("layout"),
            "level": fields.get("level"),
            "rows": int(len(records)),
            "points": int(fields.get("points") or 0),
            "year": year,
            "indicators": sorted(distinct_texts(records["indicator"]))[:1000],
            "years": [int(y) for y in np.unique(records["year"].dropna().to_numpy(dtype="int64"))],
            "region_mapping": fields.get("region_mapping") or {},
            "options": fields.get("options") or {},
            "report": fields.get("report") or {},
            **{k: meta[k] for k in EXTRA_META if meta.get(k) is not None},
        }
        tmp = root / shared_fs.scratch_name(".tmp-", dataset_id)
        try:
            tmp.mkdir()
            (tmp / record["original_file"]).write_bytes(bytes(original_bytes))
            _write_parquet(records, tmp / RECORDS_FILE)
            if points is not None:
                _write_parquet(points, tmp / POINTS_FILE)
            atomic_write_bytes(tmp / META_FILE, _json_bytes(record))
            _fsync_dir(tmp)
            if replacing:
                trash = root / shared_fs.scratch_name(".trash-", dataset_id)
                os.replace(target, trash)
                os.replace(tmp, target)
                shutil.rmtree(trash, ignore_errors=True)
            else:
                os.replace(tmp, target)
            _fsync_dir(root)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise WorkspaceError("save_failed", detail=type(exc).__name__) from exc
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return dataset_id


def _text_or_none(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _texts_or_none(col: pd.Series) -> pd.Series:
    """Every cell as str, None and NaN as None; a column of only str (and None/NaN) without a
    call per cell."""
    if pd.api.types.infer_dtype(col, skipna=True) == "string" and all(type(v) is str for v in col.dropna().unique()):
        values = col.to_numpy(dtype=object, copy=True)
        gone = np.flatnonzero(pd.isna(values))
        values[gone] = [_text_or_none(v) for v in values[gone]]
        return pd.Series(values, index=col.index)
    return col.map(_text_or_none)


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    texts = [col for col in df.columns if df[col].dtype == object]
    frame = df.assign(**{col: _texts_or_none(df[col]) for col in texts}) if texts else df  # no copy otherwise
    frame.to_parquet(path, index=False)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_REQUIRED = ("id", "title", "indicator", "original_file")


def _read_meta(folder: Path, dataset_id: str) -> dict:
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise _corrupt(dataset_id, "meta_missing") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _corrupt(dataset_id, "meta_unreadable") from exc
    if not isinstance(meta, dict) or any(k not in meta for k in _REQUIRED):
        raise _corrupt(dataset_id, "meta_incomplete")
    if meta.get("id") != dataset_id:
        raise _corrupt(dataset_id, "id_mismatch")
    original = str(meta.get("original_file"))
    if safe_filename(original) != original or not (folder / original).is_file():
        raise _corrupt(dataset_id, "original_missing")
    if not (folder / RECORDS_FILE).is_file():
        raise _corrupt(dataset_id, "records_missing")
    return meta


_PARQUET_OK: dict[str, tuple] = {}   # parquet path -> (mtime_ns, size, inode) when its footer last read well


def _check_parquet(folder: Path, dataset_id: str) -> None:
    """Read the footer (metadata) of each Parquet file of a dataset, not its data; a file is read
    again only when its modification time, size or inode changed. DatasetCorrupt when unreadable."""
    import pyarrow.parquet as pq
    for path in (folder / RECORDS_FILE, folder / POINTS_FILE):
        try:
            st = path.stat()
        except FileNotFoundError:
            continue   # records_missing is _read_meta's; points.parquet is optional
        except OSError as exc:
            raise _corrupt(dataset_id, "parquet_unreadable") from exc
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
        if _PARQUET_OK.get(str(path)) == key:
            continue
        try:
            pq.read_metadata(path)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds on a damaged file
            _PARQUET_OK.pop(str(path), None)
            raise _corrupt(dataset_id, "parquet_unreadable") from exc
        _PARQUET_OK[str(path)] = key


def list_datasets(with_problems: bool = False):
    """Saved datasets (their meta.json, newest first). A damaged folder is skipped (logged once,
    noted for :func:`take_damaged`); with ``with_problems=True`` returns ``(datasets, problems)`` where problems is a
    list of WorkspaceError (translatable)."""
    out: list[dict] = []
    problems: list[WorkspaceError] = []
    root = datasets_dir()
    for folder in sorted(root.iterdir()):
        name = folder.name
        if name.startswith("."):
            continue
        if not folder.is_dir() or folder.is_symlink() or not valid_id(name):
            continue
        try:
            meta = _read_meta(folder, name)
            _check_parquet(folder, name)
            out.append(meta)
        except DatasetCorrupt as exc:
            note_damaged(exc)
            problems.append(exc)
    out.sort(key=lambda m: (str(m.get("created_at") or ""), m["id"]), reverse=True)
    return (out, problems) if with_problems else out


def listing_signature() -> tuple:
    """A cheap fingerprint of the saved datasets (folder, names, modification times and sizes,
    no file read): it changes when a dataset is saved, replaced, renamed or deleted."""
    root = datasets_dir()
    items = []
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                meta = os.stat(os.path.join(entry.path, META_FILE))
                items.append((entry.name, entry.stat().st_mtime_ns, meta.st_mtime_ns, meta.st_size))
            except OSError:
                items.append((entry.name, 0, 0, 0))
    return (str(root), root.stat().st_mtime_ns, tuple(sorted(items)))


def readable_datasets(damaged: list | None = None):
    """(meta, Dataset) of every saved dataset that can be read, as listed; a damaged one is noted
    (note_damaged, and appended to ``damaged`` when given, so that a cache of the result can note it
    again when reused) and skipped, an unreadable workspace reads as empty."""
    try:
        metas, problems = list_datasets(with_problems=True)
    except Exception:  # noqa: BLE001 - a broken workspace must not stop built-in figures
        return
    if damaged is not None:
        damaged.extend(p for p in problems if isinstance(p, DatasetCorrupt))
    for meta in metas:
        try:
            ds = load_dataset(meta["id"])
        except DatasetCorrupt as exc:
            note_damaged(exc)
            if damaged is not None:
                damaged.append(exc)
            continue
        except Exception:  # noqa: BLE001 - one unreadable dataset must not hide the others
            continue
        yield meta, ds


def load_dataset(dataset_id: str) -> Dataset:
    """The dataset's meta, records and points. DatasetNotFound / DatasetCorrupt otherwise."""
    folder = dataset_dir(dataset_id)
    if not folder.is_dir():
        raise DatasetNotFound("not_found", id=dataset_id)
    meta = _read_meta(folder, dataset_id)
    try:
        records = pd.read_parquet(folder / RECORDS_FILE)
        points = pd.read_parquet(folder / POINTS_FILE) if (folder / POINTS_FILE).is_file() else None
    except Exception as exc:  # pyarrow raises several kinds on a damaged file
        raise _corrupt(dataset_id, "parquet_unreadable") from exc
    return Dataset(id=dataset_id, meta=meta, records=records, points=points)


def original_bytes(dataset_id: str) -> tuple[str, bytes]:
    """(file name, bytes) of the original upload."""
    folder = dataset_dir(dataset_id)
    if not folder.is_dir():
        raise DatasetNotFound("not_found", id=dataset_id)
    meta = _read_meta(folder, dataset_id)
    return meta["filename"], (folder / meta["original_file"]).read_bytes()


def update_meta(dataset_id: str, **fields) -> dict:
    """Change title, indicator, unit, higher_is_better, source or description; returns the meta."""
    allowed = set(_TEXT_LIMITS) | {"higher_is_better"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    with shared_fs.write_lock(_lock_file()):
        folder = dataset_dir(dataset_id)
        if not folder.is_dir():
            raise DatasetNotFound("not_found", id=dataset_id)
        meta = _read_meta(folder, dataset_id)
        for key, value in fields.items():
            if key == "higher_is_better":
                meta[key] = None if value is None else bool(value)
            else:
                cleaned = _clean_text(value, _TEXT_LIMITS[key])
                if key in ("title", "indicator") and not cleaned:
                    continue
                meta[key] = cleaned
        meta["updated_at"] = _now()
        atomic_write_bytes(folder / META_FILE, _json_bytes(meta))
    return meta


def rename_dataset(dataset_id: str, title: str) -> dict:
    """Give a saved dataset a new title (the id stays)."""
    return update_meta(dataset_id, title=title)


def delete_dataset(dataset_id: str) -> None:
    """Remove a dataset folder (renamed away first, so a half-deleted folder is never listed)."""
    with shared_fs.write_lock(_lock_file()):
        folder = dataset_dir(dataset_id)
        if not folder.is_dir():
            raise DatasetNotFound("not_found", id=dataset_id)
        trash = datasets_dir() / shared_fs.scratch_name(".trash-", dataset_id)
        os.replace(folder, trash)
        shutil.rmtree(trash, ignore_errors=True)


def reingest(dataset_id: str, options: IngestOptions | None = None, matcher=None) -> IngestResult:
    """Read the stored original again, with the stored options (or new ones, e.g. a new mapping)."""
    folder = dataset_dir(dataset_id)
    if not folder.is_dir():
        raise DatasetNotFound("not_found", id=dataset_id)
    meta = _read_meta(folder, dataset_id)
    opts = options if options is not None else IngestOptions.from_dict(meta.get("options"))
    name, data = original_bytes(dataset_id)
    return read_upload(data, name, options=opts, matcher=matcher)


UPLOAD_PREFIX = "upload."


def indicator_id(dataset_id: str, indicator: str) -> str:
    """The id under which an uploaded indicator joins the built-in ones: upload.<dataset>.<slug>."""
    return f"{UPLOAD_PREFIX}{dataset_id}.{_slug(indicator, 60)}"


def is_uploaded(indicator_id) -> bool:
    """True for the id of an uploaded indicator (saved or of a session)."""
    return isinstance(indicator_id, str) and indicator_id.startswith(UPLOAD_PREFIX)


OBS_COLUMNS = ["region_code", "indicator_id", "year", "value", "dataset_id", "preliminary", "period"]
IND_COLUMNS = ["id", "dataset_id", "name", "unit", "higher_is_better", "source", "title"]


def indicator_ids(dataset_id: str, meta: dict, records: pd.DataFrame) -> dict[str, str]:
    """{indicator text of the records: its id}: one indicator takes the analyst's name (meta), several keep theirs."""
    names = [str(x) for x in pd.unique(records["indicator"].astype(str))]
    single = len(names) == 1
    return {n: indicator_id(dataset_id, meta.get("indicator") if single else n) for n in names}


def records_frames(dataset_id: str, meta: dict, records: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One dataset's records as (observations, indicators) (see :func:`observations`); a session
    upload is shaped the same way (jabodash.store.overlay)."""
    if records is None or not len(records):
        return pd.DataFrame(columns=OBS_COLUMNS), pd.DataFrame(columns=IND_COLUMNS)
    ids = indicator_ids(dataset_id, meta, records)
    names, single = list(ids), len(ids) == 1
    obs = pd.DataFrame({
        "region_code": records["region_code"].astype(str).to_numpy(),
        "indicator_id": records["indicator"].astype(str).map(ids).to_numpy(),
        "year": records["year"].astype("Int64").to_numpy(),
        "value": records["value"].astype("float64").to_numpy(),
        "dataset_id": dataset_id,
        "preliminary": records["preliminary"].astype(bool).to_numpy(),
        "period": records["period"].astype(str).to_numpy()}, columns=OBS_COLUMNS)
    inds = pd.DataFrame([{"id": ids[n], "dataset_id": dataset_id, "name": meta.get("indicator") if single else n,
                          "unit": meta.get("unit"), "higher_is_better": meta.get("higher_is_better"),
                          "source": meta.get("source"), "title": meta.get("title")} for n in names],
                        columns=IND_COLUMNS)
    return obs, inds


def observations(dataset_ids: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Saved datasets in the shape of the built-in tables (jabodash.store.overlay puts them next
    to those).

    Returns (observations: region_code, indicator_id, year, value, dataset_id, preliminary,
    period; indicators: id, dataset_id, name, unit, higher_is_better, source, title).
    A dataset with one indicator takes the analyst's indicator name; with several, each keeps
    its name from the file. Damaged datasets are skipped (with a warning), as in the listing.
    """
    metas = list_datasets() if dataset_ids is None else [load_dataset(i).meta for i in dataset_ids]
    obs, inds = [], []
    for meta in metas:
        try:
            ds = load_dataset(meta["id"])
        except WorkspaceError as exc:
            log.warning("%s", exc)
            continue
        o, i = records_frames(ds.id, meta, ds.records)
        if len(o):
            obs.append(o)
            inds.append(i)
    obs_df = pd.concat(obs, ignore_index=True) if obs else pd.DataFrame(columns=OBS_COLUMNS)
    ind_df = pd.concat(inds, ignore_index=True) if inds else pd.DataFrame(columns=IND_COLUMNS)
    return obs_df, ind_df


STALE_AFTER_S = 15 * 60


def cleanup_temp(max_age_s: float = STALE_AFTER_S, root: Path | None = None) -> int:
    """Remove leftovers of killed saves and deletes (hidden ``.tmp-``/``.trash-`` folders, and
    half-written ``.meta.json.*.tmp`` files in dataset folders) that are stale: their writer on
    this host is gone, or nothing in them changed for max_age_s (shared_fs.stale). A save in
    progress in another worker is left alone. Returns the number removed."""
    import time
    root = root or datasets_dir()
    removed, now = 0, time.time()
    for path in root.iterdir():
        if path.name.startswith(shared_fs.PREFIXES) and shared_fs.stale(path, max_age_s, now):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
        elif valid_id(path.name) and path.is_dir() and not path.is_symlink():
            for part in path.glob(f".{META_FILE}.*.tmp"):
                if now - part.stat().st_mtime > max_age_s:
                    part.unlink(missing_ok=True)
                    removed += 1
    return removed
