"""One way to read any indicator, built-in or uploaded (no streamlit).

Built-in figures come from the store's named queries; uploaded ones (ids ``upload.<dataset>.<slug>``)
from the frames of the analyst's uploads (:mod:`jabodash.features.unggah`). A :class:`DataSource` answers
both with the same columns, so pages, the presenter, the story export and the tests never need
to know which kind an indicator is.

* In the app, ``ui.data_source()`` builds one per run over the cached ``ui.query``, this
  session's uploads and the saved workspace datasets.
* Outside the app (CLI export, tests), :meth:`DataSource.from_store` reads the saved workspace
  datasets only: an unsaved upload belongs to its browser session.

A DataSource also has ``query(name, **params)``, so it can stand where a Store is expected
(aggregate.metro_value, views).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import pandas as pd

from jabodash.core import catalog as catalog_mod
from jabodash.core.fmt import decimals_for
from jabodash.features import unggah as userdata
from jabodash.store.aggregate import MetroValue, metro_value

Runner = Callable[..., pd.DataFrame]
REGION_COLUMNS = ["code", "name", "short_name", "province"]


def kecamatan_frame(gdf, regions: pd.DataFrame) -> pd.DataFrame:
    """Kecamatan boundaries shaped like the regions query (code, name, short_name, province =
    the kab/kota name)."""
    kab = dict(zip(regions["code"], regions["name"]))
    parent = gdf["parent_code"].astype(str) if "parent_code" in gdf else gdf["code"].astype(str).str[:4]
    names = gdf["name"].astype(str).to_numpy()
    return pd.DataFrame({"code": gdf["code"].astype(str).to_numpy(), "name": names, "short_name": names,
                         "province": parent.map(kab).to_numpy()})


class DataSource:
    """Indicator figures from ``run`` (built-in) and ``uploaded`` = (observations, indicators)
    frames as userdata.combine returns them; ``kecamatan`` gives the cached kecamatan as a
    regions frame (or None) when asked."""

    def __init__(self, run: Runner, uploaded: tuple[pd.DataFrame, pd.DataFrame] | None = None,
                 kecamatan: Callable[[], pd.DataFrame | None] | None = None):
        self.run = run
        empty = (pd.DataFrame(columns=userdata.OBS_COLUMNS), pd.DataFrame(columns=userdata.IND_COLUMNS))
        self.obs, self.inds = uploaded if uploaded is not None else empty
        self._kecamatan = kecamatan or (lambda: None)

    @classmethod
    def from_store(cls, store) -> "DataSource":
        """The store plus the saved workspace datasets (an unreadable workspace counts as empty)."""
        from jabodash.geo import boundaries
        from jabodash.store import workspace
        try:
            uploaded = workspace.observations()
        except Exception:  # noqa: BLE001 - a broken workspace must not stop built-in figures
            uploaded = None

        def kecamatan():
            bset = boundaries.load_cached("kecamatan")
            return None if bset is None else kecamatan_frame(bset.gdf, store.query("regions", region_set="agglomeration"))
        return cls(store.query, uploaded, kecamatan)

    # --- the Store interface ------------------------------------------------------------------

    def query(self, name: str, **params) -> pd.DataFrame:
        return self.run(name, **params)

    # --- indicators ---------------------------------------------------------------------------

    def regions(self, region_set: str, level: str = "kabkota") -> pd.DataFrame:
        if level == "kecamatan":
            kec = self._kecamatan()
            return kec if kec is not None else pd.DataFrame(columns=REGION_COLUMNS)
        return self.run("regions", region_set=region_set)

    def table(self, uploaded: bool = True, level: str = "kabkota") -> pd.DataFrame:
        """Rows of the ``indicators`` query; uploaded=True appends the uploaded indicators (theme
        "uploaded", max_regions counted over the agglomeration). At level="kecamatan" only the
        uploaded indicators, counted over the cached kecamatan: the built-in data has none."""
        if level == "kecamatan":
            return userdata.indicator_rows(self.inds, self.obs, set(self.regions("agglomeration", level)["code"]))
        builtin = self.run("indicators")
        if not uploaded or not len(self.inds):
            return builtin
        codes = set(self.regions("agglomeration")["code"])
        return pd.concat([builtin, userdata.indicator_rows(self.inds, self.obs, codes)], ignore_index=True)

    def indicator(self, indicator_id: str) -> catalog_mod.Indicator:
        """The catalog entry, or the uploaded indicator (decimals from its figures: counts show
        as counts). KeyError when neither knows the id."""
        if not userdata.is_uploaded(indicator_id):
            return catalog_mod.get(indicator_id)
        row = self.inds[self.inds["id"] == indicator_id]
        if not len(row):
            raise KeyError(indicator_id)
        figures = self.obs.loc[self.obs["indicator_id"] == indicator_id, "value"]
        return replace(userdata.indicator(row.iloc[0].to_dict()), decimals=decimals_for(figures))

    def catalog(self) -> dict[str, catalog_mod.Indicator]:
        """id -> Indicator for the built-in and the uploaded indicators."""
        out = dict(catalog_mod.load_catalog())
        out.update({i: self.indicator(i) for i in self.inds["id"]})
        return out

    # --- figures ------------------------------------------------------------------------------

    def values(self, indicator_id: str, year: int, region_set: str, level: str = "kabkota") -> pd.DataFrame:
        """Like queries/indicator_values.sql: every region of the set (or every cached kecamatan),
        value NULL where missing."""
        if userdata.is_uploaded(indicator_id):
            return userdata.values(self.obs, self.inds, self.regions(region_set, level), indicator_id, year=int(year))
        return self.run("indicator_values", indicator_id=indicator_id, year=int(year), region_set=region_set)

    def series(self, indicator_id: str, region_set: str) -> pd.DataFrame:
        if userdata.is_uploaded(indicator_id):
            return userdata.series(self.obs, self.inds, self.regions(region_set), indicator_id)
        return self.run("indicator_series", indicator_id=indicator_id, region_set=region_set)

    def years(self, indicator_id: str, region_set: str, level: str = "kabkota") -> pd.DataFrame:
        """year, regions_with_value."""
        if userdata.is_uploaded(indicator_id):
            return userdata.years(self.obs, self.regions(region_set, level), indicator_id)
        return self.run("indicator_years", indicator_id=indicator_id, region_set=region_set)

    def metro(self, ind: catalog_mod.Indicator, year: int, region_set: str) -> MetroValue:
        """The metro value by the indicator's aggregation rule; an upload has no rule, so only
        its coverage and range are given (value None)."""
        if not userdata.is_uploaded(ind.id):
            return metro_value(self, ind, year, region_set)
        codes = list(self.regions(region_set)["code"])
        vals = self.values(ind.id, year, region_set).set_index("region_code")["value"].reindex(codes)
        present = vals.dropna()
        return MetroValue(indicator_id=ind.id, year=int(year), aggregation=ind.aggregation, value=None,
                          covered=len(present), total=len(codes),
                          minimum=float(present.min()) if len(present) else None,
                          maximum=float(present.max()) if len(present) else None,
                          missing=tuple(vals.index[vals.isna()]))

    def profile(self, code: str) -> pd.DataFrame:
        """Every figure of one kab/kota, built-in and uploaded: indicator_id, year, value, source."""
        built = self.run("region_profile", region_code=code)
        mine = self.obs[(self.obs["region_code"] == code) & self.obs["value"].notna() & self.obs["year"].notna()]
        if not len(mine):
            return built
        sources = {i: (self.indicator(i).source_note or t) for i, t in zip(self.inds["id"], self.inds["title"])}
        mine = pd.DataFrame({"indicator_id": mine["indicator_id"], "year": mine["year"].astype(int),
                             "value": mine["value"].astype(float), "source": mine["indicator_id"].map(sources)})
        return pd.concat([built, mine], ignore_index=True)
