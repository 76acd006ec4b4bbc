"""Data & metode (data and methods): indicator catalog, definitions, sources, figures, coverage,
boundaries, datasets and the refresh from BPS (jabodash/ui/data.py)."""
from jabodash import ui

state = ui.page_setup("data")
ui.data.render(state)
