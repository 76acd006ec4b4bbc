"""Many users: several Streamlit workers behind HAProxy (``python -m jabodash serve``).

- :mod:`jabodash.cluster.workers`: one worker process (its command line, health, stop).
- :mod:`jabodash.cluster.procs`: processes read from /proc (children, process groups, command lines).
- :mod:`jabodash.cluster.proxy`: the HAProxy configuration from ``deploy/haproxy.cfg``, its process
  and stats socket.
- :mod:`jabodash.cluster.supervisor`: the serve command's process (start, watch, restart, stop).

Shared state lives in the workspace and the cache folders (``JABODASH_WORKSPACE``,
``JABODASH_CACHE_DIR``), which every worker reads; per-session state (unsaved uploads) stays in
its worker. The view lives in the URL, so a browser moved to another worker keeps its view.
This package must not import streamlit.
"""
