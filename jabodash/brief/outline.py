"""What a brief says, before it is a deck or a PDF: a :class:`Brief` of :class:`Slide` s built
from a story, a region profile or one view, with their figures, findings, sources and notes.

Every figure comes from a :class:`~jabodash.store.datasource.DataSource` (built-in data plus the
saved datasets; in the app the session's too), through the same queries as the pages: a slide's
chart data are exactly the figures the page shows for that view. Bad input raises
:class:`BriefError` with a message in the UI language.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date as date_cls

import pandas as pd

from jabodash import charts
from jabodash.brief import findings as rules
from jabodash.brief import targets as targets_mod
from jabodash.core import grades
from jabodash.core import state as state_mod
from jabodash.core.catalog import Indicator
from jabodash.core.i18n import t
from jabodash.presenter import stories, views
from jabodash.store import fingerprint

_DATASET_ID = re.compile(r"\b(src_[0-9a-f]{6,16}|upload\.[\w.-]+)")
MONTHS = {"id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
                 "Oktober", "November", "Desember"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December")}


class BriefError(ValueError):
    """Input a brief cannot be made from; ``key`` under ``brief.error`` (or a StoryError's)."""

    def __init__(self, key: str, /, **params):
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "id") -> str:
        return t(f"brief.error.{self.key}", lang, **self.params)


@dataclass(frozen=True)
class Source:
    dataset_id: str
    name: str
    grade: str | None
    licence: str
    url: str

    def line(self, lang: str) -> str:
        return charts.graded(self.name, self.grade, lang)


@dataclass
class SourceRow:
    name: str
    grade: str | None
    licence: str
    urls: list[str]
    dataset_ids: list[str] = field(default_factory=list)


@dataclass
class ChartData:
    """A native chart: ``kind`` "bar" (categories = regions, one series) or "line" (categories =
    years, one series per region). Values are the store's figures (None where missing)."""
    kind: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    highlight: tuple[int, ...] = ()    # bar: indexes of highlighted categories; line: of series
    number_format: str = "#,##0"
    title: str = ""
    axis_format: str = "#,##0"          # the value axis: whole numbers where values reach 10
    unit: str = ""


@dataclass
class Slide:
    title: str
    kind: str                          # ranking | trend | map | cooperation
    state: state_mod.ViewState
    indicator: Indicator
    year: int
    frame: pd.DataFrame                # the year's figures of every region of the set
    findings: list[rules.Finding]
    sources: list[Source]
    footer: str
    notes: str
    chart: ChartData | None = None
    alt: str = ""
    note: str = ""
    series: pd.DataFrame | None = None
    image: bytes | None = None         # the map's PNG, filled by render
    figure_json: str | None = None     # the PDF's vector chart (plotly JSON), filled by render


@dataclass
class Brief:
    title: str
    subtitle: str
    lang: str
    region_set: str
    date: str
    data_version: str
    slides: list[Slide] = field(default_factory=list)
    description: str = ""
    name: str = "bahan_rapat"

    @property
    def sources(self) -> list[Source]:
        seen: dict[str, Source] = {}
        for slide in self.slides:
            for source in slide.sources:
                seen.setdefault(source.dataset_id, source)
        return sorted(seen.values(), key=lambda s: (-grades.rank(s.grade), s.name.lower()))

    def source_rows(self) -> list[SourceRow]:
        """The sources grouped by name, grade and licence (one row, every address of its datasets)."""
        rows: dict[tuple, SourceRow] = {}
        for s in self.sources:
            row = rows.setdefault((s.name, s.grade, s.licence), SourceRow(s.name, s.grade, s.licence, []))
            if s.url and s.url not in row.urls:
                row.urls.append(s.url)
            row.dataset_ids.append(s.dataset_id)
        return list(rows.values())


def memoized(src):
    """``src`` with each named query run once for the whole brief (a slide, its findings, its
    previous year and its rendered figure ask for the same figures): a copy of the DataSource whose
    query function keeps its results; callers get a copy of each frame."""
    if getattr(src, "_brief_memo", False):
        return src
    clone = copy.copy(src)
    run, kept = src.run, {}

    def remembered(name: str, **params):
        key = (name, tuple(sorted(params.items())))
        if key not in kept:
            kept[key] = run(name, **params)
        return kept[key].copy()

    clone.run, clone._brief_memo = remembered, True
    return clone


def long_date(day: date_cls, lang: str) -> str:
    return f"{day.day} {MONTHS['en' if lang == 'en' else 'id'][day.month - 1]} {day.year}"


def data_version(src) -> str:
    """The built-in data's fingerprint, plus the saved datasets' signature when there are any."""
    extra = getattr(getattr(src, "uploads", None), "signature", None)
    base = fingerprint()[:10]
    return f"{base}+{str(extra)[:8]}" if extra not in (None, "none", "") else base


LOCALE_CODES = {"id": "[$-421]", "en": "[$-809]"}   # Excel locale tags: Indonesian, English (UK)


def number_format(decimals: int, lang: str = "id") -> str:
    """An Excel number format with the language's locale tag: an application that formats by the
    tag (LibreOffice) shows 1.234,5 in Indonesian; PowerPoint uses the computer's separators."""
    return LOCALE_CODES.get(lang, "") + "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


# ---------------------------------------------------------------------------------------------
# sources


def _datasets(src) -> pd.DataFrame:
    return src.query("datasets").drop_duplicates("id").set_index("id")


def sources_of(frames: list[pd.DataFrame], datasets: pd.DataFrame, lang: str) -> list[Source]:
    """Every dataset behind the figures, the inputs of derived figures (named in their note) too."""
    ids: list[str] = []
    for frame in frames:
        for row in frame.dropna(subset=["value"]).itertuples():
            found = [row.dataset_id] if row.dataset_id != "derived" else _DATASET_ID.findall(str(row.note))
            ids += [i for i in found if isinstance(i, str) and i not in ids]
    out = []
    for dataset_id in ids:
        if dataset_id not in datasets.index:
            continue
        d = datasets.loc[dataset_id]
        site = d["origin"] if isinstance(d["origin"], str) and d["origin"].strip() else d["title"]
        cited = charts.cited_source(d["title"])
        name = charts.short_source(site)
        name = t("chart.via", lang, cited=cited, sites=name) if cited else name
        out.append(Source(dataset_id, charts.plain(name), d["grade"] if isinstance(d["grade"], str) else None,
                          str(d["license"] or ""), str(d["source_url"] or "")))
    return out


_WORD = re.compile(r"[a-z][a-z0-9_]+")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def derived_inputs(src, frames: list[pd.DataFrame], region_set: str) -> pd.DataFrame:
    """The figures a derived figure was computed from, read from each derived row's note (the
    indicators and years it names; "official BIG area" is the area indicator): their datasets
    are the sources behind a derived chart."""
    known = set(src.catalog())
    wanted: dict[str, tuple[set[int], set[str]]] = {}
    for frame in frames:
        rows = frame[(frame["dataset_id"] == "derived") & frame["value"].notna()]
        for row in rows.itertuples():
            note = str(row.note)
            ids = [w for w in _WORD.findall(note) if w in known] + (["area_km2_big"] if "BIG area" in note else [])
            years = {int(y) for y in _YEAR.findall(note)}
            for indicator in ids:
                entry = wanted.setdefault(indicator, (set(), set()))
                entry[0].update(years)
                entry[1].add(row.region_code)
    parts = []
    for indicator, (years, codes) in wanted.items():
        series = src.series(indicator, region_set)
        series = series[series["region_code"].isin(codes)]
        chosen = series[series["year"].isin(years)]
        parts.append(chosen if len(chosen) else series[series["year"] == series["year"].max()])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def footer_line(frames: list[pd.DataFrame], inputs: pd.DataFrame, lang: str) -> str:
    """The chart's source line (charts.sources_line); a derived chart names its inputs' sources."""
    line = charts.sources_line(frames[0], lang, limit=3)
    if len(inputs):
        line = f"{line} {t('brief.derived_from', lang, names=charts.sources_line(inputs, lang, limit=3))}"
    return line


# ---------------------------------------------------------------------------------------------
# one view -> one slide


def _years(src, ind: Indicator, region_set: str) -> list[int]:
    return sorted(views.years_of(src, ind.id, region_set))


MIN_SHARE = 2 / 3        # a year whose figures most regions of the set have
NATIVE_KINDS = ("ranking", "trend")   # drawn as native PowerPoint charts; every other kind is an image


def comparable_year(src, indicator: str, region_set: str, own: set[int] | None = None) -> int | None:
    """The latest year (among ``own`` when given) in which at least two thirds of the set have a
    figure: a trend's findings speak of it, not of a newer year that few regions have yet. Without
    such a year: the latest (of ``own``), or None when there is none."""
    years = src.years(indicator, region_set)
    total = len(src.regions(region_set))
    rows = [(int(r.year), r.regions_with_value) for r in years.itertuples() if own is None or int(r.year) in own]
    good = [y for y, n in rows if n >= MIN_SHARE * total]
    return max(good) if good else (max(y for y, _ in rows) if rows and own is None else None)


def _previous(src, ind, year, years, region_set):
    earlier = [y for y in years if y < year]
    if not earlier:
        return None, None, None
    prev_year = max(earlier)
    return prev_year, src.values(ind.id, prev_year, region_set), src.metro(ind, prev_year, region_set)


def bar_data(frame: pd.DataFrame, ind: Indicator, year: int, lang: str, highlight=()) -> ChartData:
    """Categories in the page's order (highest first, regions without a figure last, named so)."""
    suffix = t("brief.no_data_suffix", lang)
    cats = [str(r.short_name) if pd.notna(r.value) else f"{r.short_name} {suffix}" for r in frame.itertuples()]
    values = [float(v) if pd.notna(v) else None for v in frame["value"]]
    marked = tuple(i for i, code in enumerate(frame["region_code"]) if code in highlight)
    return ChartData("bar", cats, [(ind.short(lang), values)], marked,
                     number_format=number_format(ind.decimals, lang), title=f"{ind.name(lang)} · {year}",
                     unit=ind.unit(lang))


def line_data(series: pd.DataFrame, ind: Indicator, lang: str, highlight=()) -> ChartData:
    years = sorted(int(y) for y in series["year"].unique())
    table = series.pivot_table(index="region_code", columns="year", values="value", aggfunc="first")
    names = series.drop_duplicates("region_code").set_index("region_code")["short_name"]
    out, marked = [], []
    for i, code in enumerate(sorted(table.index)):
        row = table.loc[code]
        out.append((str(names[code]), [float(row[y]) if y in row and pd.notna(row[y]) else None for y in years]))
        if code in highlight:
            marked.append(i)
    return ChartData("line", [str(y) for y in years], out, tuple(marked),
                     number_format=number_format(ind.decimals, lang),
                     title=f"{ind.name(lang)} · {years[0]}–{years[-1]}" if years else ind.name(lang),
                     unit=ind.unit(lang), axis_format=number_format(0, lang))


def _coverage(frame: pd.DataFrame, year: int, years: list[int], kind: str, lang: str) -> str:
    covered = t("common.coverage", lang, covered=int(frame["value"].notna().sum()), total=len(frame))
    if kind == "trend" and len(years) > 1:
        return t("brief.coverage_years", lang, coverage=covered, year=year, first=years[0], last=years[-1])
    return t("brief.coverage_year", lang, coverage=covered, year=year)


def speaker_notes(ind: Indicator, coverage: str, note: str, sources: list[Source], lang: str) -> str:
    lines = [f"{t('brief.notes_definition', lang)}: {ind.definition(lang)}"]
    if ind.formula(lang):
        lines.append(f"{t('brief.notes_formula', lang)}: {ind.formula(lang)}")
    lines.append(f"{t('brief.notes_coverage', lang)}: {coverage}")
    if note:
        lines.append(f"{t('brief.notes_story', lang)}: {note}")
    lines.append(f"{t('brief.notes_sources', lang)}:")
    lines += [f"- {s.line(lang)}: {s.url}" if s.url else f"- {s.line(lang)}" for s in sources]
    return "\n".join(lines)


def view_slide(src, state: state_mod.ViewState, kind: str, lang: str, *, title: str = "", note: str = "",
               step: int | None = None, datasets: pd.DataFrame | None = None, focus: str | None = None,
               targets=None) -> Slide:
    """One view as a slide. ``focus``: a region code (the region profile: its rank and change)."""
    region_set = state.region_set
    try:
        ind = src.indicator(state.indicator)
    except KeyError:
        raise BriefError("unknown_indicator", value=str(state.indicator)[:60]) from None
    years = _years(src, ind, region_set)
    if not years:
        raise BriefError("step_no_data", step=step or 1, indicator=ind.id,
                         region_set=t(f"region_set.{region_set}", lang))
    # a ranking or map shows the year asked for or the latest, as on the page; a trend or a targets
    # chart spans the years, and its findings speak of the latest year most regions have
    if kind in ("ranking", "map"):
        year = int(state.year) if state.year in years else max(years)
    else:
        year = comparable_year(src, ind.id, region_set)
    frame = src.values(ind.id, year, region_set)
    mv = src.metro(ind, year, region_set)
    prev_year, previous, prev_mv = _previous(src, ind, year, years, region_set)
    targets = targets_mod.load() if targets is None else targets
    if focus:
        value = frame.loc[frame["region_code"] == focus, "value"]
        subject = frame.loc[frame["region_code"] == focus, "short_name"].iloc[0]
        target = targets_mod.finding(targets_mod.applying(targets, ind.id, focus),
                                     value.iloc[0] if len(value) else None, year, subject, ind, lang)
        found = rules.for_region(frame, focus, ind, year, region_set, lang, mv=mv, previous=previous,
                                 prev_year=prev_year, target=target)
    else:
        target = targets_mod.finding(targets_mod.applying(targets, ind.id), mv.value, year,
                                     rules.area_name(region_set, lang), ind, lang)
        found = rules.for_view(frame, ind, year, region_set, lang, mv=mv, previous=previous,
                               prev_year=prev_year, prev_mv=prev_mv, target=target)
    series = src.series(ind.id, region_set) if kind == "trend" else None
    frames = [frame] if series is None else [series]
    datasets = _datasets(src) if datasets is None else datasets
    inputs = derived_inputs(src, frames, region_set)
    sources = sources_of(frames + ([inputs] if len(inputs) else []), datasets, lang)
    footer = footer_line(frames, inputs, lang)
    highlight = tuple(state.regions) + ((focus,) if focus else ())
    chart = None
    if kind == "ranking":
        chart = bar_data(frame, ind, year, lang, highlight)
    elif kind == "trend":
        chart = line_data(series, ind, lang, highlight)
    coverage = _coverage(frame, year, years, kind, lang)
    alt = ""
    if kind == "map":
        alt = t("brief.map_alt", lang, indicator=ind.name(lang), year=year,
                region_set=t(f"region_set.{region_set}", lang), findings=" ".join(f.text for f in found))
    elif kind not in NATIVE_KINDS:   # another figure of the presenter (targets...): an image too
        alt = f"{title or ind.name(lang)}. {ind.name(lang)} {year}. " + " ".join(f.text for f in found)
    return Slide(title=title or f"{ind.short(lang)} · {year} · {rules.area_name(region_set, lang)}", kind=kind, state=state.with_(year=year, lang=lang),
                 indicator=ind, year=year, frame=frame, findings=found, sources=sources, footer=footer,
                 notes=speaker_notes(ind, coverage, note, sources, lang), chart=chart, alt=alt, note=note,
                 series=series)


# ---------------------------------------------------------------------------------------------
# story, region profile, one view


def _brief(src, title: str, region_set: str, lang: str, today: date_cls | None, **extra) -> Brief:
    return Brief(title=title, subtitle=t(f"region_set.{region_set}", lang), lang=lang, region_set=region_set,
                 date=long_date(today or date_cls.today(), lang), data_version=data_version(src), **extra)


def from_story(src, story: stories.Story, lang: str | None = None, region_set: str | None = None,
               today: date_cls | None = None) -> Brief:
    """A slide per step (its message as the title); ``region_set`` overrides every step's."""
    lang = lang or story.lang
    datasets, targets = _datasets(src), targets_mod.load()
    slides = []
    for n, step in enumerate(story.steps, start=1):
        state = stories.step_state(step, lang)
        if region_set:
            state = state.with_(region_set=region_set)
        if step.kind == "cooperation":
            from jabodash.brief import network  # imports this module: loaded on first use
            slides.append(network.slide(src, state, lang, step.title_in(lang), step.note_in(lang)))
            continue
        slides.append(view_slide(src, state, step.kind, lang, title=step.title_in(lang), note=step.note_in(lang),
                                 step=n, datasets=datasets, targets=targets))
    used = region_set or (slides[0].state.region_set if slides else "agglomeration")
    return _brief(src, story.title, used, lang, today, slides=slides, description=story.description,
                  name=story.name)


def from_view(src, state: state_mod.ViewState, kind: str = "ranking", lang: str | None = None,
              title: str = "", today: date_cls | None = None) -> Brief:
    """One page view as a slide ("this view as a slide")."""
    lang = lang or state.lang
    slide = view_slide(src, state, kind, lang, title=title)
    return _brief(src, slide.title, state.region_set, lang, today, slides=[slide], name="tampilan")
