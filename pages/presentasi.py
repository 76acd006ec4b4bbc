"""Presentasi: a story step by step on a projector, its exports and the story editor.

URL: ``story`` (a file in data/stories/, never a path), ``step`` (1-based), ``presenter=1`` (no
sidebar or Streamlit chrome, one large figure). The logic: jabodash/features/presentasi.py."""
import streamlit as st

from jabodash import ui
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import presentasi as ed
from jabodash.presenter import exports, stories, views
from jabodash.ui import presentasi

last_view = st.session_state.get(ui.VIEW_KEY)   # the view of the page visited before this one
state = ui.page_setup("presentasi")
lang = state.lang
check = ed.Check(indicators=lambda: ui.indicator_table()["id"],  # built-in, saved and this session's uploads
                 years_of=lambda i: [int(y) for y in ui.indicator_years(i, "agglomeration")["year"]])
shipped = stories.list_stories()
shown, notices = ed.open_story(st.session_state, state, shipped, check)
for kind, text in notices:
    (st.error if kind == "error" else st.toast)(text)
if shown is None:
    st.info(t("presentasi.no_story", lang))
    st.stop()
state, story, step, step_no, total = shown.state, shown.story, shown.step, shown.step_no, shown.total
editor = ed.Editor(st.session_state, st.query_params, shown, shipped, check, lang)

# --- the step: heading, navigation, one large figure --------------------------------------------
if not state.presenter:
    st.title(t("presentasi.title", lang))
    st.caption(t("presentasi.subtitle", lang))
    st.markdown(f"**{t('presentasi.story', lang)}:** {md_escape(story.title, 200)}")
head, counter, prev_col, next_col = st.columns([7, 1.6, 1.2, 1.2], vertical_alignment="center")
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
fig, data = ui.per_data_version("presentasi.figure", lambda *_: shown.figure(ui.data_source(), lang, presenter=state.presenter),
                                shown.step_view, shown.step.kind, lang, state.presenter)   # not per session
st.plotly_chart(fig, theme=None if state.presenter else "streamlit", key="presenter_figure",
                config=exports.plotly_config(shown.file_stem))
if state.presenter:
    st.button(t("presentasi.exit", lang), key="w_exit", on_click=editor.set_presenter, args=(False,),
              help=t("presentasi.exit_help", lang))
else:
    st.button(t("presentasi.start", lang), key="w_start", on_click=editor.set_presenter, args=(True,), type="primary")

# --- tools: contrast, exports, link (left); the story editor (right) ----------------------------
if state.presenter:
    tools = editing = st.expander(t("presentasi.tools", lang))
else:
    st.divider()
    tools, editing = st.columns(2, gap="large")
with tools:
    st.subheader(t("export.heading", lang), anchor=False)
    st.toggle(t("presentasi.high_contrast", lang), key=ed.CONTRAST_KEY, help=t("presentasi.high_contrast_help", lang))
    width, height = st.selectbox(t("export.size", lang), exports.SIZES, key=ed.SIZE_KEY,
                                 format_func=lambda s: t("export.size_option", lang, w=s[0], h=s[1]))
    if exports.chromium_path() is None:
        st.warning(t("export.unavailable", lang))
        st.caption(t("export.toolbar_hint", lang))
    else:
        ui.image_downloads(lambda: shown.figure(ui.data_source(), lang, presenter=True, width=width, height=height)[0],
                           shown.file_stem, lang, "dl", width, height)
        st.caption(t("export.rendering", lang) + " " + t("export.toolbar_hint", lang))
    if not data.empty:
        ui.csv_download(data, f"{shown.file_stem}.csv", lang, key="dl_csv")
    st.markdown(f"**{t('presentasi.share', lang)}**")
    st.code(views.share_url(st.context.url or "http://localhost:8501/presentasi", state), language=None,
            wrap_lines=True)
    st.caption(t("presentasi.share_help", lang))

with editing:
    presentasi.editor_panel(editor, shown, shipped, last_view or state, lang)

ui.sync_url(state)
