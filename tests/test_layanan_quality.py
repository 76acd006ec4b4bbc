"""Quality and innovation of public services: the sourced figures (data/sources/service_quality.csv),
their indicator definitions (one series per assessment method) and the section's logic
(jabodash.features.layanan quality_*), checked against the CSV read here with pandas."""
import pandas as pd
import pytest
from support.data import ROOT

from jabodash.core import catalog
from jabodash.features import layanan

SQ = pd.read_csv(ROOT / "data" / "sources" / "service_quality.csv", dtype={"region_code": str})
NEW_IDS = ("ombudsman_compliance_score", "ombudsman_compliance_zone", "ombudsman_compliance_grade_score", "ombudsman_maladmin_quality_score",
           "innovation_index_iid", "spbe_index")


def test_every_figure_is_quoted_graded_and_defined():
    assert set(SQ["indicator"]) == set(NEW_IDS)
    assert set(SQ["grade"]) <= {"official", "official-cited", "secondary"}
    ZONE_WORDS = {2: ("kuning", "sedang"), 3: ("hijau", "tinggi")}
    for row in SQ.itertuples():
        if row.indicator == "ombudsman_compliance_zone":     # a zone code: its zone is named at the source
            assert any(w in f"{row.quote} {row.source_title}".lower() for w in ZONE_WORDS[int(row.value)])
            assert row.source_url.startswith("http") and row.publisher and row.grade_reason
            continue
        text = f"{row.value:.2f}"
        shown = {text, text.replace(".", ","), text.rstrip("0").replace(".", ","), text.rstrip("0")}
        assert any(s in row.quote for s in shown), (row.region_code, row.indicator, row.year)
        assert row.source_url.startswith("http") and row.publisher and row.grade_reason
    assert not SQ.duplicated(["region_code", "indicator", "year"]).any()
    for indicator_id in NEW_IDS:
        ind = catalog.get(indicator_id)
        assert ind.theme == "layanan_publik" and ind.higher_is_better and ind.aggregation == "min_max"


def test_method_changes_are_separate_series():
    years = SQ.groupby("indicator")["year"].agg(["min", "max"])
    assert years.loc["ombudsman_compliance_score", "max"] <= 2021            # zones, to 2021
    assert years.loc["ombudsman_compliance_grade_score"].tolist() >= [2022, 2022]   # grades A-E from 2022
    assert years.loc["ombudsman_compliance_grade_score", "max"] <= 2024
    assert years.loc["ombudsman_maladmin_quality_score", "min"] == 2025      # maladministration rating
    assert years.loc["innovation_index_iid", "min"] >= 2021                  # the IID scale changed after 2020
    assert "2020" in catalog.get("innovation_index_iid").definition("en")


def test_ombudsman_coverage_of_the_best_year(store):
    years = layanan.quality_years(store, "ombudsman_compliance_score", "agglomeration")
    assert layanan.best_year(years) == 2021
    want = SQ[(SQ["indicator"] == "ombudsman_compliance_score") & (SQ["year"] == 2021)]
    assert int(years.set_index("year").loc[2021, "regions_with_value"]) == len(want) == 10


def test_zone_series_covers_more_regions_and_agrees_with_the_scores(store):
    zones = SQ[(SQ["indicator"] == "ombudsman_compliance_zone") & (SQ["year"] == 2021)].set_index("region_code")
    scores = SQ[(SQ["indicator"] == "ombudsman_compliance_score") & (SQ["year"] == 2021)].set_index("region_code")
    assert len(zones) >= 12 and set(scores.index) <= set(zones.index)
    for code, score in scores["value"].items():     # the bands of the definition: 81-100 green, 51-80.99 yellow
        assert zones.loc[code, "value"] == (3 if score >= 81 else 2 if score >= 51 else 1), code
    values = layanan.quality_values(store, "ombudsman_compliance_zone", 2021, "agglomeration")
    assert int(values["value"].notna().sum()) == len(zones)
    assert "ombudsman_compliance_zone" in layanan.quality_options(store, "agglomeration")
    assert "1 = " in catalog.get("ombudsman_compliance_zone").definition("en")


def test_values_carry_the_reported_category(store):
    values = layanan.quality_values(store, "ombudsman_compliance_grade_score", 2022, "agglomeration")
    assert len(values) == 15
    row = values.set_index("region_code").loc["3216"]
    assert row["value"] == 73.02 and row["category"].startswith("C (zona kuning")
    assert layanan.category('"kutipan" | A (kualitas tertinggi)') == "A (kualitas tertinggi)"
    assert layanan.category("no category") == "" and layanan.category(None) == ""


@pytest.mark.parametrize("lang", ["id", "en"])
def test_figures_and_table_agree_with_the_data(store, lang):
    ind = catalog.get("ombudsman_compliance_score")
    parts = layanan.quality_figures(store, ind, 2021, "agglomeration", lang, highlight=("3276",))
    want = SQ[(SQ["indicator"] == ind.id) & (SQ["year"] == 2021)].set_index("region_code")["value"]
    bars = parts["ranking"].data[0]
    got = {name: x for name, x in zip(bars.y, bars.x) if x == x}
    names = parts["values"].set_index("region_code")["short_name"]
    assert got == {names[c]: v for c, v in want.items()}
    assert bars.y[0] == names[want.idxmax()]           # best first
    lines = [tr for tr in parts["trend"].data if tr.hoverinfo != "skip"]   # not the grey lines' legend entry
    assert len(lines) == SQ[SQ["indicator"] == ind.id]["region_code"].nunique()
    assert len(parts["table"]) == 15 and parts["table"].iloc[:, 1].notna().sum() == len(want)
    assert parts["map"].data   # the tile map draws without boundaries


def test_overview_kpi_is_the_range_of_the_widest_year(store):
    kpi = layanan.quality_kpi(store, "agglomeration")
    want = SQ[(SQ["indicator"] == "ombudsman_compliance_score") & (SQ["year"] == 2021)]
    assert kpi["year"] == 2021 and kpi["covered"] == len(want) and kpi["total"] == 15
    assert kpi["low"] == want["value"].min() and kpi["high"] == want["value"].max()
    assert kpi["low_region"] == "Depok" and kpi["high_region"] == "Jakarta Pusat"
    assert kpi["green"] == (want["value"] >= 81).sum()


def test_quality_options_lists_only_indicators_with_data(store):
    options = layanan.quality_options(store, "agglomeration")
    assert list(options[:len(NEW_IDS)]) == list(NEW_IDS)
    assert "smart_city_index_ikci_score" in options
