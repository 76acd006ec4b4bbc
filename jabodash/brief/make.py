"""What the CLI and the pages call: a deck or a PDF brief as bytes, from a story, a region or one
view. ``src`` is a DataSource (the app passes the session's, the CLI the store's plus the saved
datasets)."""
from __future__ import annotations

from jabodash.brief import deck, pdf, profile, render
from jabodash.brief import outline as model
from jabodash.brief.outline import Brief
from jabodash.core import state as state_mod
from jabodash.presenter import stories

FORMATS = ("pptx", "pdf")
MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf"}


def file_name(stem: str, fmt: str) -> str:
    """A safe download name: ``bahan_rapat_<stem>.pptx``."""
    return f"bahan_rapat_{stories.slug(stem, 'jabodash')[:48]}.{fmt}"


def output(brief: Brief, src, fmt: str = "pptx") -> bytes:
    """The brief rendered: the deck (maps as images) or the PDF (every figure as an image)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    render.render(brief, src, for_pdf=fmt == "pdf")
    return deck.build(brief) if fmt == "pptx" else pdf.build(brief)


def story_brief(src, story: stories.Story, fmt: str = "pptx", lang: str | None = None,
                region_set: str | None = None) -> bytes:
    src = model.memoized(src)
    return output(model.from_story(src, story, lang, region_set), src, fmt)


def region_brief(src, region: str, fmt: str = "pptx", lang: str = "id", region_set: str = "agglomeration") -> bytes:
    src = model.memoized(src)
    return output(profile.from_region(src, region, lang, region_set), src, fmt)


def view_brief(src, state: state_mod.ViewState, kind: str = "ranking", fmt: str = "pptx", title: str = "") -> bytes:
    """One page view as a slide ("this view as a slide")."""
    src = model.memoized(src)
    return output(model.from_view(src, state, kind, title=title), src, fmt)
