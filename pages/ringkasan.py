"""Ringkasan (overview): metro KPIs, a ranking of one indicator and its trend (jabodash/ui/ringkasan.py)."""
from jabodash import ui

state = ui.page_setup("ringkasan")
ui.ringkasan.render(state)
