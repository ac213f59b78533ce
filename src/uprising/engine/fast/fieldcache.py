"""Window-count fields kept between calls of the fast kernel (see ``FieldCache``)."""

from __future__ import annotations

import threading
import weakref

import numpy as np


class FieldCache:
    """The window-count fields of the lattices the kernel ran on last, kept between calls.

    ``Model.step()`` calls the kernel once per tick; rebuilding the fields (an O(cells) count)
    each time cost more than the tick's own work on large worlds. After a call, the fields
    match the lattice (the kernel keeps them up to date), so they are kept together with a
    copy of the lattice; the next call on the same array reuses them if the lattice is still
    equal to that copy (anything that changed it between calls — a timeline change, a
    crackdown — makes the comparison fail and the fields are rebuilt). Exact: no hashing.
    """

    SLOTS = 4

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, tuple] = {}

    def get(self, code: np.ndarray, key: tuple) -> tuple[np.ndarray, np.ndarray] | None:
        with self._lock:
            entry = self._entries.get(id(code))
        if entry is None:
            return None
        ref, saved_key, saved, cops, actives = entry
        if ref() is not code or saved_key != key or not np.array_equal(saved, code):
            return None
        return cops, actives

    def put(self, code: np.ndarray, key: tuple, cops: np.ndarray, actives: np.ndarray) -> None:
        with self._lock:
            old = self._entries.get(id(code))
            saved = old[2] if old is not None and old[0]() is code else np.empty_like(code)
            np.copyto(saved, code)
            if len(self._entries) >= self.SLOTS and id(code) not in self._entries:
                self._entries.pop(next(iter(self._entries)))
            ident = id(code)
            ref = weakref.ref(code, lambda _: self._drop(ident))
            self._entries[ident] = (ref, key, saved, cops, actives)

    def _drop(self, ident: int) -> None:
        with self._lock:
            entry = self._entries.get(ident)
            if entry is not None and entry[0]() is None:
                del self._entries[ident]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


FIELDS = FieldCache()
