"""A refresh: every chosen recipe's table read from the WebAPI, merged, compared with the
built-in figures. No streamlit; the CLI and the Data & metode page call :func:`run` and
:func:`compare` and show the same :class:`Refresh`.

Each record keeps its source: BPS's table title, variable id, domain, the table URL without the
key, and the retrieval time (UTC). A bad key stops the refresh (every table would fail the same
way); any other failing table is listed in ``errors`` and the others are kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

import pandas as pd

from jabodash.core.catalog import load_catalog
from jabodash.geo.regions import RegionMatcher
from jabodash.official import checks
from jabodash.official import client as client_mod
from jabodash.official.parse import TableError, read_table
from jabodash.official.recipes import Recipe, indicators

SCHEMA = "jabodash.refresh/1"
EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2
ORIGIN = "BPS WebAPI"

Progress = Callable[[int, int, Recipe], None]


@dataclass
class Refresh:
    records: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    changes: dict = field(default_factory=lambda: {"new": [], "changed": [], "same": 0})
    bad_key: bool = False
    started_at: str = ""
    limits: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        if self.bad_key:
            return EXIT_USAGE
        return EXIT_OK if self.ok else EXIT_PARTIAL

    def to_json(self, saved: str | None = None) -> dict:
        return {"schema": SCHEMA, "ok": self.ok, "records": self.records,
                "changes": {**self.changes, "conflicts": self.conflicts}, "errors": self.errors,
                "tables": self.tables, "limits": self.limits, "saved": saved}

    def frame(self) -> pd.DataFrame:
        """The records as rows (source fields flattened)."""
        rows = [{"indicator": r["indicator"], "region_code": r["region_code"], "year": r["year"],
                 "value": r["value"], **{f"source_{k}": v for k, v in r["source"].items()}} for r in self.records]
        return pd.DataFrame(rows, columns=["indicator", "region_code", "year", "value", "source_title",
                                           "source_var", "source_domain", "source_url", "source_retrieved_at",
                                           "source_grade"])


def chosen_levels(choice: str, levels: tuple[str, ...]) -> tuple[str, ...]:
    """The levels a refresh reads for a user's choice: "all" (every level of the source) or one level."""
    return tuple(levels) if choice == "all" else (choice,)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _error(recipe: Recipe, kind: str, detail: str = "") -> dict:
    return {"indicator": recipe.indicator, "domain": recipe.domain, "var": recipe.var, "kind": kind,
            "detail": detail}


def run(recipes: list[Recipe], key: str | None, base: str | None = None, timeout: float | None = None,
        progress: Progress | None = None, matcher: RegionMatcher | None = None,
        limits: client_mod.Limits | None = None) -> Refresh:
    """Read every recipe's table (see the module docstring)."""
    limits = limits or client_mod.Limits.from_env(read_timeout_s=timeout)
    out = Refresh(started_at=now(), limits=limits.said())
    try:
        client = client_mod.BpsClient(key or "", base or "", limits.read_timeout_s, limits=limits)
    except client_mod.BpsError:
        out.bad_key = True
        out.errors.append({"indicator": None, "domain": None, "var": None, "kind": client_mod.BAD_KEY,
                           "detail": "missing" if not key else "format"})
        return out
    catalog, matcher = load_catalog(), matcher or RegionMatcher()
    merged: dict[tuple, dict] = {}
    for i, recipe in enumerate(recipes):
        if progress is not None:
            progress(i, len(recipes), recipe)
        if recipe.indicator not in catalog or catalog[recipe.indicator].kind != "observed":
            out.errors.append(_error(recipe, "unknown_indicator"))
            continue
        if client.run.expired:
            out.errors.append(_error(recipe, client_mod.DEADLINE, f"run {limits.run_deadline_s:g} s"))
            continue
        if not _one(client, recipe, matcher, out, merged, key):
            break
    if progress is not None:
        progress(len(recipes), len(recipes), None)
    out.records = list(merged.values())
    return out


def _one(client, recipe: Recipe, matcher, out: Refresh, merged: dict, key: str) -> bool:
    """Read one table into ``merged``; False when the refresh must stop (bad key)."""
    url = client_mod.public_url(recipe.domain, recipe.var, base=client.base)
    retrieved = now()
    try:
        table = read_table(client.table(recipe.domain, recipe.var), recipe, matcher)
    except client_mod.BpsError as exc:
        out.errors.append(_error(recipe, exc.kind, client_mod.scrub(exc.detail, key)))
        out.bad_key = out.bad_key or exc.kind == client_mod.BAD_KEY
        return exc.kind != client_mod.BAD_KEY
    except TableError as exc:
        out.errors.append(_error(recipe, exc.kind, client_mod.scrub(exc.detail, key)[:120]))
        return True
    source = {"title": table.title, "var": recipe.var, "domain": recipe.domain, "url": url,
              "retrieved_at": retrieved, "grade": "official"}
    out.tables.append({"indicator": recipe.indicator, "domain": recipe.domain, "var": recipe.var,
                       "title": table.title, "unit": table.unit, "url": url, "retrieved_at": retrieved,
                       "figures": len(table.figures), "outside_dropped": len(table.outside),
                       "gaps": table.gaps, "text_gaps": table.text_gaps[:20],
                       "label_mismatches": table.label_mismatches, "skipped_years": table.skipped_years,
                       "refused": table.refused, "regions": table.regions(),
                       "unit_flag": checks.unit_flag(recipe, table.unit)})
    for fig in table.figures:
        _merge(merged, out, recipe, fig, source)
    return True


def _merge(merged: dict, out: Refresh, recipe: Recipe, fig: dict, source: dict) -> None:
    key = (recipe.indicator, fig["region_code"], fig["year"])
    record = {"indicator": recipe.indicator, "region_code": fig["region_code"], "year": fig["year"],
              "value": fig["value"], "source": source}
    kept = merged.get(key)
    if kept is None:
        merged[key] = record
    elif not _same(kept["value"], fig["value"]):
        out.conflicts.append({"indicator": recipe.indicator, "region_code": fig["region_code"],
                              "year": fig["year"], "kept_value": kept["value"], "kept_source": kept["source"],
                              "other_value": fig["value"], "other_source": source})


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def compare(refresh: Refresh, builtin: pd.DataFrame) -> dict:
    """New and changed figures against the built-in ones (``builtin``: region_code, indicator_id,
    year, value, source); stores and returns ``refresh.changes``."""
    old = {(r.indicator_id, str(r.region_code), int(r.year)): (float(r.value), str(r.source))
           for r in builtin.itertuples() if pd.notna(r.value)}
    changes = {"new": [], "changed": [], "same": 0}
    for rec in refresh.records:
        found = old.get((rec["indicator"], rec["region_code"], rec["year"]))
        row = {"indicator": rec["indicator"], "region_code": rec["region_code"], "year": rec["year"],
               "new_value": rec["value"], "new_source": rec["source"]}
        if found is None:
            changes["new"].append(row)
        elif _same(found[0], rec["value"]):
            changes["same"] += 1
        else:
            changes["changed"].append({**row, "old_value": found[0], "old_source": found[1]})
    checks.flag_changes(refresh, changes, builtin)
    refresh.changes = changes
    return changes


def builtin_figures(store, indicators: list[str]) -> pd.DataFrame:
    """The built-in observed figures of ``indicators`` with their source (queries/official_builtin.sql)."""
    return store.query("official_builtin", indicators=list(indicators))


def refresh(store, chosen: list[Recipe], key: str | None, progress: Callable | None = None) -> Refresh:
    """A refresh's steps, written once for the command line and the Data & metode page: every chosen
    recipe's table read (:func:`run`), then the figures compared with the built-in ones."""
    return compared(store, run(chosen, key, progress=progress), indicators(chosen))


def compared(store, out: Refresh, indicator_ids) -> Refresh:
    """The refresh with its figures compared with the built-in ones of ``indicator_ids`` (every
    source's last step: BPS, Dukcapil, SIMDASI)."""
    if out.records:
        compare(out, builtin_figures(store, list(indicator_ids)))
    return out
