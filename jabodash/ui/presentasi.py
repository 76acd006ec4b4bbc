"""The Presentasi page: a story step by step on a projector, its exports and the story editor (the
story's title, adding the last visited view as a step, moving and removing steps, download, upload
and reload of a shipped story).

URL: ``story`` (a file in data/stories/, never a path), ``step`` (1-based), ``presenter=1`` (no
sidebar or Streamlit chrome, one large figure). The logic: jabodash/features/presentasi.py; titles
and notes are Markdown-escaped there or reach the screen as widget values only."""
from __future__ import annotations

import streamlit as st

from jabodash.brief import make
from jabodash.core import state as state_mod
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import presentasi as ed
from jabodash.presenter import exports, stories, views
from jabodash.ui import shell, source, widgets


def render(state) -> None:
    lang = state.lang
    src = source.data_source()
    check = ed.Check(indicators=lambda: source.indicator_table()["id"],  # built-in, saved and this session's uploads
                     years_of=lambda i: [int(y) for y in src.years(i, "agglomeration")["year"]])
    shipped = stories.list_stories()
    shown, notices = ed.open_story(st.session_state, state, shipped, check)
    for kind, text in notices:
        (st.error if kind == "error" else st.toast)(text)
    if shown is None:
        st.info(t("presentasi.no_story", lang))
        st.stop()
    state = shown.state
    editor = ed.Editor(st.session_state, st.query_params, shown, shipped, check, lang)
    data = show_step(state, shown, editor)
    # tools: contrast, exports, link (left); the story editor (right)
    if state.presenter:
        tools = editing = st.expander(t("presentasi.tools", lang))
    else:
        st.divider()
        tools, editing = st.columns(2, gap="large")
    with tools:
        tools_panel(state, shown, data)
    with editing:
        editor_panel(editor, shown, shipped, shell.previous_view() or state, lang)
    shell.sync_url(state)


def show_step(state, shown, editor: ed.Editor):
    """The step: heading, navigation, one large figure; returns the figure's data."""
    lang, story, step, step_no, total = state.lang, shown.story, shown.step, shown.step_no, shown.total
    if not state.presenter:
        st.title(t("presentasi.title", lang))
        st.caption(t("presentasi.subtitle", lang))
        st.markdown(f"**{t('presentasi.story', lang)}:** {md_escape(story.title_in(lang), 200)}")
    # the heading across the page, then one row: counter, previous, next (and the presenter's exit, in
    # view on a 1080 px screen): beside the heading, a 1280 px laptop cut the buttons' labels
    head = st.container()
    nav = st.columns([4, 1.5, 1.5, 1] if state.presenter else [4, 1.5, 1.5], vertical_alignment="center")
    counter, prev_col, next_col = nav[:3]
    exit_col = nav[3] if state.presenter else None
    head.subheader(md_escape(step.title_in(lang), 200), anchor=False)
    if step.note_in(lang):
        head.markdown(md_escape(step.note_in(lang), 600))
    counter.markdown(f"**{t('presentasi.step_counter', lang, n=step_no, total=total)}**")
    prev_col.button(t("presentasi.prev", lang), key="w_prev", disabled=step_no <= 1, on_click=editor.set_step,
                    shortcut="Left", args=(step_no - 1,), width="stretch")
    next_col.button(t("presentasi.next", lang), key="w_next", disabled=step_no >= total, on_click=editor.set_step,
                    shortcut="Right", args=(step_no + 1,), width="stretch", type="primary")
    # presenter layout: projector styling (type >= 20 px) at the height of the screen; otherwise the
    # dashboard's usual styling, so that the editor view stays compact
    fig, data = source.per_data_version(
        "presentasi.figure", lambda *_: shown.figure(source.data_source(), lang, presenter=state.presenter),
        shown.step_view, shown.step.kind, lang, state.presenter)   # not per session
    st.plotly_chart(fig, theme=None if state.presenter else "streamlit", key="presenter_figure",
                    config=exports.plotly_config(shown.file_stem))
    if exit_col is not None:
        exit_col.button(t("presentasi.exit_short", lang), key="w_exit", on_click=editor.set_presenter, args=(False,),
                       help=t("presentasi.exit_help", lang), width="stretch")
    else:
        st.button(t("presentasi.start", lang), key="w_start", on_click=editor.set_presenter, args=(True,),
                  type="primary")
    return data


def tools_panel(state, shown, data) -> None:
    lang = state.lang
    st.subheader(t("export.heading", lang), anchor=False)
    st.toggle(t("presentasi.high_contrast", lang), key=ed.CONTRAST_KEY, help=t("presentasi.high_contrast_help", lang))
    width, height = widgets.choice(st.selectbox, t("export.size", lang), exports.SIZES, key=ed.SIZE_KEY,
                                   format_func=lambda s: t("export.size_option", lang, w=s[0], h=s[1]))
    if exports.chromium_path() is None:
        st.warning(t("export.unavailable", lang))
        st.caption(t("export.toolbar_hint", lang))
    else:
        widgets.image_downloads(lambda: shown.figure(source.data_source(), lang, presenter=True, width=width,
                                                     height=height)[0], shown.file_stem, lang, "dl", width, height)
        st.caption(t("export.rendering", lang) + " " + t("export.toolbar_hint", lang))
    if not data.empty:
        widgets.csv_download(data, f"{shown.file_stem}.csv", lang, key="dl_csv")
    brief_panel(shown, lang)
    st.markdown(f"**{t('presentasi.share', lang)}**")
    st.code(views.share_url(st.context.url or "http://localhost:8501/presentasi", state), language=None,
            wrap_lines=True)
    st.caption(t("presentasi.share_help", lang))


def brief_panel(shown, lang: str) -> None:
    """The meeting brief of the whole story (deck, PDF) and this step as one slide."""
    st.markdown(f"**{t('brief.heading', lang)}**")
    deck = brief = step = st.container()   # one button a row: their labels are long
    widgets.brief_download(deck, t("brief.download_deck", lang), lambda: make.story_brief(
        source.data_source(), shown.story, "pptx", lang), shown.story.name, "pptx", "dl_brief_pptx", lang)
    if exports.chromium_path() is not None:   # the PDF is printed by Chromium
        widgets.brief_download(brief, t("brief.download_pdf", lang), lambda: make.story_brief(
            source.data_source(), shown.story, "pdf", lang), shown.story.name, "pdf", "dl_brief_pdf", lang)
    widgets.brief_download(step, t("brief.step_slide", lang), lambda: make.view_brief(
        source.data_source(), shown.step_view.with_(lang=lang), shown.step.kind, title=shown.step.title_in(lang)),
        shown.file_stem, "pptx", "dl_step_pptx", lang)


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
    st.caption(ed.current_view_text(view_state, source.indicator_table(), lang))
    widgets.choice(st.radio, t("presentasi.editor.kind", lang), stories.KINDS, key="w_new_kind", horizontal=True,
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
    loaded, problem = editor.take_upload(widgets.file_uploader(
        t("presentasi.editor.upload", lang, kb=stories.MAX_BYTES // 1024), lang, type=["toml"], key="w_story_upload",
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
