"""The parts of the cooperation page (pages/kerjasama.py), built once per data version and view
(ui.per_data_version): the KPI figures, the links matrix (chart and table), DKI's assistance
(ranking chart and source lines) and the other indicators' table. A new session opening the page,
or a rerun, draws them without computing them again."""
from __future__ import annotations

from jabodash import charts, ui
from jabodash.charts.kerjasama import links_matrix
from jabodash.core import catalog
from jabodash.features import kerjasama


def parts(store, region_set: str, regions: tuple[str, ...], lang: str) -> dict:
    """Everything the page shows for this view (``store``: the page's DataSource, with the switch
    "official figures only", which per_data_version keys on); shared: never mutated."""
    return ui.per_data_version("kerjasama.parts", lambda *_: _parts(store, region_set, regions, lang),
                               region_set, regions, lang)


def _parts(store, region_set: str, regions: tuple[str, ...], lang: str) -> dict:
    assistance, assistance_year = kerjasama.assistance(store, region_set)
    matrix = kerjasama.links(store, region_set, lang)
    out = dict(members=kerjasama.membership(store), assistance=assistance, assistance_year=assistance_year,
               assistance_total=kerjasama.assistance_total(assistance),
               commuting=kerjasama.commuting_total(store, region_set, lang),
               matrix=matrix, matrix_fig=links_matrix(matrix, lang), matrix_table=kerjasama.links_table(matrix, lang),
               other=kerjasama.other_indicators(store, region_set, lang))
    if assistance_year is not None:
        ind = catalog.get(kerjasama.ASSISTANCE)
        out["assistance_fig"] = charts.label_room(
            charts.ranking_bar(assistance, ind, assistance_year, lang, highlight=regions), assistance["value"])
        out["assistance_sources"] = ui.source_lines(assistance, lang)
    return out
