"""Two things the embedded SQLite database needs to answer a thousand small writes a second (docs/benchmarks.md).

Checkpoints off the request path. In WAL mode SQLite copies the log back into the database file every 1,000
pages, on whichever commit crosses the mark, with an fsync: one screening check in a few hundred paid 5–20 ms
for it, which made the p99. Every connection to a database file therefore runs with automatic checkpoints
off (`PRAGMA wal_autocheckpoint=0`), and each process that opened one runs a checkpointer thread: every
CHECKPOINT_SECONDS a PASSIVE checkpoint on its own connection, which neither waits for nor blocks readers and
writers (several processes may try at once; one does the work). The WAL stays as bounded as before, whether
or not the background worker runs, since every process that writes also checkpoints.

Writers wait in the kernel, not in SQLite's busy handler. SQLite has one writer at a time; a connection that
finds the lock taken sleeps 1, 2, 5, 10 … ms before it retries, although a check holds the lock for a
fraction of a millisecond. With two server processes writing checks that sleep, not the work, set the rate
(440 checks/s with two workers against 400 with one). `write_gate()` puts such short write transactions in
line on an advisory file lock beside the database (and a thread lock inside the process): the next writer
wakes as soon as the lock is free.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.request import pathname2url

from django.db import connection
from django.db.backends.signals import connection_created

log = logging.getLogger(__name__)

CHECKPOINT_SECONDS = 0.5
RESET_FRAMES = 8192  # 32 MiB of 4 KiB pages
RESET_WAIT_MS = 100


def database_file(settings_dict: dict[str, Any]) -> str | None:
    """The database's file, or None for an in-memory database (the test suite's)."""
    name = str(settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    return name


def checkpoint(path: str) -> tuple[int, int, int]:
    """One checkpoint of the database at `path`: (busy, frames in the log, frames checkpointed).

    PASSIVE normally. But a passive checkpoint never lets the log start over while writes keep coming — a
    writer restarts the log only if nothing in it was left to copy when its transaction began — and reads slow
    down as the log grows (each page read searches the log's index: at 1.7 GB a check's reads took six times
    as long). So once the log holds RESET_FRAMES, a TRUNCATE checkpoint waits up to RESET_WAIT_MS for the
    writer and readers of the moment, copies the little the passive rounds left and empties the log. Writers
    wait meanwhile: a few milliseconds every few thousand checks.
    """
    # mode=rw: a database deleted or moved is not created anew, empty, by its checkpointer.
    uri = f"file:{pathname2url(path)}?mode=rw"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)) as conn:
        busy, frames, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if frames >= RESET_FRAMES:
            conn.execute(f"PRAGMA busy_timeout={RESET_WAIT_MS}")
            busy, frames, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy, frames, done


class _Checkpointer:
    """One thread per process and database file; started by the first connection the process opens."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[tuple[int, str], threading.Thread] = {}

    def ensure(self, path: str) -> threading.Thread:
        key = (os.getpid(), path)  # a forked server worker starts its own: threads do not survive fork()
        with self._lock:
            thread = self._running.get(key)
            if thread is None or not thread.is_alive():
                thread = threading.Thread(target=self._loop, args=(path,), name="sqlite-checkpoint", daemon=True)
                thread.start()
                self._running[key] = thread
            return thread

    @staticmethod
    def _loop(path: str) -> None:
        while True:
            time.sleep(CHECKPOINT_SECONDS)
            try:
                checkpoint(path)
            except sqlite3.Error as exc:  # busy or locked: the next round, or another process, does it
                log.debug("checkpoint of %s skipped: %s", path, exc)


checkpointer = _Checkpointer()


def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    path = database_file(connection.settings_dict)
    if path is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        if cursor.fetchone()[0].lower() != "wal":
            return
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    checkpointer.ensure(path)


def connect() -> None:
    """Called from CoreConfig.ready()."""
    connection_created.connect(_on_connection, dispatch_uid="govtrust.core.sqlite")


_gate = threading.Lock()
_gate_files: dict[tuple[int, str], int] = {}


def _gate_file(path: str) -> int:
    key = (os.getpid(), path)
    fd = _gate_files.get(key)
    if fd is None:
        fd = os.open(f"{path}.write-lock", os.O_RDWR | os.O_CREAT, 0o600)
        _gate_files[key] = fd
    return fd


def gate_path(conn: Any) -> str | None:
    """The database file whose writers `write_gate` puts in line, or None where it stays out of the way: on
    PostgreSQL, in memory, and inside an open transaction — that one may hold SQLite's lock already, and
    waiting for the gate while holding it would deadlock with a gated writer waiting for the lock."""
    if conn.vendor != "sqlite" or conn.in_atomic_block:
        return None
    return database_file(conn.settings_dict)


@contextlib.contextmanager
def locked(path: str) -> Iterator[None]:
    """Hold the gate of the database at `path`: first among this process's threads, then among processes."""
    with _gate:
        fd = _gate_file(path)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def write_gate() -> Iterator[None]:
    """Around a short write transaction (a check's log entry): one writer at a time on an SQLite file."""
    path = gate_path(connection)
    if path is None:
        yield
        return
    with locked(path):
        yield
