"""Data & metode with the analyst's uploads: the methods functions over a DataSource (catalog,
search, sources, figures, coverage with the columns of the SQL queries) and the page (AppTest)
listing session and saved uploads, with user text shown inert, in both languages."""
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from support.apptest import frame
from support.apptest import run_page as open_page

from jabodash.charts.data import coverage_matrix, coverage_years
from jabodash.core import csvsafe
from jabodash.core.catalog import load_catalog
from jabodash.core.paths import DATA_DIR
from jabodash.core.textsafe import md_escape
from jabodash.features import data as methods
from jabodash.features import unggah
from jabodash.store import get_store, overlay, shelf
from jabodash.store.datasource import DataSource
from jabodash.ui import widgets

REGIONS = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str})
CODES = list(REGIONS["code"])
# 2022: all 15 regions (value 1..15); 2023: 14 regions, no Kab. Cianjur 3203 (value 2.5 * k)
TEXT = "kode,tahun,nilai\n" + "".join(f"{c},2022,{i + 1}\n" for i, c in enumerate(CODES)) + "".join(
    f"{c},2023,{(i + 1) * 2.5}\n" for i, c in enumerate(CODES) if c != "3203")
DATA = "pages/data.py"
HOSTILE_NAME = "<b>x</b> [link](http://evil)"
HOSTILE_SOURCE = '=HYPERLINK("http://evil","klik")'


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))


def save(name="Nilai uji", source="https://data.example.org/uji", filename="uji.csv") -> str:
    result = unggah.read(TEXT.encode(), filename)
    assert result.ok
    meta = unggah.meta_from(result, name, "indeks", "lower", source)
    dataset_id = shelf.save_dataset(result, TEXT.encode(), filename, meta)
    return shelf.indicator_id(dataset_id, name)


def session_upload(name="Nilai sesi", source="Dinas uji", filename="sesi.csv") -> tuple[str, dict, str]:
    result = unggah.read(TEXT.encode(), filename)
    assert result.ok
    sid, entry = unggah.session_entry(result, unggah.meta_from(result, name, "unit", "higher", source))
    return sid, entry, shelf.indicator_id(sid, name)


def source_with(session: dict | None = None) -> DataSource:
    return DataSource.over(get_store(), overlay.collect(session or {}))


# --- methods.py over a DataSource ------------------------------------------------------------------

def test_catalog_rows_of_uploads_with_coverage_and_years():
    saved_id = save()
    sid, entry, sess_id = session_upload()
    src = source_with({sid: entry})
    store = get_store()
    for region_set, total, figures in (("agglomeration", 15, 29.0), ("jabodetabek", 14, 28.0)):
        full = methods.catalog_all(src, region_set)
        builtin = store.query("data_catalog", region_set=region_set)
        assert list(full.columns) == list(builtin.columns)
        assert list(full["id"][:len(builtin)]) == list(builtin["id"])
        assert list(full["id"][len(builtin):]) == [saved_id, sess_id]
        rows = full.set_index("id")
        for ind_id in (saved_id, sess_id):
            row = rows.loc[ind_id]
            assert (row["theme"], row["kind"], row["aggregation"]) == ("uploaded", "observed", "none")
            assert list(row["years"]) == [2022, 2023]
            assert (row["max_regions"], row["figures"], row["regions_in_set"]) == (total, figures, total)
            assert (row["first_year"], row["last_year"], row["flow_rows"]) == (2022, 2023, 0)
        view = methods.catalog_view(full, "id").set_index("Kode")
        assert view.loc[saved_id, "Tema"] == "Unggahan" and view.loc[saved_id, "Jenis"] == "data"
        assert view.loc[saved_id, "Cakupan terbanyak"] == f"{total} dari {total} wilayah"
        assert view.loc[sess_id, "Tahun"] == "2022, 2023" and view.loc[sess_id, "Indikator"] == "Nilai sesi"
    assert methods.uploaded_catalog(src, "agglomeration").set_index("id").loc[saved_id, "unit_en"] == "indeks"


def test_search_and_theme_filter_find_uploads():
    saved_id = save()
    src = source_with()
    full = methods.catalog_all(src, "agglomeration")
    assert list(methods.search(full, "nilai UJI")["id"]) == [saved_id]
    assert list(methods.search(full, "", ["uploaded"])["id"]) == [saved_id]
    assert saved_id not in set(methods.search(full, "", ["ekonomi"])["id"])
    # the definition names the dataset: searching the dataset id finds it too
    assert list(methods.search(full, saved_id.split(".")[1])["id"]) == [saved_id]
    assert methods.theme_options(full)[-1] == "uploaded"
    assert methods.theme_options(get_store().query("data_catalog", region_set="agglomeration")) == [
        "kependudukan", "wilayah", "layanan_publik", "ekonomi", "kerja_sama"]


def test_details_of_an_upload():
    saved_id = save()
    ind = source_with().indicator(saved_id)
    rows = dict(methods.details(ind, "en"))
    dataset_id = saved_id.split(".")[1]
    assert rows["Definition"] == f"Figures uploaded by an analyst (dataset {dataset_id}); check the source before use."
    assert rows["Unit"] == "indeks" and rows["Kind"] == "observed"
    assert rows["Metro value"] == "no metro value" and rows["Direction"] == "lower is better"
    assert rows["Source note"] == "https://data.example.org/uji"
    assert "Formula" not in rows
    assert methods.indicator_label(saved_id, "id", source_with().catalog()) == "Unggahan · Nilai uji"


def test_sources_rows_of_saved_and_session_uploads():
    saved_id = save()
    sid, entry, sess_id = session_upload()
    src = source_with({sid: entry})
    known = methods.upload_datasets({sid: entry})
    saved_ds = saved_id.split(".")[1]
    assert known == {sid: {"filename": "sesi.csv", "saved": False}, saved_ds: {"filename": "uji.csv", "saved": True}}
    builtin_cols = list(get_store().query("data_sources", indicator_id="ipm").columns)

    saved = methods.sources_of(src, saved_id, known)
    assert list(saved.columns[:len(builtin_cols)]) == builtin_cols
    assert saved["grade"].tolist() == ["unrated"]   # no grade in its metadata: the analyst's own data
    assert saved.drop(columns=["source_url", "license", "grade"]).to_dict("records") == [{
        "dataset_id": saved_ds, "title": "Nilai uji", "origin": "https://data.example.org/uji",
        "indicators": [saved_id], "figures": 29, "first_year": 2022, "last_year": 2023,
        "filename": "uji.csv", "stored": "saved"}]
    assert saved["source_url"].iloc[0] == "https://data.example.org/uji"   # an http(s) source is a link
    assert saved["license"].isna().all()
    view = methods.sources_view(saved, "id")
    assert view.iloc[0].to_dict() == {
        "Sumber": "Nilai uji", "Tingkat sumber": "tidak dinilai", "Berkas asli": "uji.csv", "Sumber menurut analis": "https://data.example.org/uji",
        "Tautan": "https://data.example.org/uji", "Lisensi": "– (tidak dinyatakan)", "Angka": 29,
        "Tahun": "2022–2023", "Indikator": saved_id, "Disimpan": "disimpan di ruang kerja"}

    session = methods.sources_of(src, sess_id, known)
    assert len(session) == 1 and session["title"].iloc[0] == "Nilai sesi"
    assert session["origin"].iloc[0] == "Dinas uji" and pd.isna(session["source_url"].iloc[0])  # not a link
    view = methods.sources_view(session, "en")
    assert view["Stored"].iloc[0] == "this session only" and view["Licence"].iloc[0] == "– (not stated)"
    assert view["Original file"].iloc[0] == "sesi.csv" and view["Figures"].iloc[0] == 29

    # every uploaded dataset: one row each; the built-in view is unchanged
    assert set(methods.uploaded_sources(src, None, known)["dataset_id"]) == {saved_ds, sid}
    ipm = methods.sources_view(methods.sources_of(src, "ipm"), "id")
    assert "Berkas asli" not in ipm.columns and len(ipm) > 0
    datasets = src.query("datasets")
    assert list(datasets["id"][-2:]) == [saved_ds, sid] and list(datasets["rows"][-2:]) == [29, 29]


def test_figures_of_an_upload_like_meta_indicator_data():
    sid, entry, sess_id = session_upload(source=HOSTILE_SOURCE)
    src = source_with({sid: entry})
    ind = src.indicator(sess_id)
    data = methods.indicator_data_of(src, ind, "agglomeration")
    builtin = get_store().query("data_indicator_data", indicator_id="ipm", region_set="agglomeration")
    assert list(data.columns) == list(builtin.columns)
    assert len(data) == 29 and list(data["year"].unique()) == [2022, 2023]
    by = data.set_index(["region_code", "year"])["value"]
    assert by[("3674", 2023)] == 37.5 and by[("3101", 2022)] == 1.0 and ("3203", 2023) not in by.index
    assert set(data["source"]) == {HOSTILE_SOURCE} and data["source_url"].isna().all()
    assert set(data["dataset_id"]) == {sid} and not data["derived"].any()
    assert len(methods.indicator_data_of(src, ind, "jabodetabek")) == 28
    csv = csvsafe.to_safe_csv(data).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and ",=HYPERLINK" not in csv
    # the built-in dispatch is the query
    pd.testing.assert_frame_equal(methods.indicator_data_of(src, methods.load_catalog()["ipm"], "agglomeration"),
                                  builtin)


def test_coverage_rows_of_uploads():
    saved_id = save()
    src = source_with()
    cov = methods.uploaded_coverage(src, "agglomeration")
    builtin = get_store().query("data_coverage", region_set="agglomeration")
    assert list(cov.columns) == list(builtin.columns)
    assert len(cov) == 15 and set(cov["indicator_id"]) == {saved_id}
    rows = cov.set_index("region_code")
    assert rows.loc["3203", "years_with_value"] == 1 and rows.loc["3203", "years"] == [2022]
    assert rows.loc["3674", "years_with_value"] == 2 and rows.loc["3674", "years"] == [2022, 2023]
    assert list(cov["region_code"]) == sorted(cov["region_code"])
    both = methods.coverage_all(src, "jabodetabek", ["ipm", saved_id])
    assert list(dict.fromkeys(both["indicator_id"])) == ["ipm", saved_id]
    assert len(both) == 28 and "3203" not in set(both["region_code"])
    summary = methods.coverage_summary(methods.coverage_all(src, "agglomeration", [saved_id]))
    assert summary == dict(indicators=1, regions=15, filled=15, empty=0)
    assert methods.uploaded_coverage(src, "agglomeration", ["ipm"]).empty


def test_charts_escape_uploaded_text():
    sid, entry, sess_id = session_upload(name=HOSTILE_NAME, source=HOSTILE_SOURCE)
    src = source_with({sid: entry})
    ind = src.indicator(sess_id)
    cov = methods.coverage_all(src, "agglomeration", ["ipm", sess_id])
    fig = coverage_matrix(cov, "en", src.catalog())
    assert fig.data[1].y[-1] == "&lt;b&gt;x&lt;/b&gt; [link](http://evil) · Uploaded"
    fig = coverage_years(methods.indicator_data_of(src, ind, "agglomeration"), src.regions("agglomeration"),
                            ind, "en")
    assert fig.layout.title.text.startswith("&lt;b&gt;x&lt;/b&gt;") and "<b>x" not in fig.layout.title.text


# --- the page -----------------------------------------------------------------------------------

def run_page(session: dict | None = None, **params) -> AppTest:
    return open_page(DATA, session, **params)


def markdown(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_page_lists_a_session_upload_and_describes_it():
    sid, entry, sess_id = session_upload()
    at = run_page({sid: entry})
    catalog = frame(at, "Kode")
    assert set(catalog["Kode"]) == set(load_catalog()) | {sess_id}   # the built-in catalog and the upload
    row = catalog.set_index("Kode").loc[sess_id]
    assert (row["Indikator"], row["Tema"], row["Cakupan terbanyak"], row["Tahun"]) == (
        "Nilai sesi", "Unggahan", "15 dari 15 wilayah", "2022, 2023")
    box = at.selectbox(key="w_meta_indicator")
    assert "Unggahan · Nilai sesi" in box.options
    box.set_value(sess_id).run()
    assert not at.exception, [e.value for e in at.exception]
    md = markdown(at).replace("\\", "")
    assert f"Angka yang diunggah analis (dataset {sid})" in md
    assert "Catatan sumber:** Dinas uji" in md or "Dinas uji" in md   # the source note
    assert "tidak ada nilai metropolitan" in md
    sources = frame(at, "Berkas asli")
    assert sources.iloc[0]["Sumber"] == "Nilai sesi" and sources.iloc[0]["Berkas asli"] == "sesi.csv"
    assert sources.iloc[0]["Sumber menurut analis"] == "Dinas uji" and sources.iloc[0]["Disimpan"] == "hanya sesi ini"
    assert sources.iloc[0]["Angka"] == 29
    years = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "2023<br>14/15" in years["data"][1]["x"]
    coverage = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert coverage["data"][1]["y"][-1] == "Nilai sesi · Unggahan"
    value = at.query_params["indicator"]
    assert (value[-1] if isinstance(value, list) else value) == sess_id
    # the theme filter offers the uploads
    themes = at.multiselect(key="w_meta_themes")
    assert "Unggahan" in themes.options
    themes.set_value(["uploaded"]).run()
    assert list(frame(at, "Kode")["Kode"]) == [sess_id]


def test_page_lists_a_saved_upload_in_a_fresh_session():
    # without uploads the filter has no "uploaded" theme
    plain = run_page(lang="en")
    assert "Uploaded" not in plain.multiselect(key="w_meta_themes").options
    assert set(frame(plain, "Code")["Code"]) == set(load_catalog())   # the built-in catalog only
    saved_id = save()
    at = run_page(lang="en", indicator=saved_id)
    assert saved_id in set(frame(at, "Code")["Code"])
    assert at.selectbox(key="w_meta_indicator").value == saved_id
    sources = frame(at, "Original file")
    assert sources.iloc[0].to_dict()["Stored"] == "saved in the workspace"
    assert sources.iloc[0]["Link"] == "https://data.example.org/uji"
    md = markdown(at).replace("\\", "")
    assert "Figures uploaded by an analyst" in md and "lower is better" in md
    at.text_input(key="w_meta_search").input("nilai uji").run()
    assert list(frame(at, "Code")["Code"]) == [saved_id]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_page_shows_hostile_upload_text_inert(lang, monkeypatch):
    sid, entry, sess_id = session_upload(name=HOSTILE_NAME, source=HOSTILE_SOURCE, filename="<i>f</i>.csv")
    written = []
    real = widgets.csv_download

    def recording(frame, filename, lang, key):   # the CSV is made on click: make it as the click would
        written.append(csvsafe.to_safe_csv(frame))
        return real(frame, filename, lang, key)

    monkeypatch.setattr(widgets, "csv_download", recording)
    at = run_page({sid: entry}, lang=lang, indicator=sess_id)
    assert at.selectbox(key="w_meta_indicator").value == sess_id
    md = markdown(at)
    assert md_escape(HOSTILE_NAME) in md and md_escape(HOSTILE_SOURCE, 3000) in md
    assert "<b>x</b>" not in md and "[link](http://evil)" not in md
    sources = frame(at, "Berkas asli" if lang == "id" else "Original file")
    assert sources.iloc[0, 0] == HOSTILE_NAME   # plain text in a dataframe cell
    link = sources["Tautan" if lang == "id" else "Link"].iloc[0]
    assert link is None or pd.isna(link)
    years = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert years["layout"]["title"]["text"].startswith("&lt;b&gt;x&lt;/b&gt;")
    csvs = [b.decode("utf-8-sig") for b in written if b"HYPERLINK" in b]
    assert csvs, "the figures CSV was not offered"
    header, first = csvs[0].splitlines()[:2]
    cells = first.split(",")
    assert header.split(",")[9] == "source" and cells[9].startswith('"\'=HYPERLINK')
