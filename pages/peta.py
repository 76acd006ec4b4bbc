"""Peta (map explorer): indicator maps at kab/kota or kecamatan, region profile, boundaries
(jabodash/ui/peta.py)."""
from jabodash import ui

state = ui.page_setup("peta")
ui.peta.render(state)
