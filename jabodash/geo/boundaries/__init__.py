"""Administrative boundaries: sources, validation, simplification, cache, GeoJSON per level.

Three sources, one result (a :class:`BoundarySet` per level, cached on disk):

1. a file the user gives (:func:`import_file`): GeoJSON, GeoPackage or zipped Shapefile;
2. a download from the official services, started by the user: BIG's ArcGIS REST layers
   (:func:`fetch_big`) and, for kab/kota only, the geoBoundaries API (:func:`fetch_geoboundaries`);
3. the local cache (:func:`load_cached`): ``cache_dir()/boundaries/{level}.parquet`` (GeoParquet)
   plus ``{level}.json`` (source, licence, attribution, date, sha256 of the parquet, report).

Whatever the source, the same pipeline runs (:func:`.build._build`): codes are assigned (code column or
name matching with :mod:`jabodash.geo.regions`; every feature that cannot be placed is reported),
geometries are reprojected to EPSG:4326 and repaired (:func:`validate`), areas are computed in
UTM 48S and compared with BIG's official areas in ``data/regions.csv`` (:func:`area_checks`), and
the set is simplified as a coverage so that shared borders stay shared (:func:`simplify`).
The cache holds the *simplified* geometry (so a page loads it in a few tens of milliseconds) and
the *unsimplified* area in ``area_km2``.

In this package, in the order a feature travels:

* :mod:`.model`: levels, coordinate systems, attributions, :class:`BoundaryError` (a message key
  plus parameters), :class:`BoundarySet`, :class:`ImportReport`, and the dashboard's kab/kota
  from ``data/regions.csv``;
* :mod:`.codes`: code assignment (BPS and Kemendagri codes, name matching; the code schemes are
  described there);
* :mod:`.geometry`: pure geometry functions (validate, area checks, simplify, GeoJSON);
* :mod:`.cache`: the on-disk cache and the in-memory GeoJSON memo;
* :mod:`.build`: the pipeline shared by every source;
* :mod:`.limits`: what a file may hold, checked before it is unpacked or loaded: at most
  ``MAX_BYTES`` (200 MB) of data once unpacked, ``MAX_FEATURES`` (20,000) features,
  ``MAX_VERTICES`` (5,000,000) vertices; a zip at most ``MAX_ZIP_MEMBERS`` (200) members, none
  unpacking to more than ``MAX_ZIP_RATIO`` (200) times its packed size once over 1 MB. The real
  Jabodetabek kecamatan file has 217 features, 86,683 vertices, 2.2 MB. A file over a limit is
  refused with a message naming the limit, and the cache stays as it was;
* :mod:`.files`: source 1, a file (:func:`read_file`, :func:`import_file`);
* :mod:`.downloads`: source 2, the official services (:func:`fetch`, :func:`fetch_big`,
  :func:`fetch_geoboundaries`).

This module re-exports the public API; callers use ``from jabodash.geo import boundaries`` and
``boundaries.<name>``. Nothing here imports streamlit; pages cache :func:`geojson_for` results on
top of the in-memory memo kept in :mod:`.cache`.
"""
from jabodash.geo.boundaries.cache import (
    CACHE_FORMAT,
    attribution,
    cache_status,
    clear_cache,
    geojson_for,
    load_cached,
)
from jabodash.geo.boundaries.downloads import (
    BIG_FIELDS,
    DEFAULT_BIG_URLS,
    DEFAULT_GB_URL,
    big_where,
    fetch,
    fetch_big,
    fetch_geoboundaries,
)
from jabodash.geo.boundaries.files import import_file, read_file
from jabodash.geo.boundaries.geometry import (
    AREA_TOLERANCE,
    COORD_DECIMALS,
    SIMPLIFY_TOLERANCE_M,
    area_checks,
    coverage_ok,
    geojson_size,
    simplify,
    to_geojson,
    validate,
)
from jabodash.geo.boundaries.model import (
    AREA_CRS,
    ATTRIBUTION_BIG,
    ATTRIBUTION_BPS,
    LEVELS,
    LICENCE_BIG,
    LICENCE_BPS,
    MESSAGES_EN,
    WGS84,
    BoundaryError,
    BoundarySet,
    ImportReport,
    ProgressFn,
)

__all__ = [
    "AREA_CRS", "AREA_TOLERANCE", "ATTRIBUTION_BIG", "ATTRIBUTION_BPS", "BIG_FIELDS", "CACHE_FORMAT",
    "COORD_DECIMALS", "DEFAULT_BIG_URLS", "DEFAULT_GB_URL", "LEVELS", "LICENCE_BIG", "LICENCE_BPS",
    "MESSAGES_EN", "SIMPLIFY_TOLERANCE_M", "WGS84", "BoundaryError", "BoundarySet", "ImportReport",
    "ProgressFn", "area_checks", "attribution", "big_where", "cache_status",
    "clear_cache", "coverage_ok", "fetch", "fetch_big", "fetch_geoboundaries", "geojson_for",
    "geojson_size", "import_file", "load_cached", "read_file", "simplify", "to_geojson", "validate",
]
