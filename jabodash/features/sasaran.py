"""Where each region stands against its targets (Sasaran & capaian; no streamlit).

For every target (jabodash.store.plan_targets) and every place it concerns, :func:`evaluate` gives
the latest figure and its year, the gap to the target, the change per year needed from the
latest year to the target year, the change per year observed over the last years with figures
(and which years), and a status:

* ``achieved``: the latest figure meets the target (a range counts as met from its nearer end:
  the upper end when lower is better, the lower end when higher is better);
* ``on_track``: not yet met, and the observed change per year is at least the change needed;
* ``off_track``: not met and moving too slowly (or the wrong way), the target year is past the
  latest figure's year, or a standing minimum (no target year) is not met;
* ``no_data``: no figure, only the plan's own baseline, a latest figure more than STALE_YEARS
  before the current year, or a single figure (no trend) for a target still ahead;
* ``reference``: a figure set beside a target that is not its own commitment (a national target
  beside a kab/kota or the metro; a province's target beside one of its kab/kota).

Places: "ID" (the nation: only the figures recorded with the target), "metro" (the region set,
aggregated the way the indicator allows: population-weighted for rates, summed for counts, never
for an index), a province code (DKI Jakarta's six units make up the whole province, so its figure
can be aggregated; West Java and Banten have units outside the metro, so only the figures recorded
with the target count) and each kab/kota. Figures are read through the store's DataSource, so
built-in, saved and session datasets count alike; the figures recorded beside a target (its
baseline and a reported progress figure) fill years the data lacks.
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

import pandas as pd

from jabodash.charts import sasaran as charts_sasaran
from jabodash.core import fmt, grades
from jabodash.core.grades import SHOWN_WHEN_OFFICIAL_ONLY
from jabodash.core.i18n import t
from jabodash.presenter import views
from jabodash.store import plan_targets as targets_mod
from jabodash.store import target_files
from jabodash.store.aggregate import metro_value
from jabodash.store.datasource import DataSource

STATUSES = ("achieved", "on_track", "off_track", "no_data", "reference")
TREND_YEARS = 5      # the observed change is measured over at most the last 5 years with figures
STALE_YEARS = 5      # a latest figure older than this before the current year is not recent
NATION, METRO = "ID", "metro"
COMPLETE_PROVINCES = ("31",)   # DKI Jakarta: all of its units are in the region table
PROVINCE_NAMES = {"31": "DKI Jakarta", "32": "Jawa Barat", "36": "Banten"}


@dataclass(frozen=True)
class Point:
    year: int
    value: float
    source: str
    url: str
    grade: str
    origin: str          # data | aggregate | baseline | reported


def _num(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value) else float(value)


def edge(target: pd.Series) -> float:
    """The value that counts as reaching the target (a range's nearer end)."""
    single = _num(target["target_value"])
    if single is not None:
        return single
    return float(target["target_high"] if target["direction"] == "lower" else target["target_low"])


def meets(value: float, target: pd.Series) -> bool:
    return value <= edge(target) if target["direction"] == "lower" else value >= edge(target)


def judge(points: list[Point], target: pd.Series, own: bool, now_year: int) -> dict:
    """Latest figure, gap, needed and observed change per year, status and its reason."""
    out = dict(latest=None, gap=None, required_per_year=None, observed_per_year=None, observed_years=None,
               meets=None, status="reference" if not own else "no_data", reason="no_figure")
    if not points:
        return out
    latest = points[-1]
    goal = edge(target)
    out.update(latest=latest, gap=goal - latest.value, meets=meets(latest.value, target), reason="")
    window = [p for p in points if p.year >= latest.year - TREND_YEARS]
    if window[0].year < latest.year:
        first = window[0]
        out["observed_per_year"] = (latest.value - first.value) / (latest.year - first.year)
        out["observed_years"] = (first.year, latest.year)
    year = _num(target["target_year"])
    if year is not None and year > latest.year:
        out["required_per_year"] = (goal - latest.value) / (year - latest.year)
    if not own:
        if latest.year < now_year - STALE_YEARS:   # too old to say whether it meets the target
            out.update(meets=None, reason="stale")
        return out
    out["status"], out["reason"] = _status(out, latest, year, target["direction"], now_year)
    return out


def _status(out: dict, latest: Point, year: float | None, direction: str, now_year: int) -> tuple[str, str]:
    if latest.origin == "baseline":   # the plan's starting point: nothing measured since it was set
        return "no_data", "baseline_only"
    if out["meets"]:
        return "achieved", ""
    if latest.year < now_year - STALE_YEARS:
        return "no_data", "stale"
    if year is None:
        return "off_track", "below_minimum"
    if year <= latest.year:
        return "off_track", "deadline_passed"
    if out["observed_per_year"] is None:
        return "no_data", "no_trend"
    sign = 1 if direction == "higher" else -1
    return ("on_track", "") if (out["observed_per_year"] - out["required_per_year"]) * sign >= 0 else ("off_track", "too_slow")


# --- figures ------------------------------------------------------------------------------------

def _series_points(frame: pd.DataFrame) -> list[Point]:
    return [Point(int(r.year), float(r.value), str(r.source or ""), str(r.source_url or ""), str(r.grade or ""), "data")
            for r in frame.dropna(subset=["value"]).itertuples()]


def _weakest(grades) -> str:
    order = ("official", "official-cited", "secondary", "unrated")
    ranked = [order.index(g) if g in order else len(order) - 1 for g in grades]
    return order[max(ranked)] if ranked else ""


class Figures:
    """The figures of one indicator for the places of a region set, read once."""

    def __init__(self, ds: DataSource, indicator_id: str, region_set: str, known: dict):
        self.ds, self.region_set = ds, region_set
        self.ind = targets_mod.indicator(indicator_id, known)
        in_catalog = self.ind is not None and self.ind.kind != "target"
        self.series = ds.series(indicator_id, region_set) if in_catalog else pd.DataFrame(
            columns=["region_code", "year", "value", "source", "source_url", "grade"])
        self._metro: list[Point] | None = None
        self._regions = {str(code): _series_points(part) for code, part in self.series.groupby("region_code")}

    def region(self, code: str) -> list[Point]:
        return self._regions.get(code, [])

    def metro(self) -> list[Point]:
        if self._metro is None:
            self._metro = self._metro_points()
        return self._metro

    def _metro_points(self) -> list[Point]:
        if self.ind is None or self.ind.kind == "target" or self.ind.aggregation not in ("sum", "weighted_mean", "ratio"):
            return []
        out = []
        for year in sorted(self.series["year"].dropna().unique()):
            mv = metro_value(self.ds, self.ind, int(year), self.region_set)
            if mv.value is not None:
                rows = self.series[self.series["year"] == year]
                out.append(Point(int(year), mv.value, _aggregate_label(self.ind, mv.total), "", _weakest(rows["grade"]), "aggregate"))
        return out

    def province(self, code: str, members: list[str]) -> list[Point]:
        """The province's figure aggregated from all of its units (only where the set holds them all)."""
        if code not in COMPLETE_PROVINCES or self.ind is None or self.ind.aggregation not in ("sum", "weighted_mean"):
            return []
        table = self.series[self.series["region_code"].isin(members)].pivot_table(index="year", columns="region_code", values="value")
        table = table.reindex(columns=members).dropna()
        if self.ind.aggregation == "weighted_mean":
            weights = self.ds.query("weights", indicator_id=self.ind.weight_indicator, year=int(self.ind.weight_year))
            weights = weights.set_index("region_code")["value"].reindex(members)
            if weights.isna().any():
                return []
            values = (table * weights).sum(axis=1) / weights.sum()
        else:
            values = table.sum(axis=1)
        grades = self.series[self.series["region_code"].isin(members)]["grade"]
        return [Point(int(y), float(v), _aggregate_label(self.ind, len(members)), "", _weakest(grades), "aggregate")
                for y, v in values.items()]


def _aggregate_label(ind, n: int) -> str:
    how = {"weighted_mean": "population-weighted mean", "sum": "sum", "ratio": "ratio of sums"}.get(ind.aggregation, "")
    return f"jabodash: {how} of {n} kab/kota figures"


def _recorded(target: pd.Series, official_only: bool) -> list[Point]:
    """The baseline and the reported progress figure recorded with the target."""
    out = []
    if _num(target["baseline_year"]) is not None and _num(target["baseline_value"]) is not None:
        out.append(Point(int(target["baseline_year"]), float(target["baseline_value"]), str(target["source_title"]),
                         str(target["source_url"]), str(target["grade"]), "baseline"))
    if _num(target["reported_year"]) is not None and _num(target["reported_value"]) is not None:
        grade = str(target["reported_grade"])
        if not official_only or grade in SHOWN_WHEN_OFFICIAL_ONLY:
            out.append(Point(int(target["reported_year"]), float(target["reported_value"]), str(target["reported_title"]),
                             str(target["reported_url"]), grade, "reported"))
    return out


def _merge(data: list[Point], recorded: list[Point]) -> list[Point]:
    """Data first; a recorded figure only fills a year the data lacks."""
    by_year = {p.year: p for p in recorded}
    by_year.update({p.year: p for p in data})
    return [by_year[y] for y in sorted(by_year)]


# --- evaluation ---------------------------------------------------------------------------------

def places(target: pd.Series, regions: pd.DataFrame) -> list[tuple[str, bool]]:
    """(place, own) pairs a target is shown at: its own subject and the places it is a reference for."""
    scope, code = target["scope"], target["region_code"]
    codes = regions["code"].tolist()
    if scope == "national":
        return [(NATION, True), (METRO, False)] + [(c, False) for c in codes]
    if scope == "agglomeration":
        return [(METRO, True)]
    if scope == "province":
        members = regions.loc[regions["province_code"] == code, "code"].tolist()
        return [(code, True)] + [(c, False) for c in members]
    if scope == "each":
        return [(c, True) for c in codes]
    return [(code, True)] if code in codes else []


def _points(place: str, own: bool, target: pd.Series, figures: Figures, regions: pd.DataFrame, official_only: bool) -> list[Point]:
    if place == NATION:
        data = []
    elif place == METRO:
        data = figures.metro()
    elif place in PROVINCE_NAMES:
        data = figures.province(place, regions.loc[regions["province_code"] == place, "code"].tolist())
    else:
        data = figures.region(place)
    return _merge(data, _recorded(target, official_only) if own else [])


def active_targets(ds: DataSource, uploaded: list[pd.DataFrame] | None = None, plan: str | None = None) -> pd.DataFrame:
    """The targets the page shows: built-in and uploaded, of one plan (or a plan family such as
    "rpjmd"), without those below official-cited when the switch "official figures only" is on."""
    table = targets_mod.combined(uploaded)
    if plan:
        table = table[(table["plan"] == plan) | table["plan"].str.startswith(plan + "_")]
    if ds.official_only:
        table = table[table["grade"].isin(SHOWN_WHEN_OFFICIAL_ONLY)]
    return table.reset_index(drop=True)


def evaluate(ds: DataSource, region_set: str, table: pd.DataFrame, now_year: int | None = None) -> pd.DataFrame:
    """One row per (target, place): see the module docstring and ROW_COLUMNS."""
    now_year = now_year or _dt.date.today().year
    regions = ds.regions(region_set)
    known = ds.catalog()
    figures: dict[str, Figures] = {}
    rows = []
    for _, target in table.iterrows():
        if target["indicator"] not in figures:
            figures[target["indicator"]] = Figures(ds, target["indicator"], region_set, known)
        fig = figures[target["indicator"]]
        for place, own in places(target, regions):
            verdict = judge(_points(place, own, target, fig, regions, ds.official_only), target, own, now_year)
            rows.append(_row(target, place, own, verdict))
    return pd.DataFrame(rows, columns=ROW_COLUMNS)


ROW_COLUMNS = ["target", "plan", "indicator", "scope", "place", "own", "target_year", "target_value", "target_low",
               "target_high", "direction", "latest_year", "latest_value", "latest_source", "latest_url", "latest_grade",
               "latest_origin", "gap", "required_per_year", "observed_per_year", "observed_from", "observed_to", "meets",
               "status", "reason", "source_title", "source_url", "grade", "quote", "note", "article", "origin"]


def _row(target: pd.Series, place: str, own: bool, v: dict) -> dict:
    latest: Point | None = v["latest"]
    years = v["observed_years"] or (None, None)
    return dict(
        target=target["id"], plan=target["plan"], indicator=target["indicator"], scope=target["scope"], place=place, own=own,
        target_year=_int(target["target_year"]), target_value=_num(target["target_value"]),
        target_low=_num(target["target_low"]), target_high=_num(target["target_high"]), direction=target["direction"],
        latest_year=latest.year if latest else None, latest_value=latest.value if latest else None,
        latest_source=latest.source if latest else None, latest_url=latest.url if latest else None,
        latest_grade=latest.grade if latest else None, latest_origin=latest.origin if latest else None,
        gap=v["gap"], required_per_year=v["required_per_year"], observed_per_year=v["observed_per_year"],
        observed_from=years[0], observed_to=years[1], meets=v["meets"], status=v["status"], reason=v["reason"],
        source_title=target["source_title"], source_url=target["source_url"], grade=target["grade"],
        quote=target["quote"], note=target["note"], article=target["article"], origin=target.get("origin", "builtin"))


def _int(value) -> int | None:
    number = _num(value)
    return int(number) if number is not None else None


def own_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Each target at its own subject (no reference rows)."""
    return rows[rows["own"]].reset_index(drop=True)


def metro_headline(rows: pd.DataFrame) -> pd.DataFrame:
    """The metro's standing on the targets that concern it: its own (the RITJ) and the national
    ones beside it (reference), one row per target."""
    return rows[rows["place"] == METRO].reset_index(drop=True)


HEADLINE = ("rpjmn_poverty_2029", "ritj_mode_share_2029", "ritj_speed_2029", "ritj_coverage_2029")


def headline(rows: pd.DataFrame, ids: tuple[str, ...] = HEADLINE) -> pd.DataFrame:
    """The metro's row of each headline target that is shown (own status, or a reference with
    whether the metro's figure meets it), in the order of ``ids``."""
    metro = metro_headline(rows).set_index("target")
    return metro.reindex([i for i in ids if i in metro.index]).reset_index()


def for_region(rows: pd.DataFrame, code: str) -> pd.DataFrame:
    """Every target that concerns one kab/kota: its own, and the province's and nation's beside it."""
    return rows[rows["place"] == code].reset_index(drop=True)


def status_counts(rows: pd.DataFrame) -> dict[str, int]:
    counts = own_rows(rows)["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUSES if s != "reference"}


# --- words, symbols and tables (the page, the CLI and the exports say the same) ------------------

SYMBOLS = {"achieved": "✔", "on_track": "↗", "off_track": "✖", "no_data": "?", "reference": "◇"}


def status_text(status: str, lang: str) -> str:
    return f"{SYMBOLS[status]} {t(f'sasaran.status.{status}', lang)}"


def cell_text(row, lang: str) -> str:
    """A matrix cell: the status in a symbol and a word; a reference says whether its figure meets the target."""
    text = status_text(row["status"], lang)
    if row["status"] == "reference":
        known = row["meets"] is not None and not pd.isna(row["meets"])
        text += " " + (("✔" if row["meets"] else "✖") if known else "–")
    return text


def place_name(place: str, regions: pd.DataFrame, lang: str) -> str:
    if place in (NATION, METRO) or place in PROVINCE_NAMES:
        return t(f"sasaran.place.{place}", lang)
    names = dict(zip(regions["code"], regions["short_name"]))
    return names.get(place, place)


def goal_text(row, lang: str, decimals: int = 2) -> str:
    """"≤ 4,5", "≥ 5,3–5,6", with the comparison the direction implies."""
    op = "≤" if row["direction"] == "lower" else "≥"
    value = row["target_value"]
    if value is not None and not pd.isna(value):
        body = fmt.number(value, fmt.decimals_for([value], decimals), lang)
    else:
        lo, hi = row["target_low"], row["target_high"]
        d = fmt.decimals_for([lo, hi], max(decimals, 3))
        body = f"{fmt.number(lo, d, lang)}–{fmt.number(hi, d, lang)}"
    return f"{op} {body}"


def target_label(row, lang: str, known: dict | None = None, regions: pd.DataFrame | None = None) -> str:
    """Short name of a target: its province or kab/kota when it is theirs, indicator, goal and year
    ("DKI Jakarta: Kemiskinan ≤ 2,08–3,08 (2029)")."""
    ind = targets_mod.indicator(row["indicator"], known)
    name = ind.short(lang) if ind else row["indicator"]
    year = row["target_year"]
    when = f" ({int(year)})" if year is not None and not pd.isna(year) else ""
    code = row["region_code"] if "region_code" in row else row.get("place", "")
    whose = ""
    if row["scope"] == "province":
        whose = PROVINCE_NAMES.get(code, code) + ": "
    elif row["scope"] == "kabkota":
        names = dict(zip(regions["code"], regions["short_name"])) if regions is not None else {}
        whose = names.get(code, code) + ": "
    return f"{whose}{name} {goal_text(row, lang)}{when}"


def unique_labels(frame: pd.DataFrame, lang: str, known: dict | None = None, id_col: str = "id",
                  regions: pd.DataFrame | None = None) -> dict[str, str]:
    """target id -> its label; labels that two targets share get their plan's name, then their id."""
    first = frame.drop_duplicates(id_col)
    if id_col != "id":   # evaluated rows: the target's own place names it
        first = frame[frame["own"]].drop_duplicates(id_col)
        first = first.assign(region_code=first["place"])
    labels = {r[id_col]: target_label(r, lang, known, regions) for _, r in first.iterrows()}
    counts = pd.Series(list(labels.values())).value_counts()
    for _, r in first.iterrows():
        if counts[labels[r[id_col]]] > 1:
            labels[r[id_col]] += f" · {targets_mod.plan_name(r['plan'], lang)}"
    counts = pd.Series(list(labels.values())).value_counts()
    return {k: (v if counts[v] == 1 else f"{v} · {k}") for k, v in labels.items()}


def _per_year(value, lang: str, decimals: int = 2) -> str:
    return "" if value is None or pd.isna(value) else ("+" if value > 0 else "") + fmt.number(value, decimals, lang)


def _decimals(indicator_id: str, known: dict | None) -> int:
    """The indicator's own decimals (2 for a target on an indicator not in the catalog)."""
    ind = targets_mod.indicator(indicator_id, known)
    return ind.decimals if ind else 2


def _per_year_decimals(decimals: int) -> int:
    """A change per year: one decimal more than the figure, at most 2 (three decimals, "-1,990",
    read like a thousands group in either language)."""
    return min(decimals + 1, 2)


def display_table(rows: pd.DataFrame, regions: pd.DataFrame, lang: str, known: dict | None = None) -> pd.DataFrame:
    """The rows in words, in the UI language (numbers formatted as text)."""
    col = lambda key: t(f"sasaran.col.{key}", lang)   # noqa: E731
    dec = [_decimals(i, known) for i in rows["indicator"]]
    unique = unique_labels(rows, lang, known, id_col="target", regions=regions) if len(rows) else {}
    out = pd.DataFrame({
        col("place"): [place_name(p, regions, lang) for p in rows["place"]],
        col("status"): [status_text(s, lang) for s in rows["status"]],
        col("target"): [unique[r] for r in rows["target"]],
        col("latest"): [fmt.number(v, d, lang, missing="–") for v, d in zip(rows["latest_value"], dec)],
        col("latest_year"): [("" if pd.isna(y) else str(int(y))) for y in rows["latest_year"]],
        col("required"): [_per_year(v, lang, _per_year_decimals(d)) for v, d in zip(rows["required_per_year"], dec)],
        col("observed"): [_per_year(v, lang, _per_year_decimals(d)) for v, d in zip(rows["observed_per_year"], dec)],
        col("observed_years"): [("" if pd.isna(a) else f"{int(a)}–{int(b)}") for a, b in zip(rows["observed_from"], rows["observed_to"])],
        col("reason"): [t(f"sasaran.reason.{r}", lang) if r else "" for r in rows["reason"]],
        col("plan"): [targets_mod.plan_name(p, lang) for p in rows["plan"]],
        col("figure_source"): rows["latest_source"].fillna("").tolist(),
        col("figure_grade"): [grades.label(g, lang) for g in rows["latest_grade"]],
        col("source"): rows["source_title"].tolist(),
        col("grade"): [grades.label(g, lang) for g in rows["grade"]],
    })
    return out


def matrix(rows: pd.DataFrame, regions: pd.DataFrame, lang: str, known: dict | None = None) -> pd.DataFrame:
    """Places (rows: nation, metro, provinces, kab/kota) × targets (columns): status cells in words."""
    order = [NATION, METRO, *[p for p in PROVINCE_NAMES if p in set(rows["place"])], *regions["code"]]
    labels = unique_labels(rows, lang, known, id_col="target", regions=regions)
    cells = rows.assign(cell=[cell_text(r, lang) for _, r in rows.iterrows()])
    wide = cells.pivot_table(index="place", columns="target", values="cell", aggfunc="first")
    wide = wide.reindex(index=[p for p in order if p in wide.index], columns=list(labels))
    wide = wide.fillna("")
    wide.index = [place_name(p, regions, lang) for p in wide.index]
    wide.columns = [labels[c] for c in wide.columns]
    return wide


def matrix_status(rows: pd.DataFrame, regions: pd.DataFrame, lang: str, known: dict | None = None) -> pd.DataFrame:
    """The statuses behind :func:`matrix` (same rows and columns; "" where not applicable)."""
    text = matrix(rows, regions, lang, known)
    labels = unique_labels(rows, lang, known, id_col="target", regions=regions)
    wide = rows.pivot_table(index="place", columns="target", values="status", aggfunc="first")
    names = {p: place_name(p, regions, lang) for p in wide.index}
    wide = wide.rename(index=names, columns=labels)
    return wide.reindex(index=text.index, columns=text.columns).fillna("")


def json_rows(rows: pd.DataFrame) -> list[dict]:
    """The rows of ``python -m jabodash targets --json`` (schema jabodash.targets/1)."""
    out = []
    for _, r in rows.iterrows():
        goal = ({"target_value": r["target_value"]} if r["target_value"] is not None and not pd.isna(r["target_value"])
                else {"target_low": r["target_low"], "target_high": r["target_high"]})
        latest = None if pd.isna(r["latest_year"]) else {
            "year": int(r["latest_year"]), "value": float(r["latest_value"]), "source": r["latest_source"],
            "url": r["latest_url"] or None, "grade": r["latest_grade"] or None, "origin": r["latest_origin"]}
        out.append({
            "target": r["target"], "plan": r["plan"], "indicator": r["indicator"], "scope": r["scope"],
            "region_code": r["place"], "own": bool(r["own"]), "target_year": _int(r["target_year"]), **goal,
            "direction": r["direction"], "latest": latest, "gap": _float(r["gap"]),
            "required_per_year": _float(r["required_per_year"]), "observed_per_year": _float(r["observed_per_year"]),
            "observed_years": None if pd.isna(r["observed_from"]) else [int(r["observed_from"]), int(r["observed_to"])],
            "status": r["status"], "reason": r["reason"] or None,
            "source": {"title": r["source_title"], "url": r["source_url"], "grade": r["grade"]}})
    return out


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


# --- one target in detail; what is missing ---------------------------------------------------------

def detail(ds: DataSource, region_set: str, target: pd.Series, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(series, subject) for the chart of one target: every region's figures of its indicator, and
    the points of its own place (plus the metro beside a national target), named for the legend."""
    regions = ds.regions(region_set)
    figs = Figures(ds, target["indicator"], region_set, ds.catalog())
    groups = []
    subjects = [] if target["scope"] == "each" else [places(target, regions)[0]]
    if target["scope"] == "national":
        subjects.append((METRO, False))
    for place, own in subjects:
        label = place_name(place, regions, lang) + ("" if own else f" ({t('sasaran.status.reference', lang)})")
        for p in _points(place, own, target, figs, regions, ds.official_only):
            groups.append(dict(year=p.year, value=p.value, origin=p.origin, name=label, source=p.source,
                               grade=p.grade))
    series = figs.series
    if target["scope"] == "province":   # the province's own kab/kota
        series = series[series["region_code"].isin(regions.loc[regions["province_code"] == target["region_code"], "code"])]
    elif target["scope"] == "kabkota":
        series = series[series["region_code"] == target["region_code"]]
    return series, pd.DataFrame(groups, columns=["year", "value", "origin", "name", "source", "grade"])


def without_targets(table: pd.DataFrame, regions: pd.DataFrame, lang: str) -> dict[str, list[str]]:
    """Places and plans with no target of their own yet: kab/kota without an RPJMD target, the
    provinces without one, and the plans the issue names that have no row (known plans only)."""
    own_kabkota = set(table.loc[table["scope"] == "kabkota", "region_code"])
    own_prov = set(table.loc[table["scope"] == "province", "region_code"])
    present = {p: set(table.loc[(table["scope"] == "province") & (table["region_code"] == p), "plan"]) for p in PROVINCE_NAMES}
    return {
        "kabkota": [n for c, n in zip(regions["code"], regions["short_name"]) if c not in own_kabkota],
        "province": [place_name(p, regions, lang) for p in PROVINCE_NAMES if p not in own_prov],
        "province_rpjmd": [place_name(p, regions, lang) for p, plans_ in present.items()
                           if not any(x.startswith("rpjmd_") for x in plans_)],
        "plans": [targets_mod.plan_name(p, lang) for p in targets_mod.plans() if p not in set(table["plan"])],
    }


# --- the story step and views of kind "targets" ----------------------------------------------------

def story_figure(state, src: DataSource, lang: str, presenter: bool = False, width: int | None = views.EXPORT_WIDTH,
                 height: int = views.EXPORT_HEIGHT, now_year: int | None = None):
    """Kind "targets" (views.MAKERS): the status of every target of the view's indicator that is not
    past, place by place, as a heatmap with a symbol and a word in each cell; the rows behind it."""
    now_year = now_year or _dt.date.today().year
    table = active_targets(src, list(target_files.saved().values()))
    table = table[(table["indicator"] == state.indicator)
                  & (table["target_year"].isna() | (table["target_year"] >= now_year))].reset_index(drop=True)
    rows = evaluate(src, state.region_set, table, now_year)
    regions = src.regions(state.region_set)
    known = src.catalog()
    text, status = matrix(rows, regions, lang, known), matrix_status(rows, regions, lang, known)
    ind = targets_mod.indicator(state.indicator, known)
    name = ind.name(lang) if ind else state.indicator
    plans = [f"{targets_mod.plan_name(p, lang)} [{grades.label(_weakest(part['grade']), lang)}]"
             for p, part in table.groupby("plan", sort=False)]
    fig = charts_sasaran.status_heatmap(
        text, status, t("sasaran.story.title", lang, indicator=name),
        t("sasaran.story.subtitle", lang, n=len(table), set=t(f"region_set.{state.region_set}", lang), now=now_year),
        "; ".join(plans), lang, text_size=cell_size(text, width) if presenter else 13, legend=t("sasaran.legend", lang),
        header_chars=header_chars(len(text.columns), width) if presenter else 18)
    if presenter:
        header = fig.layout.margin.t - 110   # the target names above the columns, which presentify does not count
        fig = views.presentify(fig, width=width, height=height, high_contrast=state.palette == "high_contrast")
        fig.update_layout(margin=dict(t=fig.layout.margin.t + header + 20))
    return fig, rows


def _column_px(columns: int, width: int | None) -> float:
    return ((width or views.SCREEN_WIDTH) - 280) / max(columns, 1)


def cell_size(text: pd.DataFrame, width: int | None) -> int:
    """The cells' type at projector size: 20 px, smaller (not under 14) where the longest cell
    ("? not enough data") would not fit its column."""
    longest = max((len(str(v)) for v in text.to_numpy().ravel() if isinstance(v, str)), default=1)
    return max(14, min(20, int(_column_px(len(text.columns), width) / (0.6 * longest))))


def header_chars(columns: int, width: int | None) -> int:
    """Characters a line of a target's name above its column holds at projector type (22 px,
    presenter.views.presentify) in a figure ``width`` px wide (the screen: the narrowest a meeting
    laptop has): the columns share the width less the region names on the left. Wrapped at a
    fixed 18, six names ran into each other on a 1440 px screen ("Banten: Poverty ≤Poverty ≤ 6.5")."""
    return max(8, int(_column_px(columns, width) / (0.62 * views.TEXT_PX)))


views.register_kind("targets", story_figure)
