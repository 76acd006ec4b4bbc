"""Targets (Sasaran & capaian): where each region stands against RPJMN 2025-2029, the RKP, the
RITJ, the spatial plans and the RPJMDs."""
from jabodash import ui
from jabodash.ui import sasaran

state = ui.page_setup("sasaran")
sasaran.render(state)
