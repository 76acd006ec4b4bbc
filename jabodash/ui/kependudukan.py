"""The Kependudukan page (population): series by source, census-year population, share, density,
growth between the censuses, and commuting with what the data does and does not cover.

Its parts are each built once per data version and view (source.per_data_version: figures, their
frames and source lines) and drawn with its PNG button,
source list and CSV download. Chart keys do not carry the year, so a new year updates a chart in
place instead of mounting a new one."""
from __future__ import annotations

import html
from dataclasses import dataclass

import streamlit as st

from jabodash import charts
from jabodash.charts.kependudukan import census_share_bar, commuting_sankey, population_series, with_total_note
from jabodash.core import catalog
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import kependudukan
from jabodash.ui import shell, source, widgets

COUNT = "commuters_any_destination"


@dataclass(frozen=True)
class Parts:
    store: object   # the page's DataSource (with the switch "official figures only")
    region_set: str
    regions: tuple[str, ...]   # highlighted in the rankings
    lang: str

    def memo(self, name: str, make, *args):
        """make(*args) once per data version, view and args (hashable); shared: never mutated."""
        return source.per_data_version(f"kependudukan.{name}", lambda *_: make(*args), self.region_set, self.regions,
                                   self.lang, *args)

    def chart(self, fig, frame, name: str) -> tuple:
        """A chart as the page shows it: figure, the frame of its CSV, its source lines, file name."""
        return fig, frame, widgets.source_lines(frame, self.lang), name

    def show(self, part: tuple, slot: str) -> None:
        fig, frame, lines, name = part
        title = html.unescape(str(fig.layout.title.text or name).split("<br>")[0])
        if not widgets.chart_or_empty(fig, frame, title, self.lang, key=f"fig_{slot}",
                                      config=charts.png_config(f"jabodash_{name}")):
            return
        widgets.sources_list(lines, self.lang)
        widgets.csv_download(frame, f"jabodash_{name}.csv", self.lang, key=f"dl_{slot}")

    # ------------------------------------------------------------ census year

    def kpis(self, year: int) -> list:
        return self.memo("kpis", lambda y: kependudukan.kpis(self.store, y, self.region_set), year)

    def census(self, year: int) -> dict:
        return self.memo("census", self._census, year)

    def _census(self, year: int) -> dict:
        lang, rs = self.lang, self.region_set
        census = kependudukan.census_year(self.store, year, rs)
        density_ind = catalog.get(kependudukan.DENSITY)
        metro = kependudukan.density_metro(self.store, year, rs)
        density = self.store.values(density_ind.id, year, rs)
        fig = charts.ranking_bar(density, density_ind, year, lang, metro.value, highlight=self.regions)
        fig = charts.replace_source(fig, kependudukan.density_source(census, year, lang), lang,
                                    width=charts.HALF_SOURCE_WIDTH)   # half-width column
        return dict(census=census, density_ind=density_ind, metro=metro,
                    share=self.chart(charts.narrow_source(census_share_bar(census, year, lang), lang),
                                     census.rename(columns={"population": "value"}),
                                     f"population_share_{year}"),
                    density=self.chart(charts.label_room(fig, density["value"]), density, f"population_density_{year}"),
                    table=kependudukan.census_table(census, lang))

    # ------------------------------------------------------------ series and growth

    def series(self) -> tuple:
        return self.memo("series", lambda: self.chart(
            population_series(kependudukan.series(self.store, self.region_set), self.lang),
            kependudukan.series(self.store, self.region_set).dropna(subset=["value"]), "population_series"))

    def growth(self) -> dict:
        return self.memo("growth", self._growth)

    def _growth(self) -> dict:
        lang, rs = self.lang, self.region_set
        growth_ind = catalog.get(kependudukan.GROWTH)
        growth = self.store.values(growth_ind.id, kependudukan.GROWTH_YEAR, rs)
        # the growth column of a census-year frame does not depend on its year
        covered, total = kependudukan.growth_coverage(kependudukan.census_year(self.store, kependudukan.GROWTH_YEAR, rs))
        fig = charts.ranking_bar(growth, growth_ind, kependudukan.GROWTH_YEAR, lang, highlight=self.regions)
        fig = charts.replace_source(fig, kependudukan.growth_source(kependudukan.series(self.store, rs), lang), lang)
        return dict(ind=growth_ind, covered=covered, total=total,
                    chart=self.chart(charts.label_room(fig, growth["value"]), growth, "population_growth_2010_2020"))

    # ------------------------------------------------------------ commuting

    def _ranking(self, frame, ind, year, total=None) -> tuple:
        fig = charts.ranking_bar(frame, ind, year, self.lang, highlight=self.regions)
        if kependudukan.total_note(total, self.lang):
            fig = with_total_note(fig, kependudukan.total_note(total, self.lang))
        slot = "commuters" if ind.id == COUNT else ind.id
        return self.chart(charts.label_room(fig, frame["value"]), frame, f"{slot}_{year}")

    def _commuting(self) -> dict:
        lang, rs, store = self.lang, self.region_set, self.store
        flows = kependudukan.flows(store, rs, lang)
        sankey = kependudukan.sankey(flows, self.store.regions("agglomeration"), lang)
        count_ind, share_ind, cost_ind = (catalog.get(i) for i in (
            COUNT, "commuter_share_of_population", "commuters_daily_cost_over_25k_rp"))
        count, count_year, count_total = kependudukan.flow_values(store, flows, count_ind.id, rs)
        (share, share_year), (cost, cost_year) = (kependudukan.latest_values(store, i.id, rs)
                                                  for i in (share_ind, cost_ind))
        tabs = [(count_ind, count_year and self._ranking(count, count_ind, count_year, count_total))]
        tabs += [(ind, ind_year and self._ranking(frame, ind, ind_year)) for frame, ind, ind_year in
                 ((share, share_ind, share_year), (cost, cost_ind, cost_year))]
        sankey_chart = None if sankey.empty else self.chart(
            commuting_sankey(sankey, lang), flows[flows["year"] == sankey.year], f"commuting_{sankey.year}")
        return dict(facts=kependudukan.commuting_facts(sankey, share, cost, count, lang), sankey=sankey_chart,
                    tabs=tabs, table=kependudukan.flows_table(flows, lang))

    def commuting(self) -> None:
        """The note on what the data covers, the Sankey, the count/share/cost tabs and the flows table."""
        lang = self.lang
        part = self.memo("commuting", self._commuting)
        st.markdown(t("kependudukan.commuting.note", lang, **part["facts"]))
        if part["sankey"] is not None:
            self.show(part["sankey"], "commuting")
        tabs = st.tabs([t("kependudukan.tab.count", lang), t("kependudukan.tab.share", lang),
                        t("kependudukan.tab.cost", lang)])
        for tab, (ind, drawn) in zip(tabs, part["tabs"]):
            with tab:
                if drawn:
                    self.show(drawn, "commuters" if ind.id == COUNT else ind.id)
                if ind.id != COUNT:   # the count tab has no definition box
                    widgets.definition_box(ind, lang)
        with st.expander(t("kependudukan.flows.expander", lang)):
            widgets.table(part["table"], lang, "flows_table")


def render(state) -> None:
    lang, store = state.lang, source.data_source()   # with the switch "official figures only"
    st.title(t("kependudukan.title", lang))
    st.caption(t("kependudukan.subtitle", lang))
    parts = Parts(store, state.region_set, state.regions, lang)   # every part once per data version and view
    years = kependudukan.census_years(store, state.region_set)
    options = [int(y) for y in years["year"]]
    if not options:   # e.g. "official figures only": every census count is from a secondary source
        st.info(t("common.no_years", lang))
        shell.sync_url(state)
        st.stop()
    top = st.container()   # the year picker and the KPIs, drawn by the fragment below

    st.subheader(t("kependudukan.series.heading", lang))
    st.caption(t("kependudukan.series.note", lang))
    parts.show(parts.series(), "population_series")
    st.caption(t("kependudukan.series.not_shown", lang))
    census_box = st.container()

    st.subheader(t("kependudukan.growth.heading", lang))
    growth = parts.growth()
    st.caption(t("kependudukan.growth.no_metro", lang, covered=growth["covered"], total=growth["total"]))
    parts.show(growth["chart"], "population_growth_2010_2020")
    st.caption(f"{t('common.formula', lang)}: {md_escape(growth['ind'].formula(lang), 500)}")
    widgets.definition_box(growth["ind"], lang)

    st.subheader(t("kependudukan.commuting.heading", lang))
    parts.commuting()
    census_year(state, parts, years, top, census_box)   # last: it writes the view to the URL (shell.sync_url)


@st.fragment
def census_year(state, parts: Parts, years, top, box) -> None:
    """The census year, its KPIs and its section: a change of year reruns this part only (and
    writes the view to the URL: the page's last step)."""
    lang, options = state.lang, [int(y) for y in years["year"]]
    with top:
        if st.session_state.get("w_pop_year") not in options:
            st.session_state["w_pop_year"] = kependudukan.default_census_year(years, state.year)
        year = st.selectbox(t("kependudukan.census_year", lang), options, key="w_pop_year")
        cards = parts.kpis(year)
        for column, kpi in zip(st.columns(len(cards)), cards):
            help_text = (t("kependudukan.kpi.help_registry", lang) if kpi.indicator.id == "population_dukcapil"
                         else kpi.indicator.definition(lang))
            widgets.kpi_card(column, t(kpi.key, lang, year=kpi.year), kpi.value_text(lang), kpi.detail_text(lang),
                             help_text)
    with box:
        _census_section(parts, year, lang)
    shell.sync_url(state.with_(year=year))


def _census_section(parts: Parts, year: int, lang: str) -> None:
    part = parts.census(year)
    census, metro = part["census"], part["metro"]
    st.subheader(t("kependudukan.census.heading", lang, year=year))
    if census["share_pct"].isna().all():
        st.info(t("kependudukan.share.incomplete", lang, year=year, covered=int(census["covered"].iloc[0]),
                  total=len(census)))
    # one under the other: side by side, a 1280 px laptop cut both charts' titles, labels and sources
    parts.show(part["share"], "population_share")
    parts.show(part["density"], "population_density")
    if metro.value is None:
        st.info(t("kependudukan.density.metro_incomplete", lang, covered=metro.covered, total=metro.total))
    widgets.definition_box(part["density_ind"], lang)
    with st.expander(t("kependudukan.table.expander", lang, year=year)):
        widgets.table(part["table"], lang, "census_table")
