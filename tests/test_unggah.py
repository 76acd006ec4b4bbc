"""Unit tests of jabodash/features/unggah.py (no streamlit)."""
import pandas as pd
import pytest

from jabodash.features import unggah as ud
from jabodash.store import get_store, overlay
from jabodash.store.datasource import DataSource


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path))


CSV = b"wilayah,tahun,nilai\nKOTA DEPOK,2022,1.5\nKOTA DEPOK,2023,2.5\nKOTA BOGOR,2023,3\nKOTA ANTAH,2023,9\n"


def source(entries: dict) -> DataSource:
    """The saved datasets and these session uploads over the store (the app's read path)."""
    return DataSource.over(get_store(), overlay.collect(entries))


def test_options_from_widgets_and_mapping():
    opts = ud.options_from({"u_region_col": "wilayah", "u_year_col": "", "u_value_col": "nilai",
                            "u_layout": "long", "u_numfmt_nilai": "id", "other": 1},
                           {"KOTA ANTAH": "3276", "X": ud.SKIP})
    assert opts.region_column == "wilayah" and opts.year_column is None
    assert opts.value_columns == ["nilai"] and opts.layout == "long"
    assert opts.number_formats == {"nilai": "id"}
    assert opts.region_mapping == {"KOTA ANTAH": "3276"}


def test_read_mapping_and_frames():
    res = ud.read(CSV, "a.csv")
    assert res.ok and len(res.records) == 3 and res.unmatched[0]["value"] == "KOTA ANTAH"
    res = ud.read(CSV, "a.csv", ud.options_from({}, {"KOTA ANTAH": "3201"}))
    assert len(res.records) == 4
    meta = ud.meta_from(res, "Nilai uji", "unit", "lower", "BPS")
    assert meta["higher_is_better"] is False
    sid, entry = ud.session_entry(res, meta)
    src = source({sid: entry})
    ind_id = src.uploads.indicator["id"][0]
    assert ud.is_uploaded(ind_id) and ind_id.startswith(f"upload.{sid}.")
    vals = src.values(ind_id, 2023, "agglomeration")
    assert len(vals) == 15 and vals["value"].notna().sum() == 3
    assert list(vals.columns) == ["region_code", "name", "short_name", "province", "value", "derived", "note",
                                  "dataset_id", "source", "origin", "source_url", "grade", "rank_desc"]
    assert vals.iloc[0]["region_code"] == "3201" and vals.iloc[0]["rank_desc"] == 1
    assert set(vals["grade"].dropna()) == {"unrated"}   # an upload without a stated grade
    ser = src.series(ind_id, "agglomeration")
    assert set(ser["year"]) == {2022, 2023} and "short_name" in ser
    yrs = src.years(ind_id, "agglomeration")
    assert yrs.to_dict("list") == {"year": [2022, 2023], "regions_with_value": [1, 3]}
    rows = src.table().query("theme == 'uploaded'")
    assert rows.iloc[0]["theme"] == "uploaded" and rows.iloc[0]["max_regions"] == 3
    ind = src.indicator(ind_id)
    assert ind.higher_is_better is False and ind.aggregation == "none" and ind.name("en") == "Nilai uji"


def test_bad_inputs_give_errors(monkeypatch):
    for data in (b"", b"a,b\n", b"\x00\x01\x02" * 100):
        assert not ud.read(data, "x.csv").ok
    monkeypatch.setenv("JABODASH_MAX_UPLOAD_MB", "0.00001")  # read at each call: about 10 bytes
    assert ud.upload_limit() == 10
    res = ud.read(CSV, "a.csv", ud.options_from({}))
    assert [m.key for m in res.errors] == ["ingest.error.too_large"]
    monkeypatch.delenv("JABODASH_MAX_UPLOAD_MB")
    assert ud.read(CSV, "a.csv", ud.options_from({})).ok


def test_tables_are_dataframes_of_text():
    res = ud.read(CSV, "a.csv")
    settings = ud.settings_table(res, "en")
    assert "utf-8" in settings.iloc[:, 1].tolist()
    skipped = ud.skipped_table(res, "en")
    assert list(skipped.columns) == ["Row", "Column", "Value", "Reason"] and len(skipped) >= 1
    noted = ud.skipped_table(ud.read(b"Kode;Nilai\n3171;1,5\nCatatan: angka sementara\n", "n.csv"), "en")
    assert noted.values.tolist() == [[3, "–", "Catatan: angka sementara", "note or source line"]]
    assert len(ud.mapped_table({"A": "3201", "B": ud.SKIP}, {"3201": "Kabupaten Bogor"}, "en")) == 1
    assert ud.reset_keys({"u_map_x": 1, "u_desc_name": 2, "w_lang": 3, ud.MAPPING_KEY: {}}) == [
        "u_map_x", "u_desc_name", ud.MAPPING_KEY]
    assert ud.direction_of(None) == "neutral" and ud.hib_of("higher") is True
    summary = ud.saved_summary({"years": [2020, 2023], "indicator": "x", "unit": "persen", "rows": 4,
                                "filename": "a.csv", "source": "BPS"}, "id")
    assert summary.startswith("x (persen) · 2020–2023 · 4 ") and summary.endswith(" · a.csv · BPS")
    assert ud.saved_summary({"indicator": "x"}, "en").startswith("x (–) · – · 0 ")


def test_counts_and_session_entry_take_point_records():
    pts = ud.read(b"nama,lat,lon\nA,-6.37,106.82\nB,-6.9,107.6\n", "p.csv")
    assert pts.ok and pts.layout == "points" and len(pts.records) == 0
    records, rep = ud.point_records(pts, {}, "Jumlah", 2024, region_codes=["3276"])
    assert rep.basis is None and len(records) == 0  # no boundaries, no region column: nothing counted
    fake = pd.DataFrame({"region_code": ["3276", "3201"], "indicator": "Jumlah",
                         "year": pd.array([2024, 2024], "Int64"), "period": "2024", "preliminary": False, "value": [2.0, 0.0], "row": 0, "column": ""})
    assert dict(ud.counts(pts, fake))["records"] == 2 and dict(ud.counts(pts))["records"] == 0
    meta = ud.meta_from(pts, "Jumlah", "unit", "higher", "", "2024")
    assert meta["year"] == 2024 and ud.meta_from(pts, "J", "", "higher", "", "x")["year"] is None
    sid, entry = ud.session_entry(pts, meta, fake)
    src = source({sid: entry})
    vals = src.values(src.uploads.indicator["id"][0], 2024, "agglomeration").set_index("region_code")["value"]
    assert vals["3276"] == 2.0 and vals["3201"] == 0.0 and pd.isna(vals["3271"])
