"""Population from Ditjen Dukcapil (Kemendagri)'s public GIS service, through the hardened client
(jabodash.official.http_client): kab/kota and kecamatan of the 15 regions. No streamlit.

The service (its documented ArcGIS REST form, as public client code reads it: github:andifathulms/
nusastats backend/dukcapil/client.py and ingest.py, whose audit notes that the answer carries no
reference date): one ArcGIS MapServer per level,
``AGR_VISUAL_KAB_FIX`` (kab/kota) and ``AGR_VISUAL_KEC_FIX`` (kecamatan) under the base URL
``JABODASH_DUKCAPIL_URL``; ``<service>/MapServer?f=json`` names the data layer
(``{"layers": [{"id": 3, ...}]}``: the id differs per service), and
``<service>/MapServer/<layer>/query?where=...&outFields=*&returnGeometry=false&f=json``
answers ``{"features": [{"attributes": {...}}], "exceededTransferLimit": bool}``, paged with
``resultOffset``/``resultRecordCount``; an error is ``{"error": {"code", "message"}}`` with HTTP 200.
Attributes used: ``no_prop``, ``no_kab``, ``no_kec`` (Kemendagri numbers: 32, 75, 1 -> 32.75.01),
``nama_kab``, ``nama_kec`` and ``jumlah_penduduk`` (registered residents).

* Codes are Kemendagri's: a kab/kota goes to its BPS code through data/regions.csv's
  ``kemendagri_code`` (3171 in BPS is Jakarta Selatan, in Kemendagri Jakarta Pusat: codes are never
  taken as they are). A kecamatan goes to its BPS code only through the crosswalk
  (data/kecamatan_crosswalk.csv, jabodash.geo.kecamatan_codes), by its Kemendagri code; a code the
  crosswalk does not know, or whose Kemendagri name there is another name than Dukcapil's, is
  reported in ``unmatched`` and not kept: never guessed.
* The service does not say its reference date (no semester in the answer): the user states the
  semester (1: 30 June, ``population_dukcapil_sem1``; 2: 31 December, ``population_dukcapil``)
  and the report says that the date is the user's statement.
* Counts outside the valid range (data/indicator_ranges.toml: > 0) are refused per row and reported.

A refresh is a :class:`jabodash.official.fetch.Refresh` (one "table" per level read), so that the
change report, the plausibility flags and the store (jabodash.official.dataset, kind
"dukcapil_refresh") are the BPS refresh's.
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field

from jabodash.core.catalog import valid_range
from jabodash.core.i18n import t
from jabodash.geo import kecamatan_codes
from jabodash.geo.regions import kemendagri_to_bps, load_regions
from jabodash.official import http_client, report
from jabodash.official.fetch import Refresh, compared, now
from jabodash.official.parse import number

SOURCE = http_client.Source("dukcapil", "JABODASH_DUKCAPIL_URL",
                      "https://gis.dukcapil.kemendagri.go.id/arcgis/rest/services/")
SERVICES = {"kabkota": "AGR_VISUAL_KAB_FIX", "kecamatan": "AGR_VISUAL_KEC_FIX"}
INDICATORS = {1: "population_dukcapil_sem1", 2: "population_dukcapil"}
LEVELS = ("kabkota", "kecamatan")
PAGE = 2000
MAX_PAGES = 20
ORIGIN = "Dukcapil GIS"


def _members() -> dict[str, str]:
    """Kemendagri kab/kota code ("3275") -> BPS code of the 15 regions."""
    regions = load_regions()
    out = {}
    for code in regions.loc[regions["in_agglomeration"].astype(bool), "code"].astype(str):
        kem = regions.loc[regions["code"].astype(str) == code, "kemendagri_code"].astype(str).iloc[0]
        out[kem.replace(".", "")] = code
    return out


def where_clause(members) -> str:
    """The query's filter: the 15 kab/kota by their Kemendagri numbers (digits only, so nothing else
    can reach the URL)."""
    parts = []
    for kem in sorted(members):
        if not re.fullmatch(r"\d{4}", kem):
            raise ValueError(kem)
        parts.append(f"(no_prop={int(kem[:2])} AND no_kab={int(kem[2:])})")
    return " OR ".join(parts)


class DukcapilClient:
    def __init__(self, base: str | None = None, limits: http_client.Limits | None = None):
        self.base = base or SOURCE.base_url()
        self.fetcher = http_client.Fetcher(self.base, limits or http_client.Limits.from_env())

    def _json(self, url: str) -> dict:
        data = self.fetcher.get_json(url)
        if not isinstance(data, dict):
            raise http_client.FetchError(http_client.MALFORMED, "not an object")
        if "error" in data:
            raise http_client.FetchError(http_client.HTTP, f"ArcGIS error {str((data['error'] or {}).get('code', ''))[:6]}")
        return data

    def layer(self, service: str) -> int:
        data = self._json(f"{self.base}{service}/MapServer?f=json")
        layers = data.get("layers")
        if not isinstance(layers, list) or not layers or not isinstance(layers[0], dict) \
                or not isinstance(layers[0].get("id"), int):
            raise http_client.FetchError(http_client.MALFORMED, "layers")
        return layers[0]["id"]

    def query_url(self, service: str, layer: int, where: str, offset: int) -> str:
        qs = urllib.parse.urlencode({"where": where, "outFields": "*", "returnGeometry": "false", "f": "json",
                                     "resultOffset": offset, "resultRecordCount": PAGE})
        return f"{self.base}{service}/MapServer/{int(layer)}/query?{qs}"

    def features(self, level: str, where: str) -> tuple[list[dict], str]:
        """Every feature's attributes of ``level`` matching ``where`` (paged), and the first URL."""
        service = SERVICES[level]
        layer = self.layer(service)
        out, first = [], ""
        for page in range(MAX_PAGES):
            url = self.query_url(service, layer, where, page * PAGE)
            first = first or url
            data = self._json(url)
            feats = data.get("features")
            if not isinstance(feats, list) or not all(isinstance(f, dict) and isinstance(f.get("attributes"), dict)
                                                      for f in feats):
                raise http_client.FetchError(http_client.MALFORMED, "features")
            out.extend(f["attributes"] for f in feats)
            if not feats or not data.get("exceededTransferLimit"):
                return out, first
        raise http_client.FetchError(http_client.TOO_LARGE, f"more than {MAX_PAGES} pages")


def _code(attrs: dict, *keys) -> str | None:
    digits = []
    for key in keys:
        try:
            value = int(str(attrs.get(key)).strip())
        except (TypeError, ValueError):
            return None
        if not 0 <= value < 100:
            return None
        digits.append(f"{value:02d}")
    return "".join(digits)



@dataclass
class DukcapilRefresh(Refresh):
    """A refresh of Dukcapil's population for the stated year and semester: ``records`` under BPS
    codes (kab/kota and kecamatan), one ``tables`` entry per level read, ``unmatched`` kecamatan
    (Kemendagri code and name, why: ``no_code`` or ``other_name``) that were not kept."""
    year: int = 0
    semester: int = 2
    levels: tuple = ()
    unmatched: list[dict] = field(default_factory=list)

    @property
    def indicator(self) -> str:
        return INDICATORS[self.semester]

    def to_json(self, saved: str | None = None) -> dict:
        return {**super().to_json(saved), "schema": "jabodash.refresh.dukcapil/1", "origin": ORIGIN,
                "indicator": self.indicator, "year": self.year, "semester": self.semester,
                "levels": list(self.levels), "reference_date": "stated by the user: the service does not say it",
                "unmatched": self.unmatched,
                "regions": len({r["region_code"][:4] for r in self.records})}


def run(year: int, semester: int, levels=LEVELS, base: str | None = None,
        limits: http_client.Limits | None = None) -> DukcapilRefresh:
    """Read the population of the 15 regions (``levels``: kabkota and/or kecamatan) for the stated
    ``year`` and ``semester``; a failing level is listed in ``errors``, the other is kept."""
    levels = (levels,) if isinstance(levels, str) else tuple(levels)
    if semester not in INDICATORS or not levels or not set(levels) <= set(SERVICES):
        raise ValueError("semester 1 or 2; levels kabkota and/or kecamatan")
    limits = limits or http_client.Limits.from_env()
    out = DukcapilRefresh(year=int(year), semester=semester, levels=levels, limits=limits.said(), started_at=now())
    members = _members()
    client = DukcapilClient(base, limits)
    for level in levels:
        try:
            attrs, url = client.features(level, where_clause(members))
        except http_client.FetchError as exc:
            out.errors.append({"indicator": out.indicator, "domain": SERVICES[level], "var": None, "level": level,
                               "kind": exc.kind, "detail": exc.detail})
            continue
        _read_level(out, level, attrs, members, url)
    return out


def _read_level(out: DukcapilRefresh, level: str, attrs: list[dict], members: dict, url: str) -> None:
    """One level's rows into ``out``: records under BPS codes, its table entry with what was dropped."""
    source = {"title": f"{ORIGIN} {SERVICES[level]}", "var": level, "domain": SERVICES[level], "url": url,
              "retrieved_at": now(), "grade": "official", "origin": ORIGIN}
    table = {"indicator": out.indicator, "domain": SERVICES[level], "var": level, "level": level,
             "title": source["title"], "unit": "jiwa", "url": url, "retrieved_at": source["retrieved_at"],
             "origin": ORIGIN, "figures": 0, "outside_dropped": 0, "gaps": 0, "text_gaps": [],
             "label_mismatches": [], "skipped_years": [], "refused": [], "unmatched": 0, "unit_flag": None}
    rng = valid_range(out.indicator)
    parents = set()
    for row in attrs:
        kem = _code(row, "no_prop", "no_kab")
        parent = members.get(kem or "") if kem else None
        if parent is None or kemendagri_to_bps(kem) != parent:
            table["outside_dropped"] += 1
            continue
        name = str(row.get("nama_kec" if level == "kecamatan" else "nama_kab") or "")[:80]
        code = parent if level == "kabkota" else _kecamatan(out, row, name, parent, table)
        if code is None:
            continue
        try:
            value = number(row.get("jumlah_penduduk"))
        except ValueError:
            value = None
        if value is None:                    # null or text such as "-": a gap, never a zero
            table["gaps"] += 1
            table["text_gaps"].append(name)
            continue
        problem = rng.check(value)
        if problem is not None:
            table["refused"].append({"region_code": code, "name": name, "year": out.year, "value": value,
                                     "raw": str(row.get("jumlah_penduduk"))[:30], "reason": problem[0],
                                     "params": problem[1]})
            continue
        out.records.append({"indicator": out.indicator, "region_code": code, "year": out.year, "value": value,
                            "name": name, "kemendagri_code": _dotted(row, level), "source": source})
        table["figures"] += 1
        parents.add(parent)
    table["regions"] = len(parents)
    out.tables.append(table)


def _dotted(row: dict, level: str) -> str:
    digits = _code(row, "no_prop", "no_kab", *(("no_kec",) if level == "kecamatan" else ())) or ""
    return ".".join(digits[i:i + 2] for i in range(0, len(digits), 2))


def _kecamatan(out: DukcapilRefresh, row: dict, name: str, parent: str, table: dict) -> str | None:
    """The BPS code of a Dukcapil kecamatan row through the crosswalk, or None (reported)."""
    kem = _dotted(row, "kecamatan")
    found = kecamatan_codes.by_kemendagri(kem)
    why = None
    if found is None or found["parent_code"] != parent:
        why = "no_code"
    elif not kecamatan_codes.same_name(_plain(name), found["kemendagri_name"]):
        why = "other_name"
    if why is None:
        return found["code"]
    out.unmatched.append({"kemendagri_code": kem, "name": name, "parent_code": parent, "reason": why,
                          "crosswalk_name": (found or {}).get("kemendagri_name"), "bps_code": (found or {}).get("code"),
                          "value": row.get("jumlah_penduduk") if isinstance(row.get("jumlah_penduduk"), (int, float))
                          else str(row.get("jumlah_penduduk"))[:30]})
    table["unmatched"] += 1
    return None


def _plain(name: str) -> str:
    """A kecamatan name without a leading "Kec." / "Kecamatan" (the word, not part of the name)."""
    return re.sub(r"^\s*kec(amatan)?\b\.?\s*", "", str(name), flags=re.IGNORECASE)


def report_text(out: dict, lang: str) -> str:
    """A refresh's JSON report (:meth:`DukcapilRefresh.to_json`) in words: the summary, the date
    caveat, the figures, the kecamatan not kept, the refused values, the errors."""
    tables = out.get("tables") or []
    lines = [t("dukcapil.cli.summary", lang, n=len(out["records"]), level=", ".join(out.get("levels") or []),
               year=out["year"], semester=out["semester"], regions=out["regions"],
               **report.table_totals(tables))]
    lines.append(t("dukcapil.cli.date", lang))
    for rec in out["records"]:
        lines.append(f"  {rec['region_code']} {rec['name']}: {rec['value']:,.0f}")
    kec = [r for r in out["records"] if len(r["region_code"]) == 7]
    if "kecamatan" in (out.get("levels") or []):
        lines.append(t("dukcapil.cli.crosswalk", lang, matched=len(kec), unmatched=len(out["unmatched"])))
    for item in out["unmatched"][:100]:
        lines.append("  ? " + t(f"dukcapil.cli.unmatched_{item['reason']}", lang, code=item["kemendagri_code"],
                                name=item["name"], parent=item["parent_code"], other=item.get("crosswalk_name") or ""))
    for table in tables:
        for cell in table.get("refused") or []:
            lines.append(f"  ! {cell['region_code']} {cell['name']}: '{cell['raw']}' ({cell['reason']})")
    for err in out["errors"]:
        lines.append("  ! " + t(f"data.refresh.error.{err['kind']}", lang, detail=err.get("detail") or ""))
    return "\n".join(lines)


def refresh(store, year: int, semester: int, levels=LEVELS) -> DukcapilRefresh:
    """A Dukcapil refresh's steps, written once for the command line and the Data & metode page:
    the service read (:func:`run`), then the figures compared with the built-in ones."""
    out = run(year, semester, levels)
    return compared(store, out, [out.indicator])
