"""School counts from Dapodik's public recap (Kemendikdasmen), by kab/kota and kecamatan of the 15
regions, through the hardened client (jabodash.official.http_client). No streamlit.

The recap (its format as public client code reads it; sources and quotes in data/dapodik_regions.md)::

    <base>rekap/dataSekolah?id_level_wilayah=<n>&kode_wilayah=<6-digit code>&semester_id=<YYYYs>

answers a JSON list of the sub-regions of ``kode_wilayah``: level 1 with a province code lists its
kab/kota, level 2 with a kab/kota code its kecamatan. Fields read: ``nama``, ``kode_wilayah``,
``mst_kode_wilayah`` (the parent), ``id_level_wilayah`` (the row's own level) and the counts ``sd``,
``smp``, ``sma``, ``smk``, ``slb`` (negeri + swasta) into ``schools_sd`` ... ``schools_smk`` and
``schools_sd_to_slb_dapodik`` (the five summed, only when all five are read). ``sekolah`` is not read:
its scope changed between versions of the recap.

* Codes are Dapodik's own (Kemendikbud's ``mst_wilayah``): a kab/kota reaches its BPS code through
  data/dapodik_regions.csv, and only when the recap's name is the table's name too; a kecamatan
  reaches its BPS code through data/kecamatan_crosswalk.csv by its name within its kab/kota (one and
  only one kecamatan of that name). Anything else is reported in ``unmatched`` and not kept.
* ``semester_id`` is the school year's first year and the semester; a figure is recorded under the
  year its semester ends in (20241 -> 2024, 20242 -> 2025) unless the user states another year.
* Counts outside the valid range (data/indicator_ranges.toml: whole, 0 to 100,000) are refused per
  cell and reported; a missing or text count is a gap, never a zero.

A refresh is a :class:`jabodash.official.fetch.Refresh` (one "table" per request), so the change
report, the plausibility flags and the store (jabodash.official.dataset, kind "dapodik_refresh")
are the BPS refresh's.
"""
from __future__ import annotations

import csv
import re
import urllib.parse
from dataclasses import dataclass, field
from functools import lru_cache

from jabodash.core.catalog import valid_range
from jabodash.core.i18n import t
from jabodash.core.paths import DATA_DIR
from jabodash.geo import kecamatan_codes
from jabodash.official import http_client, report
from jabodash.official.fetch import Refresh, compared, now
from jabodash.official.parse import number

SOURCE = http_client.Source("dapodik", "JABODASH_DAPODIK_URL", "https://dapo.kemendikdasmen.go.id/")
REGIONS_FILE = DATA_DIR / "dapodik_regions.csv"
COLUMNS = ("bps_code", "dapodik_code", "dapodik_name", "dapodik_province", "established")
FIELDS = {"sd": "schools_sd", "smp": "schools_smp", "sma": "schools_sma", "smk": "schools_smk"}
SUM_FIELDS = ("sd", "smp", "sma", "smk", "slb")
SUM_INDICATOR = "schools_sd_to_slb_dapodik"
INDICATORS = (*FIELDS.values(), SUM_INDICATOR)
LEVELS = ("kabkota", "kecamatan")
ASKED = {"kabkota": 1, "kecamatan": 2}        # id_level_wilayah asked; the rows' own level is one more
ORIGIN = "Dapodik"
_CODE = re.compile(r"^\d{6}$")
_SEMESTER = re.compile(r"^(20\d\d)([12])$")


@lru_cache(maxsize=1)
def load_regions() -> tuple[dict, ...]:
    """data/dapodik_regions.csv: one dict per kab/kota of the 15 (ValueError names a bad line)."""
    with open(REGIONS_FILE, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{REGIONS_FILE.name}: columns must be {', '.join(COLUMNS)}")
        rows = tuple(dict(r) for r in reader)
    for n, row in enumerate(rows, start=2):
        if not (_CODE.match(row["dapodik_code"]) and _CODE.match(row["dapodik_province"])
                and re.fullmatch(r"\d{4}", row["bps_code"])):
            raise ValueError(f"{REGIONS_FILE.name} line {n}: codes")
    return rows


def parse_semester(semester_id) -> tuple[int, int]:
    """``"20241"`` -> (2024, 1); ValueError for anything else."""
    m = _SEMESTER.match(str(semester_id).strip())
    if not m:
        raise ValueError("semester_id: a year and 1 or 2, e.g. 20241")
    return int(m.group(1)), int(m.group(2))


def year_of(semester_id) -> int:
    """The calendar year a semester ends in: semester 1 in its school year's first year, 2 in the next."""
    first, sem = parse_semester(semester_id)
    return first + (sem - 1)


def _trim(value) -> str:
    return str(value if value is not None else "").strip()


class DapodikClient:
    def __init__(self, base: str | None = None, limits: http_client.Limits | None = None):
        self.base = base or SOURCE.base_url()
        self.fetcher = http_client.Fetcher(self.base, limits or http_client.Limits.from_env())

    def url(self, level: int, code: str, semester_id: str) -> str:
        if level not in (1, 2) or not _CODE.match(code):
            raise ValueError(f"level {level}, code {code!r}")
        parse_semester(semester_id)
        qs = urllib.parse.urlencode({"id_level_wilayah": level, "kode_wilayah": code, "semester_id": semester_id})
        return f"{self.base}rekap/dataSekolah?{qs}"

    def rows(self, level: int, code: str, semester_id: str) -> tuple[list[dict], str]:
        """The recap's rows under ``code`` (a list of objects, else ``malformed``) and the URL."""
        url = self.url(level, code, semester_id)
        data = self.fetcher.get_json(url)
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise http_client.FetchError(http_client.MALFORMED, "not a list of rows")
        return data, url


@dataclass
class DapodikRefresh(Refresh):
    """A refresh of Dapodik's recap for one semester: ``records`` under BPS codes (kab/kota and
    kecamatan), one ``tables`` entry per request, ``unmatched`` rows (Dapodik code and name, why:
    ``other_name``, ``no_name`` or ``ambiguous``) that were not kept."""
    semester_id: str = ""
    year: int = 0
    levels: tuple = ()
    unmatched: list[dict] = field(default_factory=list)

    def to_json(self, saved: str | None = None) -> dict:
        first, sem = parse_semester(self.semester_id)
        return {**super().to_json(saved), "schema": "jabodash.refresh.dapodik/1", "origin": ORIGIN,
                "indicators": list(INDICATORS), "semester_id": self.semester_id, "year": self.year,
                "school_year": f"{first}/{first + 1}", "semester": sem, "levels": list(self.levels),
                "unmatched": self.unmatched, "regions": len({r["region_code"][:4] for r in self.records})}


def run(semester_id: str, levels=LEVELS, year: int | None = None, base: str | None = None,
        limits: http_client.Limits | None = None, regions=None) -> DapodikRefresh:
    """Read the recap of ``semester_id`` for the 15 regions (or the BPS codes in ``regions``):
    their kab/kota rows (one request per province) and their kecamatan (one per kab/kota). A
    failing request is listed in ``errors``; the others are kept."""
    levels = (levels,) if isinstance(levels, str) else tuple(levels)
    if not levels or not set(levels) <= set(LEVELS):
        raise ValueError("levels: kabkota and/or kecamatan")
    semester_id = str(semester_id).strip()
    year = int(year) if year is not None else year_of(semester_id)
    limits = limits or http_client.Limits.from_env()
    out = DapodikRefresh(semester_id=semester_id, year=year, levels=levels, limits=limits.said(), started_at=now())
    members = [r for r in load_regions() if regions is None or r["bps_code"] in set(regions)]
    client = DapodikClient(base, limits)
    asks = []
    if "kabkota" in levels:
        provinces = list(dict.fromkeys(r["dapodik_province"] for r in members))
        asks += [("kabkota", p, [r for r in members if r["dapodik_province"] == p]) for p in provinces]
    if "kecamatan" in levels:
        asks += [("kecamatan", r["dapodik_code"], [r]) for r in members]
    for level, code, under in asks:
        try:
            rows, url = client.rows(ASKED[level], code, semester_id)
        except http_client.FetchError as exc:
            out.errors.append({"indicator": None, "domain": code, "var": level, "level": level,
                               "kind": exc.kind, "detail": exc.detail})
            continue
        _read(out, level, code, rows, under, url)
    return out


def _table(out: DapodikRefresh, level: str, code: str, url: str) -> tuple[dict, dict]:
    title = f"{ORIGIN} rekap dataSekolah {code} semester {out.semester_id}"
    source = {"title": title, "var": level, "domain": code, "url": url, "retrieved_at": now(),
              "grade": "official", "origin": ORIGIN}
    table = {"indicator": SUM_INDICATOR, "domain": code, "var": level, "level": level, "title": title,
             "unit": "unit", "url": url, "retrieved_at": source["retrieved_at"], "origin": ORIGIN, "figures": 0,
             "outside_dropped": 0, "gaps": 0, "text_gaps": [], "label_mismatches": [], "skipped_years": [],
             "refused": [], "unmatched": 0, "unit_flag": None}
    return table, source


def _read(out: DapodikRefresh, level: str, code: str, rows: list[dict], under: list[dict], url: str) -> None:
    """One request's rows into ``out``: figures under BPS codes, its table entry with what was dropped."""
    table, source = _table(out, level, code, url)
    parents = set()
    for row in rows:
        own = _trim(row.get("id_level_wilayah", ASKED[level] + 1))          # 3 or "3": the level below the one asked
        if _trim(row.get("mst_kode_wilayah")) != code or own != str(ASKED[level] + 1):
            table["outside_dropped"] += 1
            continue
        place = _kabkota(out, row, under, table) if level == "kabkota" else _kecamatan(out, row, under[0], table)
        if place is not None:
            _cells(out, row, place, table, source)
            parents.add(place[:4])
    table["regions"] = len(parents)
    out.tables.append(table)


def _unmatched(out: DapodikRefresh, row: dict, parent: str, reason: str, table: dict, other: str = "") -> None:
    out.unmatched.append({"dapodik_code": _trim(row.get("kode_wilayah"))[:8], "name": _trim(row.get("nama"))[:80],
                          "parent_code": parent, "reason": reason, "table_name": other,
                          "sd_to_slb": _sum(row)})
    table["unmatched"] += 1


def _kabkota(out: DapodikRefresh, row: dict, under: list[dict], table: dict) -> str | None:
    """The BPS code of a kab/kota row: its code in data/dapodik_regions.csv and the same name."""
    found = next((r for r in under if r["dapodik_code"] == _trim(row.get("kode_wilayah"))), None)
    if found is None:                      # another kab/kota of the province
        table["outside_dropped"] += 1
        return None
    if not kecamatan_codes.same_name(row.get("nama"), found["dapodik_name"]):
        _unmatched(out, row, found["bps_code"], "other_name", table, found["dapodik_name"])
        return None
    return found["bps_code"]


def _kecamatan(out: DapodikRefresh, row: dict, kab: dict, table: dict) -> str | None:
    """The BPS code of a kecamatan row: the one kecamatan of its kab/kota in the crosswalk whose BPS or
    Kemendagri name is the row's name (without "Kec."); else reported (never guessed)."""
    name = re.sub(r"^\s*kec(amatan)?\b\.?\s*", "", _trim(row.get("nama")), flags=re.IGNORECASE)
    cross = kecamatan_codes.load()
    cross = cross[cross["parent_code"] == kab["bps_code"]]
    hits = cross[[kecamatan_codes.same_name(name, a) or kecamatan_codes.same_name(name, b)
                  for a, b in zip(cross["name"], cross["kemendagri_name"])]]
    if len(hits) == 1:
        return str(hits["code"].iloc[0])
    _unmatched(out, row, kab["bps_code"], "no_name" if hits.empty else "ambiguous", table,
               " / ".join(hits["name"]))
    return None


def _sum(row: dict) -> float | None:
    try:
        values = [number(row.get(f)) for f in SUM_FIELDS]
    except ValueError:
        return None
    return None if any(v is None for v in values) else float(sum(values))


def _cells(out: DapodikRefresh, row: dict, place: str, table: dict, source: dict) -> None:
    """A row's counts as figures of ``place``; a missing or text count is a gap, an impossible one refused."""
    who = {"name": _trim(row.get("nama"))[:80], "dapodik_code": _trim(row.get("kode_wilayah"))[:8]}
    kept = {}
    for fld in SUM_FIELDS:
        kept[fld] = _cell(out, row.get(fld), FIELDS.get(fld, SUM_INDICATOR), place, who, fld, table, source,
                          record=fld in FIELDS)
    if all(v is not None for v in kept.values()):
        _cell(out, sum(kept.values()), SUM_INDICATOR, place, who, "+".join(SUM_FIELDS), table, source)


def _cell(out, raw, indicator, place, who, fld, table, source, record=True) -> float | None:
    """One count: recorded (``record``) and returned when possible; else a gap or a refusal, said."""
    try:
        value = number(raw)
    except ValueError:
        value = None
    if value is None:
        table["gaps"] += 1
        table["text_gaps"].append(f"{who['name']} {fld}")
        return None
    problem = valid_range(indicator).check(value)
    if problem is not None:
        table["refused"].append({"indicator": indicator, "region_code": place, "name": who["name"], "year": out.year,
                                 "value": value, "raw": str(raw)[:30], "field": fld, "reason": problem[0],
                                 "params": problem[1]})
        return None
    if record:
        out.records.append({"indicator": indicator, "region_code": place, "year": out.year, "value": value,
                            **who, "source": {**source, "var": fld}})
        table["figures"] += 1
    return value


def report_text(out: dict, lang: str) -> str:
    """A refresh's JSON report (:meth:`DapodikRefresh.to_json`) in words: the summary, the period,
    the figures, the rows not kept, the refused counts, the errors."""
    tables = out.get("tables") or []
    lines = [t("dapodik.cli.summary", lang, n=len(out["records"]), level=", ".join(out.get("levels") or []),
               semester=out["semester_id"], regions=out["regions"],
               **report.table_totals(tables)),
             t("dapodik.cli.period", lang, semester=out["semester_id"], school_year=out["school_year"],
               sem=out["semester"], year=out["year"])]
    for rec in (r for r in out["records"] if len(r["region_code"]) == 4):   # kecamatan: the map and the table
        lines.append(f"  {rec['region_code']} {rec['name']} ({rec['dapodik_code']}) {rec['indicator']}: {rec['value']:,.0f}")
    if "kecamatan" in (out.get("levels") or []):
        kec = {r["region_code"] for r in out["records"] if len(r["region_code"]) == 7}
        lines.append(t("dapodik.cli.crosswalk", lang, matched=len(kec), unmatched=len(out["unmatched"])))
    for item in out["unmatched"][:100]:
        lines.append("  ? " + t(f"dapodik.cli.unmatched_{item['reason']}", lang, code=item["dapodik_code"],
                                name=item["name"], parent=item["parent_code"], other=item.get("table_name") or ""))
    for table in tables:
        for cell in table.get("refused") or []:
            lines.append(f"  ! {cell['region_code']} {cell['name']} {cell['field']}: '{cell['raw']}' ({cell['reason']})")
    for err in out["errors"]:
        lines.append("  ! " + f"{err['level']} {err['domain']}: "
                     + t(f"data.refresh.error.{err['kind']}", lang, detail=err.get("detail") or ""))
    return "\n".join(lines)


def refresh(store, semester_id: str, levels=LEVELS, year: int | None = None) -> DapodikRefresh:
    """A Dapodik refresh's steps, written once for the command line and the Data & metode page:
    the recap read (:func:`run`), then the figures compared with the built-in ones."""
    return compared(store, run(semester_id, levels, year), list(INDICATORS))
