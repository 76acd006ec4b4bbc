"""The Kerja sama & aglomerasi page (cooperation): membership of the agglomeration area (Law 2/2024)
and Jabodetabek, DKI Jakarta's financial assistance to buffer regions, commuting ties, and a matrix
of what links each region to Jakarta.

Its parts are built once per data version and view (source.per_data_version): the KPI figures, the links matrix (chart and table), DKI's assistance
(ranking chart and source lines) and the other indicators' table. A new session opening the page,
or a rerun, draws them without computing them again."""
from __future__ import annotations

import streamlit as st

from jabodash import charts
from jabodash.charts.kerjasama import links_matrix
from jabodash.core import catalog, fmt
from jabodash.core.i18n import t
from jabodash.features import kerjasama
from jabodash.ui import shell, source, widgets


def render(state) -> None:
    lang, store = state.lang, source.data_source()   # with the switch "official figures only"
    st.title(t("kerjasama.title", lang))
    st.caption(t("kerjasama.subtitle", lang))
    got = parts(store, state.region_set, state.regions, lang)   # once per data version and view
    kpis(got, lang)
    st.caption(t("kerjasama.membership.note", lang))

    st.subheader(t("kerjasama.matrix.heading", lang))
    st.plotly_chart(got["matrix_fig"], key="fig_links", config=charts.png_config("jabodash_links_to_jakarta"))
    with st.expander(t("kerjasama.matrix.expander", lang)):
        st.dataframe(got["matrix_table"], hide_index=True, key="links_table")
    widgets.csv_download(got["matrix"], "jabodash_links_to_jakarta.csv", lang, key="dl_links")
    st.page_link("pages/kependudukan.py", label=t("kerjasama.commuting.link", lang))

    st.subheader(t("kerjasama.assistance.heading", lang))
    assistance, assistance_year = got["assistance"], got["assistance_year"]
    if assistance_year is not None:
        ind = catalog.get(kerjasama.ASSISTANCE)
        st.plotly_chart(got["assistance_fig"], key="fig_assistance",
                        config=charts.png_config(f"jabodash_{ind.id}_{assistance_year}"))
        st.caption(t("kerjasama.assistance.note", lang, total=len(assistance)))
        widgets.sources_list(got["assistance_sources"], lang)
        widgets.csv_download(assistance, f"jabodash_{ind.id}_{assistance_year}.csv", lang, key="dl_assistance")
        widgets.definition_box(ind, lang)

    st.subheader(t("kerjasama.other.heading", lang))
    st.caption(t("kerjasama.other.note", lang))
    st.dataframe(got["other"], hide_index=True, key="other_table")
    shell.sync_url(state)


def kpis(got: dict, lang: str) -> None:
    members, commuting = got["members"], got["commuting"]
    assistance_sum, recipients = got["assistance_total"]
    c1, c2, c3, c4 = st.columns(4)
    for column, key in ((c1, "agglomeration"), (c2, "jabodetabek")):
        widgets.kpi_card(column, t(f"kerjasama.kpi.{key}", lang), t("kerjasama.kpi.members", lang, n=members[key]["n"]),
                         t("kerjasama.kpi.members_detail", lang, **members[key]))
    widgets.kpi_card(c3, t("kerjasama.kpi.assistance", lang, year=got["assistance_year"]),
                     fmt.number(assistance_sum, 2, lang, missing=t("common.no_data", lang)),
                     t("kerjasama.kpi.assistance_detail", lang, n=recipients),
                     catalog.get(kerjasama.ASSISTANCE).definition(lang))
    widgets.kpi_card(c4, t("kerjasama.kpi.commuters", lang, year=commuting.year),
                     fmt.compact(commuting.published_total, lang, missing=t("common.no_data", lang)),
                     t("kerjasama.kpi.commuters_detail", lang, itemised=len(commuting.itemised),
                       members=commuting.members))


def parts(store, region_set: str, regions: tuple[str, ...], lang: str) -> dict:
    """Everything the page shows for this view (``store``: the page's DataSource, with the switch
    "official figures only", which per_data_version keys on); shared: never mutated."""
    return source.per_data_version("kerjasama.parts", lambda *_: _parts(store, region_set, regions, lang),
                               region_set, regions, lang)


def _parts(store, region_set: str, regions: tuple[str, ...], lang: str) -> dict:
    assistance, assistance_year = kerjasama.assistance(store, region_set)
    matrix = kerjasama.links(store, region_set, lang)
    out = dict(members=kerjasama.membership(store), assistance=assistance, assistance_year=assistance_year,
               assistance_total=kerjasama.assistance_total(assistance),
               commuting=kerjasama.commuting_total(store, region_set, lang),
               matrix=matrix, matrix_fig=links_matrix(matrix, lang), matrix_table=kerjasama.links_table(matrix, lang),
               other=kerjasama.other_indicators(store, region_set, lang))
    if assistance_year is not None:
        ind = catalog.get(kerjasama.ASSISTANCE)
        out["assistance_fig"] = charts.label_room(
            charts.ranking_bar(assistance, ind, assistance_year, lang, highlight=regions), assistance["value"])
        out["assistance_sources"] = widgets.source_lines(assistance, lang)
    return out
