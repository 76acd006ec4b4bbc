"""AppTest: the URL round trip of every page, and the presenter page (story and step in the URL,
next/previous, presenter layout, downloads, the story editor with upload and its errors)."""
import re

import pytest
from streamlit.testing.v1 import AppTest

from jabodash.core.paths import ROOT
from jabodash.presenter import stories

APP = str(ROOT / "app.py")
STORY = "jabodetabek_dalam_angka"
# the pages listed in app.py (whatever their folder is called) that exist
PAGES = [p for p in re.findall(r'\("([a-z_]+/[a-z_]+\.py)"', (ROOT / "app.py").read_text()) if (ROOT / p).exists()]
PAGE = next(p for p in PAGES if p.endswith("/presentasi.py"))
OVERVIEW = next(p for p in PAGES if p.endswith("/ringkasan.py"))


def run_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def params_of(at: AppTest) -> dict:
    return {key: at.query_params[key] for key in at.query_params}


def widget_values(at: AppTest) -> dict:
    out = {}
    for kind in ("selectbox", "radio", "multiselect", "toggle", "checkbox"):
        for widget in getattr(at, kind):
            if widget.key and not widget.key.startswith("$$"):
                out[widget.key] = widget.value
    return out


def texts(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [s.value for s in at.subheader] + [c.value for c in at.caption]
                    + [t.value for t in at.title])


# --- URL round trip for every page ---------------------------------------------------------------

VIEW = dict(lang="en", region_set="jabodetabek", indicator="poverty_rate", year="2023", regions="3201,3275",
            palette="high_contrast")


@pytest.mark.parametrize("page", PAGES)
def test_url_round_trip(page):
    """A page opened with a view writes its view to the URL; opening that URL in a new session
    (a new browser) gives the same URL and the same widget values: the link is the view."""
    first = run_page(page, **VIEW)
    url = params_of(first)
    assert url.get("lang") == "en" and url.get("region_set") == "jabodetabek", url
    second = run_page(page, **url)
    assert params_of(second) == url
    assert widget_values(second) == widget_values(first)


@pytest.mark.parametrize("page", PAGES)
def test_bad_url_parameters_fall_back_with_a_notice(page):
    at = run_page(page, lang="xx", indicator="<script>alert(1)</script>", year="20x4", story="../../etc",
                  step="0", regions="9999,3201")
    toasts = " ".join(t.value for t in at.toast)
    assert "tidak valid" in toasts or "tidak dikenal" in toasts
    assert "<script>" not in toasts


# --- the presenter page -----------------------------------------------------------------------------

def test_story_and_step_from_the_url():
    at = run_page(PAGE, story=STORY, step="2")
    assert at.subheader[0].value == "Kota\\-kota Jakarta paling padat"
    assert "**Langkah 2 dari 8**" in [m.value for m in at.markdown]
    assert params_of(at)["story"] == STORY and params_of(at)["step"] == "2"


def test_next_and_previous_move_the_step_in_the_url():
    at = run_page(PAGE, story=STORY, step="1")
    assert at.button(key="w_prev").disabled
    at.button(key="w_next").click().run()
    assert params_of(at)["step"] == "2"
    at.button(key="w_next").click().run()
    assert params_of(at)["step"] == "3"
    at.button(key="w_prev").click().run()
    assert params_of(at)["step"] == "2"
    last = run_page(PAGE, story=STORY, step="8")
    assert last.button(key="w_next").disabled


def test_step_out_of_range_and_unknown_story_fall_back_with_a_notice():
    at = run_page(PAGE, story=STORY, step="99")
    assert "**Langkah 8 dari 8**" in [m.value for m in at.markdown]
    assert any("99" in t.value for t in at.toast)
    at = run_page(PAGE, story="tidak_ada", lang="en")
    assert any("tidak\\_ada" in t.value and "not found" in t.value for t in at.toast)
    assert "**Step 1 of 8**" in [m.value for m in at.markdown]
    assert params_of(at)["story"] == STORY


def test_presenter_layout_hides_the_chrome_with_a_constant_css():
    from jabodash.presenter.views import PRESENTER_CSS
    from jabodash.ui.shell import LABEL_CSS
    at = run_page(PAGE, story=STORY, step="3", presenter="1")
    bodies = [h.proto.body for h in at.get("html")]   # then the story uploader's texts (constant locale strings)
    assert bodies[:2] == [LABEL_CSS, PRESENTER_CSS] and all(
        b.startswith("<style>[data-testid='stFileUploaderDropzone']") for b in bodies[2:])
    assert not at.title                                   # no page title: the step fills the screen
    assert at.button(key="w_exit")
    at.button(key="w_exit").click().run()
    assert "presenter" not in params_of(at)
    assert PRESENTER_CSS not in [h.proto.body for h in at.get("html")]
    at.button(key="w_start").click().run()
    assert params_of(at)["presenter"] == "1"


def test_english_step_texts_and_high_contrast_toggle():
    at = run_page(PAGE, story=STORY, step="4", lang="en")
    assert at.subheader[0].value == "Poverty 2020–2024"
    at.toggle(key="w_high_contrast").set_value(True).run()
    assert params_of(at)["palette"] == "high_contrast"
    again = run_page(PAGE, **params_of(at))
    assert again.toggle(key="w_high_contrast").value is True


def test_downloads_and_share_link():
    at = run_page(PAGE, story=STORY, step="1")
    keys = {d.key for d in at.get("download_button")}
    assert {"dl_csv", "dl_story"} <= keys
    from jabodash.presenter import exports
    images = {"dl_png", "dl_svg", "dl_pdf"}
    # image downloads exactly when a Chromium to render them is found
    assert (images <= keys) if exports.chromium_path() else not (images & keys)
    code = [c.value for c in at.code]
    assert any(c.startswith("http") and "story=" + STORY in c and "step=1" in c for c in code)


def test_without_chromium_the_page_says_so(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    at = run_page(PAGE, story=STORY, step="1")
    warnings = " ".join(w.value for w in at.warning)
    assert "Chromium" in warnings
    assert "dl_png" not in {d.key for d in at.get("download_button")}
    assert any("kamera" in c.value for c in at.caption)


def test_add_the_current_view_then_move_and_remove():
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(OVERVIEW)
    at.query_params["indicator"] = "ipm"
    at.query_params["year"] = "2022"
    at.run()
    at.switch_page(PAGE).run()                      # the overview's view is the "current view"
    assert not at.exception
    assert any("IPM seri lama" in c.value and "2022" in c.value for c in at.caption)
    at.radio(key="w_new_kind").set_value("map")
    at.text_input(key="w_new_title").set_value("IPM 2022 di peta")
    at.text_area(key="w_new_note").set_value("Catatan *tebal* <b>html</b>")
    at.button(key="w_add_step").click().run()
    assert not at.exception
    assert params_of(at)["step"] == "9"
    assert at.subheader[0].value == "IPM 2022 di peta"
    story = at.session_state["_jabodash_story"]["story"]
    assert story.steps[-1].view == {"kind": "map", "indicator": "ipm", "year": 2022}
    assert any(m.value == "Catatan \\*tebal\\* \\<b\\>html\\</b\\>" for m in at.markdown)
    at.button(key="w_up_8").click().run()
    assert at.session_state["_jabodash_story"]["story"].steps[7].title == "IPM 2022 di peta"
    assert params_of(at)["step"] == "8"
    at.button(key="w_rm_7").click().run()
    titles = [s.title for s in at.session_state["_jabodash_story"]["story"].steps]
    assert len(titles) == 8 and "IPM 2022 di peta" not in titles
    assert any("diubah" in i.value for i in at.info)


def test_add_step_without_title_shows_the_error():
    at = run_page(PAGE, story=STORY, step="1")
    at.button(key="w_add_step").click().run()
    assert any("title" in e.value and "wajib" in e.value for e in at.error)
    assert len(at.session_state["_jabodash_story"]["story"].steps) == 8


def test_upload_a_story_and_broken_uploads():
    at = run_page(PAGE, story=STORY, step="3")
    good = stories.dump_story(stories.Story(title="Cerita saya", steps=(
        stories.Step(title="Langkah *satu*", note="[klik](http://contoh.invalid)",
                     view={"indicator": "poverty_rate", "year": 2024}),
        stories.Step(title="Dua", view={"kind": "trend", "indicator": "ipm"}))))
    at.file_uploader(key="w_story_upload").upload("Cerita Saya!.toml", good.encode(), "application/toml").run()
    assert not at.exception
    assert params_of(at)["story"] == "cerita_saya" and params_of(at)["step"] == "1"
    assert at.subheader[0].value == "Langkah \\*satu\\*"
    assert any(m.value == "\\[klik\\]\\(http\\:\\/\\/contoh\\.invalid\\)" or "\\[klik\\]" in m.value for m in at.markdown)
    assert "**Langkah 1 dari 2**" in [m.value for m in at.markdown]

    broken = good.replace('indicator = "ipm"', 'indicator = "tidak_ada"')
    at.file_uploader(key="w_story_upload").upload("rusak.toml", broken.encode(), "application/toml").run()
    errors = " ".join(e.value for e in at.error)
    assert "Langkah 2" in errors and "tidak\\_ada" in errors
    assert params_of(at)["story"] == "cerita_saya"       # the good story stays

    at.file_uploader(key="w_story_upload").upload("besar.toml", b"#" * (stories.MAX_BYTES + 1),
                                                  "application/toml").run()
    assert any("terlalu besar" in e.value for e in at.error)
    at.file_uploader(key="w_story_upload").upload("x.toml", b'title = "x\n', "application/toml").run()
    assert any("baris 1" in e.value for e in at.error)


def test_deeply_nested_upload_is_not_a_story_and_the_story_stays():
    """A story file nested 30,000 levels deep gives the error, not a crash; the story shown stays."""
    at = run_page(PAGE, story=STORY, step="2")
    deep = ("x = " + "[" * 30_000 + "]" * 30_000).encode()
    at.file_uploader(key="w_story_upload").upload("dalam.toml", deep, "application/toml").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("bukan cerita" in e.value for e in at.error), [e.value for e in at.error]
    assert params_of(at)["story"] == STORY and params_of(at)["step"] == "2"
    assert len(at.session_state["_jabodash_story"]["story"].steps) == 8


def test_reload_the_shipped_story_after_edits():
    at = run_page(PAGE, story=STORY, step="2")
    at.button(key="w_rm_0").click().run()
    assert len(at.session_state["_jabodash_story"]["story"].steps) == 7
    at.button(key="w_reload_story").click().run()
    assert len(at.session_state["_jabodash_story"]["story"].steps) == 8
    assert params_of(at)["step"] == "1" if "step" in params_of(at) else True
    assert not at.session_state["_jabodash_story"]["modified"]


@pytest.mark.parametrize("lang, deck, step", [
    ("id", "Unduh bahan rapat (PowerPoint)", "Langkah ini sebagai slide (PowerPoint)"),
    ("en", "Download the meeting deck (PowerPoint)", "This step as a slide (PowerPoint)"),
])
def test_meeting_brief_downloads(lang, deck, step):
    """The story's deck, its PDF brief (when a Chromium prints it) and the step as one slide
    (made by jabodash.brief when clicked; their content: tests/test_brief.py)."""
    from jabodash.presenter import exports
    at = run_page(PAGE, story=STORY, step="2", lang=lang)
    assert not at.exception
    labels = {d.key: d.proto.label for d in at.get("download_button")}
    assert labels["dl_brief_pptx"] == deck and labels["dl_step_pptx"] == step
    assert ("dl_brief_pdf" in labels) == (exports.chromium_path() is not None)
