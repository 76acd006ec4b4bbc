"""Stories: a titled list of steps (title, short note, a view) kept in a TOML file.

A story file (``data/stories/<name>.toml`` for the shipped ones, or a file a presenter uploads)::

    title = "Jabodetabek dalam angka"
    lang = "id"                       # language of the titles and notes (default "id")
    description = "..."               # optional

    [[step]]
    title = "Penduduk hasil SP2020"
    note = "Kab. Bogor ..."           # optional, plain text (never rendered as Markdown/HTML)
    title_en = "..."                  # optional English title / note
    note_en = "..."
    kind = "ranking"                  # ranking | trend | map | cooperation (default ranking)
    indicator = "population_census"   # not needed by kind "cooperation" (the agreements network)
    year = 2020                       # optional: the latest year with data when left out
    region_set = "agglomeration"      # the other view keys are those of the URL (jabodash.core.state)
    regions = ["3203"]                # highlighted regions

A step's view uses the same keys and values as the URL query parameters of every page (see
:mod:`jabodash.core.state`) plus ``kind``; the language of the figures is the presenter's, not the
file's. :func:`parse_story` checks everything and raises :class:`StoryError` naming the step and
the key (bad TOML with its line, values nested too deeply, missing title, unknown key or
indicator, bad year, too many steps, file too big). :func:`dump_story` writes the TOML back (strings escaped here; the result
is read back by ``tomllib``). Editing is by pure functions that return a new story.

Nothing here imports streamlit.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

from jabodash.core import state as state_mod
from jabodash.core.i18n import LANGUAGES, t
from jabodash.core.paths import DATA_DIR

STORIES_DIR = DATA_DIR / "stories"
MAX_BYTES = 64 * 1024
MAX_STEPS = 40
MAX_TITLE = 120
MAX_NOTE = 600
KINDS = ("ranking", "trend", "map", "cooperation", "targets")   # "targets": made by jabodash.features.sasaran (views.MAKERS)
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

# keys of a step's view, in the order they are written back
VIEW_KEYS = ("kind", "indicator", "year", "region_set", "level", "map_type", "classification", "classes",
             "palette", "regions")
TEXT_KEYS = ("title", "note", "title_en", "note_en")
STEP_KEYS = TEXT_KEYS + VIEW_KEYS
STORY_KEYS = ("title", "lang", "description", "step")
_CHOICES = {
    "kind": KINDS,
    "region_set": state_mod.REGION_SETS,
    "level": state_mod.LEVELS,
    "map_type": state_mod.MAP_TYPES,
    "classification": state_mod.CLASSIFICATIONS,
    "palette": state_mod.PALETTES,
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class StoryError(ValueError):
    """A story file that cannot be used. ``key`` is the i18n key (under presenter.error) and
    ``params`` fill its placeholders (step number, key name, value...)."""

    def __init__(self, key: str, /, **params: Any):
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "id") -> str:
        text = t(f"presentasi.error.{self.key}", lang, **self.params)
        if "step" in self.params:
            text = t("presentasi.error.at_step", lang, step=self.params["step"]) + " " + text
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Step:
    title: str
    view: dict = field(default_factory=dict)     # kind + view keys (no defaults filled in)
    note: str = ""
    title_en: str = ""
    note_en: str = ""

    def title_in(self, lang: str) -> str:
        return (self.title_en or self.title) if lang == "en" else self.title

    def note_in(self, lang: str) -> str:
        return (self.note_en or self.note) if lang == "en" else self.note

    @property
    def kind(self) -> str:
        return self.view.get("kind", "ranking")


@dataclass(frozen=True)
class Story:
    title: str
    steps: tuple[Step, ...] = ()
    lang: str = "id"
    description: str = ""
    name: str = "cerita"


# ---------------------------------------------------------------------------------------------
# names and files


def valid_name(name: object) -> bool:
    return isinstance(name, str) and bool(NAME_RE.match(name))


def slug(text: str, fallback: str = "cerita") -> str:
    """A file-name-safe name: lower-case ASCII letters, digits, '-' and '_' (at most 64).
    Accents are dropped (é -> e); any other character separates words."""
    chars = []
    for ch in unicodedata.normalize("NFKD", str(text)):
        if unicodedata.category(ch).startswith("M"):
            continue
        chars.append(ch if ch.isascii() else " ")
    out = re.sub(r"[^a-z0-9]+", "_", "".join(chars).lower()).strip("_")[:64].strip("_")
    return out if valid_name(out) else fallback


def list_stories(folder=STORIES_DIR) -> list[str]:
    """Names of the shipped stories (file stems), sorted."""
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.toml") if valid_name(p.stem) and p.is_file())


def load_story(name: str, indicators: set[str] | None = None,
               years_of: Callable[[str], Iterable[int]] | None = None, folder=STORIES_DIR) -> Story:
    """A shipped story by name. The name is looked up among the files of the folder, never used
    as a path (so '../x' or an absolute path can never be read)."""
    if not valid_name(name) or name not in list_stories(folder):
        raise StoryError("not_found", name=str(name)[:64])
    data = (folder / f"{name}.toml").read_bytes()
    return parse_story(data, name=name, indicators=indicators, years_of=years_of)


# ---------------------------------------------------------------------------------------------
# parsing and validation


def _text(value: Any, where: dict, key: str, limit: int, required: bool = False) -> str:
    if value is None:
        if required:
            raise StoryError("missing_key", field=key, **where)
        return ""
    if not isinstance(value, str):
        raise StoryError("not_text", field=key, **where)
    value = _CONTROL.sub("", value.replace("\r\n", "\n")).strip()
    if required and not value:
        raise StoryError("missing_key", field=key, **where)
    if len(value) > limit:
        raise StoryError("too_long", field=key, limit=limit, **where)
    return value


def _where(n: int | None) -> dict:
    return {"step": n} if n is not None else {}


def _view(raw: dict, n: int, indicators: set[str] | None,
          years_of: Callable[[str], Iterable[int]] | None) -> dict:
    view: dict = {}
    where = _where(n)
    for key, allowed in _CHOICES.items():
        if key in raw:
            value = raw[key]
            if value not in allowed:
                raise StoryError("bad_choice", field=key, value=_short(value), allowed=", ".join(allowed), **where)
            view[key] = value
    if raw.get("kind") == "cooperation" and "indicator" not in raw:
        return view   # the cooperation network (jabodash.store.cooperation) needs no indicator
    if "indicator" not in raw:
        raise StoryError("missing_key", field="indicator", **where)
    indicator = raw["indicator"]
    if not isinstance(indicator, str) or (indicators is not None and indicator not in indicators):
        raise StoryError("unknown_indicator", value=_short(indicator), **where)
    view["indicator"] = indicator
    if "year" in raw:
        year = raw["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
            raise StoryError("bad_year", value=_short(year), **where)
        if years_of is not None and view.get("kind", "ranking") not in ("trend", "targets"):
            years = sorted(int(y) for y in years_of(indicator))
            if year not in years:
                shown = ", ".join(str(y) for y in years[-8:]) or "-"
                raise StoryError("year_without_data", value=year, indicator=indicator, years=shown, **where)
        view["year"] = year
    if "classes" in raw:
        classes = raw["classes"]
        if isinstance(classes, bool) or not isinstance(classes, int) or not 3 <= classes <= 7:
            raise StoryError("bad_classes", value=_short(classes), **where)
        view["classes"] = classes
    if "regions" in raw:
        regions = raw["regions"]
        if isinstance(regions, str):
            regions = [code.strip() for code in regions.split(",") if code.strip()]
        if not isinstance(regions, list) or not all(isinstance(c, str) and re.fullmatch(r"\d{4,7}", c)
                                                    for c in regions) or len(regions) > 250:
            raise StoryError("bad_regions", value=_short(raw["regions"]), **where)
        view["regions"] = list(dict.fromkeys(regions))
    return view


def _short(value: Any, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def parse_story(data: bytes | str, name: str = "cerita", indicators: set[str] | None = None,
                years_of: Callable[[str], Iterable[int]] | None = None) -> Story:
    """Read and check a story file. ``indicators``: the known indicator ids (None: not checked);
    ``years_of(indicator)``: the years with data (None: only the range 1900-2100 is checked)."""
    raw_bytes = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw_bytes) > MAX_BYTES:
        raise StoryError("too_big", size=len(raw_bytes) // 1024 + 1, limit=MAX_BYTES // 1024)
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StoryError("not_utf8") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        detail = re.sub(r"\s*\(at .*\)$", "", str(exc))
        raise StoryError("syntax", line=found.group(1) if found else "?", detail=_short(detail, 80)) from None
    except (RecursionError, MemoryError):
        # tomllib recurses once per level of nested arrays and inline tables: a file nested
        # deeper than Python's stack (``x = [[[[...]]]]``) is no story
        raise StoryError("too_deep") from None
    for key in doc:
        if key not in STORY_KEYS:
            raise StoryError("unknown_story_key", field=_short(key))
    title = _text(doc.get("title"), {}, "title", MAX_TITLE, required=True)
    lang = doc.get("lang", "id")
    if lang not in LANGUAGES:
        raise StoryError("bad_choice", field="lang", value=_short(lang), allowed=", ".join(LANGUAGES))
    description = _text(doc.get("description"), {}, "description", MAX_NOTE)
    raw_steps = doc.get("step", [])
    if not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
        raise StoryError("steps_not_tables")
    if not raw_steps:
        raise StoryError("no_steps")
    if len(raw_steps) > MAX_STEPS:
        raise StoryError("too_many_steps", n=len(raw_steps), limit=MAX_STEPS)
    steps = []
    for n, raw in enumerate(raw_steps, start=1):
        where = _where(n)
        for key in raw:
            if key not in STEP_KEYS:
                raise StoryError("unknown_key", field=_short(key), **where)
        steps.append(Step(
            title=_text(raw.get("title"), where, "title", MAX_TITLE, required=True),
            note=_text(raw.get("note"), where, "note", MAX_NOTE),
            title_en=_text(raw.get("title_en"), where, "title_en", MAX_TITLE),
            note_en=_text(raw.get("note_en"), where, "note_en", MAX_NOTE),
            view=_view(raw, n, indicators, years_of)))
    return Story(title=title, steps=tuple(steps), lang=lang, description=description,
                 name=name if valid_name(name) else slug(name))


# ---------------------------------------------------------------------------------------------
# writing TOML (small and safe: basic strings with every control character escaped)

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(value: str) -> str:
    out = []
    for ch in str(value):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return toml_string(value)


def dump_story(story: Story) -> str:
    """The story as TOML text (UTF-8); parse_story(dump_story(s)) gives s back."""
    lines = [f"title = {toml_string(story.title)}", f"lang = {toml_string(story.lang)}"]
    if story.description:
        lines.append(f"description = {toml_string(story.description)}")
    for step in story.steps:
        lines += ["", "[[step]]", f"title = {toml_string(step.title)}"]
        for key in ("note", "title_en", "note_en"):
            if getattr(step, key):
                lines.append(f"{key} = {toml_string(getattr(step, key))}")
        for key in VIEW_KEYS:
            if key in step.view and step.view[key] is not None:
                lines.append(f"{key} = {_toml_value(step.view[key])}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# editing (pure functions: a new Story each time)


def view_of_state(view_state: state_mod.ViewState, kind: str = "ranking") -> dict:
    """The view of a step from a page's ViewState: kind plus the non-default view keys."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    default = state_mod.ViewState()
    view: dict = {"kind": kind, "indicator": view_state.indicator}
    for key in VIEW_KEYS[2:]:
        value = getattr(view_state, key)
        if value is None or value == getattr(default, key):
            continue
        view[key] = list(value) if isinstance(value, tuple) else value
    return view


def add_step(story: Story, step: Step, position: int | None = None) -> Story:
    """Insert ``step`` at ``position`` (0-based; default: at the end)."""
    if len(story.steps) >= MAX_STEPS:
        raise StoryError("too_many_steps", n=len(story.steps) + 1, limit=MAX_STEPS)
    steps = list(story.steps)
    steps.insert(len(steps) if position is None else max(0, min(position, len(steps))), step)
    return replace(story, steps=tuple(steps))


def move_step(story: Story, index: int, offset: int) -> Story:
    """Move the step at ``index`` (0-based) by ``offset`` places (clamped to the ends)."""
    steps = list(story.steps)
    if not 0 <= index < len(steps):
        return story
    target = max(0, min(len(steps) - 1, index + offset))
    steps.insert(target, steps.pop(index))
    return replace(story, steps=tuple(steps))


def remove_step(story: Story, index: int) -> Story:
    """Remove the step at ``index`` (0-based); the last step of a story is never removed."""
    if len(story.steps) <= 1 or not 0 <= index < len(story.steps):
        return story
    return replace(story, steps=story.steps[:index] + story.steps[index + 1:])


def with_title(story: Story, title: str) -> Story:
    return replace(story, title=_text(title, {}, "title", MAX_TITLE, required=True))


def step_state(step: Step, lang: str = "id") -> state_mod.ViewState:
    """The ViewState of a step: its view keys over the defaults, in the presenter's language.
    Keys a step leaves out take their default (not the presenter's sidebar choice), so a story
    shows the same figures on every laptop."""
    changes = {}
    for key in VIEW_KEYS[1:]:
        if key in step.view:
            value = step.view[key]
            changes[key] = tuple(value) if isinstance(value, list) else value
    return state_mod.ViewState(lang=lang, **changes)
