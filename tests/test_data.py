"""Unit tests of the data and methods page's logic (jabodash.features.data), its queries and
chart builders (jabodash.charts.data).

The queries are checked against data/observations.csv read independently with pandas.
"""

from support.data import OBS
from support.data import REGIONS as REGIONS

from jabodash.charts.data import coverage_matrix, coverage_years
from jabodash.core.catalog import load_catalog
from jabodash.features import data as data_mod  # the tests keep local names `data`

CAT = load_catalog()


# --- queries against the data -----------------------------------------------------------------

def test_meta_catalog_coverage(store):
    agg = data_mod.catalog(store.query, "agglomeration").set_index("id")
    jab = data_mod.catalog(store.query, "jabodetabek").set_index("id")
    assert len(agg) == len(CAT)
    assert agg.loc["ipm", "max_regions"] == 15 and jab.loc["ipm", "max_regions"] == 14
    assert list(agg.loc["ipm", "years"]) == sorted(OBS[OBS.indicator_id == "ipm"].year.unique().tolist())
    assert agg.loc["ipm", "figures"] == (OBS.indicator_id == "ipm").sum()
    assert agg.loc["commuters_to_destination", "flow_rows"] > 0
    assert (agg["regions_in_set"] == 15).all()


def test_meta_coverage_matrix_counts(store):
    cov = data_mod.coverage(store.query, "agglomeration")
    non_flow = [i for i, ind in CAT.items() if ind.kind != "flow"]
    assert len(cov) == len(non_flow) * 15
    c = cov.set_index(["indicator_id", "region_code"])
    for ind, region in (("ipm", "3171"), ("population_census", "3101"), ("poor_population", "3271")):
        n = ((OBS.indicator_id == ind) & (OBS.region_code == region)).sum()
        assert c.loc[(ind, region), "years_with_value"] == n
    assert list(c.loc[("population_census", "3101"), "years"]) == [2020]
    assert c.loc[("hospitals_rsud_per_100k", "3171"), "years_with_value"] == 0  # a gap stays a row
    summary = data_mod.coverage_summary(cov)
    assert summary["filled"] + summary["empty"] == len(cov) and summary["regions"] == 15
    limited = data_mod.coverage(store.query, "jabodetabek", ["ipm"])
    assert len(limited) == 14


def test_meta_sources_of_observed_and_derived(store):
    ipm = data_mod.sources(store.query, "ipm")
    assert ipm["figures"].sum() == (OBS.indicator_id == "ipm").sum()
    assert set(ipm["dataset_id"]) == set(OBS[OBS.indicator_id == "ipm"].dataset_id)
    # the best graded first, then the most figures (a mirror is never listed above an official source)
    order = [(["official", "official-cited", "secondary"].index(g), -n) for g, n in zip(ipm["grade"], ipm["figures"])]
    assert order == sorted(order) and ipm["grade"].iloc[0] != "secondary" and ipm["grade"].iloc[-1] == "secondary"
    # derived per 100,000: the doctors rows used and the population figures of the same regions and years
    doc = data_mod.sources(store.query, "doctors_per_100k")
    used = store.query("data_indicator_data", indicator_id="doctors_per_100k", region_set="agglomeration")
    inputs = {i for row in doc["indicators"] for i in row}
    assert inputs <= {"doctors", "population_census", "population_estimate_bps"}
    assert doc["figures"].sum() == 2 * len(used)
    # density: census counts of every year plus the official area of every region with a density
    dens = data_mod.sources(store.query, "population_density_census")
    n_dens = len(store.query("data_indicator_data", indicator_id="population_density_census", region_set="agglomeration"))
    assert dens["figures"].sum() == n_dens + 15
    # a derived indicator lists only the inputs of the figures it has (none when no year has both inputs)
    rsud = data_mod.sources(store.query, "hospitals_rsud_per_100k")
    used = store.query("data_indicator_data", indicator_id="hospitals_rsud_per_100k", region_set="agglomeration")
    assert rsud.empty if used.empty else rsud["figures"].sum() == 2 * len(used)


def test_indicator_data_and_flows(store):
    ipm = data_mod.indicator_data(store.query, CAT["ipm"], "jabodetabek")
    assert set(ipm.region_code) <= set(REGIONS[REGIONS.in_jabodetabek].code)
    assert len(ipm) == ((OBS.indicator_id == "ipm") & (OBS.region_code != "3203")).sum()
    assert {"source", "source_url", "license"} <= set(ipm.columns)
    flows = data_mod.indicator_data(store.query, CAT["commuters_to_destination"], "agglomeration")
    assert len(flows) > 0 and set(flows.indicator_id) == {"commuters_to_destination"}


# --- catalog search and views -------------------------------------------------------------------

def test_search_words_both_languages_and_themes(store):
    full = data_mod.catalog(store.query, "agglomeration")
    hits = data_mod.search(full, "kemiskinan")
    assert "poverty_rate" in set(hits.id) and "ipm" not in set(hits.id)
    assert set(data_mod.search(full, "POVERTY rate").id) >= {"poverty_rate"}
    both = data_mod.search(full, "dokter 100.000")
    assert set(both.id) == {"doctors_per_100k"}
    assert set(data_mod.search(full, "", ["ekonomi"]).theme) == {"ekonomi"}
    assert data_mod.search(full, "zzzz-nothing").empty
    assert len(data_mod.search(full, "  ")) == len(full)


def test_catalog_and_sources_views(store):
    full = data_mod.catalog(store.query, "agglomeration")
    view = data_mod.catalog_view(full, "en").set_index("Code")
    assert view.loc["ipm", "Widest coverage"] == "15 of 15 regions"
    assert view.loc["commuters_to_destination", "Kind"] == "flow"
    assert view.loc["population_census", "Years"] == "2010, 2020"
    src = data_mod.sources_view(data_mod.sources(store.query, "ipm"), "id")
    assert list(src.columns) == ["Sumber", "Tingkat sumber", "Tautan", "Lisensi", "Angka", "Tahun", "Indikator"]
    # var 413 tables in a coursework repository (secondary), BPS heads and releases quoted (official-cited)
    assert set(src["Tingkat sumber"]) == {"resmi dikutip", "sekunder"}
    links = src["Tautan"].dropna()
    assert len(links) and links.str.match(r"https?://").all()
    ds = data_mod.datasets_view(store.query("datasets"), "en")
    assert ds["Link"].dropna().str.match(r"https?://").all()
    assert set(ds["Source grade"]) == {"official", "official-cited", "secondary", ""}   # "": the derived row


def test_details_include_formula_for_derived():
    rows = dict(data_mod.details(CAT["doctors_per_100k"], "en"))
    assert rows["Formula"] == CAT["doctors_per_100k"].formula_en
    assert rows["Kind"] == "derived" and "Definition" in rows and "Unit" in rows
    assert "Formula" not in dict(data_mod.details(CAT["ipm"], "en"))


# --- boundaries ----------------------------------------------------------------------------------

def test_boundary_info_absent_and_present(monkeypatch, tmp_path):
    from jabodash.geo import boundaries

    monkeypatch.setattr(boundaries, "attribution", lambda level: None)
    infos = data_mod.boundary_info()
    assert [i.present for i in infos] == [False, False]
    assert data_mod.boundary_lines(infos[0], "en") == ["Regencies/cities: no boundaries in the cache."]

    class Fake:
        attribution = "BIG (Badan Informasi Geospasial)"
        meta = {"source": "BIG ArcGIS REST", "licence": "BIG terms of use", "fetched_at": "2026-01-02"}
        gdf = [1] * 15

    monkeypatch.setattr(boundaries, "attribution", lambda level: Fake.attribution if level == "kabkota" else None)
    monkeypatch.setattr(boundaries, "load_cached", lambda level: Fake() if level == "kabkota" else None)
    infos = data_mod.boundary_info()
    assert [i.present for i in infos] == [True, False]
    lines = data_mod.boundary_lines(infos[0], "id")
    assert lines[0] == "Kabupaten/kota: 15 wilayah di cache."
    assert "Atribusi: BIG (Badan Informasi Geospasial)" in lines and "Diambil: 2026-01-02" in lines


def test_boundary_info_never_raises(monkeypatch):
    from jabodash.geo import boundaries

    def broken(level):
        raise OSError("disk gone")

    monkeypatch.setattr(boundaries, "attribution", broken)
    assert [i.present for i in data_mod.boundary_info()] == [False, False]


# --- charts ---------------------------------------------------------------------------------------

def test_coverage_charts(store):
    cov = data_mod.coverage(store.query, "agglomeration", ["population_census", "ipm"])
    fig = coverage_matrix(cov, "en")
    gaps, counts = fig.data
    assert list(counts.y) == ["Census population · Population", "HDI (older) · Population"]
    seribu = list(counts.x).index("Kepulauan Seribu")
    assert counts.z[0][seribu] == 1 and counts.z[1][seribu] == (OBS[(OBS.indicator_id == "ipm") & (OBS.region_code == "3101")].shape[0])
    regions = store.query("regions", region_set="agglomeration")
    data = data_mod.indicator_data(store.query, CAT["population_census"], "agglomeration")
    years = coverage_years(data, regions, CAT["population_census"], "id")
    gaps, present = years.data
    assert list(present.x) == ["2010<br>13/15", "2020<br>15/15"]
    row = list(present.y).index("Kepulauan Seribu")
    assert gaps.z[row][0] == 1 and present.z[row][0] is None
    assert present.text[row][1] == "27.749"
    assert "jiwa" in years.layout.title.text and "15 dari 15 wilayah" in years.layout.title.text
