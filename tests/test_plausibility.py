"""Plausibility (issues 23 and 28): valid ranges per indicator as data, flags beside the figure in
the refresh change report and in the upload report, coverage of the 15 regions."""
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from support.bps_server import DKI, JABAR, KEY, BpsServer, payload

from jabodash.core import plausibility
from jabodash.core.catalog import load_catalog, load_ranges, valid_range
from jabodash.core.paths import DATA_DIR, ROOT
from jabodash.features import unggah
from jabodash.ingest import plausible, read_upload
from jabodash.official import fetch as refresh
from jabodash.official import recipes, report

BUILTIN = pd.read_csv(DATA_DIR / "observations.csv", dtype={"region_code": str})


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("JABODASH_CONFIG_DIR", str(tmp_path / "config"))


# --- the ranges as data ------------------------------------------------------------------------

def test_every_observed_indicator_has_a_range_and_every_range_names_one():
    catalog, ranges = load_catalog(), load_ranges()
    assert set(ranges) <= set(catalog)
    assert {i.id for i in catalog.values() if i.kind == "observed"} <= set(ranges)
    for ind in catalog.values():
        if ind.unit_en.startswith("percent of") or ind.unit_en.startswith("index 0-100"):
            assert ranges[ind.id].min == 0 and ranges[ind.id].max == 100, ind.id
        if ind.unit_en == "persons" and ind.kind == "observed":
            assert ranges[ind.id].above == 0, ind.id


def test_every_built_in_figure_is_within_its_range():
    bad = [(r.indicator_id, r.region_code, r.year, r.value) for r in BUILTIN.itertuples()
           if valid_range(r.indicator_id).check(r.value)]
    assert bad == []


def test_the_yearly_change_rules_of_the_issue():
    assert valid_range("population_estimate_bps").jump(1000, 1101, 1)[0] == "jump_percent"
    assert valid_range("population_estimate_bps").jump(1000, 1099, 1) is None
    assert valid_range("population_estimate_bps").jump(1000, 1150, 2) is None       # 10 % a year
    assert valid_range("ipm").jump(70, 73.5, 1)[0] == "jump_points"
    assert valid_range("ipm").jump(70, 72.9, 1) is None
    assert valid_range("poverty_rate").jump(10, 4, 1)[0] == "jump_points"
    assert valid_range("unemployment_rate_tpt").jump(10, 6, 1) is None


@pytest.mark.parametrize("value, reason", [(1e308, "above_max"), (-5000, "below_min"), (1234567.8, "above_max"),
                                           (12.5, None)])
def test_impossible_poverty_rates(value, reason):
    found = valid_range("poverty_rate").check(value)
    assert (found[0] if found else None) == reason


def test_units_compare_by_kind_and_scale():
    assert not plausibility.units_differ("percent of population", "Persen")
    assert plausibility.units_differ("persons", "Ribu Jiwa")
    assert plausibility.units_differ("trillion Rp", "Miliar Rupiah")
    assert not plausibility.units_differ("million Rp", "Juta Rupiah")
    assert not plausibility.units_differ("persons", "something else")     # not recognised: not flagged


# --- the refresh change report ------------------------------------------------------------------

POP = recipes.Recipe("population_estimate_bps", "3100", "1270", "", "", "persons")
IPM = recipes.Recipe("ipm", "0000", "413", "", "", "index 0-100")


def _refresh(tables, recs):
    with BpsServer(tables) as srv:
        res = refresh.run(recs, KEY, base=srv.base, timeout=5)
    builtin = BUILTIN.assign(source="built-in")
    refresh.compare(res, builtin[builtin["indicator_id"].isin([r.indicator for r in recs])])
    return res


def _builtin(ind, code, year):
    row = BUILTIN[(BUILTIN.indicator_id == ind) & (BUILTIN.region_code == code) & (BUILTIN.year == year)]
    return float(row.value.iloc[0])


def test_change_report_flags_jumps_and_a_unit_beside_the_figure():
    ipm_2024 = _builtin("ipm", "3171", 2024)
    pop = payload(1270, "Jumlah Penduduk", "Ribu Jiwa", DKI, [2024, 2025],
                  {("3171", 2024): 2_000_000, ("3171", 2025): 2_500_000})
    ipm = payload(413, "IPM", "", DKI, [2024, 2025], {("3171", 2025): ipm_2024 + 4.2, ("3171", 2024): ipm_2024})
    res = _refresh({("3100", "1270"): pop, ("0000", "413"): ipm}, [POP, IPM])
    flags = {(c["indicator"], c["region_code"], c["year"]): [f["reason"] for f in c.get("flags", [])]
             for c in res.changes["new"] + res.changes["changed"]}
    # 2.0 million to 2.5 million in a year: +25 % against the refreshed 2024 figure
    assert "jump_percent" in flags[("population_estimate_bps", "3171", 2025)]
    # BPS says "Ribu Jiwa" for a recipe in persons that documents no BPS unit
    assert "unit_undocumented" in flags[("population_estimate_bps", "3171", 2025)]
    assert flags[("ipm", "3171", 2025)] == ["jump_points"]
    rows = report.change_rows(res, "en")
    row = next(r for r in rows if r["Year"] == 2025 and r["Indicator"].endswith("(ipm)"))
    assert row["Check"].startswith("check: changed 4.2 points against") and "3 points" in row["Check"]
    line = report.table_line(next(t for t in res.tables if t["var"] == "1270"), "en")
    assert "covers 1 of the 15 regions" in line and "Ribu Jiwa" in line
    assert "Limits: 60" in report.limits_line(res, "en")


def test_refused_cells_are_rows_of_the_change_report_with_their_reason():
    pov = payload(919, "Persentase Penduduk Miskin", "Persen", JABAR, [2024],
                  {("3201", 2024): "1.234.567,8", ("3271", 2024): 6.1})
    rec = recipes.Recipe("poverty_rate", "3200", "919", "", "", "percent of population", "persen")
    res = _refresh({("3200", "919"): pov}, [rec])
    assert [(r["region_code"], r["value"]) for r in res.records] == [("3271", 6.1)]
    refused = [r for r in report.change_rows(res, "id") if r["Perubahan"] == "ditolak"]
    assert len(refused) == 1 and refused[0]["Tahun"] == 2024
    assert refused[0]["Periksa"] == "ditolak: '1.234.567,8' mustahil: di atas batas maksimum 100"
    assert json.loads(json.dumps(res.to_json()))["tables"][0]["refused"][0]["reason"] == "above_max"


# --- the upload report -------------------------------------------------------------------------

def _records(rows):
    return pd.DataFrame(rows, columns=["region_code", "indicator", "year", "value", "row"])


def test_upload_flags_range_and_jump_and_counts_coverage():
    rec = _records([("3171", "poverty_rate", 2022, 4.0, 2), ("3171", "poverty_rate", 2023, 12.0, 3),
                    ("3201", "poverty_rate", 2023, -5000.0, 4), ("3276", "IPM (seri lama)", 2023, 81.0, 5),
                    ("3276", "warung", 2023, 10.0, 6), ("327601", "warung", 2023, 3.0, 7)])
    rep = plausible.check(rec, "persen", "en")
    assert [(f["row"], f["reason"]) for f in rep["flags"]] == [(4, "below_min"), (3, "jump_points")]
    assert rep["flags"][1]["text"] == "check: changed 8 points against 4 in 2022, more than the 5 points plausible in 1 year(s)"
    cov = {c["indicator"]: (c["catalog_id"], c["regions"]) for c in rep["coverage"]}
    assert cov == {"poverty_rate": ("poverty_rate", 2), "IPM (seri lama)": ("ipm", 1), "warung": (None, 1)}
    # "persen" fits a percent indicator; for the IPM it is another unit
    assert [u["indicator"] for u in rep["unit_flags"]] == ["IPM (seri lama)"]


def test_upload_check_is_vectorised_over_a_large_file():
    # 20,000 places x 10 years, every place doubling or halving each year: 9 jumps each
    rec = _records([(f"31{p:05d}", "population_census", 2010 + y, 100.0 * (2 if y % 2 else 1), p * 10 + y)
                    for p in range(20_000) for y in range(10)])
    rep = plausible.check(rec, None, "en")
    assert rep["flag_count"] == 20_000 * 9 and len(rep["flags"]) == plausible.LIST_LIMIT


def test_upload_json_report_carries_the_checks(tmp_path):
    text = "kode,tahun,poverty_rate\n3171,2022,4\n3171,2023,12\n3201,2023,250\n"
    path = tmp_path / "miskin.csv"
    path.write_text(text)
    result = read_upload(path.read_bytes(), "miskin.csv")
    out = result.to_json("en")
    assert out["plausibility"]["flag_count"] == 2
    assert out["plausibility"]["coverage"][0]["regions"] == 2


def test_upload_page_shows_the_checks_beside_the_figures():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[unggah.RAW_KEY] = ("miskin.csv", b"kode,tahun,poverty_rate\n3171,2022,4\n3171,2023,12\n3201,2023,250\n")
    at.run()
    at.switch_page("pages/unggah.py").run()
    assert not at.exception, [e.value for e in at.exception]
    exp = [e for e in at.expander if e.label.startswith("Kewajaran dan cakupan")]
    assert exp and exp[0].label == "Kewajaran dan cakupan: mencakup 2 dari 15 wilayah; 2 angka ditandai"
    frames = [d.value for d in at.dataframe if "Periksa" in d.value.columns]
    assert frames and sorted(frames[0]["Periksa"].str.split(":").str[0]) == ["mustahil", "periksa"]


def test_data_page_shows_refused_cells_flags_coverage_and_limits(tmp_path, monkeypatch):
    from support.apptest import run_page
    ipm = payload(413, "[Metode Baru] Indeks Pembangunan Manusia", "", DKI + JABAR, [2024],
                  {("3271", 2024): "99,5", ("3201", 2024): "1e308"})
    monkeypatch.delenv("JABODASH_BPS_KEY", raising=False)
    with BpsServer({("0000", "413"): ipm}) as srv:
        monkeypatch.setenv("JABODASH_BPS_URL", srv.base)
        at = run_page("pages/data.py")
        at.text_input(key="w_bps_key").input(KEY)
        at.multiselect(key="w_bps_indicators").set_value(["ipm"])
        at.button(key="bps_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "mencakup 1 dari 15 wilayah" in captions and "1 sel ditolak karena mustahil" in captions
    assert "Batas: 60 dtk per tabel, 600 dtk per pembaruan" in captions
    report = next(df.value for df in at.dataframe if "Periksa" in df.value.columns)
    by_change = dict(zip(report["Perubahan"], report["Periksa"]))
    assert by_change["ditolak"] == "ditolak: '1e308' mustahil: di atas batas maksimum 100"
    # 99.5 against the built-in 2023 figure and against the old 2024 figure: both said
    assert by_change["berubah"].startswith("periksa: berubah ") and "; periksa: direvisi " in by_change["berubah"]
    assert KEY not in captions


def test_upload_check_of_many_indicators_counts_each_once_per_region():
    """A wide file's many indicators (categorical columns, as the reader makes them): coverage per
    indicator in file order, a column header naming a catalog indicator, no group for records
    without an indicator; a kecamatan counts for its kab/kota."""
    fifteen = sorted(plausible._fifteen())
    rows = [(fifteen[r % 15] + ("01" if r % 2 else ""), f"ind {k}", 2023, 1.0, k * 100 + r, "2023")
            for k in range(3000) for r in range(k % 16)]
    rows += [(fifteen[0], "Tingkat", 2023, 150.0, 1, "poverty_rate"), (fifteen[1], None, 2023, 1.0, 2, "x")]
    rec = pd.DataFrame(rows, columns=["region_code", "indicator", "year", "value", "row", "column"])
    for c in ("region_code", "indicator", "column"):
        rec[c] = rec[c].astype("category")
    rep = plausible.check(rec, None, "en")
    cov = [(c["indicator"], c["catalog_id"], c["regions"]) for c in rep["coverage"]]
    assert len(cov) == sum(1 for k in range(3000) if k % 16) + 1 and cov[:3] == [("ind 1", None, 1), ("ind 2", None, 2), ("ind 3", None, 3)]
    assert cov[14] == ("ind 15", None, 15) and cov[-1] == ("Tingkat", "poverty_rate", 1)
    assert [(f["row"], f["reason"]) for f in rep["flags"]] == [(1, "above_max")]
    assert plausible.regions_covered(rec) == 15
