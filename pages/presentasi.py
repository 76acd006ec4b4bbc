"""Presentasi: a story step by step on a projector, its exports and the story editor.

URL: ``story`` (the name of a file in data/stories/, never a path), ``step`` (1-based),
``presenter=1`` (presenter layout: no sidebar or Streamlit chrome, one large figure). The story
being shown lives in the session (it may have been edited or uploaded); the URL names it.
"""
import streamlit as st

from jabodash import ui
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.presenter import exports, stories, views

STORY_KEY = "_jabodash_story"          # {"story": Story, "origin": "shipped"|"uploaded", "modified": bool}
UPLOAD_SEEN = "_jabodash_story_upload"  # file_id of the last processed upload
DEFAULT_STORY = "jabodetabek_dalam_angka"
SIZES = ((1920, 1080), (1280, 720), (3840, 2160), (1080, 1080))

last_view = st.session_state.get(ui.VIEW_KEY)   # the view of the page visited before this one
state = ui.page_setup("presentasi")
lang = state.lang


def known_indicators() -> set[str]:   # built-in, saved uploads and this session's uploads
    return set(ui.indicator_table()["id"])


def years_of(indicator: str) -> list[int]:
    return [int(y) for y in ui.indicator_years(indicator, "agglomeration")["year"]]


def load_shipped(name: str) -> dict:
    story = stories.load_story(name, indicators=known_indicators(), years_of=years_of)
    return {"story": story, "origin": "shipped", "modified": False}


def set_step(number: int) -> None:
    st.query_params["step"] = str(number)


def set_presenter(on: bool) -> None:
    if on:
        st.query_params["presenter"] = "1"
    elif "presenter" in st.query_params:
        del st.query_params["presenter"]


def update_story(story, step: int | None = None) -> None:
    current = st.session_state[STORY_KEY]
    st.session_state[STORY_KEY] = {**current, "story": story, "modified": True}
    if step is not None:
        set_step(step)


# --- which story, which step ------------------------------------------------------------------
shipped = stories.list_stories()
current = st.session_state.get(STORY_KEY)
wanted = state.story
if wanted and (current is None or current["story"].name != wanted):
    if wanted in shipped:
        try:
            current = load_shipped(wanted)
        except stories.StoryError as exc:
            st.error(t("presenter.shipped_broken", lang, name=wanted, error=md_escape(exc.message(lang), 300)))
    else:
        st.toast(t("presenter.story_not_found", lang, name=md_escape(wanted, 64)))
if current is None and shipped:
    name = DEFAULT_STORY if DEFAULT_STORY in shipped else shipped[0]
    try:
        current = load_shipped(name)
    except stories.StoryError as exc:
        st.error(t("presenter.shipped_broken", lang, name=name, error=md_escape(exc.message(lang), 300)))
if current is None:
    st.info(t("presenter.no_story", lang))
    st.stop()
st.session_state[STORY_KEY] = current
story = current["story"]
total = len(story.steps)
step_no = state.step or 1
if step_no > total:
    st.toast(t("presenter.step_out_of_range", lang, value=step_no, n=total))
    step_no = total
state = state.with_(story=story.name, step=step_no)
step = story.steps[step_no - 1]

if "w_high_contrast" not in st.session_state:
    st.session_state["w_high_contrast"] = state.palette == "high_contrast"
high_contrast = bool(st.session_state["w_high_contrast"])
if high_contrast:
    state = state.with_(palette="high_contrast")
elif state.palette == "high_contrast":
    state = state.with_(palette="default")
step_view = stories.step_state(step, lang)
if high_contrast:
    step_view = step_view.with_(palette="high_contrast")

# --- the step: heading, navigation, one large figure --------------------------------------------
if not state.presenter:
    st.title(t("presenter.title", lang))
    st.caption(t("presenter.subtitle", lang))
    st.markdown(f"**{t('presenter.story', lang)}:** {md_escape(story.title, 200)}")
head, counter, prev_col, next_col = st.columns([7, 1.6, 1.2, 1.2], vertical_alignment="center")
with head:
    st.subheader(md_escape(step.title_in(lang), 200), anchor=False)
    note = step.note_in(lang)
    if note:
        st.markdown(md_escape(note, 600))
with counter:
    st.markdown(f"**{t('presenter.step_counter', lang, n=step_no, total=total)}**")
with prev_col:
    st.button(t("presenter.prev", lang), key="w_prev", disabled=step_no <= 1, on_click=set_step, shortcut="Left",
              args=(step_no - 1,), width="stretch")
with next_col:
    st.button(t("presenter.next", lang), key="w_next", disabled=step_no >= total, on_click=set_step, shortcut="Right",
              args=(step_no + 1,), width="stretch", type="primary")

# presenter layout: projector styling (type >= 20 px) at the height of the screen; otherwise the
# dashboard's usual styling, so that the editor view stays compact
fig, data = views.figure_for(step_view, ui.data_source(), lang, presenter=state.presenter, kind=step.kind,
                             width=None, height=views.SCREEN_HEIGHT)
file_stem = f"jabodash_{story.name}_{step_no:02d}"
st.plotly_chart(fig, theme=None if state.presenter else "streamlit", key="presenter_figure",
                config=exports.plotly_config(file_stem))

if state.presenter:
    st.button(t("presenter.exit", lang), key="w_exit", on_click=set_presenter, args=(False,),
              help=t("presenter.exit_help", lang))
else:
    st.button(t("presenter.start", lang), key="w_start", on_click=set_presenter, args=(True,), type="primary")


# --- tools: contrast, exports, link, editor ------------------------------------------------------
def export_tools() -> None:
    st.subheader(t("export.heading", lang), anchor=False)
    st.toggle(t("presenter.high_contrast", lang), key="w_high_contrast", help=t("presenter.high_contrast_help", lang))
    if st.session_state.get("w_export_size") not in SIZES:
        st.session_state["w_export_size"] = SIZES[0]
    width, height = st.selectbox(t("export.size", lang), SIZES, key="w_export_size",
                                 format_func=lambda s: t("export.size_option", lang, w=s[0], h=s[1]))
    if exports.chromium_path() is None:
        st.warning(t("export.unavailable", lang))
        st.caption(t("export.toolbar_hint", lang))
    else:
        ui.image_downloads(lambda: views.figure_for(step_view, ui.data_source(), lang, presenter=True, kind=step.kind,
                                                    width=width, height=height)[0], file_stem, lang, "dl", width, height)
        st.caption(t("export.rendering", lang) + " " + t("export.toolbar_hint", lang))
    if not data.empty:
        ui.csv_download(data, f"{file_stem}.csv", lang, key="dl_csv")
    st.markdown(f"**{t('presenter.share', lang)}**")
    base = st.context.url or "http://localhost:8501/presentasi"
    st.code(views.share_url(base, state), language=None, wrap_lines=True)
    st.caption(t("presenter.share_help", lang))


def add_current_view(view_state) -> None:
    kind = st.session_state.get("w_new_kind", "ranking")
    title = st.session_state.get("w_new_title", "").strip()
    note = st.session_state.get("w_new_note", "")
    try:
        new_step = stories.Step(title=title, note=note, view=stories.view_of_state(view_state, kind))
        checked = stories.parse_story(stories.dump_story(stories.add_step(story, new_step)), name=story.name,
                                      indicators=known_indicators(), years_of=years_of)
    except stories.StoryError as exc:
        st.session_state["_jabodash_story_msg"] = ("error", exc.message(lang))
        return
    update_story(checked, step=len(checked.steps))
    st.session_state["_jabodash_story_msg"] = ("success", t("presenter.editor.added", lang, n=len(checked.steps)))
    st.session_state["w_new_title"] = ""
    st.session_state["w_new_note"] = ""


def rename(key: str) -> None:
    try:
        update_story(stories.with_title(story, st.session_state.get(key, "")))
    except stories.StoryError as exc:
        st.session_state["_jabodash_story_msg"] = ("error", exc.message(lang))


def move(index: int, offset: int) -> None:
    update_story(stories.move_step(story, index, offset), step=max(1, min(total, index + offset + 1)))


def remove(index: int) -> None:
    update_story(stories.remove_step(story, index), step=max(1, min(step_no, total - 1)))


def reload_shipped(key: str) -> None:
    name = st.session_state.get(key)
    if name in shipped:
        st.session_state.pop(STORY_KEY, None)
        st.query_params["story"] = name
        st.query_params["step"] = "1"


def editor() -> None:
    st.subheader(t("presenter.editor.title", lang), anchor=False)
    message = st.session_state.pop("_jabodash_story_msg", None)
    if message:
        (st.error if message[0] == "error" else st.success)(md_escape(message[1], 400))
    if current["modified"]:
        st.info(t("presenter.modified", lang))
    if current["origin"] == "uploaded":
        st.caption(t("presenter.uploaded_story", lang))
    st.session_state["w_story_title"] = story.title
    st.text_input(t("presenter.editor.story_title", lang), key="w_story_title", max_chars=stories.MAX_TITLE,
                  on_change=rename, args=("w_story_title",))

    st.markdown(f"**{t('presenter.editor.add_heading', lang)}**")
    view_state = last_view or state
    year_text = str(view_state.year) if view_state.year else t("presenter.editor.latest_year", lang)
    table = ui.indicator_table()
    names = dict(zip(table["id"], table["name_en" if lang == "en" else "name_id"]))
    st.caption(t("presenter.editor.current_view", lang,
                 indicator=md_escape(names.get(view_state.indicator, view_state.indicator), 120), year=year_text))
    st.radio(t("presenter.editor.kind", lang), stories.KINDS, key="w_new_kind", horizontal=True,
             format_func=lambda k: t(f"presenter.kind.{k}", lang))
    st.text_input(t("presenter.editor.step_title", lang), key="w_new_title", max_chars=stories.MAX_TITLE)
    st.text_area(t("presenter.editor.step_note", lang), key="w_new_note", max_chars=stories.MAX_NOTE, height=80)
    st.button(t("presenter.editor.add", lang), key="w_add_step", on_click=add_current_view, args=(view_state,))

    st.markdown(f"**{t('presenter.editor.steps', lang)}**")
    for index, item in enumerate(story.steps):
        label, up, down, rm = st.columns([6, 1, 1, 1], vertical_alignment="center")
        marker = "▶ " if index + 1 == step_no else ""
        label.markdown(f"{marker}{index + 1}\\. {md_escape(item.title_in(lang), 120)} "
                       f"· {t('presenter.kind.' + item.kind, lang)}")
        up.button(t("presenter.editor.up", lang), key=f"w_up_{index}", disabled=index == 0,
                  on_click=move, args=(index, -1), width="stretch")
        down.button(t("presenter.editor.down", lang), key=f"w_down_{index}", disabled=index == total - 1,
                    on_click=move, args=(index, 1), width="stretch")
        rm.button(t("presenter.editor.remove", lang), key=f"w_rm_{index}", disabled=total <= 1,
                  on_click=remove, args=(index,), width="stretch",
                  help=t("presenter.editor.remove_last", lang) if total <= 1 else None)

    st.download_button(t("presenter.editor.download", lang), stories.dump_story(story).encode("utf-8"),
                       file_name=f"{story.name}.toml", mime="application/toml", key="dl_story", on_click="ignore")
    upload = st.file_uploader(t("presenter.editor.upload", lang, kb=stories.MAX_BYTES // 1024), type=["toml"],
                              key="w_story_upload", max_upload_size=1)
    if upload is not None and st.session_state.get(UPLOAD_SEEN) != upload.file_id:
        st.session_state[UPLOAD_SEEN] = upload.file_id
        try:
            if upload.size > stories.MAX_BYTES:
                raise stories.StoryError("too_big", size=upload.size // 1024 + 1, limit=stories.MAX_BYTES // 1024)
            loaded = stories.parse_story(upload.getvalue(), name=stories.slug(upload.name.rsplit(".", 1)[0]),
                                         indicators=known_indicators(), years_of=years_of)
        except stories.StoryError as exc:
            st.error(t("presenter.editor.upload_failed", lang) + " " + md_escape(exc.message(lang), 400))
        else:
            st.session_state[STORY_KEY] = {"story": loaded, "origin": "uploaded", "modified": False}
            st.session_state["_jabodash_story_msg"] = (
                "success", t("presenter.editor.uploaded", lang, title=loaded.title, n=len(loaded.steps)))
            st.query_params["story"] = loaded.name
            st.query_params["step"] = "1"
            st.rerun()

    if shipped:
        pick, go = st.columns([3, 1], vertical_alignment="bottom")
        pick.selectbox(t("presenter.editor.pick", lang), shipped, key="w_pick_story")
        go.button(t("presenter.editor.reset", lang), key="w_reload_story", on_click=reload_shipped,
                  args=("w_pick_story",), width="stretch")


if state.presenter:
    with st.expander(t("presenter.tools", lang)):
        export_tools()
        editor()
else:
    st.divider()
    left, right = st.columns(2, gap="large")
    with left:
        export_tools()
    with right:
        editor()

ui.sync_url(state)
