"""Kecamatan figures in data/ (data/sources/kecamatan_sp2010.csv): the file against its own quotes and
the kab/kota figures, and the figures through the one door (DataSource over the store, the kecamatan of
cached boundaries) as the kecamatan map, the Wilayah drill-down and the map's subtitle get them."""
import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from support.data import OBS, ROOT

from jabodash.charts import peta as peta_charts
from jabodash.core.catalog import get as indicator
from jabodash.core.state import ViewState
from jabodash.features import peta, wilayah
from jabodash.geo import boundaries
from jabodash.store import Store
from jabodash.store.datasource import DataSource

IND, YEAR = "population_census_sp2010_preliminary", 2010
FILE = pd.read_csv(ROOT / "data" / "sources" / "kecamatan_sp2010.csv", dtype=str, keep_default_na=False)
CROSSWALK = pd.read_csv(ROOT / "data" / "kecamatan_crosswalk.csv", dtype=str)
EXPECTED = dict(zip(FILE["region_code"], FILE["value"].astype(float)))


def test_the_file_covers_the_217_kecamatan_of_the_crosswalk_once():
    assert len(FILE) == 217 and FILE["region_code"].is_unique
    assert set(FILE["region_code"]) == set(CROSSWALK["code"])
    assert set(FILE["indicator"]) == {IND} and set(FILE["year"]) == {"2010"} and set(FILE["grade"]) == {"secondary"}
    # one address, pinned to the commit read
    assert FILE["source_url"].nunique() == 1
    assert "c6579669744b0650890d00fe90dbd321910f34fc" in FILE["source_url"].iloc[0]


def test_every_value_is_the_total_of_its_quoted_line_and_male_plus_female():
    for row in FILE.itertuples():
        cells = row.quote.split(",")
        assert cells[4] == row.region_code and cells[2] == row.region_code[:4], row.quote
        male, female, total = (int(c) for c in cells[-3:])
        assert male + female == total == int(row.value), row.quote


def test_kecamatan_add_up_to_the_kabkota_preliminary_figures_and_not_the_final_census():
    """The 8 regions with a kab/kota SP2010 preliminary figure from another source match it exactly;
    the final census (population_census) is another series and differs."""
    kab = OBS[(OBS.indicator_id == IND) & (OBS.year == YEAR) & (OBS.region_code.str.len() == 4)]
    sums = FILE.assign(v=FILE["value"].astype(int)).groupby(FILE["region_code"].str[:4])["v"].sum()
    assert len(kab) == 8
    for code, value in zip(kab.region_code, kab.value):
        assert sums[code] == int(value), code
    final = OBS[(OBS.indicator_id == "population_census") & (OBS.year == YEAR)].set_index("region_code")["value"]
    assert all(sums[c] != int(final[c]) for c in final.index if c in sums.index)


def test_the_build_keeps_every_figure_with_its_quote_and_one_secondary_dataset():
    rows = OBS[(OBS.indicator_id == IND) & (OBS.region_code.str.len() == 7)]
    assert dict(zip(rows.region_code, rows.value)) == EXPECTED
    assert rows.dataset_id.nunique() == 1
    quoted = dict(zip(FILE["region_code"], FILE["quote"]))
    assert all(note.startswith(f'"{quoted[code]}"') for code, note in zip(rows.region_code, rows.note))
    datasets = pd.read_csv(ROOT / "data" / "datasets.csv", dtype=str).set_index("id")
    ds = datasets.loc[rows.dataset_id.iloc[0]]
    assert ds["grade"] == "secondary" and ds["title"].startswith("BPS SP2010 angka sementara via GitHub lahdjirayhan")


def squares(path):
    """One small square per kecamatan of the crosswalk (their BPS codes and names), in rows."""
    geoms = [box(106.5 + 0.01 * (i % 20), -6.0 - 0.01 * (i // 20), 106.509 + 0.01 * (i % 20),
                 -5.991 - 0.01 * (i // 20)) for i in range(len(CROSSWALK))]
    gdf = gpd.GeoDataFrame({"kode": CROSSWALK["code"], "nama": CROSSWALK["name"]}, geometry=geoms, crs=4326)
    gdf.to_file(path, driver="GeoJSON")
    return boundaries.import_file(path.read_bytes(), "kecamatan", "kode", "nama", "kec.geojson")


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kecfig")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JABODASH_CACHE_DIR", str(folder / "cache"))
        mp.setenv("JABODASH_WORKSPACE", str(folder / "ws"))
        report = squares(folder / "kec.geojson")
        assert len(report.matched) == 217
        store = Store()
        yield DataSource.over(store), DataSource.over(store, official_only=True)
        store.close()


def test_the_kecamatan_map_lists_the_indicator_with_217_kecamatan(source):
    src, official = source
    table = src.table(level="kecamatan").set_index("id")
    assert table.loc[IND, "max_regions"] == 217 and list(table.loc[IND, "years"]) == [YEAR]
    assert IND not in set(official.table(level="kecamatan")["id"])     # secondary: hidden by the switch
    # at kab/kota level the indicator keeps its own 8 figures: kecamatan rows do not count there
    assert src.table().set_index("id").loc[IND, "max_regions"] == 8


def test_the_map_values_are_the_file_figures_with_source_and_grade(source):
    src, official = source
    values = src.values(IND, YEAR, "kecamatan", level="kecamatan")
    assert len(values) == 217
    assert dict(zip(values["region_code"], values["value"])) == EXPECTED
    assert set(values["grade"]) == {"secondary"} and values["source"].str.contains("Hasil Olah Cepat").all()
    assert values["value"].notna().sum() == 217
    assert official.values(IND, YEAR, "kecamatan", level="kecamatan")["value"].isna().all()
    assert src.unplaced(IND, YEAR).empty                    # every figure has its polygon
    # the kab/kota map of the same indicator is untouched by the kecamatan rows
    kab = src.values(IND, YEAR, "agglomeration")
    assert len(kab) == 15 and kab["value"].notna().sum() == 8


def subtitle(values, ind, year, lang, level="kabkota", geojson=None) -> str:
    classes = peta.classes_for(values, ind, ViewState(), lang)
    fig = peta_charts.map_view(values, ind, year, lang, classes, level=level, geojson=geojson)
    return fig.layout.title.subtitle.text


def test_the_map_subtitle_counts_kecamatan(source):
    src, _ = source
    values = src.values(IND, YEAR, "kecamatan", level="kecamatan")
    ind, geojson = src.indicator(IND), boundaries.geojson_for("kecamatan")
    assert "217 dari 217 kecamatan" in subtitle(values, ind, YEAR, "id", "kecamatan", geojson)
    one_gap = values.assign(value=values["value"].where(values["region_code"] != "3276050"))
    assert "216 of 217 kecamatan" in subtitle(one_gap, ind, YEAR, "en", "kecamatan", geojson)
    kab = src.values("ipm", 2024, "agglomeration")
    assert "15 dari 15 wilayah" in subtitle(kab, indicator("ipm"), 2024, "id")   # kab/kota: regions, as before


def test_the_drilldown_table_has_the_census_column_of_its_kab_kota(source):
    src, official = source
    census = src.values(*wilayah.KEC_CENSUS, "kecamatan", level="kecamatan")
    gdf = boundaries.load_cached("kecamatan").gdf
    table = wilayah.kecamatan_table(gdf, src.regions("agglomeration"), "3276", None, census)
    assert len(table) == 11 and set(table["kabkota"]) == {"Kota Depok"}
    assert dict(zip(table["code"], table["census_2010"])) == {c: v for c, v in EXPECTED.items() if c[:4] == "3276"}
    hidden = official.values(*wilayah.KEC_CENSUS, "kecamatan", level="kecamatan")
    assert "census_2010" not in wilayah.kecamatan_table(gdf, src.regions("agglomeration"), "3276", None, hidden)


def test_the_drilldown_map_colours_the_kecamatan_of_one_kab_kota_by_the_census(source):
    src, _ = source
    census = src.values(*wilayah.KEC_CENSUS, "kecamatan", level="kecamatan")
    bset = boundaries.load_cached("kecamatan")
    fig = wilayah.kecamatan_map(bset.gdf, boundaries.geojson_for("kecamatan"), "3276", ViewState(), "id", "uji",
                                (census, src.indicator(IND), YEAR))
    hover = {code: text for tr in fig.data if tr.type == "choropleth" and tr.hovertext is not None
             for code, text in zip(tr.locations, tr.hovertext)}
    assert set(hover) == {c for c in EXPECTED if c.startswith("3276")}     # Depok's 11, no other
    assert all(f"{int(EXPECTED[c]):,}".replace(",", ".") in text for c, text in hover.items())
    assert fig.layout.title.text.startswith("Jumlah penduduk SP2010") and "11 dari 11 kecamatan" in \
        fig.layout.title.subtitle.text
    area = wilayah.kecamatan_map(bset.gdf, boundaries.geojson_for("kecamatan"), "3276", ViewState(), "id", "uji")
    assert area.layout.title.text == peta_charts.AreaIndicator().name("id")     # the default: the area
