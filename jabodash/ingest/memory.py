"""Memory the reader has let go, given back to the system at once.

A big upload is read in steps that each make and drop arrays of a few to a few hundred MB. Arrow's
allocator keeps freed pages for a while, and glibc's malloc keeps freed blocks below its (growing)
mmap threshold in its heap: the process's resident memory then counts arrays that are gone, and
the next step's arrays come on top. :func:`give_back` asks both to return what is free (about a
millisecond); elsewhere than glibc it does what it can.

numpy asks the kernel for transparent huge pages for every array of 4 MiB or more. The reader makes
many such arrays that live for a few milliseconds; a huge page costs the kernel 2 MiB zeroed at once
(and, when none is free, a compaction of memory), which on a virtual machine cost the reader of a
wide 1,000,000-row file a third of a second of system time. :func:`small_pages` turns that hint
off while a file is read (and back on after; reads at the same time share one switch).
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import threading

import numpy as np
import pyarrow as pa


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def give_back() -> None:
    """Return the free memory of Arrow's pool and of malloc's heap to the system."""
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


_pages_lock = threading.Lock()
_pages_users = [0, None]   # reads in progress, numpy's setting before the first of them


def _hugepage_switch():
    """numpy's setter of its huge-page hint (returns the previous value), or None when it has none."""
    core = getattr(np, "_core", None) or getattr(np, "core", None)
    return getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)


@contextlib.contextmanager
def small_pages():
    """numpy's arrays on ordinary pages (no huge-page hint) inside the block."""
    switch = _hugepage_switch()
    if switch is None:
        yield
        return
    with _pages_lock:
        if _pages_users[0] == 0:
            _pages_users[1] = switch(False)
        _pages_users[0] += 1
    try:
        yield
    finally:
        with _pages_lock:
            _pages_users[0] -= 1
            if _pages_users[0] == 0:
                switch(bool(_pages_users[1]))
