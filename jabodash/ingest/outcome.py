"""Results and messages of the upload reader: :class:`Message`, :class:`IngestOptions`, :class:`IngestResult`.

Nothing raises for bad input: every problem becomes a message (an i18n key under ``ingest.``
plus parameters) in ``result.errors`` (the file cannot be used) or ``result.warnings`` (it can,
with gaps), or a row in ``result.skipped`` (row number, column, value, reason).

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
    plausibility    {"coverage": [{indicator, catalog_id, regions, total, text}], "flags": [{row, region_code,
                    indicator, year, value, reason, params, text}] (first 200), "flag_count", "unit_flags"}:
                    how many of the 15 regions each indicator covers; values outside the catalog
                    indicator's valid range and implausible yearly changes (jabodash.ingest.plausible)
    records         [{"region_code", "indicator", "year", "value", "preliminary", "period"}]
    points          [{"row", "lat", "lon", "name", "in_area"}] (points layout only, else [])
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from jabodash.core.cells import distinct_texts
from jabodash.core.i18n import t
from jabodash.core.textsafe import md_escape
from jabodash.ingest import jsonout, plausible
from jabodash.ingest.resolve import _get_matcher
from jabodash.ingest.text import _isna

SCHEMA = "jabodash.ingest/1"
LAYOUTS = ("long", "wide_years", "wide_indicators", "points")
LEVELS = ("kabkota", "kecamatan")
RECORD_COLUMNS = ("region_code", "indicator", "year", "period", "preliminary", "value", "row", "column")


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
    """Everything read_upload understood about one file. See the package and module docstrings."""

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

    def points_list(self) -> list[dict]:
        p = self.points if self.points is not None else pd.DataFrame(columns=["row", "lat", "lon", "name", "in_area"])
        return [{"row": int(row), "lat": float(lat), "lon": float(lon), "name": None if _isna(name) else str(name),
                 "in_area": bool(inside)} for row, lat, lon, name, inside in zip(p["row"], p["lat"], p["lon"],
                                                                                  p["name"], p["in_area"])]

    def plausibility(self, lang: str = "en", unit: str | None = None) -> dict:
        """Coverage of the 15 regions and plausibility flags per indicator (jabodash.ingest.plausible)."""
        return plausible.check(self.records, unit if unit is not None else self.suggested.get("unit"), lang)

    def summary(self, lang: str = "en") -> dict:
        """The JSON report without records, points and the full skipped list (for meta.json)."""
        out = self._report(lang, include_records=False, lazy=False, skipped_limit=200)
        out["skipped_count"] = len(self.skipped)
        return out

    def to_json(self, lang: str = "en", include_records: bool = True) -> dict:
        """The stable JSON form (schema jabodash.ingest/1), documented in the module docstring."""
        return self._report(lang, include_records, lazy=False)

    def write_json(self, fh, lang: str = "en", extra: dict | None = None) -> None:
        """Write the JSON form, followed by the keys of ``extra``, exactly as ``json.dump(...,
        ensure_ascii=False, indent=2, allow_nan=False)`` would, without a dict per record
        (:mod:`jabodash.ingest.jsonout`)."""
        report = self._report(lang, include_records=True, lazy=True)
        report.update(extra or {})
        jsonout.dump(report, fh)

    def _report(self, lang: str, include_records: bool, lazy: bool, skipped_limit: int | None = None) -> dict:
        """The JSON form; lazy: the long lists as jsonout.Rows (columns) instead of lists of dicts."""
        points: list | jsonout.Rows = []
        if include_records and self.points is not None:
            points = _point_rows(self.points) if lazy else self.points_list()
        skipped = _skipped_rows(self.skipped, skipped_limit) if lazy else self.skipped_list(skipped_limit)
        records: list | jsonout.Rows = []
        if include_records:
            records = _record_rows(self.records) if lazy else self.records_list()
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
            "skipped": skipped,
            "missing": _jsonable(self.missing),
            "unmatched": _jsonable(self.unmatched),
            "ambiguous_columns": _jsonable(self.ambiguous_columns),
            "warnings": [m.to_dict(lang) for m in self.warnings],
            "errors": [m.to_dict(lang) for m in self.errors],
            "suggested": _jsonable(self.suggested),
            "plausibility": self.plausibility(lang),
            "records": records,
            "points": points,
        }

    def cleaned(self, lang: str = "id", matcher=None) -> pd.DataFrame:
        """The records for display and download: with the region name in the UI language.
        Write it with jabodash.core.csvsafe.to_safe_csv."""
        m = _get_matcher(matcher)
        r = self.records
        codes = distinct_texts(r["region_code"])
        names = {}
        for code in codes:
            try:
                names[code] = str(m.name(code, lang=lang))
            except Exception:
                names[code] = code
        return pd.DataFrame({
            "region_code": _per_value(r["region_code"], lambda s: s.astype(str)),
            "region_name": _per_value(r["region_code"], lambda s: s.astype(str).map(names)),
            "indicator": _per_value(r["indicator"], lambda s: s.astype(str)),
            "year": r["year"].to_numpy(),
            "period": _per_value(r["period"], lambda s: s.astype(str)),
            "preliminary": r["preliminary"].to_numpy(),
            "value": r["value"].to_numpy(),
            "source_row": r["row"].to_numpy(),
        })

    def to_json_str(self, lang: str = "en", indent: int | None = 2) -> str:
        return json.dumps(self.to_json(lang=lang), ensure_ascii=False, indent=indent, allow_nan=False)


def _per_value(series: pd.Series, convert) -> np.ndarray:
    """``convert(series).to_numpy()``; for a categorical, convert runs once per category (and once
    for a missing value) and the result is spread by the codes."""
    if not isinstance(series.dtype, pd.CategoricalDtype) or not len(series):
        return convert(series).to_numpy()
    every = pd.Series(pd.Categorical.from_codes(np.arange(-1, len(series.cat.categories)), dtype=series.dtype))
    return convert(every).to_numpy()[series.cat.codes.to_numpy().astype(np.int64) + 1]


def _or_none(convert):
    return lambda v: None if _isna(v) else convert(v)


def _record_rows(r: pd.DataFrame) -> jsonout.Rows:
    """The records as JSON columns, converted as :meth:`IngestResult.records_list` converts them."""
    return jsonout.Rows(len(r), {
        "region_code": jsonout.text_column(r["region_code"], str),
        "indicator": jsonout.text_column(r["indicator"], str),
        "year": jsonout.int_column(r["year"]),
        "value": jsonout.float_column(r["value"], null_missing=True),
        "preliminary": jsonout.bool_column(r["preliminary"]),
        "period": jsonout.text_column(r["period"], _or_none(str))})


def _point_rows(p: pd.DataFrame) -> jsonout.Rows:
    """The points as JSON columns (row, lat, lon, name, in_area)."""
    return jsonout.Rows(len(p), {
        "row": jsonout.int_column(p["row"]),
        "lat": jsonout.float_column(p["lat"], null_missing=False),
        "lon": jsonout.float_column(p["lon"], null_missing=False),
        "name": jsonout.text_column(p["name"], _or_none(str)),
        "in_area": jsonout.bool_column(p["in_area"])})


def _skipped_rows(sk: pd.DataFrame, limit: int | None) -> jsonout.Rows:
    """The skipped cells and rows as JSON columns, converted as :meth:`IngestResult.skipped_list` does."""
    df = sk if limit is None else sk.head(limit)
    return jsonout.Rows(len(df), {
        "row": jsonout.int_column(df["row"]),
        "column": jsonout.text_column(df["column"], _or_none(str)),
        "value": jsonout.text_column(df["value"], lambda v: "" if _isna(v) else str(v)),
        "reason": jsonout.text_column(df["reason"], str),
        "reason_key": jsonout.text_column(df["reason_key"], str)})


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
