"""The cooperation register and the quality of public services in the pages (imports streamlit):
the Kerja sama section (KPIs, filters, network, sector x region matrix, searchable table), the
agreements upload on the upload page, the list under the region profile, the Layanan publik
section "Kualitas dan inovasi layanan" and the overview KPIs.

The logic is in jabodash.store.cooperation, jabodash.features.kerjasama and
jabodash.features.layanan. Uploaded agreement files live in the session (SESSION_KEY: a list of
(file name, rows)) or, saved, in the workspace for everyone. User text is shown through
st.dataframe or Markdown-escaped, never as HTML.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from jabodash import charts, ui
from jabodash.core import catalog, fmt
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import kerjasama, layanan
from jabodash.store import cooperation

SESSION_KEY = "_jabodash_coop_uploads"


# ---------------------------------------------------------------------------------------------
# the register of this session: built-in + saved + this session's uploads


def session_uploads() -> list[tuple[str, pd.DataFrame]]:
    return list(st.session_state.get(SESSION_KEY, []))


def current_register() -> pd.DataFrame:
    return cooperation.register(*(frame for _, frame in session_uploads()))


def region_names(store, region_set: str, lang: str) -> dict[str, str]:
    names = dict(zip(*(kerjasama.regions(store, region_set)[c] for c in ("code", "short_name"))))
    names.update({code: t("cooperation.register.province", lang, name=name)
                  for code, name in cooperation.PROVINCES.items()})
    names[cooperation.CENTRAL] = t("cooperation.register.central", lang)
    return names


# ---------------------------------------------------------------------------------------------
# Kerja sama page


def register_section(store, region_set: str, lang: str) -> None:
    """KPIs, filters, network, matrix and the searchable table of the register."""
    st.subheader(t("cooperation.register.heading", lang))
    st.caption(t("cooperation.register.intro", lang))
    frame = current_register()
    codes = list(kerjasama.regions(store, region_set)["code"])
    summary = kerjasama.summary(frame, codes)
    c1, c2, c3 = st.columns(3)
    ui.kpi_card(c1, t("cooperation.register.kpi_agreements", lang), fmt.number(summary["agreements"], 0, lang),
                t("cooperation.register.kpi_agreements_detail", lang, active=summary["active"], other=summary["other"]))
    ui.kpi_card(c2, t("cooperation.register.kpi_regions", lang), f"{summary['covered']} / {summary['total']}",
                t("cooperation.register.kpi_regions_detail", lang, total=summary["total"]))
    ui.kpi_card(c3, t("cooperation.register.kpi_uploads", lang), fmt.number(int((frame["origin"] != "builtin").sum()), 0,
                lang), t("cooperation.register.kpi_uploads_detail", lang))

    f1, f2, f3 = st.columns([3, 4, 4])
    active_only = f1.toggle(t("cooperation.register.active_filter", lang), key="coop_active",
                            help=t("cooperation.register.active_help", lang))
    sectors = f2.multiselect(t("cooperation.register.sector_filter", lang), cooperation.SECTORS, key="coop_sectors",
                             format_func=lambda s: t(f"cooperation.register.sector.{s}", lang),
                             placeholder=t("cooperation.register.all_sectors", lang))
    text = f3.text_input(t("cooperation.register.search", lang), key="coop_search", max_chars=100,
                         help=t("cooperation.register.search_help", lang))
    shown = kerjasama.filtered(frame, active_only=active_only, sectors=tuple(sectors))
    fig, _, _ = kerjasama.network_figure(store, region_set, shown, lang, active_only=active_only)
    st.plotly_chart(fig, key="fig_coop_network", config=charts.png_config("jabodash_cooperation_network"))
    mfig, matrix, nodes = kerjasama.matrix_figure(store, region_set, shown, lang, active_only=active_only)
    st.plotly_chart(mfig, key="fig_coop_matrix", config=charts.png_config("jabodash_cooperation_matrix"))
    table_section(kerjasama.filtered(shown, text=text), len(frame), store, region_set, lang)


def table_section(rows: pd.DataFrame, total: int, store, region_set: str, lang: str, key: str = "coop_table") -> None:
    st.markdown(f"**{md_escape(t('cooperation.register.table_heading', lang))}**")
    kinds = st.multiselect(t("cooperation.register.kind_filter", lang), cooperation.KINDS, key=f"{key}_kinds",
                           format_func=lambda k: t(f"cooperation.register.kind.{k}", lang),
                           placeholder=t("cooperation.register.all_kinds", lang))
    rows = kerjasama.filtered(rows, kinds=tuple(kinds))
    st.caption(t("cooperation.register.table_caption", lang, shown=len(rows), total=total))
    if rows.empty:
        st.info(t("cooperation.register.empty", lang))
        return
    table = kerjasama.register_table(rows, lang, region_names(store, region_set, lang))
    source_col = t("cooperation.register.col.source", lang)
    st.dataframe(table, hide_index=True, key=key, column_config={
        source_col: st.column_config.LinkColumn(source_col, display_text=r"https?://(?:www\.)?([^/]+)/.*")})
    ui.csv_download(rows, "jabodash_cooperation_register.csv", lang, key=f"{key}_dl")


# ---------------------------------------------------------------------------------------------
# upload page


def upload_section(lang: str) -> None:
    """The agreements template, the file uploader, every problem of a refused file, and saving."""
    st.subheader(t("cooperation.upload.heading", lang))
    st.caption(t("cooperation.upload.intro", lang))
    st.download_button(t("cooperation.upload.template", lang), kerjasama.template_csv(),
                       file_name="jabodash_template_perjanjian.csv", mime="text/csv", key="coop_template",
                       on_click="ignore")
    upload = st.file_uploader(t("cooperation.upload.file", lang), type=["csv", "txt"], key="coop_file")
    if upload is not None:
        _take_upload(upload.name, upload.getvalue(), lang)
    uploads = session_uploads()
    if uploads:
        for name, frame in uploads:
            st.caption(t("cooperation.upload.added", lang, n=len(frame), name=md_escape(name, 80)))
        left, right = st.columns([2, 1])
        save_name = left.text_input(t("cooperation.upload.save_name", lang), key="coop_save_name", max_chars=64)
        if right.button(t("cooperation.upload.save", lang), key="coop_save"):
            _save(uploads, save_name.strip(), lang)
        if st.button(t("cooperation.upload.clear", lang), key="coop_clear"):
            st.session_state[SESSION_KEY] = []
            st.rerun()


def _take_upload(name: str, data: bytes, lang: str) -> None:
    seen = st.session_state.setdefault("_jabodash_coop_seen", {})
    signature = (name, len(data), hash(data))
    if seen.get(name) == signature:
        return   # the same file on a rerun: taken once
    frame, problems = cooperation.parse(data, name)
    if problems:
        st.error(t("cooperation.upload.problems", lang, n=len(problems)))
        for problem in problems[:30]:
            st.markdown("- " + md_escape(t(f"cooperation.upload.error.{problem.key}", lang, **problem.params), 300))
        return
    seen[name] = signature
    uploads = [(n, f) for n, f in session_uploads() if n != name] + [(name, frame)]
    st.session_state[SESSION_KEY] = uploads


def _save(uploads: list[tuple[str, pd.DataFrame]], name: str, lang: str) -> None:
    if not cooperation.valid_name(name):
        st.error(t("cooperation.upload.bad_name", lang))
        return
    cooperation.save(pd.concat([frame for _, frame in uploads], ignore_index=True), name)
    st.session_state[SESSION_KEY] = []   # now part of the saved register: not twice
    st.success(t("cooperation.upload.saved", lang, name=name))


# ---------------------------------------------------------------------------------------------
# region profile


def profile_section(code: str, name: str, store, region_set: str, lang: str) -> None:
    """The register's records that name the region (under the region profile)."""
    st.markdown(f"**{md_escape(t('cooperation.register.profile_heading', lang, name=name), 200)}**")
    frame = current_register()
    rows = kerjasama.region_records(frame, code)
    if rows.empty:
        st.caption(t("cooperation.register.profile_none", lang, name=md_escape(name, 80)))
        return
    st.caption(t("cooperation.register.profile_count", lang, n=len(rows),
                 agreements=int((rows["kind"] == "agreement").sum())))
    table = kerjasama.register_table(rows, lang, region_names(store, region_set, lang))
    source_col = t("cooperation.register.col.source", lang)
    st.dataframe(table, hide_index=True, key="profile_coop", column_config={
        source_col: st.column_config.LinkColumn(source_col, display_text=r"https?://(?:www\.)?([^/]+)/.*")})


# ---------------------------------------------------------------------------------------------
# Layanan publik: Kualitas dan inovasi layanan


def quality_section(store, region_set: str, highlight: tuple[str, ...], lang: str) -> None:
    st.subheader(t("services.quality.heading", lang))
    st.caption(t("services.quality.intro", lang))
    options = layanan.quality_options(store, region_set)
    if not options:
        st.info(t("services.quality.none", lang))
        return
    left, middle, right = st.columns([3, 1, 2])
    indicator_id = left.selectbox(t("services.quality.picker", lang), options, key="w_quality_indicator",
                                  format_func=lambda i: catalog.get(i).name(lang))
    ind = catalog.get(indicator_id)
    years_frame = layanan.quality_years(store, indicator_id, region_set)
    years = [int(y) for y in years_frame["year"]]
    default = layanan.best_year(years_frame)
    if st.session_state.get("w_quality_year") not in years:
        st.session_state["w_quality_year"] = default
    year = middle.selectbox(t("services.quality.year", lang), years, key="w_quality_year")
    views = ("ranking", "trend", "map")
    view = right.radio(t("services.quality.view", lang), views, key="w_quality_view", horizontal=True,
                       format_func=lambda v: t(f"services.quality.view_{v}", lang))
    parts = ui.per_data_version("layanan.quality", lambda *_: layanan.quality_figures(
        store, ind, year, region_set, lang, highlight), indicator_id, year, region_set, highlight, lang)
    covered = int(parts["values"]["value"].notna().sum())
    st.caption(t("services.quality.coverage", lang, covered=covered, total=len(parts["values"]), year=year))
    st.plotly_chart(parts[view], key=f"fig_quality_{view}", config=charts.png_config(f"jabodash_{indicator_id}_{year}"))
    with st.expander(t("services.quality.table", lang, year=year)):
        source_col = t("services.col.source", lang)
        st.dataframe(parts["table"], hide_index=True, key="quality_table", column_config={
            source_col: st.column_config.LinkColumn(source_col, display_text=r"https?://(?:www\.)?([^/]+)/.*")})
    ui.csv_download(parts["values"].drop(columns=["note"], errors="ignore"), f"jabodash_{indicator_id}_{year}.csv",
                    lang, key="dl_quality")
    ui.definition_box(ind, lang)


# ---------------------------------------------------------------------------------------------
# overview


def overview_cards(store, region_set: str, lang: str) -> None:
    """Two KPI cards: the range of the Ombudsman compliance series (where coverage allows) and the
    agreements of the register."""
    kpi = layanan.quality_kpi(store, region_set)
    codes = list(kerjasama.regions(store, region_set)["code"])
    summary = kerjasama.summary(current_register(), codes)
    c1, c2 = st.columns(2)
    if kpi is not None and kpi["covered"] * 2 > kpi["total"]:   # shown where more than half have a figure
        ui.kpi_card(c1, t("overview.quality.label", lang, year=kpi["year"]),
                    t("overview.quality.value", lang, low=fmt.number(kpi["low"], 2, lang),
                      high=fmt.number(kpi["high"], 2, lang)),
                    t("overview.quality.detail", lang, **{k: kpi[k] for k in ("covered", "total", "green")},
                      low_region=kpi["low_region"], high_region=kpi["high_region"]),
                    t("overview.quality.help", lang))
    ui.kpi_card(c2, t("overview.quality.agreements", lang), fmt.number(summary["agreements"], 0, lang),
                t("overview.quality.agreements_detail", lang, active=summary["active"], covered=summary["covered"],
                  total=summary["total"]))
