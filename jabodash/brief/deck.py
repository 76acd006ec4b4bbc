"""The meeting deck: a :class:`~jabodash.brief.outline.Brief` as an editable 16:9 PowerPoint file
(python-pptx).

* a title slide (title, region set, date, data version, a short source line);
* one slide per step: the step's message as the title, the indicator and year under it, a native
  PowerPoint chart for rankings (bars) and trends (lines) whose data stay editable in PowerPoint,
  in the indicator's unit and number format, or the map as a high-resolution image with alt text;
  the findings beside it; a footer with the sources and their grades; speaker notes with the
  definition, the formula, the coverage ("13 dari 15 wilayah") and every source's address;
* closing slides with every source, its grade, licence and address.

The chart's number format is an Excel code (``#,##0.00``); PowerPoint shows it with the
separators of the computer it runs on (1.234,56 on an Indonesian Windows).
"""
from __future__ import annotations

import io

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Inches, Pt

from jabodash import charts
from jabodash.brief.outline import Brief, ChartData, Slide
from jabodash.core import grades, palette
from jabodash.core.i18n import t

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
FONT = "Calibri"
NAVY = RGBColor(0x08, 0x30, 0x6B)
TEXT = RGBColor(0x22, 0x22, 0x22)
GREY = RGBColor(0x55, 0x55, 0x55)
PANEL = RGBColor(0xF1, 0xF4, 0xF8)
FADED = RGBColor(0xBD, 0xBD, 0xBD)
ROWS_PER_SOURCES_SLIDE = 13
FOOTER_CHARS = 260
# the chart (or map) and the findings panel
BODY = (Inches(0.45), Inches(1.45), Inches(8.45), Inches(5.2))
PANEL_BOX = (Inches(9.1), Inches(1.45), Inches(3.8), Inches(5.2))


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _text(slide, box, text: str, size: float, *, bold=False, colour=TEXT, anchor=MSO_ANCHOR.TOP):
    shape = slide.shapes.add_textbox(*box)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
    run.font.color.rgb = colour
    return shape


def _title_size(text: str) -> float:
    return 30 if len(text) <= 46 else 26 if len(text) <= 56 else 22 if len(text) <= 80 else 20


def _footer(slide, text: str, lang: str, n: int, total: int) -> None:
    line = f"{t('brief.sources', lang)}: {text}"
    if len(line) > FOOTER_CHARS:
        line = line[:FOOTER_CHARS - 1].rsplit(" ", 1)[0] + " …"
    _text(slide, (Inches(0.45), Inches(6.78), Inches(11.6), Inches(0.6)), line, 10, colour=GREY)
    _text(slide, (Inches(12.15), Inches(6.95), Inches(0.8), Inches(0.35)),
          t("brief.slide_of", lang, n=n, total=total), 10, colour=GREY)


# ---------------------------------------------------------------------------------------------
# charts


def _native_chart(slide, data: ChartData, chart_type):
    """A native PowerPoint chart of data's categories and series (editable in PowerPoint)."""
    chart_data = CategoryChartData(number_format=data.number_format)
    chart_data.categories = data.categories
    for name, values in data.series:
        chart_data.add_series(name, values)
    return slide.shapes.add_chart(chart_type, *BODY, chart_data).chart


def _bar(slide, data: ChartData):
    chart = _native_chart(slide, data, XL_CHART_TYPE.BAR_CLUSTERED)
    plot = chart.plots[0]
    plot.gap_width = 45
    plot.vary_by_categories = False
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = data.number_format, False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(11)
    series = plot.series[0]
    series.format.fill.solid()
    series.format.fill.fore_color.rgb = rgb(palette.NEUTRAL_BAR)
    for index in data.highlight:
        point = series.points[index]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = rgb(palette.HIGHLIGHT)
    chart.has_legend = False
    chart.category_axis.reverse_order = True          # highest on top, as on the page
    _every_label(chart.category_axis)
    chart.category_axis.tick_labels.font.size = Pt(11)
    chart.category_axis.format.line.color.rgb = FADED
    chart.value_axis.visible = False                  # the labels carry the values
    chart.value_axis.has_major_gridlines = False
    _chart_title(chart, data)
    return chart


def _every_label(axis) -> None:
    """Show every category's label (c:tickLblSkip = 1): without it a viewer may skip every other
    region name when the labels are tall. python-pptx 1.0 has no property for it."""
    element = axis._element
    for old in element.findall(qn("c:tickLblSkip")):
        element.remove(old)
    skip = OxmlElement("c:tickLblSkip")
    skip.set("val", "1")
    following = element.find(qn("c:tickMarkSkip"))
    following = following if following is not None else element.find(qn("c:noMultiLvlLbl"))
    if following is not None:
        following.addprevious(skip)
    else:
        element.append(skip)


def _line(slide, data: ChartData):
    chart = _native_chart(slide, data, XL_CHART_TYPE.LINE_MARKERS)
    for i, series in enumerate(chart.plots[0].series):
        marked = not data.highlight or i in data.highlight
        k = data.highlight.index(i) if i in data.highlight else i
        colour = rgb(palette.CATEGORICAL[k % len(palette.CATEGORICAL)]) if marked else FADED
        series.smooth = False
        series.format.line.color.rgb = colour
        series.format.line.width = Pt(3 if data.highlight and marked else 1.5 if marked else 1)
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = colour
        series.marker.format.line.color.rgb = colour
        series.marker.size = 7 if marked else 4
        series.marker.style = XL_MARKER_STYLE.CIRCLE
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.RIGHT
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(10)
    axis = chart.value_axis
    values = [v for _, vs in data.series for v in vs if v is not None]
    axis_format = data.axis_format if values and max(abs(v) for v in values) >= 10 else data.number_format
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = axis_format, False
    axis.tick_labels.font.size = Pt(11)
    axis.major_gridlines.format.line.color.rgb = RGBColor(0xE5, 0xE5, 0xE5)
    chart.category_axis.tick_labels.font.size = Pt(11)
    _chart_title(chart, data)
    return chart


def _chart_title(chart, data: ChartData) -> None:
    chart.has_title = True
    frame = chart.chart_title.text_frame
    frame.text = f"{data.title} ({data.unit})" if data.unit else data.title
    font = frame.paragraphs[0].runs[0].font
    font.size, font.bold, font.color.rgb = Pt(13), False, GREY


def _picture(slide, png: bytes, alt: str):
    left, top, width, height = BODY
    pic = slide.shapes.add_picture(io.BytesIO(png), left, top, width=width)
    if pic.height > height:                      # keep inside the body, centred
        ratio = height / pic.height
        pic.width, pic.height = int(pic.width * ratio), int(height)
        pic.left = int(left + (width - pic.width) / 2)
    pic._element.nvPicPr.cNvPr.set("descr", alt)   # alt text (no public API in python-pptx 1.0)
    return pic


# ---------------------------------------------------------------------------------------------
# slides


def _findings_panel(slide, s: Slide, lang: str) -> None:
    box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, *PANEL_BOX)
    box.fill.solid()
    box.fill.fore_color.rgb = PANEL
    box.line.fill.background()
    box.shadow.inherit = False
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for side in ("margin_left", "margin_right", "margin_top"):
        setattr(frame, side, Inches(0.18))
    length = sum(len(f.text) for f in s.findings)
    size = 16 if length <= 330 else 14 if length <= 460 else 12
    head = frame.paragraphs[0].add_run()
    head.text = t("brief.findings", lang)
    head.font.size, head.font.bold, head.font.name, head.font.color.rgb = Pt(size + 2), True, FONT, NAVY
    for finding in s.findings:
        para = frame.add_paragraph()
        para.space_before = Pt(9)
        run = para.add_run()
        run.text = "• " + finding.text
        run.font.size, run.font.name, run.font.color.rgb = Pt(size), FONT, TEXT


def step_slide(prs, s: Slide, lang: str, n: int, total: int):
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _text(slide, (Inches(0.45), Inches(0.3), Inches(12.4), Inches(1.0)), s.title, _title_size(s.title),
          bold=True, colour=NAVY, anchor=MSO_ANCHOR.MIDDLE)
    if s.chart is not None and s.chart.kind == "bar":
        _bar(slide, s.chart)
    elif s.chart is not None:
        _line(slide, s.chart)
    elif s.image:
        _picture(slide, s.image, s.alt)
    _findings_panel(slide, s, lang)
    _footer(slide, s.footer, lang, n, total)
    slide.notes_slide.notes_text_frame.text = s.notes
    return slide


def title_slide(prs, brief: Brief, total: int):
    lang = brief.lang
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, Inches(0.35))
    band.fill.solid()
    band.fill.fore_color.rgb = NAVY
    band.line.fill.background()
    _text(slide, (Inches(0.8), Inches(1.6), Inches(11.7), Inches(1.4)), brief.title, 40, bold=True, colour=NAVY,
          anchor=MSO_ANCHOR.BOTTOM)
    if brief.description:
        _text(slide, (Inches(0.8), Inches(3.1), Inches(11.7), Inches(0.9)), brief.description, 20, colour=TEXT)
    info = (f"{t('brief.region_set', lang)}: {brief.subtitle}\n{t('brief.date', lang)}: {brief.date}\n"
            f"{t('brief.data_version', lang)}: {brief.data_version}")
    _text(slide, (Inches(0.8), Inches(4.3), Inches(11.7), Inches(1.3)), info, 18, colour=GREY)
    _text(slide, (Inches(0.8), Inches(5.7), Inches(11.7), Inches(0.5)), t("brief.made_by", lang), 13, colour=GREY)
    most_used = sorted(brief.source_rows(), key=lambda r: -len(r.dataset_ids))[:3]
    names = "; ".join(charts.graded(r.name, r.grade, lang) for r in most_used)
    _footer(slide, f"{names}; {t('brief.sources_see_last', lang)}", lang, 1, total)
    return slide


def sources_slides(prs, brief: Brief, first: int, total: int) -> None:
    lang = brief.lang
    chunks = source_chunks(brief)
    for k, chunk in enumerate(chunks):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        title = t("brief.sources_title", lang) + (f" ({k + 1}/{len(chunks)})" if len(chunks) > 1 else "")
        _text(slide, (Inches(0.45), Inches(0.3), Inches(12.4), Inches(0.9)), title, 28, bold=True, colour=NAVY,
              anchor=MSO_ANCHOR.MIDDLE)
        columns = ((t("brief.sources", lang), 3.6), (t("brief.grade", lang), 1.4), (t("brief.licence", lang), 3.2),
                   ("URL", 4.2))
        table = slide.shapes.add_table(len(chunk) + 1, len(columns), Inches(0.45), Inches(1.3), Inches(12.4),
                                       Inches(0.3) * (len(chunk) + 1)).table
        for j, (head, width) in enumerate(columns):
            table.columns[j].width = Inches(width)
            _cell(table.cell(0, j), head, bold=True)
        for i, source in enumerate(chunk, start=1):
            for j, text in enumerate((source.name, grades.label(source.grade, lang) or "–", source.licence,
                                      "\n".join(source.urls))):
                _cell(table.cell(i, j), text)
        _text(slide, (Inches(0.45), Inches(6.95), Inches(11.6), Inches(0.35)), t("grade.help", lang)[:300], 9,
              colour=GREY)
        _text(slide, (Inches(12.15), Inches(6.95), Inches(0.8), Inches(0.35)),
              t("brief.slide_of", lang, n=first + k, total=total), 10, colour=GREY)


def _cell(cell, text: str, bold: bool = False) -> None:
    cell.margin_top = cell.margin_bottom = Emu(Inches(0.03))
    frame = cell.text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = str(text)[:2000]
    run.font.size, run.font.bold, run.font.name = Pt(9), bold, FONT


def source_chunks(brief: Brief) -> list[list]:
    """The source rows spread over the closing slides: at most ROWS_PER_SOURCES_SLIDE lines of
    addresses a slide (a row with three addresses counts three), evenly."""
    rows = brief.source_rows()
    weight = [max(1, len(r.urls)) for r in rows]
    slides = max(1, -(-sum(weight) // ROWS_PER_SOURCES_SLIDE))
    share = -(-sum(weight) // slides)
    chunks: list[list] = [[]]
    load = 0
    for row, w in zip(rows, weight):
        if chunks[-1] and load + w > share:
            chunks.append([])
            load = 0
        chunks[-1].append(row)
        load += w
    return chunks


def sources_slide_count(brief: Brief) -> int:
    return len(source_chunks(brief))


def build(brief: Brief) -> bytes:
    """The deck as .pptx bytes. Map slides need ``slide.image`` (see jabodash.brief.render)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.core_properties.title = brief.title
    prs.core_properties.subject = brief.subtitle
    prs.core_properties.author = "jabodash"
    prs.core_properties.language = "id-ID" if brief.lang == "id" else "en-GB"
    total = 1 + len(brief.slides) + sources_slide_count(brief)
    title_slide(prs, brief, total)
    for n, s in enumerate(brief.slides, start=2):
        step_slide(prs, s, brief.lang, n, total)
    sources_slides(prs, brief, 2 + len(brief.slides), total)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
