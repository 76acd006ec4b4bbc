"""Charts of the targets page (Sasaran & capaian).

* :func:`status_style`: the matrix cells' colours (Okabe-Ito, colour-blind safe; every cell also
  carries a symbol and a word, so colour is never the only signal).
* :func:`target_chart`: one target: each region's series of the indicator, the target at its
  year (a point, or a bar for a range), and the trajectory needed from the latest figure of the
  target's own place to the target (dashed).
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from jabodash.charts import base_layout, sources_text, top_margin, wrap_lines
from jabodash.core import grades, palette
from jabodash.core.i18n import t

STATUS_COLOURS = {            # background (Okabe-Ito), text: black text keeps at least 5:1 contrast on each
    "achieved": ("#009E73", "#000000"),
    "on_track": ("#56B4E9", "#000000"),
    "off_track": ("#D55E00", "#000000"),
    "no_data": (palette.MISSING, "#000000"),
    "reference": ("#f7f7f7", "#333333"),
}
SYMBOL_STATUS = {"✔": "achieved", "↗": "on_track", "✖": "off_track", "?": "no_data", "◇": "reference"}
REGION_LINE = "#9a9a9a"
SUBJECT_LINE = palette.METRO_LINE
TARGET_COLOUR = palette.HIGHLIGHT


def status_style(cell: str) -> str:
    """CSS for one matrix cell (pandas Styler.map): by the status its first symbol names."""
    status = SYMBOL_STATUS.get(str(cell)[:1])
    if status is None:
        return ""
    background, colour = STATUS_COLOURS[status]
    return f"background-color: {background}; color: {colour}"


def target_chart(target: pd.Series, series: pd.DataFrame, subject: pd.DataFrame, own: pd.Series, ind, lang: str,
                 title: str, plan: str, goal: str) -> go.Figure:
    """``series``: the indicator's figures per region (indicator_series rows); ``subject``: the
    points of the target's own place (year, value; the aggregate or recorded figures);
    ``own``: the target's evaluated row at its own place (latest figure, status)."""
    fig = go.Figure()
    for _code, part in series.groupby("region_code", sort=False):
        part = part.dropna(subset=["value"]).sort_values("year")
        if part.empty:
            continue
        fig.add_trace(go.Scatter(x=part["year"], y=part["value"], mode="lines+markers", name=str(part["short_name"].iloc[0]),
                                 line=dict(color=REGION_LINE, width=1.5), marker=dict(size=5), legendgroup="regions",
                                 showlegend=False, hovertemplate="%{fullData.name} %{x}: %{y}<extra></extra>"))
    for i, (name, part) in enumerate(subject.groupby("name", sort=False)):
        fig.add_trace(go.Scatter(x=part["year"], y=part["value"], mode="lines+markers", name=str(name),
                                 line=dict(color=SUBJECT_LINE, width=3, dash="solid" if i == 0 else "dot"), marker=dict(size=8)))
    _target_marks(fig, target, own, subject, lang)
    recorded = subject[subject["origin"].isin(["baseline", "reported"])] if len(subject) else subject
    figures = sources_text([(series, "origin"), (recorded, "source")], lang, limit=3) if len(series) or len(recorded) else ""
    goal_source = t("sasaran.detail.chart_source", lang, title=target["source_title"], grade=grades.label(target["grade"], lang))
    base_layout(fig, title, t("sasaran.detail.chart_subtitle", lang, plan=plan, goal=goal,
                              year=_year_text(target, lang)), "; ".join(p for p in (figures, goal_source) if p), lang, height=520)
    top_margin(fig, 120).update_layout(legend=dict(orientation="h", x=0, y=1.0, xanchor="left", yanchor="bottom",
                                                   traceorder="normal"),   # one row: grouped entries take a row each
                                       hovermode="closest")
    fig.update_xaxes(title=None, dtick=1, tickformat="d", showgrid=False)
    fig.update_yaxes(title=ind.unit(lang) if ind else None, gridcolor="#eeeeee", zeroline=False)
    return fig


def _year_text(target: pd.Series, lang: str) -> str:
    year = target["target_year"]
    return str(int(year)) if year is not None and not pd.isna(year) else t("sasaran.detail.standing", lang)


def _target_marks(fig: go.Figure, target: pd.Series, own: pd.Series, subject: pd.DataFrame, lang: str) -> None:
    year = target["target_year"]
    lo, hi, single = target["target_low"], target["target_high"], target["target_value"]
    has_single = single is not None and not pd.isna(single)
    if year is None or pd.isna(year):
        fig.add_hline(y=single if has_single else (hi if target["direction"] == "lower" else lo), line_dash="dot",
                      line_color=TARGET_COLOUR, annotation_text=t("sasaran.detail.standing", lang))
        return
    year = int(year)
    label = t("sasaran.detail.target_marker", lang, year=year)
    if has_single:
        fig.add_trace(go.Scatter(x=[year], y=[single], mode="markers", name=label,
                                 marker=dict(symbol="diamond", size=14, color=TARGET_COLOUR)))
        goal = single
    else:
        fig.add_trace(go.Scatter(x=[year, year], y=[lo, hi], mode="lines+markers", name=label,
                                 line=dict(color=TARGET_COLOUR, width=8), marker=dict(symbol="line-ew", size=14,
                                                                                      color=TARGET_COLOUR)))
        goal = hi if target["direction"] == "lower" else lo
    latest_year, latest = own["latest_year"], own["latest_value"]
    if (latest_year is None or pd.isna(latest_year)) and len(subject):   # a national target: from the metro beside it
        last = subject[subject["name"] == subject["name"].iloc[-1]].sort_values("year").iloc[-1]
        latest_year, latest = last["year"], last["value"]
    if latest_year is not None and not pd.isna(latest_year) and int(latest_year) < year:
        fig.add_trace(go.Scatter(x=[int(latest_year), year], y=[latest, goal], mode="lines", name=t("sasaran.detail.trajectory", lang),
                                 line=dict(color=TARGET_COLOUR, width=2, dash="dash")))


def status_heatmap(text: pd.DataFrame, status: pd.DataFrame, title: str, subtitle: str, source: str, lang: str,
                   height: int | None = None, text_size: int = 13, legend: str = "", top: int = 110,
                   header_chars: int = 18) -> go.Figure:
    """The regions × targets matrix as a figure (for slides and the story): each cell coloured by its
    status and labelled with the status's symbol and word (features.sasaran.matrix and
    matrix_status give the two frames); blank where the target does not apply. A target's name
    above its column is wrapped at ``header_chars`` characters a line (what its column holds)."""
    order = list(STATUS_COLOURS)
    codes = status.apply(lambda col: col.map(lambda s: order.index(s) if s in order else None)).to_numpy(dtype=float)
    scale = []
    for i, status_name in enumerate(order):
        colour = STATUS_COLOURS[status_name][0]
        scale += [[i / len(order), colour], [(i + 1) / len(order), colour]]
    columns = ["<br>".join(wrap_lines(c, header_chars)) for c in text.columns]
    cells = text.to_numpy()
    fig = go.Figure(go.Heatmap(z=codes, x=columns, y=list(text.index), text=cells, texttemplate="%{text}",
                               textfont=dict(size=text_size, color="#000000"), colorscale=scale, zmin=-0.5, zmax=len(order) - 0.5,
                               showscale=False, xgap=2, ygap=2, hoverongaps=False,
                               hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title=None, showgrid=False, ticks="")
    fig.update_xaxes(side="top", title=None, tickangle=0, showgrid=False, ticks="")
    lines = max(c.count("<br>") + 1 for c in columns) if columns else 1
    base_layout(fig, title, subtitle, source, lang, height=height or 220 + 34 * len(text) + 17 * lines)
    top_margin(fig, top + (text_size + 4) * lines)
    if legend:
        fig.add_annotation(text=legend, xref="paper", yref="paper", x=0, y=0, yshift=-8, showarrow=False,
                           xanchor="left", yanchor="top", font=dict(size=text_size - 1, color="#333333"))
    return fig
