"""Population (Kependudukan): series by source, census-year population, share, density,
growth between the censuses, and commuting with what the data does and does not cover.

Every part is built once per data version and view (ui.per_data_version: the figures, their
frames and source lines); a change of census year reruns only the year picker, the KPIs and the
census-year section (a fragment), not the series, the growth and the commuting parts."""
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


def chart(fig, frame, name: str) -> tuple:
    """A chart as the page shows it: figure, the frame of its CSV, its source lines, file name."""
    return fig, frame, ui.source_lines(frame, lang), name


def show(part: tuple, slot: str) -> None:
    """Chart with its PNG button, source list and CSV download (keys stable across years)."""
    fig, frame, lines, name = part
    st.plotly_chart(fig, key=f"fig_{slot}", config=charts.png_config(f"jabodash_{name}"))
    ui.sources_list(lines, lang)
    ui.csv_download(frame, f"jabodash_{name}.csv", lang, key=f"dl_{slot}")


def memo(name: str, make, *args):
    """make(*args) once per data version, view (region set, highlighted regions, language) and
    args (hashable); shared: never mutated."""
    return ui.per_data_version(f"kependudukan.{name}", lambda *_: make(*args), state.region_set, state.regions,
                               lang, *args)


years = kependudukan.census_years(store, state.region_set)
options = [int(y) for y in years["year"]]
if not options:   # e.g. "official figures only": every census count is from a secondary source
    st.info(t("common.no_years", lang))
    ui.sync_url(state)
    st.stop()
top = st.container()   # the year picker and the KPIs (the fragment at the end draws them)


# ---------------------------------------------------------------- census year (a fragment)

def census_part(year: int) -> dict:
    census = kependudukan.census_year(store, year, state.region_set)
    density_ind = catalog.get(kependudukan.DENSITY)
    metro = kependudukan.density_metro(store, year, state.region_set)
    density = ui.query("indicator_values", indicator_id=density_ind.id, year=year, region_set=state.region_set)
    fig = charts.ranking_bar(density, density_ind, year, lang, metro.value, highlight=state.regions)
    fig = charts.replace_source(fig, kependudukan.density_source(census, year, lang), lang, width=68)
    return dict(census=census, density_ind=density_ind, metro=metro,
                share=chart(census_share_bar(census, year, lang), census.rename(columns={"population": "value"}),
                            f"population_share_{year}"),
                density=chart(charts.label_room(fig, density["value"]), density, f"population_density_{year}"),
                table=kependudukan.census_table(census, lang))


@st.fragment
def census_year(state, top, box):
    """The census year, its KPIs and its section: a change of year reruns this part only (and
    writes the view to the URL)."""
    with top:
        if st.session_state.get("w_pop_year") not in options:
            st.session_state["w_pop_year"] = kependudukan.default_census_year(years, state.year)
        year = st.selectbox(t("population.census_year", lang), options, key="w_pop_year")
        cards = memo("kpis", lambda y: kependudukan.kpis(store, y, state.region_set), year)
        for column, kpi in zip(st.columns(len(cards)), cards):
            help_text = (t("population.kpi.help_registry", lang) if kpi.indicator.id == "population_dukcapil"
                         else kpi.indicator.definition(lang))
            ui.kpi_card(column, t(kpi.key, lang, year=kpi.year), kpi.value_text(lang), kpi.detail_text(lang), help_text)
    state = state.with_(year=year)
    with box:
        part = memo("census", census_part, year)
        census, metro = part["census"], part["metro"]
        st.subheader(t("population.census.heading", lang, year=year))
        if census["share_pct"].isna().all():
            st.info(t("population.share.incomplete", lang, year=year, covered=int(census["covered"].iloc[0]),
                      total=len(census)))
        left, right = st.columns(2)
        with left:
            show(part["share"], "population_share")
        with right:
            show(part["density"], "population_density")
            if metro.value is None:
                st.info(t("population.density.metro_incomplete", lang, covered=metro.covered, total=metro.total))
            ui.definition_box(part["density_ind"], lang)
        with st.expander(t("population.table.expander", lang, year=year)):
            st.dataframe(part["table"], hide_index=True, key="census_table")
    ui.sync_url(state)


# ---------------------------------------------------------------- series, growth, commuting

def series_part() -> tuple:
    series = kependudukan.series(store, state.region_set)
    return chart(population_series(series, lang), series.dropna(subset=["value"]), "population_series")


def growth_part() -> dict:
    growth_ind = catalog.get(kependudukan.GROWTH)
    growth = ui.query("indicator_values", indicator_id=growth_ind.id, year=kependudukan.GROWTH_YEAR,
                      region_set=state.region_set)
    # the growth column of a census-year frame does not depend on its year
    covered, total = kependudukan.growth_coverage(
        kependudukan.census_year(store, kependudukan.GROWTH_YEAR, state.region_set))
    fig = charts.ranking_bar(growth, growth_ind, kependudukan.GROWTH_YEAR, lang, highlight=state.regions)
    fig = charts.replace_source(fig, kependudukan.growth_source(kependudukan.series(store, state.region_set), lang),
                                lang)
    return dict(ind=growth_ind, covered=covered, total=total,
                chart=chart(charts.label_room(fig, growth["value"]), growth, "population_growth_2010_2020"))


def ranking(frame, ind, year, total=None) -> tuple:
    fig = charts.ranking_bar(frame, ind, year, lang, highlight=state.regions)
    if kependudukan.total_note(total, lang):
        fig = with_total_note(fig, kependudukan.total_note(total, lang))
    slot = "commuters" if ind.id == "commuters_any_destination" else ind.id
    return chart(charts.label_room(fig, frame["value"]), frame, f"{slot}_{year}")


def commuting_part() -> dict:
    flows = kependudukan.flows(store, state.region_set, lang)
    sankey = kependudukan.sankey(flows, ui.query("regions", region_set="agglomeration"), lang)
    count_ind, share_ind, cost_ind = (catalog.get(i) for i in (
        "commuters_any_destination", "commuter_share_of_population", "commuters_daily_cost_over_25k_rp"))
    count, count_year, count_total = kependudukan.flow_values(store, flows, count_ind.id, state.region_set)
    (share, share_year), (cost, cost_year) = (kependudukan.latest_values(store, i.id, state.region_set)
                                              for i in (share_ind, cost_ind))
    tabs = [(count_ind, count_year and ranking(count, count_ind, count_year, count_total))]
    tabs += [(ind, ind_year and ranking(frame, ind, ind_year)) for frame, ind, ind_year in
             ((share, share_ind, share_year), (cost, cost_ind, cost_year))]
    return dict(facts=kependudukan.commuting_facts(sankey, share, cost, count, lang),
                sankey=None if sankey.empty else chart(commuting_sankey(sankey, lang),
                                                       flows[flows["year"] == sankey.year], f"commuting_{sankey.year}"),
                tabs=tabs, table=kependudukan.flows_table(flows, lang))


def commuting() -> None:
    part = memo("commuting", commuting_part)
    st.markdown(t("population.commuting.note", lang, **part["facts"]))
    if part["sankey"] is not None:
        show(part["sankey"], "commuting")
    tabs = st.tabs([t("population.tab.count", lang), t("population.tab.share", lang), t("population.tab.cost", lang)])
    for i, (tab, (ind, drawn)) in enumerate(zip(tabs, part["tabs"])):
        with tab:
            if drawn:
                show(drawn, "commuters" if ind.id == "commuters_any_destination" else ind.id)
            if i:   # the count tab has no definition box
                ui.definition_box(ind, lang)
    with st.expander(t("population.flows.expander", lang)):
        st.dataframe(part["table"], hide_index=True, key="flows_table")


st.subheader(t("population.series.heading", lang))
st.caption(t("population.series.note", lang))
show(memo("series", series_part), "population_series")
st.caption(t("population.series.not_shown", lang))
census_box = st.container()

st.subheader(t("population.growth.heading", lang))
growth = memo("growth", growth_part)
st.caption(t("population.growth.no_metro", lang, covered=growth["covered"], total=growth["total"]))
show(growth["chart"], "population_growth_2010_2020")
st.caption(f"{t('common.formula', lang)}: {md_escape(growth['ind'].formula(lang), 500)}")
ui.definition_box(growth["ind"], lang)

st.subheader(t("population.commuting.heading", lang))
commuting()
census_year(state, top, census_box)
