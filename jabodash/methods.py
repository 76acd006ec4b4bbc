"""Figures of the data and methods page (Data & metode): the indicator catalog with search and
theme filter, each indicator's metadata and sources, the coverage matrix, the figures of one
indicator for download, and the boundary attribution.

Functions take ``run(name, **params) -> DataFrame`` (``Store.query`` or the cached ``ui.query``)
or plain frames, so everything here runs without Streamlit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from . import catalog as catalog_mod
from .catalog import Indicator, load_catalog
from .i18n import t

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


def sources_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Sources for display; the link column stays a bare URL (st.column_config.LinkColumn)."""
    return pd.DataFrame({
        t("methods.col.source", lang): frame["title"],
        t("methods.col.link", lang): _link(frame["source_url"]),
        t("methods.col.licence", lang): frame["license"],
        t("methods.col.figures", lang): frame["figures"],
        t("methods.col.years", lang): [f"{a}–{b}" if a != b else str(a) for a, b in zip(frame["first_year"], frame["last_year"])],
        t("methods.col.inputs", lang): [", ".join(x) for x in frame["indicators"]],
    })


def _link(urls: pd.Series) -> pd.Series:
    """Keep only http(s) links (anything else, such as 'github:owner/repo', is not a link)."""
    text = urls.fillna("").astype(str)
    return text.where(text.str.match(r"https?://"), None)


def datasets_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """All loaded datasets for display (queries/datasets.sql)."""
    return pd.DataFrame({
        t("methods.col.source", lang): frame["title"],
        t("methods.col.link", lang): _link(frame["source_url"]),
        t("methods.col.licence", lang): frame["license"],
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
        from . import boundaries
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


def indicator_label(ind_id: str, lang: str) -> str:
    ind = load_catalog()[ind_id]
    return f"{t('theme.' + ind.theme, lang)} · {ind.name(lang)}"
