"""python -m jabodash refresh dapodik --semester 20241 [--year YYYY] [--level all|kabkota|kecamatan]
[--save [--precedence]] [--json] [--lang id|en]

Reads school counts (SD, SMP, SMA, SMK, SLB) from Dapodik's public recap (base URL
``JABODASH_DAPODIK_URL``) through the hardened client, for the 15 regions and their kecamatan
(``--level``, default both): figures under BPS codes (kab/kota through data/dapodik_regions.csv,
checked by name; kecamatan by name through data/kecamatan_crosswalk.csv; rows it cannot place are
listed, never guessed), refused impossible values, gaps, the limits, and the change report against
the built-in figures. ``--semester`` is Dapodik's semester id (the school year's first year and 1
or 2); the figures are recorded under the year the semester ends in unless ``--year`` says
another. With ``--save`` they are stored in the workspace as an official dataset of kind
"dapodik_refresh" layered over the built-in data (``--precedence``: they replace built-in figures
of the same indicator, region and year; else they only fill gaps). Exit status: 0 done, 1 a request
failed (the others are kept), 2 arguments.
"""
from __future__ import annotations

import sys

from jabodash.core.i18n import t


def register(sub) -> None:
    p = sub.add_parser("dapodik", help="Dapodik recap: school counts by kab/kota and kecamatan")
    p.add_argument("--semester", required=True, help="Dapodik semester id, e.g. 20241 (2024/2025 semester 1)")
    p.add_argument("--year", type=int, help="record the figures under this year (default: the year the semester ends in)")
    from jabodash.cli.refresh import level_arg, output_args
    level_arg(p)
    output_args(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from jabodash.official import dapodik
    from jabodash.official.fetch import chosen_levels
    from jabodash.store import get_store
    try:
        dapodik.parse_semester(args.semester)
    except ValueError:
        print(t("dapodik.cli.bad_semester", args.lang), file=sys.stderr)
        return 2
    if args.year is not None and not 2000 <= args.year <= 2100:
        print(t("dapodik.cli.bad_year", args.lang), file=sys.stderr)
        return 2
    result = dapodik.refresh(get_store(), args.semester.strip(), chosen_levels(args.level, dapodik.LEVELS), args.year)
    from jabodash.cli.refresh import finish
    return finish(result, args, format_report)


def format_report(result, lang: str, saved: str | None) -> str:
    from jabodash.cli import refresh
    from jabodash.official import dapodik
    return refresh.format_report(result, lang, saved, summary=dapodik.report_text(result.to_json(), lang),
                                 saved_key="dapodik.cli.saved", errors=False)
