"""A scratch database for a benchmark: an SQLite file in the work folder, or a PostgreSQL database on 127.0.0.1
(trust auth) dropped and created afresh — unless `reuse`, to measure what an earlier run built."""

from __future__ import annotations

import subprocess
from pathlib import Path


def scratch_database(vendor: str, folder: Path, stem: str, pg_name: str, reuse: bool = False) -> str:
    """The database URL for `vendor` ("sqlite" or "postgresql"), emptied first unless `reuse`."""
    path = folder / f"{stem}.sqlite3"
    if not reuse:
        if vendor == "postgresql":
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {pg_name}",
                            "-c", f"CREATE DATABASE {pg_name}"], check=True, capture_output=True)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}" if vendor == "sqlite" else f"postgres://postgres@127.0.0.1:5432/{pg_name}"
