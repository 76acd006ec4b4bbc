"""The change report of a refresh in words and rows (the CLI and the Data & metode page)."""
from __future__ import annotations

import pandas as pd

from jabodash.core.catalog import load_catalog
from jabodash.core.i18n import t
from jabodash.geo.regions import RegionMatcher

_MATCHER: RegionMatcher | None = None


def _region(code: str, lang: str) -> str:
    global _MATCHER
    _MATCHER = _MATCHER or RegionMatcher()
    return _MATCHER.name(code, lang=lang, short=True)


def _indicator(indicator_id: str, lang: str) -> str:
    ind = load_catalog().get(indicator_id)
    return f"{ind.short(lang)} ({indicator_id})" if ind is not None else indicator_id


def source_text(source) -> str:
    """A figure's source in one line: title (var, domain), retrieved; never a key."""
    if not isinstance(source, dict):
        return str(source or "")
    return (f"BPS: {source.get('title', '')} (var {source.get('var', '')}, domain {source.get('domain', '')}; "
            f"{str(source.get('retrieved_at', ''))[:16]})")


def error_text(err: dict, lang: str) -> str:
    kind = err.get("kind") or "http"
    text = t(f"data.refresh.error.{kind}", lang, detail=err.get("detail") or "")
    if err.get("var"):
        return f"{err.get('indicator')} (var {err.get('var')}, domain {err.get('domain')}): {text}"
    return text


def table_line(table: dict, lang: str) -> str:
    return t("data.refresh.table_line", lang, title=table["title"], var=table["var"], domain=table["domain"],
             figures=table["figures"], outside=table["outside_dropped"], gaps=table["gaps"])


def change_rows(refresh, lang: str) -> list[dict]:
    """One row per new, changed or conflicting figure."""
    col = {k: t(f"data.refresh.col.{k}", lang) for k in
           ("change", "indicator", "region", "year", "old", "new", "old_source", "new_source")}
    rows = []
    for kind, items in (("changed", refresh.changes.get("changed", [])), ("new", refresh.changes.get("new", []))):
        for item in items:
            rows.append({col["change"]: t(f"data.refresh.change.{kind}", lang), col["indicator"]: _indicator(item["indicator"], lang),
                         col["region"]: _region(item["region_code"], lang), col["year"]: item["year"],
                         col["old"]: item.get("old_value"), col["new"]: item["new_value"],
                         col["old_source"]: item.get("old_source") or "",
                         col["new_source"]: source_text(item["new_source"])})
    for item in refresh.conflicts:
        rows.append({col["change"]: t("data.refresh.change.conflict", lang), col["indicator"]: _indicator(item["indicator"], lang),
                     col["region"]: _region(item["region_code"], lang), col["year"]: item["year"],
                     col["old"]: item["other_value"], col["new"]: item["kept_value"],
                     col["old_source"]: source_text(item["other_source"]),
                     col["new_source"]: source_text(item["kept_source"])})
    return rows


def change_frame(refresh, lang: str) -> pd.DataFrame:
    rows = change_rows(refresh, lang)
    frame = pd.DataFrame(rows)
    for key in ("old", "new"):
        name = t(f"data.refresh.col.{key}", lang)
        if name in frame:
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
    return frame
