"""One number format, stock phrases translated, defaults with good coverage (issue 27): unit tests."""
import math

import pandas as pd
import pytest

from jabodash.core import fmt
from jabodash.core.i18n import data_text, t
from jabodash.core.state import good_year
from jabodash.presenter import stories
from jabodash.sql.examples import examples


@pytest.mark.parametrize("value,decimals,lang,want", [
    (1234.5, 1, "id", "1.234,5"), (1234.5, 1, "en", "1,234.5"),
    (10.951, 2, "id", "10,95"), (10.951, 2, "en", "10.95"),
    (22220.036, 3, "id", "22.220,036"), (5427068, 0, "id", "5.427.068"),
    (-0.001, 2, "id", "0,00"), (-1234.5, 0, "en", "-1,234"),
])
def test_number_in_the_ui_language(value, decimals, lang, want):
    assert fmt.number(value, decimals, lang) == want


def test_number_agrees_with_babel_for_random_values():
    from babel.numbers import format_decimal
    for i in range(300):
        v = (i * 7919.123) * (-1) ** i
        for lang, locale in (("id", "id_ID"), ("en", "en_US")):
            assert fmt.number(v, 2, lang) == format_decimal(v, format="#,##0.00", locale=locale)


def test_missing_values_and_plotly_separators():
    assert fmt.number(None) == fmt.number(math.nan) == fmt.number(pd.NA) == "–"
    assert fmt.number(math.inf, missing="x") == "x"
    assert fmt.separators("id") == ",." and fmt.separators("en") == ".,"


def test_table_formats_numbers_and_keeps_text_and_years():
    df = pd.DataFrame({"name": ["A", "B"], "year": [2020, 2024], "area_km2": [10.951, 47565.0],
                       "people": [27749, None]})
    shown = fmt.table(df, "id", {"area_km2": 2})
    assert shown["name"].tolist() == ["A", "B"]
    assert shown["year"].tolist() == ["2020", "2024"]
    assert shown["area_km2"].tolist() == ["10,95", "47.565,00"]
    assert shown["people"].tolist() == ["27.749", "–"]
    assert fmt.table(df, "en")["area_km2"].tolist() == ["10.951", "47,565.000"]   # fewest exact decimals
    assert df["area_km2"].tolist() == [10.951, 47565.0]                            # the input is untouched


def test_stock_phrases_of_the_data_in_indonesian():
    licence = "not stated by the source; figures are facts quoted from the publication named in title"
    assert data_text(licence, "id") == ("tidak dinyatakan oleh sumber; angka adalah fakta yang dikutip dari "
                                        "publikasi yang disebut di judul")
    assert data_text(licence, "en") == licence
    assert data_text("BPS Kota Depok, Depok Dalam Angka 2024", "id") == "BPS Kota Depok, Depok Dalam Angka 2024"
    assert data_text(None, "id") is None
    assert "phrases" not in " ".join(k.split(".")[0] for k in ("common.no_data",)) and t("common.no_data", "id")


def test_the_default_year_is_the_latest_with_coverage_close_to_the_best():
    assert good_year({2020: 15, 2023: 14, 2024: 3}) == 2023   # not the newest with 3 of 15
    assert good_year({2010: 15, 2020: 15}) == 2020
    assert good_year({2020: 6, 2021: 2}) == 2020
    assert good_year({}) is None


def test_sql_examples_comment_in_the_ui_language():
    first = examples()[0]
    assert first.sql_for("id").startswith("-- Penduduk per km²")
    assert "People per km2" not in first.sql_for("id")
    assert first.sql_for("en").startswith("-- People per km2") and "-- id:" not in first.sql_for("en")


def test_story_title_in_english():
    story = stories.load_story("jabodetabek_dalam_angka")
    assert story.title_in("id") == "Jabodetabek dalam angka"
    assert story.title_in("en") == "Jabodetabek in figures"
    again = stories.parse_story(stories.dump_story(story), story.name) if hasattr(stories, "parse_story") else story
    assert again.title_en == "Jabodetabek in figures"


def test_decimals_for_a_huge_value_does_not_overflow():
    # a refused cell of 1e308 reaches the refresh report's table: its column still formats
    assert fmt.decimals_for([1e308, 2.5]) == 1
    assert fmt.table(pd.DataFrame({"v": [1e308, 2.5]}), "id")["v"].iloc[1] == "2,5"
