"""Who a check is about: identifiers parsed and resolved in bulk, and name candidates.

Exact identifiers decide. A USCC resolves to a registered organization (subject key `o:<id>`) or, when the
registry does not hold it, to a market entity known only from lists (`u:<USCC>`); a resident ID resolves
by keyed hash to a civil servant (`p:<id>`) or to a listed person (`h:<hash prefix>`). The records and
listings of every resolved party are read in a few set-based queries, so a 10,000-party batch costs about
as many queries as one check.

A name alone is never an identification: it yields candidates (normalized exact name, former name, fuzzy
with rapidfuzz) with scores and reasons; personal names are not matched at all — too many people share
them, and a person is checked by resident ID.

A civil servant's records may carry reliefs (从轻 / 免于惩戒, `Relief`): they are read in one more query over
the records found, and only when a civil servant (`p:`) has records at all — an organization's check, and a
person's without records, cost what they did before.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Count, Max
from rapidfuzz import fuzz, process

from govtrust.core import bare, crypto
from govtrust.core.errors import FieldError
from govtrust.core.identifiers import check_resident_id, check_uscc, mask_resident_id, normalize_name
from govtrust.ledger.models import CIVIL_SERVANT_KIND, LIVE_STATUSES, Record
from govtrust.subjects.models import CivilServant, Organization, OrganizationName, Region

from .catalog import MARKET_ENTITY, NATURAL_PERSON, Rulebook
from .models import Listing, Measure, PartyKind, PartyList, Relief
from .rules import ListingRow, RecordRow

CHUNK = 500  # identifiers per IN (...) query: well under SQLite's variable limit
FUZZY_CUTOFF = 85
MAX_CANDIDATES = 10
MAX_NAME = 128


@dataclass(frozen=True)
class Party:
    """One party as asked: the identifier kind, its normalized value, and how it may be shown back."""

    kind: str
    value: str
    shown: str
    name: str = ""

    @property
    def lookup(self) -> str:
        """The value matched against the registry: a resident ID only as its keyed hash."""
        return crypto.lookup_hash(self.value) if self.kind == PartyKind.RESIDENT_ID else self.value


def parse_party(raw: Any, prefix: str = "party") -> tuple[Party | None, list[FieldError]]:
    """A party from {"uscc"} or {"resident_id"} or {"name"} (a name may accompany an identifier)."""
    if not isinstance(raw, dict):
        return None, [FieldError(prefix, "应为对象，如 {\"uscc\": \"…\"}", 'must be an object such as {"uscc": "…"}')]
    uscc, rid = str(raw.get("uscc") or "").strip(), str(raw.get("resident_id") or "").strip()
    name = str(raw.get("name") or "").strip()
    if uscc and rid:
        return None, [FieldError(prefix, "统一社会信用代码和公民身份号码只能填一个",
                                 "give either a USCC or a resident ID, not both")]
    if len(name) > MAX_NAME:
        return None, [FieldError(f"{prefix}.name", f"名称不能超过{MAX_NAME}个字符", f"name longer than {MAX_NAME}")]
    if uscc:
        chk = check_uscc(uscc)
        if not chk:
            return None, [FieldError(f"{prefix}.uscc", chk.reason, chk.reason_en)]
        return Party(PartyKind.USCC, chk.value, chk.value, name), []
    if rid:
        chk = check_resident_id(rid)
        if not chk:
            return None, [FieldError(f"{prefix}.resident_id", chk.reason, chk.reason_en)]
        return Party(PartyKind.RESIDENT_ID, chk.value, mask_resident_id(chk.value), name), []
    if normalize_name(name):
        return Party(PartyKind.NAME, normalize_name(name), name, name), []
    return None, [FieldError(prefix, "须提供统一社会信用代码、公民身份号码或名称",
                             "a USCC, a resident ID or a name is required")]


@dataclass
class Subject:
    """A resolved party with what the engine needs: kind, records, listings."""

    key: str
    kind: str
    name: str
    found: bool  # in the registry or on a list
    region: str = ""
    uscc: str = ""
    records: list[RecordRow] = field(default_factory=list)
    listings: list[ListingRow] = field(default_factory=list)
    # Reliefs in force for its records, by (record id, measure code): the relief (what the engine reads) and
    # the reference of the decision that granted it (what the answer names).
    relief: dict[tuple[int, str], str] = field(default_factory=dict)
    relief_refs: dict[tuple[int, str], str] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "name": self.name, "found": self.found, "region": self.region,
                "uscc": self.uscc}


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


def _day(value: Any) -> dt.date | None:
    """A date from a bare cursor: SQLite gives ISO text, psycopg a date."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _rows(sql: str, values: Sequence[Any], extra: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
    """The rows of `sql` for each chunk of `values`, which fill its `{ph}` list of placeholders (none for none).

    The hot path of a check reads on the driver's cursor (`core.bare`): the ORM's query building, and then
    Django's cursor wrapper, cost more than the queries. (One array parameter on PostgreSQL, `IN (SELECT
    unnest(%s))`, made a single check 40 % slower and a batch no faster: measured, not kept.)"""
    for chunk in _chunks(values):
        yield from bare.fetch(sql.format(ph=", ".join(["%s"] * len(chunk))), [*chunk, *extra])


@cache
def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def records_of(keys: Sequence[str], book: Rulebook, scene: str, today: dt.date) -> dict[str, list[RecordRow]]:
    """The live records of these subjects in the categories the scene's measures look at, by subject key.

    Repaired, revoked and expired records never count, nor one past its disclosure end that the daily expiry
    scan has not reached yet. Read from the covering index `record_subject` alone: at a million records the
    table rows' pages were most of a check's cost."""
    read = sorted(book.read_by_scene.get(scene, ()))
    wanted = sorted({k for k in keys if k[:2] in ("o:", "p:")})
    if not read or not wanted:
        return {}
    sql = (f"SELECT subject_key, id, category_id, severity, status, decision_date FROM {_table(Record)} "
           f"WHERE subject_key IN ({{ph}}) AND status IN ({', '.join(['%s'] * len(LIVE_STATUSES))}) "
           f"AND category_id IN ({', '.join(['%s'] * len(read))}) AND (disclosure_end IS NULL OR disclosure_end > %s)")
    found: dict[str, list[RecordRow]] = {}
    categories = book.categories
    day_value = connection.ops.adapt_datefield_value(today)
    for key, pk, category, severity, status, day in _rows(sql, wanted, [*LIVE_STATUSES, *read, day_value]):
        code, name, polarity = categories[category]
        found.setdefault(key, []).append(RecordRow(pk, code, name, polarity, severity, status, _day(day)))
    return found


def reliefs_of(record_ids: Sequence[int], today: dt.date) -> dict[tuple[int, str], tuple[str, str]]:
    """The reliefs in force on `today` for these records: (record id, measure code) → (relief, reference).

    In force: granted on or before `today` and not lifted by then (a relief lifted today no longer counts
    today; a check asked as of an earlier day sees what was in force that day). Read through the foreign
    key's index on the record; at most one row per record and measure is in force (the partial unique
    constraint), the newest grant winning should a backdated one overlap."""
    if not record_ids:
        return {}
    day = connection.ops.adapt_datefield_value(today)
    sql = (f"SELECT r.record_id, m.code, r.relief, r.reference FROM {_table(Relief)} r "
           f"JOIN {_table(Measure)} m ON m.id = r.measure_id WHERE r.record_id IN ({{ph}}) "
           f"AND r.granted_on <= %s AND (r.lifted_on IS NULL OR r.lifted_on > %s) ORDER BY r.granted_on, r.id")
    return {(pk, code): (relief, reference)
            for pk, code, relief, reference in _rows(sql, sorted(set(record_ids)), [day, day])}


def _attach_reliefs(subjects: Iterable[Subject | None], today: dt.date) -> None:
    """Fill the reliefs of the civil servants among `subjects` that have records (one query for all)."""
    people = [s for s in subjects if s is not None and s.records and s.key.startswith("p:")]
    if not people:
        return
    found = reliefs_of([r.id for s in people for r in s.records], today)
    if not found:
        return
    by_record: dict[int, list[tuple[str, str, str]]] = {}
    for (pk, code), (relief, reference) in found.items():
        by_record.setdefault(pk, []).append((code, relief, reference))
    for s in people:
        for r in s.records:
            for code, relief, reference in by_record.get(r.id, ()):
                s.relief[(r.id, code)] = relief
                s.relief_refs[(r.id, code)] = reference


def record_details(ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """(document number, deciding authority) of the records an answer cites."""
    sql = f"SELECT id, document_number, authority FROM {_table(Record)} WHERE id IN ({{ph}})"
    return {pk: (number, authority) for pk, number, authority in _rows(sql, sorted(set(ids)))}


def _listings(field_name: str, values: Sequence[str]) -> dict[str, list[ListingRow]]:
    sql = (f"SELECT l.{field_name}, l.id, pl.code, pl.name, l.authority, l.document_number, l.listed_on, "
           f"l.listed_until FROM {_table(Listing)} l JOIN {_table(PartyList)} pl ON pl.id = l.party_list_id "
           f"WHERE l.{field_name} IN ({{ph}}) AND l.{field_name} > '' AND l.removed_on IS NULL")
    found: dict[str, list[ListingRow]] = {}
    for value, pk, code, name, authority, number, listed_on, until in _rows(sql, sorted(set(values))):
        found.setdefault(value, []).append(ListingRow(pk, code, name, authority, number, _day(listed_on), _day(until)))
    return found


def resolve(parties: Sequence[Party], book: Rulebook, scene: str, today: dt.date) -> list[Subject | None]:
    """Each identified party as a Subject with its records and listings; None for a name-only party."""
    usccs = sorted({p.lookup for p in parties if p.kind == PartyKind.USCC})
    hashes = sorted({p.lookup for p in parties if p.kind == PartyKind.RESIDENT_ID})
    orgs = {uscc: (f"o:{pk}", kind, name, True, region, uscc) for pk, uscc, name, kind, region in _rows(
        f"SELECT o.id, o.uscc, o.name, o.kind, g.name FROM {_table(Organization)} o "
        f"JOIN {_table(Region)} g ON g.id = o.region_id WHERE o.uscc IN ({{ph}})", usccs)}
    people = {digest: (f"p:{pk}", CIVIL_SERVANT_KIND, name, True, region, "") for pk, digest, name, region in _rows(
        f"SELECT p.id, p.resident_id_hash, p.name, g.name FROM {_table(CivilServant)} p "
        f"JOIN {_table(Organization)} o ON o.id = p.organization_id JOIN {_table(Region)} g ON g.id = o.region_id "
        f"WHERE p.resident_id_hash IN ({{ph}})", hashes)}
    listed = _listings("uscc", usccs) | _listings("resident_id_hash", hashes)
    subjects: list[Subject | None] = []
    for p in parties:
        if p.kind == PartyKind.NAME:
            subjects.append(None)
            continue
        lookup = p.lookup
        known = (orgs if p.kind == PartyKind.USCC else people).get(lookup)
        lst = listed.get(lookup, [])
        if known is not None:  # registered: an organization by USCC, a civil servant by resident ID
            subjects.append(Subject(*known, listings=lst))
        elif p.kind == PartyKind.USCC:  # not in the registry: a company (or village) by USCC
            subjects.append(Subject(f"u:{p.value}", MARKET_ENTITY, p.name, bool(lst), uscc=p.value, listings=lst))
        else:  # a person by resident ID
            subjects.append(Subject(f"h:{lookup[:22]}", NATURAL_PERSON, p.name, bool(lst), listings=lst))
    recs = records_of([s.key for s in subjects if s is not None], book, scene, today)
    for s in subjects:
        if s is not None:
            s.records = recs.get(s.key, [])
    _attach_reliefs(subjects, today)
    return subjects


# --- name candidates -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    subject: Subject
    score: float
    match: str  # name_exact | former_name | listing_name | fuzzy
    matched_name: str
    reason: str
    reason_en: str


class _NameIndex:
    """Every organization name, former name and listed organization's name, normalized, for fuzzy search.

    Kept per process; persons on lists are left out (personal names are not matched).

    Rebuilt when the registry or the lists change (counts and highest ids), so a new organization is a
    candidate in the next check.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple[Any, ...] = ()
        self.names: list[str] = []
        self.owners: list[tuple[str, str]] = []  # (kind of row, identifier) per name

    @staticmethod
    def stamp() -> tuple[Any, ...]:
        """Counts and highest ids, the latest organization change (renames), the listings still in force."""
        return (tuple(Organization.objects.aggregate(n=Count("id"), m=Max("id"), t=Max("updated_at")).values()),
                tuple(OrganizationName.objects.aggregate(n=Count("id"), m=Max("id")).values()),
                tuple(Listing.objects.filter(removed_on__isnull=True).aggregate(n=Count("id"), m=Max("id")).values()))

    def current(self) -> _NameIndex:
        stamp = self.stamp()
        if stamp != self._stamp:
            with self._lock:
                names, owners = [], []
                for pk, norm in Organization.objects.values_list("id", "name_normalized"):
                    names.append(norm)
                    owners.append(("org", str(pk)))
                for pk, norm in OrganizationName.objects.values_list("organization_id", "name_normalized"):
                    names.append(norm)
                    owners.append(("org", str(pk)))
                for uscc, norm in Listing.objects.filter(removed_on__isnull=True).exclude(uscc="").values_list(
                        "uscc", "name_normalized"):
                    names.append(norm)
                    owners.append(("uscc", uscc))
                self.names, self.owners, self._stamp = names, owners, stamp
        return self


_index = _NameIndex()


def _org_subjects(ids: Iterable[int]) -> dict[int, Subject]:
    return {pk: Subject(f"o:{pk}", kind, name, True, region, uscc or "")
            for pk, name, kind, region, uscc in Organization.objects.filter(pk__in=set(ids)).values_list(
                "id", "name", "kind", "region__name", "uscc")}


def candidates(party: Party, suppressed: set[str], book: Rulebook, scene: str, today: dt.date
               ) -> tuple[list[Candidate], list[Candidate]]:
    """(candidates, suppressed candidates) for a name, best first, each with its records and listings."""
    norm = party.value
    found: dict[str, Candidate] = {}

    def offer(subject: Subject, score: float, match: str, matched: str, reason: str, reason_en: str) -> None:
        if subject.key not in found or found[subject.key].score < score:
            found[subject.key] = Candidate(subject, score, match, matched, reason, reason_en)

    exact = _org_subjects(Organization.objects.filter(name_normalized=norm).values_list("id", flat=True))
    for s in exact.values():
        offer(s, 1.0, "name_exact", s.name, "名称规范化后完全一致", "same name after normalization")
    former = list(OrganizationName.objects.filter(name_normalized=norm).values_list("organization_id", "name",
                                                                                    "used_until"))
    former_orgs = _org_subjects(pk for pk, _n, _u in former)
    for pk, name, until in former:
        when = f"（使用至{until}）" if until else ""
        offer(former_orgs[pk], 0.95, "former_name", name, f"与曾用名“{name}”一致{when}",
              f"matches the former name {name}" + (f" (used until {until})" if until else ""))
    index = _index.current()
    hits = process.extract(norm, index.names, scorer=fuzz.ratio, limit=MAX_CANDIDATES * 3, score_cutoff=FUZZY_CUTOFF)
    fuzzy_orgs = _org_subjects(int(index.owners[i][1]) for _n, _s, i in hits if index.owners[i][0] == "org")
    for matched, score, i in hits:
        kind, ident = index.owners[i]
        if kind == "org":
            if score < 100:
                offer(fuzzy_orgs[int(ident)], round(score / 100 * 0.9, 3), "fuzzy", matched,
                      f"名称相似（相似度{score:.0f}%）", f"similar name ({score:.0f}% alike)")
            continue
        subject = _listed_subject(ident)
        if subject is not None:
            exact_name = score >= 100
            offer(subject, 0.9 if exact_name else round(score / 100 * 0.85, 3),
                  "listing_name" if exact_name else "fuzzy", subject.name,
                  "与名单所载名称一致" if exact_name else f"与名单所载名称相似（相似度{score:.0f}%）",
                  "same name as on a list" if exact_name else f"similar to a listed name ({score:.0f}% alike)")
    ranked = sorted(found.values(), key=lambda c: (-c.score, c.subject.key))
    kept = [c for c in ranked if c.subject.key not in suppressed][:MAX_CANDIDATES]
    hidden = [c for c in ranked if c.subject.key in suppressed]
    _fill([c.subject for c in kept + hidden], book, scene, today)
    return kept, hidden


def _listed_subject(uscc: str) -> Subject | None:
    """The party behind a listed USCC: the registered organization if there is one, else the market entity."""
    org = Organization.objects.filter(uscc=uscc).values_list("id", flat=True).first()
    if org is not None:
        return _org_subjects([org])[org]
    name = Listing.objects.filter(uscc=uscc, uscc__gt="", removed_on__isnull=True).values_list("name", flat=True).first()
    return None if name is None else Subject(f"u:{uscc}", MARKET_ENTITY, name, True, uscc=uscc)


def _fill(subjects: Sequence[Subject], book: Rulebook, scene: str, today: dt.date) -> None:
    """Read the records and listings of candidates (a name check reads them for each candidate)."""
    recs = records_of([s.key for s in subjects], book, scene, today)
    listed = _listings("uscc", [s.uscc for s in subjects if s.uscc])
    for s in subjects:
        s.records = recs.get(s.key, [])
        s.listings = listed.get(s.uscc, [])
    _attach_reliefs(subjects, today)  # candidates are organizations: nothing to read
