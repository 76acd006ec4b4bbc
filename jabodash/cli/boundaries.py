"""python -m jabodash boundaries {import,fetch,status,clear}: boundaries into the user cache.

    boundaries import FILE --level kabkota|kecamatan [--code-column C] [--name-column N]
    boundaries fetch [--level kabkota|kecamatan|all] [--source auto|big|geoboundaries] [--url URL]
    boundaries status
    boundaries clear [--level kabkota|kecamatan]

Everything lands in ``cache_dir()/boundaries`` (``JABODASH_CACHE_DIR``), where every page finds it.
Errors print one clear line on stderr and return a non-zero exit code, never a traceback.
"""
from __future__ import annotations

import logging
import sys
import time

from jabodash.core.paths import cache_dir
from jabodash.geo import boundaries

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class TextProgress:
    """A one-line progress bar on stderr: ``progress(done, total_or_None, message)``."""

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_line = ""
        self._last_message = None
        self._last_time = 0.0
        self._open = False

    def __call__(self, done: int, total: int | None, message: str = "") -> None:
        if total:
            frac = max(0.0, min(1.0, done / total))
            fill = int(round(frac * self.width))
            line = (f"[{'#' * fill}{'-' * (self.width - fill)}] {frac * 100:3.0f}% "
                    f"{self._num(done)}/{self._num(total)} {message}")
        else:
            line = f"[{'.' * self.width}] {self._num(done)} {message}" if done else f"... {message}"
        now = time.monotonic()
        if self.tty:
            pad = max(0, len(self._last_line) - len(line))
            self.stream.write("\r" + line + " " * pad)
            self._open = True
        elif message != self._last_message or now - self._last_time > 2:
            self.stream.write(line + "\n")  # a log file gets a line per step, not a flood
            self._last_time = now
        self.stream.flush()
        self._last_line, self._last_message = line, message

    @staticmethod
    def _num(n: int) -> str:
        if n >= 10 * 1024 * 1024:
            return f"{n / 1024 / 1024:.0f}M"
        return f"{n:,}"

    def close(self) -> None:
        if self._open:
            self.stream.write("\n")
            self.stream.flush()
            self._open = False


def _fail(exc: Exception) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return EXIT_ERROR


def _print_report(report: boundaries.ImportReport) -> None:
    print(report.summary())
    fc = boundaries.geojson_for(report.level)
    if fc is not None:
        print(f"  GeoJSON for maps: {boundaries.geojson_size(fc) / 1024:.0f} KB, attribution: "
              f"{report.meta.get('attribution')}")


def cmd_import(args) -> int:
    progress = TextProgress()
    try:
        report = boundaries.import_file(args.file, args.level, code_column=args.code_column,
                                        name_column=args.name_column, parent_column=args.parent_column,
                                        layer=args.layer, code_scheme=args.code_scheme, source=args.source,
                                        licence=args.licence, attribution=args.attribution, progress=progress)
    except boundaries.BoundaryError as exc:
        progress.close()
        return _fail(exc)
    progress.close()
    _print_report(report)
    return EXIT_OK


def cmd_fetch(args) -> int:
    levels = list(boundaries.LEVELS) if args.level == "all" else [args.level]
    if args.source == "geoboundaries":
        if args.level == "kecamatan":
            print("error: geoBoundaries has kab/kota only; use --source big for kecamatan", file=sys.stderr)
            return EXIT_USAGE
        levels = ["kabkota"]
    if args.url and len(levels) > 1:
        print("error: --url names one service layer; give --level kabkota or --level kecamatan too",
              file=sys.stderr)
        return EXIT_USAGE
    status = EXIT_OK
    for level in levels:
        progress = TextProgress()
        print(f"fetching {level} ({args.source})", file=sys.stderr)
        try:
            report = boundaries.fetch(level, source=args.source, url=args.url, progress=progress,
                                      timeout=args.timeout, fallback_url=args.gb_url)
        except boundaries.BoundaryError as exc:
            progress.close()
            status = _fail(exc)
            continue
        progress.close()
        _print_report(report)
    return status


def cmd_status(args) -> int:
    info = boundaries.cache_status()
    print(f"boundary cache: {cache_dir() / 'boundaries'}")
    for level in boundaries.LEVELS:
        meta = info[level]
        if meta is None:
            print(f"  {level}: nothing cached (import a file or fetch)")
            continue
        flagged = [c for c in meta.get("area_checks", []) if c.get("flagged")]
        print(f"  {level}: {meta.get('feature_count')} regions, code scheme {meta.get('code_scheme')}, "
              f"from {meta.get('source')}, {meta.get('fetched_at')}")
        print(f"    licence: {meta.get('licence')}; attribution: {meta.get('attribution')}")
        print(f"    unmatched features: {len(meta.get('unmatched', []))}, missing: "
              f"{', '.join(meta.get('missing', [])) or 'none'}, area checks over "
              f"{boundaries.AREA_TOLERANCE:.0%}: {', '.join(c['code'] for c in flagged) or 'none'}")
        print(f"    sha256 {meta.get('sha256', '')[:16]}..., {meta.get('parquet_bytes', 0) / 1024:.0f} KB")
    return EXIT_OK


def cmd_clear(args) -> int:
    removed = boundaries.clear_cache(args.level)
    print(f"removed {len(removed)} file(s)" + "".join(f"\n  {p}" for p in removed))
    return EXIT_OK


def _guard(func):
    """Errors other than BoundaryError still end in one line on stderr, never a traceback."""
    def run(args) -> int:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
        try:
            return func(args)
        except boundaries.BoundaryError as exc:
            return _fail(exc)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
        except (OSError, ValueError) as exc:
            return _fail(exc)
    run.__name__ = func.__name__
    return run


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "boundaries", help="import, download, inspect or clear the map boundaries (user cache)",
        description="Boundaries for the maps, kept in the user cache (JABODASH_CACHE_DIR).")
    sub = parser.add_subparsers(dest="boundaries_command", metavar="ACTION", required=True)

    p = sub.add_parser("import", help="import a GeoJSON, GeoPackage or zipped Shapefile")
    p.add_argument("file", help="path to the boundary file")
    p.add_argument("--level", required=True, choices=boundaries.LEVELS)
    p.add_argument("--code-column", help="column with BPS (or dotted Kemendagri) codes")
    p.add_argument("--name-column", help="column with region names, matched to codes")
    p.add_argument("--parent-column", help="kecamatan: column naming the kab/kota, to scope names")
    p.add_argument("--layer", help="layer (GeoPackage) or member (zip) to read")
    p.add_argument("--code-scheme", choices=("auto", "bps", "kemendagri"), default="auto",
                   help="how to read undotted codes (default: BPS)")
    p.add_argument("--source", help="source description stored with the boundaries")
    p.add_argument("--licence", help="licence of the file")
    p.add_argument("--attribution", help="attribution line shown under every map")
    p.set_defaults(func=_guard(cmd_import))

    p = sub.add_parser("fetch", help="download from BIG (kab/kota falls back to geoBoundaries)")
    p.add_argument("--level", choices=(*boundaries.LEVELS, "all"), default="all")
    p.add_argument("--source", choices=("auto", "big", "geoboundaries"), default="auto")
    p.add_argument("--url", help="service URL instead of the official one (BIG query URL or "
                                 "geoBoundaries API URL)")
    p.add_argument("--gb-url", help="geoBoundaries API URL for the auto fallback")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default 30)")
    p.set_defaults(func=_guard(cmd_fetch))

    p = sub.add_parser("status", help="what is cached: source, date, counts")
    p.set_defaults(func=_guard(cmd_status))

    p = sub.add_parser("clear", help="remove cached boundaries")
    p.add_argument("--level", choices=boundaries.LEVELS, help="one level only (default: both)")
    p.set_defaults(func=_guard(cmd_clear))
