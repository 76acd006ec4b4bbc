"""A loopback stand-in for Dapodik's recap (``rekap/dataSekolah``), for the Dapodik refresh tests.

Written from the documented answer form (data/dapodik_regions.md): a JSON list, one row per
sub-region, with ``nama``, ``kode_wilayah`` and ``mst_kode_wilayah`` padded with two spaces,
``id_level_wilayah`` (the row's own level), the ``induk_*`` fields and the counts ``<level>_n``,
``<level>_s`` and ``<level>`` for tk, kb, tpa, sps, pkbm, skb, sd, smp, sma, smk, slb and sekolah.
The kab/kota and province codes are the ones data/dapodik_regions.csv documents; the kecamatan codes
and every count are made up. A region the stand-in does not know answers an empty list.
"""
from __future__ import annotations

import urllib.parse

LEVELS = ("tk", "kb", "tpa", "sps", "pkbm", "skb", "sd", "smp", "sma", "smk", "slb")

# (parent, code, name, {level: count}); made-up counts (sd, smp, sma, smk, slb; the others 1)
KAB = {
    "010000": [("016300", "Kota Jakarta Selatan", (301, 151, 71, 61, 11)),
               ("016000", "Kota Jakarta Pusat", (201, 101, 41, 31, 5))],
    "020000": [("020500", "Kab. Bogor", (1701, 801, 201, 301, 21)),
               ("026000", "Kota Bandung", (601, 301, 101, 121, 31)),
               ("026600", "Kota Depok", (401, 261, 81, 111, 15))],
    "280000": [("286300", "Kota tangerang Selatan", (351, 211, 91, 101, 9))],
}
KEC = {
    "026600": [("026601", "Kec. Beji", (31, 21, 6, 9, 1)), ("026602", "Kec. Pancoran Mas", (41, 25, 8, 12, 2)),
               ("026603", "Kec. Cimanggis", (45, 30, 9, 10, 0)), ("026604", "Kec. Bojongsari Baru", (11, 5, 1, 2, 0)),
               ("026605", "Kec. Sawangan", (38, 22, 7, 8, 1))],
    "016300": [("016301", "Kec. Jagakarsa", (61, 31, 11, 9, 2))],
}


def row(parent: str, code: str, name: str, counts, own_level: int, **change) -> dict:
    """One recap row as the documented form has it (codes padded, the counts split made up)."""
    out = {"nama": name, "kode_wilayah": f"{code}  ", "id_level_wilayah": own_level,
           "mst_kode_wilayah": f"{parent}  ", "induk_provinsi": None, "kode_wilayah_induk_provinsi": None,
           "induk_kabupaten": None, "kode_wilayah_induk_kabupaten": None}
    values = dict(zip(("sd", "smp", "sma", "smk", "slb"), counts))
    for level in LEVELS:
        total = values.get(level, 1)
        out.update({f"{level}_n": total // 2 if isinstance(total, int) else None,
                    f"{level}_s": total - total // 2 if isinstance(total, int) else None, level: total})
    whole = [v for v in (out[level] for level in LEVELS) if isinstance(v, int)]
    out.update({"sekolah_n": None, "sekolah_s": None, "sekolah": sum(whole)})
    out.update(change)
    return out


def rows_for(level: int, code: str, change: dict | None = None) -> list[dict]:
    """The recap's rows under ``code`` at ``level`` (1: its kab/kota, 2: its kecamatan); ``change``:
    {sub-region code: {field: value}} applied to those rows."""
    change = change or {}
    table = KAB if level == 1 else KEC if level == 2 else {}
    return [row(code, c, name, counts, level + 1, **change.get(c, {})) for c, name, counts in table.get(code, [])]


def answer(path: str, change: dict | None = None):
    """(None, payload) for FaultServer: the rows the query asks for, or a 404 page for another path."""
    parts = urllib.parse.urlsplit(path)
    if parts.path != "/rekap/dataSekolah":
        return "raw", (404, b"<html>Not found</html>", "text/html")
    query = urllib.parse.parse_qs(parts.query)
    level, code = int(query["id_level_wilayah"][0]), query["kode_wilayah"][0]
    return None, rows_for(level, code, change)
