"""Test-wide settings: caches and workspace in a temporary folder, never the user's home."""
import os
import tempfile
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="jabodash-tests-"))
os.environ.setdefault("JABODASH_CACHE_DIR", str(_TMP / "cache"))
os.environ.setdefault("JABODASH_WORKSPACE", str(_TMP / "workspace"))

ROOT = Path(__file__).resolve().parent.parent


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
    from appserver import CHROMIUM, CHROMIUM_ARGS
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server():
    """The real Streamlit server on a free port, one per test module, default settings."""
    from appserver import ARTIFACTS, app_server
    ARTIFACTS.mkdir(exist_ok=True)
    with app_server() as url:
        yield url
