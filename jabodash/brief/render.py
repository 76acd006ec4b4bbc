"""Images of a brief's figures, rendered by the system Chromium through the existing export path
(jabodash.presenter.exports: kaleido, offline flags, one browser for the whole brief).

* the deck needs the maps only (rankings and trends are native charts): 1920x1182 PNG with the
  projector styling of the presenter page;
* the PDF brief draws its rankings and trends itself, as vector graphics (plotly.js in the page
  that Chromium prints; :attr:`Slide.figure_json`: the page figures, 14 px type printed at about
  7 pt) and needs PNGs of the maps only (projector type sizes on a 1000 px wide map).
"""
from __future__ import annotations

from jabodash.brief.outline import NATIVE_KINDS, Brief, bar_data
from jabodash.core.i18n import t
from jabodash.presenter import exports, views

DECK_SIZE = (1280, 788)     # the deck's map box (8.45 x 5.2 in), drawn at 1.5 times these pixels
DECK_SCALE = 1.5   # 1920x1182 px on an 8.45 in box: about 230 dpi
PDF_SIZE = (660, 430)       # a ranking or trend in the PDF (page type, 14 px): printed 111 mm wide
PDF_MAP_SIZE = (1000, 650)  # a map in the PDF, at the projector's type sizes: printed 111 mm wide


def _is_footer(annotation) -> bool:
    return annotation.yref == "paper" and annotation.y is not None and annotation.y <= 0


def _figure(slide, src, lang: str, for_pdf: bool):
    if for_pdf and slide.kind in (*NATIVE_KINDS, "cooperation"):
        fig, _ = views.figure_for(slide.state, src, lang, presenter=False, kind=slide.kind)
        # the source line is printed under the chart, in full: not inside it, cut at its edge
        fig.layout.annotations = [a for a in fig.layout.annotations if not _is_footer(a)]
        # a trend's legend names every region (15 lines), a network its parties: more height
        height = PDF_SIZE[1] + (90 if slide.kind == "trend" else 170 if slide.kind == "cooperation" else 0)
        fig.update_layout(width=PDF_SIZE[0], height=height, autosize=False, legend_font_size=11)
        return fig
    width, height = PDF_MAP_SIZE if for_pdf else DECK_SIZE
    fig, _ = views.figure_for(slide.state, src, lang, presenter=True, kind=slide.kind, width=width, height=height)
    if slide.kind not in ("map", "cooperation"):
        return fig   # another page's figure (the targets matrix): as designed for the projector, scaled
    # the projector's type sizes of a full 1920x1080 screen on the smaller box: the map fills
    # two thirds of a slide, so its labels and legend stay readable from the back of the room
    views.presentify(fig, width=None, height=height)
    fig.update_layout(width=width, height=height, autosize=False)
    # the slide's title (the PDF's step heading) says the message: the map's own title, the
    # indicator's full name, is smaller so that it fits the box
    fig.update_layout(title_font_size=26, title_subtitle_font_size=18)
    for trace in fig.data:   # the network's node labels at the legend's size
        if getattr(trace, "mode", None) == "markers+text":
            trace.textfont.size = 18
    # the slide's footer names the sources in full; the map keeps its boundary and frame notes
    prefix = t("peta.map.source", lang) + ":"
    # (a long source line wraps: its continuation lines carry no "label: " of their own)
    fig.layout.annotations = [a for a in fig.layout.annotations
                              if not (_is_footer(a) and (str(a.text or "").startswith(prefix)
                                                         or ": " not in str(a.text or "")))]
    return fig


def render(brief: Brief, src, for_pdf: bool = False) -> Brief:
    """Fill ``slide.image`` of the map slides (and, for the PDF, ``slide.figure_json`` of the
    others) in place; returns ``brief``. Without a Chromium the deck's maps become native bar
    charts of the same figures; the PDF raises exports.ExportUnavailable."""
    vector = (*NATIVE_KINDS, "cooperation")   # the PDF draws these itself, as vector charts
    if for_pdf:
        for s in brief.slides:
            if s.kind in vector:
                s.figure_json = _figure(s, src, brief.lang, True).to_json()
    # the deck draws every kind but rankings and trends as an image (maps, the cooperation network,
    # the targets matrix...); the PDF maps and other pages' figures (drawn for the projector)
    wanted = [s for s in brief.slides if s.kind not in (vector if for_pdf else NATIVE_KINDS)]
    if not wanted:
        return brief
    if not for_pdf and exports.chromium_path() is None:
        # no browser to draw a map here: the deck shows the same figures as native bars
        for s in wanted:
            s.chart = bar_data(s.frame, s.indicator, s.year, brief.lang, tuple(s.state.regions))
            if s.kind != "map":
                s.chart.title = s.indicator.name(brief.lang)
            s.notes += "\n" + t("brief.map_as_bars", brief.lang)
        return brief
    width, height = PDF_MAP_SIZE if for_pdf else DECK_SIZE
    figures = (_figure(s, src, brief.lang, for_pdf) for s in wanted)
    images = exports.render_many(figures, "png", width, height, tabs=exports.BATCH_TABS,
                                 scale=DECK_SCALE)
    for slide, image in zip(wanted, images):
        slide.image = image
    return brief
