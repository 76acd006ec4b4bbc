"""DataSource: built-in and uploaded indicators through one interface (no streamlit), the
presenter and the story export reading saved uploads through it."""
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from jabodash.core.paths import DATA_DIR, ROOT
from jabodash.core.state import ViewState
from jabodash.features import unggah
from jabodash.presenter import stories, views
from jabodash.store import get_store, shelf
from jabodash.store.datasource import DataSource, year_rows

REGIONS = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str})
CODES = list(REGIONS["code"])
# a figure for 14 of the 15 regions (no Kab. Cianjur 3203) in 2023, all 15 in 2022
TEXT = "kode,tahun,nilai\n" + "".join(f"{c},2022,{i + 1}\n" for i, c in enumerate(CODES)) + "".join(
    f"{c},2023,{(i + 1) * 2.5}\n" for i, c in enumerate(CODES) if c != "3203")


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))


def save(name="Nilai uji", source="Sumber uji") -> str:
    result = unggah.read(TEXT.encode(), "uji.csv")
    assert result.ok
    meta = unggah.meta_from(result, name, "indeks", "lower", source)
    shelf.save_dataset(result, TEXT.encode(), "uji.csv", meta)
    return shelf.indicator_id(shelf.list_datasets()[0]["id"], name)


def test_builtin_figures_equal_the_store():
    store = get_store()
    src = DataSource.from_store(store)
    pd.testing.assert_frame_equal(src.values("ipm", 2023, "agglomeration"),
                                  store.query("indicator_values", indicator_id="ipm", year=2023, region_set="agglomeration"))
    pd.testing.assert_frame_equal(src.years("ipm", "jabodetabek"),
                                  store.query("indicator_years", indicator_id="ipm", region_set="jabodetabek"))
    assert src.indicator("ipm").name("id").startswith("IPM seri lama (var 413")
    assert list(src.table()["id"]) == list(store.query("indicators")["id"])   # nothing uploaded
    with pytest.raises(KeyError):
        src.indicator("upload.nothing.here")


def test_a_years_figures_are_those_of_its_own_query():
    """DataSource.values reads a year's rows from one query of every year (a map's year change runs
    none): the very frame the year's own query gives (values, order, index, dtypes) for every year of
    every indicator, built-in and uploaded (a region without a figure in 2023), both region sets,
    "official figures only" on and off, and none for a year without any figure (asked for itself)."""
    save()
    store = get_store()
    compared = 0
    for official, region_set in ((False, "agglomeration"), (False, "jabodetabek"), (True, "agglomeration")):
        src = DataSource.from_store(store, official_only=official)
        table = src.table()
        assert table["theme"].eq("uploaded").any()
        for row in table.itertuples():
            every = src.query("indicator_values_years", indicator_id=row.id, region_set=region_set)
            for year in row.years:
                want = src.query("indicator_values", indicator_id=row.id, year=year, region_set=region_set)
                pd.testing.assert_frame_equal(year_rows(every, year), want, check_exact=True)
                compared += 1
            assert year_rows(every, 1999) is None
    assert compared > 500
    src = DataSource.from_store(store)
    for year in (2024, 1999):   # through the door: from every year's rows, and a year of its own
        pd.testing.assert_frame_equal(src.values("ipm", year, "jabodetabek"), store.query(
            "indicator_values", indicator_id="ipm", year=year, region_set="jabodetabek"), check_exact=True)


def test_saved_upload_through_the_datasource():
    ind_id = save()
    src = DataSource.from_store(get_store())
    ind = src.indicator(ind_id)
    assert (ind.name("en"), ind.unit("id"), ind.higher_is_better, ind.theme) == ("Nilai uji", "indeks", False, "uploaded")
    assert ind.decimals == 1                         # 2.5, 5.0, ... need one decimal
    table = src.table()
    row = table[table["id"] == ind_id].iloc[0]
    assert row["max_regions"] == 15 and row["years"] == [2022, 2023]
    assert src.table(uploaded=False)["id"].tolist() == get_store().query("indicators")["id"].tolist()
    vals = src.values(ind_id, 2023, "agglomeration").set_index("region_code")["value"]
    assert len(vals) == 15 and pd.isna(vals["3203"])   # a gap stays a gap
    assert vals["3674"] == 15 * 2.5
    figures = src.values(ind_id, 2023, "agglomeration").dropna(subset=["value"])
    assert set(figures["origin"]) == set(figures["source"]) == {"Sumber uji"}   # named in chart source lines
    assert src.values(ind_id, 2023, "jabodetabek")["region_code"].nunique() == 14
    years = src.years(ind_id, "agglomeration")
    assert years.to_dict("list") == {"year": [2022, 2023], "regions_with_value": [15, 14]}
    assert len(src.series(ind_id, "agglomeration")) == 29
    metro = src.metro(ind, 2023, "agglomeration")
    assert (metro.value, metro.covered, metro.total, metro.missing) == (None, 14, 15, ("3203",))
    assert (metro.minimum, metro.maximum) == (2.5, 37.5)
    prof = src.profile("3674")
    mine = prof[prof["indicator_id"] == ind_id]
    assert mine[["year", "value"]].values.tolist() == [[2022, 15.0], [2023, 37.5]]
    assert set(mine["source"]) == {"Sumber uji"}
    assert (prof["indicator_id"] == "ipm").any()     # the built-in figures are still there
    assert src.catalog()[ind_id].name("id") == "Nilai uji" and "ipm" in src.catalog()


def test_kecamatan_level_without_boundaries_is_empty():
    src = DataSource.from_store(get_store())
    assert src.regions("agglomeration", "kecamatan").empty
    assert src.table(level="kecamatan").empty


def test_story_step_and_export_figure_of_a_saved_upload():
    ind_id = save(name="Nilai <b>uji</b>")
    store = get_store()
    fig, data = views.figure_for(ViewState(indicator=ind_id, year=2023), store, "id", kind="ranking")
    # user text never reaches Plotly as markup: drawn as the characters, not as bold
    assert fig.layout.title.text.startswith("Nilai &lt;b&gt;uji&lt;/b&gt;<br>")
    assert data.set_index("region_code")["value"]["3674"] == 37.5
    # an upload without a grade in its metadata is the analyst's own data: "tidak dinilai"
    assert any(a.text == "Sumber: Sumber uji [tidak dinilai]" for a in fig.layout.annotations)
    fig, data = views.figure_for(ViewState(indicator=ind_id, year=2023), store, "id", kind="map")
    assert data["value"].notna().sum() == 14 and fig.layout.title.text == "Nilai &lt;b&gt;uji&lt;/b&gt;"
    text = (f'title = "Cerita"\n[[step]]\ntitle = "Data analis"\nindicator = "{ind_id}"\nyear = 2023\n'
            'kind = "ranking"\n').encode()
    src = DataSource.from_store(store)
    story = stories.parse_story(text, name="x", indicators=set(src.table()["id"]),
                                years_of=lambda i: views.years_of(src, i))
    assert story.steps[0].view["indicator"] == ind_id
    # an unknown upload id gives a message figure, never an exception
    fig, data = views.figure_for(ViewState(indicator="upload.gone.x"), store, "id")
    assert data.empty and "upload.gone.x" in fig.layout.annotations[0].text


def test_presenter_adds_the_view_of_a_session_upload():
    result = unggah.read(TEXT.encode(), "uji.csv")
    sid, entry = unggah.session_entry(result, unggah.meta_from(result, "Nilai sesi", "indeks", "higher", "uji"))
    ind_id = shelf.indicator_id(sid, "Nilai sesi")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state[unggah.SESSION_KEY] = {sid: entry}
    at.switch_page("pages/ringkasan.py")
    at.query_params["indicator"] = ind_id
    at.query_params["year"] = "2022"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/presentasi.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Nilai sesi" in c.value and "2022" in c.value for c in at.caption)
    at.radio(key="w_new_kind").set_value("ranking")
    at.text_input(key="w_new_title").set_value("Data analis")
    at.button(key="w_add_step").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["_jabodash_story"]["story"].steps[-1].view["indicator"] == ind_id
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "Nilai sesi" in json.dumps(spec["layout"]["title"])
    bars = next(tr for tr in spec["data"] if tr.get("type") == "bar")
    assert bars["text"] == [f"{15 - i},0" for i in range(15)]   # the 2022 figures, largest first


def test_export_command_with_a_saved_upload(tmp_path):
    from jabodash import cli
    from jabodash.presenter import exports
    if exports.chromium_path() is None:
        pytest.skip("no Chromium for kaleido")
    ind_id = save(name="Nilai ekspor")
    story = tmp_path / "s.toml"
    story.write_text(f'title = "x"\n[[step]]\ntitle = "Satu"\nindicator = "{ind_id}"\nkind = "ranking"\n',
                     encoding="utf-8")
    assert cli.main(["export", "--story", str(story), "--out", str(tmp_path / "o"), "--format", "svg"]) == 0
    svg = next((tmp_path / "o").glob("01_*.svg")).read_text()
    assert "Nilai ekspor" in svg and "2023" in svg
