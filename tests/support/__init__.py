"""Helpers the tests share (imported as ``from support.<module> import ...``; conftest.py holds only
fixtures and the test-wide settings).

* :mod:`support.data` - the data of data/ read independently of jabodash (observations, flows, regions)
* :mod:`support.apptest` - AppTest helpers of the page tests (open or run a page, read metrics, tables, text)
* :mod:`support.browser` - waits and checks of the browser tests
* :mod:`support.appserver` - the real Streamlit server and the headless Chromium settings
* :mod:`support.fragments` - reruns of one st.fragment, as the server runs them
* :mod:`support.bps_server`, :mod:`support.dukcapil_server`, :mod:`support.boundary_server` - loopback
  stand-ins for BPS's WebAPI, Dukcapil's GIS service and the boundary services;
  :mod:`support.fault_server` - the loopback server they share, with the faults every source is tested against
* :mod:`support.ingest_files` - large, realistic upload files for the ingest benchmarks
"""
