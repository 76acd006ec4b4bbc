"""python -m jabodash targets [--json] [--plan ID] [--region-set SET] [--lang id|en]: where each
region stands against its targets (the table of the page Sasaran & capaian).

Saved target files (jabodash.store.target_files) count like the built-in targets. The text output lists each target at its own place (nation, metro, province, kab/kota); --json
also has the reference rows (a national or provincial target beside each kab/kota figure), with
``"schema": "jabodash.targets/1"``. Exit 0, or 2 for a bad argument (an unknown plan included).
"""
from __future__ import annotations

import json
import sys

from jabodash.core.i18n import LANGUAGES, t
from jabodash.features import sasaran
from jabodash.store import get_store, target_files
from jabodash.store import plan_targets as targets_mod
from jabodash.store.datasource import DataSource

SCHEMA = "jabodash.targets/1"
EXIT_BAD_ARGUMENT = 2


def _known_plans(table) -> list[str]:
    ids = sorted(set(table["plan"]))
    families = sorted({p.split("_")[0] for p in ids})
    return sorted(set(ids) | set(families))


def run(args) -> int:
    lang = args.lang
    ds = DataSource.from_store(get_store())   # built-in plus the saved workspace datasets
    saved = list(target_files.saved().values())   # and the saved target files
    everything = sasaran.active_targets(ds, saved)
    if args.plan and args.plan not in _known_plans(everything):
        print(t("sasaran.cli.unknown_plan", lang, plan=args.plan[:64], known=", ".join(_known_plans(everything))),
              file=sys.stderr)
        return EXIT_BAD_ARGUMENT
    table = sasaran.active_targets(ds, saved, plan=args.plan)
    rows = sasaran.evaluate(ds, args.region_set, table)
    if args.json:
        doc = {"schema": SCHEMA, "region_set": args.region_set, "plan": args.plan, "lang": lang,
               "targets": len(table), "plans": sorted(set(table["plan"])), "rows": sasaran.json_rows(rows)}
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    _print_text(ds, rows, table, args.region_set, lang)
    return 0


def _print_text(ds: DataSource, rows, table, region_set: str, lang: str) -> None:
    regions = ds.regions(region_set)
    own = sasaran.own_rows(rows)
    print(t("sasaran.cli.header", lang, set=t(f"region_set.{region_set}", lang), n=len(table), plans=table["plan"].nunique()))
    shown = sasaran.display_table(own, regions, lang, ds.catalog())
    for plan_id, part in shown.groupby(own["plan"], sort=False):
        print(f"\n{targets_mod.plan_name(plan_id, lang)}")
        for _, r in part.iterrows():
            cells = list(r.values)
            place, status, target, latest, year, required, observed, over, reason = cells[:9]
            figure = f"{latest} ({year})" if year else latest
            trend = f"  {t('sasaran.col.required', lang)} {required}" if required else ""
            trend += f"  {t('sasaran.col.observed', lang)} {observed} ({over})" if observed else ""
            why = f" · {reason}" if reason else ""
            print(f"  {place:<18} {target:<40} {figure:<14} {status}{why}{trend}")
    n_ref = int((~rows["own"]).sum())
    if n_ref:
        print("\n" + t("sasaran.cli.reference_rows", lang, n=n_ref))


def register(subparsers) -> None:
    parser = subparsers.add_parser("targets", help="where each region stands against the plans' targets")
    parser.add_argument("--json", action="store_true", help="machine-readable output (schema jabodash.targets/1)")
    parser.add_argument("--plan", help="one plan id (e.g. rpjmn_2025_2029) or a family (rpjmn, rkp, rpjmd, ritj)")
    parser.add_argument("--region-set", choices=("agglomeration", "jabodetabek"), default="agglomeration")
    parser.add_argument("--lang", choices=LANGUAGES, default="id")
    parser.set_defaults(func=run)
