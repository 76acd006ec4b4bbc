"""One module per page, named by the page's URL slug: pages/<slug>.py reads the view, calls
jabodash.features.<slug> and renders; the page's strings are in jabodash/locales/<lang>/<slug>.toml
and its tests in tests/test_<slug>.py (logic), tests/test_page_<slug>.py (AppTest) and
tests/test_browser_<slug>.py (Chromium).

Not called `pages`: that name belongs to the top-level folder of page scripts. Feature modules are
pure (DataFrames in, DataFrames or figures out); the page-specific charts are in
jabodash.charts.<slug>. The SQL console's logic is the jabodash.sql package and the presenter's
the jabodash.presenter package, because other pages use them too.
"""
