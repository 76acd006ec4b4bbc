"""Chart builder of the cooperation page (Kerjasama): the matrix of what links each region to
Jakarta (membership, DKI assistance, commuting), gaps in grey.

Pure function: the frame from jabodash.features.kerjasama.links -> plotly Figure, carrying its
title, coverage and source in the figure itself.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from jabodash.charts import base_layout, separators, sources_text, wrap_lines
from jabodash.core import palette
from jabodash.core.i18n import t

STATUS_CODE = {"no": 0, "yes": 1, "na": 2, "no_data": 3}
STATUS_COLOURS = ["#ffffff", "#9ecae1", "#f3f3f3", palette.MISSING]


def links_matrix(matrix: pd.DataFrame, lang: str) -> go.Figure:
    """Regions x ties (kerjasama.links): a cell is blue where a tie or a figure exists,
    white for 'no', light grey where the tie does not apply, grey where data is missing."""
    regions = matrix.drop_duplicates("region_code")["short_name"].tolist()
    columns = matrix.drop_duplicates("link_id")["label"].tolist()
    status = matrix.pivot(index="short_name", columns="label", values="status").reindex(index=regions, columns=columns)
    text = matrix.pivot(index="short_name", columns="label", values="text").reindex(index=regions, columns=columns)
    z = status.apply(lambda col: col.map(STATUS_CODE)).to_numpy(dtype=float)
    n = len(STATUS_COLOURS)
    scale = []
    for i, colour in enumerate(STATUS_COLOURS):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    wrapped = ["<br>".join(wrap_lines(c, 16)) for c in columns]
    fig = go.Figure(go.Heatmap(
        z=z, x=wrapped, y=regions, text=text.to_numpy(), texttemplate="%{text}", textfont=dict(size=13),
        colorscale=scale, zmin=-0.5, zmax=n - 0.5, showscale=False, xgap=2, ygap=2,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", title=None, tickfont=dict(size=13), showgrid=False, ticks="")
    fig.update_xaxes(side="top", title=None, tickfont=dict(size=12), tickangle=0, showgrid=False, ticks="")
    source = sources_text([(matrix, "origin")], lang, limit=3)
    base_layout(fig, t("kerjasama.matrix.title", lang),
                       t("kerjasama.matrix.subtitle", lang, regions=len(regions)), source, lang,
                       height=230 + 34 * len(regions))
    fig.add_annotation(text=t("kerjasama.matrix.legend", lang), xref="paper", yref="paper", x=0, y=-0.01,
                       yshift=-4, showarrow=False, xanchor="left", yanchor="top", font=dict(size=12, color="#333333"))
    for ann in fig.layout.annotations:
        if ann.text.startswith(t("chart.source", lang) + ":"):
            ann.yshift = -26
    header_lines = max(label.count("<br>") + 1 for label in wrapped) if wrapped else 1
    fig.update_layout(separators=separators(lang), margin=dict(t=100 + 17 * header_lines, b=80))
    return fig
