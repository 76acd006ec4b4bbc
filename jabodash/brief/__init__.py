"""Meeting brief: an editable PowerPoint deck and a PDF brief from a story, a view or a region.

* :mod:`~jabodash.brief.findings` - findings written from the figures by fixed rules, in the UI
  language and number format;
* :mod:`~jabodash.brief.targets` - the gap to a target, when data/targets.csv exists;
* :mod:`~jabodash.brief.outline` - a story or one view -> a :class:`~jabodash.brief.outline.Brief`
  (slides with chart data, findings, sources, speaker notes); :mod:`~jabodash.brief.profile` -
  a region profile; :mod:`~jabodash.brief.network` - the cooperation step (agreements network);
* :mod:`~jabodash.brief.render` - map and chart images through the presenter's export path;
* :mod:`~jabodash.brief.deck` - the 16:9 deck (python-pptx, native charts);
* :mod:`~jabodash.brief.pdf` - the A4 brief (HTML printed by the system Chromium);
* :mod:`~jabodash.brief.make` - what the CLI and the pages call: bytes of a deck or a brief.

Layer: features (imports core, store, charts, presenter; never ui or streamlit).
"""
