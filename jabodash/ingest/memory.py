"""Memory the reader has let go, given back to the system at once.

A big upload is read in steps that each make and drop arrays of a few to a few hundred MB. Arrow's
allocator keeps freed pages for a while, and glibc's malloc keeps freed blocks below its (growing)
mmap threshold in its heap: the process's resident memory then counts arrays that are gone, and
the next step's arrays come on top. :func:`give_back` asks both to return what is free (about a
millisecond); elsewhere than glibc it does what it can.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools

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
