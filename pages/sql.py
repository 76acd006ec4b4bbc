"""SQL console (issue 7): read-only DuckDB queries over the data and this session's uploads.

One jabodash.sql.Sandbox per browser session in st.session_state (never st.cache_resource: uploads stay
in their session); its worker ends with the session. The session keeps only the rows shown; the worker
spools the rest to disk and the downloads are made from it when clicked. The widgets: jabodash/ui/sql.py."""
import streamlit as st

from jabodash import ui
from jabodash.core.i18n import t
from jabodash.ui import sql
from jabodash.ui.sql import EDITOR_KEY, RESULT_KEY

state = ui.page_setup("sql")
lang = state.lang
st.title(t("sql.page.title", lang))
st.caption(t("sql.page.intro", lang))
box = sql.sandbox(lang)
st.caption(box.limits_text(lang))
main, side = st.columns([3, 2])

with side:
    examples = sql.side_panel(box, lang)

with main:
    if EDITOR_KEY not in st.session_state:
        st.session_state[EDITOR_KEY] = examples[0].sql if examples else "SELECT * FROM region"
    query = st.text_area(t("sql.page.editor", lang), key=EDITOR_KEY, height=220, help=t("sql.page.editor_help", lang))
    if st.button(t("sql.page.run", lang), key="sql_run", type="primary"):
        st.session_state.pop(RESULT_KEY, None)  # the old result (and its spooled rows) goes first
        with st.spinner(t("sql.page.running", lang)):
            st.session_state[RESULT_KEY] = box.run(query)
    st.subheader(t("sql.page.result", lang))
    if st.session_state.get(RESULT_KEY) is not None:
        sql.show_result(st.session_state[RESULT_KEY], lang)
ui.sync_url(state)
