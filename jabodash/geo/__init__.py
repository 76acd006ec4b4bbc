"""Geography: which region a text or a shape is, and the shapes themselves.

* :mod:`.regions`: the one region matcher (names and BPS/Kemendagri codes -> BPS codes), with its
  word tables in :mod:`.region_names` and its edit-distance search in :mod:`.fuzzy`;
* :mod:`.classify`: map values into a few coloured classes (quantiles, equal intervals, natural
  breaks) and the colour convention of every map;
* :mod:`.boundaries`: administrative boundaries (file import, downloads, validation, simplification,
  the on-disk cache, GeoJSON per level), a package of its own.

Nothing here imports streamlit.
"""
