"""Pure map figure builders: values + indicator + classes -> plotly Figure.

Two views of the same classification:

* :func:`tile_map`: an equal-area tile-grid map, one square per kab/kota laid out in geographic
  order (``data/tilegrid.csv``). Needs no boundary data, so every map works offline from the
  first start; it is also the honest view when small dense cities (Jakarta Pusat, 48 km²) would
  vanish next to Kab. Bogor (2,992 km²).
* :func:`choropleth`: the boundaries on Plotly's geo subplot (``go.Choropleth``, SVG: polygons
  and labels draw with no network, no WebGL and no glyph files) or, when asked, on OpenStreetMap
  tiles (``go.Choroplethmap``, MapLibre, online). Every region is named
  (:mod:`jabodash.charts.maplabels`).

Everything a reader needs is drawn inside the figure, so PNG/SVG exports keep it: title, unit
and year, the classification, a legend that names the missing class, the source line, the
boundary attribution (and the OpenStreetMap credit when tiles are on).

Tile abbreviations (``abbr``, at most 6 letters): kota = 3 letters (TGR, BKS, BGR, DPK, TGS),
kabupaten = "K" + 3 letters (KTGR, KBKS, KBGR, KCJR), the Jakarta cities JK + direction
(JKP, JKU, JKB, JKT, JKS), KEPS = Kepulauan Seribu.

Speed (budgets: warm rerun <= 100 ms at kab/kota, <= 250 ms at kecamatan). The GeoJSON dict
comes from :func:`jabodash.geo.boundaries.geojson_for` (built once, memoised). Here it is prepared
once more per dict (:func:`jabodash.charts.mapshapes.prepared`, memoised by identity): its rings become NumPy arrays,
which Plotly deep-copies in microseconds instead of walking ~100k nested floats (85 ms -> 6 ms
for the 217 kecamatan), and which serialise to the very same JSON. A rerun then only assigns
classes, colours and texts to at most 217 regions and splits the prepared features by class.

Nothing here imports streamlit.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from jabodash.charts import maplabels, names_line, short_source, sources_line
from jabodash.charts.maplabels import view_for_bounds  # noqa: F401  (public here: peta.view_for_bounds)
from jabodash.charts.mapshapes import (  # noqa: F401  (public here too)
    JAKARTA,
    OUTSIDE_CORE,
    Prepared,
    all_bounds,
    complete_values,
    core_bounds,
    fit_bounds,
    jakarta_bounds,
    label_points,
    prepared,
    regions,
    wound,
)
from jabodash.core import fmt, palette
from jabodash.core.i18n import t
from jabodash.core.paths import DATA_DIR
from jabodash.core.textsafe import plotly_escape
from jabodash.geo.classify import Classes

TILEGRID_FILE = DATA_DIR / "tilegrid.csv"
FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"
TEXT = "#222222"
MUTED = "#555555"
TILE = 0.94                        # tile side in grid units (the rest is the gap)


@dataclass(frozen=True)
class Style:
    """Sizes of one display mode (pixels)."""

    font: int
    title: int
    subtitle: int
    label: int
    label_small: int
    legend: int
    footer: int
    height: int
    width: int           # nominal width, used only to compute the initial map zoom
    map_width: int       # the geographic map's plot area (figure less legend) as usually shown
    border: float
    footer_line: int


NORMAL = Style(font=14, title=20, subtitle=14, label=15, label_small=12, legend=13, footer=11,
               height=700, width=900, map_width=680, border=0.8, footer_line=16)
# presenter mode at 1920x1080: all text >= 20 px
PRESENTER = Style(font=22, title=34, subtitle=22, label=22, label_small=20, legend=22, footer=20,
                  height=1000, width=1800, map_width=1780, border=1.6, footer_line=26)




def _style(presenter: bool) -> Style:
    return PRESENTER if presenter else NORMAL


# ---------------------------------------------------------------------------------------------
# reference tables


@lru_cache(maxsize=2)
def _tile_layout(level: str) -> pd.DataFrame:
    if level != "kabkota":
        raise ValueError(f"no tile layout for level {level!r}: tile maps exist for kab/kota only")
    df = pd.read_csv(TILEGRID_FILE, dtype={"code": str, "abbr": str})
    return df[["code", "row", "col", "abbr"]]


def tile_layout(level: str = "kabkota") -> pd.DataFrame:
    """The tile grid (``data/tilegrid.csv``): code, row (0 = north), col (0 = west), abbr."""
    return _tile_layout(level).copy()


def region_centroids(level: str = "kabkota") -> pd.DataFrame:
    """code, lat, lon of the kab/kota points in data/regions.csv (seats or infobox points)."""
    if level != "kabkota":
        raise ValueError("region points exist for kab/kota only; use label_points(geojson)")
    return regions()[["code", "lat", "lon"]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# values -> per-region texts


def _short_label(value: float, decimals: int, lang: str, missing: str) -> str:
    if fmt.is_missing(value):
        return missing
    if abs(value) >= 1e6:
        return fmt.compact(value, lang, short=True)   # "1,90 jt" / "1.90 M": fits a tile
    return fmt.number(value, decimals, lang)


def _ranks(values: pd.Series, higher_is_better: bool | None) -> pd.Series:
    ascending = higher_is_better is False
    return values.rank(method="min", ascending=ascending)


def _source_of(values: pd.DataFrame, lang: str, source: str | None) -> str:
    """The source line: the caller's text, else the distinct dataset titles in the values."""
    if source:
        return source
    if "source" not in values or values["source"].dropna().empty:
        return ""
    if "dataset_id" in values:
        return sources_line(values, lang)
    return names_line([short_source(s) for s in values["source"].dropna().unique()], lang)


_esc = plotly_escape


def _frame(values: pd.DataFrame, ind, year, lang: str, classes: Classes, source: str | None) -> pd.DataFrame:
    """One row per region: texts, class and colour, for at most a few hundred rows.

    The rank in the hover is computed here among the rows given (the region set), in the
    indicator's direction: 1 = best when ``higher_is_better`` is known, else 1 = highest."""
    df = values.copy()
    df["region_code"] = df["region_code"].astype(str)
    if "name" not in df:
        df["name"] = df["region_code"]
    if "short_name" not in df:
        df["short_name"] = df["name"]
    df["short_name"] = df["short_name"].fillna(df["name"])
    df["name"] = [_esc(x) for x in df["name"]]
    df["short_name"] = [_esc(x) for x in df["short_name"]]
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype(float)
    missing = df["value"].isna().to_numpy()
    # a region the classification did not see (should not happen) counts as missing
    cls = classes.class_of.reindex(df["region_code"]).fillna(-1).astype(int).to_numpy().copy()
    cls[missing] = -1
    df["class"] = cls
    lut = np.array(list(classes.colours) + [classes.missing_colour], dtype=object)
    df["colour"] = lut[cls]
    no_data = t("peta.map.no_data", lang)
    no_data_short = t("peta.map.no_data_short", lang)
    decimals = int(getattr(ind, "decimals", 1))
    unit = _esc(ind.unit(lang))
    short = _esc(ind.short(lang))
    covered = int((~missing).sum())
    rank = _ranks(df["value"], getattr(ind, "higher_is_better", None)).tolist()
    rank_key = "peta.map.rank_highest" if getattr(ind, "higher_is_better", None) is None else "peta.map.rank_best"
    per_row_source = df["source"].tolist() if "source" in df else [None] * len(df)
    if "dataset_id" in df:   # derived figures: say so in the UI language, as the charts do
        derived = t("chart.derived", lang)
        per_row_source = [derived if d == "derived" else s for s, d in zip(per_row_source, df["dataset_id"].tolist())]
    fallback_source = source or ""
    src_label = t("peta.map.source", lang)
    year_label = t("peta.map.year", lang)
    label_values, hovers = [], []
    per_row_grade = df["grade"].tolist() if "grade" in df else [None] * len(df)
    for name, value, rk, src, grade in zip(df["name"].tolist(), df["value"].tolist(), rank, per_row_source,
                                           per_row_grade):
        missing = fmt.is_missing(value)
        label_values.append(_short_label(value, decimals, lang, no_data_short))
        lines = [f"<b>{name}</b>"]
        if missing:
            lines.append(f"{short}: <i>{no_data}</i>")
        else:
            lines.append(f"{short}: <b>{fmt.number(value, decimals, lang)}</b> {unit}")
            lines.append(t(rank_key, lang, rank=int(rk), total=covered))
        lines.append(f"{year_label} {year}")
        src_text = _esc(short_source(src, 80, grade, lang) if isinstance(src, str) and src else fallback_source[:80])
        if src_text and not missing:
            lines.append(f"{src_label}: {src_text}")
        hovers.append("<br>".join(lines))
    df["label_value"] = label_values
    df["hover"] = hovers
    return df


def _subtitle(ind, year, lang: str, classes: Classes, df: pd.DataFrame) -> str:
    kec = len(df) and df["region_code"].astype(str).str.len().eq(7).all()   # "n of 217 kecamatan"
    parts = [ind.unit(lang), str(year), t("common.coverage_kecamatan" if kec else "common.coverage", lang,
                                          covered=int(df["value"].notna().sum()), total=len(df))]
    if classes.k:
        method = t(f"peta.map.method.{classes.method}", lang)
        key = "peta.map.classes.one" if classes.k == 1 else "peta.map.classes.summary"
        parts.append(t(key, lang, method=method, k=classes.k))
    return fmt.joined(*parts)


class _Spec:
    """A figure under construction as plain dicts. Plotly's graph objects validate every property
    on every assignment (~15 ms for an empty figure with a layout); the builders here assemble the
    spec directly and hand it over once, unvalidated (:meth:`figure`). The tests rebuild every
    figure with full validation, so a wrong property name still fails there."""

    def __init__(self):
        self.data: list[dict] = []
        self.layout: dict = {}
        self.annotations: list[dict] = []

    def add_trace(self, kind: str, **props) -> None:
        self.data.append({"type": kind, **props})

    def add_annotation(self, **props) -> None:
        self.annotations.append(props)

    def _layout(self) -> dict:
        layout = dict(self.layout)
        if self.annotations:
            layout["annotations"] = self.annotations
        return layout

    def figure(self) -> go.Figure:
        return go.Figure({"data": self.data, "layout": self._layout()}, _validate=False)

    def plain(self) -> dict:
        """What ``self.figure().to_dict()`` gives (the same JSON, byte for byte), without the figure:
        Plotly copies its default template into every new figure and the whole figure, boundaries
        included, again in ``to_dict`` (~8 ms for a kab/kota map). Its properties in Plotly's order
        (by name, a trace's type last), the default template added; the parts are shared with the
        spec and the template with every other plain figure: read it, do not change it."""
        data = [{**{k: t[k] for k in sorted(t) if k != "type"}, "type": t["type"]} for t in self.data]
        layout = {k: v for k, v in sorted(self._layout().items())}
        return {"data": data, "layout": {**layout, "template": _default_template()}}


_TEMPLATE: dict[tuple, dict] = {}


def _default_template() -> dict:
    """Plotly's default template as a new figure's ``to_dict`` gives it, made once per template."""
    import plotly.io as pio
    name = pio.templates.default
    template = pio.templates[name]
    key = (name, id(template))
    if key not in _TEMPLATE:
        _TEMPLATE.clear()
        _TEMPLATE[key] = template.to_plotly_json()
    return _TEMPLATE[key]


def _title_lines(title: str, style: Style) -> list[str]:
    """The title in lines at word breaks, as many characters to a line as fit the style's nominal
    width in its title size (Plotly does not wrap a title: a long one ran off the figure)."""
    width = max(20, int(style.width / (0.65 * style.title)))
    if len(title) <= width:
        return [title]
    lines = _wrapped(title, width)
    for narrower in range(-(-len(title) // len(lines)), width):  # the same number of lines, evened out
        even = _wrapped(title, narrower)
        if len(even) == len(lines):
            return even
    return lines


def _wrapped(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]


def _decorate(spec: _Spec, title: str, subtitle: str, footer: list[str], style: Style,
              height: int, legend_title: str, legend_at: tuple[float, float] | None = None,
              plain: bool = False) -> go.Figure | dict:
    """Title and subtitle at the top, footer lines (source, attribution, notes) at the bottom,
    legend on the right (or its top left corner at ``legend_at``, paper coordinates): all inside
    the figure, so exports keep them. ``plain``: the figure's dict (:meth:`_Spec.plain`)."""
    # long source lines wrap instead of running past the figure's right edge (about 6.5 px a character)
    chars = int(style.width / (style.footer * 0.8))
    footer = [part for line in footer if line for part in _wrapped(line, chars)]
    lines = _title_lines(title, style)
    title, subtitle = "<br>".join(_esc(line) for line in lines), _esc(subtitle)
    extra = (len(lines) - 1) * round(style.title * 1.3)  # Plotly raises a title's block by its extra lines
    top = style.title + style.subtitle + 40 + extra
    bottom = 16 + style.footer_line * len(footer)
    spec.layout.update(
        title=dict(text=title, subtitle=dict(text=subtitle, font=dict(size=style.subtitle, color=MUTED)),
                   x=0.01, xanchor="left", xref="container", y=1 - (10 + extra) / height, yref="container", yanchor="top",
                   font=dict(size=style.title, family=FONT_FAMILY, color=TEXT)),
        font=dict(family=FONT_FAMILY, size=style.font, color=TEXT),
        height=height, margin=dict(l=10, r=10, t=top, b=bottom),
        paper_bgcolor="white", plot_bgcolor="white",
        legend=dict(title=dict(text=legend_title, font=dict(size=style.legend)), font=dict(size=style.legend),
                    x=legend_at[0] if legend_at else 1.0, xanchor="left", y=legend_at[1] if legend_at else 1.0,
                    yanchor="top", bgcolor="rgba(255,255,255,0.9)",
                    itemclick="toggle", itemdoubleclick="toggleothers", traceorder="normal",
                    itemsizing="constant"),
        hoverlabel=dict(font=dict(size=style.font, family=FONT_FAMILY), bgcolor="white"),
    )
    for i, line in enumerate(footer):
        spec.add_annotation(text=line, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
                            yshift=-6 - i * style.footer_line, showarrow=False, align="left",
                            font=dict(size=style.footer, color=MUTED), name="footer")
    return spec.plain() if plain else spec.figure()


def _legend_title(classes: Classes, ind, lang: str) -> str:
    """Unit in bold, then the direction (and the diverging centre) on their own lines."""
    first, *rest = classes.legend_title(_esc(ind.unit(lang))).split("<br>")
    return "<br>".join([f"<b>{first}</b>"] + rest) if first else "<br>".join(rest)


# ---------------------------------------------------------------------------------------------
# tile-grid map


def _wrap(text: str, width: int = 11) -> str:
    """Break a short name onto two lines at the space nearest its middle when it is long."""
    if len(text) <= width or " " not in text:
        return text
    mid = len(text) / 2
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - mid))
    return text[:cut] + "<br>" + text[cut + 1:]


def _text_width(text: str, size: int) -> float:
    """Rough pixel width of a line of text (DejaVu Sans averages ~0.6 em per character)."""
    plain = re.sub(r"<[^>]+>", "", text)
    return 0.62 * size * len(plain)


def tile_map(values: pd.DataFrame, ind, year, lang: str, classes: Classes, title: str | None = None,
             presenter: bool = False, source: str | None = None, labels: str = "short",
             note: bool = True, height: int | None = None) -> go.Figure:
    """Equal-area tile-grid map of the kab/kota in ``values`` (region_code, name, short_name,
    value, optional source). One square per region in geographic order; fill = class colour,
    missing regions grey with hatching and named in the legend; label = short name (or the
    abbreviation with ``labels="abbr"``) and the value; hover = name, value with unit, rank, year,
    source. ``note`` adds the line that tells how to get real boundaries.

    The legend is drawn in data coordinates right next to the grid (trace ``legend``: swatches
    with their class labels; annotations for its title), so grid and legend stay together at
    any figure width and in exported images."""
    style = _style(presenter)
    layout = _tile_layout("kabkota")
    df = _frame(values, ind, year, lang, classes, source)
    df = df.merge(layout, left_on="region_code", right_on="code", how="inner")
    h = height or (style.height + (0 if presenter else 40))
    footer = [_source_line(df, lang, source)]
    if note:
        footer += [t("peta.map.tile_note", lang), t("peta.map.get_boundaries", lang)]
    rows, cols = int(layout["row"].max()), int(layout["col"].max())
    top = style.title + style.subtitle + 40
    bottom = 16 + style.footer_line * len([f for f in footer if f])
    tile_px = max((h - top - bottom) / (rows + 1.1), 20.0)
    spec = _Spec()
    half = TILE / 2
    entries = classes.legend_entries(with_counts=True, missing="auto")
    # one filled trace per class: squares with a white gap between them
    for index, label, colour in entries:
        part = df[df["class"] == index]
        xs, ys = [], []
        for col, row in zip(part["col"], part["row"]):
            x0, x1, y0, y1 = col - half, col + half, -row - half, -row + half
            xs += [x0, x1, x1, x0, x0, None]
            ys += [y0, y0, y1, y1, y0, None]
        trace = dict(x=xs, y=ys, mode="none", fill="toself", fillcolor=colour, name=label,
                     hoverinfo="skip", showlegend=False)
        if classes.palette == "high_contrast":
            trace.update(mode="lines", line=dict(color="#000000", width=style.border))
        if index < 0:
            trace["fillpattern"] = dict(shape="/", fgcolor=palette.MAP_MISSING_HATCH, bgcolor=colour,
                                        size=max(8, style.label_small), solidity=0.3, fillmode="replace")
        spec.add_trace("scatter", **trace)
    # labels (black or white by contrast) that also carry the hover of the whole tile
    # a name on two lines when one is wider than its tile (at presenter type "Kota Bekasi" ran out of
    # its tile into the white gap and read "Kota Bekas")
    fits = max(6, int(TILE * tile_px / (0.62 * style.label_small)))
    names = df["abbr"] if labels == "abbr" else df["short_name"].map(lambda n: _wrap(n, fits))
    # "no data" in the small size: in bold at the value's size it overruns the tile (many with the
    # switch "official figures only" on); the hatching already marks the gap
    small = f"<span style='font-size:{style.label_small}px'>"
    text = [f"{small}{n}</span><br>" + (f"{small}{v}</span>" if gap else f"<b>{v}</b>")
            for n, v, gap in zip(names, df["label_value"], df["value"].isna())]
    text_colour = [palette.text_on(c) for c in df["colour"]]
    spec.add_trace(
        "scatter", x=df["col"].tolist(), y=(-df["row"]).tolist(), mode="text", text=text, textposition="middle center",
        textfont=dict(size=style.label, color=text_colour, family=FONT_FAMILY),
        hovertext=df["hover"].tolist(), hovertemplate="%{hovertext}<extra></extra>", showlegend=False,
        name="labels")
    # legend column to the right of the grid
    title_lines = _legend_title(classes, ind, lang).split("<br>")
    line = style.legend * 1.45 / tile_px                 # one legend line in grid units
    x0 = cols + 0.5 + 0.35
    y = 0.45
    for _i, text_line in enumerate(title_lines):
        spec.add_annotation(x=x0 - 0.15, y=y, xref="x", yref="y", text=text_line, showarrow=False,
                            xanchor="left", yanchor="top", font=dict(size=style.legend, color=TEXT),
                            name="legend_title")
        y -= line
    y -= line * 0.6
    lx, ly, lt, lc = [], [], [], []
    for index, label, colour in entries:
        lx.append(x0)
        ly.append(y)
        lt.append(label)
        lc.append(colour)
        if index < 0:   # the hatch of the missing class, as on its tiles
            s = line * 0.42
            spec.add_trace(
                "scatter", x=[x0 - s, x0 + s, x0 + s, x0 - s, x0 - s], y=[y - s, y - s, y + s, y + s, y - s],
                mode="none", fill="toself", fillcolor=colour, hoverinfo="skip", showlegend=False,
                fillpattern=dict(shape="/", fgcolor=palette.MAP_MISSING_HATCH, bgcolor=colour, size=6,
                                 solidity=0.3, fillmode="replace"), name="legend_hatch")
        y -= line * 1.15
    spec.add_trace(
        "scatter", x=lx, y=ly, mode="markers+text", text=lt, textposition="middle right", name="legend",
        marker=dict(symbol="square", size=style.legend * 1.15, color=lc,
                    opacity=[0.0 if c == classes.missing_colour else 1.0 for c in lc],
                    line=dict(width=1 if classes.palette == "high_contrast" else 0, color="#000000")),
        textfont=dict(size=style.legend, color=TEXT), hoverinfo="skip", showlegend=False)
    widest = max([_text_width(tl, style.legend) for tl in title_lines] +
                 [_text_width(x, style.legend) + 2 * style.legend for x in lt] + [0])
    right = x0 + widest / tile_px + 0.2
    spec.layout.update(
        xaxis=dict(visible=False, range=[-0.55, right], fixedrange=True),
        yaxis=dict(visible=False, range=[-rows - 0.55, 0.55], scaleanchor="x", scaleratio=1, fixedrange=True),
        hovermode="closest", hoverdistance=-1, dragmode=False, showlegend=False)
    return _decorate(spec, title or ind.name(lang), _subtitle(ind, year, lang, classes, df),
                     footer, style, h, "")


def _source_line(df: pd.DataFrame, lang: str, source: str | None) -> str:
    text = _source_of(df, lang, source)
    return f"{t('peta.map.source', lang)}: {_esc(text)}" if text else ""


# ---------------------------------------------------------------------------------------------
# geographic map


def choropleth(values: pd.DataFrame, geojson: dict, ind, year, lang: str, classes: Classes,
               fit: str = "core", basemap: str = "white", presenter: bool = False,
               source: str | None = None, attribution: str | None = None, title: str | None = None,
               labels: bool | None = None, points: pd.DataFrame | None = None,
               height: int | None = None, width: int | None = None,
               outline: dict | None = None, plain: bool = False) -> go.Figure | dict:
    """Choropleth of ``values`` (region_code, name, short_name, value, optional source) on the
    features of ``geojson`` (feature id = region code).

    One choropleth trace per class (each holding only its own features, so the GeoJSON travels
    once in total): a categorical legend, highest class first, the missing class last and named;
    features of the GeoJSON that are not in ``values`` are drawn as plain outlines (context, e.g.
    Cianjur when the region set is Jabodetabek). ``fit="core"`` frames the 13 mainland kab/kota
    and names the regions left outside the frame with their values; ``fit="all"`` shows
    everything. ``basemap="white"`` draws on Plotly's geo subplot (see :func:`geo_layout`): SVG,
    no fonts or tiles to fetch, works offline, and exports as vectors; ``"osm"`` draws with
    MapLibre (``choroplethmap``) on OpenStreetMap tiles (online) and adds their credit.
    ``labels`` (default: on for kab/kota, off for kecamatan) names every region with its value
    (:mod:`jabodash.charts.maplabels`: inside when it fits, else beside it with a leader line), at
    ``points`` (code, lat, lon; default: the centre of each feature's largest inscribed circle).
    ``outline``: a second GeoJSON (the kab/kota) drawn as darker borders over a kecamatan map.
    ``plain``: the figure as the dict its ``to_dict()`` gives (for the page's map component, which
    sends it as JSON: no Plotly figure built and copied for it), to read only."""
    style = _style(presenter)
    prep = prepared(geojson)
    df = _frame(values, ind, year, lang, classes, source)
    pos = df["region_code"].map(prep.index)
    in_geo = pos.notna()
    df = df[in_geo].assign(pos=pos[in_geo].astype(int))
    kecamatan = bool(len(df)) and df["region_code"].str.len().max() > 4
    if labels is None:
        labels = not kecamatan
    geo = basemap != "osm"
    area, text = ("choropleth", "scattergeo") if geo else ("choroplethmap", "scattermap")
    line_width = style.border * (0.6 if kecamatan else 1.0)
    spec = _Spec()
    if geo:
        spec.add_trace("scattergeo", **GEO_FIRST_TRACE)
    # context: features without a row in values
    others = sorted(set(range(len(prep.codes))) - set(df["pos"]))
    if others:
        spec.add_trace(
            area, geojson=prep.subset(others), locations=[prep.codes[i] for i in others],
            z=[0] * len(others),
            colorscale=[[0, "#f4f4f4"], [1, "#f4f4f4"]], showscale=False,
            marker=dict(line=dict(color="#c8c8c8", width=line_width)), hoverinfo="skip", showlegend=False,
            name="context")
    _add_class_traces(spec, area, df, prep, classes, line_width)
    if outline is not None:
        oprep = prepared(outline)
        spec.add_trace(
            area, geojson=oprep.subset(range(len(oprep.codes))), locations=oprep.codes,
            z=[0] * len(oprep.codes),
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
            marker=dict(line=dict(color="#333333", width=style.border * 1.8)), hoverinfo="skip",
            showlegend=False, name="outline")
    h = height or style.height
    box = fit_bounds(geojson, fit)
    frame = maplabels.label_frame(df["short_name"] if labels else (), box, fit, style, presenter, h, width)
    legend_title = _legend_title(classes, ind, lang)
    key = None
    if geo:   # the legend in the map's emptiest corner
        present = set(df["class"])
        entries = [x for i, x, _ in classes.legend_entries(with_counts=True, missing="auto") if i in present]
        key = maplabels.legend_box([prep.geoms[p] for p in df["pos"]], frame, legend_title.split("<br>"),
                                   entries, style.legend)
    if labels and len(df):
        _add_labels(spec, text, df, prep, points, fit, box, style, presenter, frame, key)
    if geo:
        spec.layout.update(geo=geo_layout(frame.bounds), hovermode="closest")
    else:
        center, zoom = view_for_bounds(frame.bounds, int(frame.width), int(frame.height))
        spec.layout.update(map=dict(style="open-street-map", center=center, zoom=zoom), hovermode="closest")
    footer = _map_footer(df, lang, source, attribution, basemap, fit, labels)
    # the legend in the map's emptiest corner (geo): the map takes the figure's width
    return _decorate(spec, title or ind.name(lang), _subtitle(ind, year, lang, classes, df), footer, style, h,
                     legend_title, (key[0] / frame.width, key[3] / frame.height) if key is not None else None, plain)


# plotly.js (7.1's geo subplot) fetches a world outline from cdn.plot.ly when the *first* trace of a
# geo subplot has a ``locationmode`` (every choropleth has one), even with every base layer hidden:
# offline, the map then never draws. A first trace without locations asks for nothing. Every geo
# figure here starts with it (tests/test_peta.py holds it, the browser tests block outside hosts).
GEO_FIRST_TRACE = dict(lon=[], lat=[], mode="markers", hoverinfo="skip", showlegend=False,
                       name="frame")


def geo_layout(bounds: tuple[float, float, float, float]) -> dict:
    """A geo subplot showing ``bounds`` (lon_min, lat_min, lon_max, lat_max) in Mercator, with no
    base layer (coastlines, land, frame): only the figure's own polygons, drawn as SVG paths, and
    its labels as SVG text in the page's fonts. No WebGL and no glyph files (MapLibre's labels need
    both: offline its glyph request failed, "Map error.", and colliding labels were dropped)."""
    lon0, lat0, lon1, lat1 = (float(b) for b in bounds)
    return dict(visible=False, projection=dict(type="mercator"), bgcolor="rgba(0,0,0,0)",
                lonaxis=dict(range=[lon0, lon1]), lataxis=dict(range=[lat0, lat1]))


def _add_class_traces(spec: _Spec, area: str, df: pd.DataFrame, prep: Prepared, classes: Classes,
                      line_width: float) -> None:
    """One trace per class, holding only its own features: a categorical legend, highest class
    first, the missing class last."""
    line_colour = palette.MAP_BORDER_HIGH_CONTRAST if classes.palette == "high_contrast" else "#ffffff"
    cls = df["class"].to_numpy()
    pos, codes, hovers = df["pos"].tolist(), df["region_code"].tolist(), df["hover"].tolist()
    for index, label, colour in classes.legend_entries(with_counts=True, missing="auto"):
        part = np.flatnonzero(cls == index).tolist()
        if not part:
            continue
        spec.add_trace(
            area, geojson=prep.subset([pos[i] for i in part]), locations=[codes[i] for i in part],
            z=[0] * len(part), colorscale=[[0, colour], [1, colour]], zmin=0, zmax=1, showscale=False,
            marker=dict(line=dict(color=line_colour if index >= 0 else "#8c8c8c", width=line_width)),
            name=label, showlegend=True, legendrank=1000 if index < 0 else 100 - index,
            hovertext=[hovers[i] for i in part], hovertemplate="%{hovertext}<extra></extra>")


HALO = "1px 1px 2px #ffffff, -1px -1px 2px #ffffff, 1px -1px 2px #ffffff, -1px 1px 2px #ffffff"


def _add_labels(spec: _Spec, kind: str, df: pd.DataFrame, prep: Prepared, points: pd.DataFrame | None,
                fit: str, box: tuple, style: Style, presenter: bool, frame: maplabels.Frame,
                key: tuple | None = None) -> None:
    """Every region in the frame named (short name, value): inside it when the label fits, black
    or white by contrast with the fill; else beside it, black on a white halo, with a leader line."""
    if points is not None:
        pts = points.assign(code=points["code"].astype(str)).set_index("code")
        lat = df["region_code"].map(pts["lat"])
        lon = df["region_code"].map(pts["lon"])
    else:
        lat = pd.Series(prep.label_points[df["pos"], 1], index=df.index)
        lon = pd.Series(prep.label_points[df["pos"], 0], index=df.index)
    lon0, lat0, lon1, lat1 = box
    sel = lat.notna() & lon.between(lon0, lon1) & lat.between(lat0, lat1)
    if fit == "jakarta":   # the close-up labels only the five cities; the rest is cut off
        sel &= df["region_code"].str[:4].isin(JAKARTA)
    rows = df[sel]
    if rows.empty:
        return
    # a missing value keeps only its name (the grey fill and the legend say "no data")
    lines = [[n] if m else [n, v] for n, v, m in zip(rows["short_name"], rows["label_value"], rows["value"].isna())]
    # inside a region: the name on one line, else on two (as a callout, on one)
    inner = [(ls, [*_wrap(ls[0], 6).split("<br>"), *ls[1:]]) for ls in lines]
    items = []
    for code, position, x, y, ls, ins in zip(rows["region_code"], rows["pos"], lon[sel], lat[sel], lines, inner):
        w, h = maplabels.text_box(ls, style.label, presenter)
        boxes = tuple(maplabels.text_box(v, style.label, presenter) for v in ins)
        items.append(maplabels.Item(code, float(x), float(y), prep.geoms[position], w, h, boxes))
    placed = maplabels.place(items, frame, (tuple(key),) if key else ())
    weight = "bold" if presenter else "normal"
    dark = rows["colour"].map(lambda c: palette.text_on(c) == "#000000").tolist()
    inside = [p.inside for p in placed]
    texts = ["<br>".join(ins[p.variant] if p.inside else ls) for p, ls, ins in zip(placed, lines, inner)]
    hovers = rows["hover"].tolist()
    geo = kind == "scattergeo"
    for name, keep, colour in (("labels", [i and d for i, d in zip(inside, dark)], "#000000"),
                               ("labels", [i and not d for i, d in zip(inside, dark)], "#ffffff"),
                               ("callouts", [not i for i in inside], TEXT)):
        idx = [n for n, k in enumerate(keep) if k]
        if not idx:
            continue
        font = dict(size=style.label, color=colour, weight=weight)
        if geo and name == "callouts":
            font["shadow"] = HALO
        spec.add_trace(
            kind, lat=[placed[n].lat for n in idx], lon=[placed[n].lon for n in idx], mode="text",
            text=[texts[n] for n in idx], textfont=font, textposition="middle center",
            hovertext=[hovers[n] for n in idx],
            hovertemplate="%{hovertext}<extra></extra>", showlegend=False, name=name)
    leaders = [p.leader for p in placed if p.leader is not None]
    if leaders:
        spec.add_trace(
            kind, lon=[v for (a, b) in leaders for v in (a[0], b[0], None)],
            lat=[v for (a, b) in leaders for v in (a[1], b[1], None)], mode="lines",
            line=dict(color="#333333", width=1.5 if presenter else 1), hoverinfo="skip", showlegend=False,
            name="leaders")


def _map_footer(df: pd.DataFrame, lang: str, source: str | None, attribution: str | None, basemap: str,
                fit: str, labels: bool) -> list[str]:
    """Source line, credits (boundaries, OpenStreetMap) and the note on regions outside the frame
    (or, unlabelled, on Kep. Seribu's islands, too small to see)."""
    footer = [_source_line(df, lang, source)]
    credits = []
    if attribution:
        credits.append(f"{t('peta.map.boundaries', lang)}: {_esc(attribution)}")
    if basemap == "osm":
        credits.append(t("peta.map.basemap_osm", lang))
    footer.append(" · ".join(credits))
    if fit in ("core", "jakarta"):
        footer.append(_outside_note(df, lang, JAKARTA if fit == "jakarta" else None))
    elif not labels:
        footer.append(_outside_note(df, lang, too_small=True))
    return footer


def _outside_note(df: pd.DataFrame, lang: str, inside: tuple[str, ...] | None = None,
                  too_small: bool = False) -> str:
    """'Outside the frame: Kep. Seribu 12,3; Kab. Cianjur no data' for kab/kota maps fitted to
    the core (or to Jakarta: then every region but the five cities is listed, up to 8).
    ``too_small``: the whole extent is shown, and Kep. Seribu's islands are specks: name its value."""
    if df.empty or df["region_code"].str.len().max() > 4:
        return ""   # kecamatan: too many to list
    if too_small:
        out = df[df["region_code"] == "3101"]
        items = "; ".join(f"{n} {v}" for n, v in zip(out["short_name"], out["label_value"]))
        return t("peta.map.too_small", lang, items=items) if items else ""
    if inside is None:
        out = df[df["region_code"].isin(OUTSIDE_CORE)]
    else:
        out = df[~df["region_code"].isin(inside)]
    if out.empty or len(out) > 8:
        return ""
    items = "; ".join(f"{n} {v}" for n, v in zip(out["short_name"], out["label_value"]))
    return t("peta.map.outside_frame", lang, items=items)


# ---------------------------------------------------------------------------------------------
# convenience


def message_figure(text: str, presenter: bool = False, height: int = 300) -> go.Figure:
    """An empty figure that says why there is no map (e.g. kecamatan without boundaries)."""
    style = _style(presenter)
    fig = go.Figure()
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                       font=dict(size=style.font, color=MUTED))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=height, paper_bgcolor="white", plot_bgcolor="white",
                      margin=dict(l=10, r=10, t=10, b=10))
    return fig


def map_view(values: pd.DataFrame, ind, year, lang: str, classes: Classes, level: str = "kabkota",
             geojson: dict | None = None, view: str = "auto", **kwargs) -> go.Figure:
    """Pick the view: ``view="tiles"`` or no boundaries at kab/kota -> :func:`tile_map`;
    ``"geo"``/``"auto"`` with boundaries -> :func:`choropleth`; kecamatan without boundaries ->
    a message figure that says how to get them. Keyword arguments go to the chosen builder."""
    if level == "kecamatan" and geojson is None:
        return message_figure(t("peta.map.kecamatan_needs_boundaries", lang), kwargs.get("presenter", False))
    if view == "tiles" or geojson is None:
        allowed = {"title", "presenter", "source", "labels", "note", "height"}
        return tile_map(values, ind, year, lang, classes, **{k: v for k, v in kwargs.items() if k in allowed})
    allowed = {"fit", "basemap", "presenter", "source", "attribution", "title", "labels", "points",
               "height", "width", "outline", "plain"}
    return choropleth(values, geojson, ind, year, lang, classes,
                      **{k: v for k, v in kwargs.items() if k in allowed})


@dataclass(frozen=True)
class AreaIndicator:
    """Indicator-like metadata for the area computed from boundary data (any level)."""

    decimals: int = 2
    higher_is_better: bool | None = None
    id: str = "boundary_area_km2"

    def name(self, lang: str) -> str:
        return t("peta.map.area.name", lang)

    def short(self, lang: str) -> str:
        return t("peta.map.area.short", lang)

    def unit(self, lang: str) -> str:
        return t("peta.map.area.unit", lang)


def area_values(gdf: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """A values frame (region_code, name, short_name, value, source) of ``area_km2`` from a
    boundary GeoDataFrame (``boundaries.BoundarySet.gdf``): what the kecamatan level can show
    without any uploaded data."""
    out = pd.DataFrame({"region_code": gdf["code"].astype(str).to_numpy(), "name": gdf["name"].to_numpy(),
                        "value": pd.to_numeric(gdf["area_km2"], errors="coerce").to_numpy()})
    out["short_name"] = out["name"]
    out["source"] = source
    return out
