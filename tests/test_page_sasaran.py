"""AppTest of the targets page (Sasaran & capaian), in both languages: the counts, the matrix cells,
the plan filter and the detail chart agree with jabodash.features.sasaran and the CLI's JSON."""
from __future__ import annotations

import json
import re

from support.apptest import figures, metric, open_page

from jabodash.cli import main
from jabodash.core.i18n import t
from jabodash.features import sasaran
from jabodash.store import plan_targets


def cli_rows(capsys, *argv):
    assert main(["targets", "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def matrix(at, lang):
    column = t("sasaran.matrix.place", lang)
    status = t("sasaran.col.status", lang)   # the detail table has one; the matrix has not
    frames = [d.value for d in at.dataframe if column in d.value.columns and status not in d.value.columns]
    assert len(frames) == 1
    return frames[0].set_index(column)


def counts(doc):
    own = [r for r in doc["rows"] if r["own"]]
    return {s: sum(r["status"] == s for r in own) for s in ("achieved", "on_track", "off_track", "no_data")}


def test_targets_page_in_indonesian_agrees_with_the_cli(capsys):
    doc = cli_rows(capsys)
    at = open_page("sasaran")
    assert at.title[0].value == "Sasaran & capaian"
    assert metric(at, "Sasaran") == str(doc["targets"])
    want = counts(doc)
    for status, label in (("achieved", "Tercapai"), ("on_track", "Sesuai jalur"), ("off_track", "Tidak sesuai jalur"),
                          ("no_data", "Data belum cukup")):
        assert metric(at, f"{sasaran.SYMBOLS[status]} {label}") == str(want[status])
    cells = matrix(at, "id")
    dki = next(r for r in doc["rows"] if r["target"] == "rpjmd_dki_poverty_2029" and r["region_code"] == "31")
    column = next(c for c in cells.columns if c.startswith("DKI Jakarta: Kemiskinan ≤ 1,82–2,91 (2029)"))
    assert cells.loc["Prov. DKI Jakarta", column] == f"{sasaran.SYMBOLS[dki['status']]} " + t(f"sasaran.status.{dki['status']}", "id")
    assert cells.loc["Jakarta Selatan", column].startswith("◇ acuan")
    assert cells.loc["Depok", column] == ""                                   # not Depok's target
    fig = figures(at)[0]
    assert "Persentase penduduk miskin (P0)" in fig["layout"]["title"]["text"]
    assert any(trace.get("name") == "Lintasan yang diperlukan" for trace in fig["data"])
    # the legend in one row above the plot (grouped entries took a row each, over the title); years as years
    assert fig["layout"]["legend"]["traceorder"] == "normal" and fig["layout"]["xaxis"]["tickformat"] == "d"
    assert len(at.get("download_button")) >= 1
    # the chosen target's note is the data keeper's, in English, and labelled so in the Indonesian UI
    notes = {n[:40] for n in plan_targets.builtin()["note"].dropna() if n}
    shown = [c.value for c in at.caption if any(n in c.value for n in notes)]
    assert shown and all(c.startswith("Catatan pengelola data (dalam bahasa Inggris): ") for c in shown)
    # changes per year with the indicator's decimals, never three (they read like a thousands group)
    detail = next(d.value for d in at.dataframe if t("sasaran.col.status", "id") in d.value.columns)
    per_year = [v for key in ("required", "observed") for v in detail[t(f"sasaran.col.{key}", "id")] if v]
    assert per_year and not any(re.search(r"[.,]\d{3}$", v) for v in per_year)


def test_targets_page_in_english_with_a_plan_filter(capsys):
    doc = cli_rows(capsys, "--plan", "ritj_2018_2029", "--region-set", "jabodetabek")
    at = open_page("sasaran", lang="en", region_set="jabodetabek")
    assert at.title[0].value == "Targets"
    at.selectbox(key="w_targets_plan").set_value("ritj_2018_2029").run()
    assert not at.exception
    assert metric(at, "Targets") == str(doc["targets"]) == "6"
    assert metric(at, "✖ Off track") == str(counts(doc)["off_track"])
    cells = matrix(at, "en")
    assert list(cells.index) == ["Metro"]
    mode = next(r for r in doc["rows"] if r["target"] == "ritj_mode_share_2029")
    assert cells.loc["Metro", "PT mode share ≥ 60 (2029)"] == "✖ off track" and mode["status"] == "off_track"
    fig = figures(at)[0]
    assert fig["layout"]["title"]["text"].startswith("Public transport mode share")
    captions = " ".join(c.value for c in at.caption)
    assert "BPTJ" in captions and "official-cited" in captions


def test_an_uploaded_targets_file_appears_in_the_matrix(tmp_path, monkeypatch):
    """The file is checked (bad rows named with their row number), its good rows show in the
    matrix for this session, and once saved they count for a new session too."""
    from jabodash.store import target_files
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path))
    good = target_files.template_csv().decode().splitlines()
    text = "\n".join(good[:1] + ["ipm_lfsp2020,Kota Bogor,2029,80,,,higher,,https://example.org/bogor,My plan,",
                                 "no_such,Nowhere,2029,1,,,,,https://example.org,,"]) + "\n"
    from jabodash.core.catalog import load_catalog
    from jabodash.geo.regions import RegionMatcher
    frame, problems = target_files.parse(text.encode(), "my targets.csv", load_catalog(), RegionMatcher())
    assert len(frame) == 1 and frame.iloc[0]["region_code"] == "3271" and frame.iloc[0]["grade"] == "unrated"
    assert {p.key for p in problems} == {"unknown_indicator", "unknown_region", "no_direction"} and {p.row for p in problems} == {2}
    at = open_page("sasaran")
    at.session_state["targets_session"] = {"my targets.csv": frame}
    at.run()
    cells = matrix(at, "id")
    column = next(c for c in cells.columns if c.startswith("Kota Bogor: IPM"))
    assert cells.loc["Kota Bogor", column].startswith(("✔", "↗", "✖", "?"))
    assert metric(at, "Sasaran") == str(len(target_files.targets_mod.builtin()) + 1)
    target_files.save(frame, "my targets.csv")
    fresh = open_page("sasaran", lang="en")
    assert any(c.startswith("Kota Bogor: HDI") for c in matrix(fresh, "en").columns)
    assert "Saved targets: my\\_targets" in " ".join(c.value for c in fresh.caption)   # Markdown-escaped


def test_not_a_targets_file_is_named():
    from jabodash.geo.regions import RegionMatcher
    from jabodash.store import target_files
    for data, key in ((b"", "empty"), (b"a,b\n1,2\n", "not_targets"), (b"\x00" * 10, "not_targets")):
        frame, problems = target_files.parse(data, "x.csv", {}, RegionMatcher())
        assert frame.empty and problems[0].key == key, data
    assert "kolom berkas: a, b" in problems[0].text("id") or problems[0].key == "not_targets"
