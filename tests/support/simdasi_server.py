"""A loopback stand-in for BPS SIMDASI's interoperability endpoints (jabodash.official.simdasi), for
the refresh tests, written from the form public client code reads (``data[1].kolom`` /
``data[1].data[].variables[<key>].value``, 7-digit ``kode_wilayah``; the table list's ``data[1]``).
Every id_tabel and value here is made up."""
from __future__ import annotations

import re

from support.bps_server import KEY

TABLE = re.compile(r"^/v1/api/interoperabilitas/datasource/simdasi/id/25/tahun/(\d{4})/id_tabel/([\w=-]+)"
                   r"/wilayah/(\d{7})/key/([^/]+)/$")
LIST = re.compile(r"^/v1/api/interoperabilitas/datasource/simdasi/id/23/wilayah/(\d{7})/key/([^/]+)/$")
BAD_KEY = (200, b'{"status":"Error","message":"Invalid key or key not activated"}', "application/json")

# (wilayah, id_tabel) -> rows (kode_wilayah, label, value); the column "Jumlah Penduduk" is read
DKI = [("3171000", "Jakarta Selatan", 2_250_001), ("3174000", "Jakarta Barat", 2_470_002),
       ("3100000", "DKI Jakarta", 10_700_003), ("3171010", "Jagakarsa", 410_004)]
DEPOK = [("3276010", "Sawangan", 190_011), ("3276020", "Pancoran Mas", 260_012), ("3276050", "Beji", 180_013),
         ("3276000", "Kota Depok", 2_100_014), ("3273010", "Bandung Kulon", 99_015)]


def table(rows, column: str = "Jumlah Penduduk") -> dict:
    return {"status": "OK", "data-availability": "available",
            "data": [{"page": 1, "pages": 1},
                     {"kolom": {"k1": {"nama_variabel": column}, "k2": {"nama_variabel": "Kepadatan Penduduk"}},
                      "data": [{"label": label, "kode_wilayah": code,
                                "variables": {"k1": {"value": value}, "k2": {"value": "123"}}}
                               for code, label, value in rows]}]}


# the shipped recipes' columns (data/simdasi_recipes.csv): population in thousands, density
POPULATION_RIBU, DENSITY = "Jumlah Penduduk (Ribu)", "Kepadatan Penduduk per km persegi (Km2)"
NOT_AVAILABLE = {"status": "OK", "data-availability": "list-not-available", "data": ""}


def dalam_angka(rows) -> dict:
    """The Dalam Angka population table with both columns the shipped recipes read; ``rows``:
    (kode_wilayah, label, population in thousands, density)."""
    return {"status": "OK", "data-availability": "available",
            "data": [{"page": 1, "pages": 1},
                     {"kolom": {"p1": {"nama_variabel": POPULATION_RIBU}, "p2": {"nama_variabel": DENSITY}},
                      "data": [{"label": label, "kode_wilayah": code,
                                "variables": {"p1": {"value": people}, "p2": {"value": density}}}
                               for code, label, people, density in rows]}]}


def tables_list() -> dict:
    return {"status": "OK", "data-availability": "available",
            "data": [{"page": 1}, [{"id_tabel": "TESTdepok01", "judul": "Penduduk Menurut Kecamatan (uji)",
                                    "ketersediaan_tahun": [2023, 2024]}]]}


def answer(path: str, tables: dict, faults: dict | None = None):
    """(fault, payload) for FaultServer; ``tables``: {id_tabel: answer dict}, or {(id_tabel, wilayah,
    year): answer dict} for a table shared by areas (an area or year not given answers "not available");
    ``faults``: {id_tabel: fault}."""
    m = LIST.match(path)
    if m:
        return (None, tables_list()) if m.group(2) == KEY else ("raw", BAD_KEY)
    m = TABLE.match(path)
    year, id_tabel, wilayah, key = m.groups() if m else (None,) * 4
    shared = any(isinstance(k, tuple) and k[0] == id_tabel for k in tables)
    if m is None or not (id_tabel in tables or shared):
        return "raw", (404, b"<html>Not found</html>", "text/html")
    fault = (faults or {}).get(id_tabel)
    if key != KEY or fault == "bad_key":
        return "raw", BAD_KEY
    return fault, tables.get(id_tabel) or tables.get((id_tabel, wilayah, year), NOT_AVAILABLE)
