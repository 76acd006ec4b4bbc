"""Data and methods (Data & metode): indicator catalog with search and theme filter, each
indicator's definition, formula, sources with link and licence, its figures for download,
the coverage matrix and the boundary attribution. The analyst's uploads (saved and this
session's) are listed beside the built-in indicators (theme "uploaded")."""
import streamlit as st

from jabodash import charts, ui
from jabodash.charts.data import coverage_matrix, coverage_years
from jabodash.core import grades
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import data, unggah
from jabodash.ui import data as data_ui

state = ui.page_setup("data")
lang = state.lang
st.title(t("data.title", lang))
st.caption(t("data.subtitle", lang))

st.subheader(t("data.section.catalog", lang))
src = ui.data_source()
known = data.upload_datasets(st.session_state.get(unggah.SESSION_KEY, {}))
full = data.catalog_all(src, state.region_set)
theme_options = data.theme_options(full)
if any(x not in theme_options for x in st.session_state.get("w_meta_themes") or []):
    st.session_state["w_meta_themes"] = [x for x in st.session_state["w_meta_themes"] if x in theme_options]
left, right = st.columns([3, 2])
text = left.text_input(t("data.search", lang), key="w_meta_search", help=t("data.search_help", lang),
                       max_chars=100)
themes = right.multiselect(t("data.themes", lang), theme_options, key="w_meta_themes",
                           format_func=lambda x: t(f"theme.{x}", lang), placeholder=t("data.themes_placeholder", lang))
shown = data.search(full, text, themes)
st.caption(t("data.shown", lang, n=len(shown), total=len(full)))
st.dataframe(data.catalog_view(shown, lang), hide_index=True, key="meta_catalog")

with st.expander(t("grade.counts_title", lang)):   # figures per provenance grade and indicator
    counts, totals = ui.per_data_version("data.grade_counts", lambda rs: (
        lambda c: (c, data.grade_totals(c)))(data.grade_counts(src.query, rs)), state.region_set)
    st.caption(t("grade.counts_caption", lang) + " " + " · ".join(
        f"{grades.label(g, lang)}: {n:,}".replace(",", "." if lang == "id" else ",") for g, n in totals.items()))
    st.caption(t("grade.help", lang))
    st.dataframe(data.grade_counts_view(counts, lang), hide_index=True, key="meta_grades")
    ui.csv_download(counts, "jabodash_figures_per_grade.csv", lang, key="dl_meta_grades")

options = data.indicator_options(shown)
if not options:
    st.info(t("data.no_match", lang))
else:
    st.subheader(t("data.section.detail", lang))
    if st.session_state.get("w_meta_indicator") not in options:
        st.session_state["w_meta_indicator"] = state.indicator if state.indicator in options else options[0]
    entries = src.catalog()
    ind = src.indicator(st.selectbox(t("data.indicator", lang), options, key="w_meta_indicator",
                                     format_func=lambda i: data.indicator_label(i, lang, entries)))
    state = state.with_(indicator=ind.id)
    st.markdown(f"**{md_escape(ind.name(lang))}** · {md_escape(ind.id)}")
    for label, value in data.details(ind, lang):
        st.markdown(f"**{label}:** {md_escape(value, 3000)}")

    st.markdown(f"**{t('data.section.sources', lang)}**")
    if ind.derived:
        st.caption(t("data.sources_derived", lang))
    if unggah.is_uploaded(ind.id):
        st.caption(t("data.sources_uploaded", lang))
    srcs = data.sources_of(src, ind.id, known)
    if srcs.empty:
        st.caption(t("data.sources_none", lang))
    else:
        st.dataframe(data.sources_view(srcs, lang), hide_index=True, key="meta_sources", column_config={
            t("data.col.source", lang): st.column_config.TextColumn(width="large"),
            t("data.col.link", lang): st.column_config.LinkColumn(width="medium"),
            t("data.col.licence", lang): st.column_config.TextColumn(width="medium")})

    st.markdown(f"**{t('data.section.figures', lang)}**")
    figures = data.indicator_data_of(src, ind, state.region_set)
    if ind.kind == "flow":
        st.caption(t("data.flow_note", lang))
        st.dataframe(figures, hide_index=True, key="meta_flows")
    elif figures.empty:
        st.info(t("data.no_figures", lang))
    else:
        regions = src.regions(state.region_set)
        years_fig = ui.per_data_version("data.coverage_years", lambda *_: coverage_years(figures, regions, ind, lang),
                                        ind.id, state.region_set, lang)   # built once per data version and view
        st.plotly_chart(years_fig, key="meta_years",
                        config=charts.png_config(f"jabodash_coverage_{ind.id}"))
    st.caption(t("data.download_note", lang, n=len(figures)))
    ui.csv_download(figures, f"jabodash_{ind.id}.csv", lang, key="dl_meta_indicator")

    st.subheader(t("data.section.coverage", lang))
    cov = data.coverage_all(src, state.region_set, options)
    if not cov.empty:
        st.caption(t("data.coverage.caption", lang, **data.coverage_summary(cov)))
        st.plotly_chart(ui.per_data_version("data.coverage_matrix", lambda *_: coverage_matrix(cov, lang, entries),
                                            state.region_set, tuple(options), lang), key="meta_coverage",
                        config=charts.png_config("jabodash_coverage_matrix"))
        ui.csv_download(cov, "jabodash_coverage.csv", lang, key="dl_meta_coverage")

st.subheader(t("data.section.boundaries", lang))
infos = data.boundary_info()
for info in infos:
    for line in data.boundary_lines(info, lang):
        st.caption(md_escape(line, 500))
if not all(info.present for info in infos):
    st.caption(t("data.boundaries.howto", lang))
    st.code("python -m jabodash boundaries fetch --level all\n"
            "python -m jabodash boundaries import FILE --level kabkota", language="bash")

with st.expander(t("data.section.datasets", lang)):
    datasets = ui.query("datasets")
    st.caption(t("data.datasets_caption", lang, n=len(datasets)))
    st.dataframe(data.datasets_view(datasets, lang), hide_index=True, key="meta_datasets",
                 column_config={t("data.col.link", lang): st.column_config.LinkColumn()})

data_ui.refresh_section(lang)   # Perbarui dari BPS / Refresh from BPS (jabodash.official)
ui.sync_url(state)
