"""jabodash: analytics dashboard for the Jakarta metropolitan area (Jabodetabek + Kab. Cianjur).

Subpackages by role, each importing only the layers below it (README "Layout", tests/test_layout.py):
core < geo < ingest < store < official, sql, charts < presenter < features < ui (< pages/ and app.py);
cli, cluster and server are entry points on top.
"""

__version__ = "0.1.0"
