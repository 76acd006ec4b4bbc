"""The core-set coverage table of the data and methods page (jabodash.features.coverage)."""
from __future__ import annotations

import streamlit as st

from jabodash import ui
from jabodash.core.i18n import t
from jabodash.features import coverage


def render(state, src) -> None:
    """Latest year and grade per core indicator and region, following the official-only switch."""
    lang = state.lang
    st.subheader(t("methods.core.title", lang))
    frame = coverage.core_coverage(src.query, state.region_set, official_only=src.official_only)
    counts = coverage.summary(frame)
    st.caption(t("methods.core.caption", lang, gaps=counts["cells"] - counts["with_figure"], **counts))
    if src.official_only:
        st.caption(t("methods.core.official_only", lang))
    share = coverage.stored_share(src.query)
    pct = f"{share['share'] * 100:.0f} %"
    st.caption(t("methods.core.stored", lang, figures=_n(share["figures"], lang),
                 official=_n(share["official_or_cited"], lang), share=pct))
    table = coverage.matrix(frame, lang)
    st.dataframe(table, key="meta_core_coverage",
                 column_config={c: st.column_config.TextColumn(width="medium") for c in table.columns})
    if counts["with_figure"] < counts["cells"]:
        st.caption(t("methods.core.gaps_howto", lang))
    ui.csv_download(frame, "jabodash_core_coverage.csv", lang, key="dl_meta_core_coverage")


def _n(value: int, lang: str) -> str:
    return f"{value:,}".replace(",", "." if lang == "id" else ",")
