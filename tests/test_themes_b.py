"""Unit tests of the compare and data-methods modules, their queries and chart builders.

Scaling, ranks, z-scores and distances are checked against hand-computed values; the queries
against data/observations.csv read independently with pandas.
"""
import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from jabodash.charts import png_config
from jabodash.charts.bandingkan import profile_chart, rank_heatmap, similar_chart, small_multiples
from jabodash.charts.data import coverage_matrix, coverage_years
from jabodash.core.catalog import load_catalog
from jabodash.core.i18n import strings
from jabodash.core.paths import DATA_DIR, ROOT
from jabodash.features import bandingkan as compare
from jabodash.features import data as methods

OBS = pd.read_csv(DATA_DIR / "observations.csv", dtype={"region_code": str})
REGIONS = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str})
CAT = load_catalog()


def obs(region, indicator, year):
    row = OBS[(OBS.region_code == region) & (OBS.indicator_id == indicator) & (OBS.year == year)]
    assert len(row) == 1
    return float(row.value.iloc[0])


# --- scaling and ranks (hand-computed) ------------------------------------------------------

def test_scale_min_max_with_direction():
    v = pd.Series([10.0, 20.0, 40.0])
    assert compare.scale(v, True).tolist() == pytest.approx([0.0, 1 / 3, 1.0])
    assert compare.scale(v, False).tolist() == pytest.approx([1.0, 2 / 3, 0.0])
    # neutral: not flipped
    assert compare.scale(v, None).tolist() == pytest.approx([0.0, 1 / 3, 1.0])


def test_scale_keeps_gaps_and_handles_no_spread():
    out = compare.scale(pd.Series([10.0, np.nan, 30.0]), True)
    assert out[0] == 0.0 and math.isnan(out[1]) and out[2] == 1.0
    assert compare.scale(pd.Series([5.0, 5.0]), True).tolist() == [0.5, 0.5]
    one = compare.scale(pd.Series([np.nan, 7.0]), False)
    assert math.isnan(one[0]) and one[1] == 0.5


def test_rank_best_first_ties_share():
    v = pd.Series([10.0, 20.0, 20.0, 40.0, np.nan])
    assert compare.rank(v, True).tolist()[:4] == [4, 2, 2, 1]
    assert compare.rank(v, False).tolist()[:4] == [1, 2, 2, 4]
    assert compare.rank(v, None).tolist()[:4] == [4, 2, 2, 1]  # neutral: highest first
    assert math.isnan(compare.rank(v, True)[4])


def _frame(rows):
    return pd.DataFrame(rows, columns=["indicator_id", "region_code", "short_name", "year", "value"])


def test_profile_years_most_chosen_then_most_in_set_then_latest():
    data = _frame([
        ("ipm", "A", "A", 2019, 1), ("ipm", "B", "B", 2019, 2), ("ipm", "C", "C", 2019, 3),
        ("ipm", "A", "A", 2021, 1), ("ipm", "B", "B", 2021, 2),
        ("poverty_rate", "A", "A", 2020, 1), ("poverty_rate", "B", "B", 2020, 2),
        ("poverty_rate", "A", "A", 2022, 1), ("poverty_rate", "C", "C", 2022, 2),
        # density: chosen A and B both in 2018 and 2020; 2018 has more regions of the set
        ("population_density_census", "A", "A", 2018, 1), ("population_density_census", "B", "B", 2018, 1),
        ("population_density_census", "D", "D", 2018, 1),
        ("population_density_census", "A", "A", 2020, 1), ("population_density_census", "B", "B", 2020, 1),
    ])
    assert compare.profile_years(data, ["A", "B", "C"]) == {"ipm": 2019, "poverty_rate": 2022,
                                                            "population_density_census": 2018}
    # only A and B chosen: ipm 2019 and 2021 tie on chosen (2), 2019 has more of the set
    assert compare.profile_years(data, ["A", "B"])["ipm"] == 2019
    assert compare.profile_years(data, ["A", "C"])["poverty_rate"] == 2022


SET = {"A": "Aa", "B": "Bb", "C": "Cc", "D": "Dd"}


def test_profile_scaled_and_ranked_within_the_region_set():
    # set of four regions A-D, A and C chosen. ipm higher is better, poverty lower is better,
    # density neutral; C has no poverty figure; D (not chosen) sets the ipm maximum.
    data = _frame([
        ("ipm", "A", "Aa", 2024, 70.0), ("ipm", "B", "Bb", 2024, 80.0), ("ipm", "C", "Cc", 2024, 75.0),
        ("ipm", "D", "Dd", 2024, 90.0),
        ("poverty_rate", "A", "Aa", 2024, 10.0), ("poverty_rate", "B", "Bb", 2024, 4.0),
        ("poverty_rate", "D", "Dd", 2024, 6.0),
        ("population_density_census", "A", "Aa", 2020, 1000.0), ("population_density_census", "B", "Bb", 2020, 3000.0),
        ("population_density_census", "C", "Cc", 2020, 1500.0),
    ])
    prof = compare.profile(data, ["C", "A"], ["ipm", "poverty_rate", "population_density_census"], SET)
    assert prof[prof.indicator_id == "ipm"]["region_code"].tolist() == ["C", "A", "B", "D"]  # chosen first
    assert prof[prof.chosen]["region_code"].unique().tolist() == ["C", "A"]
    p = prof.set_index(["indicator_id", "region_code"])
    # ipm: min 70 (A), max 90 (D): C = (75-70)/20
    assert p.loc[("ipm", "A"), "score"] == 0.0 and p.loc[("ipm", "D"), "score"] == 1.0
    assert p.loc[("ipm", "C"), "score"] == pytest.approx(0.25)
    assert p.loc[("ipm", "C"), "rank"] == 3 and p.loc[("ipm", "A"), "rank"] == 4 and p.loc[("ipm", "D"), "rank"] == 1
    assert p.loc[("ipm", "A"), "covered"] == 4 and p.loc[("ipm", "A"), "total"] == 4
    assert p.loc[("ipm", "A"), "chosen_covered"] == 2
    # poverty, lower is better: min 4 (B) -> 1, max 10 (A) -> 0, D 6 -> 1 - (6-4)/6
    assert p.loc[("poverty_rate", "B"), "score"] == 1.0 and p.loc[("poverty_rate", "A"), "score"] == 0.0
    assert p.loc[("poverty_rate", "D"), "score"] == pytest.approx(2 / 3)
    assert p.loc[("poverty_rate", "B"), "rank"] == 1 and p.loc[("poverty_rate", "A"), "rank"] == 3
    assert math.isnan(p.loc[("poverty_rate", "C"), "value"]) and math.isnan(p.loc[("poverty_rate", "C"), "score"])
    assert pd.isna(p.loc[("poverty_rate", "C"), "rank"])
    assert p.loc[("poverty_rate", "A"), "covered"] == 3 and p.loc[("poverty_rate", "A"), "chosen_covered"] == 1
    # neutral: unflipped (highest = 1), ranked highest first, marked; D has no density
    assert p.loc[("population_density_census", "C"), "score"] == pytest.approx(0.25)
    assert p.loc[("population_density_census", "B"), "score"] == 1.0
    assert p.loc[("population_density_census", "C"), "rank"] == 2
    assert set(p.xs("population_density_census")["direction"]) == {"neutral"}
    assert set(p.xs("poverty_rate")["direction"]) == {"lower"}
    assert p.loc[("population_density_census", "A"), "year"] == 2020


def test_profile_indicator_without_any_figure_is_all_gaps():
    prof = compare.profile(_frame([("ipm", "A", "A", 2024, 1.0)]), ["A", "B"], ["ipm", "poverty_rate"],
                           {"A": "A", "B": "B"})
    pov = prof[prof.indicator_id == "poverty_rate"]
    assert pov["value"].isna().all() and pov["score"].isna().all() and (pov["covered"] == 0).all()
    assert pov["year"].isna().all()
    assert prof[prof.indicator_id == "ipm"].set_index("region_code").loc["A", "score"] == 0.5  # nothing to scale against


def test_table_formats_numbers_ranks_and_gaps():
    data = _frame([("ipm", "A", "Aa", 2024, 70.5), ("ipm", "B", "Bb", 2024, 1234.5), ("ipm", "D", "Dd", 2024, 99.0)])
    prof = compare.profile(data, ["A", "B", "C"], ["ipm"], SET)
    table = compare.table(prof, "id")
    assert list(table.columns) == ["Indikator", "Satuan", "Tahun", "Wilayah berdata (cakupan)", "Aa", "Bb", "Cc"]
    row = table.iloc[0]
    assert row["Aa"] == "70,50 (#3/3)" and row["Bb"] == "1.234,50 (#1/3)"
    assert row["Cc"] == "tidak ada data"
    assert row["Tahun"] == "2024" and row["Wilayah berdata (cakupan)"] == "3/4"
    row_en = compare.table(prof, "en").iloc[0]
    assert row_en["Bb"] == "1,234.50 (#1/3)" and row_en["Cc"] == "no data"


def test_for_regions_keeps_the_chosen():
    data = _frame([("ipm", "A", "A", 2024, 1.0), ("ipm", "B", "B", 2024, 2.0), ("ipm", "C", "C", 2024, 3.0)])
    assert compare.for_regions(data, ["C", "A"])["region_code"].tolist() == ["A", "C"]


# --- z-scores and similar regions (hand-computed) ----------------------------------------------

def test_zscores_population_sd_and_dropped_indicators():
    values = pd.DataFrame({
        "indicator_id": ["x", "x", "x", "flat", "flat", "one"],
        "region_code": ["A", "B", "C", "A", "B", "A"],
        "short_name": ["A", "B", "C", "A", "B", "A"],
        "value": [1.0, 2.0, 3.0, 5.0, 5.0, 9.0],
    })
    z = compare.zscores(values)
    assert set(z.indicator_id) == {"x"}
    assert z.set_index("region_code")["z"].tolist() == pytest.approx([-math.sqrt(1.5), 0.0, math.sqrt(1.5)])


def _z(rows):
    return pd.DataFrame(rows, columns=["region_code", "indicator_id", "z"]).assign(short_name=lambda d: d.region_code)


def test_similar_regions_rms_on_shared_indicators_only():
    z = _z([
        ("A", "x", 0.0), ("A", "y", 0.0), ("A", "w", 0.0),
        ("B", "x", 1.0), ("B", "y", 1.0), ("B", "w", 1.0),
        ("C", "x", 0.0), ("C", "y", 2.0),                      # w missing: only 2 shared
        ("D", "x", 3.0), ("D", "y", 0.0), ("D", "w", 0.0),
    ])
    out = compare.similar_regions(z, "A", min_shared=3)
    assert out["region_code"].tolist() == ["B", "D", "C"]
    assert out["distance"].tolist()[:2] == pytest.approx([1.0, math.sqrt(3.0)])
    assert math.isnan(out["distance"].iloc[2]) and out["shared"].iloc[2] == 2
    assert out["indicators"].iloc[0] == ("w", "x", "y") and out["indicators"].iloc[2] == ("x", "y")
    relaxed = compare.similar_regions(z, "A", min_shared=2)
    assert relaxed.set_index("region_code").loc["C", "distance"] == pytest.approx(math.sqrt(2.0))
    assert compare.similar_regions(z, "nowhere").empty


def test_similar_regions_against_the_data(store):
    """Recompute from observations.csv: z over the 15 regions, RMS over shared indicators."""
    inds = ["ipm", "poverty_rate", "population_census"]
    values = compare.set_values(store.query, "agglomeration", inds)
    years = compare.years_used(values)
    assert years == {"ipm": (2024, 15), "poverty_rate": (2024, 15), "population_census": (2020, 15)}
    wide = {}
    for ind, (year, _) in years.items():
        v = OBS[(OBS.indicator_id == ind) & (OBS.year == year)].set_index("region_code")["value"]
        wide[ind] = (v - v.mean()) / v.std(ddof=0)
    wide = pd.DataFrame(wide)
    expected = ((wide - wide.loc["3171"]) ** 2).mean(axis=1).pow(0.5).drop("3171").sort_values()
    got = compare.similar_regions(compare.zscores(values), "3171")
    assert got["region_code"].tolist() == expected.index.tolist()
    assert got["distance"].tolist() == pytest.approx(expected.tolist())
    assert (got["shared"] == 3).all()


def test_set_values_year_needs_min_regions(store):
    values = compare.set_values(store.query, "agglomeration", ["unemployment_rate_tpt", "smart_city_index_ikci_score"])
    counts = OBS[OBS.indicator_id == "unemployment_rate_tpt"].groupby("year").size()
    year = int(counts[counts >= compare.SIMILAR_MIN_REGIONS].index.max())
    assert set(values.year) == {year}
    assert len(values) == counts[year]
    assert "smart_city_index_ikci_score" not in set(values.indicator_id)  # 1 region only
    used, left_out = compare.similar_summary(values, compare.zscores(values),
                                             ["unemployment_rate_tpt", "smart_city_index_ikci_score"], "en")
    assert used == [f"Unemployment ({year}, {counts[year]} regions)"]
    assert left_out == ["IKCI score: no year with data for at least 5 regions"]


# --- selection --------------------------------------------------------------------------------

def test_selection_problems():
    assert compare.selection_problem(["3171"], ["ipm"])[0] == "compare.too_few_regions"
    assert compare.selection_problem(list("123456"), ["ipm"])[0] == "compare.too_many_regions"
    assert compare.selection_problem(["a", "b"], [])[0] == "compare.no_indicators"
    assert compare.selection_problem(["a", "b"], [str(i) for i in range(10)])[0] == "compare.too_many_indicators"
    assert compare.selection_problem(["a", "b", "c", "d", "e"], ["ipm"]) is None


def test_initial_choices_and_session_cleanup():
    options = ["3171", "3201", "3276", "3203"]
    assert compare.initial_regions(("3203", "9999"), options) == ["3203"]
    assert compare.initial_regions((), options) == ["3171", "3276", "3201"]
    assert compare.initial_indicators("poverty_rate", ["ipm", "poverty_rate", "unemployment_rate_tpt"]) == \
        ["poverty_rate", "ipm", "unemployment_rate_tpt"]
    assert compare.initial_indicators("population_census", ["ipm", "population_census"]) == ["ipm"]
    session = {}
    compare.init_choice(session, "k", options, ["3171", "3203"])
    assert session["k"] == ["3171", "3203"]
    compare.init_choice(session, "k", ["3171"], ["3276"])  # region set changed: Cianjur gone
    assert session["k"] == ["3171"]


def test_outside_set_names():
    assert compare.outside_set(("3171", "3203"), {"3171": "Jakarta Selatan"},
                               {"3171": "Jakarta Selatan", "3203": "Kab. Cianjur"}) == ["Kab. Cianjur"]


# --- queries against the data -----------------------------------------------------------------

def test_cmp_series_has_only_existing_figures(store):
    full = compare.series(store.query, "jabodetabek", ["population_census", "ipm"])
    in_set = OBS.region_code != "3203"
    assert len(full) == (in_set & OBS.indicator_id.isin(["population_census", "ipm"])).sum()
    assert "3203" not in set(full.region_code)
    data = compare.for_regions(full, ["3101", "3171"])
    expected = OBS[OBS.region_code.isin(["3101", "3171"]) & OBS.indicator_id.isin(["population_census", "ipm"])]
    assert len(data) == len(expected)
    assert data["value"].notna().all()
    # Kep. Seribu has no SP2010 final count: no row, not a zero
    assert data[(data.region_code == "3101") & (data.indicator_id == "population_census")]["year"].tolist() == [2020]
    got = data.set_index(["region_code", "indicator_id", "year"])["value"]
    assert got[("3171", "ipm", 2024)] == obs("3171", "ipm", 2024)


def test_meta_catalog_coverage(store):
    agg = methods.catalog(store.query, "agglomeration").set_index("id")
    jab = methods.catalog(store.query, "jabodetabek").set_index("id")
    assert len(agg) == len(CAT)
    assert agg.loc["ipm", "max_regions"] == 15 and jab.loc["ipm", "max_regions"] == 14
    assert list(agg.loc["ipm", "years"]) == sorted(OBS[OBS.indicator_id == "ipm"].year.unique().tolist())
    assert agg.loc["ipm", "figures"] == (OBS.indicator_id == "ipm").sum()
    assert agg.loc["commuters_to_destination", "flow_rows"] > 0
    assert (agg["regions_in_set"] == 15).all()


def test_meta_coverage_matrix_counts(store):
    cov = methods.coverage(store.query, "agglomeration")
    non_flow = [i for i, ind in CAT.items() if ind.kind != "flow"]
    assert len(cov) == len(non_flow) * 15
    c = cov.set_index(["indicator_id", "region_code"])
    for ind, region in (("ipm", "3171"), ("population_census", "3101"), ("poor_population", "3271")):
        n = ((OBS.indicator_id == ind) & (OBS.region_code == region)).sum()
        assert c.loc[(ind, region), "years_with_value"] == n
    assert list(c.loc[("population_census", "3101"), "years"]) == [2020]
    assert c.loc[("hospitals_rsud_per_100k", "3171"), "years_with_value"] == 0  # a gap stays a row
    summary = methods.coverage_summary(cov)
    assert summary["filled"] + summary["empty"] == len(cov) and summary["regions"] == 15
    limited = methods.coverage(store.query, "jabodetabek", ["ipm"])
    assert len(limited) == 14


def test_meta_sources_of_observed_and_derived(store):
    ipm = methods.sources(store.query, "ipm")
    assert ipm["figures"].sum() == (OBS.indicator_id == "ipm").sum()
    assert set(ipm["dataset_id"]) == set(OBS[OBS.indicator_id == "ipm"].dataset_id)
    # derived per 100,000: the doctors rows used and the population figures of the same regions and years
    doc = methods.sources(store.query, "doctors_per_100k")
    used = store.query("meta_indicator_data", indicator_id="doctors_per_100k", region_set="agglomeration")
    inputs = {i for row in doc["indicators"] for i in row}
    assert inputs <= {"doctors", "population_census", "population_estimate_bps"}
    assert doc["figures"].sum() == 2 * len(used)
    # density: census counts of every year plus the official area of every region with a density
    dens = methods.sources(store.query, "population_density_census")
    n_dens = len(store.query("meta_indicator_data", indicator_id="population_density_census", region_set="agglomeration"))
    assert dens["figures"].sum() == n_dens + 15
    assert methods.sources(store.query, "hospitals_rsud_per_100k").empty


def test_indicator_data_and_flows(store):
    ipm = methods.indicator_data(store.query, CAT["ipm"], "jabodetabek")
    assert set(ipm.region_code) <= set(REGIONS[REGIONS.in_jabodetabek].code)
    assert len(ipm) == ((OBS.indicator_id == "ipm") & (OBS.region_code != "3203")).sum()
    assert {"source", "source_url", "license"} <= set(ipm.columns)
    flows = methods.indicator_data(store.query, CAT["commuters_to_destination"], "agglomeration")
    assert len(flows) > 0 and set(flows.indicator_id) == {"commuters_to_destination"}


# --- catalog search and views -------------------------------------------------------------------

def test_search_words_both_languages_and_themes(store):
    full = methods.catalog(store.query, "agglomeration")
    hits = methods.search(full, "kemiskinan")
    assert "poverty_rate" in set(hits.id) and "ipm" not in set(hits.id)
    assert set(methods.search(full, "POVERTY rate").id) >= {"poverty_rate"}
    both = methods.search(full, "dokter 100.000")
    assert set(both.id) == {"doctors_per_100k"}
    assert set(methods.search(full, "", ["ekonomi"]).theme) == {"ekonomi"}
    assert methods.search(full, "zzzz-nothing").empty
    assert len(methods.search(full, "  ")) == len(full)


def test_catalog_and_sources_views(store):
    full = methods.catalog(store.query, "agglomeration")
    view = methods.catalog_view(full, "en").set_index("Code")
    assert view.loc["ipm", "Widest coverage"] == "15 of 15 regions"
    assert view.loc["commuters_to_destination", "Kind"] == "flow"
    assert view.loc["population_census", "Years"] == "2010, 2020"
    src = methods.sources_view(methods.sources(store.query, "ipm"), "id")
    assert list(src.columns) == ["Sumber", "Tautan", "Lisensi", "Angka", "Tahun", "Indikator"]
    links = src["Tautan"].dropna()
    assert len(links) and links.str.match(r"https?://").all()
    ds = methods.datasets_view(store.query("datasets"), "en")
    assert ds["Link"].dropna().str.match(r"https?://").all()


def test_details_include_formula_for_derived():
    rows = dict(methods.details(CAT["doctors_per_100k"], "en"))
    assert rows["Formula"] == CAT["doctors_per_100k"].formula_en
    assert rows["Kind"] == "derived" and "Definition" in rows and "Unit" in rows
    assert "Formula" not in dict(methods.details(CAT["ipm"], "en"))


# --- boundaries ----------------------------------------------------------------------------------

def test_boundary_info_absent_and_present(monkeypatch, tmp_path):
    from jabodash.geo import boundaries

    monkeypatch.setattr(boundaries, "attribution", lambda level: None)
    infos = methods.boundary_info()
    assert [i.present for i in infos] == [False, False]
    assert methods.boundary_lines(infos[0], "en") == ["Regencies/cities: no boundaries in the cache."]

    class Fake:
        attribution = "BIG (Badan Informasi Geospasial)"
        meta = {"source": "BIG ArcGIS REST", "licence": "BIG terms of use", "fetched_at": "2026-01-02"}
        gdf = [1] * 15

    monkeypatch.setattr(boundaries, "attribution", lambda level: Fake.attribution if level == "kabkota" else None)
    monkeypatch.setattr(boundaries, "load_cached", lambda level: Fake() if level == "kabkota" else None)
    infos = methods.boundary_info()
    assert [i.present for i in infos] == [True, False]
    lines = methods.boundary_lines(infos[0], "id")
    assert lines[0] == "Kabupaten/kota: 15 wilayah di cache."
    assert "Atribusi: BIG (Badan Informasi Geospasial)" in lines and "Diambil: 2026-01-02" in lines


def test_boundary_info_never_raises(monkeypatch):
    from jabodash.geo import boundaries

    def broken(level):
        raise OSError("disk gone")

    monkeypatch.setattr(boundaries, "attribution", broken)
    assert [i.present for i in methods.boundary_info()] == [False, False]


# --- charts ---------------------------------------------------------------------------------------

def _arr(v):
    """Plotly arrays as lists (plotly 6+ may encode numpy arrays as typed 'bdata')."""
    if isinstance(v, dict) and "bdata" in v:
        import base64
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v) if v is not None else []


def _fig_json(fig):
    return json.loads(fig.to_json())


def test_small_multiples_gaps_units_coverage(store):
    regions = ["3101", "3171", "3276"]
    names = {"3101": "Kepulauan Seribu", "3171": "Jakarta Selatan", "3276": "Depok"}
    inds = ["population_census", "ipm"]
    data = compare.for_regions(compare.series(store.query, "agglomeration", inds), regions)
    fig = small_multiples(data, regions, names, inds, "en")
    assert len(fig.data) == len(regions) * len(inds)
    seribu_pop = next(tr for tr in fig.data if tr.name == "Kepulauan Seribu" and tr.xaxis == "x")
    assert list(seribu_pop.x) == [2010, 2020]
    assert math.isnan(seribu_pop.y[0]) and seribu_pop.y[1] == obs("3101", "population_census", 2020)
    assert seribu_pop.connectgaps is False
    titles = [a.text for a in fig.layout.annotations]
    assert any("Census population" in a and "persons" in a and "3 of 3 regions" in a for a in titles)
    assert any(a.startswith("Source:") for a in titles)
    assert "2010–2024" in fig.layout.title.text
    assert sum(tr.showlegend is not False for tr in fig.data) == len(regions)


def test_profile_and_rank_charts(store):
    regions = ["3171", "3276", "3201"]
    inds = ["ipm", "poverty_rate", "population_density_census"]
    names = dict(zip(REGIONS.code, REGIONS.short_name))
    data = compare.series(store.query, "agglomeration", inds)
    prof = compare.profile(data, regions, inds, names)
    fig = profile_chart(prof, regions, "en", compare.rows_used(data, prof))
    js = _fig_json(fig)
    labels = js["layout"]["yaxis"]["ticktext"]
    assert labels == ["HDI 2024", "Poverty 2024 (lower is better)", "Density (census) 2020 (neutral)"]
    points = [tr for tr in js["data"] if tr.get("showlegend") is False]
    symbols = {s for tr in points for s in _arr(tr["marker"]["symbol"])}
    assert symbols == {"circle", "circle-open"}
    others = js["data"][0]
    assert others["name"] == "other regions of the set" and len(_arr(others["x"])) == 3 * 15 - 3 * 3
    # scaled within the 15 regions: the chosen regions' scores equal a min-max over the set
    ipm = OBS[(OBS.indicator_id == "ipm") & (OBS.year == 2024)].set_index("region_code")["value"]
    expected = (ipm["3276"] - ipm.min()) / (ipm.max() - ipm.min())
    depok = next(tr for tr in points if tr["name"] == "Depok")
    assert _arr(depok["x"])[0] == pytest.approx(expected)  # points in indicator order: ipm first
    assert "3 of 3 chosen regions with data" in fig.layout.title.text
    assert "among the 15 regions" in fig.layout.title.text
    heat = rank_heatmap(prof, regions, "en")
    ranks = heat.data[1]
    assert list(ranks.x) == ["Jakarta Selatan", "Depok", "Kab. Bogor"]
    order = ipm.rank(ascending=False, method="min")
    assert list(ranks.text[0]) == [f"#{int(order[c])} of 15" for c in regions]


def test_rank_heatmap_marks_gaps():
    data = _frame([("ipm", "A", "Aa", 2024, 70.0), ("ipm", "B", "Bb", 2024, 80.0)])
    prof = compare.profile(data, ["A", "B", "C"], ["ipm"], {"A": "Aa", "B": "Bb", "C": "Cc"})
    heat = rank_heatmap(prof, ["A", "B", "C"], "id")
    assert "Peringkat dalam cakupan wilayah" in heat.layout.title.text
    gaps, ranks = heat.data
    assert list(gaps.z[0]) == [None, None, 1] and gaps.texttemplate == "tidak ada data"
    assert list(ranks.text[0]) == ["#2 dari 2", "#1 dari 2", ""]


def test_similar_chart_lists_too_few():
    similar = pd.DataFrame({"region_code": ["B", "C"], "short_name": ["Bb", "Cc"], "distance": [0.5, np.nan],
                            "shared": [3, 1], "indicators": [("a", "b", "c"), ("a",)]})
    fig = similar_chart(similar, "Aa", 3, "en")
    assert list(fig.data[0].y) == ["Bb (3 indicators)"]
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "Too few shared indicators, not compared: Cc" in texts
    assert "1 of 2 regions could be compared" in fig.layout.title.text


def test_coverage_charts(store):
    cov = methods.coverage(store.query, "agglomeration", ["population_census", "ipm"])
    fig = coverage_matrix(cov, "en")
    gaps, counts = fig.data
    assert list(counts.y) == ["Census population · Population", "HDI · Population"]
    seribu = list(counts.x).index("Kepulauan Seribu")
    assert counts.z[0][seribu] == 1 and counts.z[1][seribu] == (OBS[(OBS.indicator_id == "ipm") & (OBS.region_code == "3101")].shape[0])
    regions = store.query("regions", region_set="agglomeration")
    data = methods.indicator_data(store.query, CAT["population_census"], "agglomeration")
    years = coverage_years(data, regions, CAT["population_census"], "id")
    gaps, present = years.data
    assert list(present.x) == ["2010<br>13/15", "2020<br>15/15"]
    row = list(present.y).index("Kepulauan Seribu")
    assert gaps.z[row][0] == 1 and present.z[row][0] is None
    assert present.text[row][1] == "27.749"
    assert "jiwa" in years.layout.title.text and "15 dari 15 wilayah" in years.layout.title.text


def test_plotly_config_png():
    cfg = png_config("x")
    assert cfg["toImageButtonOptions"]["format"] == "png" and cfg["toImageButtonOptions"]["filename"] == "x"


def test_wrapped_source_lines():
    from jabodash.charts import wrap_lines
    assert wrap_lines("a; b; c", width=4) == ["a; b;", "c"]
    assert wrap_lines("short") == ["short"]
    # a source longer than the width on its own is broken between words
    assert wrap_lines("Sumber: one two three; four", width=12) == ["Sumber: one", "two three;", "four"]


# --- strings and SQL --------------------------------------------------------------------------------

MY_FILES = ["jabodash/features/bandingkan.py", "jabodash/features/data.py", "jabodash/charts/bandingkan.py",
            "jabodash/charts/data.py", "pages/bandingkan.py", "pages/data.py"]


def test_every_used_key_exists_in_both_languages():
    keys = set()
    for name in MY_FILES:
        text = (ROOT / name).read_text(encoding="utf-8")
        keys |= set(re.findall(r"""t\(\s*f?["']([a-z_]+(?:\.[a-z_{}]+)+)["']""", text))
    # expand the f-string families used in the modules
    expanded = set()
    for key in keys:
        if "{" in key:
            for real in strings("id"):
                if re.fullmatch(re.sub(r"\\\{[^}]*\\\}", "[a-z_]+", re.escape(key)), real):
                    expanded.add(real)
        else:
            expanded.add(key)
    assert len(expanded) > 40
    for lang in ("id", "en"):
        missing = sorted(k for k in expanded if k not in strings(lang))
        assert not missing, (lang, missing)


def test_compare_and_methods_strings_complete_in_both_languages():
    id_keys = {k for k in strings("id") if k.startswith(("compare.", "methods."))}
    en_keys = {k for k in strings("en") if k.startswith(("compare.", "methods."))}
    assert id_keys == en_keys and len(id_keys) > 100
    same = [k for k in id_keys if strings("id")[k] == strings("en")[k]]
    assert len(same) < 5, same  # translated, not copied


def test_my_sql_files_use_named_parameters_only():
    for path in sorted((ROOT / "queries").glob("*.sql")):
        if not path.name.startswith(("cmp_", "meta_")):
            continue
        sql = path.read_text(encoding="utf-8")
        assert "{" not in sql and "%s" not in sql and "?" not in sql, path.name
        assert sql.lstrip().startswith("--"), f"{path.name} starts with a comment saying what it does"


def test_pages_stay_thin():
    for name in ("pages/bandingkan.py", "pages/data.py"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert len(text.splitlines()) < 120
        assert "import pandas" not in text and "import plotly" not in text and "update_layout" not in text
        assert not re.search(r"\bSELECT\b|\bFROM\b", text), "no SQL in pages"
        assert "ui.page_setup(" in text and text.rstrip().endswith(")") and "ui.sync_url(state)" in text
