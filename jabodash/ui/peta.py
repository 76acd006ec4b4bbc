"""The Peta page (map explorer): the map with its controls, legend, sources and downloads, the region
profile under it and the boundaries expander (status, upload, download, the import report). The
logic is in jabodash.features.peta and jabodash.geo.boundaries, the figures in jabodash.charts.peta;
user text is Markdown-escaped or shown through st.dataframe only."""
from __future__ import annotations

import functools

import streamlit as st

from jabodash.brief import make
from jabodash.charts import peta as peta_charts
from jabodash.core import fmt
from jabodash.core import state as state_mod
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import peta
from jabodash.geo import boundaries
from jabodash.presenter import views
from jabodash.ui import kerjasama as kerjasama_ui
from jabodash.ui import sasaran as sasaran_ui
from jabodash.ui import shell, source, widgets, workspace
from jabodash.ui.components import geomap


def render(state) -> None:
    st.title(t("peta.title", state.lang))
    explorer(state)
    kabkota_profile(state)
    geojson = boundaries.geojson_for(st.session_state.get("m_level", state.level))
    boundaries_panel(state.lang, expanded=geojson is None)


def _opts(state, key, options, label, prefix, default=None):
    st.session_state.setdefault(key, default or getattr(state, key[2:]))
    return widgets.choice(st.selectbox, t(label, state.lang), options, key=key,
                          format_func=lambda v: t(prefix + v, state.lang))


def _controls(state, level_geojson):
    """The map's controls (right column): level, indicator and year, map type, classification,
    classes, palette, fit, basemap. Returns the view, the indicator, the year and the basemap toggle."""
    lang = state.lang
    level = _opts(state, "m_level", state_mod.LEVELS, "peta.level", "peta.level_")
    geojson = level_geojson(level)
    indicator_id = year = None
    if level == "kabkota":
        indicator_id = widgets.indicator_picker(state)
        year = widgets.year_picker(state, indicator_id)
    elif geojson is not None:  # kecamatan: the area from the boundaries, or uploaded kecamatan data
        indicator_id = widgets.indicator_picker(state, key="w_indicator_kec", level=level,
                                                extra={peta_charts.AreaIndicator.id: t("peta.map.area.name", lang)})
        if indicator_id != peta_charts.AreaIndicator.id:
            year = widgets.year_picker(state, indicator_id, key="w_year_kec", level=level)
    if year is not None:
        state = state.with_(indicator=indicator_id, year=year)
    # geographic when the kab/kota boundaries are cached (the default view), else the tile grid;
    # kecamatan have no tile grid: no choice shown (it said "Kisi petak" over a geographic map)
    map_type = state.map_type
    if level == "kabkota":
        map_type = _opts(state, "m_map_type", state_mod.MAP_TYPES, "peta.map_type", "peta.map_type_",
                         default=None if level_geojson("kabkota") is not None else "tiles")
    method = _opts(state, "m_classification", state_mod.CLASSIFICATIONS, "peta.method", "peta.map.method.")
    st.session_state.setdefault("m_classes", state.classes)
    k = st.slider(t("peta.classes", lang), 3, 7, key="m_classes")
    pal = _opts(state, "m_palette", state_mod.PALETTES, "peta.palette", "peta.palette_")
    fit = _opts(state, "m_fit", state_mod.FITS, "peta.fit", "peta.fit_")
    osm = st.toggle(t("peta.osm", lang), value=False, key="m_osm", help=t("peta.osm_help", lang))
    state = state.with_(level=level, map_type=map_type, classification=method, classes=k, palette=pal, fit=fit)
    return state, geojson, indicator_id, year, osm


@st.fragment
def explorer(state):
    """The map, its controls, legend, sources, downloads and definition, and the region profile:
    a change in any of them reruns this part only (and writes the view to the URL), not the
    page set-up and the boundary import below."""
    lang = state.lang
    left, right = st.columns([3, 1])
    geojson_kab = boundaries.geojson_for("kabkota")
    with right:
        state, geojson, indicator_id, year, osm = _controls(
            state, lambda level: geojson_kab if level == "kabkota" else boundaries.geojson_for(level))
    level = state.level
    mode = peta.map_mode(level, state.map_type, geojson is not None)
    values = ind = None
    with left:
        if year is not None:
            src = source.data_source()
            ind = src.indicator(indicator_id)
            values = src.values(indicator_id, year, state.region_set, level)
            # diverging around the metro value; without one (uploads, kecamatan) around the median
            center = src.metro(ind, year, state.region_set).value if state.palette == "diverging" \
                and level == "kabkota" else None
        elif level == "kecamatan" and geojson is not None:
            ind, center, year = peta_charts.AreaIndicator(), None, t("peta.area_year", lang)
            values = peta_charts.area_values(boundaries.load_cached(level).gdf, boundaries.attribution(level))
            st.info(t("peta.kecamatan_only_area", lang))
        elif indicator_id is not None and source.official_only():   # no year with an official figure
            widgets.empty_state(source.data_source().indicator(indicator_id).name(lang), lang)
        if mode == "none":
            st.warning(t("peta.map.kecamatan_needs_boundaries", lang))
        elif values is not None and not widgets.has_figures(values):
            widgets.empty_state(ind.name(lang), lang, year)   # no map of grey tiles only
        elif values is not None:
            _map(state, values, ind, year, center, mode, geojson, geojson_kab, osm, indicator_id)
            if level == "kecamatan" and not isinstance(ind, peta_charts.AreaIndicator):
                _unplaced(indicator_id, year, lang)
        if geojson is None or geojson_kab is None:
            st.info(t("peta.how_to_boundaries", lang))
    if ind is not None and not isinstance(ind, peta_charts.AreaIndicator):
        widgets.definition_box(ind, lang)

    if level == "kecamatan":   # the picked kecamatan's value: it changes with the map
        state = region_profile(state, level, values, ind, lang)
    else:   # the kab/kota profile does not: its own fragment (kabkota_profile), not redrawn with the map
        state = state.with_(regions=_picked(state, source.data_source().regions(state.region_set)["code"].tolist()))
    st.session_state[VIEW_KEY] = state
    _profile_follows(state)
    shell.sync_url(state)


VIEW_KEY, SHOWN_KEY = "m_view", "m_profile_shown"   # the explorer's view; what the profile fragment shows


def _profile_key(view) -> tuple:
    return (view.level,) if view.level != "kabkota" else (view.level, view.region_set, view.lang, view.regions)


def _profile_follows(view) -> None:
    """After a change of the map that changes the kab/kota profile (the level, or a region clicked on
    the map), the whole page runs again: a fragment cannot redraw another one. Not in a run of the
    whole page (the profile comes after the map in it)."""
    shown = st.session_state.get(SHOWN_KEY)
    if shown is not None and shown != _profile_key(view) and _fragment_run():
        st.rerun(scope="app")


@st.fragment
def kabkota_profile(state) -> None:
    """The kab/kota region profile (under the map): a year or indicator change of the map does not
    run it or send it again (its own fragment); the explorer's view gives its address."""
    view = st.session_state.get(VIEW_KEY, state)
    before = view.regions
    if view.level == "kabkota":
        view = region_profile(view, "kabkota", None, None, view.lang)
        st.session_state[VIEW_KEY] = view
        shell.sync_url(view, link=False)   # the sidebar's link is the explorer's (one per page)
    st.session_state[SHOWN_KEY] = _profile_key(view)
    if view.regions != before and _fragment_run():   # a region picked here: the link and map follow
        st.rerun(scope="app")


def _fragment_run() -> bool:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def _map(state, values, ind, year, center, mode, geojson, geojson_kab, osm, indicator_id) -> None:
    """The map (built once per view and data version), the click on a region, sources and downloads."""
    lang, level = state.lang, state.level
    classes = peta.classes_for(values, ind, state, lang, center)
    # one recipe for the screen; the export's figure (projector styling, 1920x1080, white
    # basemap) only when an image button is clicked
    map_figure = functools.partial(peta_charts.map_view, values, ind, year, lang, classes, level=level, view=mode,
                                   geojson=geojson if mode == "geo" else None, fit=state.fit,
                                   attribution=boundaries.attribution(level),
                                   outline=geojson_kab if level == "kecamatan" else None)
    basemap = "osm" if osm else "white"
    # built once per view and data version (the boundaries included), shared by the sessions
    view = (indicator_id, year, state.region_set, level, mode, lang, state.classification, state.classes,
            state.palette, state.fit, center, basemap)
    if mode == "geo":   # the boundaries reach the browser once per page; a change sends values and colours
        shown = source.per_data_version("peta.geomap", lambda *_: geomap.prepare(map_figure(basemap=basemap)), *view)
        event = geomap.geomap(shown, key=f"map_{level}_{mode}")
    else:
        figure = source.per_data_version("peta.map", lambda *_: map_figure(basemap=basemap), *view)
        event = st.plotly_chart(figure, key=f"map_{level}_{mode}", on_select="rerun", selection_mode="points")
    # a click picks the region once: the map's last click stays in its state through later reruns,
    # and must not undo a region picked since in the profile
    clicked = peta.selected_code(event, level)
    click = (level, event.get("clicks") if isinstance(event, dict) and "clicks" in event else clicked)
    if clicked and st.session_state.get("m_click_seen") != click:
        st.session_state["m_region"] = clicked
        st.session_state["m_click_seen"] = click
    if "dataset_id" in values:
        widgets.sources_footnote(values, lang)
    stem = f"jabodash_map_{ind.id}_{year}_{level}"
    widgets.csv_download(values, f"{stem}.csv", lang, key="dl_map")
    widgets.image_downloads(lambda: views.presentify(map_figure(presenter=True, width=1920, height=1080)), stem, lang,
                            key="dl_map_img")
    if level == "kabkota":   # a kab/kota map as one slide of a meeting deck (jabodash.brief)
        view = state.with_(indicator=indicator_id, year=year, map_type=mode)
        widgets.brief_download(st, t("brief.view_slide", lang), lambda: make.view_brief(
            source.data_source(), view, "map"), stem, "pptx", "dl_map_slide", lang)


def _unplaced(indicator_id: str, year: int, lang: str) -> None:
    """Figures of kecamatan the cached boundaries have no polygon for: listed as gaps of the map."""
    src = source.data_source()
    missing = src.unplaced(indicator_id, year)
    if len(missing):
        regions = src.regions("agglomeration")
        names = peta.unplaced_names(missing, dict(zip(regions["code"], regions["short_name"])))
        st.caption(md_escape(t("peta.map.kecamatan_unplaced", lang, n=len(names), names=", ".join(names[:30])), 3000))


def _profile(code: str, lang: str):
    """Every figure of one kab/kota, built-in and uploaded, as the profile table."""
    src = source.data_source()
    catalog = src.catalog()
    prof = peta.profile_table(src.profile(code), catalog, lang)
    # each row its indicator's decimals, in the UI language (10,95 km², not the browser's 10.951)
    prof["value"] = [fmt.number(v, catalog[i].decimals if i in catalog else fmt.decimals_for([v]), lang)
                     for i, v in zip(prof["indicator_id"], prof["value"])]
    return prof.drop(columns="indicator_id")


def region_profile(state: state_mod.ViewState, level: str, values, ind, lang: str) -> state_mod.ViewState:
    """The picked region's indicators (kab/kota) or the map's value (kecamatan); returns the view
    with the picked kab/kota as its region."""
    st.subheader(t("peta.profile", lang))
    src = values if level == "kecamatan" and values is not None else source.data_source().regions(state.region_set)
    names = dict(zip(src["region_code"] if "region_code" in src else src["code"], src["name"]))
    codes = list(names)
    _picked(state, codes)
    code = st.selectbox(t("peta.region", lang), codes, key="m_region", format_func=lambda c: f"{names[c]} ({c})")
    state = state.with_(regions=_picked(state, codes))
    if len(code) == 4:
        # computed when the region (or the data) changes, not on every change of the map
        widgets.brief_download(st, t("brief.region_deck", lang), lambda: make.region_brief(
            source.data_source(), code, "pptx", lang, state.region_set), f"profil_{code}", "pptx", "dl_region_deck", lang)
        prof = source.per_data_version("peta.profile", _profile, code, lang)
        widgets.table(prof, lang, "profile", labels={
            **{c: t(f"peta.col_{c}", lang) for c in ("indicator", "unit", "year", "source")},
            "value": t("peta.value", lang)},
            column_config={"trend": st.column_config.LineChartColumn(t("peta.trend", lang))})
        kerjasama_ui.profile_section(code, names[code], source.data_source(), state.region_set, lang)
        sasaran_ui.region_targets(state.region_set, code, lang)   # the targets that concern it
    else:
        rows = values[values["region_code"] == code]
        row = rows.iloc[0]
        st.metric(ind.name(lang), f"{fmt.number(row['value'], ind.decimals, lang)} {ind.unit(lang)}".strip())
        for line in widgets.source_lines(rows, lang) or []:   # the figure's source and grade (none for a gap)
            st.caption(line)
    return state


def _picked(state: state_mod.ViewState, codes: list) -> tuple:
    """The region the profile shows (kept in the session; else the view's, else the first), as the
    view's regions: the picked kab/kota, or the view's own when a kecamatan is picked."""
    if st.session_state.get("m_region") not in codes:
        st.session_state["m_region"] = state.regions[0] if state.regions and state.regions[0] in codes else codes[0]
    code = st.session_state["m_region"]
    return (code,) if len(code) == 4 else state.regions


def boundaries_panel(lang: str, expanded: bool) -> None:
    """Boundaries: the cached levels, upload and download (asked, then recorded), the import report."""
    with st.expander(t("peta.boundaries", lang), expanded=expanded):
        status = boundaries.cache_status()
        for lv in state_mod.LEVELS:
            meta = status.get(lv)
            st.caption(f"{t(f'peta.level_{lv}', lang)}: " + (t("peta.cached", lang, n=meta.get("feature_count", "?"),
                       source=str(meta.get("source"))[:80]) if meta else t("peta.not_cached", lang)))
        up_level = widgets.choice(st.radio, t("peta.level", lang), state_mod.LEVELS, key="b_level", horizontal=True,
                                  format_func=lambda v: t(f"peta.level_{v}", lang))
        locked = workspace.boundaries_locked(lang)   # JABODASH_WORKSPACE_READONLY: said plainly
        upload = widgets.file_uploader(t("peta.upload", lang), lang, type=["geojson", "json", "gpkg", "zip"], key="b_file",
                                  disabled=locked)
        code_col, name_col = (c.text_input(t(f"peta.{w}_column", lang), key=f"b_{w}", disabled=locked).strip() or None
                              for c, w in zip(st.columns(2), ("code", "name")))
        # import and download replace the level's boundaries for everyone: asked, then recorded
        do_import, do_fetch = workspace.boundary_buttons(lang, up_level, upload is not None,
                                                            status.get(up_level) is not None, locked)
        report = _import_or_fetch(lang, up_level, upload if do_import else None, code_col, name_col, do_fetch)
        if report is not None:
            st.session_state["b_report"] = peta.report_frames(report)
            st.rerun()
        if "b_report" in st.session_state:
            _import_report(*st.session_state["b_report"], lang)


def _import_or_fetch(lang: str, up_level: str, upload, code_col, name_col, do_fetch: bool):
    """The import (or download) report, or None; a failure is said, never a traceback."""
    try:
        if upload is not None:
            return workspace.audited("boundaries.import", f"{up_level}: {upload.name}", lambda: boundaries.import_file(
                upload.getvalue(), up_level, code_col, name_col, upload.name))
        if do_fetch:
            bar = st.progress(0.0, text=t("peta.fetching", lang))
            return workspace.audited("boundaries.fetch", up_level, lambda: boundaries.fetch(
                up_level, progress=lambda done, total, msg: bar.progress(
                    min(1.0, done / total) if total else 0.0, text=str(msg)[:120])))
    except Exception as err:  # noqa: BLE001 - a broken file must show a message, never a traceback
        st.session_state.pop("b_report", None)
        known = isinstance(err, boundaries.BoundaryError)
        params = {k: md_escape(str(v), 300) for k, v in getattr(err, "params", {}).items()}
        st.error(t(err.key, lang, **params) if known else t("peta.import_failed", lang, reason=md_escape(str(err), 300)))
    return None


def _import_report(counts: dict, unmatched, checks, lang: str) -> None:
    st.success(t("peta.report", lang, **counts))
    if len(unmatched):
        st.dataframe(unmatched, hide_index=True, key="b_unmatched")
    if len(checks) and checks["flagged"].any():
        st.warning(t("peta.area_flagged", lang, n=counts["flagged"]))
        st.dataframe(checks[checks["flagged"]], hide_index=True, key="b_checks")
