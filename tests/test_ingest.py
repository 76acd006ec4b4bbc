"""The analyst upload reader: a corpus of real-world-shaped files, read value by value.

The corpus lives in tests/fixtures/ingest/ (written by make_corpus.py there). Property-based
tests feed arbitrary bytes and arbitrary CSV dialects to the reader.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jabodash import ingest
from jabodash.core.csvsafe import neutralise, to_safe_csv
from jabodash.core.i18n import strings, t
from jabodash.ingest import IngestOptions, parse_numbers, parse_year, read_upload

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "fixtures" / "ingest"


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "workspace"))


def read(name: str, **options) -> ingest.IngestResult:
    return read_upload((CORPUS / name).read_bytes(), name, IngestOptions(**options) if options else None)


def recs(result) -> list[tuple]:
    r = result.records
    return [(str(c), str(i), None if pd.isna(y) else int(y), str(p), bool(pl), float(v), int(row))
            for c, i, y, p, pl, v, row in zip(r["region_code"], r["indicator"], r["year"], r["period"],
                                               r["preliminary"], r["value"], r["row"])]


def values(result) -> list[tuple]:
    """(region_code, year, value) of every record, in file order."""
    return [(c, y, v) for c, _i, y, _p, _pl, v, _r in recs(result)]


def skipped(result) -> list[tuple]:
    return [(s["row"], s["column"], s["value"], s["reason_key"]) for s in result.skipped_list()]


def keys(messages) -> list[str]:
    return [m.key for m in messages]


# ---------------------------------------------------------------------------
# The corpus, file by file
# ---------------------------------------------------------------------------


def test_bps_wide_export_with_titles_and_semicolons():
    r = read("bps_wide_semicolon.csv")
    assert r.ok, keys(r.errors)
    assert (r.encoding, r.delimiter, r.layout, r.level, r.number_format) == ("utf-8", ";", "wide_years", "kabkota", "id")
    assert r.header_row == 4
    assert r.columns == ["Kabupaten/Kota", "2021", "2022", "2023*"]
    assert r.title_lines[0].startswith("Jumlah Penduduk Menurut Kabupaten/Kota")
    assert r.notes == ["Sumber: BPS Provinsi DKI Jakarta, Proyeksi Penduduk", "Catatan: *) angka sementara"]
    assert r.suggested["source"] == "BPS Provinsi DKI Jakarta, Proyeksi Penduduk"
    assert r.suggested["indicator"] == "Jumlah Penduduk"
    assert r.suggested["unit"] == "Jiwa"
    assert r.rows_read == 10 and r.rows_used == 6 and r.blank_lines == 1
    assert values(r) == [
        ("3101", 2021, 28240.0), ("3101", 2022, 28523.0),
        ("3171", 2021, 2233855.0), ("3171", 2022, 2242000.0), ("3171", 2023, 2250123.0),
        ("3172", 2021, 3056300.0), ("3172", 2022, 3079618.0), ("3172", 2023, 3085000.0),
        ("3173", 2021, 1066460.0), ("3173", 2022, 1072580.0), ("3173", 2023, 1078987.0),
        ("3174", 2021, 2434511.0), ("3174", 2022, 2454567.0), ("3174", 2023, 2470100.0),
        ("3175", 2021, 1778981.0), ("3175", 2022, 1808985.0), ("3175", 2023, 1825031.0)]
    prelim = {(c, y): pl for c, _i, y, _p, pl, _v, _r in recs(r)}
    assert prelim[("3171", 2023)] is True and prelim[("3171", 2022)] is False
    assert skipped(r) == [
        (5, None, "(1)", "column_numbering"),
        (6, "2023*", "-", "missing"),
        (12, "Kabupaten/Kota", "DKI Jakarta", "aggregate_row"),
        (14, None, "Sumber: BPS Provinsi DKI Jakarta, Proyeksi Penduduk", "note"),
        (15, None, "Catatan: *) angka sementara", "note")]
    assert r.missing == {"count": 1, "by_marker": {"-": 1}}
    assert not r.unmatched


def test_open_data_long_upper_case_names():
    r = read("opendata_long_upper.csv")
    assert r.ok and r.layout == "long" and r.delimiter == "," and r.number_format == "plain"
    assert r.roles["region"] == "nama_kabupaten_kota" and r.roles["year"] == "periode_data"
    assert r.roles["indicator"] == "jenis_kelamin" and r.roles["ignored"] == ["nama_provinsi"]
    assert r.rows_read == r.rows_used == 8
    assert [(c, i, y, v) for c, i, y, _p, _pl, v, _r in recs(r)] == [
        ("3171", "Jumlah penduduk \u2013 LAKI-LAKI", 2022, 1121345.0),
        ("3171", "Jumlah penduduk \u2013 PEREMPUAN", 2022, 1112510.0),
        ("3172", "Jumlah penduduk \u2013 LAKI-LAKI", 2022, 1535000.0),
        ("3172", "Jumlah penduduk \u2013 PEREMPUAN", 2022, 1521300.0),
        ("3173", "Jumlah penduduk \u2013 LAKI-LAKI", 2022, 534001.0),
        ("3173", "Jumlah penduduk \u2013 PEREMPUAN", 2022, 532459.0),
        ("3101", "Jumlah penduduk \u2013 LAKI-LAKI", 2022, 14250.0),
        ("3101", "Jumlah penduduk \u2013 PEREMPUAN", 2022, 13990.0)]
    assert skipped(r) == []


def test_bom_crlf_quoted_decimal_commas():
    r = read("bom_crlf_quoted_decimal.csv")
    assert r.ok and r.encoding == "utf-8-sig" and r.delimiter == "," and r.number_format == "id"
    assert r.columns[0] == "Wilayah"  # no BOM left in the first header cell
    assert r.blank_lines == 1 and r.rows_read == 5
    assert values(r) == [("3276", 2023, 81.86), ("3271", 2023, 78.54), ("3201", 2023, 72.76),
                         ("3275", 2023, 82.59), ("3216", 2023, 75.38)]
    assert [x[-1] for x in recs(r)] == [2, 3, 5, 6, 7]  # line numbers as a human counts them
    assert r.suggested["indicator"] == "Indeks Pembangunan Manusia"


def test_windows_1252_misspellings_and_unknown_region():
    r = read("cp1252_misspelled.csv")
    assert r.ok and r.encoding == "windows-1252" and r.delimiter == ";" and r.header_row == 2
    assert r.title_lines == ["Daftar Puskesmas per Kabupaten/Kota \u2013 Banten & Jawa Barat (unit)"]
    assert values(r) == [("3674", 2023, 34.0), ("3671", 2023, 39.0), ("3603", 2023, 44.0),
                         ("3275", 2023, 48.0), ("3276", 2023, 38.0)]
    assert skipped(r) == [(7, "Kabupaten/Kota", "Bekasi", "ambiguous_region"),
                          (8, "Kabupaten/Kota", "Kota Antah Berantah", "unknown_region"),
                          (10, None, "Sumber: Dinas Kesehatan \u201cProvinsi\u201d \u00a9 2024", "note")]
    assert [(u["value"], u["status"], u["suggestions"], u["rows"], u["first_row"]) for u in r.unmatched] == [
        ("Bekasi", "ambiguous", ["3216", "3275"], 1, 7),
        ("Kota Antah Berantah", "unknown", [], 1, 8)]
    assert r.unmatched[0]["suggestion_names"] == ["Kabupaten Bekasi", "Kota Bekasi"]
    assert set(keys(r.warnings)) == {"ingest.warning.unmatched_regions", "ingest.warning.ambiguous_regions",
                                     "ingest.warning.fuzzy_regions"}
    fuzzy = next(m for m in r.warnings if m.key == "ingest.warning.fuzzy_regions")   # read, and said
    assert fuzzy.params == {"count": 3, "examples": "Tanggerang Selatan → Kota Tangerang Selatan (3674); "
                            "Kota Tanggerang → Kota Tangerang (3671); Kota Bekasih → Kota Bekasi (3275)"}


def test_manual_region_mapping_is_applied():
    r = read("cp1252_misspelled.csv", region_mapping={"Bekasi": "3216", "Kota Antah Berantah": "3271"})
    assert r.ok and not r.unmatched
    assert ("3216", 2023, 45.0) in values(r) and ("3271", 2023, 7.0) in values(r)
    assert r.to_json()["unmatched"] == []
    bad = read("cp1252_misspelled.csv", region_mapping={"Bekasi": "9999"})
    assert "ingest.warning.mapping_invalid" in keys(bad.warnings)
    assert ("Bekasi", "ambiguous") in [(u["value"], u["status"]) for u in bad.unmatched]


def test_missing_markers_are_missing_not_zero():
    r = read("missing_markers.csv")
    assert r.ok
    assert values(r) == [("3276", 2020, 0.0), ("3275", 2020, 12.5)]  # a real 0 stays 0
    assert skipped(r) == [(2, "nilai", "-", "missing"), (3, "nilai", "...", "missing"),
                          (4, "nilai", "\u2026", "missing"), (5, "nilai", "n/a", "missing"),
                          (6, "nilai", "NA", "missing"), (7, "nilai", "x", "missing"),
                          (8, "nilai", "", "missing")]
    assert r.missing["count"] == 7
    assert r.missing["by_marker"] == {"-": 1, "...": 1, "\u2026": 1, "n/a": 1, "NA": 1, "x": 1, "": 1}
    assert "ingest.warning.missing_values" in keys(r.warnings)


def test_hostile_strings_stay_inert_text():
    r = read("hostile.csv")
    assert r.ok and r.layout == "long"
    assert [(c, i, v) for c, i, _y, _p, _pl, v, _r in recs(r)] == [
        ("3276", "<script>alert('x')</script>", 1.0),
        ("3276", "[klik di sini](http://example.invalid/x)", 2.0),
        ("3276", '=HYPERLINK("http://example.invalid","x")', 3.0),
        ("3276", "@SUM(1+1)*cmd|' /C calc'!A0", 4.0),
        ("3276", "+1+1", 5.0),
        ("3276", "-2+3", 6.0)]
    assert skipped(r) == [(8, "wilayah", "<img src=x onerror=alert(1)>", "unknown_region"),
                          (9, "wilayah", "=1+1", "unknown_region"),
                          (10, "nilai", "=1+2", "not_a_number")]
    # the cleaned table as CSV: every formula-looking text cell neutralised, numbers kept
    out = to_safe_csv(r.records[["region_code", "indicator", "value"]]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["region_code", "indicator", "value"]
    assert [row[1] for row in rows[1:]] == [
        "<script>alert('x')</script>", "[klik di sini](http://example.invalid/x)",
        "'=HYPERLINK(\"http://example.invalid\",\"x\")", "'@SUM(1+1)*cmd|' /C calc'!A0", "'+1+1", "'-2+3"]
    assert [row[2] for row in rows[1:]] == ["1.0", "2.0", "3.0", "4.0", "5.0", "6.0"]
    assert "ingest.warning.hostile_text" in keys(r.warnings)
    hostile = next(m for m in r.warnings if m.key == "ingest.warning.hostile_text")
    assert hostile.params["count"] == 8
    assert "\\<img" in hostile.markdown("id")  # escaped for Markdown
    # the download table with region names
    clean = r.cleaned("en")
    assert list(clean.columns) == ["region_code", "region_name", "indicator", "year", "period", "preliminary",
                                   "value", "source_row"]
    assert clean["region_name"].iloc[0] == "Depok" or "Depok" in clean["region_name"].iloc[0]
    # messages built from file text escape it for Markdown
    msg = ingest.Message("ingest.warning.ignored_columns", {"columns": "[x](http://e.invalid) <b>"})
    assert "[x](" not in msg.markdown("en") and "<b>" not in msg.markdown("en")


@pytest.mark.parametrize("name, key", [
    ("empty.csv", "ingest.error.empty"),
    ("whitespace_only.csv", "ingest.error.empty"),
    ("header_only.csv", "ingest.error.header_only"),
    ("binary.csv", "ingest.error.binary"),
    ("png_named.csv", "ingest.error.binary_kind"),
])
def test_unusable_files_give_one_clear_message(name, key):
    r = read(name)
    assert not r.ok
    assert keys(r.errors) == [key]
    assert len(r.records) == 0
    assert list(r.records.columns) == list(ingest.RECORD_COLUMNS)
    for lang in ("id", "en"):
        text = r.errors[0].text(lang)
        assert text and not text.startswith("ingest.")
    json.dumps(r.to_json(), allow_nan=False)


def test_ragged_rows_are_listed_and_the_rest_is_read():
    r = read("ragged.csv")
    assert r.ok
    assert values(r) == [("3276", 2023, 10.0), ("3216", 2023, 40.0), ("3201", 2023, 50.0)]
    assert skipped(r) == [(3, None, "Kota Bogor,2023", "ragged_short"),
                          (4, None, "Kota Bekasi,2023,30,extra,cells", "ragged_long")]
    assert "ingest.warning.ragged" in keys(r.warnings)


def test_utf16_unicode_text_with_tabs():
    r = read("utf16_unicode_text.txt")
    assert r.ok and r.encoding == "utf-16-le" and r.delimiter == "\t" and r.number_format == "id"
    assert values(r) == [("3171", 2024, 144.94), ("3172", 2024, 185.54), ("3203", 2024, 3631.97)]
    assert r.suggested["unit"] == "km\u00b2"


def test_english_numbers_and_kemendagri_code_column():
    r = read("english_numbers.csv")
    assert r.ok and r.number_format == "en"
    assert r.roles["region"] == "wilayah" and r.roles["ignored"] == ["kode"]
    assert values(r) == [("3171", 2022, 1234567.89), ("3201", 2022, 287654.10), ("3674", 2022, 98765.4)]


def test_ambiguous_column_is_reported_not_guessed():
    r = read("ambiguous.csv")
    assert r.ok and r.number_format == "ambiguous"
    assert r.ambiguous_columns == [{"column": "nilai", "examples": ["1.234", "2.500"], "likely": None}]
    assert values(r) == [("3275", 2023, 750.0)]  # plain integers are safe
    assert skipped(r) == [(2, "nilai", "1.234", "ambiguous_number"), (3, "nilai", "2.500", "ambiguous_number")]
    assert "ingest.warning.ambiguous_numbers" in keys(r.warnings)
    as_id = read("ambiguous.csv", number_formats={"nilai": "id"})
    assert values(as_id) == [("3276", 2023, 1234.0), ("3271", 2023, 2500.0), ("3275", 2023, 750.0)]
    assert not as_id.ambiguous_columns and as_id.number_format == "id"
    as_en = read("ambiguous.csv", number_format="en")
    assert values(as_en) == [("3276", 2023, 1.234), ("3271", 2023, 2.5), ("3275", 2023, 750.0)]


def test_wide_indicators_with_year_from_title_and_percent():
    r = read("wide_indicators_pipe.txt")
    assert r.ok and r.layout == "wide_indicators" and r.delimiter == "|"
    assert "ingest.warning.year_from_title" in keys(r.warnings)
    assert r.suggested["higher_is_better"] is False  # "Kemiskinan": lower is better
    assert r.ambiguous_columns[0]["column"] == "Garis Kemiskinan (Rp)"
    assert r.ambiguous_columns[0]["likely"] == "id"
    assert [(c, i, y, v) for c, i, y, _p, _pl, v, _r in recs(r)] == [
        ("3271", "Persentase Penduduk Miskin (%)", 2023, 7.07),
        ("3271", "Jumlah Penduduk Miskin (ribu)", 2023, 78.95),
        ("3203", "Persentase Penduduk Miskin (%)", 2023, 10.2),
        ("3203", "Jumlah Penduduk Miskin (ribu)", 2023, 253.6),
        ("3276", "Persentase Penduduk Miskin (%)", 2023, 2.38),
        ("3276", "Jumlah Penduduk Miskin (ribu)", 2023, 60.98)]
    fixed = read("wide_indicators_pipe.txt", number_formats={"Garis Kemiskinan (Rp)": "id"})
    garis = [(c, v) for c, i, _y, _p, _pl, v, _r in recs(fixed) if i == "Garis Kemiskinan (Rp)"]
    assert garis == [("3271", 615532.0), ("3203", 426012.0), ("3276", 799600.0)]
    assert not fixed.ambiguous_columns


def test_points_layout_and_coordinates():
    r = read("points_facilities.csv")
    assert r.ok and r.layout == "points" and r.level is None
    p = r.points
    assert list(p["name"]) == ["Puskesmas Beji", "Puskesmas Sukmajaya", "RSUD Cianjur", "Klinik Bandung"]
    assert list(p["lat"]) == [-6.3725, -6.399, -6.821, -6.9218]
    assert list(p["lon"]) == [106.8207, 106.834, 107.139, 107.607]
    assert list(p["in_area"]) == [True, True, True, False]
    assert skipped(r) == [(6, "latitude, longitude", "", "missing_coordinate"),
                          (7, "latitude, longitude", "-96,1, 106,8", "invalid_coordinate")]
    assert "ingest.warning.points_outside_area" in keys(r.warnings)
    assert len(r.to_json()["points"]) == 4


def test_count_points_in_synthetic_squares():
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import box
    squares = gpd.GeoDataFrame({"code": ["3276", "3203", "3201"]},
                               geometry=[box(106.7, -6.45, 106.9, -6.3), box(107.0, -7.0, 107.3, -6.7),
                                         box(106.9, -6.45, 107.0, -6.3)], crs=4326)
    r = read("points_facilities.csv")
    counts = ingest.count_points(r.points, squares, level="kabkota")
    assert dict(zip(counts.counts["code"], counts.counts["count"])) == {"3201": 0, "3203": 1, "3276": 2}
    assert counts.inside == 3
    assert list(counts.outside["name"]) == ["Klinik Bandung"]
    rec = counts.to_records("Jumlah fasilitas", 2024)
    assert list(rec.columns[:4]) == ["region_code", "indicator", "year", "period"]
    assert float(rec.loc[rec["region_code"] == "3276", "value"].iloc[0]) == 2.0
    # a point on the shared border of two squares counts once
    edge = pd.DataFrame({"lat": [-6.4], "lon": [106.9], "name": ["batas"]})
    both = ingest.count_points(edge, squares)
    assert int(both.counts["count"].sum()) == 1 and both.inside == 1
    # kecamatan level keeps only 7-digit codes
    kec = gpd.GeoDataFrame({"code": ["3276050", "3276"]}, geometry=[box(106.8, -6.4, 106.83, -6.36),
                                                                    box(106.7, -6.45, 106.9, -6.3)], crs=4326)
    c = ingest.count_points(r.points, kec, level="kecamatan")
    assert list(c.counts["code"]) == ["3276050"] and list(c.counts["count"]) == [1]


def test_kecamatan_codes():
    r = read("kecamatan_codes.csv")
    assert r.ok and r.level == "kecamatan" and r.roles["region"] == "kode_kecamatan"
    assert values(r) == [("3276010", 2023, 41.0), ("3276050", 2023, 27.0), ("3276040", 2023, 35.0)]


def test_kabkota_codes_in_three_forms_are_read_as_kabkota():
    """4-digit, dotted Kemendagri and 7-digit XXXX000 codes in one column: all kab/kota, even with
    more 7-digit rows than others; a real kecamatan code in the mix is another level, skipped."""
    r = read("mixed_kabkota_codes.csv")
    assert r.ok and r.level == "kabkota" and r.roles["region"] == "kode_wilayah"
    assert values(r) == [("3275", 2023, 2579.0), ("3674", 2023, 1404.0), ("3603", 2023, 3322.0),
                         ("3171", 2023, 2435.0), ("3276", 2023, 2164.0), ("3271", 2023, 1064.0),
                         ("3173", 2023, 1088.0)]
    assert [row for *_x, row in recs(r)] == [2, 3, 4, 5, 6, 7, 8]
    assert skipped(r) == [(9, "kode_wilayah", "3276050", "unknown_region")]
    assert [u["value"] for u in r.unmatched] == ["3276050"]


def test_padded_kabkota_codes_with_a_kecamatan_table():
    from jabodash.geo.regions import RegionMatcher
    kec = pd.DataFrame({"code": ["3276010", "3276050"], "name": ["Pancoran Mas", "Beji"]})
    data = b"kode,tahun,nilai\n3276000,2023,1\n3275000,2023,2\n32.01,2023,3\n3674,2023,4\n"
    r = read_upload(data, "k.csv", matcher=RegionMatcher(kecamatan=kec))
    assert r.ok and r.level == "kabkota" and skipped(r) == []
    assert values(r) == [("3276", 2023, 1.0), ("3275", 2023, 2.0), ("3201", 2023, 3.0), ("3674", 2023, 4.0)]


def test_kecamatan_names_with_a_kecamatan_table():
    from jabodash.geo.regions import RegionMatcher
    kec = pd.DataFrame({"code": ["3276010", "3276050", "3276040"], "name": ["Pancoran Mas", "Beji", "Sukmajaya"]})
    data = b"kecamatan,tahun,jumlah\nPancoran Mas,2023,1\nBEJI,2023,2\nSukma Jaya,2023,3\nKec. Entah,2023,4\n"
    r = read_upload(data, "kec.csv", matcher=RegionMatcher(kecamatan=kec))
    assert r.ok and r.level == "kecamatan"
    assert values(r) == [("3276010", 2023, 1.0), ("3276050", 2023, 2.0), ("3276040", 2023, 3.0)]
    assert [u["value"] for u in r.unmatched] == ["Kec. Entah"]


def test_repeated_headers_blank_lines_and_duplicates():
    r = read("repeated_header.csv")
    assert r.ok and r.blank_lines == 1 and r.rows_read == 7 and r.rows_used == 4
    assert values(r) == [("3271", 2021, 1.0), ("3271", 2022, 2.0), ("3276", 2021, 3.0), ("3276", 2022, 4.0)]
    assert skipped(r) == [(5, None, "wilayah", "repeated_header"), (8, None, "wilayah", "repeated_header"),
                          (9, "nilai", "5", "duplicate")]


def test_year_forms():
    r = read("years.csv")
    assert [(y, p, pl, v) for _c, _i, y, p, pl, v, _r in recs(r)] == [
        (2023, "2023", False, 1.0), (2024, "2024", True, 2.0), (2024, "2024-06", False, 3.0),
        (2022, "2022", False, 4.0)]
    assert skipped(r) == [(6, "periode", "2023/2024", "invalid_year"), (7, "periode", "", "missing_year")]


@pytest.mark.parametrize("text, expected", [
    ("2023", (2023, "2023", False)), ("2023*", (2023, "2023", True)), ("2023**", (2023, "2023", True)),
    ("2023*)", (2023, "2023", True)), ("2023-06", (2023, "2023-06", False)), ("2023-6", (2023, "2023-06", False)),
    ("Tahun 2021", (2021, "2021", False)), ("2021.0", (2021, "2021", False)),
    ("2024 (sementara)", (2024, "2024", True)), ("2022-03-31", (2022, "2022-03", False)),
    ("1899", None), ("2023-13", None), ("abc", None), ("", None), ("20231", None),
])
def test_parse_year(text, expected):
    assert parse_year(text) == expected


def test_quoted_line_break_keeps_line_numbers():
    r = read("quoted_newline.csv")
    assert r.ok
    assert [(c, v, row) for c, _i, _y, _p, _pl, v, row in recs(r)] == [("3271", 1.0, 2), ("3275", 3.0, 5)]
    assert skipped(r) == [(4, "nilai", "x", "missing")]


def test_latin1_fallback():
    r = read("latin1_undefined.csv")
    assert r.ok and r.encoding == "latin-1"
    assert values(r) == [("3271", 2023, 1.0), ("3276", 2023, 2.0)]
    assert r.notes == ["Catatan: kode \x81 lama"]


def test_xlsx_first_sheet_and_chosen_sheet():
    r = read("rasio_guru.xlsx")
    assert r.ok and r.file_type == "xlsx" and r.sheet == "Tabel 1" and r.sheets == ["Tabel 1", "Lampiran"]
    assert r.encoding is None and r.delimiter is None and r.layout == "wide_years" and r.header_row == 3
    assert values(r) == [("3271", 2022, 17.5), ("3271", 2023, 17.25), ("3201", 2022, 22.125),
                         ("3276", 2022, 18.75)]
    assert skipped(r) == [(5, "2023", "", "missing"), (6, "2023", "-", "missing"),
                          (7, None, "Sumber: Kemendikbudristek", "note")]
    second = read("rasio_guru.xlsx", sheet="Lampiran")
    assert second.ok and second.sheet == "Lampiran" and values(second) == [("3275", 2023, 1234.0)]
    by_number = read("rasio_guru.xlsx", sheet=2)
    assert values(by_number) == [("3275", 2023, 1234.0)]
    missing = read("rasio_guru.xlsx", sheet="Tidak Ada")
    assert keys(missing.errors) == ["ingest.error.sheet_not_found"]


def test_broken_xlsx_and_other_formats():
    data = (CORPUS / "rasio_guru.xlsx").read_bytes()
    r = read_upload(data[: len(data) // 2], "potong.xlsx")
    assert not r.ok and keys(r.errors) == ["ingest.error.xlsx_unreadable"]
    ole = read_upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "lama.xls")
    assert keys(ole.errors) == ["ingest.error.unsupported_format"] and ole.errors[0].params["kind"] == "xls"
    pdf = read_upload(b"%PDF-1.7\n" + bytes(range(256)), "tabel.csv")
    assert keys(pdf.errors) == ["ingest.error.binary_kind"]
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("data.csv", "a,b\n1,2\n")
    z = read_upload(buf.getvalue(), "data.csv")
    assert keys(z.errors) == ["ingest.error.unsupported_format"]


# ---------------------------------------------------------------------------
# Options, layouts, limits
# ---------------------------------------------------------------------------


def test_size_limit_from_environment(monkeypatch):
    data = (CORPUS / "bps_wide_semicolon.csv").read_bytes()
    monkeypatch.setenv("JABODASH_MAX_UPLOAD_MB", "0.0001")  # about 100 bytes
    r = read_upload(data, "besar.csv")
    assert keys(r.errors) == ["ingest.error.too_large"]
    assert r.errors[0].params["limit_mb"] == "0"
    monkeypatch.setenv("JABODASH_MAX_UPLOAD_MB", "nonsense")
    assert ingest.max_upload_bytes() == 200 * 1024 * 1024
    monkeypatch.delenv("JABODASH_MAX_UPLOAD_MB")
    assert read_upload(data, "x.csv", IngestOptions(max_bytes=10)).errors[0].key == "ingest.error.too_large"
    assert ingest.MAX_UPLOAD_BYTES == 200 * 1024 * 1024


def test_read_file_checks_the_size_before_reading(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"wilayah,tahun,nilai\nKota Bogor,2023,1\n")
    assert ingest.read_file(path).ok
    r = ingest.read_file(path, options=IngestOptions(max_bytes=5))
    assert keys(r.errors) == ["ingest.error.too_large"] and r.size_bytes == path.stat().st_size


def test_forced_settings_and_bad_options():
    data = b"a;b;c\nKota Bogor;2023;1,5\n"
    r = read_upload(data, "x.csv", IngestOptions(delimiter=";", encoding="utf-8", region_column="a",
                                                 year_column="b", value_columns=["c"], indicator="Uji"))
    assert r.ok and values(r) == [("3271", 2023, 1.5)] and recs(r)[0][1] == "Uji"
    for opts, option in ((IngestOptions(layout="kotak"), "layout"), (IngestOptions(level="desa"), "level"),
                         (IngestOptions(region_column="tidak ada"), "region_column"),
                         (IngestOptions(number_format="fr"), "number_format"),
                         (IngestOptions(header_row=99), "header_row"), (IngestOptions(year=1200), "year")):
        bad = read_upload(data, "x.csv", opts)
        assert keys(bad.errors) == ["ingest.error.bad_option"], option
        assert bad.errors[0].params["option"] == option
    wrong_encoding = read_upload("wilayah;tahun;nilai\nDépok;2023;1\n".encode("cp1252"), "x.csv",
                                 IngestOptions(encoding="utf-8"))
    assert keys(wrong_encoding.errors) == ["ingest.error.encoding"]


def test_header_row_option_and_headerless_files():
    data = b"Kota Bogor,2023,10\nKota Depok,2023,20\n"
    r = read_upload(data, "x.csv", IngestOptions(header_row=0))
    assert r.ok and r.header_row == 0 and values(r) == [("3271", 2023, 10.0), ("3276", 2023, 20.0)]
    auto = read_upload(data, "x.csv")
    assert auto.ok and "ingest.warning.headerless" in keys(auto.warnings)
    assert values(auto) == values(r)


def test_no_region_no_value_no_year():
    assert keys(read_upload(b"nama,nilai\nBudi,1\nAni,2\n", "x.csv").errors) == ["ingest.error.no_region_column"]
    assert keys(read_upload(b"wilayah,catatan\nKota Bogor,baik\n", "x.csv").errors) == [
        "ingest.error.no_value_column"]
    no_year = read_upload(b"wilayah,nilai\nKota Bogor,1\n", "x.csv")
    assert keys(no_year.errors) == ["ingest.error.no_year"]
    with_year = read_upload(b"wilayah,nilai\nKota Bogor,1\n", "x.csv", IngestOptions(year=2020))
    assert with_year.ok and values(with_year) == [("3271", 2020, 1.0)]
    only_one_column = read_upload(b"wilayah\nKota Bogor\n", "x.csv")
    assert keys(only_one_column.errors) == ["ingest.error.no_table"]


def test_long_with_indicator_column_and_layout_override():
    data = ("wilayah;indikator;tahun;nilai\nKota Bogor;IPM;2022;76,6\nKota Bogor;TPT;2022;9,39\n"
            "Kota Depok;IPM;2022;81,4\nKota Depok;;2023;81,9\n").encode()
    r = read_upload(data, "x.csv")
    assert r.layout == "long" and r.roles["indicator"] == "indikator"
    assert [(c, i, y, v) for c, i, y, _p, _pl, v, _r in recs(r)] == [
        ("3271", "IPM", 2022, 76.6), ("3271", "TPT", 2022, 9.39), ("3276", "IPM", 2022, 81.4),
        ("3276", "IPM", 2023, 81.9)]  # an empty indicator cell carries the one above (merged cells)
    wide = "wilayah;2021;2022\nKota Bogor;1;2\n".encode()
    assert read_upload(wide, "w.csv").layout == "wide_years"
    forced = read_upload(wide, "w.csv", IngestOptions(layout="wide_indicators", year=2020))
    assert forced.layout == "wide_indicators"
    assert sorted(i for _c, i, *_ in recs(forced)) == ["2021", "2022"]


def test_wide_years_with_indicator_rows():
    data = ("Wilayah,Indikator,2021,2022\nKota Bogor,IPM,76.2,76.6\nKota Bogor,AHH,73.4,73.6\n").encode()
    r = read_upload(data, "x.csv")
    assert r.ok and r.layout == "wide_years"
    assert [(c, i, y, v) for c, i, y, _p, _pl, v, _r in recs(r)] == [
        ("3271", "IPM", 2021, 76.2), ("3271", "IPM", 2022, 76.6), ("3271", "AHH", 2021, 73.4),
        ("3271", "AHH", 2022, 73.6)]


def test_numbers_per_column(monkeypatch):
    cases = {
        "1.234.567,89": 1234567.89, "1,234,567.89": 1234567.89, "1234567.89": 1234567.89,
        "12,5 %": 12.5, "1 234 567": 1234567.0, "Rp 1.500.000": 1500000.0, "-5": -5.0, "\u22125,5": -5.5,
        "0,123": 0.123, "0.123": 0.123, "1.5e3": 1500.0,
    }
    for text, expected in cases.items():
        out = parse_numbers([text])
        assert out.status[0] == ingest.OK and math.isclose(out.values[0], expected), text
    decided = parse_numbers(["1.234", "5.678,5"])  # one Indonesian value decides the column
    assert decided.format == "id" and list(decided.values) == [1234.0, 5678.5]
    decided_en = parse_numbers(["1,234", "2.5"])
    assert decided_en.format == "en" and list(decided_en.values) == [1234.0, 2.5]
    amb = parse_numbers(["1.234", "12"])
    assert amb.format == "ambiguous" and amb.status.tolist() == [ingest.AMBIGUOUS, ingest.OK]
    mixed = parse_numbers(["1.234,5", "2.345,6", "1,234.5"])
    assert mixed.format == "id" and mixed.status.tolist() == [ingest.OK, ingest.OK, ingest.CONFLICT]
    bad = parse_numbers(["abc", "1.2.3,4,5", "#DIV/0!", "1e999"])
    assert bad.status.tolist() == [ingest.NOT_A_NUMBER] * 4
    coords = parse_numbers(["-6,2", "106.8", "1.234.5"], decimal_only=True)
    assert coords.values[:2].tolist() == [-6.2, 106.8] and coords.status[2] == ingest.NOT_A_NUMBER
    native = parse_numbers(["1.234", "x"], native=np.array([1.234, np.nan]))
    assert native.values[0] == 1.234 and native.format == "native"


def test_json_form_is_stable_and_documented():
    r = read("bps_wide_semicolon.csv")
    j = r.to_json()
    for key in ("rows_read", "rows_used", "skipped", "encoding", "delimiter", "number_format", "layout",
                "level", "unmatched", "errors", "records"):
        assert key in j
        assert f"    {key}" in ingest.outcome.__doc__  # every key is documented in the module docstring
    assert j["schema"] == "jabodash.ingest/1"
    assert set(j["skipped"][0]) >= {"row", "column", "value", "reason"}
    assert set(j["records"][0]) >= {"region_code", "indicator", "year", "value"}
    assert j["records"][0] == {"region_code": "3101", "indicator": "Jumlah Penduduk", "year": 2021,
                               "value": 28240.0, "preliminary": False, "period": "2021"}
    json.dumps(j, allow_nan=False)
    assert json.loads(r.to_json_str()) == json.loads(json.dumps(j))
    # the messages come in the requested language
    amb = read("ambiguous.csv")
    assert amb.to_json(lang="id")["warnings"][0]["message"].startswith("Bentuk angka")
    assert amb.to_json(lang="en")["warnings"][0]["message"].startswith("The number form")


def test_every_message_key_exists_in_both_languages():
    source = "\n".join(p.read_text() for p in sorted((ROOT / "jabodash" / "ingest").glob("*.py")))
    import re
    used = {f"ingest.error.{k}" for k in re.findall(r'\.error\("([a-z_]+)"', source)}
    used |= {f"ingest.warning.{k}" for k in re.findall(r'\.warn\("([a-z_]+)"', source)}
    used |= {f"ingest.reason.{k}" for k in ingest.numbers._STATUS_REASON.values()}
    used |= {f"ingest.reason.{k}" for k in re.findall(r'mark\([^)]*?"([a-z_]+)"', source)}
    for lang in ("id", "en"):
        missing = {k for k in used if k not in strings(lang)}
        assert not missing, (lang, missing)
    assert {k for k in strings("id") if k.startswith("ingest.")} == {k for k in strings("en") if k.startswith("ingest.")}


def test_safe_filename():
    assert ingest.safe_filename("../../etc/passwd") == "passwd"
    assert ingest.safe_filename("C:\\Users\\x\\Data Penduduk (2023).csv") == "Data_Penduduk_2023.csv"
    assert ingest.safe_filename(".bashrc") == "bashrc"
    assert ingest.safe_filename("") == "upload"
    assert ingest.safe_filename("con.csv") == "con_upload.csv"
    assert ingest.safe_filename("Ñamé<script>.csv") == "Name_script.csv"
    assert "/" not in ingest.safe_filename("a/b/../c\x00.csv")


# ---------------------------------------------------------------------------
# Formula-safe CSV
# ---------------------------------------------------------------------------


def test_to_safe_csv_neutralises_text_and_keeps_numbers():
    df = pd.DataFrame({"teks": ["=1+1", "+62 21", "-x", "@a", "\tb", "\rc", " =d", "aman", None],
                       "angka": [-5, 1, 2, 3, 4, 5, 6, 7, 8],
                       "campur": [-5, "-5", 1.5, None, "x", "=y", 2, 3, 4]})
    out = to_safe_csv(df)
    assert out.startswith(b"\xef\xbb\xbf") and b"\r\n" in out
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["teks", "angka", "campur"]
    assert [r[0] for r in rows[1:]] == ["'=1+1", "'+62 21", "'-x", "'@a", "'\tb", "'\rc", "' =d", "aman", ""]
    assert [r[1] for r in rows[1:]] == ["-5", "1", "2", "3", "4", "5", "6", "7", "8"]
    assert [r[2] for r in rows[1:]] == ["-5", "'-5", "1.5", "", "x", "'=y", "2", "3", "4"]
    assert to_safe_csv(pd.DataFrame({"=bad": [1]}), bom=False).startswith(b"'=bad")
    assert neutralise(-5) == -5 and neutralise("=x") == "'=x" and neutralise("") == ""


# ---------------------------------------------------------------------------
# Property-based: nothing crashes the reader
# ---------------------------------------------------------------------------


def _no_internal_error(result) -> None:
    assert "ingest.error.internal" not in keys(result.errors), result.errors
    json.dumps(result.to_json(), allow_nan=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["x.csv", "x.tsv", "x.txt", "x.xlsx", "", "../x.csv"]))
def test_arbitrary_bytes_never_raise(data, name):
    _no_internal_error(read_upload(data, name))


CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=6), max_size=12),
       delimiter=st.sampled_from([",", ";", "\t", "|", ":", " "]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
       terminator=st.sampled_from(["\n", "\r\n", "\r"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_arbitrary_csv_dialects_never_raise(rows, delimiter, quoting, terminator, encoding):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=terminator).writerows(rows)
    data = buf.getvalue().encode(encoding, errors="replace")
    _no_internal_error(read_upload(data, "x.csv"))


REGIONS = ["Kota Jakarta Selatan", "JAKARTA TIMUR", "Jakarta Pusat", "Kota Bogor", "Kab. Bogor", "Kota Depok",
           "Kabupaten Bekasi", "Kota Bekasi", "Kab. Cianjur", "Tangerang Selatan", "Kota Tangerang",
           "Kabupaten Tangerang", "Kepulauan Seribu", "Jakarta Barat", "Jakarta Utara"]
CODES = ["3171", "3172", "3173", "3271", "3201", "3276", "3216", "3275", "3203", "3674", "3671", "3603", "3101",
         "3174", "3175"]


def _fmt(value: float, form: str) -> str:
    text = f"{value:,.2f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") if form == "id" else text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(picks=st.lists(st.integers(0, 14), min_size=1, max_size=15, unique=True),
       nums=st.lists(st.floats(-1e9, 1e9, allow_nan=False).map(lambda x: round(x, 2)), min_size=15, max_size=15),
       years=st.lists(st.integers(1990, 2030), min_size=15, max_size=15),
       form=st.sampled_from(["id", "en"]),
       delimiter=st.sampled_from([",", ";", "\t", "|"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
       terminator=st.sampled_from(["\n", "\r\n"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_generated_tables_read_back_exactly(picks, nums, years, form, delimiter, quoting, terminator, encoding):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=terminator)
    writer.writerow(["wilayah", "tahun", "nilai"])
    for k in picks:
        writer.writerow([REGIONS[k], years[k], _fmt(nums[k], form)])
    r = read_upload(buf.getvalue().encode(encoding), "gen.csv")
    assert r.ok, keys(r.errors)
    assert r.delimiter == delimiter and r.layout == "long"
    assert r.number_format == form  # two decimals everywhere: the form is always decidable
    got = values(r)
    assert got == [(CODES[k], years[k], nums[k]) for k in picks]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e12, 1e12, allow_nan=False).map(lambda x: round(x, 2)), min_size=1, max_size=30),
       st.sampled_from(["id", "en"]))
def test_number_forms_round_trip(nums, form):
    out = parse_numbers([_fmt(x, form) for x in nums])
    assert (out.status == ingest.OK).all()
    assert out.values.tolist() == nums


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def _cli(argv, capsys):
    from jabodash.cli import ingest as cli_ingest
    parser = argparse.ArgumentParser()
    cli_ingest.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["ingest", *argv])
    code = args.func(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_json_report(capsys):
    code, out, err = _cli([str(CORPUS / "bps_wide_semicolon.csv"), "--json"], capsys)
    assert code == 0 and not err
    j = json.loads(out)
    assert j["rows_used"] == 6 and j["layout"] == "wide_years" and j["delimiter"] == ";"
    assert j["records"][0]["region_code"] == "3101"


def test_cli_reads_kabkota_codes_in_three_forms(capsys):
    code, out, err = _cli([str(CORPUS / "mixed_kabkota_codes.csv"), "--json"], capsys)
    j = json.loads(out)
    assert code == 0 and j["ok"] and j["level"] == "kabkota" and j["rows_used"] == 7
    assert [(r["region_code"], r["value"]) for r in j["records"]] == [
        ("3275", 2579.0), ("3674", 1404.0), ("3603", 3322.0), ("3171", 2435.0), ("3276", 2164.0),
        ("3271", 1064.0), ("3173", 1088.0)]
    assert [(s["row"], s["value"]) for s in j["skipped"]] == [(9, "3276050")]


def test_cli_text_report_in_both_languages(capsys):
    code, out, _ = _cli([str(CORPUS / "cp1252_misspelled.csv"), "--lang", "en"], capsys)
    assert code == 0 and "Regions not recognised" in out and "Kota Antah Berantah" in out
    code, out, _ = _cli([str(CORPUS / "cp1252_misspelled.csv")], capsys)
    assert code == 0 and "Wilayah yang tidak dikenali" in out


@pytest.mark.parametrize("name", ["empty.csv", "binary.csv", "header_only.csv", "png_named.csv"])
def test_cli_unusable_files_exit_non_zero(name, capsys):
    code, out, err = _cli([str(CORPUS / name), "--json"], capsys)
    assert code == 1
    j = json.loads(out)
    assert j["ok"] is False and j["errors"] and j["records"] == []
    assert "Traceback" not in out + err


def test_cli_missing_file_and_bad_arguments(tmp_path, capsys):
    code, out, err = _cli([str(tmp_path / "tidak-ada.csv")], capsys)
    assert code == 2 and "not a file" in err and "Traceback" not in err
    code, out, err = _cli([str(CORPUS / "ambiguous.csv"), "--map", "tanpa-kode"], capsys)
    assert code == 2 and "RAW=CODE" in err


def test_cli_options_and_save(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    code, out, _ = _cli([str(CORPUS / "ambiguous.csv"), "--json", "--number-format", "nilai=id", "--save",
                         "--map", "Kota Depok=3276"], capsys)
    j = json.loads(out)
    assert code == 0 and j["ambiguous_columns"] == [] and j["dataset_id"]
    from jabodash.store import shelf
    ds = shelf.load_dataset(j["dataset_id"])
    assert len(ds.records) == 3 and ds.meta["options"]["number_formats"] == {"nilai": "id"}
    code, out, _ = _cli([str(CORPUS / "empty.csv"), "--save"], capsys)
    assert code == 1 and len(shelf.list_datasets()) == 1


def test_python_m_jabodash_ingest(tmp_path):
    env = {"JABODASH_WORKSPACE": str(tmp_path / "ws"), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
           "JABODASH_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    ok = subprocess.run([sys.executable, "-m", "jabodash", "ingest", str(CORPUS / "missing_markers.csv"), "--json"],
                        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["missing"]["count"] == 7
    bad = subprocess.run([sys.executable, "-m", "jabodash", "ingest", str(CORPUS / "binary.csv")],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert bad.returncode == 1 and "Traceback" not in bad.stdout + bad.stderr


def test_translations_render():
    assert t("ingest.error.too_large", "id", size_mb="250", limit_mb="200").startswith("Berkas terlalu besar (250 MB)")
    assert t("ingest.error.too_large", "en", size_mb="250", limit_mb="200").startswith("The file is too large")


@pytest.mark.parametrize("text, header_row", [
    ("Jumlah Penduduk, Luas, dan Kepadatan, 2023\nwilayah,tahun,nilai\nKota Bogor,2023,5\nKota Depok,2023,6\n", 2),
    ("Tabel 1, Penduduk\nwilayah,tahun,nilai\nKota Bogor,2023,5\nKota Depok,2023,6\n", 2),
    ("wilayah,tahun,nilai\nKota Bogor,2023,5,\nKota Depok,2023,6,\n", 1),
])
def test_title_lines_split_by_the_delimiter_and_short_headers(text, header_row):
    r = read_upload(text.encode(), "x.csv")
    assert r.ok and r.header_row == header_row and r.columns == ["wilayah", "tahun", "nilai"]
    assert values(r) == [("3271", 2023, 5.0), ("3276", 2023, 6.0)] and skipped(r) == []
    if header_row == 2:
        assert r.title_lines and r.title_lines[0].startswith(text.split(",")[0])


def test_repeated_two_row_header_blocks():
    text = ("Kabupaten/Kota;Jumlah Penduduk (Jiwa);;\n;2021;2022;2023\nKota Bogor;1;2;3\n"
            "Kabupaten/Kota;Jumlah Penduduk (Jiwa);;\n;2021;2022;2023\nKota Depok;4;5;6\n")
    r = read_upload(text.encode(), "x.csv")
    assert r.ok and r.layout == "wide_years" and not r.unmatched
    assert values(r) == [("3271", 2021, 1.0), ("3271", 2022, 2.0), ("3271", 2023, 3.0),
                         ("3276", 2021, 4.0), ("3276", 2022, 5.0), ("3276", 2023, 6.0)]
    assert [(row, key) for row, _c, _v, key in skipped(r)] == [(4, "repeated_header"), (5, "repeated_header")]


def test_a_misspelt_region_read_as_the_nearest_is_said():
    """"Kota Bogorr" is read as Kota Bogor (3271), and the report says so, naming it, so a wrong guess
    is seen before the data is used (it was silent); a file spelt right says nothing of the kind."""
    data = "Kabupaten/Kota;2021;2022\nKota Bogorr;7,24;6,77\nKota Depok;2,58;2,53\nKab. Bogor;8,13;7,73\n"
    r = read_upload(data.encode(), "typo.csv")
    assert {(c, y) for c, y, _v in values(r)} == {(c, y) for c in ("3271", "3276", "3201") for y in (2021, 2022)}
    fuzzy = [m for m in r.warnings if m.key == "ingest.warning.fuzzy_regions"]
    assert len(fuzzy) == 1 and fuzzy[0].params["count"] == 1
    assert fuzzy[0].params["examples"] == "Kota Bogorr → Kota Bogor (3271)"
    assert "Kota Bogorr → Kota Bogor (3271)" in fuzzy[0].text("en")
    right = read_upload(data.replace("Bogorr", "Bogor").encode(), "right.csv")
    assert "ingest.warning.fuzzy_regions" not in keys(right.warnings)
