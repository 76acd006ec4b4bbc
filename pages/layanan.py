"""Layanan publik (public services): facilities and staff per 100,000 people against the metro
value, formula, denominator and coverage (jabodash/ui/layanan.py)."""
from jabodash import ui

state = ui.page_setup("layanan")
ui.layanan.render(state)
