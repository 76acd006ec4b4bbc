"""The one door to figures for pages and widgets: the built-in tables, the saved datasets and this
session's uploads through the same named queries (jabodash.store.datasource.DataSource).

* :func:`data_source` - this run's DataSource (``query``, ``regions``, ``values``, ``series``,
  ``years``, ``metro``, ``profile``, ``indicator``, ``catalog``, ``table``), cached per session bundle
  and with the sidebar switch "official figures only".
* :func:`indicator_table`, :func:`kecamatan_regions` - the pickers' tables, made once per data version.
* :func:`per_data_version` - anything built from figures (a chart, a table) made once per data
  version and view and shared by the sessions that see the same data.
* :func:`uploaded_data`, :func:`data_version` - the session's bundle and its version.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from jabodash import charts
from jabodash.features.unggah import SESSION_KEY as UPLOADS_KEY
from jabodash.official import dataset as _refresh_kind  # noqa: F401 - registers the BPS refresh kind
from jabodash.store import Store, get_store, overlay, shelf
from jabodash.store.datasource import DataSource, cached_kecamatan


@st.cache_resource(show_spinner=False)
def store() -> Store:
    return get_store()


# --- data: the built-in tables and this session's uploads, through the same named queries ------
# A session's bundle (uploads.Uploads) holds the saved workspace datasets and the session's
# uploads; every query runs over it (store.overlay). The query cache is shared by all sessions,
# so its key carries the bundle's signature (a digest of every uploaded row): a session's
# unsaved upload never reaches another session's results.

_BUNDLE_KEY = "_jabodash_upload_bundle"


@st.cache_resource(show_spinner=False, max_entries=8)
def _saved_parts(signature: tuple) -> list:
    """The saved workspace datasets (read again when the workspace listing changes)."""
    return overlay.saved_parts()


@st.cache_resource(show_spinner=False, max_entries=8)
def _saved_bundle(signature: tuple) -> overlay.Uploads:
    """The bundle of a session without uploads of its own: the saved workspace datasets only,
    built once per workspace listing and shared by every such session (do not mutate)."""
    return overlay.build(_saved_parts(signature))


def _workspace_signature() -> tuple:
    try:
        return shelf.listing_signature()
    except Exception:  # an unreadable workspace must not break every page
        return ("unreadable",)


def uploaded_data() -> overlay.Uploads:
    """This session's bundle: the saved workspace datasets and this session's uploads. Made again
    only when either changes (the session's entries are compared by identity; the memo holds
    them, so an identity is never reused while it is kept)."""
    entries = st.session_state.get(UPLOADS_KEY) or {}
    signature = _workspace_signature()
    held = list(entries.items())
    memo = st.session_state.get(_BUNDLE_KEY)
    if memo is not None and memo[0] == signature and len(memo[1]) == len(held) and all(
            a == c and b is d for (a, b), (c, d) in zip(memo[1], held)):
        return memo[2]
    own = overlay.session_parts(entries)
    # without uploads of its own a session's bundle is the saved datasets' (shared: no rebuild
    # of the same frames and digest in every new session)
    bundle = overlay.build(_saved_parts(signature) + own) if own else _saved_bundle(signature)
    st.session_state[_BUNDLE_KEY] = (signature, held, bundle)
    return bundle


@st.cache_data(show_spinner=False, max_entries=512)
def _query(name: str, signature: str, _uploads: overlay.Uploads, **params) -> pd.DataFrame:
    return store().query_with(_uploads, name, **params)


def _runner(bundle: overlay.Uploads):
    def run(name: str, **params) -> pd.DataFrame:
        return _query(name, bundle.signature, bundle, **params)
    return run


OFFICIAL_KEY = "w_official"


def official_only() -> bool:
    """The sidebar switch "official figures only" (jabodash.core.grades), kept in the URL."""
    return bool(st.session_state.get(OFFICIAL_KEY, False))


def _query_now(name: str, **params) -> pd.DataFrame:
    """queries/<name>.sql over the built-in data and this session's uploads (cached)."""
    bundle = uploaded_data()
    params.setdefault("official_only", official_only())
    return _query(name, bundle.signature, bundle, **params)


def data_source() -> DataSource:
    """This call's DataSource: the cached queries over the built-in data, the saved workspace
    datasets and this session's uploads (see jabodash/store/datasource.py), with the switch
    "official figures only"."""
    return DataSource(_runner, uploaded_data(), kecamatan_regions, official_only())


# --- built once per version of the data, not per rerun --------------------------------------------
# What the pickers, the URL check and the profile read is made once per data version and shared
# by the sessions that see the same data (st.cache_resource: the same object every rerun, so
# callers must not mutate it). The version is data_version(): the bundle's signature (built-in
# data, saved datasets and this session's uploads) and the cached kecamatan boundaries; a filter
# of the view that changes what the tables hold belongs in it too.

def _boundary_version(level: str) -> str | None:
    # imported here: jabodash.geo.boundaries loads geopandas, which not every page needs
    from jabodash.geo import boundaries
    bset = boundaries.load_cached(level)   # two stat calls once read (see geo/boundaries/cache.py)
    return None if bset is None else str(bset.meta.get("sha256"))


# Session-state keys of sidebar switches that change what the tables hold (e.g. a switch that
# keeps official figures only): their values are part of data_version, so nothing built for one
# setting is served for another. Add such a switch's widget key here.
DATA_FILTER_KEYS: tuple[str, ...] = ()


def data_version(bundle: overlay.Uploads | None = None) -> tuple:
    """The version of what the data reads return in this session: the bundle's signature, the
    cached boundaries and the sidebar's data filters (DATA_FILTER_KEYS)."""
    bundle = bundle if bundle is not None else uploaded_data()
    filters = tuple(st.session_state.get(key) for key in DATA_FILTER_KEYS)
    return (bundle.signature, _boundary_version("kabkota"), _boundary_version("kecamatan"), filters)


@st.cache_resource(show_spinner=False, max_entries=32)
def _indicator_table(version: tuple, level: str, _bundle: overlay.Uploads) -> pd.DataFrame:
    return DataSource(_runner, _bundle, kecamatan_regions).table(level=level)


def indicator_table(level: str = "kabkota") -> pd.DataFrame:
    """The indicators, the uploaded ones included (theme "uploaded"); at level="kecamatan" the
    uploaded indicators with kecamatan figures (DataSource.table). Shared: do not mutate."""
    bundle = uploaded_data()
    return _indicator_table(data_version(bundle), level, bundle)


@st.cache_resource(show_spinner=False, max_entries=4)
def _kecamatan_regions(version: str | None) -> pd.DataFrame | None:
    return cached_kecamatan(_query_now)


def kecamatan_regions() -> pd.DataFrame | None:
    """The kecamatan of the cached boundaries as a regions frame, or None without them."""
    return _kecamatan_regions(_boundary_version("kecamatan"))


@st.cache_resource(show_spinner=False, max_entries=256)
def _memo(version: tuple, name: str, args: tuple, _make):
    # its figures drawn again and again: Plotly's deep copy on every draw made once (charts.shared)
    return charts.shared(_make(*args))


def per_data_version(name: str, make, *args):
    """``make(*args)`` made once per data version and ``(name, args)`` (hashable args), shared
    by the sessions that see the same data: e.g. a region's profile table is computed when its
    region (or the data) changes, not on every rerun. Do not mutate what it returns (its plotly
    figures are charts.SharedFigure: their dict for st.plotly_chart is made once)."""
    bundle = uploaded_data()
    # the switch "official figures only" changes the data a figure shows: part of the key
    return _memo(data_version(bundle), name, (official_only(), *args), lambda _official, *rest: make(*rest))
