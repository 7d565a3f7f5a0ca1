"""Set-based writing of validated records: the ledger's one door for bulk intake.

Intake hands over chunks of validated rows (`Entry`); this module decides, per chunk and with one query,
which rows are new, which change an existing record (same natural key, different content: a new
revision) and which change nothing, then writes with `executemany` — no model instances, no per-row
queries. Record ids are allocated up front (a sequence on PostgreSQL; on SQLite the write lock taken at
BEGIN IMMEDIATE makes max(id) safe), so revisions can point at new records in the same pass.

`insert_plain` is the floor the benchmark compares against: the same rows into the same tables with
nothing checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson
from django.db import connection

from .models import Record, RecordStatus, Revision, RevisionKind


class Entry(NamedTuple):
    """One validated row, ready for the ledger. A tuple: it crosses from the reader process cheaply."""

    row: int
    subject_key: str
    organization_id: int | None
    person_id: int | None
    unit_id: int
    subject_name: str
    category_id: int
    category_version: int
    severity: str
    facts: str
    document_number: str
    authority: str
    decision_date: dt.date
    legal_basis: str
    source_id: int
    data: dict[str, Any]
    disclosure_scope: str
    regime_rule_id: int | None
    repair_from: dt.date | None
    disclosure_end: dt.date | None
    content_json: str = ""
    content_hash: str = ""

    def seal(self) -> Entry:
        """Serialize the content and hash what the source said, once (in the reader process, when there is one)."""
        return self._replace(content_json=_ENCODE(self.content()), content_hash=self.source_hash())

    def natural_key(self) -> tuple[int, str, int, str]:
        return self.source_id, self.document_number, self.category_id, self.subject_key

    def source_hash(self) -> str:
        """What a re-import compares: only what the source states (not the catalog version, not the name the
        registry gives the subject, not periods the platform derives), so that neither a catalog edit nor a
        correction made here turns a re-sent unchanged file into revisions."""
        stated = (self.severity, self.facts, self.authority, self.decision_date, self.legal_basis,
                  sorted(self.data.items()))
        return hashlib.md5(repr(stated).encode(), usedforsecurity=False).hexdigest()

    def content(self) -> dict[str, Any]:
        """What a revision keeps: the record's whole content at that revision."""
        decided = self.decision_date.isoformat()
        return {
            "subject_name": self.subject_name, "category_version": self.category_version, "severity": self.severity,
            "facts": self.facts, "authority": self.authority, "decision_date": decided,
            "legal_basis": self.legal_basis, "data": self.data, "disclosure_scope": self.disclosure_scope,
            "regime_rule": self.regime_rule_id, "disclosure_start": decided,
            "repair_from": self.repair_from.isoformat() if self.repair_from else None,
            "disclosure_end": self.disclosure_end.isoformat() if self.disclosure_end else None,
        }


def _ENCODE(content: dict[str, Any]) -> str:
    """Compact JSON, non-ASCII kept: orjson, about seven times faster than the standard encoder (a million
    revisions' content per benchmark run). Content holds only strings, integers and None."""
    return orjson.dumps(content).decode()


@dataclass
class Outcome:
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    digest: Any = field(default_factory=hashlib.sha256)  # over (id, revision, hash) of every row written

    def add(self, other: Outcome) -> None:
        self.created += other.created
        self.revised += other.revised
        self.unchanged += other.unchanged


# The record columns a row brings itself, in the order `row_values` gives them; RECORD_COLUMNS adds the id
# (allocated by the writer), the batch and the times.
ROW_COLUMNS = ("subject_key", "organization_id", "person_id", "unit_id", "subject_name", "category_id",
               "category_version", "severity", "facts", "document_number", "authority", "decision_date",
               "legal_basis", "source_id", "data", "disclosure_scope", "regime_rule_id", "disclosure_start",
               "repair_from", "disclosure_end", "status", "revision", "content_hash")
RECORD_COLUMNS = ("id", *ROW_COLUMNS, "batch_id", "created_at", "updated_at")
REVISION_COLUMNS = ("record_id", "number", "kind", "status", "content", "reason", "actor", "channel", "batch_id",
                    "recorded_at")
_ROW_UPDATED = ("subject_name", "category_version", "severity", "facts", "authority", "legal_basis", "data",
                "disclosure_scope", "regime_rule_id", "repair_from", "disclosure_end", "content_hash")
_UPDATED = (*_ROW_UPDATED, "revision", "batch_id", "updated_at")
_ROW_UPDATED_AT = operator.itemgetter(*(ROW_COLUMNS.index(c) for c in _ROW_UPDATED))
_JSON = {"data", "content"}


def _check_columns() -> None:
    """The column lists above must name every column of the tables (a model change must update them)."""
    for model, columns in ((Record, RECORD_COLUMNS), (Revision, ("id", *REVISION_COLUMNS))):
        actual = {f.column for f in model._meta.concrete_fields}
        if actual != set(columns):
            raise RuntimeError(f"{model.__name__} columns changed: {sorted(actual ^ set(columns))}")


_check_columns()


def _placeholders(columns: Sequence[str], json_columns: Collection[str]) -> str:
    json_ph = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    return ", ".join(json_ph if c in json_columns else "%s" for c in columns)


def insert_sql(model: Any, columns: Sequence[str], json_columns: Collection[str] = _JSON) -> str:
    """A plain INSERT of `columns` into the model's table, JSON columns cast on PostgreSQL (for executemany)."""
    quote = connection.ops.quote_name
    return (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
            f"VALUES ({_placeholders(columns, json_columns)})")


def insert_rows(model: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                json_columns: Collection[str] = _JSON) -> None:
    """Insert `rows` of `columns` in the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

    A 10,000-party batch check writes 10,000 checks of about 3 KB of JSON each; psycopg's pipelined
    executemany spent about 0.6 s on them, COPY a fraction of that (docs/benchmarks.md)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
                                    "FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(insert_sql(model, columns, json_columns), rows)


def allocate_ids(count: int, model: Any = Record) -> list[int]:
    """`count` fresh ids of the model's table, safe against concurrent writers on either database."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
                           [count])
            return [r[0] for r in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # under SQLite's write lock (IMMEDIATE)
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


# PostgreSQL plans each chunk's lookup from the table's statistics, which a long batch makes stale: importing
# into an empty or small ledger, the planner keeps reading every record of the source organization per chunk
# (the natural key's first column only) and the batch turns quadratic — a million rows took 715 s instead of
# about 200. ANALYZE inside the batch's transaction counts the batch's own rows; it runs each time the batch
# has doubled since the last one (20k, 40k, … rows: ten times for ten million, about half a second each).
ANALYZE_FROM = 20_000


class Writer:
    """Writes the chunks of one batch: one instance per batch, inside the batch's transaction."""

    def __init__(self, batch_id: int | None, actor: str, channel: str, reason: str, now: dt.datetime,
                 unique_keys: bool = False):
        """`unique_keys`: the caller guarantees that no two entries of the batch share a natural key (the
        records intake refuses duplicates inside a file). Then a source organization with no records when the
        batch first meets it can have none to compare with, and its chunks skip the lookup of stored keys —
        the first import of a department's file, the common case at scale. The unique natural-key index still
        stands behind it: a concurrent batch of the same source fails rather than duplicating."""
        self.batch_id, self.actor, self.channel, self.reason = batch_id, actor, channel, reason
        self.unique_keys = unique_keys
        self._sources: dict[int, bool] = {}  # source id → had records when this batch first met it
        ops = connection.ops
        self.now = ops.adapt_datetimefield_value(now)
        self.date = db_date()  # no per-value backend call
        self.outcome = Outcome()
        self._record_sql = insert_sql(Record, RECORD_COLUMNS)
        self._revision_sql = insert_sql(Revision, REVISION_COLUMNS)
        quote = ops.quote_name
        sets = ", ".join(f"{quote(c)} = {'%s::jsonb' if c in _JSON and connection.vendor == 'postgresql' else '%s'}"
                         for c in _UPDATED)
        self._update_sql = f"UPDATE {quote(Record._meta.db_table)} SET {sets} WHERE id = %s"
        self._written = self._analyzed_at = 0

    def write(self, entries: Sequence[Entry | Wired]) -> Outcome:
        """Write one chunk: Entries, or the plain tuples `wire` made of them in the reader process."""
        chunk = Outcome()
        items = [e if type(e) is tuple else wire(e, self.date) for e in entries]
        existing = self._existing(items)
        new_rows, revisions, updates = [], [], []
        fresh = sum(1 for item in items if item[0] not in existing)
        ids = iter(allocate_ids(fresh)) if fresh else iter(())
        digest = self.outcome.digest
        batch, now = self.batch_id, self.now
        for key, content_hash, content, values in items:
            found = existing.get(key)
            if found is None:
                record_id, number, kind = next(ids), 1, RevisionKind.CREATE
                new_rows.append((record_id, *values, batch, now, now))
                status = RecordStatus.ACTIVE
                chunk.created += 1
            elif found[1] == content_hash:
                chunk.unchanged += 1
                continue
            else:
                record_id, number, kind, status = found[0], found[2] + 1, RevisionKind.REIMPORT, found[3]
                updates.append((*_ROW_UPDATED_AT(values), number, batch, now, record_id))
                chunk.revised += 1
            revisions.append((record_id, number, kind, status, content, self.reason, self.actor, self.channel,
                              batch, now))
            digest.update(f"{record_id}:{number}:{content_hash};".encode())
        with connection.cursor() as cursor:
            if new_rows:
                cursor.executemany(self._record_sql, new_rows)
            if updates:
                cursor.executemany(self._update_sql, updates)
            if revisions:
                cursor.executemany(self._revision_sql, revisions)
            self._written += len(new_rows)
            if connection.vendor == "postgresql" and self._written >= max(ANALYZE_FROM, 2 * self._analyzed_at):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Record._meta.db_table)}")
                self._analyzed_at = self._written
        self.outcome.add(chunk)
        return chunk

    def _existing(self, items: list[Wired]) -> dict[tuple[int, str, int, str], tuple[int, str, int, str]]:
        """The stored records that share a natural key with the chunk: key → (id, hash, revision, status)."""
        sources = sorted({key[0] for key, *_ in items})
        if self.unique_keys:
            new = [s for s in sources if s not in self._sources]
            if new:
                had = set(Record.objects.filter(source_id__in=new).order_by().values_list("source_id", flat=True)
                          .distinct())
                self._sources.update((s, s in had) for s in new)
            sources = [s for s in sources if self._sources[s]]
            if not sources:
                return {}
        docs = sorted({key[1] for key, *_ in items if key[0] in sources})
        found = Record.objects.filter(document_number__in=docs, source_id__in=sources).order_by().values_list(
            "source_id", "document_number", "category_id", "subject_key", "id", "content_hash", "revision", "status")
        return {(s, d, c, k): (i, h, r, st) for s, d, c, k, i, h, r, st in found.iterator(chunk_size=5000)}


# What crosses from the reader process to the writer: (natural key, content hash, content JSON, row values).
Wired = tuple[tuple[int, str, int, str], str, str, tuple[Any, ...]]


def db_date() -> Any:
    """How the database takes a date from executemany: ISO text for SQLite, the date itself for psycopg."""
    return _iso if connection.vendor == "sqlite" else _same


def row_values(e: Entry, date: Any, content_hash: str | None = None) -> tuple[Any, ...]:
    """The record's own column values (ROW_COLUMNS), converted as the database takes them (`content_hash`:
    the entry's source hash when it is not sealed)."""
    decided = date(e.decision_date)
    return (e.subject_key, e.organization_id, e.person_id, e.unit_id, e.subject_name, e.category_id,
            e.category_version, e.severity, e.facts, e.document_number, e.authority, decided, e.legal_basis,
            e.source_id, _json(e.data), e.disclosure_scope, e.regime_rule_id, decided, date(e.repair_from),
            date(e.disclosure_end), RecordStatus.ACTIVE.value, 1, content_hash or e.content_hash)


def wire(e: Entry, date: Any) -> Wired:
    """An entry as plain tuples with every per-row conversion done: made in the reader process, they pickle
    in C and the writer rebuilds no objects (a million NamedTuples cost the writer about 15 s to unpickle)."""
    if e.content_json:
        return e.natural_key(), e.content_hash, e.content_json, row_values(e, date)
    stated = e.source_hash()  # computed here rather than through seal(): no sealed copy of the entry is made
    return e.natural_key(), stated, _ENCODE(e.content()), row_values(e, date, stated)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _same(day: dt.date | None) -> dt.date | None:
    return day


def _json(data: dict[str, Any]) -> str:
    return _ENCODE(data) if data else "{}"


def insert_plain(entries: list[Entry], batch_id: int | None, now: dt.datetime) -> None:
    """The benchmark's floor: the same two inserts per row, with no lookup, no hashing, no checks."""
    writer = Writer(batch_id, "bench", "cli", "", now)
    ids = allocate_ids(len(entries))
    rows, revisions = [], []
    for record_id, e in zip(ids, entries, strict=True):
        rows.append((record_id, *row_values(e, writer.date), batch_id, writer.now, writer.now))
        revisions.append((record_id, 1, RevisionKind.CREATE.value, RecordStatus.ACTIVE.value, _ENCODE(e.content()),
                          "", "bench", "cli", batch_id, writer.now))
    with connection.cursor() as cursor:
        cursor.executemany(writer._record_sql, rows)
        cursor.executemany(writer._revision_sql, revisions)
