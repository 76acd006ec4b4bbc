"""Chart builder of the cooperation page (Kerjasama): the matrix of what links each region to
Jakarta (membership, DKI assistance, commuting), gaps in grey.

Pure function: the frame from jabodash.features.kerjasama.links -> plotly Figure, carrying its
title, coverage and source in the figure itself.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from jabodash.charts import base_layout, peta, separators, sources_text, top_margin, wrap_lines
from jabodash.core import palette
from jabodash.core.i18n import t
from jabodash.core.textsafe import plotly_escape
from jabodash.store import cooperation

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
    top_margin(fig, 100 + 17 * header_lines).update_layout(separators=separators(lang), margin=dict(b=80))
    return fig


# ---------------------------------------------------------------------------------------------
# The cooperation register (jabodash.store.cooperation): network and sector x region matrix.

# Okabe-Ito where it can; economy a dark gold (the pale yellow #F0C400 faded to nothing on a projector).
SECTOR_COLOURS = {
    "transport": "#0072B2", "waste": "#8C564B", "water": "#56B4E9", "flooding": "#009E73", "spatial": "#CC79A7",
    "health": "#D55E00", "education": "#E69F00", "economy": "#9A7D00", "administration": "#7F7F7F",
    "other": "#000000",
}
# Where the province nodes sit beside the tile grid (row, col of data/tilegrid.csv).
PROVINCE_POSITIONS = {"0": (0.0, 0.4), "31": (0.6, 3.7), "32": (5.3, 4.7), "36": (4.6, -0.7)}


def node_positions(nodes: pd.DataFrame) -> pd.DataFrame:
    """x, y of each node (code, row, col from the tile grid; provinces beside it)."""
    out = nodes.copy()
    for code, (row, col) in PROVINCE_POSITIONS.items():
        out.loc[out["code"] == code, ["row", "col"]] = (row, col)
    out["x"], out["y"] = out["col"].astype(float), -out["row"].astype(float)
    return out


def _edge_hover(edge, names: dict, lang: str) -> str:
    parts = [f"{t('kerjasama.register.sector.' + s, lang)}: {int(edge[s])}" for s in SECTOR_COLOURS if edge[s]]
    head = f"{names.get(edge['a'], edge['a'])} – {names.get(edge['b'], edge['b'])}"
    return plotly_escape(head) + "<br>" + t("kerjasama.register.network.hover", lang, n=int(edge["n"])) + \
        "<br>" + "<br>".join(parts)


def network(edges: pd.DataFrame, nodes: pd.DataFrame, lang: str, subtitle: str, source: str,
            height: int = 640) -> go.Figure:
    """Regions (and provinces) as points on the tile grid, linked by a line per pair that share
    agreements: colour = the pair's most frequent sector, width = number of agreements. ``nodes``:
    code, label, name, row, col, n (agreements naming the node)."""
    pos = node_positions(nodes).set_index("code")
    names = pos["name"].to_dict()
    fig = go.Figure()
    shown: set[str] = set()
    for edge in edges.to_dict("records"):
        if edge["a"] not in pos.index or edge["b"] not in pos.index:
            continue
        a, b = pos.loc[edge["a"]], pos.loc[edge["b"]]
        sector = edge["sector"]
        fig.add_trace(go.Scatter(
            x=[a["x"], b["x"]], y=[a["y"], b["y"]], mode="lines",
            line=dict(color=SECTOR_COLOURS.get(sector, "#000000"), width=min(1.5 + 1.5 * edge["n"], 14)),
            opacity=0.75, hoverinfo="skip", legendgroup=sector, showlegend=sector not in shown,
            name=t(f"kerjasama.register.sector.{sector}", lang)))
        shown.add(sector)
        fig.add_trace(go.Scatter(   # the hover target at the middle of the line
            x=[(a["x"] + b["x"]) / 2], y=[(a["y"] + b["y"]) / 2], mode="markers",
            marker=dict(size=10, color=SECTOR_COLOURS.get(sector, "#000000"), opacity=0.01), showlegend=False,
            hovertemplate=_edge_hover(edge, names, lang) + "<extra></extra>"))
    counts = pos["n"].fillna(0).astype(int)
    fig.add_trace(go.Scatter(
        x=pos["x"], y=pos["y"], mode="markers+text", showlegend=False,
        marker=dict(size=[16 + 2.5 * min(c, 16) for c in counts], color=["#ffffff" if c else "#eeeeee" for c in counts],
                    line=dict(color="#333333", width=1.5)),
        text=[plotly_escape(label) for label in pos["label"]], textposition="middle center",
        textfont=dict(size=11, color="#111111"),
        customdata=[[plotly_escape(names[c]), int(counts[c])] for c in pos.index],
        hovertemplate="%{customdata[0]}<br>" + t("kerjasama.register.network.node_hover", lang) + "<extra></extra>"))
    fig.update_xaxes(visible=False, range=[-1.4, 5.4])
    fig.update_yaxes(visible=False, range=[-5.9, 0.7], scaleanchor="x", scaleratio=1)
    base_layout(fig, t("kerjasama.register.network.title", lang), subtitle, source, lang, height=height)
    fig.update_layout(legend=dict(orientation="v", x=1.0, y=1.0, title=dict(text=t("kerjasama.register.col.sector",
                                                                                 lang))))
    # above the bottom edge (y > 0): the presenter stacks annotations at y <= 0 as footers
    fig.add_annotation(text=abbreviation_key(pos, lang), xref="paper", yref="paper", x=1.0, y=0.01, xanchor="left",
                       yanchor="bottom", align="left", showarrow=False, font=dict(size=11, color="#333333"),
                       name="abbreviations")
    return fig


def abbreviation_key(nodes: pd.DataFrame, lang: str) -> str:
    """The key to the nodes' tile abbreviations: one "KEPS  Kepulauan Seribu" a line, north to
    south, under a heading (the abbreviations fit in a node; the names do not)."""
    rows = nodes.sort_values(["row", "col"]) if "row" in nodes else nodes
    short = rows["short"] if "short" in rows else rows["name"]
    lines = [f"<b>{plotly_escape(a)}</b> {plotly_escape(s)}" for a, s in zip(rows["label"], short) if a != s]
    return "<br>".join([f"<b>{t('kerjasama.register.network.key', lang)}</b>", *lines])


def sector_heatmap(matrix: pd.DataFrame, labels: list[str], lang: str, subtitle: str, source: str) -> go.Figure:
    """Agreements per node (rows: ``labels`` in matrix order) and sector (columns); 0 left blank."""
    sectors = [t(f"kerjasama.register.sector.{s}", lang) for s in matrix.columns]
    z = matrix.to_numpy(dtype=float)
    text = [[str(int(v)) if v else "" for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=sectors, y=[plotly_escape(label) for label in labels],
        text=text, texttemplate="%{text}", textfont=dict(size=13), xgap=2, ygap=2, showscale=False,
        colorscale=[[0, "#ffffff"], [0.0001, "#deebf7"], [1, "#08519c"]], zmin=0, zmax=max(float(z.max()), 1.0),
        customdata=z, hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title=None, tickfont=dict(size=13), showgrid=False, ticks="")
    # slanted: ten sector names side by side ran into each other on a 1280 px laptop
    fig.update_xaxes(side="top", title=None, tickfont=dict(size=12), tickangle=-35, showgrid=False, ticks="")
    base_layout(fig, t("kerjasama.register.matrix.title", lang), subtitle, source, lang,
                height=220 + 30 * len(labels))
    top_margin(fig, 205)
    return fig


def register_nodes(regions: pd.DataFrame, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The network's nodes: the central government, the three provinces, then ``regions`` (code, name, short_name) placed on
    the tile grid: code, label (tile abbreviation or province), name, row, col, n (agreements of
    ``frame`` naming the node)."""
    regs = regions[["code", "name", "short_name"]].merge(peta.tile_layout("kabkota"), on="code", how="left")
    regs["label"] = regs["abbr"].fillna(regs["short_name"])
    regs["short"] = regs["short_name"]
    provinces = pd.DataFrame({
        "code": [cooperation.CENTRAL, *cooperation.PROVINCES], "row": 0.0, "col": 0.0,
        "name": [t("kerjasama.register.central", lang)]
        + [t("kerjasama.register.province", lang, name=n) for n in cooperation.PROVINCES.values()],
        "label": [t(f"kerjasama.register.province_abbr.{c}", lang) for c in (cooperation.CENTRAL, *cooperation.PROVINCES)]})
    # the key names a province by its name; the central government's label is a word already
    provinces["short"] = [provinces["label"][0], *cooperation.PROVINCES.values()]
    out = pd.concat([provinces, regs[["code", "name", "short", "label", "row", "col"]]], ignore_index=True)
    counts = cooperation.sector_matrix(frame, list(out["code"])).sum(axis=1)
    out["n"] = out["code"].map(counts).fillna(0).astype(int)
    return out


def register_source(frame: pd.DataFrame, lang: str) -> str:
    """The source line of the register's figures: how many records, read at how many pages, by grade."""
    grades = frame["grade"].value_counts()
    origin = frame["origin"] if "origin" in frame else pd.Series("builtin", index=frame.index)
    return t("kerjasama.register.source", lang, n=len(frame), pages=frame["source_url"].nunique(),
             official=int(grades.get("official", 0)), cited=int(grades.get("official-cited", 0)),
             secondary=int(grades.get("secondary", 0)), uploads=int((origin != "builtin").sum()))


def register_network(frame: pd.DataFrame, regions: pd.DataFrame, lang: str, active_only: bool = False,
                     height: int = 640):
    """(figure, edges, nodes) of the agreements of ``frame`` (meetings, disputes and plans are not
    links) between the provinces and ``regions``."""
    links_ = cooperation.agreements_only(frame, active_only)
    node_frame = register_nodes(regions, links_, lang)
    edge_frame = cooperation.edges(links_, list(node_frame["code"]))
    subtitle = t("kerjasama.register.network.subtitle", lang, n=len(links_), pairs=len(edge_frame),
                 scope=t("kerjasama.register.active_only" if active_only else "kerjasama.register.all", lang))
    fig = network(edge_frame, node_frame, lang, subtitle, register_source(links_, lang), height=height)
    return fig, edge_frame, node_frame
