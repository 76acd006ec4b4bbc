"""The analyst's uploads as relations next to the built-in tables (no streamlit).

One read path: built-in and uploaded indicators are read by the same ``queries/*.sql``. An
:class:`Uploads` bundle holds the saved workspace datasets and a session's unsaved uploads in the
shape of the store's tables (``indicator``, ``observation``, ``dataset``) plus the cached kecamatan
boundaries (``kecamatan``). :func:`overlay` opens, per bundle, an in-memory DuckDB database that
ATTACHes the store file READ_ONLY (as ``builtin``) and defines ``indicator``, ``observation``,
``observation_all``, ``dataset`` (and the untouched ``region``, ``flow``...) as views: built-in
UNION ALL uploads (queries/overlay/views.sql). The queries keep their names and
parameters; ``dataset.provenance`` and ``observation.provenance`` say which is which ('builtin',
'saved', 'session'); an uploaded indicator has theme "uploaded" and an id ``upload.<dataset>.<slug>``.
An uploaded dataset's grade (``dataset.grade``, and ``grade`` of its figures) is the one its metadata
declares (a BPS refresh: "official"), else "unrated" (jabodash.core.grades.of_metadata); the
``shown_*`` table macros filter every figure by ``$official_only`` (jabodash.core.grades).

Checked on a small scale first (duckdb 2.0.1): several in-memory databases in one process can each
ATTACH the store file READ_ONLY beside the Store's own read-only connection; the stored derived
views (``builtin.observation_all``) resolve inside their own catalog; views in the in-memory
catalog are visible to every cursor of that database. The derived views (density, growth,
per 100,000, population_best) are, when the bundle holds a saved BPS refresh, the store's statements
(queries/schema/02_views.sql) run again in the in-memory database over the layered ``observation``, so
a refreshed population (or count) is what a derived figure is computed from; without a refresh the
store's own derived views give the same figures, faster (queries/overlay/derived_builtin.sql).
queries/overlay/figures.sql adds ``observation_all`` (a table made once per database) and the ``shown_*`` macros.

Isolation: a bundle's database holds that bundle's rows only, and it is found by the bundle's
``signature`` (a digest of every row and of the workspace listing). The app's query cache keys
(``ui.source``'s cached query) carry the same signature, so an unsaved upload of one session is never read by or
served to another: a second session reaches it only by holding the very same rows, session id
included (the id is random). Databases of bundles no longer asked for are dropped after a while
(least recently used; a cursor still running keeps its database alive).
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd

from jabodash.core import grades
from jabodash.core.catalog import COLUMNS, Indicator
from jabodash.core.fmt import decimals_for
from jabodash.core.i18n import t
from jabodash.core.paths import QUERIES_DIR
from jabodash.store import kinds, shelf

OBS_COLUMNS = ["region_code", "indicator_id", "year", "value", "dataset_id", "note", "provenance"]
OFFICIAL_COLUMNS = ["region_code", "indicator_id", "year", "value", "dataset_id", "note", "precedence"]
DATASET_COLUMNS = ["id", "title", "origin", "license", "source_url", "loaded_at", "rows", "sha256", "grade",
                   "cite", "provenance", "filename"]
KECAMATAN_COLUMNS = ["code", "name", "short_name", "province"]
FIRST_ORDER = 100_000      # uploaded indicators sort after every built-in one
MAX_DATABASES = 32


def indicator(row: dict, order: int = FIRST_ORDER, decimals: int = 2) -> Indicator:
    """A catalog.Indicator for an uploaded indicator (observed, no metro aggregation); ``row``
    has id, dataset_id, name, unit, higher_is_better, source, title (shelf.observations)."""
    name = str(row.get("name") or row.get("title") or row["id"])
    unit = str(row.get("unit") or "")
    hib = row.get("higher_is_better")
    hib = None if hib is None or pd.isna(hib) else bool(hib)
    source = row.get("source")
    source = None if source is None or (isinstance(source, float) and pd.isna(source)) else str(source)
    defs = {lang: t("unggah.definition", lang, dataset=row.get("dataset_id") or "") for lang in ("id", "en")}
    return Indicator(id=row["id"], theme="uploaded", kind="observed", name_id=name, name_en=name, short_id=name,
                     short_en=name, unit_id=unit, unit_en=unit, definition_id=defs["id"], definition_en=defs["en"],
                     higher_is_better=hib, aggregation="none", weight_indicator=None, weight_year=None,
                     numerator=None, denominator=None, derivation=None, formula_id=None, formula_en=None,
                     decimals=decimals, source_note=source, sort_order=order)


def _text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value) or None


def _link(text: str | None) -> str | None:
    """Only an http(s) address is a link (anything else, such as 'Dinas uji', is not)."""
    return text if text and text.lower().startswith(("http://", "https://")) else None


@dataclass(frozen=True)
class Uploads:
    """Uploaded rows shaped like the store's tables; ``indicators`` are the catalog entries."""

    indicator: pd.DataFrame
    observation: pd.DataFrame
    dataset: pd.DataFrame
    kecamatan: pd.DataFrame
    indicators: dict = field(default_factory=dict)
    signature: str = "none"
    official: pd.DataFrame = field(default_factory=lambda: _official_frame([]))

    def with_kecamatan(self, kecamatan: pd.DataFrame | None) -> "Uploads":
        """The same uploads with the kecamatan regions (code, name, short_name, province)."""
        kec = (pd.DataFrame(columns=KECAMATAN_COLUMNS) if kecamatan is None
               else kecamatan[KECAMATAN_COLUMNS].astype(str).reset_index(drop=True))
        digest = hashlib.sha256(self.signature.encode())
        digest.update(pd.util.hash_pandas_object(kec, index=False).to_numpy().tobytes())
        return replace(self, kecamatan=kec, signature=_short(digest) if len(kec) or self.signature != "none" else "none")


def _short(digest) -> str:
    return digest.hexdigest()[:24]


def _official_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Official refresh figures (built-in indicator ids), newest dataset first: one figure per
    (region, indicator, year), the newest refresh's."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=OFFICIAL_COLUMNS).astype({"year": "int64", "value": "float64", "precedence": bool})
    frame = pd.concat(parts, ignore_index=True)[OFFICIAL_COLUMNS]
    frame = frame[frame["value"].notna()].drop_duplicates(["region_code", "indicator_id", "year"])
    return frame.astype({"year": "int64", "value": "float64", "precedence": bool}).reset_index(drop=True)


def _official_dataset(dataset_id: str, meta: dict, rows: int) -> dict:
    """The dataset row of an official refresh: its title, BPS as origin, the first table's URL
    (never with the key)."""
    tables = (meta.get("official") or {}).get("tables") or [{}]
    title = _text(meta.get("title")) or str(dataset_id)
    return {"id": str(dataset_id), "title": title, "origin": _text((meta.get("official") or {}).get("origin")),
            "license": None, "source_url": _link(_text(tables[0].get("url"))), "loaded_at": None, "rows": rows,
            "sha256": _text(meta.get("sha256")), "grade": meta.get("grade") if meta.get("grade") in grades.GRADES
            else "official", "cite": _text(meta.get("source")) or title,
            "provenance": "official", "filename": _text(meta.get("filename"))}


def build(parts: list[tuple[str, dict, pd.DataFrame, pd.DataFrame, str]]) -> Uploads:
    """An Uploads bundle from (dataset id, meta, observations, indicators, provenance) parts, where
    observations/indicators are as shelf.records_frames gives them. Figures without a value
    or a year are left out, and a repeated (region, indicator, year) keeps its first figure, as
    the store's primary key would."""
    obs_parts, ind_rows, ds_rows, indicators, official = [], [], [], {}, []
    digest = hashlib.sha256()
    for dataset_id, meta, obs, inds, provenance in parts:
        digest.update(json.dumps([dataset_id, provenance, meta], sort_keys=True, default=str).encode())
        digest.update(pd.util.hash_pandas_object(obs.astype(str), index=False).to_numpy().tobytes())
        digest.update(pd.util.hash_pandas_object(inds.astype(str), index=False).to_numpy().tobytes())
        if provenance == "official":
            official.append(obs)
            ds_rows.append(_official_dataset(dataset_id, meta, int(obs["value"].notna().sum())))
            continue
        good = obs[obs["value"].notna() & obs["year"].notna()].drop_duplicates(["region_code", "indicator_id", "year"])
        obs_parts.append(pd.DataFrame({
            "region_code": good["region_code"].astype(str).to_numpy(),
            "indicator_id": good["indicator_id"].astype(str).to_numpy(),
            "year": good["year"].astype("int64").to_numpy(), "value": good["value"].astype("float64").to_numpy(),
            "dataset_id": str(dataset_id),
            "note": good["preliminary"].map(lambda p: "preliminary" if bool(p) else None).astype(object).to_numpy(),
            "provenance": provenance}, columns=OBS_COLUMNS))
        for row in inds.to_dict("records"):
            figures = obs.loc[obs["indicator_id"] == row["id"], "value"]
            ind = indicator(row, order=FIRST_ORDER + len(ind_rows), decimals=decimals_for(figures))
            indicators[ind.id] = ind
            ind_rows.append(vars(ind))
        first = inds.iloc[0].to_dict() if len(inds) else dict(meta)
        title, source = _text(first.get("title")) or str(dataset_id), _text(first.get("source"))
        ds_rows.append({"id": str(dataset_id), "title": title, "origin": source, "license": None,
                        "source_url": _link(source), "loaded_at": None, "rows": len(good),
                        "sha256": _text(meta.get("sha256")), "grade": grades.of_metadata(meta),
                        "cite": source or title, "provenance": provenance,
                        "filename": _text(meta.get("filename"))})
    obs_parts = [o for o in obs_parts if len(o)]
    observation = (pd.concat(obs_parts, ignore_index=True) if obs_parts
                   else pd.DataFrame(columns=OBS_COLUMNS).astype({"year": "int64", "value": "float64"}))
    return Uploads(indicator=pd.DataFrame(ind_rows, columns=COLUMNS), observation=observation,
                   dataset=pd.DataFrame(ds_rows, columns=DATASET_COLUMNS),
                   kecamatan=pd.DataFrame(columns=KECAMATAN_COLUMNS), indicators=indicators,
                   signature=_short(digest) if ds_rows else "none", official=_official_frame(official))


def saved_parts() -> list[tuple]:
    """The saved workspace datasets as build() parts, newest first as listed, each read as its kind
    says (jabodash.store.kinds; an unreadable workspace counts as empty, a damaged dataset or one
    of an unknown kind is skipped)."""
    parts = []
    for item in kinds.saved():
        obs, inds = item.kind.frames(item.dataset.id, item.meta, item.dataset.records)
        if len(obs) if item.kind.provenance == "official" else len(inds):
            parts.append((item.dataset.id, item.meta, obs, inds, item.kind.provenance))
    return parts


def session_parts(entries: dict | None) -> list[tuple]:
    """A session's uploads ({session id: {"meta", "records"}}) as build() parts."""
    parts = []
    for sid, entry in (entries or {}).items():
        obs, inds = shelf.records_frames(str(sid), entry["meta"], entry["records"])
        if len(inds):
            parts.append((str(sid), entry["meta"], obs, inds, "session"))
    return parts


def collect(session: dict | None = None, kecamatan: pd.DataFrame | None = None) -> Uploads:
    """The saved workspace datasets, then the session's uploads (and the kecamatan regions)."""
    return build(saved_parts() + session_parts(session)).with_kecamatan(kecamatan)


EMPTY = build([])


# ---------------------------------------------------------------------------
# the databases: one per bundle
# ---------------------------------------------------------------------------

_DATABASES: OrderedDict[tuple[str, str], duckdb.DuckDBPyConnection] = OrderedDict()
_LOCK = threading.Lock()
VIEWS_FILE = QUERIES_DIR / "overlay" / "views.sql"          # the layered base tables
DERIVED_FILE = QUERIES_DIR / "schema" / "02_views.sql"     # the store's derived views, over them
DERIVED_BUILTIN_FILE = QUERIES_DIR / "overlay" / "derived_builtin.sql"   # the same without a refresh
FIGURES_FILE = QUERIES_DIR / "overlay" / "figures.sql"     # observation_all and the shown_* macros


def overlay(store_path: Path, uploads: Uploads) -> duckdb.DuckDBPyConnection:
    """The in-memory database for ``uploads`` over the store file (created on first use)."""
    key = (str(store_path), uploads.signature)
    with _LOCK:
        con = _DATABASES.get(key)
        if con is None:
            con = _open(store_path, uploads)
            _DATABASES[key] = con
            while len(_DATABASES) > MAX_DATABASES:
                _DATABASES.popitem(last=False)   # not closed: a running cursor keeps it alive
        _DATABASES.move_to_end(key)
        return con


def _open(store_path: Path, uploads: Uploads) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS builtin (READ_ONLY)", [str(store_path)])
        for name, frame in (("indicator", uploads.indicator), ("observation", uploads.observation),
                            ("dataset", uploads.dataset), ("kecamatan", uploads.kecamatan),
                            ("official", uploads.official)):
            con.register(f"_upload_{name}", frame)
        derived = DERIVED_FILE if len(uploads.official) else DERIVED_BUILTIN_FILE
        for path in (VIEWS_FILE, derived, FIGURES_FILE):
            con.execute(path.read_text(encoding="utf-8"))
        for name in ("indicator", "observation", "dataset", "kecamatan", "official"):
            con.unregister(f"_upload_{name}")
    except BaseException:
        con.close()
        raise
    return con


def forget(store_path: Path | None = None) -> None:
    """Drop the databases (of one store file, or all)."""
    with _LOCK:
        for key in [k for k in _DATABASES if store_path is None or k[0] == str(store_path)]:
            _DATABASES.pop(key).close()
