"""The Wilayah page: official area and density, kecamatan drill-down, distance from Monas,
agglomeration against Jabodetabek."""
from __future__ import annotations

import streamlit as st

from jabodash import charts
from jabodash.core import catalog
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
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
    # coordinates with 4 decimals: "-6,181" would read as a thousands group
    widgets.table(dist, lang, "wil_distance", decimals={"distance_km": 1, "lat": 4, "lon": 4}, labels={
        "code": t("wilayah.col_code", lang), "name": t("wilayah.col_name", lang),
        "distance_km": t("wilayah.distance_km", lang)})

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
        with right:
            widgets.table(table, lang, "wil_area_table", decimals={"area_km2": 2, "density": ind.decimals}, labels={
                "code": t("wilayah.col_code", lang), "name": t("wilayah.col_name", lang),
                "area_km2": t("wilayah.col_area", lang), "density": ind.unit(lang)})
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
    # only the kab/kota the boundaries have kecamatan of (a file may cover a few: no empty map)
    present = set(kec.gdf["parent_code"].astype(str))
    names = {c: n for c, n in zip(regions["code"], regions["name"]) if c in present}
    if st.session_state.get("wil_parent") not in names:   # the region in view, else Jakarta Selatan
        st.session_state["wil_parent"] = next((c for c in [*state.regions, "3171", *names] if c in names), None)
    parent = widgets.choice(st.selectbox, t("wilayah.kecamatan_parent", lang), names, key="wil_parent",
                            format_func=lambda c: names[c])
    src = source.data_source()
    population = src.kecamatan_population()
    census = src.values(*wilayah.KEC_CENSUS, "kecamatan", level="kecamatan")
    colour = "area"
    if census["value"].notna().any():   # colour by the area or by the built-in census figure
        colour = widgets.choice(st.radio, t("wilayah.kecamatan_colour", lang), ["area", "census"], key="wil_kec_colour",
                                horizontal=True, format_func=lambda c: t(f"wilayah.kecamatan_colour_{c}", lang))
    figures = (census, src.indicator(wilayah.KEC_CENSUS[0]), wilayah.KEC_CENSUS[1]) if colour == "census" else None
    kec_view = (parent, state.classification, state.classes, state.palette, lang, kec.attribution, colour,
                source.official_only())
    st.plotly_chart(source.per_data_version("wilayah.kecamatan_map", lambda *_: wilayah.kecamatan_map(
        kec.gdf, boundaries.geojson_for("kecamatan"), parent, state, lang, kec.attribution, figures), *kec_view),
        key="wil_kec_map")
    table = source.per_data_version("wilayah.kecamatan_table", lambda *_: wilayah.kecamatan_table(
        kec.gdf, regions, parent, population, census), parent, state.region_set, source.official_only())
    widgets.table(table, lang, "wil_kec", decimals={"area_km2": 2, "census_2010": 0, "population": 0, "density": 0,
                                                    "change_pct": 2},
                  labels={c: t(f"wilayah.col_{c}", lang) for c in ("code", "name", "kabkota", "census_2010", "population",
                                                                   "period", "density", "change_pct", "since")}
                  | {"area_km2": t("wilayah.col_area", lang)})
    _kecamatan_census_note(table, census, lang)
    _kecamatan_population_note(table, population, lang)
    if kec.attribution:
        st.caption(kec.attribution)


def _kecamatan_census_note(table, census, lang: str) -> None:
    """How many kecamatan of the table have the built-in census figure, and its source with its grade."""
    if "census_2010" not in table:
        return
    shown = census[census["region_code"].astype(str).isin(set(table["code"].astype(str)))]
    st.caption(t("wilayah.kecamatan_census_note", lang, n=int(table["census_2010"].notna().sum()), total=len(table),
                 sources="; ".join(widgets.source_lines(shown, lang) or [])))


def _kecamatan_population_note(table, population, lang: str) -> None:
    """How many kecamatan of the table have Dukcapil's population, and from where; or how to get it."""
    shown = set(table["code"].astype(str))
    sources = sorted(set(population.loc[population["region_code"].astype(str).isin(shown), "source"].dropna().astype(str))) \
        if "population" in table else []
    if not sources:           # no figure for these kecamatan: how to get them
        st.caption(t("wilayah.kecamatan_density_note", lang))
        return
    st.caption(md_escape(t("wilayah.kecamatan_population_note", lang, n=int(table["population"].notna().sum()),
                           total=len(table), sources="; ".join(sources)), 2000))
