"""Saved uploads: save, list, load, rename, delete; ids, file names, atomicity, damaged folders."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from jabodash.ingest import IngestOptions, read_upload
from jabodash.store import shelf

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "fixtures" / "ingest"


@pytest.fixture(autouse=True)
def ws(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "workspace"
    monkeypatch.setenv("JABODASH_WORKSPACE", str(path))
    return path


def _ingest(name: str, **options):
    data = (CORPUS / name).read_bytes()
    return read_upload(data, name, IngestOptions(**options) if options else None), data


def test_save_writes_original_parquet_and_meta(ws):
    result, data = _ingest("bps_wide_semicolon.csv")
    ds_id = shelf.save_dataset(result, data, "bps_wide_semicolon.csv",
                                   {"unit": "jiwa", "source": "BPS", "higher_is_better": True})
    assert shelf.valid_id(ds_id) and ds_id.startswith("jumlah-penduduk-")
    folder = ws / "datasets" / ds_id
    assert (folder / "original_bps_wide_semicolon.csv").read_bytes() == data  # byte for byte
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["indicator"] == "Jumlah Penduduk" and meta["unit"] == "jiwa" and meta["source"] == "BPS"
    assert meta["higher_is_better"] is True and meta["level"] == "kabkota" and meta["layout"] == "wide_years"
    assert meta["rows"] == 17 and meta["years"] == [2021, 2022, 2023]
    assert meta["report"]["rows_used"] == 6 and meta["report"]["skipped_count"] == 5
    assert meta["sha256"] == result.sha256
    records = pd.read_parquet(folder / "cleaned.parquet")
    assert len(records) == 17 and set(records["region_code"].astype(str)) >= {"3101", "3171"}
    assert not [p for p in (ws / "datasets").iterdir() if p.name.startswith(".")]  # no leftovers


def test_list_load_rename_delete_and_restart(ws):
    r1, d1 = _ingest("bom_crlf_quoted_decimal.csv")
    r2, d2 = _ingest("english_numbers.csv")
    a = shelf.save_dataset(r1, d1, "ipm.csv", {"title": "IPM 2023"})
    b = shelf.save_dataset(r2, d2, "pdrb.csv")
    listed = shelf.list_datasets()
    assert {m["id"] for m in listed} == {a, b}
    # a "restart": a fresh interpreter sees the same datasets
    code = ("import json; from jabodash.store import shelf as w; "
            "print(json.dumps(sorted(m['id'] for m in w.list_datasets())))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert json.loads(out.stdout) == sorted([a, b]), out.stderr
    ds = shelf.load_dataset(a)
    assert ds.title == "IPM 2023" and len(ds.records) == 5
    assert [float(v) for v in ds.records["value"]] == [81.86, 78.54, 72.76, 82.59, 75.38]
    assert [str(c) for c in ds.records["region_code"]] == ["3276", "3271", "3201", "3275", "3216"]
    shelf.rename_dataset(a, "IPM kota/kabupaten 2023")
    assert shelf.load_dataset(a).meta["title"] == "IPM kota/kabupaten 2023"
    assert shelf.load_dataset(a).id == a  # the id does not change
    shelf.update_meta(a, unit="indeks", higher_is_better=True, source="BPS")
    assert shelf.load_dataset(a).meta["unit"] == "indeks"
    with pytest.raises(ValueError):
        shelf.update_meta(a, id="other")
    shelf.delete_dataset(a)
    assert [m["id"] for m in shelf.list_datasets()] == [b]
    with pytest.raises(shelf.DatasetNotFound):
        shelf.load_dataset(a)
    with pytest.raises(shelf.DatasetNotFound):
        shelf.delete_dataset(a)


def test_mapping_is_kept_and_reapplied():
    result, data = _ingest("cp1252_misspelled.csv", region_mapping={"Bekasi": "3216"})
    ds_id = shelf.save_dataset(result, data, "puskesmas.csv")
    ds = shelf.load_dataset(ds_id)
    assert ds.meta["region_mapping"] == {"Bekasi": "3216"}
    assert ds.meta["options"]["region_mapping"] == {"Bekasi": "3216"}
    again = shelf.reingest(ds_id)
    assert again.ok and len(again.records) == len(ds.records)
    assert [u["value"] for u in again.unmatched] == ["Kota Antah Berantah"]
    more = shelf.reingest(ds_id, IngestOptions(region_mapping={"Bekasi": "3216", "Kota Antah Berantah": "3271"}))
    assert not more.unmatched
    shelf.save_dataset(more, shelf.original_bytes(ds_id)[1], "puskesmas.csv", dataset_id=ds_id)
    replaced = shelf.load_dataset(ds_id)
    assert len(replaced.records) == len(ds.records) + 1
    assert replaced.meta["created_at"] == ds.meta["created_at"]
    assert len(shelf.list_datasets()) == 1


def test_points_are_saved():
    result, data = _ingest("points_facilities.csv")
    ds = shelf.load_dataset(shelf.save_dataset(result, data, "fasilitas.csv"))
    assert ds.points is not None and list(ds.points["name"]) == list(result.points["name"])
    assert ds.meta["points"] == 4 and ds.meta["layout"] == "points"


def test_point_counts_are_saved_as_records_and_served_after_restart():
    from jabodash.ingest import count_points
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import box
    result, data = _ingest("points_facilities.csv")
    squares = gpd.GeoDataFrame({"code": ["3276", "3203", "3201"]},
                               geometry=[box(106.7, -6.45, 106.9, -6.3), box(107.0, -7.0, 107.3, -6.7),
                                         box(106.9, -6.45, 107.0, -6.3)], crs=4326)
    records = count_points(result.points, squares, "kabkota").to_records("Jumlah fasilitas", 2023)
    ds_id = shelf.save_dataset(result, data, "fasilitas.csv", {"indicator": "Jumlah fasilitas", "year": 2023},
                                   records=records)
    assert len(result.records) == 0  # the result itself is untouched
    meta = shelf.list_datasets()[0]
    assert (meta["rows"], meta["points"], meta["year"], meta["years"]) == (3, 4, 2023, [2023])
    ds = shelf.load_dataset(ds_id)
    assert len(ds.points) == 4 and dict(zip(ds.records["region_code"], ds.records["value"])) == {
        "3201": 0.0, "3203": 1.0, "3276": 2.0}
    # a fresh interpreter (restart) serves the counts as observations
    code = ("from jabodash.store import shelf; o, i = shelf.observations(); "
            "print(sorted(zip(o.region_code, o.value, o.year)), list(i.name))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ}, check=True).stdout
    assert "[('3201', 0.0, 2023), ('3203', 1.0, 2023), ('3276', 2.0, 2023)] ['Jumlah fasilitas']" in out
    # records without the needed columns are refused
    with pytest.raises(shelf.WorkspaceError):
        shelf.save_dataset(result, data, "fasilitas.csv", records=pd.DataFrame({"value": [1.0]}))


@pytest.mark.parametrize("bad", ["../x", "..", ".", "", "a/b", "A", "x" * 80, "a\x00b", "/etc", "-x", "x-",
                                 "datasets/../../x", None, 5])
def test_ids_never_leave_the_workspace(bad):
    assert not shelf.valid_id(bad)
    with pytest.raises(shelf.WorkspaceError):
        shelf.load_dataset(bad)
    with pytest.raises(shelf.WorkspaceError):
        shelf.delete_dataset(bad)
    with pytest.raises(shelf.WorkspaceError):
        shelf.rename_dataset(bad, "x")


def test_file_names_are_sanitised(ws):
    result, data = _ingest("ambiguous.csv")
    ds_id = shelf.save_dataset(result, data, "../../../etc/passwd\x00.csv")
    folder = ws / "datasets" / ds_id
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["cleaned.parquet", "meta.json", "original_passwd.csv"]
    assert not (ws.parent / "etc").exists()
    hostile, _ = _ingest("hostile.csv")
    other = shelf.save_dataset(hostile, b"x", "<script>alert(1)</script>.csv",
                                   {"title": "<b>judul</b>\x07", "source": "[x](http://e.invalid)"})
    meta = shelf.load_dataset(other).meta
    assert meta["original_file"] == "original_script.csv"  # "/" in the name: only the last part
    assert meta["title"] == "<b>judul</b>"  # kept as text (the page escapes it), control characters gone
    assert any((ws / "datasets").rglob("*"))
    for path in (ws / "datasets").rglob("*"):
        assert path.resolve().is_relative_to(ws.resolve())


def test_unusable_result_is_not_saved():
    result, data = _ingest("empty.csv")
    with pytest.raises(shelf.WorkspaceError) as err:
        shelf.save_dataset(result, data, "empty.csv")
    assert err.value.key == "ingest.workspace.not_usable"
    assert err.value.text("id").startswith("Hanya berkas")
    assert shelf.list_datasets() == []


def test_damaged_folders_are_skipped_with_a_warning(ws):
    result, data = _ingest("ambiguous.csv")
    good = shelf.save_dataset(result, data, "a.csv")
    root = ws / "datasets"
    (root / "rusak-json").mkdir()
    (root / "rusak-json" / "meta.json").write_text("{not json")
    (root / "tanpa-meta").mkdir()
    (root / "tanpa-parquet").mkdir()
    (root / "tanpa-parquet" / "meta.json").write_text(json.dumps(
        {"id": "tanpa-parquet", "title": "x", "indicator": "x", "original_file": "original_x.csv"}))
    (root / "tanpa-parquet" / "original_x.csv").write_text("x")
    (root / "bukan-folder").write_text("x")
    (root / "Huruf Besar").mkdir()
    shelf.take_damaged()
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # a log line, not a Python warning
        listed, problems = shelf.list_datasets(with_problems=True)
    assert [m["id"] for m in listed] == [good]
    assert sorted(p.params["id"] for p in problems) == ["rusak-json", "tanpa-meta", "tanpa-parquet"]
    by_id = {p.params["id"]: p for p in problems}
    assert by_id["rusak-json"].text("id") == "Dataset rusak-json rusak dan dilewati (meta.json tidak dapat dibaca)."
    assert by_id["tanpa-meta"].text("en") == "Dataset tanpa-meta is damaged and was skipped (meta.json is missing)."
    assert by_id["tanpa-parquet"].text("en").endswith("(cleaned.parquet is missing).")
    shelf.list_datasets()   # listed again: noted again, one per dataset
    assert sorted(p.params["id"] for p in shelf.take_damaged()) == ["rusak-json", "tanpa-meta", "tanpa-parquet"]
    assert shelf.take_damaged() == []
    with pytest.raises(shelf.DatasetCorrupt):
        shelf.load_dataset("rusak-json")
    # a damaged parquet file
    (root / good / "cleaned.parquet").write_bytes(b"PAR1 nonsense")
    with pytest.raises(shelf.DatasetCorrupt):
        shelf.load_dataset(good)


def test_interrupted_save_leaves_nothing_visible(ws, monkeypatch):
    result, data = _ingest("ambiguous.csv")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(shelf, "_write_parquet", boom)
    with pytest.raises(shelf.WorkspaceError) as err:
        shelf.save_dataset(result, data, "a.csv")
    assert err.value.key == "ingest.workspace.save_failed"
    assert list((ws / "datasets").iterdir()) == []
    assert shelf.list_datasets() == []


def test_cleanup_of_old_temporary_folders(ws):
    root = shelf.datasets_dir()
    (root / ".tmp-x-123").mkdir()
    (root / ".trash-y-1").mkdir()
    os.utime(root / ".tmp-x-123", (0, 0))
    assert shelf.cleanup_temp(max_age_s=60) == 1
    assert sorted(p.name for p in root.iterdir()) == [".trash-y-1"]


def test_workspace_honours_the_environment(tmp_path, monkeypatch):
    other = tmp_path / "elsewhere"
    monkeypatch.setenv("JABODASH_WORKSPACE", str(other))
    assert shelf.datasets_dir() == other / "datasets"


def test_observations_join_the_built_in_shape():
    r1, d1 = _ingest("bom_crlf_quoted_decimal.csv")
    a = shelf.save_dataset(r1, d1, "ipm.csv", {"indicator": "IPM 2023", "unit": "indeks"})
    r2, d2 = _ingest("wide_indicators_pipe.txt", number_formats={"Garis Kemiskinan (Rp)": "id"})
    b = shelf.save_dataset(r2, d2, "miskin.txt")
    obs, inds = shelf.observations()
    assert list(obs.columns[:5]) == ["region_code", "indicator_id", "year", "value", "dataset_id"]
    assert len(obs) == 5 + 9
    ipm = obs[obs["dataset_id"] == a]
    assert set(ipm["indicator_id"]) == {f"upload.{a}.ipm-2023"}
    assert ipm["value"].tolist() == [81.86, 78.54, 72.76, 82.59, 75.38]
    assert set(inds[inds["dataset_id"] == b]["name"]) == {
        "Persentase Penduduk Miskin (%)", "Garis Kemiskinan (Rp)", "Jumlah Penduduk Miskin (ribu)"}
    assert inds.set_index("dataset_id").loc[a, "unit"] == "indeks"
    empty_obs, empty_inds = shelf.observations([])
    assert len(empty_obs) == 0 and len(empty_inds) == 0


def test_a_truncated_parquet_is_listed_as_damaged_and_checked_again_when_it_changes(ws):
    result, data = _ingest("ambiguous.csv")
    good = shelf.save_dataset(result, data, "a.csv")
    other = shelf.save_dataset(result, data, "b.csv")
    path = ws / "datasets" / good / "cleaned.parquet"
    whole = path.read_bytes()
    assert sorted(m["id"] for m in shelf.list_datasets()) == sorted([good, other])
    path.write_bytes(whole[: len(whole) // 2])     # truncated: the footer is gone
    listed, problems = shelf.list_datasets(with_problems=True)
    assert [m["id"] for m in listed] == [other]
    assert [(p.params["id"], p.params["reason"]) for p in problems] == [(good, "parquet_unreadable")]
    assert problems[0].text("en") == f"Dataset {good} is damaged and was skipped (its data file cannot be read)."
    path.write_bytes(whole)                        # repaired: listed again
    assert sorted(m["id"] for m in shelf.list_datasets()) == sorted([good, other])


def test_distinct_texts_of_categorical_records_are_the_used_categories():
    """The reader's records are categoricals: the saved meta's indicators and the cleaned records'
    region names come from the categories in use (not every category), as the text of every row would."""
    import pandas as pd

    from jabodash.core.cells import distinct_texts
    rec = pd.DataFrame({"indicator": pd.Categorical(["b", "a", "b"], categories=["z", "b", "a"]),
                        "year": pd.array([2021, None, 2020], dtype="Int64")})
    assert distinct_texts(rec["indicator"]) == ["b", "a"]
    assert distinct_texts(pd.Series(pd.Categorical(["b", None]))) == ["b", "nan"]
    assert distinct_texts(pd.Series(["b", "a", "b"])) == ["b", "a"]
    assert sorted(distinct_texts(rec["indicator"])) == sorted(map(str, pd.unique(rec["indicator"].astype(str))))
