"""python -m jabodash refresh simdasi [--recipes FILE] [--save [--precedence]] [--json] [--lang id|en]
python -m jabodash refresh simdasi --list --wilayah 3276000 [--json]

Reads BPS SIMDASI tables (the "Dalam Angka" tables, down to kecamatan) named in data/simdasi_recipes.csv
through the hardened client (BPS key and base URL as ``refresh bps``), compares them with the built-in
figures and, with --save, stores them like a BPS refresh. ``--list`` prints an area's tables (id_tabel,
title, years) for writing recipes. Exit status: 0 done, 1 some tables failed, 2 bad key or arguments.
"""
from __future__ import annotations

import json
import sys

from jabodash.core.i18n import t


def register(sub) -> None:
    p = sub.add_parser("simdasi", help="BPS SIMDASI tables (Dalam Angka, kecamatan) by data/simdasi_recipes.csv")
    p.add_argument("--recipes", help="another recipes file (default data/simdasi_recipes.csv)")
    p.add_argument("--list", action="store_true", help="list the SIMDASI tables of --wilayah")
    p.add_argument("--wilayah", help="7-digit area code for --list (3276000: Kota Depok)")
    from jabodash.cli.refresh import output_args
    output_args(p)
    p.set_defaults(func=run)


def _usage(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def run(args) -> int:
    from jabodash.official import client, keys, simdasi
    key, _ = keys.resolve_key()
    if not key:
        return _usage(t("data.refresh.cli.no_key", args.lang))
    if args.list:
        if not simdasi.valid_wilayah(args.wilayah):
            return _usage(t("simdasi.cli.wilayah", args.lang))
        try:
            tables = simdasi.list_tables(client.BpsClient(key), args.wilayah)
        except client.BpsError as exc:
            return _usage(t(f"data.refresh.error.{exc.kind}", args.lang, detail=client.scrub(exc.detail, key)))
        if args.json:
            json.dump(tables, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            print("\n".join(f"{tb['id_tabel']}\t{', '.join(map(str, tb['years']))}\t{tb['judul']}" for tb in tables))
        return 0
    try:
        recipes = simdasi.load(args.recipes)
    except (OSError, ValueError) as exc:
        return _usage(str(exc)[:300])
    if not recipes:
        return _usage(t("simdasi.cli.no_recipes", args.lang))
    from jabodash.store import get_store
    result = simdasi.refresh(get_store(), recipes, key)
    from jabodash.cli.refresh import finish, format_report
    return finish(result, args, format_report, title=f"BPS SIMDASI {result.started_at[:10]}")
