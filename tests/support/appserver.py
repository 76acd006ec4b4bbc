"""Start the real Streamlit server for browser tests and drive headless Chromium.

The server is started the way scripts/run.sh starts it (``python -m jabodash.server``: Host check,
security headers and content security policy), so every browser test runs under them.
Following streamlit's own e2e set-up: start the server, poll /_stcore/health, then wait for
the app to finish its script run ([data-test-script-state='notRunning']), never a fixed sleep.
Every request the page makes to a host other than the app is blocked and recorded.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(env: dict | None = None, timeout: float = 60.0):
    port = free_port()
    cmd = [sys.executable, "-m", "jabodash.server", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]
    full_env = {**os.environ, **(env or {})}
    log = open(ARTIFACTS / f"server-{port}.log", "wb") if ARTIFACTS.exists() else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("streamlit did not become healthy")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


class OutsideRequests:
    """Route handler: continue requests to the app, abort and record all others."""

    def __init__(self, app_url: str):
        self.app_host = urlparse(app_url).hostname
        self.blocked: list[str] = []

    def __call__(self, route):
        url = route.request.url
        host = urlparse(url).hostname
        if url.startswith(("data:", "blob:")) or host in (self.app_host, "127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


_CSP_REPORTER = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const text = 'CSP violation: ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in '
    + (e.sourceFile || document.location.pathname) + ':' + e.lineNumber;
  window.__cspViolations.push(text);
  window.__reportCspViolation(text);
});"""


def report_csp_violations(page, errors: list[str]) -> None:
    """Append every content security policy violation in the page (and its frames) to errors
    (through a binding, called only on a violation: no console listener on chatty map pages)."""
    page.expose_function("__reportCspViolation", lambda text: errors.append(text))
    page.add_init_script(_CSP_REPORTER)


def wait_for_app(page, timeout_ms: int = 60000) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_selector("[data-testid='stMainBlockContainer']", timeout=timeout_ms)


# No page error is expected: the white map is Plotly's geo subplot (SVG), which needs no glyph files
# (MapLibre's labels asked for them and reported "Map error." offline). Any page error fails a test.
EXPECTED_PAGE_ERRORS: set[str] = set()


def page_errors(page, errors: list[str]) -> None:
    """Collect page errors (uncaught exceptions) into errors, less the expected ones above."""
    page.on("pageerror", lambda exc: None if str(exc) in EXPECTED_PAGE_ERRORS else errors.append(str(exc)))


def open_page(browser, url: str, width: int = 1600, height: int = 1000, wait_figure: bool = False,
              timeout_ms: int = 60000):
    """A new browser context on url: outside requests blocked and recorded, page errors and
    content security policy violations collected. Returns (page, outside, errors)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    outside = OutsideRequests(url)
    page.route("**/*", outside)
    errors: list[str] = []
    page_errors(page, errors)
    report_csp_violations(page, errors)
    page.goto(url, timeout=timeout_ms)
    wait_for_app(page, timeout_ms)
    if wait_figure:
        page.wait_for_function(_FIGURE_DRAWN, timeout=timeout_ms)
    return page, outside, errors


# a plotly chart drawn in the page or in a same-origin frame (the map component, ui/components/geomap)
_FIGURE_DRAWN = """() => [document, ...[...document.querySelectorAll('iframe')].map(f => {
  try { return f.contentDocument; } catch (e) { return null; } }).filter(Boolean)]
  .some(d => d.querySelector('.js-plotly-plot .main-svg'))"""
MAP_FRAME = "iframe[data-testid='stCustomComponentV1']"


def map_root(page):
    """Where the geographic map's plotly chart lives: the map component's frame (locators work as
    on the page)."""
    return page.frame_locator(MAP_FRAME).first


def map_frame(page):
    """The map component's frame (for evaluate)."""
    return next(f for f in page.frames if "/component/" in f.url and "geomap" in f.url)


def full_screenshot(page, name: str, width: int = 1600) -> None:
    """Streamlit scrolls inside its main block, so a full-page shot needs a viewport as tall
    as the content."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 9000)})
    page.wait_for_timeout(500)  # plotly relayout after the resize
    wait_for_app(page)
    page.screenshot(path=str(ARTIFACTS / name))


def give_table_file(page, name: str, data: bytes, timeout_ms: int = 30000) -> None:
    """On the open upload page (Indonesian): once the page's run has drawn all of it (the agreements
    uploader at its foot) and ended, give the file to the table uploader (found by its label, not by
    position), then wait for the validation report. On a timeout, fail with what the page showed
    instead (the uploader's own message, alerts), not a bare locator timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    page.get_by_text("Unggah file perjanjian").first.wait_for(timeout=max(timeout_ms, 60000))
    wait_for_app(page)
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Berkas tabel")
    uploader.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    try:
        page.get_by_text("Laporan validasi").wait_for(timeout=timeout_ms)
    except PlaywrightTimeout:
        shown = page.locator("[data-testid='stMain']").inner_text()
        raise AssertionError(f"no validation report for {name}; the uploader said "
                             f"{uploader.inner_text()!r}; the page showed: {shown[:3000]!r}") from None


def upload_and_use(page, name: str, csv: bytes, fields: dict[str, str]) -> None:
    """On the open upload page (Indonesian): upload csv as name, wait for the validation report,
    type each labelled field (Enter after each), then use the dataset in the session."""
    give_table_file(page, name, csv)
    wait_for_app(page)
    page.get_by_text("Baris dibaca").wait_for()
    for label, text in fields.items():
        page.get_by_label(label).fill(text)
        page.keyboard.press("Enter")
        wait_for_app(page)
    page.get_by_role("button", name="Pakai di sesi ini").click()
    page.get_by_text("Siap:", exact=False).wait_for(timeout=30000)
