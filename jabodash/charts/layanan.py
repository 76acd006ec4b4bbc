"""Chart builders of the public services page (Layanan): the per-100,000 ranking against the
metro value or the labelled median, and the coverage of every per-100,000 indicator.

Pure functions: frames from jabodash.features.layanan -> plotly Figure, each carrying its
title, unit, year, coverage and source in the figure itself and drawing gaps as gaps.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from jabodash.charts import add_source, base_layout, label_room, labels_clear_of, ranking_bar, top_margin
from jabodash.core import fmt, palette
from jabodash.core.catalog import Indicator
from jabodash.core.i18n import t


def services_ranking(values: pd.DataFrame, ind: Indicator, year: int, lang: str,
                     metro: float | None, median: float | None, median_n: int,
                     source: str, highlight: tuple[str, ...] = ()) -> go.Figure:
    """Regions ranked on a per-100,000 indicator against the metro value; when the metro
    value is not available, against the median of the regions with data (labelled so)."""
    frame = values.drop(columns=[c for c in ("source", "dataset_id") if c in values])
    fig = ranking_bar(frame, ind, year, lang, metro, highlight=highlight)
    if metro is None and median is not None:
        label = t("layanan.median_label", lang, n=median_n) + f": {fmt.number(median, ind.decimals, lang)}"
        fig.add_vline(x=median, line=dict(color=palette.METRO_LINE, dash="dot", width=1.5), layer="below",
                      annotation_text=label, annotation_position="top", annotation_font=dict(size=12))
        labels_clear_of(fig, median)
    add_source(fig, source, lang)
    return label_room(fig, values["value"])


def coverage_heatmap(cov: pd.DataFrame, lang: str) -> go.Figure:
    """Indicators x years: how many regions have each per-100,000 figure ('*' when they are
    all DKI Jakarta units); empty cells are years without any figure."""
    name_col = "short_en" if lang == "en" else "short_id"
    order = cov.drop_duplicates("indicator_id").sort_values("sort_order")
    names = order[name_col].tolist()  # every indicator, also those without any figure
    cov = cov.dropna(subset=["year"])
    years = sorted(int(y) for y in cov["year"].unique())
    grid = cov.assign(year=cov["year"].astype(int)).pivot_table(
        index=name_col, columns="year", values="regions_with_value", aggfunc="max").reindex(index=names, columns=years)
    dki = cov.assign(year=cov["year"].astype(int)).pivot_table(
        index=name_col, columns="year", values="dki_only", aggfunc="max").reindex(index=names, columns=years)
    text = [[("" if pd.isna(v) else f"{int(v)}{'*' if d is True else ''}") for v, d in zip(vr, dr)]
            for vr, dr in zip(grid.to_numpy(), dki.to_numpy())]
    total = int(cov["total"].max()) if len(cov) else 0
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(dtype=float), x=[str(y) for y in years], y=names, text=text, texttemplate="%{text}",
        colorscale=[[0, "#deebf7"], [1, "#6baed6"]], zmin=1, zmax=max(float(grid.max().max() or 1), 2),
        showscale=False, xgap=2, ygap=2,
        hovertemplate="%{y} · %{x}: %{z}<extra></extra>", textfont=dict(size=13),
    ))
    fig.update_yaxes(autorange="reversed", title=None, showgrid=False, ticks="")
    fig.update_xaxes(type="category", side="top", title=None, showgrid=False, ticks="")
    base_layout(fig, t("layanan.coverage.title", lang), t("layanan.coverage.subtitle", lang, total=total),
                       t("chart.derived", lang), lang, height=max(320, 150 + 28 * len(names)))
    top_margin(fig, 110)
    return fig
