"""The Streamlit layer (with jabodash.server the only code importing streamlit).

A page is two lines: ``state = ui.page_setup("<slug>")`` and ``ui.<slug>.render(state)``.

* :mod:`~jabodash.ui.shell` - page_setup (view from the URL, shared sidebar), sync_url, current_lang
* :mod:`~jabodash.ui.source` - the one door to figures (data_source, per_data_version, pickers' tables)
* :mod:`~jabodash.ui.widgets` - shared widgets (pickers, KPI cards, sources, downloads)
* :mod:`~jabodash.ui.workspace` - the shared-workspace widgets (saved datasets, confirmations, audit)
* ``jabodash.ui.<slug>`` - one module per page, named by its URL slug, with ``render(state)``

This module only re-exports; ``ui.<slug>`` imports the page's module on first use.
"""
from __future__ import annotations

import importlib

from jabodash.ui.shell import current_lang, page_setup, sync_url

__all__ = ["current_lang", "page_setup", "sync_url"]


def __getattr__(name: str):
    """``ui.<slug>``: the page module, imported when a page first asks for it."""
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":   # a missing import inside the module: say that
            raise
        raise AttributeError(name) from exc
