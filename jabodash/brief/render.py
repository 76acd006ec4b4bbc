"""Images of a brief's figures, rendered by the system Chromium through the existing export path
(jabodash.presenter.exports: kaleido, offline flags, one browser for the whole brief).

* the deck needs the maps only (rankings and trends are native charts): 1920x1080 PNG with the
  projector styling of the presenter page;
* the PDF brief needs every figure: the page figures (14 px type) at a size that prints at about
  8 pt in the brief's column.
"""
from __future__ import annotations

from jabodash.brief.model import Brief
from jabodash.presenter import exports, views

DECK_SIZE = (1920, 1080)
PDF_SIZE = (660, 430)


def _figure(slide, src, lang: str, for_pdf: bool):
    if for_pdf:
        fig, _ = views.figure_for(slide.state, src, lang, presenter=False, kind=slide.kind)
        fig.update_layout(width=PDF_SIZE[0], height=PDF_SIZE[1], autosize=False)
        return fig
    fig, _ = views.figure_for(slide.state, src, lang, presenter=True, kind=slide.kind,
                              width=DECK_SIZE[0], height=DECK_SIZE[1])
    return fig


def render(brief: Brief, src, for_pdf: bool = False) -> Brief:
    """Fill ``slide.image`` of the slides that need one (in place; returns ``brief``). Raises
    exports.ExportUnavailable without a Chromium."""
    wanted = [s for s in brief.slides if for_pdf or s.kind == "map"]
    if not wanted:
        return brief
    width, height = PDF_SIZE if for_pdf else DECK_SIZE
    figures = (_figure(s, src, brief.lang, for_pdf) for s in wanted)
    images = exports.render_many(figures, "png", width, height, tabs=exports.BATCH_TABS)
    for slide, image in zip(wanted, images):
        slide.image = image
    return brief
