"""python -m jabodash info [--json]: regions, indicators (years, coverage) and sources."""
from __future__ import annotations

import json
import sys

from jabodash.features import data as data_feature
from jabodash.store import cooperation, get_store


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
        "cooperation": _cooperation([r.code for r in regions.itertuples()]),
        "coverage": data_feature.core_coverage_json(store.query, region_set),
    }


def _cooperation(region_codes: list[str]) -> dict:
    """The cooperation register (built-in and saved rows): every record with its parties' codes
    and the page it was read on, and the counts the issue's goal is checked against."""
    frame = cooperation.register()
    agreements = cooperation.agreements_only(frame)
    records = []
    for row in frame.to_dict("records"):
        codes = cooperation.party_codes(row["party_codes"])
        records.append({
            "id": row["id"], "kind": row["kind"], "parties": row["parties"], "party_codes": codes,
            "region_codes": [c for c in codes if c in region_codes], "sector": row["sector"], "form": row["form"],
            "year_start": None if _na(row["year_start"]) else int(row["year_start"]),
            "year_end": None if _na(row["year_end"]) else int(row["year_end"]), "status": row["status"],
            "description": row["description"], "source_url": row["source_url"], "source_title": row["source_title"],
            "grade": row["grade"], "origin": row["origin"]})
    return {"agreements": len(agreements), "records": len(frame),
            "regions_covered": cooperation.covered_regions(agreements, region_codes), "items": records}


def _na(value) -> bool:
    return value is None or value != value or str(value) in ("", "<NA>")


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
    coop = info["cooperation"]
    print(f"\nCooperation register: {coop['agreements']} agreements of {coop['records']} records, "
          f"{len(coop['regions_covered'])} of {n} regions named")
    cov = info["coverage"]["summary"]
    print(f"\nCore set coverage: {cov['since_2023']}/{cov['cells']} cells with a figure for 2023 or later, "
          f"{cov['since_2024']} for 2024 or later; stored figures official or official-cited: "
          f"{info['coverage']['stored_figures']['share'] * 100:.0f} %")
    print("\nSources (figures)")
    for d in info["datasets"]:
        print(f"  {d['id']}  {d['rows']:>4}  {d['grade'] or '-':<14}  {d['title'][:110]}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("info", help="regions, indicators with years and coverage, data sources")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--region-set", choices=("agglomeration", "jabodetabek"), default="agglomeration")
    parser.set_defaults(func=run)
