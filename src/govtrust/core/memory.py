"""Pausing Python's cyclic garbage collector around work that allocates a great deal and frees it all at once.

A 10,000-party batch check builds some two million small objects (answers, rows, tuples) and keeps them to
the end; the collector, triggered by allocation counts, walked them again and again — 0.4 of 1.4 s
(docs/benchmarks.md). Reference counting still frees everything as usual while the collector is paused; only
cycles wait for the next collection, which runs as soon as the block ends.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator


class _Pause:
    """How many blocks are paused now, and whether the collector was on when the first began."""

    lock = threading.Lock()
    depth = 0
    resume = False


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block (process-wide: nested and concurrent blocks share one pause)."""
    with _Pause.lock:
        if _Pause.depth == 0:
            _Pause.resume = gc.isenabled()
            gc.disable()
        _Pause.depth += 1
    try:
        yield
    finally:
        with _Pause.lock:
            _Pause.depth -= 1
            if _Pause.depth == 0 and _Pause.resume:
                gc.enable()
