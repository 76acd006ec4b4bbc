"""Shared Streamlit widgets: page setup, sidebar, pickers, KPI cards, source footnotes.

The only module of jabodash/ that imports streamlit. Pages call page_setup() first; it reads
the view from the URL, draws the shared sidebar (language, region set) and returns the
ViewState. At the end of a page, sync_url(state) writes the view back to the URL.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from jabodash import charts
from jabodash.cluster import session as cluster_session
from jabodash.core import catalog as catalog_mod
from jabodash.core import csvsafe, grades
from jabodash.core import state as state_mod
from jabodash.core.i18n import LANGUAGES, t
from jabodash.core.textsafe import md_escape
from jabodash.features.unggah import SESSION_KEY as UPLOADS_KEY
from jabodash.presenter import exports, views
from jabodash.store import Store, get_store, overlay, shelf
from jabodash.store.datasource import DataSource, cached_kecamatan

VIEW_KEY = "_jabodash_view"


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


def query(name: str, **params) -> pd.DataFrame:
    """queries/<name>.sql over the built-in data and this session's uploads (cached), with the
    "official figures only" switch as the named parameter $official_only."""
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
    return cached_kecamatan(query)


def kecamatan_regions() -> pd.DataFrame | None:
    """The kecamatan of the cached boundaries as a regions frame, or None without them."""
    return _kecamatan_regions(_boundary_version("kecamatan"))


def get_indicator(indicator_id: str) -> catalog_mod.Indicator:
    return data_source().indicator(indicator_id)


def indicator_values(indicator_id: str, year: int, region_set: str, level: str = "kabkota") -> pd.DataFrame:
    return data_source().values(indicator_id, year, region_set, level)


def indicator_series(indicator_id: str, region_set: str) -> pd.DataFrame:
    return data_source().series(indicator_id, region_set)


def indicator_years(indicator_id: str, region_set: str, level: str = "kabkota") -> pd.DataFrame:
    return data_source().years(indicator_id, region_set, level)


def region_profile(code: str) -> tuple[pd.DataFrame, dict]:
    """Every figure of one kab/kota, built-in and uploaded, and the catalog naming them all
    (mapview.profile_table's arguments)."""
    src = data_source()
    return src.profile(code), src.catalog()


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


def current_lang() -> str:
    view = st.session_state.get(VIEW_KEY)
    raw = st.query_params.get("lang") or (view.lang if view else None)
    return raw if raw in LANGUAGES else "id"


def _leave_pages_directory_mode() -> None:
    """Route a page run that bypassed app.py back through it.

    The page scripts live in a top-level `pages/` folder. Until app.py has called
    st.navigation once in this server, Streamlit (1.67, pinned) still runs its old automatic
    multipage mode for that folder: a deep link as the first request runs the page file
    alone, without app.py's navigation and sidebar, and every later deep link too. When this
    page starts in that mode, switch the mode off and rerun: the rerun goes through app.py,
    whose st.navigation resolves the same URL (the same page hash: both derive it from the
    url path) to this page with the full shell.

    The mode is one server-wide flag, read when a run starts. A second session whose run
    started in that mode before the first session switched it off finds the flag already off,
    so the run itself is checked too: only the old mode lists app.py (the main script) among
    the pages; app.py's st.navigation never does.
    """
    manager = get_script_run_ctx().pages_manager
    main = _resolved(manager.main_script_path)
    bypassed = any(_resolved(page["script_path"]) == main for page in manager.get_pages().values())
    if PagesManager.uses_pages_directory or bypassed:
        PagesManager.uses_pages_directory = False
        st.rerun()


@lru_cache(maxsize=64)
def _resolved(path: str) -> Path:
    return Path(path).resolve()


def page_setup(page_id: str) -> state_mod.ViewState:
    """Read the view from the URL (or the last view of this session when the URL is empty,
    as after a page switch), draw the shared sidebar, show notices for bad parameters."""
    _leave_pages_directory_mode()
    indicators = set(indicator_table()["id"])
    regions = set(query("regions", region_set="agglomeration")["code"])
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    had_upload_marker = cluster_session.take_marker(params)
    parsed = state_mod.from_params(params, indicators, regions)
    state = parsed.state
    if not params and VIEW_KEY in st.session_state:
        state = st.session_state[VIEW_KEY]

    # Re-assigning keeps the choice across page switches (widget ids differ per page, so
    # Streamlit would otherwise reset the radios to their first option).
    for widget, value in (("w_lang", state.lang), ("w_region_set", state.region_set),
                          (OFFICIAL_KEY, state.official)):
        st.session_state[widget] = st.session_state.get(widget, value)
    with st.sidebar:
        st.radio(t("sidebar.language", state.lang), LANGUAGES, key="w_lang",
                 format_func=lambda code: t(f"sidebar.lang.{code}", code), horizontal=True)
        lang = st.session_state["w_lang"]
        st.radio(t("sidebar.region_set", lang), state_mod.REGION_SETS, key="w_region_set",
                 format_func=lambda code: t(f"region_set.{code}", lang))
        st.caption(t(f"region_set.help.{st.session_state['w_region_set']}", lang))
        official_switch(lang)
    state = replace(state, lang=lang, region_set=st.session_state["w_region_set"],
                    official=official_only())
    if state.presenter:
        st.html(views.PRESENTER_CSS)  # a constant: no user text reaches it
    for param, value, reason in parsed.notices:
        st.toast(t(reason, lang, param=param, value=md_escape(value, 60)))
    if cluster_session.note_reconnect(had_upload_marker, st.session_state) and page_id != "unggah":
        st.warning(t("cluster.uploads_lost", lang))
    st.session_state[VIEW_KEY] = state
    return state


def official_switch(lang: str) -> None:
    """The sidebar switch "Hanya angka resmi / Official figures only" (jabodash.core.grades)."""
    st.toggle(t("grade.switch", lang), key=OFFICIAL_KEY, help=t("grade.switch_help", lang))
    if official_only():
        st.caption(t("grade.active", lang))


def sync_url(state: state_mod.ViewState) -> None:
    """Write the view to the URL so that a reload or a shared link shows the same view."""
    st.session_state[VIEW_KEY] = state
    with st.sidebar.expander(t("common.share_link", state.lang)):
        st.code(views.share_url(st.context.url or "", state), language=None, wrap_lines=True)
    wanted = {**state_mod.to_params(state), **cluster_session.marker(st.session_state)}
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)


def lost_uploads_notice(lang: str) -> None:
    """On the upload page: say plainly that this session's earlier unsaved uploads are gone (a new
    session after a worker stopped or a reload; see jabodash.cluster.session), until a new upload."""
    if cluster_session.lost(st.session_state):
        st.warning(t("cluster.uploads_lost", lang))


def _init(key: str, value) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _indicator_choices(level: str, lang: str, themes: tuple[str, ...] | None,
                       extra: tuple[tuple[str, str], ...]) -> tuple[list[str], dict[str, str]]:
    """(options, id -> label) of the indicator picker."""
    table = indicator_table(level)
    table = table[(table["max_regions"] > 0) & (table["kind"] != "flow")]
    if themes:
        table = table[table["theme"].isin(themes)]
    names = table["name_en" if lang == "en" else "name_id"]
    labels = dict(extra)
    labels.update((i, f"{t('theme.' + theme, lang)} · {name}")
                  for i, theme, name in zip(table["id"], table["theme"], names))
    return list(labels), labels


def indicator_picker(state: state_mod.ViewState, key: str = "w_indicator", themes: tuple[str, ...] | None = None,
                     label_key: str = "picker.indicator", level: str = "kabkota",
                     extra: dict[str, str] | None = None) -> str:
    """The uploaded indicators are listed too (theme "uploaded"); see indicator_table.
    ``extra`` ({id: label}) are listed first (e.g. the area from the boundaries at kecamatan).
    The options and labels are made once per data version and language."""
    lang = state.lang
    options, labels = per_data_version("indicator_choices", _indicator_choices, level, lang,
                                       tuple(themes) if themes else None, tuple((extra or {}).items()))
    default = state.indicator if state.indicator in labels else options[0]
    if st.session_state.get(key) not in labels:
        st.session_state[key] = default
    return st.selectbox(t(label_key, lang), options, key=key, format_func=labels.__getitem__)


def year_picker(state: state_mod.ViewState, indicator_id: str, key: str = "w_year",
                level: str = "kabkota") -> int | None:
    lang = state.lang
    years = indicator_years(indicator_id, state.region_set, level)
    if years.empty:
        st.info(t("common.no_years", lang))
        return None
    options = [int(y) for y in years["year"]]
    counts = dict(zip(options, years["regions_with_value"]))
    kec = kecamatan_regions() if level == "kecamatan" else None
    total = len(kec) if kec is not None else len(query("regions", region_set=state.region_set))
    if st.session_state.get(key) not in options:
        st.session_state[key] = state.year if state.year in options else max(options)
    return st.selectbox(t("picker.year", lang), options, key=key,
                        format_func=lambda y: f"{y} ({t('common.coverage', lang, covered=counts[y], total=total)})")


# KPI values at Streamlit's 2.25rem are cut off ("67,24 – 86…") when five cards share a
# 1280-1440 px screen: the size follows the viewport (about 24 px at 1280, 27 px at 1440, the
# full 36 px from 1900), and a value still too wide wraps at its spaces instead of an ellipsis.
KPI_CSS = """<style>
[data-testid="stMetricValue"] { font-size: clamp(1.25rem, 1.9vw, 2.25rem); }
[data-testid="stMetricValue"] > div { white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""


def kpi_card(column, label: str, value: str, detail: str, help_text: str | None = None) -> None:
    with column:
        st.html(KPI_CSS)  # a constant: no user text reaches it
        st.metric(label, value, help=help_text)
        st.caption(md_escape(detail, 200))


def definition_box(ind: catalog_mod.Indicator, lang: str) -> None:
    with st.expander(t("common.definition", lang)):
        st.markdown(f"**{md_escape(ind.name(lang))}** ({md_escape(ind.unit(lang))})")
        st.write(md_escape(ind.definition(lang), 2000))
        formula = ind.formula(lang)
        if formula:
            st.caption(t("common.formula", lang) + ": " + md_escape(formula, 500))
        st.caption(t("common.direction", lang) + ": " + catalog_mod.direction_label(ind, lang))
        if ind.source_note:
            st.caption(t("common.source_note", lang) + ": " + md_escape(ind.source_note, 1000))


def source_lines(frame: pd.DataFrame, lang: str) -> list[str] | None:
    """The lines of sources_footnote: each source behind a figure (plain text) with its grade;
    None for a frame without sources (no list drawn)."""
    if frame.empty or "dataset_id" not in frame:
        return None
    src = frame[frame["value"].notna()].drop_duplicates(["dataset_id", "grade"] if "grade" in frame else "dataset_id")
    lines = []
    for row in src.itertuples():
        text = t("chart.derived_long", lang) if row.dataset_id == "derived" else md_escape(row.source, 300)
        label = grades.label(getattr(row, "grade", None), lang)
        lines.append(f"{text} · {t('grade.column', lang)}: **{label}**" if label else text)
    return lines


def sources_footnote(frame: pd.DataFrame, lang: str) -> None:
    """List the sources behind a figure (titles and links as plain text), each with its provenance
    grade (jabodash.core.grades; a derived figure's is the weakest of its inputs)."""
    sources_list(source_lines(frame, lang), lang)


def sources_list(lines: list[str] | None, lang: str) -> None:
    """The sources list of source_lines (made earlier, e.g. once per data version)."""
    if lines is None:
        return
    with st.expander(t("common.sources", lang, n=len(lines))):
        for line in lines:
            st.caption(line)


def image_downloads(make_figure, file_stem: str, lang: str, key: str = "dl", width: int = 1920,
                    height: int = 1080) -> None:
    """PNG/SVG/PDF buttons: ``make_figure()`` is called and rendered by kaleido with the system
    Chromium only when a button is clicked (never on a rerun). Without Chromium, a note."""
    if exports.chromium_path() is None:
        st.caption(t("export.unavailable", lang) + " " + t("export.toolbar_hint", lang))
        return
    for column, fmt in zip(st.columns(len(exports.FORMATS)), exports.FORMATS):
        column.download_button(t(f"export.{fmt}", lang), key=f"{key}_{fmt}", mime=exports.MIME[fmt],
                               file_name=f"{file_stem}_{width}x{height}.{fmt}", on_click="ignore", width="stretch",
                               data=lambda fmt=fmt: exports.to_image(make_figure(), fmt, width, height))


def csv_download(frame: pd.DataFrame | Callable[[], pd.DataFrame], filename: str, lang: str, key: str) -> None:
    """The CSV is made only when the button is clicked (never on a rerun); ``frame`` may be a
    function making the table, so that a big one is not built on every rerun either."""
    def data() -> bytes:
        return csvsafe.to_safe_csv(frame() if callable(frame) else frame)
    st.download_button(t("common.download_csv", lang), data, file_name=filename, mime="text/csv", key=key,
                       on_click="ignore")
