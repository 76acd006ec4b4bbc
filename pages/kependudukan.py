"""Population (Kependudukan): series by source, census-year population, share, density,
growth between the censuses, and commuting with what the data does and does not cover."""
import streamlit as st

from jabodash import ui
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import kependudukan
from jabodash.ui.kependudukan import Parts

state = ui.page_setup("kependudukan")
lang, store = state.lang, ui.data_source()   # with the switch "official figures only"
st.title(t("kependudukan.title", lang))
st.caption(t("kependudukan.subtitle", lang))
# every part is built once per data version and view (jabodash/ui/kependudukan.py)
parts = Parts(store, state.region_set, state.regions, lang)

years = kependudukan.census_years(store, state.region_set)
options = [int(y) for y in years["year"]]
if not options:   # e.g. "official figures only": every census count is from a secondary source
    st.info(t("common.no_years", lang))
    ui.sync_url(state)
    st.stop()
top = st.container()   # the year picker and the KPIs, drawn by the fragment below


@st.fragment
def census_year(state, top, box):
    """The census year, its KPIs and its section: a change of year reruns this part only (and
    writes the view to the URL: the page's last step)."""
    with top:
        if st.session_state.get("w_pop_year") not in options:
            st.session_state["w_pop_year"] = kependudukan.default_census_year(years, state.year)
        year = st.selectbox(t("kependudukan.census_year", lang), options, key="w_pop_year")
        cards = parts.kpis(year)
        for column, kpi in zip(st.columns(len(cards)), cards):
            help_text = (t("kependudukan.kpi.help_registry", lang) if kpi.indicator.id == "population_dukcapil"
                         else kpi.indicator.definition(lang))
            ui.kpi_card(column, t(kpi.key, lang, year=kpi.year), kpi.value_text(lang), kpi.detail_text(lang), help_text)
    with box:
        part = parts.census(year)
        census, metro = part["census"], part["metro"]
        st.subheader(t("kependudukan.census.heading", lang, year=year))
        if census["share_pct"].isna().all():
            st.info(t("kependudukan.share.incomplete", lang, year=year, covered=int(census["covered"].iloc[0]),
                      total=len(census)))
        left, right = st.columns(2)
        with left:
            parts.show(part["share"], "population_share")
        with right:
            parts.show(part["density"], "population_density")
            if metro.value is None:
                st.info(t("kependudukan.density.metro_incomplete", lang, covered=metro.covered, total=metro.total))
            ui.definition_box(part["density_ind"], lang)
        with st.expander(t("kependudukan.table.expander", lang, year=year)):
            st.dataframe(part["table"], hide_index=True, key="census_table")
    ui.sync_url(state.with_(year=year))


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
ui.definition_box(growth["ind"], lang)

st.subheader(t("kependudukan.commuting.heading", lang))
parts.commuting()
census_year(state, top, census_box)   # last: it writes the view to the URL (ui.sync_url)
