"""One way to read any indicator, built-in or uploaded (no streamlit).

Every figure comes from the store's named queries (``queries/*.sql``) run over the built-in data
and an :class:`~jabodash.store.overlay.Uploads` bundle (the saved workspace datasets and, in the
app, this session's uploads), so pages, the presenter, the story export and the tests never need
to know which kind an indicator is: uploaded indicators (ids ``upload.<dataset>.<slug>``) are rows
of the same ``indicator`` / ``observation`` / ``dataset`` relations.

* In the app, ``ui.source.data_source()`` builds one per call over the cached ``DataSource.query`` of ``ui.source``, which carries
  the session's bundle (and its signature in the cache key).
* Outside the app (CLI export, tests), :meth:`DataSource.from_store` reads the saved workspace
  datasets only: an unsaved upload belongs to its browser session. :meth:`DataSource.over` takes
  any bundle (``uploads.collect(session)``).

At level "kecamatan" the regions are the kecamatan of the cached boundaries (data/ has no kecamatan
boundaries); they join the bundle as the ``kecamatan`` relation for the ``kec_*`` queries. Figures of
a kecamatan (built-in, saved or uploaded) are rows under its 7-digit BPS code.

A DataSource also has ``query(name, **params)``, so it can stand where a Store is expected
(aggregate.metro_value, views). ``official_only`` (the sidebar switch "official figures only",
jabodash.core.grades) goes to every query as the named parameter ``$official_only``: the SQL hides
every figure below official-cited, built-in and uploaded alike.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from jabodash.core import catalog as catalog_mod
from jabodash.store import overlay
from jabodash.store.aggregate import MetroValue, metro_value

Runner = Callable[..., pd.DataFrame]
RunnerFor = Callable[[overlay.Uploads], Runner]
REGION_COLUMNS = ["code", "name", "short_name", "province"]


def kecamatan_frame(gdf, regions: pd.DataFrame) -> pd.DataFrame:
    """Kecamatan boundaries shaped like the regions query (code, name, short_name, province =
    the kab/kota name)."""
    kab = dict(zip(regions["code"], regions["name"]))
    parent = gdf["parent_code"].astype(str) if "parent_code" in gdf else gdf["code"].astype(str).str[:4]
    names = gdf["name"].astype(str).to_numpy()
    return pd.DataFrame({"code": gdf["code"].astype(str).to_numpy(), "name": names, "short_name": names,
                         "province": parent.map(kab).to_numpy()})


def cached_kecamatan(run: Runner) -> pd.DataFrame | None:
    """The kecamatan of the cached boundaries as a regions frame, or None without them."""
    # Imported here: jabodash.geo.boundaries loads geopandas (measured 0.3 s), which reading
    # kab/kota figures (the CLI, most pages) never needs.
    from jabodash.geo import boundaries
    bset = boundaries.load_cached("kecamatan")
    return None if bset is None else kecamatan_frame(bset.gdf, run("regions", region_set="agglomeration"))


def year_rows(every: pd.DataFrame, year: int) -> pd.DataFrame | None:
    """One year's rows of queries/indicator_values_years.sql as queries/indicator_values.sql gives
    them, or None for a year it lacks. The same frame: columns, order, index and dtypes, which in
    DuckDB's pandas frames follow the NULLs a column holds: a boolean or integer column with NULLs
    comes in pandas' masked dtype, without them in NumPy's; a text column of NULLs only as objects
    (None), else as strings (tests/test_datasource.py compares every year of every indicator)."""
    years = every["values_year"].to_numpy()   # ascending (the query's order)
    first, end = np.searchsorted(years, year, "left"), np.searchsorted(years, year, "right")
    if first == end:
        return None
    rows = every.iloc[first:end, 1:].reset_index(drop=True)
    for name, dtype in rows.dtypes.items():
        if isinstance(dtype, pd.StringDtype):
            if rows[name].isna().all():
                rows[name] = pd.Series([None] * len(rows), dtype=object)
        elif isinstance(dtype, pd.api.extensions.ExtensionDtype) and getattr(dtype, "kind", "") in ("b", "i", "u") \
                and hasattr(dtype, "numpy_dtype") and not rows[name].isna().any():
            rows[name] = rows[name].to_numpy(dtype=dtype.numpy_dtype)
    return rows


def _as_lists(table: pd.DataFrame) -> pd.DataFrame:
    """The years column as lists of int (as the catalog rows have always given them)."""
    if len(table):
        table = table.assign(years=[[int(y) for y in ys] for ys in table["years"]])
    return table


class DataSource:
    """Indicator figures from the named queries over the built-in data and ``uploads``.

    ``runner_for(bundle)`` gives the query function over a bundle (``Store.runner`` or the app's
    cached query); ``kecamatan()`` the kecamatan regions frame (or None), asked for only at
    level "kecamatan"."""

    def __init__(self, runner_for: RunnerFor, uploads: overlay.Uploads | None = None,
                 kecamatan: Callable[[], pd.DataFrame | None] | None = None, official_only: bool = False):
        self.runner_for = self._flagged(runner_for, bool(official_only))
        self.official_only = bool(official_only)
        self.uploads = uploads if uploads is not None else overlay.EMPTY
        self.run = self.runner_for(self.uploads)
        self._kecamatan = kecamatan
        self._kec_run: Runner | None = None
        self._kec_regions: pd.DataFrame | None = None

    @staticmethod
    def _flagged(runner_for: RunnerFor, official_only: bool) -> RunnerFor:
        """Every query gets the "official figures only" parameter (the store leaves it out of the
        queries that read no figures)."""
        def flagged_for(bundle: overlay.Uploads) -> Runner:
            run = runner_for(bundle)

            def flagged(name: str, **params) -> pd.DataFrame:
                return run(name, **{"official_only": official_only, **params})
            return flagged
        return flagged_for

    @classmethod
    def over(cls, store, uploads: overlay.Uploads | None = None, official_only: bool = False) -> "DataSource":
        """``store`` (a Store) with ``uploads``; kecamatan from the boundary cache."""
        return cls(store.runner, uploads, lambda: cached_kecamatan(store.query), official_only)

    @classmethod
    def from_store(cls, store, official_only: bool = False) -> "DataSource":
        """The store plus the saved workspace datasets (an unreadable workspace counts as empty)."""
        return cls.over(store, overlay.collect(), official_only)

    # --- the Store interface ------------------------------------------------------------------

    def query(self, name: str, **params) -> pd.DataFrame:
        return self.run(name, **params)

    # --- regions ------------------------------------------------------------------------------

    def _kec(self) -> Runner:
        """The query function over the bundle with the kecamatan regions (made once)."""
        if self._kec_run is None:
            kec = self._kecamatan() if self._kecamatan else None
            self._kec_regions = kec if kec is not None else pd.DataFrame(columns=REGION_COLUMNS)
            self._kec_run = self.runner_for(self.uploads.with_kecamatan(kec))
        return self._kec_run

    def regions(self, region_set: str, level: str = "kabkota") -> pd.DataFrame:
        if level == "kecamatan":
            self._kec()
            return self._kec_regions
        return self.run("regions", region_set=region_set)

    # --- indicators ---------------------------------------------------------------------------

    def table(self, uploaded: bool = True, level: str = "kabkota") -> pd.DataFrame:
        """Rows of the ``indicators`` query, the uploaded indicators (theme "uploaded") included
        unless uploaded=False. At level="kecamatan" the indicators with kecamatan figures (built-in,
        saved or uploaded) and every uploaded one, counted over the cached kecamatan (``kec_indicators``)."""
        if level == "kecamatan":
            return _as_lists(self._kec()("kec_indicators"))
        table = _as_lists(self.run("indicators"))
        if not uploaded:
            table = table[table["theme"] != "uploaded"].reset_index(drop=True)
        return table

    def indicator(self, indicator_id: str) -> catalog_mod.Indicator:
        """The catalog entry, or the uploaded indicator (decimals from its figures: counts show
        as counts). KeyError when neither knows the id."""
        found = self.uploads.indicators.get(indicator_id)
        return found if found is not None else catalog_mod.get(indicator_id)

    def catalog(self) -> dict[str, catalog_mod.Indicator]:
        """id -> Indicator for the built-in and the uploaded indicators."""
        return {**catalog_mod.load_catalog(), **self.uploads.indicators}

    # --- figures ------------------------------------------------------------------------------

    def values(self, indicator_id: str, year: int, region_set: str, level: str = "kabkota") -> pd.DataFrame:
        """queries/indicator_values.sql: every region of the set (or every cached kecamatan,
        region_set "kecamatan"), value NULL where missing."""
        if level == "kecamatan":
            return self._kec()("indicator_values", indicator_id=indicator_id, year=int(year), region_set="kecamatan")
        # every year at once (queries/indicator_values_years.sql, cached like any query): a year
        # change reads its rows from there; a year without any figure asks for its own
        every = self.run("indicator_values_years", indicator_id=indicator_id, region_set=region_set)
        rows = year_rows(every, int(year))
        if rows is None:
            return self.run("indicator_values", indicator_id=indicator_id, year=int(year), region_set=region_set)
        return rows

    def unplaced(self, indicator_id: str, year: int) -> pd.DataFrame:
        """Kecamatan figures (region_code, value) of the indicator and year whose kecamatan has no
        polygon in the cached boundaries (queries/kec_unplaced.sql): gaps on the kecamatan map."""
        return self._kec()("kec_unplaced", indicator_id=indicator_id, year=int(year))

    def kecamatan_population(self) -> pd.DataFrame:
        """Dukcapil's latest kecamatan population and the figure before it, per kecamatan of the
        cached boundaries (queries/kec_population.sql; empty without boundaries or figures)."""
        return self._kec()("kec_population")

    def series(self, indicator_id: str, region_set: str) -> pd.DataFrame:
        return self.run("indicator_series", indicator_id=indicator_id, region_set=region_set)

    def years(self, indicator_id: str, region_set: str, level: str = "kabkota") -> pd.DataFrame:
        """year, regions_with_value."""
        if level == "kecamatan":
            return self._kec()("indicator_years", indicator_id=indicator_id, region_set="kecamatan")
        return self.run("indicator_years", indicator_id=indicator_id, region_set=region_set)

    def metro(self, ind: catalog_mod.Indicator, year: int, region_set: str) -> MetroValue:
        """The metro value by the indicator's aggregation rule (an upload has none: its coverage
        and range only, value None)."""
        return metro_value(self, ind, year, region_set)

    def profile(self, code: str) -> pd.DataFrame:
        """Every figure of one kab/kota, built-in and uploaded: indicator_id, year, value, source."""
        return self.run("region_profile", region_code=code)
