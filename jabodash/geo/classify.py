"""Classification of map values into a few coloured classes.

Methods: quantiles and equal intervals (``mapclassify``), natural breaks (Fisher–Jenks, the
optimal version of Jenks' method; computed here with NumPy because ``mapclassify.FisherJenks``
without numba takes ~160 ms for 217 kecamatan, and checked against it in the tests).

Colour convention (decided once, for every map of the dashboard)
---------------------------------------------------------------
* **Darker = more of the quantity**, always: the cartographic convention, so a map never has to
  be read "backwards" and agrees with the ranking bars and the legend order.
* The indicator's direction (``higher_is_better``) chooses the **hue** of the ramp: blues for
  neutral quantities, greens when more is better, oranges when more is worse (dark orange = the
  most poverty = the worst). The legend title says it in words, e.g. "▼ lebih rendah lebih baik".
* ``dark_means="better"`` is the alternative for callers that want "dark = better" on every map:
  for lower-is-better indicators the ramp is then reversed (and the legend says so).
* Diverging (``palette="diverging"``): classes on each side of ``center`` (the metro value); orange
  = worse than the centre, purple = better (below/above when the indicator has no direction).
  The centre is always a class boundary.
* Missing values are class -1, drawn in a neutral grey and named in the legend ("tidak ada data").

Nothing here imports streamlit or plotly.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jabodash.core import fmt, palette
from jabodash.core.i18n import t

METHODS = ("quantiles", "natural_breaks", "equal_interval")
PALETTES = ("default", "high_contrast", "diverging")
K_MIN, K_MAX = 3, 7
MAX_SIDE = 5  # classes per side of a diverging classification
DASH = "–"


@dataclass
class Classes:
    """The result of :func:`classify`.

    ``bins`` are the upper bounds of the classes (ascending, right-closed: a value equal to a bound
    belongs to the class below it); ``labels`` and ``colours`` have one entry per class;
    ``class_of`` maps region_code -> class index, -1 for a missing value.
    """

    method: str
    k: int
    bins: list[float]
    labels: list[str]
    colours: list[str]
    class_of: pd.Series
    lower: float | None = None             # lowest value: the lower bound of class 0
    counts: list[int] = field(default_factory=list)
    missing_count: int = 0
    missing_label: str = "tidak ada data"
    missing_colour: str = palette.MAP_MISSING
    palette: str = "default"
    center: float | None = None            # diverging only
    higher_is_better: bool | None = None
    dark_means: str = "more"
    reversed: bool = False                  # True when dark = less (dark_means="better", lower is better)
    direction_text: str = ""                # e.g. "▲ lebih tinggi lebih baik"; "" when neutral
    requested_k: int = 5
    decimals: int = 1
    lang: str = "id"

    @property
    def has_missing(self) -> bool:
        return self.missing_count > 0

    def colour_of(self) -> pd.Series:
        """region_code -> fill colour (vectorised lookup)."""
        lut = np.array(list(self.colours) + [self.missing_colour], dtype=object)
        return pd.Series(lut[self.class_of.to_numpy()], index=self.class_of.index)

    def label_of(self, with_counts: bool = False) -> list[str]:
        """Legend label of every class (optionally with its count of regions)."""
        if not with_counts:
            return list(self.labels)
        return [f"{label} ({n})" for label, n in zip(self.labels, self.counts)]

    def legend_entries(self, with_counts: bool = True, missing: str = "auto") -> list[tuple[int, str, str]]:
        """(class index, label, colour), highest class first, then the missing class (index -1).

        ``missing``: "auto" lists the missing class when a value is missing, "always" lists it
        always (e.g. a legend meant to be reused), "never" not at all.
        """
        labels = self.label_of(with_counts)
        out = [(i, labels[i], self.colours[i]) for i in range(self.k - 1, -1, -1)]
        if missing == "always" or (missing == "auto" and self.has_missing):
            label = self.missing_label + (f" ({self.missing_count})" if with_counts else "")
            out.append((-1, label, self.missing_colour))
        return out

    def legend_title(self, unit: str = "") -> str:
        """Unit, then the reading direction, then the diverging centre (plain text lines)."""
        lines = [unit] if unit else []
        if self.direction_text:
            lines.append(self.direction_text)
        if self.palette == "diverging" and self.center is not None:
            lines.append(t("peta.map.legend.center", self.lang,
                           value=fmt.number(self.center, self.decimals, self.lang)))
        elif self.reversed:
            lines.append(t("peta.map.legend.dark_better", self.lang))
        return "<br>".join(lines)


# ---------------------------------------------------------------------------------------------
# break computations (sorted finite values in, ascending upper bounds out)


def fisher_jenks_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Optimal natural breaks (Fisher 1958, the algorithm of ``mapclassify.FisherJenks``):
    the k classes of contiguous sorted values with the least total within-class squared
    deviation. Dynamic programme vectorised over the class end; O(k n^2) NumPy work."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    k = max(1, min(k, n))
    if k == 1:
        return np.array([x[-1]])
    # shift for numerical stability of the prefix sums
    xs = x - x.mean()
    s1 = np.concatenate([[0.0], np.cumsum(xs)])
    s2 = np.concatenate([[0.0], np.cumsum(xs * xs)])
    i = np.arange(n)[:, None]   # class start (0-based)
    j = np.arange(n)[None, :]   # class end (inclusive)
    cnt = (j - i + 1).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ssd = s2[j + 1] - s2[i] - (s1[j + 1] - s1[i]) ** 2 / cnt
    ssd = np.where(j >= i, np.maximum(ssd, 0.0), np.inf)
    cost = ssd[0].copy()                       # one class covering 0..j
    back = np.zeros((k, n), dtype=int)
    for c in range(1, k):
        # the last class starts at i >= c and ends at j; the first c classes cover 0..i-1
        prev = np.full(n, np.inf)
        prev[1:] = cost[:-1]                   # prev[i] = cost of 0..i-1 with c classes
        total = prev[:, None] + ssd            # [i, j]
        total[:c, :] = np.inf
        best_i = np.argmin(total, axis=0)
        cost = total[best_i, np.arange(n)]
        back[c] = best_i
    # walk back from the last value
    ends = []
    end = n - 1
    for c in range(k - 1, -1, -1):
        ends.append(end)
        start = back[c, end] if c > 0 else 0
        end = start - 1
    return x[np.array(ends[::-1])]


def _quantile_bins(x: np.ndarray, k: int) -> np.ndarray:
    import mapclassify
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(mapclassify.Quantiles(x, k=k).bins, dtype=float)


def _equal_bins(x: np.ndarray, k: int) -> np.ndarray:
    import mapclassify
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(mapclassify.EqualInterval(x, k=k).bins, dtype=float)


def _bins(x: np.ndarray, method: str, k: int) -> np.ndarray:
    """Ascending unique upper bounds for the finite values x, at most k of them; the last is max(x)."""
    distinct = np.unique(x)
    if len(distinct) <= k:
        return distinct                      # every distinct value its own class
    if method == "natural_breaks":
        bins = fisher_jenks_bins(x, k)
    elif method == "equal_interval":
        bins = _equal_bins(x, k)
    else:
        bins = _quantile_bins(x, k)
    bins = np.unique(bins)                   # ties in the data can repeat a quantile
    bins[-1] = x.max()
    # drop bounds below the minimum (an empty first class)
    return bins[bins >= x.min()]


def _label_texts(lower: float, bins: list[float], decimals: int, lang: str,
                 single_values: bool = False) -> tuple[list[str], int]:
    """Range labels; decimals are raised (up to +3) until neighbouring bounds read differently.
    ``single_values``: every class holds one distinct value, labelled by that value alone."""
    bounds = [lower] + list(bins)
    # the bounds that must read differently: every upper bound, and the lowest value unless it
    # is itself the first upper bound (a first class holding a single value)
    distinct = list(bins) if (single_values or lower >= bins[0]) else bounds
    used = decimals
    for extra in range(4):
        used = decimals + extra
        texts = [fmt.number(b, used, lang) for b in distinct]
        if len(set(texts)) == len(texts):
            break
    texts = [fmt.number(b, used, lang) for b in bounds]
    labels = []
    for i in range(len(bins)):
        lo, hi = texts[i], texts[i + 1]
        single = single_values or (i == 0 and lo == hi)
        labels.append(hi if single else f"{lo} {DASH} {hi}")
    return labels, used


def _direction_text(higher_is_better: bool | None, lang: str) -> str:
    if higher_is_better is None:
        return ""
    return t("peta.map.direction.higher" if higher_is_better else "peta.map.direction.lower", lang)


def classify(values: pd.Series, method: str = "quantiles", k: int = 5, higher_is_better: bool | None = None,
             palette: str = "default", center: float | None = None, decimals: int = 1, lang: str = "id",
             dark_means: str = "more") -> Classes:
    """Classify ``values`` (index = region_code, NaN = missing) into at most ``k`` classes.

    ``k`` is clamped to 3..7; fewer distinct values than k give fewer classes (one value, one
    class; all missing, no class but the missing one). ``palette``: "default" (hue by
    direction, see the module docstring), "high_contrast" (viridis, for projectors) or
    "diverging" around ``center`` (the metro value; the median when None).
    """
    if method not in METHODS:
        raise ValueError(f"unknown classification method {method!r}; use one of {METHODS}")
    if palette not in PALETTES:
        raise ValueError(f"unknown palette {palette!r}; use one of {PALETTES}")
    if dark_means not in ("more", "better"):
        raise ValueError("dark_means must be 'more' or 'better'")
    requested = int(k)
    k = max(K_MIN, min(K_MAX, requested))
    series = pd.to_numeric(pd.Series(values), errors="coerce").astype(float)
    arr = series.to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(arr)
    x = arr[finite]
    base = dict(method=method, palette=palette, higher_is_better=higher_is_better, dark_means=dark_means,
                requested_k=requested, lang=lang, missing_label=t("peta.map.no_data", lang),
                direction_text=_direction_text(higher_is_better, lang), decimals=decimals)
    class_of = np.full(len(arr), -1, dtype=int)
    if x.size == 0:
        return Classes(k=0, bins=[], labels=[], colours=[], counts=[], lower=None,
                       class_of=pd.Series(class_of, index=series.index, name="class"),
                       missing_count=int(len(arr)), center=center if palette == "diverging" else None,
                       **base)

    reversed_ = False
    if palette == "diverging":
        if center is None or not np.isfinite(center):
            center = float(np.median(x))
        bins, colours = _diverging(x, method, k, float(center), higher_is_better)
        center_out = float(center)
        single_values = False
    else:
        bins = list(_bins(x, method, k))
        single_values = len(bins) == len(np.unique(x))
        ramp_name = "high_contrast" if palette == "high_contrast" else (
            "neutral" if higher_is_better is None else ("good" if higher_is_better else "bad"))
        colours = palette_ramp(ramp_name, len(bins))
        if dark_means == "better" and higher_is_better is False:
            colours = colours[::-1]
            reversed_ = True
        center_out = None

    idx = np.searchsorted(np.asarray(bins), x, side="left")
    idx = np.minimum(idx, len(bins) - 1)
    class_of[finite] = idx
    counts = np.bincount(idx, minlength=len(bins)).tolist()
    labels, used = _label_texts(float(x.min()), bins, decimals, lang, single_values)
    base["decimals"] = used
    return Classes(k=len(bins), bins=[float(b) for b in bins], labels=labels, colours=list(colours),
                   class_of=pd.Series(class_of, index=series.index, name="class"), lower=float(x.min()),
                   counts=counts, missing_count=int((~finite).sum()), center=center_out,
                   reversed=reversed_, **base)


def palette_ramp(name: str, n: int) -> list[str]:
    return palette.map_ramp(name, n)


def _diverging(x: np.ndarray, method: str, k: int, center: float,
               higher_is_better: bool | None) -> tuple[list[float], list[str]]:
    """Bounds and colours of a diverging classification: the centre is a bound; each side is
    classified on its own with ``method``; the number of classes per side follows its share of
    the values (at least one class for a side that has values, at most 5)."""
    low = x[x <= center]
    high = x[x > center]
    k = max(k, (low.size > 0) + (high.size > 0))
    if low.size and high.size:
        k_low = int(round(k * low.size / x.size))
        k_low = max(1, min(k_low, k - 1, MAX_SIDE))
        k_high = max(1, min(k - k_low, MAX_SIDE))
    else:
        k_low, k_high = (min(k, MAX_SIDE), 0) if low.size else (0, min(k, MAX_SIDE))
    low_bins = list(_bins(low, method, k_low)) if k_low else []
    if low_bins:
        low_bins[-1] = center                 # the centre closes the lower side
    high_bins = list(_bins(high, method, k_high)) if k_high else []
    bins = low_bins + high_bins
    # orange arm = worse (or below when neutral), purple arm = better (or above)
    low_side, high_side = ("high", "low") if higher_is_better is False else ("low", "high")
    low_colours = palette.diverging_arm(low_side, len(low_bins))[::-1]   # outermost first
    high_colours = palette.diverging_arm(high_side, len(high_bins))
    return bins, low_colours + high_colours
