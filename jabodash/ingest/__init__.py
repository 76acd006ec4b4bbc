"""Analyst uploads: read CSV, TSV and XLSX files as they come and say what was understood.

Entry point: :func:`read_upload` (bytes in, :class:`IngestResult` out; :func:`read_file` for a
path). It never raises for bad input: every problem becomes a message (an i18n key under
``ingest.`` plus parameters) in ``result.errors`` (the file cannot be used) or
``result.warnings`` (it can, with gaps), or a row in ``result.skipped`` (row number, column,
value, reason). :meth:`IngestResult.to_json` is the stable JSON report (schema
``jabodash.ingest/1``, documented in :mod:`jabodash.ingest.outcome`).

The package, in reading order:

* ``outcome``  messages, options and the result (its JSON form)
* ``text``     text helpers: missing markers, header hints, years, notes, file names, hostile text
* ``numbers``  number forms (Indonesian, English, plain) decided per column, and parsed
* ``sniff``    file kind, encoding, binary data, delimiter, table width
* ``caps``     what one upload may hold (below), checked before the expensive work
* ``grid``     the rows of text cells with their line numbers (CSV text or an xlsx sheet)
* ``read``     the entry points: size limit, file kind, grid, then the analysis
* ``analyse``  the analysis, step by step, over the modules below
* ``header``   the header row, title lines, the data rows, rows that are not data
* ``roles``    column roles (region, year, indicator, values, coordinates) and the layout
* ``resolve``  region values to BPS codes, the unmatched report
* ``values``   years, indicators and numbers become records
* ``points``   a facility list: points read, and counted per region
* ``plausible`` the figures of catalog indicators checked against their valid range and change
* ``jsonout``  the JSON report written fast (byte for byte json.dump's)

Limits
------
Besides the upload size (``JABODASH_MAX_UPLOAD_MB``, default 200 MiB), :mod:`jabodash.ingest.caps`
refuses, each with an ``ingest.error.`` message naming what was too large, the limit and where:
a line or a cell over 1 MiB (``line_too_long``, ``cell_too_long``: line, row and column), a table
over 500 columns (``too_many_columns``) or 25 million cells (``too_many_cells``); and for XLSX,
from the zip's directory before anything is unpacked, a part over 256 MiB unpacked
(``xlsx_part_too_large``), all parts over 512 MiB (``xlsx_unpacked_too_large``), a part over
10 MiB that unpacks to more than 100 times its packed size (``xlsx_ratio``), then more than
1,000,000 shared strings (``too_many_shared_strings``, counted by streaming) and a sheet over
5,000,000 cells (``xlsx_too_many_cells``, while it is read). So a hostile file is refused in
about a second, in a few hundred MB.

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
table to download (through :func:`jabodash.core.csvsafe.to_safe_csv`); :func:`point_records`
turns a points layout into counts per region; :mod:`jabodash.store.shelf` saves, lists and
loads datasets.

This package must not import streamlit.
"""
from jabodash.core.cells import MISSING_MARKERS
from jabodash.ingest.caps import MAX_COLUMNS
from jabodash.ingest.header import PREVIEW_ROWS
from jabodash.ingest.numbers import (
    AMBIGUOUS,
    CONFLICT,
    MISSING,
    NOT_A_NUMBER,
    NUMBER_FORMATS,
    OK,
    NumberColumn,
    parse_numbers,
)
from jabodash.ingest.outcome import (
    LAYOUTS,
    LEVELS,
    RECORD_COLUMNS,
    SCHEMA,
    IngestOptions,
    IngestResult,
    Message,
    reason_text,
)
from jabodash.ingest.points import (
    AREA_BBOX,
    LEVEL_DIGITS,
    OUTSIDE_COLUMNS,
    OUTSIDE_REASONS,
    PointCounts,
    PointReport,
    agglomeration_codes,
    cached_boundaries,
    count_point_regions,
    count_points,
    point_records,
)
from jabodash.ingest.read import DEFAULT_MAX_UPLOAD_MB, MAX_UPLOAD_BYTES, max_upload_bytes, read_file, read_upload
from jabodash.ingest.resolve import matcher_with_cached_kecamatan
from jabodash.ingest.sniff import DELIMITERS
from jabodash.ingest.text import parse_year, safe_filename
from jabodash.ingest.values import suggest_higher_is_better

__all__ = [
    "AMBIGUOUS", "AREA_BBOX", "CONFLICT", "DEFAULT_MAX_UPLOAD_MB", "DELIMITERS", "LAYOUTS", "LEVELS", "LEVEL_DIGITS",
    "MAX_COLUMNS", "MAX_UPLOAD_BYTES", "MISSING", "MISSING_MARKERS", "NOT_A_NUMBER", "NUMBER_FORMATS", "OK",
    "OUTSIDE_COLUMNS", "OUTSIDE_REASONS", "PREVIEW_ROWS", "RECORD_COLUMNS", "SCHEMA", "IngestOptions",
    "IngestResult", "Message", "NumberColumn", "PointCounts", "PointReport", "agglomeration_codes",
    "cached_boundaries", "count_point_regions", "count_points", "matcher_with_cached_kecamatan", "max_upload_bytes",
    "parse_numbers", "parse_year", "point_records", "read_file", "read_upload", "reason_text", "safe_filename",
    "suggest_higher_is_better",
]
