"""Figures of the data and methods page (Data & metode): the indicator catalog with search and
theme filter, each indicator's metadata and sources, the coverage matrix, the figures of one
indicator for download, and the boundary attribution.

Functions take ``run(name, **params) -> DataFrame`` (``Store.query`` or the cached ``ui.query``)
or plain frames, so everything here runs without Streamlit. The analyst's uploaded indicators
(theme "uploaded") come through a :class:`jabodash.store.datasource.DataSource` (``*_all`` /
``*_of`` / ``uploaded_*`` below) with the same columns as the queries.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from jabodash.core import catalog as catalog_mod
from jabodash.core.catalog import Indicator, load_catalog
from jabodash.core.i18n import t
from jabodash.features import unggah as userdata

Runner = Callable[..., pd.DataFrame]
BOUNDARY_LEVELS = ("kabkota", "kecamatan")
_SEARCH_COLUMNS = ("id", "name_id", "name_en", "short_id", "short_en", "definition_id", "definition_en",
                   "unit_id", "unit_en")


def catalog(run: Runner, region_set: str) -> pd.DataFrame:
    """The catalog with coverage in the region set (queries/meta_catalog.sql)."""
    return run("meta_catalog", region_set=region_set)


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
            return t("methods.flow_rows", lang, n=int(r.flow_rows))
        return t("common.coverage", lang, covered=int(r.max_regions), total=int(r.regions_in_set))

    return pd.DataFrame({
        t("methods.col.indicator", lang): frame["name_en" if lang == "en" else "name_id"],
        t("methods.col.theme", lang): [t(f"theme.{x}", lang) for x in frame["theme"]],
        t("methods.col.kind", lang): [t(f"methods.kind.{x}", lang) for x in frame["kind"]],
        t("methods.col.unit", lang): frame["unit_en" if lang == "en" else "unit_id"],
        t("methods.col.coverage", lang): [coverage(r) for r in frame.itertuples()],
        t("methods.col.years", lang): [_years_text(y) for y in frame["years"]],
        t("methods.col.id", lang): frame["id"],
    }).reset_index(drop=True)


def details(ind: Indicator, lang: str) -> list[tuple[str, str]]:
    """(label, text) pairs describing one indicator; the page escapes the text."""
    rows = [(t("methods.detail.definition", lang), ind.definition(lang)),
            (t("methods.detail.unit", lang), ind.unit(lang)),
            (t("methods.detail.kind", lang), t(f"methods.kind.{ind.kind}", lang))]
    if ind.formula(lang):
        rows.append((t("common.formula", lang), ind.formula(lang)))
    rows.append((t("common.direction", lang), catalog_mod.direction_label(ind, lang)))
    rows.append((t("methods.detail.aggregation", lang), t(f"methods.aggregation.{ind.aggregation}", lang)))
    if ind.source_note:
        rows.append((t("common.source_note", lang), ind.source_note))
    return rows


def sources(run: Runner, indicator_id: str) -> pd.DataFrame:
    """Datasets behind an indicator (for a derived one, behind its inputs)."""
    return run("meta_sources", indicator_id=indicator_id)


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
    out = {t("methods.col.source", lang): frame["title"]}
    if "filename" in frame:
        out[t("methods.col.file", lang)] = frame["filename"].fillna("–")
        out[t("methods.col.origin", lang)] = frame["origin"].fillna("–")
    out.update({
        t("methods.col.link", lang): _link(frame["source_url"]),
        t("methods.col.licence", lang): frame["license"].astype(object).where(frame["license"].notna(),
                                                                               t("methods.licence_none", lang)),
        t("methods.col.figures", lang): frame["figures"],
        t("methods.col.years", lang): [_span_text(a, b) for a, b in zip(frame["first_year"], frame["last_year"])],
        t("methods.col.inputs", lang): [", ".join(x) for x in frame["indicators"]],
    })
    if "stored" in frame:
        out[t("methods.col.stored", lang)] = [t(f"methods.stored.{x}", lang) for x in frame["stored"]]
    return pd.DataFrame(out)


def _link(urls: pd.Series) -> pd.Series:
    """Keep only http(s) links (anything else, such as 'github:owner/repo', is not a link)."""
    text = urls.fillna("").astype(str)
    return text.where(text.str.match(r"https?://"), None)


def datasets_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """All loaded datasets for display (queries/datasets.sql)."""
    return pd.DataFrame({
        t("methods.col.source", lang): frame["title"],
        t("methods.col.link", lang): _link(frame["source_url"]),
        t("methods.col.licence", lang): frame["license"].astype(object).where(frame["license"].notna(),
                                                                               t("methods.licence_none", lang)),
        t("methods.col.figures", lang): frame["rows"],
        t("methods.col.id", lang): frame["id"],
    })


def indicator_data(run: Runner, ind: Indicator, region_set: str) -> pd.DataFrame:
    """Every figure of one indicator (flows: every flow row) with source and licence."""
    if ind.kind == "flow":
        return run("meta_flow_data", indicator_id=ind.id)
    return run("meta_indicator_data", indicator_id=ind.id, region_set=region_set)


def coverage(run: Runner, region_set: str, indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """Indicator x region rows (years with a figure, zero = gap), limited to indicator_ids."""
    cov = run("meta_coverage", region_set=region_set)
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
    try:
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
    level = t(f"methods.boundaries.level.{info.level}", lang)
    if not info.present:
        return [t("methods.boundaries.absent", lang, level=level)]
    lines = [t("methods.boundaries.present", lang, level=level, n=info.features or 0),
             t("methods.boundaries.attribution", lang, text=info.attribution or "–"),
             t("methods.boundaries.source", lang, text=info.source or "–"),
             t("methods.boundaries.licence", lang, text=info.licence or "–")]
    if info.fetched_at:
        lines.append(t("methods.boundaries.fetched", lang, text=info.fetched_at))
    return lines


def indicator_options(frame: pd.DataFrame) -> list[str]:
    return frame["id"].tolist()


def indicator_label(ind_id: str, lang: str, catalog: dict[str, Indicator] | None = None) -> str:
    """"Theme · name" for the indicator selectbox; ``catalog`` (DataSource.catalog()) knows the
    uploaded indicators too."""
    ind = (catalog or load_catalog())[ind_id]
    return f"{t('theme.' + ind.theme, lang)} · {ind.name(lang)}"


# --- uploaded indicators ------------------------------------------------------------------------
# The analyst's uploads (ids upload.<dataset>.<slug>, theme "uploaded") through a
# datasource.DataSource: its .obs / .inds frames (userdata.OBS_COLUMNS / IND_COLUMNS) and its
# regions. Each function returns the columns of the matching SQL query, so the view functions
# above show built-in and uploaded rows alike.

CATALOG_COLUMNS = ["id", "theme", "kind", "name_id", "name_en", "short_id", "short_en", "unit_id", "unit_en",
                   "definition_id", "definition_en", "higher_is_better", "aggregation", "derivation",
                   "formula_id", "formula_en", "source_note", "sort_order", "years", "max_regions", "figures",
                   "first_year", "last_year", "flow_rows", "regions_in_set"]
SOURCE_COLUMNS = ["dataset_id", "title", "origin", "source_url", "license", "indicators", "figures",
                  "first_year", "last_year", "filename", "stored"]
DATA_COLUMNS = ["indicator_id", "region_code", "name", "short_name", "year", "value", "derived", "note",
                "dataset_id", "source", "source_url", "license"]
COVERAGE_COLUMNS = ["indicator_id", "sort_order", "region_code", "short_name", "years_with_value", "years"]


def _text(value) -> str | None:
    """A cell as text, None when missing or empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value) or None


def _figures(obs: pd.DataFrame, codes=None) -> pd.DataFrame:
    """The uploaded figures that count: value and year present, one per indicator, region and
    year (as userdata reads them), limited to the region codes when given."""
    part = obs[obs["value"].notna() & obs["year"].notna()]
    if codes is not None:
        part = part[part["region_code"].astype(str).isin(set(codes))]
    part = part.drop_duplicates(["indicator_id", "region_code", "year"])
    return part.assign(year=part["year"].astype(int), region_code=part["region_code"].astype(str))


def uploaded_catalog(src, region_set: str) -> pd.DataFrame:
    """The uploaded indicators as meta_catalog rows: kind "observed", coverage, years and
    figures counted over the kab/kota of the region set."""
    regions = src.regions(region_set)
    codes = set(regions["code"].astype(str))
    part = _figures(src.obs, codes)
    rows = []
    for k, row in enumerate(src.inds.itertuples(index=False)):
        ind = src.indicator(row.id)
        mine = part[part["indicator_id"] == row.id]
        per_year = mine.groupby("year")["region_code"].nunique()
        years = [int(y) for y in sorted(per_year.index)]
        fields = {c: getattr(ind, c) for c in CATALOG_COLUMNS[:17]}
        rows.append({**fields, "sort_order": 100_000 + k, "years": years,
                     "max_regions": int(per_year.max()) if len(per_year) else 0, "figures": float(len(mine)),
                     "first_year": years[0] if years else None, "last_year": years[-1] if years else None,
                     "flow_rows": 0, "regions_in_set": len(codes)})
    return pd.DataFrame(rows, columns=CATALOG_COLUMNS)


def catalog_all(src, region_set: str) -> pd.DataFrame:
    """The built-in catalog (meta_catalog) followed by the uploaded indicators."""
    builtin = catalog(src.query, region_set)
    mine = uploaded_catalog(src, region_set)
    if not len(mine):
        return builtin
    return pd.concat([builtin.astype(object), mine.astype(object)], ignore_index=True)


def theme_options(frame: pd.DataFrame) -> list[str]:
    """The themes of the filter: the built-in ones, then "uploaded" when the frame has uploads."""
    out = list(catalog_mod.THEMES)
    if "uploaded" in set(frame["theme"]):
        out.append("uploaded")
    return out


def upload_datasets(session: dict | None = None, saved: list[dict] | None = None) -> dict[str, dict]:
    """dataset id -> {"filename", "saved"} for the saved workspace datasets (``saved`` =
    workspace.list_datasets(), read when None; an unreadable workspace counts as empty) and the
    session uploads (``session`` = st.session_state[userdata.SESSION_KEY])."""
    if saved is None:
        from jabodash.store import workspace
        try:
            saved = workspace.list_datasets()
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


def uploaded_sources(src, indicator_id: str | None = None, datasets: dict[str, dict] | None = None,
                     region_set: str | None = None) -> pd.DataFrame:
    """meta_sources rows for uploads, one per uploaded dataset (only the dataset of
    ``indicator_id`` when given): title, the analyst's source as origin (and as source_url, a
    link only when it is an http(s) URL), no licence, the figures of the indicator (of every
    indicator of the dataset without one) within the region set (all regions when None), plus
    filename and stored ("saved" / "session") from :func:`upload_datasets`."""
    inds = src.inds
    if indicator_id is not None:
        inds = inds[inds["id"] == indicator_id]
    datasets = datasets or {}
    codes = None if region_set is None else src.regions(region_set)["code"].astype(str)
    part = _figures(src.obs, codes)
    rows = []
    for dataset_id, group in inds.groupby("dataset_id", sort=False):
        ids = sorted(str(i) for i in group["id"])
        mine = part[part["indicator_id"].isin(ids)]
        first = group.iloc[0]
        origin = _text(first["source"])
        info = datasets.get(str(dataset_id), {})
        saved = info.get("saved", not str(dataset_id).startswith("sesi-"))
        rows.append({"dataset_id": str(dataset_id), "title": _text(first["title"]) or str(dataset_id),
                     "origin": origin, "source_url": origin, "license": None, "indicators": ids,
                     "figures": int(len(mine)),
                     "first_year": int(mine["year"].min()) if len(mine) else None,
                     "last_year": int(mine["year"].max()) if len(mine) else None,
                     "filename": info.get("filename"), "stored": "saved" if saved else "session"})
    out = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    out["source_url"] = _link(out["source_url"])
    return out.sort_values(["figures", "dataset_id"], ascending=[False, True]).reset_index(drop=True)


def sources_of(src, indicator_id: str, datasets: dict[str, dict] | None = None) -> pd.DataFrame:
    """The sources of any indicator: meta_sources, or the upload's dataset row."""
    if userdata.is_uploaded(indicator_id):
        return uploaded_sources(src, indicator_id, datasets)
    return sources(src.query, indicator_id)


def uploaded_indicator_data(src, ind: Indicator, region_set: str) -> pd.DataFrame:
    """Every figure of one uploaded indicator in the kab/kota of the region set, as
    meta_indicator_data rows: source = the analyst's source (else the title), source_url only
    when that is an http(s) URL, no licence."""
    regions = src.regions(region_set)
    part = _figures(src.obs, regions["code"].astype(str))
    part = part[part["indicator_id"] == ind.id]
    meta = src.inds[src.inds["id"] == ind.id]
    source = None
    if len(meta):
        row = meta.iloc[0]
        source = _text(row["source"]) or _text(row["title"]) or _text(row["dataset_id"])
    reg = regions[["code", "name", "short_name"]].rename(columns={"code": "region_code"})
    reg = reg.assign(region_code=reg["region_code"].astype(str))
    out = part.merge(reg, on="region_code")
    out = pd.DataFrame({
        "indicator_id": out["indicator_id"].astype(str), "region_code": out["region_code"],
        "name": out["name"], "short_name": out["short_name"], "year": out["year"].astype(int),
        "value": out["value"].astype(float), "derived": False,
        "note": out["preliminary"].map(lambda p: "preliminary" if bool(p) else None),
        "dataset_id": out["dataset_id"].astype(str), "source": source, "source_url": None, "license": None,
    }, columns=DATA_COLUMNS)
    out["source_url"] = _link(pd.Series([source] * len(out), index=out.index, dtype=object))
    return out.sort_values(["year", "region_code"]).reset_index(drop=True)


def indicator_data_of(src, ind: Indicator, region_set: str) -> pd.DataFrame:
    """The figures of any indicator (indicator_data or uploaded_indicator_data)."""
    if userdata.is_uploaded(ind.id):
        return uploaded_indicator_data(src, ind, region_set)
    return indicator_data(src.query, ind, region_set)


def uploaded_coverage(src, region_set: str, indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """meta_coverage rows for the uploaded indicators: every indicator x kab/kota of the set,
    years with a figure (zero = gap, kept as a row)."""
    regions = src.regions(region_set)
    codes = [str(c) for c in regions["code"]]
    names = dict(zip(codes, regions["short_name"]))
    part = _figures(src.obs, codes)
    years = part.groupby(["indicator_id", "region_code"])["year"].agg(lambda s: sorted(int(y) for y in s))
    rows = []
    for k, ind_id in enumerate(src.inds["id"]):
        if indicator_ids is not None and ind_id not in indicator_ids:
            continue
        for code in sorted(codes):
            have = years.get((ind_id, code), [])
            rows.append({"indicator_id": ind_id, "sort_order": 100_000 + k, "region_code": code,
                         "short_name": names[code], "years_with_value": len(have), "years": list(have)})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def coverage_all(src, region_set: str, indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """The coverage matrix rows of the built-in indicators, then those of the uploads."""
    builtin = coverage(src.query, region_set, indicator_ids)
    mine = uploaded_coverage(src, region_set, indicator_ids)
    if not len(mine):
        return builtin
    return pd.concat([builtin.astype(object), mine.astype(object)], ignore_index=True).astype(
        {"sort_order": "int64", "years_with_value": "int64"})


def datasets_all(datasets: pd.DataFrame, src, known: dict[str, dict] | None = None) -> pd.DataFrame:
    """The loaded datasets (queries/datasets.sql) followed by the uploaded ones (title, the
    analyst's source as origin and link when http(s), no licence, rows = figures)."""
    mine = uploaded_sources(src, None, known)
    if not len(mine):
        return datasets
    extra = pd.DataFrame({"id": mine["dataset_id"], "title": mine["title"], "origin": mine["origin"],
                          "license": None, "source_url": mine["source_url"], "rows": mine["figures"]})
    return pd.concat([datasets.astype(object), extra.astype(object)], ignore_index=True)
