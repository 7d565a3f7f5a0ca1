"""Concurrent writers never fork the chain: they serialize on the AuditHead row (SELECT … FOR UPDATE).

PostgreSQL only: the in-memory SQLite test database is one connection, so threads cannot write to it
side by side (on a file, SQLite serializes writers at BEGIN IMMEDIATE anyway). CI's PostgreSQL pass
runs this test.
"""

import itertools
import threading
import time

import pytest
from django.db import connection, transaction

from govtrust.core import audit
from govtrust.core.context import acting
from govtrust.core.models import AuditEvent, AuditHead

WRITERS, ROUNDS = 8, 12


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: concurrent connections with row locks (CI's PostgreSQL pass)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_append_one_unforked_chain():
    start = threading.Barrier(WRITERS)
    failures = []

    def writer(n):
        try:
            start.wait()
            for i in range(ROUNDS):
                changes = [audit.Change("touch", "core.test", f"{n}-{i}-{j}") for j in range(1 + i % 3)]
                with acting(actor_label=f"worker:{n}", channel="job"), transaction.atomic():
                    audit.record_many(changes)
                    time.sleep(0.001)  # hold the head lock a moment, as a real transaction would
        except Exception as exc:  # collected and asserted on below, in the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert failures == []
    expected = WRITERS * sum(1 + i % 3 for i in range(ROUNDS))
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, expected + 1))
    assert AuditEvent.objects.values("object_id").distinct().count() == expected
    assert AuditEvent.objects.values("prev_hash").distinct().count() == expected  # no two events share a parent
    result = audit.verify()
    assert result.ok and result.checked == expected
    assert (AuditHead.objects.get().seq, AuditHead.objects.get().hash) == (result.head.seq, result.head.hash)
    # The writers really overlapped: their batches interleave in the chain.
    actors = list(AuditEvent.objects.order_by("seq").values_list("actor", flat=True))
    assert sum(a != b for a, b in itertools.pairwise(actors)) >= WRITERS
