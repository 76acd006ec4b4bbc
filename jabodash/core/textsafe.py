"""Make text inert before Streamlit shows it.

Streamlit renders Markdown (links, images, :colour[...] directives, emphasis) in most text
elements. Anything that did not come from our own locale files (uploaded cells, file names,
source titles, URL parameters) goes through md_escape() first, or is shown with st.text /
st.dataframe, which never interpret it. No HTML is ever rendered from such text.

Escaping alone does not stop GitHub-flavoured Markdown's autolinks: Streamlit's renderer
(remark-gfm) turns bare "https://...", "www...." and "name@host.tld" into links after the escapes
are resolved (measured in Chromium: every one of them became an <a href>). md_escape() therefore
also puts an invisible WORD JOINER (U+2060) inside "://", after "www" and after "@", where the
autolink patterns need those characters side by side; the reader sees the same text.
"""
from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'])")
WORD_JOINER = "\u2060"
# Where GFM's autolink literals begin: "scheme://", "www." and the "@" of an e-mail address.
# (The lookaheads allow md_escape's backslash before "." and ":".)
_AUTOLINK = re.compile(r":(?=//)|www(?=\\?\.)|@", re.IGNORECASE)


def no_autolinks(text: str) -> str:
    """Text in which remark-gfm finds no bare URL, www. address or e-mail address: a WORD JOINER
    (invisible, zero width) after the ":" of "://", after "www" before "." and after "@"."""
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)


def md_escape(text: object, limit: int = 500) -> str:
    """Escape every Markdown/HTML-significant character; cut very long text."""
    s = "" if text is None else str(text)
    s = s.replace("\x00", "").replace("\r", " ").replace("\n", " ")
    if len(s) > limit:
        s = s[:limit] + "…"
    return no_autolinks(_MD_SPECIAL.sub(r"\\\1", s))


def plotly_escape(text: object) -> str:
    """Text from data (uploaded names and units, dataset titles) made inert for Plotly's
    pseudo-HTML (<b>, <a href>, <br>...): '<', '>' and '&' become entities, which Plotly draws
    as the characters themselves."""
    import html
    return html.escape("" if text is None else str(text), quote=False)
