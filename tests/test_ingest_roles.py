"""Column roles: a column of region codes is a region column whatever the order of its codes
(issue 17: codes 3171..3175 in ascending order were taken for row numbers), while a genuine
row-number column (1, 2, 3... or "No") is still set aside."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jabodash.ingest import read_upload

ROOT = Path(__file__).resolve().parent.parent

ASCENDING = "kode;tahun;nilai\n3171;2023;1.234,5\n3172;2023;2.345,6\n3173;2023;3.456,7\n3174;2023;4.567,8\n" \
            "3175;2023;5.678,9\n"
SHUFFLED = "kode;tahun;nilai\n3173;2023;3.456,7\n3171;2023;1.234,5\n3175;2023;5.678,9\n3172;2023;2.345,6\n" \
           "3174;2023;4.567,8\n"


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "workspace"))


def _values(result) -> list[tuple]:
    r = result.records
    return sorted((str(c), int(y), float(v)) for c, y, v in zip(r["region_code"], r["year"], r["value"]))


@pytest.mark.parametrize("text", [ASCENDING, SHUFFLED], ids=["ascending", "shuffled"])
def test_consecutive_region_codes_are_the_region_column(text):
    result = read_upload(text.encode(), "kode.csv")
    assert result.ok, [m.key for m in result.errors]
    assert result.roles["region"] == "kode" and result.level == "kabkota" and result.layout == "long"
    assert _values(result) == [("3171", 2023, 1234.5), ("3172", 2023, 2345.6), ("3173", 2023, 3456.7),
                               ("3174", 2023, 4567.8), ("3175", 2023, 5678.9)]
    assert len(result.skipped) == 0


def test_consecutive_kecamatan_codes_without_a_header_are_regions():
    text = "3171010,2022,10\n3171011,2022,11\n3171012,2022,12\n3171013,2022,13\n"
    result = read_upload(text.encode(), "kec.csv")
    assert result.ok, [m.key for m in result.errors]
    assert result.level == "kecamatan" and result.roles["region"] == "column_1"
    assert _values(result) == [("3171010", 2022, 10.0), ("3171011", 2022, 11.0), ("3171012", 2022, 12.0),
                               ("3171013", 2022, 13.0)]


@pytest.mark.parametrize("header", ["id", "No"])
def test_genuine_row_numbers_are_still_set_aside(header):
    text = (f"{header};wilayah;tahun;nilai\n1;Jakarta Selatan;2023;10\n2;Jakarta Timur;2023;20\n"
            "3;Jakarta Pusat;2023;30\n4;Jakarta Barat;2023;40\n")
    result = read_upload(text.encode(), "nomor.csv")
    assert result.ok, [m.key for m in result.errors]
    assert result.roles["region"] == "wilayah" and result.roles["values"] == ["nilai"]
    assert header not in result.roles["ignored"]
    assert _values(result) == [("3171", 2023, 10.0), ("3172", 2023, 20.0), ("3173", 2023, 30.0),
                               ("3174", 2023, 40.0)]


def test_row_numbers_that_are_not_region_codes_do_not_become_regions():
    # 1001..1004 have the shape of kab/kota codes but name no region: still row numbers
    text = ("nomor_urut;wilayah;tahun;nilai\n1001;Depok;2023;1\n1002;Kota Bogor;2023;2\n"
            "1003;Kota Bekasi;2023;3\n1004;Kota Tangerang;2023;4\n")
    result = read_upload(text.encode(), "urut.csv")
    assert result.ok, [m.key for m in result.errors]
    assert result.roles["region"] == "wilayah" and result.roles["values"] == ["nilai"]
    assert "nomor_urut" not in result.roles["ignored"]


def test_cli_json_reads_ascending_codes(tmp_path):
    path = tmp_path / "kode.csv"
    path.write_text(ASCENDING, encoding="utf-8")
    env = {"JABODASH_WORKSPACE": str(tmp_path / "ws"), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
           "JABODASH_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "jabodash", "ingest", str(path), "--json"], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["ok"] and report["errors"] == [] and report["roles"]["region"] == "kode"
    assert [(r["region_code"], r["value"]) for r in report["records"]] == [
        ("3171", 1234.5), ("3172", 2345.6), ("3173", 3456.7), ("3174", 4567.8), ("3175", 5678.9)]
