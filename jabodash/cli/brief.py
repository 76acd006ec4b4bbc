"""python -m jabodash brief --story FILE|NAME | --region CODE --out deck.pptx|brief.pdf [--lang id|en]
[--region-set ...]: the meeting deck (editable PowerPoint) or the PDF brief.

Bad input (an unknown story, region or indicator, a step with no data, an output name that is
neither .pptx nor .pdf) gets one line on standard error in the chosen language and exit code 2;
no Chromium (needed for the maps and the PDF) exit code 3.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from jabodash.cli.export import EXIT_STORY, EXIT_UNAVAILABLE, _read_story
from jabodash.core.i18n import t
from jabodash.core.state import REGION_SETS
from jabodash.presenter import exports, stories


def _out(args, lang: str) -> tuple[Path, str] | None:
    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("pptx", "pdf"):
        print(f"error: {t('brief.error.out_suffix', lang, value=args.out)}", file=sys.stderr)
        return None
    if not out.parent.is_dir():
        print(f"error: {t('brief.error.out_dir', lang, value=str(out.parent))}", file=sys.stderr)
        return None
    return out, fmt


def run(args) -> int:
    from jabodash.brief import make, profile  # not imported by `--help` of other commands
    from jabodash.brief import outline as model
    lang = args.lang or "id"
    if bool(args.story) == bool(args.region):
        print(f"error: {t('brief.error.need_one', lang)}", file=sys.stderr)
        return EXIT_STORY
    target = _out(args, lang)
    if target is None:
        return EXIT_STORY
    out, fmt = target
    started = time.monotonic()
    try:
        if args.story:
            src, story = _read_story(args.story, lang)
            src = model.memoized(src)
            lang = args.lang or story.lang
            brief = model.from_story(src, story, lang, args.region_set)
        else:
            from jabodash.store import get_store
            from jabodash.store.datasource import DataSource
            src = model.memoized(DataSource.from_store(get_store()))
            brief = profile.from_region(src, args.region, lang, args.region_set or "agglomeration")
        data = make.output(brief, src, fmt)
    except stories.StoryError as exc:
        print(f"error: {args.story}: {exc.message(lang)}", file=sys.stderr)
        return EXIT_STORY
    except model.BriefError as exc:
        print(f"error: {exc.message(lang)}", file=sys.stderr)
        return EXIT_STORY
    except exports.ExportUnavailable as exc:
        print(f"error: {exc.message(lang)}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    exports._write(out, data)
    pages = len(brief.slides)
    print(f"{out} ({fmt.upper()}, {pages} {'steps' if args.story else 'indicators'}, {len(data) // 1024} KB, "
          f"{time.monotonic() - started:.1f} s)")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "brief", help="the meeting deck (PowerPoint) or PDF brief of a story or of one region",
        description="Write an editable 16:9 PowerPoint deck (native charts, findings, sources, speaker notes) "
                    "or an A4 PDF brief from a story (a TOML file or a shipped story name) or a region's profile. "
                    "Maps and the PDF are rendered by the system Chromium (BROWSER_PATH or /usr/bin/chromium), offline.")
    parser.add_argument("--story", help="story TOML file, or a shipped story name (e.g. jabodetabek_dalam_angka)")
    parser.add_argument("--region", help="a region profile instead: kab/kota code (e.g. 3275) or name")
    parser.add_argument("--out", required=True, help="output file: deck.pptx or brief.pdf")
    parser.add_argument("--lang", choices=("id", "en"), default=None,
                        help="language of the brief (default: the story's; Bahasa Indonesia for a region)")
    parser.add_argument("--region-set", choices=REGION_SETS, default=None,
                        help="region set for every step (default: each step's own)")
    parser.set_defaults(func=run)
