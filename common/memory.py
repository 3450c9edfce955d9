"""Giving freed heap memory back to the operating system after a write.

An upload or a delete allocates and frees a few hundred MB of short-lived buffers (the e5
encoder's activations for the new sentences, the rebuilt BM25 arrays, SQLite and Chroma
batches) from several threads. glibc's malloc keeps freed chunks in its per-thread arenas, and
a chunk still in use near the top of a heap pins everything below it, so the server's RSS
climbed with every write while its live memory stayed flat (the soak benchmark, issue 13:
1205 → 1762 MB in 10 minutes of uploads and deletes; the same loop in one process grew
789 → 1011 MB over 200 ingest + remove cycles and ``malloc_trim(0)`` at the end brought it to
750 MB; the e5 encoder alone, 100 batches of a document's sentences, 718 → 922 MB, 730 after the trim,
while 100 BM25 rebuilds stayed at 718 MB). ``malloc_trim(0)`` returns the free pages of every arena; it is called after each
write, which is rare next to questions and already costs far more than the trim.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Callable

_lock = threading.Lock()
_trim: Callable[[int], int] | None = None
_loaded = False


def _malloc_trim() -> Callable[[int], int] | None:
    global _trim, _loaded
    with _lock:
        if not _loaded:
            _loaded = True
            name = ctypes.util.find_library("c")
            try:
                libc = ctypes.CDLL(name) if name else None
                _trim = libc.malloc_trim if libc is not None else None  # glibc only (not musl, macOS)
            except (OSError, AttributeError):
                _trim = None
            if _trim is not None:
                _trim.argtypes = [ctypes.c_size_t]
                _trim.restype = ctypes.c_int
        return _trim


def release_memory() -> bool:
    """Return the C heap's free pages to the OS (glibc ``malloc_trim(0)``); ``False`` where the
    C library has no such call."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
