"""Turn what people write into region codes: the one region matcher of jabodash.

Every input that names a region (CSV uploads, boundary files whose features carry
names, URL parameters) goes through :class:`RegionMatcher` (or :func:`match_region`).
The result is a :class:`Match` whose ``code`` is a **BPS** code: 4 digits for a
kabupaten/kota, 7 digits for a kecamatan.

What is understood
------------------
Codes
    * BPS kab/kota codes ``3275`` (also as int ``3275``, float ``3275.0``, string
      ``"3275.0"`` and the COD-AB P-code form ``"ID3275"``). A plain 4-digit code is
      always BPS, never Kemendagri: ``3174`` is Jakarta Barat.
    * Kemendagri kab/kota codes are recognised only in their dotted form: ``"31.74"``
      -> BPS ``3171``. Kemendagri numbers the five Jakarta cities differently from BPS
      (see :data:`KEMENDAGRI_TO_BPS_JAKARTA`); for the other regions the digits are equal.
      (:func:`kemendagri_to_bps` also takes undotted codes, because its caller says
      which system the code is in; the matcher cannot know, so it reads BPS.)
    * 7-digit codes are BPS **kecamatan** codes (``3276050`` = Kec. Beji, Kota Depok), except
      ``XXXX000`` where ``XXXX`` is one of the regions: that is the kab/kota written as 7
      digits, as many exports do (``3275000`` -> ``3275``, method ``"bps_code_padded"``;
      no real kecamatan code ends in ``000``). With a kecamatan table the code must exist
      there (else "unknown" with the parent kab/kota as suggestion). Without a table
      it is accepted when its parent (first 4 digits) is one of the regions; the method
      is then ``"kecamatan_code_unverified"``.
    * Dotted Kemendagri kecamatan codes (``"32.76.01"``) are "unknown" with the parent
      kab/kota as suggestion: Kemendagri numbers kecamatan differently from BPS and no
      kecamatan crosswalk is embedded.
    * 10-digit (desa/kelurahan) codes, dotted desa codes and 2-digit province codes are
      "unknown": those levels are not supported. Suggestions point at the parent
      kab/kota (desa) or at the province's regions (province).
Names
    * Any case, spacing, punctuation, diacritics and hyphens (``Tangerang-Selatan``).
    * Kind words before or after the name: ``Kab.``, ``Kabupaten``, ``Kota``,
      ``Kota Adm.``, ``Kota Administrasi``, ``Kabupaten Administrasi``, ``Adm.``,
      ``Regency``, ``City``, ``City of``; ``Kab/Kota`` means "either".
      A kind word that contradicts the region (``Kabupaten Depok``) gives "unknown"
      with the region as suggestion (method ``"kind_mismatch"``), never a guess.
    * Province prefixes or suffixes (``DKI Jakarta - Jakarta Selatan``,
      ``Kota Bekasi, Jawa Barat``); a province that contradicts the region gives
      "unknown" (method ``"province_mismatch"``).
    * English forms: ``South Jakarta``, ``Central Jakarta``, ``South Tangerang``,
      ``Bogor Regency``, ``Bekasi City``, ``Thousand Islands``.
    * ``Kep.`` = Kepulauan, ``Jkt`` = Jakarta; short names from
      ``data/region_aliases.csv`` (Jaksel, Jaktim, Jakpus, Jakbar, Jakut, Tangsel, ...).
    * Misspellings through a conservative fuzzy step (Damerau-Levenshtein distance on
      the normalised name, 1 edit for 5-7 characters, 2 for 8-12, 3 beyond; shorter
      names are never fuzzy-matched): the best candidate must be at least two edits
      closer than any other, else the result is "unknown" with the near misses as
      suggestions. The fuzzy step works on the name without its kind word (kind
      words themselves are not corrected), so it never picks between a Kota and a
      Kabupaten of the same base name: ``Bekasih`` is "ambiguous", ``Kota Bekasih``
      is Kota Bekasi.
Kecamatan names (only with a kecamatan table)
    * ``Beji``, ``Kec. Beji``, ``Beji District``; with a parent hint in any order and
      with any separator: ``Kec. Beji, Depok``, ``Beji (Kota Depok)``,
      ``Depok / Beji``, ``Setu, Banten`` (a province narrows too).
    * ``level="kabkota"`` never returns a kecamatan; ``level="kecamatan"`` never
      returns a kab/kota.

Methods (``Match.method``)
--------------------------
``bps_code``, ``bps_code_padded``, ``kemendagri_code``, ``kecamatan_code``, ``kecamatan_code_unverified``,
``name``, ``name_with_parent``, ``alias``, ``fuzzy`` (how a match or an ambiguity was
found) and, for "unknown": ``kemendagri_kecamatan_code``, ``kemendagri_desa_code``,
``desa_code``, ``province_code``, ``code`` (a code of no supported shape),
``province``, ``kind_mismatch``, ``province_mismatch``, ``too_long``,
``invalid_characters``, ``unsupported_type`` (e.g. a bool); ``empty`` for "empty".

Decisions
---------
* ``Bogor``, ``Bekasi``, ``Tangerang`` and ``Kab/Kota Bogor`` are "ambiguous" (both the
  kabupaten and the kota are suggested). Nothing is silently guessed.
* ``Jakarta`` / ``DKI Jakarta`` (and ``Jawa Barat``, ``Banten``, ``31``) name a
  province, which is not one kab/kota: the status is "unknown" with method
  ``"province"`` (or ``"province_code"``) and the province's regions as suggestions.
  Treating it as "ambiguous" would invite picking one city for a province total.
* With ``level=None`` a kab/kota reading wins over a kecamatan of the same name:
  ``Cianjur`` is Kab. Cianjur (3203) and ``Tangerang`` is ambiguous between 3603 and
  3671, although kecamatan called Cianjur (3203200) and Tangerang (3671030) exist.
  Pass ``level="kecamatan"`` or write ``Kec. Cianjur`` to get those.
* Kecamatan names are compared without spaces (``Sukma Jaya`` = ``Sukmajaya``). When
  two kecamatan collide that way (``Taman Sari`` in Jakarta Barat and ``Tamansari``
  in Kab. Bogor), the name alone is "ambiguous"; a parent hint resolves it
  (``Taman Sari, Jakarta Barat``, ``Beji (Kota Depok)``, ``Kec. Setu, Banten``).
* Empty input (``""``, whitespace, ``None``, NaN, ``pd.NA`` and placeholders such as
  ``-``, ``n/a``, ``null``) is "empty". Input with control characters (null bytes)
  or longer than :data:`MAX_INPUT_CHARS` is "unknown" without being parsed.

The word tables (kind words, province names, English names) are in
:mod:`jabodash.geo.region_names`, the edit-distance search in :mod:`jabodash.geo.fuzzy`.
This module must not import streamlit.
"""
from __future__ import annotations

import decimal
import math
import numbers
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from typing import Iterable

import numpy as np
import pandas as pd

from jabodash.core.cells import MISSING_MARKERS
from jabodash.core.paths import DATA_DIR
from jabodash.geo.fuzzy import FuzzyIndex
from jabodash.geo.region_names import (
    EN_DIRECTIONS,
    EN_NAMES,
    KAB_WORDS,
    KEC_WORDS,
    KEMENDAGRI_TO_BPS_JAKARTA,
    KOTA_WORDS,
    PROVINCE_KEYS,
    PROVINCE_WORDS,
    PROVINCES,
    STRIP_WORDS,
    TOKEN_REWRITES,
)

__all__ = [
    "Match", "RegionMatcher", "load_regions", "load_aliases", "match_region",
    "default_matcher", "kemendagri_to_bps", "bps_to_kemendagri",
    "KEMENDAGRI_TO_BPS_JAKARTA", "LEVELS", "MAX_INPUT_CHARS",
]

REGIONS_CSV = DATA_DIR / "regions.csv"
ALIASES_CSV = DATA_DIR / "region_aliases.csv"

LEVELS = ("kabkota", "kecamatan")
MAX_INPUT_CHARS = 200          # longer input is "unknown" without being parsed
_MAX_FUZZY_KEY = 40            # no region or kecamatan name is longer than this
_MAX_SPLIT_TOKENS = 10         # parent-hint splitting only for short inputs
_CACHE_LIMIT = 200_000         # entries in a matcher's result cache before it is cleared


# ---------------------------------------------------------------------------
# Match
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """The outcome of matching one input.

    ``status`` is "matched" (``code`` is set), "ambiguous" (several codes fit, listed
    in ``suggestions``), "unknown" (nothing fits; ``suggestions`` may hold near
    misses or the parent region) or "empty" (nothing was given). ``level`` is set for
    "matched" and "ambiguous" only. ``method`` says how the input was read, for reports.
    """

    input: str
    status: str
    code: str | None = None
    level: str | None = None
    method: str = ""
    suggestions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.status == "matched"


def _level_of(code: str) -> str | None:
    return {4: "kabkota", 7: "kecamatan"}.get(len(code))


def _matched(code: str, method: str) -> Match:
    return Match("", "matched", code, _level_of(code), method, ())


def _ambiguous(codes: Iterable[str], method: str) -> Match:
    codes = tuple(_dedupe(codes))
    if len(codes) == 1:
        return _matched(codes[0], method)
    levels = {_level_of(c) for c in codes}
    return Match("", "ambiguous", None, levels.pop() if len(levels) == 1 else None, method, codes)


def _unknown(method: str, suggestions: Iterable[str] = ()) -> Match:
    return Match("", "unknown", None, None, method, tuple(_dedupe(suggestions)))


_EMPTY = Match("", "empty", None, None, "empty", ())


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


# ---------------------------------------------------------------------------
# Reference tables
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _read_regions() -> pd.DataFrame:
    df = pd.read_csv(REGIONS_CSV, dtype={"code": str, "kemendagri_code": str, "province_code": str})
    for col in ("in_jabodetabek", "in_agglomeration"):
        if col in df.columns:
            df[col] = df[col].map(_to_bool).astype(bool)
    return df


def _to_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().casefold() in {"true", "1", "yes", "y", "t"}
    return bool(value) and not (isinstance(value, float) and math.isnan(value))


def load_regions() -> pd.DataFrame:
    """data/regions.csv with codes as strings and the in_* columns as bool (a copy of a cached read)."""
    return _read_regions().copy()


@lru_cache(maxsize=1)
def _read_aliases() -> pd.DataFrame:
    return pd.read_csv(ALIASES_CSV, dtype=str, keep_default_na=False)


def load_aliases() -> pd.DataFrame:
    """data/region_aliases.csv (alias, code, note), all strings."""
    return _read_aliases().copy()


@lru_cache(maxsize=1)
def _crosswalk() -> tuple[dict[str, str], dict[str, str]]:
    regions = _read_regions()
    k2b: dict[str, str] = {}
    for code, kcode in zip(regions["code"], regions["kemendagri_code"]):
        k2b[kcode.replace(".", "")] = code
    return k2b, {b: f"{k[:2]}.{k[2:]}" for k, b in k2b.items()}


def kemendagri_to_bps(code) -> str | None:
    """Kemendagri kab/kota code ("31.74" or "3174") -> BPS code ("3171"); None if not one of the regions.

    Kecamatan and desa codes are not converted (Kemendagri numbers them differently).
    """
    text = str(code).strip() if code is not None else ""
    m = re.fullmatch(r"(\d{2})\.?(\d{2})", text)
    if not m:
        return None
    return _crosswalk()[0].get(m.group(1) + m.group(2))


def bps_to_kemendagri(code) -> str | None:
    """BPS kab/kota code ("3171") -> dotted Kemendagri code ("31.74"); None if not one of the regions."""
    text = _canonical_number(code) if isinstance(code, numbers.Number) else (str(code).strip() if code is not None else "")
    return _crosswalk()[1].get(text)


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------

# Empty input: the missing-value markers of every table cell (jabodash.core.cells, the BPS notation
# included), plus what software writes for an empty *name* (Python's None, pandas' <NA>, Excel's
# "(blank)", "nil", "?", "."). The extras stay out of the shared list on purpose: in a number
# cell they are an error to report ("not a number"), not a gap.
_PLACEHOLDERS = set(MISSING_MARKERS) | {"?", ".", "none", "nil", "(blank)", "<na>"}

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")
_DIGITS_RE = re.compile(r"(?:id)?(\d+)(?:\.0+)?")
_KEMENDAGRI_RE = re.compile(r"(\d{2})\.(\d{2})(?:\.(\d{2})(?:\.(\d{4}))?)?")


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    """Lower-case ASCII tokens: diacritics dropped, punctuation and hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    out: list[str] = []
    for tok in _NON_ALNUM_RE.sub(" ", ascii_text).split():
        out.extend(TOKEN_REWRITES.get(tok, (tok,)))
    # "sub district" -> "subdistrict"
    merged: list[str] = []
    for tok in out:
        if tok == "district" and merged and merged[-1] == "sub":
            merged[-1] = "subdistrict"
        else:
            merged.append(tok)
    return tuple(merged)


@dataclass(frozen=True)
class _Parsed:
    core: tuple[str, ...]       # the name without kind/province words
    kind: str | None            # "kabupaten" | "kota" | "both" | None
    kec: bool                   # a kecamatan word was present
    province: str | None        # province code from a stripped province name

    @property
    def key(self) -> str:
        return "".join(self.core)


def _province_options(tokens: tuple[str, ...]) -> list[tuple[tuple[str, ...], str | None]]:
    """Ways to strip one leading and/or one trailing province name (with optional Provinsi word)."""
    def leading(toks):
        opts = [(toks, None)]
        start = 0
        while start < len(toks) and toks[start] in PROVINCE_WORDS:
            start += 1
        for seq, code in PROVINCES:
            n = len(seq)
            if toks[start:start + n] == seq and len(toks) > start + n:
                rest = toks[start + n:]
                while len(rest) > 1 and rest[0] in {"of", "the"}:
                    rest = rest[1:]
                opts.append((rest, code))
        return opts

    def trailing(toks):
        opts = [(toks, None)]
        for seq, code in PROVINCES:
            n = len(seq)
            if len(toks) > n and toks[-n:] == seq:
                rest = toks[:-n]
                while len(rest) > 1 and (rest[-1] in PROVINCE_WORDS or rest[-1] == "of"):
                    rest = rest[:-1]
                opts.append((rest, code))
        return opts

    while len(tokens) > 1 and tokens[-1] == "indonesia":
        tokens = tokens[:-1]
    out: list[tuple[tuple[str, ...], str | None]] = []
    for lead_toks, lead_code in leading(tokens):
        for trail_toks, trail_code in trailing(lead_toks):
            if lead_code and trail_code and lead_code != trail_code:
                continue
            out.append((trail_toks, lead_code or trail_code))
    return out


def _strip_kind(tokens: tuple[str, ...]) -> tuple[tuple[str, ...], str | None, bool]:
    kab = kota = kec = False
    toks = list(tokens)

    def note(tok):
        nonlocal kab, kota, kec
        kab |= tok in KAB_WORDS
        kota |= tok in KOTA_WORDS
        kec |= tok in KEC_WORDS

    stripped_lead = False
    while len(toks) > 1 and (toks[0] in STRIP_WORDS or (toks[0] == "of" and stripped_lead)):
        note(toks.pop(0))
        stripped_lead = True
    while len(toks) > 1 and toks[-1] in STRIP_WORDS:
        note(toks.pop())
    kind = "both" if kab and kota else "kabupaten" if kab else "kota" if kota else None
    return tuple(toks), kind, kec


def _direction_variants(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    if not any(t in EN_DIRECTIONS for t in tokens):
        return [tokens]
    toks = tokens
    if len(toks) > 1 and toks[0] in EN_DIRECTIONS:      # "South Jakarta" -> "Jakarta South"
        toks = toks[1:] + toks[:1]
    choices = [EN_DIRECTIONS.get(t, (t,)) for t in toks]
    return [tuple(c) for c in product(*choices)]


@lru_cache(maxsize=65536)
def _parse(tokens: tuple[str, ...]) -> tuple[_Parsed, ...]:
    """All readings of a token sequence, the literal one first."""
    out: dict[_Parsed, None] = {}
    for toks, province in _province_options(tokens):
        core, kind, kec = _strip_kind(toks)
        for variant in _direction_variants(core):
            out.setdefault(_Parsed(variant, kind, kec, province), None)
    return tuple(out)


def _canonical_number(value) -> str:
    """Text form of a number as a code would be written: 3275.0 -> "3275", 32.75 -> "32.75"."""
    if isinstance(value, numbers.Integral):
        return str(int(value))
    try:
        f = float(value)
    except (TypeError, ValueError, OverflowError):
        return str(value)
    if not math.isfinite(f):
        return str(value)
    if f.is_integer():
        return str(int(f))
    return f"{f:.2f}"


def _is_missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, (np.floating, np.datetime64, np.timedelta64)):
        try:
            return bool(np.isnat(value)) if not isinstance(value, np.floating) else bool(np.isnan(value))
        except TypeError:
            return False
    if isinstance(value, decimal.Decimal):
        return value.is_nan()
    return False


# ---------------------------------------------------------------------------
# Edit distance (the search itself: jabodash.geo.fuzzy)
# ---------------------------------------------------------------------------


def _max_edits(length: int) -> int:
    if length < 5:
        return 0
    if length <= 7:
        return 1
    if length <= 12:
        return 2
    return 3


# ---------------------------------------------------------------------------
# The matcher
# ---------------------------------------------------------------------------


class RegionMatcher:
    """Match region names and codes to BPS codes.

    regions: a table like data/regions.csv (default: :func:`load_regions`).
    kecamatan: optional table with columns ``code`` (7-digit BPS), ``name`` and
    ``parent_code`` (4-digit; ``adm2_code`` is accepted too, and without either the
    first four digits of ``code`` are used). Rows without a 7-digit code or a name are
    skipped and listed in ``skipped_kecamatan``.
    """

    def __init__(self, regions: pd.DataFrame | None = None, kecamatan: pd.DataFrame | None = None):
        regions = load_regions() if regions is None else regions.copy()
        missing = {"code", "name", "kind"} - set(regions.columns)
        if missing:
            raise ValueError(f"regions table lacks columns: {sorted(missing)}")
        regions["code"] = regions["code"].map(lambda v: _canonical_number(v) if isinstance(v, numbers.Number) else str(v).strip())
        if "short_name" not in regions.columns:
            regions["short_name"] = regions["name"]
        if "province_code" not in regions.columns:
            regions["province_code"] = regions["code"].str[:2]
        regions["province_code"] = regions["province_code"].astype(str)
        if "kemendagri_code" not in regions.columns:
            regions["kemendagri_code"] = regions["code"].map(lambda c: f"{c[:2]}.{c[2:]}")
        self.regions = regions.reset_index(drop=True)
        self._region = {row["code"]: row for row in self.regions.to_dict("records")}
        self._kind = {c: str(r["kind"]).strip().casefold() for c, r in self._region.items()}
        self._province_of = {c: str(r["province_code"]) for c, r in self._region.items()}
        self._kemendagri = {str(r["kemendagri_code"]).strip(): c for c, r in self._region.items()}
        self._province_members: dict[str, tuple[str, ...]] = {}
        for code in sorted(self._region):
            self._province_members.setdefault(self._province_of[code], ())
            self._province_members[self._province_of[code]] += (code,)

        # kab/kota names and aliases: key -> {code: method}
        self._kab_index: dict[str, dict[str, str]] = {}
        for code, row in self._region.items():
            for text in (row["name"], row["short_name"], *EN_NAMES.get(code, ())):
                self._add_kab_key(text, code, "name")
        for alias, code in zip(_read_aliases()["alias"], _read_aliases()["code"]):
            if code in self._region:
                self._add_kab_key(alias, code, "alias")
        self._kab_fuzzy = FuzzyIndex({k: frozenset(v) for k, v in self._kab_index.items()})

        # kecamatan
        self.skipped_kecamatan: list = []
        self._kec: dict[str, dict] = {}
        self._kec_index: dict[str, list[str]] = {}
        if kecamatan is not None:
            self._load_kecamatan(kecamatan)
        self._kec_fuzzy = FuzzyIndex({k: frozenset(v) for k, v in self._kec_index.items()})
        self.kecamatan = (pd.DataFrame([{"code": c, "name": r["name"], "parent_code": r["parent_code"]}
                                        for c, r in self._kec.items()], columns=["code", "name", "parent_code"])
                          if kecamatan is not None else None)

        self._cache: dict[tuple[str, str | None], Match] = {}
        self._lock = threading.Lock()

    # -- building -----------------------------------------------------------

    def _add_kab_key(self, text: str, code: str, method: str) -> None:
        for parsed in _parse(_tokens(str(text))):
            if parsed.province is not None or not parsed.key:
                continue
            slot = self._kab_index.setdefault(parsed.key, {})
            if method == "alias" and any(c != code for c in slot):
                raise ValueError(f"alias {text!r} collides with the name of another region")
            slot.setdefault(code, method)

    def _load_kecamatan(self, table: pd.DataFrame) -> None:
        if "code" not in table.columns or "name" not in table.columns:
            raise ValueError("kecamatan table needs columns code and name (and parent_code)")
        parent_col = "parent_code" if "parent_code" in table.columns else (
            "adm2_code" if "adm2_code" in table.columns else None)
        parents = table[parent_col] if parent_col else [None] * len(table)
        for raw_code, raw_name, raw_parent in zip(table["code"], table["name"], parents):
            code = "" if _is_missing(raw_code) else (
                _canonical_number(raw_code) if isinstance(raw_code, numbers.Number) else str(raw_code).strip())
            name = "" if _is_missing(raw_name) else str(raw_name).strip()
            if not re.fullmatch(r"\d{7}", code) or not name or code in self._kec:
                self.skipped_kecamatan.append(raw_code)
                continue
            parent = code[:4] if raw_parent is None or _is_missing(raw_parent) else str(raw_parent).strip()
            if not re.fullmatch(r"\d{4}", parent):
                parent = code[:4]
            self._kec[code] = {"name": name, "parent_code": parent}
            for key in self._kec_keys(name):
                codes = self._kec_index.setdefault(key, [])
                if code not in codes:
                    codes.append(code)

    @staticmethod
    def _kec_keys(name: str) -> list[str]:
        toks = _tokens(name)
        keys = ["".join(toks)]
        core, _kind, _kec = _strip_kind(toks)
        keys.append("".join(core))
        return [k for k in _dedupe(keys) if k]

    # -- public API -----------------------------------------------------------

    def match(self, text, level: str | None = None) -> Match:
        """Match one value; level None infers, "kabkota"/"kecamatan" restrict the result."""
        if level not in (None, *LEVELS):
            raise ValueError(f"level must be None, 'kabkota' or 'kecamatan', not {level!r}")
        given, canonical, early = self._prepare(text)
        if early is not None:
            return _with_input(early, given)
        key = (canonical, level)
        result = self._cache.get(key)
        if result is None:
            try:
                result = self._match_text(canonical, level)
            except RecursionError:  # pragma: no cover - defensive
                result = _unknown("error")
            with self._lock:
                if len(self._cache) >= _CACHE_LIMIT:
                    self._cache.clear()
                self._cache[key] = result
        return _with_input(result, given)

    def match_many(self, values, level: str | None = None) -> pd.DataFrame:
        """One row per distinct input (first-appearance order), each matched once.

        Columns: input (the original value, so the frame can be merged back on it),
        status, code, level, method, suggestions (comma-joined codes, "" when none).
        """
        if isinstance(values, (str, bytes)):
            values = [values]
        series = pd.Series(list(values) if not isinstance(values, (pd.Series, pd.Index, np.ndarray)) else values,
                           dtype=object)
        try:
            distinct = list(pd.unique(series))
        except TypeError:
            seen: dict[str, object] = {}
            for v in series:
                seen.setdefault(repr(v), v)
            distinct = list(seen.values())
        matches = [self.match(value, level) for value in distinct]
        return pd.DataFrame({
            "input": pd.Series(distinct, dtype=object),
            "status": pd.Series([m.status for m in matches], dtype=str),
            "code": pd.Series([m.code for m in matches], dtype=object),
            "level": pd.Series([m.level for m in matches], dtype=object),
            "method": pd.Series([m.method for m in matches], dtype=str),
            "suggestions": pd.Series([",".join(m.suggestions) for m in matches], dtype=str),
        }, columns=["input", "status", "code", "level", "method", "suggestions"])

    def name(self, code, lang: str = "id", short: bool = False) -> str:
        """Display name for a BPS code; the code itself (as text) when it is not known."""
        if code is None or _is_missing(code):
            return ""
        text = _canonical_number(code) if isinstance(code, numbers.Number) else str(code).strip()
        english = str(lang or "").casefold().startswith("en")
        row = self._region.get(text)
        if row is not None:
            if english and text in EN_NAMES:
                return EN_NAMES[text][1 if short else 0]
            return str(row["short_name"] if short else row["name"])
        kec = self._kec.get(text)
        if kec is not None:
            if short:
                return kec["name"]
            parent = self.name(kec["parent_code"], lang=lang, short=True)
            if english:
                return f"{kec['name']} District ({parent})"
            return f"Kecamatan {kec['name']} ({parent})"
        return text

    def codes(self) -> list[str]:
        """The kab/kota codes this matcher knows, sorted."""
        return sorted(self._region)

    # -- input preparation ----------------------------------------------------

    def _prepare(self, value) -> tuple[str, str, Match | None]:
        """(input as text, canonical text to match, an early result or None)."""
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if _is_missing(value):
            return "", "", _EMPTY
        if isinstance(value, bool) or isinstance(value, np.bool_):
            return str(value), "", _unknown("unsupported_type")
        if isinstance(value, (numbers.Number, decimal.Decimal)) and not isinstance(value, str):
            if isinstance(value, complex):
                return str(value), "", _unknown("unsupported_type")
            return str(value), _canonical_number(value), None
        text = value if isinstance(value, str) else str(value)
        if len(text) > MAX_INPUT_CHARS:
            return text, "", _unknown("too_long")
        if _CONTROL_RE.search(text):
            return text, "", _unknown("invalid_characters")
        stripped = " ".join(text.split())
        if stripped.casefold() in _PLACEHOLDERS:
            return text, "", _EMPTY
        return text, stripped, None

    # -- matching -------------------------------------------------------------

    def _match_text(self, text: str, level: str | None) -> Match:
        code_result = self._match_code(text, level)
        if code_result is not None:
            return code_result
        tokens = _tokens(text)
        if not tokens:
            return _unknown("name")
        return self._match_name(tokens, level)

    def _match_code(self, text: str, level: str | None) -> Match | None:
        lowered = text.casefold()
        m = _KEMENDAGRI_RE.fullmatch(lowered)
        if m:
            prov, kab, kec, desa = m.groups()
            bps = self._kemendagri.get(f"{prov}.{kab}")
            if kec is None:
                if bps is None:
                    return _unknown("kemendagri_code")
                if level == "kecamatan":
                    return _unknown("kemendagri_code", [bps])
                return _matched(bps, "kemendagri_code")
            method = "kemendagri_desa_code" if desa else "kemendagri_kecamatan_code"
            return _unknown(method, [bps] if bps else [])
        m = _DIGITS_RE.fullmatch(lowered)
        if not m:
            return None
        digits = m.group(1)
        if len(digits) == 2:
            return _unknown("province_code", self._province_members.get(digits, ()))
        if len(digits) == 4:
            if digits not in self._region:
                return _unknown("bps_code")
            if level == "kecamatan":
                return _unknown("bps_code", [digits])
            return _matched(digits, "bps_code")
        if len(digits) == 7:
            parent = digits[:4]
            parent_hint = [parent] if parent in self._region else []
            if parent_hint and digits[4:] == "000":  # "3275000": the kab/kota padded to 7 digits
                if level == "kecamatan":
                    return _unknown("bps_code_padded", parent_hint)
                return _matched(parent, "bps_code_padded")
            if self.kecamatan is not None:
                if digits in self._kec:
                    if level == "kabkota":
                        return _unknown("kecamatan_code", [self._kec[digits]["parent_code"]])
                    return _matched(digits, "kecamatan_code")
                return _unknown("kecamatan_code", parent_hint)
            if parent_hint and digits[4:] != "000" and level != "kabkota":
                return _matched(digits, "kecamatan_code_unverified")
            return _unknown("kecamatan_code", parent_hint)
        if len(digits) == 10:
            hints = []
            if level != "kabkota" and digits[:7] in self._kec:
                hints.append(digits[:7])
            if digits[:4] in self._region:
                hints.append(digits[:4])
            return _unknown("desa_code", hints)
        return _unknown("code")

    # name matching stages, first result wins: exact kab/kota name, province name,
    # exact kecamatan name, kecamatan with a parent hint, fuzzy.
    def _match_name(self, tokens: tuple[str, ...], level: str | None) -> Match:
        readings = _parse(tokens)
        want_kab = level != "kecamatan"
        want_kec = level != "kabkota" and bool(self._kec)

        if want_kab:
            result = self._best(self._lookup_kab(p) for p in readings if not p.kec)
            if result is not None:
                return result
            province = self._province_reading(readings, allow_kota=True)
            if province is not None:
                return province

        jobs: list[tuple[_Parsed, bool, bool, frozenset[str] | None]] = [
            (p, want_kab and not p.kec, want_kec and p.kind is None, None) for p in readings]
        parent_hints: list[str] = []
        if want_kec:
            result = self._best(self._lookup_kec(p) for p in readings if p.kind is None)
            if result is not None:
                return result
            result, parent_hints, parts = self._lookup_with_parent(tokens)
            if result is not None:
                return result
            jobs.extend((p, False, True, parents) for p, parents in parts)

        result = self._fuzzy(jobs)
        if result is not None:
            return result
        if not want_kab:
            province = self._province_reading(readings, allow_kota=False)
            if province is not None:
                return province
        return _unknown("name", parent_hints[:6])

    def _province_reading(self, readings, allow_kota: bool) -> Match | None:
        for p in readings:
            if p.kec or p.core not in PROVINCE_KEYS or p.kind == "kabupaten" or (p.kind and not allow_kota):
                continue
            return _unknown("province", self._province_members.get(PROVINCE_KEYS[p.core], ()))
        return None

    @staticmethod
    def _best(results: Iterable[Match | None]) -> Match | None:
        """Combine the results of several readings: matched > ambiguous > unknown (a mismatch)."""
        results = [r for r in results if r is not None]
        if not results:
            return None
        matched = [r for r in results if r.status == "matched"]
        if matched:
            codes = _dedupe(r.code for r in matched)
            return matched[0] if len(codes) == 1 else _ambiguous(codes, matched[0].method)
        for status in ("ambiguous", "unknown"):
            for r in results:
                if r.status == status:
                    return r
        return None

    def _filter(self, codes: list[str], p: _Parsed, method: str) -> Match | None:
        """Apply the province and kind hints of a reading to candidate codes (kept in order)."""
        if not codes:
            return None
        if p.kind in ("kabupaten", "kota"):
            kept = [c for c in codes if len(c) != 4 or self._kind.get(c) == p.kind]
            if not kept:
                return _unknown("kind_mismatch", codes)
            codes = kept
        if p.province is not None:
            kept = [c for c in codes if c[:2] == p.province]
            if not kept:
                return _unknown("province_mismatch", codes)
            codes = kept
        if len(codes) == 1:
            return _matched(codes[0], method)
        return _ambiguous(codes, method)

    def _lookup_kab(self, p: _Parsed) -> Match | None:
        slot = self._kab_index.get(p.key)
        if not slot:
            return None
        method = "alias" if all(m == "alias" for m in slot.values()) else "name"
        return self._filter(sorted(slot), p, method)

    def _kec_order(self, codes: Iterable[str], spaced: str) -> list[str]:
        """Best first: the kecamatan spelled exactly so (with its spaces), then by code."""
        return sorted(codes, key=lambda c: (" ".join(_tokens(self._kec[c]["name"])) != spaced, c))

    def _lookup_kec(self, p: _Parsed, parents: frozenset[str] | None = None, method: str = "name") -> Match | None:
        codes = self._kec_index.get(p.key, ())
        if parents is not None:
            codes = [c for c in codes if self._kec[c]["parent_code"] in parents]
        if not codes:
            return None
        return self._filter(self._kec_order(codes, " ".join(p.core)), p, method)

    def _parent_codes(self, tokens: tuple[str, ...]) -> frozenset[str]:
        """kab/kota codes a token sequence can stand for (a province name stands for its members)."""
        out: set[str] = set()
        for p in _parse(tokens):
            if p.kec:
                continue
            r = self._lookup_kab(p)
            if r is not None and r.status == "matched":
                out.add(r.code)
            elif r is not None and r.status == "ambiguous":
                out.update(r.suggestions)
            elif r is None and p.core in PROVINCE_KEYS and p.kind is None:
                out.update(self._province_members.get(PROVINCE_KEYS[p.core], ()))
        return frozenset(out)

    def _lookup_with_parent(self, tokens: tuple[str, ...]):
        """"Beji, Depok", "Beji (Kota Depok)", "Depok / Kec. Beji": one part names the parent.

        Returns (result or None, parent codes seen, [(kecamatan reading, parents)] for the fuzzy step).
        """
        if not 2 <= len(tokens) <= _MAX_SPLIT_TOKENS:
            return None, [], []
        found: list[str] = []
        parents_seen: list[str] = []
        parts: list[tuple[_Parsed, frozenset[str]]] = []
        for i in range(1, len(tokens)):
            for kec_part, parent_part in ((tokens[:i], tokens[i:]), (tokens[i:], tokens[:i])):
                parents = self._parent_codes(parent_part)
                if not parents:
                    continue
                parents_seen.extend(sorted(parents))
                for p in _parse(kec_part):
                    if p.kind is not None or p.province is not None:
                        continue
                    parts.append((p, parents))
                    r = self._lookup_kec(p, parents, "name_with_parent")
                    if r is not None and r.status in ("matched", "ambiguous"):
                        found.extend([r.code] if r.code else r.suggestions)
        found = _dedupe(found)
        if found:
            return _ambiguous(found, "name_with_parent"), [], []
        return None, _dedupe(parents_seen), parts

    def _fuzzy(self, jobs) -> Match | None:
        """The closest name by edit distance, accepted only when clearly closer than any other."""
        best: dict[tuple[str, frozenset[str]], tuple[int, _Parsed, str]] = {}
        for p, want_kab, want_kec, parents in jobs:
            key = p.key
            limit = _max_edits(len(key))
            if limit == 0 or len(key) > _MAX_FUZZY_KEY:
                continue
            searches = []
            if want_kab:
                searches.append(("kabkota", self._kab_fuzzy))
            if want_kec:
                searches.append(("kecamatan", self._kec_fuzzy))
            for level, index in searches:
                for d, found_key, group in index.near(key, limit + 1):
                    if level == "kecamatan" and (parents is not None or p.province is not None):
                        group = frozenset(c for c in group
                                          if (parents is None or self._kec[c]["parent_code"] in parents)
                                          and (p.province is None or c[:2] == p.province))
                        if not group:
                            continue
                    slot = (level, group)
                    if d <= _max_edits(len(key)) + 1 and (slot not in best or d < best[slot][0]):
                        best[slot] = (d, p, found_key)
        if not best:
            return None
        ranked = sorted(best.items(), key=lambda item: (item[1][0], item[0][0] != "kabkota", sorted(item[0][1])))
        (level, group), (d, p, _key) = ranked[0]
        # As for exact names, a kab/kota wins over a kecamatan of the same name
        # ("Cianjurr" is Kab. Cianjur, not Kec. Cianjur); every other candidate must be
        # at least two edits farther than the best.
        others = [dist for (lvl, g), (dist, _p, k) in ranked[1:]
                  if g != group and not (level == "kabkota" and lvl == "kecamatan"
                                         and set(self._kab_index.get(k, ())) == group)]
        confident = d <= _max_edits(len(p.key)) and all(dist >= d + 2 for dist in others)
        if not confident:
            close = [sorted(g) if lvl == "kabkota" else self._kec_order(g, "")
                     for (lvl, g), (dist, q, _k) in ranked[:4] if dist <= _max_edits(len(q.key))]
            if not close:
                return None
            return _unknown("fuzzy", [c for codes in close for c in codes][:6])
        if level == "kabkota":
            return self._filter(sorted(group), p, "fuzzy")
        return self._filter(self._kec_order(group, ""), _Parsed(p.core, None, p.kec, p.province), "fuzzy")


def _with_input(result: Match, given: str) -> Match:
    return Match(given, result.status, result.code, result.level, result.method, result.suggestions)


@lru_cache(maxsize=1)
def default_matcher() -> RegionMatcher:
    """A shared matcher over data/regions.csv, without a kecamatan table."""
    return RegionMatcher()


def match_region(text, level: str | None = None) -> Match:
    """Match one value with the default matcher (kab/kota; 7-digit codes unverified)."""
    return default_matcher().match(text, level)
