"""Coverage of the core set (issue 23): for each yearly core indicator and each region, the latest
year with a figure, and its provenance grade; with the official-only switch, official and
official-cited figures only. Shown as a table on the data and methods page and given by
``info --json`` (``coverage``). Functions take ``run(name, **params) -> DataFrame`` (Store.query or
the cached ui.query), so everything here runs without Streamlit."""
from __future__ import annotations

from typing import Callable

import pandas as pd

from jabodash.core import grades
from jabodash.core.catalog import load_catalog

Runner = Callable[..., pd.DataFrame]

# The yearly core set counted by issue 23 (12 indicators x 15 regions = 180 cells).
CORE_INDICATORS = (
    "population_estimate_bps", "ipm_lfsp2020", "poverty_rate", "poor_population", "unemployment_rate_tpt",
    "grdp_current_prices", "grdp_per_capita_current_prices", "grdp_growth_constant_prices",
    "hospitals_total", "puskesmas", "schools_total_dapodik", "doctors",
)
RECENT_YEARS = (2023, 2024)   # "a figure for 2023 or later", "for 2024 or later"


def core_coverage(run: Runner, region_set: str = "agglomeration", official_only: bool = False) -> pd.DataFrame:
    """One row per core indicator and region: year, value, grade and dataset of the latest figure
    shown (empty year: a gap)."""
    frame = run("core_coverage", indicators=list(CORE_INDICATORS), region_set=region_set,
                official_only=official_only)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def summary(frame: pd.DataFrame) -> dict:
    """Counts over the cells of core_coverage: with a figure, with one for 2023 or later and for
    2024 or later, and the cells by grade of the figure shown."""
    year = frame["year"]
    shown = frame[year.notna()]
    out = {"cells": int(len(frame)), "with_figure": int(len(shown))}
    for since in RECENT_YEARS:
        out[f"since_{since}"] = int((year >= since).fillna(False).sum())
    out["by_grade"] = {g: int(n) for g, n in shown["grade"].fillna("unrated").value_counts().items()}
    return out


def stored_share(run: Runner) -> dict:
    """The built-in figures by grade and the official share (official or official-cited)."""
    counts = run("figure_grades").set_index("grade")["figures"]
    total = int(counts.sum())
    official = int(sum(counts.get(g, 0) for g in grades.SHOWN_WHEN_OFFICIAL_ONLY))
    return {"figures": total, "official_or_cited": official,
            "share": round(official / total, 4) if total else 0.0,
            "by_grade": {g: int(n) for g, n in counts.items()}}


def as_json(run: Runner, region_set: str = "agglomeration") -> dict:
    """The coverage block of ``info --json``: summary (all figures and official only), the stored
    figures' official share, and every cell."""
    every = core_coverage(run, region_set)
    official = core_coverage(run, region_set, official_only=True)
    cells = [{"indicator_id": r.indicator_id, "region_code": r.region_code,
              "year": None if pd.isna(r.year) else int(r.year),
              "grade": None if pd.isna(r.year) else r.grade,
              "dataset_id": None if pd.isna(r.year) else r.dataset_id}
             for r in every.itertuples()]
    return {"indicators": list(CORE_INDICATORS), "summary": summary(every),
            "summary_official_only": summary(official), "stored_figures": stored_share(run), "cells": cells}


def cell_text(year, grade, lang: str) -> str:
    """One cell of the table: "2024 · resmi"; "-" for a gap."""
    if year is None or pd.isna(year):
        return "–"
    label = grades.label(grade, lang)
    return f"{int(year)} · {label}" if label else str(int(year))


def matrix(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table for display: a row per core indicator (its short name), a column per region."""
    names = {key: ind.short(lang) for key, ind in load_catalog().items()}
    frame = frame.assign(text=[cell_text(y, g, lang) for y, g in zip(frame["year"], frame["grade"])])
    table = frame.pivot(index="indicator_id", columns="short_name", values="text")
    order = [c for c in frame.drop_duplicates("region_code")["short_name"]]
    table = table.reindex(index=list(CORE_INDICATORS), columns=order)
    table.index = [names.get(i, i) for i in table.index]
    return table
