"""The Unggah page (upload): read an analyst's table, report what was understood, correct (the
corrections, the region mapping, the point counts), then describe, use, save or download it; the
saved datasets below. File text is shown only through st.dataframe or Markdown-escaped; the logic
is in jabodash/features/unggah.py."""
from __future__ import annotations

import streamlit as st

from jabodash import ingest
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import unggah
from jabodash.store import save_notes, shelf
from jabodash.ui import kerjasama as kerjasama_ui
from jabodash.ui import sasaran as sasaran_ui
from jabodash.ui import shell, source, widgets, workspace


def render(state) -> None:
    lang, ss = state.lang, st.session_state
    st.title(t("unggah.title", lang))
    st.caption(t("unggah.intro", lang) + " " + t("unggah.limit", lang, mb=f"{unggah.upload_limit() / 2**20:g}"))
    shell.lost_uploads_notice(lang)
    with st.expander(t("unggah.template.heading", lang)):
        st.caption(t("unggah.template.help", lang))
        files = source.per_data_version("unggah.starter_files", lambda *_: unggah.starter_files(lang), lang)   # not per session
        for col, (key, label, data, filename, mime) in zip(st.columns(4), files):
            col.download_button(label, data, file_name=filename, mime=mime, key=key)
        sasaran_ui.template_button(lang)   # a targets file: indicator, region, target year, value, source

    up = widgets.file_uploader(t("unggah.uploader", lang), lang, type=["csv", "tsv", "txt", "xlsx"], key="u_file")
    if up is not None and ss.get("_u_file_id") != up.file_id:  # a new file: forget the old corrections
        ss["_u_file_id"] = up.file_id
        ss[unggah.RAW_KEY] = (up.name, up.getvalue())
        for key in unggah.reset_keys(ss):
            del ss[key]
    unggah.restore(ss)
    raw = ss.get(unggah.RAW_KEY)
    if sasaran_ui.is_targets_upload(raw):   # a targets file: checked and used as targets, not read as figures
        sasaran_ui.take_upload(raw, lang)
        raw = None
    if raw:
        result, meta, records = report(raw, lang)
        if result.ok and (used := describe_and_use(result, meta, records, raw, lang)):
            state = state.with_(indicator=used)   # the map and the other pages open on the upload
    st.caption(t("unggah.session_list", lang, n=len(ss.get(unggah.SESSION_KEY, {}))))
    workspace.saved_datasets(lang)
    kerjasama_ui.upload_section(lang)   # agreement files join the cooperation register
    unggah.keep(ss)
    shell.sync_url(state)


def report(raw: tuple, lang: str):
    """What was understood of the file, its problems and the corrections; (result, meta, records)."""
    ss = st.session_state
    regions = source.data_source().regions("agglomeration")
    names = dict(zip(regions["code"], regions["name"]))
    result = unggah.read_cached(ss, raw[1], raw[0], unggah.options_from(ss, ss.get(unggah.MAPPING_KEY)))
    records, point_rep, meta = result.records, None, None
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
    columns = st.columns(5)
    for col, (key, n) in zip(columns, unggah.counts(result, records)):
        col.metric(t(f"ingest.label.{key}", lang), n)
    covered, total = unggah.region_coverage(result, records)
    columns[4].metric(t("unggah.regions", lang), t("unggah.regions_of", lang, covered=covered, total=total))
    if result.ok and covered < total:   # said in the report, not only in the plausibility check's fold
        st.info(t("unggah.partial", lang, covered=covered, total=total))
    st.dataframe(unggah.settings_table(result, lang), hide_index=True, key="u_settings")
    with st.expander(t("ingest.label.skipped", lang) + f" ({len(result.skipped)})", expanded=len(result.skipped) > 0):
        st.dataframe(unggah.skipped_table(result, lang), hide_index=True, key="u_skipped")
    plausibility(result, records, ss.get("u_desc_unit"), lang)
    with st.expander(t("ingest.label.preview", lang)):
        st.dataframe(result.preview, key="u_preview")
    corrections(result, lang)
    if point_rep is not None:
        points_report(point_rep, names, lang)
    if result.unmatched:
        unmatched_mapping(result, regions, names, lang)
    if len(mapped := unggah.mapped_table(ss.get(unggah.MAPPING_KEY, {}), names, lang)):
        st.dataframe(mapped, hide_index=True, key="u_mapped")
    return result, meta, records


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
            widgets.choice((c1 if i % 2 == 0 else c2).selectbox, t(f"ingest.label.{role}", lang), columns, key=key,
                           format_func=auto)
        widgets.choice(c1.selectbox, t("ingest.label.layout", lang), [unggah.AUTO, *ingest.LAYOUTS], key="u_layout",
                       format_func=lambda v: auto(v) if v == unggah.AUTO else t(f"ingest.layout.{v}", lang))
        if result.sheets:
            widgets.choice(c2.selectbox, t("ingest.label.sheet", lang), [unggah.AUTO, *result.sheets], key="u_sheet",
                           format_func=auto)
        for amb in result.ambiguous_columns:
            widgets.choice(st.radio, t("unggah.numfmt_for", lang, column=md_escape(amb["column"], 80)), ("id", "en"),
                           key=f"u_numfmt_{amb['column']}", horizontal=True, index=None,
                           format_func=lambda v: t(f"ingest.numfmt.{v}", lang))


def unmatched_mapping(result, regions, names: dict, lang: str) -> None:
    """A region (or skip) for every region value the reader did not match; the value is escaped."""
    st.subheader(t("unggah.mapping", lang))
    choices = unggah.unmatched_choices(regions)
    for item in result.unmatched:
        key = unggah.map_key(item["value"])
        suggestions = md_escape(", ".join(item.get("suggestion_names") or []) or "–", 300)
        widgets.choice(st.selectbox, md_escape(item["value"], 80) + f" ({item['rows']})", choices, key=key,
                       on_change=_map, args=(item["value"], key),
                       help=t("unggah.mapping_help", lang, suggestions=suggestions),
                       format_func=lambda c: t("unggah.skip", lang) if c == unggah.SKIP else f"{c} {names.get(c, '')}")


def describe_and_use(result, meta: dict, records, raw: tuple, lang: str) -> str | None:
    """The description (name, unit, source, direction, year) and use, save, download; the id of
    the indicator just put to use in the session (the pages' pickers then open on it), else None."""
    ss, used = st.session_state, None
    st.subheader(t("unggah.describe", lang))
    c1, c2 = st.columns(2)
    c1.text_input(t("ingest.label.indicator", lang), key="u_desc_name", max_chars=200)
    c2.text_input(t("ingest.label.unit", lang), key="u_desc_unit", max_chars=60)
    c1.text_input(t("ingest.label.source", lang), key="u_desc_source", max_chars=500)
    widgets.choice(c2.radio, t("unggah.direction", lang), unggah.DIRECTIONS, key="u_desc_dir", horizontal=True,
                   format_func=lambda d: t(f"unggah.dir_{d}", lang))
    if result.layout == "points":
        c1.number_input(t("unggah.year", lang), min_value=1900, max_value=2100, step=1, key="u_desc_year")
    b1, b2, b3 = st.columns(3)
    if b1.button(t("unggah.use", lang), key="u_use", type="primary", disabled=not len(records)):
        sid, entry = unggah.session_entry(result, meta, records)
        ss.setdefault(unggah.SESSION_KEY, {})[sid] = entry
        used = unggah.first_indicator(sid, entry)
        if used:
            widgets.pick_next(used)   # the pickers of the map and the overview open on it
        st.success(t("unggah.used", lang, name=md_escape(meta["indicator"], 200)))
        widgets.page_link("peta", t("unggah.open_map", lang))
    with b2:
        if workspace.save_allowed(lang) and st.button(t("unggah.save", lang), key="u_save", disabled=not len(records)):
            saved = workspace.act("dataset.save", raw[0], lambda: shelf.save_dataset(
                result, raw[1], raw[0], meta, records=records), lang, extra={"file": raw[0]}, describe=str)
            if saved:
                st.success(t("unggah.saved", lang, name=md_escape(meta["indicator"], 200)))
                same_name_notice(saved, lang)
    with b3:
        widgets.csv_download(lambda: unggah.cleaned_table(result, records, lang), "jabodash_upload_cleaned.csv", lang,
                        key="u_download")  # 10,000,000 records: ~1 s and ~1 GB if made on every rerun
    return used


def plausibility(result, records, unit: str | None, lang: str) -> None:
    """Coverage of the 15 regions per indicator and the figures flagged as implausible."""
    cov, flags, units, summary = unggah.plausibility_tables(result, records, unit, lang)
    if cov.empty:
        return
    label = t("unggah.plaus.heading", lang) + ": " + summary
    with st.expander(label, expanded=bool(len(flags) or units)):
        st.caption(t("unggah.plaus.help", lang))
        for text in units:
            st.warning(md_escape(text))
        st.dataframe(cov, hide_index=True, key="u_plaus_cov")
        if len(flags):
            st.dataframe(flags, hide_index=True, key="u_plaus_flags")
        else:
            st.caption(t("unggah.plaus.none", lang))


def same_name_notice(dataset_id: str, lang: str) -> None:
    """Say so when another saved dataset has the same name (two sessions saving one name at
    once keep both): its id and when it was saved, so that one can be renamed."""
    others = save_notes.same_title(dataset_id)
    if others:
        st.warning(t("unggah.same_name", lang, n=len(others), ids=md_escape(", ".join(
            f"{o['id']} ({str(o.get('created_at') or '')[:16]})" for o in others), 400)))
