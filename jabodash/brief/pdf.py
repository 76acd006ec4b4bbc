"""The PDF brief: A4 portrait, a title block, a summary of the findings, each step's chart with
its findings and a table of its figures, and the sources with their grades and licences.

The brief is an HTML page (every text escaped: story titles and notes are user text) with the
figures inlined as PNG data (jabodash.brief.render), printed to PDF by the system Chromium that
the image exports use, with the same no-network flags and a host-resolver rule that resolves
no host: nothing is fetched. Chromium embeds the (subset) fonts it used, DejaVu Sans.
"""
from __future__ import annotations

import base64
import html
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

from jabodash.brief.outline import Brief, Slide
from jabodash.core import fmt, grades
from jabodash.core.i18n import t
from jabodash.presenter import exports

PRINT_TIMEOUT_S = 60

CSS = """
@page { size: A4 portrait; margin: 13mm 14mm 15mm 14mm;
        @bottom-left { content: var(--footer); font: 7pt 'DejaVu Sans', sans-serif; color: #666; }
        @bottom-right { content: counter(page) " / " counter(pages); font: 7pt 'DejaVu Sans', sans-serif;
                        color: #666; } }
* { box-sizing: border-box; }
body { font-family: 'DejaVu Sans', sans-serif; font-size: 8.6pt; color: #222; margin: 0; line-height: 1.35; }
h1 { font-size: 19pt; color: #08306b; margin: 0 0 1.5mm 0; }
h2 { font-size: 11.5pt; color: #08306b; margin: 0 0 1.5mm 0; }
.lead { font-size: 10pt; margin: 0 0 2mm 0; }
.meta { color: #555; margin: 0 0 4mm 0; border-bottom: 0.5mm solid #08306b; padding-bottom: 2mm; }
.summary ol { margin: 0 0 3mm 5mm; padding: 0; }
.summary li { margin: 0 0 1.6mm 0; }
.step { break-inside: avoid; margin: 0 0 4mm 0; padding-top: 1mm; }
.row { display: flex; gap: 4mm; align-items: flex-start; }
.chart { flex: 0 0 111mm; }
.chart img { width: 111mm; border: 0.2mm solid #e3e3e3; }
.plot { zoom: 0.636; border: 0.3mm solid #e3e3e3; }   /* 660 px wide figure -> 111 mm */
.figures { flex: 1 1 auto; }
table { border-collapse: collapse; width: 100%; font-size: 7.2pt; }
th { text-align: left; color: #08306b; border-bottom: 0.3mm solid #08306b; padding: 0.3mm 1mm; }
td { border-bottom: 0.2mm solid #e3e3e3; padding: 0.25mm 1mm; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.mark td { font-weight: bold; }
.figures td:nth-child(2) { white-space: nowrap; }
ul.findings { margin: 1.5mm 0 1mm 4.5mm; padding: 0; }
ul.findings li { margin: 0 0 0.8mm 0; }
.source { color: #555; font-size: 7pt; margin: 0; }
.licence { font-size: 7pt; margin: 1.5mm 0 0.5mm 0; color: #333; break-after: avoid; }
ul.srcs { columns: 2; column-gap: 6mm; font-size: 6.3pt; line-height: 1.25; margin: 0; padding: 0 0 0 3mm; }
ul.srcs li { break-inside: avoid; word-break: break-all; margin: 0 0 0.4mm 0; }
ul.srcs li b { word-break: normal; }
ul.srcs a { color: #333; text-decoration: none; }
.help { color: #555; font-size: 7pt; margin: 0 0 1.5mm 0; }
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _value(value, decimals: int, lang: str) -> str:
    return fmt.number(value, decimals, lang) if not fmt.is_missing(value) else "–"


def figures_table(s: Slide, lang: str) -> str:
    """The step's figures: rank, region and value (a trend: its first and last year)."""
    d = s.indicator.decimals
    marked = set(s.state.regions)
    if s.kind == "trend" and s.series is not None and len(s.series):
        years = sorted(int(y) for y in s.series["year"].unique())
        first, last = years[0], s.year if s.year in years else years[-1]   # the findings' year
        table = s.series.pivot_table(index="short_name", columns="year", values="value", aggfunc="first")
        table = table.sort_values(last, ascending=False, na_position="last") if last in table else table
        head = (f"<tr><th>{_e(t('brief.region', lang))}</th><th class='num'>{first}</th>"
                f"<th class='num'>{last}</th></tr>")
        rows = "".join(f"<tr><td>{_e(name)}</td><td class='num'>{_value(row.get(first), d, lang)}</td>"
                       f"<td class='num'>{_value(row.get(last), d, lang)}</td></tr>" for name, row in table.iterrows())
        return f"<table>{head}{rows}</table>"
    head = (f"<tr><th class='num'>{_e(t('brief.rank', lang))}</th><th>{_e(t('brief.region', lang))}</th>"
            f"<th class='num'>{_e(s.indicator.unit(lang))}</th></tr>")
    rows = []
    for row in s.frame.itertuples():
        rank = "" if pd.isna(row.rank_desc) else int(row.rank_desc)
        mark = " class='mark'" if row.region_code in marked else ""
        rows.append(f"<tr{mark}><td class='num'>{rank}</td><td>{_e(row.short_name)}</td>"
                    f"<td class='num'>{_value(row.value, d, lang)}</td></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _plot(s: Slide, index: int) -> str:
    """A vector chart drawn by plotly.js while Chromium loads the page (static: no toolbar). The
    JSON is made inert inside <script>: every "<" (only ever inside its strings) becomes \\u003c."""
    data = s.figure_json.replace("<", "\\u003c")
    return (f"<div class='plot' id='plot{index}'></div><script>(function(){{var f={data};"
            f"Plotly.newPlot('plot{index}', f.data, f.layout, {{staticPlot: true}});}})();</script>")


def step_html(s: Slide, lang: str, index: int = 0) -> str:
    image = ""
    if s.figure_json:
        image = _plot(s, index)
    elif s.image:
        alt = s.alt or f"{s.indicator.name(lang)} {s.year}"
        image = f"<img alt='{_e(alt)}' src='data:image/png;base64,{base64.b64encode(s.image).decode()}'>"
    found = "".join(f"<li>{_e(f.text)}</li>" for f in s.findings)
    return (f"<section class='step'><h2>{_e(s.title)}</h2><div class='row'><div class='chart'>{image}"
            f"<ul class='findings'>{found}</ul></div><div class='figures'>{figures_table(s, lang)}</div></div>"
            f"<p class='source'>{_e(t('brief.sources', lang))}: {_e(s.footer)}</p></section>")


SHORT_URL = 60   # characters of an address shown in the sources list; the link keeps all of it


def url_link(url: str) -> str:
    """An address as a link: the whole address is the target, the text drops the scheme and "www."
    and ends in "…" past SHORT_URL characters (the deck's closing slide prints every address whole)."""
    text = re.sub(r"^[a-z]+://(www\.)?", "", url)
    if len(text) > SHORT_URL:
        text = text[:SHORT_URL - 1] + "…"
    return f"<a href='{_e(url)}'>{_e(text)}</a>"


def sources_html(brief: Brief) -> str:
    """Every source with its grade and addresses (as links), in two columns, grouped by licence."""
    lang = brief.lang
    groups: dict[str, list] = {}
    for row in brief.source_rows():
        groups.setdefault(row.licence or "–", []).append(row)
    parts = []
    for licence, rows in groups.items():
        items = "".join(
            f"<li><b>{_e(r.name)}</b> [{_e(grades.label(r.grade, lang) or '–')}]: {'; '.join(url_link(u) for u in r.urls)}</li>"
            for r in rows)
        parts.append(f"<p class='licence'>{_e(t('brief.licence', lang))}: {_e(licence)}</p><ul class='srcs'>{items}</ul>")
    return (f"<section class='sources'><h2>{_e(t('brief.sources_title', lang))}</h2>"
            f"<p class='help'>{_e(t('grade.help', lang))}</p>{''.join(parts)}</section>")


def html_of(brief: Brief) -> str:
    lang = brief.lang
    summary = "".join(f"<li><b>{_e(s.title)}</b>: {_e(' '.join(f.text for f in s.findings))}</li>"
                      for s in brief.slides)
    meta = " · ".join(f"{_e(t(k, lang))}: {_e(v)}" for k, v in (
        ("brief.region_set", brief.subtitle), ("brief.date", brief.date), ("brief.data_version", brief.data_version)))
    footer = t("brief.pdf_footer", lang, date=brief.date).replace("\\", "").replace('"', "'")
    plotly = ""
    if any(s.figure_json for s in brief.slides):
        plotly = f"<script src='{exports.plotlyjs_path().as_uri()}'></script>"
    return (f"<!doctype html><html lang='{_e(lang)}'><head><meta charset='utf-8'><title>{_e(brief.title)}</title>"
            f"<style>:root {{ --footer: \"{footer}\"; }}{CSS}</style>{plotly}</head><body>"
            f"<h1>{_e(brief.title)}</h1>" + (f"<p class='lead'>{_e(brief.description)}</p>" if brief.description else "")
            + f"<p class='meta'>{meta}<br>{_e(t('brief.made_by', lang))}</p>"
            f"<section class='summary'><h2>{_e(t('brief.summary', lang))}</h2><ol>{summary}</ol></section>"
            + "".join(step_html(s, lang, i) for i, s in enumerate(brief.slides)) + sources_html(brief)
            + "</body></html>")


def print_pdf(page: str, extra_args: tuple[str, ...] = ()) -> bytes:
    """``page`` (HTML) printed to PDF by the system Chromium, offline. ExportUnavailable without it.
    ``extra_args``: more Chromium flags (the tests' network log)."""
    path = exports.chromium_path()
    if path is None:
        raise exports.ExportUnavailable("unavailable", os.environ.get("BROWSER_PATH") or exports.DEFAULT_CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="jabodash-brief-") as tmp:
        source, out = Path(tmp, "brief.html"), Path(tmp, "brief.pdf")
        source.write_text(page, encoding="utf-8")
        flags = [a for a in exports.NO_NETWORK_ARGS if a.startswith("--")]
        cmd = [path, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
               "--disable-component-update", f"--user-data-dir={tmp}/profile", *flags,
               "--no-pdf-header-footer", *extra_args, f"--print-to-pdf={out}", source.as_uri()]
        try:
            subprocess.run(cmd, capture_output=True, timeout=PRINT_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise exports.ExportUnavailable("failed", type(exc).__name__) from None
        if not out.is_file() or out.stat().st_size == 0:
            raise exports.ExportUnavailable("failed", "no PDF")
        return out.read_bytes()


def build(brief: Brief) -> bytes:
    """The PDF brief as bytes; every slide needs its ``image`` (render.render(..., for_pdf=True))."""
    return print_pdf(html_of(brief))
