"""Analyst uploads: read CSV, TSV and XLSX files as they come and say what was understood.

Entry point: :func:`read_upload` (bytes in, :class:`IngestResult` out). It never raises for
bad input: every problem becomes a message (an i18n key under ``ingest.`` plus parameters)
in ``result.errors`` (the file cannot be used) or ``result.warnings`` (it can, with gaps),
or a row in ``result.skipped`` (row number, column, value, reason).

What is read
------------
* Files: CSV/TSV/TXT text, and ``.xlsx`` (first sheet, or ``options.sheet``). Old ``.xls``,
  ``.ods``, PDF, images, archives and other binary data are refused with a message.
* Encodings: UTF-8, UTF-8 with BOM, UTF-16 LE/BE (with or without BOM, Excel's "Unicode
  text"), else Windows-1252 (Latin-1 when a byte is undefined in 1252). CRLF, LF or CR.
* Delimiter: ``,`` ``;`` tab ``|``, the one giving the most rows with the same field count
  (near ties go to tab, ``;``, ``|``, then ``,``; ``.tsv`` prefers tab).
* Title lines above the header (kept as ``title_lines``; a row of super-headers such as
  "Jumlah Penduduk (Jiwa)" fills empty header cells and names the indicator), blank lines,
  notes below the table (``Sumber: ...``, kept as ``notes``), repeated header lines, a BPS
  column-numbering row ``(1) (2) (3)``, total rows (``Jumlah``, a province) and ragged rows.
* Numbers: Indonesian ``1.234.567,89``, English ``1,234,567.89``, plain, with ``%``, ``Rp``
  or spaces. The form is decided per column from all of its values; a column whose values
  fit both forms with different meanings (``1.234`` alone) is "ambiguous": its ambiguous
  cells are skipped and the column is listed in ``ambiguous_columns`` until the analyst
  sets ``options.number_formats``. Spreadsheet cells that are numbers are used as numbers.
* Missing markers ``-`` ``--`` ``–`` ``—`` ``..`` ``...`` ``…`` ``n/a`` ``NA`` ``#N/A`` ``x``
  ``null`` ``nan`` and empty cells are missing: counted, listed, never zero.
* Layouts: ``long`` (region, year, value, optional indicator column), ``wide_years`` (one
  column per year), ``wide_indicators`` (one column per indicator, with or without a year
  column), ``points`` (latitude/longitude columns). Detected, overridable in options.
* Regions through :mod:`jabodash.geo.regions` (names or BPS codes; kab/kota 4-digit, kecamatan
  7-digit), each distinct value matched once. ``options.region_mapping`` {raw: code} wins.
* Years ``2023``, ``2023*`` (preliminary), ``2023-06`` (period), ``Tahun 2023``; a single
  year in the title is used when there is no year column.

For the upload page
-------------------
``result = read_upload(data, name, IngestOptions(...), matcher=matcher_with_cached_kecamatan())``
then show ``result.errors`` / ``result.warnings`` (``Message.markdown(lang)``), the detected
settings (encoding, delimiter, number_format, layout, level, roles), ``result.preview`` (raw
table, index = line number), ``result.skipped`` (DataFrame: row, column, value, reason_key,
reason), ``result.unmatched`` (values with suggested codes, for the manual mapping),
``result.ambiguous_columns`` (ask "Indonesian or English?") and ``result.suggested`` (defaults
for indicator name, unit, higher_is_better, source). Corrections go back in through a new
IngestOptions (keep the bytes in the session and read again). ``result.cleaned(lang)`` is the
table to download (through exports_csv.to_safe_csv); :func:`count_points` turns a points
layout into counts per region; :mod:`jabodash.store.workspace` saves, lists and loads datasets.

Hostile text (HTML, scripts, Markdown, formulas) is kept as inert text: nothing is ever
evaluated. Pages show cell text with ``st.dataframe``/``st.text`` or through
:meth:`Message.markdown`, which escapes parameters; CSV downloads go through
:func:`jabodash.core.csvsafe.to_safe_csv`.

The JSON report (:meth:`IngestResult.to_json`, printed by ``python -m jabodash ingest FILE
--json``), schema ``jabodash.ingest/1``; keys are never removed or renamed, new keys may be
added::

    schema          "jabodash.ingest/1"
    ok              true when the file can be used (errors is empty)
    file            the sanitised file name;  size_bytes, sha256
    file_type       "csv" | "xlsx";  sheet / sheets for xlsx
    encoding        "utf-8" | "utf-8-sig" | "utf-16-le" | "utf-16-be" | "windows-1252" | "latin-1"
                    | null (xlsx, or not read)
    delimiter       "," | ";" | "\\t" | "|" | null
    header_row      1-based line of the header (0: no header row), title_lines, notes
    columns         the table's column names
    roles           {"region", "year", "indicator", "unit", "lat", "lon": column name or null,
                     "values": [column names], "ignored": [column names]}
    number_format   "id" | "en" | "plain" | "native" | "decimal" (coordinates) | "mixed" | "ambiguous"
                    | null
    number_formats  {column: one of the above for that column}
    layout          "long" | "wide_years" | "wide_indicators" | "points" | null
    level           "kabkota" | "kecamatan" | null
    rows_read       data rows below the header (blank lines not counted)
    rows_used       data rows that gave at least one record (or a valid point)
    records_count   number of records
    blank_lines     blank lines below the header
    skipped         [{"row", "column", "value", "reason", "reason_key"}]: row is the 1-based line
                    number in the file (the sheet row for xlsx); column may be null
    missing         {"count": n, "by_marker": {marker: n}}
    unmatched       [{"value", "status" ("unknown" | "ambiguous"), "suggestions": [codes],
                      "suggestion_names": [names], "rows": n, "first_row": line}]
    ambiguous_columns [{"column", "examples": [...], "likely": "id" | "en" | null}]
    errors          [{"key", "message", "params"}]: why the file cannot be used (message in the
                    requested language; key translatable with jabodash.core.i18n.t)
    warnings        [{"key", "message", "params"}]: what was read with gaps
    suggested       {"indicator", "unit", "higher_is_better", "source", "year"}
    records         [{"region_code", "indicator", "year", "value", "preliminary", "period"}]
    points          [{"row", "lat", "lon", "name", "in_area"}] (points layout only, else [])

This module must not import streamlit.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import threading
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from jabodash.core.i18n import t

SCHEMA = "jabodash.ingest/1"
LAYOUTS = ("long", "wide_years", "wide_indicators", "points")
LEVELS = ("kabkota", "kecamatan")
NUMBER_FORMATS = ("id", "en")
DELIMITERS = (",", ";", "\t", "|")
DEFAULT_MAX_UPLOAD_MB = 200
PREVIEW_ROWS = 20
MAX_COLUMNS = 500
MISSING_MARKERS = ("", "-", "--", "---", "\u2013", "\u2014", "..", "...", "\u2026", "n/a", "na", "#n/a",
                   "x", "null", "nan")
# Rough bounding box of the 15 regions (Kepulauan Seribu in the north to Cianjur's coast).
AREA_BBOX = {"lat_min": -7.50, "lat_max": -5.05, "lon_min": 106.25, "lon_max": 107.45}
RECORD_COLUMNS = ("region_code", "indicator", "year", "period", "preliminary", "value", "row", "column")


def max_upload_bytes() -> int:
    """The size limit for one upload: JABODASH_MAX_UPLOAD_MB (MiB, default 200)."""
    raw = os.environ.get("JABODASH_MAX_UPLOAD_MB", "").strip()
    try:
        mb = float(raw) if raw else float(DEFAULT_MAX_UPLOAD_MB)
    except ValueError:
        mb = float(DEFAULT_MAX_UPLOAD_MB)
    if not math.isfinite(mb) or mb <= 0:
        mb = float(DEFAULT_MAX_UPLOAD_MB)
    return int(mb * 1024 * 1024)


MAX_UPLOAD_BYTES = max_upload_bytes()


# ---------------------------------------------------------------------------
# Messages, options, result
# ---------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, bool)) or value is None:
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


@dataclass(frozen=True)
class Message:
    """A translatable message: an i18n key and its parameters (plain text values)."""

    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str = "id") -> str:
        return t(self.key, lang, **self.params)

    def markdown(self, lang: str = "id") -> str:
        """The message with every parameter Markdown-escaped (parameters may hold file text)."""
        from jabodash.core.textsafe import md_escape
        return t(self.key, lang, **{k: md_escape(v) for k, v in self.params.items()})

    def to_dict(self, lang: str = "en") -> dict:
        return {"key": self.key, "message": self.text(lang), "params": _jsonable(self.params)}


@dataclass
class IngestOptions:
    """The analyst's corrections; every field None/empty means "detect".

    sheet: xlsx sheet name or 1-based index. header_row: 1-based line of the header row
    (0: the file has no header row). Column fields take column names as shown in the report.
    number_formats: {column: "id" | "en"}; number_format: the same for every value column.
    region_mapping: {raw value: BPS code}, applied before the matcher. year: used when the
    file has no year. indicator: the indicator name for long/wide_years files.
    """

    sheet: str | int | None = None
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    layout: str | None = None
    level: str | None = None
    region_column: str | None = None
    year_column: str | None = None
    indicator_column: str | None = None
    value_columns: list[str] | None = None
    lat_column: str | None = None
    lon_column: str | None = None
    number_format: str | None = None
    number_formats: dict[str, str] = field(default_factory=dict)
    region_mapping: dict[str, str] = field(default_factory=dict)
    year: int | None = None
    indicator: str | None = None
    max_bytes: int | None = None

    def to_dict(self) -> dict:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict | None) -> "IngestOptions":
        """Build options from stored JSON; unknown keys and wrong types are dropped."""
        out = cls()
        if not isinstance(data, dict):
            return out
        for f in fields(cls):
            if f.name not in data or data[f.name] is None:
                continue
            value = data[f.name]
            if f.name in ("number_formats", "region_mapping"):
                if isinstance(value, dict):
                    setattr(out, f.name, {str(k): str(v) for k, v in value.items()})
            elif f.name == "value_columns":
                if isinstance(value, (list, tuple)):
                    out.value_columns = [str(v) for v in value]
            elif f.name in ("header_row", "year", "max_bytes"):
                if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                    setattr(out, f.name, int(value))
            elif f.name == "sheet":
                if isinstance(value, (str, int)) and not isinstance(value, bool):
                    out.sheet = value
            elif isinstance(value, str):
                setattr(out, f.name, value)
        return out


@dataclass
class IngestResult:
    """Everything read_upload understood about one file. See the module docstring."""

    filename: str = ""
    size_bytes: int = 0
    sha256: str = ""
    file_type: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    title_lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    roles: dict = field(default_factory=dict)
    layout: str | None = None
    level: str | None = None
    number_format: str | None = None
    number_formats: dict[str, str] = field(default_factory=dict)
    ambiguous_columns: list[dict] = field(default_factory=list)
    rows_read: int = 0
    rows_used: int = 0
    blank_lines: int = 0
    records: pd.DataFrame = field(default_factory=lambda: _empty_records())
    points: pd.DataFrame | None = None
    skipped: pd.DataFrame = field(default_factory=lambda: _empty_skipped())
    unmatched: list[dict] = field(default_factory=list)
    missing: dict = field(default_factory=lambda: {"count": 0, "by_marker": {}})
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    suggested: dict = field(default_factory=dict)
    options: IngestOptions = field(default_factory=IngestOptions)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, key: str, **params) -> "IngestResult":
        self.errors.append(Message(f"ingest.error.{key}", params))
        return self

    def warn(self, key: str, **params) -> None:
        self.warnings.append(Message(f"ingest.warning.{key}", params))

    def skipped_list(self, limit: int | None = None) -> list[dict]:
        df = self.skipped if limit is None else self.skipped.head(limit)
        out = []
        for row, column, value, key, reason in zip(df["row"], df["column"], df["value"], df["reason_key"],
                                                   df["reason"]):
            out.append({"row": int(row), "column": None if _isna(column) else str(column),
                        "value": "" if _isna(value) else str(value), "reason": str(reason),
                        "reason_key": str(key)})
        return out

    def records_list(self) -> list[dict]:
        r = self.records
        out = []
        for code, ind, year, value, prelim, period in zip(r["region_code"], r["indicator"], r["year"], r["value"],
                                                          r["preliminary"], r["period"]):
            out.append({"region_code": str(code), "indicator": str(ind),
                        "year": None if _isna(year) else int(year),
                        "value": None if _isna(value) else float(value),
                        "preliminary": bool(prelim), "period": None if _isna(period) else str(period)})
        return out

    def summary(self, lang: str = "en") -> dict:
        """The JSON report without records, points and the full skipped list (for meta.json)."""
        out = self.to_json(lang=lang, include_records=False)
        out["skipped_count"] = len(self.skipped)
        out["skipped"] = out["skipped"][:200]
        return out

    def to_json(self, lang: str = "en", include_records: bool = True) -> dict:
        """The stable JSON form (schema jabodash.ingest/1), documented in the module docstring."""
        points = []
        if include_records and self.points is not None:
            p = self.points
            for row, lat, lon, name, inside in zip(p["row"], p["lat"], p["lon"], p["name"], p["in_area"]):
                points.append({"row": int(row), "lat": float(lat), "lon": float(lon),
                               "name": None if _isna(name) else str(name), "in_area": bool(inside)})
        return {
            "schema": SCHEMA,
            "ok": self.ok,
            "file": self.filename,
            "size_bytes": self.size_bytes,
            "sha256": self.sha256,
            "file_type": self.file_type,
            "sheet": self.sheet,
            "sheets": list(self.sheets),
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "header_row": self.header_row,
            "title_lines": list(self.title_lines),
            "notes": list(self.notes),
            "columns": list(self.columns),
            "roles": _jsonable(self.roles),
            "number_format": self.number_format,
            "number_formats": dict(self.number_formats),
            "layout": self.layout,
            "level": self.level,
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "records_count": len(self.records),
            "blank_lines": self.blank_lines,
            "skipped": self.skipped_list(),
            "missing": _jsonable(self.missing),
            "unmatched": _jsonable(self.unmatched),
            "ambiguous_columns": _jsonable(self.ambiguous_columns),
            "warnings": [m.to_dict(lang) for m in self.warnings],
            "errors": [m.to_dict(lang) for m in self.errors],
            "suggested": _jsonable(self.suggested),
            "records": self.records_list() if include_records else [],
            "points": points,
        }

    def cleaned(self, lang: str = "id", matcher=None) -> pd.DataFrame:
        """The records for display and download: with the region name in the UI language.
        Write it with jabodash.core.csvsafe.to_safe_csv."""
        m = _get_matcher(matcher)
        r = self.records
        codes = [str(c) for c in pd.unique(r["region_code"].astype(str))]
        names = {}
        for code in codes:
            try:
                names[code] = str(m.name(code, lang=lang))
            except Exception:
                names[code] = code
        return pd.DataFrame({
            "region_code": r["region_code"].astype(str).to_numpy(),
            "region_name": r["region_code"].astype(str).map(names).to_numpy(),
            "indicator": r["indicator"].astype(str).to_numpy(),
            "year": r["year"].to_numpy(),
            "period": r["period"].astype(str).to_numpy(),
            "preliminary": r["preliminary"].to_numpy(),
            "value": r["value"].to_numpy(),
            "source_row": r["row"].to_numpy(),
        })

    def to_json_str(self, lang: str = "en", indent: int | None = 2) -> str:
        return json.dumps(self.to_json(lang=lang), ensure_ascii=False, indent=indent, allow_nan=False)


def _isna(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _empty_records() -> pd.DataFrame:
    def cat():
        return pd.Series(pd.Categorical([], categories=pd.Index([], dtype="str")))
    return pd.DataFrame({
        "region_code": cat(), "indicator": cat(), "year": pd.Series([], dtype="Int64"), "period": cat(),
        "preliminary": pd.Series([], dtype=bool), "value": pd.Series([], dtype="float64"),
        "row": pd.Series([], dtype="int64"), "column": cat()})


def _empty_skipped() -> pd.DataFrame:
    return pd.DataFrame({"row": pd.Series([], dtype="int64"), "column": pd.Series([], dtype=object),
                         "value": pd.Series([], dtype=object), "reason_key": pd.Series([], dtype="str"),
                         "reason": pd.Series([], dtype="str")})


def reason_text(key: str, lang: str = "en") -> str:
    return t(f"ingest.reason.{key}", lang)


# ---------------------------------------------------------------------------
# Small text helpers
# ---------------------------------------------------------------------------

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_filename(name: str | None, default: str = "upload") -> str:
    """A file name safe on every system: base name only, [A-Za-z0-9._-], no leading dot."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = text.replace("\\", "/").split("/")[-1]
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", text)
    text = re.sub(r"_{2,}", "_", text).strip("._- ")
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    stem = stem[:80].strip("._-")
    ext = ext[:10]
    if not stem or stem.upper() in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                                    *(f"LPT{i}" for i in range(10))}:
        stem = (stem + "_" if stem else "") + default
    return f"{stem}.{ext}" if ext else stem


def _clip(text: Any, limit: int = 200) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= limit else s[:limit] + "\u2026"


def _norm_header(text: str) -> str:
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"\([^)]*\)", " ", s)
    s = re.sub(r"[_/\\.\-:,]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


_HINTS = [
    ("rownum", re.compile(r"^(no|nomor|no urut|urut|#|nr|number)$")),
    ("lat", re.compile(r"^(lat|latitude|lintang|garis lintang|y)$")),
    ("lon", re.compile(r"^(lon|lng|long|longitude|bujur|garis bujur|x)$")),
    ("year", re.compile(r"^(tahun|year|thn|th|periode|period|tahun data|periode data|waktu|time)$")),
    ("unit", re.compile(r"^(satuan|unit|units|satuan data)$")),
    ("indicator", re.compile(r"\b(indikator|indicator|variabel|variable|uraian|rincian|nama indikator|"
                             r"nama variabel|series)\b")),
    ("dimension", re.compile(r"\b(jenis|kategori|category|kelompok|group|jenis kelamin|sex|gender|item)\b")),
    ("value", re.compile(r"^(nilai|value|values|angka|jumlah|total|data|val|besaran)$")),
    ("region", re.compile(r"\b(wilayah|kabupaten|kota|kab|kabkota|kab kota|kabupaten kota|kecamatan|kec|"
                          r"region|regency|city|district|daerah|adm2|adm3|kemendagri|kode bps|bps)\b")),
    ("name", re.compile(r"\b(nama|name|fasilitas|facility|lokasi|location|alamat)\b")),
]


def _hint(name: str) -> str | None:
    norm = _norm_header(name)
    for role, rx in _HINTS:
        if rx.search(norm):
            return role
    return None


_YEAR_RE = re.compile(
    r"^(?:(?:tahun|year|thn|th)\.?\s*)?((?:19|20)\d{2})"
    r"(?:\s*(\*{1,3})\)?"
    r"|\s*[-/.]\s*(0?[1-9]|1[0-2])(?:\s*[-/.]\s*\d{1,2}(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?)?"
    r"|\.0+"
    r"|\s*\(([^)]{0,40})\))?\s*$", re.IGNORECASE | re.ASCII)
_PRELIM_WORDS = re.compile(r"^\s*(p|sementara|angka sementara|prelim\w*|provisional|\*+)\s*$", re.I)


def parse_year(text: Any) -> tuple[int, str, bool] | None:
    """'2023' -> (2023, '2023', False); '2023*' -> preliminary; '2023-06' -> period '2023-06'."""
    if text is None:
        return None
    s = str(text).strip()
    if not s or len(s) > 60:
        return None
    m = _YEAR_RE.match(s)
    if not m:
        return None
    year = int(m.group(1))
    if not 1900 <= year <= 2100:
        return None
    prelim = bool(m.group(2)) or bool(m.group(4) and _PRELIM_WORDS.match(m.group(4)))
    period = f"{year}-{int(m.group(3)):02d}" if m.group(3) else str(year)
    return year, period, prelim


_NOTE_RE = re.compile(r"^\s*(sumber|source|sources|catatan|note|notes|keterangan|ket|nb|disclaimer)\s*[:.]"
                      r"|^\s*\*+\s*\)|^\s*\d\)\s|^\s*\*\s", re.IGNORECASE)
_NOTE_RE_RE2 = (r"(?i)^\s*(sumber|source|sources|catatan|note|notes|keterangan|ket|nb|disclaimer)\s*[:.]"
                r"|^\s*\*+\s*\)|^\s*\d\)\s|^\s*\*\s")
_SOURCE_RE = re.compile(r"^\s*(sumber|source|sources)\s*[:.]\s*(.+)$", re.IGNORECASE)
_AGGREGATE_RE = re.compile(
    r"^(jumlah|total|jumlah total|total jumlah|grand total|jumlah/total|total/jumlah|sub ?total|subjumlah|"
    r"jabodetabek|jabodetabekjur|jabodetabek ?\+ ?cianjur|kawasan aglomerasi.*|aglomerasi.*|indonesia|"
    r"dki jakarta|provinsi dki jakarta|jawa barat|provinsi jawa barat|banten|provinsi banten|"
    r"(provinsi|propinsi|prov\.?) .*|province.*|all|semua|rata-rata|rerata|average)$", re.IGNORECASE)
_COLNUM_RE = re.compile(r"^\(?\d{1,2}\)?$", re.ASCII)
_MISSING_RE2 = (r"^(?i:|-{1,3}|\x{2013}|\x{2014}|\.{2,3}|\x{2026}|n/?a|#n/a|x|null|nan)$")
_MISSING_SET = set(MISSING_MARKERS)
_NUMLIKE_RE = re.compile(r"^[+\-\u2212]?(?:rp\.?)?(\d[\d.,]*|[.,]\d+)(?:[eE][+-]?\d+)?%?$", re.IGNORECASE)


def _is_missing_text(s: str) -> bool:
    return s.strip().lower() in _MISSING_SET


def _numlike(s: str) -> bool:
    return bool(_NUMLIKE_RE.match(re.sub(r"[\s\u00a0\u202f\u2009]", "", s)))


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

_R_INT = r"^[+-]?\d+$"
_R_AMB_DOT = r"^[+-]?[1-9]\d{0,2}\.\d{3}$"
_R_AMB_COMMA = r"^[+-]?[1-9]\d{0,2},\d{3}$"
_R_ID = r"^[+-]?(?:[1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,\d+)?$"
_R_EN = r"^[+-]?(?:(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d{1,3})?$"
_R_DEC = r"^[+-]?\d+(?:[.,]\d+)?$"

# cell status codes
OK, MISSING, NOT_A_NUMBER, AMBIGUOUS, CONFLICT = 0, 1, 2, 3, 4
_STATUS_REASON = {MISSING: "missing", NOT_A_NUMBER: "not_a_number", AMBIGUOUS: "ambiguous_number",
                  CONFLICT: "number_format_conflict"}


@dataclass
class NumberColumn:
    """Parsed numbers of one column: values (NaN when not usable) and a status per cell."""

    values: np.ndarray
    status: np.ndarray
    format: str | None
    ambiguous_examples: list[str] = field(default_factory=list)
    likely: str | None = None
    percent: bool = False
    conflicts: int = 0


def _match(arr: pa.Array, pattern: str) -> np.ndarray:
    return pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False)


_P_INT = re.compile(_R_INT, re.ASCII)
_P_AMB = re.compile(f"{_R_AMB_DOT}|{_R_AMB_COMMA}", re.ASCII)
_P_ID = re.compile(_R_ID, re.ASCII)
_P_EN = re.compile(_R_EN, re.ASCII)
_P_DEC = re.compile(_R_DEC, re.ASCII)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
_RP = re.compile(r"^([+-]?)rp\.?", re.IGNORECASE)
# shape classes
_S_TEXT, _S_MISSING, _S_INT, _S_AMB, _S_ID, _S_EN, _S_DEC = range(7)


def _shape_class(shape: str, decimal_only: bool) -> tuple[int, bool, bool]:
    """(class, has percent sign, needs cleaning) of one number shape (digits 1-9 written as 9)."""
    if shape.lower() in _MISSING_SET:
        return _S_MISSING, False, False
    c = _SPACES.sub("", shape)
    c = _RP.sub(r"\1", c)
    pct = c.endswith("%")
    if pct:
        c = c[:-1]
    c = c.replace("\u2212", "-")
    dirty = c != shape
    if decimal_only:
        return (_S_DEC if _P_DEC.match(c) else _S_TEXT), pct, dirty
    if _P_INT.match(c):
        return _S_INT, pct, dirty
    if _P_AMB.match(c):
        return _S_AMB, pct, dirty
    if _P_ID.match(c):
        return _S_ID, pct, dirty
    if _P_EN.match(c):
        return _S_EN, pct, dirty
    return _S_TEXT, pct, dirty


def _string_parts(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, data bytes) of a string array without nulls, offsets starting at 0."""
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int32)[arr.offset: arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    data = data[offsets[0]: offsets[-1]] if len(offsets) else data[:0]
    return offsets - (offsets[0] if len(offsets) else 0), data


def _from_parts(offsets: np.ndarray, data: np.ndarray) -> pa.Array:
    return pa.StringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets.astype(np.int32)),
                                       pa.py_buffer(np.ascontiguousarray(data, dtype=np.uint8)))


def _digit_shapes(arr: pa.Array) -> pa.Array:
    """Every digit 1-9 written as 9 (ASCII bytes only, so UTF-8 stays valid)."""
    offsets, data = _string_parts(arr)
    shaped = data.copy()
    shaped[(data >= 49) & (data <= 57)] = 57
    return _from_parts(offsets, shaped)


def _drop_and_map(arr: pa.Array, drop: bytes, mapping: dict[bytes, bytes]) -> pa.Array:
    """Remove the ASCII characters in drop and replace single ASCII characters (vectorised)."""
    offsets, data = _string_parts(arr)
    removed = np.zeros(len(data), dtype=bool)
    for ch in drop:
        removed |= data == ch
    out = data.copy()
    for a, b in mapping.items():
        out[data == a[0]] = b[0]
    if removed.any():
        gone = np.flatnonzero(removed)
        offsets = offsets - np.searchsorted(gone, offsets)  # removed bytes before each offset
        out = out[~removed]
    return _from_parts(offsets, out)


def parse_numbers(values, number_format: str | None = None, decimal_only: bool = False,
                  native: np.ndarray | None = None) -> NumberColumn:
    """Parse a column of number texts; decide its form (id/en/plain) from all its values.

    number_format forces "id" or "en". decimal_only (coordinates): one '.' or ',' is the
    decimal mark, no thousands separators. native: float array of cells that already are
    numbers (spreadsheets), NaN elsewhere; those are taken as they are.

    Every cell is classified by its shape (the text with digits 1-9 written as 9), so the
    patterns run once per distinct shape, not once per cell.
    """
    if isinstance(values, pa.ChunkedArray):
        arr = values.combine_chunks()
    elif isinstance(values, pa.Array):
        arr = values
    else:
        arr = pa.array(["" if _isna(v) else str(v) for v in values], type=pa.string())
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    n = len(arr)
    s = pc.utf8_trim_whitespace(arr)
    if s.null_count:
        s = pc.fill_null(s, "")
    shapes = pc.dictionary_encode(_digit_shapes(s))
    sidx = shapes.indices.to_numpy(zero_copy_only=False)
    klass = [_shape_class(x, decimal_only) for x in shapes.dictionary.to_pylist()]
    cls = np.asarray([k[0] for k in klass] or [_S_TEXT], dtype=np.int8)[sidx] if n else np.zeros(0, np.int8)
    pct_any = any(k[1] for k in klass)
    dirty = any(k[2] for k in klass)
    c = s
    if dirty:
        c = pc.replace_substring_regex(c, r"[\s\x{00a0}\x{202f}\x{2009}]", "")
        c = pc.replace_substring_regex(c, r"^([+-]?)(?i:rp)\.?", r"\1")
        c = pc.replace_substring_regex(c, r"%$", "")
        c = pc.replace_substring(c, "\u2212", "-")
    missing = cls == _S_MISSING
    status = np.full(n, NOT_A_NUMBER, dtype=np.int8)
    status[missing] = MISSING
    out = NumberColumn(values=np.full(n, np.nan), status=status, format=None, percent=pct_any)
    if native is not None:
        native = np.asarray(native, dtype="float64")
        is_native = ~np.isnan(native)
    else:
        is_native = np.zeros(n, dtype=bool)
    text_cells = ~missing & ~is_native

    if decimal_only:
        valid = (cls == _S_DEC) & text_cells
        conv = _drop_and_map(c, b"", {b",": b"."})
        out.format = "decimal"
    else:
        is_int = (cls == _S_INT) & text_cells
        amb = (cls == _S_AMB) & text_cells
        id_only = (cls == _S_ID) & text_cells
        en_only = (cls == _S_EN) & text_cells
        n_id, n_en, n_amb = int(id_only.sum()), int(en_only.sum()), int(amb.sum())
        forced = number_format if number_format in NUMBER_FORMATS else None
        if forced:
            fmt = forced
        elif n_id and n_en:
            fmt = "id" if n_id > n_en else "en" if n_en > n_id else None
        elif n_id:
            fmt = "id"
        elif n_en:
            fmt = "en"
        else:
            fmt = None
        if fmt == "id":
            valid = is_int | id_only | amb
            conv = _drop_and_map(c, b".", {b",": b"."})
            wrong = en_only
        elif fmt == "en":
            valid = is_int | en_only | amb
            conv = _drop_and_map(c, b",", {})
            wrong = id_only
        else:  # undecided: integers are safe; the rest is ambiguous
            valid = is_int
            conv = c
            wrong = id_only | en_only
        if fmt is None and (n_amb or n_id or n_en):
            out.format = "ambiguous"
            status[amb | wrong] = AMBIGUOUS
            out.ambiguous_examples = [str(u) for u in dict.fromkeys(
                s.filter(pa.array(amb | wrong)).slice(0, 200).to_pylist())][:5]
        else:
            if fmt is None:
                out.format = "plain" if is_int.any() else None
            elif not (n_id or n_en or n_amb):
                out.format = fmt if forced else "plain"
            else:
                out.format = fmt
            if wrong.any():
                status[wrong] = CONFLICT
                out.conflicts = int(wrong.sum())
    if valid.any():
        masked = pc.if_else(pa.array(valid), conv, pa.scalar(None, pa.string()))
        try:
            nums = pc.cast(masked, pa.float64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            nums = np.array([_to_float(x) for x in masked.to_pylist()], dtype="float64")
        nums = np.where(valid, nums, np.nan)
        ok = valid & np.isfinite(nums)
        out.values[ok] = nums[ok]
        status[ok] = OK
    if is_native.any():
        finite = is_native & np.isfinite(native)
        out.values[finite] = native[finite]
        status[finite] = OK
        if out.format in (None, "plain") and not (status[text_cells] == OK).any():
            out.format = "native"
    return out


def _to_float(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


# ---------------------------------------------------------------------------
# Reading bytes: kind, size, encoding, delimiter
# ---------------------------------------------------------------------------

_MAGIC = [
    (b"PK\x03\x04", "zip"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"), (b"%PDF", "pdf"),
    (b"\x89PNG", "png"), (b"GIF8", "gif"), (b"\xff\xd8\xff", "jpeg"), (b"\x1f\x8b", "gzip"),
    (b"PAR1", "parquet"), (b"BZh", "bzip2"), (b"7z\xbc\xaf", "7z"), (b"Rar!", "rar"),
    (b"\x7fELF", "elf"), (b"MZ", "exe"), (b"SQLite format 3", "sqlite"),
]


def _magic(data: bytes) -> str | None:
    for sig, kind in _MAGIC:
        if data.startswith(sig):
            if kind == "exe" and not (len(data) > 64 and b"PE" in data[:1024]):
                continue
            return kind
    return None


def _detect_encoding(data: bytes, forced: str | None) -> tuple[str, str]:
    """(text, label). Raises UnicodeError when a forced encoding does not fit."""
    if forced:
        label = forced.strip().lower().replace("_", "-")
        aliases = {"cp1252": "windows-1252", "utf8": "utf-8", "latin1": "latin-1", "iso-8859-1": "latin-1",
                   "utf-8-bom": "utf-8-sig", "utf16": "utf-16", "ascii": "utf-8"}
        label = aliases.get(label, label)
        text = data.decode(label)
        if label in ("utf-8", "utf-8-sig") and text.startswith("\ufeff"):
            text = text[1:]
        if label == "utf-16":
            label = "utf-16-be" if data.startswith(b"\xfe\xff") else "utf-16-le"
        return text, label
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return data.decode("utf-32"), "utf-32"
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le"), "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be"), "utf-16-be"
    head = data[:4096]
    if len(head) >= 4:
        even_nul = head[0::2].count(0) / max(1, len(head[0::2]))
        odd_nul = head[1::2].count(0) / max(1, len(head[1::2]))
        if odd_nul > 0.3 and even_nul < 0.05:
            return data.decode("utf-16-le"), "utf-16-le"
        if even_nul > 0.3 and odd_nul < 0.05:
            return data.decode("utf-16-be"), "utf-16-be"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


_C0_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_C1_CHARS = re.compile("[\x80-\x9f]")


def _looks_binary(text: str) -> bool:
    """NUL bytes, or more control characters than any text table has."""
    head = text[:65536]
    if not head:
        return False
    if "\x00" in head:
        return True
    c0 = len(_C0_CHARS.findall(head))
    c1 = len(_C1_CHARS.findall(head))
    return c0 > max(4, 0.005 * len(head)) or c1 > max(8, 0.05 * len(head))


def _sniff_records(sample: str, delimiter: str, limit: int = 400) -> list[list[str]]:
    _raise_field_limit()
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, quotechar='"',
                              doublequote=True, strict=False):
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def _sniff_delimiter(sample: str, filename: str) -> tuple[str | None, dict[str, int]]:
    scores: dict[str, int] = {}
    for d in DELIMITERS:
        counts = Counter(len(r) for r in _sniff_records(sample, d) if any(c.strip() for c in r))
        multi = {k: v for k, v in counts.items() if k >= 2}
        scores[d] = max(multi.values()) if multi else 0
    best = max(scores.values())
    if best == 0:
        return None, scores
    prefer = ["\t", ";", "|", ","]
    if filename.lower().endswith((".csv",)):
        prefer = [";", "\t", "|", ","]
    eligible = [d for d in prefer if scores[d] >= 0.9 * best]
    if filename.lower().endswith((".tsv", ".tab")) and scores["\t"] >= 0.5 * best:
        return "\t", scores
    return eligible[0], scores


def _table_width(rows: list[list[str]]) -> int:
    counts = Counter(len(r) for r in rows if len(r) >= 2 and any(c.strip() for c in r))
    if not counts:
        return 0
    top = max(counts.values())
    return max(k for k, v in counts.items() if v == top)


_FIELD_LIMIT_SET = False


def _raise_field_limit() -> None:
    global _FIELD_LIMIT_SET
    if not _FIELD_LIMIT_SET:
        csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
        _FIELD_LIMIT_SET = True


# ---------------------------------------------------------------------------
# The grid: rows of text cells with their line numbers
# ---------------------------------------------------------------------------


@dataclass
class _Grid:
    cols: list[pa.Array]           # W string arrays (rows with the table's field count)
    lines: np.ndarray              # line (or sheet row) of each of those rows
    odd: list[tuple[int, list[str], str]]  # (line, fields, raw text) of rows with another field count
    width: int
    native: dict[int, np.ndarray] | None = None  # xlsx: numeric cells per column (NaN elsewhere)

    @property
    def n(self) -> int:
        return len(self.lines)


def _split_line(text: str, delimiter: str) -> list[str]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False))
    except csv.Error:
        return text.split(delimiter)
    if not rows:
        return []
    out = rows[0]
    for extra in rows[1:]:
        out = out + extra
    return out


_BREAK_RE = re.compile(r"\r\n|\r|\n")


def _parse_pyarrow(buf: bytes, delimiter: str, width: int) -> _Grid | None:
    names = [f"c{i}" for i in range(width)]
    invalid: list[tuple[int | None, str]] = []

    def handler(row) -> str:
        invalid.append((row.number, row.text))
        return "skip"

    quoted = b'"' in buf
    try:
        table = pacsv.read_csv(
            pa.BufferReader(buf),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                             escape_char=False, newlines_in_values=quoted,
                                             ignore_empty_lines=False, invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=True))
    except (pa.ArrowException, ValueError, OverflowError):
        return None
    n_valid = table.num_rows
    numbers = [num for num, _ in invalid]
    if any(num is None for num in numbers):
        return None
    total = n_valid + len(invalid)
    inv = np.asarray(numbers, dtype=np.int64)
    if len(inv) and (inv.min() < 1 or inv.max() > total or len(np.unique(inv)) != len(inv)
                     or np.any(np.diff(inv) <= 0)):
        return None
    cols = [table.column(i).combine_chunks() for i in range(width)]
    is_valid = np.ones(total, dtype=bool)
    if len(inv):
        is_valid[inv - 1] = False
    # line of each record: equal to the record number unless values hold line breaks
    extra = None
    if quoted:
        has_break = any(pc.any(pc.match_substring_regex(col, r"[\r\n]")).as_py() for col in cols if len(col)) \
            or any(("\n" in text or "\r" in text) for _, text in invalid)
        if has_break:
            extra = np.zeros(total, dtype=np.int64)
            per_valid = np.zeros(n_valid, dtype=np.int64)
            for col in cols:
                per_valid += pc.count_substring_regex(col, r"\r\n|\r|\n").to_numpy(zero_copy_only=False)
            extra[is_valid] = per_valid
            for num, text in invalid:
                extra[num - 1] = len(_BREAK_RE.findall(text))
    rec_lines = np.arange(1, total + 1, dtype=np.int64)
    if extra is not None:
        rec_lines = rec_lines + np.concatenate([[0], np.cumsum(extra)[:-1]])
    lines = rec_lines[is_valid]
    odd = [(int(rec_lines[num - 1]), _split_line(text, delimiter), text) for num, text in invalid]
    return _Grid(cols=cols, lines=lines, odd=odd, width=width)


def _parse_python(text: str, delimiter: str, width: int) -> _Grid:
    """Exact but slower: the csv module, one record at a time (fallback)."""
    _raise_field_limit()
    columns: list[list[str]] = [[] for _ in range(width)]
    lines: list[int] = []
    odd: list[tuple[int, list[str], str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    prev = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            row = None
        start = prev + 1
        prev = reader.line_num
        if row is None:
            odd.append((start, [], ""))
            continue
        if len(row) == 0:
            row = [""] * width
        if len(row) == width:
            for i, v in enumerate(row):
                columns[i].append(v)
            lines.append(start)
        else:
            odd.append((start, row, delimiter.join(row)))
    cols = [pa.array(c, type=pa.string()) for c in columns]
    return _Grid(cols=cols, lines=np.asarray(lines, dtype=np.int64), odd=odd, width=width)


def _salvage_long_rows(grid: _Grid) -> _Grid:
    """Rows longer than the table whose extra cells are all empty are ordinary rows."""
    keep, moved = [], []
    for line, cells, raw in grid.odd:
        if len(cells) > grid.width and not any(c.strip() for c in cells[grid.width:]):
            moved.append((line, cells[:grid.width]))
        else:
            keep.append((line, cells, raw))
    if not moved:
        return grid
    cols = []
    for i, col in enumerate(grid.cols):
        cols.append(pa.concat_arrays([col, pa.array([m[1][i] for m in moved], type=pa.string())]))
    lines = np.concatenate([grid.lines, np.asarray([m[0] for m in moved], dtype=np.int64)])
    order = np.argsort(lines, kind="stable")
    idx = pa.array(order)
    return _Grid(cols=[c.take(idx) for c in cols], lines=lines[order], odd=keep, width=grid.width,
                 native=grid.native)


def _xlsx_cell(value) -> tuple[str, float]:
    if value is None:
        return "", np.nan
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), np.nan
    if isinstance(value, (int, float)):
        f = float(value)
        if not math.isfinite(f):
            return str(value), np.nan
        if f.is_integer() and abs(f) < 1e15:
            return str(int(f)), f
        return repr(f), f
    if hasattr(value, "isoformat"):
        try:
            if hasattr(value, "hour") and (value.hour or value.minute or value.second) and hasattr(value, "date"):
                return value.isoformat(sep=" "), np.nan
            return value.isoformat()[:10], np.nan
        except (TypeError, ValueError):
            return str(value), np.nan
    return str(value), np.nan


def _read_xlsx(data: bytes, sheet, result: IngestResult, limit: int) -> _Grid | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
        result.error("xlsx_unreadable", detail="zip")
        return None
    if "xl/workbook.xml" not in names:
        kind = "ods" if "content.xml" in names else "docx" if "word/document.xml" in names else "zip"
        result.error("unsupported_format", kind=kind)
        return None
    if unpacked > max(limit * 20, 50 * 1024 * 1024):
        result.error("too_large", size_mb=f"{unpacked / 1048576:.0f}", limit_mb=f"{limit * 20 / 1048576:.0f}")
        return None
    import warnings

    import openpyxl
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on broken files
        result.error("xlsx_unreadable", detail=type(exc).__name__)
        return None
    try:
        sheets = list(wb.sheetnames)
        result.sheets = sheets
        if not sheets:
            result.error("empty")
            return None
        if sheet is None or sheet == "":
            ws = wb.worksheets[0]
        elif isinstance(sheet, int) or (isinstance(sheet, str) and re.fullmatch(r"[0-9]{1,4}", sheet.strip())
                                        and sheet not in sheets):
            k = int(sheet)
            if not 1 <= k <= len(sheets):
                result.error("sheet_not_found", sheet=str(sheet), sheets=", ".join(sheets))
                return None
            ws = wb.worksheets[k - 1]
        elif sheet in sheets:
            ws = wb[sheet]
        else:
            result.error("sheet_not_found", sheet=_clip(sheet, 60), sheets=", ".join(sheets))
            return None
        result.sheet = ws.title
        try:
            ws.reset_dimensions()
        except AttributeError:
            pass
        rows: list[list[str]] = []
        nums: list[list[float]] = []
        width = 0
        for row in ws.iter_rows(values_only=True):
            cells = list(row[:MAX_COLUMNS])
            while cells and (cells[-1] is None or cells[-1] == ""):
                cells.pop()
            pairs = [_xlsx_cell(v) for v in cells]
            rows.append([p[0] for p in pairs])
            nums.append([p[1] for p in pairs])
            width = max(width, len(pairs))
    except Exception as exc:
        result.error("xlsx_unreadable", detail=type(exc).__name__)
        return None
    finally:
        try:
            wb.close()
        except Exception:
            pass
    if width == 0:
        return _Grid(cols=[], lines=np.zeros(0, dtype=np.int64), odd=[], width=0)
    cols = []
    native = {}
    for i in range(width):
        cols.append(pa.array([r[i] if i < len(r) else "" for r in rows], type=pa.string()))
        native[i] = np.asarray([r[i] if i < len(r) else np.nan for r in nums], dtype="float64")
    return _Grid(cols=cols, lines=np.arange(1, len(rows) + 1, dtype=np.int64), odd=[], width=width,
                 native=native)


# ---------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------


def read_file(path: str | Path, filename: str | None = None, options: IngestOptions | None = None,
              matcher=None) -> IngestResult:
    """read_upload for a file on disk, checking the size limit before reading it."""
    options = options or IngestOptions()
    limit = options.max_bytes or max_upload_bytes()
    path = Path(path)
    name = filename or path.name
    size = path.stat().st_size
    if size > limit:
        res = IngestResult(filename=safe_filename(name), size_bytes=size, options=options)
        return res.error("too_large", size_mb=f"{size / 1048576:.1f}", limit_mb=f"{limit / 1048576:.0f}")
    return read_upload(path.read_bytes(), name, options=options, matcher=matcher)


def read_upload(data: bytes, filename: str = "upload.csv", options: IngestOptions | None = None,
                matcher=None) -> IngestResult:
    """Read an uploaded file into a validation report and clean records. Never raises.

    matcher: a :class:`jabodash.geo.regions.RegionMatcher` (default: the shared kab/kota matcher,
    which accepts 7-digit kecamatan codes unverified). Pass :func:`matcher_with_cached_kecamatan`
    to recognise kecamatan names from the cached kecamatan boundaries.
    """
    options = options if isinstance(options, IngestOptions) else IngestOptions()
    result = IngestResult(filename=safe_filename(filename), options=options)
    try:
        if isinstance(data, (bytearray, memoryview)):
            data = bytes(data)
        if not isinstance(data, bytes):
            return result.error("empty")
        result.size_bytes = len(data)
        limit = options.max_bytes or max_upload_bytes()
        if len(data) > limit:
            return result.error("too_large", size_mb=f"{len(data) / 1048576:.1f}",
                                limit_mb=f"{limit / 1048576:.0f}")
        digest: dict[str, str] = {}
        # the checksum runs beside the reader (hashlib releases the GIL on large inputs)
        hasher = threading.Thread(target=lambda: digest.setdefault("sha", hashlib.sha256(data).hexdigest()),
                                  daemon=True)
        hasher.start()
        try:
            _read(data, str(filename or ""), options, matcher, result, limit)
        finally:
            hasher.join()
            result.sha256 = digest.get("sha", "")
    except MemoryError:
        result.records = _empty_records()
        result.error("internal", detail="MemoryError")
    except Exception as exc:  # the last line of defence: a message, never a crash
        result.records = _empty_records()
        result.error("internal", detail=f"{type(exc).__name__}: {_clip(exc, 200)}")
    return result


def _check_options(options: IngestOptions, result: IngestResult) -> bool:
    if options.layout is not None and options.layout not in LAYOUTS:
        result.error("bad_option", option="layout", value=_clip(options.layout, 40))
    if options.level is not None and options.level not in LEVELS:
        result.error("bad_option", option="level", value=_clip(options.level, 40))
    if options.delimiter is not None and options.delimiter not in (*DELIMITERS, "tab", "\\t"):
        result.error("bad_option", option="delimiter", value=_clip(options.delimiter, 10))
    for _col, fmt in {**options.number_formats, **({"*": options.number_format} if options.number_format else {})}.items():
        if fmt not in NUMBER_FORMATS:
            result.error("bad_option", option="number_format", value=_clip(fmt, 20))
    if options.year is not None and not 1900 <= int(options.year) <= 2100:
        result.error("bad_option", option="year", value=str(options.year))
    return result.ok


def _read(data: bytes, filename: str, options: IngestOptions, matcher, result: IngestResult, limit: int) -> None:
    if not _check_options(options, result):
        return
    if len(data) == 0 or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        result.error("empty")
        return
    kind = _magic(data)
    lower = filename.lower()
    if kind == "zip" or lower.endswith((".xlsx", ".xlsm")):
        if kind != "zip":
            if _looks_binary(data[:4096].decode("latin-1")):
                result.error("binary")
            else:
                result.error("xlsx_unreadable", detail="not a zip archive")
            return
        result.file_type = "xlsx"
        grid = _read_xlsx(data, options.sheet, result, limit)
        if grid is None:
            return
        delimiter = None
    elif kind == "ole":
        result.error("unsupported_format", kind="xls")
        return
    elif kind is not None:
        result.error("binary_kind", kind=kind.upper())
        return
    else:
        result.file_type = "csv"
        try:
            text, encoding = _detect_encoding(data, options.encoding)
        except (UnicodeError, LookupError):
            result.error("encoding", encoding=_clip(options.encoding or "?", 30))
            return
        result.encoding = encoding
        if _looks_binary(text):
            result.error("binary")
            return
        if not text.strip():
            result.error("empty")
            return
        sample = text[:262144]
        if len(text) > len(sample):
            cut = max(sample.rfind("\n"), sample.rfind("\r"))
            if cut > 0:
                sample = sample[:cut]
        forced = {"tab": "\t", "\\t": "\t"}.get(options.delimiter or "", options.delimiter)
        if forced:
            delimiter = forced
        else:
            delimiter, _scores = _sniff_delimiter(sample, lower)
        if delimiter is None:
            result.error("no_table")
            return
        result.delimiter = delimiter
        width = _table_width(_sniff_records(sample, delimiter))
        if width < 2:
            result.error("no_table")
            return
        width = min(width, MAX_COLUMNS)
        if encoding == "utf-8":
            buf = data
        elif encoding == "utf-8-sig":
            buf = data[3:]
        else:
            buf = text.encode("utf-8")
        grid = _parse_pyarrow(buf, delimiter, width)
        del buf
        if grid is None:
            grid = _parse_python(text, delimiter, width)
        del text
        grid = _salvage_long_rows(grid)
    _analyse(grid, options, matcher, result, filename, delimiter)


# ---------------------------------------------------------------------------
# Analysis: header, columns, roles, layout, values
# ---------------------------------------------------------------------------


def _head_rows(grid: _Grid, n: int = 80) -> list[tuple[int, list[str], bool]]:
    """The first records in file order: (line, stripped cells, has the table's width)."""
    k = min(n, grid.n)
    valid = []
    if k:
        sliced = [c.slice(0, k).to_pylist() for c in grid.cols]
        for i in range(k):
            valid.append((int(grid.lines[i]), [sliced[j][i].strip() for j in range(grid.width)], True))
    last = valid[-1][0] if valid and grid.n > k else math.inf
    odd = [(line, [c.strip() for c in cells], False) for line, cells, _raw in grid.odd if line <= last]
    return sorted(valid + odd, key=lambda r: r[0])[: n + len(odd)]


def _nonempty(cells: list[str]) -> int:
    return sum(1 for c in cells if c)


def _is_data_like(cells: list[str]) -> bool:
    return any(_numlike(c) and parse_year(c) is None for c in cells if c)


def _find_header(head, options: IngestOptions, result: IngestResult) -> tuple[int | None, int | None]:
    """(index in head of the header row or None for no header, index of the first data row)."""
    if options.header_row is not None:
        if options.header_row == 0:
            first = next((i for i, r in enumerate(head) if _nonempty(r[1])), 0)
            return None, first
        for i, (line, _cells, _v) in enumerate(head):
            if line == options.header_row:
                return i, i + 1
        result.error("bad_option", option="header_row", value=str(options.header_row))
        return None, None
    # rows with the table's field count decide; a title line that the delimiter happens to
    # split ("Penduduk, Luas, dan Kepadatan, 2023") has another field count and is not a header
    counts = Counter(_nonempty(c) for _l, c, valid in head if valid and _nonempty(c) >= 2)
    if not counts:
        counts = Counter(_nonempty(c) for _l, c, _v in head if _nonempty(c) >= 2)
    if not counts:
        return None, None
    top = max(counts.values())
    modal = max(k for k, v in counts.items() if v == top)
    threshold = max(2, math.ceil(0.6 * modal))
    any_valid = any(valid and _nonempty(c) >= threshold for _l, c, valid in head)
    for i, (line, cells, valid) in enumerate(head):
        if _nonempty(cells) < threshold or (any_valid and not valid):
            continue
        if _is_data_like(cells):
            # a header shorter than the data rows ("a,b,c" over "1,2,3,"): the line just above
            if i > 0 and not head[i - 1][2] and head[i - 1][0] == line - 1 \
                    and _nonempty(head[i - 1][1]) >= threshold and not _is_data_like(head[i - 1][1]) \
                    and len(head[i - 1][1]) < len(cells):
                return i - 1, i
            if i == next(j for j, r in enumerate(head) if _nonempty(r[1])):
                nxt = next((r for r in head[i + 1:] if _nonempty(r[1])), None)
                if nxt is not None and _is_data_like(nxt[1]):
                    result.warn("headerless")
                    return None, i
        return i, i + 1
    return None, None


def _unique_names(names: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for i, name in enumerate(names):
        base = name or f"column_{i + 1}"
        seen[base.lower()] += 1
        out.append(base if seen[base.lower()] == 1 else f"{base} ({seen[base.lower()]})")
    return out


def _trimmed(col: pa.Array) -> pa.Array:
    return pc.utf8_trim_whitespace(col)


def _distinct(col: pa.Array) -> tuple[np.ndarray, list[str]]:
    enc = pc.dictionary_encode(col)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    return enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), enc.dictionary.to_pylist()


def _get_matcher(matcher):
    if matcher is not None:
        return matcher
    from jabodash.geo.regions import default_matcher
    return default_matcher()


def matcher_with_cached_kecamatan():
    """A RegionMatcher that also knows the kecamatan of the cached kecamatan boundaries (if any)."""
    from jabodash.geo.regions import RegionMatcher, default_matcher
    try:
        from jabodash.geo.boundaries import load_cached
        cached = load_cached("kecamatan")
    except Exception:
        cached = None
    if cached is None or cached.gdf is None or not len(cached.gdf):
        return default_matcher()
    gdf = cached.gdf
    table = pd.DataFrame({"code": gdf["code"].astype(str).values, "name": gdf["name"].astype(str).values})
    table = table[table["code"].str.fullmatch(r"\d{7}")]
    return RegionMatcher(kecamatan=table) if len(table) else default_matcher()


def _code_like(s: str) -> bool:
    return bool(re.fullmatch(r"(ID)?\d{4}(\d{3})?(\.0+)?|\d{2}\.\d{2}(\.\d{2})?", s))


def _score_region_column(values: list[str], m) -> tuple[float, str | None, int]:
    distinct = list(dict.fromkeys(v for v in values if v and not _is_missing_text(v)))[:300]
    if not distinct:
        return 0.0, None, 0
    numeric = [v for v in distinct if _numlike(v)]
    if len(numeric) > 0.5 * len(distinct) and sum(_code_like(v) for v in numeric) < 0.8 * len(numeric):
        return 0.0, None, len(distinct)
    res = m.match_many(distinct, level=None)
    good = res[res["status"].isin(["matched", "ambiguous"])]
    levels = Counter(lv for lv in good["level"] if isinstance(lv, str))
    level = levels.most_common(1)[0][0] if levels else None
    if levels.get("kecamatan") and levels.get("kabkota"):
        level = "kecamatan" if levels["kecamatan"] >= levels["kabkota"] else "kabkota"
    return len(good) / len(distinct), level, len(distinct)


def _find_col(name: str | None, names: list[str], option: str, result: IngestResult) -> int | None:
    if name is None or name == "":
        return None
    for i, n in enumerate(names):
        if n == name:
            return i
    low = str(name).strip().casefold()
    for i, n in enumerate(names):
        if n.strip().casefold() == low:
            return i
    result.error("bad_option", option=option, value=_clip(name, 60))
    return None


def _title_year(texts: list[str]) -> int | None:
    years = set()
    for text in texts:
        for m in re.finditer(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text or ""):
            years.add(int(m.group(1)))
    return years.pop() if len(years) == 1 else None


_LOWER_IS_BETTER = re.compile(
    r"miskin|kemiskinan|pengangguran|kematian|mortalit|kriminal|kejahatan|polusi|pencemaran|banjir|"
    r"kemacetan|macet|stunting|gizi buruk|buta huruf|putus sekolah|kumuh|gini|ketimpangan|kecelakaan|"
    r"poverty|unemploy|mortality|death|crime|pollution|flood|congestion|illitera|dropout|slum|inequality|"
    r"accident", re.IGNORECASE)


def suggest_higher_is_better(name: str | None) -> bool:
    return not bool(_LOWER_IS_BETTER.search(name or ""))


def _unit_from(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(r"\(([^()]{1,30})\)\s*(?:,?\s*(?:19|20)\d{2}.*)?$", text.strip())
    if m and not parse_year(m.group(1)) and not re.fullmatch(r"[\d\s\-–]+", m.group(1)):
        return m.group(1).strip()
    return None


def _pretty(name: str) -> str:
    s = re.sub(r"[_]+", " ", name).strip()
    return s[:1].upper() + s[1:] if s else s


def _analyse(grid: _Grid, options: IngestOptions, matcher, result: IngestResult, filename: str,
             delimiter: str | None) -> None:
    W = grid.width
    if W < 2:
        result.error("empty" if grid.n == 0 and not grid.odd else "no_table")
        return
    head = _head_rows(grid)
    if not any(_nonempty(c) for _l, c, _v in head):
        result.error("empty")
        return
    h_idx, first_data = _find_header(head, options, result)
    if not result.ok:
        return
    if first_data is None:
        result.error("no_table")
        return
    super_cells: list[str] = []
    if h_idx is not None:
        header_line, hcells, _ = head[h_idx]
        hcells = (hcells + [""] * W)[:W]
        up_row = head[h_idx - 1] if h_idx > 0 else None
        if up_row is not None and up_row[0] == header_line - 1 and _nonempty(up_row[1]):
            up = (up_row[1] + [""] * W)[:W]
            for i in range(W):
                if not hcells[i] and up[i]:
                    hcells[i] = up[i]
                elif hcells[i] and up[i] and up[i] != hcells[i]:
                    super_cells.append(up[i])
        title_rows = head[:h_idx]
        result.header_row = int(header_line)
    else:
        header_line = head[first_data][0] - 1
        hcells = [""] * W
        title_rows = head[:first_data]
        result.header_row = 0
    result.title_lines = [_clip(" ".join(c for c in cells if c), 300) for _l, cells, _v in title_rows
                          if _nonempty(cells)]
    names = _unique_names(hcells)

    # the data part: rows below the header
    start = int(np.searchsorted(grid.lines, header_line, side="right"))
    lines = grid.lines[start:]
    cols = [_trimmed(c.slice(start)) for c in grid.cols]
    native = {i: a[start:] for i, a in grid.native.items()} if grid.native else None
    odd_data = [(line, cells, raw) for line, cells, raw in grid.odd if line > header_line]
    N = len(lines)
    nonempty = np.zeros(N, dtype=np.int32)
    col_used = []
    for col in cols:
        ne = pc.not_equal(col, "").to_numpy(zero_copy_only=False)
        nonempty += ne
        col_used.append(bool(ne.any()))
    keep = [i for i in range(W) if col_used[i] or hcells[i]]   # drop unnamed, empty columns
    if len(keep) < W:
        cols = [cols[i] for i in keep]
        names = [names[i] for i in keep]
        hcells = [hcells[i] for i in keep]
        if native:
            native = {j: native[i] for j, i in enumerate(keep)}
        W = len(keep)
    result.columns = list(names)
    blank = nonempty == 0
    odd_filled = [o for o in odd_data if any(c.strip() for c in o[1])]
    result.blank_lines = int(blank.sum()) + len(odd_data) - len(odd_filled)
    result.rows_read = int((~blank).sum()) + len(odd_filled)
    prev_rows = np.flatnonzero(~blank)[:PREVIEW_ROWS]
    if W:
        take = pa.array(prev_rows, type=pa.int64())
        result.preview = pd.DataFrame({names[i]: pd.Series(cols[i].take(take).to_pylist(), dtype="str")
                                       for i in range(W)})
        result.preview.index = pd.Index(lines[prev_rows], name="row")
    if result.rows_read == 0:
        result.error("header_only")
        return
    if W < 2:
        result.error("no_table")
        return

    # rows that are not data: repeated headers, column numbering, notes
    skip = _RowSkips(cols, names, lines, blank)
    mark = skip.mark

    if h_idx is not None:
        rep = np.zeros(N, dtype=np.int32)
        filled = [i for i in range(W) if hcells[i]]
        for i in filled:
            rep += pc.equal(cols[i], hcells[i]).to_numpy(zero_copy_only=False)
        if len(filled) >= 2:
            mark(rep >= max(2, math.ceil(0.6 * len(filled))), "repeated_header")
    colnum = np.zeros(N, dtype=bool)
    for r in np.flatnonzero(~blank)[:2]:
        cells = [cols[i][int(r)].as_py() for i in range(W)]
        if _nonempty(cells) >= 2 and all(_COLNUM_RE.match(c) for c in cells if c):
            colnum[r] = True
    mark(colnum, "column_numbering")
    single = nonempty == 1
    is_note = pc.match_substring_regex(cols[0], _NOTE_RE_RE2).to_numpy(zero_copy_only=False)
    single_rows = np.flatnonzero(single)
    if len(single_rows):
        firsts = _first_cells(cols, single_rows)
        is_note[single_rows[[bool(_NOTE_RE.match(x or "")) for x in firsts]]] = True
    mark(is_note, "note")
    notes = [str(x) for x in skip.values_of("note")]

    # roles and layout, from a sample of the data rows
    sample_rows = np.flatnonzero(skip.free())[:5000]
    sample_idx = pa.array(sample_rows, type=pa.int64())
    samples = [c.take(sample_idx).to_pylist() for c in cols]
    m = _get_matcher(matcher)
    roles = _detect_roles(names, hcells, samples, options, m, result)
    if not result.ok:
        return
    layout = _decide_layout(roles, names, options, result)
    if not result.ok:
        return
    result.layout = layout
    result.roles = {key: (names[roles[key]] if roles.get(key) is not None else None)
                    for key in ("region", "year", "indicator", "unit", "lat", "lon", "name")}
    result.roles["values"] = [names[i] for i in roles["values"]]
    result.roles["ignored"] = [names[i] for i in roles["ignored"]]
    _check_hostile(cols, names, roles, result)
    if roles["ignored"]:
        result.warn("ignored_columns", columns=", ".join(_clip(names[i], 60) for i in roles["ignored"]))

    # regions
    reg = roles.get("region")
    if reg is not None:
        if hcells[reg]:  # a repeated header block shows the region column's own header
            mark(pc.equal(pc.utf8_lower(cols[reg]), hcells[reg].lower()).to_numpy(zero_copy_only=False),
                 "repeated_header")
        region_codes, rstat, info = _resolve_regions(cols[reg], options, m, result, roles.get("level"))
        # a row with one filled cell that is not a known region: a title, section label or note
        mark(single & (rstat != 0), "text_line")
        _unmatched_report(info, skip.free(), lines, m, result)
        for status, reason in ((4, "aggregate_row"), (1, "missing_region"), (2, "unknown_region"),
                               (3, "ambiguous_region"), (5, "other_level")):
            mark(rstat == status, reason, reg)
    else:
        region_codes = (np.full(N, -1, dtype=np.int64), [])
        mark(single, "text_line")

    if layout == "points":
        cell_skips = _finish_points(cols, names, roles, lines, skip, region_codes, result)
    else:
        cell_skips = _finish_values(cols, names, roles, layout, lines, skip, region_codes, native, options,
                                    result, super_cells)

    # rows with another field count than the table
    odd_rows = []
    for line, cells, raw in odd_filled:
        filled = [c.strip() for c in cells if c.strip()]
        if _NOTE_RE.match(filled[0]):
            notes.append(" ".join(filled))
            odd_rows.append((line, None, _clip(" ".join(filled)), "note"))
        elif len(filled) == 1:
            odd_rows.append((line, None, _clip(filled[0]), "text_line"))
        else:
            key = "ragged_long" if len(cells) > grid.width else "ragged_short"
            odd_rows.append((line, None, _clip(raw), key))
    n_ragged = sum(1 for r in odd_rows if r[3].startswith("ragged"))
    if n_ragged:
        result.warn("ragged", count=n_ragged, width=grid.width)
    skips = list(cell_skips)
    if odd_rows:
        skips.append(pd.DataFrame(odd_rows, columns=["row", "column", "value", "reason_key"]))
    skips.append(skip.frame())
    skips = [s for s in skips if len(s)]
    if skips:
        sk = pd.concat(skips, ignore_index=True)
        sk["row"] = sk["row"].astype("int64")
        sk["column"] = sk["column"].astype(object).where(sk["column"].notna(), None)
        sk["value"] = sk["value"].map(lambda v: "" if _isna(v) else _clip(v)).astype(object)
        reasons = {k: reason_text(k, "en") for k in sk["reason_key"].unique()}
        sk["reason"] = sk["reason_key"].map(reasons).astype("str")
        sk["reason_key"] = sk["reason_key"].astype("str")
        result.skipped = sk.sort_values("row", kind="stable").reset_index(drop=True)[
            ["row", "column", "value", "reason_key", "reason"]]
    result.notes = [_clip(x, 300) for x in dict.fromkeys(notes)]
    src = next((mt.group(2).strip() for n_ in result.notes for mt in [_SOURCE_RE.match(n_)] if mt), None)
    result.suggested["source"] = _clip(src, 300) if src else None
    if result.ok:
        if layout == "points" and (result.points is None or len(result.points) == 0):
            result.error("no_rows_used")
        elif layout != "points" and len(result.records) == 0:
            result.error("no_rows_used")


class _RowSkips:
    """Rows skipped as a whole, each with one reason (the first that applies)."""

    def __init__(self, cols: list[pa.Array], names: list[str], lines: np.ndarray, blank: np.ndarray):
        self.cols, self.names, self.lines, self.blank = cols, names, lines, blank
        self.code = np.zeros(len(lines), dtype=np.int16)
        self.parts: list[tuple[np.ndarray, str, str | None, list]] = []

    def free(self) -> np.ndarray:
        """Rows still in play: not blank and not skipped."""
        return (self.code == 0) & ~self.blank

    def mark(self, mask: np.ndarray, reason: str, col_idx: int | None = None, values=None) -> np.ndarray:
        """Skip the rows of mask still in play; the value listed is the cell of col_idx, the
        given values (a function of the row indices), or the row's first filled cell."""
        sel = mask & self.free()
        rows = np.flatnonzero(sel)
        if len(rows):
            self.code[rows] = len(self.parts) + 1
            if values is not None:
                vals = list(values(rows))
            elif col_idx is not None:
                vals = self.cols[col_idx].take(pa.array(rows, type=pa.int64())).to_pylist()
            else:
                vals = list(_first_cells(self.cols, rows))
            column = self.names[col_idx] if isinstance(col_idx, int) else col_idx
            self.parts.append((rows, reason, column, vals))
        return sel

    def values_of(self, reason: str) -> list:
        return [v for rows, key, _c, vals in self.parts if key == reason for v in vals]

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return _empty_skipped().drop(columns=["reason"])
        return pd.DataFrame({
            "row": np.concatenate([self.lines[p[0]] for p in self.parts]),
            "column": [p[2] for p in self.parts for _ in range(len(p[0]))],
            "value": [v for p in self.parts for v in p[3]],
            "reason_key": [p[1] for p in self.parts for _ in range(len(p[0]))]})


_HOSTILE_RE = re.compile(
    r"^\s*(?:=|@|[+\-]\s*[A-Za-z(=@]|[+\-]?[\d.,]+\s*[-+*/^&]\s*[\d(])"   # spreadsheet formulas
    r"|<\s*/?\s*[A-Za-z][^>]*>"                                             # HTML tags
    r"|\[[^\]]*\]\([^)]*\)|!\[", re.ASCII)                                 # Markdown links, images


def _check_hostile(cols, names, roles, result) -> None:
    """Warn about cells that look like formulas, HTML or Markdown links in the text that is used
    (headers, region, indicator and name columns): they stay plain text, never run or rendered."""
    texts = [n for n in names if _HOSTILE_RE.search(n)]
    count = len(texts)
    for key in ("region", "indicator", "name", "unit"):
        i = roles.get(key)
        if i is None:
            continue
        _idx, distinct = _distinct(cols[i])
        found = [v for v in distinct if v and _HOSTILE_RE.search(v)]
        if found:
            hit = pc.is_in(cols[i], value_set=pa.array(found, type=pa.string()))
            count += int(pc.sum(hit).as_py() or 0)
            texts.extend(found)
    if count:
        result.warn("hostile_text", count=count, example=_clip(texts[0], 60))


def _first_cells(cols: list[pa.Array], rows: np.ndarray) -> np.ndarray:
    """The first filled cell of each of the given rows."""
    take = pa.array(rows, type=pa.int64())
    values = [c.take(take).to_pylist() for c in cols]
    out = np.full(len(rows), "", dtype=object)
    for k in range(len(rows)):
        for col in values:
            if col[k]:
                out[k] = col[k]
                break
    return out


def _detect_roles(names, hcells, samples, options, m, result) -> dict:
    W = len(names)
    hints = [_hint(h) if h else None for h in hcells]
    year_headers = {i: parse_year(h) for i, h in enumerate(hcells) if h and parse_year(h)}
    roles: dict[str, Any] = {"values": [], "ignored": []}
    used: set[int] = set()

    cache: dict[tuple[str, int], Any] = {}

    def nonmissing(i):
        """The sample's filled, non-missing values of column i (cached)."""
        if ("vals", i) not in cache:
            counts = Counter(samples[i])
            bad = {v for v in counts if not v or _is_missing_text(v)}
            cache[("vals", i)] = [v for v in samples[i] if v not in bad]
            cache[("counts", i)] = {v: c for v, c in counts.items() if v not in bad}
        return cache[("vals", i)]

    def share(i, test, key):
        """Share of the non-missing sample values of column i that pass test (cached)."""
        if (key, i) not in cache:
            nonmissing(i)
            counts = cache[("counts", i)]
            total = sum(counts.values())
            cache[(key, i)] = sum(c for v, c in counts.items() if test(v)) / total if total else 0.0
        return cache[(key, i)]

    def numeric(i):
        return share(i, _numlike, "num")

    # forced columns
    for key, opt in (("region", "region_column"), ("year", "year_column"), ("indicator", "indicator_column"),
                     ("lat", "lat_column"), ("lon", "lon_column")):
        idx = _find_col(getattr(options, opt), names, opt, result)
        if idx is not None:
            roles[key] = idx
            used.add(idx)
    if options.value_columns:
        for name in options.value_columns:
            idx = _find_col(name, names, "value_columns", result)
            if idx is not None:
                roles["values"].append(idx)
                used.add(idx)
    if not result.ok:
        return roles
    rownum = set()
    for i in range(W):
        if i in used:
            continue
        vals = nonmissing(i)
        if hints[i] == "rownum" or (i == 0 and vals and all(re.fullmatch(r"[0-9]{1,9}", v) for v in vals) and
                                    [int(v) for v in vals[:50]] == list(range(int(vals[0]), int(vals[0]) + len(vals[:50])))
                                    and len(vals) >= 3 and not year_headers.get(i)):
            if not (hints[i] == "region"):
                rownum.add(i)

    # coordinates
    if options.layout in (None, "points"):
        for key, _lo, _hi in (("lat", -90, 90), ("lon", -180, 180)):
            if key in roles:
                continue
            for i in range(W):
                if i in used or hints[i] != key:
                    continue
                vals = nonmissing(i)
                if not vals:
                    continue
                num = parse_numbers(vals, decimal_only=True)
                ok = num.status == OK
                if ok.mean() >= 0.8:
                    roles[key] = i
                    used.add(i)
                    break
        if ("lat" in roles) != ("lon" in roles):
            roles.pop("lat", None)
            roles.pop("lon", None)

    # region (other columns that also name regions, e.g. a code next to a name, are not values)
    region_like: set[int] = set()
    if "region" not in roles:
        best = None
        for i in range(W):
            if i in used or i in rownum or i in year_headers or hints[i] in ("year", "unit", "value", "lat", "lon"):
                continue
            vals = nonmissing(i)
            if not vals or len(cache[("counts", i)]) > 3000:
                continue
            score, level, nd = _score_region_column(list(cache[("counts", i)]), m)
            accept = score >= 0.5 or (score >= 0.2 and hints[i] == "region")
            if not accept:
                continue
            region_like.add(i)
            rank = (1 if level == "kecamatan" and (options.level in (None, "kecamatan")) else 0, score,
                    0 if all(_code_like(v) for v in vals[:50]) else 1)
            if options.level and level != options.level:
                rank = (-1,) + rank[1:]
            if best is None or rank > best[0]:
                best = (rank, i, level)
        if best is not None:
            roles["region"] = best[1]
            roles["level"] = best[2]
            used.add(best[1])
            used.update(region_like)
            roles["ignored"].extend(sorted(region_like - {best[1]}))
    elif options.level is None:
        nonmissing(roles["region"])
        _s, lvl, _n = _score_region_column(list(cache[("counts", roles["region"])]), m)
        roles["level"] = lvl
    if options.level:
        roles["level"] = options.level
    if "region" in roles and roles.get("level") == "kabkota":
        kec_hint = [i for i in range(W) if i not in used and re.search(r"\bkec", _norm_header(hcells[i] or ""))]
        if kec_hint:
            result.warn("kecamatan_unknown", column=_clip(names[kec_hint[0]], 60))

    # year column
    if "year" not in roles and not year_headers:
        cands = []
        for i in range(W):
            if i in used or i in rownum:
                continue
            vals = nonmissing(i)
            if not vals:
                continue
            year_share = share(i, parse_year, "year")
            if hints[i] == "year" and year_share >= 0.8:
                cands.append((2, i))
            elif year_share == 1.0 and hints[i] not in ("value",) and len(cache[("counts", i)]) <= 60:
                cands.append((1, i))
        if cands:
            roles["year"] = max(cands)[1]
            used.add(roles["year"])

    # indicator / unit / name
    for i in range(W):
        if i in used or i in rownum or i in year_headers:
            continue
        if hints[i] in ("indicator", "dimension") and "indicator" not in roles and numeric(i) < 0.5:
            roles["indicator"] = i
            roles["indicator_kind"] = "strong" if hints[i] == "indicator" else "weak"
            used.add(i)
        elif hints[i] == "unit" and "unit" not in roles and numeric(i) < 0.5:
            roles["unit"] = i
            used.add(i)
    if "lat" in roles and "name" not in roles:
        for i in range(W):
            if i in used or i in rownum:
                continue
            if nonmissing(i) and numeric(i) < 0.5:
                roles["name"] = i
                used.add(i)
                break

    # values
    if not roles["values"]:
        if year_headers and options.layout in (None, "wide_years"):
            roles["values"] = [i for i in sorted(year_headers) if i not in used]
            used.update(roles["values"])
        else:
            for i in range(W):
                if i in used or i in rownum:
                    continue
                if nonmissing(i) and numeric(i) >= 0.5:
                    roles["values"].append(i)
                    used.add(i)
    roles["year_headers"] = {i: y for i, y in year_headers.items() if i in roles["values"]}
    for i in range(W):
        if i not in used and i not in rownum and (nonmissing(i) or i in year_headers):
            roles["ignored"].append(i)
    roles["ignored"] = sorted(set(roles["ignored"]))
    return roles


def _decide_layout(roles, names, options, result) -> str | None:
    if options.layout:
        layout = options.layout
    elif "lat" in roles and "lon" in roles:
        layout = "points"
    elif roles["year_headers"] and len(roles["year_headers"]) == len(roles["values"]):
        layout = "wide_years"
    elif "year" in roles and len(roles["values"]) == 1:
        layout = "long"
    else:
        layout = "wide_indicators"
    if layout == "points":
        if "lat" not in roles or "lon" not in roles:
            result.error("no_coordinates")
        return layout
    if roles.get("region") is None:
        result.error("no_region_column")
    if not roles["values"]:
        result.error("no_value_column")
    if layout == "wide_years" and not roles["year_headers"]:
        result.error("no_year")
    if layout == "long" and len(roles["values"]) > 1 and roles.get("indicator") is None:
        layout = "wide_indicators"
    return layout


def _resolve_regions(col: pa.Array, options, m, result, level) -> tuple[tuple, np.ndarray, dict]:
    """Per row: (index into the list of codes or -1, the list of BPS codes), a status (0 ok,
    1 empty, 2 unknown, 3 ambiguous, 4 aggregate, 5 other level), and per-distinct-value details
    for the unmatched report."""
    idx, distinct = _distinct(col)
    mapping = {str(k).strip(): str(v).strip() for k, v in (options.region_mapping or {}).items()}
    mapping_ci = {k.casefold(): v for k, v in mapping.items()}
    codes: list[str | None] = [None] * len(distinct)
    stat = np.zeros(len(distinct), dtype=np.int8)
    suggestions: dict[int, list[str]] = {}
    to_match = []
    bad_mapping = set()
    for k, value in enumerate(distinct):
        v = (value or "").strip()
        if not v or _is_missing_text(v):
            stat[k] = 1
            continue
        target = mapping.get(v) or mapping_ci.get(v.casefold())
        if target is not None:
            check = m.match(target, level=None)
            if check.status == "matched" and (level is None or check.level == level):
                codes[k] = check.code
                continue
            bad_mapping.add((v, target))
        if _AGGREGATE_RE.match(re.sub(r"\s+", " ", v)):
            stat[k] = 4
            continue
        to_match.append(k)
    for v, target in sorted(bad_mapping):
        result.warn("mapping_invalid", value=_clip(v, 60), code=_clip(target, 20))
    if to_match:
        res = m.match_many([distinct[k] for k in to_match], level=level)
        by_input = {inp: row for inp, row in zip(res["input"], res.itertuples(index=False))}
        for k in to_match:
            row = by_input.get(distinct[k])
            if row is None:
                stat[k] = 2
            elif row.status == "matched" and row.code:
                codes[k] = str(row.code)
            elif row.method in ("province", "province_code"):
                stat[k] = 4
            elif row.status == "empty":
                stat[k] = 1
            else:
                stat[k] = 3 if row.status == "ambiguous" else 2
                suggestions[k] = [s for s in str(row.suggestions or "").split(",") if s]
    found_levels = Counter(len(c) for c in codes if c)
    if level is None and found_levels:
        level = "kecamatan" if found_levels.get(7, 0) > found_levels.get(4, 0) else "kabkota"
    if level:
        want = 7 if level == "kecamatan" else 4
        for k, c in enumerate(codes):
            if c is not None and len(c) != want:
                codes[k] = None
                stat[k] = 5
    result.level = level
    reg_list = sorted({c for c in codes if c})
    pos = {c: i for i, c in enumerate(reg_list)}
    per_distinct = np.asarray([pos[c] if c else -1 for c in codes] or [-1], dtype=np.int64)
    row_codes = per_distinct[idx] if len(idx) else np.zeros(0, dtype=np.int64)
    row_stat = stat[idx] if len(idx) else np.zeros(0, dtype=np.int8)
    return (row_codes, reg_list), row_stat, {"idx": idx, "distinct": distinct, "stat": stat,
                                            "suggestions": suggestions}


def _unmatched_report(info: dict, eligible: np.ndarray, lines: np.ndarray, m, result: IngestResult) -> None:
    """The region values that were not understood, with suggestions, for the rows still in play."""
    idx, distinct, stat = info["idx"], info["distinct"], info["stat"]
    if not len(idx):
        return
    bad_value = np.isin(stat, (2, 3, 5))
    if not bad_value.any():
        return
    eligible = eligible & bad_value[idx]
    rows = idx[eligible]
    counts = np.bincount(rows, minlength=len(distinct))
    first = np.full(len(distinct), -1, dtype=np.int64)
    pos = np.flatnonzero(eligible)
    # the first eligible row of each distinct value
    order = np.argsort(rows, kind="stable")
    uniq, start = np.unique(rows[order], return_index=True)
    first[uniq] = pos[order[start]]
    out = []
    for k in np.flatnonzero((counts > 0) & np.isin(stat, (2, 3, 5))):
        sugg = info["suggestions"].get(int(k), [])
        names = []
        for code in sugg:
            try:
                names.append(str(m.name(code)))
            except Exception:
                names.append(code)
        status = {2: "unknown", 3: "ambiguous", 5: "other_level"}[int(stat[k])]
        out.append({"value": distinct[k], "status": status, "suggestions": sugg, "suggestion_names": names,
                    "rows": int(counts[k]), "first_row": int(lines[first[k]])})
    out.sort(key=lambda u: u["first_row"])
    result.unmatched = out
    n_unknown = sum(1 for u in out if u["status"] != "ambiguous")
    n_amb = len(out) - n_unknown
    if n_unknown:
        result.warn("unmatched_regions", count=n_unknown)
    if n_amb:
        result.warn("ambiguous_regions", count=n_amb)


def _finish_values(cols, names, roles, layout, lines, skip: "_RowSkips", regions, native, options, result,
                   super_cells) -> list:
    """Years, indicators and numbers of the rows still in play; records and cell-level skips."""
    N = len(lines)
    reg_idx, reg_list = regions
    # years per row: index into a list of (year, period, preliminary)
    ylist: list[tuple[int, str, bool]] = []
    yidx = np.full(N, -1, dtype=np.int64)
    yi = roles.get("year")
    title_year = options.year or _title_year(result.title_lines + super_cells)
    if layout != "wide_years":
        if yi is not None:
            idx, distinct = _distinct(cols[yi])
            parsed = [parse_year(v) for v in distinct]
            pos = {}
            per_distinct = np.full(len(distinct), -1, dtype=np.int64)
            for k, p in enumerate(parsed):
                if p is not None:
                    per_distinct[k] = pos.setdefault(p, len(pos))
            ylist = list(pos)
            yidx = per_distinct[idx] if len(idx) else yidx
            empty = np.asarray([not (v or "").strip() or _is_missing_text(v) for v in distinct], dtype=bool)
            row_empty = empty[idx] if len(idx) else np.zeros(N, dtype=bool)
            skip.mark(row_empty, "missing_year", yi)
            skip.mark((yidx < 0) & ~row_empty, "invalid_year", yi)
        elif title_year:
            ylist = [(int(title_year), str(title_year), False)]
            yidx[:] = 0
            if not options.year:
                result.warn("year_from_title", year=int(title_year))
        else:
            result.error("no_year")
            return []
    else:
        ylist = list(dict.fromkeys(roles["year_headers"][vi] for vi in roles["values"]))
    row_ok = skip.free()

    # indicator per row: index into a list of names
    ii = roles.get("indicator")
    base_name = options.indicator or _default_indicator(result, names, roles, layout, super_cells)
    result.suggested["indicator"] = base_name
    ind_row = None
    ind_raw: list[str] = []
    if ii is not None:
        idx, distinct = _distinct(cols[ii])
        codes = np.asarray([k if (v or "").strip() else -1 for k, v in enumerate(distinct)], dtype=np.int64)
        ind_row = codes[idx] if len(idx) else np.full(N, -1, dtype=np.int64)
        # merged cells in spreadsheets leave the indicator only on the first row of a block: carry it down
        if (ind_row < 0).any():
            s = pd.Series(np.where(ind_row < 0, np.nan, ind_row)).ffill()
            ind_row = s.fillna(-1).to_numpy().astype(np.int64)
        ind_raw = [str(v) for v in distinct]
        row_ok &= ~skip.mark(ind_row < 0, "missing_indicator", ii)
    weak = roles.get("indicator_kind") == "weak"

    ind_names: dict[str, int] = {}

    def ind_code(name: str) -> int:
        return ind_names.setdefault(name, len(ind_names))

    # values, column by column
    formats: dict[str, str | None] = {}
    parts = []
    cell_skips = []
    missing_total = 0
    by_marker: Counter = Counter()
    rows_ok = np.flatnonzero(row_ok)
    percent_any = False
    for vi in roles["values"]:
        name = names[vi]
        fmt = options.number_formats.get(name) or options.number_format
        nat = native.get(vi) if native else None
        num = parse_numbers(cols[vi], number_format=fmt, native=nat)
        percent_any |= num.percent
        formats[name] = num.format
        if num.format == "ambiguous":
            result.ambiguous_columns.append({"column": name, "examples": num.ambiguous_examples, "likely": None})
        elif num.conflicts:
            result.warn("number_conflict", column=_clip(name, 60), format=num.format, count=num.conflicts)
        st = num.status[rows_ok]
        good = rows_ok[st == OK]
        bad = rows_ok[st != OK]
        if len(bad):
            vals = np.asarray(cols[vi].take(pa.array(bad, type=pa.int64())).to_pylist(), dtype=object)
            bad_status = num.status[bad]
            keys = np.asarray([_STATUS_REASON[int(s)] for s in bad_status], dtype=object)
            cell_skips.append(pd.DataFrame({"row": lines[bad], "column": name, "value": vals, "reason_key": keys}))
            miss_mask = bad_status == MISSING
            missing_total += int(miss_mask.sum())
            by_marker.update(str(v).strip() for v in vals[miss_mask])
        if not len(good):
            continue
        # year code per record
        if layout == "wide_years":
            y_code = np.full(len(good), ylist.index(roles["year_headers"][vi]), dtype=np.int64)
        else:
            y_code = yidx[good]
        # indicator code per record
        if ind_row is not None:
            label = _pretty(name)
            table = np.asarray([ind_code(_indicator_label(raw, base_name, label if layout == "wide_indicators"
                                                          else None, weak)) for raw in ind_raw] or [0],
                               dtype=np.int64)
            i_code = table[ind_row[good]]
        else:
            i_code = np.full(len(good), ind_code(_pretty(name) if layout == "wide_indicators" else base_name),
                             dtype=np.int64)
        parts.append((good, reg_idx[good], i_code, y_code, num.values[good], vi))
    # the likely form of an ambiguous column: what the decided columns of the same file use (a hint)
    decided = {f for f in formats.values() if f in ("id", "en")}
    for amb in result.ambiguous_columns:
        amb["likely"] = next(iter(decided)) if len(decided) == 1 else None
    if result.ambiguous_columns:
        result.warn("ambiguous_numbers", columns=", ".join(_clip(a["column"], 60) for a in result.ambiguous_columns),
                    examples=", ".join(e for a in result.ambiguous_columns for e in a["examples"][:2]))
    result.number_formats = formats
    result.number_format = _summary_format(formats)
    if missing_total:
        result.warn("missing_values", count=missing_total)
    result.missing = {"count": missing_total, "by_marker": dict(by_marker)}
    result.suggested.update({"unit": _suggest_unit(result, names, roles, cols, super_cells, percent_any),
                             "higher_is_better": suggest_higher_is_better(base_name), "year": title_year})
    if not parts:
        return cell_skips
    rows = np.concatenate([p[0] for p in parts])
    r_code = np.concatenate([p[1] for p in parts])
    i_code = np.concatenate([p[2] for p in parts])
    y_code = np.concatenate([p[3] for p in parts])
    value = np.concatenate([p[4] for p in parts])
    v_col = np.concatenate([np.full(len(p[0]), p[5], dtype=np.int64) for p in parts])
    if len(parts) > 1:
        order = np.lexsort((v_col, rows))
        rows, r_code, i_code, y_code, value, v_col = (a[order] for a in (rows, r_code, i_code, y_code, value, v_col))
    # duplicates (same region, indicator and period): the first in the file wins
    periods = list(dict.fromkeys(y[1] for y in ylist))
    per_code = np.asarray([periods.index(y[1]) for y in ylist], dtype=np.int64)[y_code]
    key = (r_code.astype(np.int64) * (len(ind_names) + 1) + i_code) * (len(ylist) + 1) + per_code
    dup = pd.Series(key).duplicated(keep="first").to_numpy()
    if dup.any():
        d = np.flatnonzero(dup)
        raw = [cols[int(c)][int(r)].as_py() for r, c in zip(rows[d], v_col[d])]
        cell_skips.append(pd.DataFrame({"row": lines[rows[d]], "column": [names[int(c)] for c in v_col[d]],
                                        "value": raw, "reason_key": "duplicate"}))
        result.warn("duplicates", count=int(dup.sum()))
        keep = ~dup
        rows, r_code, i_code, y_code, value, v_col, per_code = (
            a[keep] for a in (rows, r_code, i_code, y_code, value, v_col, per_code))
    ind_list = list(ind_names)
    result.records = pd.DataFrame({
        "region_code": pd.Categorical.from_codes(r_code, categories=pd.Index(reg_list, dtype="str")),
        "indicator": pd.Categorical.from_codes(i_code, categories=pd.Index(ind_list, dtype="str")),
        "year": pd.array(np.asarray([y[0] for y in ylist], dtype=np.int64)[y_code], dtype="Int64"),
        "period": pd.Categorical.from_codes(per_code, categories=pd.Index(periods, dtype="str")),
        "preliminary": np.asarray([y[2] for y in ylist], dtype=bool)[y_code],
        "value": value.astype("float64"),
        "row": lines[rows].astype("int64"),
        "column": pd.Categorical.from_codes(v_col, categories=pd.Index(list(names), dtype="str")),
    })
    result.rows_used = int(1 + np.count_nonzero(np.diff(rows))) if len(rows) else 0  # rows are sorted
    return cell_skips


def _indicator_label(raw: str, base: str, column_label: str | None, weak: bool) -> str:
    name = f"{base} \u2013 {raw}" if weak else raw
    return f"{name} \u2013 {column_label}" if column_label else name


def _summary_format(formats: dict[str, str | None]) -> str | None:
    vals = {f for f in formats.values() if f}
    if not vals:
        return None
    if "ambiguous" in vals:
        return "ambiguous"
    if len(vals) == 1:
        return vals.pop()
    rest = vals - {"plain", "native"}
    if len(rest) == 1:
        return rest.pop()
    if not rest:
        return "native" if "native" in vals else "plain"
    return "mixed"


def _default_indicator(result, names, roles, layout, super_cells) -> str:
    generic = {"nilai", "value", "values", "jumlah", "total", "angka", "data", "val", "besaran"}
    if layout == "long" and roles["values"]:
        name = names[roles["values"][0]]
        if _norm_header(name) not in generic and not name.startswith("column_"):
            return _clip(_pretty(name), 120)
    for text in list(super_cells) + list(result.title_lines):
        if text and not _NOTE_RE.match(text):
            unit = _unit_from(text)
            if unit and text.rstrip().endswith(f"({unit})"):  # "Jumlah Penduduk (Jiwa)": unit apart
                text = text.rstrip()[: -len(unit) - 2].rstrip(" ,")
            return _clip(text, 120)
    stem = Path(result.filename or "data").stem
    return _clip(_pretty(re.sub(r"[-.]+", " ", stem)), 120) or "Indikator"


def _suggest_unit(result, names, roles, cols, super_cells, percent_any) -> str | None:
    ui = roles.get("unit")
    if ui is not None:
        vals = [v for v in cols[ui].slice(0, 5000).to_pylist() if v]
        if vals:
            return _clip(Counter(vals).most_common(1)[0][0], 40)
    for text in [names[i] for i in roles["values"]] + list(super_cells) + list(result.title_lines):
        unit = _unit_from(text)
        if unit:
            return _clip(unit, 40)
    if percent_any:
        return "%"
    return None


def _finish_points(cols, names, roles, lines, skip: "_RowSkips", region_codes, result) -> list:
    lat = parse_numbers(cols[roles["lat"]], decimal_only=True)
    lon = parse_numbers(cols[roles["lon"]], decimal_only=True)
    la, lo = lat.values.copy(), lon.values.copy()
    both = np.isfinite(la) & np.isfinite(lo)
    if both.any():
        # latitude and longitude swapped (Indonesia: lat about -11..6, lon about 95..141)
        med_la, med_lo = np.nanmedian(np.abs(la[both])), np.nanmedian(np.abs(lo[both]))
        if med_la > 90 or (med_la > 60 and med_lo < 20):
            la, lo = lo, la
            result.warn("coordinates_swapped")
    missing = (lat.status == MISSING) | (lon.status == MISSING)
    bad = ~missing & ~(np.isfinite(la) & np.isfinite(lo) & (np.abs(la) <= 90) & (np.abs(lo) <= 180)
                       & ~((la == 0) & (lo == 0)))
    both_cols = f"{names[roles['lat']]}, {names[roles['lon']]}"

    def pair(rows):
        take = pa.array(rows, type=pa.int64())
        return [f"{a}, {b}" if (a or b) else "" for a, b in zip(cols[roles["lat"]].take(take).to_pylist(),
                                                                cols[roles["lon"]].take(take).to_pylist())]
    skip.mark(missing, "missing_coordinate", both_cols, pair)
    skip.mark(bad, "invalid_coordinate", both_cols, pair)
    good = np.flatnonzero(skip.free())
    ni = roles.get("name")
    name_vals = np.asarray(cols[ni].take(pa.array(good)).to_pylist(), dtype=object) if ni is not None \
        else np.full(len(good), None, dtype=object)
    inside = ((la[good] >= AREA_BBOX["lat_min"]) & (la[good] <= AREA_BBOX["lat_max"])
              & (lo[good] >= AREA_BBOX["lon_min"]) & (lo[good] <= AREA_BBOX["lon_max"]))
    result.points = pd.DataFrame({"row": lines[good].astype("int64"), "lat": la[good], "lon": lo[good],
                                  "name": pd.Series(name_vals, dtype=object),
                                  "region_code": pd.Series([region_codes[1][k] if k >= 0 else None
                                                            for k in region_codes[0][good]], dtype=object),
                                  "in_area": inside})
    result.rows_used = int(len(good))
    result.number_formats = {names[roles["lat"]]: "decimal", names[roles["lon"]]: "decimal"}
    result.number_format = "decimal"
    if (~inside).any():
        result.warn("points_outside_area", count=int((~inside).sum()))
    result.suggested.update({"indicator": result.options.indicator or
                             _default_indicator(result, names, roles, "points", []),
                             "unit": "unit", "higher_is_better": True, "year": result.options.year
                             or _title_year(result.title_lines)})
    return []


# ---------------------------------------------------------------------------
# Points in polygons
# ---------------------------------------------------------------------------


@dataclass
class PointCounts:
    """Points counted per region: counts (code, count, zero for empty regions), outside points."""

    counts: pd.DataFrame
    outside: pd.DataFrame
    inside: int
    level: str | None

    def to_records(self, indicator: str, year: int | None) -> pd.DataFrame:
        c = self.counts
        period = str(year) if year else None
        return pd.DataFrame({"region_code": c["code"].astype("str"), "indicator": indicator,
                             "year": pd.array([year] * len(c), dtype="Int64"), "period": period,
                             "preliminary": False, "value": c["count"].astype("float64"),
                             "row": 0, "column": ""})


def count_points(points: pd.DataFrame, boundaries, level: str | None = None) -> PointCounts:
    """Count points (columns lat, lon) per polygon of ``boundaries`` (GeoDataFrame: code, geometry).

    A point on a shared border is counted once (the first polygon in code order). Points in no
    polygon are returned in ``outside``. ``level`` keeps only 4-digit (kabkota) or 7-digit
    (kecamatan) codes when the boundaries mix both.
    """
    import geopandas as gpd

    b = boundaries
    if b.crs is not None and b.crs.to_epsg() != 4326:
        b = b.to_crs(4326)
    b = b[["code", "geometry"]].copy()
    b["code"] = b["code"].astype(str)
    if level in LEVELS:
        b = b[b["code"].str.len() == (7 if level == "kecamatan" else 4)]
    b = b[b.geometry.notna() & ~b.geometry.is_empty].sort_values("code").reset_index(drop=True)
    pts = points.reset_index(drop=True)
    ok = np.isfinite(pts["lat"].astype(float)) & np.isfinite(pts["lon"].astype(float))
    gpts = gpd.GeoDataFrame(pts[ok], geometry=gpd.points_from_xy(pts.loc[ok, "lon"], pts.loc[ok, "lat"]),
                            crs=4326)
    joined = gpd.sjoin(gpts, b, how="left", predicate="intersects")
    joined = joined[~joined.index.duplicated(keep="first")]
    codes = joined["code"].reindex(pts.index)
    inside = codes.notna()
    counts = codes[inside].value_counts().reindex(b["code"], fill_value=0)
    counts_df = pd.DataFrame({"code": counts.index.astype(str), "count": counts.to_numpy().astype("int64")})
    outside = pts[~inside].copy()
    return PointCounts(counts=counts_df.reset_index(drop=True), outside=outside.reset_index(drop=True),
                       inside=int(inside.sum()), level=level)
