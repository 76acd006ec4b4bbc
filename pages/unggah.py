"""Upload (Unggah): read an analyst's table, report what was understood, correct, use or save.

File text is shown only through st.dataframe or Markdown-escaped; logic lives in jabodash/features/unggah.py.
"""
import streamlit as st

from jabodash import ingest, ui
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import unggah
from jabodash.store import workspace
from jabodash.ui import sharing as workspace_ui

state = ui.page_setup("unggah")
lang = state.lang
ss = st.session_state
st.title(t("unggah.title", lang))
st.caption(t("unggah.intro", lang) + " " + t("unggah.limit", lang, mb=f"{unggah.upload_limit() / 2**20:g}"))
ui.lost_uploads_notice(lang)


def _map(value, key):
    ss.setdefault(unggah.MAPPING_KEY, {})[value] = ss[key]


def _points_report(rep: unggah.PointReport, names: dict) -> None:
    """Facilities counted per region; user text only through st.dataframe."""
    st.subheader(t("unggah.points_title", lang))
    if rep.basis is None:
        st.warning(t("unggah.points_no_boundaries", lang))
    elif rep.basis == "region_column":
        st.info(t("unggah.points_by_region", lang, column=md_escape(rep.region_column or "", 80)))
    st.caption(t("unggah.points_complete", lang))
    for col, (key, n) in zip(st.columns(4), unggah.point_figures(rep)):
        col.metric(t(f"unggah.{key}", lang), n)
    if len(rep.outside):
        st.caption(t("unggah.points_outside_list", lang))
        st.dataframe(unggah.outside_table(rep, lang), hide_index=True, key="u_outside")
    if "kabkota" in rep.counts:
        st.dataframe(unggah.point_counts_table(rep, names, lang), hide_index=True, key="u_point_counts")


with st.expander(t("unggah.template.heading", lang)):
    st.caption(t("unggah.template.help", lang))
    for col, (key, label, data, filename, mime) in zip(st.columns(4), unggah.starter_files(lang)):
        col.download_button(label, data, file_name=filename, mime=mime, key=key)

up = st.file_uploader(t("unggah.uploader", lang), type=["csv", "tsv", "txt", "xlsx"], key="u_file")
if up is not None and ss.get("_u_file_id") != up.file_id:  # a new file: forget the old corrections
    ss["_u_file_id"] = up.file_id
    ss[unggah.RAW_KEY] = (up.name, up.getvalue())
    for key in unggah.reset_keys(ss):
        del ss[key]
unggah.restore(ss)
raw = ss.get(unggah.RAW_KEY)
result = records = None
regions = ui.query("regions", region_set="agglomeration")
names = dict(zip(regions["code"], regions["name"]))
if raw:
    result = unggah.read_cached(ss, raw[1], raw[0], unggah.options_from(ss, ss.get(unggah.MAPPING_KEY)))
    records, point_rep = result.records, None
    if result.ok:  # the description's defaults now: point counts carry its name and year
        for key, value in unggah.describe_defaults(result).items():
            ss.setdefault(key, value)
        meta = unggah.meta_from(result, ss["u_desc_name"], ss["u_desc_unit"], ss["u_desc_dir"],
                                ss["u_desc_source"], ss.get("u_desc_year"))
        if result.layout == "points":
            records, point_rep = unggah.point_records(result, unggah.cached_boundaries(), meta["indicator"],
                                                      meta["year"])
    st.subheader(t("unggah.report", lang))
    for msg in result.errors:
        st.error(msg.markdown(lang))
    if not result.ok:
        st.warning(t("unggah.not_usable", lang))
    for msg in result.warnings:
        st.warning(msg.markdown(lang))
    for col, (key, n) in zip(st.columns(4), unggah.counts(result, records)):
        col.metric(t(f"ingest.label.{key}", lang), n)
    st.dataframe(unggah.settings_table(result, lang), hide_index=True, key="u_settings")
    with st.expander(t("ingest.label.skipped", lang) + f" ({len(result.skipped)})", expanded=len(result.skipped) > 0):
        st.dataframe(unggah.skipped_table(result, lang), hide_index=True, key="u_skipped")
    with st.expander(t("ingest.label.preview", lang)):
        st.dataframe(result.preview, key="u_preview")

    with st.expander(t("unggah.corrections", lang), expanded=not result.ok or bool(result.ambiguous_columns)):
        columns = [unggah.AUTO] + [str(c) for c in result.columns]
        auto = lambda v: t("unggah.auto", lang) if v == unggah.AUTO else v  # noqa: E731
        c1, c2 = st.columns(2)
        for i, role in enumerate(("region_column", "year_column", "indicator_column", "value_columns")):
            key = unggah.COLUMN_KEYS[i]
            if ss.get(key) not in columns:
                ss[key] = unggah.AUTO
            (c1 if i % 2 == 0 else c2).selectbox(t(f"ingest.label.{role}", lang), columns, key=key, format_func=auto)
        c1.selectbox(t("ingest.label.layout", lang), [unggah.AUTO, *ingest.LAYOUTS], key="u_layout",
                     format_func=lambda v: auto(v) if v == unggah.AUTO else t(f"ingest.layout.{v}", lang))
        if result.sheets:
            c2.selectbox(t("ingest.label.sheet", lang), [unggah.AUTO, *result.sheets], key="u_sheet", format_func=auto)
        for amb in result.ambiguous_columns:
            st.radio(t("unggah.numfmt_for", lang, column=md_escape(amb["column"], 80)), ("id", "en"),
                     key=f"u_numfmt_{amb['column']}", horizontal=True, index=None,
                     format_func=lambda v: t(f"ingest.numfmt.{v}", lang))

    if point_rep is not None:
        _points_report(point_rep, names)
    if result.unmatched:
        st.subheader(t("unggah.mapping", lang))
        choices = unggah.unmatched_choices(regions)
        for item in result.unmatched:
            key = unggah.map_key(item["value"])
            st.selectbox(md_escape(item["value"], 80) + f" ({item['rows']})", choices, key=key, on_change=_map,
                         args=(item["value"], key), help=t("unggah.mapping_help", lang, suggestions=md_escape(
                             ", ".join(item.get("suggestion_names") or []) or "–", 300)),
                         format_func=lambda c: (t("unggah.skip", lang) if c == unggah.SKIP
                                                else f"{c} {names.get(c, '')}"))
    if len(mapped := unggah.mapped_table(ss.get(unggah.MAPPING_KEY, {}), names, lang)):
        st.dataframe(mapped, hide_index=True, key="u_mapped")

if result is not None and result.ok:
    st.subheader(t("unggah.describe", lang))
    c1, c2 = st.columns(2)
    c1.text_input(t("ingest.label.indicator", lang), key="u_desc_name", max_chars=200)
    c2.text_input(t("ingest.label.unit", lang), key="u_desc_unit", max_chars=60)
    c1.text_input(t("ingest.label.source", lang), key="u_desc_source", max_chars=500)
    c2.radio(t("unggah.direction", lang), unggah.DIRECTIONS, key="u_desc_dir", horizontal=True,
             format_func=lambda d: t(f"unggah.dir_{d}", lang))
    if result.layout == "points":
        c1.number_input(t("unggah.year", lang), min_value=1900, max_value=2100, step=1, key="u_desc_year")
    b1, b2, b3 = st.columns(3)
    if b1.button(t("unggah.use", lang), key="u_use", type="primary", disabled=not len(records)):
        sid, entry = unggah.session_entry(result, meta, records)
        ss.setdefault(unggah.SESSION_KEY, {})[sid] = entry
        st.success(t("unggah.used", lang, name=md_escape(meta["indicator"], 200)))
    with b2:
        if workspace_ui.save_allowed(lang) and st.button(t("unggah.save", lang), key="u_save", disabled=not len(records)):
            if workspace_ui.act("dataset.save", raw[0], lambda: workspace.save_dataset(
                    result, raw[1], raw[0], meta, records=records), lang):
                st.success(t("unggah.saved", lang, name=md_escape(meta["indicator"], 200)))
    with b3:
        ui.csv_download(unggah.cleaned_table(result, records, lang), "jabodash_upload_cleaned.csv", lang, key="u_download")

st.caption(t("unggah.session_list", lang, n=len(ss.get(unggah.SESSION_KEY, {}))))
workspace_ui.saved_datasets(lang)
unggah.keep(ss)
ui.sync_url(state)
