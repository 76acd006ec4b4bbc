"""The change report of a refresh in words and rows (the CLI and the Data & metode page)."""
from __future__ import annotations

import pandas as pd

from jabodash.core import plausibility
from jabodash.core.catalog import load_catalog
from jabodash.core.i18n import t
from jabodash.geo import kecamatan_codes
from jabodash.geo.regions import RegionMatcher

_MATCHER: RegionMatcher | None = None


def _region(code: str, lang: str) -> str:
    """A kab/kota's short name; a kecamatan's (7-digit BPS code) name in the crosswalk with its
    kab/kota; any other code as it is."""
    global _MATCHER
    _MATCHER = _MATCHER or RegionMatcher()
    if len(str(code)) == 7:
        row = kecamatan_codes.load().set_index("code")["name"].get(str(code))
        if row is not None:
            return f"{str(row).title()} ({_MATCHER.name(str(code)[:4], lang=lang, short=True)})"
    return _MATCHER.name(code, lang=lang, short=True)


def _indicator(indicator_id: str, lang: str) -> str:
    ind = load_catalog().get(indicator_id)
    return f"{ind.short(lang)} ({indicator_id})" if ind is not None else indicator_id


def source_text(source) -> str:
    """A figure's source in one line: title (var, domain), retrieved; never a key."""
    if not isinstance(source, dict):
        return str(source or "")
    if source.get("origin"):     # another source than BPS's WebAPI (Dukcapil: the service's name)
        return f"{source.get('title', '')} ({str(source.get('retrieved_at', ''))[:16]})"
    return (f"BPS: {source.get('title', '')} (var {source.get('var', '')}, domain {source.get('domain', '')}; "
            f"{str(source.get('retrieved_at', ''))[:16]})")


def error_text(err: dict, lang: str) -> str:
    kind = err.get("kind") or "http"
    text = t(f"data.refresh.error.{kind}", lang, detail=err.get("detail") or "")
    if err.get("var"):
        return f"{err.get('indicator')} (var {err.get('var')}, domain {err.get('domain')}): {text}"
    return text


def error_lines(errors: list[dict], lang: str) -> list[str]:
    """One line per failed table; a table asked for several years or areas that failed the same way
    is one line listing them ("domain 3101000: 2023, 2024, 2025; 3171000: 2023")."""
    groups: dict[tuple, dict[str, list]] = {}
    for err in errors:
        if not (err.get("var") and err.get("year")):
            groups[(id(err),)] = {"": [err]}
            continue
        key = (err.get("indicator"), err.get("var"), err.get("kind"), err.get("detail"))
        groups.setdefault(key, {}).setdefault(str(err.get("domain")), []).append(err)
    out = []
    for key, domains in groups.items():
        if len(key) == 1:
            out.append(error_text(domains[""][0], lang))
            continue
        first = next(iter(domains.values()))[0]
        text = t(f"data.refresh.error.{first.get('kind') or 'http'}", lang, detail=first.get("detail") or "")
        where = "; ".join(f"{domain}: {', '.join(str(e['year']) for e in errs)}" for domain, errs in domains.items())
        out.append(f"{first.get('indicator')} (var {first.get('var')}, domain {where}): {text}")
    return out


def table_totals(tables: list[dict]) -> dict:
    """A report's refused values, gaps and figures outside the region set over all its tables."""
    return {"refused": sum(len(tb.get("refused") or []) for tb in tables),
            "gaps": sum(tb.get("gaps", 0) for tb in tables),
            "outside": sum(tb.get("outside_dropped", 0) for tb in tables)}


def _area(domain: str, lang: str) -> str:
    """", Depok" for a kab/kota's 7-digit area code; nothing where no name is known (a province)."""
    name = _region(domain[:4], lang)
    return f", {name}" if name != domain[:4] else ""


def table_line(table: dict, lang: str) -> str:
    key = "data.refresh.table_line_other" if table.get("origin") else "data.refresh.table_line"
    if table.get("year"):       # SIMDASI: one table per area and year, its rows the area's sub-areas
        key = "data.refresh.table_line_area"
    line = t(key, lang, title=table["title"], var=table["var"], domain=table["domain"],
             figures=table["figures"], outside=table["outside_dropped"], gaps=table["gaps"],
             indicator=_indicator(table.get("indicator", ""), lang), year=table.get("year", ""),
             area=_area(str(table["domain"]), lang))
    extra = [plausibility.coverage_text(int(table.get("regions") or 0), lang)]
    if table.get("refused"):
        extra.append(t("plausibility.refused_count", lang, n=len(table["refused"])))
    if table.get("unit_flag"):
        extra.append(plausibility.text(table["unit_flag"], lang))
    return f"{line}; " + "; ".join(extra)


def limits_line(refresh, lang: str) -> str:
    """The limits the refresh ran under, in words (the report states its deadlines)."""
    lim = refresh.limits or {}
    if not lim:
        return ""
    def num(value) -> str:
        return f"{float(value or 0):g}"
    return t("plausibility.limits", lang, table=num(lim.get("table_deadline_s")), run=num(lim.get("run_deadline_s")),
             read=num(lim.get("read_timeout_s")), mb=num(round(float(lim.get("max_bytes", 0)) / 1048576, 1)),
             depth=lim.get("max_depth"), retries=lim.get("retries"))


def change_rows(refresh, lang: str) -> list[dict]:
    """One row per new, changed or conflicting figure."""
    col = {k: t(f"data.refresh.col.{k}", lang) for k in
           ("change", "indicator", "region", "year", "old", "new", "check", "old_source", "new_source")}
    rows = []
    for kind, items in (("changed", refresh.changes.get("changed", [])), ("new", refresh.changes.get("new", []))):
        for item in items:
            rows.append({col["change"]: t(f"data.refresh.change.{kind}", lang), col["indicator"]: _indicator(item["indicator"], lang),
                         col["region"]: _region(item["region_code"], lang), col["year"]: item["year"],
                         col["old"]: item.get("old_value"), col["new"]: item["new_value"],
                         col["check"]: plausibility.texts(item.get("flags"), lang),
                         col["old_source"]: item.get("old_source") or "",
                         col["new_source"]: source_text(item["new_source"])})
    for item in refresh.conflicts:
        rows.append({col["change"]: t("data.refresh.change.conflict", lang), col["indicator"]: _indicator(item["indicator"], lang),
                     col["region"]: _region(item["region_code"], lang), col["year"]: item["year"],
                     col["old"]: item["other_value"], col["new"]: item["kept_value"], col["check"]: "",
                     col["old_source"]: source_text(item["other_source"]),
                     col["new_source"]: source_text(item["kept_source"])})
    rows += _refused_rows(refresh, col, lang)
    return rows


def _refused_rows(refresh, col: dict, lang: str) -> list[dict]:
    """One row per cell refused for an impossible value: the raw text and the reason beside it."""
    rows = []
    for table in refresh.tables:
        source = table["title"] if table.get("origin") else \
            f"BPS: {table['title']} (var {table['var']}, domain {table['domain']})"
        for cell in table.get("refused") or []:
            rows.append({col["change"]: t("data.refresh.change.refused", lang),
                         col["indicator"]: _indicator(cell.get("indicator") or table["indicator"], lang),
                         col["region"]: _region(cell["region_code"], lang), col["year"]: cell["year"],
                         col["old"]: None, col["new"]: cell["value"],
                         col["check"]: t("plausibility.refused", lang, raw=cell["raw"],
                                         reason=plausibility.text(cell, lang)), col["old_source"]: "",
                         col["new_source"]: source})
    return rows


def change_frame(refresh, lang: str) -> pd.DataFrame:
    rows = change_rows(refresh, lang)
    frame = pd.DataFrame(rows)
    for key in ("old", "new"):
        name = t(f"data.refresh.col.{key}", lang)
        if name in frame:
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
    return frame
