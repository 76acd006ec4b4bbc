"""The cooperation register (data/cooperation.csv, jabodash.store.cooperation) and what the Kerja sama
page builds from it: the data file's rules, the star network, the sector x region matrix, the table
and its filters, the region profile list and uploaded agreement files joining all of them. Expected
values are counted here from the CSV read with pandas, independently of the code under test."""
import json
import subprocess
import sys

import pandas as pd
import pytest
from support.data import ROOT

from jabodash.features import kerjasama
from jabodash.store import cooperation

CSV = pd.read_csv(ROOT / "data" / "cooperation.csv", dtype=str, keep_default_na=False)
REGIONS = pd.read_csv(ROOT / "data" / "regions.csv", dtype=str)["code"].tolist()
AGREEMENTS = CSV[CSV["kind"] == "agreement"]
NODES = ["0", "31", "32", "36", *REGIONS]

GOOD_FILE = (b"parties,party_codes,sector,form,status,kind,description,source_url\n"
             b"Pemkot Depok; Pemkot Bogor,Depok;Kota Bogor,health,MoU,active,agreement,"
             b"Shared ambulance dispatch,https://example.org/ambulans\n")


def codes(cell: str) -> list[str]:
    return [c for c in cell.split(";") if c]


# --- the data file ---------------------------------------------------------------------------------

def test_every_record_is_sourced_and_coded():
    assert CSV["id"].is_unique
    assert set(CSV["kind"]) <= set(cooperation.KINDS)
    assert set(CSV["sector"]) <= set(cooperation.SECTORS)
    assert set(CSV["status"]) <= set(cooperation.STATUSES) | {""}
    assert set(CSV["grade"]) <= set(cooperation.GRADES)
    for row in CSV.itertuples():
        assert row.source_url.startswith(("http://", "https://")), row.id
        assert row.quote.strip() and row.source_title.strip() and row.grade_reason.strip(), row.id
        assert codes(row.party_codes) and set(codes(row.party_codes)) <= set(NODES), row.id


def test_goal_thirty_agreements_on_twelve_regions():
    named = {c for cell in AGREEMENTS["party_codes"] for c in codes(cell)} & set(REGIONS)
    assert len(AGREEMENTS) >= 30 and len(named) >= 12
    assert sorted(cooperation.covered_regions(cooperation.agreements_only(cooperation.register(saved_too=False)),
                                              REGIONS)) == sorted(named)


def test_meetings_disputes_and_plans_are_not_links():
    others = CSV[CSV["kind"] != "agreement"]
    assert set(others["kind"]) == {"meeting", "dispute", "plan"}
    assert len(cooperation.agreements_only(cooperation.register(saved_too=False))) == len(AGREEMENTS)


# --- network, matrix ---------------------------------------------------------------------------------

def test_edges_are_stars_from_the_first_party():
    edges = cooperation.edges(cooperation.builtin().pipe(cooperation.agreements_only), NODES)
    expected = {}
    for cell, sector in zip(AGREEMENTS["party_codes"], AGREEMENTS["sector"]):
        linked = [c for c in codes(cell) if c in NODES]
        for other in linked[1:]:
            pair = tuple(sorted((linked[0], other)))
            expected.setdefault(pair, []).append(sector)
    got = {(a, b): n for a, b, n in zip(edges["a"], edges["b"], edges["n"])}
    assert got == {pair: len(sectors) for pair, sectors in expected.items()}
    bekasi = edges.set_index(["a", "b"]).loc[("31", "3275")]
    assert bekasi["waste"] == expected[("31", "3275")].count("waste") and bekasi["sector"] == "waste"
    # the eleven-party PKS of 2018 draws ten lines from DKI, not fifty-five
    pks = cooperation.edges(AGREEMENTS[AGREEMENTS["id"] == "K029"], NODES)
    assert len(pks) == 10 and set(pks["a"]) == {"31"}


def test_sector_matrix_counts_each_named_party():
    matrix = cooperation.sector_matrix(cooperation.agreements_only(cooperation.builtin()), NODES)
    for code in NODES:
        rows = AGREEMENTS[AGREEMENTS["party_codes"].map(lambda cell, c=code: c in codes(cell))]
        assert matrix.loc[code].sum() == len(rows), code
        assert matrix.loc[code, "transport"] == (rows["sector"] == "transport").sum(), code
    assert matrix.loc["3173"].sum() == 0   # Jakarta Pusat: no agreement names it


def test_network_figure_agrees_with_the_edges(store):
    frame = cooperation.register(saved_too=False)
    fig, edges, nodes = kerjasama.network_figure(store, "agglomeration", frame, "id")
    lines = [tr for tr in fig.data if tr.mode == "lines"]
    assert len(lines) == len(edges)
    assert sorted(tr.line.width for tr in lines) == sorted(min(1.5 + 1.5 * n, 14) for n in edges["n"])
    legend = {tr.name for tr in lines if tr.showlegend}
    assert legend == {kerjasama.t(f"kerjasama.register.sector.{s}", "id") for s in set(edges["sector"])}
    node_trace = fig.data[-1]
    counts = dict(zip(nodes["code"], nodes["n"]))
    assert counts["3275"] == len(AGREEMENTS[AGREEMENTS["party_codes"].map(lambda c: "3275" in codes(c))])
    assert [c[1] for c in node_trace.customdata] == list(nodes["n"])
    # a key explains every tile abbreviation in the figure (exports keep it), not on a footer's place
    key = next(a for a in fig.layout.annotations if a.name == "abbreviations")
    assert key.y > 0 and key.text.startswith("<b>Singkatan</b>")
    for label, name in (("KEPS", "Kepulauan Seribu"), ("JKP", "Jakarta Pusat"), ("KCJR", "Kab. Cianjur"),
                        ("JABAR", "Jawa Barat")):
        assert f"<b>{label}</b> {name}" in key.text
    assert key.text.count("<br>") == len(nodes) - 1   # every node but the central government (a word)


def test_active_only_keeps_active_agreements(store):
    frame = cooperation.register(saved_too=False)
    fig, edges, _ = kerjasama.network_figure(store, "agglomeration", frame, "en", active_only=True)
    active = AGREEMENTS[AGREEMENTS["status"] == "active"]
    assert f"{len(active)} agreements" in fig.layout.title.text
    assert edges["n"].sum() == sum(len([c for c in codes(cell) if c in NODES]) - 1 for cell in active["party_codes"])


def test_matrix_figure_rows_are_the_nodes(store):
    fig, matrix, nodes = kerjasama.matrix_figure(store, "agglomeration", cooperation.register(saved_too=False), "en")
    heat = fig.data[0]
    assert len(heat.y) == len(NODES) and heat.y[0] == "Central government (ministries, agencies)"
    assert heat.y[1] == "DKI Jakarta province"
    assert heat.z[list(nodes["code"]).index("3275")][0] == matrix.loc["3275", "transport"]


# --- table, filters, profile ---------------------------------------------------------------------------

def test_table_filters_and_search():
    frame = cooperation.register(saved_too=False)
    assert len(kerjasama.filtered(frame, active_only=True)) == (CSV["status"] == "active").sum()
    waste = kerjasama.filtered(frame, sectors=("waste",))
    assert len(waste) == (CSV["sector"] == "waste").sum()
    hits = kerjasama.filtered(frame, text="BANTARGEBANG")
    want = CSV[(CSV["parties"] + " " + CSV["description"] + " " + CSV["description_id"] + " " + CSV["publisher"] + " "
                + CSV["source_title"])
               .str.lower().str.contains("bantargebang", regex=False)]
    assert sorted(hits["id"]) == sorted(want["id"])
    assert kerjasama.filtered(frame, text="(.*[") .empty   # plain text, never a pattern
    table = kerjasama.register_table(hits, "id")
    assert len(table) == len(hits) and list(table["Sumber"]) == list(hits["source_url"])
    assert set(table["Jenis"]) <= {"perjanjian", "pertemuan", "sengketa", "rencana/pengumuman"}


def test_descriptions_follow_the_language():
    table_id = kerjasama.register_table(cooperation.builtin().assign(origin="builtin"), "id")
    table_en = kerjasama.register_table(cooperation.builtin().assign(origin="builtin"), "en")
    assert list(table_id["Isi"]) == list(CSV["description_id"]) and list(table_en["What it does"]) == list(CSV["description"])
    assert (CSV["description_id"].str.strip() != "").all()


def test_region_profile_lists_its_records():
    frame = cooperation.register(saved_too=False)
    rows = kerjasama.region_records(frame, "3203")
    assert sorted(rows["id"]) == sorted(CSV[CSV["party_codes"].map(lambda c: "3203" in codes(c))]["id"])
    assert kerjasama.region_records(frame, "3173").empty


# --- uploads ---------------------------------------------------------------------------------------------

def test_uploaded_file_joins_network_matrix_table_and_profile(store):
    upload, problems = cooperation.parse(GOOD_FILE, "ambulans.csv")
    assert problems == [] and list(upload["party_codes"]) == ["3276;3271"]
    frame = cooperation.register(upload, saved_too=False)
    assert len(frame) == len(CSV) + 1 and frame.iloc[-1]["origin"] == "upload"
    _, edges, _ = kerjasama.network_figure(store, "agglomeration", frame, "id")
    pair = edges.set_index(["a", "b"]).loc[("3271", "3276")]
    assert pair["health"] == 1
    _, matrix, _ = kerjasama.matrix_figure(store, "agglomeration", frame, "id")
    assert matrix.loc["3276", "health"] == 1 and matrix.loc["3271", "health"] == 1
    assert "Shared ambulance dispatch" in set(kerjasama.register_table(frame, "en")["What it does"])
    assert "Shared ambulance dispatch" in set(kerjasama.register_table(frame, "id")["Isi"])   # no Indonesian text: the English one
    assert "U-ambulans-1" in set(kerjasama.region_records(frame, "3271")["id"])


@pytest.mark.parametrize("data,key", [
    (b"", "empty"),
    (b"a,b\n1,2\n", "missing_columns"),
    (b"parties,party_codes,sector,description\n", "no_rows"),
    (b"parties,party_codes,sector,description\nX,Atlantis,waste,d\n", "unknown_region"),
    (b"parties,party_codes,sector,description\nX,3275,roads,d\n", "bad_choice"),
    (b"parties,party_codes,sector,description,year_start\nX,3275,waste,d,20x5\n", "bad_year"),
    (b"parties,party_codes,sector,description,source_url\nX,3275,waste,d,javascript:alert(1)\n", "bad_url"),
    (b"parties,party_codes,sector,description\n,3275,waste,\n", "empty_cell"),
    (b"x" * (cooperation.MAX_BYTES + 1), "too_big"),
])
def test_bad_files_are_refused_with_a_message(data, key):
    frame, problems = cooperation.parse(data, "bad.csv")
    assert frame.empty and key in [p.key for p in problems]
    for lang in ("id", "en"):   # every problem has its sentence in both languages
        for p in problems:
            text = kerjasama.t(f"kerjasama.upload.error.{p.key}", lang, **p.params)
            assert "{" not in text and "cooperation." not in text


def test_hostile_text_stays_text():
    data = ("parties,party_codes,sector,description\n"
            "\"=HYPERLINK(\"\"http://evil\"\")\",3275,waste,<script>alert(1)</script>\n").encode()
    frame, problems = cooperation.parse(data, "x.csv")
    assert problems == [] and frame.iloc[0]["description"] == "<script>alert(1)</script>"
    table = kerjasama.register_table(cooperation.register(frame, saved_too=False), "id")
    assert table.iloc[-1]["Isi"] == "<script>alert(1)</script>"   # shown as text by st.dataframe


def test_saved_file_joins_the_register_for_everyone(tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    upload, _ = cooperation.parse(GOOD_FILE, "ambulans.csv")
    cooperation.save(upload, "ambulans")
    assert cooperation.saved_names() == ["ambulans"]
    frame = cooperation.register()
    assert (frame["origin"] == "saved").sum() == 1 and "U-ambulans-1" in set(frame["id"])
    with pytest.raises(ValueError):
        cooperation.save(upload, "../escape")
    cooperation.remove("ambulans")
    assert len(cooperation.register()) == len(CSV)


def test_template_has_the_columns_and_reads_back():
    data = kerjasama.template_csv()
    frame, problems = cooperation.parse(data, "template.csv")
    assert problems == [] and len(frame) == 1
    assert list(pd.read_csv(__import__("io").BytesIO(data)).columns) == list(cooperation.TEMPLATE_COLUMNS)


def test_info_json_lists_the_register():
    out = subprocess.run([sys.executable, "-m", "jabodash", "info", "--json"], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120)
    coop = json.loads(out.stdout)["cooperation"]
    assert coop["agreements"] == len(AGREEMENTS) and len(coop["items"]) >= len(CSV)
    item = next(i for i in coop["items"] if i["id"] == "K019")
    assert item["party_codes"] == ["31", "3275"] and item["region_codes"] == ["3275"]
    assert item["source_url"] == CSV.set_index("id").loc["K019", "source_url"]
    assert len(coop["regions_covered"]) >= 12


# --- the presenter's story step ---------------------------------------------------------------------------

def test_story_step_shows_the_register(store):
    from jabodash.presenter import stories, views
    story = stories.load_story("jabodetabek_dalam_angka")
    step = next(s for s in story.steps if s.kind == "cooperation")
    assert step.title == "Praktik kerja sama yang sudah berjalan" and step.title_en
    assert f"{len(AGREEMENTS)} perjanjian" in step.note and f"{len(AGREEMENTS)} sourced agreements" in step.note_en
    fig, data = views.figure_for(stories.step_state(step, "id"), store, "id", presenter=True, kind=step.kind)
    assert len(data) == len(CSV)
    edges = cooperation.edges(cooperation.agreements_only(data), NODES)
    assert len([tr for tr in fig.data if tr.mode == "lines"]) == len(edges)
    assert f"{len(AGREEMENTS)} perjanjian" in fig.layout.title.subtitle.text
    node = next(tr for tr in fig.data if tr.mode == "markers+text")
    assert node.textfont.size >= 17   # readable on a projector


def test_story_file_round_trip_keeps_the_cooperation_step():
    from jabodash.presenter import stories
    text = ('title = "x"\n[[step]]\ntitle = "Kerja sama"\nkind = "cooperation"\n')
    story = stories.parse_story(text)
    assert story.steps[0].kind == "cooperation" and "indicator" not in story.steps[0].view
    assert stories.parse_story(stories.dump_story(story)).steps[0].view == {"kind": "cooperation"}
