"""BPS SIMDASI (jabodash.official.simdasi) against its loopback stand-in (tests/support/simdasi_server.py):
rows placed by their 7-digit code (kab/kota "3276000" -> 3276, kecamatan of the 15 through the crosswalk,
any other dropped), the recipes file, the table list for writing recipes, saved like a BPS refresh and
read at kecamatan level. Its faults: tests/test_official_faults.py. Every id and value is made up."""
import dataclasses
import json
import subprocess
import sys

import pytest
from support import dukcapil_server, simdasi_server
from support.bps_server import KEY
from support.data import ROOT
from support.fault_server import FaultServer

from jabodash.geo.regions import load_regions
from jabodash.official import dataset, simdasi
from jabodash.store import get_store, kinds, shelf
from jabodash.store.datasource import DataSource

REGION_CODES = load_regions()["code"].astype(str).tolist()
RECIPES = [simdasi.Recipe("population_estimate_bps", "3100000", "TESTdki01", "Jumlah Penduduk", "2024"),
           simdasi.Recipe("population_estimate_bps", "3276000", "TESTdepok01", "jumlah  penduduk", "2024")]
TABLES = {"TESTdki01": simdasi_server.table(simdasi_server.DKI),
          "TESTdepok01": simdasi_server.table(simdasi_server.DEPOK)}


@pytest.fixture(autouse=True)
def _dirs(fresh_workspace):
    return fresh_workspace


@pytest.fixture()
def srv():
    with FaultServer(lambda path: simdasi_server.answer(path, TABLES)) as server:
        yield server


def test_rows_are_placed_by_their_code(srv):
    res = simdasi.run(RECIPES, KEY, base=srv.origin + "/v1/")
    assert res.errors == []
    got = {r["region_code"]: r["value"] for r in res.records}
    assert got == {"3171": 2_250_001, "3174": 2_470_002, "3171010": 410_004, "3276010": 190_011,
                   "3276020": 260_012, "3276050": 180_013, "3276": 2_100_014}
    # the province row (3100000) and a Bandung kecamatan (3273010) are not among the 15: dropped, counted
    assert [tb["outside_dropped"] for tb in res.tables] == [1, 1]
    url = res.records[0]["source"]["url"]
    assert "/simdasi/id/25/tahun/2024/id_tabel/TESTdki01/wilayah/3100000/" in url and KEY not in url
    assert all(KEY in p for p in srv.requests)


def test_a_renamed_or_missing_column_fails_that_table_only(srv):
    TABLES["TESTdepok01"] = simdasi_server.table(simdasi_server.DEPOK, column="Penduduk (jiwa)")
    try:
        res = simdasi.run(RECIPES, KEY, base=srv.origin + "/v1/")
    finally:
        TABLES["TESTdepok01"] = simdasi_server.table(simdasi_server.DEPOK)
    assert [(e["var"], e["kind"]) for e in res.errors] == [("TESTdepok01", "malformed")]
    assert {r["region_code"] for r in res.records} == {"3171", "3174", "3171010"}


def test_recipes_file_comments_and_checks(tmp_path):
    shipped = simdasi.load()             # one shared table: density (15 areas, 3 provinces), population (15 areas)
    kabkota = {f"{c}000" for c in REGION_CODES}
    density = [r for r in shipped if r.indicator == "population_density_published"]
    people = [r for r in shipped if r.indicator == "population_estimate_bps"]
    assert len(shipped) == len(density) + len(people) == 33
    assert {r.wilayah for r in density} == kabkota | {"3100000", "3200000", "3600000"} and {r.wilayah for r in people} == kabkota
    assert {(r.variable, r.unit, r.factor()) for r in density} == {("Kepadatan Penduduk per km persegi (Km2)", "persons per km2", 1)}
    assert {(r.variable, r.unit, r.factor()) for r in people} == {("Jumlah Penduduk (Ribu)", "persons", 1000)}
    assert {r.id_tabel for r in shipped} == {"WVRlTTcySlZDa3lUcFp6czNwbHl4QT09"}
    assert all(r.year_list() == [2023, 2024, 2025] and "Not yet verified live" in r.established for r in shipped)
    path = tmp_path / "r.csv"
    path.write_text("# comment\n" + ",".join(simdasi.COLUMNS) + "\n"
                    "population_estimate_bps,3276000,TESTdepok01,Jumlah Penduduk,2023|2024,jiwa,Uji,test\n")
    assert simdasi.load(path)[0].year_list() == [2023, 2024]
    path.write_text(",".join(simdasi.COLUMNS) + "\npopulation_estimate_bps,32760,X/../y,Jumlah,2024,,,\n")
    with pytest.raises(ValueError, match="line 2"):
        simdasi.load(path)
    for scale in ("-1000", "1e3", "ribu", "0"):          # a scale is a positive number or nothing
        path.write_text(",".join(simdasi.COLUMNS) + f"\npopulation_estimate_bps,3276000,T1,Jumlah,2024,,,,{scale}\n")
        with pytest.raises(ValueError, match="scale"):
            simdasi.load(path)


def test_saved_like_a_bps_refresh_and_read_at_kecamatan_level(srv, tmp_path):
    res = simdasi.run(RECIPES, KEY, base=srv.origin + "/v1/")
    ds_id = dataset.save(res, title="BPS SIMDASI (uji)")
    assert [s.kind.name for s in kinds.saved()] == ["bps_refresh"]
    dukcapil_server.kecamatan_squares(tmp_path)
    src = DataSource.from_store(get_store(), official_only=True)
    values = src.values("population_estimate_bps", 2024, "kecamatan", level="kecamatan").set_index("region_code")
    assert values["value"].dropna().to_dict() == {"3276010": 190_011, "3276020": 260_012, "3276050": 180_013}
    assert set(values["dataset_id"].dropna()) == {ds_id} and set(values["grade"].dropna()) == {"official"}
    meta = dataset.saved_refreshes()[0]
    assert meta["official"]["origin"] == "BPS SIMDASI" and meta["source"].startswith("BPS SIMDASI (Badan Pusat")
    ds = shelf.load_dataset(ds_id)
    notes = set(dataset.observations(ds_id, ds.meta, ds.records)["note"])
    assert notes == {f"BPS SIMDASI id_tabel {r.id_tabel}, wilayah {r.wilayah}" for r in RECIPES}


def test_report_lines_name_indicator_year_and_area_and_failures_their_year(srv):
    from jabodash.features import data
    res = simdasi.run(RECIPES, KEY, base=srv.origin + "/v1/")
    read, failed = data.bps_lines(res, "en")
    depok = [line for line in read if "wilayah 3276000" in line]
    assert len(depok) == 1 and depok[0].startswith(
        "BPS pop. estimate (population_estimate_bps) 2024, Depok (id_tabel TESTdepok01, wilayah 3276000): "
        "4 figures,"), read
    assert read[0].startswith("BPS pop. estimate (population_estimate_bps) 2024 (id_tabel TESTdki01, wilayah 3100000)")
    gone = [dataclasses.replace(RECIPES[1], id_tabel="TESTnone01")]   # a table the stand-in has not
    _, failed = data.bps_lines(simdasi.run(gone, KEY, base=srv.origin + "/v1/"), "en")
    assert len(failed) == 1 and "domain 3276000: 2024): " in failed[0], failed


def test_cli_lists_an_areas_tables_and_says_there_is_no_recipe(srv, tmp_path):
    env = {"JABODASH_BPS_URL": srv.origin + "/v1/", "JABODASH_BPS_KEY": KEY, "PATH": "/usr/bin:/bin"}
    empty = tmp_path / "none.csv"
    empty.write_text(",".join(simdasi.COLUMNS) + "\n")
    done = subprocess.run([sys.executable, "-m", "jabodash", "refresh", "simdasi", "--list", "--wilayah", "3276000",
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"id_tabel": "TESTdepok01", "judul": "Penduduk Menurut Kecamatan (uji)",
                                        "years": [2023, 2024]}]
    done = subprocess.run([sys.executable, "-m", "jabodash", "refresh", "simdasi", "--lang", "en", "--recipes", str(empty)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 2 and "has no recipe yet" in done.stderr and KEY not in done.stderr + done.stdout
    # the shipped recipes against a stand-in that has none of their tables: every table fails, said; exit 1
    done = subprocess.run([sys.executable, "-m", "jabodash", "refresh", "simdasi", "--lang", "en", "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=env)
    report = json.loads(done.stdout)
    assert done.returncode == 1 and KEY not in done.stderr + done.stdout
    assert {e["domain"] for e in report["errors"]} == {r.wilayah for r in simdasi.load()}


def test_data_page_lists_tables_refreshes_the_recipes_and_saves(srv, tmp_path, monkeypatch):
    from support.apptest import run_page

    from jabodash.store import shelf
    recipes = tmp_path / "simdasi_recipes.csv"
    recipes.write_text(",".join(simdasi.COLUMNS) + "\n"
                       "population_estimate_bps,3276000,TESTdepok01,Jumlah Penduduk,2024,jiwa,Penduduk (uji),test\n")
    monkeypatch.setattr(simdasi, "RECIPES_FILE", recipes)
    monkeypatch.setenv("JABODASH_BPS_URL", srv.origin + "/v1/")
    monkeypatch.setenv("JABODASH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("JABODASH_BPS_KEY", raising=False)
    at = run_page("pages/data.py", lang="en")
    at.text_input(key="w_bps_key").set_value(KEY).run()
    at.button(key="sim_list").click().run()
    assert not at.exception, [e.value for e in at.exception]
    tables = next(df.value for df in at.dataframe if "Table id (id_tabel)" in df.value.columns)
    assert list(tables["Table id (id_tabel)"]) == ["TESTdepok01"]
    assert "Recipes in data/simdasi_recipes.csv: 1." in " ".join(c.value for c in at.caption)
    at.button(key="sim_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    changes = next(df.value for df in at.dataframe if "Change" in df.value.columns)
    assert len(changes) == 4 and "Pancoran Mas (Depok)" in set(changes["Region"])
    at.button(key="sim_save").click().run()
    saved = shelf.list_datasets()
    assert len(saved) == 1 and saved[0]["kind"] == "bps_refresh" and any(saved[0]["id"] in s.value for s in at.success)
    assert KEY not in " ".join(str(c.value) for c in at.caption)


def test_the_shipped_density_recipe_reads_the_kecamatan_of_its_area(srv):
    """The shipped recipe for Kota Depok against a stand-in table with that column name: kecamatan rows placed
    by code, the population column (thousands) not read, a renamed column refused."""
    recipe = next(r for r in simdasi.load() if r.wilayah == "3276000")
    rows = [("3276010", "Sawangan", 7_200), ("3276050", "Beji", 13_400), ("3273010", "Bandung Kulon", 9_000)]
    TABLES[recipe.id_tabel] = simdasi_server.table(rows, column="Kepadatan Penduduk per km persegi (Km2)")
    try:
        res = simdasi.run([simdasi.Recipe(**{**recipe.__dict__, "years": "2024"})], KEY, base=srv.origin + "/v1/")
        assert res.errors == [] and res.tables[0]["outside_dropped"] == 1
        assert {(r["indicator"], r["region_code"], r["year"], r["value"]) for r in res.records} == {
            ("population_density_published", "3276010", 2024, 7_200), ("population_density_published", "3276050", 2024, 13_400)}
        TABLES[recipe.id_tabel] = simdasi_server.table(rows, column="Jumlah Penduduk (Ribu)")
        res = simdasi.run([simdasi.Recipe(**{**recipe.__dict__, "years": "2024"})], KEY, base=srv.origin + "/v1/")
        assert [e["kind"] for e in res.errors] == ["malformed"] and res.records == []
    finally:
        TABLES.pop(recipe.id_tabel)


def test_a_column_in_thousands_is_read_in_persons(srv):
    recipe = next(r for r in simdasi.load() if r.wilayah == "3276000" and r.indicator == "population_estimate_bps")
    rows = [("3276010", "Sawangan", "190,01"), ("3276050", "Beji", 180.013), ("3276000", "Kota Depok", "2.100,5")]
    TABLES[recipe.id_tabel] = simdasi_server.table(rows, column="Jumlah Penduduk (Ribu)")
    try:
        res = simdasi.run([simdasi.Recipe(**{**recipe.__dict__, "years": "2024"})], KEY, base=srv.origin + "/v1/")
    finally:
        TABLES.pop(recipe.id_tabel)
    assert res.errors == [] and res.tables[0]["refused"] == []
    assert {(r["region_code"], r["value"]) for r in res.records} == {
        ("3276010", 190_010), ("3276050", 180_013), ("3276", 2_100_500)}
