"""The BPS WebAPI refresh (jabodash.official) against a loopback server that speaks the documented
answer format (tests/support/bps_server.py): the table reader, every fault, the change report, storage
in the workspace and the layering over the built-in figures, and the key never shown."""
import json

import pandas as pd
import pytest
from support.bps_server import DKI, JABAR, KEY, BpsServer, payload

from jabodash.core.paths import DATA_DIR
from jabodash.geo.regions import RegionMatcher
from jabodash.official import client, fetch, parse, recipes
from jabodash.official import dataset as official_dataset
from jabodash.store import get_store, overlay, shelf
from jabodash.store.datasource import DataSource

IPM = recipes.Recipe("ipm", "0000", "413", "", "", "index 0-100")
TPT = recipes.Recipe("unemployment_rate_tpt", "3200", "788", "", "", "percent of labour force", "persen")
MATCHER = RegionMatcher()
BUILTIN = pd.read_csv(DATA_DIR / "observations.csv", dtype={"region_code": str})


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("JABODASH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("JABODASH_BPS_KEY", raising=False)


def ipm_table(values=None, rows=DKI + JABAR, years=(2023, 2024)):
    values = values if values is not None else {("3201", 2024): 72.5, ("3271", 2024): 78.61, ("3101", 2023): 74.0}
    return payload(413, "[Metode Baru] Indeks Pembangunan Manusia", "", rows, list(years), values)


def read(table, recipe=IPM):
    return parse.read_table(table, recipe, MATCHER)


# --- the table reader ----------------------------------------------------------------------------


def test_regions_come_from_vervar_codes_not_labels():
    res = read(ipm_table())
    got = {(f["region_code"], f["year"]): f["value"] for f in res.figures}
    # in the Jawa Barat rows "Bogor" (3201) is the kabupaten and "Kota Bogor" (3271) the city
    assert got == {("3201", 2024): 72.5, ("3271", 2024): 78.61, ("3101", 2023): 74.0}
    # the provinces 3100 and 3200, Sukabumi 3202 and Kota Bandung 3273 are not among the 15
    assert sorted(res.outside) == ["DKI Jakarta", "Jawa Barat", "Kota Bandung", "Sukabumi"]
    assert res.label_mismatches == []


def test_key_is_the_concatenation_vervar_var_turvar_tahun_turtahun():
    table = ipm_table({("3276", 2024): 82.91})
    assert "3276413012400" not in table["datacontent"]   # turvar 0, tahun 124, turtahun 0
    assert table["datacontent"]["32764130124" + "0"] == 82.91
    assert [(f["region_code"], f["year"], f["value"]) for f in read(table).figures] == [("3276", 2024, 82.91)]


def test_partial_table_gives_gaps_never_zeros():
    res = read(ipm_table({("3201", 2024): 72.5}))
    assert [f["region_code"] for f in res.figures] == ["3201"]
    # 12 regions of the 15 are in these rows (6 DKI, 6 Jawa Barat), 2 years: 24 cells, 1 figure, 23 gaps
    assert res.gaps == 23
    assert all(f["value"] != 0 for f in res.figures)


@pytest.mark.parametrize("raw, value", [("82,53", 82.53), ("82.53", 82.53), ("1.234.567", 1234567.0),
                                        ("1.234,5", 1234.5), ("1,234.5", 1234.5), (" 74 ", 74.0), (75, 75.0)])
def test_values_as_text(raw, value):
    assert parse.number(raw) == value
    res = read(ipm_table({("3171", 2024): raw}))
    if value <= 100:      # an IPM above 100 is refused (test_official_faults.py)
        assert [f["value"] for f in res.figures] == [value]
    else:
        assert res.figures == [] and [c["reason"] for c in res.refused] == ["above_max"]


@pytest.mark.parametrize("raw", ["-", "…", "...", "", "n.a.", None, "tidak ada", "x"])
def test_text_placeholders_are_gaps(raw):
    res = read(ipm_table({("3171", 2024): raw}))
    assert res.figures == []
    assert res.gaps == 24


def test_text_that_is_not_a_number_is_a_gap_and_listed():
    res = read(ipm_table({("3171", 2024): "delapan puluh", ("3172", 2024): 84.0}))
    assert [(f["region_code"], f["value"]) for f in res.figures] == [("3172", 84.0)]
    assert "delapan puluh" in res.text_gaps


def test_changed_labels_keep_the_code_and_report_a_mismatch():
    rows = [("3201", "Kabupaten Bogor"), ("3271", "Kota Bogor (baru)"), ("3275", "Kota Depok"), ("3101", "Kep Seribu")]
    res = read(ipm_table({("3201", 2024): 1.0, ("3271", 2024): 2.0, ("3275", 2024): 3.0, ("3101", 2024): 4.0},
                         rows=rows, years=(2024,)))
    assert {f["region_code"]: f["value"] for f in res.figures} == {"3201": 1.0, "3271": 2.0, "3275": 3.0, "3101": 4.0}
    # only the label that names another of the 15 regions is reported
    assert res.label_mismatches == [{"code": "3275", "label": "Kota Depok", "label_names": "3276"}]


def test_years_from_tahun_labels():
    table = ipm_table({("3171", 2024): 86.9})
    table["tahun"] = [{"val": 124, "label": "2024*"}, {"val": 123, "label": "Rata-rata"}]
    res = read(table)
    assert [(f["year"], f["value"]) for f in res.figures] == [(2024, 86.9)]
    assert res.skipped_years == ["Rata-rata"]


def test_turtahun_chosen_by_the_recipe_and_ambiguous_without():
    table = payload(788, "Tingkat Pengangguran Terbuka", "Persen", JABAR, [2024], {("3276", 2024): 5.9},
                    turtahun=((1, "Februari"), (2, "Agustus")), pick_turtahun=2)
    with pytest.raises(parse.TableError) as err:
        read(table, TPT)
    assert err.value.kind == "ambiguous_turtahun"
    picked = recipes.Recipe(**{**vars(TPT), "turtahun": "Agustus"})
    assert [(f["region_code"], f["value"]) for f in read(table, picked).figures] == [("3276", 5.9)]


def test_unit_other_than_the_recipe_is_refused():
    table = payload(788, "TPT", "Ribu Jiwa", JABAR, [2024], {("3276", 2024): 5.9})
    with pytest.raises(parse.TableError) as err:
        read(table, TPT)
    assert err.value.kind == "unit_mismatch"


def test_malformed_answers():
    for broken in ({**ipm_table(), "datacontent": []}, {**ipm_table(), "vervar": "x"}, {**ipm_table(), "var": []}):
        with pytest.raises(parse.TableError) as err:
            read(broken)
        assert err.value.kind == "malformed"
    with pytest.raises(parse.TableError) as err:
        read(payload(414, "UHH", "", DKI, [2024], {}))
    assert err.value.kind == "other_var"


# --- the client and the faults -------------------------------------------------------------------


FAULTS = [("bad_key", client.BAD_KEY), ("http401", client.BAD_KEY), ("quota", client.QUOTA),
          ("quota_json", client.QUOTA), ("not_available", client.NOT_AVAILABLE), ("html", client.NOT_JSON),
          ("http500", client.HTTP), ("slow", client.TIMEOUT)]


@pytest.mark.parametrize("fault, kind", FAULTS)
def test_each_fault_is_named_and_the_key_never_shows(fault, kind):
    with BpsServer({("0000", "413"): ipm_table()}, {("0000", "413"): fault}) as srv:
        bps = client.BpsClient(KEY, srv.base, timeout=0.5)
        with pytest.raises(client.BpsError) as err:
            bps.table("0000", "413")
        assert srv.requests, "the request reached the loopback server"
    assert err.value.kind == kind
    assert KEY not in str(err.value) and KEY not in err.value.detail and KEY not in repr(err.value)


def test_unreachable_server_is_a_network_error():
    with BpsServer() as srv:
        base = srv.base
    with pytest.raises(client.BpsError) as err:
        client.BpsClient(KEY, base, timeout=2).table("0000", "413")
    assert err.value.kind == client.NETWORK and KEY not in str(err.value)


def test_public_url_has_no_key(monkeypatch):
    monkeypatch.setenv("JABODASH_BPS_URL", "http://mirror.example/v1")
    assert client.public_url("3200", "788") == "http://mirror.example/v1/api/list/model/data/lang/ind/domain/3200/var/788/"
    monkeypatch.delenv("JABODASH_BPS_URL")
    assert client.public_url("0000", "413").startswith("https://webapi.bps.go.id/v1/api/list/model/data/")


# --- the refresh ---------------------------------------------------------------------------------


def recipes_of(*rows):
    return [recipes.Recipe(*r) for r in rows]


RECIPES = recipes_of(("ipm", "0000", "413", "", "", "index 0-100"),
                     ("unemployment_rate_tpt", "3200", "788", "", "", "percent of labour force", "persen"),
                     ("poverty_rate", "0000", "621", "", "", "percent of population", "persen"),
                     ("poverty_rate", "3200", "919", "", "", "percent of population", "persen"))


def poverty(var, values):
    return payload(var, "Persentase Penduduk Miskin", "Persen", JABAR, [2024], values)


def test_some_tables_fail_the_others_are_kept():
    tables = {("0000", "413"): ipm_table(), ("0000", "621"): poverty(621, {("3276", 2024): 2.5})}
    with BpsServer(tables, {("3200", "788"): "html", ("3200", "919"): "not_available"}) as srv:
        res = fetch.run(RECIPES, KEY, base=srv.base, timeout=5)
    assert res.exit_code == fetch.EXIT_PARTIAL and not res.ok
    assert [(e["var"], e["kind"]) for e in res.errors] == [("788", "not_json"), ("919", "not_available")]
    assert {(r["indicator"], r["region_code"], r["year"]) for r in res.records} == {
        ("ipm", "3201", 2024), ("ipm", "3271", 2024), ("ipm", "3101", 2023), ("poverty_rate", "3276", 2024)}
    src = next(r["source"] for r in res.records if r["indicator"] == "poverty_rate")
    assert src["var"] == "621" and src["domain"] == "0000" and src["title"] == "Persentase Penduduk Miskin"
    assert src["url"] == srv.base + "api/list/model/data/lang/ind/domain/0000/var/621/" and src["retrieved_at"]
    assert res.tables[0]["outside_dropped"] == 4


def test_bad_key_stops_the_refresh_with_exit_2():
    with BpsServer({("0000", "413"): ipm_table()}) as srv:
        res = fetch.run(RECIPES, "wrongkey123456", base=srv.base, timeout=5)
        assert len(srv.requests) == 1   # the first table's refusal stops the others
    assert res.exit_code == fetch.EXIT_USAGE and res.bad_key
    assert res.errors[0]["kind"] == "bad_key" and res.records == []
    assert "wrongkey123456" not in json.dumps(res.to_json())


def test_missing_or_malformed_key_is_exit_2_without_a_request():
    with BpsServer() as srv:
        for key in (None, "", "has spaces and ; semicolons"):
            res = fetch.run(RECIPES, key, base=srv.base)
            assert res.exit_code == 2 and res.errors[0]["kind"] == "bad_key"
        assert srv.requests == []


def test_quota_on_one_table_keeps_the_rest():
    with BpsServer({("0000", "413"): ipm_table()}, {("0000", "621"): "quota", ("3200", "919"): "quota_json",
                                                    ("3200", "788"): "slow"}) as srv:
        res = fetch.run(RECIPES, KEY, base=srv.base, timeout=0.5)
    assert [e["kind"] for e in res.errors] == ["timeout", "quota", "quota"]
    assert len(res.records) == 3 and res.exit_code == 1


def test_conflict_between_two_tables_keeps_the_first():
    tables = {("0000", "621"): poverty(621, {("3276", 2024): 2.5, ("3201", 2024): 7.0}),
              ("3200", "919"): poverty(919, {("3276", 2024): 2.6, ("3201", 2024): 7.0})}
    with BpsServer(tables) as srv:
        res = fetch.run(RECIPES[2:], KEY, base=srv.base)
    assert res.ok
    assert {(r["region_code"], r["value"]) for r in res.records} == {("3276", 2.5), ("3201", 7.0)}
    assert [(c["region_code"], c["kept_value"], c["other_value"], c["other_source"]["var"])
            for c in res.conflicts] == [("3276", 2.5, 2.6, "919")]


def test_change_report_new_changed_same():
    old_bogor = BUILTIN[(BUILTIN.region_code == "3201") & (BUILTIN.indicator_id == "ipm") & (BUILTIN.year == 2024)]
    values = {("3201", 2024): float(old_bogor.value.iloc[0]), ("3271", 2024): 99.5, ("3201", 2030): 80.0}
    with BpsServer({("0000", "413"): ipm_table(values, years=(2024, 2030))}) as srv:
        res = fetch.run(RECIPES[:1], KEY, base=srv.base)
    changes = fetch.compare(res, fetch.builtin_figures(get_store(), ["ipm"]))
    assert changes["same"] == 1
    assert [(c["region_code"], c["year"]) for c in changes["new"]] == [("3201", 2030)]
    changed = changes["changed"][0]
    old = BUILTIN[(BUILTIN.region_code == "3271") & (BUILTIN.indicator_id == "ipm") & (BUILTIN.year == 2024)]
    assert (changed["region_code"], changed["old_value"], changed["new_value"]) == ("3271", old.value.iloc[0], 99.5)
    assert "tauradavin" in changed["old_source"] and changed["new_source"]["var"] == "413"


# --- storage and layering ------------------------------------------------------------------------


def saved_refresh(precedence: bool, values: dict):
    with BpsServer({("0000", "413"): ipm_table(values, years=(2024, 2030))}) as srv:
        res = fetch.run(RECIPES[:1], KEY, base=srv.base)
    return official_dataset.save(res, precedence=precedence)


def ipm_values(year):
    src = DataSource.over(get_store(), overlay.collect())
    frame = src.values("ipm", year, "agglomeration").set_index("region_code")
    return frame["value"].to_dict(), frame["dataset_id"].to_dict()


def test_saved_refresh_with_precedence_replaces_built_in_figures():
    builtin_bekasi = ipm_values(2024)[0]["3275"]
    ds_id = saved_refresh(True, {("3271", 2024): 99.5, ("3201", 2030): 80.0})
    values, datasets = ipm_values(2024)
    assert values["3271"] == 99.5 and datasets["3271"] == ds_id
    assert values["3275"] == builtin_bekasi   # not in the refresh: the built-in figure stays
    assert ipm_values(2030)[0]["3201"] == 80.0
    meta = shelf.load_dataset(ds_id).meta
    assert meta["kind"] == "bps_refresh" and meta["grade"] == "official" and meta["official"]["precedence"]
    assert meta["official"]["tables"][0]["var"] == "413"


def test_saved_refresh_without_precedence_only_fills_gaps_and_can_be_switched():
    builtin = ipm_values(2024)[0]["3271"]
    ds_id = saved_refresh(False, {("3271", 2024): 99.5, ("3201", 2030): 80.0})
    assert ipm_values(2024)[0]["3271"] == builtin
    assert ipm_values(2030)[0]["3201"] == 80.0     # a gap: filled
    assert official_dataset.set_precedence(ds_id, True) == ds_id
    assert ipm_values(2024)[0]["3271"] == 99.5
    official_dataset.set_precedence(ds_id, False)
    assert ipm_values(2024)[0]["3271"] == builtin


def test_the_key_is_nowhere_in_the_workspace(tmp_path):
    saved_refresh(True, {("3271", 2024): 99.5})
    for path in (tmp_path / "ws").rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path.name


def test_key_kept_in_the_config_file_outside_the_repository(tmp_path):
    from jabodash.official import keys
    assert keys.resolve_key() == (None, "none")
    path = keys.save_key(KEY)
    assert path.parent == tmp_path / "config" and (path.stat().st_mode & 0o777) == 0o600
    assert keys.resolve_key() == (KEY, "config")
    assert keys.resolve_key("  pagekey1234 ") == ("pagekey1234", "page")


def test_recipes_file_names_catalog_indicators_and_says_how_established():
    from jabodash.core.catalog import load_catalog
    catalog = load_catalog()
    rows = recipes.load()
    assert len(rows) >= 5
    for r in rows:
        assert r.indicator in catalog and catalog[r.indicator].kind == "observed", r
        assert catalog[r.indicator].unit_en == r.unit, r
        assert r.domain in ("0000", "3100", "3200", "3600") or r.domain[:2] in ("31", "32", "36"), r
        assert len(r.established) > 40 and r.table, r
