"""The Ringkasan (overview) page: metro KPIs, a ranking of one indicator in one year, its trend."""
from __future__ import annotations

import streamlit as st

from jabodash import charts
from jabodash.core.i18n import t
from jabodash.features import ringkasan
from jabodash.ui import shell, source, widgets


def render(state) -> None:
    lang = state.lang
    st.title(t("ringkasan.title", lang))
    st.caption(t(f"ringkasan.subtitle.{state.region_set}", lang))
    src = source.data_source()   # built-in, saved and session data, with the switch "official figures only"
    cards = source.per_data_version("ringkasan.kpis", lambda *_: ringkasan.kpis(src, state.region_set, lang),
                                    state.region_set, lang)   # once per data version and view, not per session
    for column, kpi in zip(st.columns(len(cards)), cards):
        widgets.kpi_card(column, t(kpi.key, lang), kpi.value_text(lang), kpi.detail_text(lang),
                         kpi.indicator.definition(lang))

    st.subheader(t("ringkasan.ranking", lang))
    left, right = st.columns([3, 1])
    with right:
        indicator_id = widgets.indicator_picker(state)
    ranking(state, left, right, indicator_id)
    ind = src.indicator(indicator_id)
    widgets.definition_box(ind, lang)

    st.subheader(t("ringkasan.trend", lang))
    series = src.series(indicator_id, state.region_set)
    if series["year"].nunique() < 2:
        st.info(t("ringkasan.single_year", lang))
    trend = source.per_data_version("ringkasan.trend", lambda *_: charts.trend_lines(series, ind, lang), indicator_id,
                                    state.region_set, lang)
    st.plotly_chart(trend, key="trend")


@st.fragment
def ranking(state, left, right, indicator_id: str) -> None:
    """The year picker and the ranking: a change of year reruns this part only (and writes the
    view to the URL), not the KPIs, the definition and the trend of the indicator."""
    lang, src = state.lang, source.data_source()
    ind = src.indicator(indicator_id)
    with right:
        year = widgets.year_picker(state, indicator_id)
    state = state.with_(indicator=indicator_id, year=year)
    with left:
        if year is not None:
            values = src.values(indicator_id, year, state.region_set)
            metro = src.metro(ind, year, state.region_set)
            reference = metro.value if ind.aggregation in ("weighted_mean", "ratio") else None
            figure = source.per_data_version("ringkasan.ranking", lambda *_: charts.ranking_bar(
                values, ind, year, lang, reference), indicator_id, year, state.region_set, lang)
            st.plotly_chart(figure, key="ranking")
            if metro.value is None and ind.aggregation not in ("none", "min_max"):
                names = ringkasan.missing_names(src, metro, state.region_set, limit=None)
                missing = t("ringkasan.missing", lang, names=", ".join(names)) if names else ""
                st.info(t("ringkasan.metro_incomplete", lang, covered=metro.covered, total=metro.total)
                        + (f" {missing[:1].upper()}{missing[1:]}." if missing else ""))
            widgets.sources_footnote(values, lang)
            widgets.csv_download(values, f"jabodash_{indicator_id}_{year}.csv", lang, key="dl_ranking")
    shell.sync_url(state)
