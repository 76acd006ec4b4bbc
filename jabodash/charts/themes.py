"""Chart builders of the thematic pages (population, public services, cooperation).

Pure functions: frames from jabodash.features.kependudukan / services / cooperation -> plotly Figure.
Like jabodash.charts, every figure carries its title, unit, year, coverage and source in the
figure itself (so a PNG from the modebar keeps them) and draws gaps as gaps.
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from jabodash import charts
from jabodash.core import fmt, palette
from jabodash.core.catalog import Indicator
from jabodash.core.i18n import t

SERIES_STYLE = {  # colour-blind safe colours (Okabe-Ito) and distinct marker symbols
    "population_census": dict(color="#000000", symbol="circle", size=9),
    "population_estimate_bps": dict(color="#0072B2", symbol="diamond", size=8),
    "population_dukcapil": dict(color="#E69F00", symbol="square", size=8),
}
GROUP_GREY = "#9a9a9a"
LINK_BLUE = "rgba(0, 114, 178, 0.45)"
LINK_GREY = "rgba(120, 120, 120, 0.35)"


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for the UI language."""
    return ",." if lang == "id" else ".,"


def plain(text: str) -> str:
    """Text from data, made inert for Plotly (which renders a few HTML tags in text)."""
    return str(text).replace("<", "‹").replace(">", "›")


def png_config(filename: str) -> dict:
    """st.plotly_chart config: the modebar's PNG download with a meaningful file name."""
    return {"displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


def sources_text(frames: list[tuple[pd.DataFrame, str]], lang: str, limit: int = 2) -> str:
    """A source line from several (frame, source column) pairs, first titles first."""
    names: list[str] = []
    for frame, column in frames:
        if column not in frame:
            continue
        for title in frame[column].dropna().unique():
            name = plain(str(title).split(" (")[0][:70])
            if name not in names:
                names.append(name)
    return charts.names_line(names, lang, limit)


def replace_source(fig: go.Figure, text: str, lang: str, width: int | None = None) -> go.Figure:
    """Replace the source line of a figure from jabodash.charts (e.g. to name the inputs of
    a derived figure instead of 'derived by jabodash' alone)."""
    prefix = t("chart.source", lang) + ":"
    kept = [a for a in fig.layout.annotations if not str(a.text).startswith(prefix)]
    fig.layout.annotations = kept
    charts.add_source(fig, text, lang, width or charts.SOURCE_WIDTH)
    return fig


def label_room(fig: go.Figure, values: pd.Series, factor: float = 1.18) -> go.Figure:
    """Widen a horizontal bar chart's value axis so that labels outside the bars fit."""
    top = pd.to_numeric(values, errors="coerce").max()
    if pd.notna(top) and top > 0:
        fig.update_xaxes(range=[0, float(top) * factor])
    return fig


# ---------------------------------------------------------------- population

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
            name = t(f"population.series.name.{series_id}", lang)
            text = [fmt.number(v, 0, lang) if pd.notna(v) else "" for v in part["value"]]
            fig.add_trace(go.Scatter(
                x=list(part.index), y=part["value"] / 1000, mode="lines+markers", name=name,
                legendgroup=series_id, showlegend=series_id not in shown, connectgaps=False,
                marker=dict(color=style["color"], symbol=style["symbol"], size=style["size"]),
                line=dict(color=style["color"], width=2), customdata=text,
                hovertemplate=f"{name}<br>%{{x}}: %{{customdata}}<extra></extra>",
            ), row=row, col=col)
            shown.add(series_id)
    fig.update_xaxes(range=[2008.5, 2025.5], tickvals=[2010, 2015, 2020, 2025], gridcolor="#eeeeee",
                     tickfont=dict(size=11))
    fig.update_yaxes(rangemode="tozero", gridcolor="#eeeeee", tickformat=",.0f", tickfont=dict(size=11))
    fig.update_annotations(font=dict(size=13))  # subplot titles
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
    charts.base_layout(fig, t("population.series.title", lang), t("population.series.subtitle", lang, span=span),
                       charts.sources_line(frame.dropna(subset=["value"]), lang), lang,
                       height=150 + 200 * rows)
    fig.update_layout(separators=separators(lang), margin=dict(t=120),
                      legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", yref="container", font=dict(size=13)))
    fig.update_layout(legend=dict(y=1, yanchor="top", x=1, xanchor="right"))
    return fig


def census_share_bar(frame: pd.DataFrame, year: int, lang: str) -> go.Figure:
    """Population of each region in one census year with its share of the metro when the
    metro total is complete; regions without a count stay listed with 'no data'."""
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
    subtitle = t("population.share.subtitle" if complete else "population.share.subtitle_incomplete", lang,
                 year=year, coverage=coverage)
    fig.update_yaxes(autorange="reversed", title=None)
    top = float(df["population"].max()) if covered else 1.0
    fig.update_xaxes(title=t("population.col.population", lang), gridcolor="#eeeeee",
                     range=[0, top * 1.45], tickformat=",.0f")
    charts.base_layout(fig, t("population.share.title", lang), subtitle,
                       charts.sources_line(df.assign(value=df["population"]), lang), lang,
                       height=max(360, 120 + 30 * len(df)))
    fig.update_layout(separators=separators(lang))
    return fig


def commuting_sankey(sk, lang: str) -> go.Figure:
    """Sankey of one year's commuting flows (population.Sankey). Itemised kab/kota links
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
    subtitle = t("population.sankey.subtitle", lang, itemised=len(sk.itemised), members=sk.members)
    source = sources_text([(sk.datasets, "origin_site")], lang)
    charts.base_layout(fig, t("population.sankey.title", lang), subtitle, source, lang, height=520)
    notes = [t("population.sankey.legend", lang)]
    if sk.published_total is not None:
        notes.insert(0, t("population.sankey.total_note", lang, members=sk.members,
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
    fig.update_layout(margin=dict(t=110))
    return fig


# ---------------------------------------------------------------- public services

def services_ranking(values: pd.DataFrame, ind: Indicator, year: int, lang: str,
                     metro: float | None, median: float | None, median_n: int,
                     source: str, highlight: tuple[str, ...] = ()) -> go.Figure:
    """Regions ranked on a per-100,000 indicator against the metro value; when the metro
    value is not available, against the median of the regions with data (labelled so)."""
    frame = values.drop(columns=[c for c in ("source", "dataset_id") if c in values])
    fig = charts.ranking_bar(frame, ind, year, lang, metro, highlight=highlight)
    if metro is None and median is not None:
        label = t("services.median_label", lang, n=median_n) + f": {fmt.number(median, ind.decimals, lang)}"
        fig.add_vline(x=median, line=dict(color=palette.METRO_LINE, dash="dot", width=1.5), layer="below",
                      annotation_text=label, annotation_position="top", annotation_font=dict(size=12))
    charts.add_source(fig, source, lang)
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
    charts.base_layout(fig, t("services.coverage.title", lang), t("services.coverage.subtitle", lang, total=total),
                       t("chart.derived", lang), lang, height=max(320, 150 + 28 * len(names)))
    fig.update_layout(margin=dict(t=110))
    return fig


# ---------------------------------------------------------------- cooperation

STATUS_CODE = {"no": 0, "yes": 1, "na": 2, "no_data": 3}
STATUS_COLOURS = ["#ffffff", "#9ecae1", "#f3f3f3", palette.MISSING]


def links_matrix(matrix: pd.DataFrame, lang: str) -> go.Figure:
    """Regions x ties (cooperation.links): a cell is blue where a tie or a figure exists,
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
    wrapped = ["<br>".join(charts.wrap_lines(c, 16)) for c in columns]
    fig = go.Figure(go.Heatmap(
        z=z, x=wrapped, y=regions, text=text.to_numpy(), texttemplate="%{text}", textfont=dict(size=13),
        colorscale=scale, zmin=-0.5, zmax=n - 0.5, showscale=False, xgap=2, ygap=2,
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", title=None, tickfont=dict(size=13), showgrid=False, ticks="")
    fig.update_xaxes(side="top", title=None, tickfont=dict(size=12), tickangle=0, showgrid=False, ticks="")
    source = sources_text([(matrix, "origin")], lang, limit=3)
    charts.base_layout(fig, t("cooperation.matrix.title", lang),
                       t("cooperation.matrix.subtitle", lang, regions=len(regions)), source, lang,
                       height=230 + 34 * len(regions))
    fig.add_annotation(text=t("cooperation.matrix.legend", lang), xref="paper", yref="paper", x=0, y=-0.01,
                       yshift=-4, showarrow=False, xanchor="left", yanchor="top", font=dict(size=12, color="#333333"))
    for ann in fig.layout.annotations:
        if ann.text.startswith(t("chart.source", lang) + ":"):
            ann.yshift = -26
    header_lines = max(label.count("<br>") + 1 for label in wrapped) if wrapped else 1
    fig.update_layout(separators=separators(lang), margin=dict(t=100 + 17 * header_lines, b=80))
    return fig


