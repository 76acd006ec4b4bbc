"""Kerja sama & aglomerasi (cooperation): membership of the agglomeration area and Jabodetabek, DKI's
financial assistance, commuting ties, links to Jakarta (jabodash/ui/kerjasama.py)."""
from jabodash import ui

state = ui.page_setup("kerjasama")
ui.kerjasama.render(state)
