"""Test-wide settings: caches and workspace in a temporary folder, never the user's home.

Also the data and helpers several test files share (imported from here by name): the CSV
tables read independently of jabodash, AppTest helpers of the page tests and waits of the
browser tests.
"""
import json
import math
import os
import re
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from jabodash.features import unggah

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
    from appserver import ARTIFACTS, app_server
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


# --- the data, read independently of jabodash --------------------------------------------------

OBS = pd.read_csv(ROOT / "data" / "observations.csv", dtype={"region_code": str})
FLOWS = pd.read_csv(ROOT / "data" / "flows.csv", dtype={"origin_code": str, "destination_code": str})
REGIONS = pd.read_csv(ROOT / "data" / "regions.csv", dtype={"code": str, "province_code": str})
REGIONS_BY_CODE = REGIONS.set_index("code")
DKI = [c for c in REGIONS_BY_CODE.index if c.startswith("31")]
APP = str(ROOT / "app.py")


def obs(region, indicator, year):
    """One figure of data/observations.csv, NaN when it is not there."""
    row = OBS[(OBS.region_code == region) & (OBS.indicator_id == indicator) & (OBS.year == year)]
    return float(row.value.iloc[0]) if len(row) else math.nan


def obs_exact(region, indicator, year):
    """One figure of data/observations.csv, which must be there exactly once."""
    row = OBS[(OBS.region_code == region) & (OBS.indicator_id == indicator) & (OBS.year == year)]
    assert len(row) == 1
    return float(row.value.iloc[0])


# --- AppTest helpers of the page tests ------------------------------------------------------

def values(indicator, year, codes=None):
    rows = OBS[(OBS.indicator_id == indicator) & (OBS.year == year)]
    if codes is not None:
        rows = rows[rows.region_code.isin(codes)]
    return rows.set_index("region_code")["value"]


def open_page(page: str, keep_sidebar: bool = True, **params) -> AppTest:
    """Run app.py (so st.navigation registers the pages), then switch to the page."""
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if keep_sidebar:
        # Widget ids differ per page, so a page switch resets the shared sidebar radios to
        # their first option (a fix for ui.page_setup is proposed; the xfail test
        # test_page_switch_keeps_the_sidebar tracks it). Choose them again, as a user would.
        wanted = {"w_lang": params.get("lang", "id"), "w_region_set": params.get("region_set", "agglomeration")}
        for key, value in wanted.items():
            if at.radio(key=key).value != value:
                at.radio(key=key).set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at, label):
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}: {[m.label for m in at.metric]}")


TABLE_COLUMN = {  # a column that only this table has, per language
    "census_table": ("Kode BPS", "BPS code"),
    "services_table": ("Per 100.000 penduduk", "Per 100,000 people"),
    "links_table": ("Anggota Jabodetabek", "Member of Jabodetabek"),
    "other_table": ("Cakupan terluas", "Widest coverage"),
}


_UI_NUMBER = {"id": re.compile(r"-?\d{1,3}(\.\d{3})*(,\d+)?"), "en": re.compile(r"-?\d{1,3}(,\d{3})*(\.\d+)?")}


def numbers_back(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A shown table with its numbers read back: every text column whose cells are all numbers
    written in the UI language (ui.widgets.table: 1.234,5 in Indonesian, 1,234.5 in English; "–"
    for a gap) becomes float, so that tests compare values; a number written the other language's
    way stays text and fails the comparison."""
    out = df.copy()
    rx = _UI_NUMBER[lang]
    for col in out.columns:
        if pd.api.types.is_numeric_dtype(out[col]):
            continue
        cells = [c for c in out[col] if isinstance(c, str) and c != "–"]
        if not cells and len(out[col]) and all(c == "–" for c in out[col]):
            out[col] = math.nan                  # a column of gaps only
            continue
        if not cells or not all(rx.fullmatch(c) for c in cells):
            continue
        if str(col).lower() in ("year", "tahun") or all(re.fullmatch(r"(19|20)\d\d", c) for c in cells):
            continue   # years stay as shown
        group, dec = (".", ",") if lang == "id" else (",", ".")
        out[col] = [float(c.replace(group, "").replace(dec, ".")) if isinstance(c, str) and c != "–" else math.nan
                    for c in out[col]]
    return out


def _lang(at) -> str:
    try:
        return at.session_state["w_lang"]
    except KeyError:
        return "id"


def table(at, key):
    """The st.dataframe with the given key (found by a column only it has), numbers read back."""
    frames = [df.value for df in at.dataframe if set(TABLE_COLUMN[key]) & set(df.value.columns)]
    assert len(frames) == 1, key
    return numbers_back(frames[0], _lang(at))


def text_of(elements):
    return " ".join(e.value for e in elements)


def figures(at):
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def wait_until(condition, timeout_s: float = 60.0) -> bool:
    """Poll ``condition`` until it is true or ``timeout_s`` passed; its last answer (a wait for a
    condition, not a timed assertion)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def run_page(page: str, session: dict | None = None, timeout: float = 90, **params) -> AppTest:
    """An AppTest of one page opened with these URL parameters (and this session's uploads)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if session is not None:
        at.session_state[unggah.SESSION_KEY] = session
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def qp(at, key) -> str | None:
    """One URL parameter as text (AppTest holds values the app wrote as lists)."""
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def texts(at, kind="caption") -> str:
    return " ".join(str(e.value) for e in getattr(at, kind))


def frame(at, column) -> pd.DataFrame:
    for d in at.dataframe:
        if column in d.value.columns:
            return numbers_back(d.value, _lang(at))
    raise AssertionError(f"no table with column {column!r}")


# --- browser waits and checks --------------------------------------------------------------

def charts_drawn(page, at_least: int) -> None:
    page.locator(".js-plotly-plot").first.wait_for()
    # a function, not an expression: Playwright evals a bare expression in the page, which the CSP blocks
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {at_least}")


def no_exceptions(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
