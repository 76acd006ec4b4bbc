"""Presenting: stories, one figure per view, image exports.

* :mod:`~jabodash.presenter.stories` - a story (titled steps, each a view) in a TOML file: parse,
  check, write back, edit by pure functions.
* :mod:`~jabodash.presenter.views` - one view -> one figure (ranking, trend or map) and its data,
  the projector styling (:func:`~jabodash.presenter.views.presentify`), shareable links and the
  presenter-layout CSS.
* :mod:`~jabodash.presenter.exports` - PNG, SVG and PDF of any figure with kaleido and the
  system Chromium, offline, one browser per batch.

The presenter page's own logic (which story and step a session shows, the story editor's actions)
is :mod:`jabodash.features.presentasi`.

Nothing here imports streamlit.
"""
