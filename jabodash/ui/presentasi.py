"""The story editor of the Presentasi page (pages/presentasi.py; imports streamlit): the story's
title, adding the last visited view as a step, moving and removing steps, download, upload and
reload of a shipped story. The logic: jabodash/features/presentasi.py; titles and notes are
Markdown-escaped there or reach the screen as widget values only."""
from __future__ import annotations

import streamlit as st

from jabodash import ui
from jabodash.core import state as state_mod
from jabodash.core.i18n import t
from jabodash.features import presentasi as ed
from jabodash.presenter import stories


def editor_panel(editor: ed.Editor, shown, shipped: list, view_state: state_mod.ViewState, lang: str) -> None:
    """The editor column; ``view_state`` is the view that "add" makes a step of."""
    story, step_no, total = shown.story, shown.step_no, shown.total
    st.subheader(t("presentasi.editor.title", lang), anchor=False)
    if message := editor.pop_message():
        (st.error if message[0] == "error" else st.success)(message[1])
    if shown.entry["modified"]:
        st.info(t("presentasi.modified", lang))
    if shown.entry["origin"] == "uploaded":
        st.caption(t("presentasi.uploaded_story", lang))
    st.session_state["w_story_title"] = story.title
    st.text_input(t("presentasi.editor.story_title", lang), key="w_story_title", max_chars=stories.MAX_TITLE,
                  on_change=editor.rename, args=("w_story_title",))

    st.markdown(f"**{t('presentasi.editor.add_heading', lang)}**")
    st.caption(ed.current_view_text(view_state, ui.indicator_table(), lang))
    st.radio(t("presentasi.editor.kind", lang), stories.KINDS, key="w_new_kind", horizontal=True,
             format_func=lambda k: t(f"presentasi.kind.{k}", lang))
    st.text_input(t("presentasi.editor.step_title", lang), key="w_new_title", max_chars=stories.MAX_TITLE)
    st.text_area(t("presentasi.editor.step_note", lang), key="w_new_note", max_chars=stories.MAX_NOTE, height=80)
    st.button(t("presentasi.editor.add", lang), key="w_add_step", on_click=editor.add_current_view, args=(view_state,))

    st.markdown(f"**{t('presentasi.editor.steps', lang)}**")
    for index, item in enumerate(story.steps):
        label, up, down, rm = st.columns([6, 1, 1, 1], vertical_alignment="center")
        label.markdown(ed.step_label(index, item, step_no, lang))
        up.button(t("presentasi.editor.up", lang), key=f"w_up_{index}", disabled=index == 0,
                  on_click=editor.move, args=(index, -1), width="stretch")
        down.button(t("presentasi.editor.down", lang), key=f"w_down_{index}", disabled=index == total - 1,
                    on_click=editor.move, args=(index, 1), width="stretch")
        rm.button(t("presentasi.editor.remove", lang), key=f"w_rm_{index}", disabled=total <= 1,
                  on_click=editor.remove, args=(index,), width="stretch",
                  help=t("presentasi.editor.remove_last", lang) if total <= 1 else None)

    st.download_button(t("presentasi.editor.download", lang), stories.dump_story(story).encode("utf-8"),
                       file_name=f"{story.name}.toml", mime="application/toml", key="dl_story", on_click="ignore")
    loaded, problem = editor.take_upload(st.file_uploader(
        t("presentasi.editor.upload", lang, kb=stories.MAX_BYTES // 1024), type=["toml"], key="w_story_upload",
        max_upload_size=1))
    if problem:
        st.error(problem)
    if loaded:
        st.rerun()
    if shipped:
        pick, go = st.columns([3, 1], vertical_alignment="bottom")
        pick.selectbox(t("presentasi.editor.pick", lang), shipped, key="w_pick_story")
        go.button(t("presentasi.editor.reset", lang), key="w_reload_story", on_click=editor.reload_shipped,
                  args=("w_pick_story",), width="stretch")
