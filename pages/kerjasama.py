"""Cooperation and agglomeration (Kerja sama & aglomerasi): membership of the agglomeration
area (Law 2/2024) and Jabodetabek, DKI Jakarta's financial assistance to buffer regions,
commuting ties, and a matrix of what links each region to Jakarta."""
import streamlit as st

from jabodash import charts, ui
from jabodash.charts.kerjasama import links_matrix
from jabodash.core import catalog, fmt
from jabodash.core.i18n import t
from jabodash.features import kerjasama

state = ui.page_setup("kerjasama")
lang, store = state.lang, ui.data_source()   # with the switch "official figures only"
st.title(t("cooperation.title", lang))
st.caption(t("cooperation.subtitle", lang))

members = kerjasama.membership(store)
assistance, assistance_year = kerjasama.assistance(store, state.region_set)
assistance_sum, recipients = kerjasama.assistance_total(assistance)
commuting = kerjasama.commuting_total(store, state.region_set, lang)
c1, c2, c3, c4 = st.columns(4)
for column, key in ((c1, "agglomeration"), (c2, "jabodetabek")):
    ui.kpi_card(column, t(f"cooperation.kpi.{key}", lang), t("cooperation.kpi.members", lang, n=members[key]["n"]),
                t("cooperation.kpi.members_detail", lang, **members[key]))
ui.kpi_card(c3, t("cooperation.kpi.assistance", lang, year=assistance_year),
            fmt.number(assistance_sum, 2, lang, missing=t("common.no_data", lang)),
            t("cooperation.kpi.assistance_detail", lang, n=recipients),
            catalog.get(kerjasama.ASSISTANCE).definition(lang))
ui.kpi_card(c4, t("cooperation.kpi.commuters", lang, year=commuting.year),
            fmt.compact(commuting.published_total, lang, missing=t("common.no_data", lang)),
            t("cooperation.kpi.commuters_detail", lang, itemised=len(commuting.itemised), members=commuting.members))
st.caption(t("cooperation.membership.note", lang))

st.subheader(t("cooperation.matrix.heading", lang))
matrix = kerjasama.links(store, state.region_set, lang)
st.plotly_chart(links_matrix(matrix, lang), key="fig_links",
                config=charts.png_config("jabodash_links_to_jakarta"))
with st.expander(t("cooperation.matrix.expander", lang)):
    st.dataframe(kerjasama.links_table(matrix, lang), hide_index=True, key="links_table")
ui.csv_download(matrix, "jabodash_links_to_jakarta.csv", lang, key="dl_links")
st.page_link("pages/kependudukan.py", label=t("cooperation.commuting.link", lang))

st.subheader(t("cooperation.assistance.heading", lang))
if assistance_year is not None:
    ind = catalog.get(kerjasama.ASSISTANCE)
    fig = charts.label_room(charts.ranking_bar(assistance, ind, assistance_year, lang, highlight=state.regions),
                                   assistance["value"])
    st.plotly_chart(fig, key="fig_assistance", config=charts.png_config(f"jabodash_{ind.id}_{assistance_year}"))
    st.caption(t("cooperation.assistance.note", lang, total=len(assistance)))
    ui.sources_footnote(assistance, lang)
    ui.csv_download(assistance, f"jabodash_{ind.id}_{assistance_year}.csv", lang, key="dl_assistance")
    ui.definition_box(ind, lang)

st.subheader(t("cooperation.other.heading", lang))
st.caption(t("cooperation.other.note", lang))
st.dataframe(kerjasama.other_indicators(store, state.region_set, lang), hide_index=True, key="other_table")
ui.sync_url(state)
