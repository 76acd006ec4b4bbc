"""One palette module, colour-blind safe (Okabe-Ito for categories, ColorBrewer/viridis-like
sequential ramps that stay readable in grey and for deuteranopia)."""
from __future__ import annotations

# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
CATEGORICAL = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

# Sequential ramps, light to dark (ColorBrewer Blues / YlGnBu, 7 steps).
SEQUENTIAL = {
    "default": ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"],
    "high_contrast": ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
}
# Diverging (ColorBrewer PuOr, colour-blind safe), low to high.
DIVERGING = ["#b35806", "#e08214", "#fdb863", "#f7f7f7", "#b2abd2", "#8073ac", "#542788"]

MISSING = "#d9d9d9"          # grey with hatching where supported, named "no data" in legends
MISSING_PATTERN = "/"
HIGHLIGHT = "#D55E00"
NEUTRAL_BAR = "#0072B2"
METRO_LINE = "#000000"
GOOD = "#009E73"
BAD = "#D55E00"


def ramp(name: str, n: int) -> list[str]:
    """n colours from a ramp (n between 2 and 7)."""
    colours = DIVERGING if name == "diverging" else SEQUENTIAL.get(name, SEQUENTIAL["default"])
    n = max(2, min(n, len(colours)))
    if n == len(colours):
        return list(colours)
    step = (len(colours) - 1) / (n - 1)
    return [colours[round(i * step)] for i in range(n)]
