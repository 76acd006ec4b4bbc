"""Figures of the data and methods page (Data & metode): the indicator catalog with search and
theme filter, each indicator's metadata and sources, the coverage matrix, the figures of one
indicator for download, and the boundary attribution.

Functions take ``run(name, **params) -> DataFrame`` (``Store.query`` or the cached ``DataSource.query`` of ``ui.source``)
or plain frames, so everything here runs without Streamlit. The analyst's uploaded indicators
(theme "uploaded") are read by the same queries through a
:class:`jabodash.store.datasource.DataSource` (``*_all`` / ``*_of`` / ``uploaded_*`` below).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from jabodash.core import catalog as catalog_mod
from jabodash.core import grades
from jabodash.core.catalog import Indicator, load_catalog
from jabodash.core.i18n import data_text, t
from jabodash.features import unggah
from jabodash.store import shelf

Runner = Callable[..., pd.DataFrame]
BOUNDARY_LEVELS = ("kabkota", "kecamatan")
_SEARCH_COLUMNS = ("id", "name_id", "name_en", "short_id", "short_en", "definition_id", "definition_en",
                   "unit_id", "unit_en")


def catalog(run: Runner, region_set: str) -> pd.DataFrame:
    """The catalog with coverage in the region set (queries/data_catalog.sql)."""
    return run("data_catalog", region_set=region_set)


def search(frame: pd.DataFrame, text: str = "", themes: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """Rows whose id, names, units or definitions (both languages) contain every word of text
    (case-insensitive), within the given themes (all when empty)."""
    out = frame
    if themes:
        out = out[out["theme"].isin(list(themes))]
    words = [w.casefold() for w in str(text or "").split() if w.strip()][:10]
    if words:
        hay = out[list(_SEARCH_COLUMNS)].fillna("").astype(str).agg(" ".join, axis=1).str.casefold()
        mask = pd.Series(True, index=out.index)
        for word in words:
            mask &= hay.str.contains(word, regex=False)
        out = out[mask]
    return out


def _years_text(years) -> str:
    years = [int(y) for y in (years if years is not None else [])]
    return ", ".join(str(y) for y in years)


def catalog_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The catalog for display (plain values, shown with st.dataframe, never as Markdown)."""
    def coverage(r) -> str:
        if r.kind == "flow":
            return t("data.flow_rows", lang, n=int(r.flow_rows))
        return t("common.coverage", lang, covered=int(r.max_regions), total=int(r.regions_in_set))

    return pd.DataFrame({
        t("data.col.indicator", lang): frame["name_en" if lang == "en" else "name_id"],
        t("data.col.theme", lang): [t(f"theme.{x}", lang) for x in frame["theme"]],
        t("data.col.kind", lang): [t(f"data.kind.{x}", lang) for x in frame["kind"]],
        t("data.col.unit", lang): frame["unit_en" if lang == "en" else "unit_id"],
        t("data.col.coverage", lang): [coverage(r) for r in frame.itertuples()],
        t("data.col.years", lang): [_years_text(y) for y in frame["years"]],
        t("data.col.id", lang): frame["id"],
    }).reset_index(drop=True)


def details(ind: Indicator, lang: str) -> list[tuple[str, str]]:
    """(label, text) pairs describing one indicator; the page escapes the text."""
    rows = [(t("data.detail.definition", lang), ind.definition(lang)),
            (t("data.detail.unit", lang), ind.unit(lang)),
            (t("data.detail.kind", lang), t(f"data.kind.{ind.kind}", lang))]
    if ind.formula(lang):
        rows.append((t("common.formula", lang), ind.formula(lang)))
    rows.append((t("common.direction", lang), catalog_mod.direction_label(ind, lang)))
    rows.append((t("data.detail.aggregation", lang), t(f"data.aggregation.{ind.aggregation}", lang)))
    if ind.source_note:   # the data keeper's English note, or the source an analyst gave with an upload
        label = "common.source_note" if ind.theme == "uploaded" else "common.source_note_en"
        rows.append((t(label, lang), ind.source_note))
    return rows


def sources(run: Runner, indicator_id: str) -> pd.DataFrame:
    """Datasets behind an indicator (for a derived one, behind its inputs)."""
    return run("data_sources", indicator_id=indicator_id)


def _span_text(first, last) -> str:
    if first is None or pd.isna(first):
        return "–"
    first, last = int(first), int(last)
    return f"{first}–{last}" if first != last else str(first)


def sources_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Sources for display; the link column stays a bare URL (st.column_config.LinkColumn).
    Rows of uploads (:func:`uploaded_sources`, with a ``filename`` column) also show the
    original file name, the analyst's source and whether the dataset is saved or session only.
    A missing licence reads "not stated"."""
    out = {t("data.col.source", lang): [data_text(x, lang) for x in frame["title"]]}
    if "grade" in frame:
        out[t("grade.column", lang)] = [grades.label(g, lang) for g in frame["grade"]]
    if "filename" in frame:
        out[t("data.col.file", lang)] = frame["filename"].fillna("–")
        out[t("data.col.origin", lang)] = frame["origin"].fillna("–")
    out.update({
        t("data.col.link", lang): _link(frame["source_url"]),
        t("data.col.licence", lang): [data_text(x, lang) for x in frame["license"].astype(object).where(
            frame["license"].notna(), t("data.licence_none", lang))],
        t("data.col.figures", lang): frame["figures"],
        t("data.col.years", lang): [_span_text(a, b) for a, b in zip(frame["first_year"], frame["last_year"])],
        t("data.col.inputs", lang): [", ".join(x) for x in frame["indicators"]],
    })
    if "stored" in frame:
        out[t("data.col.stored", lang)] = [t(f"data.stored.{x}", lang) for x in frame["stored"]]
    return pd.DataFrame(out)


def _link(urls: pd.Series) -> pd.Series:
    """Keep only http(s) links (anything else, such as 'github:owner/repo', is not a link)."""
    text = urls.fillna("").astype(str)
    return text.where(text.str.match(r"https?://"), None)


def datasets_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """All loaded datasets for display (queries/datasets.sql)."""
    return pd.DataFrame({
        t("data.col.source", lang): [data_text(x, lang) for x in frame["title"]],
        t("grade.column", lang): [grades.label(g, lang) for g in frame["grade"]],
        t("data.col.link", lang): _link(frame["source_url"]),
        t("data.col.licence", lang): [data_text(x, lang) for x in frame["license"].astype(object).where(
            frame["license"].notna(), t("data.licence_none", lang))],
        t("data.col.figures", lang): frame["rows"],
        t("data.col.id", lang): frame["id"],
    })


def indicator_data(run: Runner, ind: Indicator, region_set: str) -> pd.DataFrame:
    """Every figure of one indicator (flows: every flow row) with source and licence."""
    if ind.kind == "flow":
        return run("data_flow_data", indicator_id=ind.id)
    return run("data_indicator_data", indicator_id=ind.id, region_set=region_set)


def coverage(run: Runner, region_set: str, indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """Indicator x region rows (years with a figure, zero = gap), limited to indicator_ids."""
    cov = run("data_coverage", region_set=region_set)
    if indicator_ids is not None:
        cov = cov[cov["indicator_id"].isin(indicator_ids)]
    return cov.reset_index(drop=True)


def coverage_summary(cov: pd.DataFrame) -> dict[str, int]:
    """Counts for the caption: indicators, regions, filled cells, empty cells."""
    filled = int((cov["years_with_value"] > 0).sum())
    return dict(indicators=cov["indicator_id"].nunique(), regions=cov["region_code"].nunique(),
                filled=filled, empty=int(len(cov) - filled))


@dataclass(frozen=True)
class BoundaryInfo:
    level: str
    present: bool
    attribution: str | None = None
    source: str | None = None
    licence: str | None = None
    fetched_at: str | None = None
    features: int | None = None


def boundary_info() -> list[BoundaryInfo]:
    """What the boundary cache holds per level (attribution, source, licence, date), or that
    it holds nothing. Never raises: a broken cache reads as absent."""
    try:  # imported here so that a missing or broken geopandas leaves the rest of the page working
        from jabodash.geo import boundaries
    except Exception:  # geopandas missing or broken: no boundaries can be present
        return [BoundaryInfo(level, False) for level in BOUNDARY_LEVELS]
    out = []
    for level in BOUNDARY_LEVELS:
        try:
            attribution = boundaries.attribution(level)
            bset = boundaries.load_cached(level) if attribution else None
        except Exception:
            attribution, bset = None, None
        if bset is None:
            out.append(BoundaryInfo(level, False))
            continue
        meta = bset.meta
        out.append(BoundaryInfo(level, True, attribution=bset.attribution or attribution,
                                source=meta.get("source"), licence=meta.get("licence"),
                                fetched_at=str(meta.get("fetched_at") or "") or None,
                                features=int(len(bset.gdf))))
    return out


def boundary_lines(info: BoundaryInfo, lang: str) -> list[str]:
    """Plain-text lines about one level's boundaries (the page escapes them)."""
    level = t(f"data.boundaries.level.{info.level}", lang)
    if not info.present:
        return [t("data.boundaries.absent", lang, level=level)]
    lines = [t("data.boundaries.present", lang, level=level, n=info.features or 0),
             t("data.boundaries.attribution", lang, text=info.attribution or "–"),
             t("data.boundaries.source", lang, text=info.source or "–"),
             t("data.boundaries.licence", lang, text=info.licence or "–")]
    if info.fetched_at:
        lines.append(t("data.boundaries.fetched", lang, text=info.fetched_at))
    return lines


def indicator_options(frame: pd.DataFrame) -> list[str]:
    return frame["id"].tolist()


def indicator_label(ind_id: str, lang: str, catalog: dict[str, Indicator] | None = None) -> str:
    """"Theme · name" for the indicator selectbox; ``catalog`` (DataSource.catalog()) knows the
    uploaded indicators too."""
    ind = (catalog or load_catalog())[ind_id]
    return f"{t('theme.' + ind.theme, lang)} · {ind.name(lang)}"


# --- uploaded indicators ------------------------------------------------------------------------
# The analyst's uploads (ids upload.<dataset>.<slug>, theme "uploaded") are rows of the same
# queries when ``src`` (a datasource.DataSource, or anything with .query over the uploads) carries
# them; the functions below pick them out and add what only an upload has (its file name and
# whether it is saved or of this session only).

SOURCE_COLUMNS = ["dataset_id", "title", "origin", "source_url", "license", "grade", "indicators", "figures",
                  "first_year", "last_year", "filename", "stored"]


def _text(value) -> str | None:
    """A cell as text, None when missing or empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value) or None


def _uploaded(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """The rows of uploaded indicators (and python lists in a list column, as they always were)."""
    rows = frame[frame[column].map(unggah.is_uploaded)].reset_index(drop=True)
    if "years" in rows and len(rows):
        rows = rows.assign(years=[[int(y) for y in ys] for ys in rows["years"]])
    return rows


def uploaded_catalog(src, region_set: str) -> pd.DataFrame:
    """The uploaded indicators as meta_catalog rows: kind "observed", coverage, years and
    figures counted over the kab/kota of the region set."""
    return _uploaded(catalog(src.query, region_set), "id")


def catalog_all(src, region_set: str) -> pd.DataFrame:
    """The catalog (meta_catalog): the built-in indicators, then the uploaded ones."""
    return catalog(src.query, region_set)


def theme_options(frame: pd.DataFrame) -> list[str]:
    """The themes of the filter: the built-in ones, then "uploaded" when the frame has uploads."""
    out = list(catalog_mod.THEMES)
    if "uploaded" in set(frame["theme"]):
        out.append("uploaded")
    return out


def upload_datasets(session: dict | None = None, saved: list[dict] | None = None) -> dict[str, dict]:
    """dataset id -> {"filename", "saved"} for the saved workspace datasets (``saved`` =
    shelf.list_datasets(), read when None; an unreadable workspace counts as empty) and the
    session uploads (``session`` = st.session_state[unggah.SESSION_KEY])."""
    if saved is None:
        try:
            saved = shelf.list_datasets()
        except Exception:  # noqa: BLE001 - a broken workspace must not break the page
            saved = []
    out = {}
    for sid, entry in (session or {}).items():
        meta = (entry or {}).get("meta") or {}
        out[str(sid)] = {"filename": _text(meta.get("filename")), "saved": False}
    for meta in saved or []:
        if meta.get("id"):
            out[str(meta["id"])] = {"filename": _text(meta.get("filename")), "saved": True}
    return out


def uploaded_sources(src, indicator_id: str | None = None, datasets: dict[str, dict] | None = None) -> pd.DataFrame:
    """meta_sources rows for uploads, one per uploaded dataset (only the dataset of
    ``indicator_id`` when given; data_upload_sources.sql without): title, the analyst's source as
    origin (and as source_url when it is an http(s) URL), no licence, the figures of the
    indicator (of every indicator of the dataset without one), plus filename and stored
    ("saved" / "session") from :func:`upload_datasets`."""
    rows = (src.query("data_upload_sources") if indicator_id is None
            else src.query("data_sources", indicator_id=indicator_id))
    datasets = datasets or {}
    info = [datasets.get(str(d), {}) for d in rows["dataset_id"]]
    saved = [i.get("saved", not str(d).startswith("sesi-")) for i, d in zip(info, rows["dataset_id"])]
    out = rows.assign(indicators=[[str(x) for x in ids] for ids in rows["indicators"]],
                      filename=[i.get("filename") for i in info],
                      stored=["saved" if s else "session" for s in saved])
    return out[SOURCE_COLUMNS].reset_index(drop=True)


def sources_of(src, indicator_id: str, datasets: dict[str, dict] | None = None) -> pd.DataFrame:
    """The sources of any indicator: meta_sources, for an upload with its file and storage."""
    if unggah.is_uploaded(indicator_id):
        return uploaded_sources(src, indicator_id, datasets)
    return sources(src.query, indicator_id)


def indicator_data_of(src, ind: Indicator, region_set: str) -> pd.DataFrame:
    """The figures of any indicator (meta_indicator_data; flows: meta_flow_data)."""
    return indicator_data(src.query, ind, region_set)


def uploaded_coverage(src, region_set: str, indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """meta_coverage rows for the uploaded indicators: every indicator x kab/kota of the set,
    years with a figure (zero = gap, kept as a row)."""
    return _uploaded(coverage(src.query, region_set, indicator_ids), "indicator_id")


def coverage_all(src, region_set: str, indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """The coverage matrix rows of the built-in indicators, then those of the uploads."""
    cov = coverage(src.query, region_set, indicator_ids)
    mine = cov["indicator_id"].map(unggah.is_uploaded)
    if not mine.any():
        return cov
    return pd.concat([cov[~mine], _uploaded(cov, "indicator_id")], ignore_index=True)


# ---------------------------------------------------------------------------
# "Perbarui dari BPS" / "Refresh from BPS" (jabodash.official): the page's section calls these.
# ---------------------------------------------------------------------------


def bps_options() -> list[str]:
    """The indicators that have a BPS recipe (data/bps_recipes.csv), in file order."""
    from jabodash.official import recipes
    return recipes.indicators(recipes.load())


def bps_key_source() -> str:
    """Where a key would come from without the page: "env", "config" or "none"."""
    from jabodash.official import keys
    return keys.resolve_key()[1]


def bps_refresh(store, given_key: str | None, indicators: list[str], remember: bool = False, progress=None):
    """Run a refresh of ``indicators`` and compare it with the built-in figures; the page's key
    (``given_key``) wins over JABODASH_BPS_KEY and the config file, and is kept in the user's
    config file when ``remember``. Returns a jabodash.official.fetch.Refresh."""
    from jabodash.official import fetch, keys, recipes
    key, origin = keys.resolve_key(given_key)
    chosen = recipes.select(recipes.load(), indicators)
    result = fetch.refresh(store, chosen, key, progress=progress)
    if remember and origin == "page" and not result.bad_key:
        keys.save_key(key)
    return result


def bps_report(result, lang: str) -> pd.DataFrame:
    from jabodash.official import report
    return report.change_frame(result, lang)


def bps_lines(result, lang: str) -> tuple[list[str], list[str]]:
    """(one line per table read, one line per table that failed), plain text."""
    from jabodash.official import report
    limits = report.limits_line(result, lang)
    return ([report.table_line(tb, lang) for tb in result.tables] + ([limits] if limits else []),
            report.error_lines(result.errors, lang))


def bps_save(result, precedence: bool) -> str:
    from jabodash.official import dataset
    return dataset.save(result, precedence=precedence)


def bps_saved(lang: str) -> list[tuple[str, str, bool]]:
    """(dataset id, line, precedence) of every saved refresh, newest first."""
    from jabodash.official import dataset
    out = []
    for meta in dataset.saved_refreshes():
        on = bool((meta.get("official") or {}).get("precedence"))
        out.append((meta["id"], t("data.refresh.saved_line", lang, title=meta.get("title") or meta["id"],
                                  rows=int(meta.get("rows") or 0),
                                  precedence=t(f"data.refresh.precedence_{'on' if on else 'off'}", lang)), on))
    return out


def bps_set_precedence(dataset_id: str, on: bool) -> str:
    from jabodash.official import dataset
    return dataset.set_precedence(dataset_id, on)


# --- provenance grades ------------------------------------------------------------------------

def grade_counts(run: Runner, region_set: str) -> pd.DataFrame:
    """Figures per indicator and provenance grade in the region set (queries/data_grades.sql):
    one row per indicator with figures, a column per grade (strongest first) and the total."""
    rows = run("data_grades", region_set=region_set)
    if rows.empty:
        return pd.DataFrame(columns=["indicator_id", "name_id", "name_en", *grades.GRADES, "total"])
    wide = rows.pivot_table(index=["sort_order", "indicator_id", "name_id", "name_en"], columns="grade",
                            values="figures", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(grades.GRADES), fill_value=0)
    wide["total"] = wide.sum(axis=1)
    return wide.reset_index().drop(columns="sort_order").rename_axis(columns=None)


def grade_totals(counts: pd.DataFrame) -> dict[str, int]:
    """Figures per grade over every indicator."""
    return {g: int(counts[g].sum()) if g in counts else 0 for g in grades.GRADES}


def grade_counts_view(counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The counts for display: indicator name, one column per grade (translated), total."""
    out = {t("data.col.indicator", lang): counts["name_en" if lang == "en" else "name_id"]}
    for grade in grades.GRADES:
        out[grades.label(grade, lang)] = counts[grade]
    out[t("data.col.figures", lang)] = counts["total"]
    out[t("data.col.id", lang)] = counts["indicator_id"]
    return pd.DataFrame(out).reset_index(drop=True)


# --- coverage of the core set (issue 23) -------------------------------------------------------------
# For each yearly core indicator and each region, the latest year with a figure and its provenance
# grade (with the official-only switch, official and official-cited figures only): the table of the
# page and `info --json` (`coverage`).
# The yearly core set counted by issue 23 (12 indicators x 15 regions = 180 cells).
CORE_INDICATORS = (
    "population_estimate_bps", "ipm_lfsp2020", "poverty_rate", "poor_population", "unemployment_rate_tpt",
    "grdp_current_prices", "grdp_per_capita_current_prices", "grdp_growth_constant_prices",
    "hospitals_total", "puskesmas", "schools_total_dapodik", "doctors",
)
CORE_RECENT_YEARS = (2023, 2024)   # "a figure for 2023 or later", "for 2024 or later"


def core_coverage(run: Runner, region_set: str = "agglomeration", official_only: bool = False) -> pd.DataFrame:
    """One row per core indicator and region: year, value, grade and dataset of the latest figure
    shown (empty year: a gap)."""
    frame = run("data_core_coverage", indicators=list(CORE_INDICATORS), region_set=region_set,
                official_only=official_only)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def core_summary(frame: pd.DataFrame) -> dict:
    """Counts over the cells of core_coverage: with a figure, with one for 2023 or later and for
    2024 or later, and the cells by grade of the figure shown."""
    year = frame["year"]
    shown = frame[year.notna()]
    out = {"cells": int(len(frame)), "with_figure": int(len(shown))}
    for since in CORE_RECENT_YEARS:
        out[f"since_{since}"] = int((year >= since).fillna(False).sum())
    out["by_grade"] = {g: int(n) for g, n in shown["grade"].fillna("unrated").value_counts().items()}
    return out


def _share(counts: pd.Series) -> dict:
    total = int(counts.sum())
    official = int(sum(counts.get(g, 0) for g in grades.SHOWN_WHEN_OFFICIAL_ONLY))
    return {"figures": total, "official_or_cited": official,
            "share": round(official / total, 4) if total else 0.0,
            "by_grade": {g: int(n) for g, n in counts.items()}}


def stored_share(run: Runner) -> dict:
    """The built-in figures by grade and the official share (official or official-cited), in all
    and per level (``region``: kab/kota and provinces; ``kecamatan``)."""
    rows = run("data_figure_grades")
    out = _share(rows.groupby("grade", sort=False)["figures"].sum().sort_values(ascending=False))
    out["by_level"] = {level: _share(part.set_index("grade")["figures"])
                       for level, part in rows.groupby("level", sort=True)}
    return out


def core_coverage_json(run: Runner, region_set: str = "agglomeration") -> dict:
    """The coverage block of ``info --json``: summary (all figures and official only), the stored
    figures' official share, and every cell."""
    every = core_coverage(run, region_set)
    official = core_coverage(run, region_set, official_only=True)
    cells = [{"indicator_id": r.indicator_id, "region_code": r.region_code,
              "year": None if pd.isna(r.year) else int(r.year),
              "grade": None if pd.isna(r.year) else r.grade,
              "dataset_id": None if pd.isna(r.year) else r.dataset_id}
             for r in every.itertuples()]
    return {"indicators": list(CORE_INDICATORS), "summary": core_summary(every),
            "summary_official_only": core_summary(official), "stored_figures": stored_share(run), "cells": cells}


def core_cell_text(year, grade, lang: str) -> str:
    """One cell of the table: "2024 · resmi"; "-" for a gap."""
    if year is None or pd.isna(year):
        return "–"
    label = grades.label(grade, lang)
    return f"{int(year)} · {label}" if label else str(int(year))


def core_matrix(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table for display: a row per core indicator (its short name), a column per region."""
    names = {key: ind.short(lang) for key, ind in load_catalog().items()}
    frame = frame.assign(text=[core_cell_text(y, g, lang) for y, g in zip(frame["year"], frame["grade"])])
    table = frame.pivot(index="indicator_id", columns="short_name", values="text")
    order = [c for c in frame.drop_duplicates("region_code")["short_name"]]
    table = table.reindex(index=list(CORE_INDICATORS), columns=order)
    table.index = [names.get(i, i) for i in table.index]
    return table


def dukcapil_refresh(store, year: int, semester: int, level: str):
    """Read Dukcapil's GIS service (jabodash.official.dukcapil) for ``level`` ("all", "kabkota" or
    "kecamatan") and compare the figures with the built-in ones: a DukcapilRefresh, saved as the
    BPS refresh is (:func:`bps_save`)."""
    from jabodash.official import dukcapil
    from jabodash.official.fetch import chosen_levels
    return dukcapil.refresh(store, year, semester, chosen_levels(level, dukcapil.LEVELS))


def dukcapil_lines(result, lang: str) -> tuple[list[str], list[str]]:
    """(the summary, the date caveat, the crosswalk line and one line per level read; the refused
    values and the errors), plain text."""
    from jabodash.official import dukcapil, report
    text = dukcapil.report_text(result.to_json(), lang).splitlines()
    lines = [line for line in text if not line.startswith("  ")] + [report.table_line(tb, lang) for tb in result.tables]
    limits = report.limits_line(result, lang)
    return lines + ([limits] if limits else []), [line.strip()[2:] for line in text if line.startswith("  !")]


def dukcapil_unmatched(result, lang: str) -> pd.DataFrame:
    """The kecamatan not kept: Kemendagri code, Dukcapil's name, the crosswalk's name, why."""
    col = {k: t(f"dukcapil.page.col.{k}", lang) for k in ("kemendagri", "name", "bps_names", "why")}
    rows = result.unmatched
    return pd.DataFrame({col["kemendagri"]: [u["kemendagri_code"] for u in rows],
                         col["name"]: [u["name"] for u in rows],
                         col["bps_names"]: [u.get("crosswalk_name") or "" for u in rows],
                         col["why"]: [t(f"dukcapil.page.why_{u['reason']}", lang) for u in rows]})


def dapodik_refresh(store, semester_id: str, level: str, year: int | None = None, lang: str = "id"):
    """Read Dapodik's recap (jabodash.official.dapodik) for ``level`` ("all", "kabkota" or
    "kecamatan") and compare with the built-in figures: a DapodikRefresh, saved as the BPS refresh is
    (:func:`bps_save`); a bad semester id gives the message instead (text)."""
    from jabodash.official import dapodik
    from jabodash.official.fetch import chosen_levels
    try:
        dapodik.parse_semester(semester_id)
    except ValueError:
        return t("dapodik.cli.bad_semester", lang)
    return dapodik.refresh(store, semester_id.strip(), chosen_levels(level, dapodik.LEVELS), year)


def dapodik_lines(result, lang: str) -> tuple[list[str], list[str]]:
    """(the summary, the period, the crosswalk line and one line per request;
    the refused values and the errors), plain text."""
    from jabodash.official import dapodik, report
    text = dapodik.report_text(result.to_json(), lang).splitlines()
    lines = [line for line in text if not line.startswith("  ")] + [report.table_line(tb, lang) for tb in result.tables]
    limits = report.limits_line(result, lang)
    return lines + ([limits] if limits else []), [line.strip()[2:] for line in text if line.startswith("  !")]


def dapodik_unmatched(result, lang: str) -> pd.DataFrame:
    """The rows not kept: Dapodik code, Dapodik's name, the kab/kota, the table's name, why."""
    col = {k: t(f"dapodik.page.col.{k}", lang) for k in ("code", "name", "parent", "table_name", "why")}
    rows = result.unmatched
    return pd.DataFrame({col["code"]: [u["dapodik_code"] for u in rows], col["name"]: [u["name"] for u in rows],
                         col["parent"]: [u["parent_code"] for u in rows],
                         col["table_name"]: [u.get("table_name") or "" for u in rows],
                         col["why"]: [t(f"dapodik.page.why_{u['reason']}", lang) for u in rows]})


def simdasi_recipe_count() -> int:
    """How many SIMDASI recipes data/simdasi_recipes.csv has (0 when unreadable)."""
    from jabodash.official import simdasi
    try:
        return len(simdasi.load())
    except (OSError, ValueError):
        return 0


def simdasi_tables(given_key: str | None, wilayah: str, lang: str) -> tuple[pd.DataFrame | None, str | None]:
    """An area's SIMDASI tables (id_tabel, title, years) for writing recipes, or the error in words."""
    from jabodash.official import client, keys, simdasi
    key, _ = keys.resolve_key(given_key)
    if not key:
        return None, t("data.refresh.no_key", lang)
    if not simdasi.valid_wilayah(wilayah):
        return None, t("simdasi.cli.wilayah", lang)
    try:
        tables = simdasi.list_tables(client.BpsClient(key), wilayah)
    except client.BpsError as exc:
        return None, t(f"data.refresh.error.{exc.kind}", lang, detail=client.scrub(exc.detail, key))
    cols = {k: t(f"simdasi.page.col.{k}", lang) for k in ("id_tabel", "judul", "years")}
    return pd.DataFrame({cols["id_tabel"]: [x["id_tabel"] for x in tables], cols["judul"]: [x["judul"] for x in tables],
                         cols["years"]: [", ".join(map(str, x["years"])) for x in tables]}), None


def simdasi_refresh(store, given_key: str | None):
    """Read every SIMDASI recipe's table and compare with the built-in figures (a fetch.Refresh,
    saved as the BPS refresh is: :func:`bps_save`)."""
    from jabodash.official import keys, simdasi
    key, _ = keys.resolve_key(given_key)
    return simdasi.refresh(store, simdasi.load(), key)
