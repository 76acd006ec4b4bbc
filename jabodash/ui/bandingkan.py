"""The Bandingkan wilayah page: 2-5 regions, small multiples, ranks, normalised profile, table and
similar regions. Uploaded indicators (saved workspace datasets and this session's uploads) are
offered and compared beside the built-in ones."""
from __future__ import annotations

import streamlit as st

from jabodash import charts
from jabodash.charts.bandingkan import profile_chart, rank_heatmap, similar_chart, small_multiples
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import bandingkan
from jabodash.store.headline import headline_ipm
from jabodash.ui import shell, source, widgets


def render(state) -> None:
    lang, src = state.lang, source.data_source()
    st.title(t("bandingkan.title", lang))
    st.caption(t("bandingkan.subtitle", lang))
    names = bandingkan.region_choices(src.regions(state.region_set))
    catalog = bandingkan.catalog_with(source.uploaded_data())
    ind_names = bandingkan.indicator_choices(source.indicator_table(), lang)
    outside = bandingkan.outside_set(state.regions, names, bandingkan.region_choices(src.regions("agglomeration")))
    if outside:
        st.info(t("bandingkan.not_in_set", lang, names=md_escape(", ".join(outside), 200)))
    first_regions = bandingkan.initial_regions(state.regions, list(names))
    bandingkan.init_choice(st.session_state, "w_cmp_regions", list(names), first_regions)
    bandingkan.init_choice(st.session_state, "w_cmp_indicators", list(ind_names),
                           bandingkan.initial_indicators(state.indicator, list(ind_names), state.indicators,
                                                         _ipm_for(src, state.region_set, first_regions)))
    left, right = st.columns([2, 3])
    chosen = widgets.choice(left.multiselect, t("bandingkan.picker.regions", lang), names, key="w_cmp_regions",
                            format_func=lambda c: names.get(c, c),
                            placeholder=t("bandingkan.picker.regions_placeholder", lang))
    indicators = widgets.choice(right.multiselect, t("bandingkan.picker.indicators", lang), ind_names,
                                key="w_cmp_indicators",
                                format_func=lambda i: ind_names.get(i, i),
                                placeholder=t("bandingkan.picker.indicators_placeholder", lang))
    state = state.with_(regions=tuple(chosen), indicator=indicators[0] if indicators else state.indicator,
                        indicators=tuple(indicators))
    problem = bandingkan.selection_problem(chosen, indicators)
    if problem:
        st.warning(t(problem[0], lang, **problem[1]))
    else:
        comparison(state, src, names, catalog, chosen, indicators)
        similar(state, src, names, catalog, chosen, indicators)
    shell.sync_url(state)


def _compared(src, state, names, catalog, chosen: list[str], indicators: list[str]) -> dict:
    """The figures, tables and source lines of one selection (made once per data version and view)."""
    lang = state.lang
    data = bandingkan.series(src.query, state.region_set, indicators)
    mine = bandingkan.for_regions(data, chosen)
    prof = bandingkan.profile(data, chosen, indicators, names, catalog)
    used_rows = bandingkan.rows_used(data, prof)
    return dict(prof=prof, mine=mine, mine_lines=widgets.source_lines(mine, lang), used_lines=widgets.source_lines(used_rows, lang),
                multiples=small_multiples(mine, chosen, names, indicators, lang, catalog),
                profile=profile_chart(prof, chosen, lang, used_rows, catalog),
                ranks=rank_heatmap(prof, chosen, lang, used_rows, catalog),
                table=bandingkan.table(prof, lang, catalog), export=bandingkan.export_frame(prof, catalog))


def comparison(state, src, names, catalog, chosen, indicators) -> None:
    lang = state.lang
    part = source.per_data_version(
        "bandingkan.compared", lambda _rs, _lg, c, i: _compared(src, state, names, catalog, list(c), list(i)),
        state.region_set, lang, tuple(chosen), tuple(indicators))
    st.subheader(t("bandingkan.section.multiples", lang))
    widgets.chart_or_empty(part["multiples"], part["mine"], t("bandingkan.section.multiples", lang), lang,
                           key="cmp_multiples", config=charts.png_config("jabodash_compare_trends"))
    widgets.sources_list(part["mine_lines"], lang)
    widgets.csv_download(part["mine"], "jabodash_compare_series.csv", lang, key="dl_cmp_series")

    st.subheader(t("bandingkan.section.profile", lang))
    st.caption(t("bandingkan.profile_note", lang))
    widgets.chart_or_empty(part["profile"], part["prof"], t("bandingkan.section.profile", lang), lang,
                           key="cmp_profile", config=charts.png_config("jabodash_compare_profile"))
    st.subheader(t("bandingkan.section.ranks", lang))
    widgets.chart_or_empty(part["ranks"], part["prof"], t("bandingkan.section.ranks", lang), lang,
                           key="cmp_ranks", config=charts.png_config("jabodash_compare_ranks"))
    widgets.sources_list(part["used_lines"], lang)

    st.subheader(t("bandingkan.section.table", lang))
    widgets.table(part["table"], lang, "cmp_table")
    widgets.csv_download(part["export"], "jabodash_compare_profile.csv", lang, key="dl_cmp_profile")


def _similar_part(src, state, names, catalog, indicators: list[str], focus: str) -> dict:
    lang = state.lang
    values = bandingkan.set_values(src.query, state.region_set, indicators)
    z = bandingkan.zscores(values)
    similar = bandingkan.similar_regions(z, focus)
    used, left_out = bandingkan.similar_summary(values, z, indicators, lang, catalog)
    return dict(similar=similar, used=used, left_out=left_out,
                chart=similar_chart(similar, names[focus], len(used), lang, values),
                table=bandingkan.similar_table(similar, lang, catalog=catalog))


def similar(state, src, names, catalog, chosen, indicators) -> None:
    lang = state.lang
    st.subheader(t("bandingkan.section.similar", lang))
    st.caption(t("bandingkan.similar.heading", lang))
    if len(indicators) < bandingkan.SIMILAR_MIN_SHARED:
        st.info(t("bandingkan.similar.need_more", lang, n=bandingkan.SIMILAR_MIN_SHARED))
        return
    if st.session_state.get("w_cmp_focus") not in chosen:
        st.session_state["w_cmp_focus"] = chosen[0]
    focus = widgets.choice(st.selectbox, t("bandingkan.picker.focus", lang), chosen, key="w_cmp_focus",
                           format_func=lambda c: names.get(c, c))
    sim = source.per_data_version(
        "bandingkan.similar", lambda _rs, _lg, i, f: _similar_part(src, state, names, catalog, list(i), f),
        state.region_set, lang, tuple(indicators), focus)
    st.plotly_chart(sim["chart"], key="cmp_similar", config=charts.png_config("jabodash_similar_regions"))
    widgets.table(sim["table"], lang, "cmp_similar_table")
    st.caption(t("bandingkan.similar.method", lang, min_regions=bandingkan.SIMILAR_MIN_REGIONS,
                 min_shared=bandingkan.SIMILAR_MIN_SHARED))
    st.caption(t("bandingkan.similar.used_heading", lang) + ": " + md_escape("; ".join(sim["used"]), 1500))
    if sim["left_out"]:
        st.caption(t("bandingkan.similar.left_out_heading", lang) + ": " + md_escape("; ".join(sim["left_out"]), 1500))
    widgets.csv_download(sim["similar"], f"jabodash_similar_{focus}.csv", lang, key="dl_cmp_similar")


def _ipm_for(src, region_set: str, regions: list[str]) -> str:
    """The IPM series the compare page opens with: BPS's current one when its best year has a figure
    for every preselected region, else the older one (which covers every region of the set)."""
    choice = headline_ipm(src, region_set)
    if choice.is_current and choice.current_year is not None:
        have = src.values(choice.indicator_id, choice.current_year, region_set).dropna(subset=["value"])
        if set(regions) <= set(have["region_code"]):
            return choice.indicator_id
    return headline_ipm(src, region_set, complete_only=True).indicator_id
