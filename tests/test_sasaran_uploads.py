"""Analysts' target files (jabodash.store.target_files): recognised by their header in English or
Indonesian, every bad row named with its row number in the UI's language, nothing half-read, the
saved files read back for everyone and a damaged saved file skipped."""
from __future__ import annotations

import pytest

from jabodash.core.catalog import load_catalog
from jabodash.geo.regions import RegionMatcher
from jabodash.store import plan_targets as targets_mod
from jabodash.store import target_files


@pytest.fixture(scope="module")
def matcher():
    return RegionMatcher()


def parse(text, matcher, name="t.csv", encoding="utf-8"):
    return target_files.parse(text.encode(encoding), name, load_catalog(), matcher)


def test_template_is_recognised_and_reads_back_as_the_builtin_target(matcher):
    frame, problems = target_files.parse(target_files.template_csv(), "template.csv", load_catalog(), matcher)
    assert problems == [] and len(frame) == 1
    row, builtin = frame.iloc[0], targets_mod.builtin().set_index("id").loc["rpjmd_dki_poverty_2029"]
    assert (row.scope, row.region_code, row.target_low, row.target_high, row.direction) == (
        "province", "31", builtin.target_low, builtin.target_high, "lower")
    assert targets_mod.problems_of(targets_mod._clean(frame)) == []


def test_indonesian_headers_semicolons_decimal_commas_and_latin1(matcher):
    text = ("indikator;wilayah;tahun_sasaran;nilai;sumber_url;catatan\n"
            "poverty_rate;Kab. Bogor;2029;5,5;https://example.org/a;Catatan ½\n"
            "ipm_lfsp2020;3671;2029;82;https://example.org/b;\n"
            "poverty_rate;nasional;2029;4,5;https://example.org/c;\n"
            "pt_mode_share;metro;2029;60;https://example.org/d;\n")
    frame, problems = parse(text, matcher, encoding="latin-1")
    assert problems == []
    got = frame.set_index("region_code")
    assert got.loc["3201", "target_value"] == 5.5 and got.loc["3201", "direction"] == "lower"   # from the catalog
    assert got.loc["3671", "scope"] == "kabkota" and got.loc["3201", "note"] == "Catatan ½"
    assert sorted(frame["scope"]) == ["agglomeration", "kabkota", "kabkota", "national"]


@pytest.mark.parametrize("row,key", [
    ("poverty_rate,Atlantis,2029,5,,,,,https://e.org,,", "unknown_region"),
    ("poverty_rate,Depok,1850,5,,,,,https://e.org,,", "bad_year"),
    ("poverty_rate,Depok,2029,,9,3,,,https://e.org,,", "low_above_high"),
    ("poverty_rate,Depok,2029,,,,,,https://e.org,,", "no_value"),
    ("poverty_rate,Depok,2029,5,,,,,javascript:alert(1),,", "bad_url"),
    ("population_census,Depok,2029,5,,,,,https://e.org,,", "no_direction"),   # neutral indicator, no direction
])
def test_each_bad_row_is_named_and_left_out(matcher, row, key):
    header = "indicator,region,target_year,value,low,high,direction,plan,source_url,source_title,note"
    frame, problems = parse(f"{header}\n{row}\npoverty_rate,Depok,2029,2,,,,,https://e.org,,\n", matcher)
    assert len(frame) == 1 and frame.iloc[0]["target_value"] == 2
    assert [p.key for p in problems] == [key] and problems[0].row == 1
    assert problems[0].text("en").startswith("Row 1:") and problems[0].text("id").startswith("Baris 1:")


def test_not_a_targets_file_empty_and_too_big(matcher):
    for data, key in ((b"", "empty"), (b"  \n", "empty"), (b"region,value\nDepok,1\n", "not_targets"),
                      (b"x" * (target_files.MAX_BYTES + 1), "too_big")):
        frame, problems = target_files.parse(data, "x.csv", load_catalog(), matcher)
        assert frame.empty and [p.key for p in problems] == [key]
    assert "region, value" in target_files.parse(b"region,value\n", "x.csv", {}, matcher)[1][0].text("en")


def test_saved_files_read_back_and_a_damaged_one_is_skipped(tmp_path, monkeypatch, matcher):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path))
    frame, _ = target_files.parse(target_files.template_csv(), "Rencana Kita.csv", load_catalog(), matcher)
    file_id = target_files.save(frame, "Rencana Kita.csv")
    assert file_id == "rencana_kita"
    (target_files.folder() / "broken.csv").write_bytes(b"\x00\x01 not a csv")
    (target_files.folder() / "../escape.csv").write_bytes(b"id\n")
    saved = target_files.saved()
    assert list(saved) == ["rencana_kita"] and len(saved["rencana_kita"]) == 1
    before = target_files.signature()
    target_files.delete("rencana_kita")
    target_files.delete("../../etc/passwd")   # not an id: nothing happens
    assert target_files.saved() == {} and target_files.signature() != before
