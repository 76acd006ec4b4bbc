"""The Data & metode page (data and methods): indicator catalog with search and theme filter, each
indicator's definition, formula, sources with link and licence, its figures for download, the
coverage matrix, the boundary attribution, the datasets, and "Perbarui dari BPS / Refresh from BPS"
(key, indicators, progress bar, change report, save with precedence, the saved refreshes; the
logic is in jabodash.official through jabodash.features.data). The analyst's uploads (saved and
this session's) are listed beside the built-in indicators (theme "uploaded")."""
from __future__ import annotations

import streamlit as st

from jabodash import charts
from jabodash.charts.data import coverage_matrix, coverage_years
from jabodash.core import fmt, grades
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import data, unggah
from jabodash.ui import shell, source, widgets

_BPS_RESULT = "_jabodash_bps_refresh"


def render(state) -> None:
    lang = state.lang
    st.title(t("data.title", lang))
    st.caption(t("data.subtitle", lang))
    st.subheader(t("data.section.catalog", lang))
    src = source.data_source()
    shown = catalog(state, src)
    grade_counts(state, src)
    options = data.indicator_options(shown)
    if not options:
        st.info(t("data.no_match", lang))
    else:
        state = indicator_detail(state, src, options)
        coverage(state, src, options)
    core_coverage(state, src)   # core set x regions: latest year and grade (issue 23)
    boundaries_section(lang)
    with st.expander(t("data.section.datasets", lang)):
        datasets = src.query("datasets")
        st.caption(t("data.datasets_caption", lang, n=len(datasets)))
        st.dataframe(data.datasets_view(datasets, lang), hide_index=True, key="meta_datasets",
                     column_config={t("data.col.link", lang): st.column_config.LinkColumn()})
    refresh_section(lang)   # Perbarui dari BPS / Refresh from BPS (jabodash.official)
    dukcapil_section(lang)  # Dukcapil GIS (jabodash.official.dukcapil): report, save as a dataset
    dapodik_section(lang)   # Dapodik recap (jabodash.official.dapodik): school counts, save as a dataset
    simdasi_section(lang)   # BPS SIMDASI (jabodash.official.simdasi): tables of an area, recipes
    shell.sync_url(state)


def catalog(state, src):
    """The catalog with its search and theme filter; returns the indicators shown."""
    lang = state.lang
    full = data.catalog_all(src, state.region_set)
    theme_options = data.theme_options(full)
    if any(x not in theme_options for x in st.session_state.get("w_meta_themes") or []):
        st.session_state["w_meta_themes"] = [x for x in st.session_state["w_meta_themes"] if x in theme_options]
    left, right = st.columns([3, 2])
    text = left.text_input(t("data.search", lang), key="w_meta_search", help=t("data.search_help", lang),
                           max_chars=100)
    themes = widgets.choice(right.multiselect, t("data.themes", lang), theme_options, key="w_meta_themes",
                            format_func=lambda x: t(f"theme.{x}", lang),
                            placeholder=t("data.themes_placeholder", lang))
    shown = data.search(full, text, themes)
    st.caption(t("data.shown", lang, n=len(shown), total=len(full)))
    st.dataframe(data.catalog_view(shown, lang), hide_index=True, key="meta_catalog")
    return shown


def grade_counts(state, src) -> None:
    """Figures per provenance grade and indicator."""
    lang = state.lang
    with st.expander(t("grade.counts_title", lang)):
        counts, totals = source.per_data_version("data.grade_counts", lambda rs: (
            lambda c: (c, data.grade_totals(c)))(data.grade_counts(src.query, rs)), state.region_set)
        st.caption(t("grade.counts_caption", lang) + " " + " · ".join(
            f"{grades.label(g, lang)}: {n:,}".replace(",", "." if lang == "id" else ",") for g, n in totals.items()))
        st.caption(t("grade.help", lang))
        st.dataframe(data.grade_counts_view(counts, lang), hide_index=True, key="meta_grades")
        widgets.csv_download(counts, "jabodash_figures_per_grade.csv", lang, key="dl_meta_grades")


def indicator_detail(state, src, options):
    """One indicator: its details, sources and figures; returns the view with it."""
    lang = state.lang
    st.subheader(t("data.section.detail", lang))
    if st.session_state.get("w_meta_indicator") not in options:
        st.session_state["w_meta_indicator"] = state.indicator if state.indicator in options else options[0]
    entries = src.catalog()
    ind = src.indicator(widgets.choice(st.selectbox, t("data.indicator", lang), options, key="w_meta_indicator",
                                       format_func=lambda i: data.indicator_label(i, lang, entries)))
    state = state.with_(indicator=ind.id)
    st.markdown(f"**{md_escape(ind.name(lang))}** · {md_escape(ind.id)}")
    for label, value in data.details(ind, lang):
        st.markdown(f"**{label}:** {md_escape(value, 3000)}")
    sources(src, ind, lang)
    figures(state, src, ind)
    return state


def sources(src, ind, lang: str) -> None:
    st.markdown(f"**{t('data.section.sources', lang)}**")
    if ind.derived:
        st.caption(t("data.sources_derived", lang))
    if unggah.is_uploaded(ind.id):
        st.caption(t("data.sources_uploaded", lang))
    known = data.upload_datasets(st.session_state.get(unggah.SESSION_KEY, {}))
    srcs = data.sources_of(src, ind.id, known)
    if srcs.empty:
        st.caption(t("data.sources_none", lang))
    else:
        st.dataframe(data.sources_view(srcs, lang), hide_index=True, key="meta_sources", column_config={
            t("data.col.source", lang): st.column_config.TextColumn(width="large"),
            t("data.col.link", lang): st.column_config.LinkColumn(width="medium"),
            t("data.col.licence", lang): st.column_config.TextColumn(width="medium")})


def figures(state, src, ind) -> None:
    lang = state.lang
    st.markdown(f"**{t('data.section.figures', lang)}**")
    frame = data.indicator_data_of(src, ind, state.region_set)
    if ind.kind == "flow":
        st.caption(t("data.flow_note", lang))
        st.dataframe(frame, hide_index=True, key="meta_flows")
    elif frame.empty:
        st.info(t("data.no_figures", lang))
    else:
        regions = src.regions(state.region_set)
        years_fig = source.per_data_version("data.coverage_years", lambda *_: coverage_years(frame, regions, ind, lang),
                                            ind.id, state.region_set, lang)   # built once per data version and view
        st.plotly_chart(years_fig, key="meta_years", config=charts.png_config(f"jabodash_coverage_{ind.id}"))
    st.caption(t("data.download_note", lang, n=len(frame)))
    widgets.csv_download(frame, f"jabodash_{ind.id}.csv", lang, key="dl_meta_indicator")


def coverage(state, src, options) -> None:
    lang = state.lang
    st.subheader(t("data.section.coverage", lang))
    cov = data.coverage_all(src, state.region_set, options)
    if not cov.empty:
        entries = src.catalog()
        st.caption(t("data.coverage.caption", lang, **data.coverage_summary(cov)))
        st.plotly_chart(source.per_data_version("data.coverage_matrix", lambda *_: coverage_matrix(cov, lang, entries),
                                                state.region_set, tuple(options), lang), key="meta_coverage",
                        config=charts.png_config("jabodash_coverage_matrix"))
        widgets.csv_download(cov, "jabodash_coverage.csv", lang, key="dl_meta_coverage")



def _share_args(share: dict, prefix: str, lang: str) -> dict:
    """A stored_share block as the caption's arguments: counts and share in the UI's number format."""
    return {f"{prefix}figures": fmt.number(share["figures"], 0, lang),
            f"{prefix}official": fmt.number(share["official_or_cited"], 0, lang),
            f"{prefix}share": f"{fmt.number(share['share'] * 100, 0, lang)} %"}


def core_coverage(state, src) -> None:
    """Latest year and grade per core indicator and region, following the official-only switch."""
    lang = state.lang
    st.subheader(t("data.core.title", lang))
    frame = data.core_coverage(src.query, state.region_set, official_only=src.official_only)
    counts = data.core_summary(frame)
    st.caption(t("data.core.caption", lang, gaps=counts["cells"] - counts["with_figure"], **counts))
    if src.official_only:
        st.caption(t("data.core.official_only", lang))
    share = data.stored_share(src.query)
    st.caption(t("data.core.stored", lang, **_share_args(share, "", lang)))
    levels = share["by_level"]
    if "kecamatan" in levels and "region" in levels:
        st.caption(t("data.core.stored_levels", lang, **_share_args(levels["region"], "region_", lang),
                     **_share_args(levels["kecamatan"], "kec_", lang)))
    table = data.core_matrix(frame, lang)
    st.dataframe(table, key="meta_core_coverage",
                 column_config={c: st.column_config.TextColumn(width="medium") for c in table.columns})
    if counts["with_figure"] < counts["cells"]:
        st.caption(t("data.core.gaps_howto", lang))
    widgets.csv_download(frame, "jabodash_core_coverage.csv", lang, key="dl_meta_core_coverage")


def boundaries_section(lang: str) -> None:
    st.subheader(t("data.section.boundaries", lang))
    infos = data.boundary_info()
    for info in infos:
        for line in data.boundary_lines(info, lang):
            st.caption(md_escape(line, 500))
    if not all(info.present for info in infos):
        st.caption(t("data.boundaries.howto", lang))
        st.code("python -m jabodash boundaries fetch --level all\n"
                "python -m jabodash boundaries import FILE --level kabkota", language="bash")


def refresh_section(lang: str) -> None:
    st.subheader(t("data.refresh.section", lang))
    st.caption(t("data.refresh.intro", lang))
    if data.bps_key_source() != "none":
        st.caption(t("data.refresh.key_from_env", lang))
    key = st.text_input(t("data.refresh.key", lang), type="password", key="w_bps_key", max_chars=128,
                        help=t("data.refresh.key_help", lang))
    remember = st.checkbox(t("data.refresh.remember", lang), key="w_bps_remember")
    options = data.bps_options()
    chosen = widgets.choice(st.multiselect, t("data.refresh.indicators", lang), options, default=options,
                            key="w_bps_indicators",
                            format_func=lambda i: data.indicator_label(i, lang))
    if st.button(t("data.refresh.run", lang), key="bps_run", disabled=not chosen):
        bar = st.progress(0.0, text=t("data.refresh.run", lang))

        def step(i, n, recipe):
            text = (t("data.refresh.progress", lang, i=i + 1, n=n, indicator=recipe.indicator, var=recipe.var,
                      domain=recipe.domain) if recipe is not None else t("data.refresh.run", lang))
            bar.progress(i / max(n, 1), text=md_escape(text))
        st.session_state[_BPS_RESULT] = data.bps_refresh(source.store(), key, chosen, remember, step)
    result = _result(_BPS_RESULT)
    if result is not None:
        _bps_report(result, lang)
    _bps_saved(lang)


def _failed(result, failed: list[str], lang: str) -> None:
    """The tables a refresh could not read: how many, then each (those failing alike in one line;
    the box is cut at 3,000 characters)."""
    st.error(md_escape(t("data.refresh.errors", lang, n=len(result.errors)) + ": " + "; ".join(failed), 3000))


def _bps_report(result, lang: str) -> None:
    read, failed = data.bps_lines(result, lang)
    if result.records:
        st.success(t("data.refresh.done", lang, records=len(result.records), tables=len(result.tables)))
    for line in read:
        st.caption(md_escape(line, 600))
    if failed:
        _failed(result, failed, lang)
    _changes(result, lang, "bps", _BPS_RESULT)


# What a source's change report says, by its widgets' prefix: (report caption, save button, saved message)
_CHANGE_STRINGS = {
    "bps": ("data.refresh.report_caption", "data.refresh.save", "data.refresh.saved"),
    "sim": ("data.refresh.report_caption", "data.refresh.save", "data.refresh.saved"),
    "duk": ("dukcapil.page.report_caption", "dukcapil.page.save", "dukcapil.cli.saved"),
    "dap": ("dapodik.page.report_caption", "dapodik.page.save", "dapodik.cli.saved"),
}


def _changes(result, lang: str, prefix: str, result_key: str) -> None:
    """A refresh's change report, the precedence switch and the save button (every source: :data:`_CHANGE_STRINGS`)."""
    if not result.records and not any(tb.get("refused") for tb in result.tables):
        return
    st.markdown(f"**{t('data.refresh.report', lang)}**")
    ch = result.changes
    caption, save_label, saved_message = _CHANGE_STRINGS[prefix]
    st.caption(t(caption, lang, new=len(ch["new"]), changed=len(ch["changed"]), same=ch["same"],
                 conflicts=len(result.conflicts)))
    report = data.bps_report(result, lang)
    if report.empty:
        st.info(t("data.refresh.no_changes", lang))
    else:
        wide = {t(f"data.refresh.col.{c}", lang): st.column_config.TextColumn(width="large" if c == "check" else "medium")
                for c in ("check", "old_source", "new_source")}
        widgets.table(report, lang, f"{prefix}_changes", column_config=wide)
    first = st.toggle(t("data.refresh.precedence", lang), key=f"w_{prefix}_precedence",
                      help=t("data.refresh.precedence_help", lang))
    if result.records and st.button(t(save_label, lang), key=f"{prefix}_save"):
        saved_id = data.bps_save(result, first)
        st.session_state.pop(result_key, None)
        # run again so that the list of saved refreshes (drawn above) has it; the notice waits for that run
        st.session_state[f"{result_key}__saved"] = t(saved_message, lang, id=saved_id)
        st.rerun()


def _result(result_key: str):
    """A source's last result in this session, after the notice of a save made in the run before."""
    notice = st.session_state.pop(f"{result_key}__saved", None)
    if notice:
        st.success(notice)
    return st.session_state.get(result_key)


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


_DUKCAPIL_RESULT = "_jabodash_dukcapil_refresh"


def dukcapil_section(lang: str) -> None:
    """Registered population from Dukcapil's GIS service: the user states year and semester (the
    service does not say them); the report shows the figures, refusals, the kecamatan the crosswalk
    could not place and the change report, and the figures are saved as an official dataset."""
    with st.expander(t("dukcapil.page.section", lang), key="w_duk_section"):
        st.caption(t("dukcapil.page.intro", lang))
        c1, c2, c3 = st.columns(3)
        year = c1.number_input(t("dukcapil.page.year", lang), min_value=2000, max_value=2100, value=2025, step=1,
                               key="w_duk_year")
        semester = c2.radio(t("dukcapil.page.semester", lang), (1, 2), horizontal=True, key="w_duk_semester")
        level = widgets.choice(c3.radio, t("dukcapil.page.level", lang), ("all", "kabkota", "kecamatan"), horizontal=True,
                               key="w_duk_level", format_func=lambda v: t(f"dukcapil.page.level_{v}", lang))
        if st.button(t("dukcapil.page.run", lang), key="duk_run"):
            st.session_state[_DUKCAPIL_RESULT] = data.dukcapil_refresh(source.store(), int(year), int(semester), level)
        result = _result(_DUKCAPIL_RESULT)
        if result is not None:
            _source_result(result, lang, "duk", _DUKCAPIL_RESULT, data.dukcapil_lines(result, lang),
                           data.dukcapil_unmatched(result, lang), t("dukcapil.page.unmatched", lang))


_DAPODIK_RESULT = "_jabodash_dapodik_refresh"


def dapodik_section(lang: str) -> None:
    """School counts from Dapodik's recap for a semester id: the report shows the period the figures
    are recorded under, the figures, refusals, the rows that could not be placed and the change
    report, and the figures are saved as an official dataset."""
    # keyed: the section stays open across the reruns that add elements above it (a save's list)
    with st.expander(t("dapodik.page.section", lang), key="w_dap_section"):
        st.caption(t("dapodik.page.intro", lang))
        c1, c2, c3 = st.columns(3)
        semester = c1.text_input(t("dapodik.page.semester", lang), value="20241", max_chars=5, key="w_dap_semester")
        year = c2.number_input(t("dapodik.page.year", lang), min_value=2000, max_value=2100, step=1, value=None,
                               placeholder=t("dapodik.page.year_default", lang), key="w_dap_year")
        level = widgets.choice(c3.radio, t("dapodik.page.level", lang), ("all", "kabkota", "kecamatan"), horizontal=True,
                               key="w_dap_level", format_func=lambda v: t(f"dapodik.page.level_{v}", lang))
        if st.button(t("dapodik.page.run", lang), key="dap_run"):
            st.session_state[_DAPODIK_RESULT] = data.dapodik_refresh(source.store(), semester, level, None if year is None else int(year), lang)
        result = _result(_DAPODIK_RESULT)
        if isinstance(result, str):
            st.error(md_escape(result, 300))
            return
        if result is not None:
            _source_result(result, lang, "dap", _DAPODIK_RESULT, data.dapodik_lines(result, lang),
                           data.dapodik_unmatched(result, lang), t("dapodik.page.unmatched", lang))


def _source_result(result, lang: str, prefix: str, key: str, lines_failed: tuple, unmatched, heading: str) -> None:
    """A refresh source's report on the Data page: its lines, what failed, the rows that could not be
    placed (under ``heading``) and the change report with its save (widget keys start with ``prefix``)."""
    lines, failed = lines_failed
    for line in lines:
        st.caption(md_escape(line, 800))
    if failed:
        _failed(result, failed, lang)
    if len(unmatched):
        st.markdown(f"**{heading}**")
        st.dataframe(unmatched, hide_index=True, key=f"{prefix}_unmatched")
    _changes(result, lang, prefix, key)


_SIMDASI_RESULT = "_jabodash_simdasi_refresh"


def simdasi_section(lang: str) -> None:
    """BPS SIMDASI (the Dalam Angka tables): an area's tables with their ids (to write recipes in
    data/simdasi_recipes.csv) and the refresh of the recipes, with the BPS key of the section above."""
    # keyed, as the Dapodik section: unkeyed, it closed over its own report when the fetch's run ended
    with st.expander(t("simdasi.page.section", lang), key="w_sim_section"):
        st.caption(t("simdasi.page.intro", lang))
        key = st.session_state.get("w_bps_key") or None
        left, right = st.columns([2, 1])
        wilayah = left.text_input(t("simdasi.page.wilayah", lang), value="3276000", max_chars=7, key="w_sim_wilayah")
        if right.button(t("simdasi.page.list", lang), key="sim_list"):
            st.session_state["_jabodash_simdasi_tables"] = data.simdasi_tables(key, wilayah.strip(), lang)
        found = st.session_state.get("_jabodash_simdasi_tables")
        if found is not None:
            tables, error = found
            if error:
                st.error(md_escape(error, 600))
            else:
                st.dataframe(tables, hide_index=True, key="sim_tables")
        n = data.simdasi_recipe_count()
        st.caption(t("simdasi.page.recipes", lang, n=n))
        if st.button(t("simdasi.page.run", lang), key="sim_run", disabled=n == 0):
            st.session_state[_SIMDASI_RESULT] = data.simdasi_refresh(source.store(), key)
        result = _result(_SIMDASI_RESULT)
        if result is not None:
            read, failed = data.bps_lines(result, lang)
            for line in read:
                st.caption(md_escape(line, 600))
            if failed:
                _failed(result, failed, lang)
            _changes(result, lang, "sim", _SIMDASI_RESULT)
