"""Uploaded indicators on the compare page (Bandingkan wilayah): jabodash/features/bandingkan.py with
uploaded frames (no streamlit) and AppTest of pages/bandingkan.py with a session upload and
a saved workspace dataset, both languages."""
import json
import math

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from support.apptest import frame

from jabodash.charts.bandingkan import profile_chart, rank_heatmap, small_multiples
from jabodash.core.paths import ROOT
from jabodash.features import bandingkan, unggah
from jabodash.store import get_store, overlay, shelf

# 2023: six regions of the agglomeration (the year the similar-regions rule picks with 5);
# 2024: three regions (picked only with min_regions <= 3); 2022 and 2021: one region each.
CSV = (b"kode,tahun,nilai\n"
       b"3171,2022,10.5\n3171,2023,11\n3276,2023,20\n3201,2023,30\n3275,2023,40\n3674,2023,50\n3671,2023,60\n"
       b"3276,2021,7\n3171,2024,12\n3276,2024,21\n3201,2024,33\n")
UP2023 = {"3171": 11.0, "3276": 20.0, "3201": 30.0, "3275": 40.0, "3674": 50.0, "3671": 60.0}
SOURCE = "Survei <b>warung</b> *uji* 2023"


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path))


@pytest.fixture(scope="module")
def run(store):
    return store.query


def upload(direction="lower", name="Nilai uji", data=CSV):
    res = unggah.read(data, "uji.csv")
    assert res.ok, [m.key for m in res.errors]
    meta = unggah.meta_from(res, name, "unit uji", direction, SOURCE)
    return res, meta


def frames(direction="lower", name="Nilai uji"):
    """(uploads, indicator id) as the upload page leaves them: one session upload."""
    res, meta = upload(direction, name)
    sid, entry = unggah.session_entry(res, meta)
    uploads = overlay.collect({sid: entry})
    return uploads, uploads.indicator["id"].iloc[0]


def reader(uploads):
    """The named queries over the built-in data and these uploads (the app's read path)."""
    return get_store().runner(uploads)


def arr(v):
    if isinstance(v, dict) and "bdata" in v:
        import base64
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def names(run):
    regions = run("regions", region_set="agglomeration")
    return dict(zip(regions["code"], regions["short_name"]))


# --- data -------------------------------------------------------------------------------------

def test_series_of_an_upload_has_the_sql_columns_and_only_its_figures(run):
    uploads, up = frames()
    builtin = bandingkan.series(run, "agglomeration", ["ipm"])
    data = bandingkan.series(reader(uploads), "agglomeration", ["ipm", up])
    assert list(data.columns) == list(builtin.columns)
    assert data["year"].dtype == builtin["year"].dtype
    # the built-in rows are untouched
    pd.testing.assert_frame_equal(data[data["indicator_id"] == "ipm"].reset_index(drop=True), builtin)
    mine = data[data["indicator_id"] == up]
    assert len(mine) == 11  # every figure of the file, no rows for gaps
    got = {(r.region_code, int(r.year)): r.value for r in mine.itertuples()}
    assert got[("3171", 2022)] == 10.5 and got[("3276", 2021)] == 7.0 and got[("3201", 2024)] == 33.0
    assert {c: got[(c, 2023)] for c in UP2023} == UP2023
    assert set(mine["source"]) == {SOURCE} and set(mine["dataset_id"]) == {up.split(".")[1]}
    assert set(mine["short_name"][mine["region_code"] == "3276"]) == {"Depok"}
    assert list(mine[["region_code", "year"]].itertuples(index=False)) == sorted(
        mine[["region_code", "year"]].itertuples(index=False))
    # jabodetabek leaves out what is outside the set; without the frames there is nothing (no KeyError)
    assert bandingkan.series(run, "agglomeration", [up]).empty
    only = bandingkan.series(reader(uploads), "agglomeration", [up])
    assert list(only.columns) == list(builtin.columns) and len(only) == 11


def test_set_values_of_an_upload_follow_the_sql_year_rule(run):
    uploads, up = frames()
    builtin = bandingkan.set_values(run, "agglomeration", ["ipm"])
    values = bandingkan.set_values(reader(uploads), "agglomeration", ["ipm", up])
    assert list(values.columns) == list(builtin.columns)
    mine = values[values["indicator_id"] == up]
    # latest year with >= 5 regions: 2023 (2024 has 3)
    assert set(mine["year"]) == {2023} and set(mine["regions_with_value"]) == {6}
    assert dict(zip(mine["region_code"], mine["value"])) == UP2023
    assert bandingkan.years_used(values)[up] == (2023, 6)
    relaxed = bandingkan.set_values(reader(uploads), "agglomeration", [up], min_regions=3)
    assert set(relaxed["year"]) == {2024} and dict(zip(relaxed["region_code"], relaxed["value"])) == {
        "3171": 12.0, "3201": 33.0, "3276": 21.0}
    # no year with 7 regions: left out, like the SQL leaves such indicators out
    assert bandingkan.set_values(reader(uploads), "agglomeration", [up], min_regions=7).empty


# --- profile, table, exports ------------------------------------------------------------------

def test_profile_scales_and_ranks_the_upload_within_the_set(run):
    uploads, up = frames("lower")
    catalog = bandingkan.catalog_with(uploads)
    data = bandingkan.series(reader(uploads), "agglomeration", ["ipm", up])
    prof = bandingkan.profile(data, ["3276", "3171"], ["ipm", up], names(run), catalog)
    mine = prof[prof["indicator_id"] == up].set_index("region_code")
    assert set(mine["year"]) == {2023}  # both chosen regions have 2023 and 2024; 2023 has more in the set
    assert (mine["covered"] == 6).all() and (mine["total"] == 15).all() and (mine["chosen_covered"] == 2).all()
    assert set(mine["direction"]) == {"lower"}
    # lower is better: 11 (Jakarta Selatan) scores 1 and ranks first, 60 scores 0 and ranks sixth
    lo, hi = 11.0, 60.0
    for code, value in UP2023.items():
        assert mine.loc[code, "value"] == value
        assert mine.loc[code, "score"] == pytest.approx(1 - (value - lo) / (hi - lo))
    assert mine.loc["3171", "rank"] == 1 and mine.loc["3276", "rank"] == 2 and mine.loc["3671", "rank"] == 6
    # a gap stays a gap: Bekasi (3216) has no figure, so no score and no rank
    assert math.isnan(mine.loc["3216", "value"]) and pd.isna(mine.loc["3216", "rank"])
    assert math.isnan(mine.loc["3216", "score"])
    # the ranks and values the page shows
    table = bandingkan.table(prof, "id", catalog).set_index("Indikator")
    row = table.loc["Unggahan · Nilai uji"]
    assert row["Depok"] == "20,0 (#2/6)" and row["Jakarta Selatan"] == "11,0 (#1/6)"
    assert row["Satuan"] == "unit uji" and row["Tahun"] == "2023" and row["Wilayah berdata (cakupan)"] == "6/15"
    row_en = bandingkan.table(prof, "en", catalog).set_index("Indicator").loc["Uploaded · Nilai uji"]
    assert row_en["Depok"] == "20.0 (#2/6)"
    export = bandingkan.export_frame(prof, catalog)
    assert set(export.loc[export["indicator_id"] == up, "unit"]) == {"unit uji"}
    used = bandingkan.rows_used(data, prof)
    assert dict(zip(used.loc[used["indicator_id"] == up, "region_code"],
                    used.loc[used["indicator_id"] == up, "value"])) == UP2023


def test_profile_of_higher_and_neutral_uploads(run):
    for direction, first in (("higher", "3671"), ("neutral", "3671")):
        uploads, up = frames(direction)
        catalog = bandingkan.catalog_with(uploads)
        data = bandingkan.series(reader(uploads), "agglomeration", [up])
        prof = bandingkan.profile(data, ["3171", "3671"], [up], names(run), catalog).set_index("region_code")
        assert prof.loc[first, "rank"] == 1 and prof.loc[first, "score"] == 1.0
        assert prof.loc["3171", "score"] == 0.0
        assert set(prof["direction"]) == {direction}


def test_similar_regions_use_the_upload_and_impute_nothing(run):
    uploads, up = frames("higher")
    catalog = bandingkan.catalog_with(uploads)
    inds = ["ipm", "poverty_rate", up]
    values = bandingkan.set_values(reader(uploads), "agglomeration", inds)
    z = bandingkan.zscores(values)
    assert up in set(z["indicator_id"])
    zu = z[z["indicator_id"] == up].set_index("region_code")["z"]
    v = pd.Series(UP2023)
    assert zu.to_dict() == pytest.approx(((v - v.mean()) / v.std(ddof=0)).to_dict())
    similar = bandingkan.similar_regions(z, "3171").set_index("region_code")
    # regions with the upload share three indicators; the others only two: no distance
    assert similar.loc["3276", "shared"] == 3 and up in similar.loc["3276", "indicators"]
    assert similar.loc["3216", "shared"] == 2 and math.isnan(similar.loc["3216", "distance"])
    wide = z.pivot_table(index="region_code", columns="indicator_id", values="z")
    expected = math.sqrt(float(np.mean((wide.loc["3171", inds] - wide.loc["3276", inds]) ** 2)))
    assert similar.loc["3276", "distance"] == pytest.approx(expected)
    assert int(similar["distance"].notna().sum()) == 5
    table = bandingkan.similar_table(bandingkan.similar_regions(z, "3171"), "en", catalog=catalog)
    assert len(table) > 0 and all("Uploaded · Nilai uji" in text for text in table["Indicators used"])
    used, left_out = bandingkan.similar_summary(values, z, inds, "en", catalog)
    assert "Uploaded · Nilai uji (2023, 6 regions)" in used and not left_out


def test_lookups_never_raise_for_upload_ids(run):
    uploads, up = frames()
    catalog = bandingkan.catalog_with(uploads)
    assert catalog[up].theme == "uploaded" and catalog[up].source_note == SOURCE
    assert catalog[up].higher_is_better is False and catalog["ipm"].theme != "uploaded"
    assert catalog[up].decimals == 1  # 10.5 needs one decimal, as the pages' DataSource.indicator shows it
    assert bandingkan.catalog_with(None) == bandingkan.catalog_with(overlay.EMPTY)
    gone = "upload.sesi-0000.hilang"
    assert bandingkan.lookup(catalog, gone).id == gone
    with pytest.raises(KeyError):
        bandingkan.lookup(catalog, "no_such_builtin")
    # an upload that is no longer there: all gaps, every section still builds
    data = bandingkan.series(reader(uploads), "agglomeration", ["ipm", gone])
    prof = bandingkan.profile(data, ["3171", "3276"], ["ipm", gone], names(run), catalog)
    assert prof.loc[prof["indicator_id"] == gone, "value"].isna().all()
    assert bandingkan.table(prof, "id", catalog).iloc[1]["Jakarta Selatan"] == "tidak ada data"
    assert len(bandingkan.export_frame(prof, catalog)) == len(prof)
    summary = bandingkan.similar_summary(bandingkan.set_values(reader(uploads), "agglomeration", [gone]),
                                      pd.DataFrame(), [gone], "en", catalog)
    assert summary[0] == [] and len(summary[1]) == 1


def test_charts_with_an_upload(run):
    uploads, up = frames()
    catalog = bandingkan.catalog_with(uploads)
    regions = ["3171", "3276"]
    data = bandingkan.series(reader(uploads), "agglomeration", ["ipm", up])
    prof = bandingkan.profile(data, regions, ["ipm", up], names(run), catalog)
    used = bandingkan.rows_used(data, prof)
    fig = small_multiples(bandingkan.for_regions(data, regions), regions, names(run), ["ipm", up], "en", catalog)
    spec = json.loads(fig.to_json())
    assert any("Uploaded · Nilai uji" in a["text"] for a in spec["layout"]["annotations"])
    depok = next(tr for tr in spec["data"] if tr["name"] == "Depok" and tr.get("xaxis") == "x2")
    ys = [None if y is None or (isinstance(y, float) and math.isnan(y)) else y for y in arr(depok["y"])]
    assert dict(zip(arr(depok["x"]), ys)) == {2021: 7.0, 2022: None, 2023: 20.0, 2024: 21.0}  # 2022: a gap
    only_up = bandingkan.series(reader(uploads), "agglomeration", [up])
    alone = json.loads(small_multiples(bandingkan.for_regions(only_up, regions), regions, names(run), [up], "en",
                                          catalog).to_json())
    # the upload's source is drawn as text: its tags are escaped, never bold
    assert alone["layout"]["annotations"][-1]["text"] == "Source: Survei &lt;b&gt;warung&lt;/b&gt; *uji* 2023 [unrated]"
    heat = json.loads(rank_heatmap(prof, regions, "en", used, catalog).to_json())
    assert "Uploaded · Nilai uji 2023 (lower is better)" in heat["data"][1]["y"]
    profile = json.loads(profile_chart(prof, regions, "en", used, catalog).to_json())
    assert "Uploaded · Nilai uji 2023 (lower is better)" in profile["layout"]["yaxis"]["ticktext"]


def test_indicator_choices_mark_uploads(run):
    res, meta = upload()
    sid, entry = unggah.session_entry(res, meta)
    sid2, entry2 = unggah.session_entry(res, meta)  # the same file used twice in the session
    uploads = overlay.collect({sid: entry})
    up = uploads.indicator["id"].iloc[0]
    inds = overlay.collect({sid: entry, sid2: entry2}).indicator
    table = reader(overlay.collect({sid: entry, sid2: entry2}))("indicators")
    choices = bandingkan.indicator_choices(table, "id")
    assert choices["ipm"] == bandingkan.indicator_choices(run("indicators"), "id")["ipm"]
    assert choices[up] == f"Unggahan · Nilai uji ({up.split('.')[1]})"
    up2 = inds["id"].iloc[1]
    assert choices[up2] == f"Unggahan · Nilai uji ({sid2})" and choices[up] != choices[up2]
    assert list(choices)[-2:] == [up, up2]  # after the built-in ones
    single = bandingkan.indicator_choices(reader(uploads)("indicators"), "en")
    assert single[up] == "Uploaded · Nilai uji"


# --- the page ---------------------------------------------------------------------------------

COMPARE = "pages/bandingkan.py"


def run_page(session=None, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.switch_page(COMPARE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def captions(at) -> str:
    return " ".join(str(c.value) for c in at.caption).replace("\\", "")


@pytest.mark.parametrize("lang,label,col,depok,jaksel", [
    ("id", "Unggahan · Nilai uji", "Indikator", "20,0 (#2/6)", "11,0 (#1/6)"),
    ("en", "Uploaded · Nilai uji", "Indicator", "20.0 (#2/6)", "11.0 (#1/6)"),
])
def test_page_compares_a_session_upload(lang, label, col, depok, jaksel):
    res, meta = upload("lower")
    sid, entry = unggah.session_entry(res, meta)
    at = run_page({unggah.SESSION_KEY: {sid: entry}}, lang=lang, regions="3171,3276")
    picker = at.multiselect(key="w_cmp_indicators")
    up = shelf.indicator_id(sid, "Nilai uji")
    assert label in picker.options and up not in picker.value  # offered, not preselected
    picker.set_value([up, "ipm", "poverty_rate"]).run()
    assert not at.exception, [e.value for e in at.exception]
    table = frame(at, col).set_index(col)
    row = table.loc[label]
    assert row["Depok"] == depok and row["Jakarta Selatan"] == jaksel
    assert {"IPM (seri lama)" if lang == "id" else "HDI (older)", label} <= set(table.index)   # var 413
    value = at.query_params.get("indicator")
    assert (value[-1] if isinstance(value, list) else value) == up  # the URL names the upload
    figs = at.get("plotly_chart")
    assert len(figs) == 4  # small multiples, profile, ranks, similar regions
    heat = json.loads(figs[2].proto.spec)
    assert any(label in y for y in heat["data"][1]["y"])
    # the upload's source text, as plain text, under the charts
    assert SOURCE in captions(at)
    similar = frame(at, "Jarak" if lang == "id" else "Distance")
    assert len(similar) == 5 and similar.iloc[:, 2].eq(3).all()
    assert f"{label} (2023, 6 " in captions(at)
    assert not any("<b>" in m.value for m in at.markdown)


@pytest.mark.parametrize("lang,label,col", [("id", "Unggahan · Warung", "Indikator"),
                                            ("en", "Uploaded · Warung", "Indicator")])
def test_page_lists_a_saved_workspace_dataset(lang, label, col):
    res, _ = upload()
    ds = shelf.save_dataset(res, CSV, "warung.csv", {"indicator": "Warung", "higher_is_better": True,
                                                          "source": "Dinas Uji"})
    up = shelf.indicator_id(ds, "Warung")
    at = run_page(lang=lang, regions="3276,3671")
    picker = at.multiselect(key="w_cmp_indicators")
    assert label in picker.options
    picker.set_value(["ipm", up]).run()
    assert not at.exception, [e.value for e in at.exception]
    row = frame(at, col).set_index(col).loc[label]
    sep = "," if lang == "id" else "."
    # higher is better: 60 is first of six, 20 fifth
    assert row["Kota Tangerang"] == f"60{sep}0 (#1/6)" and row["Depok"] == f"20{sep}0 (#5/6)"
    assert "Dinas Uji" in captions(at)


def test_uploaded_names_and_units_are_drawn_as_text(run):
    res, meta = upload(name="<b>Tebal</b> <a href='http://x'>tautan</a>")
    meta["unit"] = "<i>u</i>"
    sid, entry = unggah.session_entry(res, meta)
    uploads = overlay.collect({sid: entry})
    up = uploads.indicator["id"].iloc[0]
    catalog = bandingkan.catalog_with(uploads)
    regions = ["3171", "3276"]
    data = bandingkan.series(reader(uploads), "agglomeration", ["ipm", up])
    prof = bandingkan.profile(data, regions, ["ipm", up], names(run), catalog)
    figs = [small_multiples(bandingkan.for_regions(data, regions), regions, names(run), ["ipm", up], "id", catalog),
            rank_heatmap(prof, regions, "id", bandingkan.rows_used(data, prof), catalog),
            profile_chart(prof, regions, "id", bandingkan.rows_used(data, prof), catalog)]
    for fig in figs:
        text = json.dumps(json.loads(fig.to_json()), ensure_ascii=False)
        assert "<a href" not in text and "<i>u</i>" not in text and "<b>Tebal" not in text
        assert "&lt;b&gt;Tebal&lt;/b&gt;" in text
