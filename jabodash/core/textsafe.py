"""Make text inert before Streamlit shows it.

Streamlit renders Markdown (links, images, :colour[...] directives, emphasis) in most text
elements. Anything that did not come from our own locale files (uploaded cells, file names,
source titles, URL parameters) goes through md_escape() first, or is shown with st.text /
st.dataframe, which never interpret it. No HTML is ever rendered from such text.
"""
from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'])")


def md_escape(text: object, limit: int = 500) -> str:
    """Escape every Markdown/HTML-significant character; cut very long text."""
    s = "" if text is None else str(text)
    s = s.replace("\x00", "").replace("\r", " ").replace("\n", " ")
    if len(s) > limit:
        s = s[:limit] + "…"
    return _MD_SPECIAL.sub(r"\\\1", s)


def plotly_escape(text: object) -> str:
    """Text from data (uploaded names and units, dataset titles) made inert for Plotly's
    pseudo-HTML (<b>, <a href>, <br>...): '<', '>' and '&' become entities, which Plotly draws
    as the characters themselves."""
    import html
    return html.escape("" if text is None else str(text), quote=False)
