"""Map explorer (Peta): indicator maps at kab/kota or kecamatan, region profile, boundaries."""
import functools

import streamlit as st

from jabodash import ui
from jabodash.charts import peta as peta_charts
from jabodash.core import state as state_mod
from jabodash.core.i18n import t
from jabodash.features import peta
from jabodash.geo import boundaries
from jabodash.presenter import views
from jabodash.ui import peta as peta_ui

state = ui.page_setup("peta")
lang = state.lang
st.title(t("peta.title", lang))


def opts(state, key, options, label, prefix, default=None):
    st.session_state.setdefault(key, default or getattr(state, key[2:]))
    return st.selectbox(t(label, lang), options, key=key, format_func=lambda v: t(prefix + v, lang))


@st.fragment
def explorer(state):
    """The map, its controls, legend, sources, downloads and definition, and the region profile:
    a change in any of them reruns this part only (and writes the view to the URL), not the
    page set-up and the boundary import below."""
    left, right = st.columns([3, 1])
    geojson_kab = boundaries.geojson_for("kabkota")
    with right:
        level = opts(state, "m_level", state_mod.LEVELS, "peta.level", "peta.level_")
        geojson = geojson_kab if level == "kabkota" else boundaries.geojson_for(level)
        indicator_id = year = None
        if level == "kabkota":
            indicator_id = ui.indicator_picker(state)
            year = ui.year_picker(state, indicator_id)
        elif geojson is not None:  # kecamatan: the area from the boundaries, or uploaded kecamatan data
            indicator_id = ui.indicator_picker(state, key="w_indicator_kec", level=level,
                                               extra={peta_charts.AreaIndicator.id: t("peta.map.area.name", lang)})
            if indicator_id != peta_charts.AreaIndicator.id:
                year = ui.year_picker(state, indicator_id, key="w_year_kec", level=level)
        if year is not None:
            state = state.with_(indicator=indicator_id, year=year)
        map_type = opts(state, "m_map_type", state_mod.MAP_TYPES, "peta.map_type", "peta.map_type_")
        method = opts(state, "m_classification", state_mod.CLASSIFICATIONS, "peta.method", "peta.map.method.")
        st.session_state.setdefault("m_classes", state.classes)
        k = st.slider(t("peta.classes", lang), 3, 7, key="m_classes")
        pal = opts(state, "m_palette", state_mod.PALETTES, "peta.palette", "peta.palette_")
        fit = opts(state, "m_fit", state_mod.FITS, "peta.fit", "peta.fit_")
        osm = st.toggle(t("peta.osm", lang), value=False, key="m_osm", help=t("peta.osm_help", lang))
    state = state.with_(level=level, map_type=map_type, classification=method, classes=k, palette=pal, fit=fit)

    mode = peta.map_mode(level, map_type, geojson is not None)
    values = ind = None
    with left:
        if year is not None:
            ind = ui.get_indicator(indicator_id)
            values = ui.indicator_values(indicator_id, year, state.region_set, level)
            # diverging around the metro value; without one (uploads, kecamatan) around the median
            center = ui.data_source().metro(ind, year, state.region_set).value if pal == "diverging" \
                and level == "kabkota" else None
        elif level == "kecamatan" and geojson is not None:
            ind, center, year = peta_charts.AreaIndicator(), None, t("peta.area_year", lang)
            values = peta_charts.area_values(boundaries.load_cached(level).gdf, boundaries.attribution(level))
            st.info(t("peta.kecamatan_only_area", lang))
        if mode == "none":
            st.warning(t("peta.map.kecamatan_needs_boundaries", lang))
        elif values is not None:
            classes = peta.classes_for(values, ind, state, lang, center)
            # one recipe for the screen; the export's figure (projector styling, 1920x1080, white
            # basemap) only when an image button is clicked
            map_figure = functools.partial(peta_charts.map_view, values, ind, year, lang, classes, level=level, view=mode,
                                           geojson=geojson if mode == "geo" else None, fit=fit,
                                           attribution=boundaries.attribution(level),
                                           outline=geojson_kab if level == "kecamatan" else None)
            basemap = "osm" if osm else "white"
            # built once per view and data version (the boundaries included), shared by the sessions
            figure = ui.per_data_version("peta.map", lambda *_: map_figure(basemap=basemap), indicator_id, year,
                                         state.region_set, level, mode, lang, method, k, pal, fit, center, basemap)
            event = st.plotly_chart(figure, key=f"map_{level}_{mode}", on_select="rerun", selection_mode="points")
            if clicked := peta.selected_code(event, level):
                st.session_state["m_region"] = clicked
            if "dataset_id" in values:
                ui.sources_footnote(values, lang)
            stem = f"jabodash_map_{ind.id}_{year}_{level}"
            ui.csv_download(values, f"{stem}.csv", lang, key="dl_map")
            ui.image_downloads(lambda: views.presentify(map_figure(presenter=True, width=1920, height=1080)), stem, lang,
                               key="dl_map_img")
        if geojson is None or geojson_kab is None:
            st.info(t("peta.how_to_boundaries", lang))
    if ind is not None and not isinstance(ind, peta_charts.AreaIndicator):
        ui.definition_box(ind, lang)

    state = peta_ui.region_profile(state, level, values, ind, lang)
    ui.sync_url(state)


explorer(state)
geojson = boundaries.geojson_for(st.session_state.get("m_level", state.level))

peta_ui.boundaries_panel(lang, expanded=geojson is None)
