"""Uploaded data on the map page (Peta): listed in the picker, mapped at kab/kota and at
kecamatan, in the region profile; saved datasets survive a restart; another session never sees
an unsaved upload."""

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest
from support.apptest import map_figure, numbers_back

from jabodash.core.paths import DATA_DIR, ROOT
from jabodash.features import unggah
from jabodash.geo import boundaries
from jabodash.store import shelf

REGIONS = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str})
CODES = list(REGIONS["code"])
# one value per kab/kota and year: 1000 + 10 * position + (year - 2020)
UPLOAD = "kode,tahun,jumlah_posyandu\n" + "".join(
    f"{code},{year},{1000 + 10 * i + year - 2020}\n" for year in (2021, 2022) for i, code in enumerate(CODES))
KEC = {"3276010": ("Pancoran Mas", 41), "3276050": ("Beji", 27), "3276040": ("Sukmajaya", 35)}


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))


def session_upload(text: str, name: str, filename: str = "posyandu.csv") -> dict:
    result = unggah.read(text.encode(), filename)
    assert result.ok, [e.key for e in result.errors]
    meta = unggah.meta_from(result, name, "unit", "higher", "Dinas Kesehatan (uji)")
    sid, entry = unggah.session_entry(result, meta)
    return {sid: entry}


def open_peta(session: dict | None = None, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.switch_page("pages/peta.py")   # a fresh session opening /peta?... (a shared link)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figure(at) -> dict:
    return map_figure(at)


def test_session_upload_is_listed_mapped_and_profiled():
    at = open_peta({unggah.SESSION_KEY: session_upload(UPLOAD, "Jumlah posyandu")})
    sb = at.selectbox(key="w_indicator")
    assert "Unggahan · Jumlah posyandu" in sb.options
    ind_id = next(i for i in at.session_state[unggah.SESSION_KEY].values())["meta"]["id"]
    ind_id = shelf.indicator_id(ind_id, "Jumlah posyandu")
    sb.set_value(ind_id).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["indicator"] == ind_id
    assert at.selectbox(key="w_year").value == 2022
    hover = " ".join(str(tr.get("hovertext", "")) for tr in figure(at)["data"])
    for i, _code in enumerate(CODES):  # every region's 2022 figure is on the tile map
        assert f"{1000 + 10 * i + 2:,}".replace(",", ".") in hover
    at.selectbox(key="w_year").set_value(2021).run()
    hover = " ".join(str(tr.get("hovertext", "")) for tr in figure(at)["data"])
    assert "1.141" in hover and "1.142" not in hover   # Kota Tangerang Selatan (15th) in 2021
    # the region profile lists the upload beside the built-in indicators
    at.selectbox(key="m_region").set_value("3276").run()
    prof = next(numbers_back(df.value, "id") for df in at.dataframe if "trend" in df.value.columns)
    row = prof[prof["indicator"] == "Jumlah posyandu"]
    assert len(row) == 1 and row["value"].iloc[0] == 1000 + 10 * CODES.index("3276") + 2
    assert row["source"].iloc[0] == "Dinas Kesehatan (uji)"
    assert len(prof) > 10   # the built-in figures are still there
    # the definition box says it is uploaded data; the source footnote names the source
    assert any(r"Dinas Kesehatan \(uji\)" in c.value for c in at.caption)  # Markdown-escaped


def test_saved_upload_survives_restart_other_session_sees_no_unsaved():
    result = unggah.read(UPLOAD.encode(), "posyandu.csv")
    meta = unggah.meta_from(result, "Posyandu tersimpan", "unit", "higher", "uji")
    shelf.save_dataset(result, UPLOAD.encode(), "posyandu.csv", meta)
    saved_id = shelf.indicator_id(shelf.list_datasets()[0]["id"], "Posyandu tersimpan")
    at = open_peta(indicator=saved_id, year="2021")   # a shared link to the saved upload
    assert at.selectbox(key="w_indicator").value == saved_id
    assert at.selectbox(key="w_year").value == 2021
    assert "Unggahan · Posyandu tersimpan" in at.selectbox(key="w_indicator").options
    # an unsaved upload of another session is not listed here
    other = open_peta()
    assert [o for o in other.selectbox(key="w_indicator").options if o.startswith("Unggahan ·")] == \
        ["Unggahan · Posyandu tersimpan"]
    mine = open_peta({unggah.SESSION_KEY: session_upload(UPLOAD, "Hanya sesi ini")})
    assert "Unggahan · Hanya sesi ini" in mine.selectbox(key="w_indicator").options
    again = open_peta()
    assert "Unggahan · Hanya sesi ini" not in again.selectbox(key="w_indicator").options


def test_sessions_without_uploads_share_the_saved_bundle_until_the_workspace_changes():
    """A new session without uploads of its own reuses the saved datasets' bundle (not built again);
    a saved dataset gives the next session a new one, and a session's own upload a bundle of its own."""
    from jabodash.ui import source

    def bundle(at):
        return at.session_state[source._BUNDLE_KEY][2]

    first, second = open_peta(), open_peta()
    assert bundle(first) is bundle(second)
    result = unggah.read(UPLOAD.encode(), "posyandu.csv")
    shelf.save_dataset(result, UPLOAD.encode(), "posyandu.csv",
                           unggah.meta_from(result, "Posyandu tersimpan", "unit", "higher", "uji"))
    third = open_peta()
    assert bundle(third) is not bundle(first) and bundle(third).signature != bundle(first).signature
    assert "Unggahan · Posyandu tersimpan" in third.selectbox(key="w_indicator").options
    mine = open_peta({unggah.SESSION_KEY: session_upload(UPLOAD, "Hanya sesi ini")})
    assert bundle(mine).signature not in (bundle(first).signature, bundle(third).signature)
    assert bundle(open_peta()) is bundle(third)


def kecamatan_boundaries(tmp_path):
    """Three synthetic kecamatan squares inside Depok and a fourth without data."""
    lat, lon = -6.394, 106.8225
    rows = list(KEC.items()) + [("3276020", ("Cimanggis", None))]
    geoms = [box(lon + 0.02 * i, lat, lon + 0.02 * i + 0.018, lat + 0.018) for i in range(len(rows))]
    gdf = gpd.GeoDataFrame({"kode": [c for c, _ in rows], "nama": [n for _, (n, _) in rows]}, geometry=geoms, crs=4326)
    path = tmp_path / "kec.geojson"
    gdf.to_file(path, driver="GeoJSON")
    report = boundaries.import_file(path.read_bytes(), "kecamatan", "kode", "nama", "kec.geojson")
    assert len(report.matched) == 4


def test_kecamatan_upload_mapped_at_kecamatan_level(tmp_path):
    kecamatan_boundaries(tmp_path)
    text = "kode_kecamatan,nama_kecamatan,tahun,jumlah_sekolah\n" + "".join(
        f"{code},{name},2023,{n}\n" for code, (name, n) in KEC.items())
    at = open_peta({unggah.SESSION_KEY: session_upload(text, "Jumlah sekolah", "sekolah.csv")})
    # kab/kota level: the kecamatan upload has no kab/kota figures, so it is not offered there
    assert not [o for o in at.selectbox(key="w_indicator").options if o.startswith("Unggahan ·")]
    at.selectbox(key="m_level").set_value("kecamatan").run()
    assert not at.exception, [e.value for e in at.exception]
    sb = at.selectbox(key="w_indicator_kec")
    assert sb.options[0] == "Luas wilayah (dari data batas)" and "Unggahan · Jumlah sekolah" in sb.options
    assert sb.value == "boundary_area_km2"   # the area from the boundaries first
    sid = next(iter(at.session_state[unggah.SESSION_KEY]))
    ind_id = shelf.indicator_id(sid, "Jumlah sekolah")
    sb.set_value(ind_id).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="w_year_kec").value == 2023
    assert at.query_params["indicator"] == ind_id and at.query_params["level"] == "kecamatan"
    spec = figure(at)
    hover = {}
    for tr in spec["data"]:
        if tr.get("type") == "choropleth" and tr.get("hovertext"):
            hover.update(zip(tr["locations"], tr["hovertext"]))
    for code, (name, n) in KEC.items():   # one class trace per class; each kecamatan's own figure
        assert name in hover[code] and f"<b>{n}</b> unit" in hover[code], hover[code]
    assert "3276020" in hover and "Cimanggis" in hover["3276020"]   # no figure: drawn as missing
    # the profile at kecamatan level shows the uploaded figure with its unit
    at.selectbox(key="m_region").set_value("3276050").run()
    assert not at.exception
    assert [(m.label, m.value) for m in at.metric] == [("Jumlah sekolah", "27 unit")]


def test_english_labels_for_uploads():
    at = open_peta({unggah.SESSION_KEY: session_upload(UPLOAD, "Posyandu count")}, lang="en")
    assert "Uploaded · Posyandu count" in at.selectbox(key="w_indicator").options


def test_upload_page_to_map_picker_through_the_file_uploader():
    """The whole path: file_uploader, a region fixed by hand, save, then the map page lists and
    maps it; a restart (new AppTest) still lists it."""
    text = UPLOAD.replace("3674,", "TANGSEL KOTA XYZ,")   # one region the matcher cannot know
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page("pages/unggah.py").run()
    at.file_uploader(key="u_file").set_value(("posyandu.csv", text.encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key=unggah.map_key("TANGSEL KOTA XYZ")).set_value("3674").run()
    at.text_input(key="u_desc_name").set_value("Posyandu aktif").run()
    at.button(key="u_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = shelf.list_datasets()
    assert len(saved) == 1 and saved[0]["region_mapping"] == {"TANGSEL KOTA XYZ": "3674"}
    ind_id = shelf.indicator_id(saved[0]["id"], "Posyandu aktif")
    at.switch_page("pages/peta.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Unggahan · Posyandu aktif" in at.selectbox(key="w_indicator").options
    at.selectbox(key="w_indicator").set_value(ind_id).run()
    hover = " ".join(str(tr.get("hovertext", "")) for tr in figure(at)["data"])
    assert "1.142" in hover   # Tangerang Selatan 2022, mapped by hand
    restarted = open_peta(indicator=ind_id)
    assert restarted.selectbox(key="w_indicator").value == ind_id
