"""Upload (Unggah): read an analyst's table, report what was understood, correct, use or save.

File text is shown only through st.dataframe or Markdown-escaped; logic lives in jabodash/features/unggah.py.
"""
import streamlit as st

from jabodash import ui
from jabodash.core.i18n import t
from jabodash.features import unggah
from jabodash.ui import sasaran as targets_ui
from jabodash.ui import unggah as unggah_ui
from jabodash.ui import workspace

state = ui.page_setup("unggah")
lang = state.lang
ss = st.session_state
st.title(t("unggah.title", lang))
st.caption(t("unggah.intro", lang) + " " + t("unggah.limit", lang, mb=f"{unggah.upload_limit() / 2**20:g}"))
ui.lost_uploads_notice(lang)

with st.expander(t("unggah.template.heading", lang)):
    st.caption(t("unggah.template.help", lang))
    files = ui.per_data_version("unggah.starter_files", lambda *_: unggah.starter_files(lang), lang)   # not per session
    for col, (key, label, data, filename, mime) in zip(st.columns(4), files):
        col.download_button(label, data, file_name=filename, mime=mime, key=key)
    targets_ui.template_button(lang)   # a targets file (indicator, region, target year, value, source)

up = st.file_uploader(t("unggah.uploader", lang), type=["csv", "tsv", "txt", "xlsx"], key="u_file")
if up is not None and ss.get("_u_file_id") != up.file_id:  # a new file: forget the old corrections
    ss["_u_file_id"] = up.file_id
    ss[unggah.RAW_KEY] = (up.name, up.getvalue())
    for key in unggah.reset_keys(ss):
        del ss[key]
unggah.restore(ss)
raw = ss.get(unggah.RAW_KEY)
if targets_ui.is_targets_upload(raw):   # a targets file: checked and used on the targets page, not read as figures
    targets_ui.take_upload(raw, lang)
    raw = None
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

    unggah_ui.corrections(result, lang)

    if point_rep is not None:
        unggah_ui.points_report(point_rep, names, lang)
    if result.unmatched:
        unggah_ui.unmatched_mapping(result, regions, names, lang)
    if len(mapped := unggah.mapped_table(ss.get(unggah.MAPPING_KEY, {}), names, lang)):
        st.dataframe(mapped, hide_index=True, key="u_mapped")

if result is not None and result.ok:
    unggah_ui.describe_and_use(result, meta, records, raw, lang)

st.caption(t("unggah.session_list", lang, n=len(ss.get(unggah.SESSION_KEY, {}))))
workspace.saved_datasets(lang)
unggah.keep(ss)
ui.sync_url(state)
