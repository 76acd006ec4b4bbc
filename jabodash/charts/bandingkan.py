"""Chart builders of the compare page (Bandingkan): small multiples, normalised profile, rank
heatmap and the nearest regions.

Pure functions: DataFrame + indicator metadata -> plotly Figure. Like the other charts, each
figure names its unit, year(s), coverage and source inside the figure (so a PNG keeps them)
and draws gaps as gaps: a missing figure is never drawn as zero and is labelled "no data".
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from jabodash.charts import GAP_TEXT, gap_cells, layout_source_below, legend_under_title, sources_line, year_span
from jabodash.core import fmt, palette
from jabodash.core.catalog import Indicator, load_catalog
from jabodash.core.i18n import t
from jabodash.core.textsafe import plotly_escape
from jabodash.store import overlay, shelf

GRID = "#eeeeee"


def uploaded_label(name: str, lang: str) -> str:
    """An uploaded indicator's name marked as uploaded (plain text; escape it for Markdown)."""
    return t("bandingkan.picker.uploaded", lang, name=name)


def indicator_label(ind: Indicator, lang: str) -> str:
    """The short name of an indicator for tables; uploaded indicators marked as such."""
    return uploaded_label(ind.short(lang), lang) if shelf.is_uploaded(ind.id) else ind.short(lang)


def lookup(catalog: dict[str, Indicator], indicator_id: str) -> Indicator:
    """catalog[indicator_id]; an uploaded id missing from the catalog (e.g. the upload was
    removed meanwhile) gets a bare Indicator named by its id instead of a KeyError."""
    found = catalog.get(indicator_id)
    if found is None and shelf.is_uploaded(indicator_id):
        return overlay.indicator({"id": indicator_id})
    if found is None:
        raise KeyError(indicator_id)
    return found


def region_colours(regions: list[str]) -> dict[str, str]:
    """One colour per chosen region, the same in every chart of the page."""
    return {code: palette.CATEGORICAL[i % len(palette.CATEGORICAL)] for i, code in enumerate(regions)}


def small_multiples(data: pd.DataFrame, regions: list[str], names: dict[str, str], indicators: list[str],
                    lang: str, catalog: dict[str, Indicator] | None = None) -> go.Figure:
    """One panel per indicator, one line per chosen region over the years. Years without a
    figure break the line (never bridged across a year that other regions have); each panel
    title gives its unit and how many of the chosen regions have any figure."""
    catalog = catalog or load_catalog()
    colours = region_colours(regions)
    cols = min(3, max(1, len(indicators)))
    rows = math.ceil(len(indicators) / cols)
    titles = []
    for ind_id in indicators:
        part = data[data["indicator_id"] == ind_id]
        covered = part["region_code"].nunique()
        ind = lookup(catalog, ind_id)
        titles.append(f"<b>{plotly_escape(indicator_label(ind, lang))}</b> · {plotly_escape(ind.unit(lang))}<br>"
                      f"<span style='font-size:11px'>{year_span(part['year']) or t('common.no_data', lang)} · "
                      f"{t('common.coverage', lang, covered=covered, total=len(regions))}</span>")
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.07,
                        vertical_spacing=min(0.6 / max(rows, 1), 0.16))
    for k, ind_id in enumerate(indicators):
        ind = lookup(catalog, ind_id)
        row, col = k // cols + 1, k % cols + 1
        part = data[data["indicator_id"] == ind_id]
        years = sorted(part["year"].unique())
        for code in regions:
            mine = part[part["region_code"] == code].set_index("year")["value"].reindex(years)
            fig.add_trace(go.Scatter(
                x=years, y=mine.to_numpy(), mode="lines+markers", name=names.get(code, code),
                legendgroup=code, showlegend=(k == 0), connectgaps=False,
                line=dict(color=colours[code], width=2.5), marker=dict(size=7),
                hovertemplate=f"{names.get(code, code)}<br>%{{x}}: %{{y:,.{ind.decimals}f}} {plotly_escape(ind.unit(lang))}<extra></extra>",
            ), row=row, col=col)
        if not years:
            fig.add_annotation(text=t("common.no_data", lang), showarrow=False, x=0.5, y=0.5,
                               xref=f"x{k + 1 if k else ''} domain", yref=f"y{k + 1 if k else ''} domain",
                               font=dict(color=GAP_TEXT))
        ticks = year_ticks(years)
        fig.update_xaxes(tickmode="array", tickvals=ticks, ticktext=[str(y) for y in ticks], tickangle=0,
                         gridcolor=GRID, row=row, col=col)
        fig.update_yaxes(gridcolor=GRID, rangemode="tozero" if ind.aggregation == "sum" else "normal",
                         row=row, col=col)
    for annotation in fig.layout.annotations:
        annotation.font = dict(size=13)
    covered = data["region_code"].nunique() if len(data) else 0
    subtitle = " · ".join([year_span(data["year"]) or t("common.no_data", lang),
                           t("bandingkan.chart.multiples_sub", lang, n=len(indicators)),
                           t("common.coverage", lang, covered=covered, total=len(regions))])
    fig = layout_source_below(fig, t("bandingkan.chart.multiples_title", lang), subtitle, sources_line(data, lang), lang,
                  height=130 + 290 * rows, below=30, top=125)
    fig.update_layout(hovermode="closest")
    return legend_under_title(fig, entrywidth=0, font=dict(size=13))


def year_ticks(years: list, most: int = 6) -> list:
    """The years a panel's axis names: all of them up to ``most``, else every n-th counted back from
    the last (a third of a 1440 px screen holds about six year labels side by side; more were
    turned on their side and overlapped: "2017 2018 ... 2025" in the unemployment panel)."""
    step = math.ceil(len(years) / most) if len(years) > most else 1
    return list(years)[::-1][::step][::-1]


def _profile_label(ind: Indicator, year, lang: str) -> str:
    year_text = "" if pd.isna(year) else f" {int(year)}"
    mark = {"neutral": t("bandingkan.mark.neutral", lang), "lower": t("bandingkan.mark.flipped", lang)}.get(
        "neutral" if ind.higher_is_better is None else ("lower" if ind.higher_is_better is False else "higher"), "")
    return plotly_escape(f"{indicator_label(ind, lang)}{year_text}" + (f" ({mark})" if mark else ""))


def _hover(r, ind: Indicator, lang: str) -> str:
    return (f"{r.short_name}<br>{plotly_escape(ind.short(lang))} {r.year}: {fmt.number(r.value, ind.decimals, lang)} {plotly_escape(ind.unit(lang))}"
            f"<br>{t('bandingkan.rank_of', lang, rank=r.rank, n=r.covered)}")


def profile_chart(prof: pd.DataFrame, regions: list[str], lang: str, sources: pd.DataFrame | None = None,
                  catalog: dict[str, Indicator] | None = None) -> go.Figure:
    """Normalised profile: per indicator a row from 0 (lowest/worst in the region set that
    year) to 1 (highest/best); a large dot per chosen region, small grey dots for the other
    regions of the set. Lower-is-better indicators are flipped and marked; neutral ones are not
    flipped, drawn hollow and marked. Coverage and gaps of the chosen regions on the right."""
    catalog = catalog or load_catalog()
    colours = region_colours(regions)
    indicators = list(dict.fromkeys(prof["indicator_id"]))
    n = len(indicators)
    first = prof.drop_duplicates("indicator_id").set_index("indicator_id")
    labels = [_profile_label(lookup(catalog, i), first.loc[i, "year"], lang) for i in indicators]
    pos = {ind_id: n - 1 - k for k, ind_id in enumerate(indicators)}  # first indicator on top
    step = 0.5 / max(len(regions), 1)
    fig = go.Figure()
    for k in range(n):
        fig.add_shape(type="line", x0=0, x1=1, y0=k, y1=k, line=dict(color="#cccccc", width=1), layer="below")
    others = prof[~prof["chosen"] & prof["score"].notna()]
    fig.add_trace(go.Scatter(
        x=others["score"], y=[pos[i] for i in others["indicator_id"]], mode="markers",
        name=t("bandingkan.others", lang), marker=dict(size=7, color="#bbbbbb"),
        text=[_hover(r, lookup(catalog, r.indicator_id), lang) for r in others.itertuples()],
        hovertemplate="%{text}<extra></extra>",
    ))
    for j, code in enumerate(regions):
        mine = prof[prof["region_code"] == code]
        part = mine[mine["score"].notna()]
        inds = [lookup(catalog, i) for i in part["indicator_id"]]
        offset = (j - (len(regions) - 1) / 2) * step
        name = mine["short_name"].iloc[0] if len(mine) else code
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, legendgroup=code,
                                 marker=dict(size=13, color=colours[code], symbol="circle")))
        fig.add_trace(go.Scatter(
            x=part["score"], y=[pos[i] + offset for i in part["indicator_id"]], mode="markers", name=name,
            legendgroup=code, showlegend=False,
            marker=dict(size=13, color=colours[code], line=dict(width=2, color=colours[code]),
                        symbol=["circle-open" if ind.higher_is_better is None else "circle" for ind in inds]),
            text=[_hover(r, ind, lang) for r, ind in zip(part.itertuples(), inds)],
            hovertemplate="%{text}<extra></extra>",
        ))
    no_data = t("common.no_data", lang)
    chosen = prof[prof["chosen"]]
    for ind_id in indicators:
        gaps = chosen[(chosen["indicator_id"] == ind_id) & chosen["value"].isna()]["short_name"].tolist()
        text = t("common.coverage", lang, covered=first.loc[ind_id, "covered"], total=first.loc[ind_id, "total"]) + (
            f" · {no_data}: {', '.join(gaps)}" if gaps else "")
        fig.add_annotation(x=1.0, xref="paper", xshift=12, y=pos[ind_id], text=text, showarrow=False,
                           xanchor="left", font=dict(size=11, color=GAP_TEXT if gaps else "#555555"))
    fig.update_yaxes(tickmode="array", tickvals=[pos[i] for i in indicators], ticktext=labels,
                     range=[-0.6, n - 0.4], showgrid=False, zeroline=False)
    fig.update_xaxes(range=[-0.05, 1.05], tickvals=[0, 0.5, 1],
                     ticktext=[t("bandingkan.axis.low", lang), "", t("bandingkan.axis.high", lang)],
                     gridcolor=GRID, zeroline=False)
    total = int(first["total"].max()) if len(first) else 0
    covered = int(chosen.groupby("region_code")["value"].apply(lambda v: v.notna().any()).sum())
    subtitle = " · ".join([t("bandingkan.chart.profile_sub", lang, n=total), year_span(prof["year"].dropna()),
                           t("bandingkan.chart.chosen_coverage", lang, covered=covered, total=len(regions))])
    source = sources_line(sources, lang) if sources is not None and len(sources) else ""
    fig = layout_source_below(fig, t("bandingkan.chart.profile_title", lang), subtitle, source, lang,
                  height=max(320, 150 + 62 * n), below=30, top=100)
    fig.update_layout(margin=dict(r=300))
    return legend_under_title(fig)


def rank_heatmap(prof: pd.DataFrame, regions: list[str], lang: str, sources: pd.DataFrame | None = None,
                 catalog: dict[str, Indicator] | None = None) -> go.Figure:
    """Ranks of the chosen regions within the region set: rows indicators (with year and
    direction), columns chosen regions, '#1 of 14' = best of the 14 regions with a figure
    (highest for neutral indicators); grey 'no data' cells for gaps."""
    catalog = catalog or load_catalog()
    chosen = prof[prof["chosen"]]
    indicators = list(dict.fromkeys(chosen["indicator_id"]))
    names = [chosen.loc[chosen["region_code"] == c, "short_name"].iloc[0] for c in regions]
    labels = [_profile_label(lookup(catalog, i), chosen.loc[chosen["indicator_id"] == i, "year"].iloc[0], lang)
              for i in indicators]
    # heatmap rows are keyed by label: two uploads of the same name and year must not share a row
    labels = [f"{label} ({i.split('.')[1]})" if labels.count(label) > 1 and "." in i else label
              for label, i in zip(labels, indicators)]
    wide_rank = chosen.pivot(index="indicator_id", columns="region_code", values="rank").reindex(
        index=indicators, columns=regions)
    covered = chosen.groupby("indicator_id")["covered"].first().reindex(indicators)
    z, text, missing = [], [], []
    for ind_id in indicators:
        n = max(int(covered[ind_id]), 1)
        ranks = wide_rank.loc[ind_id]
        z.append([None if pd.isna(r) else (int(r) - 1) / max(n - 1, 1) for r in ranks])
        text.append(["" if pd.isna(r) else t("bandingkan.rank_short", lang, rank=int(r), n=n) for r in ranks])
        missing.append([1 if pd.isna(r) else None for r in ranks])
    ramp = palette.SEQUENTIAL["default"]
    fig = go.Figure(gap_cells(missing, names, labels, t("common.no_data", lang), "gaps"))
    fig.add_trace(go.Heatmap(z=z, x=names, y=labels, text=text, texttemplate="%{text}", xgap=2, ygap=2,
                             colorscale=[[0, ramp[5]], [0.5, ramp[3]], [1, ramp[1]]], zmin=0, zmax=1,
                             showscale=False, hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
                             textfont=dict(size=13, color="#111111")))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False)
    total = int(chosen["total"].max()) if len(chosen) else 0
    subtitle = " · ".join([t("bandingkan.chart.ranks_sub", lang, n=total), year_span(chosen["year"].dropna())])
    source = sources_line(sources, lang) if sources is not None and len(sources) else ""
    return layout_source_below(fig, t("bandingkan.chart.ranks_title", lang), subtitle, source, lang,
                   height=max(300, 150 + 44 * len(indicators)), below=0, top=105)


def similar_chart(similar: pd.DataFrame, focus_name: str, n_indicators: int, lang: str,
                  values: pd.DataFrame | None = None, top: int = 5) -> go.Figure:
    """Nearest regions as bars of distance (shorter = more similar), labelled with how many
    indicators each pair shares; regions with too few shared indicators are named below."""
    near = similar[similar["distance"].notna()].head(top)
    too_few = similar[similar["distance"].isna()]
    labels = [f"{r.short_name} ({t('bandingkan.similar.shared_n', lang, n=r.shared)})" for r in near.itertuples()]
    fig = go.Figure(go.Bar(
        x=near["distance"], y=labels, orientation="h", marker_color=palette.NEUTRAL_BAR,
        text=[fmt.number(d, 2, lang) for d in near["distance"]], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}<br>%{x:.2f}<extra></extra>",
    ))
    if not len(near):
        fig.add_annotation(text=t("bandingkan.similar.none", lang), showarrow=False, x=0.5, y=0.5,
                           xref="paper", yref="paper", font=dict(color=GAP_TEXT))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("bandingkan.similar.axis", lang), gridcolor=GRID, rangemode="tozero")
    compared = int(similar["distance"].notna().sum())
    parts = [t("bandingkan.similar.sub", lang, n=n_indicators),
             t("bandingkan.similar.compared", lang, covered=compared, total=len(similar))]
    if values is not None and len(values):
        parts.insert(1, year_span(values["year"]))
    source = sources_line(values, lang) if values is not None and len(values) else ""
    if len(too_few):
        fig.add_annotation(text=t("bandingkan.similar.too_few", lang, names=", ".join(too_few["short_name"])),
                           xref="paper", yref="paper", x=0, y=0, yshift=-50, showarrow=False, xanchor="left",
                           yanchor="top", font=dict(size=11, color=GAP_TEXT))
    return layout_source_below(fig, t("bandingkan.similar.title", lang, name=focus_name), " · ".join(parts), source, lang,
                   height=max(260, 150 + 40 * len(near)), below=75 if len(too_few) else 55, top=85)
