"""Dataset kinds, and the one reader of the saved datasets (no streamlit, no higher package).

A saved dataset's meta.json names its kind (``kind``; none: an analyst's upload). A kind says how
its records are laid beside the built-in tables (:class:`Kind`): the store knows the analyst's
upload (:data:`UPLOAD`: its own indicators, ``upload.<dataset>.<slug>``); a package above the
store that saves another kind registers it (:func:`register`) when it is imported, so that the
store never imports it: jabodash.official registers the BPS refresh (figures under built-in
indicator ids, layered over the built-in ones). A dataset of a kind nobody registered in this
process is noted as damaged (reason ``kind_unknown``) and skipped: never read as something else.

:func:`saved` is the one reader of the saved datasets, for the pages (jabodash.store.overlay) and
the SQL console (jabodash.sql.relations): read again only when the workspace listing (or the set
of kinds) changes; a damaged dataset is noted again each time the memo is reused, as a fresh read
would (every command of the command line says it once).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from jabodash.store import shelf

Frames = Callable[[str, dict, pd.DataFrame], "tuple[pd.DataFrame, pd.DataFrame]"]


@dataclass(frozen=True)
class Kind:
    """How one kind of saved dataset is read.

    ``frames(dataset_id, meta, records)`` gives (observations, indicators) as
    jabodash.store.overlay.build takes them; ``provenance`` is "saved" (the dataset brings its own
    indicators) or "official" (figures under built-in indicator ids, laid over the built-in ones
    by queries/overlay/views.sql; observations with a ``note`` and a ``precedence`` column)."""
    name: str
    provenance: str
    frames: Frames


UPLOAD = Kind("upload", "saved", shelf.records_frames)
_KINDS: dict[str, Kind] = {UPLOAD.name: UPLOAD}


def register(kind: Kind) -> Kind:
    """Make a kind known (called by the package that saves it, when imported)."""
    _KINDS[kind.name] = kind
    return kind


def kind_of(meta: dict | None) -> Kind | None:
    """The kind of a saved dataset's meta; None when no package registered it."""
    return _KINDS.get((meta or {}).get("kind") or UPLOAD.name)


@dataclass(frozen=True)
class Saved:
    """One readable saved dataset: its meta, its records (shelf.Dataset) and its kind."""
    meta: dict
    dataset: shelf.Dataset
    kind: Kind


_MEMO: dict = {}   # {"key": (listing, kinds), "saved": [...], "damaged": [...]}
_MEMO_LOCK = threading.Lock()


def saved() -> list[Saved]:
    """Every readable saved dataset of a known kind, as listed (newest first); the list and its
    frames are shared: never mutate them."""
    try:
        listing = shelf.listing_signature()
    except OSError:
        listing = None   # unreadable: read (as empty) every time
    key = (listing, tuple(sorted(_KINDS)))
    with _MEMO_LOCK:
        if listing is not None and _MEMO.get("key") == key:
            for exc in _MEMO["damaged"]:
                shelf.note_damaged(exc)
            return list(_MEMO["saved"])
    out: list[Saved] = []
    damaged: list = []
    for meta, ds in shelf.readable_datasets(damaged):
        kind = kind_of(meta)
        if kind is None:
            exc = shelf.DatasetCorrupt("corrupt", id=ds.id, reason="kind_unknown", detail="kind unknown")
            shelf.note_damaged(exc)
            damaged.append(exc)
            continue
        out.append(Saved(meta, ds, kind))
    if listing is not None:
        with _MEMO_LOCK:
            _MEMO.update(key=key, saved=list(out), damaged=damaged)
    return out


def forget() -> None:
    """Drop the memo (tests that change the workspace behind the listing's back)."""
    with _MEMO_LOCK:
        _MEMO.clear()
