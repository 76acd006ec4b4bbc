"""Wilayah: official area and density, kecamatan drill-down, distance from Monas, agglomeration
(jabodash/ui/wilayah.py)."""
from jabodash import ui

state = ui.page_setup("wilayah")
ui.wilayah.render(state)
