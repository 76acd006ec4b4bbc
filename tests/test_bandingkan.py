"""Unit tests of the compare page's logic (jabodash.features.bandingkan), its queries and
chart builders (jabodash.charts.bandingkan).

Scaling, ranks, z-scores and distances are checked against hand-computed values; the queries
against data/observations.csv read independently with pandas.
"""
import json
import math

import numpy as np
import pandas as pd
import pytest
from support.data import OBS
from support.data import REGIONS as REGIONS
from support.data import obs_exact as obs

from jabodash.charts.bandingkan import profile_chart, rank_heatmap, similar_chart, small_multiples
from jabodash.features import bandingkan

# --- scaling and ranks (hand-computed) ------------------------------------------------------

def test_scale_min_max_with_direction():
    v = pd.Series([10.0, 20.0, 40.0])
    assert bandingkan.scale(v, True).tolist() == pytest.approx([0.0, 1 / 3, 1.0])
    assert bandingkan.scale(v, False).tolist() == pytest.approx([1.0, 2 / 3, 0.0])
    # neutral: not flipped
    assert bandingkan.scale(v, None).tolist() == pytest.approx([0.0, 1 / 3, 1.0])


def test_scale_keeps_gaps_and_handles_no_spread():
    out = bandingkan.scale(pd.Series([10.0, np.nan, 30.0]), True)
    assert out[0] == 0.0 and math.isnan(out[1]) and out[2] == 1.0
    assert bandingkan.scale(pd.Series([5.0, 5.0]), True).tolist() == [0.5, 0.5]
    one = bandingkan.scale(pd.Series([np.nan, 7.0]), False)
    assert math.isnan(one[0]) and one[1] == 0.5


def test_rank_best_first_ties_share():
    v = pd.Series([10.0, 20.0, 20.0, 40.0, np.nan])
    assert bandingkan.rank(v, True).tolist()[:4] == [4, 2, 2, 1]
    assert bandingkan.rank(v, False).tolist()[:4] == [1, 2, 2, 4]
    assert bandingkan.rank(v, None).tolist()[:4] == [4, 2, 2, 1]  # neutral: highest first
    assert math.isnan(bandingkan.rank(v, True)[4])


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
    assert bandingkan.profile_years(data, ["A", "B", "C"]) == {"ipm": 2019, "poverty_rate": 2022,
                                                            "population_density_census": 2018}
    # only A and B chosen: ipm 2019 and 2021 tie on chosen (2), 2019 has more of the set
    assert bandingkan.profile_years(data, ["A", "B"])["ipm"] == 2019
    assert bandingkan.profile_years(data, ["A", "C"])["poverty_rate"] == 2022


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
    prof = bandingkan.profile(data, ["C", "A"], ["ipm", "poverty_rate", "population_density_census"], SET)
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
    prof = bandingkan.profile(_frame([("ipm", "A", "A", 2024, 1.0)]), ["A", "B"], ["ipm", "poverty_rate"],
                           {"A": "A", "B": "B"})
    pov = prof[prof.indicator_id == "poverty_rate"]
    assert pov["value"].isna().all() and pov["score"].isna().all() and (pov["covered"] == 0).all()
    assert pov["year"].isna().all()
    assert prof[prof.indicator_id == "ipm"].set_index("region_code").loc["A", "score"] == 0.5  # nothing to scale against


def test_table_formats_numbers_ranks_and_gaps():
    data = _frame([("ipm", "A", "Aa", 2024, 70.5), ("ipm", "B", "Bb", 2024, 1234.5), ("ipm", "D", "Dd", 2024, 99.0)])
    prof = bandingkan.profile(data, ["A", "B", "C"], ["ipm"], SET)
    table = bandingkan.table(prof, "id")
    assert list(table.columns) == ["Indikator", "Satuan", "Tahun", "Wilayah berdata (cakupan)", "Aa", "Bb", "Cc"]
    row = table.iloc[0]
    assert row["Aa"] == "70,50 (#3/3)" and row["Bb"] == "1.234,50 (#1/3)"
    assert row["Cc"] == "tidak ada data"
    assert row["Tahun"] == "2024" and row["Wilayah berdata (cakupan)"] == "3/4"
    row_en = bandingkan.table(prof, "en").iloc[0]
    assert row_en["Bb"] == "1,234.50 (#1/3)" and row_en["Cc"] == "no data"


def test_for_regions_keeps_the_chosen():
    data = _frame([("ipm", "A", "A", 2024, 1.0), ("ipm", "B", "B", 2024, 2.0), ("ipm", "C", "C", 2024, 3.0)])
    assert bandingkan.for_regions(data, ["C", "A"])["region_code"].tolist() == ["A", "C"]


# --- z-scores and similar regions (hand-computed) ----------------------------------------------

def test_zscores_population_sd_and_dropped_indicators():
    values = pd.DataFrame({
        "indicator_id": ["x", "x", "x", "flat", "flat", "one"],
        "region_code": ["A", "B", "C", "A", "B", "A"],
        "short_name": ["A", "B", "C", "A", "B", "A"],
        "value": [1.0, 2.0, 3.0, 5.0, 5.0, 9.0],
    })
    z = bandingkan.zscores(values)
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
    out = bandingkan.similar_regions(z, "A", min_shared=3)
    assert out["region_code"].tolist() == ["B", "D", "C"]
    assert out["distance"].tolist()[:2] == pytest.approx([1.0, math.sqrt(3.0)])
    assert math.isnan(out["distance"].iloc[2]) and out["shared"].iloc[2] == 2
    assert out["indicators"].iloc[0] == ("w", "x", "y") and out["indicators"].iloc[2] == ("x", "y")
    relaxed = bandingkan.similar_regions(z, "A", min_shared=2)
    assert relaxed.set_index("region_code").loc["C", "distance"] == pytest.approx(math.sqrt(2.0))
    assert bandingkan.similar_regions(z, "nowhere").empty


def test_similar_regions_against_the_data(store):
    """Recompute from observations.csv: z over the 15 regions, RMS over shared indicators."""
    inds = ["ipm", "poverty_rate", "population_census"]
    values = bandingkan.set_values(store.query, "agglomeration", inds)
    years = bandingkan.years_used(values)
    assert years == {"ipm": (2024, 15), "poverty_rate": (2024, 15), "population_census": (2020, 15)}
    wide = {}
    for ind, (year, _) in years.items():
        v = OBS[(OBS.indicator_id == ind) & (OBS.year == year)].set_index("region_code")["value"]
        wide[ind] = (v - v.mean()) / v.std(ddof=0)
    wide = pd.DataFrame(wide)
    expected = ((wide - wide.loc["3171"]) ** 2).mean(axis=1).pow(0.5).drop("3171").sort_values()
    got = bandingkan.similar_regions(bandingkan.zscores(values), "3171")
    assert got["region_code"].tolist() == expected.index.tolist()
    assert got["distance"].tolist() == pytest.approx(expected.tolist())
    assert (got["shared"] == 3).all()


def test_set_values_year_needs_min_regions(store):
    values = bandingkan.set_values(store.query, "agglomeration", ["unemployment_rate_tpt", "smart_city_index_ikci_score"])
    counts = OBS[OBS.indicator_id == "unemployment_rate_tpt"].groupby("year").size()
    year = int(counts[counts >= bandingkan.SIMILAR_MIN_REGIONS].index.max())
    assert set(values.year) == {year}
    assert len(values) == counts[year]
    assert "smart_city_index_ikci_score" not in set(values.indicator_id)  # 1 region only
    used, left_out = bandingkan.similar_summary(values, bandingkan.zscores(values),
                                             ["unemployment_rate_tpt", "smart_city_index_ikci_score"], "en")
    assert used == [f"Unemployment ({year}, {counts[year]} regions)"]
    assert left_out == ["IKCI score: no year with data for at least 5 regions"]


# --- selection --------------------------------------------------------------------------------

def test_selection_problems():
    assert bandingkan.selection_problem(["3171"], ["ipm"])[0] == "bandingkan.too_few_regions"
    assert bandingkan.selection_problem(list("123456"), ["ipm"])[0] == "bandingkan.too_many_regions"
    assert bandingkan.selection_problem(["a", "b"], [])[0] == "bandingkan.no_indicators"
    assert bandingkan.selection_problem(["a", "b"], [str(i) for i in range(10)])[0] == "bandingkan.too_many_indicators"
    assert bandingkan.selection_problem(["a", "b", "c", "d", "e"], ["ipm"]) is None


def test_initial_choices_and_session_cleanup():
    options = ["3171", "3201", "3276", "3203", "3671"]
    assert bandingkan.initial_regions(("3203", "9999"), options) == ["3203"]
    assert bandingkan.initial_regions((), options) == ["3171", "3276", "3671"]
    assert bandingkan.initial_indicators("poverty_rate", ["ipm", "poverty_rate", "unemployment_rate_tpt"]) == \
        ["poverty_rate", "ipm", "unemployment_rate_tpt"]
    assert bandingkan.initial_indicators("population_census", ["ipm", "population_census"]) == ["ipm"]
    session = {}
    bandingkan.init_choice(session, "k", options, ["3171", "3203"])
    assert session["k"] == ["3171", "3203"]
    bandingkan.init_choice(session, "k", ["3171"], ["3276"])  # region set changed: Cianjur gone
    assert session["k"] == ["3171"]


def test_outside_set_names():
    assert bandingkan.outside_set(("3171", "3203"), {"3171": "Jakarta Selatan"},
                               {"3171": "Jakarta Selatan", "3203": "Kab. Cianjur"}) == ["Kab. Cianjur"]


# --- queries against the data -----------------------------------------------------------------

def test_cmp_series_has_only_existing_figures(store):
    full = bandingkan.series(store.query, "jabodetabek", ["population_census", "ipm"])
    in_set = OBS.region_code != "3203"
    assert len(full) == (in_set & OBS.indicator_id.isin(["population_census", "ipm"])).sum()
    assert "3203" not in set(full.region_code)
    data = bandingkan.for_regions(full, ["3101", "3171"])
    expected = OBS[OBS.region_code.isin(["3101", "3171"]) & OBS.indicator_id.isin(["population_census", "ipm"])]
    assert len(data) == len(expected)
    assert data["value"].notna().all()
    # Kep. Seribu has no SP2010 final count: no row, not a zero
    assert data[(data.region_code == "3101") & (data.indicator_id == "population_census")]["year"].tolist() == [2020]
    got = data.set_index(["region_code", "indicator_id", "year"])["value"]
    assert got[("3171", "ipm", 2024)] == obs("3171", "ipm", 2024)


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
    data = bandingkan.for_regions(bandingkan.series(store.query, "agglomeration", inds), regions)
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
    data = bandingkan.series(store.query, "agglomeration", inds)
    prof = bandingkan.profile(data, regions, inds, names)
    fig = profile_chart(prof, regions, "en", bandingkan.rows_used(data, prof))
    js = _fig_json(fig)
    labels = js["layout"]["yaxis"]["ticktext"]
    assert labels == ["HDI (older) 2024", "Poverty 2024 (lower is better)", "Density (census) 2020 (neutral)"]
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
    prof = bandingkan.profile(data, ["A", "B", "C"], ["ipm"], {"A": "Aa", "B": "Bb", "C": "Cc"})
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


def test_a_panel_names_at_most_six_years_the_last_always():
    from jabodash.charts.bandingkan import year_ticks
    assert year_ticks([2010, 2020]) == [2010, 2020]
    assert year_ticks(list(range(2020, 2026))) == list(range(2020, 2026))
    assert year_ticks(list(range(2017, 2026))) == [2017, 2019, 2021, 2023, 2025]
    assert year_ticks([2015, 2016, 2018, 2019, 2020, 2021, 2022]) == [2015, 2018, 2020, 2022]
    assert year_ticks(list(range(2000, 2025))) == list(range(2004, 2025, 5))
    assert year_ticks([]) == []
