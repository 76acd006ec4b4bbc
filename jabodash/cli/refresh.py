"""python -m jabodash refresh bps [--indicator ID ...] [--json] [--save [--precedence]] [--lang id|en]

Reads the core indicators from BPS's WebAPI dynamic tables (recipes in data/bps_recipes.csv; base
URL ``JABODASH_BPS_URL``, key ``JABODASH_BPS_KEY`` or the user's config file, see
jabodash.official.keys), compares them with the built-in figures and, with --save, stores them in
the workspace as an official dataset layered over the built-in data (with --precedence its figures
replace built-in ones of the same indicator, region and year; else they only fill gaps).
``--json`` prints ``{"schema": "jabodash.refresh/1", "ok", "records", "changes", "errors", ...}``.
Exit status: 0 done, 1 some tables failed (the others are kept), 2 bad key or arguments.
The key is never printed.
"""
from __future__ import annotations

import json
import sys

from jabodash.core.i18n import t

EXIT_USAGE = 2


def _fail(message: str, as_json: bool) -> int:
    if as_json:
        json.dump({"schema": "jabodash.refresh/1", "ok": False, "records": [], "changes": {},
                   "errors": [{"kind": "usage", "detail": message}]}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    print(message, file=sys.stderr)
    return EXIT_USAGE


def run(args) -> int:
    from jabodash.official import fetch, keys, recipes  # imported on use: pandas is slow to import
    lang = args.lang
    try:
        chosen = recipes.select(recipes.load(), args.indicator)
    except (OSError, recipes.RecipeError) as exc:
        return _fail(t("data.refresh.cli.recipes_unreadable", lang, detail=str(exc)[:200]), args.json)
    known = set(recipes.indicators(recipes.load()))
    unknown = [i for i in args.indicator or [] if i not in known]
    if unknown or not chosen:
        return _fail(t("data.refresh.cli.unknown_indicator", lang, ids=", ".join(unknown) or "-",
                       known=", ".join(sorted(known))), args.json)
    key, _ = keys.resolve_key()
    if not key:
        return _fail(t("data.refresh.cli.no_key", lang), args.json)
    from jabodash.store import get_store
    result = fetch.refresh(get_store(), chosen, key, progress=None if args.json else _progress(lang))
    return finish(result, args, format_report)


def finish(result, args, report, title: str | None = None) -> int:
    """The end of every ``refresh`` command: with --save (and figures, and a key BPS took) the result is
    stored as an official dataset; then its JSON or text report (``report(result, lang, saved)``)."""
    saved = None
    if args.save and result.records and not result.bad_key:
        from jabodash.official import dataset
        saved = dataset.save(result, precedence=args.precedence, **({"title": title} if title else {}))
    if args.json:
        json.dump(result.to_json(saved), sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(report(result, args.lang, saved))
    return result.exit_code


def _progress(lang: str):
    def show(i, n, recipe):
        if recipe is not None:
            print(t("data.refresh.cli.progress", lang, i=i + 1, n=n, indicator=recipe.indicator,
                    domain=recipe.domain, var=recipe.var), file=sys.stderr)
    return show


def format_report(result, lang: str, saved: str | None, summary: str | None = None,
                  saved_key: str = "data.refresh.cli.saved", errors: bool = True) -> str:
    """The text report of a refresh: ``summary`` (BPS's count line by default), each table, the changes
    against the built-in figures (60 rows at most), the errors (unless the summary names them), the limits
    and the saved dataset's id (``saved_key``: the source's own sentence)."""
    from jabodash.official import report
    out = [summary or t("data.refresh.cli.summary", lang, records=len(result.records), tables=len(result.tables),
                        errors=len(result.errors))]
    out += ["  " + report.table_line(table, lang) for table in result.tables]
    changes = result.changes
    out.append(t("data.refresh.cli.changes", lang, new=len(changes["new"]), changed=len(changes["changed"]),
                 same=changes["same"], conflicts=len(result.conflicts)))
    out += ["  " + " | ".join(str(v) for v in row.values()) for row in report.change_rows(result, lang)[:60]]
    if errors:
        out += ["  ! " + line for line in report.error_lines(result.errors, lang)]
    out.append(report.limits_line(result, lang))
    if saved:
        out.append(t(saved_key, lang, id=saved))
    return "\n".join(out)


def level_arg(p) -> None:
    """``--level``: both levels of a source (default), or kab/kota or kecamatan only."""
    p.add_argument("--level", choices=("all", "kabkota", "kecamatan"), default="all")


def output_args(p, json_help: str = "machine-readable output") -> None:
    """The options every refresh command shares: --save, --precedence, --json, --lang."""
    p.add_argument("--save", action="store_true", help="store the figures in the workspace as an official dataset")
    p.add_argument("--precedence", action="store_true",
                   help="with --save: the figures replace built-in ones (default: only fill gaps)")
    p.add_argument("--json", action="store_true", help=json_help)
    p.add_argument("--lang", choices=("id", "en"), default="id")


def register(subparsers) -> None:
    parser = subparsers.add_parser("refresh", help="refresh official figures (BPS WebAPI)")
    sub = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    bps = sub.add_parser("bps", help="BPS WebAPI dynamic tables (key: JABODASH_BPS_KEY)")
    bps.add_argument("--indicator", action="append", metavar="ID", help="refresh only this indicator (repeatable)")
    output_args(bps, json_help="machine-readable output (schema jabodash.refresh/1)")
    bps.set_defaults(func=run)
    from jabodash.cli import refresh_dapodik, refresh_dukcapil, refresh_simdasi
    refresh_dukcapil.register(sub)
    refresh_dapodik.register(sub)
    refresh_simdasi.register(sub)
