"""Web and e-mail addresses in text from users (uploaded names and units, file names, story titles)
are shown as plain text, never as links: in headless Chromium, md_escape's output gives no <a href>
in any message element (Streamlit's Markdown autolinks bare URLs, www. and e-mail addresses even
after backslash escapes), the reader sees the same text, and an upload whose name and unit hold
addresses shows no link on the upload page or in the SQL console's schema."""
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from support.appserver import ARTIFACTS, ROOT, app_server, free_port, open_page, upload_and_use, wait_for_app

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

SAMPLES_APP = ROOT / "tests" / "fixtures" / "apps" / "links_app.py"
SAMPLES = ["see https://example.com/a?b=1 now", "visit www.example.com today", "mail user@example.com",
           "http://198.51.100.1/x", "HTTPS://EXAMPLE.ORG", "ftp://files.example.net", "mailto:a@b.co",
           "xmpp:me@chat.example.org", "https://www.example.com/www.x and b@c.de"]  # as in links_app.py


@pytest.fixture(scope="module")
def samples_server():
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in [str(ROOT), os.environ.get("PYTHONPATH", "")] if p)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(SAMPLES_APP), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "streamlit exited"
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "streamlit did not become healthy"
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _links(page) -> list[str]:
    return page.eval_on_selector_all("[data-testid='stMain'] a[href]",
                                     "els => els.map(e => e.getAttribute('href') + ' ' + e.textContent)")


def test_escaped_addresses_are_never_links_and_read_the_same(samples_server, browser):
    page, outside, errors = open_page(browser, samples_server)
    page.get_by_text("control:").wait_for()
    links = _links(page)
    assert links == ["https://example.com/a?b=1 https://example.com/a?b=1"], links  # only the unescaped control
    for text in SAMPLES:
        for kind in ("stAlert", "stCaptionContainer", "stMarkdown", "stExpander"):
            shown = page.locator(f"[data-testid='{kind}']").evaluate_all(
                "els => els.map(e => e.innerText.replaceAll('\\u2060', '').trim())")
            assert any(text in s for s in shown), (kind, text, shown)
    page.screenshot(path=str(ARTIFACTS / "links-plain.png"), full_page=True)
    assert errors == [] and outside.blocked == []


CSV = ("wilayah,tahun,jumlah https://kolom.contoh.invalid\n" + "".join(
    f"{name},2023,{i * 7 + 10}\n" for i, name in enumerate(
        ["KOTA DEPOK", "KOTA BOGOR", "KABUPATEN BOGOR", "KOTA BEKASI", "KABUPATEN BEKASI"]))).encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    ARTIFACTS.mkdir(exist_ok=True)
    with app_server(env={"JABODASH_WORKSPACE": str(tmp_path_factory.mktemp("workspace"))}) as url:
        yield url


def test_an_upload_with_addresses_in_its_name_and_unit_shows_no_link(server, browser):
    page, outside, errors = open_page(browser, server + "/unggah?lang=id")
    upload_and_use(page, "www.berkas.contoh.invalid.csv", CSV, {
        "Nama indikator": "Warung https://nama.contoh.invalid/x www.nama.contoh.invalid",
        "Satuan": "unit admin@satuan.contoh.invalid"})
    wait_for_app(page)
    shown = page.locator("[data-testid='stMain']").inner_text().replace("\u2060", "")
    assert "nama.contoh.invalid" in shown
    assert [link for link in _links(page) if "contoh.invalid" in link] == []
    page.get_by_role("link", name="SQL").first.click()
    page.get_by_text("Konsol SQL").first.wait_for(timeout=30000)
    wait_for_app(page)
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Kolom").first
    picker.click()
    page.keyboard.type("upload_")
    page.keyboard.press("Enter")
    page.locator("[data-testid='stCaptionContainer']").filter(has_text="Unggahan Anda di sesi ini").first.wait_for(
        timeout=30000)
    wait_for_app(page)
    shown = page.locator("[data-testid='stMain']").inner_text().replace("\u2060", "")
    assert "nama.contoh.invalid" in shown
    assert [link for link in _links(page) if "contoh.invalid" in link] == []
    page.screenshot(path=str(ARTIFACTS / "links-sql-schema.png"), full_page=True)
    assert errors == [] and outside.blocked == []
