"""The meeting brief (jabodash.brief, python -m jabodash brief): findings by rules, the deck read
back with python-pptx, the PDF's text and fonts, bad input.

The deck and the PDF of the shipped story are built once per module (one Chromium each) and read
back: every native chart's categories and values are compared with the store's figures for the
step's view, read here through the same named queries the pages use."""
import io
import re
import shutil
import subprocess

import pandas as pd
import pytest
from pptx import Presentation

from jabodash.brief import findings as rules
from jabodash.brief import make, pdf, profile
from jabodash.brief import outline as model
from jabodash.brief import targets as targets_mod
from jabodash.cli import main
from jabodash.core import catalog, fmt
from jabodash.core import state as state_mod
from jabodash.presenter import exports, stories
from jabodash.store.datasource import DataSource

STORY = "jabodetabek_dalam_angka"
needs_chromium = pytest.mark.skipif(exports.chromium_path() is None, reason="no system Chromium (scripts/test.sh installs it)")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="pdftotext missing (poppler-utils; scripts/test.sh installs it)")


@pytest.fixture(scope="module")
def src(store):
    return DataSource.from_store(store)


@pytest.fixture(scope="module")
def story():
    return stories.load_story(STORY)


@pytest.fixture(scope="module")
def brief(src, story):
    return model.from_story(src, story, "id")


@pytest.fixture(scope="module")
def deck_bytes(src, story):
    return make.output(model.from_story(src, story, "id"), src, "pptx")


@pytest.fixture(scope="module")
def deck(deck_bytes):
    return Presentation(io.BytesIO(deck_bytes))


def frame(rows):
    return pd.DataFrame(rows, columns=["region_code", "short_name", "value"])


# ---------------------------------------------------------------------------------------------
# findings by rules


def test_findings_state_highest_lowest_metro_change_and_gaps_in_the_language_format():
    ind = catalog.get("poverty_rate")
    now = frame([("3101", "Kep. Seribu", 13.03), ("3276", "Depok", 2.34), ("3203", "Kab. Cianjur", None),
                 ("3171", "Jakarta Selatan", 4.0)])
    before = frame([("3101", "Kep. Seribu", 13.50), ("3276", "Depok", 2.34), ("3171", "Jakarta Selatan", 3.5)])
    mv = rules.MetroValue("poverty_rate", 2024, "weighted_mean", 5.5, 3, 4)
    found = rules.for_view(now, ind, 2024, "agglomeration", "id", mv=mv, previous=before, prev_year=2023)
    texts = [f.text for f in found]
    assert texts[0] == "Tertinggi Kep. Seribu (13,03 persen penduduk), terendah Depok (2,34 persen penduduk)."
    assert texts[1] == "Kawasan Aglomerasi: 5,50 persen penduduk; 1 dari 4 wilayah di atasnya."
    # no previous metro value: the regions with a figure in both years
    assert texts[2] == "Sejak 2023: naik di 1 wilayah, turun di 1, tetap di 1 (wilayah yang berangka di kedua tahun)."
    assert texts[3] == "Kab. Cianjur: belum ada angka 2024."
    assert found[0].values == (13.03, 2.34) and found[1].values == (5.5, 1.0)
    english = rules.for_view(now, ind, 2024, "agglomeration", "en", mv=mv)
    assert english[0].text.startswith("Highest Kep. Seribu (13.03 percent")
    assert english[-1].text == "Kab. Cianjur: no figure for 2024 yet."


def test_findings_keep_at_most_four_dropping_the_change_first():
    ind = catalog.get("poverty_rate")
    now = frame([("1", "A", 3.0), ("2", "B", 1.0), ("3", "C", None), ("4", "D", None), ("5", "E", None),
                 ("6", "F", None)])
    mv = rules.MetroValue("poverty_rate", 2024, "weighted_mean", 2.0, 2, 6)
    prev_mv = rules.MetroValue("poverty_rate", 2023, "weighted_mean", 2.5, 2, 6)
    target = rules.Finding("target", "target")
    found = rules.for_view(now, ind, 2024, "agglomeration", "id", mv=mv, previous=now, prev_year=2023,
                           prev_mv=prev_mv, target=target)
    assert [f.key for f in found] == ["highest_lowest", "metro", "target", "missing"]
    assert found[-1].text == "C, D, E dan 1 lainnya: belum ada angka 2024."


def test_large_counts_in_words_and_small_ones_in_full():
    ind = catalog.get("population_census")
    assert rules.value_text(33718269, ind, "id") == "33,72 juta jiwa"
    assert rules.value_text(27749, ind, "id") == "27.749 jiwa"
    assert rules.value_text(33718269, ind, "en").startswith("33.72 million")


def test_target_gap_from_a_targets_file(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("plan,scope,region_code,indicator,target_year,target_value,direction\n"
                    "rpjmn_2025_2029,national,,poverty_rate,2029,4.5,lower\n"
                    "rpjmd_3275,kabkota,3275,poverty_rate,2029,3.5,lower\n"
                    "broken,national,,poverty_rate,,,lower\n", encoding="utf-8")
    loaded = targets_mod.load(path)
    assert len(loaded) == 2                       # the row without a year or value is skipped
    ind = catalog.get("poverty_rate")
    national = targets_mod.applying(loaded, "poverty_rate")
    found = targets_mod.finding(national, 5.35, 2024, "Kawasan Aglomerasi", ind, "id")
    assert found.text == ("Sasaran RPJMN 2025–2029 (acuan nasional) (2029): 4,50 persen penduduk; Kawasan Aglomerasi kini "
                          "5,35 persen penduduk (2024), selisih 0,85 persen penduduk.")
    assert found.values == pytest.approx((4.5, 5.35, 0.85))
    own = targets_mod.applying(loaded, "poverty_rate", "3275")
    assert own.region_code == "3275"
    assert targets_mod.finding(own, 3.2, 2024, "Kota Bekasi", ind, "id").key == "target"
    assert "sudah tercapai" in targets_mod.finding(own, 3.2, 2024, "Kota Bekasi", ind, "id").text
    assert targets_mod.load(tmp_path / "absent.csv") == ()


def test_brief_findings_equal_the_store_figures(brief, src):
    for s in brief.slides:
        if s.kind == "cooperation":
            continue        # test_cooperation_step_findings_equal_the_register
        values = s.frame.dropna(subset=["value"])
        top = values.sort_values(["value", "region_code"], ascending=[False, True]).iloc[0]
        low = values.sort_values(["value", "region_code"]).iloc[0]
        first = s.findings[0]
        assert first.values == (top.value, low.value) and first.regions == (top.region_code, low.region_code)
        assert rules.value_text(top.value, s.indicator, "id") in first.text
        metro = src.metro(s.indicator, s.year, s.state.region_set)
        for f in s.findings:
            if f.key == "metro":
                assert f.values[0] == pytest.approx(metro.value)
                assert rules.value_text(metro.value, s.indicator, "id") in f.text
            if f.key == "missing":
                assert set(f.regions) == set(s.frame.loc[s.frame["value"].isna(), "region_code"])
        assert 2 <= len(s.findings) <= 4


# ---------------------------------------------------------------------------------------------
# the deck


def texts_of(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def step_figures(src, step, lang="id"):
    state = stories.step_state(step, lang)
    if step.kind == "cooperation":
        return state, None
    years = [int(y) for y in src.years(state.indicator, state.region_set)["year"]]
    year = state.year if state.year in years else max(years)
    return state, year


@needs_chromium
def test_deck_has_title_steps_and_sources_slides(deck, brief, story):
    slides = list(deck.slides)
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=0.01)
    from jabodash.brief import deck as deck_mod
    n_sources = deck_mod.sources_slide_count(brief)
    assert n_sources == len([s for s in slides if any(shape.has_table for shape in s.shapes)])
    assert len(slides) == 1 + len(story.steps) + n_sources
    title = texts_of(slides[0])
    assert story.title in title and "Kawasan Aglomerasi (15)" in title and brief.data_version in title
    assert re.search(r"Tanggal: \d{1,2} \w+ 20\d\d", title)
    for slide, step in zip(slides[1:], story.steps):
        assert step.title in texts_of(slide)


@needs_chromium
def test_native_charts_hold_the_store_figures(deck, story, src):
    for slide, step in zip(list(deck.slides)[1:], story.steps):
        charts = [shape.chart for shape in slide.shapes if shape.has_chart]
        state, year = step_figures(src, step)
        if step.kind not in ("ranking", "trend"):      # maps, the network, the targets chart: images
            assert not charts
            pictures = [shape for shape in slide.shapes if shape.shape_type == 13]
            assert len(pictures) == 1
            alt = pictures[0]._element.nvPicPr.cNvPr.get("descr")
            if step.kind == "map":
                assert str(year) in alt and catalog.get(state.indicator).name("id") in alt
            elif step.kind == "cooperation":
                assert alt.startswith("Jaringan perjanjian kerja sama")
            else:
                assert step.title in alt and catalog.get(state.indicator).name("id") in alt
            continue
        assert len(charts) == 1
        plot = charts[0].plots[0]
        if step.kind == "ranking":
            values = src.values(state.indicator, year, state.region_set)     # the page's query
            assert [c.removesuffix(" (–)") for c in plot.categories] == list(values["short_name"])
            got = list(plot.series[0].values)
            for mine, theirs in zip(got, values["value"]):
                assert (mine is None and pd.isna(theirs)) or mine == pytest.approx(theirs)
            assert "#,##0" in plot.series[0]._element.xpath(".//c:formatCode")[0].text
        else:
            series = src.series(state.indicator, state.region_set)
            years = sorted(series["year"].unique())
            assert list(plot.categories) == [str(y) for y in years]
            by_name = {s.name: list(s.values) for s in plot.series}
            assert len(by_name) == series["region_code"].nunique()
            for row in series.itertuples():
                assert by_name[row.short_name][years.index(row.year)] == pytest.approx(row.value)


@needs_chromium
def test_findings_footer_and_notes_on_every_step_slide(deck, brief):
    for slide, s in zip(list(deck.slides)[1:], brief.slides):
        text = texts_of(slide)
        for f in s.findings:
            assert f.text in text
        assert "Sumber: " in text and s.footer[:60] in text
        notes = slide.notes_slide.notes_text_frame.text
        assert "Definisi: " + s.indicator.definition("id") in notes
        covered = int((s.frame["value"] > 0).sum() if s.kind == "cooperation" else s.frame["value"].notna().sum())
        assert f"Cakupan: {covered} dari {len(s.frame)} wilayah" in notes
        if s.indicator.formula("id"):
            assert "Rumus: " + s.indicator.formula("id") in notes
    partial = [s for s in brief.slides if s.frame["value"].isna().any() and s.kind != "cooperation"]
    for s in partial:
        covered = int(s.frame["value"].notna().sum())
        assert covered < 15 and f"{covered} dari 15 wilayah" in s.notes


@needs_chromium
def test_every_slide_carries_sources_and_the_closing_slides_list_all(deck, brief):
    slides = list(deck.slides)
    for slide in slides:
        assert "Sumber" in texts_of(slide) or any(shape.has_table for shape in slide.shapes)
    tables = [shape.table for slide in slides for shape in slide.shapes if shape.has_table]
    cells = "\n".join(cell.text for table in tables for row in table.rows for cell in row.cells)
    for s in brief.sources:
        assert s.url in cells and s.name in cells
    assert "Lisensi" in cells and "sekunder" in cells


def test_a_trend_speaks_of_the_latest_year_most_regions_have(src):
    story = stories.parse_story('title = "T"\n[[step]]\ntitle = "a"\nindicator = "poverty_rate"\nkind = "trend"\n')
    slide = model.from_story(src, story).slides[0]
    years = src.years("poverty_rate", "agglomeration")
    good = years[years["regions_with_value"] >= 10]["year"]
    assert slide.year == int(good.max())
    assert int(slide.frame["value"].notna().sum()) >= 10


def test_cooperation_step_findings_equal_the_register(brief, src):
    from jabodash.store import cooperation
    links = cooperation.agreements_only(cooperation.register())
    s = next(s for s in brief.slides if s.kind == "cooperation")
    total = s.findings[0]
    assert total.values == (len(links), int((links["status"] == "active").sum()))
    assert total.text.startswith(f"{len(links)} perjanjian bersumber")
    named = {}
    for cell in links["party_codes"]:
        for code in set(cooperation.party_codes(cell)):
            named[code] = named.get(code, 0) + 1
    top = next(f for f in s.findings if f.key == "coop_top")
    assert top.values == (max(named.values()),) and named[top.regions[0]] == max(named.values())
    codes = list(src.regions("agglomeration")["code"])
    none = [c for c in codes if c not in named]
    gaps = [f for f in s.findings if f.key == "missing"]
    assert (list(gaps[0].regions) if gaps else []) == none
    assert {x.url for x in s.sources} == set(links["source_url"].dropna())


def test_english_brief_and_region_set_override(src, story):
    english = model.from_story(src, story, "en", region_set="jabodetabek")
    assert english.subtitle == "Jabodetabek (14)"
    assert all(len(s.frame) == 14 for s in english.slides)     # the network's table too: 14 kab/kota
    first = english.slides[0]
    assert first.title == story.steps[0].title_en
    assert "million" in first.findings[0].text


@needs_chromium
def test_region_profile_deck_ranks_the_region(src):
    brief = profile.from_region(src, "3275", "id")
    deck = Presentation(io.BytesIO(make.output(brief, src, "pptx")))
    from jabodash.brief import deck as deck_mod
    assert len(deck.slides) == 1 + len(brief.slides) + deck_mod.sources_slide_count(brief)
    for s in brief.slides:
        values = s.frame.set_index("region_code")["value"]
        own = values["3275"]
        rank = int((values.dropna() > own).sum()) + 1
        assert s.findings[0].values == (own, rank, values.notna().sum())
        assert f"peringkat {rank} dari" in s.title
    chart = next(shape.chart for shape in deck.slides[1].shapes if shape.has_chart)
    assert any(c == "Kota Bekasi" for c in chart.plots[0].categories)
    assert profile.resolve_region(src, "kota bekasi", "agglomeration") == ("3275", "Kota Bekasi")


def test_one_view_as_a_slide(src):
    state = state_mod.ViewState(indicator="poverty_rate", year=2023, regions=("3201",))
    brief = model.from_view(src, state, "ranking")
    deck = Presentation(io.BytesIO(make.output(brief, src, "pptx")))
    chart = next(shape.chart for shape in deck.slides[1].shapes if shape.has_chart)
    values = src.values("poverty_rate", 2023, "agglomeration")
    assert list(chart.plots[0].series[0].values) == pytest.approx(list(values["value"]))


def test_user_text_is_escaped_in_the_pdf_html(src):
    story = stories.parse_story('title = "<script>x</script>"\n[[step]]\ntitle = "<b>bold</b>"\n'
                                'indicator = "poverty_rate"\n')
    page = pdf.html_of(model.from_story(src, story))
    assert "<script>x" not in page and "&lt;script&gt;x" in page and "&lt;b&gt;bold" in page


# ---------------------------------------------------------------------------------------------
# the PDF brief


@pytest.fixture(scope="module")
def pdf_file(src, story, tmp_path_factory):
    path = tmp_path_factory.mktemp("brief") / "brief.pdf"
    path.write_bytes(make.output(model.from_story(src, story, "id"), src, "pdf"))
    return path


@needs_chromium
@needs_poppler
def test_pdf_is_a4_with_two_to_six_pages_and_embedded_fonts(pdf_file):
    info = subprocess.run(["pdfinfo", str(pdf_file)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 2 <= pages <= 6
    assert "(A4)" in info
    fonts = subprocess.run(["pdffonts", str(pdf_file)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("yes" in row[-5:-3] for row in rows), fonts


def test_pdf_sources_link_every_address_whole_and_show_it_short(brief):
    html_text = pdf.sources_html(brief)
    urls = {u for row in brief.source_rows() for u in row.urls}
    assert urls and all(f"href='{pdf._e(u)}'" in html_text for u in urls)
    shown = re.findall(r"<a href='[^']*'>([^<]*)</a>", html_text)
    assert len(shown) == sum(len(row.urls) for row in brief.source_rows())
    assert all(len(pdf.html.unescape(s)) <= pdf.SHORT_URL and not s.startswith(("http", "www.")) for s in shown)
    long = next(u for u in urls if len(u) > 80)
    assert pdf.url_link(long).endswith("…</a>") and pdf.url_link("https://www.a.id/b") == "<a href='https://www.a.id/b'>a.id/b</a>"


@needs_chromium
@needs_poppler
def test_pdf_text_holds_the_findings(pdf_file, brief):
    text = subprocess.run(["pdftotext", str(pdf_file), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    for s in brief.slides:
        assert s.title in flat
        for f in s.findings:
            assert f.text in flat, f.text
    assert "Sumber, tingkat sumber, dan lisensi" in flat


# ---------------------------------------------------------------------------------------------
# the command line


@pytest.mark.parametrize("argv, message", [
    (["--story", "nope"], "Cerita 'nope' tidak ada"),
    (["--region", "9999"], "Wilayah tidak dikenal: 9999"),
    (["--story", STORY, "--out", "x.docx"], "harus berakhiran .pptx atau .pdf"),
    ([], "Pilih salah satu: --story atau --region"),
])
def test_cli_bad_input_exits_2_with_a_message(argv, message, tmp_path, capsys):
    if "--out" not in argv:
        argv = [*argv, "--out", str(tmp_path / "deck.pptx")]
    assert main(["brief", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "deck.pptx").exists()


def test_cli_unknown_indicator_and_step_without_data(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "X"\n[[step]]\ntitle = "a"\nindicator = "nope"\n', encoding="utf-8")
    assert main(["brief", "--story", str(bad), "--out", str(tmp_path / "d.pptx"), "--lang", "en"]) == 2
    assert "unknown" in capsys.readouterr().err.lower()
    empty = tmp_path / "empty.toml"
    empty.write_text('title = "X"\n[[step]]\ntitle = "a"\nindicator = "commuters_any_destination"\n',
                     encoding="utf-8")
    assert main(["brief", "--story", str(empty), "--out", str(tmp_path / "d.pptx")]) == 2
    err = capsys.readouterr().err
    assert "Langkah 1 (commuters_any_destination) tidak memiliki data" in err and "Traceback" not in err


@needs_chromium
def test_cli_writes_a_deck(tmp_path, capsys):
    out = tmp_path / "deck.pptx"
    assert main(["brief", "--region", "3275", "--out", str(out), "--lang", "en"]) == 0
    deck = Presentation(str(out))
    assert "Profile of Kota Bekasi" in texts_of(deck.slides[0])
    assert str(out) in capsys.readouterr().out


def test_numbers_in_findings_use_the_page_format(brief):
    text = " ".join(f.text for s in brief.slides for f in s.findings)
    assert fmt.number(3631.969, 2, "id") in text        # 3.631,97 (km², Kab. Cianjur)


@needs_chromium
def test_chart_titles_carry_indicator_year_and_unit(deck, brief):
    for slide, s in zip(list(deck.slides)[1:], brief.slides):
        for shape in slide.shapes:
            if shape.has_chart:
                title = shape.chart.chart_title.text_frame.text
                years = sorted(s.series["year"].unique()) if s.kind == "trend" else [s.year]
                assert s.indicator.name("id") in title and str(years[-1]) in title
                assert title.endswith(f"({s.indicator.unit('id')})")


def test_a_target_in_data_targets_csv_becomes_a_finding(src, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("plan,scope,region_code,indicator,target_year,target_value,direction\n"
                    "rpjmn_2025_2029,national,,poverty_rate,2029,4.5,lower\n", encoding="utf-8")
    state = state_mod.ViewState(indicator="poverty_rate", year=2024)
    slide = model.view_slide(src, state, "ranking", "id", targets=targets_mod.load(path))
    metro = src.metro(catalog.get("poverty_rate"), 2024, "agglomeration").value
    target = next(f for f in slide.findings if f.key == "target")
    assert target.values == pytest.approx((4.5, metro, metro - 4.5))
    assert rules.value_text(metro - 4.5, slide.indicator, "id") in target.text
    without = model.view_slide(src, state, "ranking", "id", targets=())
    assert all(f.key != "target" for f in without.findings)


@needs_chromium
def test_pdf_printing_makes_no_outside_request(src, tmp_path):
    import json
    story = stories.parse_story('title = "T"\n[[step]]\ntitle = "a"\nindicator = "poverty_rate"\nkind = "trend"\n')
    brief = model.from_story(src, story)
    from jabodash.brief import render
    render.render(brief, src, for_pdf=True)
    page = pdf.html_of(brief)
    assert re.findall(r"<script src='([^']+)'", page) == [exports.plotlyjs_path().as_uri()]
    log = tmp_path / "netlog.json"
    data = pdf.print_pdf(page, extra_args=(f"--log-net-log={log}",))
    assert data.startswith(b"%PDF")
    netlog = json.loads(log.read_text())
    names = {v: k for k, v in netlog["constants"]["logEventTypes"].items()}
    kinds = {names[e["type"]] for e in netlog["events"]}
    assert not kinds & {"TCP_CONNECT", "HOST_RESOLVER_DNS_TASK", "HOST_RESOLVER_SYSTEM_TASK",
                        "SSL_CONNECT", "HTTP_TRANSACTION_SEND_REQUEST"}, kinds


def test_without_chromium_the_deck_shows_maps_as_native_bars(src, story, monkeypatch):
    monkeypatch.setattr(exports, "chromium_path", lambda: None)
    brief = model.from_story(src, story, "id")
    deck = Presentation(io.BytesIO(make.output(brief, src, "pptx")))
    for slide, step in zip(list(deck.slides)[1:], story.steps):
        charts = [shape.chart for shape in slide.shapes if shape.has_chart]
        assert len(charts) == 1
        if step.kind == "map":
            state, year = step_figures(src, step)
            values = src.values(state.indicator, year, state.region_set)
            assert list(charts[0].plots[0].series[0].values) == pytest.approx(list(values["value"]))
            assert "diagram batang" in slide.notes_slide.notes_text_frame.text
    with pytest.raises(exports.ExportUnavailable):
        make.output(model.from_story(src, story, "id"), src, "pdf")
