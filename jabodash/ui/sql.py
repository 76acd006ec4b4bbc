"""The Konsol SQL page: read-only DuckDB queries over the data and this session's uploads.

One jabodash.sql.Sandbox per browser session in st.session_state (never st.cache_resource: uploads
stay in their session); its worker ends with the session. The session keeps only the rows shown;
the worker spools the rest to disk and the downloads are made from it when clicked. Here: the
sandbox, the examples and schema panel, and the result with its downloads. Query text and DuckDB messages go
through st.code or md_escape, never Markdown."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from jabodash import sql
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import unggah
from jabodash.store import database_path, shelf
from jabodash.ui import shell, widgets

BOX_KEY, RESULT_KEY, EDITOR_KEY = "_sql_sandbox", "_sql_result", "sql_query"


def render(state) -> None:
    lang = state.lang
    st.title(t("sql.page.title", lang))
    st.caption(t("sql.page.intro", lang))
    box = sandbox(lang)
    st.caption(box.limits_text(lang))
    main, side = st.columns([3, 2])
    with side:
        examples = side_panel(box, lang)
    with main:
        if EDITOR_KEY not in st.session_state:
            st.session_state[EDITOR_KEY] = examples[0].sql_for(lang) if examples else "SELECT * FROM region"
        query = st.text_area(t("sql.page.editor", lang), key=EDITOR_KEY, height=220,
                             help=t("sql.page.editor_help", lang))
        if st.button(t("sql.page.run", lang), key="sql_run", type="primary"):
            st.session_state.pop(RESULT_KEY, None)  # the old result (and its spooled rows) goes first
            with st.spinner(t("sql.page.running", lang)):
                st.session_state[RESULT_KEY] = box.run(query)
        st.subheader(t("sql.page.result", lang))
        if st.session_state.get(RESULT_KEY) is not None:
            show_result(st.session_state[RESULT_KEY], lang)
    shell.sync_url(state)


def session_uploads() -> dict:
    """{sql name: (frame, title)} of this session's uploads: the upload page's entries
    (unggah.SESSION_KEY: {id: {"meta": {...}, "records": DataFrame}}), else st.session_state["uploads"]."""
    raw = st.session_state.get(unggah.SESSION_KEY) or st.session_state.get("uploads") or {}
    out: dict = {}
    for key, value in (raw.items() if isinstance(raw, dict) else []):
        meta = value.get("meta", {}) if isinstance(value, dict) else {}
        frame, title = value if isinstance(value, tuple) else (value, meta.get("title") or key)
        frame = value.get("records") if isinstance(value, dict) else frame
        if isinstance(frame, pd.DataFrame):
            name = sql.table_name(str(meta.get("filename") or key), taken=out)
            out[name] = (frame, str(title or key))
    return out


def session_active(session_id: str) -> bool:
    """False once the browser session has ended (the SQL worker's reaper asks; sql does not import streamlit)."""
    from streamlit import runtime
    return not runtime.exists() or runtime.get_instance().is_active_session(session_id)


def session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.session_id


def sandbox(lang: str) -> sql.Sandbox:
    """This session's sandbox; a new one (the old one closed) when the data file or the saved
    datasets changed, since the sandbox reads the saved datasets when it starts."""
    box, made_for = st.session_state.get(BOX_KEY), st.session_state.get(BOX_KEY + "_for")
    wanted = (str(database_path()), tuple(sorted(m.get("id", "") for m in shelf.list_datasets())))
    if box is not None and made_for != wanted:
        box.close()
        box = None
    if box is None:
        with st.spinner(t("sql.page.starting", lang)):
            sql.set_session_probe(session_active)
            box = sql.Sandbox(owner=session_id())
        st.session_state[BOX_KEY], st.session_state[BOX_KEY + "_for"] = box, wanted
    box.sync_uploads(session_uploads())
    return box


def load_example(sql_by_id: dict) -> None:
    st.session_state[EDITOR_KEY] = sql_by_id[st.session_state["sql_example"]]


def show_result(result: sql.Result, lang: str) -> None:
    if not result.ok:
        problem = result.error
        label = {"refused": "refused", "timeout": "stopped", "memory": "stopped"}.get(problem.kind, "failed")
        st.error(f"**{t('sql.page.' + label, lang)}** · " + md_escape(problem.text(lang), 3000))
        if problem.context():
            st.code(problem.context(), language=None)
        return
    st.caption(md_escape(result.summary(lang)))
    if result.notice(lang):
        st.warning(md_escape(result.notice(lang), 1000))
    if result.rows == 0:
        st.info(t("sql.result.no_rows", lang))
    else:
        st.dataframe(result.df, hide_index=True, key="sql_result_table")
    left, right = st.columns(2)  # made when clicked, from the rows the worker spooled to disk
    left.download_button(t("sql.page.download_csv", lang), result.to_csv, file_name=result.download_name("csv"),
                         mime="text/csv", key="sql_dl_csv")
    right.download_button(t("sql.page.download_parquet", lang), result.to_parquet,
                          file_name=result.download_name("parquet"), mime="application/vnd.apache.parquet",
                          key="sql_dl_parquet")


def side_panel(box: sql.Sandbox, lang: str) -> list:
    """The examples (loaded into the editor) and the schema browser; returns the examples."""
    st.subheader(t("sql.page.examples", lang))
    examples = sql.examples()
    titles = {ex.id: ex.title(lang) for ex in examples}
    widgets.choice(st.selectbox, t("sql.page.example_pick", lang), titles, key="sql_example", format_func=titles.get)
    st.button(t("sql.page.load_example", lang), key="sql_load", on_click=load_example,
              args=({ex.id: ex.sql_for(lang) for ex in examples},))
    st.subheader(t("sql.page.schema", lang))
    st.caption(t("sql.page.schema_help", lang))
    relations = box.schema(lang)
    if not box.uploads:
        st.caption(t("sql.page.no_uploads", lang))
    overview = box.schema_frame(lang)[["name", "kind", "description"]]
    st.dataframe(overview.rename(columns={c: t(f"sql.page.schema_{c}", lang) for c in overview.columns}),
                 hide_index=True, key="sql_schema_table",
                 column_config={t("sql.page.schema_description", lang): st.column_config.TextColumn(width="large")})
    by_name = {r.name: r for r in relations}
    picked = st.selectbox(t("sql.page.columns", lang), list(by_name), key="sql_schema_pick")
    if picked:
        rel = by_name[picked]
        rows = "" if rel.rows is None else " · " + t("sql.page.rows", lang, rows=rel.rows)
        st.caption(md_escape(rel.description + rows, 1000))
        st.dataframe(pd.DataFrame(rel.columns, columns=[t("sql.page.column", lang), t("sql.page.type", lang)]),
                     hide_index=True, key="sql_columns_table")
    return examples
