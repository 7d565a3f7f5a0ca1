"""The embedded database's checkpointer and write gate (core.sqlite), on real database files."""

import fcntl
import os
import sqlite3
import subprocess
import sys

import pytest
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper

from govtrust.core import sqlite as gt_sqlite


def _wrapper(path):
    """A Django connection to a database file, configured as the application's SQLite default is."""
    settings_dict = connections.configure_settings({"default": {
        "ENGINE": "django.db.backends.sqlite3", "NAME": str(path),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                    "transaction_mode": "IMMEDIATE"}}})["default"]
    return DatabaseWrapper(settings_dict, alias="scratch")


@pytest.fixture(autouse=True)
def _scratch_databases(django_db_blocker):
    """These tests open their own database files, not the test database."""
    with django_db_blocker.unblock():
        yield


def _pragma(wrapper, name):
    with wrapper.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


def test_a_file_database_checkpoints_in_the_background_not_on_commit(tmp_path):
    wrapper = _wrapper(tmp_path / "a.sqlite3")
    try:
        assert _pragma(wrapper, "journal_mode") == "wal"
        assert _pragma(wrapper, "wal_autocheckpoint") == 0
        thread = gt_sqlite.checkpointer.ensure(str(tmp_path / "a.sqlite3"))
        assert thread.is_alive() and thread.daemon
    finally:
        wrapper.close()


def test_an_in_memory_database_is_left_as_it_is():
    wrapper = _wrapper(":memory:")
    try:
        assert _pragma(wrapper, "wal_autocheckpoint") == 1000
        assert gt_sqlite.database_file(wrapper.settings_dict) is None
    finally:
        wrapper.close()


def _fill(path, rows):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE IF NOT EXISTS t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * rows)
    return conn


def test_a_checkpoint_copies_the_log_and_a_long_log_is_emptied(tmp_path, monkeypatch):
    path = str(tmp_path / "c.sqlite3")
    conn = _fill(path, 200)
    busy, frames, done = gt_sqlite.checkpoint(path)
    assert busy == 0 and frames > 0 and done == frames
    assert os.path.getsize(path + "-wal") > 0  # passive: copied, the log file stays
    monkeypatch.setattr(gt_sqlite, "RESET_FRAMES", 10)
    conn.executemany("INSERT INTO t VALUES (?)", [("y" * 500,)] * 200)
    busy, frames, done = gt_sqlite.checkpoint(path)
    assert busy == 0 and os.path.getsize(path + "-wal") == 0  # truncated
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 400
    conn.close()
    gone = tmp_path / "moved away.sqlite3"
    with pytest.raises(sqlite3.Error):
        gt_sqlite.checkpoint(str(gone))
    assert not gone.exists()  # never created anew, empty


def test_the_gate_stays_out_of_open_transactions_and_of_memory(tmp_path):
    wrapper = _wrapper(tmp_path / "g.sqlite3")
    try:
        assert gt_sqlite.gate_path(wrapper) == str(tmp_path / "g.sqlite3")
        wrapper.in_atomic_block = True  # what transaction.atomic() sets
        assert gt_sqlite.gate_path(wrapper) is None
    finally:
        wrapper.in_atomic_block = False
        wrapper.close()
    assert gt_sqlite.gate_path(_wrapper(":memory:")) is None


HOLD = """
import sys
from govtrust.core import sqlite
with sqlite.locked(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_the_gate_keeps_another_process_out_until_it_is_released(tmp_path):
    path = str(tmp_path / "p.sqlite3")
    child = subprocess.Popen([sys.executable, "-c", HOLD, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        fd = os.open(path + ".write-lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.wait(timeout=30) == 0
        with gt_sqlite.locked(path):  # free again
            fd = os.open(path + ".write-lock", os.O_RDWR)
            with pytest.raises(BlockingIOError):  # and held by us now
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.close(fd)
    finally:
        child.kill()
