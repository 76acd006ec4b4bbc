"""Uploaded data next to the built-in indicators (pure: no streamlit).

The upload page (pages/unggah.py) keeps, in ``st.session_state``:

* ``RAW_KEY``: ``(file name, bytes)`` of the file being checked. A test or another page may put
  bytes there directly; the page reads them exactly as an upload.
* ``MAPPING_KEY``: the analyst's manual region mapping {raw value: BPS code}.
* ``SESSION_KEY``: the uploads "used in this session" {session dataset id: entry}, an entry being
  ``{"meta": {...}, "records": DataFrame}``. Never cleared by a failed read.

Uploaded indicators get ids ``upload.<dataset id>.<slug>`` (workspace.indicator_id) and theme
``uploaded``. Their figures are read like the built-in ones, by the same named queries:
jabodash.store.overlay puts the saved datasets and the session's entries next to the built-in
tables, and :func:`indicator` (from there) gives the catalog.Indicator of one.

A points layout (a facility list with latitude/longitude) has no records of its own:
:func:`point_records` (from :mod:`jabodash.ingest.points`, the one point-counting path) counts
the points per kab/kota and per kecamatan (point in polygon with the cached boundaries, else by
the file's region column) and those counts are the records that are used in the session or
saved (workspace.save_dataset(..., records=...)).
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, MutableMapping
from datetime import date
from functools import lru_cache

import pandas as pd

from jabodash.core.i18n import t
from jabodash.core.plausibility import REGIONS_TOTAL
from jabodash.ingest import (
    IngestOptions,
    IngestResult,
    PointReport,
    matcher_with_cached_kecamatan,
    max_upload_bytes,
    plausible,
    read_upload,
    reason_text,
)

# the one point-counting path lives in jabodash.ingest.points; the upload page calls it as unggah.<name>
from jabodash.ingest import cached_boundaries as cached_boundaries
from jabodash.ingest import point_records as point_records
from jabodash.store import shelf

RAW_KEY = "_jabodash_upload_raw"
MAPPING_KEY = "_jabodash_upload_mapping"
SESSION_KEY = "_jabodash_uploads"
PREFIX = shelf.UPLOAD_PREFIX
is_uploaded = shelf.is_uploaded   # the id of an uploaded indicator (jabodash.store.shelf)
SKIP = "__skip__"
AUTO = ""
DIRECTIONS = ("neutral", "higher", "lower")   # neutral first: the default unless the name says


COLUMN_KEYS = ("u_region_col", "u_year_col", "u_indicator_col", "u_value_col")


def upload_limit() -> int:
    """The size limit for one upload in bytes, read now (JABODASH_MAX_UPLOAD_MB, see ingest)."""
    return max_upload_bytes()


KEPT_KEY = "_jabodash_upload_kept"   # the analyst's corrections and description, beyond a page switch


def reset_keys(session) -> list[str]:
    """Session keys to forget when a new file arrives (corrections made for the old one)."""
    return [k for k in list(session.keys()) if str(k).startswith(("u_numfmt_", "u_map_", "u_desc_"))
            or k in COLUMN_KEYS or k in ("u_layout", "u_sheet", MAPPING_KEY, KEPT_KEY)]


def _kept(key) -> bool:
    return str(key).startswith(("u_numfmt_", "u_desc_")) or key in COLUMN_KEYS or key in ("u_layout", "u_sheet")


def restore(session) -> None:
    """Put back the widget values Streamlit dropped when another page ran (a widget's key leaves
    the session when the widget is not drawn): what the analyst typed or chose stays, never
    replaced by a suggestion."""
    for key, value in (session.get(KEPT_KEY) or {}).items():
        if key not in session:
            session[key] = value


def keep(session) -> None:
    """Remember the current widget values (called at the end of the page's run)."""
    session[KEPT_KEY] = {k: session[k] for k in list(session.keys()) if _kept(k)}


def map_key(value) -> str:
    import hashlib
    return "u_map_" + hashlib.sha1(str(value).encode("utf-8", "replace")).hexdigest()[:12]


def mapped_table(mapping: dict, names: dict, lang: str) -> pd.DataFrame:
    rows = [(raw, code, names.get(code, "")) for raw, code in (mapping or {}).items() if code and code != SKIP]
    return pd.DataFrame(rows, columns=[t("ingest.label.value", lang), "BPS", "→"])


def saved_summary(meta: dict, lang: str) -> str:
    years = meta.get("years") or []
    span = f"{years[0]}–{years[-1]}" if years else "–"
    return (f"{meta.get('indicator')} ({meta.get('unit') or '–'}) · {span} · {meta.get('rows', 0)} "
            f"{t('ingest.label.records', lang)} · {meta.get('filename')} · {meta.get('source') or ''}")


def options_from(widgets: dict, mapping: dict | None = None) -> IngestOptions:
    """IngestOptions from the page's correction widgets (keys u_region_col, u_year_col,
    u_indicator_col, u_value_col, u_layout, u_sheet, u_numfmt_<column>) and the manual mapping."""
    def pick(key):
        value = widgets.get(key)
        return value if value not in (None, AUTO) else None

    value_col = pick("u_value_col")
    formats = {k[len("u_numfmt_"):]: v for k, v in widgets.items()
               if k.startswith("u_numfmt_") and v in ("id", "en")}
    return IngestOptions(sheet=pick("u_sheet"), layout=pick("u_layout"), region_column=pick("u_region_col"),
                         year_column=pick("u_year_col"), indicator_column=pick("u_indicator_col"),
                         value_columns=[value_col] if value_col else None, number_formats=formats,
                         region_mapping={k: v for k, v in (mapping or {}).items() if v and v != SKIP},
                         max_bytes=upload_limit())


def read(data: bytes, filename: str, options: IngestOptions | None = None) -> IngestResult:
    """read_upload with the kecamatan-aware matcher; never raises for bad input."""
    try:
        return read_upload(bytes(data or b""), filename or "upload.csv", options or IngestOptions(),
                           matcher=matcher_with_cached_kecamatan())
    except Exception as exc:  # defensive: read_upload reports problems itself
        return IngestResult(filename=str(filename)[:200]).error("internal", detail=type(exc).__name__)


READ_MEMO_KEY = "_jabodash_upload_read"  # this session's last read: one entry, never shared across sessions


def _kecamatan_cache():
    """The cached kecamatan boundaries object (the same object while its files are unchanged), or None."""
    try:
        from jabodash.geo.boundaries import load_cached
        return load_cached("kecamatan")
    except Exception:
        return None


def read_cached(session, data: bytes, filename: str, options: IngestOptions | None = None) -> IngestResult:
    """:func:`read`, remembered in this session for the same (sha256 of the bytes, file name, options,
    cached kecamatan boundaries): a rerun that changes none of them reads nothing. Only the last
    read is kept, so the memory held is one result per session."""
    data = bytes(data or b"")
    memo = session.get(READ_MEMO_KEY)
    if memo is not None and memo["data"] is data:  # the same bytes object: no need to hash it again
        digest = memo["sha256"]
    else:
        digest = hashlib.sha256(data).hexdigest()
    key = (digest, str(filename), repr(options or IngestOptions()))
    kecamatan = _kecamatan_cache()
    if memo is not None and memo["key"] == key and memo["kecamatan"] is kecamatan:
        return memo["result"]
    session[READ_MEMO_KEY] = None  # drop the old result before reading the new one
    result = read(data, filename, options)
    session[READ_MEMO_KEY] = {"key": key, "sha256": digest, "data": data, "kecamatan": kecamatan, "result": result}
    return result


def settings_table(result: IngestResult, lang: str) -> pd.DataFrame:
    """What was detected, as rows (label, value) for st.dataframe."""
    def lab(key):
        return t(f"ingest.label.{key}", lang)

    delim = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(result.delimiter or "")
    rows = [(lab("file"), result.filename), (lab("encoding"), result.encoding or "–"),
            (lab("delimiter"), t(f"ingest.delimiter.{delim}", lang) if delim else "–"),
            (lab("number_format"), t(f"ingest.numfmt.{result.number_format}", lang) if result.number_format else "–"),
            (lab("layout"), t(f"ingest.layout.{result.layout}", lang) if result.layout else "–"),
            (lab("level"), t(f"ingest.level.{result.level}", lang) if result.level else "–")]
    if result.file_type == "xlsx":
        rows.append((lab("sheet"), result.sheet or "–"))
    roles = result.roles or {}
    for role in ("region", "year", "indicator"):
        rows.append((lab(f"{role}_column"), roles.get(role) or "–"))
    rows.append((lab("value_columns"), ", ".join(map(str, roles.get("values") or [])) or "–"))
    return pd.DataFrame(rows, columns=[t("unggah.setting", lang), t("ingest.label.value", lang)])


def skipped_table(result: IngestResult, lang: str) -> pd.DataFrame:
    """The skipped rows and cells; a whole line (a note, a title) has no column: "–", not "None"."""
    df = result.skipped
    return pd.DataFrame({t("ingest.label.row", lang): df["row"].to_numpy(),
                         t("ingest.label.column", lang): df["column"].astype(object).where(df["column"].notna(), "–")
                         .to_numpy(),
                         t("ingest.label.value", lang): df["value"].astype(object).to_numpy(),
                         t("ingest.label.reason", lang): [reason_text(k, lang) for k in df["reason_key"]]})


def unmatched_choices(regions: pd.DataFrame) -> list[str]:
    """Options of the manual-mapping selectbox: skip, then the region codes."""
    return [SKIP] + [str(c) for c in regions["code"]]


def counts(result: IngestResult, records: pd.DataFrame | None = None) -> list[tuple[str, int]]:
    """(label key under ingest.label, number) for the report's headline figures; ``records``
    replaces result.records (the point counts of a points layout)."""
    records = result.records if records is None else records
    return [("rows_read", result.rows_read), ("rows_used", result.rows_used),
            ("rows_skipped", len(result.skipped)), ("records", len(records))]


def region_coverage(result: IngestResult, records: pd.DataFrame | None = None) -> tuple[int, int]:
    """(regions of the agglomeration's 15 the upload has a figure for, 15); ``records`` replaces
    result.records (the point counts of a points layout)."""
    return plausible.regions_covered(result.records if records is None else records), REGIONS_TOTAL


def describe_defaults(result: IngestResult) -> dict:
    """Defaults of the indicator description widgets, from result.suggested (the year only for
    a points layout: the suggested year, else the current one)."""
    sug = result.suggested or {}
    out = {"u_desc_name": str(sug.get("indicator") or ""), "u_desc_unit": str(sug.get("unit") or ""),
           "u_desc_source": str(sug.get("source") or ""),
           "u_desc_dir": direction_of(sug.get("higher_is_better"))}   # neutral unless the name says
    if result.layout == "points":
        out["u_desc_year"] = int(sug.get("year") or date.today().year)
    return out


def direction_of(hib) -> str:
    return "neutral" if hib is None else ("higher" if hib else "lower")


def hib_of(direction: str):
    return None if direction == "neutral" else direction == "higher"


def meta_from(result: IngestResult, name: str, unit: str, direction: str, source: str, year=None) -> dict:
    """The description the analyst gave; ``year`` (points layout: the year of the counts) is
    kept as an int or None."""
    suggested = result.suggested or {}
    name = (name or "").strip()[:200] or suggested.get("indicator") or result.filename
    try:
        year = int(year) if year is not None and not pd.isna(year) else None
    except (TypeError, ValueError):
        year = None
    return {"title": name, "indicator": name, "unit": (unit or "").strip()[:60] or None,
            "higher_is_better": hib_of(direction), "source": (source or "").strip()[:500] or None, "year": year}


def session_entry(result: IngestResult, meta: dict, records: pd.DataFrame | None = None) -> tuple[str, dict]:
    """(session dataset id, entry) for SESSION_KEY; the id never collides with saved ones.
    ``records`` replaces result.records (the point counts of a points layout)."""
    sid = f"sesi-{secrets.token_hex(4)}"
    full = {**meta, "id": sid, "filename": result.filename,
            "region_mapping": dict(result.options.region_mapping or {})}
    return sid, {"meta": full, "records": (result.records if records is None else records).copy()}


def first_indicator(sid: str, entry: dict) -> str | None:
    """The id of the first indicator a session upload adds (the pages open on it after "use")."""
    if entry["records"] is None or not len(entry["records"]):
        return None
    return next(iter(shelf.indicator_ids(sid, entry["meta"], entry["records"]).values()))


# ---------------------------------------------------------------------------
# points layout: facilities counted per region
# ---------------------------------------------------------------------------


def point_counts_table(report: PointReport, names: dict, lang: str) -> pd.DataFrame:
    """The kab/kota counts with region names, for st.dataframe."""
    c = report.counts.get("kabkota")
    if c is None:
        return pd.DataFrame(columns=["BPS", t("unggah.region", lang), t("unggah.count", lang)])
    return pd.DataFrame({"BPS": c["code"].astype(str).to_numpy(),
                         t("unggah.region", lang): c["code"].astype(str).map(lambda x: names.get(x, "")).to_numpy(),
                         t("unggah.count", lang): c["count"].astype("int64").to_numpy()})


def outside_table(report: PointReport, lang: str) -> pd.DataFrame:
    """The points not counted (or counted only by their region column), with the reason."""
    o = report.outside
    return pd.DataFrame({t("ingest.label.row", lang): o["row"].to_numpy(), "lat": o["lat"].to_numpy(),
                         "lon": o["lon"].to_numpy(), t("unggah.name", lang): o["name"].astype(object).to_numpy(),
                         t("ingest.label.reason", lang): _reasons(o["reason_key"], lang)})


def _reasons(keys: pd.Series, lang: str) -> list[str]:
    """The translated reason of every row, each distinct key translated once."""
    keys = keys.astype(object).tolist()
    text = {k: t(f"unggah.outside.{k}", lang) for k in dict.fromkeys(keys)}
    return [text[k] for k in keys]


def point_figures(report: PointReport) -> list[tuple[str, int]]:
    """(label key under unggah, number) for the point report's headline figures."""
    return [("points_read", report.points), ("counted_kabkota", report.counted.get("kabkota", 0)),
            ("counted_kecamatan", report.counted.get("kecamatan", 0)), ("points_outside", len(report.outside))]


def cleaned_table(result: IngestResult, records: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table to download: the records; for a points layout the points themselves."""
    if result.layout == "points" and result.points is not None:
        p = result.points
        return pd.DataFrame({"source_row": p["row"].to_numpy(), "name": p["name"].astype(object).to_numpy(),
                             "lat": p["lat"].to_numpy(), "lon": p["lon"].to_numpy(),
                             "region_code": p["region_code"].astype(object).to_numpy(),
                             "in_area": p["in_area"].to_numpy()})
    return result.cleaned(lang)


# ---------------------------------------------------------------------------
# Starting points offered on the upload page: a template and two example files that the reader
# takes as they are, with column headers in the UI's language and regions from data/regions.csv.
TEMPLATE_COLUMNS = ("region_code", "region_name", "year", "indicator", "value", "unit", "source")
EXAMPLE_INDICATOR = "population_census"        # BPS census counts: SP2010 and SP2020
EXAMPLE_REGIONS = ("3171", "3201", "3276")     # Jakarta Selatan, Kabupaten Bogor, Kota Depok
EXAMPLE_YEARS = (2010, 2020)


def template_headers(lang: str) -> list[str]:
    return [t(f"unggah.template.col.{c}", lang) for c in TEMPLATE_COLUMNS]


def template_frame(lang: str) -> pd.DataFrame:
    """The template: every region of the agglomeration area (code and name), the other columns
    empty for the analyst to fill in, one row per region, year and indicator."""
    from jabodash.geo.regions import load_regions
    regions = load_regions()
    regions = regions[regions["in_agglomeration"]]
    frame = pd.DataFrame({"region_code": regions["code"].tolist(), "region_name": regions["name"].tolist()})
    for column in TEMPLATE_COLUMNS[2:]:
        frame[column] = ""
    frame.columns = template_headers(lang)
    return frame


@lru_cache(maxsize=1)
def _example_rows() -> pd.DataFrame:
    """The census population of the example regions in the example years, with the source of
    each figure (data/observations.csv and data/datasets.csv)."""
    from jabodash.core.paths import DATA_DIR
    from jabodash.geo.regions import load_regions
    obs = pd.read_csv(DATA_DIR / "observations.csv", dtype={"region_code": str})
    titles = pd.read_csv(DATA_DIR / "datasets.csv", dtype=str, keep_default_na=False).set_index("id")["title"]
    rows = obs[(obs["indicator_id"] == EXAMPLE_INDICATOR) & obs["region_code"].isin(EXAMPLE_REGIONS)
               & obs["year"].isin(EXAMPLE_YEARS)].copy()
    names = load_regions().set_index("code")["name"]
    rows["region_name"] = rows["region_code"].map(names)
    rows["source"] = rows["dataset_id"].map(titles)
    order = {code: i for i, code in enumerate(EXAMPLE_REGIONS)}
    return rows.sort_values(["region_code", "year"], key=lambda s: s.map(order) if s.name == "region_code" else s)


def example_long(lang: str) -> pd.DataFrame:
    """A long file: one row per region and year, with indicator, unit and source columns."""
    from jabodash.core.catalog import load_catalog
    ind = load_catalog()[EXAMPLE_INDICATOR]
    rows = _example_rows()
    frame = pd.DataFrame({"region_code": rows["region_code"], "region_name": rows["region_name"],
                          "year": rows["year"].astype(int), "indicator": ind.name(lang),
                          "value": rows["value"].astype("int64"), "unit": ind.unit(lang), "source": rows["source"]})
    frame.columns = template_headers(lang)
    return frame.reset_index(drop=True)


def example_wide(lang: str) -> pd.DataFrame:
    """A wide file: one row per region, one column per year (the indicator is named on upload)."""
    rows = _example_rows()
    wide = rows.pivot(index="region_code", columns="year", values="value").astype("int64")
    wide = wide.loc[list(EXAMPLE_REGIONS)]
    names = rows.drop_duplicates("region_code").set_index("region_code")["region_name"]
    frame = pd.DataFrame({t("unggah.template.col.region_code", lang): wide.index,
                          t("unggah.template.col.region_name", lang): names.loc[wide.index].tolist()})
    for year in wide.columns:
        frame[str(year)] = wide[year].tolist()
    return frame.reset_index(drop=True)


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """One sheet, text cells written as text (an openpyxl cell starting with "=" is not a formula)."""
    import io

    from openpyxl import Workbook
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        ws.append([None if (isinstance(v, str) and v == "") else v for v in row])
    for cell in (c for r in ws.iter_rows() for c in r):
        if cell.data_type == "f":        # nothing from the data may become a formula
            cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def starter_files(lang: str) -> list[tuple[str, str, bytes, str, str]]:
    """The page's download buttons: (widget key, label, bytes, file name, MIME type); every CSV
    through csvsafe (no formula injection), headers and names in the UI's language."""
    from jabodash.core.csvsafe import to_safe_csv
    label = lambda key: t(f"unggah.template.{key}", lang)  # noqa: E731
    template = template_frame(lang)
    return [("u_tpl_csv", label("csv"), to_safe_csv(template), label("file_template") + ".csv", "text/csv"),
            ("u_tpl_xlsx", label("xlsx"), xlsx_bytes(template, label("sheet")), label("file_template") + ".xlsx",
             XLSX_MIME),
            ("u_ex_long", label("long"), to_safe_csv(example_long(lang)), label("file_long") + ".csv", "text/csv"),
            ("u_ex_wide", label("wide"), to_safe_csv(example_wide(lang)), label("file_wide") + ".csv", "text/csv")]


# ---------------------------------------------------------------------------
# Plausibility (issue 23): coverage of the 15 regions and flags beside the figures.

def plausibility_tables(result: IngestResult, records: pd.DataFrame | None, unit: str | None,
                        lang: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str], str]:
    """(coverage per indicator, flagged figures with the reason (the first 200), unit notes, a
    one-line summary: coverage and how many figures are flagged) of the upload."""
    rep = plausible.check(result.records if records is None else records, unit, lang)
    cov = pd.DataFrame({t("unggah.plaus.col.indicator", lang): [c["indicator"] for c in rep["coverage"]],
                        t("unggah.plaus.col.catalog", lang): [c["catalog_id"] or "–" for c in rep["coverage"]],
                        t("unggah.plaus.col.coverage", lang): [c["text"] for c in rep["coverage"]]})
    flags = pd.DataFrame({t("unggah.plaus.col.row", lang): [f["row"] for f in rep["flags"]],
                          t("unggah.plaus.col.region", lang): [f["region_code"] for f in rep["flags"]],
                          t("unggah.plaus.col.indicator", lang): [f["indicator"] for f in rep["flags"]],
                          t("unggah.plaus.col.year", lang): [f["year"] for f in rep["flags"]],
                          t("unggah.plaus.col.value", lang): [f["value"] for f in rep["flags"]],
                          t("unggah.plaus.col.check", lang): [f["text"] for f in rep["flags"]]})
    first = rep["coverage"][0]["text"] if rep["coverage"] else ""
    more = len(rep["coverage"]) - 1
    summary = t("unggah.plaus.summary", lang, coverage=first + (f" (+{more})" if more > 0 else ""),
                n=rep["flag_count"])
    return cov, flags, [u["text"] for u in rep["unit_flags"]], summary


# ---------------------------------------------------------------------------
# Unsaved uploads across a worker change: a marker in the URL says the browser had some.
# A session's unsaved uploads live in its worker's memory. When that worker dies, the proxy sends
# the browser to another worker (jabodash.cluster), where a new session starts from the URL: the
# view comes back, the uploads do not. While a session holds unsaved uploads, unsaved_marker adds
# ``unsaved=1`` to the URL the page writes; a session that starts with that marker but without
# uploads has lost them (worker change or reload), and the pages say so (jabodash.ui.shell).
# ---------------------------------------------------------------------------

MARKER_PARAM = "unsaved"
LOST_KEY = "_jabodash_uploads_lost"


def has_unsaved(session: Mapping) -> bool:
    """True when the session holds an uploaded file or uploads used in it (saved or not: the
    file uploader's file itself is per session)."""
    return bool(session.get(SESSION_KEY)) or bool(session.get(RAW_KEY))


def unsaved_marker(session: Mapping) -> dict[str, str]:
    """The URL parameter to add while the session holds uploads ({} otherwise)."""
    return {MARKER_PARAM: "1"} if has_unsaved(session) else {}


def take_unsaved_marker(params: MutableMapping) -> bool:
    """Remove the marker from parsed URL parameters; True when it was there."""
    return params.pop(MARKER_PARAM, None) is not None


def note_reconnect(had_marker: bool, session: MutableMapping) -> bool:
    """Record a loss: the URL had the marker but this session has no uploads. Returns True when
    the loss is new in this run. A new upload clears it."""
    if has_unsaved(session):
        session.pop(LOST_KEY, None)
        return False
    if had_marker and not session.get(LOST_KEY):
        session[LOST_KEY] = True
        return True
    return False


def uploads_lost(session: Mapping) -> bool:
    """True while the session knows that its earlier uploads were lost (until a new upload)."""
    return bool(session.get(LOST_KEY)) and not has_unsaved(session)
