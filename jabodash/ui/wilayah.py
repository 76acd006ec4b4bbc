"""The Wilayah page: official area and density, kecamatan drill-down, distance from Monas,
agglomeration against Jabodetabek."""
from __future__ import annotations

import streamlit as st

from jabodash import charts
from jabodash.core import catalog
from jabodash.core.i18n import t
from jabodash.features import wilayah
from jabodash.geo import boundaries
from jabodash.ui import shell, source, widgets


def render(state) -> None:
    lang = state.lang
    st.title(t("wilayah.title", lang))
    src = source.data_source()
    regions = src.regions(state.region_set)
    kab_geo = boundaries.load_cached("kabkota")
    area_and_density(state, src, regions)
    kecamatan(state, regions)

    st.subheader(t("wilayah.distance_title", lang))
    dist, basis = source.per_data_version("wilayah.distances", lambda *_: wilayah.distances(
        regions, kab_geo.gdf if kab_geo is not None else None), state.region_set, kab_geo is not None)
    st.caption(t(f"wilayah.distance_{basis}", lang))
    st.dataframe(dist, hide_index=True, key="wil_distance", column_config={
        "code": t("wilayah.col_code", lang), "name": t("wilayah.col_name", lang),
        "distance_km": st.column_config.NumberColumn(t("wilayah.distance_km", lang), format="%.1f")})

    st.subheader(t("wilayah.membership_title", lang))
    all_regions = src.regions("agglomeration")
    geo = boundaries.geojson_for("kabkota") if kab_geo is not None else None
    attribution = boundaries.attribution("kabkota")
    st.plotly_chart(source.per_data_version("wilayah.membership", lambda *_: wilayah.membership_figure(
        all_regions, lang, geo, attribution), lang, geo is not None, attribution), key="wil_membership")
    shell.sync_url(state)


def area_and_density(state, src, regions) -> None:
    lang = state.lang
    st.subheader(t("wilayah.area_title", lang))
    ind = catalog.get("population_density_census")
    years = [int(y) for y in src.years(ind.id, state.region_set)["year"]]
    left, right = st.columns([3, 2])
    if years:
        year = right.selectbox(t("wilayah.density_year", lang), years, index=len(years) - 1, key="wil_year")
        density = src.values(ind.id, year, state.region_set)
        with left:   # the chart and its sources built once per data version and view
            density_fig, density_sources = source.per_data_version("wilayah.density", lambda *_: (
                charts.ranking_bar(density, ind, year, lang), widgets.source_lines(density, lang)), year,
                state.region_set, lang)
            widgets.chart_or_empty(density_fig, density, ind.name(lang), lang, year, key="wil_density")
            widgets.sources_list(density_sources, lang)
        table = wilayah.area_table(regions, density)
        right.dataframe(table, hide_index=True, key="wil_area_table", column_config={
            "code": t("wilayah.col_code", lang), "name": t("wilayah.col_name", lang),
            "area_km2": st.column_config.NumberColumn("km²", format="localized"),
            "density": st.column_config.NumberColumn(ind.unit(lang), format="localized")})
        with right:
            widgets.csv_download(table, f"jabodash_area_density_{year}.csv", lang, key="dl_area")
    st.caption(t("wilayah.area_note", lang))
    widgets.definition_box(ind, lang)


def kecamatan(state, regions) -> None:
    lang = state.lang
    st.subheader(t("wilayah.kecamatan_title", lang))
    kec = boundaries.load_cached("kecamatan")
    if kec is None:
        st.info(t("wilayah.kecamatan_none", lang))
        return
    names = dict(zip(regions["code"], regions["name"]))
    if st.session_state.get("wil_parent") not in names:   # the region in view, else Jakarta Selatan
        st.session_state["wil_parent"] = next((c for c in state.regions if c in names), "3171")
    parent = st.selectbox(t("wilayah.kecamatan_parent", lang), list(names), key="wil_parent",
                          format_func=lambda c: names[c])
    kec_view = (parent, state.classification, state.classes, state.palette, lang, kec.attribution)
    st.plotly_chart(source.per_data_version("wilayah.kecamatan_map", lambda *_: wilayah.kecamatan_map(
        kec.gdf, boundaries.geojson_for("kecamatan"), parent, state, lang, kec.attribution), *kec_view),
        key="wil_kec_map")
    st.dataframe(source.per_data_version("wilayah.kecamatan_table", lambda *_: wilayah.kecamatan_table(
        kec.gdf, regions, parent), parent, state.region_set), hide_index=True, key="wil_kec")
    st.caption(t("wilayah.kecamatan_density_note", lang))
    if kec.attribution:
        st.caption(kec.attribution)
