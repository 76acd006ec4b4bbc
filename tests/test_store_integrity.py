"""A damaged store cache (the DuckDB file in JABODASH_CACHE_DIR) is found and rebuilt from data/:
unit tests of the store, the info command, and AppTests of the overview and the Data page."""
import logging
import os
import subprocess
import sys

import pytest
import streamlit as st
from support.apptest import metric, run_page
from support.data import OBS, REGIONS, ROOT

import jabodash.store as store_mod
from jabodash.store import Store, database_path, integrity, overlay
from jabodash.ui import source

DAMAGES = ["truncate", "zero", "garbage", "manifest"]


def damage(path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: len(data) // 3])
    elif how == "zero":
        path.write_bytes(b"")
    elif how == "garbage":  # the same size, 64 KiB of garbage in the middle
        mid = len(data) // 2
        path.write_bytes(data[:mid] + bytes(range(256)) * 256 + data[mid + 65536:])
    else:  # the manifest that vouches for the file
        integrity.manifest_path(path).write_bytes(b"{\"format\": 1, \"si")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "jabodash.store" and r.levelno >= logging.WARNING]


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_file_is_rebuilt_once_with_one_log_line(cache, how, caplog):
    path = database_path()
    before = path.stat().st_size
    damage(path, how)
    caplog.set_level(logging.INFO)
    assert database_path() == path
    assert path.stat().st_size == before and integrity.check(path, store_mod.fingerprint()) is None
    logged = warnings_of(caplog)
    assert len(logged) == 1 and "damaged" in logged[0] and "rebuilt from data/" in logged[0]
    s = Store()
    try:
        assert s.cursor().execute("SELECT count(*) FROM observation").fetchone()[0] == len(OBS)
        assert s.query("regions", region_set="agglomeration")["code"].tolist() == sorted(REGIONS["code"])
    finally:
        s.close()
    database_path()
    assert len(warnings_of(caplog)) == 1  # said once
    assert not list(path.parent.glob(".build-*"))


def test_a_sound_file_is_not_rebuilt(cache, caplog):
    path = database_path()
    stat = os.stat(path)
    caplog.set_level(logging.INFO)
    store_mod._SOUND.clear()  # a new process: the file is checked again
    assert database_path() == path and os.stat(path).st_ino == stat.st_ino
    assert warnings_of(caplog) == []


@pytest.mark.parametrize("how", ["truncate", "zero", "garbage"])
def test_an_open_store_reopens_the_rebuilt_file(cache, how, caplog):
    """Damaged while open: the next query checks the file, rebuilds it, reopens it, and the
    uploads' in-memory databases attach the rebuilt file."""
    s = Store()
    try:
        assert len(s.query("regions", region_set="agglomeration")) == 15
        old = overlay.overlay(s.path, overlay.EMPTY)
        damage(s.path, how)
        caplog.set_level(logging.INFO)
        wanted = OBS[(OBS.indicator_id == "ipm") & (OBS.year == 2024)]
        got = s.query("indicator_values", indicator_id="ipm", year=2024, region_set="agglomeration")
        assert dict(zip(got["region_code"], got["value"])) == pytest.approx(
            dict(zip(wanted["region_code"], wanted["value"])))
        assert s.cursor().execute("SELECT count(*) FROM observation").fetchone()[0] == len(OBS)
        assert overlay.overlay(s.path, overlay.EMPTY) is not old
        assert len(warnings_of(caplog)) == 1
    finally:
        s.close()


@pytest.mark.parametrize("how", ["zero", "garbage"])
def test_info_command_on_a_damaged_cache(cache, how):
    env = {**os.environ, "JABODASH_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    database_path()
    damage(database_path(), how)
    run = subprocess.run([sys.executable, "-m", "jabodash", "info"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    from jabodash.core.catalog import load_catalog  # the catalog grows: count it, not a number written down
    assert run.stdout.startswith(f"jabodash dataset (agglomeration): 15 regions, {len(load_catalog())} indicators")
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and "damaged" in lines[0] and "Traceback" not in run.stderr


@pytest.fixture
def fresh_app(cache, monkeypatch):
    """The app's store and caches as in a server started on this (damaged) cache folder."""
    monkeypatch.setattr(store_mod, "_DEFAULT", None)
    source.store.clear()
    st.cache_data.clear()
    yield
    source.store.clear()
    st.cache_data.clear()
    store_mod._DEFAULT = None  # closed below; the session's store is made again on demand


@pytest.mark.parametrize("how", ["truncate", "zero", "garbage"])
def test_overview_and_data_page_on_a_damaged_cache(fresh_app, how, caplog):
    damage(database_path(), how)
    caplog.set_level(logging.INFO)
    at = run_page("pages/ringkasan.py")
    assert at.title[0].value == "Ringkasan metropolitan Jakarta"
    pop2020 = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].value.sum()
    assert metric(at, "Penduduk (SP)") == f"{pop2020 / 1e6:.2f}".replace(".", ",") + " juta"
    at = run_page("pages/data.py")
    assert at.title[0].value == "Data dan metode" and not at.error
    assert len(at.get("plotly_chart")) == 2
    assert len(warnings_of(caplog)) == 1
