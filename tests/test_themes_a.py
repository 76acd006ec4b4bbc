"""Unit tests of the thematic pages' logic (population, public services, cooperation): the
queries and jabodash functions, checked against the values in data/*.csv."""
import math
import re

import pandas as pd
import pytest

from jabodash.charts import sources_text
from jabodash.charts.kependudukan import census_share_bar, commuting_sankey, population_series
from jabodash.charts.kerjasama import links_matrix
from jabodash.charts.layanan import coverage_heatmap, services_ranking
from jabodash.core.catalog import get as ind
from jabodash.core.i18n import strings
from jabodash.core.paths import DATA_DIR, ROOT
from jabodash.features import kependudukan as population
from jabodash.features import kerjasama as cooperation
from jabodash.features import layanan as services

OBS = pd.read_csv(DATA_DIR / "observations.csv", dtype={"region_code": str})
FLOWS = pd.read_csv(DATA_DIR / "flows.csv", dtype={"origin_code": str, "destination_code": str})
REGIONS = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str, "province_code": str}).set_index("code")
DKI = [c for c in REGIONS.index if c.startswith("31")]
SERIES = ("population_census", "population_estimate_bps", "population_dukcapil")


def obs(region, indicator, year):
    row = OBS[(OBS.region_code == region) & (OBS.indicator_id == indicator) & (OBS.year == year)]
    return float(row.value.iloc[0]) if len(row) else math.nan


# ---------------------------------------------------------------- population

@pytest.mark.parametrize("region_set,n", [("agglomeration", 15), ("jabodetabek", 14)])
def test_series_hold_every_figure_of_the_three_sources_and_nothing_else(store, region_set, n):
    frame = population.series(store, region_set)
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
    frame = population.census_year(store, 2020, "agglomeration").set_index("region_code")
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
    frame = population.census_year(store, 2010, region_set)
    assert (frame["covered"] == covered).all() and (frame["total"] == total).all()
    assert frame["share_pct"].isna().all()
    assert frame["population"].isna().sum() == total - covered
    assert population.growth_coverage(frame) == (13, total)  # the 2010-2020 rate, whatever the year


def test_census_years_and_default(store):
    years = population.census_years(store, "agglomeration")
    assert years["year"].tolist() == [2010, 2020]
    assert years["regions_with_value"].tolist() == [13, 15]
    assert population.default_census_year(years, 2010) == 2010
    assert population.default_census_year(years, 2023) == 2020
    assert population.default_census_year(years, None) == 2020


def test_kpis_state_totals_only_when_complete(store):
    k2020 = {k.indicator.id: k for k in population.kpis(store, 2020, "agglomeration")}
    total = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].value.sum()
    assert k2020["population_census"].metro.value == pytest.approx(total)
    assert k2020["population_density_census"].metro.value == pytest.approx(total / REGIONS["area_km2"].sum())
    assert k2020["population_dukcapil"].year == 2024
    assert k2020["population_dukcapil"].metro.value == pytest.approx(
        OBS[(OBS.indicator_id == "population_dukcapil") & (OBS.year == 2024)].value.sum())
    est = k2020["population_estimate_bps"]
    assert est.year == 2023 and est.metro.value is None and est.metro.covered == 11
    assert est.value_text("id") == "belum lengkap"
    k2010 = {k.indicator.id: k for k in population.kpis(store, 2010, "agglomeration")}
    assert k2010["population_census"].metro.value is None
    assert "13 dari 15 wilayah" in k2010["population_census"].detail_text("id")


def test_flows_keep_group_totals_apart(store):
    frame = population.flows(store, "agglomeration", "id")
    assert len(frame) == len(FLOWS)
    groups = frame[frame["kind"] == "group"]
    assert set(groups["origin_code"]) == {"BODETABEK", "JABODETABEK", "DKI Jakarta"}
    assert set(frame.loc[frame["kind"] == "kabkota", "origin_code"]) <= set(REGIONS.index)
    table = population.flows_table(frame, "en")
    assert "published group total" in set(table["Row type"])


def test_sankey_links_itemised_origins_and_never_the_group_total_into_the_same_destination(store):
    flows = population.flows(store, "agglomeration", "id")
    sk = population.sankey(flows, store.query("regions", region_set="agglomeration"), "id")
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
    flows = population.flows(store, "jabodetabek", "en")
    values, year, total = population.flow_values(store, flows, "commuters_any_destination", "jabodetabek")
    assert year == 2023 and len(values) == 14
    got = values.dropna(subset=["value"]).set_index("region_code")["value"]
    want = FLOWS[(FLOWS.indicator_id == "commuters_any_destination") & FLOWS.origin_code.str.fullmatch(r"\d{4}")]
    assert got.to_dict() == dict(zip(want.origin_code, want.value.astype(float)))
    assert total == 4_410_000
    assert population.total_note(total, "en").startswith("Published Jabodetabek total 2023: 4,410,000")


def test_latest_values_and_commuting_facts(store):
    share, share_year = population.latest_values(store, "commuter_share_of_population", "agglomeration")
    cost, cost_year = population.latest_values(store, "commuters_daily_cost_over_25k_rp", "agglomeration")
    assert (share_year, cost_year) == (2023, 2023)
    assert share["value"].notna().sum() == 4 and cost["value"].notna().sum() == 13
    flows = population.flows(store, "agglomeration", "id")
    sk = population.sankey(flows, store.query("regions", region_set="agglomeration"), "id")
    count, _, _ = population.flow_values(store, flows, "commuters_any_destination", "agglomeration")
    facts = population.commuting_facts(sk, share, cost, count, "id")
    assert facts["itemised"] == 3 and facts["members"] == 8 and facts["total"] == "1.380.000"
    assert (facts["itemised_2023"], facts["share_n"], facts["cost_n"]) == (3, 4, 13)


def test_population_series_chart_never_joins_two_sources(store):
    frame = population.series(store, "agglomeration")
    fig = population_series(frame, "id")
    assert "ribu jiwa" in fig.layout.title.text
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
    fig = census_share_bar(population.census_year(store, 2010, "agglomeration"), 2010, "en")
    bar = fig.data[0]
    assert len(bar.y) == 15 and list(bar.y[-2:]) != []
    assert "no shares computed" in fig.layout.title.text and "13 of 15 regions" in fig.layout.title.text
    assert sum(a.text == "no data" for a in fig.layout.annotations) == 2
    fig = census_share_bar(population.census_year(store, 2020, "agglomeration"), 2020, "en")
    assert fig.data[0].text[0] == "5,427,068 · 16.1%"


# ---------------------------------------------------------------- public services

def test_per_100k_values_are_count_over_population_used(store):
    frame = services.values(store, "doctors_per_100k", 2020, "agglomeration").set_index("region_code")
    present = frame.dropna(subset=["value"])
    assert sorted(present.index) == DKI
    for code, row in present.iterrows():
        count, pop = obs(code, "doctors", 2020), obs(code, "population_census", 2020)
        assert row["numerator"] == count and row["population"] == pop
        assert row["population_series"] == "population_census"
        assert row["value"] == pytest.approx(count / pop * 100_000)
    assert frame.loc["3201", "value"] is None or pd.isna(frame.loc["3201", "value"])


def test_estimate_year_uses_the_bps_estimate_as_denominator(store):
    frame = services.values(store, "clinics_per_100k", 2023, "agglomeration").set_index("region_code")
    present = frame.dropna(subset=["value"])
    assert sorted(present.index) == ["3173", "3174", "3175"]
    for code, row in present.iterrows():
        assert row["population_series"] == "population_estimate_bps"
        assert row["value"] == pytest.approx(obs(code, "clinics", 2023) / obs(code, "population_estimate_bps", 2023) * 1e5)
    # DKI clinics exist for six units, but only three have a 2023 population figure
    assert frame.loc["3171", "numerator"] == obs("3171", "clinics", 2023) and pd.isna(frame.loc["3171", "value"])


def test_without_a_metro_value_the_median_is_the_labelled_reference(store):
    frame = services.values(store, "doctors_per_100k", 2020, "agglomeration")
    cmp = services.compare(store, ind("doctors_per_100k"), 2020, "agglomeration", frame)
    assert cmp.metro.value is None and (cmp.metro.covered, cmp.metro.total) == (6, 15)
    assert cmp.median == pytest.approx(frame["value"].dropna().median()) and cmp.median_n == 6
    assert cmp.dki_only and cmp.reference == cmp.median
    fig = services_ranking(frame, ind("doctors_per_100k"), 2020, "id", None, cmp.median, 6,
                                         services.source_line(frame, "id"))
    texts = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("median 6 wilayah (bukan metro)") for t in texts)
    assert not any(t.startswith("metro") for t in texts)
    assert any("diturunkan oleh jabodash dari github" in t for t in texts)
    table = services.table(frame, cmp, "en")
    row = table[table["Region"] == "Jakarta Pusat"].iloc[0]
    assert row["Difference from reference"] == pytest.approx(round(row["Per 100,000 people"] - cmp.median, 2), abs=0.011)
    assert row["Population series"] == "Census 2020"


def test_too_few_regions_give_no_reference(store):
    frame = services.values(store, "clinics_per_100k", 2024, "agglomeration")
    cmp = services.compare(store, ind("clinics_per_100k"), 2024, "agglomeration", frame)
    assert cmp.metro.value is None and cmp.median is None and cmp.reference is None
    assert not cmp.dki_only
    assert services.table(frame, cmp, "id")["Selisih terhadap pembanding"].isna().all()


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
    frame = services.values(store, "doctors_per_100k", 2020, "agglomeration")
    cmp = services.compare(CompleteStore(store), ind("doctors_per_100k"), 2020, "agglomeration", frame)
    assert cmp.metro.value is not None and cmp.median is None and cmp.reference == cmp.metro.value
    kpis = services.kpi_texts(cmp, ind("doctors_per_100k"), frame, 2020, "en")
    assert kpis[1][1] != "not available" and kpis[2][1] == "–"


def test_coverage_lists_every_per_100k_indicator(store):
    cov = services.coverage(store, "agglomeration")
    assert set(cov["indicator_id"]) == {i.id for i in services.per_100k_indicators()}
    opts = services.options(cov)
    assert "hospitals_rsud_per_100k" not in opts and opts[0] == "puskesmas_per_100k"
    assert services.without_data(cov, "en") == ["RSUD hospitals per 100,000 population"]
    doctors = cov[cov.indicator_id == "doctors_per_100k"].iloc[0]
    assert (doctors["year"], doctors["regions_with_value"], bool(doctors["dki_only"])) == (2020, 6, True)
    assert services.pick(opts, "poverty_rate") == "doctors_per_100k"
    assert services.pick(opts, "nurses_per_100k") == "nurses_per_100k"
    fig = coverage_heatmap(cov, "id")
    assert "RSUD/100rb" in list(fig.data[0].y)
    row = list(fig.data[0].y).index("Dokter/100rb")
    assert fig.data[0].text[row][list(fig.data[0].x).index("2020")] == "6*"


# ---------------------------------------------------------------- cooperation

def test_membership_counts(store):
    m = cooperation.membership(store)
    assert m["agglomeration"] == dict(n=15, dki=6, jabar=6, banten=3)
    assert m["jabodetabek"] == dict(n=14, dki=6, jabar=5, banten=3)


@pytest.mark.parametrize("region_set,rows", [("agglomeration", 9), ("jabodetabek", 8)])
def test_assistance_goes_to_non_dki_regions(store, region_set, rows):
    frame, year = cooperation.assistance(store, region_set)
    assert year == 2020 and len(frame) == rows
    assert not frame["region_code"].str.startswith("31").any()
    want = OBS[(OBS.indicator_id == "dki_financial_assistance_budget") & OBS.region_code.isin(frame["region_code"])]
    total, n = cooperation.assistance_total(frame)
    assert n == len(want) and total == pytest.approx(want.value.sum())
    assert frame.set_index("region_code").loc["3674", "value"] is None or pd.isna(
        frame.set_index("region_code").loc["3674", "value"])


def test_links_matrix_follows_the_data(store):
    matrix = cooperation.links(store, "agglomeration", "id")
    assert len(matrix) == 15 * len(cooperation.LINKS)
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
    for row in to_dki.itertuples():
        assert cell.loc[(row.origin_code, "commuters_to_dki"), "value"] == row.value
    assert cell.loc[("3201", "commuters_to_dki"), "status"] == "no_data"
    assert cell.loc[("3171", "commuter_cost"), "value"] == obs("3171", "commuters_daily_cost_over_25k_rp", 2023)
    labels = dict(zip(matrix["link_id"], matrix["label"]))
    assert labels["dki_assistance"] == "Bantuan keuangan DKI 2020 (miliar Rp)"
    assert labels["commuters_to_dki"] == "Komuter ke DKI 2014 (orang)"
    fig = links_matrix(matrix, "id")
    assert fig.data[0].z.shape == (15, len(cooperation.LINKS))
    wide = cooperation.links_table(matrix, "id")
    assert wide.shape == (15, len(cooperation.LINKS) + 1)


def test_other_cooperation_indicators_grow_with_the_catalog(store):
    table = cooperation.other_indicators(store, "agglomeration", "en")
    from jabodash.core.catalog import load_catalog
    theme = [i.name_en for i in load_catalog().values() if i.theme == "kerja_sama"]
    assert table["Indicator"].tolist() == theme
    assert table.loc[table["Indicator"].str.startswith("DKI Jakarta financial"), "Widest coverage"].iloc[0] == "8 of 15 regions"


# ---------------------------------------------------------------- strings and page rules

SECTIONS = ("population", "services", "cooperation")


def test_every_string_exists_in_both_languages_with_the_same_placeholders():
    ids = {k: v for k, v in strings("id").items() if k.split(".")[0] in SECTIONS}
    ens = {k: v for k, v in strings("en").items() if k.split(".")[0] in SECTIONS}
    assert ids.keys() == ens.keys() and len(ids) > 100
    for key in ids:
        assert ids[key].strip() and ens[key].strip(), key
        assert set(re.findall(r"{(\w+)}", ids[key])) == set(re.findall(r"{(\w+)}", ens[key])), key


def test_every_key_used_by_the_code_exists():
    used = set()
    for path in ["pages/kependudukan.py", "pages/layanan.py", "pages/kerjasama.py", "jabodash/features/kependudukan.py",
                 "jabodash/features/layanan.py", "jabodash/features/kerjasama.py", "jabodash/charts/kependudukan.py",
                 "jabodash/charts/layanan.py", "jabodash/charts/kerjasama.py"]:
        used |= set(re.findall(r'"((?:population|services|cooperation)\.[a-z0-9_.]+)"', (ROOT / path).read_text()))
    missing = {k for k in used if k not in strings("id") and not k.endswith(".")}
    assert not missing


@pytest.mark.parametrize("page", ["kependudukan", "layanan", "kerjasama"])
def test_pages_stay_thin(page):
    text = (ROOT / "pages" / f"{page}.py").read_text()
    assert len(text.splitlines()) < 120
    assert "import pandas" not in text and "plotly" not in text.replace("plotly_chart", "")
    assert not re.search(r"\bSELECT\b|\bFROM\b", text)
    assert "ui.page_setup(" in text.splitlines()[8] or "ui.page_setup(" in text[:600]
    assert text.rstrip().endswith("ui.sync_url(state)")


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "queries").glob("*.sql")
                                        if p.stem.startswith(("pop_", "svc_", "coop_"))))
def test_theme_queries_use_named_parameters_only(name):
    sql = (ROOT / "queries" / f"{name}.sql").read_text()
    assert "?" not in sql and "{" not in sql and "%s" not in sql
    assert re.search(r"\$[a-z_]+", sql)


def test_source_names_from_data_are_inert_in_figures():
    frame = pd.DataFrame({"origin": ["<a href='http://x'>x</a> (y)", "plain.site"]})
    text = sources_text([(frame, "origin")], "en")
    assert "<" not in text and ">" not in text and "plain.site" in text
