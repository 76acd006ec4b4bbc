"""A loopback stand-in for Dukcapil's public GIS service (ArcGIS REST), for the refresh tests.

Written from the documented ArcGIS REST answer form (``MapServer?f=json`` -> ``{"layers": [...]}``;
``MapServer/<layer>/query?...&f=json`` -> ``{"features": [{"attributes": {...}}],
"exceededTransferLimit": bool}``, paged by ``resultOffset``/``resultRecordCount``; errors as
``{"error": {"code", "message"}}`` with status 200) and the attribute names public client code
reads (no_prop, no_kab, no_kec, nama_kab, nama_kec, jumlah_penduduk). Every value is made up. The
``where`` filter is not applied (a row of another kab/kota must be dropped by the reader).
"""
from __future__ import annotations

import re
import urllib.parse

from jabodash.official.dukcapil import SERVICES

LAYERS = {SERVICES["kabkota"]: 3, SERVICES["kecamatan"]: 2}
INFO = re.compile(r"^/arcgis/rest/services/(\w+)/MapServer$")
QUERY = re.compile(r"^/arcgis/rest/services/(\w+)/MapServer/(\d+)/query$")

# Kemendagri numbers: Jakarta Pusat is 31.71 (BPS 3173), Jakarta Selatan 31.74 (BPS 3171)
KAB = [(31, 71, "KOTA ADM. JAKARTA PUSAT", 1_100_001), (31, 74, "KOTA ADM. JAKARTA SELATAN", 2_300_002),
       (32, 76, "KOTA DEPOK", 2_100_003), (32, 73, "KOTA BANDUNG", 2_500_004)]
KEC = [(32, 76, 1, "PANCORAN MAS", 250_001), (32, 76, 2, "CIMANGGIS", 300_002),
       (32, 76, 3, "SAWANGAN", 180_003), (31, 71, 1, "GAMBIR", 80_004), (32, 73, 1, "SUKASARI", 70_005)]


def kab_rows(values=None):
    values = values or {}
    return [{"objectid": i + 1, "no_prop": p, "no_kab": k, "nama_prop": "", "nama_kab": name,
             "jumlah_penduduk": values.get((p, k), n), "pria": None, "wanita": None}
            for i, (p, k, name, n) in enumerate(KAB)]


def kec_rows(values=None):
    values = values or {}
    return [{"objectid": i + 1, "no_prop": p, "no_kab": k, "no_kec": c, "nama_kec": name,
             "jumlah_penduduk": values.get((p, k, c), n)} for i, (p, k, c, name, n) in enumerate(KEC)]


def answer(path: str, rows: dict):
    """``rows``: {service: list of attribute dicts}. Returns (None, payload) for FaultServer."""
    parts = urllib.parse.urlsplit(path)
    m = INFO.match(parts.path)
    if m and m.group(1) in LAYERS:
        return None, {"currentVersion": 10.81, "layers": [{"id": LAYERS[m.group(1)], "name": m.group(1)}]}
    m = QUERY.match(parts.path)
    if m and LAYERS.get(m.group(1)) == int(m.group(2)):
        query = urllib.parse.parse_qs(parts.query)
        offset, count = int(query["resultOffset"][0]), int(query["resultRecordCount"][0])
        data = rows.get(m.group(1), [])
        page = data[offset:offset + count]
        return None, {"features": [{"attributes": a} for a in page],
                      "exceededTransferLimit": offset + count < len(data)}
    return None, {"error": {"code": 400, "message": "Invalid or missing input parameters.", "details": []}}


def kecamatan_squares(tmp_path, codes=("3276020", "3276040", "3276010", "3276050")):
    """Synthetic kecamatan squares in Depok imported into the boundary cache (Beji, 3276050, has no
    figure of the Dukcapil stand-in, tests/support/dukcapil_server.py)."""
    import geopandas as gpd
    from shapely.geometry import box

    from jabodash.geo import boundaries
    lat, lon = -6.394, 106.8225
    gdf = gpd.GeoDataFrame({"kode": list(codes), "nama": [f"Kec {c}" for c in codes]},
                           geometry=[box(lon + 0.02 * i, lat, lon + 0.02 * i + 0.018, lat + 0.018)
                                     for i in range(len(codes))], crs=4326)
    path = tmp_path / "kec.geojson"
    gdf.to_file(path, driver="GeoJSON")
    assert len(boundaries.import_file(path.read_bytes(), "kecamatan", "kode", "nama", "kec.geojson").matched) == len(codes)
