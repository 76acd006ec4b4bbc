"""Targets on the other pages: the overview's strip, the map page's region profile, the upload page
and the shipped story's step "Capaian sasaran" agree with the CLI's JSON (itself checked by hand in
tests/test_sasaran.py)."""
from __future__ import annotations

import json

import pytest
from support.apptest import open_page

from jabodash.cli import main
from jabodash.core.i18n import t
from jabodash.features import sasaran
from jabodash.presenter import stories, views
from jabodash.store import get_store, target_files


@pytest.fixture(scope="module")
def cli():
    import io
    from contextlib import redirect_stdout
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["targets", "--json"]) == 0
    return {(r["target"], r["region_code"]): r for r in json.loads(out.getvalue())["rows"]}


def test_overview_strip_shows_the_metro_status_of_the_headline_targets(cli):
    at = open_page("ringkasan")
    assert any(s.value == "Capaian sasaran utama (metro)" for s in at.subheader)
    cards = {m.label: m.value for m in at.metric}
    details = " ".join(c.value for c in at.caption)
    for target in sasaran.HEADLINE:
        row = cli[(target, "metro")]
        label = next(k for k in cards if k.startswith(sasaran.target_label(
            dict(indicator=row["indicator"], target_year=row["target_year"], direction=row["direction"],
                 target_value=row.get("target_value"), target_low=row.get("target_low"),
                 target_high=row.get("target_high"), scope=row["scope"], region_code=""), "id")[:12]))
        if row["latest"]:
            assert f"({row['latest']['year']})" in cards[label]
        word = t(f"sasaran.status.{row['status']}", "id")
        assert f"{sasaran.SYMBOLS[row['status']]} {word}" in details


def test_region_profile_lists_the_region_targets(cli):
    at = open_page("peta")
    at.selectbox(key="m_region").set_value("3276").run()
    assert not at.exception
    frames = [d.value for d in at.dataframe if "Sasaran" in d.value.columns and "Status" in d.value.columns]
    assert len(frames) == 1
    table = frames[0]
    depok_rows = [r for (target, place), r in cli.items() if place == "3276"]
    assert len(table) == len(depok_rows)
    own = cli[("rpjmd_depok_ipm_2030", "3276")]
    line = table[table["Sasaran"].str.startswith("Depok: IPM")].iloc[0]
    assert line["Status"] == f"{sasaran.SYMBOLS[own['status']]} " + t(f"sasaran.status.{own['status']}", "id")


def test_upload_page_recognises_a_targets_file(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path))
    at = open_page("unggah")
    data = target_files.template_csv() + b"ipm_lfsp2020,Kota Bogor,2029,80,,,higher,,https://example.org/x,Plan,\n"
    at.file_uploader(key="u_file").set_value(("my_targets.csv", data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "Berkas sasaran dikenali" for s in at.subheader)
    assert any("2 sasaran dari my\\_targets\\.csv" in s.value for s in at.success)
    assert at.session_state["targets_session"]["my_targets.csv"]["region_code"].tolist() == ["31", "3271"]
    assert not any("Laporan" in s.value for s in at.subheader)   # not read as figures
    at.button(key="save_targets").click().run()
    assert list(target_files.saved()) == ["my_targets"]


def test_story_step_agrees_with_the_cli(cli):
    story = stories.load_story("jabodetabek_dalam_angka")
    steps = [s for s in story.steps if s.kind == "targets"]
    assert len(steps) == 1 and steps[0].view["indicator"] == "poverty_rate"
    fig, rows = views.figure_for(stories.step_state(steps[0], "id"), get_store(), "id", presenter=True, kind="targets")
    assert len(rows) and (rows["indicator"] == "poverty_rate").all()
    for r in rows.itertuples():
        assert r.status == cli[(r.target, r.place)]["status"]
    assert cli[("rpjmd_dki_poverty_2029", "31")]["status"] == "off_track"   # what the step's note says
    assert fig.layout.title.text.startswith("Capaian sasaran: Persentase penduduk miskin")
    assert fig.layout.width in (None, 1920) and fig.layout.height == 1080
