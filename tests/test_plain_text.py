"""Text from files the user loads (story titles and notes, uploaded indicator names, units, sources
and column names) reaches every Markdown element (messages included) as plain text: no live link,
image, bare URL or HTML, in both languages."""
import re

import pytest
from streamlit.testing.v1 import AppTest

from jabodash.core.paths import ROOT
from jabodash.core.textsafe import WORD_JOINER, md_escape
from jabodash.presenter import stories

HOSTILE = "![x](http://198.51.100.1/s.png) <img src=x onerror=alert(1)> www.contoh.invalid [a](https://x.invalid)"
LIVE = [re.compile(p) for p in (r"\]\(http", r"(?<!\\)<img", r"https?://", r"(?<!\\)www\.", r"(?<!\\)!\[", r"(?<!\\)<a\b")]


# What remark-gfm autolinks once Markdown's backslash escapes are resolved: a bare URL, a www. address
# or an e-mail address (tests/test_browser_links.py shows each becomes an <a href> in Chromium).
AUTOLINK = re.compile(r"(?i)(?:https?|ftp)://|www\.|[-.+\w]+@[-\w]+\.[-\w]")


def live_markup(text: str) -> list[str]:
    found = [p.pattern for p in LIVE if p.search(text)]
    if AUTOLINK.search(re.sub(r"\\(.)", r"\1", text)):
        found.append("autolink")
    return found


def markdown_bodies(at: AppTest) -> list[str]:
    """Every text the page renders as Markdown: bodies of markdown, captions, headings and the
    messages, and the labels of expanders and widgets."""
    bodies = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "success", "error", "warning", "info",
                 "toast", "expander"):
        for el in getattr(at, kind):
            bodies.append(str(getattr(el, "value", "") or "") + " " + str(getattr(el, "label", "") or ""))
    for kind in ("button", "text_input", "text_area", "selectbox", "radio", "checkbox", "toggle", "multiselect"):
        for el in getattr(at, kind):
            bodies.append(str(el.label or ""))
    return bodies


def test_md_escape_neutralises_images_links_bare_urls_and_html():
    out = md_escape(HOSTILE)
    assert live_markup(out) == []
    assert "http\\:" in out and "www" in out and "\\<img" in out and "\\!\\[x\\]" in out


@pytest.mark.parametrize("text", ["https://example.com/a?b=1", "see http://198.51.100.1/x now", "WWW.EXAMPLE.ORG",
                                  "www.contoh.go.id", "user@example.com", "mailto:a@b.co", "ftp://files.example.net",
                                  "a https://www.example.com b@c.de"])
def test_md_escape_leaves_no_autolink_and_the_same_visible_text(text):
    out = md_escape(text)
    assert live_markup(out) == [], out
    assert re.sub(r"\\(.)", r"\1", out).replace(WORD_JOINER, "") == text  # what the reader sees


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_hostile_story_title_and_note_stay_plain_text(lang):
    story = stories.Story(title="Cerita " + HOSTILE[:100], steps=(
        stories.Step(title="Langkah " + HOSTILE[:100], note=HOSTILE, title_en="Step " + HOSTILE[:100],
                     note_en=HOSTILE, view={"indicator": "poverty_rate", "year": 2024}),))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/presentasi.py")
    at.query_params["lang"] = lang
    at.run()
    at.file_uploader(key="w_story_upload").upload("jahat.toml", stories.dump_story(story).encode(),
                                                  "application/toml").run()
    assert not at.exception, [e.value for e in at.exception]
    bodies = markdown_bodies(at)
    loaded = [b for b in bodies if "Cerita" in b]
    assert any("198\\.51" in b for b in loaded), bodies            # the title is shown (escaped)
    assert any(("dimuat" if lang == "id" else "loaded") in s.value for s in at.success)
    for body in bodies:
        assert live_markup(body) == [], body

    broken = stories.dump_story(story).replace('indicator = "poverty_rate"', f"indicator = {stories.toml_string(HOSTILE[:60])}")
    at.file_uploader(key="w_story_upload").upload("rusak.toml", broken.encode(), "application/toml").run()
    assert at.error, "the bad indicator is reported"
    for body in markdown_bodies(at):
        assert live_markup(body) == [], body


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_upload_with_hostile_names_stays_plain_text(lang, tmp_path, monkeypatch):
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path))
    name = "![x](http://198.51.100.1/s.png)<img src=x>"
    csv = (f"wilayah,tahun,{name}\nKOTA DEPOK,2023,1\nKOTA BOGOR,2023,2\nKOTA BEKASI,2023,3\n").encode()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/unggah.py").run()
    at.file_uploader(key="u_file").set_value(("jahat.csv", csv, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="u_desc_name").set_value("Nama " + HOSTILE[:150]).run()
    at.text_input(key="u_desc_unit").set_value("www.satuan.invalid").run()
    at.text_input(key="u_desc_source").set_value(HOSTILE).run()
    at.button(key="u_use").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success, "the upload is used"
    for body in markdown_bodies(at):
        assert live_markup(body) == [], body
    at.button(key="u_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    for body in markdown_bodies(at):
        assert live_markup(body) == [], body
