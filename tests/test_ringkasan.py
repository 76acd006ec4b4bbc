"""Logic of the Ringkasan page (jabodash.features.ringkasan): the metro KPI cards, checked against
data/observations.csv and data/regions.csv read independently of jabodash."""
import pandas as pd
import pytest
from support.data import OBS, REGIONS, ROOT

from jabodash.features import ringkasan
from jabodash.store import overlay
from jabodash.store.aggregate import MetroValue
from jabodash.store.datasource import DataSource


def members(region_set: str) -> list[str]:
    column = "in_agglomeration" if region_set == "agglomeration" else "in_jabodetabek"
    return list(REGIONS.loc[REGIONS[column].astype(str) == "True", "code"])


def figures(indicator: str, codes: list[str], rows: pd.DataFrame = OBS) -> pd.DataFrame:
    rows = rows[(rows.indicator_id == indicator) & rows.region_code.isin(codes)]
    return rows.drop_duplicates(["region_code", "year"])


def complete_year(indicator: str, codes: list[str], rows: pd.DataFrame = OBS) -> int:
    """The latest year with every region; else the latest of the years with the most regions."""
    counts = figures(indicator, codes, rows).groupby("year")["region_code"].nunique()
    return int(counts[counts == counts.max()].index.max())


def test_with_official_figures_only_the_year_most_regions_have(store):
    """No year has an official poverty rate for all 15: the card takes the year that most have
    (its latest), not a newer year that one or two have."""
    datasets = pd.read_csv(ROOT / "data" / "datasets.csv", dtype=str, keep_default_na=False)
    official = OBS[OBS["dataset_id"].map(datasets.set_index("id")["grade"]).isin(["official", "official-cited"])]
    codes = members("agglomeration")
    src = DataSource.over(store, overlay.EMPTY, official_only=True)
    for indicator in ("poverty_rate", "population_census"):
        if figures(indicator, codes, official).empty:
            continue
        expected = complete_year(indicator, codes, official)
        assert ringkasan.best_year(src, indicator, "agglomeration") == expected
    counts = figures("poverty_rate", codes, official).groupby("year")["region_code"].nunique()
    if counts.idxmax() != counts.index.max():   # the data has the case this rule is for
        assert ringkasan.best_year(src, "poverty_rate", "agglomeration") < counts.index.max()


@pytest.fixture(scope="module")
def cards(store):
    return {k.key.rsplit(".", 1)[1]: k for k in ringkasan.kpis(store, "agglomeration", "en")}


@pytest.mark.parametrize("region_set", ["agglomeration", "jabodetabek"])
def test_best_year_is_the_latest_year_with_every_region(store, region_set):
    codes = members(region_set)
    for indicator in ("population_census", "poverty_rate", "area_km2_big"):
        assert ringkasan.best_year(store, indicator, region_set) == complete_year(indicator, codes)


def test_population_and_area_cards_are_the_sums_over_the_region_set(cards):
    codes = members("agglomeration")
    for name, indicator in (("population", "population_census"), ("area", "area_km2_big")):
        card = cards[name]
        year = complete_year(indicator, codes)
        rows = figures(indicator, codes)
        assert card.year == year and card.indicator.id == indicator
        assert card.metro.value == pytest.approx(rows.loc[rows.year == year, "value"].sum())
        assert card.metro.covered == card.metro.total == len(codes) == 15


def test_poverty_card_is_weighted_by_the_2020_census_population(cards):
    codes = members("agglomeration")
    card = cards["poverty"]
    rate = figures("poverty_rate", codes)
    rate = rate[rate.year == card.year].set_index("region_code")["value"]
    pop = figures("population_census", codes)
    weight = pop[pop.year == 2020].set_index("region_code")["value"]
    expected = (rate * weight[rate.index]).sum() / weight[rate.index].sum()
    assert card.metro.value == pytest.approx(expected)
    assert rate.min() < card.metro.value < rate.max()
    assert card.value_text("en") == f"{expected:,.2f}"


def test_density_card_is_population_over_area_not_a_mean_of_densities(cards):
    card = cards["density"]
    codes = members("agglomeration")
    pop = figures("population_census", codes)
    area = figures("area_km2_big", codes)
    expected = (pop.loc[pop.year == card.year, "value"].sum()
                / area.loc[area.year == complete_year("area_km2_big", codes), "value"].sum())
    assert card.metro.value == pytest.approx(expected, rel=1e-6)


def test_missing_regions_are_named_only_when_few(store):
    few = MetroValue("poverty_rate", 2024, "weighted_mean", value=None, covered=13, total=15, missing=("3201", "3203"))
    assert ringkasan.missing_names(store, few, "agglomeration") == ("Kab. Bogor", "Kab. Cianjur")
    many = MetroValue("poverty_rate", 2024, "weighted_mean", value=None, covered=2, total=15, missing=tuple(members("agglomeration")[:13]))
    assert ringkasan.missing_names(store, many, "agglomeration") == ()
    assert len(ringkasan.missing_names(store, many, "agglomeration", limit=None)) == 13
    assert ringkasan.missing_names(store, None, "agglomeration") == ()


def test_a_card_without_figures_says_so(cards):
    empty = ringkasan.Kpi("ringkasan.kpi.population", cards["population"].indicator, None, None)
    assert empty.value_text("en") == "no data" and empty.value_text("id") == "tidak ada data"
    assert "2020" not in empty.detail_text("en")
