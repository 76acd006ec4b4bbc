"""Official figures from BPS's WebAPI (issue 13): recipes (data/bps_recipes.csv), a small client,
the table reader, the refresh with its change report, and storage as a saved workspace dataset
layered over the built-in figures. No streamlit here.

The package: ``recipes`` (which table and variable gives which indicator), ``keys`` (where the key
comes from), ``http_client`` (the one hardened client of outside services), ``client`` (BPS's
WebAPI through it), ``dukcapil`` (Dukcapil's population service), ``dapodik`` (Dapodik's school recap), ``checks`` (plausibility of a refresh), ``parse`` (a dynamic table's answer into figures),
``fetch`` (a refresh: run, compare, and :func:`~jabodash.official.fetch.refresh`, the steps the
command line and the Data & metode page share), ``report`` (its change report as text and tables),
``dataset`` (a refresh saved as a dataset of kind "bps_refresh", "dukcapil_refresh" or "dapodik_refresh", registered
with jabodash.store.kinds on import).

Why not BPS's own Python client ``stadata`` (PyPI, github bps-statistics/stadata): its base URL is a
module constant (https://webapi.bps.go.id/v1/), so neither the tests' loopback server nor an
offline mirror (``JABODASH_BPS_URL``) can be used; it sends requests without a timeout; on a non-200
answer it warns and returns None, and on an error it raises a bare Exception with the server's
message; it brings requests, tqdm and pandas-based reshaping that drops the vervar codes this
refresh matches on, and some of its list calls download CSV files from a gist. The documented URL
form and answer format are simple, so jabodash speaks them directly with the standard library
(jabodash/official/client.py), in the same form as stadata's ``view_dynamictable`` does.
"""
