"""Stories: the shipped story, broken files with clear messages, the TOML writer, editing."""
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st_

from jabodash.core import catalog
from jabodash.core.state import ViewState
from jabodash.presenter import stories, views
from jabodash.presenter.stories import Step, Story, StoryError

SHIPPED = "jabodetabek_dalam_angka"


@pytest.fixture(scope="module")
def known():
    return set(catalog.load_catalog())


@pytest.fixture(scope="module")
def years(store):
    return lambda indicator: views.years_of(store, indicator)


def parse(text, known=None, years=None):
    return stories.parse_story(text, name="test", indicators=known, years_of=years)


def error_of(text, known=None, years=None) -> StoryError:
    with pytest.raises(StoryError) as info:
        parse(text, known, years)
    return info.value


GOOD = '''title = "Uji"

[[step]]
title = "Satu"
indicator = "population_census"
year = 2020

[[step]]
title = "Dua"
note = "Catatan"
kind = "trend"
indicator = "poverty_rate"
'''


# --- the shipped story ------------------------------------------------------------------------

def test_shipped_story_is_listed_valid_and_every_step_renders(store, known, years):
    assert SHIPPED in stories.list_stories()
    story = stories.load_story(SHIPPED, indicators=known, years_of=years)
    assert story.title == "Jabodetabek dalam angka"
    assert 5 <= len(story.steps) <= 8
    kinds = {step.kind for step in story.steps}
    assert kinds == {"ranking", "trend", "map", "cooperation", "targets"}
    indicators = {step.view["indicator"] for step in story.steps if step.kind != "cooperation"}
    # population, density, IPM (BPS's current series, never the superseded var 413), poverty and the area
    assert {"population_census", "population_density_census", "ipm_lfsp2020", "poverty_rate", "area_km2_big"} <= indicators
    assert "ipm" not in indicators
    for step in story.steps:
        assert step.title and step.note and step.title_en and step.note_en
        fig, data = views.figure_for(stories.step_state(step, "id"), store, "id", kind=step.kind)
        assert len(fig.data) > 0 and not data.empty, step.title


def test_every_shipped_story_file_is_valid(known, years):
    assert stories.list_stories()
    for name in stories.list_stories():
        story = stories.load_story(name, indicators=known, years_of=years)
        assert story.name == name


# --- broken files: a clear message naming the step and the key -------------------------------------

def test_good_file_parses():
    story = parse(GOOD)
    assert [s.title for s in story.steps] == ["Satu", "Dua"]
    assert story.steps[1].kind == "trend" and story.steps[0].kind == "ranking"
    assert story.steps[0].view == {"indicator": "population_census", "year": 2020}


def test_syntax_error_names_the_line():
    exc = error_of('title = "x"\n\n[[step]]\ntitle = "a\nindicator = "ipm"\n')
    assert exc.key == "syntax"
    assert exc.params["line"] == "4"
    assert "baris 4" in exc.message("id") and "line 4" in exc.message("en")


def test_missing_title_names_the_step():
    exc = error_of(GOOD.replace('title = "Dua"\n', ""))
    assert (exc.key, exc.params["field"], exc.params["step"]) == ("missing_key", "title", 2)
    assert exc.message("id").startswith("Langkah 2:") and "'title'" in exc.message("id")
    assert exc.message("en").startswith("Step 2:")


def test_blank_title_is_missing():
    exc = error_of(GOOD.replace('title = "Satu"', 'title = "   "'))
    assert exc.key == "missing_key" and exc.params["step"] == 1


def test_missing_story_title():
    exc = error_of(GOOD.replace('title = "Uji"\n', ""))
    assert exc.key == "missing_key" and "step" not in exc.params
    assert exc.message("en") == "The key 'title' is required."


def test_unknown_indicator(known):
    exc = error_of(GOOD.replace('"poverty_rate"', '"kemiskinan_palsu"'), known)
    assert exc.key == "unknown_indicator" and exc.params["step"] == 2
    assert "kemiskinan_palsu" in exc.message("id")


def test_missing_indicator():
    exc = error_of(GOOD.replace('indicator = "population_census"\n', ""))
    assert exc.key == "missing_key" and exc.params == {"field": "indicator", "step": 1}


@pytest.mark.parametrize("year", ['"2020"', "1800", "20.5", "true"])
def test_bad_year(year):
    exc = error_of(GOOD.replace("year = 2020", f"year = {year}"))
    assert exc.key == "bad_year" and exc.params["step"] == 1


def test_year_without_data_lists_the_years(known, years):
    exc = error_of(GOOD.replace("year = 2020", "year = 2015"), known, years)
    assert exc.key == "year_without_data"
    assert "2010, 2020" in exc.message("en")


def test_unknown_key_catches_typos():
    exc = error_of(GOOD.replace("year = 2020", "yaer = 2020"))
    assert (exc.key, exc.params["field"], exc.params["step"]) == ("unknown_key", "yaer", 1)


def test_unknown_story_key():
    assert error_of("titel = 'x'\n" + GOOD).key == "unknown_story_key"


@pytest.mark.parametrize("key,value", [("kind", '"pie"'), ("region_set", '"jakarta"'), ("map_type", '"osm"'),
                                       ("classification", '"jenks"'), ("palette", '"rainbow"')])
def test_bad_choices_list_the_allowed_values(key, value):
    exc = error_of(GOOD.replace("year = 2020", f"year = 2020\n{key} = {value}"))
    assert exc.key == "bad_choice" and exc.params["field"] == key
    assert "," in exc.params["allowed"]


def test_bad_classes_and_regions():
    assert error_of(GOOD.replace("year = 2020", "year = 2020\nclasses = 12")).key == "bad_classes"
    assert error_of(GOOD.replace("year = 2020", 'year = 2020\nregions = ["abc"]')).key == "bad_regions"
    story = parse(GOOD.replace("year = 2020", 'year = 2020\nregions = "3201, 3203"'))
    assert story.steps[0].view["regions"] == ["3201", "3203"]


def test_no_steps_and_steps_not_tables():
    assert error_of('title = "x"\n').key == "no_steps"
    assert error_of('title = "x"\nstep = "a"\n').key == "steps_not_tables"


def test_too_many_steps():
    text = 'title = "x"\n' + '[[step]]\ntitle = "s"\nindicator = "ipm"\n' * (stories.MAX_STEPS + 1)
    exc = error_of(text)
    assert exc.key == "too_many_steps" and exc.params["n"] == stories.MAX_STEPS + 1


def test_file_too_big_is_refused_before_parsing():
    exc = error_of(GOOD + "#" * stories.MAX_BYTES)
    assert exc.key == "too_big"
    assert "64 KB" in exc.message("en")


@pytest.mark.parametrize("text", [
    "x = " + "[" * 30_000 + "]" * 30_000,                       # arrays nested 30,000 deep (60 KB)
    "x = " + "{a = " * 10_000 + "1" + "}" * 10_000,            # inline tables nested 10,000 deep
])
def test_deeply_nested_file_is_not_a_story(text):
    """The TOML parser recurses once per level: a file nested deeper than Python's stack is
    refused with a clear message (not a RecursionError), in both languages."""
    assert len(text.encode()) <= stories.MAX_BYTES
    exc = error_of(text)
    assert exc.key == "too_deep"
    assert "not a story" in exc.message("en") and "bukan cerita" in exc.message("id")
    assert error_of(GOOD + "\n" + text).key == "too_deep"       # also after a good part


def test_not_utf8():
    assert error_of(GOOD.encode("utf-16")).key == "not_utf8"


def test_too_long_note():
    exc = error_of(GOOD.replace('note = "Catatan"', f'note = "{"x" * (stories.MAX_NOTE + 1)}"'))
    assert exc.key == "too_long" and exc.params["field"] == "note" and exc.params["step"] == 2


def test_control_characters_are_dropped_from_text():
    story = parse(GOOD.replace('note = "Catatan"', 'note = "a\\u0007b\\u001bc"'))
    assert story.steps[1].note == "abc"


# --- names are never paths --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../data/indicators", "/etc/passwd", "jabodetabek_dalam_angka/../x",
                                  "JABODETABEK_DALAM_ANGKA", "", "a" * 80, "x.toml", "nama cerita"])
def test_load_story_refuses_anything_but_a_listed_name(name):
    with pytest.raises(StoryError) as info:
        stories.load_story(name)
    assert info.value.key == "not_found"


def test_slug():
    assert stories.slug("Kemiskinan 2020–2024") == "kemiskinan_2020_2024"
    assert stories.slug("Ñandú café!") == "nandu_cafe"
    assert stories.slug("../../etc/passwd") == "etc_passwd"
    assert stories.slug("日本") == "cerita"
    assert stories.valid_name(stories.slug("x" * 200))


# --- TOML writer ------------------------------------------------------------------------------------

@given(st_.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_toml_string_round_trips_any_text(text):
    assert tomllib.loads(f"x = {stories.toml_string(text)}")["x"] == text


def test_dump_and_parse_round_trip(known, years):
    story = stories.load_story(SHIPPED, indicators=known, years_of=years)
    tricky = Step(title='Judul "kutip" \\ garis miring', note="baris\nbaru\ttab [tautan](http://x) <b>",
                  view={"kind": "map", "indicator": "ipm", "year": 2024, "regions": ["3203", "3201"],
                        "palette": "high_contrast", "classes": 4, "map_type": "geo"})
    story = stories.add_step(story, tricky)
    text = stories.dump_story(story)
    again = stories.parse_story(text, name=story.name, indicators=known, years_of=years)
    assert again == story


# --- editing: pure functions --------------------------------------------------------------------------

def small_story(n=3) -> Story:
    return Story(title="x", steps=tuple(Step(title=f"s{i}", view={"indicator": "ipm"}) for i in range(n)))


def test_add_move_remove_are_pure():
    story = small_story()
    added = stories.add_step(story, Step(title="new", view={"indicator": "ipm"}))
    assert [s.title for s in added.steps] == ["s0", "s1", "s2", "new"]
    assert [s.title for s in story.steps] == ["s0", "s1", "s2"]
    first = stories.add_step(story, Step(title="new", view={"indicator": "ipm"}), position=0)
    assert first.steps[0].title == "new"
    moved = stories.move_step(story, 2, -1)
    assert [s.title for s in moved.steps] == ["s0", "s2", "s1"]
    assert [s.title for s in stories.move_step(story, 0, -5).steps] == ["s0", "s1", "s2"]
    assert [s.title for s in stories.move_step(story, 0, 9).steps] == ["s1", "s2", "s0"]
    assert stories.move_step(story, 7, 1) is story
    removed = stories.remove_step(story, 1)
    assert [s.title for s in removed.steps] == ["s0", "s2"]
    one = small_story(1)
    assert stories.remove_step(one, 0) is one      # a story keeps at least one step


def test_add_refuses_too_many_steps():
    story = small_story(stories.MAX_STEPS)
    with pytest.raises(StoryError):
        stories.add_step(story, Step(title="x", view={"indicator": "ipm"}))


def test_view_of_state_and_step_state_round_trip():
    view_state = ViewState(lang="en", region_set="jabodetabek", indicator="poverty_rate", year=2023,
                           map_type="geo", palette="high_contrast", classes=4, regions=("3203",))
    view = stories.view_of_state(view_state, "map")
    assert view == {"kind": "map", "indicator": "poverty_rate", "year": 2023, "region_set": "jabodetabek",
                    "map_type": "geo", "classes": 4, "palette": "high_contrast", "regions": ["3203"]}
    back = stories.step_state(Step(title="t", view=view), "en")
    assert back == view_state.with_(presenter=False, step=None, story=None)
    with pytest.raises(ValueError):
        stories.view_of_state(view_state, "pie")


# --- the page's logic (jabodash.features.presentasi) -------------------------------------------

@pytest.fixture
def check(known, years):
    from jabodash.features import presentasi
    return presentasi.Check(indicators=lambda: known, years_of=years)


def test_open_story_shows_the_default_story_and_clamps_the_step(check):
    from jabodash.features import presentasi
    session = {}
    shipped = stories.list_stories()
    shown, notices = presentasi.open_story(session, ViewState(step=99, lang="en"), shipped, check)
    total = len(stories.load_story(SHIPPED).steps)
    assert shown.story.name == SHIPPED and shown.step_no == total == shown.total
    assert [kind for kind, _ in notices] == ["toast"] and str(total) in notices[0][1]
    assert shown.state.story == SHIPPED and shown.state.step == total
    assert shown.file_stem == f"jabodash_{SHIPPED}_{total:02d}"
    assert session[presentasi.STORY_KEY]["origin"] == "shipped"


def test_open_story_says_an_unknown_story_and_keeps_the_session_one(check):
    from jabodash.features import presentasi
    session = {}
    shipped = stories.list_stories()
    presentasi.open_story(session, ViewState(), shipped, check)
    shown, notices = presentasi.open_story(session, ViewState(story="tidak_ada", step=2), shipped, check)
    assert shown.story.name == SHIPPED and shown.step_no == 2
    assert notices == [("toast", "Cerita 'tidak\\_ada' tidak ditemukan; cerita bawaan ditampilkan.")]   # escaped


def test_high_contrast_toggle_sets_the_palette_of_page_and_figure(check):
    from jabodash.features import presentasi
    session = {presentasi.CONTRAST_KEY: True}
    shown, _ = presentasi.open_story(session, ViewState(), stories.list_stories(), check)
    assert shown.state.palette == "high_contrast" and shown.step_view.palette == "high_contrast"
    session[presentasi.CONTRAST_KEY] = False
    shown, _ = presentasi.open_story(session, ViewState(palette="high_contrast"), stories.list_stories(), check)
    assert shown.state.palette == "default"


def test_editor_moves_steps_and_writes_the_step_to_the_url(check):
    from jabodash.features import presentasi
    session, params = {}, {}
    shipped = stories.list_stories()
    shown, _ = presentasi.open_story(session, ViewState(step=1), shipped, check)
    titles = [s.title for s in shown.story.steps]
    editor = presentasi.Editor(session, params, shown, shipped, check, "id")
    editor.move(0, 1)
    moved = session[presentasi.STORY_KEY]
    assert [s.title for s in moved["story"].steps] == [titles[1], titles[0], *titles[2:]]
    assert moved["modified"] and params["step"] == "2"
    editor.set_presenter(True)
    assert params["presenter"] == "1"
    editor.set_presenter(False)
    assert "presenter" not in params


def test_editor_adds_the_current_view_as_the_last_step(check):
    from jabodash.features import presentasi
    session, params = {"w_new_kind": "trend", "w_new_title": "Kemiskinan", "w_new_note": ""}, {}
    shipped = stories.list_stories()
    shown, _ = presentasi.open_story(session, ViewState(), shipped, check)
    editor = presentasi.Editor(session, params, shown, shipped, check, "en")
    editor.add_current_view(ViewState(indicator="poverty_rate", region_set="jabodetabek"))
    story = session[presentasi.STORY_KEY]["story"]
    assert len(story.steps) == shown.total + 1 and params["step"] == str(shown.total + 1)
    last = story.steps[-1]
    assert (last.title, last.kind, last.view["indicator"]) == ("Kemiskinan", "trend", "poverty_rate")
    kind, text = editor.pop_message()
    assert kind == "success" and str(shown.total + 1) in text
    assert session["w_new_title"] == ""


def test_step_label_marks_the_step_shown():
    from jabodash.features import presentasi
    step = Step(title="Satu *tebal*", note="", view={"indicator": "ipm"})
    assert presentasi.step_label(1, step, 2, "en").startswith("▶ 2\\. Satu \\*tebal\\*")
    assert not presentasi.step_label(0, step, 2, "en").startswith("▶")
