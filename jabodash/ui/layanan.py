"""The Layanan publik page: facilities and staff per 100,000 people, each region against the metro
value (or, when that is not available, the labelled median), with the formula, the population
series used as denominator and the coverage of every indicator."""
from __future__ import annotations

import streamlit as st

from jabodash import charts
from jabodash.charts.layanan import coverage_heatmap, services_ranking
from jabodash.core import catalog
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import layanan
from jabodash.ui import shell, source, widgets


def render(state) -> None:
    lang, store = state.lang, source.data_source()   # with the switch "official figures only"
    st.title(t("layanan.title", lang))
    st.caption(t("layanan.subtitle", lang))
    cov = layanan.coverage(store, state.region_set)
    options = layanan.options(cov)
    if not options:
        st.info(t("layanan.no_indicator", lang))
        shell.sync_url(state)
        st.stop()
    kpi_area = st.container()
    left, right = st.columns([3, 1])
    with right:
        if st.session_state.get("w_svc_indicator") not in options:
            st.session_state["w_svc_indicator"] = layanan.pick(options, state.indicator, cov)
        indicator_id = widgets.choice(st.selectbox, t("layanan.picker", lang), options, key="w_svc_indicator",
                                      format_func=lambda i: catalog.get(i).name(lang))
        year = widgets.year_picker(state, indicator_id, key="w_svc_year")
    state = state.with_(indicator=indicator_id, year=year)
    if year is not None:
        indicator_year(state, store, kpi_area, left)
    elif source.official_only():   # no year with an official figure: say so where the chart would be
        with left:
            widgets.empty_state(catalog.get(indicator_id).name(lang), lang)
    quality_section(store, state.region_set, state.regions, lang)   # Kualitas dan inovasi layanan
    coverage(state, cov)
    shell.sync_url(state)


def _year_parts(store, state, *_):
    """The figures, KPI texts, chart and table of the picked indicator and year."""
    lang, ind, year = state.lang, catalog.get(state.indicator), state.year
    frame = layanan.values(store, ind.id, year, state.region_set)
    cmp = layanan.compare(store, ind, year, state.region_set, frame)
    fig = services_ranking(frame, ind, year, lang, cmp.metro.value, cmp.median, cmp.median_n,
                           layanan.source_line(frame, lang), highlight=state.regions)
    return frame, cmp, layanan.kpi_texts(cmp, ind, frame, year, lang), fig, layanan.table(frame, cmp, lang)


def indicator_year(state, store, kpi_area, left) -> None:
    lang, indicator_id, year = state.lang, state.indicator, state.year
    ind = catalog.get(indicator_id)
    # built once per data version and view, not in every new session
    frame, cmp, cards, fig, table = source.per_data_version(
        "layanan.year", lambda *args: _year_parts(store, state, *args), indicator_id, year,
        state.region_set, state.regions, lang)
    for column, (key, value, detail, help_key) in zip(kpi_area.columns(len(cards)), cards):
        widgets.kpi_card(column, t(key, lang), value, detail, t(help_key, lang) if help_key else None)
    with left:
        widgets.chart_or_empty(fig, frame, ind.name(lang), lang, year, key="fig_services",
                               config=charts.png_config(f"jabodash_{indicator_id}_{year}"))
    if cmp.metro.value is None:
        key = "layanan.metro_missing" if cmp.median is not None else "layanan.metro_missing_no_median"
        st.info(t(key, lang, covered=cmp.metro.covered, total=cmp.metro.total, n=cmp.median_n))
    if cmp.dki_only:
        st.caption(t("layanan.dki_only", lang))
    st.markdown(f"**{t('common.formula', lang)}:** {md_escape(ind.formula(lang) or '', 500)}")
    st.caption(t("layanan.denominator.note", lang))
    with st.expander(t("layanan.table.expander", lang, year=year)):
        widgets.table(table, lang, "services_table")
    widgets.csv_download(frame, f"jabodash_{indicator_id}_{year}.csv", lang, key="dl_services")
    widgets.definition_box(ind, lang)


def coverage(state, cov) -> None:
    lang = state.lang
    st.subheader(t("layanan.coverage.heading", lang))
    st.plotly_chart(source.per_data_version("layanan.coverage", lambda *_: coverage_heatmap(cov, lang),
                                            state.region_set, lang),
                    key="fig_coverage", config=charts.png_config("jabodash_services_coverage"))
    empty = layanan.without_data(cov, lang)
    if empty:
        st.caption(t("layanan.coverage.empty", lang, names=md_escape(", ".join(empty), 500)))
    widgets.csv_download(cov, "jabodash_services_coverage.csv", lang, key="dl_coverage")


def quality_section(store, region_set: str, highlight: tuple[str, ...], lang: str) -> None:
    st.subheader(t("layanan.quality.heading", lang))
    st.caption(t("layanan.quality.intro", lang))
    options = layanan.quality_options(store, region_set)
    if not options:
        st.info(t("layanan.quality.none", lang))
        return
    left, middle, right = st.columns([3, 1, 2])
    chosen = st.session_state.get("w_quality_indicator")
    indicator_id = widgets.choice(left.selectbox, t("layanan.quality.picker", lang), options, key="w_quality_indicator",
                                  format_func=lambda i: catalog.get(i).name(lang),
                                  help=widgets.whole_choice(catalog.get(chosen if chosen in options else options[0]).name(lang), lang))
    ind = catalog.get(indicator_id)
    years_frame = layanan.quality_years(store, indicator_id, region_set)
    years = [int(y) for y in years_frame["year"]]
    default = layanan.best_year(years_frame)
    if st.session_state.get("w_quality_year") not in years:
        st.session_state["w_quality_year"] = default
    year = middle.selectbox(t("layanan.quality.year", lang), years, key="w_quality_year")
    views = ("ranking", "trend", "map")
    view = widgets.choice(right.radio, t("layanan.quality.view", lang), views, key="w_quality_view", horizontal=True,
                          format_func=lambda v: t(f"layanan.quality.view_{v}", lang))
    parts = source.per_data_version("layanan.quality", lambda *_: layanan.quality_figures(
        store, ind, year, region_set, lang, highlight), indicator_id, year, region_set, highlight, lang)
    covered = int(parts["values"]["value"].notna().sum())
    st.caption(t("layanan.quality.coverage", lang, covered=covered, total=len(parts["values"]), year=year))
    st.plotly_chart(parts[view], key=f"fig_quality_{view}", config=charts.png_config(f"jabodash_{indicator_id}_{year}"))
    with st.expander(t("layanan.quality.table", lang, year=year)):
        source_col = t("layanan.col.source", lang)
        st.dataframe(parts["table"], hide_index=True, key="quality_table", column_config={
            source_col: st.column_config.LinkColumn(source_col, display_text=r"https?://(?:www\.)?([^/]+)/.*")})
    widgets.csv_download(parts["values"].drop(columns=["note"], errors="ignore"), f"jabodash_{indicator_id}_{year}.csv",
                         lang, key="dl_quality")
    widgets.definition_box(ind, lang)
