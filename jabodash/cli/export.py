"""python -m jabodash export --story FILE --out DIR [--format png|svg|pdf]: every step of a story
as an image file (for a slide deck), rendered with one system Chromium for the whole batch."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from jabodash.features import sasaran  # noqa: F401 -- registers the story kind "targets" with the views
from jabodash.official import dataset as _refresh_kind  # noqa: F401 - registers the BPS refresh kind
from jabodash.presenter import exports, stories, views
from jabodash.store import get_store
from jabodash.store.datasource import DataSource

EXIT_STORY = 2
EXIT_UNAVAILABLE = 3


class Progress:
    """A text progress bar on stderr: redrawn in place on a terminal, one line per step when
    the output is a file or a pipe (CI logs)."""

    def __init__(self, total: int, stream=None, width: int = 30):
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.monotonic()

    def __call__(self, done: int, name: str) -> None:
        filled = round(self.width * done / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.monotonic() - self.start
        line = f"[{bar}] {done}/{self.total} {elapsed:5.1f}s {name}"
        if self.tty:
            self.stream.write("\r" + line[:120].ljust(120))
            if done >= self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _read_story(spec: str, lang: str):
    store = DataSource.from_store(get_store())   # built-in plus the saved workspace datasets
    known = set(store.table()["id"])

    def years(indicator: str):
        return views.years_of(store, indicator)

    path = Path(spec)
    if path.is_file():
        if path.stat().st_size > stories.MAX_BYTES:
            raise stories.StoryError("too_big", size=path.stat().st_size // 1024 + 1,
                                     limit=stories.MAX_BYTES // 1024)
        return store, stories.parse_story(path.read_bytes(), name=stories.slug(path.stem), indicators=known,
                                          years_of=years)
    if stories.valid_name(spec) and spec in stories.list_stories():
        return store, stories.load_story(spec, indicators=known, years_of=years)
    raise stories.StoryError("not_found", name=spec[:64])


def run(args) -> int:
    lang = args.lang
    try:
        store, story = _read_story(args.story, lang or "en")
    except stories.StoryError as exc:
        print(f"error: {args.story}: {exc.message(lang or 'en')}", file=sys.stderr)
        return EXIT_STORY
    lang = lang or story.lang
    out = Path(args.out)
    digits = max(2, len(str(len(story.steps))))

    def figures():
        for number, step in enumerate(story.steps, start=1):
            state = stories.step_state(step, lang)
            if args.high_contrast:
                state = state.with_(palette="high_contrast")
            fig, _ = views.figure_for(state, store, lang, presenter=True, kind=step.kind,
                                      width=args.width, height=args.height)
            yield f"{number:0{digits}d}_{stories.slug(step.title_in(lang), 'langkah')[:48]}", fig

    progress = Progress(len(story.steps))
    started = time.monotonic()
    try:
        paths = exports.batch_export(figures(), out, args.format, args.width, args.height, progress=progress)
    except exports.ExportUnavailable as exc:
        print(f"error: {exc.message(args.lang or 'en')}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    seconds = time.monotonic() - started
    print(f"{len(paths)} {args.format.upper()} files ({args.width}x{args.height}) in {out} "
          f"({seconds:.1f} s, {seconds / max(len(paths), 1):.2f} s per image)")
    for path in paths:
        print(f"  {path.name}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="render every step of a story to image files (PNG, SVG or PDF) for a slide deck",
        description="Render every step of a story (a TOML file, or the name of a story in data/stories/) "
                    "to image files with the system Chromium (BROWSER_PATH or /usr/bin/chromium).")
    parser.add_argument("--story", required=True, help="story TOML file, or a shipped story name "
                                                       "(e.g. jabodetabek_dalam_angka)")
    parser.add_argument("--out", required=True, help="output folder (created when missing)")
    parser.add_argument("--format", choices=("png", "svg", "pdf"), default="png")
    parser.add_argument("--width", type=int, default=1920, help="pixels (default 1920)")
    parser.add_argument("--height", type=int, default=1080, help="pixels (default 1080)")
    parser.add_argument("--lang", choices=("id", "en"), default=None,
                        help="language of the figures (default: the story's)")
    parser.add_argument("--high-contrast", action="store_true", help="high-contrast colours for every step")
    parser.set_defaults(func=run)
