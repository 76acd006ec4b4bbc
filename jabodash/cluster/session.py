"""Unsaved uploads across a worker change: a marker in the URL says the browser had some.

A session's unsaved uploads live in its worker's memory. When that worker dies, the proxy sends the
browser to another worker, where a new session starts from the URL: the view comes back, the
uploads do not. While a session holds unsaved uploads, :func:`marker` adds ``unsaved=1`` to the
URL the page writes; a session that starts with that marker but without uploads has lost them
(worker change or reload), and the pages say so (jabodash.ui). Pure functions over the session
mapping and the URL parameters; no streamlit here.
"""
from __future__ import annotations

from collections.abc import Mapping, MutableMapping

from jabodash.features import unggah

PARAM = "unsaved"
LOST_KEY = "_jabodash_uploads_lost"


def has_unsaved(session: Mapping) -> bool:
    """True when the session holds an uploaded file or uploads used in it (saved or not: the
    file uploader's file itself is per session)."""
    return bool(session.get(unggah.SESSION_KEY)) or bool(session.get(unggah.RAW_KEY))


def marker(session: Mapping) -> dict[str, str]:
    """The URL parameter to add while the session holds uploads ({} otherwise)."""
    return {PARAM: "1"} if has_unsaved(session) else {}


def take_marker(params: MutableMapping) -> bool:
    """Remove the marker from parsed URL parameters; True when it was there."""
    return params.pop(PARAM, None) is not None


def note_reconnect(had_marker: bool, session: MutableMapping) -> bool:
    """Record a loss: the URL had the marker but this session has no uploads. Returns True when
    the loss is new in this run. A new upload clears it."""
    if has_unsaved(session):
        session.pop(LOST_KEY, None)
        return False
    if had_marker and not session.get(LOST_KEY):
        session[LOST_KEY] = True
        return True
    return False


def lost(session: Mapping) -> bool:
    """True while the session knows that its earlier uploads were lost (until a new upload)."""
    return bool(session.get(LOST_KEY)) and not has_unsaved(session)
