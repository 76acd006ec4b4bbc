"""Streamlit custom components of jabodash, served from the package (no CDN, no build step)."""
