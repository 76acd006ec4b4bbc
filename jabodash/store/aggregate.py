"""Metro totals that follow each indicator's aggregation rule and state their coverage.

A total over missing members is never shown as the total: when a region of the set has no
figure, MetroValue.value is None and covered/total say how far the data goes
("13 of 15 regions").
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jabodash.core.catalog import Indicator
from jabodash.core.i18n import t
from jabodash.store import Store


@dataclass(frozen=True)
class MetroValue:
    indicator_id: str
    year: int
    aggregation: str
    value: float | None         # None when not aggregable or incomplete
    covered: int                # regions of the set with a figure (all inputs present)
    total: int                  # regions in the set
    minimum: float | None = None
    maximum: float | None = None
    missing: tuple[str, ...] = ()   # region codes without a figure

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.covered == self.total


def region_codes(store: Store, region_set: str) -> list[str]:
    return store.query("regions", region_set=region_set)["code"].tolist()


def metro_value(store: Store, ind: Indicator, year: int, region_set: str) -> MetroValue:
    codes = region_codes(store, region_set)
    values = store.query("indicator_values", indicator_id=ind.id, year=int(year), region_set=region_set)
    values = values.set_index("region_code")["value"].reindex(codes)
    present = values.dropna()
    base = dict(indicator_id=ind.id, year=int(year), aggregation=ind.aggregation, total=len(codes),
                minimum=float(present.min()) if len(present) else None,
                maximum=float(present.max()) if len(present) else None)

    if ind.aggregation == "ratio" and ind.numerator and ind.denominator:
        parts = store.query("ratio_parts", numerator=ind.numerator, denominator=ind.denominator, year=int(year))
        parts = parts.set_index("region_code").reindex(codes)
        ok = parts["numerator"].notna() & parts["denominator"].notna()
        missing = tuple(parts.index[~ok])
        value = None
        if ok.all() and parts["denominator"].sum() > 0:
            value = float(parts["numerator"].sum() / parts["denominator"].sum())
            if ind.derivation == "per_100k":
                value *= 100_000
        return MetroValue(value=value, covered=int(ok.sum()), missing=missing, **base)

    if ind.aggregation == "weighted_mean" and ind.weight_indicator and ind.weight_year:
        weights = store.query("weights", indicator_id=ind.weight_indicator, year=int(ind.weight_year))
        weights = weights.set_index("region_code")["value"].reindex(codes)
        ok = values.notna() & weights.notna()
        value = float((values * weights).sum() / weights.sum()) if ok.all() else None
        return MetroValue(value=value, covered=int(ok.sum()), missing=tuple(values.index[~ok]), **base)

    missing = tuple(values.index[values.isna()])
    covered = len(present)
    if ind.aggregation == "sum":
        value = float(present.sum()) if covered == len(codes) and codes else None
        return MetroValue(value=value, covered=covered, missing=missing, **base)
    # min_max and none: no single metro figure; the range is reported
    return MetroValue(value=None, covered=covered, missing=missing, **base)


def coverage_text(mv: MetroValue, lang: str) -> str:
    return t("common.coverage", lang, covered=mv.covered, total=mv.total)


def frame_of(mvs: list[MetroValue]) -> pd.DataFrame:
    return pd.DataFrame([vars(m) for m in mvs])
