"""Panels of the map explorer page (pages/peta.py; imports streamlit): the region profile under the
map and the boundaries expander (status, upload, download, the import report). The logic is in
jabodash.features.peta and jabodash.geo.boundaries; user text is Markdown-escaped or shown through
st.dataframe only."""
from __future__ import annotations

import streamlit as st

from jabodash import ui
from jabodash.core import fmt
from jabodash.core import state as state_mod
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import peta
from jabodash.geo import boundaries
from jabodash.ui import sasaran as targets_ui
from jabodash.ui import workspace


def region_profile(state: state_mod.ViewState, level: str, values, ind, lang: str) -> state_mod.ViewState:
    """The picked region's indicators (kab/kota) or the map's value (kecamatan); returns the view
    with the picked kab/kota as its region."""
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
        targets_ui.region_targets(state.region_set, code, lang)   # the targets that concern it
    else:
        row = values[values["region_code"] == code].iloc[0]
        st.metric(ind.name(lang), f"{fmt.number(row['value'], ind.decimals, lang)} {ind.unit(lang)}".strip())
    return state


def boundaries_panel(lang: str, expanded: bool) -> None:
    """Boundaries: the cached levels, upload and download (asked, then recorded), the import report."""
    with st.expander(t("peta.boundaries", lang), expanded=expanded):
        status = boundaries.cache_status()
        for lv in state_mod.LEVELS:
            meta = status.get(lv)
            st.caption(f"{t(f'peta.level_{lv}', lang)}: " + (t("peta.cached", lang, n=meta.get("feature_count", "?"),
                       source=str(meta.get("source"))[:80]) if meta else t("peta.not_cached", lang)))
        up_level = st.radio(t("peta.level", lang), state_mod.LEVELS, key="b_level", horizontal=True,
                            format_func=lambda v: t(f"peta.level_{v}", lang))
        locked = workspace.boundaries_locked(lang)   # JABODASH_WORKSPACE_READONLY: said plainly
        upload = st.file_uploader(t("peta.upload", lang), type=["geojson", "json", "gpkg", "zip"], key="b_file",
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
