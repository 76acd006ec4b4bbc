"""The Kerja sama & aglomerasi page (cooperation): membership of the agglomeration area (Law 2/2024)
and Jabodetabek, DKI Jakarta's financial assistance to buffer regions, commuting ties, and a matrix
of what links each region to Jakarta; and the register of inter-regional cooperation (the agreements of
data/cooperation.csv, jabodash.store.cooperation, with the agreement files uploaded in this session
(SESSION_KEY: a list of (file name, rows)) or saved for everyone): KPIs, filters, network, sector x
region matrix and searchable table here, the upload section on the upload page, the list under the
region profile of the map page. User text is shown through st.dataframe or Markdown-escaped.

Its parts are built once per data version and view (source.per_data_version): the KPI figures, the links matrix (chart and table), DKI's assistance
(ranking chart and source lines) and the other indicators' table. A new session opening the page,
or a rerun, draws them without computing them again."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from jabodash import charts
from jabodash.charts.kerjasama import links_matrix
from jabodash.core import catalog, fmt
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import kerjasama
from jabodash.store import cooperation
from jabodash.ui import shell, source, widgets


def render(state) -> None:
    lang, store = state.lang, source.data_source()   # with the switch "official figures only"
    st.title(t("kerjasama.title", lang))
    st.caption(t("kerjasama.subtitle", lang))
    got = parts(store, state.region_set, state.regions, lang)   # once per data version and view
    kpis(got, lang)
    st.caption(t("kerjasama.membership.note", lang))
    register_section(store, state.region_set, lang)   # the agreements register

    st.subheader(t("kerjasama.matrix.heading", lang))
    st.plotly_chart(got["matrix_fig"], key="fig_links", config=charts.png_config("jabodash_links_to_jakarta"))
    with st.expander(t("kerjasama.matrix.expander", lang)):
        widgets.table(got["matrix_table"], lang, "links_table")
    widgets.csv_download(got["matrix"], "jabodash_links_to_jakarta.csv", lang, key="dl_links")
    widgets.page_link("kependudukan", t("kerjasama.commuting.link", lang))

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
    widgets.table(got["other"], lang, "other_table")
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


# ---------------------------------------------------------------------------------------------
# the cooperation register

SESSION_KEY = "_jabodash_coop_uploads"


# ---------------------------------------------------------------------------------------------
# the register of this session: built-in + saved + this session's uploads


def session_uploads() -> list[tuple[str, pd.DataFrame]]:
    return list(st.session_state.get(SESSION_KEY, []))


def current_register() -> pd.DataFrame:
    return cooperation.register(*(frame for _, frame in session_uploads()))


def region_names(store, region_set: str, lang: str) -> dict[str, str]:
    names = dict(zip(*(kerjasama.regions(store, region_set)[c] for c in ("code", "short_name"))))
    names.update({code: t("kerjasama.register.province", lang, name=name)
                  for code, name in cooperation.PROVINCES.items()})
    names[cooperation.CENTRAL] = t("kerjasama.register.central", lang)
    return names


# ---------------------------------------------------------------------------------------------
# Kerja sama page


def register_section(store, region_set: str, lang: str) -> None:
    """KPIs, filters, network, matrix and the searchable table of the register."""
    st.subheader(t("kerjasama.register.heading", lang))
    st.caption(t("kerjasama.register.intro", lang))
    frame = current_register()
    codes = list(kerjasama.regions(store, region_set)["code"])
    summary = kerjasama.summary(frame, codes)
    c1, c2, c3 = st.columns(3)
    widgets.kpi_card(c1, t("kerjasama.register.kpi_agreements", lang), fmt.number(summary["agreements"], 0, lang),
                t("kerjasama.register.kpi_agreements_detail", lang, active=summary["active"], other=summary["other"]))
    widgets.kpi_card(c2, t("kerjasama.register.kpi_regions", lang), f"{summary['covered']} / {summary['total']}",
                t("kerjasama.register.kpi_regions_detail", lang, total=summary["total"]))
    widgets.kpi_card(c3, t("kerjasama.register.kpi_uploads", lang), fmt.number(int((frame["origin"] != "builtin").sum()), 0,
                lang), t("kerjasama.register.kpi_uploads_detail", lang))

    f1, f2, f3 = st.columns([3, 4, 4])
    active_only = f1.toggle(t("kerjasama.register.active_filter", lang), key="coop_active",
                            help=t("kerjasama.register.active_help", lang))
    sectors = widgets.choice(f2.multiselect, t("kerjasama.register.sector_filter", lang), cooperation.SECTORS,
                             key="coop_sectors",
                             format_func=lambda s: t(f"kerjasama.register.sector.{s}", lang),
                             placeholder=t("kerjasama.register.all_sectors", lang))
    text = f3.text_input(t("kerjasama.register.search", lang), key="coop_search", max_chars=100,
                         help=t("kerjasama.register.search_help", lang))
    shown = kerjasama.filtered(frame, active_only=active_only, sectors=tuple(sectors))
    fig, _, _ = kerjasama.network_figure(store, region_set, shown, lang, active_only=active_only)
    st.plotly_chart(fig, key="fig_coop_network", config=charts.png_config("jabodash_cooperation_network"))
    mfig, matrix, nodes = kerjasama.matrix_figure(store, region_set, shown, lang, active_only=active_only)
    st.plotly_chart(mfig, key="fig_coop_matrix", config=charts.png_config("jabodash_cooperation_matrix"))
    table_section(kerjasama.filtered(shown, text=text), len(frame), store, region_set, lang)


def table_section(rows: pd.DataFrame, total: int, store, region_set: str, lang: str, key: str = "coop_table") -> None:
    st.markdown(f"**{md_escape(t('kerjasama.register.table_heading', lang))}**")
    kinds = widgets.choice(st.multiselect, t("kerjasama.register.kind_filter", lang), cooperation.KINDS, key=f"{key}_kinds",
                           format_func=lambda k: t(f"kerjasama.register.kind.{k}", lang),
                           placeholder=t("kerjasama.register.all_kinds", lang))
    rows = kerjasama.filtered(rows, kinds=tuple(kinds))
    st.caption(t("kerjasama.register.table_caption", lang, shown=len(rows), total=total))
    if rows.empty:
        st.info(t("kerjasama.register.empty", lang))
        return
    table = kerjasama.register_table(rows, lang, region_names(store, region_set, lang))
    source_col = t("kerjasama.register.col.source", lang)
    st.dataframe(table, hide_index=True, key=key, column_config={
        source_col: st.column_config.LinkColumn(source_col, display_text=r"https?://(?:www\.)?([^/]+)/.*")})
    widgets.csv_download(rows, "jabodash_cooperation_register.csv", lang, key=f"{key}_dl")


# ---------------------------------------------------------------------------------------------
# upload page


def upload_section(lang: str) -> None:
    """The agreements template, the file uploader, every problem of a refused file, and saving."""
    st.subheader(t("kerjasama.upload.heading", lang))
    st.caption(t("kerjasama.upload.intro", lang))
    st.download_button(t("kerjasama.upload.template", lang), kerjasama.template_csv(),
                       file_name="jabodash_template_perjanjian.csv", mime="text/csv", key="coop_template",
                       on_click="ignore")
    upload = st.file_uploader(t("kerjasama.upload.file", lang), type=["csv", "txt"], key="coop_file")
    if upload is not None:
        _take_upload(upload.name, upload.getvalue(), lang)
    uploads = session_uploads()
    if uploads:
        for name, frame in uploads:
            st.caption(t("kerjasama.upload.added", lang, n=len(frame), name=md_escape(name, 80)))
        left, right = st.columns([2, 1])
        save_name = left.text_input(t("kerjasama.upload.save_name", lang), key="coop_save_name", max_chars=64)
        if right.button(t("kerjasama.upload.save", lang), key="coop_save"):
            _save(uploads, save_name.strip(), lang)
        if st.button(t("kerjasama.upload.clear", lang), key="coop_clear"):
            st.session_state[SESSION_KEY] = []
            st.rerun()


def _take_upload(name: str, data: bytes, lang: str) -> None:
    seen = st.session_state.setdefault("_jabodash_coop_seen", {})
    signature = (name, len(data), hash(data))
    if seen.get(name) == signature:
        return   # the same file on a rerun: taken once
    frame, problems = cooperation.parse(data, name)
    if problems:
        st.error(t("kerjasama.upload.problems", lang, n=len(problems)))
        for problem in problems[:30]:
            st.markdown("- " + md_escape(t(f"kerjasama.upload.error.{problem.key}", lang, **problem.params), 300))
        return
    seen[name] = signature
    uploads = [(n, f) for n, f in session_uploads() if n != name] + [(name, frame)]
    st.session_state[SESSION_KEY] = uploads


def _save(uploads: list[tuple[str, pd.DataFrame]], name: str, lang: str) -> None:
    if not cooperation.valid_name(name):
        st.error(t("kerjasama.upload.bad_name", lang))
        return
    cooperation.save(pd.concat([frame for _, frame in uploads], ignore_index=True), name)
    st.session_state[SESSION_KEY] = []   # now part of the saved register: not twice
    st.success(t("kerjasama.upload.saved", lang, name=name))


# ---------------------------------------------------------------------------------------------
# region profile


def profile_section(code: str, name: str, store, region_set: str, lang: str) -> None:
    """The register's records that name the region (under the region profile)."""
    st.markdown(f"**{md_escape(t('kerjasama.register.profile_heading', lang, name=name), 200)}**")
    frame = current_register()
    rows = kerjasama.region_records(frame, code)
    if rows.empty:
        st.caption(t("kerjasama.register.profile_none", lang, name=md_escape(name, 80)))
        return
    st.caption(t("kerjasama.register.profile_count", lang, n=len(rows),
                 agreements=int((rows["kind"] == "agreement").sum())))
    table = kerjasama.register_table(rows, lang, region_names(store, region_set, lang))
    source_col = t("kerjasama.register.col.source", lang)
    st.dataframe(table, hide_index=True, key="profile_coop", column_config={
        source_col: st.column_config.LinkColumn(source_col, display_text=r"https?://(?:www\.)?([^/]+)/.*")})
