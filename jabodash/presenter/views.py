"""One view -> one figure: the figure of a ViewState, presenter styling and shareable links.

* :func:`figure_for` turns a view (a :class:`~jabodash.core.state.ViewState` and a kind: "ranking",
  "trend", "map" or "cooperation", the network of the agreements register) into its Plotly figure and the data behind it. Pages, the presenter page,
  the story export and the tests all go through it, so a story step, a shared link and an
  exported image of the same view are the same figure.
* :func:`presentify` restyles a figure for a projector: 1920x1080 (or a chosen size), fonts of
  at least 20 px at 1920x1080 (title 40, labels and legend 22), the source and boundary
  attribution lines kept at the bottom, optionally high contrast.
* :func:`share_url` builds the full URL of a view; :data:`PRESENTER_CSS` hides the Streamlit
  chrome for presenter layout.

Nothing here imports streamlit.
"""
from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit, urlunsplit

import pandas as pd
import plotly.graph_objects as go

from jabodash import charts
from jabodash.charts import kerjasama as kerjasama_charts
from jabodash.charts import peta
from jabodash.core import palette
from jabodash.core import state as state_mod
from jabodash.core.i18n import t
from jabodash.geo import boundaries, classify
from jabodash.store import cooperation
from jabodash.store.datasource import DataSource

KINDS = ("ranking", "trend", "map", "cooperation")
# Kinds made by a package above this one (a lower layer never imports a higher one): the feature
# registers its maker, e.g. jabodash.features.sasaran -> "targets" (the status of the targets of
# the view's indicator). maker(state, source, lang, presenter, width, height) -> (figure, data); with
# ``presenter`` the maker applies :func:`presentify` itself (it knows what its layout needs beyond it).
MAKERS: dict = {}


def register_kind(kind: str, maker) -> None:
    MAKERS[kind] = maker


EXPORT_WIDTH, EXPORT_HEIGHT = 1920, 1080
SCREEN_HEIGHT = 900          # the figure on the presenter page (fills a 1080 px high screen)
# The narrowest screen a meeting laptop has: what a figure on the presenter page must fit. The map's
# labels are placed for it: on a wider screen the map keeps its size (its height decides) and the
# labels their room (placed for 1920 px, a 1440 px screen drew the map narrower and the callouts'
# two lines ran into each other).
SCREEN_WIDTH = 1366

# Presenter sizes at 1920x1080 (pixels)
TITLE_PX = 32      # below the step's headline (PRESENTER_CSS h3, 48 px): the message leads
SUBTITLE_PX = 24
TEXT_PX = 22
FOOTER_PX = 20
HC_BAR = "#08306b"           # bars in high contrast (dark navy, 14:1 on white)
HC_TEXT = "#000000"
HC_GRID = "#9e9e9e"

# CSS for presenter layout. A constant: it contains no user text, so injecting it as HTML
# cannot carry anything from a URL or an uploaded file. It hides the sidebar, the header and
# toolbar (Streamlit chrome) and widens the main block so that one figure fills the screen.
PRESENTER_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 1.5rem 1rem 1.5rem !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] [data-testid="stMain"] { margin-left: 0 !important; }
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] p { font-size: 1.3rem !important; }
[data-testid="stMainBlockContainer"] button p { font-size: 1.2rem !important; }
[data-testid="stMainBlockContainer"] h3 { font-size: 3rem !important; line-height: 1.15 !important; padding: 0.1rem 0 0.1rem 0 !important; }
</style>"""


def presenter_css() -> str:
    """The constant presenter-layout CSS (see :data:`PRESENTER_CSS`)."""
    return PRESENTER_CSS


# ---------------------------------------------------------------------------------------------
# view -> figure


def source_of(store):
    """A DataSource for ``store``: itself when it already is one, else the store plus the saved
    workspace datasets (so a story step or a link may show a saved upload)."""
    return store if isinstance(store, DataSource) else DataSource.from_store(store)


def latest_year(store, indicator_id: str, region_set: str) -> int | None:
    years = years_of(store, indicator_id, region_set)
    return max(years) if years else None


def years_of(store, indicator_id: str, region_set: str = "agglomeration") -> list[int]:
    """Years with a figure; ``store`` is a Store or a DataSource."""
    return [int(y) for y in source_of(store).years(indicator_id, region_set)["year"]]


def _message(text: str, presenter: bool) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                       font=dict(size=TEXT_PX if presenter else 16, color="#555555"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=360, paper_bgcolor="white", plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=10, b=10))
    return fig


def figure_for(state: state_mod.ViewState, store, lang: str | None = None, presenter: bool = False,
               kind: str = "ranking", width: int | None = EXPORT_WIDTH,
               height: int = EXPORT_HEIGHT) -> tuple[go.Figure, pd.DataFrame]:
    """The figure of a view and the data behind it.

    kind: "ranking" (bars for one year), "trend" (lines over the years) or "map" (tile grid, or
    the geographic map when ``state.map_type == "geo"`` and boundaries of the level are cached).
    A missing year means the latest year with data. ``presenter`` applies :func:`presentify`
    at ``width`` x ``height`` (``width=None``: as wide as the page, for the screen)."""
    lang = lang or state.lang
    src = source_of(store)
    if kind in MAKERS:
        return MAKERS[kind](state, src, lang, presenter, width, height)
    if kind not in KINDS:
        kind = "ranking"
    if kind == "cooperation":
        return _cooperation_figure(state, src, lang, presenter, width, height)
    try:
        ind = src.indicator(state.indicator)
    except KeyError:
        return _message(t("presentasi.unknown_indicator", lang, value=state.indicator[:60]), presenter), pd.DataFrame()
    year = state.year
    if kind != "trend":
        available = years_of(src, ind.id, state.region_set)
        if not available:
            return _message(t("common.no_years", lang), presenter), pd.DataFrame()
        if year not in available:
            year = max(available)
    if kind == "trend":
        data = src.series(ind.id, state.region_set)
        if data.empty:
            return _message(t("common.no_years", lang), presenter), data
        fig = charts.trend_lines(data, ind, lang, highlight=tuple(state.regions))
    elif kind == "ranking":
        data = src.values(ind.id, int(year), state.region_set)
        reference = None
        if ind.aggregation in ("weighted_mean", "ratio"):
            reference = src.metro(ind, int(year), state.region_set).value
        fig = charts.ranking_bar(data, ind, int(year), lang, reference, highlight=tuple(state.regions))
    else:
        fig, data = _map_figure(state, src, ind, int(year), lang, presenter, width, height)
    if presenter:
        fig = presentify(fig, width=width, height=height, high_contrast=state.palette == "high_contrast")
    return fig, data


def _cooperation_figure(state, src, lang: str, presenter: bool, width, height):
    """The network of the cooperation register (built-in and saved agreements) between the regions of
    the view's set, and the register's rows behind it."""
    frame = cooperation.register()
    fig, _, _ = kerjasama_charts.register_network(frame, src.regions(state.region_set), lang)
    if presenter:
        fig = presentify(fig, width=width, height=height, high_contrast=state.palette == "high_contrast")
        k = 1.0 if width is None else max(0.5, min(width / EXPORT_WIDTH, height / EXPORT_HEIGHT))
        for trace in fig.data:   # the node labels: at least the text size of every other label
            if trace.mode == "markers+text":
                trace.textfont.size = round(TEXT_PX * k * 0.8)
                trace.marker.size = [size * 1.9 for size in trace.marker.size]
    return fig, frame


def _map_figure(state, src, ind, year: int, lang: str, presenter: bool, width, height):
    data = src.values(ind.id, year, state.region_set)
    if state.level != "kabkota":
        return peta.message_figure(t("presentasi.kecamatan_embedded", lang), presenter), data
    center = None
    if state.palette == "diverging":
        center = src.metro(ind, year, state.region_set).value
    classes = classify.classify(data.set_index("region_code")["value"], method=state.classification,
                                k=state.classes, higher_is_better=ind.higher_is_better, palette=state.palette,
                                center=center, decimals=ind.decimals, lang=lang)
    geojson = boundaries.geojson_for(state.level) if state.map_type == "geo" else None
    if geojson is not None:
        fig = peta.choropleth(data, geojson, ind, year, lang, classes, presenter=presenter,
                              attribution=boundaries.attribution(state.level),
                              height=height if presenter else None,
                              width=(width or SCREEN_WIDTH) if presenter else None)
    else:
        # in presenter mode the tile note stays (squares are not boundaries), the how-to line goes
        fig = peta.tile_map(data, ind, year, lang, classes, presenter=presenter, note=not presenter,
                            height=height if presenter else None)
        if presenter:
            fig.add_annotation(text=t("peta.map.tile_note", lang), xref="paper", yref="paper", x=0, y=0,
                               xanchor="left", yanchor="top", yshift=-1000, showarrow=False, align="left",
                               font=dict(size=FOOTER_PX, color="#555555"))
    return fig, data


# ---------------------------------------------------------------------------------------------
# presenter styling


def _size(font, minimum: float) -> float:
    current = getattr(font, "size", None) if font is not None else None
    return max(current or 0, minimum)


def _is_footer(annotation) -> bool:
    return (annotation.xref == "paper" and annotation.yref == "paper" and annotation.y is not None
            and annotation.y <= 0 and annotation.showarrow is False)


def _has_visible_xaxis(fig: go.Figure) -> bool:
    cartesian = any(getattr(trace, "type", None) in ("bar", "scatter") for trace in fig.data)
    return cartesian and fig.layout.xaxis.visible is not False


def presentify(fig: go.Figure, width: int | None = EXPORT_WIDTH, height: int = EXPORT_HEIGHT,
               high_contrast: bool = False) -> go.Figure:
    """Restyle ``fig`` (in place, and returned) for a projector.

    Sizes are for 1920x1080 and scale with a smaller or larger export (a 3840x2160 image has
    twice the type; on screen, ``width=None``, they stay as at 1920x1080). Every text is at least
    20 px there: title 32 (below the step's 48 px headline), subtitle 24, axis labels, bar labels and legend 22, source and
    attribution lines 20. The footer lines (source, boundary attribution, notes: paper-anchored
    annotations below the plot) are kept and stacked at the bottom edge."""
    k = 1.0 if width is None else max(0.5, min(width / EXPORT_WIDTH, height / EXPORT_HEIGHT))
    text_px, title_px, footer_px = round(TEXT_PX * k), round(TITLE_PX * k), round(FOOTER_PX * k)
    line_px = round(footer_px * 1.35)
    colour = HC_TEXT if high_contrast else None
    layout = fig.layout

    fig.update_layout(width=width, height=height, autosize=width is None)
    fig.layout.font.size = max(layout.font.size or 0, text_px)
    if colour:
        fig.layout.font.color = colour
    # title and subtitle: "Title<br><sup>subtitle</sup>" (charts) or "Title<br><span ...>subtitle</span>"
    # (maps) become Plotly's own title + subtitle, which keeps both inside the top margin
    text = layout.title.text or ""
    head, _, rest = text.partition("<br>")
    subtitle = re.sub(r"<[^>]+>", "", rest.replace("<br>", " ")).strip() or (layout.title.subtitle.text or "")
    subtitle_px = round(SUBTITLE_PX * k)
    # a long subtitle wrapped to the figure's width (Plotly does not wrap titles)
    sub_lines = charts.wrap_lines(subtitle, round((width or EXPORT_WIDTH) * 0.9 / (subtitle_px * 0.6)), sep=" · ")
    subtitle = "<br>".join(sub_lines)
    fig.update_layout(title=dict(text=head, font=dict(size=title_px), x=0.01, xanchor="left",
                                 yref="container", y=1.0, yanchor="top", pad=dict(t=round(16 * k)),
                                 subtitle=dict(text=subtitle, font=dict(size=subtitle_px,
                                                                        color=colour or "#444444"))))
    # automargin explicitly: st.plotly_chart(theme=None) drops the template that turns it on,
    # and long region names would be cut at the left edge
    fig.update_xaxes(tickfont=dict(size=text_px), title_font=dict(size=text_px), automargin=True)
    fig.update_yaxes(tickfont=dict(size=text_px), title_font=dict(size=text_px), automargin=True)
    if any(getattr(trace, "orientation", None) == "h" for trace in fig.data):
        fig.update_yaxes(ticklabelstandoff=round(8 * k))
    if high_contrast:
        fig.update_xaxes(gridcolor=HC_GRID, tickfont=dict(color=HC_TEXT), linecolor=HC_TEXT)
        fig.update_yaxes(gridcolor=HC_GRID, tickfont=dict(color=HC_TEXT), linecolor=HC_TEXT)
    fig.update_layout(legend=dict(font=dict(size=_size(layout.legend.font, text_px)),
                                  title=dict(font=dict(size=_size(layout.legend.title.font, text_px)))),
                      hoverlabel=dict(font=dict(size=text_px)))

    for trace in fig.data:
        kind = getattr(trace, "type", None)
        if kind == "bar":
            trace.textfont = dict(size=text_px, color=colour)
            if high_contrast and isinstance(trace.marker.color, (list, tuple)):
                trace.marker.color = [HC_BAR if c == palette.NEUTRAL_BAR else c for c in trace.marker.color]
            elif high_contrast and trace.marker.color == palette.NEUTRAL_BAR:
                trace.marker.color = HC_BAR
        elif kind == "scatter" and trace.mode and "lines" in trace.mode and not trace.fill:
            width_now = trace.line.width or 2
            trace.line.width = width_now * (1.7 if high_contrast else 1.3)
            trace.marker.size = round(9 * k)
            if trace.opacity is not None and trace.opacity < 0.6:   # faded lines stay visible on a projector
                trace.opacity = 0.6
        elif kind == "scatter" and trace.mode == "text":
            trace.textfont.size = _size(trace.textfont, text_px)

    left = round(20 * k)
    for key in [a for a in layout.annotations if a.name == "abbreviations"]:
        # the network's key of abbreviations: at projector type it runs into the sector legend on the
        # right; it goes in a left margin of its width (inside the plot it ran over the westernmost
        # nodes, Banten and Kab. Tangerang, on a 1440 px screen)
        longest = max(len(re.sub(r"<[^>]+>", "", line)) for line in str(key.text or "").split("<br>"))
        left = max(left, round(longest * 0.62 * _size(key.font, footer_px)) + round(30 * k))
        key.update(x=0.0, xanchor="right", xshift=-round(10 * k))
    footers = [a for a in layout.annotations if _is_footer(a)]
    footer_ids = {id(a) for a in footers}
    for annotation in layout.annotations:
        if id(annotation) in footer_ids:
            annotation.font.size = _size(annotation.font, footer_px)
            if colour:
                annotation.font.color = "#333333"
        elif annotation.name == charts.VALUE_LABEL:   # a bar's value label (charts.labels_clear_of): as the others
            annotation.font.update(size=text_px, color=colour)
        else:
            annotation.font.size = _size(annotation.font, footer_px)
    axis_px = 0
    if _has_visible_xaxis(fig):
        axis_px = round(text_px * 1.6) + (round(text_px * 1.8) if layout.xaxis.title.text else 0)
    pad = round(10 * k)
    # a footer may be a wrapped source of several lines: each takes its own lines' height (the
    # second line of a source ran into the axis title when every footer counted as one line)
    n_lines = [str(a.text or "").count("<br>") + 1 for a in footers]
    bottom = axis_px + pad + line_px * sum(n_lines) + pad
    # footers from the top line down: order of their current offsets (a higher yshift is higher up)
    ordered = sorted(zip(footers, n_lines), key=lambda pair: -(pair[0].yshift or 0))
    used = 0
    for annotation, lines in ordered:
        used += lines
        annotation.update(y=0, yanchor="bottom", x=0, xanchor="left", yshift=-(axis_px + pad + line_px * used),
                          xshift=round(20 * k) - left)   # at the figure's left edge, a key's margin or not
    top = round(16 * k) + round(title_px * 1.3) + (round(subtitle_px * (1.5 + 1.3 * (len(sub_lines) - 1))) if subtitle else 0) + round(28 * k)
    right = round(200 * k) if any(getattr(tr, "type", None) == "bar" for tr in fig.data) else round(20 * k)
    fig.update_layout(margin=dict(t=top, b=bottom, l=left, r=right))
    return fig


# ---------------------------------------------------------------------------------------------
# links


def share_url(base: str, state: state_mod.ViewState, path: str | None = None, extra: dict | None = None) -> str:
    """The full URL of a view: ``base`` (the app's or the page's URL; any query it has is
    dropped), optionally another page ``path``, and the view's query parameters."""
    parts = urlsplit(base)
    page_path = parts.path
    if path is not None:
        page_path = parts.path.rsplit("/", 1)[0] + "/" + path.lstrip("/") if parts.path else "/" + path.lstrip("/")
    params = state_mod.to_params(state)
    if extra:
        params.update({k: str(v) for k, v in extra.items() if v is not None})
    return urlunsplit((parts.scheme, parts.netloc, page_path, urlencode(params, safe=","), ""))
