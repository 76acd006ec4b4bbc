"""Chart builders of the population page (Kependudukan): the population series of every source,
the census-year share bar, the commuting Sankey and the note line for a published group total.

Pure functions: frames from jabodash.features.kependudukan -> plotly Figure. Like the other
charts, every figure carries its title, unit, year, coverage and source in the figure itself
(so a PNG from the modebar keeps them) and draws gaps as gaps.
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from jabodash.charts import (
    HALF_LABEL_PLOT_PX,
    base_layout,
    label_share,
    separators,
    sources_line,
    sources_text,
    top_margin,
)
from jabodash.core import fmt, palette
from jabodash.core.i18n import t

SERIES_STYLE = {  # colour-blind safe colours (Okabe-Ito) and distinct marker symbols
    "population_census": dict(color="#000000", symbol="circle", size=9),
    "population_estimate_bps": dict(color="#0072B2", symbol="diamond", size=8),
    "population_dukcapil": dict(color="#E69F00", symbol="square", size=8),
}
GROUP_GREY = "#9a9a9a"
LINK_BLUE = "rgba(0, 114, 178, 0.45)"
LINK_GREY = "rgba(120, 120, 120, 0.35)"


def population_series(frame: pd.DataFrame, lang: str, columns: int = 5) -> go.Figure:
    """Small multiples, one panel per region, each population source its own series.
    A line joins only consecutive years of one series; nothing joins two series."""
    regions = frame.drop_duplicates("region_code")[["region_code", "short_name"]]
    n = len(regions)
    rows = max(1, math.ceil(n / columns))
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=regions["short_name"].tolist(),
                        horizontal_spacing=0.045, vertical_spacing=0.12 if rows > 1 else 0.0)
    data = frame.dropna(subset=["series", "value"])
    years = sorted(data["year"].unique()) if len(data) else []
    shown: set[str] = set()
    for i, code in enumerate(regions["region_code"]):
        row, col = i // columns + 1, i % columns + 1
        for series_id, style in SERIES_STYLE.items():
            part = data[(data["region_code"] == code) & (data["series"] == series_id)]
            if part.empty:
                continue
            part = part.set_index("year").reindex(range(int(part["year"].min()), int(part["year"].max()) + 1))
            name = t(f"kependudukan.series.name.{series_id}", lang)
            text = [fmt.number(v, 0, lang) if pd.notna(v) else "" for v in part["value"]]
            fig.add_trace(go.Scatter(
                x=list(part.index), y=part["value"] / 1000, mode="lines+markers", name=name,
                legendgroup=series_id, showlegend=series_id not in shown, connectgaps=False,
                marker=dict(color=style["color"], symbol=style["symbol"], size=style["size"]),
                line=dict(color=style["color"], width=2), customdata=text,
                hovertemplate=f"{name}<br>%{{x}}: %{{customdata}}<extra></extra>",
            ), row=row, col=col)
            shown.add(series_id)
    fig.update_xaxes(range=[2008.5, 2025.5], tickvals=[2010, 2015, 2020, 2025], tickformat="d", gridcolor="#eeeeee",
                     tickfont=dict(size=11))
    fig.update_yaxes(rangemode="tozero", gridcolor="#eeeeee", tickformat=",.0f", tickfont=dict(size=11))
    fig.update_annotations(font=dict(size=13))  # subplot titles
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
    base_layout(fig, t("kependudukan.series.title", lang), t("kependudukan.series.subtitle", lang, span=span),
                       sources_line(frame.dropna(subset=["value"]), lang), lang,
                       height=150 + 200 * rows)
    top_margin(fig, 120).update_layout(separators=separators(lang),
                      legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", yref="container", font=dict(size=13)))
    fig.update_layout(legend=dict(y=1, yanchor="top", x=1, xanchor="right"))
    return fig


def census_share_bar(frame: pd.DataFrame, year: int, lang: str, plot_px: int = HALF_LABEL_PLOT_PX) -> go.Figure:
    """Population of each region in one census year with its share of the metro when the
    metro total is complete; regions without a count stay listed with 'no data'. plot_px: the
    plot area's width the value labels must fit beside (the page draws it in a half column)."""
    df = pd.concat([frame[frame["population"].notna()].sort_values("population", ascending=False),
                    frame[frame["population"].isna()]])
    no_data = t("common.no_data", lang)
    text = []
    for pop, share in zip(df["population"], df["share_pct"]):
        if pd.isna(pop):
            text.append("")
        elif pd.notna(share):
            text.append(f"{fmt.number(pop, 0, lang)} · {fmt.number(share, 1, lang)}%")
        else:
            text.append(fmt.number(pop, 0, lang))
    fig = go.Figure(go.Bar(
        x=df["population"], y=df["short_name"], orientation="h", marker_color=palette.NEUTRAL_BAR,
        text=text, textposition="outside", cliponaxis=False,
        hovertemplate="%{y}<br>%{x:,.0f}<extra></extra>",
    ))
    for label, value in zip(df["short_name"], df["population"]):
        if pd.isna(value):
            fig.add_annotation(x=0, y=label, text=no_data, showarrow=False, xanchor="left",
                               font=dict(color="#767676", size=12))
    covered, total = int(df["population"].notna().sum()), len(df)
    coverage = t("common.coverage", lang, covered=covered, total=total)
    complete = df["share_pct"].notna().any()
    subtitle = t("kependudukan.share.subtitle" if complete else "kependudukan.share.subtitle_incomplete", lang,
                 year=year, coverage=coverage)
    fig.update_yaxes(autorange="reversed", title=None)
    top = float(df["population"].max()) if covered else 1.0
    fig.update_xaxes(title=t("kependudukan.col.population", lang), gridcolor="#eeeeee",
                     range=[0, top * (1 + max(0.45, label_share(text, plot_px=plot_px)))], tickformat=",.0f")
    base_layout(fig, t("kependudukan.share.title", lang), subtitle,
                       sources_line(df.assign(value=df["population"]), lang), lang,
                       height=max(360, 120 + 30 * len(df)))
    fig.update_layout(separators=separators(lang))
    return fig


def commuting_sankey(sk, lang: str) -> go.Figure:
    """Sankey of one year's commuting flows (kependudukan.Sankey). Itemised kab/kota links
    are blue, published group totals grey; a group total into a destination the itemised
    links already reach is written under the chart, not drawn (it would double count)."""
    colours = [LINK_BLUE if kind == "kabkota" else LINK_GREY for kind in sk.link_kinds]
    value_text = [fmt.number(v, 0, lang) for v in sk.values]
    node_in = {i: 0.0 for i in range(len(sk.labels))}
    node_out = dict(node_in)
    for s, d, v in zip(sk.sources, sk.targets, sk.values):
        node_out[s] += v
        node_in[d] += v
    labels = [_node_label(sk, i, label, max(node_in[i], node_out[i]), lang) for i, label in enumerate(sk.labels)]
    node_colours = [palette.NEUTRAL_BAR if any(k == "kabkota" and (s == i or d == i)
                                               for s, d, k in zip(sk.sources, sk.targets, sk.link_kinds))
                    else GROUP_GREY for i in range(len(sk.labels))]
    fig = go.Figure(go.Sankey(
        arrangement="snap", valueformat=",.0f",
        node=dict(label=labels, color=node_colours, pad=22, thickness=18, line=dict(width=0),
                  hovertemplate="%{label}<extra></extra>"),
        link=dict(source=sk.sources, target=sk.targets, value=sk.values, color=colours,
                  customdata=list(zip(value_text, sk.link_labels)),
                  hovertemplate="%{source.label} → %{target.label}<br>%{customdata[0]} (%{customdata[1]})<extra></extra>"),
        textfont=dict(size=14, color="#111111", shadow="none"),
    ))
    subtitle = t("kependudukan.sankey.subtitle", lang, itemised=len(sk.itemised), members=sk.members)
    source = sources_text([(sk.datasets, "origin_site")], lang)
    base_layout(fig, t("kependudukan.sankey.title", lang), subtitle, source, lang, height=520)
    notes = [t("kependudukan.sankey.legend", lang)]
    if sk.published_total is not None:
        notes.insert(0, t("kependudukan.sankey.total_note", lang, members=sk.members,
                          value=fmt.number(sk.published_total, 0, lang)))
    fig.add_annotation(text="<br>".join(notes), xref="paper", yref="paper", x=0, y=-0.01, yshift=-2,
                       showarrow=False, xanchor="left", yanchor="top", align="left",
                       font=dict(size=12, color="#333333"))
    fig.update_layout(separators=separators(lang), margin=dict(l=10, r=10, t=80, b=110))
    # move the source line under the notes
    for ann in fig.layout.annotations:
        if ann.text.startswith(t("chart.source", lang) + ":"):
            ann.yshift = -64
    return fig


def _node_label(sk, i: int, label: str, value: float, lang: str) -> str:
    """A node shows its value when that is one published figure or a sum of kab/kota
    figures only; a node joining two published (rounded) group totals shows no sum."""
    kinds = [k for s, d, k in zip(sk.sources, sk.targets, sk.link_kinds) if i in (s, d)]
    if len(kinds) == 1 or all(k == "kabkota" for k in kinds):
        return f"{label}: {fmt.number(value, 0, lang)}"
    return label


def with_total_note(fig: go.Figure, text: str) -> go.Figure:
    """A line under the subtitle (e.g. a published group total kept apart from the bars)."""
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0, y=1.0, yshift=4, showarrow=False,
                       xanchor="left", yanchor="bottom", font=dict(size=12, color="#333333"))
    top_margin(fig, 110)
    return fig
