"""Findings: short sentences written from the figures of one view by fixed rules (no model, no
randomness), in the UI language, with numbers formatted as the pages format them.

Rules, in this order (at most :data:`MAX_FINDINGS` per view; the change is dropped first, then
the metro value, so a gap and a target are never left out):

* the highest and the lowest region (ties: the first by region code);
* the metro value by the indicator's aggregation rule (a total for counts; for rates the value
  and how many regions lie above it); none when the rule gives no single value or a region of
  the set has no figure;
* the change since the previous year with data (a census indicator: the previous census): of the
  metro value when both years have one, else how many regions rose, fell or stayed;
* the gap to a target (jabodash.brief.targets) for the region set or, in a region profile, the
  region, when data/targets.csv has one;
* what is missing: the regions of the set without a figure that year ("Kab. Cianjur: belum ada
  angka 2024").

Every :class:`Finding` keeps the raw numbers it states (``values``), so tests compare them with
the store's figures and the text with :func:`value_text` of them.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jabodash.core import fmt
from jabodash.core.catalog import Indicator
from jabodash.core.i18n import t
from jabodash.store.aggregate import MetroValue

MAX_FINDINGS = 4
MAX_NAMED = 3            # regions named in the "missing" finding before "and n more"
DROP_FIRST = ("change", "metro")


@dataclass(frozen=True)
class Finding:
    key: str                        # highest_lowest | metro | change | target | missing | rank
    text: str
    values: tuple[float, ...] = ()  # the raw numbers the text states, in its order
    regions: tuple[str, ...] = ()   # region codes it names, in its order


def value_text(value, ind: Indicator, lang: str, unit: bool = True) -> str:
    """A figure as the pages show it: large counts in words (33,72 juta), else with the
    indicator's decimals; followed by its unit."""
    if fmt.is_missing(value):
        return t("common.no_data", lang)
    if ind.aggregation == "sum" and abs(float(value)) >= 1e6:
        text = fmt.compact(value, lang)
    else:
        text = fmt.number(value, ind.decimals, lang)
    return f"{text} {ind.unit(lang)}" if unit and ind.unit(lang) else text


def area_name(region_set: str, lang: str) -> str:
    return t(f"brief.area.{region_set}", lang)


def names_text(names: list[str], lang: str, limit: int = MAX_NAMED) -> str:
    text = ", ".join(names[:limit])
    return text + (" " + t("brief.and_more", lang, n=len(names) - limit) if len(names) > limit else "")


def _present(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.dropna(subset=["value"]).sort_values(["value", "region_code"], ascending=[False, True])


def highest_lowest(frame: pd.DataFrame, ind: Indicator, lang: str) -> Finding | None:
    rows = _present(frame)
    if rows.empty:
        return None
    high = rows.iloc[0]
    if len(rows) == 1:
        return Finding("highest_lowest", t("brief.only_one", lang, name=high.short_name,
                                           value=value_text(high.value, ind, lang)),
                       (float(high.value),), (high.region_code,))
    low = rows.sort_values(["value", "region_code"]).iloc[0]
    text = t("brief.highest_lowest", lang, high=high.short_name, high_value=value_text(high.value, ind, lang),
             low=low.short_name, low_value=value_text(low.value, ind, lang))
    return Finding("highest_lowest", text, (float(high.value), float(low.value)),
                   (high.region_code, low.region_code))


def metro(frame: pd.DataFrame, ind: Indicator, mv: MetroValue | None, region_set: str,
          lang: str) -> Finding | None:
    if mv is None or mv.value is None:
        return None
    area = area_name(region_set, lang)
    value = value_text(mv.value, ind, lang)
    if ind.aggregation == "sum":
        coverage = t("common.coverage", lang, covered=mv.covered, total=mv.total)
        return Finding("metro", t("brief.metro_total", lang, area=area, value=value, coverage=coverage), (mv.value,))
    above = int((frame["value"].dropna() > mv.value).sum())
    text = t("brief.metro_above", lang, area=area, value=value, above=above, total=mv.total)
    return Finding("metro", text, (mv.value, float(above)))


def _direction(old: float, new: float, ind: Indicator, lang: str) -> str:
    shown_old, shown_new = (fmt.number(v, ind.decimals, lang) for v in (old, new))
    if shown_old == shown_new:
        return t("brief.steady", lang)
    return t("brief.rose", lang) if new > old else t("brief.fell", lang)


def change(frame: pd.DataFrame, previous: pd.DataFrame | None, prev_year: int | None, ind: Indicator,
           mv: MetroValue | None, prev_mv: MetroValue | None, region_set: str, lang: str) -> Finding | None:
    """Since the previous year with data: the metro value's change when both years have one,
    else the regions that rose, fell or stayed (regions with a figure in both years)."""
    if previous is None or prev_year is None:
        return None
    if mv is not None and prev_mv is not None and mv.value is not None and prev_mv.value is not None:
        text = t("brief.change_metro", lang, year=prev_year, area=area_name(region_set, lang),
                 direction=_direction(prev_mv.value, mv.value, ind, lang),
                 old=value_text(prev_mv.value, ind, lang, unit=False), new=value_text(mv.value, ind, lang))
        return Finding("change", text, (prev_mv.value, mv.value))
    both = frame.set_index("region_code")["value"].to_frame("new").join(
        previous.set_index("region_code")["value"].rename("old"), how="inner").dropna()
    if both.empty:
        return None
    old = both["old"].round(ind.decimals)
    new = both["new"].round(ind.decimals)
    up, down = int((new > old).sum()), int((new < old).sum())
    same = len(both) - up - down
    counts = (float(up), float(down), float(same))
    for n, key in ((up, "rose"), (down, "fell"), (same, "steady")):
        if n == len(both):
            return Finding("change", t("brief.change_all", lang, year=prev_year, n=n,
                                       direction=t(f"brief.{key}", lang)), counts)
    parts = [t(f"brief.part_{key}", lang, n=n) for n, key in ((up, "up"), (down, "down"), (same, "same")) if n]
    return Finding("change", t("brief.change_regions", lang, year=prev_year, parts=", ".join(parts)), counts)


def missing(frame: pd.DataFrame, year: int, lang: str) -> Finding | None:
    gaps = frame[frame["value"].isna()].sort_values("region_code")
    if gaps.empty:
        return None
    names = [str(n) for n in gaps["short_name"]]
    return Finding("missing", t("brief.missing", lang, names=names_text(names, lang), year=year),
                   regions=tuple(gaps["region_code"]))


def pick(found: list[Finding | None], limit: int = MAX_FINDINGS, drop: tuple[str, ...] = DROP_FIRST) -> list[Finding]:
    """The findings that exist, at most ``limit``: those named in ``drop`` go first, in its order."""
    kept = [f for f in found if f is not None]
    for key in drop:
        if len(kept) <= limit:
            break
        kept = [f for f in kept if f.key != key]
    return kept[:limit]


def for_view(frame: pd.DataFrame, ind: Indicator, year: int, region_set: str, lang: str, *,
             mv: MetroValue | None = None, previous: pd.DataFrame | None = None,
             prev_year: int | None = None, prev_mv: MetroValue | None = None,
             target: Finding | None = None) -> list[Finding]:
    """The findings of a ranking, map or trend view (a trend: at its latest year)."""
    return pick([highest_lowest(frame, ind, lang), metro(frame, ind, mv, region_set, lang),
                 change(frame, previous, prev_year, ind, mv, prev_mv, region_set, lang),
                 target, missing(frame, year, lang)])


def for_region(frame: pd.DataFrame, code: str, ind: Indicator, year: int, region_set: str, lang: str, *,
               mv: MetroValue | None = None, previous: pd.DataFrame | None = None,
               prev_year: int | None = None, target: Finding | None = None) -> list[Finding]:
    """The findings of one region's slide in a region profile: its value and rank, the metro
    value, its own change since the previous year, a target, and the gaps of the set."""
    row = frame[frame["region_code"] == code].iloc[0]
    if fmt.is_missing(row.value):
        own = Finding("rank", t("brief.region_missing", lang, region=row.short_name, year=year), regions=(code,))
    else:
        ranked = int(frame["value"].notna().sum())
        rank = int((frame["value"].dropna() > row.value).sum()) + 1
        own = Finding("rank", t("brief.region_rank", lang, region=row.short_name,
                                value=value_text(row.value, ind, lang), rank=rank, ranked=ranked),
                      (float(row.value), float(rank), float(ranked)), (code,))
    moved = None
    if previous is not None and prev_year is not None and not fmt.is_missing(row.value):
        before = previous.loc[previous["region_code"] == code, "value"].dropna()
        if len(before):
            old = float(before.iloc[0])
            moved = Finding("change", t("brief.region_change", lang, year=prev_year, region=row.short_name,
                                        direction=_direction(old, row.value, ind, lang),
                                        old=value_text(old, ind, lang, unit=False),
                                        new=value_text(row.value, ind, lang)),
                            (old, float(row.value)), (code,))
    return pick([own, metro(frame, ind, mv, region_set, lang), moved, target, missing(frame, year, lang)],
                drop=("metro", "change"))
