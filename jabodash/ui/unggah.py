"""The upload page's forms (pages/unggah.py; imports streamlit): the corrections, the region
mapping, the point counts and the description with use, save and download. File text is shown
only through st.dataframe or Markdown-escaped; the logic is in jabodash/features/unggah.py."""
from __future__ import annotations

import streamlit as st

from jabodash import ingest, ui
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import unggah
from jabodash.store import shelf
from jabodash.ui import workspace


def _map(value, key):
    st.session_state.setdefault(unggah.MAPPING_KEY, {})[value] = st.session_state[key]


def points_report(rep: unggah.PointReport, names: dict, lang: str) -> None:
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


def corrections(result, lang: str) -> None:
    """The corrections: which column plays which role, the layout, the sheet, the number format."""
    ss = st.session_state
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


def unmatched_mapping(result, regions, names: dict, lang: str) -> None:
    """A region (or skip) for every region value the reader did not match; the value is escaped."""
    st.subheader(t("unggah.mapping", lang))
    choices = unggah.unmatched_choices(regions)
    for item in result.unmatched:
        key = unggah.map_key(item["value"])
        st.selectbox(md_escape(item["value"], 80) + f" ({item['rows']})", choices, key=key, on_change=_map,
                     args=(item["value"], key), help=t("unggah.mapping_help", lang, suggestions=md_escape(
                         ", ".join(item.get("suggestion_names") or []) or "–", 300)),
                     format_func=lambda c: (t("unggah.skip", lang) if c == unggah.SKIP
                                            else f"{c} {names.get(c, '')}"))


def describe_and_use(result, meta: dict, records, raw: tuple, lang: str) -> None:
    """The description (name, unit, source, direction, year) and use, save, download."""
    ss = st.session_state
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
        if workspace.save_allowed(lang) and st.button(t("unggah.save", lang), key="u_save", disabled=not len(records)):
            if workspace.act("dataset.save", raw[0], lambda: shelf.save_dataset(
                    result, raw[1], raw[0], meta, records=records), lang):
                st.success(t("unggah.saved", lang, name=md_escape(meta["indicator"], 200)))
    with b3:
        ui.csv_download(lambda: unggah.cleaned_table(result, records, lang), "jabodash_upload_cleaned.csv", lang,
                        key="u_download")  # 10,000,000 records: ~1 s and ~1 GB if made on every rerun
