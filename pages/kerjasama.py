"""Cooperation and agglomeration (Kerja sama & aglomerasi): membership of the agglomeration
area (Law 2/2024) and Jabodetabek, DKI Jakarta's financial assistance to buffer regions,
commuting ties, and a matrix of what links each region to Jakarta."""
import streamlit as st

from jabodash import charts, ui
from jabodash.core import catalog, fmt
from jabodash.core.i18n import t
from jabodash.features import kerjasama
from jabodash.ui import kerjasama as kerjasama_ui

state = ui.page_setup("kerjasama")
lang, store = state.lang, ui.data_source()   # with the switch "official figures only"
st.title(t("kerjasama.title", lang))
st.caption(t("kerjasama.subtitle", lang))

parts = kerjasama_ui.parts(store, state.region_set, state.regions, lang)   # once per data version and view
members, commuting = parts["members"], parts["commuting"]
assistance, assistance_year = parts["assistance"], parts["assistance_year"]
assistance_sum, recipients = parts["assistance_total"]
c1, c2, c3, c4 = st.columns(4)
for column, key in ((c1, "agglomeration"), (c2, "jabodetabek")):
    ui.kpi_card(column, t(f"kerjasama.kpi.{key}", lang), t("kerjasama.kpi.members", lang, n=members[key]["n"]),
                t("kerjasama.kpi.members_detail", lang, **members[key]))
ui.kpi_card(c3, t("kerjasama.kpi.assistance", lang, year=assistance_year),
            fmt.number(assistance_sum, 2, lang, missing=t("common.no_data", lang)),
            t("kerjasama.kpi.assistance_detail", lang, n=recipients),
            catalog.get(kerjasama.ASSISTANCE).definition(lang))
ui.kpi_card(c4, t("kerjasama.kpi.commuters", lang, year=commuting.year),
            fmt.compact(commuting.published_total, lang, missing=t("common.no_data", lang)),
            t("kerjasama.kpi.commuters_detail", lang, itemised=len(commuting.itemised), members=commuting.members))
st.caption(t("kerjasama.membership.note", lang))

st.subheader(t("kerjasama.matrix.heading", lang))
matrix = parts["matrix"]
st.plotly_chart(parts["matrix_fig"], key="fig_links",
                config=charts.png_config("jabodash_links_to_jakarta"))
with st.expander(t("kerjasama.matrix.expander", lang)):
    st.dataframe(parts["matrix_table"], hide_index=True, key="links_table")
ui.csv_download(matrix, "jabodash_links_to_jakarta.csv", lang, key="dl_links")
st.page_link("pages/kependudukan.py", label=t("kerjasama.commuting.link", lang))

st.subheader(t("kerjasama.assistance.heading", lang))
if assistance_year is not None:
    ind = catalog.get(kerjasama.ASSISTANCE)
    st.plotly_chart(parts["assistance_fig"], key="fig_assistance", config=charts.png_config(f"jabodash_{ind.id}_{assistance_year}"))
    st.caption(t("kerjasama.assistance.note", lang, total=len(assistance)))
    ui.sources_list(parts["assistance_sources"], lang)
    ui.csv_download(assistance, f"jabodash_{ind.id}_{assistance_year}.csv", lang, key="dl_assistance")
    ui.definition_box(ind, lang)

st.subheader(t("kerjasama.other.heading", lang))
st.caption(t("kerjasama.other.note", lang))
st.dataframe(parts["other"], hide_index=True, key="other_table")
ui.sync_url(state)
