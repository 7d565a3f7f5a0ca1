"""The check engine: which published measures apply to one party in one scene, and the decision.

Pure functions over plain tuples, so one check and a 10,000-party batch run the same code and nothing
here touches the database. A measure's trigger (data, validated by `parse_trigger`):

    {"match": "any"|"none"|"always",   any: the party has matching records or listings;
                                        none: it has none (e.g. 守信 incentives); always: every party
     "polarity": "negative",            records of categories with this polarity (optional)
     "categories": [codes],             records of these categories (optional)
     "min_severity": "general",         at least this severity (optional)
     "min_count": 1,                    how many matching records or listings (default 1)
     "within_months": 36,               decided within the last N months (optional)
     "lists": [codes]}                  listings on these lists count too (optional)

Only live records count (active, corrected, disputed: REFERENCE §2 — repaired, revoked and expired records
never trigger). A disputed record (异议中) is not settled: a measure that would block on it alone warns
instead, and a block cites only settled records.

Relief (从轻 / 免于惩戒, `sanctions.models.Relief`) comes in as a mapping (record id, measure code) → "waive" |
"reduce", for the party's records only; it changes one measure's reading of one record:

- a record *waived* for a measure does not count towards that measure's trigger at all (for every other
  measure it counts as before);
- a record *reduced* for a measure counts, but the measure's effect is lowered one step when it rests on
  reduced records — when without them the count would fall below `min_count`: a block becomes a warning, a
  warning becomes information; inform and prefer are unchanged. A block that stands without the reduced
  records cites only the others (as it cites only settled records), so a block never rests on a reduced one.
  The steps do not add up: a block already lowered to a warning because its records are disputed stays a
  warning.

The hit says which records were waived or reduced, and whether its effect was lowered, so the answer can say
so; `relieved` lists every relief a check honoured, including those of a measure waived away entirely.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from govtrust.core.errors import FieldError
from govtrust.ledger.models import LIVE_STATUSES, Polarity, RecordStatus, Severity
from govtrust.ledger.regimes import add_months

from .models import Decision, Effect, ReliefKind

SEVERITY_RANK = {"": 0, Severity.MINOR: 1, Severity.GENERAL: 2, Severity.SERIOUS: 3}
MATCHES = ("any", "none", "always")
TRIGGER_KEYS = {"match", "polarity", "categories", "min_severity", "min_count", "within_months", "lists"}
SETTLED = frozenset(s for s in LIVE_STATUSES if s != RecordStatus.DISPUTED)
LIVE = frozenset(LIVE_STATUSES)
# (record id, measure code) → ReliefKind value; shared and read-only: the default of a party without relief.
NO_RELIEF: Mapping[tuple[int, str], str] = MappingProxyType({})


class RecordRow(NamedTuple):
    """A ledger record as the engine sees it (read in bulk by `parties.records_of`)."""

    id: int
    category: str
    category_name: str
    polarity: str
    severity: str
    status: str
    decision_date: dt.date


class ListingRow(NamedTuple):
    id: int
    party_list: str
    list_name: str
    authority: str
    document_number: str
    listed_on: dt.date
    listed_until: dt.date | None


@dataclass(frozen=True)
class Trigger:
    match: str
    polarity: str = ""
    categories: frozenset[str] = frozenset()
    min_severity: str = ""
    min_count: int = 1
    within_months: int | None = None
    lists: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CompiledMeasure:
    code: str
    name: str
    kind: str
    effect: str
    subject_kinds: frozenset[str]
    scenes: frozenset[str]
    trigger: Trigger
    legal_basis: str
    implementing_organization: str
    version: int


@dataclass
class Hit:
    measure: CompiledMeasure
    effect: str
    records: list[RecordRow] = field(default_factory=list)
    listings: list[ListingRow] = field(default_factory=list)
    downgraded: bool = False  # would block, but rests on disputed records only
    waived: list[RecordRow] = field(default_factory=list)  # would count, but exempted for this measure
    reduced: list[RecordRow] = field(default_factory=list)  # count, under 从轻 for this measure
    mitigated: bool = False  # the effect is a step lower than the measure's because it rests on reduced records


class Relieved(NamedTuple):
    """One relief a check honoured: the record would have counted towards the measure."""

    measure: str
    record: int
    relief: str


def parse_trigger(raw: Any, categories: Iterable[str], lists: Iterable[str]) -> tuple[Trigger | None, list[FieldError]]:
    """A trigger from its JSON, or the reasons it is not one (field names as the console and API show them)."""
    if not isinstance(raw, dict):
        return None, [FieldError("trigger", "触发条件应为对象", "the trigger must be an object")]
    errors = []
    unknown = sorted(set(raw) - TRIGGER_KEYS)
    if unknown:
        errors.append(FieldError("trigger", f"不认识的条件：{'、'.join(unknown)}", f"unknown keys: {', '.join(unknown)}"))
    match = raw.get("match", "any")
    if match not in MATCHES:
        errors.append(FieldError("trigger.match", "应为 any、none 或 always", "must be any, none or always"))
    polarity = raw.get("polarity", "")
    if polarity and polarity not in Polarity.values:
        errors.append(FieldError("trigger.polarity", f"性质“{polarity}”无效", f"unknown polarity {polarity!r}"))
    severity = raw.get("min_severity", "")
    if severity and severity not in Severity.values:
        errors.append(FieldError("trigger.min_severity", f"失信程度“{severity}”无效", f"unknown severity {severity!r}"))
    cats, known_lists = set(categories), set(lists)
    wanted = raw.get("categories") or []
    missing = [c for c in wanted if c not in cats]
    if missing:
        errors.append(FieldError("trigger.categories", f"目录中没有这些类别：{'、'.join(missing)}",
                                 f"not in the catalog: {', '.join(missing)}"))
    wanted_lists = raw.get("lists") or []
    missing = [c for c in wanted_lists if c not in known_lists]
    if missing:
        errors.append(FieldError("trigger.lists", f"没有这些名单：{'、'.join(missing)}", f"unknown lists: {', '.join(missing)}"))
    count, months = raw.get("min_count", 1), raw.get("within_months")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        errors.append(FieldError("trigger.min_count", "应为不小于1的整数", "must be an integer of at least 1"))
    if months is not None and (not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 600):
        errors.append(FieldError("trigger.within_months", "应为1至600之间的整数", "must be an integer from 1 to 600"))
    if match == "any" and not (polarity or wanted or wanted_lists):
        errors.append(FieldError("trigger", "须指定性质、类别或名单之一", "name a polarity, categories or lists"))
    if errors:
        return None, errors
    return Trigger(match, polarity, frozenset(wanted), severity, count, months, frozenset(wanted_lists)), []


def _matching(trigger: Trigger, records: Sequence[RecordRow], listings: Sequence[ListingRow],
              today: dt.date) -> tuple[list[RecordRow], list[ListingRow]]:
    since = add_months(today, -trigger.within_months) if trigger.within_months else None
    floor = SEVERITY_RANK[trigger.min_severity]
    counts_records = bool(trigger.polarity or trigger.categories)  # a trigger on lists alone reads no records
    recs = [r for r in records
            if counts_records and r.status in LIVE
            and (not trigger.polarity or r.polarity == trigger.polarity)
            and (not trigger.categories or r.category in trigger.categories)
            and SEVERITY_RANK.get(r.severity, 0) >= floor
            and (since is None or r.decision_date >= since)]
    lsts = [x for x in listings
            if x.party_list in trigger.lists and x.listed_on <= today
            and (x.listed_until is None or x.listed_until >= today)]
    return recs, lsts


def _relieve(code: str, recs: list[RecordRow], relief: Mapping[tuple[int, str], str]
             ) -> tuple[list[RecordRow], list[RecordRow], frozenset[int]]:
    """(records that still count, records waived, ids of those reduced) for one measure."""
    kept, waived, reduced = [], [], set()
    for r in recs:
        kind = relief.get((r.id, code))
        if kind == ReliefKind.WAIVE:
            waived.append(r)
            continue
        if kind == ReliefKind.REDUCE:
            reduced.add(r.id)
        kept.append(r)
    return kept, waived, frozenset(reduced)


def _apply(m: CompiledMeasure, records: Sequence[RecordRow], listings: Sequence[ListingRow],
           today: dt.date, relief: Mapping[tuple[int, str], str] = NO_RELIEF) -> Hit | None:
    t = m.trigger
    if t.match == "always":
        return Hit(m, m.effect)
    recs, lsts = _matching(t, records, listings, today)
    waived: list[RecordRow] = []
    reduced: frozenset[int] = frozenset()
    if relief and recs:  # a party without relief (every organization) pays nothing for this
        recs, waived, reduced = _relieve(m.code, recs, relief)
    if t.match == "none":
        return Hit(m, m.effect, waived=waived) if not recs and not lsts else None
    if len(recs) + len(lsts) < t.min_count:
        return None
    lowered = [r for r in recs if r.id in reduced] if reduced else []
    settled = [r for r in recs if r.status in SETTLED]
    if m.effect == Effect.BLOCK:
        firm = [r for r in settled if r.id not in reduced] if reduced else settled
        if len(firm) + len(lsts) >= t.min_count:
            return Hit(m, Effect.BLOCK.value, firm, lsts, waived=waived, reduced=lowered)
        if len(settled) + len(lsts) >= t.min_count:  # would block, but only with the reduced records
            return Hit(m, Effect.WARN.value, recs, lsts, waived=waived, reduced=lowered, mitigated=True)
        return Hit(m, Effect.WARN.value, recs, lsts, downgraded=True, waived=waived, reduced=lowered)
    if m.effect == Effect.WARN and reduced and len(recs) - len(lowered) + len(lsts) < t.min_count:
        return Hit(m, Effect.INFORM.value, recs, lsts, waived=waived, reduced=lowered, mitigated=True)
    return Hit(m, m.effect, recs, lsts, waived=waived, reduced=lowered)


def evaluate(measures: Iterable[CompiledMeasure], subject_kind: str, records: Sequence[RecordRow],
             listings: Sequence[ListingRow], today: dt.date,
             relief: Mapping[tuple[int, str], str] = NO_RELIEF) -> list[Hit]:
    """The hits of the scene's published measures (already filtered by scene) for one party, honouring the
    party's reliefs keyed (record id, measure code)."""
    hits = []
    for m in measures:
        if subject_kind not in m.subject_kinds:
            continue
        hit = _apply(m, records, listings, today, relief)
        if hit is not None:
            hits.append(hit)
    return hits


def relieved(measures: Iterable[CompiledMeasure], subject_kind: str, records: Sequence[RecordRow], today: dt.date,
             relief: Mapping[tuple[int, str], str]) -> list[Relieved]:
    """The reliefs honoured for this party: a relief of a record that the measure's trigger would count.

    Separate from `evaluate` because a measure waived away entirely leaves no hit to carry it; only called for
    a party that has reliefs."""
    if not relief:
        return []
    out = []
    for m in measures:
        if subject_kind not in m.subject_kinds or m.trigger.match == "always":
            continue
        recs, _lsts = _matching(m.trigger, records, (), today)
        out += [Relieved(m.code, r.id, relief[(r.id, m.code)]) for r in recs if (r.id, m.code) in relief]
    return out


def decide(hits: Iterable[Hit]) -> str:
    """block if any hit blocks; else warn if any warns; else prefer if an incentive prefers; else allow.

    A sanction outweighs an incentive: a party with a restriction is not preferred in the same scene.
    """
    effects = {h.effect for h in hits}
    if Effect.BLOCK in effects:
        return Decision.BLOCK.value
    if Effect.WARN in effects:
        return Decision.WARN.value
    if Effect.PREFER in effects:
        return Decision.PREFER.value
    return Decision.ALLOW.value
