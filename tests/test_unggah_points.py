"""Facility lists (points layout) counted per region: jabodash.features.unggah.point_records and the upload page."""
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest
from support.apptest import run_page as open_page

from jabodash.features import unggah as ud
from jabodash.geo import boundaries
from jabodash.store import shelf

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

# Rows 2..6 of the file: two in Depok, one in Cianjur, one in the area but in no square
# (Kota Tangerang), one outside the metro area (Bandung).
POINTS_CSV = (b"nama,lat,lon\n"
              b"Puskesmas Beji,-6.3725,106.8207\n"
              b"Puskesmas Sukmajaya,-6.3990,106.8340\n"
              b"RSUD Cianjur,-6.8210,107.1390\n"
              b"Klinik Tangerang,-6.1700,106.6400\n"
              b"Klinik Bandung,-6.9218,107.6070\n")
WITH_REGION_CSV = (b"nama,kabupaten,lat,lon\n"
                   b"PKM A,Kota Depok,-6.37,106.82\n"
                   b"PKM B,Kota Depok,-6.39,106.83\n"
                   b"PKM C,Kabupaten Bogor,-6.5,106.8\n"
                   b"PKM D,Kota Bekasi,-8.5,106.8\n")


def kabkota_squares() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": ["3276", "3203", "3201"]},
                            geometry=[box(106.7, -6.45, 106.9, -6.3), box(107.0, -7.0, 107.3, -6.7),
                                      box(106.9, -6.45, 107.0, -6.3)], crs=4326)


def kecamatan_squares() -> gpd.GeoDataFrame:
    # Beji and Sukmajaya each in one square; a third kecamatan of Depok without a facility
    return gpd.GeoDataFrame({"code": ["3276050", "3276040", "3276010"]},
                            geometry=[box(106.80, -6.385, 106.83, -6.36), box(106.83, -6.41, 106.86, -6.39),
                                      box(106.76, -6.45, 106.79, -6.42)], crs=4326)


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))


def as_dict(frame: pd.DataFrame) -> dict:
    return {str(c): int(n) for c, n in zip(frame["code"], frame["count"])}


def rec_values(records: pd.DataFrame) -> dict:
    return {str(c): float(v) for c, v in zip(records["region_code"], records["value"])}


# --------------------------------------------------------------------------- unit


def test_point_records_with_kabkota_squares():
    res = ud.read(POINTS_CSV, "puskesmas.csv")
    assert res.ok and res.layout == "points" and len(res.points) == 5
    records, rep = ud.point_records(res, {"kabkota": kabkota_squares()}, "Jumlah puskesmas", 2024)
    assert rep.basis == "boundaries" and rep.points == 5
    assert as_dict(rep.counts["kabkota"]) == {"3201": 0, "3203": 1, "3276": 2}
    assert rep.counted == {"kabkota": 3}
    assert rec_values(records) == {"3201": 0.0, "3203": 1.0, "3276": 2.0}  # the zero is a real zero
    assert set(records["indicator"]) == {"Jumlah puskesmas"} and set(records["year"]) == {2024}
    assert list(records.columns) == list(res.records.columns)
    out = rep.outside
    assert list(out["row"]) == [5, 6] and list(out["name"]) == ["Klinik Tangerang", "Klinik Bandung"]
    assert list(out["reason_key"]) == ["outside_polygons", "outside_area"]
    assert list(out["lat"]) == [-6.17, -6.9218] and list(out["lon"]) == [106.64, 107.607]
    table = ud.outside_table(rep, "en")
    assert list(table.columns) == ["Row", "lat", "lon", "Name", "Reason"]
    assert list(table["Reason"]) == ["outside every boundary", "outside the Jakarta metropolitan area"]
    assert list(ud.outside_table(rep, "id")["Alasan"]) == ["di luar semua batas wilayah",
                                                           "di luar kawasan metropolitan Jakarta"]
    counts = ud.point_counts_table(rep, {"3276": "Kota Depok"}, "id")
    assert counts.to_dict("list") == {"BPS": ["3201", "3203", "3276"], "Wilayah": ["", "", "Kota Depok"],
                                      "Jumlah titik": [0, 1, 2]}
    assert ud.point_figures(rep) == [("points_read", 5), ("counted_kabkota", 3), ("counted_kecamatan", 0),
                                     ("points_outside", 2)]


def test_point_records_both_levels_and_kecamatan_only():
    res = ud.read(POINTS_CSV, "puskesmas.csv")
    records, rep = ud.point_records(res, {"kabkota": kabkota_squares(), "kecamatan": kecamatan_squares()},
                                    "Jumlah puskesmas", 2024)
    assert as_dict(rep.counts["kecamatan"]) == {"3276010": 0, "3276040": 1, "3276050": 1}
    assert rep.counted == {"kabkota": 3, "kecamatan": 2}
    assert rec_values(records) == {"3201": 0.0, "3203": 1.0, "3276": 2.0,
                                   "3276010": 0.0, "3276040": 1.0, "3276050": 1.0}
    assert list(rep.outside["row"]) == [5, 6]  # outside lists follow the kab/kota level
    # only kecamatan boundaries: kab/kota counts are the sums of the kecamatan ones
    records, rep = ud.point_records(res, {"kecamatan": kecamatan_squares()}, "x", 2024)
    assert as_dict(rep.counts["kabkota"]) == {"3276": 2}
    assert rec_values(records) == {"3276": 2.0, "3276010": 0.0, "3276040": 1.0, "3276050": 1.0}
    assert list(rep.outside["row"]) == [4, 5, 6]
    assert list(rep.outside["reason_key"]) == ["outside_polygons", "outside_polygons", "outside_area"]


def test_point_records_fixture_file():
    res = ud.read((FIXTURES / "points_facilities.csv").read_bytes(), "points_facilities.csv")
    records, rep = ud.point_records(res, {"kabkota": kabkota_squares()}, "Jumlah fasilitas", 2023)
    assert rec_values(records) == {"3201": 0.0, "3203": 1.0, "3276": 2.0}
    assert list(rep.outside["name"]) == ["Klinik Bandung"]


def test_point_records_without_boundaries():
    # no region column: nothing counted, no records, outside-area points still listed
    res = ud.read(POINTS_CSV, "puskesmas.csv")
    records, rep = ud.point_records(res, {}, "Jumlah puskesmas", 2024)
    assert rep.basis is None and len(records) == 0 and rep.counts == {} and rep.counted == {}
    assert list(rep.outside["row"]) == [6] and list(rep.outside["reason_key"]) == ["outside_area"]
    assert ud.point_records(res, None, "x", 2024)[1].basis is None
    cleaned = ud.cleaned_table(res, records, "id")
    assert list(cleaned["name"]) == ["Puskesmas Beji", "Puskesmas Sukmajaya", "RSUD Cianjur",
                                     "Klinik Tangerang", "Klinik Bandung"]
    assert list(cleaned["source_row"]) == [2, 3, 4, 5, 6]
    # with a region column: counted per that code, zeros for the other agglomeration regions
    res = ud.read(WITH_REGION_CSV, "pkm.csv")
    assert res.ok and res.roles["region"] == "kabupaten"
    records, rep = ud.point_records(res, {}, "Jumlah puskesmas", 2024)
    assert rep.basis == "region_column" and rep.region_column == "kabupaten"
    counts = as_dict(rep.counts["kabkota"])
    assert len(counts) == 15 and sum(counts.values()) == 4
    assert (counts["3276"], counts["3201"], counts["3275"], counts["3171"]) == (2, 1, 1, 0)
    assert rec_values(records) == {c: float(n) for c, n in counts.items()}
    assert list(rep.outside["row"]) == [5] and list(rep.outside["reason_key"]) == ["coords_outside_area"]
    # a smaller universe of regions
    _, rep = ud.point_records(res, {}, "x", 2024, region_codes=["3276", "3271"])
    assert as_dict(rep.counts["kabkota"]) == {"3201": 1, "3271": 0, "3275": 1, "3276": 2}


def test_point_records_kecamatan_codes_in_region_column():
    data = b"nama,kode_kecamatan,lat,lon\nA,3276050,-6.37,106.82\nB,3276050,-6.38,106.82\nC,3276040,-6.40,106.84\n"
    res = ud.read(data, "kec.csv")
    assert res.ok and res.level == "kecamatan"
    records, rep = ud.point_records(res, None, "x", 2024)
    assert as_dict(rep.counts["kecamatan"]) == {"3276040": 1, "3276050": 2}
    assert as_dict(rep.counts["kabkota"])["3276"] == 3
    assert rec_values(records)["3276050"] == 2.0


def test_describe_defaults_meta_year_and_save_restores_counts():
    res = ud.read(POINTS_CSV, "puskesmas.csv")
    from datetime import date
    assert ud.describe_defaults(res)["u_desc_year"] == date.today().year
    assert "u_desc_year" not in ud.describe_defaults(ud.read(b"wilayah,tahun,nilai\nKota Depok,2023,1\n", "a.csv"))
    meta = ud.meta_from(res, "Jumlah puskesmas", "unit", "neutral", "Dinkes", 2024)
    assert meta["year"] == 2024 and meta["higher_is_better"] is None
    records, _ = ud.point_records(res, {"kabkota": kabkota_squares()}, meta["indicator"], meta["year"])
    ds = shelf.save_dataset(res, POINTS_CSV, "puskesmas.csv", meta, records=records)
    saved = shelf.load_dataset(ds)
    assert saved.meta["year"] == 2024 and saved.meta["rows"] == 3 and saved.meta["points"] == 5
    assert saved.meta["years"] == [2024] and saved.meta["indicators"] == ["Jumlah puskesmas"]
    assert len(saved.points) == 5
    obs, inds = shelf.observations()
    assert {r: v for r, v in zip(obs["region_code"], obs["value"])} == {"3201": 0.0, "3203": 1.0, "3276": 2.0}
    assert list(inds["name"]) == ["Jumlah puskesmas"]


# --------------------------------------------------------------------------- page


def import_kabkota_squares():
    return boundaries.import_file(kabkota_squares().rename(columns={"code": "kode"}).to_json().encode(),
                                  "kabkota", "kode", None, "squares.geojson")


def run_page() -> AppTest:
    return open_page("pages/unggah.py")


def upload(at, name, data):
    at.file_uploader(key="u_file").set_value((name, data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at, column) -> pd.DataFrame:
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, [list(d.value.columns) for d in at.dataframe]
    return frames[0]


def metric(at, label):
    return {m.label: m.value for m in at.metric}[label]


def test_page_counts_points_use_save_and_restart():
    import_kabkota_squares()
    at = run_page()
    upload(at, "puskesmas.csv", POINTS_CSV)
    assert metric(at, "Titik dibaca") == "5" and metric(at, "Dihitung per kab/kota") == "3"
    assert metric(at, "Di luar") == "2" and metric(at, "Nilai") == "3"
    assert any("menganggap daftar titik lengkap" in c.value for c in at.caption)
    counts = frame_with(at, "Jumlah titik")
    assert dict(zip(counts["BPS"], counts["Jumlah titik"])) == {"3201": 0, "3203": 1, "3276": 2}
    assert dict(zip(counts["BPS"], counts["Wilayah"]))["3276"] == "Kota Depok"
    outside = frame_with(at, "Nama")
    assert list(outside["Baris"]) == [5, 6] and list(outside["Nama"]) == ["Klinik Tangerang", "Klinik Bandung"]
    assert list(outside["lat"]) == [-6.17, -6.9218]
    at.text_input(key="u_desc_name").set_value("Jumlah puskesmas").run()
    at.number_input(key="u_desc_year").set_value(2024).run()
    at.button(key="u_use").click().run()
    assert not at.exception, [e.value for e in at.exception]
    entries = at.session_state[ud.SESSION_KEY]
    assert len(entries) == 1
    from jabodash.store import get_store, overlay
    from jabodash.store.datasource import DataSource
    src = DataSource.over(get_store(), overlay.collect(entries))
    sid = next(iter(entries))
    inds = shelf.records_frames(sid, entries[sid]["meta"], entries[sid]["records"])[1]
    vals = src.values(inds["id"][0], 2024, "agglomeration").set_index("region_code")["value"]
    assert (vals["3276"], vals["3203"], vals["3201"]) == (2.0, 1.0, 0.0)
    assert vals.drop(["3276", "3203", "3201"]).isna().all()  # no boundary, no count: not zero
    assert inds["name"][0] == "Jumlah puskesmas"
    at.button(key="u_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = shelf.list_datasets()
    assert len(saved) == 1 and saved[0]["year"] == 2024 and saved[0]["points"] == 5
    ds = saved[0]["id"]
    # a new session (restart) sees the saved dataset and its counts
    at2 = run_page()
    assert any(ds in e.label for e in at2.expander)
    obs, inds = shelf.observations()
    ind_id = shelf.indicator_id(ds, "Jumlah puskesmas")
    assert list(inds["id"]) == [ind_id]
    vals = DataSource.from_store(get_store()).values(ind_id, 2024, "agglomeration").set_index("region_code")["value"]
    assert (vals["3276"], vals["3203"], vals["3201"]) == (2.0, 1.0, 0.0)
    at2.switch_page("pages/ringkasan.py").run()
    assert not at2.exception, [e.value for e in at2.exception]
    assert "Unggahan · Jumlah puskesmas" in at2.selectbox(key="w_indicator").options


def test_page_points_without_boundaries_says_so():
    at = run_page()
    upload(at, "puskesmas.csv", POINTS_CSV)
    warn = " ".join(w.value for w in at.warning)
    assert "penghitungan memerlukan batas wilayah" in warn and "Peta" in warn and "Batas wilayah" in warn
    assert metric(at, "Nilai") == "0"
    assert at.button(key="u_use").disabled and at.button(key="u_save").disabled
    assert at.get("download_button"), "the cleaned points can still be downloaded"
    assert list(frame_with(at, "Nama")["Baris"]) == [6]
    at.radio(key="w_lang").set_value("en").run()
    assert not at.exception
    warn = " ".join(w.value for w in at.warning)
    assert "counting needs region boundaries" in warn and "Maps page" in warn and "Boundaries" in warn


def test_page_points_with_region_column_without_boundaries():
    at = run_page()
    upload(at, "pkm.csv", WITH_REGION_CSV)
    assert any("kolom wilayah berkas (kabupaten)" in i.value for i in at.info)
    counts = frame_with(at, "Jumlah titik")
    got = dict(zip(counts["BPS"], counts["Jumlah titik"]))
    assert len(got) == 15 and (got["3276"], got["3201"], got["3275"], got["3171"]) == (2, 1, 1, 0)
    assert not at.button(key="u_use").disabled
