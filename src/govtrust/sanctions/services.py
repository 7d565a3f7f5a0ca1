"""Screening checks (自动比对、自动拦截), feedback, name judgements and listings — every write goes through here.

- `check`: one party in one scene → the stored answer (decision, measures with legal basis, the records and
  listings they rest on, the ledger and measures-list versions).
- `check_batch`: up to 10,000 parties in one call, resolved and stored set-based; a batch with any bad item
  is refused whole, each error naming the item's index.
- `report_feedback`: what the caller did with a check (实施反馈), per measure.
- `judge_not_party`: a person's judgement that a name candidate is not the party.
- `add_listing` / `remove_listing`: parties on other authorities' lists.

Reliefs (从轻 / 免于惩戒) are written in `sanctions.relief`; an answer says what they changed: a mitigated
measure carries a note and the decisions' references (`reliefs`), and `relieved` lists every relief the check
honoured, a measure waived away entirely included.

A check is a read, not a change: it is stored in the check log (who, which system, scene, party, answer)
and not in the audit chain, which would otherwise grow by a thousand events a second. A resident ID is
kept in the log only masked. Every change here (feedback, judgements, listings) is audited.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
from django.db import connection, transaction
from django.utils import timezone, translation

from govtrust.accounts.models import ApiKey
from govtrust.core import access, audit, crypto
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, PermissionDenied, invalid
from govtrust.core.identifiers import check_resident_id, check_uscc, mask_resident_id, normalize_name
from govtrust.core.memory import paused_gc
from govtrust.core.sqlite import write_gate
from govtrust.ledger.bulk import allocate_ids, insert_rows, insert_sql

from .catalog import Rulebook, rulebook, versions
from .models import (
    Check,
    CheckBatch,
    CheckHit,
    Decision,
    Effect,
    Feedback,
    Listing,
    MatchJudgement,
    Outcome,
    PartyKind,
    PartyList,
    Scene,
)
from .parties import Party, Subject, candidates, parse_party, record_details, resolve
from .rules import Hit, decide, evaluate, relieved

MAX_BATCH = 10_000


@cache
def _effect_labels() -> dict[str, str]:
    """In Chinese: the stored answer records what was said, whatever the caller's language."""
    with translation.override("zh-hans"):
        return {e.value: str(e.label) for e in Effect}

CONSOLE_SYSTEM = "govtrust 控制台"


@dataclass(frozen=True)
class Asked:
    """Who asks, through which system, in which scene, and against which versions."""

    scene: Scene
    book: Rulebook
    actor: str
    organization: Any
    system: str
    reference: str
    ledger_version: int
    at: dt.datetime
    today: dt.date


def _scene(principal: Any, book: Rulebook, scene: str) -> Scene:
    found = book.scene(scene)
    if found is None:
        known = "、".join(s.name for s in dict.fromkeys(book.scenes.values()))
        raise invalid([FieldError("scene", f"没有“{scene}”这一场景，可选：{known}", f"unknown scene {scene!r}")])
    if not access.may_check_scene(principal, found):
        raise PermissionDenied(f"无权在“{found.name}”场景发起比对", f"not allowed to check in the scene {found.code}")
    return found


def _asked(principal: Any, scene: str, system: str, reference: str, today: dt.date | None) -> Asked:
    access.require(principal, Perm.CHECKS_RUN)
    ledger_version, measures = versions()
    book = rulebook(measures)
    found = _scene(principal, book, scene)
    if len(reference or "") > 100:
        raise invalid([FieldError("reference", "业务编号不能超过100个字符", "reference longer than 100 characters")])
    name = principal.name if isinstance(principal, ApiKey) else ""
    system = ((system or "").strip() or name or CONSOLE_SYSTEM)[:64]
    now = timezone.now()
    return Asked(found, book, current().actor_label, getattr(principal, "organization", None), system,
                 (reference or "").strip(), ledger_version, now, today or timezone.localdate(now))


# --- answers ----------------------------------------------------------------------------------------------


def _record_out(r: Any, details: dict[int, tuple[str, str]]) -> dict[str, Any]:
    number, authority = details.get(r.id, ("", ""))
    return {"id": r.id, "category": r.category, "category_name": r.category_name, "severity": r.severity,
            "status": r.status, "decision_date": r.decision_date.isoformat(), "document_number": number,
            "authority": authority}


def _listing_out(x: Any) -> dict[str, Any]:
    return {"id": x.id, "list": x.party_list, "list_name": x.list_name, "authority": x.authority,
            "document_number": x.document_number, "listed_on": x.listed_on.isoformat(),
            "listed_until": x.listed_until.isoformat() if x.listed_until else None}


# How a relief changed a measure, said in the stored answer (in Chinese and English, like the other notes).
MITIGATED_NOTES = {
    Effect.BLOCK: ("依据从轻处理决定，由拦截调整为提示", "mitigated by decision: a warning instead of a block"),
    Effect.WARN: ("依据从轻处理决定，由提示限制调整为告知", "mitigated by decision: for information instead of a warning"),
}


def _measure_out(h: Hit, refs: dict[tuple[int, str], str]) -> dict[str, Any]:
    m = h.measure
    out = {"code": m.code, "name": m.name, "kind": m.kind, "effect": h.effect, "effect_label": _effect_labels()[h.effect],
           "legal_basis": m.legal_basis, "implementing_organization": m.implementing_organization,
           "version": m.version, "records": [r.id for r in h.records], "listings": [x.id for x in h.listings]}
    notes: list[tuple[str, str]] = []
    if h.downgraded:
        notes.append(("所依据的记录均在异议处理中，暂不拦截，仅作提示",
                      "every record it rests on is under objection: a warning, not a block, until decided"))
    if h.mitigated:
        notes.append(MITIGATED_NOTES[Effect(m.effect)])
    if h.waived:
        ids = [f"#{r.id}" for r in h.waived]
        notes.append((f"记录{'、'.join(ids)}依据免于惩戒决定，不计入本措施",
                      f"record {', '.join(ids)} exempted by decision: not counted for this measure"))
    if notes:
        out["note"] = "；".join(zh for zh, _en in notes)
        out["note_en"] = "; ".join(en for _zh, en in notes)
    if h.waived or h.reduced:
        out["reliefs"] = sorted({refs[(r.id, m.code)] for r in (*h.waived, *h.reduced)})
    return out


def _evaluate(asked: Asked, subject: Subject) -> tuple[str, list[Hit]]:
    hits = evaluate(asked.book.by_scene.get(asked.scene.code, ()), subject.kind, subject.records, subject.listings,
                    asked.today, subject.relief)
    return decide(hits), hits


def _relieved(asked: Asked, subject: Subject) -> list[dict[str, Any]]:
    """The reliefs this check honoured, so that a measure waived away entirely is accounted for."""
    found = relieved(asked.book.by_scene.get(asked.scene.code, ()), subject.kind, subject.records, asked.today,
                     subject.relief)
    return [{"measure": x.measure, "record": x.record, "relief": x.relief,
             "reference": subject.relief_refs[(x.record, x.measure)]} for x in found]


def _findings(asked: Asked, subject: Subject, hits: list[Hit], details: dict[int, tuple[str, str]]) -> dict[str, Any]:
    records = {r.id: r for h in hits for r in h.records}
    listings = {x.id: x for h in hits for x in h.listings}
    cited = sorted(records.values(), key=lambda r: r.decision_date, reverse=True)
    return {"measures": [_measure_out(h, subject.relief_refs) for h in hits],
            "records": [_record_out(r, details) for r in cited],
            "listings": [_listing_out(x) for x in listings.values()],
            "relieved": _relieved(asked, subject) if subject.relief else []}


def _cited(evaluated: list[tuple[str, list[Hit]]]) -> dict[int, tuple[str, str]]:
    return record_details([r.id for _decision, hits in evaluated for h in hits for r in h.records])


def _base(asked: Asked, party: Party) -> dict[str, Any]:
    return {"scene": {"code": asked.scene.code, "name": asked.scene.name},
            "party": {"kind": party.kind, "shown": party.shown, "name": party.name},
            "ledger_version": asked.ledger_version, "measures_version": asked.book.version,
            "asked_at": asked.at.isoformat(), "system": asked.system, "reference": asked.reference}


def _name_answer(asked: Asked, party: Party) -> tuple[str, dict[str, Any], list[Hit]]:
    """A name alone: candidates with what each would be; never a block (nor a preference) by itself."""
    judged = set(MatchJudgement.objects.filter(name_normalized=party.value, organization=asked.organization)
                 .values_list("candidate_key", flat=True))
    kept, hidden = candidates(party, judged, asked.book, asked.scene.code, asked.today)
    evaluated = [_evaluate(asked, c.subject) for c in kept]
    details = _cited(evaluated)
    listed = [{**c.subject.describe(), "score": c.score, "match": c.match, "matched_name": c.matched_name,
               "reason": c.reason, "reason_en": c.reason_en, "would_be": would_be,
               **_findings(asked, c.subject, hits, details)}
              for c, (would_be, hits) in zip(kept, evaluated, strict=True)]
    restricted = any(c["would_be"] in (Decision.BLOCK, Decision.WARN) for c in listed)
    decision = Decision.WARN.value if restricted else Decision.ALLOW.value
    answer = {**_base(asked, party), "decision": decision, "subject": None, "measures": [], "records": [],
              "listings": [], "relieved": [], "candidates": listed,
              "suppressed": [{**c.subject.describe(), "match": c.match} for c in hidden],
              "note": "仅凭名称不能确定主体，不作拦截；请以统一社会信用代码或公民身份号码核实",
              "note_en": "a name alone does not identify a party and never blocks; verify with a USCC or resident ID"}
    return decision, answer, []


def _answers(asked: Asked, parties: Sequence[Party], subjects: Sequence[Subject | None]
             ) -> list[tuple[str, dict[str, Any], list[Hit]]]:
    """(decision, the stored answer, the hits) per party; the cited records' details read in one query."""
    evaluated = [_evaluate(asked, s) if s is not None else ("", []) for s in subjects]
    details = _cited(evaluated)
    out = []
    for party, subject, (decision, hits) in zip(parties, subjects, evaluated, strict=True):
        if subject is None:
            out.append(_name_answer(asked, party))
        else:
            out.append((decision, {**_base(asked, party), "decision": decision, "subject": subject.describe(),
                                   **_findings(asked, subject, hits, details)}, hits))
    return out


@dataclass(slots=True)
class Answered:
    """A stored check as the caller gets it: the Check row's values without building a model instance
    (a 10,000-party batch spent more in model __init__ than in its queries). `pk` is the check id."""

    asked_at: dt.datetime
    actor: str
    organization_id: int | None
    system: str
    scene: str
    reference: str
    party_kind: str
    party_shown: str
    party_name: str
    subject_key: str
    decision: str
    answer: dict[str, Any]
    ledger_version: int
    measures_version: int
    batch_id: int | None = None
    position: int | None = None
    pk: int | None = None


def _new_check(asked: Asked, party: Party, subject: Subject | None, decision: str, answer: dict[str, Any],
               batch: CheckBatch | None = None, position: int | None = None) -> Answered:
    return Answered(asked.at, asked.actor, getattr(asked.organization, "pk", None), asked.system, asked.scene.code,
                    asked.reference, party.kind, party.shown[:128], (subject.name if subject else party.name)[:128],
                    subject.key if subject else "", decision, answer, asked.ledger_version, asked.book.version,
                    batch.pk if batch else None, position)


CHECK_COLUMNS = ("id", "asked_at", "actor", "organization_id", "system", "scene", "reference", "party_kind",
                 "party_shown", "party_name", "subject_key", "decision", "answer", "ledger_version",
                 "measures_version", "batch_id", "position")
HIT_COLUMNS = ("check_ref_id", "measure", "scene", "effect")


def _check_row(c: Answered, asked_at: Any) -> tuple[Any, ...]:
    """The values of CHECK_COLUMNS after the id."""
    return (asked_at, c.actor, c.organization_id, c.system, c.scene, c.reference, c.party_kind, c.party_shown,
            c.party_name, c.subject_key, c.decision, orjson.dumps(c.answer).decode(), c.ledger_version,
            c.measures_version, c.batch_id, c.position)


def _store(checks: Sequence[Answered], hits: Sequence[Sequence[Hit]]) -> None:
    """Write checks and their hits set-based (ids allocated first), inside the caller's transaction.

    The ORM's save() cost more than the check itself; the columns are those of the model (checked below).
    """
    ids = allocate_ids(len(checks), Check)
    adapt = connection.ops.adapt_datetimefield_value
    asked_at = {at: adapt(at) for at in {c.asked_at for c in checks}}  # one time for a whole batch
    rows, hit_rows = [], []
    for pk, c, found in zip(ids, checks, hits, strict=True):
        c.pk = pk
        rows.append((pk, *_check_row(c, asked_at[c.asked_at])))
        hit_rows += [(pk, h.measure.code, c.scene, h.effect) for h in found]
    insert_rows(Check, CHECK_COLUMNS, rows, {"answer"})
    insert_rows(CheckHit, HIT_COLUMNS, hit_rows, ())


@cache
def _one_check_sql() -> str:
    """PostgreSQL: a check and its hits in one statement, so one round trip that commits by itself. The
    transaction (BEGIN, the id, two inserts, COMMIT) took five round trips, 2.7 of a check's 5.2 ms here."""
    quote = connection.ops.quote_name
    return (f"WITH c AS ({insert_sql(Check, CHECK_COLUMNS[1:], {'answer'})} RETURNING id), "
            f"h AS (INSERT INTO {quote(CheckHit._meta.db_table)} ({', '.join(map(quote, HIT_COLUMNS))}) "
            "SELECT c.id, v.measure, v.scene, v.effect FROM c, "
            "unnest(%s::text[], %s::text[], %s::text[]) AS v(measure, scene, effect)) "
            "SELECT id FROM c")


def _store_one(c: Answered, found: Sequence[Hit]) -> None:
    """Write one check: in one statement on PostgreSQL outside a transaction; else as `_store`, in line."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        with write_gate(), transaction.atomic():
            _store([c], [found])
        return
    row = _check_row(c, connection.ops.adapt_datetimefield_value(c.asked_at))
    with connection.cursor() as cursor:
        cursor.execute(_one_check_sql(), [*row, [h.measure.code for h in found], [c.scene] * len(found),
                                          [h.effect for h in found]])
        c.pk = cursor.fetchone()[0]


def _check_columns() -> None:
    for model, columns in ((Check, CHECK_COLUMNS), (CheckHit, ("id", *HIT_COLUMNS))):
        if {f.column for f in model._meta.concrete_fields} != set(columns):
            raise RuntimeError(f"{model.__name__} columns changed: update sanctions.services")


_check_columns()


def check(principal: Any, *, party: Any, scene: str, system: str = "", reference: str = "",
          today: dt.date | None = None) -> Answered:
    """Answer and store one check; `check.answer` is what the caller receives (with `check.pk` as check id)."""
    asked = _asked(principal, scene, system, reference, today)
    parsed, errors = parse_party(party)
    if parsed is None:
        raise invalid(errors)
    subject = resolve([parsed], asked.book, asked.scene.code, asked.today)[0]
    [(decision, answer, hits)] = _answers(asked, [parsed], [subject])
    stored = _new_check(asked, parsed, subject, decision, answer)
    _store_one(stored, hits)
    return stored


def _parse_batch(parties: Any) -> list[Party]:
    if not isinstance(parties, list) or not parties:
        raise invalid([FieldError("parties", "主体列表不能为空", "the list of parties is empty")])
    if len(parties) > MAX_BATCH:
        raise invalid([FieldError("parties", f"一次最多比对{MAX_BATCH}个主体，本次{len(parties)}个",
                                  f"at most {MAX_BATCH} parties per call, got {len(parties)}")])
    parsed: list[Party] = []
    errors: list[FieldError] = []
    seen: dict[tuple[str, str], int] = {}
    for i, raw in enumerate(parties):
        p, errs = parse_party(raw, prefix=f"parties[{i}]")
        errors += [FieldError(e.field, e.message, e.message_en, row=i) for e in errs]
        if p is None:
            continue
        first = seen.setdefault((p.kind, p.value), i)
        if first != i:
            errors.append(FieldError(f"parties[{i}]", f"与第{first}项重复", f"duplicates item {first}", row=i))
        parsed.append(p)
    if errors:
        raise invalid(errors, "批量比对有误，未作比对", "the batch has errors; nothing was checked")
    return parsed


def check_batch(principal: Any, *, parties: Any, scene: str, system: str = "", reference: str = "",
                today: dt.date | None = None) -> tuple[CheckBatch, list[Answered]]:
    """Answer and store a batch (e.g. every bidder of a tender): one check per party, in the given order."""
    with paused_gc():  # a batch allocates millions of objects and keeps them all (core.memory)
        return _check_batch(principal, parties, scene, system, reference, today)


def _check_batch(principal: Any, parties: Any, scene: str, system: str, reference: str,
                 today: dt.date | None) -> tuple[CheckBatch, list[Answered]]:
    asked = _asked(principal, scene, system, reference, today)
    parsed = _parse_batch(parties)
    subjects = resolve(parsed, asked.book, asked.scene.code, asked.today)
    answered = _answers(asked, parsed, subjects)
    with write_gate(), transaction.atomic():  # single checks wait in line, not in SQLite's busy handler
        batch = CheckBatch.objects.create(asked_at=asked.at, actor=asked.actor, organization=asked.organization,
                                          system=asked.system, scene=asked.scene.code, reference=asked.reference,
                                          size=len(parsed), decisions=dict(Counter(d for d, _a, _h in answered)))
        checks = [_new_check(asked, p, s, d, a, batch, i)
                  for i, (p, s, (d, a, _h)) in enumerate(zip(parsed, subjects, answered, strict=True))]
        _store(checks, [hits for _d, _a, hits in answered])
    return batch, checks


# --- feedback and judgements ------------------------------------------------------------------------------


@transaction.atomic
def report_feedback(principal: Any, check_obj: Check, items: Sequence[dict[str, Any]]) -> list[Feedback]:
    """What the calling system did: per measure of the check ("" for the check as a whole). A repeat replaces."""
    access.require(principal, Perm.CHECKS_RUN, check_obj)
    codes = set(check_obj.hits.values_list("measure", flat=True))
    errors, clean = [], []
    if not items:
        errors.append(FieldError("items", "反馈不能为空", "no feedback given"))
    for i, item in enumerate(items):
        measure, outcome = str(item.get("measure") or ""), item.get("outcome")
        reason = str(item.get("reason") or "").strip()
        if measure and measure not in codes:
            errors.append(FieldError(f"items[{i}].measure", f"本次比对未适用措施{measure}",
                                     f"measure {measure} was not applied in this check", row=i))
        if outcome not in Outcome.values:
            errors.append(FieldError(f"items[{i}].outcome", "实施情况应为已实施或未实施",
                                     "outcome must be applied or not_applied", row=i))
        elif outcome == Outcome.NOT_APPLIED and not reason:
            errors.append(FieldError(f"items[{i}].reason", "未实施须说明原因", "say why it was not applied", row=i))
        clean.append((measure, outcome, reason))
    if len({m for m, _o, _r in clean}) != len(clean):
        errors.append(FieldError("items", "同一措施只能反馈一次", "one item per measure"))
    if errors:
        raise invalid(errors)
    saved = []
    for measure, outcome, reason in clean:
        fb, _created = Feedback.objects.update_or_create(check_ref=check_obj, measure=measure, defaults={
            "scene": check_obj.scene, "outcome": outcome, "reason": reason, "actor": current().actor_label,
            "reported_at": timezone.now()})
        audit.record("feedback", check_obj, after={"measure": measure, "outcome": outcome}, reason=reason)
        saved.append(fb)
    return saved


@transaction.atomic
def judge_not_party(principal: Any, *, name: str, candidate_key: str, reason: str,
                    check_obj: Check | None = None) -> MatchJudgement:
    """Record that the candidate is not the party named `name`; the organization's later checks of that name
    suppress it."""
    access.require(principal, Perm.CHECKS_RUN)
    norm = normalize_name(name)
    errors = []
    if not norm:
        errors.append(FieldError("name", "名称不能为空", "name is required"))
    if not (reason or "").strip():
        errors.append(FieldError("reason", "须说明判断理由", "a reason is required"))
    if candidate_key[:2] not in ("o:", "u:") or len(candidate_key) > 24:
        errors.append(FieldError("candidate_key", "候选主体键无效", "not a candidate key"))
    if errors:
        raise invalid(errors)
    organization = getattr(principal, "organization", None)
    existing = MatchJudgement.objects.filter(name_normalized=norm, candidate_key=candidate_key,
                                             organization=organization).first()
    if existing is not None:
        return existing
    party = Party(PartyKind.NAME, norm, name, name)
    kept, _hidden = candidates(party, set(), rulebook(), "", timezone.localdate())
    found = next((c for c in kept if c.subject.key == candidate_key), None)
    if found is None:
        raise invalid([FieldError("candidate_key", "该主体不是这一名称的候选", "not a candidate for this name")])
    judgement = MatchJudgement.objects.create(
        name_normalized=norm, candidate_key=candidate_key, candidate_name=found.subject.name, reason=reason.strip(),
        actor=current().actor_label, organization=organization, check_ref=check_obj,
        created_at=timezone.now())
    audit.record("create", judgement, after={"name": norm, "candidate": candidate_key}, reason=reason)
    return judgement


# --- listings ---------------------------------------------------------------------------------------------


@transaction.atomic
def add_listing(principal: Any, *, party_list: str, name: str, authority: str, document_number: str,
                listed_on: dt.date, uscc: str = "", resident_id: str = "", listed_until: dt.date | None = None,
                source: Any = None, reason: str = "") -> Listing:
    """Put a party on a list (by USCC or resident ID). The same listing again returns the stored one."""
    source = source or getattr(principal, "organization", None)
    if source is None:
        raise invalid([FieldError("source", "须指定报送单位", "the submitting organization is required")])
    access.require(principal, Perm.LISTINGS_SUBMIT, source)
    errors = []
    found_list = PartyList.objects.filter(code=party_list).first() or PartyList.objects.filter(name=party_list).first()
    if found_list is None:
        known = "、".join(PartyList.objects.values_list("name", flat=True))
        errors.append(FieldError("party_list", f"没有“{party_list}”这一名单，可选：{known}", f"unknown list {party_list!r}"))
    for fname, value, label in (("name", name, "名称"), ("authority", authority, "列入机关"),
                                ("document_number", document_number, "列入文书号")):
        if not (value or "").strip():
            errors.append(FieldError(fname, f"{label}不能为空", f"{fname} is required"))
    uscc_value = rid = ""
    if bool(uscc) == bool(resident_id):
        errors.append(FieldError("uscc", "统一社会信用代码和公民身份号码须填且只填一个",
                                 "give exactly one of USCC and resident ID"))
    elif uscc:
        chk = check_uscc(uscc)
        uscc_value = chk.value
        if not chk:
            errors.append(FieldError("uscc", chk.reason, chk.reason_en))
    else:
        chk = check_resident_id(resident_id)
        rid = chk.value
        if not chk:
            errors.append(FieldError("resident_id", chk.reason, chk.reason_en))
    today = timezone.localdate()
    if listed_on and listed_on > today:
        errors.append(FieldError("listed_on", "列入日期不能晚于今天", "the listing date is in the future"))
    if listed_until and listed_on and listed_until < listed_on:
        errors.append(FieldError("listed_until", "有效期不能早于列入日期", "valid-until is before the listing date"))
    if errors:
        raise invalid(errors)
    digest = crypto.lookup_hash(rid) if rid else ""
    existing = Listing.objects.filter(party_list=found_list, document_number=document_number.strip(), uscc=uscc_value,
                                      resident_id_hash=digest).first()
    if existing is not None:
        return existing
    listing = Listing.objects.create(
        party_list=found_list, name=name.strip(), name_normalized=normalize_name(name), uscc=uscc_value,
        resident_id_encrypted=crypto.encrypt(rid) if rid else "", resident_id_hash=digest,
        resident_id_masked=mask_resident_id(rid) if rid else "", authority=authority.strip(),
        document_number=document_number.strip(), listed_on=listed_on, listed_until=listed_until, source=source)
    audit.record("create", listing, after=audit.snapshot(listing, fields=[
        "party_list", "name", "uscc", "resident_id_masked", "authority", "document_number", "listed_on",
        "listed_until", "source"]), reason=reason)
    return listing


@transaction.atomic
def remove_listing(principal: Any, listing: Listing, *, reason: str, day: dt.date | None = None) -> Listing:
    """Take a party off a list (移出名单), with a reason: its later checks no longer cite the listing."""
    access.require(principal, Perm.LISTINGS_SUBMIT, listing)
    if not (reason or "").strip():
        raise invalid([FieldError("reason", "移出名单须说明理由", "a reason is required")])
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.removed_on is not None:
        raise Conflict("该主体已移出名单", "already removed from the list")
    listing.removed_on, listing.removal_reason = day or timezone.localdate(), reason.strip()
    listing.save(update_fields=["removed_on", "removal_reason"])
    audit.record("remove", listing, after={"removed_on": listing.removed_on}, reason=reason)
    return listing
