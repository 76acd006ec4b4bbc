"""Bandingkan wilayah (compare regions): 2-5 regions, small multiples, ranks, profile, table and
similar regions, uploaded indicators beside the built-in ones (jabodash/ui/bandingkan.py)."""
from jabodash import ui

state = ui.page_setup("bandingkan")
ui.bandingkan.render(state)
