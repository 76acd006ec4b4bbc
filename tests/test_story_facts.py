"""The shipped story says what its charts show (issue 27): every number or claim written in a step's
title or note is computed here from the data that step's chart draws, in both languages. A step whose
text the data has outgrown (step 3 once said "9 of 15 regions" beside a chart of 10) fails here; the
fix is to correct the story text (or drop the number: the chart's own coverage line states it)."""
import pandas as pd
import pytest

from jabodash.core import fmt
from jabodash.features import sasaran
from jabodash.presenter import stories, views
from jabodash.store.datasource import DataSource

SHIPPED = "jabodetabek_dalam_angka"


@pytest.fixture(scope="module")
def shown(store):
    """Step number (1-based) -> (step, the data its chart draws)."""
    story = stories.load_story(SHIPPED)
    out = {}
    for n, step in enumerate(story.steps, 1):
        _fig, data = views.figure_for(stories.step_state(step, "id"), store, "id", kind=step.kind)
        out[n] = (step, data)
    return out


def _values(data: pd.DataFrame) -> pd.Series:
    return data.set_index("region_code")["value"]


def _text(step, lang: str) -> str:
    return step.title_in(lang) + " " + step.note_in(lang)


def _millions(value: float, lang: str) -> str:
    return fmt.number(value / 1e6, 1, lang) + (" juta" if lang == "id" else " million")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_step_1_population_total_and_kab_bogor(shown, lang):
    step, data = shown[1]
    values = _values(data)
    assert values.notna().sum() == 15 == len(values)          # "in the 15 regencies and cities"
    text = _text(step, lang)
    assert _millions(values.sum(), lang) in text and "15" in text
    assert _millions(values["3201"], lang) in text and values.idxmax() == "3201"   # "Kab. Bogor alone"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_step_2_densest_and_sparsest(shown, lang):
    step, data = shown[2]
    values = _values(data)
    assert values.idxmax() == "3173" and values.idxmin() == "3203"   # Jakarta Pusat, Kab. Cianjur
    text = _text(step, lang)
    assert fmt.number(values["3173"], 0, lang) in text and fmt.number(values["3203"], 0, lang) in text


def test_step_3_states_no_count_of_covered_regions(shown):
    """The current IPM series grows as BPS publishes: the step leaves the count to its chart's coverage line."""
    step, data = shown[3]
    covered = int(data["value"].notna().sum())
    assert 0 < covered < 15
    for lang in ("id", "en"):
        assert f"{covered} " not in _text(step, lang) and " 15" not in step.title_in(lang)


def test_step_4_poverty_fell_in_most_regions_highest_in_seribu_and_cianjur(shown):
    step, data = shown[4]
    wide = data.pivot_table(index="region_code", columns="year", values="value")
    first, last = wide[2020], wide[2024]
    both = first.notna() & last.notna()
    assert (last[both] < first[both]).sum() > both.sum() / 2              # "fell in most regions"
    assert set(last.nlargest(2).index) == set(first.nlargest(2).index) == {"3101", "3203"}   # "stays highest"
    assert set(step.view["regions"]) == {"3101", "3203"}


def test_step_6_dki_jakarta_off_track_for_its_2029_poverty_targets(store, shown):
    step, _ = shown[6]
    ds = DataSource(store.runner)
    table = sasaran.active_targets(ds)
    table = table[(table["indicator"] == "poverty_rate") & (table["target_year"] == 2029)]
    rows = sasaran.evaluate(ds, "agglomeration", table)
    dki = rows[(rows["place"] == "31") & rows["own"]]
    plans = set(table.set_index("id").loc[dki["target"], "plan"])
    assert len(dki) >= 2 and (dki["status"] == "off_track").all()      # "off track for its RPJMN and RPJMD 2029 targets"
    assert any(p.startswith("rpjmn") for p in plans) and any(p.startswith("rpjmd") for p in plans)
    assert "DKI Jakarta" in step.note_in("id") and "belum sesuai jalur" in step.note_in("id")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_step_7_cianjur_area_a_third_of_the_agglomeration(shown, lang):
    step, data = shown[7]
    values = _values(data)
    assert values.notna().sum() == 15
    text = _text(step, lang)
    assert fmt.number(values["3203"], 0, lang) in text and fmt.number(values.sum(), 0, lang) in text
    assert 0.3 <= values["3203"] / values.sum() <= 0.37                   # "about a third"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_step_8_counts_the_sourced_agreements(shown, lang):
    step, data = shown[8]
    agreements = data[(data["kind"] == "agreement") & data["source_url"].notna()]
    assert f"{len(agreements)} " in _text(step, lang)
