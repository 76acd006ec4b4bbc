"""What a reader trips over on a page, measured in the browser (used by test_browser_readable.py
and runnable by hand for screenshots: ``python tests/support/readability.py URL OUTDIR``).

One call, ``findings(page, lang)``, returns a list of human-readable problems:
- cut text: a button, caption, label, metric or source line whose text is wider than its box
  (``scrollWidth > clientWidth``), unless it is a deliberate ellipsis with the full text on hover
  (a ``title`` attribute, or a picker's help icon); a chart text (bar label, annotation, tick)
  outside its figure; a chart's title, legend, notes and axis titles over one another;
- years on an axis written with a group mark ("2.010");
- visible English in the Indonesian UI (a short list of English words that no Indonesian sentence,
  proper name or data value here uses);
- a number in a chart, metric or table formatted against the UI language (1,234.5 in Indonesian,
  1.234,5 in English, SI suffixes like "15k");
- axe-core serious or critical violations (the axe-core file shipped inside the pinned
  axe-playwright-python package: no CDN at run time).
"""
from __future__ import annotations

import re

CUT_JS = """() => {
  const out = [];
  const sel = "button, label, [data-testid='stCaptionContainer'], [data-testid='stMetricValue'],"
    + " [data-testid='stMetricLabel'] p, [data-testid='stMarkdownContainer'] p, h1, h2, h3,"
    + " [data-baseweb='select'] [title], [data-baseweb='select'] div[value], [data-baseweb='tab']";
  for (const e of document.querySelectorAll(sel)) {
    if (!e.offsetParent) continue;                       // hidden
    const text = (e.innerText || '').trim();
    if (!text) continue;
    if (e.scrollWidth > e.clientWidth + 1) {
      const cs = getComputedStyle(e);
      const hover = e.getAttribute('title') || (e.closest('[title]') && e.closest('[title]').getAttribute('title'));
      if (cs.textOverflow === 'ellipsis' && hover) continue;   // deliberate, full text on hover
      out.push('cut text: ' + JSON.stringify(text.slice(0, 60)) + ' (' + e.scrollWidth + ' > ' + e.clientWidth + ')');
    }
  }
  // a picker's chosen value is an input's text: cut unless it ends in an ellipsis and the
  // picker's help icon (beside its label) gives the whole choice on hover
  for (const e of document.querySelectorAll("[data-testid='stSelectbox'] input[role='combobox']")) {
    if (!e.offsetParent || e.scrollWidth <= e.clientWidth + 1) continue;
    const box = e.closest("[data-testid='stSelectbox']");
    if (getComputedStyle(e).textOverflow === 'ellipsis' && box.querySelector("[data-testid='stTooltipIcon']")) continue;
    out.push('cut text: ' + JSON.stringify(e.value.slice(0, 60)) + ' (a picker: ' + e.scrollWidth + ' > ' + e.clientWidth + ')');
  }
  for (const svg of document.querySelectorAll('.js-plotly-plot .main-svg:first-of-type')) {
    const box = svg.getBoundingClientRect();
    const plot = svg.closest('.js-plotly-plot');
    for (const t of plot.querySelectorAll('text')) {
      const s = (t.textContent || '').trim();
      if (!s) continue;
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.push('chart text outside its figure: ' + JSON.stringify(s.slice(0, 60)));
    }
  }
  // a chart's title, legend, annotations and axis titles over one another (a legend on the title)
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const items = [];
    for (const [sel, kind] of [['.gtitle', 'title'], ['.legend .legendtext', 'legend'], ['.annotation-text', 'note'],
                               ['.g-xtitle text, .g-ytitle text', 'axis title']])
      for (const e of plot.querySelectorAll(sel)) {
        const r = e.getBoundingClientRect(), s = (e.textContent || '').trim();
        if (r.width > 0 && s) items.push({kind, s, r});
      }
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      if (a.kind === b.kind && a.kind !== 'note') continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 4 && h > 4)   // line boxes touch by a pixel or two; glyphs over glyphs are more
        out.push('chart texts overlap: ' + JSON.stringify(a.s.slice(0, 40)) + ' and ' + JSON.stringify(b.s.slice(0, 40)));
    }
  }
  return out;
}"""

TEXTS_JS = """() => {
  const chart = [];
  for (const t of document.querySelectorAll('.js-plotly-plot text')) {
    const s = (t.textContent || '').trim(); if (s) chart.push(s);
  }
  const metrics = [...document.querySelectorAll("[data-testid='stMetricValue']")].map(e => e.innerText.trim());
  // the data grid's accessible table (glide-data-grid): the cell texts as shown, with their
  // column header (a sparkline column's cell text is its series, not something shown)
  const cells = [];
  for (const table of document.querySelectorAll("[data-testid='stDataFrame'] table")) {
    const heads = {};
    for (const th of table.querySelectorAll('th')) heads[th.getAttribute('aria-colindex')] = th.textContent.trim();
    for (const td of table.querySelectorAll('td')) {
      const s = (td.textContent || '').trim();
      if (s) cells.push({head: heads[td.getAttribute('aria-colindex')] || '', text: s});
    }
  }
  const main = document.querySelector("[data-testid='stMain']") || document.body;
  const side = document.querySelector("[data-testid='stSidebar']");
  // each x axis's tick labels (a year axis must not be written with a group mark: "2.010")
  const axes = [...document.querySelectorAll('.js-plotly-plot .xaxislayer-above')].map(
    g => [...g.querySelectorAll('.xtick text')].map(t => (t.textContent || '').trim()));
  return {chart, metrics, cells, axes, body: main.innerText + '\\n' + (side ? side.innerText : '')};
}"""

# English words that no Indonesian UI text uses (proper names and data excepted by the list).
ENGLISH = re.compile(
    r"\b(the|and|of|not stated|from|Upload|Browse files|Drag and drop|per file|Derived|source\?|"
    r"CONFLICT|RESOLVED|Limit|Select|Choose|Download|Press|Search|Show|Hide|No data|missing|"
    r"higher is better|lower is better|Rows|Columns|Clear|Running|Loading)\b")
# numbers written the other language's way
AGAINST = {
    "id": [re.compile(r"(?<![\d.,])[1-9]\d{0,2}(,\d{3})+(\.\d+)?(?![\d,])"),  # 1,234 / 1,234.5 (0,245 is a decimal)
           re.compile(r"(?<![\d.,\w])\d+\.\d{1,2}(?![\d.])"),                 # 12.5 (a decimal point)
           re.compile(r"(?<![\w/])\d+(\.\d+)?[kMG](?![\w])")],                # 15k (not "/100k" in a name)
    "en": [re.compile(r"(?<![\d.,])[1-9]\d{0,2}(\.\d{3})+(,\d+)?(?![\d.])"),  # 1.234 / 1.234,5 (0.245 is a decimal)
           re.compile(r"(?<![\d.,\w])\d+,\d{1,2}(?![\d,])"),                  # 12,5 (a decimal comma)
           re.compile(r"(?<![\w/])\d+(\.\d+)?[kG](?![\w])")],
}


# LineChartColumn headers (peta.trend): their cells' accessible text is the series, Streamlit's own
SPARKLINE_HEADERS = {"Tren", "Trend"}
# a source's title as its publisher wrote it ("BPS Kabupaten Cianjur (2021), ... IPM 63,94"): data
# quoted, in the publisher's language, not a number the UI writes
QUOTED_HEADERS = {"Sumber", "Source"}


def number_findings(texts: list[str], lang: str, where: str) -> list[str]:
    out = []
    for s in texts:
        if re.search(r"\d{4}[-–]\d{2}|v\d|\d+\.\d+\.\d+|https?:|www\.", s):   # dates, versions, links
            continue
        for rx in AGAINST[lang]:
            m = rx.search(s)
            if m:
                out.append(f"{where}: number against the UI language ({lang}): {m.group(0)!r} in {s[:60]!r}")
                break
    return out


GROUPED_YEAR = re.compile(r"^(1[.,]9\d\d|2[.,]0\d\d)$")


def year_findings(axes: list[list[str]]) -> list[str]:
    """An x axis whose every tick is a year written with a group mark ("2.010", "2,015")."""
    return [f"chart: years written as numbers on an axis: {ticks[:4]}" for ticks in axes
            if len(ticks) >= 2 and all(GROUPED_YEAR.match(x) for x in ticks)]


def english_findings(body: str, allowed: tuple[str, ...] = ()) -> list[str]:
    out = []
    for line in body.splitlines():
        line = line.strip()
        if not line or any(a in line for a in allowed):
            continue
        m = ENGLISH.search(line)
        if m:
            out.append(f"English in the Indonesian UI: {m.group(0)!r} in {line[:80]!r}")
    return out


def axe_findings(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    out = []
    for v in results.response.get("violations", []):
        if v.get("impact") in ("serious", "critical"):
            targets = [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])[:3]]
            out.append(f"axe {v['impact']}: {v['id']} ({v.get('help')}) at {targets}")
    return out


def findings(page, lang: str, allowed_english: tuple[str, ...] = (), axe: bool = True) -> list[str]:
    out = list(page.evaluate(CUT_JS))
    texts = page.evaluate(TEXTS_JS)
    out += number_findings(texts["chart"], lang, "chart")
    out += number_findings(texts["metrics"], lang, "metric")
    out += year_findings(texts["axes"])
    out += number_findings([c["text"] for c in texts["cells"] if c["head"] not in SPARKLINE_HEADERS | QUOTED_HEADERS],
                           lang, "table")
    if lang == "id":
        out += english_findings(texts["body"], allowed_english)
    if axe:
        out += axe_findings(page)
    return out


def visit(browser, url: str, width: int = 1440, height: int = 900, wait_ms: int = 2500):
    """A new page on url with console errors and page errors collected; outside requests aborted."""
    from urllib.parse import urlparse

    from support.appserver import wait_for_app
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    host = urlparse(url).hostname
    page.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname in (host, None, "")
               or r.request.url.startswith(("data:", "blob:")) else r.abort())
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("console", lambda m: errors.append(f"console error: {m.text[:200]}") if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, timeout=90000)
    wait_for_app(page, 90000)
    page.wait_for_timeout(wait_ms)     # charts and maps draw after the script run
    wait_for_app(page, 90000)
    return page, errors


if __name__ == "__main__":   # by hand: screenshots and findings of every page
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent.parent))
    from playwright.sync_api import sync_playwright

    from support.appserver import CHROMIUM, CHROMIUM_ARGS

    base, outdir = sys.argv[1], Path(sys.argv[2])
    only = sys.argv[3:]
    outdir.mkdir(parents=True, exist_ok=True)
    pages = ["ringkasan", "peta", "kependudukan", "wilayah", "layanan", "kerjasama", "sasaran", "bandingkan", "data",
             "unggah", "sql", "presentasi"]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for slug in pages:
            if only and slug not in only:
                continue
            for lang in ("id", "en"):
                page, errors = visit(b, f"{base}/{slug}?lang={lang}")
                page.wait_for_timeout(2500)
                page.screenshot(path=str(outdir / f"{slug}-{lang}.png"), full_page=True)
                found = findings(page, lang)
                print(f"== {slug} {lang}: {len(found)} findings, errors {errors}")
                for f in found:
                    print("   ", f)
                page.context.close()
        b.close()
