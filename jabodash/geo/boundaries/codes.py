"""Code assignment: which dashboard region each feature of a boundary file is.

Codes
-----
``code`` is always a BPS code where one can be established: 4 digits for kab/kota, 7 digits for
kecamatan. BIG's layers carry Kemendagri codes (``KDPKAB`` "31.74", ``KDCPUM`` "31.74.01").
For kab/kota the crosswalk in :mod:`jabodash.geo.regions` maps them (it differs for the five Jakarta
cities). For kecamatan there is no arithmetic crosswalk, so, per feature:

* a BPS kecamatan code in the data (``KDCBPS`` from BIG, or a 7-digit code column) is used as is;
* otherwise the kecamatan name is matched, within its parent kab/kota, against the BPS kecamatan
  we already know (the region list of :mod:`jabodash.geo.regions` if it has kecamatan, and the
  kecamatan boundaries already in the cache when those carry BPS codes);
* otherwise the code is the BPS parent + the Kemendagri suffix, e.g. ``317401`` for "31.74.01":
  six digits, so it can never be mistaken for a 7-digit BPS code. Such features are also listed
  as unmatched when a BPS reference list existed.

``meta["code_scheme"]`` says which of these the set uses: ``"bps"`` (all 7-digit BPS codes),
``"kemendagri"`` (all parent + Kemendagri suffix) or ``"mixed"``. Data keyed on BPS kecamatan
codes only joins to a ``"bps"`` set.

A kab/kota code may also be written as 7 digits ending in ``000`` (``3275000``, as many exports
do): it is read as the kab/kota ``3275`` and never as a kecamatan (no real kecamatan code ends in
``000``; in a kecamatan file such a feature is reported as unmatched).

``parent_code`` is the BPS kab/kota code for kecamatan and the 2-digit province code for kab/kota.
"""
from __future__ import annotations

import logging
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jabodash.geo import regions
from jabodash.geo.boundaries.cache import load_cached
from jabodash.geo.boundaries.model import _kab_codes, _kab_names, _province_of

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# reference data: the region matcher and the kecamatan we know


def _kemendagri_kab_to_bps(code: str) -> str | None:
    """'31.74' -> '3171' through the crosswalk; None when not one of the dashboard's kab/kota."""
    try:
        bps = regions.kemendagri_to_bps(code)
    except (KeyError, ValueError):
        return None
    return bps if bps in _kab_codes() else None


def _kecamatan_reference() -> pd.DataFrame:
    """BPS kecamatan we already know: code, name, parent_code (possibly none).

    ``data/`` has no kecamatan list, so this is the kecamatan boundary set in the cache when it
    carries BPS codes (e.g. a BPS/COD-AB kecamatan file imported earlier).
    """
    cached = load_cached("kecamatan")
    if cached is None:
        return pd.DataFrame({"code": [], "name": [], "parent_code": []}, dtype=object)
    gdf = cached.gdf
    bps = gdf[gdf["code"].astype(str).str.fullmatch(r"\d{7}")]
    return pd.DataFrame({"code": bps["code"].astype(str).values, "name": bps["name"].astype(str).values,
                         "parent_code": bps["code"].astype(str).str[:4].values})


def _norm_name(text: Any) -> str:
    """Lower case, no accents, no 'kecamatan'/'kec.' prefix, letters and digits only."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower().strip()
    s = re.sub(r"^(kecamatan|kec\.?)\s+", "", s)
    return re.sub(r"[^a-z0-9]", "", s)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value).strip() == "" or str(value).strip().lower() in ("nan", "none", "null")


def _code_text(value: Any) -> str:
    """Normalise a code cell: 3276.0 -> '3276', 'ID3276050' -> '3276050', trims blanks."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    s = str(value).strip().upper().replace(" ", "")
    if s.startswith("ID") and s[2:3].isdigit():
        s = s[2:]
    return s


# ---------------------------------------------------------------------------------------------
# code assignment


@dataclass
class _Assigned:
    code: str | None = None
    name: str | None = None
    parent: str | None = None
    method: str | None = None
    status: str = "unmatched"  # matched | unmatched | outside
    reason: str = ""
    suggestions: list[str] = field(default_factory=list)
    conflict: str | None = None  # the code the name points to, when it differs from the code's


def _parse_kab_code(value: Any, scheme: str) -> _Assigned:
    s = _code_text(value)
    padded = re.fullmatch(r"(\d{4})000", s)
    if padded:  # "3275000": the kab/kota written as 7 digits (no real kecamatan code ends in 000)
        a = _parse_kab_code(padded.group(1), scheme)
        if a.status == "matched":
            return a
    if re.fullmatch(r"\d{2}\.\d{2}", s) or (scheme == "kemendagri" and re.fullmatch(r"\d{4}", s)):
        dotted = s if "." in s else f"{s[:2]}.{s[2:]}"
        bps = _kemendagri_kab_to_bps(dotted)
        if bps:
            return _Assigned(code=bps, method="kemendagri code", status="matched")
        return _Assigned(status="outside", reason=f"Kemendagri code {dotted} is not in the dashboard")
    if re.fullmatch(r"\d{4}", s):
        if s in _kab_codes():
            return _Assigned(code=s, method="code", status="matched")
        return _Assigned(status="outside", reason=f"code {s} is not in the dashboard")
    if re.fullmatch(r"\d{7}|\d{10}", s):
        return _Assigned(reason=f"{s} is a kecamatan/desa code, not a kab/kota code")
    return _Assigned(reason=f"not a kab/kota code: {s}")


def _match_kab_name(value: Any) -> _Assigned:
    m = regions.match_region(str(value), level="kabkota")
    status = getattr(m, "status", "unknown")
    code = getattr(m, "code", None)
    if status == "matched" and code in _kab_codes():
        return _Assigned(code=code, method="name", status="matched")
    sugg = [c for c in (getattr(m, "suggestions", None) or []) if c in _kab_codes()]
    reason = {"ambiguous": "ambiguous name", "empty": "empty name"}.get(status, "unknown name")
    return _Assigned(reason=reason, suggestions=sugg)


def _parent_from_value(value: Any) -> str | None:
    """A parent kab/kota given as a BPS/Kemendagri code or a name -> BPS 4-digit, else None."""
    if _blank(value):
        return None
    a = _parse_kab_code(value, "auto")
    if a.status == "matched":
        return a.code
    s = _code_text(value)
    if re.fullmatch(r"\d{7}", s) and s[:4] in _kab_codes():
        return s[:4]
    m = _match_kab_name(value)
    return m.code if m.status == "matched" else None


class _KecNames:
    """Kecamatan name lookup within a parent, against the BPS reference list."""

    def __init__(self, ref: pd.DataFrame):
        self.ref = ref
        self.by_parent: dict[tuple[str, str], list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        self.names = dict(zip(ref["code"], ref["name"]))
        self._matcher = None
        for code, name, parent in zip(ref["code"], ref["name"], ref["parent_code"]):
            key = _norm_name(name)
            self.by_parent.setdefault((parent, key), []).append(code)
            self.by_name.setdefault(key, []).append(code)

    def __bool__(self) -> bool:
        return len(self.ref) > 0

    def match(self, name: Any, parent: str | None) -> _Assigned:
        if _blank(name):
            return _Assigned(reason="empty name")
        key = _norm_name(name)
        hits = self.by_parent.get((parent, key), []) if parent else self.by_name.get(key, [])
        if len(hits) == 1:
            return _Assigned(code=hits[0], name=self.names[hits[0]], method="name", status="matched")
        if len(hits) > 1:
            return _Assigned(reason="ambiguous name", suggestions=hits)
        # fuzzy: the region matcher, restricted to the parent
        sugg: list[str] = []
        try:
            if self._matcher is None:
                self._matcher = regions.RegionMatcher(kecamatan=self.ref)
            m = self._matcher.match(str(name), level="kecamatan")
            cands = [m.code] if m.status == "matched" and m.code else []
            cands += list(getattr(m, "suggestions", None) or [])
            cands = [c for c in dict.fromkeys(cands) if c in self.names]
            if parent:
                cands = [c for c in cands if c.startswith(parent)]
            if m.status == "matched" and len(cands) == 1 and cands[0] == m.code:
                return _Assigned(code=m.code, name=self.names[m.code], method="name (fuzzy)",
                                 status="matched")
            sugg = cands
        except Exception as exc:  # matcher without a kecamatan list, or another API
            log.debug("kecamatan fuzzy match unavailable: %s", exc)
        where = f" in {parent}" if parent else ""
        return _Assigned(reason=f"no BPS kecamatan of that name{where}", suggestions=sugg)


def _assign_kabkota(values: list, names: list, scheme: str) -> list[_Assigned]:
    out = []
    for value, name in zip(values, names):
        a = _Assigned(reason="no code and no name")
        if not _blank(value):
            a = _parse_kab_code(value, scheme)
        if not _blank(name) and a.status != "outside":
            by_name = _match_kab_name(name)
            if a.status == "matched":
                # the code decides; a name pointing elsewhere is reported (e.g. Kemendagri digits
                # read as BPS: 3171 is Jakarta Selatan in BPS, Jakarta Pusat in Kemendagri)
                if by_name.status == "matched" and by_name.code != a.code:
                    a.conflict = by_name.code
            elif by_name.status == "matched" or _blank(value):
                a = by_name
        out.append(a)
    # "Bogor" next to "Kota Bogor": when an ambiguous name has exactly one candidate that no other
    # feature took, it is that one (reported as method "name (by elimination)").
    taken = {a.code for a in out if a.status == "matched"}
    for a in out:
        if a.status == "unmatched" and a.reason == "ambiguous name":
            free = [c for c in a.suggestions if c not in taken]
            if len(free) == 1:
                a.code, a.status, a.method, a.reason = free[0], "matched", "name (by elimination)", ""
                taken.add(free[0])
    kab_names = _kab_names()
    for a in out:
        if a.status == "matched":
            a.name = kab_names[a.code]
            a.parent = _province_of(a.code)
    return out


def _assign_kecamatan(values: list, names: list, parents: list, bps_values: list,
                      scheme: str) -> tuple[list[_Assigned], bool]:
    names_ref = _KecNames(_kecamatan_reference())
    out = []
    for value, name, parent_value, bps_value in zip(values, names, parents, bps_values):
        parent = _parent_from_value(parent_value)
        a: _Assigned | None = None
        # 1. a BPS kecamatan code in the data
        for cand in (bps_value, value if scheme != "kemendagri" else None):
            s = _code_text(cand) if not _blank(cand) else ""
            if re.fullmatch(r"\d{7}", s):
                if s.endswith("000") and s[:4] in _kab_codes():
                    a = _Assigned(reason=f"{s} is kab/kota {s[:4]} written as 7 digits, not a kecamatan code")
                elif s[:4] in _kab_codes():
                    a = _Assigned(code=s, method="code", status="matched")
                else:
                    a = _Assigned(status="outside", reason=f"code {s} is not in the dashboard")
                break
        # 2. a Kemendagri kecamatan code: parent via the crosswalk, then name, then pseudo code
        if a is None and not _blank(value):
            s = _code_text(value)
            dotted = None
            if re.fullmatch(r"\d{2}\.\d{2}\.\d{2,3}", s):
                dotted = s
            elif scheme == "kemendagri" and re.fullmatch(r"\d{6,7}", s):
                dotted = f"{s[:2]}.{s[2:4]}.{s[4:]}"
            if dotted:
                kab = _kemendagri_kab_to_bps(dotted[:5])
                if kab is None:
                    a = _Assigned(status="outside", reason=f"Kemendagri code {dotted} is not in the dashboard")
                else:
                    parent = kab
                    if names_ref and not _blank(name):
                        a = names_ref.match(name, parent)
                    if a is None or a.status != "matched":
                        failed = a
                        a = _Assigned(code=kab + dotted[6:], method="kemendagri code", status="matched",
                                      parent=kab)
                        if failed is not None:  # a BPS list existed but the name was not in it
                            a.reason = failed.reason
                            a.suggestions = failed.suggestions
            elif a is None and s:
                a = _Assigned(reason=f"not a kecamatan code: {s}")
        # 3. a name (within the parent when known)
        if (a is None or a.status == "unmatched") and not _blank(name):
            if names_ref:
                by_name = names_ref.match(name, parent)
                if by_name.status == "matched" or a is None:
                    a = by_name
            elif a is None:
                a = _Assigned(reason="no BPS kecamatan list to match names against (import a file "
                                     "with BPS kecamatan codes first, or name a code column)")
        if a is None:
            a = _Assigned(reason="no code and no name")
        if a.status == "matched":
            a.parent = a.code[:4]
            if a.name is None:
                a.name = names_ref.names.get(a.code) or (None if _blank(name) else str(name).strip())
        out.append(a)
    return out, bool(names_ref)
