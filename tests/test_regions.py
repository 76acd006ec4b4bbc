"""Tests for the region matcher (jabodash/geo/regions.py) and data/region_aliases.csv."""
from __future__ import annotations

import decimal
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jabodash.geo import fuzzy
from jabodash.geo import regions as R
from jabodash.geo.regions import (
    KEMENDAGRI_TO_BPS_JAKARTA,
    Match,
    RegionMatcher,
    bps_to_kemendagri,
    default_matcher,
    kemendagri_to_bps,
    load_aliases,
    load_regions,
    match_region,
)

ALL_CODES = ["3101", "3171", "3172", "3173", "3174", "3175", "3201", "3203", "3216",
             "3271", "3275", "3276", "3603", "3671", "3674"]
DKI = ("3101", "3171", "3172", "3173", "3174", "3175")

# A small synthetic kecamatan table (real BPS codes and names, a few of each kind of case).
KECAMATAN = pd.DataFrame(
    [
        ("3276050", "Beji", "3276"),
        ("3276030", "Sukma Jaya", "3276"),
        ("3276021", "Cipayung", "3276"),
        ("3276020", "Pancoran Mas", "3276"),
        ("3172030", "Cipayung", "3172"),
        ("3171080", "Pancoran", "3171"),
        ("3201210", "Cibinong", "3201"),
        ("3203050", "Cibinong", "3203"),
        ("3216010", "Setu", "3216"),
        ("3674010", "Setu", "3674"),
        ("3174060", "Taman Sari", "3174"),
        ("3201071", "Tamansari", "3201"),
        ("3203200", "Cianjur", "3203"),
        ("3203060", "Tanggeung", "3203"),
        ("3671030", "Tangerang", "3671"),
        ("3275040", "Bekasi Timur", "3275"),
        ("3271040", "Bogor Tengah", "3271"),
        ("3101020", "Kepulauan Seribu Utara", "3101"),
        ("3603060", "Legok", "3603"),
        ("3201130", "Sukaraja", "3201"),
        ("3201271", "Sukajaya", "3201"),
        ("3216071", "Cikarang Barat", "3216"),
    ],
    columns=["code", "name", "parent_code"],
)


@pytest.fixture(scope="module")
def plain() -> RegionMatcher:
    return RegionMatcher()


@pytest.fixture(scope="module")
def kec() -> RegionMatcher:
    return RegionMatcher(kecamatan=KECAMATAN)


def check(result: Match, status: str, code=None, suggestions=None, method=None, level="any"):
    assert result.status == status, result
    assert result.code == code, result
    assert result.ok is (status == "matched")
    if suggestions is not None:
        assert result.suggestions == tuple(suggestions), result
    if method is not None:
        assert result.method == method, result
    if level != "any":
        assert result.level == level, result
    if status == "matched":
        assert result.level == {4: "kabkota", 7: "kecamatan"}[len(code)]
        assert code.isdigit()


# ---------------------------------------------------------------------------
# Reference tables and the Kemendagri crosswalk
# ---------------------------------------------------------------------------


def test_load_regions_types_and_cache():
    df = load_regions()
    assert sorted(df["code"]) == ALL_CODES
    assert all(isinstance(c, str) and len(c) == 4 for c in df["code"])
    assert df["in_jabodetabek"].dtype == bool and df["in_agglomeration"].dtype == bool
    assert df["in_agglomeration"].all()
    assert df.loc[~df["in_jabodetabek"], "code"].tolist() == ["3203"]
    assert isinstance(df["kemendagri_code"].iloc[0], str) and isinstance(df["province_code"].iloc[0], str)
    df.loc[0, "name"] = "changed"          # callers get a copy of the cached table
    assert load_regions().loc[0, "name"] != "changed"


JAKARTA_CROSSWALK = [  # (BPS, Kemendagri, name)
    ("3171", "31.74", "Jakarta Selatan"),
    ("3172", "31.75", "Jakarta Timur"),
    ("3173", "31.71", "Jakarta Pusat"),
    ("3174", "31.73", "Jakarta Barat"),
    ("3175", "31.72", "Jakarta Utara"),
]


@pytest.mark.parametrize("bps, kemendagri, name", JAKARTA_CROSSWALK)
def test_jakarta_crosswalk_both_ways(plain, bps, kemendagri, name):
    assert kemendagri_to_bps(kemendagri) == bps
    assert kemendagri_to_bps(kemendagri.replace(".", "")) == bps   # undotted, declared Kemendagri
    assert bps_to_kemendagri(bps) == kemendagri
    assert bps_to_kemendagri(int(bps)) == kemendagri
    assert KEMENDAGRI_TO_BPS_JAKARTA[kemendagri.replace(".", "")] == bps
    # in the matcher: dotted = Kemendagri, plain 4 digits = BPS
    check(plain.match(kemendagri), "matched", bps, method="kemendagri_code")
    check(plain.match(bps), "matched", bps, method="bps_code")
    assert plain.name(bps, short=True) == name


def test_crosswalk_is_identity_outside_jakarta_cities():
    for code in ALL_CODES:
        if code in {b for b, _k, _n in JAKARTA_CROSSWALK}:
            continue
        dotted = f"{code[:2]}.{code[2:]}"
        assert bps_to_kemendagri(code) == dotted
        assert kemendagri_to_bps(dotted) == code
    regions = load_regions()
    assert dict(zip(regions["code"], regions["kemendagri_code"]))["3101"] == "31.01"


@pytest.mark.parametrize("value", ["32.73", "3273", "31.74.01", "", None, "abc", "3171010", "31"])
def test_crosswalk_outside_the_regions_is_none(value):
    assert kemendagri_to_bps(value) is None
    assert bps_to_kemendagri(value) is None


def test_plain_3174_is_bps_never_kemendagri(plain):
    check(plain.match("3174"), "matched", "3174")          # Jakarta Barat
    check(plain.match(3174), "matched", "3174")
    check(plain.match("31.74"), "matched", "3171")         # Kemendagri Jakarta Selatan
    assert plain.name("3174") == "Kota Jakarta Barat"


# ---------------------------------------------------------------------------
# Codes
# ---------------------------------------------------------------------------

CODE_CASES = [
    # input, status, code, method, suggestions
    ("3275", "matched", "3275", "bps_code", ()),
    (3275, "matched", "3275", "bps_code", ()),
    (3275.0, "matched", "3275", "bps_code", ()),
    ("3275.0", "matched", "3275", "bps_code", ()),
    (np.int64(3275), "matched", "3275", "bps_code", ()),
    (np.float64(3275.0), "matched", "3275", "bps_code", ()),
    (decimal.Decimal("3275"), "matched", "3275", "bps_code", ()),
    (" 3201 ", "matched", "3201", "bps_code", ()),
    ("ID3276", "matched", "3276", "bps_code", ()),        # COD-AB P-code
    ("3101", "matched", "3101", "bps_code", ()),
    ("3273", "unknown", None, "bps_code", ()),            # Kota Bandung: not in the set
    ("9999", "unknown", None, "bps_code", ()),
    ("32.75", "matched", "3275", "kemendagri_code", ()),
    (32.75, "matched", "3275", "kemendagri_code", ()),
    ("31.01", "matched", "3101", "kemendagri_code", ()),
    ("32.73", "unknown", None, "kemendagri_code", ()),
    # 7 digits are kecamatan, except XXXX000: the kab/kota written as 7 digits
    ("3275000", "matched", "3275", "bps_code_padded", ()),
    (3275000, "matched", "3275", "bps_code_padded", ()),
    (3275000.0, "matched", "3275", "bps_code_padded", ()),
    ("ID3674000", "matched", "3674", "bps_code_padded", ()),
    ("3603000", "matched", "3603", "bps_code_padded", ()),
    ("3171000", "matched", "3171", "bps_code_padded", ()),
    ("3273000", "unknown", None, "kecamatan_code", ()),   # Kota Bandung: not in the set
    ("3276050", "matched", "3276050", "kecamatan_code_unverified", ()),
    (3276050, "matched", "3276050", "kecamatan_code_unverified", ()),
    (3276050.0, "matched", "3276050", "kecamatan_code_unverified", ()),
    ("ID3276050", "matched", "3276050", "kecamatan_code_unverified", ()),
    ("3273010", "unknown", None, "kecamatan_code", ()),   # parent (Kota Bandung) not in the set
    # Kemendagri kecamatan / desa codes: no crosswalk, the parent as suggestion
    ("32.76.01", "unknown", None, "kemendagri_kecamatan_code", ("3276",)),
    ("32.75.05", "unknown", None, "kemendagri_kecamatan_code", ("3275",)),
    ("31.74.01", "unknown", None, "kemendagri_kecamatan_code", ("3171",)),
    ("32.76.01.1001", "unknown", None, "kemendagri_desa_code", ("3276",)),
    ("33.01.01", "unknown", None, "kemendagri_kecamatan_code", ()),
    # desa (10 digits) and province (2 digits): levels not supported
    ("3276050001", "unknown", None, "desa_code", ("3276",)),
    (3276050001, "unknown", None, "desa_code", ("3276",)),
    ("31", "unknown", None, "province_code", DKI),
    ("36", "unknown", None, "province_code", ("3603", "3671", "3674")),
    ("327", "unknown", None, "code", ()),
    ("32750", "unknown", None, "code", ()),
    ("3275.5", "unknown", None, None, ()),
    ("32.7", "unknown", None, None, ()),
    (-3275, "unknown", None, None, ()),
    (True, "unknown", None, "unsupported_type", ()),
    (float("inf"), "unknown", None, None, ()),
]


@pytest.mark.parametrize("value, status, code, method, suggestions", CODE_CASES)
def test_codes(plain, value, status, code, method, suggestions):
    check(plain.match(value), status, code, suggestions, method)


def test_match_input_is_kept_as_given(plain):
    assert plain.match(3275.0).input == "3275.0"
    assert plain.match("  Kota Depok ").input == "  Kota Depok "
    assert plain.match(None).input == ""


@pytest.mark.parametrize("bps", ALL_CODES)
def test_every_bps_code_and_its_kemendagri_code(plain, bps):
    check(plain.match(bps), "matched", bps, method="bps_code")
    check(plain.match(int(bps)), "matched", bps)
    check(plain.match(bps_to_kemendagri(bps)), "matched", bps, method="kemendagri_code")


def test_seven_digit_codes_with_a_kecamatan_table(kec):
    check(kec.match("3276050"), "matched", "3276050", method="kecamatan_code")
    # plausible digits but not in the table: unknown with the parent as suggestion
    check(kec.match("3276999"), "unknown", None, ("3276",), "kecamatan_code")
    # XXXX000 is the kab/kota, also with a kecamatan table; never a kecamatan
    check(kec.match("3275000"), "matched", "3275", method="bps_code_padded")
    assert kec.match("3275000").level == "kabkota"
    check(kec.match("3275000", level="kabkota"), "matched", "3275", method="bps_code_padded")
    check(kec.match("3275000", level="kecamatan"), "unknown", None, ("3275",), "bps_code_padded")
    # a kecamatan code is never a kab/kota
    check(kec.match("3276050", level="kabkota"), "unknown", None, ("3276",))
    check(kec.match("3276050", level="kecamatan"), "matched", "3276050")
    check(kec.match("3276050001"), "unknown", None, ("3276050", "3276"), "desa_code")


def test_seven_digit_codes_without_a_table(plain):
    check(plain.match("3276999", level="kecamatan"), "matched", "3276999", method="kecamatan_code_unverified")
    check(plain.match("3276050", level="kabkota"), "unknown", None, ("3276",))
    check(plain.match("3674000", level="kabkota"), "matched", "3674", method="bps_code_padded")
    check(plain.match("3674000", level="kecamatan"), "unknown", None, ("3674",), "bps_code_padded")


def test_padded_kabkota_codes_in_match_many(plain):
    res = plain.match_many(["3275000", "3275", "32.75", "3674000", "3603000", "3273000"])
    assert list(res["code"]) == ["3275", "3275", "3275", "3674", "3603", None]
    assert list(res["level"]) == ["kabkota"] * 5 + [None]
    check(plain.match("3201", level="kecamatan"), "unknown", None, ("3201",), "bps_code")
    check(plain.match("31.74", level="kecamatan"), "unknown", None, ("3171",))


def test_an_empty_kecamatan_table_verifies_against_nothing():
    m = RegionMatcher(kecamatan=KECAMATAN.iloc[:0])
    check(m.match("3276050"), "unknown", None, ("3276",), "kecamatan_code")


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

NAME_CASES = [
    # input, code, method
    ("Kota Bekasi", "3275", "name"),
    ("Kab. Bekasi", "3216", "name"),
    ("Kab Bekasi", "3216", "name"),
    ("Kabupaten Bekasi", "3216", "name"),
    ("KABUPATEN  BOGOR", "3201", "name"),
    ("kota bogor", "3271", "name"),
    ("Bogor, Kab.", "3201", "name"),
    ("Bekasi (Kota)", "3275", "name"),
    ("Bekasi Kota", "3275", "name"),
    ("Kotamadya Bogor", "3271", "name"),
    ("Kab. Tangerang", "3603", "name"),
    ("Kota Tangerang", "3671", "name"),
    ("Kota Tangerang Selatan", "3674", "name"),
    ("Tangerang Selatan", "3674", "name"),
    ("Tangerang-Selatan", "3674", "name"),
    ("TANGERANG_SELATAN", "3674", "name"),
    ("tangerang   selatan ", "3674", "name"),
    ("TangerangSelatan", "3674", "name"),
    ("Jakarta Selatan", "3171", "name"),
    ("JAKARTA SELATAN", "3171", "name"),
    ("jakarta.selatan", "3171", "name"),
    ("Jákarta Sélatan", "3171", "name"),
    ("Kota Jakarta Selatan", "3171", "name"),
    ("Kota Adm. Jakarta Selatan", "3171", "name"),
    ("Kota Administrasi Jakarta Timur", "3172", "name"),
    ("Adm. Jakarta Pusat", "3173", "name"),
    ("Jakarta Barat", "3174", "name"),
    ("Jakarta Utara", "3175", "name"),
    ("Jkt Utara", "3175", "name"),
    ("Kepulauan Seribu", "3101", "name"),
    ("Kep. Seribu", "3101", "name"),
    ("Kep Seribu", "3101", "name"),
    ("Kab. Adm. Kepulauan Seribu", "3101", "name"),
    ("Kabupaten Administrasi Kepulauan Seribu", "3101", "name"),
    ("Kabupaten Kepulauan Seribu", "3101", "name"),
    ("Depok", "3276", "name"),
    ("Kota Depok", "3276", "name"),
    ("Cianjur", "3203", "name"),
    ("Kab. Cianjur", "3203", "name"),
    # province prefixes and suffixes
    ("DKI Jakarta - Jakarta Selatan", "3171", "name"),
    ("DKI Jakarta, Kota Jakarta Selatan", "3171", "name"),
    ("DKI Jakarta Selatan", "3171", "name"),
    ("Jakarta - Jakarta Timur", "3172", "name"),
    ("Jakarta Selatan, DKI Jakarta", "3171", "name"),
    ("Provinsi DKI Jakarta - Kepulauan Seribu", "3101", "name"),
    ("Jawa Barat - Kota Bekasi", "3275", "name"),
    ("Kabupaten Bogor, Jawa Barat", "3201", "name"),
    ("Kab. Bogor (Provinsi Jawa Barat)", "3201", "name"),
    ("Banten - Kota Tangerang Selatan", "3674", "name"),
    ("Kota Depok, West Java, Indonesia", "3276", "name"),
    # English
    ("South Jakarta", "3171", "name"),
    ("East Jakarta", "3172", "name"),
    ("Central Jakarta", "3173", "name"),
    ("West Jakarta", "3174", "name"),
    ("North Jakarta", "3175", "name"),
    ("South Jakarta City", "3171", "name"),
    ("Administrative City of South Jakarta", "3171", "name"),
    ("South Tangerang", "3674", "name"),
    ("Bogor Regency", "3201", "name"),
    ("Bogor City", "3271", "name"),
    ("City of Bogor", "3271", "name"),
    ("Bekasi City", "3275", "name"),
    ("Bekasi Regency", "3216", "name"),
    ("Tangerang Regency", "3603", "name"),
    ("Cianjur Regency", "3203", "name"),
    ("Depok City", "3276", "name"),
    ("Thousand Islands", "3101", "name"),
    ("Thousand Islands Regency", "3101", "name"),
    # aliases (data/region_aliases.csv)
    ("Jaksel", "3171", "alias"),
    ("Jaktim", "3172", "alias"),
    ("Jakpus", "3173", "alias"),
    ("Jakbar", "3174", "alias"),
    ("Jakut", "3175", "alias"),
    ("JAKSEL", "3171", "alias"),
    ("Jak-Sel", "3171", "alias"),
    ("Tangsel", "3674", "alias"),
    ("Kota Tangsel", "3674", "alias"),
    ("Pulau Seribu", "3101", "alias"),
    ("Seribu Islands", "3101", "alias"),
    # misspellings (fuzzy)
    ("Tanggerang Selatan", "3674", "fuzzy"),
    ("Kota Tanggerang Selatan", "3674", "fuzzy"),
    ("Jakarta Selatn", "3171", "fuzzy"),
    ("Jakarta Seletan", "3171", "fuzzy"),
    ("Jakrta Timur", "3172", "fuzzy"),
    ("Kepulauan Sribu", "3101", "fuzzy"),
    ("Kota Bekasih", "3275", "fuzzy"),
    ("Kab. Bekasih", "3216", "fuzzy"),
    ("Kota Tanggerang", "3671", "fuzzy"),
    ("Dpeok", "3276", "fuzzy"),
    ("Kota Deppok", "3276", "fuzzy"),
    ("Cianjurr", "3203", "fuzzy"),
]


@pytest.mark.parametrize("text, code, method", NAME_CASES)
def test_names(plain, kec, text, code, method):
    check(plain.match(text), "matched", code, method=method)
    # the same with a kecamatan table: kab/kota readings still win
    check(kec.match(text), "matched", code, method=method)
    check(plain.match(text, level="kabkota"), "matched", code)
    check(match_region(text), "matched", code)


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_region_name_and_short_name_matches(plain, code):
    row = load_regions().set_index("code").loc[code]
    for text in (row["name"], row["short_name"], row["name"].upper(), row["short_name"].lower(),
                 plain.name(code, lang="en"), plain.name(code, lang="en", short=True)):
        check(plain.match(text), "matched", code)


AMBIGUOUS_CASES = [
    ("Bogor", ("3201", "3271"), "name"),
    ("BOGOR", ("3201", "3271"), "name"),
    ("Bekasi", ("3216", "3275"), "name"),
    ("Tangerang", ("3603", "3671"), "name"),
    ("Kab/Kota Bogor", ("3201", "3271"), "name"),
    ("Kabupaten/Kota Bekasi", ("3216", "3275"), "name"),
    ("Bogor, Jawa Barat", ("3201", "3271"), "name"),
    ("Tangerang, Banten", ("3603", "3671"), "name"),
    # fuzzy never picks between a Kota and a Kabupaten of the same base name
    ("Bekasih", ("3216", "3275"), "fuzzy"),
    ("Bekassi", ("3216", "3275"), "fuzzy"),
    ("Boogor", ("3201", "3271"), "fuzzy"),
    ("Tanggerang", ("3603", "3671"), "fuzzy"),
]


@pytest.mark.parametrize("text, codes, method", AMBIGUOUS_CASES)
def test_ambiguous(plain, text, codes, method):
    result = plain.match(text)
    check(result, "ambiguous", None, codes, method, level="kabkota")


UNKNOWN_CASES = [
    # input, method, suggestions
    ("Kota Bandung", "name", ()),
    ("Bandung", "name", ()),
    ("Surabaya", "name", ()),
    ("Kota Surabaya", "name", ()),
    ("Jabodetabek", "name", ()),
    ("Indonesia", "name", ()),
    ("Kota", "name", ()),
    ("Kabupaten", "name", ()),
    # a province is not a kab/kota (documented decision)
    ("Jakarta", "province", DKI),
    ("DKI Jakarta", "province", DKI),
    ("Provinsi DKI Jakarta", "province", DKI),
    ("Kota Jakarta", "province", DKI),
    ("Jawa Barat", "province", ("3201", "3203", "3216", "3271", "3275", "3276")),
    ("Banten", "province", ("3603", "3671", "3674")),
    # a kind word or province that contradicts the region: no guess
    ("Kabupaten Depok", "kind_mismatch", ("3276",)),
    ("Kota Cianjur", "kind_mismatch", ("3203",)),
    ("Kab. Jakarta Selatan", "kind_mismatch", ("3171",)),
    ("Kota Kepulauan Seribu", "kind_mismatch", ("3101",)),
    ("Kota Bekasi, Banten", "province_mismatch", ("3275",)),
    # unclear misspellings: suggestions, no match
    ("Jakarta Basat", "fuzzy", ("3174", "3173")),
    # hostile input
    ("<script>alert(1)</script>", "name", ()),
    ("=cmd|' /C calc'!A0", "name", ()),
    ("'; DROP TABLE regions; --", "name", ()),
    ("../../etc/passwd", "name", ()),
    ("Depok\x00", "invalid_characters", ()),
    ("\x00", "invalid_characters", ()),
    ("Jakarta\x1bSelatan", "invalid_characters", ()),
    ("x" * 10_000, "too_long", ()),
    ("Jakarta Selatan " * 700, "too_long", ()),
    ("北京", "name", ()),
    ("🙂", "name", ()),
]


@pytest.mark.parametrize("text, method, suggestions", UNKNOWN_CASES)
def test_unknown(plain, text, method, suggestions):
    check(plain.match(text), "unknown", None, suggestions, method)


@pytest.mark.parametrize("value", ["", "   ", "\t\n", None, float("nan"), np.nan, pd.NA, pd.NaT,
                                   np.float32("nan"), decimal.Decimal("NaN"), "-", "—", "N/A", "n/a", "NaN",
                                   "null", "None", "#N/A"])
def test_empty(plain, value):
    result = plain.match(value)
    check(result, "empty", None, (), "empty")


@pytest.mark.parametrize("text", ["x" * 10_000, "a " * 99, "Jakarta " * 24, "-" * 199, "(" * 199,
                                  "kab " * 49 + "x", "Beji, " * 33, "1" * 10_000, "3" * 199])
def test_hostile_input_is_fast(kec, text):
    start = time.perf_counter()
    for level in (None, "kabkota", "kecamatan"):
        result = kec.match(text, level)
        assert result.status in ("unknown", "empty")
    assert time.perf_counter() - start < 0.5


def test_level_argument_is_checked(plain):
    with pytest.raises(ValueError):
        plain.match("Depok", level="province")


# ---------------------------------------------------------------------------
# Kecamatan names (synthetic table)
# ---------------------------------------------------------------------------

KEC_CASES = [
    # input, level, status, code, suggestions, method
    ("Beji", None, "matched", "3276050", (), "name"),
    ("BEJI", "kecamatan", "matched", "3276050", (), "name"),
    ("Kec. Beji", None, "matched", "3276050", (), "name"),
    ("Kecamatan Beji", None, "matched", "3276050", (), "name"),
    ("Beji District", None, "matched", "3276050", (), "name"),
    ("Kec. Beji, Depok", None, "matched", "3276050", (), "name_with_parent"),
    ("Beji (Kota Depok)", None, "matched", "3276050", (), "name_with_parent"),
    ("Beji - Depok", None, "matched", "3276050", (), "name_with_parent"),
    ("Depok / Kec. Beji", None, "matched", "3276050", (), "name_with_parent"),
    ("Beji Depok", None, "matched", "3276050", (), "name_with_parent"),
    ("Beji, Jakarta Selatan", None, "unknown", None, ("3171",), "name"),   # wrong parent
    ("Sukma Jaya", None, "matched", "3276030", (), "name"),
    ("Sukmajaya", None, "matched", "3276030", (), "name"),                # official spelling
    ("Bekasi Timur", None, "matched", "3275040", (), "name"),
    ("East Bekasi", None, "matched", "3275040", (), "name"),
    ("Central Bogor", None, "matched", "3271040", (), "name"),
    ("West Cikarang", None, "matched", "3216071", (), "name"),
    ("Kep. Seribu Utara", None, "matched", "3101020", (), "name"),
    ("Pancoran", None, "matched", "3171080", (), "name"),
    ("Pancoran Mas", None, "matched", "3276020", (), "name"),
    # names repeated across kab/kota
    ("Cibinong", None, "ambiguous", None, ("3201210", "3203050"), "name"),
    ("Setu", None, "ambiguous", None, ("3216010", "3674010"), "name"),
    ("Cipayung", None, "ambiguous", None, ("3172030", "3276021"), "name"),
    ("Cibinong, Kab. Bogor", None, "matched", "3201210", (), "name_with_parent"),
    ("Cibinong (Cianjur)", None, "matched", "3203050", (), "name_with_parent"),
    ("Cibinong, Bogor", None, "matched", "3201210", (), "name_with_parent"),  # only Kab. Bogor has one
    ("Setu, Banten", None, "matched", "3674010", (), "name"),
    ("Kec. Setu, Tangerang Selatan", None, "matched", "3674010", (), "name_with_parent"),
    ("Setu (Kab. Bekasi)", None, "matched", "3216010", (), "name_with_parent"),
    ("Cipayung, Jakarta", None, "matched", "3172030", (), "name"),
    ("Cipayung, Jakarta Timur", None, "matched", "3172030", (), "name_with_parent"),
    ("Cipayung - Kota Depok", None, "matched", "3276021", (), "name_with_parent"),
    # the same name spelled with and without a space: ambiguous, best spelling first
    ("Taman Sari", None, "ambiguous", None, ("3174060", "3201071"), "name"),
    ("Tamansari", None, "ambiguous", None, ("3201071", "3174060"), "name"),
    ("Taman Sari, Jakarta Barat", None, "matched", "3174060", (), "name_with_parent"),
    ("Tamansari, Kab. Bogor", None, "matched", "3201071", (), "name_with_parent"),
    # kecamatan that share a kab/kota name: the kab/kota wins unless asked for kecamatan
    ("Cianjur", None, "matched", "3203", (), "name"),
    ("Cianjur", "kecamatan", "matched", "3203200", (), "name"),
    ("Kecamatan Cianjur", None, "matched", "3203200", (), "name"),
    ("Tangerang", None, "ambiguous", None, ("3603", "3671"), "name"),
    ("Tangerang", "kecamatan", "matched", "3671030", (), "name"),
    ("Kec. Tangerang", None, "matched", "3671030", (), "name"),
    ("Kota Depok", "kecamatan", "unknown", None, None, None),
    # level="kabkota": kecamatan never returned
    ("Beji", "kabkota", "unknown", None, (), "name"),
    ("Kec. Beji, Depok", "kabkota", "unknown", None, (), "name"),
    ("Setu", "kabkota", "unknown", None, (), "name"),
    ("Jakarta Selatan", "kabkota", "matched", "3171", (), "name"),
    ("Jakarta Selatan", "kecamatan", "unknown", None, None, None),
    # misspelt kecamatan
    ("Bekasi Timor", None, "matched", "3275040", (), "fuzzy"),
    ("Sukarja", None, "matched", "3201130", (), "fuzzy"),
    ("Bejji, Depok", None, "matched", "3276050", (), "fuzzy"),
    ("Lepok", None, "unknown", None, ("3276", "3603060"), "fuzzy"),      # Depok or Legok: no guess
    ("Cibinongg", None, "ambiguous", None, ("3201210", "3203050"), "fuzzy"),
    ("Tanggerang", None, "unknown", None, ("3603", "3671", "3671030", "3203060"), "fuzzy"),
]


@pytest.mark.parametrize("text, level, status, code, suggestions, method", KEC_CASES)
def test_kecamatan_names(kec, text, level, status, code, suggestions, method):
    check(kec.match(text, level), status, code, suggestions, method)


def test_kecamatan_names_need_a_table(plain):
    for text in ("Beji", "Kec. Beji, Depok", "Setu", "Bekasi Timur"):
        check(plain.match(text), "unknown", None)


def test_kecamatan_table_variants():
    # adm2_code instead of parent_code, int codes, junk rows skipped
    table = pd.DataFrame({"code": [3276050, "3172030", "32760", None, "3276030"],
                          "name": ["Beji", "Cipayung", "Bad", "Nothing", None],
                          "adm2_code": ["3276", "3172", "3276", "3276", "3276"]})
    m = RegionMatcher(kecamatan=table)
    assert m.kecamatan["code"].tolist() == ["3276050", "3172030"]
    assert len(m.skipped_kecamatan) == 3
    check(m.match("Beji"), "matched", "3276050")
    check(m.match("Cipayung"), "matched", "3172030")
    # no parent column: derived from the code
    m2 = RegionMatcher(kecamatan=pd.DataFrame({"code": ["3276050"], "name": ["Beji"]}))
    check(m2.match("Beji, Depok"), "matched", "3276050")
    with pytest.raises(ValueError):
        RegionMatcher(kecamatan=pd.DataFrame({"kode": ["3276050"]}))


# ---------------------------------------------------------------------------
# Fuzzy matching guarantees
# ---------------------------------------------------------------------------

PAIRS = {"bogor": ("3201", "3271"), "bekasi": ("3216", "3275"), "tangerang": ("3603", "3671")}


@pytest.mark.parametrize("base", sorted(PAIRS))
def test_fuzzy_never_picks_between_kota_and_kabupaten(plain, kec, base):
    variants = {base[:i] + base[i + 1:] for i in range(len(base))}                 # deletions
    variants |= {base[:i] + base[i] + base[i:] for i in range(len(base))}          # doubled letters
    variants |= {base[:i] + base[i + 1] + base[i] + base[i + 2:] for i in range(len(base) - 1)}  # swaps
    variants |= {base + "h", base.upper() + "X"}
    for text in sorted(variants - {base}):
        for matcher in (plain, kec):
            result = matcher.match(text)
            if result.status == "matched":
                assert result.code not in PAIRS[base], (text, result)
            if result.status == "ambiguous":
                assert set(result.suggestions) == set(PAIRS[base]), (text, result)


def test_osa_distance():
    d = fuzzy.osa_distance
    assert d("depok", "depok", 2) == 0
    assert d("dpeok", "depok", 2) == 1          # transposition
    assert d("bekasih", "bekasi", 2) == 1
    assert d("tanggerangselatan", "tangerangselatan", 3) == 1
    assert d("abc", "xyz", 2) == 3              # limit + 1 when above the limit
    assert d("", "abc", 5) == 3


# ---------------------------------------------------------------------------
# match_many, caching and performance
# ---------------------------------------------------------------------------


def test_match_many_one_row_per_distinct_input(plain):
    values = ["Jaksel", "Bogor", None, "Jaksel", 3275, "3275", "Kota Bandung", np.nan, "Bogor"]
    df = plain.match_many(values)
    assert list(df.columns) == ["input", "status", "code", "level", "method", "suggestions"]
    assert df["input"].tolist()[:2] == ["Jaksel", "Bogor"]
    assert len(df) == 7   # Jaksel, Bogor, None, 3275, "3275", Kota Bandung, NaN
    by_input = {str(k): row for k, row in zip(df["input"], df.to_dict("records"))}
    assert by_input["Jaksel"]["code"] == "3171" and by_input["Jaksel"]["method"] == "alias"
    assert by_input["Bogor"]["status"] == "ambiguous" and by_input["Bogor"]["suggestions"] == "3201,3271"
    assert by_input["Bogor"]["code"] is None
    assert by_input["None"]["status"] == "empty"
    assert by_input["3275"]["code"] == "3275"
    assert by_input["Kota Bandung"]["status"] == "unknown" and by_input["Kota Bandung"]["suggestions"] == ""
    # the frame merges back on the original values
    merged = pd.DataFrame({"region": values}).merge(df, left_on="region", right_on="input", how="left")
    assert merged["status"].notna().all()


def test_match_many_accepts_series_and_empty_input(plain):
    df = plain.match_many(pd.Series(["Depok", "Depok"], dtype="category"))
    assert df["code"].tolist() == ["3276"]
    empty = plain.match_many([])
    assert empty.empty and list(empty.columns) == ["input", "status", "code", "level", "method", "suggestions"]


def test_match_many_matches_each_distinct_value_once(monkeypatch):
    m = RegionMatcher(kecamatan=KECAMATAN)
    calls = []
    original = RegionMatcher._match_text

    def counting(self, text, level):
        calls.append(text)
        return original(self, text, level)

    monkeypatch.setattr(RegionMatcher, "_match_text", counting)
    values = ["Jakarta Selatan", "Kab. Bogor", "Bekasih", "Beji", "zzz"] * 1000
    df = m.match_many(values)
    assert len(df) == 5
    assert sorted(calls) == sorted(set(values))
    m.match("Jakarta Selatan")        # cached across calls too
    assert len(calls) == 5


def test_matching_100k_values(benchmark):
    """100,000 values of 513 distinct kinds: one row per distinct value (the time is measured
    with --benchmark-enable, not asserted)."""
    m = RegionMatcher(kecamatan=KECAMATAN)
    rng = np.random.default_rng(0)
    pool = (["Jakarta Selatan", "Kab. Bogor", "Kota Bekasi", "3275", 3276, "Tangsel", "Bekasih",
             "Jakarta Selatn", "Beji", "Cibinong", "", None, "Kota Bandung"]
            + [f"Desa {i}" for i in range(300)] + [f"{3201010 + i}" for i in range(200)])
    values = [pool[i] for i in rng.integers(0, len(pool), 100_000)]
    df = benchmark(m.match_many, values)
    assert len(df) == len(pool)
    assert df.set_index("input").loc["Jakarta Selatn", "code"] == "3171"  # Kota Jakarta Selatan (BPS)


def test_default_matcher_is_shared():
    assert default_matcher() is default_matcher()
    check(match_region("31.74"), "matched", "3171")
    check(match_region("3276050"), "matched", "3276050", method="kecamatan_code_unverified")


# ---------------------------------------------------------------------------
# Display names
# ---------------------------------------------------------------------------

NAME_DISPLAY = [
    ("3171", "id", False, "Kota Jakarta Selatan"),
    ("3171", "id", True, "Jakarta Selatan"),
    ("3171", "en", False, "South Jakarta City"),
    ("3171", "en", True, "South Jakarta"),
    ("3201", "id", True, "Kab. Bogor"),
    ("3201", "en", True, "Bogor Regency"),
    ("3271", "en", False, "Bogor City"),
    ("3101", "id", False, "Kabupaten Kepulauan Seribu"),
    ("3101", "en", True, "Thousand Islands"),
    ("3674", "en", True, "South Tangerang"),
    (3276, "id", False, "Kota Depok"),
    ("3276", "en-US", True, "Depok"),
    ("3276", "xx", True, "Depok"),
    ("9999", "id", False, "9999"),
]


@pytest.mark.parametrize("code, lang, short, expected", NAME_DISPLAY)
def test_display_names(plain, code, lang, short, expected):
    assert plain.name(code, lang=lang, short=short) == expected


def test_kecamatan_display_names(kec):
    assert kec.name("3276050", short=True) == "Beji"
    assert kec.name("3276050") == "Kecamatan Beji (Depok)"
    assert kec.name("3276050", lang="en") == "Beji District (Depok)"
    assert kec.name("3201210") == "Kecamatan Cibinong (Kab. Bogor)"
    assert kec.name(None) == ""


# ---------------------------------------------------------------------------
# The alias file
# ---------------------------------------------------------------------------


def test_alias_file(plain):
    aliases = load_aliases()
    assert list(aliases.columns) == ["alias", "code", "note"]
    assert aliases["alias"].str.strip().ne("").all() and aliases["note"].str.strip().ne("").all()
    assert set(aliases["code"]) <= set(ALL_CODES)
    assert not aliases["alias"].str.casefold().duplicated().any()
    for alias, code in zip(aliases["alias"], aliases["code"]):
        check(plain.match(alias), "matched", code)


def test_an_alias_may_not_take_another_regions_name(monkeypatch):
    bad = pd.DataFrame({"alias": ["Bogor"], "code": ["3271"], "note": ["wrong"]})
    monkeypatch.setattr(R, "_read_aliases", lambda: bad)
    with pytest.raises(ValueError):
        RegionMatcher()


def test_custom_regions_table():
    regions = load_regions()
    regions = regions[regions["code"].isin(["3276", "3201"])]
    m = RegionMatcher(regions=regions)
    check(m.match("Depok"), "matched", "3276")
    check(m.match("Bogor"), "matched", "3201")         # only one Bogor in this set
    check(m.match("Jaksel"), "unknown", None)          # alias of a region not in the set
    check(m.match("3171"), "unknown", None)
    assert m.codes() == ["3201", "3276"]


# ---------------------------------------------------------------------------
# Property: anything goes in, a valid Match comes out
# ---------------------------------------------------------------------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PROPERTY_MATCHER = RegionMatcher(kecamatan=KECAMATAN)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=260), st.integers(), st.floats(), st.none(), st.binary(max_size=40),
                 st.sampled_from(["Jakarta", "Bogor", "Kota", "Kab.", "Beji", "Depok", "31.74", "3276050"]).flatmap(
                     lambda w: st.text(max_size=20).map(lambda t: w + t))))
def test_any_input_gives_a_valid_match(value):
    for level in (None, "kabkota", "kecamatan"):
        result = _PROPERTY_MATCHER.match(value, level)
        assert result.status in ("matched", "ambiguous", "unknown", "empty")
        assert isinstance(result.input, str)
        if result.status == "matched":
            assert result.code and result.code.isdigit() and len(result.code) in (4, 7)
            assert result.suggestions == ()
            if level == "kabkota":
                assert len(result.code) == 4
            if level == "kecamatan":
                assert len(result.code) == 7
        else:
            assert result.code is None
        if result.status == "ambiguous":
            assert len(result.suggestions) >= 2


# ---------------------------------------------------------------------------
# Real boundaries (development data; skipped unless JABODASH_TEST_BOUNDARIES is set)
# ---------------------------------------------------------------------------


def _boundaries_folder() -> Path | None:
    folder = os.environ.get("JABODASH_TEST_BOUNDARIES")
    if folder and Path(folder, "jabodetabek_adm3.geojson").exists():
        return Path(folder)
    return None


@pytest.mark.skipif(_boundaries_folder() is None, reason="JABODASH_TEST_BOUNDARIES not set")
def test_every_real_kecamatan_name_matches_its_own_code():
    gpd = pytest.importorskip("geopandas")
    adm3 = gpd.read_file(_boundaries_folder() / "jabodetabek_adm3.geojson")
    assert len(adm3) == 217
    table = pd.DataFrame({"code": adm3["code"], "name": adm3["name"], "parent_code": adm3["adm2_code"]})
    m = RegionMatcher(kecamatan=table)
    assert not m.skipped_kecamatan
    kab_names = {"".join(R._tokens(n)) for n in load_regions()["short_name"]} | {
        "".join(R._tokens(n)) for n in ("Cianjur", "Tangerang")}
    ambiguous = 0
    for code, name, parent_name in zip(adm3["code"], adm3["name"], adm3["adm2_name"]):
        for level in ("kecamatan", None):
            result = m.match(name, level)
            if level is None and "".join(R._tokens(name)) in kab_names:
                # a kab/kota of the same name wins without a level (documented)
                assert len(result.code or result.suggestions[0]) == 4, (name, result)
                continue
            assert result.code == code or (result.status == "ambiguous" and code in result.suggestions), (
                name, level, result)
            ambiguous += result.status == "ambiguous"
        # with its parent the name is always unique
        result = m.match(f"{name} ({parent_name})")
        assert result.code == code, (name, parent_name, result)
        check(m.match(code), "matched", code, method="kecamatan_code")
        assert m.match(code, level="kabkota").suggestions == (code[:4],)
    # Cibinong, Setu, Cipayung (x2 each) and Taman Sari/Tamansari, Karang Tengah/Karangtengah
    assert ambiguous == 2 * 10
