"""jabodash entry point: page configuration and navigation.

Run with: streamlit run app.py
"""
from pathlib import Path

import streamlit as st

from jabodash.core.i18n import t
from jabodash.ui import current_lang
from jabodash.ui.workspace import cache_notice

ROOT = Path(__file__).parent
st.set_page_config(page_title="jabodash", page_icon=str(ROOT / "jabodash" / "assets" / "icon.png"),
                   layout="wide", initial_sidebar_state="expanded")

lang = current_lang()
# (file, title key, url path); the first page is the default.
PAGES = [
    ("pages/ringkasan.py", "nav.ringkasan", "ringkasan"),
    ("pages/peta.py", "nav.peta", "peta"),
    ("pages/kependudukan.py", "nav.kependudukan", "kependudukan"),
    ("pages/wilayah.py", "nav.wilayah", "wilayah"),
    ("pages/layanan.py", "nav.layanan", "layanan"),
    ("pages/kerjasama.py", "nav.kerjasama", "kerjasama"),
    ("pages/sasaran.py", "nav.sasaran", "sasaran"),
    ("pages/bandingkan.py", "nav.bandingkan", "bandingkan"),
    ("pages/data.py", "nav.data", "data"),
    ("pages/unggah.py", "nav.unggah", "unggah"),
    ("pages/sql.py", "nav.sql", "sql"),
    ("pages/presentasi.py", "nav.presentasi", "presentasi"),
]
pages = [st.Page(str(ROOT / path), title=t(key, lang), url_path=url, default=(i == 0))
         for i, (path, key, url) in enumerate(PAGES) if (ROOT / path).exists()]
cache_notice(lang)   # once per session, when the cache folder cannot be written
st.navigation(pages, position="sidebar").run()
