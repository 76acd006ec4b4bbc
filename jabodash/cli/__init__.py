"""Command line: python -m jabodash <command> ...

Each command lives in a module jabodash/cli/<name>.py that exposes register(subparsers);
the handler it sets (parser.set_defaults(func=...)) takes the parsed args and returns the
exit code. Errors print a message and exit non-zero; a traceback is never shown.
Damaged saved datasets that a command skipped are said once, after it, on standard error in the
command's language (``--lang``, else Bahasa Indonesia).
"""
from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

import jabodash


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser with every command, or with only the one argv names (each command's module is named
    after it): a command does not pay for importing the others (geopandas, the presenter, the store)."""
    parser = argparse.ArgumentParser(prog="python -m jabodash",
                                     description="jabodash: Jakarta metropolitan dashboard, command line.")
    parser.add_argument("--version", action="version", version=f"jabodash {jabodash.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = sorted(info.name for info in pkgutil.iter_modules(__path__))
    first = next((arg for arg in argv or [] if not arg.startswith("-")), None)
    for name in [first] if first in names else names:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return _run(args)
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # last line of defence: a message, never a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _run(args) -> int:
    name = "jabodash.store.shelf"   # not imported here: it costs a second at every start
    log = logging.getLogger(name)
    quiet = logging.NullHandler()       # its English log line is said below, translated, instead
    log.addHandler(quiet)
    if name in sys.modules:
        sys.modules[name].take_damaged()   # left over from an earlier command in this process
    try:
        return int(args.func(args) or 0)
    finally:
        log.removeHandler(quiet)
        lang = getattr(args, "lang", None) or "id"
        workspace = sys.modules.get(name)
        for problem in workspace.take_damaged() if workspace is not None else ():
            print(problem.text(lang), file=sys.stderr)
