"""One way to run a function over many items on a thread per core and take the results in order.

For work whose heavy part is in Arrow's or numpy's kernels (they release the GIL): the upload
reader's value columns, the JSON report's record chunks. At most one result per thread waits
ahead of the consumer, so memory stays bounded by the pool, not by the number of items.
This module must not import streamlit.
"""
from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def in_order(make: Callable[[T], R], items: Sequence[T], threads: bool = True, name: str = "jabodash") -> Iterator[R]:
    """``make(item)`` for each item, in the items' order; on a thread per core when ``threads``
    and there are at least two items and two cores, else one after the other on this thread."""
    workers = min(os.cpu_count() or 1, len(items))
    if not threads or workers < 2:
        yield from map(make, items)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(make, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()



