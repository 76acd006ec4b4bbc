"""The presenter page's logic without its widgets: which story and step a session shows, and
the story editor's actions.

The story being shown lives in the session (it may have been edited or uploaded); the URL names
it (``story``, the name of a file in data/stories/, never a path) and its ``step`` (1-based).
:func:`open_story` picks the story and step of a run and returns a :class:`Shown` and the
notices for the page to show; an :class:`Editor` holds the actions the page's buttons call
(step and presenter links, add the current view, rename, move, remove, reload a shipped story,
take an uploaded story file). Both work on the session state and the query parameters as plain
mappings (the page passes ``st.session_state`` and ``st.query_params``), so that nothing here
imports streamlit; texts are escaped here, ready for Markdown.
"""
from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Callable, Iterable

import pandas as pd
import plotly.graph_objects as go

from jabodash.core import state as state_mod
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.features import sasaran  # noqa: F401 -- registers the story kind "targets" with the views
from jabodash.presenter import exports, stories, views

STORY_KEY = "_jabodash_story"          # {"story": Story, "origin": "shipped"|"uploaded", "modified": bool}
UPLOAD_SEEN = "_jabodash_story_upload"  # file_id of the last processed upload
MESSAGE_KEY = "_jabodash_story_msg"     # ("error"|"success", text) for the next run
CONTRAST_KEY = "w_high_contrast"        # the high-contrast toggle
SIZE_KEY = "w_export_size"              # the export size, one of exports.SIZES
DEFAULT_STORY = "jabodetabek_dalam_angka"


@dataclass(frozen=True)
class Check:
    """What a story may name: the known indicators (built-in, saved uploads and this session's
    uploads) and the years of each, read only when a story is loaded or parsed."""

    indicators: Callable[[], Iterable[str]]
    years_of: Callable[[str], list[int]]

    def load(self, name: str) -> stories.Story:
        return stories.load_story(name, indicators=set(self.indicators()), years_of=self.years_of)

    def parse(self, data: bytes | str, name: str) -> stories.Story:
        return stories.parse_story(data, name=name, indicators=set(self.indicators()), years_of=self.years_of)


@dataclass(frozen=True)
class Shown:
    """The story and step a run shows: ``state`` is the page's view (story, step and palette in
    the URL), ``step_view`` the view of the step's figure."""

    entry: dict
    state: state_mod.ViewState
    step_no: int
    step_view: state_mod.ViewState

    @property
    def story(self) -> stories.Story:
        return self.entry["story"]

    @property
    def total(self) -> int:
        return len(self.story.steps)

    @property
    def step(self) -> stories.Step:
        return self.story.steps[self.step_no - 1]

    @property
    def file_stem(self) -> str:
        return f"jabodash_{self.story.name}_{self.step_no:02d}"

    def figure(self, source, lang: str, presenter: bool, width: int | None = None,
               height: int = views.SCREEN_HEIGHT) -> tuple[go.Figure, pd.DataFrame]:
        """The step's figure and its data (views.figure_for): presenter styling at ``width`` x
        ``height`` when ``presenter``, otherwise the dashboard's usual styling."""
        return views.figure_for(self.step_view, source, lang, presenter=presenter, kind=self.step.kind,
                                width=width, height=height)


def _shipped_entry(check: Check, name: str, lang: str, notices: list) -> dict | None:
    try:
        return {"story": check.load(name), "origin": "shipped", "modified": False}
    except stories.StoryError as exc:
        notices.append(("error", t("presentasi.shipped_broken", lang, name=name,
                                   error=md_escape(exc.message(lang), 300))))
        return None


def open_story(session: MutableMapping, state: state_mod.ViewState, shipped: list[str],
               check: Check) -> tuple[Shown | None, list[tuple[str, str]]]:
    """The story and step of this run, and the notices to show (("error" | "toast", text)).

    The session's story stays unless the URL names another: a shipped one is loaded, an
    unknown name gives a notice. Without any story, the default shipped story (or the first).
    A step past the end shows the last. The high-contrast toggle starts from the URL's palette
    and sets it; the export size starts at the first of exports.SIZES. None when there is no
    story at all."""
    lang = state.lang
    notices: list[tuple[str, str]] = []
    current = session.get(STORY_KEY)
    wanted = state.story
    if wanted and (current is None or current["story"].name != wanted):
        if wanted in shipped:
            current = _shipped_entry(check, wanted, lang, notices) or current
        else:
            notices.append(("toast", t("presentasi.story_not_found", lang, name=md_escape(wanted, 64))))
    if current is None and shipped:
        current = _shipped_entry(check, DEFAULT_STORY if DEFAULT_STORY in shipped else shipped[0], lang, notices)
    if current is None:
        return None, notices
    session[STORY_KEY] = current
    total = len(current["story"].steps)
    step_no = state.step or 1
    if step_no > total:
        notices.append(("toast", t("presentasi.step_out_of_range", lang, value=step_no, n=total)))
        step_no = total
    state = state.with_(story=current["story"].name, step=step_no)

    if session.get(SIZE_KEY) not in exports.SIZES:
        session[SIZE_KEY] = exports.SIZES[0]
    if CONTRAST_KEY not in session:
        session[CONTRAST_KEY] = state.palette == "high_contrast"
    high_contrast = bool(session[CONTRAST_KEY])
    if high_contrast:
        state = state.with_(palette="high_contrast")
    elif state.palette == "high_contrast":
        state = state.with_(palette="default")
    step_view = stories.step_state(current["story"].steps[step_no - 1], lang)
    if high_contrast:
        step_view = step_view.with_(palette="high_contrast")
    return Shown(current, state, step_no, step_view), notices


def current_view_text(view_state: state_mod.ViewState, indicators: pd.DataFrame, lang: str) -> str:
    """'The current view: <indicator>, <year>' for the editor (the view of the page visited
    before this one); ``indicators`` is the indicator table (id, name_id, name_en)."""
    year_text = str(view_state.year) if view_state.year else t("presentasi.editor.latest_year", lang)
    names = dict(zip(indicators["id"], indicators["name_en" if lang == "en" else "name_id"]))
    return t("presentasi.editor.current_view", lang,
             indicator=md_escape(names.get(view_state.indicator, view_state.indicator), 120), year=year_text)


def step_label(index: int, step: stories.Step, current: int, lang: str) -> str:
    """A line of the editor's step list: '▶ 2. Title · Ranking' (▶ marks the step shown)."""
    marker = "▶ " if index + 1 == current else ""
    return f"{marker}{index + 1}\\. {md_escape(step.title_in(lang), 120)} · {t('presentasi.kind.' + step.kind, lang)}"


class Editor:
    """The presenter page's actions (button callbacks) on the session state and the URL's query
    parameters of the run that drew the buttons."""

    def __init__(self, session: MutableMapping, params: MutableMapping, shown: Shown, shipped: list[str],
                 check: Check, lang: str):
        self.session, self.params, self.shown = session, params, shown
        self.shipped, self.check, self.lang = shipped, check, lang

    # --- the step and the layout in the URL
    def set_step(self, number: int) -> None:
        self.params["step"] = str(number)

    def set_presenter(self, on: bool) -> None:
        if on:
            self.params["presenter"] = "1"
        elif "presenter" in self.params:
            del self.params["presenter"]

    # --- editing the session's story
    def _update(self, story: stories.Story, step: int | None = None) -> None:
        self.session[STORY_KEY] = {**self.session[STORY_KEY], "story": story, "modified": True}
        if step is not None:
            self.set_step(step)

    def _error(self, exc: stories.StoryError) -> None:
        self.session[MESSAGE_KEY] = ("error", exc.message(self.lang))

    def add_current_view(self, view_state: state_mod.ViewState) -> None:
        """A new last step from the editor's fields (kind, title, note) and ``view_state``."""
        story = self.shown.story
        kind = self.session.get("w_new_kind", "ranking")
        title = self.session.get("w_new_title", "").strip()
        note = self.session.get("w_new_note", "")
        try:
            new_step = stories.Step(title=title, note=note, view=stories.view_of_state(view_state, kind))
            checked = self.check.parse(stories.dump_story(stories.add_step(story, new_step)), name=story.name)
        except stories.StoryError as exc:
            self._error(exc)
            return
        self._update(checked, step=len(checked.steps))
        self.session[MESSAGE_KEY] = ("success", t("presentasi.editor.added", self.lang, n=len(checked.steps)))
        self.session["w_new_title"] = ""
        self.session["w_new_note"] = ""

    def rename(self, key: str) -> None:
        try:
            self._update(stories.with_title(self.shown.story, self.session.get(key, "")))
        except stories.StoryError as exc:
            self._error(exc)

    def move(self, index: int, offset: int) -> None:
        total = self.shown.total
        self._update(stories.move_step(self.shown.story, index, offset), step=max(1, min(total, index + offset + 1)))

    def remove(self, index: int) -> None:
        total = self.shown.total
        self._update(stories.remove_step(self.shown.story, index), step=max(1, min(self.shown.step_no, total - 1)))

    def reload_shipped(self, key: str) -> None:
        name = self.session.get(key)
        if name in self.shipped:
            self.session.pop(STORY_KEY, None)
            self.params["story"] = name
            self.params["step"] = "1"

    def take_upload(self, upload) -> tuple[bool, str | None]:
        """Read an uploaded story file (once per file): (loaded, error text). A loaded story
        becomes the session's, its name and step 1 go to the URL and the page reruns."""
        if upload is None or self.session.get(UPLOAD_SEEN) == upload.file_id:
            return False, None
        self.session[UPLOAD_SEEN] = upload.file_id
        try:
            if upload.size > stories.MAX_BYTES:
                raise stories.StoryError("too_big", size=upload.size // 1024 + 1, limit=stories.MAX_BYTES // 1024)
            loaded = self.check.parse(upload.getvalue(), name=stories.slug(upload.name.rsplit(".", 1)[0]))
        except stories.StoryError as exc:
            return False, t("presentasi.editor.upload_failed", self.lang) + " " + md_escape(exc.message(self.lang), 400)
        self.session[STORY_KEY] = {"story": loaded, "origin": "uploaded", "modified": False}
        self.session[MESSAGE_KEY] = ("success", t("presentasi.editor.uploaded", self.lang, title=loaded.title,
                                                  n=len(loaded.steps)))
        self.params["story"] = loaded.name
        self.params["step"] = "1"
        return True, None

    def pop_message(self) -> tuple[str, str] | None:
        """The message an action left for this run ("error" | "success", escaped text)."""
        message = self.session.pop(MESSAGE_KEY, None)
        return (message[0], md_escape(message[1], 400)) if message else None
