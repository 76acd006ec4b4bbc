"""Shared widgets of the pages: indicator and year pickers, KPI cards, definition box, source
lists, CSV, image and meeting-brief downloads. Figures come through jabodash.ui.source."""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from jabodash.brief import make as brief_make
from jabodash.core import catalog as catalog_mod
from jabodash.core import csvsafe, fmt, grades
from jabodash.core import state as state_mod
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.presenter import exports
from jabodash.ui import source


def _init(key: str, value) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _indicator_choices(level: str, lang: str, themes: tuple[str, ...] | None,
                       extra: tuple[tuple[str, str], ...]) -> tuple[list[str], dict[str, str]]:
    """(options, id -> label) of the indicator picker."""
    table = source.indicator_table(level)
    table = table[(table["max_regions"] > 0) & (table["kind"] != "flow")]
    if themes:
        table = table[table["theme"].isin(themes)]
    names = table["name_en" if lang == "en" else "name_id"]
    labels = dict(extra)
    labels.update((i, f"{t('theme.' + theme, lang)} · {name}")
                  for i, theme, name in zip(table["id"], table["theme"], names))
    return list(labels), labels


PICK_NEXT_KEY = "_jabodash_pick_next"   # {"id": an indicator, "done": the pages' pickers that opened on it}


def _page() -> str:
    """The page being run (a widget's key is shared by the pages, its last value is per page)."""
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx is not None else ""


def pick_next(indicator_id: str) -> None:
    """Every indicator picker (the map's, the overview's...) opens on indicator_id the next time it
    is drawn, once each (the upload page after "use"). A key set while its widget is on another page
    loses to the widget's own last value; a picker sets it in its own run, before drawing."""
    st.session_state[PICK_NEXT_KEY] = {"id": indicator_id, "done": []}


def indicator_picker(state: state_mod.ViewState, key: str = "w_indicator", themes: tuple[str, ...] | None = None,
                     label_key: str = "picker.indicator", level: str = "kabkota",
                     extra: dict[str, str] | None = None) -> str:
    """The uploaded indicators are listed too (theme "uploaded"); see indicator_table.
    ``extra`` ({id: label}) are listed first (e.g. the area from the boundaries at kecamatan).
    The options and labels are made once per data version and language."""
    lang = state.lang
    options, labels = source.per_data_version("indicator_choices", _indicator_choices, level, lang,
                                       tuple(themes) if themes else None, tuple((extra or {}).items()))
    default = state.indicator if state.indicator in labels else options[0]
    pending, here = st.session_state.get(PICK_NEXT_KEY), f"{_page()}:{key}"
    if pending and here not in pending["done"] and pending["id"] in labels:   # set in this run: it wins
        st.session_state[key] = pending["id"]
        pending["done"].append(here)
    if st.session_state.get(key) not in labels:
        st.session_state[key] = default
    return choice(st.selectbox, t(label_key, lang), options, key=key, format_func=labels.__getitem__,
                  help=whole_choice(labels[st.session_state[key]], lang))


def whole_choice(label: str, lang: str) -> str:
    """The help of a picker whose choices may be longer than its box: the whole current choice
    (shown on hover of the help icon beside the label; the box ends the choice in an ellipsis)."""
    st.html(PICKER_CSS)   # a constant: no user text reaches it
    return t("picker.chosen", lang, name=md_escape(label, 300))


# A choice longer than its box (an indicator's full name in a quarter-width column) ends in an
# ellipsis; the picker's help icon, beside its label, shows the whole name on hover.
PICKER_CSS = """<style>
[data-testid="stSelectbox"] input[role="combobox"] { text-overflow: ellipsis; }
</style>"""


def table(df: pd.DataFrame, lang: str, key: str, labels: dict[str, str] | None = None,
          decimals: dict | int | None = None, column_config: dict | None = None, **kwargs):
    """st.dataframe with every number written in the UI language (fmt.table: 1.234,5 / 1,234.5,
    right-aligned), never in the browser's locale (NumberColumn's "localized" follows the browser,
    so an English browser showed 10.951 km² in the Indonesian UI); ``labels`` name the columns
    (no raw headers like area_km2). Downloads take the unformatted frame, not this one."""
    shown = fmt.table(df, lang, decimals)
    config = {c: st.column_config.TextColumn((labels or {}).get(c, c), alignment="right")
              for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])}
    config.update({c: label for c, label in (labels or {}).items() if c not in config and c in df.columns})
    config.update(column_config or {})
    kwargs.setdefault("hide_index", True)
    return st.dataframe(shown, key=key, column_config=config, **kwargs)


def year_picker(state: state_mod.ViewState, indicator_id: str, key: str = "w_year",
                level: str = "kabkota") -> int | None:
    lang = state.lang
    src = source.data_source()
    years = src.years(indicator_id, state.region_set, level)
    if years.empty:
        if not source.official_only():   # with the switch on, the chart's place says what is missing
            st.info(t("common.no_years", lang))
        return None
    options = [int(y) for y in years["year"]]
    counts = dict(zip(options, years["regions_with_value"]))
    kec = source.kecamatan_regions() if level == "kecamatan" else None
    total = len(kec) if kec is not None else len(src.regions(state.region_set))
    coverage = "common.coverage_kecamatan" if level == "kecamatan" else "common.coverage"
    labels = {y: f"{y} ({t(coverage, lang, covered=counts[y], total=total)})" for y in options}
    if st.session_state.get(key) not in options:
        st.session_state[key] = state.year if state.year in options else state_mod.good_year(counts)
    relabel(key, labels)   # another indicator with the same years, or the other language
    return st.selectbox(t("picker.year", lang), options, key=key, format_func=labels.__getitem__)


def relabel(key: str, labels) -> bool:
    """Before a keyed selectbox, radio or multiselect is drawn: send its value again when its
    options' labels differ from the last run's (the other language, another indicator's coverage).
    The browser keeps the chosen option's label, not the option: unless the value is sent again
    it went on showing the old label ("Kisi petak" in the English UI) and sent that label back,
    which a later run could not match to an option and reset the choice to its default.
    ``labels``: the options' labels, anything comparable (a dict or a tuple). True when sent again."""
    seen = f"{key}__labels"
    again = key in st.session_state and st.session_state.get(seen, labels) != labels
    if again:
        st.session_state[key] = st.session_state[key]
    st.session_state[seen] = labels
    return again


def choice(widget: Callable, label: str, options, *, key: str, format_func: Callable = str, **kwargs):
    """A keyed choice whose option labels may change between runs (the language switch):
    ``widget`` is a selectbox, radio or multiselect of st or of a column (``left.radio``); its
    value is sent again when the labels change (relabel). A multiselect's ``default`` is left out
    then: the value set again is the widget's own."""
    options = list(options)
    if relabel(key, tuple(format_func(o) for o in options)):
        kwargs.pop("default", None)
    return widget(label, options, key=key, format_func=format_func, **kwargs)


# KPI values at Streamlit's 2.25rem are cut off ("67,24 – 86…") when five cards share a
# 1280-1440 px screen: the size follows the viewport (about 24 px at 1280, 27 px at 1440, the
# full 36 px from 1900), and a value still too wide wraps at its spaces instead of an ellipsis.
KPI_CSS = """<style>
[data-testid="stMetricValue"] { font-size: clamp(1.25rem, 1.9vw, 2.25rem); }
[data-testid="stMetricValue"] > div { white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""


def _css_text(text: str) -> str:
    """A locale string as a CSS string literal (no quote, backslash or angle bracket survives)."""
    return '"' + "".join(c for c in text if c not in '"\\<>') + '"'


def file_uploader(label: str, lang: str, **kwargs):
    """st.file_uploader with its own texts in the UI language. Streamlit writes "Upload" and
    "200MB per file • CSV" in English and has no parameter for them: in Indonesian our words are
    shown in their place (the button keeps "Upload" as its accessible name, drawn at size 0) (constant locale
    strings, never user text). The size limit is the widget's own (max_upload_size or the
    server's), named in the Indonesian line too."""
    if lang != "en":
        mb = kwargs.get("max_upload_size") or st.get_option("server.maxUploadSize")
        types = kwargs.get("type") or []
        kinds = ", ".join(x.upper() for x in ([types] if isinstance(types, str) else types))
        hint = t("common.uploader.limit", lang, mb=mb) + (f" · {kinds}" if kinds else "")
        # the button's own word stays in the accessibility tree (a hidden one left the button without a
        # name, an axe-core critical violation): drawn at size 0, our word drawn after it
        st.html("<style>"
                "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p{font-size:0;}"
                "[data-testid='stFileUploaderDropzoneInstructions'] span{visibility:hidden;font-size:0;}"
                "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p::after"
                f"{{content:{_css_text(t('common.uploader.button', lang))};font-size:1rem;}}"
                "[data-testid='stFileUploaderDropzoneInstructions'] span::after"
                f"{{content:{_css_text(hint)};visibility:visible;font-size:0.875rem;}}"
                "</style>")   # locale strings only
    return st.file_uploader(label, **kwargs)


def page_link(slug: str, label: str) -> None:
    """A link to another page of the app. st.page_link needs the page registry of a full run: inside
    a fragment's rerun (the map's region profile) it may not know the page, so a plain relative link
    to the page's URL is drawn instead (label: locale text, escaped all the same)."""
    try:
        st.page_link(f"pages/{slug}.py", label=label)
    except StreamlitPageNotFoundError:
        st.markdown(f"[{md_escape(label)}]({slug})")


def kpi_card(column, label: str, value: str, detail: str, help_text: str | None = None) -> None:
    with column:
        st.html(KPI_CSS)  # a constant: no user text reaches it
        st.metric(label, value, help=help_text)
        st.caption(md_escape(detail, 200))


def definition_box(ind: catalog_mod.Indicator, lang: str) -> None:
    with st.expander(t("common.definition", lang)):
        st.markdown(f"**{md_escape(ind.name(lang))}** ({md_escape(ind.unit(lang))})")
        st.write(md_escape(ind.definition(lang), 2000))
        formula = ind.formula(lang)
        if formula:
            st.caption(t("common.formula", lang) + ": " + md_escape(formula, 500))
        st.caption(t("common.direction", lang) + ": " + catalog_mod.direction_label(ind, lang))
        if ind.source_note:   # the data keeper's note, written in English (data/indicators.toml): said so
            st.caption(t("common.source_note_en", lang) + ": " + md_escape(ind.source_note, 1000))


def source_lines(frame: pd.DataFrame, lang: str) -> list[str] | None:
    """The lines of sources_footnote: each source behind a figure (plain text) with its grade;
    None for a frame without sources (no list drawn)."""
    if frame.empty or "dataset_id" not in frame:
        return None
    src = frame[frame["value"].notna()].drop_duplicates(["dataset_id", "grade"] if "grade" in frame else "dataset_id")
    lines = []
    for row in src.itertuples():
        text = t("chart.derived_long", lang) if row.dataset_id == "derived" else md_escape(row.source, 300)
        label = grades.label(getattr(row, "grade", None), lang)
        lines.append(f"{text} · {t('grade.column', lang)}: **{label}**" if label else text)
    return lines


def sources_footnote(frame: pd.DataFrame, lang: str) -> None:
    """List the sources behind a figure (titles and links as plain text), each with its provenance
    grade (jabodash.core.grades; a derived figure's is the weakest of its inputs)."""
    sources_list(source_lines(frame, lang), lang)


def sources_list(lines: list[str] | None, lang: str) -> None:
    """The sources list of source_lines (made earlier, e.g. once per data version)."""
    if lines is None:
        return
    with st.expander(t("common.sources", lang, n=len(lines))):
        for line in lines:
            st.caption(line)


def image_downloads(make_figure, file_stem: str, lang: str, key: str = "dl", width: int = 1920,
                    height: int = 1080) -> None:
    """PNG/SVG/PDF buttons: ``make_figure()`` is called and rendered by kaleido with the system
    Chromium only when a button is clicked (never on a rerun). Without Chromium, a note."""
    if exports.chromium_path() is None:
        st.caption(t("export.unavailable", lang) + " " + t("export.toolbar_hint", lang))
        return
    for column, kind in zip(st.columns(len(exports.FORMATS)), exports.FORMATS):
        column.download_button(t(f"export.{kind}", lang), key=f"{key}_{kind}", mime=exports.MIME[kind],
                               file_name=f"{file_stem}_{width}x{height}.{kind}", on_click="ignore", width="stretch",
                               data=lambda kind=kind: exports.to_image(make_figure(), kind, width, height))


def brief_download(place, label: str, make_bytes: Callable[[], bytes], stem: str, fmt: str, key: str,
                   lang: str) -> None:
    """A deck or PDF brief (jabodash.brief.make) made only when the button is clicked."""
    place.download_button(label, data=make_bytes, file_name=brief_make.file_name(stem, fmt),
                          mime=brief_make.MIME[fmt], key=key, on_click="ignore", width="stretch",
                          help=t("brief.download_help", lang))


def csv_download(frame: pd.DataFrame | Callable[[], pd.DataFrame], filename: str, lang: str, key: str) -> None:
    """The CSV is made only when the button is clicked (never on a rerun); ``frame`` may be a
    function making the table, so that a big one is not built on every rerun either."""
    def data() -> bytes:
        return csvsafe.to_safe_csv(frame() if callable(frame) else frame)
    st.download_button(t("common.download_csv", lang), data, file_name=filename, mime="text/csv", key=key,
                       on_click="ignore")


def has_figures(frame: pd.DataFrame | None, column: str = "value") -> bool:
    """Whether a chart's frame holds at least one figure (a chart of none would be drawn empty)."""
    return frame is not None and column in frame and bool(frame[column].notna().any())


def empty_state(what: str, lang: str, year=None) -> None:
    """In place of a chart that would hold no figure: what is missing and how to get it (the BPS
    refresh on the Data page; with the switch "official figures only" on, also switching it off)."""
    when = t("grade.empty_when", lang, year=year) if year is not None else ""
    key = "grade.empty" if source.official_only() else "grade.empty_any"
    st.info(t(key, lang, what=md_escape(what, 200), when=when))


def chart_or_empty(fig, frame: pd.DataFrame | None, what: str, lang: str, year=None, **plotly_args) -> bool:
    """Draw ``fig`` when ``frame`` holds a figure, else the empty state; True when drawn."""
    if not has_figures(frame):
        empty_state(what, lang, year)
        return False
    st.plotly_chart(fig, **plotly_args)
    return True
