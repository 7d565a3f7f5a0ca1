"""How fast civil servants import, next to the bare service call it is built on.

    .venv/bin/python bench/bench_import_subjects.py [--rows 2000] [--reference 2000]

Runs on a throw-away SQLite database in memory unless DATABASE_URL names another one (a scratch
PostgreSQL database: the benchmark migrates it, and rolls back everything it wrote). Prints rows per second of
`run_import` on a CSV of N people, and the per-row cost of calling `create_civil_servant` directly in
the same run, so the overhead of intake (parsing, header mapping, lookups, savepoints) is visible.
Both are timed warm (after a few calls that fill Django's and the key derivation's caches) and inside
one transaction, as the import runs.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govtrust.test_settings")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from govtrust.intake.services import run_import  # noqa: E402
from govtrust.subjects import services  # noqa: E402
from govtrust.testing import factories  # noqa: E402


def people_csv(rows: int, orgs: list) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "公民身份号码", "所在单位统一社会信用代码", "职务", "职级", "状态"])
    for i in range(rows):
        org = orgs[i % len(orgs)]
        writer.writerow([f"人员{i}", factories.resident_id("530102", serial=i, birth=_birth(i)), org.uscc, "科员",
                         "一级科员", "在职"])
    return out.getvalue().encode("gb18030")


def _birth(i: int) -> dt.date:
    return dt.date(1960, 1, 1) + dt.timedelta(days=i // 1000)  # serials repeat every 1,000: vary the birth date


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--reference", type=int, default=2000, help="bare service calls to time (as many as rows: fair)")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        measure(args.rows, args.reference)
        transaction.set_rollback(True)  # leave the database as it was


def measure(rows: int, reference_calls: int) -> None:
    world = factories.World()
    orgs = [world.finance_a, world.credit_a, world.gov_a, world.finance_b, world.gov_b]
    content = people_csv(rows, orgs)

    def reference(count: int, division: str) -> float:
        started = time.perf_counter()
        with transaction.atomic():
            for i in range(count):
                services.create_civil_servant(
                    factories.SYSTEM, name=f"参照{i}", organization=orgs[i % len(orgs)], position="科员",
                    rank="一级科员", resident_id=factories.resident_id(division, serial=i, birth=_birth(i)),
                )
        return (time.perf_counter() - started) / count

    reference(50, "530111")  # warm-up
    started = time.perf_counter()
    result = run_import(factories.SYSTEM, dataset="civil-servants", filename="bench.csv", content=content)
    elapsed = time.perf_counter() - started
    assert result.created == rows, result.rejected[:3]

    per_call = reference(reference_calls, "530103")

    print(f"database: {connection.vendor}")
    print(f"import:   {rows} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s "
          f"({elapsed / rows * 1000:.2f} ms/row)")
    print(f"service:  create_civil_servant alone {per_call * 1000:.2f} ms/row ({1 / per_call:,.0f} rows/s)")
    print(f"overhead: {(elapsed / rows - per_call) * 1000:+.2f} ms/row for reading, mapping, lookups, savepoints")


if __name__ == "__main__":
    main()
