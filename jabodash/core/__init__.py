"""Core: what every other package uses, with no Streamlit, DuckDB or geometry in it.

paths (where data, queries, cache and workspace live; atomic writes), i18n (every UI string by
key from jabodash/locales/<lang>/*.toml), fmt (numbers in Indonesian or English form), textsafe
(user text made inert for Markdown and Plotly), palette (colour-blind-safe colours), state (the
ViewState <-> URL query parameters), catalog (indicator metadata from data/indicators.toml),
csvsafe (CSV downloads safe against formula injection), cells (the one list of missing-value
markers and the one rule that makes column names unique), grades (provenance grades of figures and
the "official figures only" rule), parallel (work over threads with results in order), shared_fs
(files shared by several processes: locks, scratch names), plausibility (a figure against its
indicator's valid range, allowed change and unit: data/indicator_ranges.toml).
"""
