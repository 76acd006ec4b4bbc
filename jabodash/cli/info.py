"""python -m jabodash info [--json]: regions, indicators (years, coverage) and sources."""
from __future__ import annotations

import json
import sys

from jabodash.store import get_store


def collect(region_set: str = "agglomeration") -> dict:
    store = get_store()
    regions = store.query("regions", region_set=region_set)
    indicators = store.query("indicators")
    coverage = store.query("coverage", region_set=region_set)
    datasets = store.query("datasets")
    cov = {}
    for row in coverage.itertuples():
        cov.setdefault(row.indicator_id, {})[str(row.year)] = int(row.regions_with_value)
    return {
        "region_set": region_set,
        "database": str(store.path),
        "regions": [
            {"code": r.code, "kemendagri_code": r.kemendagri_code, "name": r.name, "kind": r.kind,
             "province": r.province, "in_jabodetabek": bool(r.in_jabodetabek),
             "in_agglomeration": bool(r.in_agglomeration), "area_km2": r.area_km2}
            for r in regions.itertuples()],
        "indicators": [
            {"id": i.id, "theme": i.theme, "kind": i.kind, "name_en": i.name_en, "unit_en": i.unit_en,
             "aggregation": i.aggregation, "years": [int(y) for y in i.years],
             "coverage": cov.get(i.id, {})}
            for i in indicators.itertuples()],
        "datasets": [
            {"id": d.id, "title": d.title, "origin": d.origin, "license": d.license,
             "source_url": d.source_url, "rows": int(d.rows), "grade": d.grade}
            for d in datasets.itertuples()] + _official_datasets(),
    }


def _official_datasets() -> list[dict]:
    """The saved BPS WebAPI refreshes (jabodash.official.dataset), with their BPS tables as source."""
    from jabodash.official import dataset as official
    try:
        metas = official.saved_refreshes()
    except Exception:  # noqa: BLE001 - an unreadable workspace must not stop info
        return []
    out = []
    for meta in metas:
        extra = meta.get("official") or {}
        tables = [{k: tb.get(k) for k in ("title", "var", "domain", "url", "retrieved_at", "figures")}
                  for tb in extra.get("tables") or []]
        out.append({"id": meta["id"], "title": meta.get("title"), "origin": extra.get("origin"), "license": None,
                    "source_url": tables[0]["url"] if tables else None, "rows": int(meta.get("rows") or 0),
                    "provenance": "official", "grade": meta.get("grade"),
                    "precedence": bool(extra.get("precedence")), "sources": tables})
    return out


def run(args) -> int:
    info = collect(args.region_set)
    if args.json:
        json.dump(info, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    n = len(info["regions"])
    print(f"jabodash dataset ({info['region_set']}): {n} regions, {len(info['indicators'])} indicators, "
          f"{len(info['datasets'])} sources")
    print("\nRegions")
    for r in info["regions"]:
        flags = ("J" if r["in_jabodetabek"] else "-") + ("A" if r["in_agglomeration"] else "-")
        print(f"  {r['code']}  {r['kemendagri_code']:>6}  {flags}  {r['name']:<32} {r['area_km2']:>10,.1f} km2")
    print("\nIndicators (year: regions with a figure)")
    for i in info["indicators"]:
        cov = ", ".join(f"{y}:{c}" for y, c in i["coverage"].items()) or "no data"
        print(f"  {i['id']:<40} [{i['theme']}, {i['aggregation']}] {cov}")
    print("\nSources (figures)")
    for d in info["datasets"]:
        print(f"  {d['id']}  {d['rows']:>4}  {d['grade'] or '-':<14}  {d['title'][:110]}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("info", help="regions, indicators with years and coverage, data sources")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--region-set", choices=("agglomeration", "jabodetabek"), default="agglomeration")
    parser.set_defaults(func=run)
