"""Unggah (upload): read an analyst's table, report what was understood, correct, use or save
(jabodash/ui/unggah.py)."""
from jabodash import ui

state = ui.page_setup("unggah")
ui.unggah.render(state)
