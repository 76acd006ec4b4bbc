"""The parts of the population page (pages/kependudukan.py), each built once per data version and
view (ui.per_data_version: figures, their frames and source lines) and drawn with its PNG button,
source list and CSV download. Chart keys do not carry the year, so a new year updates a chart in
place instead of mounting a new one."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from jabodash import charts, ui
from jabodash.charts.kependudukan import census_share_bar, commuting_sankey, population_series, with_total_note
from jabodash.core import catalog
from jabodash.core.i18n import t
from jabodash.features import kependudukan

COUNT = "commuters_any_destination"


@dataclass(frozen=True)
class Parts:
    store: object   # the page's DataSource (with the switch "official figures only")
    region_set: str
    regions: tuple[str, ...]   # highlighted in the rankings
    lang: str

    def memo(self, name: str, make, *args):
        """make(*args) once per data version, view and args (hashable); shared: never mutated."""
        return ui.per_data_version(f"kependudukan.{name}", lambda *_: make(*args), self.region_set, self.regions,
                                   self.lang, *args)

    def chart(self, fig, frame, name: str) -> tuple:
        """A chart as the page shows it: figure, the frame of its CSV, its source lines, file name."""
        return fig, frame, ui.source_lines(frame, self.lang), name

    def show(self, part: tuple, slot: str) -> None:
        fig, frame, lines, name = part
        st.plotly_chart(fig, key=f"fig_{slot}", config=charts.png_config(f"jabodash_{name}"))
        ui.sources_list(lines, self.lang)
        ui.csv_download(frame, f"jabodash_{name}.csv", self.lang, key=f"dl_{slot}")

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
        density = ui.query("indicator_values", indicator_id=density_ind.id, year=year, region_set=rs)
        fig = charts.ranking_bar(density, density_ind, year, lang, metro.value, highlight=self.regions)
        fig = charts.replace_source(fig, kependudukan.density_source(census, year, lang), lang, width=68)
        return dict(census=census, density_ind=density_ind, metro=metro,
                    share=self.chart(census_share_bar(census, year, lang), census.rename(columns={"population": "value"}),
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
        growth = ui.query("indicator_values", indicator_id=growth_ind.id, year=kependudukan.GROWTH_YEAR, region_set=rs)
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
        sankey = kependudukan.sankey(flows, ui.query("regions", region_set="agglomeration"), lang)
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
                    ui.definition_box(ind, lang)
        with st.expander(t("kependudukan.flows.expander", lang)):
            st.dataframe(part["table"], hide_index=True, key="flows_table")
