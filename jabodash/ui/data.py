"""Perbarui dari BPS / Refresh from BPS, the Data & metode page's section (imports streamlit; the
logic is in jabodash.official through jabodash.features.data): key, indicators, progress bar,
change report, save with precedence, the saved refreshes."""
from __future__ import annotations

import streamlit as st

from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import data
from jabodash.ui import store

_BPS_RESULT = "_jabodash_bps_refresh"


def refresh_section(lang: str) -> None:
    st.subheader(t("data.refresh.section", lang))
    st.caption(t("data.refresh.intro", lang))
    if data.bps_key_source() != "none":
        st.caption(t("data.refresh.key_from_env", lang))
    key = st.text_input(t("data.refresh.key", lang), type="password", key="w_bps_key", max_chars=128,
                        help=t("data.refresh.key_help", lang))
    remember = st.checkbox(t("data.refresh.remember", lang), key="w_bps_remember")
    options = data.bps_options()
    chosen = st.multiselect(t("data.refresh.indicators", lang), options, default=options, key="w_bps_indicators",
                            format_func=lambda i: data.indicator_label(i, lang))
    if st.button(t("data.refresh.run", lang), key="bps_run", disabled=not chosen):
        bar = st.progress(0.0, text=t("data.refresh.run", lang))

        def step(i, n, recipe):
            text = (t("data.refresh.progress", lang, i=i + 1, n=n, indicator=recipe.indicator, var=recipe.var,
                      domain=recipe.domain) if recipe is not None else t("data.refresh.run", lang))
            bar.progress(i / max(n, 1), text=md_escape(text))
        st.session_state[_BPS_RESULT] = data.bps_refresh(store(), key, chosen, remember, step)
    if st.session_state.get(_BPS_RESULT) is not None:
        _bps_report(st.session_state[_BPS_RESULT], lang)
    _bps_saved(lang)


def _bps_report(result, lang: str) -> None:
    read, failed = data.bps_lines(result, lang)
    if result.records:
        st.success(t("data.refresh.done", lang, records=len(result.records), tables=len(result.tables)))
    for line in read:
        st.caption(md_escape(line, 600))
    if failed:
        st.error(md_escape(t("data.refresh.errors", lang) + ": " + "; ".join(failed), 3000))
    if not result.records:
        return
    st.markdown(f"**{t('data.refresh.report', lang)}**")
    ch = result.changes
    st.caption(t("data.refresh.report_caption", lang, new=len(ch["new"]), changed=len(ch["changed"]),
                 same=ch["same"], conflicts=len(result.conflicts)))
    report = data.bps_report(result, lang)
    if report.empty:
        st.info(t("data.refresh.no_changes", lang))
    else:
        wide = {t(f"data.refresh.col.{c}", lang): st.column_config.TextColumn(width="medium")
                for c in ("old_source", "new_source")}
        st.dataframe(report, hide_index=True, key="bps_changes", column_config=wide)
    first = st.toggle(t("data.refresh.precedence", lang), key="w_bps_precedence",
                      help=t("data.refresh.precedence_help", lang))
    if st.button(t("data.refresh.save", lang), key="bps_save"):
        saved_id = data.bps_save(result, first)
        st.session_state.pop(_BPS_RESULT, None)
        st.success(t("data.refresh.saved", lang, id=saved_id))


def _bps_saved(lang: str) -> None:
    saved = data.bps_saved(lang)
    if saved:
        st.markdown(f"**{t('data.refresh.saved_list', lang)}**")
    for ds_id, line, on in saved:
        left, right = st.columns([4, 1])
        left.caption(md_escape(line, 300))
        if right.button(t("data.refresh.toggle", lang), key=f"bps_toggle_{ds_id}"):
            data.bps_set_precedence(ds_id, not on)
            st.rerun()
