"""Unit tests of the population page's logic (jabodash.features.kependudukan) and charts
(jabodash.charts.kependudukan): the queries and functions, checked against data/*.csv."""
import math

import pandas as pd
import pytest
from support.data import FLOWS, OBS, obs
from support.data import REGIONS_BY_CODE as REGIONS

from jabodash.charts.kependudukan import census_share_bar, commuting_sankey, population_series
from jabodash.features import kependudukan

SERIES = ("population_census", "population_estimate_bps", "population_dukcapil")


@pytest.mark.parametrize("region_set,n", [("agglomeration", 15), ("jabodetabek", 14)])
def test_series_hold_every_figure_of_the_three_sources_and_nothing_else(store, region_set, n):
    frame = kependudukan.series(store, region_set)
    assert frame["region_code"].nunique() == n
    got = frame.dropna(subset=["value"])
    assert set(got["series"]) == set(SERIES)
    codes = set(frame["region_code"])
    want = OBS[OBS.indicator_id.isin(SERIES) & OBS.region_code.isin(codes)]
    assert len(got) == len(want)
    merged = got.merge(want, left_on=["region_code", "series", "year"],
                       right_on=["region_code", "indicator_id", "year"], suffixes=("", "_csv"))
    assert len(merged) == len(want)
    assert (merged["value"] == merged["value_csv"]).all()


def test_census_year_2020_density_share_and_growth_follow_the_data(store):
    frame = kependudukan.census_year(store, 2020, "agglomeration").set_index("region_code")
    assert len(frame) == 15 and (frame["covered"] == 15).all()
    total = sum(obs(c, "population_census", 2020) for c in REGIONS.index)
    for code, row in frame.iterrows():
        pop = obs(code, "population_census", 2020)
        assert row["population"] == pop
        assert row["density"] == pytest.approx(pop / REGIONS.loc[code, "area_km2"])
        assert row["share_pct"] == pytest.approx(pop / total * 100)
        p2010 = obs(code, "population_census", 2010)
        if math.isnan(p2010):
            assert pd.isna(row["growth_2010_2020"])
        else:
            assert row["growth_2010_2020"] == pytest.approx(((pop / p2010) ** (1 / 10.33) - 1) * 100)
    assert frame["share_pct"].sum() == pytest.approx(100)


@pytest.mark.parametrize("region_set,covered,total", [("agglomeration", 13, 15), ("jabodetabek", 13, 14)])
def test_no_share_of_an_incomplete_census_total(store, region_set, covered, total):
    frame = kependudukan.census_year(store, 2010, region_set)
    assert (frame["covered"] == covered).all() and (frame["total"] == total).all()
    assert frame["share_pct"].isna().all()
    assert frame["population"].isna().sum() == total - covered
    assert kependudukan.growth_coverage(frame) == (13, total)  # the 2010-2020 rate, whatever the year


def test_census_years_and_default(store):
    years = kependudukan.census_years(store, "agglomeration")
    assert years["year"].tolist() == [2010, 2020]
    assert years["regions_with_value"].tolist() == [13, 15]
    assert kependudukan.default_census_year(years, 2010) == 2010
    assert kependudukan.default_census_year(years, 2023) == 2020
    assert kependudukan.default_census_year(years, None) == 2020


def test_kpis_state_totals_only_when_complete(store):
    k2020 = {k.indicator.id: k for k in kependudukan.kpis(store, 2020, "agglomeration")}
    total = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].value.sum()
    assert k2020["population_census"].metro.value == pytest.approx(total)
    assert k2020["population_density_census"].metro.value == pytest.approx(total / REGIONS["area_km2"].sum())
    assert k2020["population_dukcapil"].year == 2024
    assert k2020["population_dukcapil"].metro.value == pytest.approx(
        OBS[(OBS.indicator_id == "population_dukcapil") & (OBS.year == 2024)].value.sum())
    est = k2020["population_estimate_bps"]
    assert est.year == 2023 and est.metro.value is None and est.metro.covered == 11
    assert est.value_text("id") == "belum lengkap"
    k2010 = {k.indicator.id: k for k in kependudukan.kpis(store, 2010, "agglomeration")}
    assert k2010["population_census"].metro.value is None
    assert "13 dari 15 wilayah" in k2010["population_census"].detail_text("id")


def test_flows_keep_group_totals_apart(store):
    frame = kependudukan.flows(store, "agglomeration", "id")
    assert len(frame) == len(FLOWS)
    groups = frame[frame["kind"] == "group"]
    assert set(groups["origin_code"]) == {"BODETABEK", "JABODETABEK", "DKI Jakarta"}
    assert set(frame.loc[frame["kind"] == "kabkota", "origin_code"]) <= set(REGIONS.index)
    table = kependudukan.flows_table(frame, "en")
    assert "published group total" in set(table["Row type"])


def test_sankey_links_itemised_origins_and_never_the_group_total_into_the_same_destination(store):
    flows = kependudukan.flows(store, "agglomeration", "id")
    sk = kependudukan.sankey(flows, store.query("regions", region_set="agglomeration"), "id")
    assert sk.year == 2014
    want = FLOWS[(FLOWS.year == 2014) & FLOWS.origin_code.str.fullmatch(r"\d{4}")]
    assert sorted(sk.itemised) == sorted(REGIONS.loc[want.origin_code, "short_name"])
    kab = [v for v, k in zip(sk.values, sk.link_kinds) if k == "kabkota"]
    assert sorted(kab) == sorted(want.value.astype(float))
    total = FLOWS[(FLOWS.origin_code == "BODETABEK") & (FLOWS.year == 2014)].value.iloc[0]
    assert sk.published_total == total
    assert total not in sk.values                      # not drawn: it would count the 3 origins twice
    assert sk.members == 8                             # 8 Bodetabek kab/kota
    groups = sorted(v for v, k in zip(sk.values, sk.link_kinds) if k == "group")
    assert groups == [249000.0, 1050000.0]
    fig = commuting_sankey(sk, "id")
    labels = fig.data[0].node.label
    assert any(label.startswith("Kota Bekasi: 359.531") for label in labels)
    assert "Penduduk DKI Jakarta" in labels            # no sum of two rounded totals on that node
    dest = [label for label in labels if label.startswith("DKI Jakarta (dari 3")]
    assert dest == [f"DKI Jakarta (dari 3 asal yang dirinci): {int(sum(kab)):,}".replace(",", ".")]
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "1.380.000" in texts and "3 dari 8" in fig.layout.title.text


def test_flow_values_2023_keep_the_published_total_apart(store):
    flows = kependudukan.flows(store, "jabodetabek", "en")
    values, year, total = kependudukan.flow_values(store, flows, "commuters_any_destination", "jabodetabek")
    assert year == 2023 and len(values) == 14
    got = values.dropna(subset=["value"]).set_index("region_code")["value"]
    want = FLOWS[(FLOWS.indicator_id == "commuters_any_destination") & FLOWS.origin_code.str.fullmatch(r"\d{4}")]
    assert got.to_dict() == dict(zip(want.origin_code, want.value.astype(float)))
    assert total == 4_410_000
    assert kependudukan.total_note(total, "en").startswith("Published Jabodetabek total 2023: 4,410,000")


def test_latest_values_and_commuting_facts(store):
    share, share_year = kependudukan.latest_values(store, "commuter_share_of_population", "agglomeration")
    cost, cost_year = kependudukan.latest_values(store, "commuters_daily_cost_over_25k_rp", "agglomeration")
    assert (share_year, cost_year) == (2023, 2023)
    assert share["value"].notna().sum() == 4 and cost["value"].notna().sum() == 13
    flows = kependudukan.flows(store, "agglomeration", "id")
    sk = kependudukan.sankey(flows, store.query("regions", region_set="agglomeration"), "id")
    count, _, _ = kependudukan.flow_values(store, flows, "commuters_any_destination", "agglomeration")
    facts = kependudukan.commuting_facts(sk, share, cost, count, "id")
    assert facts["itemised"] == 3 and facts["members"] == 8 and facts["total"] == "1.380.000"
    assert (facts["itemised_2023"], facts["share_n"], facts["cost_n"]) == (3, 4, 13)


def test_population_series_chart_never_joins_two_sources(store):
    frame = kependudukan.series(store, "agglomeration")
    fig = population_series(frame, "id")
    assert "ribu jiwa" in fig.layout.title.text
    assert fig.layout.xaxis.tickformat == "d"   # 2010, not 2.010
    assert len(fig.data) > 0
    for trace in fig.data:
        series = next(s for s in SERIES if trace.legendgroup == s)
        code = frame.loc[frame["short_name"] == _panel_title(fig, trace), "region_code"].iloc[0]
        want = {y: v for y, v in frame[(frame.region_code == code) & (frame.series == series)][["year", "value"]].itertuples(index=False)}
        got = {x: y for x, y in zip(trace.x, trace.y) if y is not None and not math.isnan(y)}
        assert got == pytest.approx({y: v / 1000 for y, v in want.items()})
        assert trace.connectgaps is False
    assert len({t.legendgroup for t in fig.data if t.showlegend}) == 3


def _panel_title(fig, trace):
    axis = "xaxis" + (trace.xaxis[1:] if trace.xaxis != "x" else "")
    domain = fig.layout[axis].domain
    centre = (domain[0] + domain[1]) / 2
    y_axis = "yaxis" + (trace.yaxis[1:] if trace.yaxis != "y" else "")
    top = fig.layout[y_axis].domain[1]
    titles = [a for a in fig.layout.annotations if a.xref == "paper" and a.yref == "paper"
              and abs(a.x - centre) < 1e-6 and abs(a.y - top) < 1e-6]
    return titles[0].text


def test_share_bar_lists_gaps_and_labels_shares(store):
    fig = census_share_bar(kependudukan.census_year(store, 2010, "agglomeration"), 2010, "en")
    bar = fig.data[0]
    assert len(bar.y) == 15 and list(bar.y[-2:]) != []
    assert "no shares computed" in fig.layout.title.text and "13 of 15 regions" in fig.layout.title.text
    assert sum(a.text == "no data" for a in fig.layout.annotations) == 2
    fig = census_share_bar(kependudukan.census_year(store, 2020, "agglomeration"), 2020, "en")
    assert fig.data[0].text[0] == "5,427,068 · 16.1%"
    # the longest label fits beside the longest bar in the half column's plot area (330 px)
    from jabodash.charts import HALF_LABEL_PLOT_PX
    bar_px = HALF_LABEL_PLOT_PX * max(fig.data[0].x) / fig.layout.xaxis.range[1]
    assert bar_px + 0.62 * 12 * len("5,427,068 · 16.1%") <= HALF_LABEL_PLOT_PX
