"""AppTest of "Perbarui dari BPS" on the Data & metode page against the loopback WebAPI
(tests/support/bps_server.py): key, progress, change report, save with precedence; the refreshed figure
then shows on the map and in the overview; a refused key shows a message, never the key."""
import json

import pytest
from support.apptest import metric, run_page
from support.bps_server import DKI, JABAR, KEY, BpsServer, payload
from support.data import OBS

from jabodash.store import shelf

DATA = "pages/data.py"
IPM = payload(413, "[Metode Baru] Indeks Pembangunan Manusia", "", DKI + JABAR, [2024],
              {("3271", 2024): "99,5", ("3201", 2024): 72.39, ("3276", 2024): "-"})


@pytest.fixture()
def bps(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("JABODASH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.delenv("JABODASH_BPS_KEY", raising=False)
    with BpsServer({("0000", "413"): IPM}, {("0000", "621"): "quota"}) as srv:
        monkeypatch.setenv("JABODASH_BPS_URL", srv.base)
        yield srv


def shown_text(at) -> str:
    parts = [str(e.value) for kind in ("caption", "markdown", "success", "error", "info", "warning")
             for e in getattr(at, kind)]
    parts += [df.value.to_csv() for df in at.dataframe]
    return " ".join(parts).replace("\\", "")   # Markdown escapes off


def errors(at) -> str:
    return " ".join(e.value for e in at.error).replace("\\", "")


def fetch(at, key, indicators):
    at.text_input(key="w_bps_key").input(key)
    at.multiselect(key="w_bps_indicators").set_value(indicators)
    at.button(key="bps_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_refresh_report_save_then_map_and_overview(bps):
    at = fetch(run_page(DATA), KEY, ["ipm", "poverty_rate"])
    assert any("Selesai: 2 angka dari 1 tabel." == s.value for s in at.success)
    report = next(df.value for df in at.dataframe if "Nilai baru" in df.value.columns)
    bogor = report[report["Wilayah"] == "Kota Bogor"].iloc[0]
    old = OBS[(OBS.region_code == "3271") & (OBS.indicator_id == "ipm") & (OBS.year == 2024)].value.iloc[0]
    assert (bogor["Perubahan"], bogor["Nilai lama"], bogor["Nilai baru"]) == ("berubah", old, 99.5)
    assert "var 413, domain 0000" in bogor["Sumber baru"] and "tauradavin" in bogor["Sumber lama"]
    assert len(report) == 1    # Kab. Bogor is unchanged, Depok's "-" is a gap
    assert "kuota atau batas permintaan BPS tercapai (HTTP 429)" in errors(at)
    assert KEY not in shown_text(at)

    at.toggle(key="w_bps_precedence").set_value(True)
    at.button(key="bps_save").click().run()
    assert not at.exception
    [meta] = shelf.list_datasets()
    assert meta["kind"] == "bps_refresh" and meta["grade"] == "official" and meta["official"]["precedence"] is True
    assert any(meta["id"] in s.value for s in at.success)
    assert KEY not in json.dumps(meta) and KEY not in shown_text(at)

    peta = run_page("pages/peta.py", indicator="ipm", year="2024")
    spec = json.loads(peta.get("plotly_chart")[0].proto.spec)
    hover = " ".join(str(tr.get("hovertext", "")) for tr in spec["data"])
    assert "99,50" in hover and f"{old:.2f}".replace(".", ",") not in hover

    overview = run_page("pages/ringkasan.py", indicator="ipm", year="2024")
    # the IPM card headlines the current series (ipm_lfsp2020); the refreshed var 413 figure shows
    # in the overview's ranking of the older series
    ranking = json.loads(overview.get("plotly_chart")[0].proto.spec)
    assert "99,50" in [v for tr in ranking["data"] for v in (tr.get("text") or [])]   # the ranking bar


def test_saved_refresh_precedence_off_fills_gaps_only_and_can_be_switched(bps):
    at = fetch(run_page(DATA, lang="en"), KEY, ["ipm"])
    at.button(key="bps_save").click().run()      # precedence off (the default)
    [meta] = shelf.list_datasets()
    assert meta["official"]["precedence"] is False
    assert "precedence off (fills gaps)" in shown_text(at)
    overview = run_page("pages/ringkasan.py", indicator="ipm", year="2024")
    assert not metric(overview, "Rentang IPM").endswith("99,50")
    at = run_page(DATA, lang="en")
    at.button(key=f"bps_toggle_{meta['id']}").click().run()
    assert shelf.list_datasets()[0]["official"]["precedence"] is True
    assert "precedence on" in shown_text(at)


def test_refused_key_is_said_and_never_shown(bps):
    at = fetch(run_page(DATA, lang="en"), "wrongkey55555", ["ipm"])
    assert "the BPS key was refused" in errors(at)
    assert not [b for b in at.button if b.key == "bps_save"]
    assert "wrongkey55555" not in shown_text(at)
    assert shelf.list_datasets() == []
