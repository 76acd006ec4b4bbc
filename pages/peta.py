"""Map explorer (Peta): indicator maps at kab/kota or kecamatan, region profile, boundaries."""
import functools

import streamlit as st

from jabodash import ui
from jabodash.charts import maps
from jabodash.core import fmt
from jabodash.core import state as state_mod
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import peta
from jabodash.geo import boundaries
from jabodash.presenter import views
from jabodash.ui import sharing as workspace_ui

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
                                               extra={maps.AreaIndicator.id: t("maps.area.name", lang)})
            if indicator_id != maps.AreaIndicator.id:
                year = ui.year_picker(state, indicator_id, key="w_year_kec", level=level)
        if year is not None:
            state = state.with_(indicator=indicator_id, year=year)
        map_type = opts(state, "m_map_type", state_mod.MAP_TYPES, "peta.map_type", "peta.map_type_")
        method = opts(state, "m_classification", state_mod.CLASSIFICATIONS, "peta.method", "maps.method.")
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
            ind, center, year = maps.AreaIndicator(), None, t("peta.area_year", lang)
            values = maps.area_values(boundaries.load_cached(level).gdf, boundaries.attribution(level))
            st.info(t("peta.kecamatan_only_area", lang))
        if mode == "none":
            st.warning(t("maps.kecamatan_needs_boundaries", lang))
        elif values is not None:
            classes = peta.classes_for(values, ind, state, lang, center)
            # one recipe for the screen; the export's figure (projector styling, 1920x1080, white
            # basemap) only when an image button is clicked
            map_figure = functools.partial(maps.map_view, values, ind, year, lang, classes, level=level, view=mode,
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
    if ind is not None and not isinstance(ind, maps.AreaIndicator):
        ui.definition_box(ind, lang)

    # region profile
    st.subheader(t("peta.profile", lang))
    src = values if level == "kecamatan" and values is not None else ui.query("regions", region_set=state.region_set)
    names = dict(zip(src["region_code"] if "region_code" in src else src["code"], src["name"]))
    codes = list(names)
    if st.session_state.get("m_region") not in codes:
        st.session_state["m_region"] = state.regions[0] if state.regions and state.regions[0] in codes else codes[0]
    code = st.selectbox(t("peta.region", lang), codes, key="m_region", format_func=lambda c: f"{names[c]} ({c})")
    state = state.with_(regions=(code,) if len(code) == 4 else state.regions)
    if len(code) == 4:
        # computed when the region (or the data) changes, not on every change of the map
        prof = ui.per_data_version("peta.profile", lambda c, lg: peta.profile_table(*ui.region_profile(c), lg)
                                   .drop(columns="indicator_id"), code, lang)
        st.dataframe(prof, hide_index=True, key="profile", column_config={
            **{c: t(f"peta.col_{c}", lang) for c in ("indicator", "unit", "year", "source")},
            "trend": st.column_config.LineChartColumn(t("peta.trend", lang)),
            "value": st.column_config.NumberColumn(t("peta.value", lang), format="localized")})
    else:
        row = values[values["region_code"] == code].iloc[0]
        st.metric(ind.name(lang), f"{fmt.number(row['value'], ind.decimals, lang)} {ind.unit(lang)}".strip())
    ui.sync_url(state)


explorer(state)
geojson = boundaries.geojson_for(st.session_state.get("m_level", state.level))

# boundaries: upload and download
with st.expander(t("peta.boundaries", lang), expanded=geojson is None):
    status = boundaries.cache_status()
    for lv in state_mod.LEVELS:
        meta = status.get(lv)
        st.caption(f"{t(f'peta.level_{lv}', lang)}: " + (t("peta.cached", lang, n=meta.get("feature_count", "?"),
                   source=str(meta.get("source"))[:80]) if meta else t("peta.not_cached", lang)))
    up_level = st.radio(t("peta.level", lang), state_mod.LEVELS, key="b_level", horizontal=True,
                        format_func=lambda v: t(f"peta.level_{v}", lang))
    locked = workspace_ui.boundaries_locked(lang)   # JABODASH_WORKSPACE_READONLY: said plainly
    upload = st.file_uploader(t("peta.upload", lang), type=["geojson", "json", "gpkg", "zip"], key="b_file",
                              disabled=locked)
    code_col, name_col = (c.text_input(t(f"peta.{w}_column", lang), key=f"b_{w}", disabled=locked).strip() or None
                          for c, w in zip(st.columns(2), ("code", "name")))
    report = None   # import and download replace the level's boundaries for everyone: asked, then recorded
    do_import, do_fetch = workspace_ui.boundary_buttons(lang, up_level, upload is not None,
                                                        status.get(up_level) is not None, locked)
    try:
        if do_import and upload is not None:
            report = workspace_ui.audited("boundaries.import", f"{up_level}: {upload.name}", lambda: boundaries.import_file(
                upload.getvalue(), up_level, code_col, name_col, upload.name))
        elif do_fetch:
            bar = st.progress(0.0, text=t("peta.fetching", lang))
            report = workspace_ui.audited("boundaries.fetch", up_level, lambda: boundaries.fetch(
                up_level, progress=lambda done, total, msg: bar.progress(
                    min(1.0, done / total) if total else 0.0, text=str(msg)[:120])))
    except Exception as err:  # noqa: BLE001 - a broken file must show a message, never a traceback
        st.session_state.pop("b_report", None)
        known = isinstance(err, boundaries.BoundaryError)
        params = {k: md_escape(str(v), 300) for k, v in getattr(err, "params", {}).items()}
        st.error(t(err.key, lang, **params) if known else t("peta.import_failed", lang, reason=md_escape(str(err), 300)))
    if report is not None:
        st.session_state["b_report"] = peta.report_frames(report)
        st.rerun()
    if "b_report" in st.session_state:
        counts, unmatched, checks = st.session_state["b_report"]
        st.success(t("peta.report", lang, **counts))
        if len(unmatched):
            st.dataframe(unmatched, hide_index=True, key="b_unmatched")
        if len(checks) and checks["flagged"].any():
            st.warning(t("peta.area_flagged", lang, n=counts["flagged"]))
            st.dataframe(checks[checks["flagged"]], hide_index=True, key="b_checks")
