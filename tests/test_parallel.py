"""jabodash.core.parallel.in_order: results in the items' order, on threads, a bounded way ahead."""
import threading
import time

import pytest

from jabodash.core import parallel


@pytest.mark.parametrize("cores, threads", [(1, True), (4, True), (4, False)])
def test_results_come_in_the_items_order(monkeypatch, cores, threads):
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: cores)

    def slow_first(i):   # the first items take longest: a pool finishes them last
        time.sleep(0.002 * (10 - i))
        return i * i, threading.current_thread().name
    out = list(parallel.in_order(slow_first, range(10), threads=threads, name="t-order"))
    assert [v for v, _ in out] == [i * i for i in range(10)]
    assert all(name.startswith("t-order") for _, name in out) == (threads and cores > 1)


def test_the_pool_runs_at_most_one_item_per_thread_ahead_of_the_consumer(monkeypatch):
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    started = []
    results = parallel.in_order(lambda i: started.append(i) or i, range(100))
    assert next(results) == 0
    time.sleep(0.05)
    assert len(started) <= 3          # the one taken, and two submitted ahead
    assert list(results) == list(range(1, 100))
