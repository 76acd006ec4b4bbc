"""Sasaran & capaian (targets): where each region stands against RPJMN 2025-2029, the RKP, the RITJ,
the spatial plans and the RPJMDs (jabodash/ui/sasaran.py)."""
from jabodash import ui

state = ui.page_setup("sasaran")
ui.sasaran.render(state)
