"""The security headers every response carries, and the content security policy the app passes.

What Streamlit's frontend and the app's Plotly charts need (checked in Chromium on every page, see
tests/test_browser_server.py): scripts only from the server itself plus the one inline script of
Streamlit's ``index.html`` (allowed by its hash, read from the installed Streamlit at start) and
WebAssembly compilation (no JavaScript ``eval``), inline
styles (emotion CSS-in-JS, Plotly, ``st.html`` CSS), ``data:``/``blob:`` images and fonts, ``blob:``
workers (MapLibre inside Plotly's maps), the websocket to the server itself, and the OpenStreetMap
tiles the map page loads when the user switches its online background on."""
from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

# The map page's opt-in OpenStreetMap background (Plotly's "open-street-map" style): its raster tiles
# and the glyphs for map labels. Nothing else outside the server is allowed.
OSM_HOSTS = "https://tile.openstreetmap.org https://fonts.openmaptiles.org"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def inline_script_hashes(index_html: str) -> list[str]:
    """CSP hash sources (``'sha256-...'``) of the inline scripts of an HTML page."""
    return ["'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
            for body in _INLINE_SCRIPT.findall(index_html)]


def _streamlit_index_html() -> str:
    import streamlit
    return (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def content_security_policy(frameable: bool = False) -> str:
    """The policy of every response; ``frameable``: a custom component's files (the app's own page
    frames them: ``frame-ancestors 'self'``), everything else may be framed by no page."""
    # 'wasm-unsafe-eval' lets long.js (inside Streamlit's protobuf bundle) compile its small
    # WebAssembly multiplier; it does not allow eval() of JavaScript.
    script = " ".join(["'self'", "'wasm-unsafe-eval'", *inline_script_hashes(_streamlit_index_html())])
    directives = {
        "default-src": "'self'",
        "script-src": script,
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob: {OSM_HOSTS}",
        "font-src": "'self' data:",
        "connect-src": f"'self' {OSM_HOSTS}",
        "worker-src": "'self' blob:",
        "child-src": "'self' blob:",
        "media-src": "'self' data: blob:",
        "frame-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'" if frameable else "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(frameable: bool = False) -> list[tuple[bytes, bytes]]:
    """(name, value) pairs, lower-case names, as ASGI wants them; ``frameable``: for the files of a
    custom component (``/component/...``), which the app's page shows in a same-origin frame."""
    pairs = {
        "content-security-policy": content_security_policy(frameable),
        "x-frame-options": "SAMEORIGIN" if frameable else "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
    }
    return [(name.encode(), value.encode()) for name, value in pairs.items()]
