"""The server's garbage-collection policy, in place of Streamlit's ``gc.collect(2)`` after every
script run (``runner.postScriptGC``, off in .streamlit/config.toml and on the launcher's command line).

That collection walks every object of the process (pandas, Plotly, GeoPandas, DuckDB's Python side,
the caches) with the GIL held: ~120 ms of a ~150 ms map year change on the real server, during which
no other session runs. Instead, once the server has warmed up (:mod:`jabodash.server.warmup`):

* everything alive then (modules, the data, boundary and figure caches) is collected once and then
  frozen (``gc.freeze()``): later collections, Python's own included, no longer walk it;
* a full collection runs every ``JABODASH_GC_INTERVAL`` seconds (default 60; 0 turns the timer off
  and leaves it to Python's own generational collector), so cycles made by script runs (sessions,
  figures, DataFrames) are freed within a minute and memory stays flat (tools/bench/wsload.py soak).
"""
from __future__ import annotations

import gc
import logging
import os
import threading
import time

ENV = "JABODASH_GC_INTERVAL"
DEFAULT_INTERVAL = 60.0
_LOG = logging.getLogger(__name__)


def interval_from(env: dict | None = None) -> float:
    """Seconds between full collections (0: none); a bad value raises ValueError naming the setting."""
    raw = (os.environ if env is None else env).get(ENV, "").strip()
    if not raw:
        return DEFAULT_INTERVAL
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{ENV} must be a number of seconds, not {raw!r}") from None
    if value < 0 or value != value or value == float("inf"):
        raise ValueError(f"{ENV} must be 0 or a positive number of seconds, not {raw!r}")
    return value


class Collector:
    """A daemon thread that runs ``collect(2)`` every ``interval`` seconds until stopped."""

    def __init__(self, interval: float, collect=gc.collect):
        self.interval, self.collect = interval, collect
        self.runs = 0
        self.last_ms: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="jabodash-gc", daemon=True)

    def start(self) -> Collector:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            start = time.perf_counter()
            self.collect(2)
            self.last_ms = (time.perf_counter() - start) * 1000
            self.runs += 1


_collector: Collector | None = None


def settle(interval: float | None = None) -> Collector | None:
    """After the warm-up: collect once, freeze what is alive, start the timer (once per process).
    Returns the timer's collector (None when the interval is 0)."""
    global _collector
    gc.collect(2)
    gc.freeze()
    _LOG.info("jabodash: %d objects frozen out of the garbage collector", gc.get_freeze_count())
    interval = interval_from() if interval is None else interval
    if _collector is None and interval > 0:
        _collector = Collector(interval).start()
    return _collector


def state() -> dict:
    """What the policy has done so far (for tests and the soak benchmark's log)."""
    return {"frozen": gc.get_freeze_count(), "timer_runs": _collector.runs if _collector else 0,
            "interval": _collector.interval if _collector else 0, "last_ms": _collector.last_ms if _collector else None}
