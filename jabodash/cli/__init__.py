"""Command line: python -m jabodash <command> ...

Each command lives in a module jabodash/cli/<name>.py that exposes register(subparsers);
the handler it sets (parser.set_defaults(func=...)) takes the parsed args and returns the
exit code. Errors print a message and exit non-zero; a traceback is never shown.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import jabodash


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m jabodash",
                                     description="jabodash: Jakarta metropolitan dashboard, command line.")
    parser.add_argument("--version", action="version", version=f"jabodash {jabodash.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # last line of defence: a message, never a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
