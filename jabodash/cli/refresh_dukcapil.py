"""python -m jabodash refresh dukcapil --year YYYY --semester 1|2 [--level all|kabkota|kecamatan]
[--save [--precedence]] [--json] [--lang id|en]

Reads registered population from Dukcapil's public GIS service (base URL ``JABODASH_DUKCAPIL_URL``)
through the hardened client, for the 15 regions and their kecamatan (``--level``, default both):
figures under BPS codes (kab/kota through data/regions.csv, kecamatan through
data/kecamatan_crosswalk.csv by Kemendagri code; the kecamatan it cannot place are listed, never
guessed), refused impossible values, gaps, the limits, and the change report against the built-in
figures (new, changed, plausibility flags). With ``--save`` the figures are stored in the workspace
as an official dataset of kind "dukcapil_refresh" layered over the built-in data (``--precedence``:
they replace built-in figures of the same indicator, region and year; else they only fill gaps).
The service does not say its reference date: ``--year`` and ``--semester`` are the user's
statement and the report says so. Exit status: 0 done, 1 a level failed (the other is kept),
2 arguments.
"""
from __future__ import annotations

import sys

from jabodash.core.i18n import t


def register(sub) -> None:
    p = sub.add_parser("dukcapil", help="Dukcapil GIS: registered population by kab/kota and kecamatan")
    p.add_argument("--year", type=int, required=True, help="the year the figures are for (your statement)")
    p.add_argument("--semester", type=int, choices=(1, 2), required=True,
                   help="1: 30 June, 2: 31 December (your statement: the service does not say it)")
    from jabodash.cli.refresh import level_arg, output_args
    level_arg(p)
    output_args(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from jabodash.official import dukcapil
    from jabodash.official.fetch import chosen_levels
    from jabodash.store import get_store
    if not 1900 <= args.year <= 2100:
        print(t("dukcapil.cli.bad_year", args.lang), file=sys.stderr)
        return 2
    result = dukcapil.refresh(get_store(), args.year, args.semester, chosen_levels(args.level, dukcapil.LEVELS))
    from jabodash.cli.refresh import finish
    return finish(result, args, format_report)


def format_report(result, lang: str, saved: str | None) -> str:
    from jabodash.cli import refresh
    from jabodash.official import dukcapil
    return refresh.format_report(result, lang, saved, summary=dukcapil.report_text(result.to_json(), lang),
                                 saved_key="dukcapil.cli.saved", errors=False)
