"""python -m jabodash ingest FILE [--json] [--save] [--sheet S] [--lang id|en] [...]

Runs the upload reader of the page (jabodash.ingest.read_upload) on a file and prints the same
validation report: as text in the chosen language, or with --json as the stable JSON object
documented in jabodash/ingest/outcome.py (schema "jabodash.ingest/1"; with --save it also carries
"dataset_id"). Exit status: 0 the file can be used (and was saved with --save), 1 it cannot
(the reasons are in "errors"), 2 the file cannot be opened or the arguments are wrong.
A traceback is never shown.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from jabodash.core.i18n import t

_DELIMS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
EXIT_OK, EXIT_UNUSABLE, EXIT_USAGE = 0, 1, 2


def _options(args):
    # jabodash.ingest is imported where it is used: every subcommand module is imported to build
    # the parser, and importing jabodash.ingest (pandas, pyarrow) costs 0.8 s or more
    from jabodash.ingest import IngestOptions
    mapping = {}
    for item in args.map or []:
        raw, sep, code = item.rpartition("=")
        if not sep or not raw:
            raise ValueError(f"--map needs RAW=CODE, got {item!r}")
        mapping[raw] = code
    formats = {}
    for item in args.number_format or []:
        col, sep, fmt = item.rpartition("=")
        if sep:
            formats[col] = fmt
    sheet = args.sheet
    if sheet is not None and sheet.isdigit():
        sheet = int(sheet)
    return IngestOptions(
        sheet=sheet, encoding=args.encoding, delimiter=args.delimiter, header_row=args.header_row,
        layout=args.layout, level=args.level, region_column=args.region_column, year_column=args.year_column,
        indicator_column=args.indicator_column,
        value_columns=[v for v in args.value_columns.split(",") if v] if args.value_columns else None,
        number_format=next((item for item in args.number_format or [] if "=" not in item), None),
        number_formats=formats, region_mapping=mapping, year=args.year, indicator=args.indicator)


def _line(label_key: str, value, lang: str) -> str:
    return f"  {t(label_key, lang) + ':':<22} {value}"


def format_report(result, lang: str = "id", max_rows: int = 30) -> str:
    """The validation report as plain text (what the page shows, for a terminal)."""
    none = t("ingest.label.none", lang)
    out = [f"{t('ingest.label.file', lang)}: {result.filename} ({result.size_bytes:,} B)",
           t("ingest.label.ok" if result.ok else "ingest.label.not_ok", lang)]
    for msg in result.errors:
        out.append(f"  ! {msg.text(lang)}")
    if result.file_type == "xlsx":
        out.append(_line("ingest.label.sheet", f"{result.sheet or none} ({', '.join(result.sheets)})", lang))
    else:
        out.append(_line("ingest.label.encoding", result.encoding or none, lang))
        d = _DELIMS.get(result.delimiter or "")
        out.append(_line("ingest.label.delimiter", t(f"ingest.delimiter.{d}", lang) if d else none, lang))
    if result.header_row is not None:
        out.append(_line("ingest.label.header_row", result.header_row, lang))
    for line in result.title_lines[:3]:
        out.append(_line("ingest.label.title_lines", line, lang))
    if result.layout:
        out.append(_line("ingest.label.layout", t(f"ingest.layout.{result.layout}", lang), lang))
    if result.level:
        out.append(_line("ingest.label.level", t(f"ingest.level.{result.level}", lang), lang))
    if result.number_format:
        out.append(_line("ingest.label.number_format", t(f"ingest.numfmt.{result.number_format}", lang), lang))
    roles = result.roles or {}
    for key, label in (("region", "region_column"), ("year", "year_column"), ("indicator", "indicator_column")):
        if roles.get(key):
            out.append(_line(f"ingest.label.{label}", roles[key], lang))
    if roles.get("values"):
        vals = roles["values"]
        shown = ", ".join(vals[:12]) + (f" (+{len(vals) - 12})" if len(vals) > 12 else "")
        out.append(_line("ingest.label.value_columns", shown, lang))
    out.append(_line("ingest.label.rows_read", f"{result.rows_read:,}", lang))
    out.append(_line("ingest.label.rows_used", f"{result.rows_used:,}", lang))
    out.append(_line("ingest.label.records", f"{len(result.records):,}", lang))
    out.append(_line("ingest.label.rows_skipped", f"{len(result.skipped):,}", lang))
    if result.missing.get("count"):
        out.append(_line("ingest.label.missing", f"{result.missing['count']:,}", lang))
    for msg in result.warnings:
        out.append(f"  * {msg.text(lang)}")
    if result.unmatched:
        out.append(t("ingest.label.unmatched", lang) + ":")
        for u in result.unmatched[:max_rows]:
            sugg = ", ".join(f"{c} {n}" for c, n in zip(u["suggestions"], u["suggestion_names"])) or none
            out.append(f"  {u['value']!r} ({u['rows']}x, {t('ingest.label.row', lang).lower()} {u['first_row']}):"
                       f" {t('ingest.label.suggestions', lang).lower()}: {sugg}")
    if result.ambiguous_columns:
        out.append(t("ingest.label.ambiguous_columns", lang) + ":")
        for a in result.ambiguous_columns:
            out.append(f"  {a['column']}: {', '.join(a['examples'])}")
    if len(result.skipped):
        out.append(t("ingest.label.skipped", lang) + ":")
        sk = result.skipped.head(max_rows)
        for row, col, val, key in zip(sk["row"], sk["column"], sk["value"], sk["reason_key"]):
            where = f"{t('ingest.label.row', lang)} {row}" + (f", {col}" if col else "")
            out.append(f"  {where}: {val!r}: {t(f'ingest.reason.{key}', lang)}")
        if len(result.skipped) > max_rows:
            out.append("  " + t("ingest.label.and_more", lang, count=f"{len(result.skipped) - max_rows:,}"))
    if len(result.records):
        out.append(t("ingest.label.preview", lang) + ":")
        head = result.records.head(8)[["region_code", "indicator", "year", "value"]]
        for line in head.to_string(index=False).splitlines():
            out.append("  " + line)
    return "\n".join(out)


def run(args) -> int:
    lang = args.lang
    path = Path(args.file)
    try:
        from jabodash.ingest import matcher_with_cached_kecamatan, max_upload_bytes, read_file  # see _options
        opts = _options(args)
        if not path.is_file():
            print(f"error: {path}: not a file", file=sys.stderr)
            return EXIT_USAGE
        opts.max_bytes = opts.max_bytes or max_upload_bytes()
        result = read_file(path, options=opts, matcher=matcher_with_cached_kecamatan())
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    dataset_id = None
    save_error = None
    points = _count_points(result, args) if result.ok and result.layout == "points" else None
    if points is not None and points.basis is None:
        save_error = t("unggah.points_no_boundaries_cli", lang)
    elif args.save and result.ok:
        try:
            from jabodash.store.shelf import WorkspaceError, save_dataset  # see _options
            meta = {"indicator": args.indicator} if args.indicator else {}
            if args.year:
                meta["year"] = args.year
            from jabodash.store import access, save_notes
            dataset_id = access.audited("dataset.save", path.name, "cli", lambda: save_dataset(
                result, path.read_bytes(), path.name, meta or None,
                records=result.records if points is not None else None), {"file": path.name}, str)
            for other in save_notes.same_title(dataset_id):
                print(t("unggah.same_name_cli", lang, id=other["id"], time=str(other.get("created_at") or "")[:16]),
                      file=sys.stderr)
        except WorkspaceError as exc:
            save_error = exc.text(lang)
        except OSError as exc:
            save_error = str(exc)
    if args.json:
        payload = {}
        if args.save:
            payload["dataset_id"] = dataset_id
        if points is not None:
            payload["point_counts"] = {"basis": points.basis, "points": points.points,
                                       "counted": {lv: int(n) for lv, n in points.counted.items()},
                                       "outside": [{"row": int(r.row), "lat": float(r.lat), "lon": float(r.lon),
                                                    "reason": r.reason_key} for r in points.outside.itertuples()]}
        # what json.dump(report, indent=2) writes, without a dict per record (see jabodash.ingest.jsonout)
        result.write_json(sys.stdout, lang=lang, extra=payload)
        sys.stdout.write("\n")
    else:
        print(format_report(result, lang))
        if points is not None and points.basis is not None:
            print(t("unggah.points_counted_cli", lang, basis=points.basis, outside=len(points.outside),
                    **{lv: points.counted.get(lv, 0) for lv in ("kabkota", "kecamatan")}))
        if dataset_id:
            print(t("ingest.label.saved", lang, id=dataset_id))
    if save_error:
        print(f"error: {save_error}", file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_OK if result.ok else EXIT_UNUSABLE


def _count_points(result, args):
    """A points layout (facility list): count the points per kab/kota and kecamatan with the
    cached boundaries (else per the file's region column), by the upload page's path
    (jabodash.ingest.points); the counts become ``result.records`` (what --json prints and --save
    stores). Returns the PointReport."""
    from jabodash.ingest import cached_boundaries, point_records  # see _options
    sug = result.suggested or {}
    indicator = args.indicator or sug.get("indicator") or Path(result.filename).stem
    year = args.year or sug.get("year")
    records, report = point_records(result, cached_boundaries(), indicator, year)
    result.records = records
    return report


def _guarded(args) -> int:
    try:
        return run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. head
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except Exception as exc:  # a message, never a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ingest", help="read an analyst's CSV/TSV/XLSX file and print the validation report",
        description=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--json", action="store_true", help="print the JSON report (schema jabodash.ingest/1)")
    parser.add_argument("--save", action="store_true", help="save the dataset to the workspace when usable")
    parser.add_argument("--sheet", help="xlsx sheet name or 1-based number (default: the first)")
    parser.add_argument("--lang", choices=("id", "en"), default="id", help="language of the messages")
    parser.add_argument("--encoding", help="force an encoding (utf-8, utf-16, windows-1252, ...)")
    parser.add_argument("--delimiter", help="force the delimiter: , ; tab |")
    parser.add_argument("--header-row", type=int, help="1-based line of the header row (0: none)")
    parser.add_argument("--layout", choices=("long", "wide_years", "wide_indicators", "points"))
    parser.add_argument("--level", choices=("kabkota", "kecamatan"))
    parser.add_argument("--region-column")
    parser.add_argument("--year-column")
    parser.add_argument("--indicator-column")
    parser.add_argument("--value-columns", help="comma-separated column names")
    parser.add_argument("--number-format", action="append", metavar="[COLUMN=]id|en",
                        help="number form for a column, or for all value columns")
    parser.add_argument("--map", action="append", metavar="RAW=CODE", help="map a region value to a BPS code")
    parser.add_argument("--year", type=int, help="the year when the file has none")
    parser.add_argument("--indicator", help="indicator name")
    parser.set_defaults(func=_guarded)


def main(argv: list[str] | None = None) -> int:
    """Standalone entry (python -m jabodash.cli.ingest FILE ...)."""
    parser = argparse.ArgumentParser(prog="python -m jabodash")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["ingest", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
