"""Logic of the map explorer (Peta): pure functions, no streamlit.

The page reads the ViewState, calls these functions and renders what they return: what to
draw (map_mode), the classes of the values (classes_for, also used by the Wilayah page's
kecamatan map), the region a click points to, a region's profile table and the figures of a
boundary-import report.
"""
from __future__ import annotations

import pandas as pd

from jabodash.charts import peta
from jabodash.core.i18n import data_text
from jabodash.geo import classify as classify_mod


def classes_for(values: pd.DataFrame, ind, state, lang: str, center: float | None = None) -> classify_mod.Classes:
    """Classes of ``values`` (region_code, value) as the view asks: method, k, palette; the
    diverging palette centres on ``center`` (the metro value) when given."""
    series = values.set_index("region_code")["value"] if len(values) else pd.Series(dtype=float)
    return classify_mod.classify(series, method=state.classification, k=state.classes,
                                 higher_is_better=getattr(ind, "higher_is_better", None), palette=state.palette,
                                 center=center if state.palette == "diverging" else None,
                                 decimals=getattr(ind, "decimals", 1), lang=lang)


def map_mode(level: str, map_type: str, has_geo: bool) -> str:
    """What the page draws: "geo", "tiles" or "none" (kecamatan without boundaries)."""
    if level == "kecamatan":
        return "geo" if has_geo else "none"
    return "geo" if (map_type == "geo" and has_geo) else "tiles"


def selected_code(event, level: str = "kabkota") -> str | None:
    """The region code a click/selection on the map points to (choropleth: location; tile
    grid: the tile at the point's x/y), or None."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError, AttributeError):
        try:
            points = event.selection.points
        except AttributeError:
            return None
    for p in points or []:
        loc = p.get("location")
        if loc:
            return str(loc)
        x, y = p.get("x"), p.get("y")
        if x is not None and y is not None and level == "kabkota":
            grid = peta.tile_layout("kabkota")
            hit = grid[(grid["col"] == round(float(x))) & (grid["row"] == round(-float(y)))]
            if len(hit):
                return str(hit["code"].iloc[0])
    return None


def profile_table(profile: pd.DataFrame, catalog: dict, lang: str) -> pd.DataFrame:
    """One row per indicator of a region: name, unit, latest year and value, the series for a
    sparkline (oldest first) and the source of the latest figure."""
    cols = ["indicator_id", "indicator", "unit", "year", "value", "trend", "source"]
    if profile.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for ind_id, part in profile.dropna(subset=["value"]).groupby("indicator_id", sort=False):
        part = part.sort_values("year")
        ind = catalog.get(ind_id)
        last = part.iloc[-1]
        rows.append({"indicator_id": ind_id, "indicator": ind.name(lang) if ind else ind_id,
                     "unit": ind.unit(lang) if ind else "", "year": int(last["year"]),
                     "value": float(last["value"]), "trend": [float(v) for v in part["value"]],
                     "source": data_text(last.get("source") or "", lang)})
    return pd.DataFrame(rows, columns=cols)


def report_frames(report) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """An ImportReport as (counts, unmatched features, area checks with ``flagged`` > 5 %)."""
    counts = {"regions": len(report.boundary_set.gdf), "matched": len(report.matched),
              "unmatched": len(report.unmatched), "outside": len(report.outside),
              "missing": len(report.missing), "repaired": report.repaired, "flagged": len(report.flagged)}
    unmatched = pd.DataFrame([{"index": u.get("index"), "value": str(u.get("value")), "reason": u.get("reason"),
                               "suggestions": ", ".join(map(str, u.get("suggestions") or []))}
                              for u in report.unmatched], columns=["index", "value", "reason", "suggestions"])
    checks = pd.DataFrame(report.area_checks)
    keep = [c for c in ("code", "name", "area_km2", "official_km2", "diff_pct", "flagged") if c in checks]
    return counts, unmatched, checks[keep] if len(checks) else checks


def unplaced_names(unplaced: pd.DataFrame, regions_short: dict) -> list[str]:
    """Names of kecamatan with a figure but no polygon ("Limo (Depok)"), from the kecamatan
    crosswalk (data/kecamatan_crosswalk.csv), else the code."""
    from jabodash.geo import kecamatan_codes
    names = dict(zip(kecamatan_codes.load()["code"], kecamatan_codes.load()["name"]))
    return [f"{names[c].title()} ({regions_short.get(c[:4], c[:4])})" if c in names else c
            for c in unplaced["region_code"].astype(str)]
