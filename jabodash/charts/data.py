"""Chart builders of the data and methods page (Data): the coverage matrix of every indicator
and region, and one indicator's figures by region and year.

Pure functions: DataFrame + indicator metadata -> plotly Figure, naming unit, years, coverage
and source inside the figure and drawing gaps as grey "no data" cells, never as zero.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from jabodash.charts import gap_cells, layout_source_below, sources_line, year_span
from jabodash.core import fmt, palette
from jabodash.core.catalog import Indicator, load_catalog
from jabodash.core.i18n import t
from jabodash.core.textsafe import plotly_escape

PRESENT_SCALE = [[0.0, palette.SEQUENTIAL["default"][1]], [1.0, palette.SEQUENTIAL["default"][4]]]


def coverage_matrix(cov: pd.DataFrame, lang: str, catalog: dict[str, Indicator] | None = None) -> go.Figure:
    """Indicator x region: the number of years with a figure (the years in the hover text);
    grey 'no data' cells for indicator-region pairs without any figure."""
    catalog = catalog or load_catalog()
    indicators = list(dict.fromkeys(cov["indicator_id"]))
    regions = list(dict.fromkeys(cov["region_code"]))
    names = dict(zip(cov["region_code"], cov["short_name"]))
    x = [names[c] for c in regions]
    y = [plotly_escape(f"{catalog[i].short(lang)} · {t('theme.' + catalog[i].theme, lang)}") for i in indicators]
    n = cov.pivot(index="indicator_id", columns="region_code", values="years_with_value").reindex(index=indicators, columns=regions)
    years = cov.set_index(["indicator_id", "region_code"])["years"]
    z = n.where(n > 0).to_numpy(dtype=float)
    missing = [[1 if v == 0 else None for v in row] for row in n.to_numpy()]
    hover = [[", ".join(str(int(yr)) for yr in years[(i, c)]) or t("common.no_data", lang) for c in regions]
             for i in indicators]
    top = max(float(n.to_numpy().max()) if n.size else 1.0, 1.0)
    ramp = palette.SEQUENTIAL["default"]
    fig = go.Figure(gap_cells(missing, x, y, "", "gaps"))
    fig.add_trace(go.Heatmap(
        z=z, x=x, y=y, zmin=1, zmax=top, xgap=2, ygap=2, customdata=hover,
        colorscale=[[0, ramp[2]], [1, ramp[5]]], texttemplate="%{z:.0f}", textfont=dict(size=11, color="#111111"),
        showscale=False,
        hovertemplate="%{y}<br>%{x}<br>%{customdata}<extra></extra>",
    ))
    cells = int((n > 0).to_numpy().sum())
    subtitle = " · ".join([t("data.coverage.sub", lang),
                           t("data.coverage.cells", lang, filled=cells, total=n.size)])
    fig.update_yaxes(autorange="reversed", showgrid=False, tickfont=dict(size=12))
    fig.update_xaxes(side="top", showgrid=False, tickangle=-40)
    fig = layout_source_below(fig, t("data.coverage.title", lang), subtitle, t("data.coverage.source", lang), lang,
                  height=max(360, 190 + 22 * len(indicators)), top=165)
    fig.update_layout(margin=dict(r=70))
    return fig


def coverage_years(data: pd.DataFrame, regions: pd.DataFrame, ind: Indicator, lang: str) -> go.Figure:
    """One indicator, region x year: each cell with its figure, grey 'no data' cells for gaps;
    column labels carry the year's coverage ("2020 · 15/15")."""
    years = sorted({int(y) for y in data["year"]})
    codes = regions["code"].tolist()
    names = dict(zip(regions["code"], regions["short_name"]))
    wide = (data.pivot_table(index="region_code", columns="year", values="value", aggfunc="first")
            .reindex(index=codes, columns=years))
    counts = wide.notna().sum()
    x = [f"{y}<br>{counts[y]}/{len(codes)}" for y in years]
    y = [names[c] for c in codes]
    present = wide.notna().to_numpy()
    text = [[fmt.number(v, ind.decimals, lang) if ok else "" for v, ok in zip(row, oks)]
            for row, oks in zip(wide.to_numpy(), present)]
    missing = [[None if ok else 1 for ok in oks] for oks in present]
    fig = go.Figure(gap_cells(missing, x, y, "–", "gaps"))
    fig.add_trace(go.Heatmap(
        z=[[1 if ok else None for ok in oks] for oks in present], x=x, y=y, text=text, texttemplate="%{text}",
        colorscale=PRESENT_SCALE, zmin=0, zmax=1, showscale=False, xgap=2, ygap=2, textfont=dict(size=11),
        hovertemplate="%{y}<br>%{x}<br>%{text} " + plotly_escape(ind.unit(lang)) + "<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False, type="category")
    covered = int(wide.notna().any(axis=1).sum())
    subtitle = " · ".join([ind.unit(lang), year_span(years) or t("common.no_data", lang),
                           t("common.coverage", lang, covered=covered, total=len(codes))])
    return layout_source_below(fig, ind.name(lang), subtitle, sources_line(data, lang), lang,
                   height=max(320, 150 + 28 * len(codes)), top=120)
