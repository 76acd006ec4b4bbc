"""Unit tests of the cooperation page's logic (jabodash.features.kerjasama) and chart
(jabodash.charts.kerjasama): the queries and functions, checked against data/*.csv."""

import pandas as pd
import pytest
from support.data import DKI, FLOWS, OBS, obs

from jabodash.charts.kerjasama import links_matrix
from jabodash.features import kerjasama


def test_membership_counts(store):
    m = kerjasama.membership(store)
    assert m["agglomeration"] == dict(n=15, dki=6, jabar=6, banten=3)
    assert m["jabodetabek"] == dict(n=14, dki=6, jabar=5, banten=3)


@pytest.mark.parametrize("region_set,rows", [("agglomeration", 9), ("jabodetabek", 8)])
def test_assistance_goes_to_non_dki_regions(store, region_set, rows):
    frame, year = kerjasama.assistance(store, region_set)
    assert year == 2020 and len(frame) == rows
    assert not frame["region_code"].str.startswith("31").any()
    want = OBS[(OBS.indicator_id == "dki_financial_assistance_budget") & OBS.region_code.isin(frame["region_code"])]
    total, n = kerjasama.assistance_total(frame)
    assert n == len(want) and total == pytest.approx(want.value.sum())
    assert frame.set_index("region_code").loc["3674", "value"] is None or pd.isna(
        frame.set_index("region_code").loc["3674", "value"])


def test_links_matrix_follows_the_data(store):
    matrix = kerjasama.links(store, "agglomeration", "id")
    assert len(matrix) == 15 * len(kerjasama.LINKS)
    cell = matrix.set_index(["region_code", "link_id"])
    assert cell.loc[("3203", "member_jabodetabek"), "status"] == "no"
    assert cell.loc[("3203", "member_agglomeration"), "status"] == "yes"
    for code in DKI:
        assert cell.loc[(code, "dki_assistance"), "status"] == "na"
        assert cell.loc[(code, "commuters_to_dki"), "status"] == "na"
    assert cell.loc[("3275", "dki_assistance"), "value"] == obs("3275", "dki_financial_assistance_budget", 2020)
    assert cell.loc[("3275", "dki_assistance"), "text"] == "406,70"
    assert cell.loc[("3674", "dki_assistance"), "status"] == "no_data"
    to_dki = FLOWS[(FLOWS.year == 2014) & FLOWS.origin_code.str.fullmatch(r"\d{4}")]
    assert len(to_dki) > 0
    for row in to_dki.itertuples():
        assert cell.loc[(row.origin_code, "commuters_to_dki"), "value"] == row.value
    assert cell.loc[("3201", "commuters_to_dki"), "status"] == "no_data"
    assert cell.loc[("3171", "commuter_cost"), "value"] == obs("3171", "commuters_daily_cost_over_25k_rp", 2023)
    labels = dict(zip(matrix["link_id"], matrix["label"]))
    assert labels["dki_assistance"] == "Bantuan keuangan DKI 2020 (miliar Rp)"
    assert labels["commuters_to_dki"] == "Komuter ke DKI 2014 (orang)"
    fig = links_matrix(matrix, "id")
    assert fig.data[0].z.shape == (15, len(kerjasama.LINKS))
    wide = kerjasama.links_table(matrix, "id")
    assert wide.shape == (15, len(kerjasama.LINKS) + 1)


def test_other_cooperation_indicators_grow_with_the_catalog(store):
    table = kerjasama.other_indicators(store, "agglomeration", "en")
    from jabodash.core.catalog import load_catalog
    theme = [i.name_en for i in load_catalog().values() if i.theme == "kerja_sama"]
    assert table["Indicator"].tolist() == theme
    assert table.loc[table["Indicator"].str.startswith("DKI Jakarta financial"), "Widest coverage"].iloc[0] == "8 of 15 regions"
