"""The upload page's template and examples (jabodash.features.unggah.starter_files) read back
through the app's own reader (jabodash.ingest.read_upload) with the figures of data/."""
import io
import re

import openpyxl
import pandas as pd
import pytest
from support.data import OBS, REGIONS

from jabodash.core.catalog import load_catalog
from jabodash.core.paths import ROOT
from jabodash.features import unggah
from jabodash.ingest import read_upload

HEADERS = {"id": ["kode_wilayah", "nama_wilayah", "tahun", "indikator", "nilai", "satuan", "sumber"],
           "en": ["region_code", "region_name", "year", "indicator", "value", "unit", "source"]}
DATASETS = pd.read_csv(ROOT / "data" / "datasets.csv", dtype=str, keep_default_na=False).set_index("id")["title"]


def files(lang):
    return {key: (data, name) for key, _label, data, name, _mime in unggah.starter_files(lang)}


def census(code, year):
    rows = OBS[(OBS.indicator_id == "population_census") & (OBS.region_code == code) & (OBS.year == year)]
    assert len(rows) == 1, (code, year)
    return rows.iloc[0]


def read_back(data, name):
    result = read_upload(data, name)
    assert result.ok and result.errors == [], [e.key for e in result.errors]
    return result


def xlsx_rows(data):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_template_has_the_columns_and_every_region(lang):
    f = files(lang)
    agglo = REGIONS[REGIONS.in_agglomeration]
    frame = pd.read_csv(io.BytesIO(f["u_tpl_csv"][0]), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == HEADERS[lang]
    assert list(frame[HEADERS[lang][0]]) == list(agglo.code) and list(frame[HEADERS[lang][1]]) == list(agglo.name)
    assert (frame[HEADERS[lang][2:]] == "").all().all()           # the rest is for the analyst
    assert f["u_tpl_csv"][1].endswith(".csv") and f["u_tpl_xlsx"][1].endswith(".xlsx")
    rows = xlsx_rows(f["u_tpl_xlsx"][0])
    assert rows[0] == HEADERS[lang] and len(rows) == 1 + len(agglo)
    assert [r[:2] for r in rows[1:]] == [[c, n] for c, n in zip(agglo.code, agglo.name)]
    assert all(v is None for r in rows[1:] for v in r[2:])


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_template_filled_in_reads_back_with_its_values(lang, kind):
    """Filled in (the 2024 IPM of every region, with unit and source), the template reads with no
    error, every column in its role, 15 rows and the values written."""
    template = unggah.template_frame(lang)
    ipm = OBS[(OBS.indicator_id == "ipm") & (OBS.year == 2024)].set_index("region_code")
    codes = template.iloc[:, 0]
    assert len(codes) == 15 and set(codes) <= set(ipm.index)
    h = HEADERS[lang]
    template[h[2]] = 2024
    template[h[3]] = "IPM"
    template[h[4]] = [float(ipm.loc[c, "value"]) for c in codes]
    template[h[5]] = "indeks"
    template[h[6]] = [DATASETS[ipm.loc[c, "dataset_id"]] for c in codes]
    data = (unggah.xlsx_bytes(template, "data") if kind == "xlsx"
            else template.to_csv(index=False).encode())
    result = read_back(data, f"templat.{kind}")
    assert result.layout == "long" and result.rows_read == 15 and result.rows_used == 15
    assert result.roles["year"] == h[2] and result.roles["indicator"] == h[3]
    assert result.roles["values"] == [h[4]] and result.roles["unit"] == h[5]
    got = result.records.set_index("region_code")
    assert sorted(got.index) == sorted(codes)
    for code in codes:
        assert got.loc[code, "value"] == pytest.approx(ipm.loc[code, "value"])
        assert got.loc[code, "year"] == 2024 and got.loc[code, "indicator"] == "IPM"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_empty_template_gets_a_clear_message_not_a_crash(lang):
    result = read_upload(files(lang)["u_tpl_csv"][0], "templat.csv")
    assert not result.ok and [e.key for e in result.errors] == ["ingest.error.no_value_column"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_long_example_reads_back_with_the_census_figures(lang):
    data, name = files(lang)["u_ex_long"]
    assert name.endswith(".csv")
    result = read_back(data, name)
    ind = load_catalog()["population_census"]
    assert result.layout == "long" and result.rows_read == 6 and len(result.records) == 6
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype={HEADERS[lang][0]: str})
    assert list(frame.columns) == HEADERS[lang]
    assert set(frame[HEADERS[lang][3]]) == {ind.name(lang)} and set(frame[HEADERS[lang][5]]) == {ind.unit(lang)}
    for row in result.records.itertuples():
        obs = census(row.region_code, row.year)
        assert row.value == obs.value and row.indicator == ind.name(lang)
    pairs = {(r.region_code, r.year) for r in result.records.itertuples()}
    assert pairs == {(c, y) for c in ("3171", "3201", "3276") for y in (2010, 2020)}
    # each row names the source of its figure (data/datasets.csv)
    for src in frame.itertuples(index=False):
        assert src[6] == DATASETS[census(src[0], src[2]).dataset_id]
        assert re.search(rf"\bBPS\b.*SP{src[2]}", src[6]), src[6]   # "BPS SP2010 ...", "BPS Kota Depok (SP2020) ..."


@pytest.mark.parametrize("lang", ["id", "en"])
def test_wide_example_reads_back_as_one_column_per_year(lang):
    data, name = files(lang)["u_ex_wide"]
    result = read_back(data, name)
    assert result.layout == "wide_years" and result.rows_read == 3 and len(result.records) == 6
    assert result.roles["values"] == ["2010", "2020"]
    for row in result.records.itertuples():
        assert row.value == census(row.region_code, row.year).value
    assert sorted(result.records.region_code.unique()) == ["3171", "3201", "3276"]


def test_downloads_are_safe_against_formula_injection(monkeypatch):
    """Every CSV goes through csvsafe and no XLSX cell is a formula, even from a hostile name."""
    real = unggah.template_frame

    def hostile(lang):
        frame = real(lang)
        frame.iloc[0, 1] = '=HYPERLINK("http://e.invalid","x")'
        return frame

    monkeypatch.setattr(unggah, "template_frame", hostile)
    f = files("id")
    assert b"'=HYPERLINK" in f["u_tpl_csv"][0]
    cell = openpyxl.load_workbook(io.BytesIO(f["u_tpl_xlsx"][0])).active["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
