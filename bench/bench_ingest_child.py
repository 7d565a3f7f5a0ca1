"""The phases of bench/ingest.py, each run in its own process (so that peak memory is the phase's own)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from pathlib import Path

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from ingest import generate, peak_mib  # noqa: E402


def prepare_child(csv_path: str, rows: int) -> None:
    call_command("migrate", verbosity=0)
    from govtrust.core.context import acting
    from govtrust.subjects.demo import load_demo

    with acting(actor_label="bench", channel="cli"):
        load_demo()
    print(json.dumps({"categories": generate(Path(csv_path), rows)}))


def floor(csv_path: str) -> None:
    """Map each row to the table's columns (dict lookups for the foreign keys) and insert; nothing checked."""
    from govtrust.core import crypto
    from govtrust.ledger.bulk import Entry, insert_plain
    from govtrust.ledger.models import Category, RegimeRule
    from govtrust.subjects.models import CivilServant, Organization

    orgs = dict(Organization.objects.exclude(uscc=None).values_list("uscc", "id"))
    people = {h: (pk, org) for h, pk, org in CivilServant.objects.values_list("resident_id_hash", "id", "organization_id")}
    categories = {c.name: c for c in Category.objects.all()}
    rule = RegimeRule.objects.values_list("id", flat=True).first()
    now = timezone.now()
    started = time.perf_counter()
    total = 0
    with transaction.atomic():
        with open(csv_path, encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            chunk: list[Entry] = []
            for cells in reader:
                category = categories[cells[0]]
                if cells[2]:
                    org_id = orgs[cells[2]]
                    key, org, person, unit = f"o:{org_id}", org_id, None, org_id
                else:
                    pk, unit = people[crypto.lookup_hash(cells[3])]
                    key, org, person = f"p:{pk}", None, pk
                decided = dt.date.fromisoformat(cells[6])
                chunk.append(Entry(0, key, org, person, unit, cells[1], category.pk, 1, "general", cells[8], cells[4],
                                   cells[5], decided, cells[9], orgs[cells[10]], {}, category.disclosure_scope, rule,
                                   decided, decided))
                if len(chunk) == 2000:
                    insert_plain(chunk, None, now)
                    total += len(chunk)
                    chunk = []
            if chunk:
                insert_plain(chunk, None, now)
                total += len(chunk)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    print(json.dumps({"rows": total, "seconds": seconds, "peak_mib": peak_mib()}))


def pipeline(csv_path: str) -> None:
    """`govtrust import FILE --dataset records --json`, in process (the same code path as the command)."""
    import io

    out = io.StringIO()
    started = time.perf_counter()
    call_command("import", csv_path, dataset="records", json=True, stdout=out,
                 reason="benchmark")
    seconds = time.perf_counter() - started
    result = json.loads(out.getvalue())
    print(json.dumps({"rows": result["total"], "seconds": seconds, "peak_mib": peak_mib(),
                      "created": result["created"], "rejected": result["rejected_count"]}))
