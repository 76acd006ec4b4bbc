"""Test-wide settings: caches and workspace in a temporary folder, never the user's home.

The helpers that test files share are in tests/support/ (never imported from here).
"""
import os
import tempfile
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="jabodash-tests-"))
os.environ.setdefault("JABODASH_CACHE_DIR", str(_TMP / "cache"))
os.environ.setdefault("JABODASH_WORKSPACE", str(_TMP / "workspace"))



@pytest.fixture(scope="session")
def store():
    from jabodash.store import get_store
    return get_store()


@pytest.fixture(scope="session")
def test_boundaries() -> Path | None:
    """Folder with the real development boundaries, when JABODASH_TEST_BOUNDARIES is set."""
    folder = os.environ.get("JABODASH_TEST_BOUNDARIES")
    return Path(folder) if folder and Path(folder, "jabodetabek_adm2.geojson").exists() else None


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for all browser tests (no downloaded browser)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    from support.appserver import CHROMIUM, CHROMIUM_ARGS
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _close_browser_contexts(request):
    """After a browser test, close the pages it left open: each one is a Chromium renderer that would
    keep drawing (and taking CPU from the next tests) until the session ends."""
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()


@pytest.fixture(scope="module")
def server():
    """The real Streamlit server on a free port, one per test module, default settings."""
    from support.appserver import ARTIFACTS, app_server
    ARTIFACTS.mkdir(exist_ok=True)
    with app_server() as url:
        yield url


@pytest.fixture(autouse=True)
def _apptest_as_a_running_server(monkeypatch):
    """AppTest resets Streamlit's old pages-directory mode before every run (PagesManager
    .uses_pages_directory = None, then True because pages/ exists), where a real server leaves it
    off once app.py's st.navigation or ui.page_setup's guard has run. Without this, every AppTest
    run would take the guard's one-time rerun, which drops widget triggers such as a button click.
    The guard itself is tested in a real server (tests/test_browser_deeplink.py)."""
    from streamlit.runtime.pages_manager import PagesManager
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture()
def fresh_workspace(tmp_path, monkeypatch):
    """A workspace and cache of the test's own, and the saved-datasets memo forgotten."""
    from jabodash.store import kinds
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("JABODASH_CACHE_DIR", str(tmp_path / "cache"))
    kinds.forget()
    return tmp_path


@pytest.fixture(autouse=True)
def _no_missing_strings(request):
    """A page test (AppTest, tests/test_page_*.py) fails when the page asked for a string missing in
    its language (jabodash.core.i18n.MISSING: a key family's new member without strings shows as the
    key itself, or an English gap in Indonesian)."""
    if not request.module.__name__.startswith("test_page_"):
        yield
        return
    from jabodash.core import i18n
    i18n.MISSING.clear()
    yield
    assert sorted(i18n.MISSING) == [], "strings missing in the locales"
