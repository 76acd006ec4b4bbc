"""Kependudukan (population): series by source, census-year population, share, density, growth
between the censuses, and commuting (jabodash/ui/kependudukan.py)."""
from jabodash import ui

state = ui.page_setup("kependudukan")
ui.kependudukan.render(state)
