"""Analysts' own target files: recognised, checked, used for a session or saved for everyone.

A targets file is a CSV with one target per row: ``indicator``, ``region`` (a kab/kota name or
code, a province, "nasional"/"national", or "metro"), ``target_year``, ``value`` (or ``low`` and
``high`` for a range), ``source_url`` and optionally ``direction`` (higher/lower; else the
indicator's), ``plan``, ``source_title`` and ``note``; Indonesian headers are recognised too
(see ALIASES). :func:`parse` gives the rows in the columns of data/targets.csv (grade
"unrated", origin "upload") and every problem with its row number; a row with a problem is left
out, the others are kept. Saved files live in the workspace (``<workspace>/targets/<id>.csv``)
and count for every session, like saved datasets.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jabodash.core.i18n import t
from jabodash.core.paths import atomic_write_bytes, workspace_dir
from jabodash.store import plan_targets as targets_mod

MAX_BYTES = 1_000_000
MAX_ROWS = 2_000
TEXT_LIMIT = 300
ALIASES = {
    "indicator": ("indicator", "indikator", "indicator_id"),
    "region": ("region", "wilayah", "region_code", "kode_wilayah", "daerah"),
    "target_year": ("target_year", "tahun_sasaran", "tahun_target", "tahun"),
    "value": ("value", "target", "nilai", "sasaran", "target_value", "nilai_sasaran"),
    "low": ("low", "target_low", "batas_bawah"),
    "high": ("high", "target_high", "batas_atas"),
    "direction": ("direction", "arah"),
    "plan": ("plan", "rencana", "dokumen"),
    "source_url": ("source_url", "url", "sumber_url", "tautan"),
    "source_title": ("source_title", "source", "sumber", "judul_sumber"),
    "note": ("note", "catatan"),
}
REQUIRED = ("indicator", "region", "target_year", "source_url")
NATIONAL = {"nasional", "national", "indonesia", "id"}
METRO = {"metro", "aglomerasi", "agglomeration", "jabodetabek", "kawasan aglomerasi"}
PROVINCES = {"dki jakarta": "31", "jakarta": "31", "31": "31", "jawa barat": "32", "west java": "32", "32": "32",
             "banten": "36", "36": "36"}
DIRECTION_WORDS = {"higher": "higher", "naik": "higher", "lebih tinggi": "higher", "lower": "lower", "turun": "lower",
                   "lebih rendah": "lower"}
ID_RE = re.compile(r"^[a-z0-9_]{1,64}$")


@dataclass
class Problem:
    key: str                  # sasaran.upload.<key>
    row: int | None = None    # 1-based data row (the header is row 0)
    params: dict = field(default_factory=dict)

    def text(self, lang: str) -> str:
        where = t("sasaran.upload.at_row", lang, row=self.row) + " " if self.row is not None else ""
        return where + t(f"sasaran.upload.{self.key}", lang, **self.params)


def _norm(text) -> str:
    return re.sub(r"[\s\-]+", "_", str(text).strip().casefold())


def columns_of(header) -> dict[str, str]:
    """Our column name -> the file's column, for the columns the file has."""
    found = {}
    normalised = {_norm(c): c for c in header}
    for ours, names in ALIASES.items():
        for name in names:
            if name in normalised and ours not in found:
                found[ours] = normalised[name]
    return found


def is_targets_file(header) -> bool:
    """True when the header names a targets file (indicator, region, target year, a value or a
    range, and a source), whatever else it has."""
    cols = columns_of(header)
    return all(c in cols for c in REQUIRED) and ("value" in cols or {"low", "high"} <= set(cols))


def _clean(value) -> str:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return re.sub(r"[\x00-\x1f\x7f]", " ", text).strip()[:TEXT_LIMIT]


def _number(value) -> float | None:
    text = _clean(value).replace(" ", "")
    if not text:
        return None
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text):     # 1.234,5
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if pd.notna(number) and abs(number) < 1e15 else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")[:40] or "targets"


def read_csv(data: bytes) -> pd.DataFrame:
    """The file as text columns (UTF-8 with or without BOM, else Latin-1; comma or semicolon)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    sep = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, nrows=MAX_ROWS + 1)


def parse(data: bytes, filename: str, known: dict, matcher) -> tuple[pd.DataFrame, list[Problem]]:
    """Rows in the columns of data/targets.csv and the problems found. ``known``: indicator id ->
    Indicator; ``matcher``: a jabodash.geo.regions.RegionMatcher."""
    empty = pd.DataFrame(columns=targets_mod.COLUMNS)
    if not data.strip():
        return empty, [Problem("empty")]
    if len(data) > MAX_BYTES:
        return empty, [Problem("too_big", params=dict(limit=MAX_BYTES // 1000))]
    try:
        raw = read_csv(data)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError, ValueError):
        return empty, [Problem("unreadable")]
    if not is_targets_file(raw.columns):
        return empty, [Problem("not_targets", params=dict(columns=", ".join(map(str, raw.columns[:12]))[:200]))]
    problems = [Problem("too_many_rows", params=dict(limit=MAX_ROWS))] if len(raw) > MAX_ROWS else []
    cols = columns_of(raw.columns)
    stem = _slug(Path(filename).stem)
    rows = []
    for i, rec in enumerate(raw.head(MAX_ROWS).to_dict("records"), start=1):
        values = {ours: _clean(rec.get(theirs)) for ours, theirs in cols.items()}
        row, found = _row(lambda ours, v=values: v.get(ours, ""), i, stem, known, matcher)
        problems += found
        if row is not None:
            rows.append(row)
    frame = pd.DataFrame(rows, columns=targets_mod.COLUMNS) if rows else empty
    return frame, problems


def _row(get, i: int, stem: str, known: dict, matcher) -> tuple[dict | None, list[Problem]]:
    problems = []
    ind_id = get("indicator")
    ind = targets_mod.indicator(ind_id, known)
    if ind is None:
        problems.append(Problem("unknown_indicator", i, dict(value=ind_id[:60])))
    scope, code = _place(get("region"), matcher)
    if scope is None:
        problems.append(Problem("unknown_region", i, dict(value=get("region")[:60])))
    year = _number(get("target_year"))
    if year is None or not (2000 <= year <= 2100) or not float(year).is_integer():
        problems.append(Problem("bad_year", i, dict(value=get("target_year")[:20])))
    value, low, high = _number(get("value")), _number(get("low")), _number(get("high"))
    if value is None and (low is None or high is None):
        problems.append(Problem("no_value", i))
    elif value is None and low > high:
        problems.append(Problem("low_above_high", i))
    direction = DIRECTION_WORDS.get(get("direction").casefold())
    if direction is None and ind is not None and ind.higher_is_better is not None:
        direction = "higher" if ind.higher_is_better else "lower"
    if direction is None:
        problems.append(Problem("no_direction", i))
    url = get("source_url")
    if not re.match(r"^https?://[^\s]+$", url):
        problems.append(Problem("bad_url", i, dict(value=url[:80])))
    if problems:
        return None, problems
    plan = _slug(get("plan")) if get("plan") else f"upload_{stem}"
    return dict(id=f"upload_{stem}_{i}", plan=plan, indicator=ind_id, scope=scope, region_code=code,
                baseline_year=None, baseline_value=None, target_year=int(year), target_value=value,
                target_low=None if value is not None else low, target_high=None if value is not None else high,
                direction=direction, article="", source_url=url, source_title=get("source_title") or url,
                publisher="", grade="unrated", grade_reason="the analyst's own file", quote="", note=get("note"),
                ref_code="", reported_year=None, reported_value=None, reported_url="", reported_title="",
                reported_grade="", reported_quote=""), []


def _place(text: str, matcher) -> tuple[str | None, str]:
    key = text.strip().casefold()
    if key in NATIONAL:
        return "national", ""
    if key in METRO:
        return "agglomeration", ""
    if key in PROVINCES or key.removeprefix("provinsi ").removeprefix("prov. ") in PROVINCES:
        return "province", PROVINCES.get(key) or PROVINCES[key.removeprefix("provinsi ").removeprefix("prov. ")]
    if not key:
        return None, ""
    match = matcher.match(text, level="kabkota")
    code = getattr(match, "code", None)
    return ("kabkota", str(code)) if code else (None, "")


def template_csv() -> bytes:
    """A template with one real row: the DKI Jakarta RPJMD poverty target of data/targets.csv."""
    row = targets_mod.builtin().set_index("id").loc["rpjmd_dki_poverty_2029"]
    frame = pd.DataFrame([{"indicator": row["indicator"], "region": "DKI Jakarta", "target_year": int(row["target_year"]),
                           "value": "", "low": row["target_low"], "high": row["target_high"], "direction": row["direction"],
                           "plan": row["plan"], "source_url": row["source_url"], "source_title": row["source_title"],
                           "note": ""}])
    return frame.to_csv(index=False).encode("utf-8")


# --- saved target files (for everyone) ------------------------------------------------------------

def folder() -> Path:
    path = workspace_dir() / "targets"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save(frame: pd.DataFrame, filename: str) -> str:
    """Save checked rows for every session; returns the saved file's id."""
    file_id = _slug(Path(filename).stem)
    atomic_write_bytes(folder() / f"{file_id}.csv", frame.to_csv(index=False).encode("utf-8"))
    return file_id


def saved() -> dict[str, pd.DataFrame]:
    """id -> rows of every saved target file that still reads as one (a damaged file is skipped)."""
    out = {}
    for path in sorted(folder().glob("*.csv")):
        if not ID_RE.fullmatch(path.stem):
            continue
        try:
            frame = pd.read_csv(path, dtype={"region_code": str}, keep_default_na=False)
        except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
            continue
        if set(targets_mod.COLUMNS) <= set(frame.columns):
            out[path.stem] = frame
    return out


def delete(file_id: str) -> None:
    if ID_RE.fullmatch(file_id):
        (folder() / f"{file_id}.csv").unlink(missing_ok=True)


def signature() -> tuple:
    """Changes when a saved target file is added, replaced or removed (for caches)."""
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder().glob("*.csv")))
