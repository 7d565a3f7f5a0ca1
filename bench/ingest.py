"""Bulk intake of credit records through the real pipeline, next to the floor: a plain bulk insert.

    .venv/bin/python bench/ingest.py [--rows 1000000] [--databases sqlite,postgresql]

For each database: a scratch database (an SQLite file under a temporary folder; a PostgreSQL database
`govtrust_bench_ingest` on 127.0.0.1 that is dropped and created) is migrated and given the demo
subjects. N realistic records are written to a CSV file (GB18030 is what departments send; UTF-8 is
used here, the decoder check is the same work). Then, each in its own process so that peak memory is
its own:
  floor     the same rows inserted into the same two tables with executemany, nothing checked
            (inside a transaction that is rolled back);
  pipeline  `govtrust import FILE --dataset records` as a user runs it: stream, check, resolve subjects,
            choose periods, dedupe, write, audit — one batch, one transaction.
Prints rows per second for both, their ratio, and each phase's peak resident memory.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432/govtrust_bench_ingest"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govtrust.test_settings")
    import django

    django.setup()


def generate(path: Path, rows: int) -> dict[str, int]:
    """N records about the demo's organizations and civil servants, with the demo's generator (streamed)."""
    from govtrust.ledger import demo

    orgs, people, source = demo.subjects()
    counts: dict[str, int] = {}
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for i, (header, row) in enumerate(demo.rows(rows, orgs, people, source, dt.date.today())):
            if i == 0:
                writer.writerow(header)
            writer.writerow(row)
            counts[row[0]] = counts.get(row[0], 0) + 1
    return counts


def prepare(database_url: str, folder: Path, rows: int) -> Path:
    """Migrate a scratch database, load the demo subjects, write the CSV (in a child, with its own Django)."""
    csv_path = folder / f"records-{rows}.csv"
    code = ("import sys; sys.argv=['x']; from bench_ingest_child import prepare_child; "
            f"prepare_child({str(csv_path)!r}, {rows})")
    _child(database_url, code)
    return csv_path


def _child(database_url: str, code: str) -> dict:
    env = os.environ | {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "govtrust.test_settings",
                        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT / 'bench'}"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"child failed: {code}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"rows: {args.rows:,}   machine: {os.cpu_count()} cores   python {sys.version.split()[0]}")
    for vendor in args.databases.split(","):
        with tempfile.TemporaryDirectory(prefix="govtrust-bench-") as tmp:
            folder = Path(tmp)
            url = f"sqlite:///{folder / 'bench.sqlite3'}" if vendor == "sqlite" else PG
            if vendor == "postgresql":
                subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c",
                                "DROP DATABASE IF EXISTS govtrust_bench_ingest", "-c",
                                "CREATE DATABASE govtrust_bench_ingest"], check=True, capture_output=True)
            started = time.perf_counter()
            csv_path = prepare(url, folder, args.rows)
            prepared = time.perf_counter() - started
            floor = _child(url, f"from bench_ingest_child import floor; floor({str(csv_path)!r})")
            pipe = _child(url, f"from bench_ingest_child import pipeline; pipeline({str(csv_path)!r})")
            size = csv_path.stat().st_size / 1048576
            print(f"\n== {vendor}  (set-up and file generation {prepared:.0f} s; file {size:.0f} MiB)")
            print(f"floor     {floor['rows']:>9,} rows in {floor['seconds']:6.1f} s = {floor['rows'] / floor['seconds']:>8,.0f}"
                  f" rows/s   peak {floor['peak_mib']:6.0f} MiB")
            print(f"pipeline  {pipe['rows']:>9,} rows in {pipe['seconds']:6.1f} s = {pipe['rows'] / pipe['seconds']:>8,.0f}"
                  f" rows/s   peak {pipe['peak_mib']:6.0f} MiB   ({pipe['created']:,} created, {pipe['rejected']} rejected)")
            print(f"ratio     pipeline / floor = {floor['seconds'] / pipe['seconds']:.2f}")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
