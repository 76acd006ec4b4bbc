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


# --- map ramps (jabodash.geo.classify / jabodash.charts.peta) -----------------------------------------------
# ColorBrewer 9-class single-hue ramps, light to dark. Single-hue ramps stay readable for every
# common colour-vision deficiency and in greyscale, because the classes differ in lightness.
# Maps use "darker = more of the quantity"; the hue says how to read "more":
#   neutral indicators (higher_is_better None) -> blues,
#   higher is better -> greens (GOOD), lower is better -> oranges (BAD: dark orange = most = worst).
MAP_SEQUENTIAL = {
    "neutral": ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c",
                "#08306b"],
    "good": ["#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#006d2c",
             "#00441b"],
    "bad": ["#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#a63603",
            "#7f2704"],
    # viridis, light (yellow) to dark (purple): the largest lightness range, for projectors and
    # presenter mode; perceptually uniform and colour-blind safe
    "high_contrast": ["#fde725", "#addc30", "#5ec962", "#28ae80", "#21918c", "#2c728e", "#3b528b",
                      "#472d7b", "#440154"],
}
# ColorBrewer PuOr (10 classes) split into its two arms, each from the centre outwards.
# Orange = worse than the centre (or below it when there is no better/worse), purple = better/above.
MAP_DIVERGING_LOW = ["#fee0b6", "#fdb863", "#e08214", "#b35806", "#7f3b08"]
MAP_DIVERGING_HIGH = ["#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"]
MAP_MISSING = "#bdbdbd"        # neutral mid-light grey, distinct from every ramp's hue
MAP_MISSING_HATCH = "#ffffff"  # hatch lines over MAP_MISSING where the figure type supports it
MAP_BORDER = "#ffffff"
MAP_BORDER_HIGH_CONTRAST = "#000000"


def map_ramp(name: str, n: int, skip_lightest: bool = True) -> list[str]:
    """n colours (1 to 9), light to dark, spread evenly over a map ramp. The palest step is left
    out by default: on a white background it looks like 'nothing'."""
    colours = MAP_SEQUENTIAL.get(name, MAP_SEQUENTIAL["neutral"])
    if skip_lightest and name != "high_contrast":
        colours = colours[1:]
    n = max(1, min(n, len(colours)))
    if n == 1:
        return [colours[len(colours) // 2]]
    step = (len(colours) - 1) / (n - 1)
    return [colours[round(i * step)] for i in range(n)]


def diverging_arm(side: str, n: int) -> list[str]:
    """n colours (0 to 5) of one arm of the diverging ramp, from the centre outwards."""
    arm = MAP_DIVERGING_LOW if side == "low" else MAP_DIVERGING_HIGH
    if n <= 0:
        return []
    if n == 1:
        return [arm[2]]
    if n == 2:
        return [arm[1], arm[3]]
    n = min(n, len(arm))
    step = (len(arm) - 1) / (n - 1)
    return [arm[round(i * step)] for i in range(n)]


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb' (0 black .. 1 white)."""
    h = colour.lstrip("#")
    rgb = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def text_on(colour: str) -> str:
    """Black or white, whichever contrasts more with the fill colour."""
    lum = relative_luminance(colour)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"
