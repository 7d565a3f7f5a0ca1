"""The tamper-evident audit chain.

Every change of domain data, every unmasked read of personal data and every console login appends one
AuditEvent. Each event's hash is HMAC-SHA256(key, prev_hash || canonical content), with a key that
lives in the settings and never in the database, so someone who can write to the database but does
not hold the key cannot forge a consistent chain after changing, deleting, inserting or reordering
rows. Cutting off the tail and rewriting the AuditHead row to match is caught against a checkpoint
(seq, hash) kept outside the database (`govtrust audit checkpoint`); see docs/adr/0004-audit-chain.md.

Appending locks the single AuditHead row (SELECT … FOR UPDATE on PostgreSQL; SQLite serializes
writers with BEGIN IMMEDIATE), so concurrent writers never fork the chain. Call `record` inside the
same transaction as the change it describes: both commit, or neither does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import access
from .access import Perm
from .context import current
from .crypto import derived_key
from .errors import FieldError, ServiceError, field_error, invalid
from .models import GENESIS_HASH, AuditEvent, AuditHead

# Fields never copied into the trail (ciphertexts, hashes, secrets); masked forms are kept instead.
SECRET_FIELDS = {"password", "resident_id_encrypted", "resident_id_hash", "key_hash"}

# Actions that need no reason even in the console: the acting person states nothing when logging in.
NO_REASON_ACTIONS = {"login", "login_failed", "logout"}

CHECKPOINTS_FILE_NAME = "audit-checkpoints"


# ------------------------------------------------------------------------------------- canonical form

def _key() -> bytes:
    if settings.AUDIT_KEY:
        return settings.AUDIT_KEY.encode()
    return derived_key("audit-chain")


def _jsonable(value: Any) -> Any:
    """Normalize to what the JSON column gives back, so the hash is the same before and after storage.

    NaN and infinities are refused here rather than by PostgreSQL's jsonb later, so both databases
    behave alike.
    """
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, allow_nan=False))


def _number(value: int | float) -> str:
    """A number by its decimal value: jsonb stores numbers as decimals and prints them its own way
    (1e+16 comes back as the integer 10000000000000000, -0.0 as 0.0), so the text is not stable."""
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if exact == exact.to_integral_value():
        return str(int(exact))
    return format(exact.normalize(), "f")


def _canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, unicode as itself, numbers by value: one text for one content."""
    if isinstance(value, dict):
        items = sorted(value.items())
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_canonical_json(v)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_canonical_json(v) for v in value) + "]"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number(value)
    return json.dumps(value, ensure_ascii=False)


def _canonical(event: AuditEvent) -> bytes:
    content = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor,
        "actor_user_id": event.actor_user_id,
        "channel": event.channel,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "request_id": event.request_id,
    }
    return _canonical_json(content).encode()


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hmac.new(_key(), prev_hash.encode() + b"\n" + _canonical(event), hashlib.sha256).hexdigest()


# ------------------------------------------------------------------------------------------ recording

def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audit view of a model instance: concrete field values, foreign keys as ids, secrets left out."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in SECRET_FIELDS or (fields is not None and f.name not in fields):
            continue
        value = getattr(obj, f.attname)
        if isinstance(value, Decimal):
            value = str(value)
        data[f.attname] = value
    return _jsonable(data)


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed (timestamps ignored), for compact update events."""
    keys = {k for k in before.keys() | after.keys() if k not in {"updated_at"} and before.get(k) != after.get(k)}
    return {k: before.get(k) for k in sorted(keys)}, {k: after.get(k) for k in sorted(keys)}


@dataclass(frozen=True)
class Change:
    """One audit entry to append: what happened to which object."""

    action: str
    object_type: str
    object_id: str
    object_repr: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str = ""

    @classmethod
    def of(cls, action: str, obj: models.Model, before: Any = None, after: Any = None, reason: str = "") -> Change:
        return cls(action, obj._meta.label_lower, str(obj.pk), str(obj), before, after, reason)


def record(action: str, obj: models.Model, before: Any = None, after: Any = None, reason: str = "") -> AuditEvent:
    """Append one event about `obj` with the acting context; returns the stored event."""
    return record_many([Change.of(action, obj, before, after, reason)])[0]


def _fit(event: AuditEvent) -> None:
    """Cut text to the column sizes before hashing: PostgreSQL refuses what SQLite would store whole,
    and what is hashed must be exactly what is stored."""
    for f in AuditEvent._meta.concrete_fields:
        value = getattr(event, f.attname)
        if f.max_length and isinstance(value, str):
            setattr(event, f.attname, value[: f.max_length])


def record_many(changes: Iterable[Change]) -> list[AuditEvent]:
    """Append events in one locked step (bulk imports): one head lock, one bulk insert.

    In the console every change needs a reason; service functions ask for it first with a clearer
    message, and this is the backstop that keeps a reasonless console change out of the trail.
    """
    changes = list(changes)
    if not changes:
        return []
    ctx = current()
    if ctx.channel == "console":
        for ch in changes:
            if ch.action not in NO_REASON_ACTIONS and not (ch.reason or ctx.reason).strip():
                raise field_error("reason", "在工作台中修改数据必须填写理由",
                                  "A reason is required for changes made in the console")
    user = ctx.user
    actor_user_id = user.pk if user is not None and hasattr(user, "get_username") else None
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        now = timezone.now()
        prev, seq = head.hash, head.seq
        events = []
        for ch in changes:
            seq += 1
            event = AuditEvent(
                seq=seq, occurred_at=now, actor=ctx.actor_label, actor_user_id=actor_user_id,
                channel=ctx.channel, action=ch.action, object_type=ch.object_type, object_id=ch.object_id,
                object_repr=ch.object_repr,
                before=_jsonable(ch.before) if ch.before is not None else None,
                after=_jsonable(ch.after) if ch.after is not None else None,
                reason=(ch.reason or ctx.reason).strip(), request_id=ctx.request_id, prev_hash=prev,
            )
            _fit(event)
            event.hash = prev = compute_hash(event.prev_hash, event)
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=500)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return events


# -------------------------------------------------------------------------------------------- reading

def _moment(value: dt.datetime | dt.date, end_of_day: bool) -> dt.datetime:
    """A filter bound as an aware datetime: a date means the whole day in the platform's time zone."""
    if not isinstance(value, dt.datetime):
        start = dt.datetime.combine(value, dt.time.min)
        value = start + dt.timedelta(days=1) - dt.timedelta(microseconds=1) if end_of_day else start
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def events_for(
    principal: Any, *, actor: str = "", action: str = "", object_type: str = "", object_id: str = "",
    request_id: str = "", since: dt.datetime | dt.date | None = None, until: dt.datetime | dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit events the principal may read, newest first. Only the security auditor may (三员分立).

    Text filters match exactly; `since` and `until` are inclusive, and a date covers its whole day.
    """
    access.require(principal, Perm.AUDIT_VIEW)
    qs = access.restrict(principal, AuditEvent.objects.all(), Perm.AUDIT_VIEW)
    exact = {"actor": actor, "action": action, "object_type": object_type, "object_id": object_id,
             "request_id": request_id}
    qs = qs.filter(**{k: v.strip() for k, v in exact.items() if v and v.strip()})
    start = _moment(since, end_of_day=False) if since is not None else None
    end = _moment(until, end_of_day=True) if until is not None else None
    if start is not None and end is not None and start > end:
        raise field_error("until", "结束时间早于开始时间", "`until` is before `since`")
    if start is not None:
        qs = qs.filter(occurred_at__gte=start)
    if end is not None:
        qs = qs.filter(occurred_at__lte=end)
    return qs.order_by("-seq")


# --------------------------------------------------------------------------------------- verification

@dataclass(frozen=True)
class Problem:
    """The first place where the chain cannot be trusted, with the reason in Chinese and English."""

    seq: int
    reason: str
    reason_en: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.reason} / {self.reason_en}"

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "reason": self.reason, "reason_en": self.reason_en}


_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Checkpoint:
    """A chain position recorded outside the database: "SEQ HASH", signed when the platform wrote it.

    The signature (an HMAC with the chain key) lets `verify` reject a checkpoint file that someone
    edited to match a truncated chain; a checkpoint a person brings on the command line may be unsigned.
    """

    seq: int
    hash: str
    signature: str = ""

    def __str__(self) -> str:
        return " ".join(str(part) for part in (self.seq, self.hash, self.signature) if part != "")

    def _mac(self) -> str:
        return hmac.new(_key(), f"checkpoint\n{self.seq}\n{self.hash}".encode(), hashlib.sha256).hexdigest()

    def signed(self) -> Checkpoint:
        return Checkpoint(self.seq, self.hash, self._mac())

    def signature_ok(self) -> bool:
        return hmac.compare_digest(self.signature, self._mac())

    @classmethod
    def parse(cls, text: str, row: int | None = None) -> Checkpoint:
        """Read "SEQ HASH [SIGNATURE]" or "SEQ:HASH[:SIGNATURE]"; anything after # is a comment."""
        parts = text.split("#", 1)[0].replace(":", " ").split()
        if len(parts) in (2, 3) and parts[0].isdigit() and all(_HEX64.fullmatch(p) for p in parts[1:]):
            return cls(int(parts[0]), *parts[1:])
        raise field_error("checkpoint", f"检查点格式应为“序号 哈希 [签名]”：{text.strip()[:80]}",
                          f"a checkpoint reads 'SEQ HASH [SIGNATURE]': {text.strip()[:80]}", row=row)


def default_checkpoints_file() -> Path:
    return Path(settings.VAR_DIR) / CHECKPOINTS_FILE_NAME


def recorded_checkpoints(path: Path | None = None) -> list[Checkpoint]:
    """The checkpoints kept in a file (default var/audit-checkpoints, if it exists), which must be signed."""
    if path is None:
        path = default_checkpoints_file()
        if not path.exists():
            return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise field_error("checkpoints_file", f"无法读取检查点文件{path}：{exc.strerror}",
                          f"cannot read checkpoints file {path}: {exc.strerror}") from None
    found, errors = [], []
    for row, line in enumerate(lines, start=1):
        if not line.split("#", 1)[0].strip():
            continue
        try:
            cp = Checkpoint.parse(line, row=row)
        except ServiceError as exc:
            errors += exc.errors
            continue
        if not cp.signature:
            errors.append(FieldError("checkpoint", "检查点文件中的记录必须带签名", "checkpoints in a file must be signed",
                                     row=row))
        found.append(cp)
    if errors:
        raise invalid(errors, f"检查点文件{path}有误", f"checkpoints file {path} is invalid")
    return found


def append_checkpoint(cp: Checkpoint, path: Path) -> None:
    """Add a signed checkpoint line, with the time as a comment, to a checkpoints file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(f"{cp}  # {timezone.localtime():%Y-%m-%dT%H:%M:%S%z}\n")


@dataclass(frozen=True)
class Verification:
    """The outcome of a walk: how many events were checked, the last good one, the first problem."""

    checked: int
    head: Checkpoint
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __iter__(self) -> Iterator[Any]:
        """So that `checked, problem = verify()` reads naturally."""
        return iter((self.checked, self.problem))


class ChainBroken(ServiceError):
    def __init__(self, problem: Problem):
        super().__init__("audit_chain_broken", f"审计链校验失败：{problem.seq}号事件，{problem.reason}",
                         f"audit chain verification failed at event #{problem.seq}: {problem.reason_en}", status=409)
        self.problem = problem


def _events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        chunk = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def _walk(wanted: dict[int, str], head: AuditHead) -> tuple[int, str, Problem | None]:
    """Check every link from the genesis; returns (events checked, last good hash, first problem)."""
    prev, count = GENESIS_HASH, 0
    for event in _events():
        if event.seq != count + 1:
            return count, prev, Problem(count + 1, "序号不连续（事件被删除、插入或改号）",
                                        "sequence gap (an event was deleted, inserted or renumbered)")
        if event.prev_hash != prev:
            return count, prev, Problem(event.seq, "前一哈希不符（链被改写或重排）",
                                        "previous hash mismatch (chain rewritten or reordered)")
        if not hmac.compare_digest(compute_hash(prev, event), event.hash):
            return count, prev, Problem(event.seq, "内容与哈希不符（事件被篡改或伪造）",
                                        "content does not match its hash (event altered or forged)")
        if event.seq in wanted and wanted[event.seq] != event.hash:
            return count, prev, Problem(event.seq, "与链外检查点记录的哈希不符", "does not match the recorded checkpoint")
        if event.seq == head.seq and event.hash != head.hash:
            return count, prev, Problem(event.seq, "链头记录的哈希与该事件不符（链头被改写）",
                                        "the chain head's hash does not match this event (head rewritten)")
        prev, count = event.hash, count + 1
    return count, prev, None


def verify(checkpoints: Iterable[Checkpoint] = ()) -> Verification:
    """Walk the whole chain against the head row and the given checkpoints; stop at the first problem.

    The head is read before the walk, so events that writers append meanwhile are checked too but are
    not mistaken for rows the head does not know about.
    """
    checkpoints = list(checkpoints)
    for cp in checkpoints:
        if cp.signature and not cp.signature_ok():
            return Verification(0, Checkpoint(0, GENESIS_HASH), Problem(
                cp.seq, "检查点签名无效（检查点记录被改动或并非本平台生成）",
                "invalid checkpoint signature (the checkpoint was edited or not made by this platform)"))
    head = AuditHead.objects.filter(pk=1).first()
    head_missing = head is None
    head = head or AuditHead(seq=0, hash=GENESIS_HASH)
    count, last, problem = _walk({cp.seq: cp.hash for cp in checkpoints}, head)
    reached = Checkpoint(count, last)
    if problem:
        return Verification(count, reached, problem)
    known = max([cp.seq for cp in checkpoints] + [head.seq])
    if known > count:
        return Verification(count, reached, Problem(
            count + 1, f"第{count + 1}至{known}号事件缺失（尾部被截断）",
            f"events #{count + 1} to #{known} are missing (tail truncated)"))
    if head_missing and count and not AuditHead.objects.filter(pk=1).exists():
        return Verification(count, reached, Problem(count + 1, "链头记录缺失，无法确认尾部完整",
                                                    "the chain head row is missing; the tail cannot be vouched for"))
    return Verification(count, reached, None)


def checkpoint(checkpoints: Iterable[Checkpoint] = ()) -> Checkpoint:
    """A signed checkpoint of the current chain end, taken only after the whole chain verifies:
    a checkpoint vouches for everything before it, so it must never bless a broken chain."""
    result = verify(checkpoints)
    if result.problem is not None:
        raise ChainBroken(result.problem)
    return result.head.signed()
