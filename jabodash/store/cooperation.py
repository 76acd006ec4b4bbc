"""The cooperation register: agreements and joint arrangements between the regions of the
agglomeration, with the page each was read on.

One dataset kind, three origins, one frame:

* built-in: ``data/cooperation.csv`` (each row read at its page, quoted and graded; see the
  data file's columns below);
* saved: agreement files an analyst saved for everyone, in the workspace folder
  ``<workspace>/cooperation/*.csv`` (written only through :func:`save`, already checked);
* session: agreement files uploaded in this session (the UI keeps them and passes them in).

:func:`register` joins them (column ``origin``: builtin | saved | upload). :func:`parse` checks an
uploaded file and says every problem by row and column, as i18n keys with their parameters, so the
page can say it in the UI's language; a file with problems adds nothing. The derived views that the
page, the region profile and the presenter share are here too (they are properties of the data, not
of a page): :func:`party_codes`, :func:`edges` (region pairs linked by agreements, by sector) and
:func:`sector_matrix` (agreements per region and sector).

A party is a region code of the 15 kab/kota, a province code (31, 32, 36), the code 0 for the central
government (a ministry or national agency: Kemenhub/BPTJ, PUPR, KLHK), or a body named only in
``parties`` (a BUMD, a developer): only codes link regions. Nothing here imports streamlit.
"""
from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from jabodash.core.paths import DATA_DIR, atomic_write_bytes, workspace_dir

BUILTIN_FILE = DATA_DIR / "cooperation.csv"
COLUMNS = ("id", "agreement_group", "parties", "party_codes", "sector", "form", "year_start", "year_end", "status",
           "kind", "description", "description_id", "source_url", "source_title", "publisher", "quote", "grade", "grade_reason",
           "obstacles_results", "lead_id")
TEMPLATE_COLUMNS = ("parties", "party_codes", "sector", "form", "year_start", "year_end", "status", "kind",
                    "description", "description_id", "source_url", "source_title", "publisher", "quote", "grade", "obstacles_results")
REQUIRED = ("parties", "party_codes", "sector", "description")
# The fields of the agglomeration master plan (Art. 52 Law 2/2024) first, then the rest.
SECTORS = ("transport", "waste", "water", "flooding", "spatial", "health", "education", "economy", "administration",
           "other")
FORMS = ("PKS", "MoU", "joint secretariat", "shared facility", "grant", "BKSP programme", "other")
STATUSES = ("active", "ended", "planned", "unknown")
KINDS = ("agreement", "meeting", "dispute", "plan")
GRADES = ("official", "official-cited", "secondary")
PROVINCES = {"31": "DKI Jakarta", "32": "Jawa Barat", "36": "Banten"}
CENTRAL = "0"   # the central government (a ministry or national agency) as one party code
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
MAX_TEXT = 1000
_SPLIT = re.compile(r"[;,/|]")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class Problem(tuple):
    """(i18n key under kerjasama.upload.error, parameters)."""

    def __new__(cls, key: str, **params):
        return super().__new__(cls, (key, params))

    @property
    def key(self) -> str:
        return self[0]

    @property
    def params(self) -> dict:
        return self[1]


# ---------------------------------------------------------------------------------------------
# reading


@lru_cache(maxsize=4)
def _builtin(path: Path, mtime: float) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return _typed(frame.reindex(columns=list(COLUMNS), fill_value=""))


def builtin() -> pd.DataFrame:
    """The built-in register (read once per change of the file)."""
    return _builtin(BUILTIN_FILE, BUILTIN_FILE.stat().st_mtime).copy()


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("year_start", "year_end"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


def party_codes(value) -> list[str]:
    """The codes of one row's ``party_codes`` cell ("31;3275" -> ["31", "3275"]), in order, once."""
    if not isinstance(value, str):
        return []
    return list(dict.fromkeys(c.strip() for c in value.split(";") if c.strip()))


def register(*extra: pd.DataFrame, saved_too: bool = True) -> pd.DataFrame:
    """Built-in rows, then the saved files (``saved_too``), then ``extra`` (this session's
    uploads), with the column ``origin``."""
    parts = [builtin().assign(origin="builtin")]
    if saved_too:
        parts.append(saved().assign(origin="saved"))
    parts += [frame.assign(origin="upload") for frame in extra if frame is not None and len(frame)]
    frame = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
    return frame.reindex(columns=[*COLUMNS, "origin"])


# ---------------------------------------------------------------------------------------------
# uploads


@lru_cache(maxsize=1)
def _region_lookup(regions_mtime: float, aliases_mtime: float) -> dict[str, str]:
    regions = pd.read_csv(DATA_DIR / "regions.csv", dtype=str, keep_default_na=False)
    lookup = {code: code for code in PROVINCES}
    lookup.update({name.lower(): code for code, name in PROVINCES.items()})
    lookup.update({key: CENTRAL for key in (CENTRAL, "pusat", "pemerintah pusat", "central", "central government")})
    for row in regions.itertuples():
        for key in (row.code, row.kemendagri_code, row.name, row.short_name):
            lookup[str(key).strip().lower()] = row.code
    aliases = DATA_DIR / "region_aliases.csv"
    if aliases.exists():
        for row in pd.read_csv(aliases, dtype=str, keep_default_na=False).itertuples():
            lookup.setdefault(row.alias.strip().lower(), row.code)
    return lookup


def region_lookup() -> dict[str, str]:
    """Lower-case code, Kemendagri code, name, short name or alias -> region (or province) code."""
    aliases = DATA_DIR / "region_aliases.csv"
    return _region_lookup((DATA_DIR / "regions.csv").stat().st_mtime,
                          aliases.stat().st_mtime if aliases.exists() else 0.0)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_table(data: bytes) -> tuple[pd.DataFrame | None, list[Problem]]:
    if not data or not data.strip():
        return None, [Problem("empty")]
    if len(data) > MAX_BYTES:
        return None, [Problem("too_big", limit=MAX_BYTES // 1024)]
    text = _decode(data)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=None, engine="python", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        return None, [Problem("unreadable", detail=str(exc)[:120])]
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        return None, [Problem("missing_columns", columns=", ".join(missing))]
    if len(frame) > MAX_ROWS:
        return None, [Problem("too_many_rows", limit=MAX_ROWS)]
    if frame.empty:
        return None, [Problem("no_rows")]
    return frame, []


def _codes_of(cell: str, lookup: dict[str, str]) -> tuple[list[str], list[str]]:
    """(codes found, names not recognised) of one party_codes cell."""
    found, unknown = [], []
    for part in _SPLIT.split(cell or ""):
        part = part.strip()
        if not part:
            continue
        code = lookup.get(part.lower())
        (found if code else unknown).append(code or part)
    return list(dict.fromkeys(found)), unknown


def _check_row(row: dict, n: int, lookup: dict[str, str]) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []
    out = {k: str(v).strip()[:MAX_TEXT] for k, v in row.items()}
    for column in REQUIRED:
        if not out.get(column):
            problems.append(Problem("empty_cell", row=n, column=column))
    codes, unknown = _codes_of(out.get("party_codes", ""), lookup)
    for name in unknown:
        problems.append(Problem("unknown_region", row=n, value=name[:60]))
    if out.get("party_codes") and not unknown and not codes:
        problems.append(Problem("empty_cell", row=n, column="party_codes"))
    out["party_codes"] = ";".join(codes)
    for column, allowed, default in (("sector", SECTORS, None), ("form", FORMS, "other"), ("status", STATUSES, "unknown"),
                                     ("kind", KINDS, "agreement"), ("grade", GRADES, "secondary")):
        value = out.get(column, "")
        match = next((a for a in allowed if a.lower() == value.lower()), None)
        if match is None and value == "" and default is not None:
            match = default
        if match is None and value:
            problems.append(Problem("bad_choice", row=n, column=column, value=value[:40], allowed=", ".join(allowed)))
        out[column] = match or ""
    for column in ("year_start", "year_end"):
        value = out.get(column, "")
        if value and not (value.isdigit() and 1900 <= int(value) <= 2100):
            problems.append(Problem("bad_year", row=n, column=column, value=value[:20]))
    url = out.get("source_url", "")
    if url and not re.match(r"^https?://", url, re.IGNORECASE):
        problems.append(Problem("bad_url", row=n, value=url[:60]))
    return out, problems


def parse(data: bytes, name: str = "upload") -> tuple[pd.DataFrame, list[Problem]]:
    """An uploaded agreements file (the template's columns; ``party_codes`` may hold codes, names
    or short names separated by ';'). Returns the rows in the register's columns and every problem;
    with any problem the frame is empty (nothing half-loaded)."""
    frame, problems = _read_table(data)
    if frame is None:
        return pd.DataFrame(columns=list(COLUMNS)), problems
    lookup = region_lookup()
    rows = []
    for n, raw in enumerate(frame.to_dict("records"), start=2):   # row 1 is the header
        row, row_problems = _check_row(raw, n, lookup)
        problems += row_problems
        rows.append(row)
    if problems:
        return pd.DataFrame(columns=list(COLUMNS)), problems
    out = pd.DataFrame(rows).reindex(columns=list(COLUMNS), fill_value="")
    stem = re.sub(r"[^A-Za-z0-9]+", "-", Path(name).stem)[:30].strip("-") or "upload"
    out["id"] = [f"U-{stem}-{i}" for i in range(1, len(out) + 1)]
    return _typed(out), []


def template_frame() -> pd.DataFrame:
    """The template: its columns and one example row (an agreement of the built-in register)."""
    example = builtin().iloc[[0]] if len(builtin()) else pd.DataFrame(columns=list(COLUMNS))
    return example.reindex(columns=list(TEMPLATE_COLUMNS)).astype(str).replace({"<NA>": ""})


# ---------------------------------------------------------------------------------------------
# saved for everyone


def saved_dir() -> Path:
    return workspace_dir() / "cooperation"


def valid_name(name: str) -> bool:
    return isinstance(name, str) and bool(_NAME_RE.match(name))


def save(frame: pd.DataFrame, name: str) -> Path:
    """Write checked rows (from :func:`parse`) as ``<workspace>/cooperation/<name>.csv``."""
    if not valid_name(name):
        raise ValueError(f"bad name {name!r}")
    path = saved_dir() / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, frame.reindex(columns=list(COLUMNS)).to_csv(index=False).encode("utf-8"))
    return path


def saved_names() -> list[str]:
    folder = saved_dir()
    return sorted(p.stem for p in folder.glob("*.csv") if valid_name(p.stem)) if folder.is_dir() else []


def saved() -> pd.DataFrame:
    """Every saved file's rows; a damaged file is skipped (it was checked when saved)."""
    frames = []
    for name in saved_names():
        try:
            frame = pd.read_csv(saved_dir() / f"{name}.csv", dtype=str, keep_default_na=False)
        except (OSError, ValueError, pd.errors.ParserError):
            continue
        frames.append(_typed(frame.reindex(columns=list(COLUMNS), fill_value="")))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS))


def remove(name: str) -> None:
    if valid_name(name):
        (saved_dir() / f"{name}.csv").unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# derived views


def agreements_only(frame: pd.DataFrame, active_only: bool = False) -> pd.DataFrame:
    """Rows of kind 'agreement' (meetings, disputes and plans are not links), active ones only
    when asked."""
    out = frame[frame["kind"].fillna("agreement").replace("", "agreement") == "agreement"]
    if active_only:
        out = out[out["status"] == "active"]
    return out


def edges(frame: pd.DataFrame, nodes: list[str]) -> pd.DataFrame:
    """Pairs of ``nodes`` linked by the agreements of ``frame``: a, b, n (agreements), the count
    per sector (columns of SECTORS) and ``sector`` (the most frequent; ties by SECTORS order).

    An agreement links its first coded party (the one that convenes it: DKI for a Transjabodetabek
    route, West Java for the Nambo landfill) with each of its other coded parties: a star, not every
    pair, so that one eleven-party PKS draws ten lines rather than fifty-five."""
    keep = set(nodes)
    rows = []
    for codes, sector in zip(frame["party_codes"].map(party_codes), frame["sector"]):
        linked = [c for c in codes if c in keep]
        for other in linked[1:]:
            a, b = sorted((linked[0], other))
            rows.append((a, b, sector if sector in SECTORS else "other"))
    if not rows:
        return pd.DataFrame(columns=["a", "b", "n", "sector", *SECTORS])
    counts = pd.DataFrame(rows, columns=["a", "b", "sector"]).pivot_table(
        index=["a", "b"], columns="sector", aggfunc="size", fill_value=0)
    counts = counts.reindex(columns=list(SECTORS), fill_value=0)
    out = counts.reset_index()
    out["n"] = counts.sum(axis=1).to_numpy()
    out["sector"] = counts.idxmax(axis=1).to_numpy()
    return out[["a", "b", "n", "sector", *SECTORS]].sort_values(["n", "a", "b"], ascending=[False, True, True],
                                                                 ignore_index=True)


def sector_matrix(frame: pd.DataFrame, nodes: list[str]) -> pd.DataFrame:
    """Agreements per node (rows, in ``nodes`` order) and sector (columns, SECTORS order):
    an agreement counts for every node named among its party codes."""
    rows = [(code, sector if sector in SECTORS else "other")
            for codes, sector in zip(frame["party_codes"].map(party_codes), frame["sector"])
            for code in codes if code in set(nodes)]
    counts = pd.DataFrame(rows, columns=["code", "sector"])
    table = pd.crosstab(counts["code"], counts["sector"]) if len(counts) else pd.DataFrame()
    return table.reindex(index=list(nodes), columns=list(SECTORS), fill_value=0).fillna(0).astype(int)


def for_region(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """The rows that name ``code`` among their party codes."""
    return frame[frame["party_codes"].map(lambda cell: code in party_codes(cell))]


def covered_regions(frame: pd.DataFrame, region_codes: list[str]) -> list[str]:
    """The kab/kota of ``region_codes`` named in at least one agreement of ``frame``."""
    named = {c for cell in frame["party_codes"] for c in party_codes(cell)}
    return [code for code in region_codes if code in named]
