"""Population (Kependudukan): series by source, census-year population, share, density,
growth between the censuses, and commuting with what the data does and does not cover."""
import streamlit as st

from jabodash import charts, ui
from jabodash.charts.kependudukan import census_share_bar, commuting_sankey, population_series, with_total_note
from jabodash.core import catalog
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import kependudukan

state = ui.page_setup("kependudukan")
lang, store = state.lang, ui.data_source()   # with the switch "official figures only"
st.title(t("population.title", lang))
st.caption(t("population.subtitle", lang))


def show(fig, frame, name: str) -> None:
    """Chart with its PNG button, source list and CSV download."""
    st.plotly_chart(fig, key=f"fig_{name}", config=charts.png_config(f"jabodash_{name}"))
    ui.sources_footnote(frame, lang)
    ui.csv_download(frame, f"jabodash_{name}.csv", lang, key=f"dl_{name}")


years = kependudukan.census_years(store, state.region_set)
options = [int(y) for y in years["year"]]
if not options:   # e.g. "official figures only": every census count is from a secondary source
    st.info(t("common.no_years", lang))
    ui.sync_url(state)
    st.stop()
if st.session_state.get("w_pop_year") not in options:
    st.session_state["w_pop_year"] = kependudukan.default_census_year(years, state.year)
year = st.selectbox(t("population.census_year", lang), options, key="w_pop_year")
state = state.with_(year=year)

cards = kependudukan.kpis(store, year, state.region_set)
for column, kpi in zip(st.columns(len(cards)), cards):
    help_text = t("population.kpi.help_registry", lang) if kpi.indicator.id == "population_dukcapil" else kpi.indicator.definition(lang)
    ui.kpi_card(column, t(kpi.key, lang, year=kpi.year), kpi.value_text(lang), kpi.detail_text(lang), help_text)

st.subheader(t("population.series.heading", lang))
st.caption(t("population.series.note", lang))
series = kependudukan.series(store, state.region_set)
show(population_series(series, lang), series.dropna(subset=["value"]), "population_series")
st.caption(t("population.series.not_shown", lang))

st.subheader(t("population.census.heading", lang, year=year))
census = kependudukan.census_year(store, year, state.region_set)
if census["share_pct"].isna().all():
    st.info(t("population.share.incomplete", lang, year=year, covered=int(census["covered"].iloc[0]), total=len(census)))
left, right = st.columns(2)
with left:
    show(census_share_bar(census, year, lang), census.rename(columns={"population": "value"}),
         f"population_share_{year}")
with right:
    density_ind = catalog.get(kependudukan.DENSITY)
    metro = kependudukan.density_metro(store, year, state.region_set)
    density = ui.query("indicator_values", indicator_id=density_ind.id, year=year, region_set=state.region_set)
    fig = charts.ranking_bar(density, density_ind, year, lang, metro.value, highlight=state.regions)
    fig = charts.replace_source(fig, kependudukan.density_source(census, year, lang), lang, width=68)
    show(charts.label_room(fig, density["value"]), density, f"population_density_{year}")
    if metro.value is None:
        st.info(t("population.density.metro_incomplete", lang, covered=metro.covered, total=metro.total))
    ui.definition_box(density_ind, lang)
with st.expander(t("population.table.expander", lang, year=year)):
    st.dataframe(kependudukan.census_table(census, lang), hide_index=True, key="census_table")

st.subheader(t("population.growth.heading", lang))
growth_ind = catalog.get(kependudukan.GROWTH)
growth = ui.query("indicator_values", indicator_id=growth_ind.id, year=kependudukan.GROWTH_YEAR, region_set=state.region_set)
covered, total = kependudukan.growth_coverage(census)
st.caption(t("population.growth.no_metro", lang, covered=covered, total=total))
fig = charts.ranking_bar(growth, growth_ind, kependudukan.GROWTH_YEAR, lang, highlight=state.regions)
fig = charts.replace_source(fig, kependudukan.growth_source(series, lang), lang)
show(charts.label_room(fig, growth["value"]), growth, "population_growth_2010_2020")
st.caption(f"{t('common.formula', lang)}: {md_escape(growth_ind.formula(lang), 500)}")
ui.definition_box(growth_ind, lang)

st.subheader(t("population.commuting.heading", lang))
flows = kependudukan.flows(store, state.region_set, lang)
sankey = kependudukan.sankey(flows, ui.query("regions", region_set="agglomeration"), lang)
count_ind, share_ind, cost_ind = (catalog.get(i) for i in (
    "commuters_any_destination", "commuter_share_of_population", "commuters_daily_cost_over_25k_rp"))
count, count_year, count_total = kependudukan.flow_values(store, flows, count_ind.id, state.region_set)
(share, share_year), (cost, cost_year) = (kependudukan.latest_values(store, i.id, state.region_set)
                                          for i in (share_ind, cost_ind))
st.markdown(t("population.commuting.note", lang, **kependudukan.commuting_facts(sankey, share, cost, count, lang)))
if not sankey.empty:
    show(commuting_sankey(sankey, lang), flows[flows["year"] == sankey.year], f"commuting_{sankey.year}")
tab_count, tab_share, tab_cost = st.tabs([t("population.tab.count", lang), t("population.tab.share", lang),
                                          t("population.tab.cost", lang)])
with tab_count:
    if count_year is not None:
        fig = charts.ranking_bar(count, count_ind, count_year, lang, highlight=state.regions)
        if kependudukan.total_note(count_total, lang):
            fig = with_total_note(fig, kependudukan.total_note(count_total, lang))
        show(charts.label_room(fig, count["value"]), count, f"commuters_{count_year}")
for tab, frame, ind, ind_year in ((tab_share, share, share_ind, share_year), (tab_cost, cost, cost_ind, cost_year)):
    with tab:
        if ind_year is not None:
            fig = charts.ranking_bar(frame, ind, ind_year, lang, highlight=state.regions)
            show(charts.label_room(fig, frame["value"]), frame, f"{ind.id}_{ind_year}")
        ui.definition_box(ind, lang)
with st.expander(t("population.flows.expander", lang)):
    st.dataframe(kependudukan.flows_table(flows, lang), hide_index=True, key="flows_table")
ui.sync_url(state)
