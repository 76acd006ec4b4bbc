"""Unit tests of the public services page's logic (jabodash.features.layanan) and charts
(jabodash.charts.layanan): the queries and functions, checked against data/*.csv."""

import pandas as pd
import pytest
from support.data import DKI, obs

from jabodash.charts.layanan import coverage_heatmap, services_ranking
from jabodash.core.catalog import get as ind
from jabodash.features import layanan


def test_per_100k_values_are_count_over_population_used(store):
    frame = layanan.values(store, "doctors_per_100k", 2020, "agglomeration").set_index("region_code")
    present = frame.dropna(subset=["value"])
    assert sorted(present.index) == DKI
    for code, row in present.iterrows():
        count, pop = obs(code, "doctors", 2020), obs(code, "population_census", 2020)
        assert row["numerator"] == count and row["population"] == pop
        assert row["population_series"] == "population_census"
        assert row["value"] == pytest.approx(count / pop * 100_000)
    assert frame.loc["3201", "value"] is None or pd.isna(frame.loc["3201", "value"])


def test_estimate_year_uses_the_bps_estimate_as_denominator(store):
    frame = layanan.values(store, "clinics_per_100k", 2023, "agglomeration").set_index("region_code")
    present = frame.dropna(subset=["value"])
    assert sorted(present.index) == ["3173", "3174", "3175"]
    for code, row in present.iterrows():
        assert row["population_series"] == "population_estimate_bps"
        assert row["value"] == pytest.approx(obs(code, "clinics", 2023) / obs(code, "population_estimate_bps", 2023) * 1e5)
    # DKI clinics exist for six units, but only three have a 2023 population figure
    assert frame.loc["3171", "numerator"] == obs("3171", "clinics", 2023) and pd.isna(frame.loc["3171", "value"])


def test_without_a_metro_value_the_median_is_the_labelled_reference(store):
    frame = layanan.values(store, "doctors_per_100k", 2020, "agglomeration")
    cmp = layanan.compare(store, ind("doctors_per_100k"), 2020, "agglomeration", frame)
    assert cmp.metro.value is None and (cmp.metro.covered, cmp.metro.total) == (6, 15)
    assert cmp.median == pytest.approx(frame["value"].dropna().median()) and cmp.median_n == 6
    assert cmp.dki_only and cmp.reference == cmp.median
    fig = services_ranking(frame, ind("doctors_per_100k"), 2020, "id", None, cmp.median, 6,
                                         layanan.source_line(frame, "id"))
    texts = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("median 6 wilayah (bukan metro)") for t in texts)
    assert not any(t.startswith("metro") for t in texts)
    assert any("diturunkan oleh jabodash dari github" in t for t in texts)
    table = layanan.table(frame, cmp, "en")
    row = table[table["Region"] == "Jakarta Pusat"].iloc[0]
    assert row["Difference from reference"] == pytest.approx(round(row["Per 100,000 people"] - cmp.median, 2), abs=0.011)
    assert row["Population series"] == "Census 2020"


def test_too_few_regions_give_no_reference(store):
    frame = layanan.values(store, "clinics_per_100k", 2024, "agglomeration")
    cmp = layanan.compare(store, ind("clinics_per_100k"), 2024, "agglomeration", frame)
    assert cmp.metro.value is None and cmp.median is None and cmp.reference is None
    assert not cmp.dki_only
    assert layanan.table(frame, cmp, "id")["Selisih terhadap pembanding"].isna().all()


class CompleteStore:
    """The real store, but every region has numerator and denominator (a complete metro)."""

    def __init__(self, store):
        self.store = store

    def query(self, name, **params):
        frame = self.store.query(name, **params)
        if name == "ratio_parts":
            frame = frame.fillna({"numerator": 10.0, "denominator": 100_000.0})
        return frame


def test_with_a_complete_metro_the_metro_value_is_the_reference(store):
    frame = layanan.values(store, "doctors_per_100k", 2020, "agglomeration")
    cmp = layanan.compare(CompleteStore(store), ind("doctors_per_100k"), 2020, "agglomeration", frame)
    assert cmp.metro.value is not None and cmp.median is None and cmp.reference == cmp.metro.value
    kpis = layanan.kpi_texts(cmp, ind("doctors_per_100k"), frame, 2020, "en")
    assert kpis[1][1] != "not available" and kpis[2][1] == "–"


def test_coverage_lists_every_per_100k_indicator(store):
    cov = layanan.coverage(store, "agglomeration")
    assert set(cov["indicator_id"]) == {i.id for i in layanan.per_100k_indicators()}
    opts = layanan.options(cov)
    most = cov.groupby("indicator_id")["regions_with_value"].max()
    assert set(opts) == set(most[most > 0].index) and opts[0] == "puskesmas_per_100k"
    names = {i.id: i.name("en") for i in layanan.per_100k_indicators()}
    assert set(layanan.without_data(cov, "en")) == {names[i] for i in most[most == 0].index}
    # an indicator without any figure is not offered, and is named as without data
    none = cov.assign(regions_with_value=cov["regions_with_value"].where(cov.indicator_id != "hospitals_rsud_per_100k", 0))
    assert "hospitals_rsud_per_100k" not in layanan.options(none)
    assert "RSUD hospitals per 100,000 population" in layanan.without_data(none, "en")
    doctors = cov[cov.indicator_id == "doctors_per_100k"].iloc[0]
    assert (doctors["year"], doctors["regions_with_value"], bool(doctors["dki_only"])) == (2020, 6, True)
    assert layanan.pick(opts, "poverty_rate") == "doctors_per_100k"
    assert layanan.pick(opts, "nurses_per_100k") == "nurses_per_100k"
    fig = coverage_heatmap(cov, "id")
    assert "RSUD/100rb" in list(fig.data[0].y)
    row = list(fig.data[0].y).index("Dokter/100rb")
    assert fig.data[0].text[row][list(fig.data[0].x).index("2020")] == "6*"
