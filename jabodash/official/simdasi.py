"""BPS SIMDASI, the tables behind every "Kabupaten/Kota Dalam Angka" (down to kecamatan), through the
WebAPI's interoperability endpoints and the one hardened client (jabodash.official.client.BpsClient:
the BPS key, base URL ``JABODASH_BPS_URL``, deadlines, caps, no redirect to another host). No streamlit.

Endpoints (as public client code calls them; areas are 7-digit MFD codes: ``3276000`` Kota Depok,
``3276010`` a kecamatan, the same digits as BPS codes)::

    <base>api/interoperabilitas/datasource/simdasi/id/23/wilayah/<wilayah>/key/<key>/    tables of an area
    <base>api/interoperabilitas/datasource/simdasi/id/25/tahun/<year>/id_tabel/<id>/wilayah/<wilayah>/key/<key>/

A table's answer: ``{"status": "OK", "data-availability": "available", "data": [<paging>, {"kolom":
{<key>: {"nama_variabel": ...}}, "data": [{"label", "kode_wilayah", "variables": {<key>: {"value"}}}]}]}``;
the list's ``data[1]`` is a list of tables (``id_tabel``, ``judul``, ``ketersediaan_tahun``, ...).

Recipes are data (data/simdasi_recipes.csv, how each was established in data/simdasi_recipes.md):
indicator, area, ``id_tabel`` (opaque; one id serves every area whose Dalam Angka has that table, the
area code picks the area), the column (``nama_variabel``) to read, years. The shipped recipes read one
shared table (population density by kecamatan) for the 15 regions and their provinces;
``python -m jabodash refresh simdasi --list --wilayah 3276000`` lists an area's tables to write more.
A row's code decides where its figure goes: a kecamatan of the 15 regions (data/kecamatan_crosswalk.csv)
or the kab/kota itself (``3276000``); any other row is dropped and counted. A refresh is a
jabodash.official.fetch.Refresh, so its change report and its store (kind "bps_refresh": it is BPS's
WebAPI) are the BPS refresh's.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jabodash.core.catalog import load_catalog, valid_range
from jabodash.core.paths import DATA_DIR
from jabodash.geo import kecamatan_codes
from jabodash.geo.regions import load_regions
from jabodash.official import client as client_mod
from jabodash.official.fetch import Refresh, compared, now
from jabodash.official.parse import number

API = "SIMDASI"   # marks its tables and sources in a BPS refresh (report lines, saved title and notes)
RECIPES_FILE = DATA_DIR / "simdasi_recipes.csv"
COLUMNS = ("indicator", "wilayah", "id_tabel", "variable", "years", "unit", "table", "established", "scale")
_SCALE = re.compile(r"^(\d+(\.\d+)?)?$")   # empty (1) or a positive factor: 1000 for a column in thousands
_WILAYAH = re.compile(r"^\d{7}$")
_ID = re.compile(r"^[A-Za-z0-9=_-]{4,80}$")


@dataclass(frozen=True)
class Recipe:
    indicator: str
    wilayah: str
    id_tabel: str
    variable: str
    years: str
    unit: str = ""
    table: str = ""
    established: str = ""
    scale: str = ""

    def year_list(self) -> list[int]:
        return [int(y) for y in self.years.split("|") if y.strip().isdigit()]

    def factor(self) -> float:
        """What a read value is multiplied by to be in the indicator's unit (1000 for thousands)."""
        return float(self.scale) if self.scale else 1.0


def load(path: Path | None = None) -> list[Recipe]:
    """The recipes; lines starting with # are comments. ValueError names a bad line. The file is read
    again only when it changed (its modification time or size), not on every page rerun."""
    path = Path(path or RECIPES_FILE)
    stat = path.stat()
    return list(_load(str(path), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=8)
def _load(name: str, mtime_ns: int, size: int) -> tuple[Recipe, ...]:
    path = Path(name)
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) not in (COLUMNS, COLUMNS[:-1]):   # "scale" may be left out
        raise ValueError(f"{path.name}: columns must be {', '.join(COLUMNS)}")
    out = []
    for n, row in enumerate(reader, start=2):
        recipe = Recipe(**{k: (row.get(k) or "").strip() for k in COLUMNS})
        if not (_WILAYAH.match(recipe.wilayah) and _ID.match(recipe.id_tabel) and recipe.year_list()
                and _SCALE.match(recipe.scale) and recipe.factor() > 0):
            raise ValueError(f"{path.name} line {n}: a 7-digit wilayah, an id_tabel, years and a positive scale "
                             "(or none) are needed")
        out.append(recipe)
    return tuple(out)


def _segments(*values) -> None:
    for value in values:
        if not _ID.match(str(value)):
            raise ValueError(f"not a plain URL segment: {value!r}")


def table_path(recipe: Recipe, year: int) -> str:
    _segments(recipe.id_tabel, recipe.wilayah, year)
    return (f"api/interoperabilitas/datasource/simdasi/id/25/tahun/{int(year)}/id_tabel/{recipe.id_tabel}"
            f"/wilayah/{recipe.wilayah}/")


def list_tables(client: client_mod.BpsClient, wilayah: str) -> list[dict]:
    """An area's SIMDASI tables: id_tabel, judul, ketersediaan_tahun (for writing recipes)."""
    _segments(wilayah)
    data = client.answer(f"api/interoperabilitas/datasource/simdasi/id/23/wilayah/{wilayah}/").get("data")
    if not isinstance(data, list) or len(data) < 2 or not isinstance(data[1], list):
        raise client_mod.BpsError(client_mod.MALFORMED, "data")
    return [{"id_tabel": str(t.get("id_tabel", ""))[:80], "judul": str(t.get("judul", ""))[:300],
             "years": t.get("ketersediaan_tahun") if isinstance(t.get("ketersediaan_tahun"), list) else []}
            for t in data[1] if isinstance(t, dict)]


def _places() -> dict[str, str]:
    """7-digit area code -> BPS code of a kab/kota of the 15 ("3276000" -> "3276") or a kecamatan."""
    regions = load_regions()
    out = {f"{c}000": c for c in regions.loc[regions["in_agglomeration"].astype(bool), "code"].astype(str)}
    out.update({c: c for c in kecamatan_codes.load()["code"]})
    return out


def _content(answer: dict, variable: str) -> tuple[str, list]:
    data = answer.get("data")
    if not isinstance(data, list) or len(data) < 2 or not isinstance(data[1], dict):
        raise client_mod.BpsError(client_mod.MALFORMED, "data")
    kolom, rows = data[1].get("kolom"), data[1].get("data")
    if not isinstance(kolom, dict) or not isinstance(rows, list):
        raise client_mod.BpsError(client_mod.MALFORMED, "kolom")
    wanted = kecamatan_codes.norm(variable)
    keys = [k for k, v in kolom.items() if isinstance(v, dict) and kecamatan_codes.norm(v.get("nama_variabel")) == wanted]
    if len(keys) != 1:
        raise client_mod.BpsError(client_mod.MALFORMED, f"column {variable[:40]}")
    return keys[0], rows


def run(recipes: list[Recipe], key: str | None, base: str | None = None,
        limits: client_mod.Limits | None = None) -> Refresh:
    """Read every recipe's table for each of its years (a bad key stops the refresh; any other
    failing table is listed in ``errors`` and the others are kept)."""
    limits = limits or client_mod.Limits.from_env()
    out = Refresh(started_at=now(), limits=limits.said())
    try:
        client = client_mod.BpsClient(key or "", base or "", limits=limits)
    except client_mod.BpsError:
        out.bad_key = True
        out.errors.append({"indicator": None, "domain": None, "var": None, "kind": client_mod.BAD_KEY, "detail": "format"})
        return out
    places, catalog = _places(), load_catalog()
    for recipe in recipes:
        for year in recipe.year_list():
            error = {"indicator": recipe.indicator, "domain": recipe.wilayah, "var": recipe.id_tabel, "year": year}
            if recipe.indicator not in catalog:
                out.errors.append({**error, "kind": "unknown_indicator", "detail": ""})
                continue
            try:
                if client.run.expired:
                    raise client_mod.BpsError(client_mod.DEADLINE, f"run {limits.run_deadline_s:g} s")
                column, rows = _content(client.answer(table_path(recipe, year)), recipe.variable)
            except client_mod.BpsError as exc:
                out.errors.append({**error, "kind": exc.kind, "detail": client_mod.scrub(exc.detail, key)[:120]})
                if exc.kind == client_mod.BAD_KEY:
                    out.bad_key = True
                    return out
                continue
            _read(out, recipe, year, column, rows, places, client.base)
    return out


def _read(out: Refresh, recipe: Recipe, year: int, column: str, rows: list, places: dict, base: str) -> None:
    url = base + table_path(recipe, year)
    source = {"title": recipe.table or f"SIMDASI {recipe.id_tabel}", "var": recipe.id_tabel, "domain": recipe.wilayah,
              "api": API,
              "url": url, "retrieved_at": now(), "grade": "official"}
    table = {"indicator": recipe.indicator, "domain": recipe.wilayah, "var": recipe.id_tabel, "title": source["title"],
             "year": year, "api": API,
             "unit": recipe.unit, "url": url, "retrieved_at": source["retrieved_at"], "figures": 0, "outside_dropped": 0,
             "gaps": 0, "text_gaps": [], "label_mismatches": [], "skipped_years": [], "refused": [], "unit_flag": None}
    rng, codes = valid_range(recipe.indicator), set()
    for row in rows:
        code = places.get(str((row or {}).get("kode_wilayah") if isinstance(row, dict) else ""))
        cell = ((row.get("variables") or {}).get(column) or {}) if code else {}
        if code is None or not isinstance(cell, dict):
            table["outside_dropped"] += 1
            continue
        try:
            value = number(cell.get("value"))
        except ValueError:
            value = None
        if value is not None and recipe.scale:   # e.g. "Jumlah Penduduk (Ribu)" x 1000 = persons
            value = round(value * recipe.factor(), 6)
        if value is None:
            table["gaps"] += 1
            table["text_gaps"].append(str(cell.get("value"))[:20])
            continue
        problem = rng.check(value)
        if problem is not None:
            table["refused"].append({"region_code": code, "year": year, "value": value, "raw": str(cell.get("value"))[:30],
                                     "reason": problem[0], "params": problem[1]})
            continue
        out.records.append({"indicator": recipe.indicator, "region_code": code, "year": year, "value": value,
                            "source": source})
        table["figures"] += 1
        codes.add(code[:4])
    table["regions"] = len(codes)
    out.tables.append(table)


def valid_wilayah(code: str | None) -> bool:
    """A SIMDASI area code: seven digits (a kab/kota's is its BPS code and 000)."""
    return bool(_WILAYAH.match(code or ""))


def refresh(store, recipes: list[Recipe], key: str | None) -> Refresh:
    """A SIMDASI refresh's steps, written once for the command line and the Data & metode page:
    every recipe's table read (:func:`run`), then the figures compared with the built-in ones."""
    return compared(store, run(recipes, key), sorted({r.indicator for r in recipes}))
