"""Presentasi: a story step by step on a projector, its exports and the story editor
(jabodash/ui/presentasi.py)."""
from jabodash import ui

state = ui.page_setup("presentasi")
ui.presentasi.render(state)
