"""One module per page, named by the page's URL slug: pages/<slug>.py reads the view, calls
jabodash.features.<slug> and renders; the page's strings are in jabodash/locales/<lang>/<slug>.toml
and its tests in tests/test_<slug>.py (logic), tests/test_page_<slug>.py (AppTest) and
tests/test_browser_<slug>.py (Chromium).

Not called `pages`: that name belongs to the top-level folder of page scripts. Feature modules are
pure (DataFrames in, DataFrames or figures out); the page-specific charts are in
jabodash.charts.<slug>. The SQL console's logic is the jabodash.sql package (the command line
uses it too); stories, views and image exports are the jabodash.presenter package (other pages use
them), the presenter page's own logic is presentasi.
"""
