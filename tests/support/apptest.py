"""AppTest helpers of the page tests: open or run a page (app.py first, so st.navigation knows the
pages), read its metrics, tables and texts."""
import json
import math
import re

import pandas as pd
from streamlit.testing.v1 import AppTest

from jabodash.features import unggah
from support.data import ROOT

APP = str(ROOT / "app.py")


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
    """The st.dataframe with the given key (found by a column only it has)."""
    frames = [df.value for df in at.dataframe if set(TABLE_COLUMN[key]) & set(df.value.columns)]
    assert len(frames) == 1, key
    return numbers_back(frames[0], _lang(at))


def text_of(elements):
    return " ".join(e.value for e in elements)


def figures(at):
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]




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


def map_figure(at) -> dict:
    """The map's figure: a plotly chart (tile map), or the geographic map's component (its GeoJSON
    read back from the files the browser fetches)."""
    from jabodash.ui.components import geomap
    charts = list(at.get("plotly_chart"))
    if charts:
        return json.loads(charts[0].proto.spec)
    maps_ = [c for c in at.get("component_instance") if c.proto.component_name.endswith(".geomap")]
    assert maps_, "no plotly chart and no map component"
    return geomap.figure_of(maps_[0].proto.json_args)
