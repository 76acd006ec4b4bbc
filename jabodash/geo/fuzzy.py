"""Search by edit distance: :func:`osa_distance` (optimal string alignment, a Damerau-Levenshtein
variant with a limit) and :class:`FuzzyIndex`, a set of keys searched for the ones within a few
edits of a given key. The region matcher's fuzzy step (:mod:`jabodash.geo.regions`) uses them;
how many edits a name may have is its decision, not this module's.
"""
from __future__ import annotations

import numpy as np

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_ALNUM_INDEX = {ch: i for i, ch in enumerate(_ALNUM)}


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment (Damerau-Levenshtein) distance, or limit + 1 when above limit."""
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    prev2: list[int] | None = None
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        ai = a[i - 1]
        cur = [i] + [0] * lb
        row_min = i
        for j in range(1, lb + 1):
            bj = b[j - 1]
            v = prev[j - 1] + (ai != bj)
            if prev[j] + 1 < v:
                v = prev[j] + 1
            if cur[j - 1] + 1 < v:
                v = cur[j - 1] + 1
            if prev2 is not None and j > 1 and ai == b[j - 2] and a[i - 2] == bj and prev2[j - 2] + 1 < v:
                v = prev2[j - 2] + 1
            cur[j] = v
            if v < row_min:
                row_min = v
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[lb] if prev[lb] <= limit else limit + 1


def _char_counts(key: str) -> np.ndarray:
    vec = np.zeros(len(_ALNUM), dtype=np.int16)
    for ch in key:
        idx = _ALNUM_INDEX.get(ch)
        if idx is not None:
            vec[idx] += 1
    return vec



class FuzzyIndex:
    """Keys with the code groups they stand for, searchable by edit distance.

    A numpy pre-filter (length difference and half the character-count difference are
    lower bounds of the edit distance) keeps the exact distance computation to a few
    candidates, so that junk input costs microseconds.
    """

    def __init__(self, entries: dict[str, frozenset[str]]):
        self.keys = list(entries)
        self.groups = [entries[k] for k in self.keys]
        self.lengths = np.array([len(k) for k in self.keys], dtype=np.int16)
        self.counts = (np.vstack([_char_counts(k) for k in self.keys]) if self.keys
                       else np.zeros((0, len(_ALNUM)), dtype=np.int16))

    def near(self, key: str, limit: int) -> list[tuple[int, str, frozenset[str]]]:
        if not self.keys or limit <= 0:
            return []
        vec = _char_counts(key)
        bound = np.maximum(np.abs(self.lengths - len(key)),
                           (np.abs(self.counts - vec).sum(axis=1) + 1) // 2)
        out = []
        for i in np.flatnonzero(bound <= limit):
            d = osa_distance(key, self.keys[i], limit)
            if d <= limit:
                out.append((d, self.keys[i], self.groups[i]))
        return out
