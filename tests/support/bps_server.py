"""A loopback stand-in for BPS's WebAPI dynamic tables, for the refresh tests.

It answers ``GET /v1/api/list/model/data/lang/<lang>/domain/<domain>/var/<var>/key/<key>/`` in the
documented format (written from the WebAPI documentation and BPS's clients, not copied from real
answers; every value here is made up):

    {"status": "OK", "data-availability": "available",
     "var": [{"val", "label", "unit", "subj", "def", "note"}], "turvar": [{"val", "label"}],
     "labelvervar": "...", "vervar": [{"val", "label"}], "tahun": [{"val", "label"}],
     "turtahun": [{"val", "label"}], "datacontent": {"<vervar><var><turvar><tahun><turtahun>": value}}

``tahun`` ids follow BPS's numbering (year - 1900: 124 = 2024). Faults are per table (``faults``):
"bad_key" ({"status": "Error"} naming the key), "http401", "quota" (HTTP 429), "quota_json"
({"status": "Error"} about a quota), "not_available" ("list-not-available"), "html" (an HTML
error page with status 200), "slow" (answers after the client's timeout), "http500".
"""
from __future__ import annotations

import json
import re

from support.fault_server import LoopbackServer

KEY = "testkey0123456789"
_PATH = re.compile(r"^/v1/api/list/model/data/lang/(\w+)/domain/(\d{4})/var/(\d+)/key/([^/]+)/$")

DKI = [("3100", "DKI Jakarta"), ("3101", "Kepulauan Seribu"), ("3171", "Jakarta Selatan"),
       ("3172", "Jakarta Timur"), ("3173", "Jakarta Pusat"), ("3174", "Jakarta Barat"), ("3175", "Jakarta Utara")]
JABAR = [("3200", "Jawa Barat"), ("3201", "Bogor"), ("3202", "Sukabumi"), ("3203", "Cianjur"),
         ("3216", "Bekasi"), ("3271", "Kota Bogor"), ("3273", "Kota Bandung"), ("3275", "Kota Bekasi"),
         ("3276", "Kota Depok")]


def payload(var: int, title: str, unit: str, rows: list[tuple[str, str]], years: list[int], values: dict,
            turvar=((0, "Tidak Ada"),), turtahun=((0, "Tahun"),), pick_turvar=0, pick_turtahun=0) -> dict:
    """A table answer; ``values`` maps (vervar code, year) to a cell (number or text); cells of
    the chosen turvar/turtahun only (others get a distinct filler so a wrong pick shows)."""
    content = {}
    for code, _ in rows:
        for year in years:
            for tv, _ in turvar:
                for tt, _ in turtahun:
                    key = f"{code}{var}{tv}{year - 1900}{tt}"
                    if tv == pick_turvar and tt == pick_turtahun:
                        if (code, year) in values:
                            content[key] = values[(code, year)]
                    else:
                        content[key] = 999999
    return {"status": "OK", "data-availability": "available",
            "var": [{"val": var, "label": title, "unit": unit, "subj": "Uji", "def": "", "note": ""}],
            "turvar": [{"val": v, "label": lbl} for v, lbl in turvar], "labelvervar": "Kabupaten/Kota",
            "vervar": [{"val": int(c), "label": lbl} for c, lbl in rows],
            "tahun": [{"val": y - 1900, "label": str(y)} for y in years],
            "turtahun": [{"val": v, "label": lbl} for v, lbl in turtahun], "datacontent": content}


class BpsServer(LoopbackServer):
    """``tables``: {(domain, var): payload dict}; ``faults``: {(domain, var): fault name}."""

    def __init__(self, tables: dict | None = None, faults: dict | None = None):
        super().__init__()
        self.tables = dict(tables or {})
        self.faults = dict(faults or {})

    @property
    def base(self) -> str:
        return f"{self.origin}/v1/"

    def serve(self, handler) -> None:
        self.answer(handler)

    def _json(self, handler, obj, status: int = 200) -> None:
        self._send(handler, status, json.dumps(obj).encode())

    def answer(self, handler) -> None:
        m = _PATH.match(handler.path)
        if m is None:
            return self._send(handler, 404, b"<html><body>Not found</body></html>", "text/html")
        _, domain, var, key = m.groups()
        fault = self.faults.get((domain, var))
        if key != KEY or fault == "bad_key":
            return self._json(handler, {"status": "Error", "message": "Invalid key or key not activated"})
        if fault == "slow":
            self.release.wait(10)
            return self._json(handler, {"status": "OK", "data-availability": "list-not-available", "data": ""})
        simple = {"http401": (401, b'{"status":"Error","message":"Unauthorized"}', "application/json"),
                  "quota": (429, b'{"status":"Error","message":"Too Many Requests"}', "application/json"),
                  "http500": (500, b"<html><body>Internal Server Error</body></html>", "text/html"),
                  "html": (200, b"<!DOCTYPE html><html><head><title>Maintenance</title></head>"
                                b"<body><h1>Sedang dalam pemeliharaan</h1></body></html>", "text/html")}
        if fault in simple:
            return self._send(handler, *simple[fault])
        if fault == "quota_json":
            return self._json(handler, {"status": "Error", "message": "Request quota exceeded for today"})
        table = self.tables.get((domain, var))
        if fault == "not_available" or table is None:
            return self._json(handler, {"status": "OK", "data-availability": "list-not-available", "data": ""})
        return self._json(handler, table)
