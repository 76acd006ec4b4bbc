"""Konsol SQL (SQL console): read-only DuckDB queries over the data and this session's uploads
(jabodash/ui/sql.py)."""
from jabodash import ui

state = ui.page_setup("sql")
ui.sql.render(state)
