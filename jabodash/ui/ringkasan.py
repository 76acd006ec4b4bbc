"""The Ringkasan (overview) page: metro KPIs, a ranking of one indicator in one year, its trend."""
from __future__ import annotations

import streamlit as st

from jabodash import charts
from jabodash.core import fmt
from jabodash.core.i18n import t
from jabodash.features import kerjasama, layanan, ringkasan
from jabodash.ui import kerjasama as kerjasama_ui
from jabodash.ui import sasaran as sasaran_ui
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
                         kpi.help_text(lang))
    kpi_gaps(cards, lang)   # with "official figures only": which of these KPIs lack official figures
    overview_cards(src, state.region_set, lang)   # service-quality range and cooperation agreements
    sasaran_ui.overview_strip(state)   # the metro's standing on the headline targets (jabodash/ui/sasaran.py)

    st.subheader(t("ringkasan.ranking", lang))
    left, right = st.columns([3, 1])
    with right:
        indicator_id = widgets.indicator_picker(state)
    ranking(state, left, right, indicator_id)
    ind = src.indicator(indicator_id)
    widgets.definition_box(ind, lang)

    st.subheader(t("ringkasan.trend", lang))
    series = src.series(indicator_id, state.region_set)
    if not widgets.has_figures(series):
        widgets.empty_state(ind.name(lang), lang)
        return
    if series.dropna(subset=["value"])["year"].nunique() < 2:   # one point on meaningless axes: no chart
        st.info(t("ringkasan.single_year", lang))
        return
    picked = trend_pick(state, series, ind, indicator_id)
    trend = source.per_data_version("ringkasan.trend", lambda *_: charts.trend_lines(series, ind, lang, highlight=picked),
                                    indicator_id, state.region_set, lang, picked)
    st.plotly_chart(trend, key="trend")


def trend_pick(state, series, ind, indicator_id: str) -> tuple[str, ...]:
    """The regions the trend chart colours (the rest grey): the view's regions, else the best and
    the worst (charts.trend_focus), changed by the reader; one choice per indicator."""
    names = series.drop_duplicates("region_code").set_index("region_code")["short_name"]
    codes = list(names.index)
    if len(codes) <= charts.ALL_COLOURED:
        return ()
    default = [c for c in state.regions if c in codes] or list(charts.trend_focus(series, ind))
    picked = st.multiselect(t("chart.trend_pick", state.lang), codes, default=default, format_func=names.get,
                            max_selections=len(charts.TREND_COLOURS), key=f"w_trend_pick_{indicator_id}",
                            help=t("chart.trend_pick_help", state.lang))
    return tuple(picked)


def kpi_gaps(cards, lang: str) -> None:
    """With "official figures only" on: name the cards that do not cover every region, and how to fill them."""
    if not source.official_only():
        return
    gaps = [t(kpi.key, lang) for kpi in cards if kpi.metro is None or kpi.metro.covered < kpi.metro.total]
    if gaps:
        st.info(t("grade.kpis_missing", lang, names=", ".join(gaps)))


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
        values = src.values(indicator_id, year, state.region_set) if year is not None else None
        if widgets.has_figures(values):
            ranking_chart(state, src, ind, values)
        elif year is not None or source.official_only():   # nothing to rank: say so, not an empty chart
            widgets.empty_state(ind.name(lang), lang, year)
    shell.sync_url(state)


def ranking_chart(state, src, ind, values) -> None:
    lang, year = state.lang, state.year
    metro = src.metro(ind, year, state.region_set)
    reference = metro.value if ind.aggregation in ("weighted_mean", "ratio") else None
    figure = source.per_data_version("ringkasan.ranking", lambda *_: charts.ranking_bar(
        values, ind, year, lang, reference), ind.id, year, state.region_set, lang)
    st.plotly_chart(figure, key="ranking")
    if metro.value is None and ind.aggregation not in ("none", "min_max"):
        names = ringkasan.missing_names(src, metro, state.region_set, limit=None)
        missing = t("ringkasan.missing", lang, names=", ".join(names)) if names else ""
        st.info(t("ringkasan.metro_incomplete", lang, covered=metro.covered, total=metro.total)
                + (f" {missing[:1].upper()}{missing[1:]}." if missing else ""))
    widgets.sources_footnote(values, lang)
    widgets.csv_download(values, f"jabodash_{ind.id}_{year}.csv", lang, key="dl_ranking")


def overview_cards(store, region_set: str, lang: str) -> None:
    """Two KPI cards: the range of the Ombudsman compliance series (where coverage allows) and the
    agreements of the register."""
    kpi = layanan.quality_kpi(store, region_set)
    codes = list(kerjasama.regions(store, region_set)["code"])
    summary = kerjasama.summary(kerjasama_ui.current_register(), codes)
    c1, c2 = st.columns(2)
    if kpi is not None and kpi["covered"] * 2 > kpi["total"]:   # shown where more than half have a figure
        widgets.kpi_card(c1, t("ringkasan.quality.label", lang, year=kpi["year"]),
                     t("ringkasan.quality.value", lang, low=fmt.number(kpi["low"], 2, lang),
                         high=fmt.number(kpi["high"], 2, lang)),
                     t("ringkasan.quality.detail", lang, **{k: kpi[k] for k in ("covered", "total", "green")},
                       low_region=kpi["low_region"], high_region=kpi["high_region"]),
                     t("ringkasan.quality.help", lang))
    widgets.kpi_card(c2, t("ringkasan.quality.agreements", lang), fmt.number(summary["agreements"], 0, lang),
                     t("ringkasan.quality.agreements_detail", lang, active=summary["active"], covered=summary["covered"],
                       total=summary["total"]))
