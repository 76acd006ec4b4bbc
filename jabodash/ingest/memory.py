"""Memory the reader has let go, given back to the system at once.

A big upload is read in steps that each make and drop arrays of a few to a few hundred MB. Arrow's
allocator keeps freed pages for a while, and glibc's malloc keeps freed blocks below its (growing)
mmap threshold in its heap: the process's resident memory then counts arrays that are gone, and
the next step's arrays come on top. :func:`give_back` asks both to return what is free (about a
millisecond); elsewhere than glibc it does what it can.

Transparent huge pages: Arrow's allocator (mimalloc) gets its memory on 2 MiB pages, and numpy asks
for them for every array of 4 MiB or more. The reader makes many arrays that live for milliseconds; a
huge page costs the kernel 2 MiB zeroed at once (and, when none is free, a compaction of memory). On
this project's virtual machine that was 0.3-0.5 s of system time for Arrow's read of a wide
1,000,000-row file alone (0.1 s on ordinary pages) and as much again for numpy's arrays.
:func:`small_pages` asks the kernel for ordinary pages while a file is read (Linux:
``prctl(PR_SET_THP_DISABLE)``, for the process; numpy's own hint off as well, where prctl is not
available) and restores both after; reads at the same time share one switch.
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
_pages_users = [0, None, None]   # reads in progress; numpy's hint and the THP flag before the first of them
_PR_SET_THP_DISABLE, _PR_GET_THP_DISABLE = 41, 42


def _hugepage_switch():
    """numpy's setter of its huge-page hint (returns the previous value), or None when it has none."""
    core = getattr(np, "_core", None) or getattr(np, "core", None)
    return getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)


@functools.lru_cache(maxsize=1)
def _prctl():
    try:
        fn = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    fn.restype = ctypes.c_int
    return fn


def thp_disabled() -> bool | None:
    """Whether the process has transparent huge pages off (None: no such flag here)."""
    prctl = _prctl()
    flag = prctl(_PR_GET_THP_DISABLE, 0, 0, 0, 0) if prctl is not None else -1
    return None if flag < 0 else bool(flag)


def _set_thp_disabled(flag: bool) -> bool:
    prctl = _prctl()
    return prctl is not None and prctl(_PR_SET_THP_DISABLE, int(flag), 0, 0, 0) == 0


@contextlib.contextmanager
def small_pages():
    """Ordinary pages (no transparent huge pages) for the process's new memory inside the block."""
    switch = _hugepage_switch()
    with _pages_lock:
        if _pages_users[0] == 0:
            _pages_users[1] = switch(False) if switch is not None else None
            before = thp_disabled()
            _pages_users[2] = before if before is not None and _set_thp_disabled(True) else None
        _pages_users[0] += 1
    try:
        yield
    finally:
        with _pages_lock:
            _pages_users[0] -= 1
            if _pages_users[0] == 0:
                if switch is not None:
                    switch(bool(_pages_users[1]))
                if _pages_users[2] is not None:
                    _set_thp_disabled(_pages_users[2])
