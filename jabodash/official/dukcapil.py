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
  taken as they are). A kecamatan keeps its Kemendagri code and name; it reaches a BPS kecamatan
  code only through a crosswalk (:func:`crosswalk_kecamatan`), by exact name within its kab/kota,
  and every name without an exact match is reported, never guessed.
* The service does not say its reference date (no semester in the answer): the user states the
  semester (1: 30 June, ``population_dukcapil_sem1``; 2: 31 December, ``population_dukcapil``)
  and the report says that the date is the user's statement.
* Counts outside the valid range (data/indicator_ranges.toml: > 0) are refused per row and reported.
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timezone

from jabodash.core.catalog import valid_range
from jabodash.core.i18n import t
from jabodash.geo.regions import kemendagri_to_bps, load_regions
from jabodash.official import http_client
from jabodash.official.parse import number

SOURCE = http_client.Source("dukcapil", "JABODASH_DUKCAPIL_URL",
                      "https://gis.dukcapil.kemendagri.go.id/arcgis/rest/services/")
SERVICES = {"kabkota": "AGR_VISUAL_KAB_FIX", "kecamatan": "AGR_VISUAL_KEC_FIX"}
INDICATORS = {1: "population_dukcapil_sem1", 2: "population_dukcapil"}
PAGE = 2000
MAX_PAGES = 20
ORIGIN = "Dukcapil GIS"


@dataclass
class DukcapilRefresh:
    year: int
    semester: int
    level: str
    records: list[dict] = field(default_factory=list)        # kab/kota: BPS codes
    kecamatan: list[dict] = field(default_factory=list)      # Kemendagri code, name, parent BPS code, value
    refused: list[dict] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)          # names of rows without a figure
    outside: int = 0
    errors: list[dict] = field(default_factory=list)
    limits: dict = field(default_factory=dict)
    retrieved_at: str = ""
    url: str = ""

    @property
    def indicator(self) -> str:
        return INDICATORS[self.semester]

    @property
    def exit_code(self) -> int:
        return 0 if not self.errors else 1

    def to_json(self) -> dict:
        return {"schema": "jabodash.refresh.dukcapil/1", "ok": not self.errors, "level": self.level,
                "indicator": self.indicator, "year": self.year, "semester": self.semester,
                "reference_date": "stated by the user: the service does not say it",
                "records": self.records, "kecamatan": self.kecamatan, "refused": self.refused, "gaps": self.gaps,
                "outside_dropped": self.outside, "errors": self.errors, "limits": self.limits,
                "source": {"origin": ORIGIN, "url": self.url, "retrieved_at": self.retrieved_at,
                           "grade": "official"},
                "regions": len({r["region_code"] for r in self.records} | {k["parent_code"] for k in self.kecamatan})}


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


def run(year: int, semester: int, level: str = "kabkota", base: str | None = None,
        limits: http_client.Limits | None = None) -> DukcapilRefresh:
    """Read the population of the 15 regions (``level`` kabkota or kecamatan) for the stated
    ``year`` and ``semester``."""
    if semester not in INDICATORS or level not in SERVICES:
        raise ValueError("semester 1 or 2; level kabkota or kecamatan")
    limits = limits or http_client.Limits.from_env()
    out = DukcapilRefresh(year=int(year), semester=semester, level=level, limits=limits.said(),
                          retrieved_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    members = _members()
    try:
        client = DukcapilClient(base, limits)
        attrs, out.url = client.features(level, where_clause(members))
    except http_client.FetchError as exc:
        out.errors.append({"level": level, "kind": exc.kind, "detail": exc.detail})
        return out
    rng = valid_range(out.indicator)
    for row in attrs:
        kem = _code(row, "no_prop", "no_kab")
        parent = members.get(kem or "") if kem else None
        if parent is None or kemendagri_to_bps(kem) != parent:
            out.outside += 1
            continue
        try:
            value = number(row.get("jumlah_penduduk"))
        except ValueError:
            value = None
        name = str(row.get("nama_kec" if level == "kecamatan" else "nama_kab") or "")[:80]
        code = kem if level == "kabkota" else _code(row, "no_prop", "no_kab", "no_kec")
        if value is None:                    # null or text such as "-": a gap, never a zero
            out.gaps.append(name)
            continue
        problem = rng.check(value)
        if problem is not None:
            out.refused.append({"code": code, "name": name, "raw": str(row.get("jumlah_penduduk"))[:30],
                                "reason": problem[0], "params": problem[1]})
            continue
        if level == "kabkota":
            out.records.append({"indicator": out.indicator, "region_code": parent, "year": out.year, "value": value,
                                "kemendagri_code": kem, "name": name})
        else:
            kec = code
            out.kecamatan.append({"kemendagri_code": kec, "name": name, "parent_code": parent, "value": value,
                                  "year": out.year, "indicator": out.indicator})
    return out


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).casefold())


def crosswalk_kecamatan(kecamatan: list[dict], bps_kecamatan) -> tuple[list[dict], list[dict]]:
    """(matched, unmatched): each Dukcapil kecamatan given its BPS code when exactly one BPS
    kecamatan of the same kab/kota has the same name (case, spaces and punctuation aside); the
    others are listed with the BPS names of their kab/kota, never guessed. ``bps_kecamatan``:
    rows (code, name, parent_code)."""
    by_parent: dict[str, dict[str, list[str]]] = {}
    names_of: dict[str, list[str]] = {}
    for code, name, parent in bps_kecamatan:
        by_parent.setdefault(str(parent), {}).setdefault(_norm(name), []).append(str(code))
        names_of.setdefault(str(parent), []).append(str(name))
    matched, unmatched = [], []
    for kec in kecamatan:
        hits = by_parent.get(kec["parent_code"], {}).get(_norm(kec["name"]), [])
        if len(hits) == 1:
            matched.append({**kec, "region_code": hits[0]})
        else:
            unmatched.append({**kec, "bps_names": sorted(names_of.get(kec["parent_code"], []))[:80]})
    return matched, unmatched


def bps_kecamatan_from_cache() -> list[tuple[str, str, str]]:
    """(BPS code, name, kab/kota code) of the kecamatan in the cached kecamatan boundaries, the
    crosswalk's other side; [] when none are cached (the crosswalk then reports every name)."""
    try:
        from jabodash.geo.boundaries import load_cached
        cached = load_cached("kecamatan")
    except Exception:  # noqa: BLE001 - no boundaries is a normal state
        return []
    if cached is None or cached.gdf is None:
        return []
    codes, names = cached.gdf["code"].astype(str), cached.gdf["name"].astype(str)
    return [(c, n, c[:4]) for c, n in zip(codes, names) if re.fullmatch(r"\d{7}", c)]


def report_text(out: dict, lang: str) -> str:
    """A refresh's JSON report (:meth:`DukcapilRefresh.to_json`, with ``crosswalk``) in words."""
    lines = [t("dukcapil.cli.summary", lang, n=len(out["records"]) + len(out["kecamatan"]), level=out["level"],
               year=out["year"], semester=out["semester"], regions=out["regions"], refused=len(out["refused"]),
               gaps=len(out["gaps"]), outside=out["outside_dropped"])]
    lines.append(t("dukcapil.cli.date", lang))
    for rec in out["records"]:
        lines.append(f"  {rec['region_code']} {rec['name']}: {rec['value']:,.0f}")
    cross = out.get("crosswalk")
    if cross is not None:
        lines.append(t("dukcapil.cli.crosswalk", lang, matched=len(cross["matched"]), unmatched=len(cross["unmatched"])))
        for kec in cross["unmatched"][:100]:
            lines.append(f"  ? {kec['kemendagri_code']} {kec['name']} ({kec['parent_code']})")
    for cell in out["refused"]:
        lines.append(f"  ! {cell['code']} {cell['name']}: '{cell['raw']}' ({cell['reason']})")
    for err in out["errors"]:
        lines.append("  ! " + t(f"data.refresh.error.{err['kind']}", lang, detail=err.get("detail") or ""))
    return "\n".join(lines)
