"""Widgets for the shared workspace (imports streamlit; used by pages/unggah.py and pages/peta.py).

* :func:`confirmed`: a button whose action runs only after a second, explicit confirmation that
  says what changes for everyone;
* :func:`act`: run a change of shared data, record it in the audit log (jabodash.store.access)
  with this session's id, and say the result;
* :func:`saved_datasets`: the saved datasets, the damaged ones included (marked, with the reason
  and a way to remove them), with rename and delete unless the workspace is read-only;
* :func:`cache_notice`: once per session, that the cache folder is not writable.

Titles and other user text reach the screen Markdown-escaped or through st.text only.
"""
from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from jabodash.core import paths
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import unggah
from jabodash.store import access, shelf

_DONE_KEY = "_jabodash_workspace_done"
_CACHE_NOTICE_KEY = "_jabodash_cache_notice"


def session_id() -> str:
    ctx = get_script_run_ctx()
    return str(getattr(ctx, "session_id", None) or "unknown")


def confirmed(key: str, label: str, question: str, lang: str, disabled: bool = False) -> bool:
    """A button (``key``) that asks ``question`` (already escaped) before it acts: True only on
    the run in which the analyst confirmed."""
    armed = f"{key}__armed"
    if st.button(label, key=key, disabled=disabled):
        st.session_state[armed] = True
    if not st.session_state.get(armed) or disabled:
        return False
    st.warning(question)
    yes, no = st.columns(2)
    if yes.button(t("workspace.confirm", lang), key=f"{key}__yes", type="primary"):
        del st.session_state[armed]
        return True
    if no.button(t("workspace.cancel", lang), key=f"{key}__no"):
        del st.session_state[armed]
        st.rerun()
    return False


def act(action: str, target: str, do, lang: str, done: str | None = None, extra: dict | None = None,
        describe=None):
    """Run ``do()`` as a recorded change of shared data. On success, ``done`` (escaped text) is
    said after the rerun; a failure is said at once, translated. Returns do()'s value or None.
    ``extra`` and ``describe``: see jabodash.store.access.audited."""
    try:
        value = access.audited(action, target, session_id(), do, extra, describe)
    except shelf.WorkspaceError as exc:
        st.error(t("workspace.failed", lang, reason=md_escape(exc.text(lang), 300)))
        return None
    except OSError as exc:
        st.error(t("workspace.failed", lang, reason=md_escape(type(exc).__name__, 80)))
        return None
    if done is not None:
        st.session_state[_DONE_KEY] = done + " " + t("workspace.recorded", lang)
        st.rerun()
    return value


def save_allowed(lang: str) -> bool:
    """False (with the reason as a caption) when the workspace is read-only for the app."""
    if access.read_only():
        st.caption(t("workspace.readonly_save", lang))
        return False
    return True


def saved_datasets(lang: str) -> None:
    """The saved datasets, then the damaged ones; rename and delete unless read-only."""
    st.subheader(t("unggah.saved_list", lang))
    if done := st.session_state.pop(_DONE_KEY, None):
        st.success(done)
    try:
        saved, damaged = shelf.list_datasets(with_problems=True)
    except OSError as exc:
        st.warning(t("workspace.unreadable", lang, reason=md_escape(type(exc).__name__, 80)))
        return
    readonly = access.read_only()
    if readonly:
        st.info(t("workspace.readonly", lang))
    if not saved and not damaged:
        st.caption(t("unggah.no_saved", lang))
    for meta in saved:
        _saved_entry(meta, lang, readonly)
    for problem in damaged:
        _damaged_entry(problem, lang, readonly)


def _saved_entry(meta: dict, lang: str, readonly: bool) -> None:
    ds, title = meta["id"], md_escape(meta["title"], 120)
    with st.expander(f"{title} · {ds}"):
        st.text(unggah.saved_summary(meta, lang))
        if readonly:
            return
        new = st.text_input(t("unggah.rename", lang), value=meta["title"], key=f"u_title_{ds}", max_chars=200)
        c1, c2 = st.columns(2)
        with c1:
            if confirmed(f"u_rename_{ds}", t("unggah.rename_button", lang), t(
                    "workspace.confirm_rename", lang, title=title, id=ds, new=md_escape(new, 200)), lang,
                    disabled=not new.strip() or new == meta["title"]):
                act("dataset.rename", f"{ds} -> {new}", lambda: shelf.rename_dataset(ds, new), lang,
                    t("workspace.renamed", lang, id=ds))
        with c2:
            if confirmed(f"u_delete_{ds}", t("unggah.delete", lang),
                         t("workspace.confirm_delete", lang, title=title, id=ds), lang):
                act("dataset.delete", ds, lambda: shelf.delete_dataset(ds), lang, t("workspace.deleted", lang, id=ds))


def _damaged_entry(problem: shelf.DatasetCorrupt, lang: str, readonly: bool) -> None:
    ds = str(problem.params.get("id"))
    detail = t(f"ingest.workspace.damage.{problem.params.get('reason')}", lang)
    with st.expander("⚠ " + t("workspace.damaged_title", lang, id=ds)):
        st.warning(t("workspace.damaged_readonly" if readonly else "workspace.damaged", lang, id=ds, detail=detail))
        if not readonly and confirmed(f"u_delete_{ds}", t("unggah.delete", lang),
                                      t("workspace.confirm_delete", lang, title=ds, id=ds), lang):
            act("dataset.delete", f"{ds} (damaged: {problem.params.get('reason')})",
                lambda: shelf.delete_dataset(ds), lang, t("workspace.deleted", lang, id=ds))


def cache_notice(lang: str) -> None:
    """Say once per session that the cache folder is not writable (and a temporary one is used)."""
    fallback = paths.cache_fallback()
    if fallback is None or st.session_state.get(_CACHE_NOTICE_KEY):
        return
    st.session_state[_CACHE_NOTICE_KEY] = True
    st.warning(t("workspace.cache_readonly", lang, path=md_escape(str(fallback.configured), 200),
                 reason=t(f"workspace.cache_reason.{fallback.kind}", lang)))


def audited(action: str, target: str, do):
    """``do()`` recorded in the audit log with this session's id and its result (errors go on)."""
    return access.audited(action, target, session_id(), do)


def boundaries_locked(lang: str) -> bool:
    """True (said plainly) when the workspace is read-only: no boundary import or download."""
    if access.read_only():
        st.info(t("workspace.readonly_boundaries", lang))
        return True
    return False


def boundary_buttons(lang: str, level: str, has_file: bool, replacing: bool, locked: bool) -> tuple[bool, bool]:
    """(import, download) asked for: after a confirmation when boundaries of ``level`` are cached
    already (both replace them for everyone); never when ``locked``."""
    if locked:
        return False, False
    if not replacing:
        return (st.button(t("peta.import", lang), key="b_import", disabled=not has_file),
                st.button(t("peta.fetch", lang), key="b_fetch"))
    question = t("workspace.confirm_boundaries", lang, level=t(f"peta.level_{level}", lang))
    return (confirmed("b_import", t("peta.import", lang), question, lang, disabled=not has_file),
            confirmed("b_fetch", t("peta.fetch", lang), question, lang))
