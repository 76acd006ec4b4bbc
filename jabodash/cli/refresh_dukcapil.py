"""python -m jabodash refresh dukcapil --year YYYY --semester 1|2 [--level kabkota|kecamatan] [--json]

Reads registered population from Dukcapil's public GIS service (base URL ``JABODASH_DUKCAPIL_URL``)
through the hardened client, for the 15 regions (kab/kota, or their kecamatan), and reports it:
figures by BPS code (kab/kota) or by Kemendagri code with the name crosswalk to BPS kecamatan codes
(exact names within the kab/kota; the others listed, never guessed), refused impossible values,
gaps, the limits. The service does not say its reference date: ``--year`` and ``--semester`` are
the user's statement and the report says so. Exit status: 0 done, 1 the service failed, 2 arguments.
Storing the figures as a workspace dataset follows the BPS refresh's store once it takes other
sources (see the report).
"""
from __future__ import annotations

import json
import sys

from jabodash.core.i18n import t


def register(sub) -> None:
    p = sub.add_parser("dukcapil", help="Dukcapil GIS: registered population by kab/kota or kecamatan")
    p.add_argument("--year", type=int, required=True, help="the year the figures are for (your statement)")
    p.add_argument("--semester", type=int, choices=(1, 2), required=True,
                   help="1: 30 June, 2: 31 December (your statement: the service does not say it)")
    p.add_argument("--level", choices=("kabkota", "kecamatan"), default="kabkota")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--lang", choices=("id", "en"), default="id")
    p.set_defaults(func=run)


def run(args) -> int:
    from jabodash.official import dukcapil
    if not 1900 <= args.year <= 2100:
        print(t("dukcapil.cli.bad_year", args.lang), file=sys.stderr)
        return 2
    result = dukcapil.run(args.year, args.semester, args.level)
    out = result.to_json()
    if args.level == "kecamatan" and result.kecamatan:
        matched, unmatched = dukcapil.crosswalk_kecamatan(result.kecamatan, dukcapil.bps_kecamatan_from_cache())
        out["crosswalk"] = {"matched": matched, "unmatched": unmatched}
    if args.json:
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(dukcapil.report_text(out, args.lang))
    return result.exit_code
