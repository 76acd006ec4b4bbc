"""The targets page (Sasaran & capaian): plan filter, status counts, the regions × targets matrix,
one target in detail (chart with the target and the trajectory needed, each region's standing,
the source quote) and the sources and grades of the targets.

The evaluation is made once per data version and view (ui.source.per_data_version) and shared."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from jabodash import charts
from jabodash.charts import sasaran as charts_sasaran
from jabodash.core import fmt, grades
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import sasaran
from jabodash.store import plan_targets as targets_mod
from jabodash.store import target_files
from jabodash.ui import shell, source, widgets

PLAN_KEY = "w_targets_plan"
TARGET_KEY = "w_targets_pick"
SESSION_KEY = "targets_session"       # file name -> checked rows, this session's own target files
UPLOAD_KEY = "w_targets_file"


def uploaded_targets() -> list[pd.DataFrame]:
    """This session's target files and the saved ones (jabodash.store.target_files)."""
    return list(st.session_state.get(SESSION_KEY, {}).values()) + list(target_files.saved().values())


def _signature() -> tuple:
    own = tuple((name, len(frame)) for name, frame in st.session_state.get(SESSION_KEY, {}).items())
    return own, target_files.signature()


def _parts(ds, region_set: str, plan: str, lang: str, uploaded: list[pd.DataFrame]) -> dict:
    table = sasaran.active_targets(ds, uploaded, plan=plan or None)
    rows = sasaran.evaluate(ds, region_set, table)
    regions = ds.regions(region_set)
    known = ds.catalog()
    return dict(table=table, rows=rows, regions=regions, counts=sasaran.status_counts(rows),
                matrix=sasaran.matrix(rows, regions, lang, known),
                display=sasaran.display_table(rows, regions, lang, known),
                labels=sasaran.unique_labels(table, lang, known, regions=regions),
                gaps=sasaran.without_targets(sasaran.active_targets(ds, uploaded), regions, lang))


def parts(ds, region_set: str, plan: str, lang: str) -> dict:
    """Made once per data version, view and set of uploaded target files."""
    uploaded = uploaded_targets()
    return source.per_data_version("sasaran.parts", lambda *_: _parts(ds, region_set, plan, lang, uploaded),
                               region_set, plan, lang, _signature())


def render(state) -> None:
    lang, ds = state.lang, source.data_source()
    st.title(t("sasaran.title", lang))
    st.caption(t("sasaran.subtitle", lang))
    _upload(state, lang)
    all_plans = sorted(set(sasaran.active_targets(ds, uploaded_targets())["plan"]),
                       key=lambda p: list(targets_mod.plans()).index(p) if p in targets_mod.plans() else 99)
    plan = widgets.choice(st.selectbox, t("sasaran.plan_filter", lang), [""] + all_plans, key=PLAN_KEY,
                          format_func=lambda p: t("sasaran.plan_all", lang) if not p else targets_mod.plan_name(p, lang))
    got = parts(ds, state.region_set, plan, lang)
    _kpis(got, lang)
    _matrix(got, state, lang)
    _detail(ds, got, state, lang)
    _sources(got, lang)
    shell.sync_url(state)


def _kpis(got: dict, lang: str) -> None:
    counts, table = got["counts"], got["table"]
    n = sum(counts.values())
    columns = st.columns(5)
    widgets.kpi_card(columns[0], t("sasaran.kpi.targets", lang), str(len(table)),
                t("sasaran.kpi.targets_detail", lang, plans=table["plan"].nunique(), own=n))
    for column, status in zip(columns[1:], ("achieved", "on_track", "off_track", "no_data")):
        widgets.kpi_card(column, f"{sasaran.SYMBOLS[status]} {t(f'sasaran.kpi.{status}', lang)}", str(counts[status]),
                    t("sasaran.kpi.status_detail", lang, n=n))


def _matrix(got: dict, state, lang: str) -> None:
    st.subheader(t("sasaran.matrix.heading", lang))
    matrix = got["matrix"]
    if matrix.empty:
        st.info(t("sasaran.matrix.empty", lang))
        return
    st.caption(t("sasaran.matrix.caption", lang))
    shown = matrix.rename_axis(t("sasaran.matrix.place", lang)).reset_index()
    st.dataframe(_styled(shown, "targets_matrix"), hide_index=True, key="targets_matrix",
                 height=min(38 + 35 * len(shown), 760))
    st.caption(t("sasaran.legend", lang))
    widgets.csv_download(got["display"], f"jabodash_targets_{state.region_set}.csv", lang, key="dl_targets")


def _detail(ds, got: dict, state, lang: str) -> None:
    table, labels = got["table"], got["labels"]
    if table.empty:
        return
    st.subheader(t("sasaran.detail.heading", lang))
    ids = table["id"].tolist()
    if st.session_state.get(TARGET_KEY) not in ids:   # first the first target with a figure at its own place
        own = sasaran.own_rows(got["rows"])
        with_figure = own.loc[own["latest_value"].notna(), "target"].tolist()
        st.session_state[TARGET_KEY] = with_figure[0] if with_figure else ids[0]
    chosen = widgets.choice(st.selectbox, t("sasaran.detail.pick", lang), ids, key=TARGET_KEY,
                            format_func=lambda i: labels.get(i, i))
    target = table.set_index("id").loc[chosen].copy()
    target["id"] = chosen
    rows = got["rows"]
    mine = rows[rows["target"] == chosen]
    own = mine[mine["own"]].iloc[0]
    series, subject = sasaran.detail(ds, state.region_set, target, lang)
    ind = targets_mod.indicator(target["indicator"], ds.catalog())
    name = ind.name(lang) if ind else target["indicator"]
    fig = charts_sasaran.target_chart(target, series, subject, own, ind, lang,
                                      t("sasaran.detail.chart_title", lang, indicator=name),
                                      targets_mod.plan_name(target["plan"], lang), sasaran.goal_text(target, lang))
    st.plotly_chart(fig, key="fig_target", config=charts.png_config(f"jabodash_target_{chosen}"))
    if series.empty:
        st.caption(t("sasaran.detail.no_series", lang))
    st.markdown("**" + t("sasaran.detail.table", lang) + "**")
    shown = got["display"].loc[mine.index]
    st.dataframe(_styled(shown, "target_rows"), hide_index=True, key="target_rows")
    _quote(target, lang)
    if ind is not None:
        widgets.definition_box(ind, lang)


def _quote(target: pd.Series, lang: str) -> None:
    st.caption(t("sasaran.detail.source", lang, title=md_escape(target["source_title"], 300),
                 grade=grades.label(target["grade"], lang), url=md_escape(target["source_url"], 400)))
    st.caption(t("sasaran.detail.quote", lang, quote=md_escape(str(target["quote"]).strip('“”" '), 600)))
    if target["article"]:
        st.caption(t("sasaran.detail.article", lang, article=md_escape(target["article"], 200)))
    if target["note"]:
        st.caption(note_line(target, lang))


def note_line(target: pd.Series, lang: str) -> str:
    """A target's note: a built-in target's is the data keeper's, in English, and labelled so (as an
    indicator's source note is); an uploaded target's is the analyst's own."""
    note = md_escape(target["note"], 800)
    if target.get("origin") == "upload":
        return t("sasaran.detail.note", lang, note=note)
    return t("common.source_note_en", lang) + ": " + note


def _sources(got: dict, lang: str) -> None:
    table, gaps = got["table"], got["gaps"]
    st.subheader(t("sasaran.sources.heading", lang))
    st.caption(t("sasaran.sources.caption", lang))
    frame = pd.DataFrame({
        t("sasaran.col.target", lang): [got["labels"][i] for i in table["id"]],
        t("sasaran.col.plan", lang): [targets_mod.plan_name(p, lang) for p in table["plan"]],
        t("sasaran.col.source", lang): table["source_title"],
        t("sasaran.col.grade", lang): [grades.label(g, lang) for g in table["grade"]],
        t("sasaran.col.article", lang): table["article"],
        "URL": table["source_url"],
    })
    st.dataframe(frame, hide_index=True, key="targets_sources",
                 column_config={"URL": st.column_config.LinkColumn("URL")})
    missing = gaps["kabkota"] + gaps["province_rpjmd"]
    if missing:
        st.caption(t("sasaran.sources.none", lang, missing=md_escape(", ".join(missing), 600)))


def _upload(state, lang: str) -> None:
    """An expander to bring one's own targets: template, upload (checked, used in this session),
    save for every user, delete a saved file."""
    with st.expander(t("sasaran.upload.heading", lang)):
        st.caption(t("sasaran.upload.help", lang))
        st.download_button(t("sasaran.upload.template", lang), target_files.template_csv(),
                           file_name="jabodash_targets_template.csv", mime="text/csv", key="dl_targets_template",
                           on_click="ignore")
        file = st.file_uploader(t("sasaran.upload.file", lang), type=["csv", "txt"], key=UPLOAD_KEY)
        if file is not None:
            _take(file.name, file.getvalue(), lang)
        saved = target_files.saved()
        if saved:
            st.caption(t("sasaran.upload.saved_list", lang, files=md_escape(", ".join(saved), 400)))
            for file_id in saved:
                if st.button(t("sasaran.upload.delete", lang, id=file_id), key=f"del_targets_{file_id}"):
                    target_files.delete(file_id)
                    st.rerun()


def _take(name: str, data: bytes, lang: str) -> None:
    from jabodash.geo.regions import RegionMatcher  # only when a file comes
    frame, problems = target_files.parse(data, name, source.data_source().catalog(), RegionMatcher())
    if len(frame):
        st.session_state.setdefault(SESSION_KEY, {})[name] = frame
        st.success(t("sasaran.upload.rows_ok", lang, n=len(frame), file=md_escape(name, 120)))
        if st.button(t("sasaran.upload.save", lang), key="save_targets"):
            file_id = target_files.save(frame, name)
            st.session_state[SESSION_KEY].pop(name, None)
            st.success(t("sasaran.upload.saved_ok", lang, id=file_id))
    else:
        st.session_state.get(SESSION_KEY, {}).pop(name, None)
    if problems:
        rows = {p.row for p in problems if p.row is not None}
        lines = [md_escape(p.text(lang), 300) for p in problems[:30]]
        st.warning(t("sasaran.upload.problems", lang, n=len(rows)) + "\n\n" + "\n".join(f"- {line}" for line in lines)
                   if rows else "\n".join(lines))


# --- on other pages: the overview's strip, the region profile, the upload page ------------------

def _headline(ds, region_set: str, lang: str, uploaded: list[pd.DataFrame]) -> list[dict]:
    table = sasaran.active_targets(ds, uploaded)
    table = table[table["id"].isin(sasaran.HEADLINE)]
    rows = sasaran.headline(sasaran.evaluate(ds, region_set, table))
    known = ds.catalog()
    out = []
    for _, row in rows.iterrows():
        ind = targets_mod.indicator(row["indicator"], known)
        decimals = ind.decimals if ind else 2
        value = "–" if pd.isna(row["latest_value"]) else (
            f"{fmt.number(row['latest_value'], decimals, lang)} ({int(row['latest_year'])})")
        out.append(dict(target=row["target"], status=row["status"], label=sasaran.target_label(row, lang, known),
                        value=value, detail=sasaran.cell_text(row, lang) + " · " + targets_mod.plan_name(row["plan"], lang)))
    return out


def overview_strip(state) -> None:
    """The metro's standing on the headline targets (the overview page), with a link to the page."""
    lang, ds = state.lang, source.data_source()
    uploaded = uploaded_targets()
    cards = source.per_data_version("sasaran.headline", lambda *_: _headline(ds, state.region_set, lang, uploaded),
                                state.region_set, lang, _signature())
    if not cards:
        return
    st.subheader(t("sasaran.strip.heading", lang))
    for column, card in zip(st.columns(len(cards)), cards):
        widgets.kpi_card(column, card["label"], card["value"], card["detail"])
    st.caption(t("sasaran.strip.caption", lang))
    widgets.page_link("sasaran", t("sasaran.strip.link", lang))


def region_targets(region_set: str, code: str, lang: str) -> None:
    """The targets that concern one kab/kota (its own and the references beside it), for its profile."""
    got = parts(source.data_source(), region_set, "", lang)
    rows = sasaran.for_region(got["rows"], code)
    st.markdown("**" + t("sasaran.profile.heading", lang) + "**")
    if rows.empty:
        st.caption(t("sasaran.profile.none", lang))
        return
    shown = got["display"].loc[got["rows"].index[got["rows"]["place"] == code]]
    columns = [t(f"sasaran.col.{c}", lang) for c in ("status", "target", "latest", "latest_year", "required",
                                                       "observed", "plan", "grade")]
    st.dataframe(_styled(shown[columns], "profile_targets"), hide_index=True, key="profile_targets")
    widgets.page_link("sasaran", t("sasaran.strip.link", lang))


def _styled(frame, key: str):
    """The table with its status colours; the Styler's id is the table's key, not pandas' random one,
    so the same table is the same message on the next run (the browser keeps it; Streamlit sends a
    reference instead of the table again, e.g. the region's targets on every map year change)."""
    return frame.style.map(charts_sasaran.status_style).set_uuid(key)


def is_targets_upload(raw: tuple[str, bytes] | None) -> bool:
    """True when the upload page's file is a targets file (a CSV whose header names one)."""
    if not raw or not str(raw[0]).lower().endswith((".csv", ".txt")):
        return False
    try:
        header = target_files.read_csv(raw[1][:20_000].rsplit(b"\n", 1)[0] + b"\n").columns
    except Exception:  # noqa: BLE001 - any unreadable start: not a targets file, the usual reader reports it
        return False
    return target_files.is_targets_file(header)


def take_upload(raw: tuple[str, bytes], lang: str) -> None:
    """The upload page's handling of a targets file: checked, used in this session, can be saved."""
    st.subheader(t("sasaran.upload.recognised", lang))
    _take(raw[0], raw[1], lang)
    widgets.page_link("sasaran", t("sasaran.strip.link", lang))


def template_button(lang: str) -> None:
    st.download_button(t("sasaran.upload.template", lang), target_files.template_csv(),
                       file_name="jabodash_targets_template.csv", mime="text/csv", key="dl_targets_template_upload",
                       on_click="ignore")
