"""AppTest of the SQL console page (pages/sql.py): values, refusals in both languages, error
positions, examples, schema.

The sandbox runs in its default worker process; JABODASH_SQL_ISOLATION=thread would run it in the
test process instead if starting the worker were too slow (not needed so far)."""
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from jabodash.core.paths import DATA_DIR, ROOT
from jabodash.features import unggah
from jabodash.ingest import read_upload
from jabodash.sql import examples
from jabodash.store import shelf

OBS = pd.read_csv(DATA_DIR / "observations.csv", dtype={"region_code": str})
REG = pd.read_csv(DATA_DIR / "regions.csv", dtype={"code": str})


def sql_page(lang: str = "id") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.switch_page("pages/sql.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_sql(at: AppTest, sql: str) -> AppTest:
    at.text_area(key="sql_query").set_value(sql)
    at.button(key="sql_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def column_with(at: AppTest, kind: str, key: str):
    """The layout column holding the widget with this key (AppTest does not expose dataframe keys)."""
    return next(c for c in at.columns if any(w.key == key for w in c.get(kind)))


def result_tables(at: AppTest) -> list:
    return column_with(at, "text_area", "sql_query").dataframe


def result_frame(at: AppTest) -> pd.DataFrame:
    return result_tables(at)[0].value


def schema_tables(at: AppTest) -> list:
    """[schema overview, columns of the picked relation]."""
    return column_with(at, "selectbox", "sql_example").dataframe


def errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error)


@pytest.fixture(scope="module")
def at_id():
    return sql_page("id")


def test_count_of_regions(at_id):
    run_sql(at_id, "SELECT count(*) AS n FROM region")
    assert int(result_frame(at_id)["n"].iloc[0]) == 15
    assert not at_id.error
    assert any("1 baris" in c.value for c in at_id.caption)
    assert {b.proto.label for b in at_id.get("download_button")} >= {"Unduh CSV", "Unduh Parquet"}


def test_density_matches_the_csv_files(at_id):
    run_sql(at_id, "SELECT r.code, o.value / r.area_km2 AS density FROM observation o "
                   "JOIN region r ON r.code = o.region_code "
                   "WHERE o.indicator_id = 'population_census' AND o.year = 2020 ORDER BY r.code")
    got = result_frame(at_id).set_index("code")["density"]
    pop = OBS[(OBS.indicator_id == "population_census") & (OBS.year == 2020)].set_index("region_code")["value"]
    want = (pop / REG.set_index("code")["area_km2"]).dropna().sort_index()
    assert len(got) == 15
    for code, value in want.items():
        assert got[code] == pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize("sql, id_text, en_text", [
    ("DROP TABLE region", "ditolak", "is refused"),
    ("COPY region TO '/tmp/x.csv'", "ditolak", "is refused"),
    ("SELECT * FROM read_csv('/etc/passwd')", "read\\_csv", "read\\_csv"),
])
def test_refused_statements_in_both_languages(sql, id_text, en_text):
    at = run_sql(sql_page("id"), sql)
    assert "Tidak dijalankan" in errors(at) and id_text in errors(at)
    assert not result_tables(at)
    at = run_sql(sql_page("en"), sql)
    assert "Not run" in errors(at) and en_text in errors(at)
    assert "Traceback" not in errors(at)


def test_syntax_error_shows_line_and_column(at_id):
    run_sql(at_id, "SELECT name\nFROM region\nWHERE code = = 1")
    assert "Baris 3" in errors(at_id) or "Line 3" in errors(at_id), errors(at_id)
    assert any("^" in c.value and "WHERE code" in c.value for c in at_id.code)


def test_query_text_is_never_rendered_as_markdown(at_id):
    run_sql(at_id, 'SELECT "[evil](http://x.test) **bold**" FROM region')
    text = errors(at_id)
    assert "\\[evil\\]" in text and "\\*\\*bold" in text, text


def test_example_loads_into_the_editor(at_id):
    ex = examples()[1]
    at_id.selectbox(key="sql_example").set_value(ex.id)
    at_id.button(key="sql_load").click().run()
    assert at_id.text_area(key="sql_query").value == ex.sql
    at_id.button(key="sql_run").click().run()
    assert not at_id.error and len(result_frame(at_id)) > 0


def test_schema_lists_the_tables(at_id):
    schema = schema_tables(at_id)[0].value
    names = set(schema.iloc[:, 0])
    assert {"region", "observation", "indicator", "dataset", "derived_density"} <= names
    at_id.selectbox(key="sql_schema_pick").set_value("region").run()
    columns = schema_tables(at_id)[1].value
    assert {"code", "name", "area_km2"} <= set(columns.iloc[:, 0])


SEPEDA = pd.DataFrame({"region_code": ["3171"], "indicator": ["Jalur sepeda"], "year": [2024], "value": [12.5],
                       "preliminary": [False], "period": ["2024"]})  # the shape of userdata records


@pytest.mark.parametrize("key, uploads", [
    (unggah.SESSION_KEY, {"sesi-1a2b": {"meta": {"title": "Jalur sepeda", "indicator": "Jalur sepeda",
                                                   "unit": "km", "filename": "sepeda.csv", "id": "sesi-1a2b"},
                                          "records": SEPEDA}}),
    ("uploads", {"sepeda.csv": SEPEDA}),
])
def test_session_uploads_are_queryable(key, uploads):
    """The upload page's session entries (jabodash.features.unggah.SESSION_KEY) become upload_* tables."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state[key] = uploads
    at.switch_page("pages/sql.py").run()
    schema = schema_tables(at)[0].value
    assert "upload_sepeda" in set(schema.iloc[:, 0])
    run_sql(at, "SELECT value FROM upload_sepeda WHERE region_code = '3171'")
    assert result_frame(at)["value"].iloc[0] == 12.5


def test_dataset_saved_later_appears_on_the_next_run(tmp_path, monkeypatch):
    """The sandbox reads saved datasets when it starts: a new save starts a new sandbox."""
    monkeypatch.setenv("JABODASH_WORKSPACE", str(tmp_path / "ws"))
    at = sql_page("id")
    box = at.session_state["_sql_sandbox"]
    data = "kabupaten_kota;tahun;jumlah\nKota Depok;2023;10\nKota Bekasi;2023;12\n"
    ds_id = shelf.save_dataset(read_upload(data.encode(), "taman.csv"), data.encode(), "taman.csv",
                                   {"title": "Taman kota 2023"})
    at.run()
    name = "saved_" + ds_id.replace("-", "_")
    assert name in set(schema_tables(at)[0].value.iloc[:, 0])
    run_sql(at, f"SELECT sum(value) AS s FROM {name}")
    assert result_frame(at)["s"].iloc[0] == 22
    assert at.session_state["_sql_sandbox"] is not box
