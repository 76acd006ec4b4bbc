"""Dataset kinds (jabodash.store.kinds): a kind registered by a higher package is read as it says, a
kind nobody registered is skipped and said as damaged, and the one reader of saved datasets serves
the pages and the SQL console the same datasets."""
import json

import pandas as pd
import pytest

from jabodash.official import dataset as refresh_kind
from jabodash.sql import relations
from jabodash.store import kinds, overlay, shelf


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    shelf.take_damaged()
    yield tmp_path / "ws"
    shelf.take_damaged()


def _records(values):
    return pd.DataFrame({"region_code": ["3171", "3276"], "indicator": ["population_estimate_bps"] * 2,
                         "year": [2024, 2024], "period": ["2024", "2024"], "preliminary": [False, False],
                         "value": values})


def _save(kind: str | None, values=(10.0, 20.0)) -> str:
    body = json.dumps({"values": list(values)}).encode()
    meta = {"title": f"Uji {kind}", "indicator": "Nilai uji", "kind": kind, "grade": "official",
            "official": {"precedence": False, "origin": "Uji", "tables": []}}
    return shelf.save_records(_records(list(values)), body, "uji.json", meta, {"layout": "long", "level": "kabkota"})


def test_a_refresh_is_read_as_its_registered_kind_and_saved_without_an_ingest_result(workspace):
    ds = _save(refresh_kind.KIND)
    meta = shelf.load_dataset(ds).meta
    assert meta["kind"] == "bps_refresh" and meta["layout"] == "long" and meta["level"] == "kabkota"
    assert meta["rows"] == 2 and meta["report"] == {} and meta["points"] == 0
    [(dataset_id, _meta, obs, inds, provenance)] = overlay.saved_parts()
    assert (dataset_id, provenance, len(inds)) == (ds, "official", 0)
    # figures under the built-in indicator id, layered: not an uploaded indicator of its own
    assert set(obs["indicator_id"]) == {"population_estimate_bps"}
    assert sorted(obs["value"]) == [10.0, 20.0]


def test_an_upload_is_read_as_its_own_indicators(workspace):
    ds = _save(None, (1.5, 2.5))
    [(dataset_id, _meta, obs, inds, provenance)] = overlay.saved_parts()
    assert (dataset_id, provenance) == (ds, "saved")
    assert list(inds["id"]) == [shelf.indicator_id(ds, "Nilai uji")]   # named by its description
    assert sorted(obs["value"]) == [1.5, 2.5]


def test_a_kind_nobody_registered_is_skipped_and_said_as_damaged_every_time(workspace):
    known = _save(None)
    unknown = _save("connector_from_the_future")
    assert [s.dataset.id for s in kinds.saved()] == [known]
    [problem] = shelf.take_damaged()
    assert problem.params["id"] == unknown and problem.params["reason"] == "kind_unknown"
    assert "unknown" in problem.text("en") and "tidak dikenal" in problem.text("id")
    kinds.saved()   # the memo is reused: the damage is said again, as a fresh read would
    assert [p.params["id"] for p in shelf.take_damaged()] == [unknown]
    # once a package registers the kind, the dataset is read (the memo knows the set of kinds)
    kinds.register(kinds.Kind("connector_from_the_future", "saved", shelf.records_frames))
    try:
        assert sorted(s.dataset.id for s in kinds.saved()) == sorted([known, unknown])
    finally:
        kinds._KINDS.pop("connector_from_the_future")


def test_the_pages_and_the_sql_console_read_the_same_saved_datasets(workspace):
    upload, refresh = _save(None), _save(refresh_kind.KIND, (3.0, 4.0))
    pages = {part[0] for part in overlay.saved_parts()}
    console = relations.saved_datasets()
    assert pages == {upload, refresh}
    assert {title for _records, title in console.values()} == {"Uji None", "Uji bps_refresh"}
    assert sorted(console) == sorted(relations.table_name(i, prefix="saved") for i in (upload, refresh))
