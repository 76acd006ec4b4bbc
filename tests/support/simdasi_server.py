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


def tables_list() -> dict:
    return {"status": "OK", "data-availability": "available",
            "data": [{"page": 1}, [{"id_tabel": "TESTdepok01", "judul": "Penduduk Menurut Kecamatan (uji)",
                                    "ketersediaan_tahun": [2023, 2024]}]]}


def answer(path: str, tables: dict, faults: dict | None = None):
    """(fault, payload) for FaultServer; ``tables``: {id_tabel: answer dict}; ``faults``: {id_tabel: fault}."""
    m = LIST.match(path)
    if m:
        return (None, tables_list()) if m.group(2) == KEY else ("raw", BAD_KEY)
    m = TABLE.match(path)
    if m is None or m.group(2) not in tables:
        return "raw", (404, b"<html>Not found</html>", "text/html")
    fault = (faults or {}).get(m.group(2))
    if m.group(4) != KEY or fault == "bad_key":
        return "raw", BAD_KEY
    return fault, tables[m.group(2)]
