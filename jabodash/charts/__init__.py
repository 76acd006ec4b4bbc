"""Pure chart builders: DataFrame + indicator metadata -> plotly Figure.

Every figure carries its unit, year and source in the figure itself (so exported images keep
them) and draws gaps as gaps: a region without a figure keeps its place, labelled "no data".

The package: this module holds what every chart shares (layout, the source line and the short
source names it is made of, separators, the st.plotly_chart PNG config, gap cells) and the two
general charts (ranking bar, trend lines); the charts of one page live in the module named by
the page's URL slug: peta (the maps of Peta, Wilayah and Presentasi), kependudukan, layanan, kerjasama,
bandingkan, data.
"""
from __future__ import annotations

import collections
import functools
import re
import textwrap

import pandas as pd
import plotly.graph_objects as go

from jabodash.core import fmt, grades, palette
from jabodash.core.catalog import Indicator
from jabodash.core.i18n import t
from jabodash.core.textsafe import plotly_escape

FONT = dict(family="DejaVu Sans, Arial, sans-serif", size=14, color="#222222")


_CITED = (re.compile(r"\b(?:citing|quoting)\s+(.+?)\)?\s*$"),
          re.compile(r"^(?:text of )?(?:BRS )?(BPS(?: DKI)?|BIG|Open Data \w+)\b"),
          re.compile(r"\bper (Kepmendagri [^,;]+)"))


class SharedFigure(go.Figure):
    """A figure built once and drawn by many sessions and reruns (jabodash.ui.source.per_data_version).
    Plotly's to_dict(), which st.plotly_chart calls on every draw, deep-copies the whole figure (a
    map's boundaries: tens of ms each time); here the dict is made on the first call, and every call
    gets a copy of its top levels (the figure, each trace, the layout) over the same values below.
    Neither the figure nor what lies below those levels may be mutated."""

    def to_dict(self):
        made = self.__dict__.get("_shared_dict")
        if made is None:
            made = super().to_dict()
            self._shared_dict = made
        return {key: [dict(item) for item in value] if isinstance(value, list) else dict(value)
                for key, value in made.items()}


def shared(value):
    """``value`` with every plotly Figure in it (itself, or inside tuples, lists and dicts, as
    ui.source.per_data_version results are) made a SharedFigure, in place; returns ``value``."""
    if type(value) is go.Figure:
        value.__class__ = SharedFigure   # same object and properties, only to_dict() changes
    elif isinstance(value, (tuple, list)):
        for item in value:
            shared(item)
    elif isinstance(value, dict):
        for item in value.values():
            shared(item)
    return value


def cited_source(title: str) -> str | None:
    """The publication a secondary source carries, from the note in brackets of a dataset title:
    "https://... (Wikipedia text citing BPS SP2020)" -> "BPS SP2020", "github:... (BPS table '...')"
    -> "BPS", "(BIG letter ...)" -> "BIG"; None when the note names none, or when the title does not
    start with an address (a sourced figure's dataset, data/sources: its title names the publisher
    first, and the publisher is the dataset's origin)."""
    title = str(title)
    if not title.startswith(("http", "github:")):
        return None
    note = title[title.index(" (") + 2:].rstrip().removesuffix(")") if " (" in title else ""
    for pattern in _CITED:
        match = pattern.search(note)
        if match:
            return match.group(1).split(";")[0].strip()[:60]
    return None


def short_source(title, limit: int = 70, grade: str | None = None, lang: str = "id") -> str:
    """The short name of a source or dataset title for a source line: the title without its
    note in brackets, at most limit characters, cut between words with "…" (never mid-word); with its
    provenance grade when given ("wikimili.com [sekunder]")."""
    text = str(title).split(" (")[0]
    if len(text) > limit:
        text = textwrap.shorten(text, width=limit, placeholder=" …") if " " in text[:limit] else text[:limit - 1] + "…"
    return graded(text, grade, lang)


def graded(text: str, grade: str | None, lang: str) -> str:
    """A source name with its provenance grade in brackets (jabodash.core.grades); unchanged
    without a grade."""
    label = grades.label(grade, lang) if isinstance(grade, str) else ""
    return f"{text} [{label}]" if label and text else text


def weakest(values) -> str | None:
    """The weakest grade among values (None when there is none)."""
    found = [g for g in values if isinstance(g, str) and g]
    return min(found, key=grades.rank) if found else None


def names_line(names: list[str], lang: str, limit: int = 2, sep: str = "; ", more: str = "chart.and_more") -> str:
    """The first names joined with sep, then "and n more" (the message key more)."""
    text = sep.join(names[:limit])
    return text + (" " + t(more, lang, n=len(names) - limit) if len(names) > limit else "")


def best_first(grade: str | None, figures: int) -> tuple[int, int]:
    """The order sources are named in: the best graded first, then the one with the most figures
    (a stable sort keeps the first seen among equals): a mirror is not named before an official
    source it shares a chart with."""
    return -grades.rank(grade), -figures


def sources_line(frame: pd.DataFrame, lang: str, limit: int = 2) -> str:
    """The short source line of a figure: the publication each dataset cites, with the sites that
    carried it ("BPS SP2020 via wikimili.com, kiwix.lema.org"), else the site or the analyst's source;
    derived values say so first. The best graded sources come first, among equals the one with the
    most figures: a mirror is not named before an official source it shares the chart with."""
    if "source" not in frame or frame["source"].dropna().empty:
        return ""
    ids = frame["dataset_id"].tolist()
    rows = tuple(zip(*(_cells(frame, c) if c in frame else [None] * len(ids) for c in ("source", "origin", "grade"))))
    return _sources_line(tuple(None if pd.isna(i) else i for i in ids), rows, lang, limit)


def _cells(frame: pd.DataFrame, column: str) -> list:
    return [None if pd.isna(v) else v for v in frame[column].tolist()]


@functools.lru_cache(maxsize=256)
def _sources_line(ids: tuple, rows: tuple, lang: str, limit: int) -> str:
    """:func:`sources_line` of the rows' dataset ids and (source, origin, grade), None where missing:
    made once per such list (a map's years often come from the same datasets)."""
    figures = collections.Counter(i for i in ids if i is not None and i != "derived")
    sites_of: dict[tuple[str, str | None], list[str]] = {}
    count: dict[tuple[str, str | None], int] = {}
    seen = set()
    for dataset_id, (source, origin, grade) in zip(ids, rows):
        if dataset_id is None or dataset_id == "derived" or source is None or dataset_id in seen:
            continue
        seen.add(dataset_id)   # each dataset once, as its first row with a source gives it
        site = short_source(origin if isinstance(origin, str) and origin.strip() else source)
        cited = cited_source(source)
        group = (cited or site, grade)
        sites = sites_of.setdefault(group, [])
        count[group] = count.get(group, 0) + figures[dataset_id]
        if cited and site not in sites:
            sites.append(site)
    order = sorted(sites_of, key=lambda g: best_first(g[1], count[g]))
    groups = [graded(t("chart.via", lang, cited=name, sites=names_line(sites_of[(name, grade)], lang, sep=", ",
                                                                          more="chart.sites_more"))
                     if sites_of[(name, grade)] else name, grade, lang)
              for name, grade in order]
    text = names_line(groups, lang, limit)
    derived = [grade for dataset_id, (_, _, grade) in zip(ids, rows) if dataset_id == "derived"]
    if derived:
        text = (graded(t("chart.derived", lang), weakest(derived), lang) + ("; " + text if text else "")).strip()
    return text


def _grade_column(frame: pd.DataFrame, column: str) -> str | None:
    """The grade column that goes with a source column: "numerator_origin" -> "numerator_grade",
    else "grade"."""
    for name in (column.rsplit("_", 1)[0] + "_grade", "grade"):
        if name in frame and name != column:
            return name
    return None


def sources_text(frames: list[tuple[pd.DataFrame, str]], lang: str, limit: int = 2) -> str:
    """A source line from several (frame, source column) pairs, the first frame's sources first,
    each with its provenance grade when the frame has one; within a frame the best graded first,
    then the one with the most figures (as sources_line)."""
    names: list[str] = []
    for frame, column in frames:
        if column not in frame:
            continue
        grade_col = _grade_column(frame, column)
        rows = frame.dropna(subset=[column])
        found = [(title, weakest(part[grade_col]) if grade_col else None, len(part))
                 for title, part in rows.groupby(column, sort=False)]
        for title, grade, _ in sorted(found, key=lambda f: best_first(f[1], f[2])):
            name = plain(short_source(title, grade=grade, lang=lang))
            if name not in names:
                names.append(name)
    return names_line(names, lang, limit)


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for the UI language (core.fmt's, from Babel)."""
    return fmt.separators(lang)


def number_axes(fig: go.Figure) -> go.Figure:
    """Every numeric axis in full numbers with the UI language's group mark (no "15k": an SI
    suffix reads as a typo in Indonesian, and 15k vs 15 rb is not a choice Plotly offers)."""
    fig.update_xaxes(exponentformat="none", separatethousands=True)
    fig.update_yaxes(exponentformat="none", separatethousands=True)
    return fig


def plain(text: str) -> str:
    """Text from data, made inert for Plotly (which renders a few HTML tags in text)."""
    return str(text).replace("<", "‹").replace(">", "›")


def png_config(filename: str) -> dict:
    """st.plotly_chart config: the modebar's camera button saves a PNG with this file name."""
    return {"displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


SOURCE_WIDTH = 100   # characters of the 11 px source line that fit under a chart in its column at 1440 px


def wrap_lines(text: str, width: int = SOURCE_WIDTH, sep: str = "; ") -> list[str]:
    """A line broken to fit width characters: between its parts (sources joined by "; ", a
    subtitle's facts by " · ") first, then between words."""
    lines: list[str] = []
    for part in text.split(sep):
        candidate = f"{lines[-1]}{sep}{part}" if lines else part
        if lines and len(candidate) <= width:
            lines[-1] = candidate
            continue
        if lines:
            lines[-1] += sep.rstrip()
        line = ""
        for word in part.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    return [line for line in lines if line]


SUBTITLE_WIDTH = 120   # characters of the subtitle (12.6 px Source Sans, ~5.5 px each) that fit a chart in the main column at 1280 px
HALF_SUBTITLE_WIDTH = 64   # ... in one of two columns
TITLE_LINE_PX = 23    # each further subtitle line: the title font's line height


def title_text(title: str, subtitle: str, width: int = SUBTITLE_WIDTH) -> str:
    """A chart's "Title<br><sup>subtitle</sup>", the subtitle wrapped at width characters (between
    its " · " facts first: Plotly does not wrap titles); both escaped (they may hold uploaded text)."""
    lines = wrap_lines(str(subtitle or ""), width, sep=" · ")
    return f"{plotly_escape(title)}<br><sup>{'<br>'.join(plotly_escape(line) for line in lines)}</sup>"


def title_room(fig: go.Figure) -> int:
    """The pixels a figure's wrapped subtitle takes beyond its first line (add them to any top
    margin set after base_layout)."""
    return TITLE_LINE_PX * max(0, str(fig.layout.title.text or "").count("<br>") - 1)


def top_margin(fig: go.Figure, px: int) -> go.Figure:
    """Set the top margin to px plus the room of the figure's wrapped subtitle."""
    return fig.update_layout(margin=dict(t=px + title_room(fig)))


def add_source(fig: go.Figure, source: str, lang: str, width: int = SOURCE_WIDTH, below: int = 40,
               y: float = -0.01, make_room: bool = True) -> int:
    """The "Sumber: ..." line under the plot area (escaped: it may hold uploaded text), wrapped
    at width characters, the bottom margin grown for each extra line unless make_room is off;
    returns the number of lines written."""
    if not source:
        return 0
    lines = wrap_lines(f"{t('chart.source', lang)}: {source}", width)
    fig.add_annotation(text="<br>".join(plotly_escape(line) for line in lines), xref="paper", yref="paper",
                       x=0, y=y, yshift=-below, showarrow=False, xanchor="left", yanchor="top", align="left",
                       font=dict(size=11, color="#555555"))
    if make_room and len(lines) > 1:
        fig.update_layout(margin=dict(b=(fig.layout.margin.b or 70) + 14 * (len(lines) - 1)))
    return len(lines)


def base_layout(fig: go.Figure, title: str, subtitle: str, source: str, lang: str, height: int = 480) -> go.Figure:
    """Title, subtitle (wrapped) and source line; all three are escaped (they may hold uploaded text)."""
    fig.update_layout(
        title=dict(text=title_text(title, subtitle), x=0.0, xanchor="left", font=dict(size=18)),
        font=FONT, height=height, margin=dict(l=10, r=20, t=80, b=70),
        separators=separators(lang),
        paper_bgcolor="white", plot_bgcolor="white",
    )
    top_margin(fig, 80)
    number_axes(fig)
    add_source(fig, source, lang)
    return fig


def replace_source(fig: go.Figure, text: str, lang: str, width: int | None = None) -> go.Figure:
    """Replace the source line of a figure (e.g. to name the inputs of a derived figure
    instead of 'derived by jabodash' alone)."""
    prefix = t("chart.source", lang) + ":"
    kept = [a for a in fig.layout.annotations if not str(a.text).startswith(prefix)]
    fig.layout.annotations = kept
    add_source(fig, text, lang, width or SOURCE_WIDTH)
    return fig


HALF_SOURCE_WIDTH = 52   # a chart in one of two columns: the source starts at the plot area, after the labels


def narrow_source(fig: go.Figure, lang: str, width: int = HALF_SOURCE_WIDTH) -> go.Figure:
    """Re-wrap a figure's source line and subtitle for a chart drawn in a half-width column (the
    source is anchored at the plot area's left edge, so the labels' width is lost to it too)."""
    prefix = t("chart.source", lang) + ":"
    for a in fig.layout.annotations:
        text = str(a.text or "")
        if text.startswith(prefix):
            before = text.count("<br>") + 1
            lines = wrap_lines(" ".join(text.split("<br>")), width)   # already escaped text, re-broken only
            a.text = "<br>".join(lines)
            fig.update_layout(margin=dict(b=(fig.layout.margin.b or 70) + 14 * (len(lines) - before)))
    return narrow_title(fig)


def narrow_title(fig: go.Figure, width: int = HALF_SUBTITLE_WIDTH) -> go.Figure:
    """Re-wrap a figure's subtitle (title_text's <sup> part) at width characters, the top margin
    moved by the lines gained or lost."""
    text = str(fig.layout.title.text or "")
    head, found, rest = text.partition("<br><sup>")
    if not found:
        return fig
    before = title_room(fig)
    lines = wrap_lines(" ".join(rest.removesuffix("</sup>").split("<br>")), width, sep=" · ")   # escaped already
    fig.layout.title.text = f"{head}<br><sup>{'<br>'.join(lines)}</sup>"
    return fig.update_layout(margin=dict(t=(fig.layout.margin.t or 80) + title_room(fig) - before))


TITLE_PAD = 24   # px from the figure's top edge to a container-anchored title (Plotly sets the first line's box 16 px above its anchor)


def layout_source_below(fig: go.Figure, title: str, subtitle: str, source: str, lang: str, height: int,
                        below: int = 0, top: int = 110) -> go.Figure:
    """base_layout without its one-line source; the source goes below the plot area (below
    = pixels taken by tick labels and axis titles), wrapped, with room made for it; the title at
    the top edge, the top margin grown by the wrapped subtitle's lines."""
    fig = base_layout(fig, title, subtitle, "", lang, height=height)
    n_lines = add_source(fig, source, lang, width=SOURCE_WIDTH, below=below + 8, y=0, make_room=False)
    room = title_room(fig) + TITLE_PAD - 14
    fig.update_layout(height=height + 16 * n_lines + room,
                      margin=dict(t=top + room, b=below + 20 + 16 * n_lines),
                      title=dict(yref="container", y=1, yanchor="top", pad=dict(t=TITLE_PAD)))
    return fig


def legend_under_title(fig: go.Figure, **legend) -> go.Figure:
    """A horizontal legend right under the title of a :func:`layout_source_below` figure, placed in
    the container's coordinates: it wraps at the figure's width, not the plot area's (which a wide
    margin makes narrow), and so never grows up into the title on a narrow screen."""
    fig.update_layout(legend=dict(orientation="h", x=0, xref="container", y=1, yref="container", yanchor="top",
                                  **legend))
    fig.layout.legend.y = 1 - (56 + title_room(fig) + TITLE_PAD - 14) / fig.layout.height
    return fig


GAP_TEXT = "#767676"


def gap_cells(z_missing, x, y, text: str, name: str) -> go.Heatmap:
    """A grey layer under a heatmap for the cells that have no figure."""
    return go.Heatmap(z=z_missing, x=x, y=y, colorscale=[[0, palette.MISSING], [1, palette.MISSING]],
                      showscale=False, xgap=2, ygap=2, texttemplate=text, hoverinfo="skip", name=name,
                      textfont=dict(color=GAP_TEXT, size=11))


def year_span(years) -> str:
    """The distinct years given as "2010–2020", a single one as "2020", none as "" (missing years skipped)."""
    years = sorted({int(y) for y in years if not pd.isna(y)})
    if not years:
        return ""
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


def ranking_bar(values: pd.DataFrame, ind: Indicator, year: int, lang: str,
                metro_value: float | None = None, highlight: tuple[str, ...] = ()) -> go.Figure:
    """Horizontal bars, best first by the indicator's direction; regions without a figure
    are listed at the bottom with 'no data'."""
    df = values.copy()
    ascending = ind.higher_is_better is False
    df = pd.concat([df[df["value"].notna()].sort_values("value", ascending=ascending),
                    df[df["value"].isna()]])
    labels = df["short_name"].tolist()
    colours = [palette.HIGHLIGHT if code in highlight else palette.NEUTRAL_BAR for code in df["region_code"]]
    no_data = t("common.no_data", lang)
    text = [fmt.number(v, ind.decimals, lang, missing=no_data) for v in df["value"]]
    fig = go.Figure(go.Bar(
        x=df["value"], y=labels, orientation="h", marker_color=colours, text=text,
        textposition="outside", cliponaxis=False,
        customdata=df[["name"]].to_numpy(),
        hovertemplate="%{customdata[0]}<br>%{x:,." + str(ind.decimals) + "f} " + plotly_escape(ind.unit(lang)) + "<extra></extra>",
    ))
    # "no data" labels for gaps sit at zero, where there is no bar
    for label, value in zip(labels, df["value"]):
        if pd.isna(value):
            fig.add_annotation(x=0, y=label, text=no_data, showarrow=False, xanchor="left",
                               font=dict(color="#767676", size=12))
    if metro_value is not None:
        fig.add_vline(x=metro_value, line=dict(color=palette.METRO_LINE, dash="dash", width=1.5), layer="below",
                      annotation_text=f"{t('chart.metro', lang)}: {fmt.number(metro_value, ind.decimals, lang)}", annotation_position="top")
    covered = int(df["value"].notna().sum())
    subtitle = fmt.joined(ind.unit(lang), year, t("common.coverage", lang, covered=covered, total=len(df)))
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title=plotly_escape(ind.unit(lang)), gridcolor="#eeeeee", zeroline=True, zerolinecolor="#999999",
                     tickformat=",~r", range=value_range(df["value"], texts=text))
    labels_clear_of(fig, metro_value)
    return base_layout(fig, ind.name(lang), subtitle, sources_line(df, lang), lang,
                       height=max(360, 120 + 30 * len(df)))


VALUE_LABEL = "value_label"   # the name of a bar's value label drawn as an annotation (labels_clear_of)


def labels_clear_of(fig: go.Figure, x: float | None, plot_px: int = 300, font_px: int = 14) -> go.Figure:
    """A horizontal bar chart's value labels that a vertical line at x (the metro value, a median)
    may run through are drawn as annotations on a white ground instead of as the bar's text:
    Plotly draws shapes under the traces and their text has no ground. "May": the label's width
    in axis units from its length at the narrowest plot area (plot_px), so it holds for wider ones."""
    bar = next((tr for tr in fig.data if getattr(tr, "type", "") == "bar" and tr.orientation == "h" and tr.text), None)
    if bar is None or x is None or pd.isna(x):
        return fig
    values = pd.to_numeric(pd.Series(bar.x), errors="coerce")
    low, high = fig.layout.xaxis.range or (min(0.0, values.min()), max(0.0, values.max()))
    texts = list(bar.text)
    for i, (value, label, text) in enumerate(zip(values, bar.y, texts)):
        if not text or pd.isna(value):
            continue
        width = (0.62 * font_px * len(str(text)) + 8) / plot_px * (high - low)
        left, right = (value - width, value) if value < 0 else (value, value + width)
        if left <= x <= right:
            texts[i] = ""
            fig.add_annotation(x=value, y=label, text=text, xanchor="right" if value < 0 else "left",
                               xshift=-3 if value < 0 else 3, showarrow=False, bgcolor="white", borderpad=1,
                               font=dict(size=font_px), name=VALUE_LABEL)
    bar.text = texts
    return fig


def label_room(fig: go.Figure, values: pd.Series, factor: float = 1.18) -> go.Figure:
    """Widen a horizontal bar chart's value axis so that labels outside the bars fit."""
    top = pd.to_numeric(values, errors="coerce").max()
    texts = [x for trace in fig.data if getattr(trace, "type", "") == "bar" for x in (trace.text or ())]
    factor = max(factor, 1 + label_share(texts)) if texts else factor
    if pd.notna(top) and top > 0:
        fig.update_xaxes(range=[0, float(top) * factor])
    return fig


LABEL_PLOT_PX = 520   # the narrowest plot area of a bar chart (its column at a 1280 px screen)
HALF_LABEL_PLOT_PX = 330   # the plot area of a bar chart in one of two columns at 1440 px


def label_share(texts, font_px: int = 12, plot_px: int = LABEL_PLOT_PX) -> float:
    """The share of the value axis that the longest outside label needs beyond its bar, from its
    length (a "5.427.068 · 16,1%" label was cut by a fixed 18 % room)."""
    longest = max((len(str(x)) for x in texts if x), default=0)
    width = 0.62 * font_px * longest + 8
    return width / max(plot_px - width, 100.0)


def value_range(values: pd.Series, room: float = 0.18, texts=None) -> list[float] | None:
    """An axis range from zero (or the lowest negative value) to the highest value, with
    ``room`` on the outer sides for the value labels drawn outside the bars (more when
    ``texts``, the labels, need it)."""
    v = pd.to_numeric(values, errors="coerce").dropna()
    if v.empty:
        return None
    if texts is not None:
        room = max(room, label_share(texts))
    low, high = min(0.0, float(v.min())), max(0.0, float(v.max()))
    span = (high - low) or 1.0
    return [low - room * span if low < 0 else 0.0, high + room * span if high > 0 else 0.0]


TREND_COLOURS = [c for c in palette.CATEGORICAL if c != "#F0E442"]   # no pale yellow: it fades on a projector
OTHER_LINE = "#b3b3b3"
ALL_COLOURED = 5   # up to this many lines each get a colour; more: a few picked out, the rest grey


def trend_focus(series: pd.DataFrame, ind: Indicator) -> tuple[str, ...]:
    """The regions a trend chart of many lines picks out by default: the best and the worst (the
    highest and the lowest for a neutral indicator) in the latest of the best-covered years."""
    data = series.dropna(subset=["value"])
    if data.empty:
        return ()
    counts = data.groupby("year")["region_code"].nunique()
    year = max(y for y, n in counts.items() if n == counts.max())
    last = data[data["year"] == year].sort_values("value", ascending=ind.higher_is_better is False)
    return tuple(dict.fromkeys([last["region_code"].iloc[0], last["region_code"].iloc[-1]]))


def trend_lines(series: pd.DataFrame, ind: Indicator, lang: str, highlight: tuple[str, ...] = ()) -> go.Figure:
    """One line per region over the years. Missing years are not bridged: a line joins only
    consecutive figures the data holds, markers show each observed point. Up to ALL_COLOURED regions
    each get their own colour; with more (15 lines are unreadable on a projector), or when regions
    are highlighted, only those (default: trend_focus) are coloured and the rest are thin grey lines
    under them, one legend entry for all of them (their names on hover)."""
    fig = go.Figure()
    codes = list(dict.fromkeys(series["region_code"]))
    all_years = sorted(series["year"].unique()) if len(series) else []
    focus_mode = bool(highlight) or len(codes) > ALL_COLOURED
    focus = ([c for c in highlight if c in codes] or list(trend_focus(series, ind))) if focus_mode else codes
    focus = focus[:len(TREND_COLOURS)]
    others = [c for c in codes if c not in focus]
    hover = "%{fullData.name}<br>%{x}: %{y:,." + str(ind.decimals) + "f} " + plotly_escape(ind.unit(lang)) + "<extra></extra>"
    for code in others + focus:   # the picked lines last: drawn on top
        part = series[series["region_code"] == code].set_index("year").reindex(all_years)
        part["short_name"] = part["short_name"].ffill().bfill()
        part = part.rename_axis("year").reset_index()
        name = part["short_name"].iloc[0]
        if code in focus:
            style = dict(line=dict(color=TREND_COLOURS[focus.index(code)], width=3), marker=dict(size=7))
        else:
            style = dict(line=dict(color=OTHER_LINE, width=1.2), marker=dict(size=4, color=OTHER_LINE),
                         legendgroup="others", showlegend=False)
        fig.add_trace(go.Scatter(x=part["year"], y=part["value"], mode="lines+markers", name=name,
                                 connectgaps=False, hovertemplate=hover, **style))
    if others:   # one legend entry for the grey lines (clicking it hides or shows them all)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=t("chart.other_regions", lang, n=len(others)),
                                 line=dict(color=OTHER_LINE, width=1.2), legendgroup="others", legendrank=2000,
                                 hoverinfo="skip"))
    years = sorted(series["year"].unique()) if len(series) else []
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
    fig.update_xaxes(tickmode="array", tickvals=years, tickformat="d", gridcolor="#eeeeee", title=None)
    fig.update_yaxes(title=plotly_escape(ind.unit(lang)), gridcolor="#eeeeee", tickformat=",~r")
    fig.update_layout(legend=dict(orientation="v", x=1.01, y=1, traceorder="normal"))
    return base_layout(fig, ind.name(lang), fmt.joined(ind.unit(lang), span), sources_line(series, lang), lang)
