"""The kecamatan crosswalk (data/kecamatan_crosswalk.csv, jabodash.geo.kecamatan_codes): 217 kecamatan
of the 15 regions, Kemendagri codes under their kab/kota's Kemendagri code, and the same BPS codes
as the kecamatan boundaries (the development boundaries when JABODASH_TEST_BOUNDARIES is set)."""
import json

import pandas as pd
import pytest

from jabodash.core.paths import DATA_DIR
from jabodash.geo import kecamatan_codes

PER_KAB = {"3101": 2, "3171": 10, "3172": 10, "3173": 8, "3174": 8, "3175": 6, "3201": 40, "3203": 32, "3216": 23,
           "3271": 6, "3275": 12, "3276": 11, "3603": 29, "3671": 13, "3674": 7}


def test_217_kecamatan_with_unique_codes_on_both_sides():
    table = kecamatan_codes.load()
    assert len(table) == 217 and table["code"].is_unique and table["kemendagri_code"].is_unique
    assert table["parent_code"].value_counts().to_dict() == PER_KAB
    assert (table["code"].str[:4] == table["parent_code"]).all()
    assert table["code"].str.fullmatch(r"\d{7}").all() and table["kemendagri_code"].str.fullmatch(r"\d\d\.\d\d\.\d\d").all()


def test_kemendagri_codes_sit_under_their_kab_kota_kemendagri_code():
    regions = pd.read_csv(DATA_DIR / "regions.csv", dtype=str)
    kem = dict(zip(regions["code"], regions["kemendagri_code"]))
    table = kecamatan_codes.load()
    assert all(k.startswith(kem[p] + ".") for k, p in zip(table["kemendagri_code"], table["parent_code"]))
    # Jakarta: BPS 3171 (Jakarta Selatan) is Kemendagri 31.74
    assert kecamatan_codes.by_kemendagri("31.74.09")["code"] == "3171010"       # Jagakarsa
    assert kecamatan_codes.by_kemendagri("327606")["name"] == "BEJI"
    assert kecamatan_codes.by_kemendagri("32.76.99") is None and kecamatan_codes.by_kemendagri("3276") is None


def test_names_compare_without_case_spaces_or_punctuation_only():
    assert kecamatan_codes.same_name("KRAMAT JATI", "Kramatjati") and kecamatan_codes.same_name("PAL MERAH", "Palmerah")
    assert not kecamatan_codes.same_name("SAWANGAN", "Sawangan Baru") and not kecamatan_codes.same_name("", "")


def test_check_against_boundaries_reports_missing_extra_and_other_spellings():
    table = kecamatan_codes.load()
    codes = list(table["code"][1:]) + ["3276999"]
    names = list(table["name"][1:]) + ["Baru"]
    names[0] = "Kepulauan Seribu Utara"
    found = kecamatan_codes.check_boundaries(codes, names)
    assert found == {"missing": ["3101010"], "extra": ["3276999"], "renamed": []}
    names[1] = "Jagakarsa Baru"
    assert kecamatan_codes.check_boundaries(codes, names)["renamed"] == [["3171010", "JAGAKARSA", "Jagakarsa Baru"]]


def test_same_codes_as_the_development_kecamatan_boundaries(test_boundaries):
    if test_boundaries is None:
        pytest.skip("JABODASH_TEST_BOUNDARIES not set")
    features = json.loads((test_boundaries / "jabodetabek_adm3.geojson").read_text())["features"]
    found = kecamatan_codes.check_boundaries([f["properties"]["code"] for f in features],
                                             [f["properties"]["name"] for f in features])
    assert found["missing"] == [] and found["extra"] == []
    # two spellings differ (data/kecamatan_crosswalk.md): reported, not corrected
    assert found["renamed"] == [["3201181", "KLAPANUNGGAL", "Kelapa Nunggal"], ["3271060", "TANAH SAREAL", "Tanah Sereal"]]
