"""A page's set-up and its URL: page_setup() reads the view from the URL (or the session's last
view), draws the shared sidebar (language, region set, "official figures only") and returns the
ViewState; sync_url() writes the view back to the URL and shows the share link. Also the guard
against Streamlit's old pages-directory mode (see _leave_pages_directory_mode)."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from jabodash.core import state as state_mod
from jabodash.core.i18n import LANGUAGES, t
from jabodash.core.textsafe import md_escape
from jabodash.features import unggah
from jabodash.presenter import views
from jabodash.ui import source

VIEW_KEY = "_jabodash_view"
PREVIOUS_VIEW_KEY = "_jabodash_previous_view"


def previous_view() -> state_mod.ViewState | None:
    """The view this session showed before this run's page_setup (e.g. of the page visited before)."""
    return st.session_state.get(PREVIOUS_VIEW_KEY)


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
    st.session_state[PREVIOUS_VIEW_KEY] = st.session_state.get(VIEW_KEY)
    indicators = set(source.indicator_table()["id"])
    regions = set(source.data_source().regions("agglomeration")["code"])
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    had_upload_marker = unggah.take_unsaved_marker(params)
    parsed = state_mod.from_params(params, indicators, regions)
    state = parsed.state
    if not params and VIEW_KEY in st.session_state:
        state = st.session_state[VIEW_KEY]

    # Re-assigning keeps the choice across page switches (widget ids differ per page, so
    # Streamlit would otherwise reset the radios to their first option).
    for widget, value in (("w_lang", state.lang), ("w_region_set", state.region_set),
                          (source.OFFICIAL_KEY, state.official)):
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
                    official=source.official_only())
    st.html(LABEL_CSS)   # a constant: no user text reaches it
    if state.presenter:
        st.html(views.PRESENTER_CSS)  # a constant: no user text reaches it
    for param, value, reason in parsed.notices:
        st.toast(t(reason, lang, param=param, value=md_escape(value, 60)))
    if unggah.note_reconnect(had_upload_marker, st.session_state) and page_id != "unggah":
        st.warning(t("cluster.uploads_lost", lang))
    st.session_state[VIEW_KEY] = state
    return state


# A toggle's or checkbox's label longer than its column wraps instead of ending in an ellipsis
# (Streamlit cuts it: "OpenStreetMap backgroun…" beside the map at 1440 px).
LABEL_CSS = """<style>
[data-testid="stCheckbox"] .stMarkdownEllipsis, [data-testid="stCheckbox"] .stMarkdownEllipsis p {
  white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""


def official_switch(lang: str) -> None:
    """The sidebar switch "Hanya angka resmi / Official figures only" (jabodash.core.grades)."""
    st.toggle(t("grade.switch", lang), key=source.OFFICIAL_KEY, help=t("grade.switch_help", lang))
    if source.official_only():
        st.caption(t("grade.active", lang))


def sync_url(state: state_mod.ViewState, link: bool = True) -> None:
    """Write the view to the URL so that a reload or a shared link shows the same view; ``link``:
    also the sidebar's link to it (once per run: a page's second fragment passes False)."""
    st.session_state[VIEW_KEY] = state
    if link:
        with st.sidebar.expander(t("common.share_link", state.lang)):
            st.code(views.share_url(st.context.url or "", state), language=None, wrap_lines=True)
    wanted = {**state_mod.to_params(state), **unggah.unsaved_marker(st.session_state)}
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)


def lost_uploads_notice(lang: str) -> None:
    """On the upload page: say plainly that this session's earlier unsaved uploads are gone (a new
    session after a worker stopped or a reload; see jabodash.features.unggah), until a new upload."""
    if unggah.uploads_lost(st.session_state):
        st.warning(t("cluster.uploads_lost", lang))
