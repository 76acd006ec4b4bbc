"""Targets and where each region stands (jabodash.store.plan_targets, jabodash.features.sasaran).

The statuses are computed once by hand here, from data/observations.csv and data/targets.csv
read with pandas (not through jabodash), and compared with what the feature says."""
from __future__ import annotations

import pandas as pd
import pytest
from support.data import DKI, OBS, REGIONS, ROOT

from jabodash.core.i18n import t
from jabodash.features import sasaran
from jabodash.store import plan_targets as targets_mod
from jabodash.store.datasource import DataSource

NOW = 2026
TARGETS = pd.read_csv(ROOT / "data" / "targets.csv", dtype={"region_code": str})


@pytest.fixture(scope="module")
def ds(store):
    return DataSource(store.runner)   # built-in data only: no saved datasets


@pytest.fixture(scope="module")
def rows(ds):
    return sasaran.evaluate(ds, "agglomeration", sasaran.active_targets(ds), now_year=NOW)


def row(rows, target, place):
    found = rows[(rows["target"] == target) & (rows["place"] == place)]
    assert len(found) == 1, (target, place)
    return found.iloc[0]


def target(tid):
    return TARGETS.set_index("id").loc[tid]


# --- the data file --------------------------------------------------------------------------------

def test_targets_file_is_sourced_and_big_enough():
    assert len(TARGETS) >= 25 and TARGETS["plan"].nunique() >= 3
    assert TARGETS["id"].is_unique
    for col in ("source_url", "source_title", "quote", "grade", "grade_reason"):
        assert TARGETS[col].notna().all() and (TARGETS[col].str.len() > 0).all(), col
    assert set(TARGETS["grade"]) <= {"official", "official-cited", "secondary"}
    assert TARGETS["source_url"].str.startswith("http").all()
    assert set(TARGETS["plan"]) <= set(targets_mod.plans())
    assert targets_mod.problems_of(targets_mod.builtin()) == []
    for ind in TARGETS["indicator"].unique():
        assert targets_mod.indicator(ind) is not None, ind


WORDS = {3: "tiga"}   # numbers the page writes in words


def test_each_target_value_appears_in_its_quote():
    """The number on the page is the number in the file (written with a decimal comma)."""
    for r in TARGETS.itertuples():
        numbers = [r.target_value] if pd.notna(r.target_value) else [r.target_low, r.target_high]
        quote = r.quote.replace(".", "").replace(",", ".")
        for n in numbers:
            text = f"{n:g}"
            written = text in quote or f"{n:.2f}" in quote or WORDS.get(n, "@") in r.quote
            assert written, (r.id, n, r.quote)


def test_bad_rows_are_named():
    bad = targets_mod.builtin().head(2).copy()
    bad.loc[0, "direction"] = "up"
    bad.loc[1, "target_value"] = float("nan")
    problems = targets_mod.problems_of(bad)
    assert any("direction 'up'" in p for p in problems)
    assert any("give target_value or both" in p for p in problems)


# --- statuses by hand -----------------------------------------------------------------------------

def series(indicator, code):
    s = OBS[(OBS.indicator_id == indicator) & (OBS.region_code == code)]
    return s.groupby("year")["value"].first().sort_index()


def test_depok_ipm_by_hand(rows):
    t = target("rpjmd_depok_ipm_2030")
    s = series("ipm_lfsp2020", "3276")
    latest_year, latest = int(s.index[-1]), float(s.iloc[-1])
    window = s[s.index >= latest_year - 5]
    observed = (latest - window.iloc[0]) / (latest_year - window.index[0])
    required = (t.target_value - latest) / (t.target_year - latest_year)
    want = "achieved" if latest >= t.target_value else ("on_track" if observed >= required else "off_track")
    got = row(rows, "rpjmd_depok_ipm_2030", "3276")
    assert (got.latest_year, got.latest_value, got.status) == (latest_year, pytest.approx(latest), want)
    assert got.required_per_year == pytest.approx(required)
    assert got.observed_per_year == pytest.approx(observed)
    assert (got.observed_from, got.observed_to) == (window.index[0], latest_year)
    assert got.gap == pytest.approx(t.target_value - latest)


def test_dki_poverty_is_the_population_weighted_province(rows):
    pov = OBS[(OBS.indicator_id == "poverty_rate") & OBS.region_code.isin(DKI)].pivot_table(
        index="year", columns="region_code", values="value").dropna()
    w = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020) & OBS.region_code.isin(DKI)]
    w = w.set_index("region_code")["value"].reindex(pov.columns)
    dki = (pov * w).sum(axis=1) / w.sum()
    latest_year, latest = int(dki.index[-1]), float(dki.iloc[-1])
    window = dki[dki.index >= latest_year - 5]
    observed = (latest - window.iloc[0]) / (latest_year - window.index[0])
    for tid in ("rpjmn_poverty_2029_dki", "rpjmn_poverty_2025_dki", "rpjmd_dki_poverty_2029"):
        t = target(tid)
        goal = t.target_high   # lower is better: the range's upper end counts as reached
        required = (goal - latest) / (t.target_year - latest_year)
        want = "achieved" if latest <= goal else ("on_track" if observed <= required else "off_track")
        got = row(rows, tid, "31")
        assert got.latest_value == pytest.approx(latest) and got.latest_year == latest_year
        assert got.status == want, tid
        assert got.latest_origin == "aggregate"
        # the province's own kab/kota get the province target as a reference, with their own figure
        for code in DKI:
            member = row(rows, tid, code)
            assert member.status == "reference" and member.latest_value == pytest.approx(series("poverty_rate", code).iloc[-1])


def test_recorded_figures_count_where_the_data_has_none(rows):
    banten = row(rows, "rpjmd_banten_ipm_2025", "36")
    assert (banten.latest_year, banten.latest_value, banten.latest_origin, banten.status) == (2025, 77.25, "reported", "achieved")
    jabar = row(rows, "rpd_jabar_poverty_2024", "32")   # 7.46 against 7.34 by 2024: the year is past
    assert (jabar.latest_value, jabar.status, jabar.reason) == (7.46, "off_track", "deadline_passed")
    mode = row(rows, "ritj_mode_share_2029", "metro")
    t = target("ritj_mode_share_2029")
    assert mode.latest_value == t.reported_value and mode.latest_grade == "secondary"
    assert mode.observed_per_year == pytest.approx((t.reported_value - t.baseline_value) / (t.reported_year - t.baseline_year))
    assert mode.status == "off_track"


def test_national_targets_are_a_reference_everywhere(rows):
    national = set(TARGETS.loc[TARGETS.scope == "national", "id"])
    shown = rows[rows.target.isin(national)]
    assert set(shown.loc[shown.place != sasaran.NATION, "status"]) == {"reference"}
    assert set(shown.place) == {sasaran.NATION, sasaran.METRO} | set(REGIONS.code)
    # the metro figure beside a national poverty target is the population-weighted mean of the 15
    pov = OBS[(OBS.indicator_id == "poverty_rate") & (OBS.year == 2024)].set_index("region_code")["value"]
    w = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].set_index("region_code")["value"].reindex(pov.index)
    assert row(rows, "rpjmn_poverty_2029", "metro").latest_value == pytest.approx((pov * w).sum() / w.sum())


def test_every_own_row_has_a_known_status(rows):
    own = sasaran.own_rows(rows)
    assert set(own["status"]) <= set(sasaran.STATUSES) - {"reference"}
    assert len(own) >= len(TARGETS)


# --- the rules on their own ---------------------------------------------------------------------

def _t(**kw):
    base = dict(id="x", target_value=None, target_low=None, target_high=None, direction="lower", target_year=2029)
    return pd.Series({**base, **kw})


def P(year, value):
    return sasaran.Point(year, value, "s", "", "official", "data")


@pytest.mark.parametrize("points,kw,status,reason", [
    ([P(2020, 10), P(2024, 6)], dict(target_low=4.5, target_high=5.0), "on_track", ""),        # -1/yr vs -0.2/yr
    ([P(2020, 7), P(2024, 6.8)], dict(target_low=4.5, target_high=5.0), "off_track", "too_slow"),
    ([P(2024, 4.9)], dict(target_low=4.5, target_high=5.0), "achieved", ""),                   # inside the range
    ([P(2024, 6)], dict(target_value=5.0), "no_data", "no_trend"),
    ([P(2015, 9), P(2018, 8)], dict(target_value=5.0), "no_data", "stale"),
    ([P(2023, 6), P(2024, 5.5)], dict(target_value=5.0, target_year=2024), "off_track", "deadline_passed"),
    ([P(2023, 20)], dict(target_value=30, direction="higher", target_year=None), "off_track", "below_minimum"),
    ([], dict(target_value=30), "no_data", "no_figure"),
    ([sasaran.Point(2023, 5.0, "s", "", "official", "baseline")], dict(target_low=4.96, target_high=5.37,
                                                                     direction="higher"), "no_data", "baseline_only"),
])
def test_judge_rules(points, kw, status, reason):
    verdict = sasaran.judge(points, _t(**kw), own=True, now_year=NOW)
    assert (verdict["status"], verdict["reason"]) == (status, reason)


def test_higher_range_counts_from_its_lower_end():
    t = _t(target_low=5.3, target_high=5.6, direction="higher")
    assert sasaran.meets(5.3, t) and not sasaran.meets(5.29, t)
    assert sasaran.judge([P(2024, 5.0)], t, own=False, now_year=NOW)["status"] == "reference"


# --- the overview strip, the region profile and the matrix figure -------------------------------

def test_headline_is_the_metro_row_of_each_headline_target(rows):
    strip = sasaran.headline(rows)
    assert list(strip["target"]) == [i for i in sasaran.HEADLINE if i in set(TARGETS["id"])]
    assert set(strip["place"]) == {sasaran.METRO}
    poverty = strip.set_index("target").loc["rpjmn_poverty_2029"]
    assert poverty.status == "reference" and poverty.meets == (poverty.latest_value <= 4.5)


def test_for_region_lists_its_own_and_the_reference_targets(rows):
    depok = sasaran.for_region(rows, "3276")
    assert set(depok.loc[depok.own, "target"]) == set(TARGETS.loc[(TARGETS.region_code == "3276") | (TARGETS.scope == "each"), "id"])
    assert set(depok.loc[~depok.own, "target"]) == set(
        TARGETS.loc[(TARGETS.scope == "national") | ((TARGETS.scope == "province") & (TARGETS.region_code == "32")), "id"])


def test_matrix_figure_has_a_symbol_and_a_word_in_every_cell_it_colours(ds, rows):
    from jabodash.charts.sasaran import STATUS_COLOURS, status_heatmap
    regions = ds.regions("agglomeration")
    part = rows[rows.target.isin(sasaran.HEADLINE)]
    text, status = sasaran.matrix(part, regions, "en"), sasaran.matrix_status(part, regions, "en")
    assert text.shape == status.shape and list(text.index) == list(status.index)
    fig = status_heatmap(text, status, "t", "s", "src", "en")
    heat = fig.data[0]
    for i, row in enumerate(heat.z):
        for j, code in enumerate(row):
            if code == code:   # not NaN: a coloured cell
                word = t(f"sasaran.status.{list(STATUS_COLOURS)[int(code)]}", "en")
                assert word in heat.text[i][j] and heat.text[i][j][0] in sasaran.SYMBOLS.values()


def test_official_figures_only_hides_weaker_targets_and_figures(store):
    ds = DataSource(store.runner, official_only=True)
    table = sasaran.active_targets(ds)
    assert set(table["grade"]) <= {"official", "official-cited"}
    assert set(TARGETS.loc[TARGETS.grade == "secondary", "id"]).isdisjoint(table["id"])
    rows = sasaran.evaluate(ds, "agglomeration", table, now_year=NOW)
    mode = row(rows, "ritj_mode_share_2029", "metro")   # the 2023 figure is from a blog: left out
    assert mode.latest_year == 2019 and mode.latest_origin == "baseline"


def test_targets_are_a_table_of_the_sql_console(store):
    """The same rows as data/targets.csv, readable in the SQL console and through the store."""
    from jabodash.sql.sandbox import run_query
    result = run_query("SELECT id, plan, target_low, target_high, grade FROM target ORDER BY id",
                       include_saved=False, isolation="thread")
    assert result.error is None, result.error
    table = result.df
    assert sorted(table["id"]) == sorted(TARGETS["id"])
    dki = table.set_index("id").loc["rpjmd_dki_poverty_2029"]
    assert (dki.plan, dki.target_low, dki.target_high, dki.grade) == ("rpjmd_dki_2025_2029", 1.82, 2.91, "official-cited")


def test_the_story_matrix_fits_a_meeting_laptop(ds):
    """At projector type the target names above the columns wrap to what a column holds and the
    cells' words fit it (wrapped at a fixed 18 characters, six names ran into each other on a 1440 px
    screen); an export at 1920 px keeps more on a line."""
    from jabodash.core import state as state_mod
    from jabodash.presenter import views
    view = state_mod.ViewState(indicator="poverty_rate")
    fig, _ = sasaran.story_figure(view, ds, "en", presenter=True, width=None, height=900, now_year=2026)
    heat = fig.data[0]
    columns = len(heat.x)
    assert columns >= 5
    room = (views.SCREEN_WIDTH - 280) / columns   # px of a column on the narrowest laptop
    for name in heat.x:
        assert max(len(line) for line in name.split("<br>")) * 0.62 * views.TEXT_PX <= room, name
    longest = max(len(str(v)) for row in heat.text for v in row if isinstance(v, str))
    assert longest * 0.6 * heat.textfont.size <= room and heat.textfont.size >= 14
    wide, _ = sasaran.story_figure(view, ds, "en", presenter=True, width=1920, height=1080, now_year=2026)
    assert max(n.count("<br>") for n in wide.data[0].x) <= max(n.count("<br>") for n in heat.x)
