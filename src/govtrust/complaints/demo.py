"""Demo complaints: a few thousand cases over the last eleven months in every state — received, declined,
accepted, assigned, returned, handling, replied, closed, visited (some after a reopening), merged — with serious
cases, overdue ones (marked by the deadline scan), and the cases found true written to the ledger as
投诉举报查实 records. The routing table gets entries for the finance bureaus (arrears), one of them replaced,
so it has history.

Generated set-based, not through the services one case at a time (that would take minutes): the timeline of
each case is simulated with the same working-day calendar and the same `DeadlineRule`, then complaints and
events are bulk-inserted, the ledger records go through the ledger's writer in one call, and the audit chain
gets one entry per case. Seeded, so every run produces the same cases; idempotent: when demo complaints
exist, nothing is added. A few seconds for the default set.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from govtrust.core import audit, calendar, crypto, tracking
from govtrust.core.access import SYSTEM
from govtrust.core.errors import ServiceError
from govtrust.ledger.bulk import Writer
from govtrust.ledger.models import Category, Record
from govtrust.ledger.regimes import RegimeBook
from govtrust.subjects.models import Organization

from . import intake, routing, services
from .models import (
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    EventKind,
    Finding,
    LimitClass,
    NotAcceptedMatter,
    Rating,
    Status,
)
from .scan import scan

PREFIX = "【演示】"
DEFAULT_COMPLAINTS = 3000
DAYS_BACK = 330
# (final state, share)
STATES = ((Status.RECEIVED, 0.04), (Status.DECLINED, 0.05), (Status.ACCEPTED, 0.04), (Status.ASSIGNED, 0.07),
          (Status.RETURNED, 0.03), (Status.HANDLING, 0.09), (Status.REPLIED, 0.06), (Status.CLOSED, 0.1),
          (Status.VISITED, 0.48), (Status.MERGED, 0.04))
FACTS = {
    "commitment_breach": "公开承诺“企业开办1个工作日内办结”，实际办理用了五个工作日，多次催办无果。",
    "arrears": "我公司为该单位提供的办公设备已于验收合格，合同约定30日内付款，至今拖欠货款未付。",
    "investment_agreement": "招商引资协议约定的厂房租金减免和配套道路未兑现，已影响企业投产。",
    "judgment_nonperformance": "法院生效判决要求该单位支付工程款，判决生效后仍未履行。",
    "service_dishonesty": "窗口工作人员一次性告知制度未落实，要求反复补交材料。",
    "other": "该单位在政府采购中变更评审结果，未说明理由。",
    "inquiry": "拖欠中小企业账款应向哪个部门投诉？办理时限是多少？",
}
REPLIES = {Finding.SUBSTANTIATED: "经核查，反映情况属实，已责令限期整改，相关款项已支付。",
           Finding.PARTLY: "经核查，反映情况部分属实，已督促该单位整改并向企业说明情况。",
           Finding.UNFOUNDED: "经核查，该单位已按合同约定履行，反映情况不属实，已向投诉人说明。",
           Finding.NOT_APPLICABLE: "可向所在地财政部门或12345热线反映，办理时限为13个工作日。"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
# Calendar days an open case has been in its final state, for most of them (within the state's time limit).
RECENT = {Status.RECEIVED: 1, Status.ACCEPTED: 1, Status.ASSIGNED: 10, Status.HANDLING: 8, Status.RETURNED: 1,
          Status.REPLIED: 2, Status.CLOSED: 3}
BODY_KINDS = (Organization.Kind.GOVERNMENT, Organization.Kind.DEPARTMENT, Organization.Kind.TOWNSHIP,
              Organization.Kind.SUBDISTRICT, Organization.Kind.PUBLIC_INSTITUTION)


class Days:
    """The working days of a span, for fast "n-th working day after" on a few thousand simulated cases."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        cal = calendar.WorkingCalendar()
        self.days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)
                     if cal.is_working_day(start + dt.timedelta(days=i))]
        self.basis = [s.reference() for s in cal.used()]

    def add(self, day: dt.date, n: int) -> dt.date:
        return self.days[bisect.bisect_right(self.days, day) + n - 1] if n else day

    def count(self, day: dt.date, n: int) -> tuple[dt.date, dict[str, Any]]:
        """What services.enter asks of the calendar: the due date and the schedules it rests on."""
        return self.add(day, n), {"start": day.isoformat(), "working_days": n, "calendar": self.basis}


def _known_until(today: dt.date) -> dt.date:
    """The last day whose year has a calendar: demo deadlines must not fall into a year not entered yet."""
    year = today.year + 1
    while year > 2004:
        try:
            calendar.schedule_for(year)
            return dt.date(year, 12, 31)
        except ServiceError:
            year -= 1
    raise ServiceError("calendar_unknown_year", "没有可用的工作日历", "no working-day calendar is available")


@dataclass
class Plan:
    c: Complaint
    events: list[tuple[str, dt.date, str, Organization | None]] = field(default_factory=list)


def _routes(start: dt.date) -> None:
    """Finance bureaus handle arrears in their region; the city's entry was replaced once (history)."""
    arrears = ComplaintCategory.objects.filter(code="arrears").first()
    if arrears is None:
        return
    for org in Organization.objects.filter(name__endswith="财政局", status="active").select_related("region"):
        old = routing.add(SYSTEM, category=arrears, region=org.region, organization=org.parent or org,
                          valid_from=start - dt.timedelta(days=365), note=f"{PREFIX}拖欠企业账款由本级政府统筹")
        routing.replace(SYSTEM, old, organization=org, valid_from=start, note=f"{PREFIX}拖欠企业账款改由财政部门承办")


@dataclass(frozen=True)
class Draft:
    """What is drawn for one demo case before its dates: the same draft simulated from another receipt date
    takes the same steps (its own random stream, `seed`)."""

    seed: int
    target: str
    category: ComplaintCategory
    body: Organization
    channel: str
    anonymous: bool
    name: str
    contact: str


@dataclass(frozen=True)
class Context:
    days: Days
    anchor: dt.date
    matters: list[NotAcceptedMatter]
    route: Any
    rule: Any
    now: dt.datetime
    working: set[dt.date]


def _build(d: Draft, received: dt.date, ctx: Context) -> Plan:
    while received not in ctx.working:
        received += dt.timedelta(days=1)  # the demo's cases arrive on working days
    c = Complaint(channel=d.channel, category=d.category, body=d.body, body_name=d.body.name,
                  facts=PREFIX + FACTS.get(d.category.code, FACTS["other"]), demand="请尽快依法处理。",
                  anonymous=d.anonymous, name_masked=intake.mask_name(d.name),
                  contact_masked=intake.mask_contact(d.contact), received_on=received, rule=ctx.rule,
                  stage_on=received, accept_due=ctx.days.add(received, ctx.rule.accept_working_days),
                  created_by="system:demo", created_at=ctx.now, updated_at=ctx.now)
    return _simulate(random.Random(d.seed), c, d.target, ctx.days, ctx.anchor, ctx.matters, ctx.route)


def _simulate(rng: random.Random, c: Complaint, target: str, days: Days, anchor: dt.date,
              matters: list[NotAcceptedMatter], route: Any) -> Plan:
    """Walk the case from receipt towards `target`, stopping at the state reached by `anchor`."""
    plan, rule, d = Plan(c), c.rule, c.received_on
    plan.events.append((EventKind.FILED, d, f"{c.get_channel_display()}：{c.category.name}", None))

    def stop(status: str, day: dt.date) -> Plan:
        services.enter(c, status, day, days.count)
        return plan

    if target == Status.RECEIVED:
        return stop(Status.RECEIVED, d)
    d1 = days.add(d, rng.randint(0, 1))
    if d1 > anchor:
        return stop(Status.RECEIVED, d)
    if target == Status.DECLINED:
        c.decline_matter = rng.choice(matters)
        plan.events.append((EventKind.DECLINED, d1, c.decline_matter.text, None))
        return stop(Status.DECLINED, d1)
    c.accepted_on = d1
    plan.events.append((EventKind.ACCEPTED, d1, "受理", None))
    if target == Status.ACCEPTED:
        return stop(Status.ACCEPTED, d1)
    d2 = days.add(d1, rng.randint(0, 1))
    if d2 > anchor:
        return stop(Status.ACCEPTED, d1)
    assignee, entry = route(c.category, c.body, d2)
    c.assignee, c.routing_entry = assignee, entry
    stop(Status.ASSIGNED, d2)
    plan.events.append((EventKind.ASSIGNED, d2, f"派至{assignee.name}，办理期限{c.handle_due.isoformat()}", assignee))
    if target == Status.RETURNED:
        d3 = days.add(d2, 1)
        if d3 <= anchor:
            c.returned_by, c.return_reason, c.return_count = assignee, "不属于本单位职责", 1
            plan.events.append((EventKind.RETURNED, d3, c.return_reason, assignee))
            return stop(Status.RETURNED, d3)
        return plan
    if target == Status.ASSIGNED:
        return plan
    d3 = days.add(d2, rng.randint(0, 2))
    if d3 > anchor:
        return plan
    c.status, c.handled_on = Status.HANDLING, d3
    plan.events.append((EventKind.HANDLING, d3, "签收办理", assignee))
    if target == Status.HANDLING:
        return plan
    late = rng.random() < 0.12
    d4 = days.add(d2, rule.handle_days(c.category) + (rng.randint(1, 5) if late else -rng.randint(1, 9)))
    d4 = max(d4, d3)
    if d4 > anchor:
        return plan
    inquiry = c.category.limit_class == LimitClass.INQUIRY
    c.finding = Finding.NOT_APPLICABLE if inquiry else rng.choice(
        (Finding.SUBSTANTIATED, Finding.PARTLY, Finding.UNFOUNDED, Finding.UNFOUNDED, Finding.UNFOUNDED))
    c.reply, c.replied_on, c.on_time = PREFIX + REPLIES[c.finding], d4, d4 <= c.handle_due
    plan.events.append((EventKind.REPLIED, d4, f"{Finding(c.finding).label}：{c.reply}", assignee))
    if target == Status.REPLIED:
        return stop(Status.REPLIED, d4)
    d5 = days.add(d4, rng.randint(0, 2))
    if d5 > anchor:
        return stop(Status.REPLIED, d4)
    c.closed_on = d5
    plan.events.append((EventKind.CLOSED, d5, Finding(c.finding).label, None))
    if target == Status.CLOSED:
        return stop(Status.CLOSED, d5)
    d6 = days.add(d5, rng.randint(0, 3))
    if d6 > anchor:
        return stop(Status.CLOSED, d5)
    c.rating = rng.choice((Rating.SATISFIED, Rating.SATISFIED, Rating.SATISFIED, Rating.BASICALLY, Rating.UNSATISFIED))
    c.visited_on = d6
    plan.events.append((EventKind.VISITED, d6, Rating(c.rating).label, None))
    if c.rating != Rating.UNSATISFIED:
        return stop(Status.VISITED, d6)
    c.reopen_count = 1
    stop(Status.ASSIGNED, d6)
    plan.events.append((EventKind.REOPENED, d6, f"回访不满意，重新交{assignee.name}办理", assignee))
    c.reply, c.finding, c.replied_on = "", "", None
    return plan


def load_complaints(count: int = DEFAULT_COMPLAINTS, today: dt.date | None = None) -> int:
    """Load the demo complaints (once); returns how many were created."""
    if Complaint.objects.filter(facts__startswith=PREFIX).exists():
        return 0
    bodies = list(Organization.objects.filter(kind__in=BODY_KINDS, status="active").select_related("region", "parent")
                  .order_by("pk"))
    if not bodies:
        return 0
    today = today or timezone.localdate()
    anchor = min(today, _known_until(today) - dt.timedelta(days=45))
    start = anchor - dt.timedelta(days=DAYS_BACK)
    with transaction.atomic():
        return _load(count, random.Random(8), bodies, start, anchor)


def _load(count: int, rng: random.Random, bodies: list[Organization], start: dt.date, anchor: dt.date) -> int:
    _routes(start)
    days = Days(start - dt.timedelta(days=10), anchor + dt.timedelta(days=40))
    rule = services.rule_in_force(start)
    categories = list(ComplaintCategory.objects.filter(active=True))
    matters = list(NotAcceptedMatter.objects.filter(active=True))
    targets, weights = zip(*STATES, strict=True)
    now, serials, working = timezone.now(), set(), set(days.days)
    plans: list[Plan] = []
    table = routing.Table(anchor)  # every demo assignment falls after the table's last change

    def route(category: ComplaintCategory, body: Organization, day: dt.date) -> Any:
        return table.route(category, body)

    ctx = Context(days, anchor, matters, route, rule, now, working)
    for _ in range(count):
        target = rng.choices(targets, weights)[0]
        merge = target == Status.MERGED
        target = Status.RECEIVED if merge else target
        seed, category, body = rng.randrange(2**32), rng.choice(categories), rng.choice(bodies)
        anonymous = rng.random() < 0.3
        name = "" if anonymous else rng.choice(SURNAMES) + rng.choice("先生女士")
        contact = "" if anonymous else f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        code = "".join(rng.choice(tracking.CODE_ALPHABET) for _ in range(tracking.CODE_LENGTH))
        channel = rng.choice((Channel.PORTAL, Channel.PORTAL, Channel.HOTLINE, Channel.HOTLINE_API))

        draft = Draft(seed, target, category, body, channel, anonymous, name, contact)

        def build(received: dt.date, draft: Draft = draft) -> Plan:
            return _build(draft, received, ctx)

        received = start + dt.timedelta(days=rng.randrange(DAYS_BACK))
        plan = build(received)
        if target in RECENT and rng.random() < 0.85:
            # Most open cases are recent, within their state's time limit: the case is moved so that it
            # entered its state at most RECENT days ago; the rest are left old, and so overdue.
            back = (plan.c.stage_on - received).days + rng.randrange(RECENT[target] + 1)
            plan = build(max(start, anchor - dt.timedelta(days=back)))
        c = plan.c
        c.serial = f"TS{c.received_on:%Y%m%d}{rng.randrange(10**6):06d}"
        while c.serial in serials:
            c.serial = f"TS{c.received_on:%Y%m%d}{rng.randrange(10**6):06d}"
        serials.add(c.serial)
        c.code_hash = intake.code_hash(c.serial, code)
        c.name_encrypted = crypto.encrypt(name) if name else ""
        c.contact_encrypted = crypto.encrypt(contact) if contact else ""
        c.hotline_number = f"12345-{c.received_on:%Y%m%d}-{len(plans):05d}" if channel == Channel.HOTLINE_API else None
        c._merge = merge  # type: ignore[attr-defined]
        plans.append(plan)
    _write_records(plans)
    Complaint.objects.bulk_create([p.c for p in plans if not getattr(p.c, "_merge", False)], batch_size=500)
    _merge(rng, plans, anchor, days)
    _serious(rng, plans)
    _events(plans)
    audit.record_many(audit.Change("create", Complaint._meta.label_lower, str(p.c.pk), p.c.serial, None,
                                   {"status": p.c.status, "channel": p.c.channel}, f"{PREFIX}加载演示投诉举报")
                      for p in plans)
    with contextlib.suppress(ServiceError):  # marks the overdue ones and reminds the ones due soon
        scan(SYSTEM, anchor)
    return len(plans)


def _write_records(plans: list[Plan]) -> None:
    """The 投诉举报查实 ledger records of the cases closed as found true, in one writer call."""
    category = Category.objects.filter(code=services.RECORD_CATEGORY, active=True).first()
    if category is None:
        return
    found = [p.c for p in plans if p.c.closed_on and p.c.finding in (Finding.SUBSTANTIATED, Finding.PARTLY)
             and p.c.category.writes_record and p.c.body.kind in category.subject_kinds]
    book = RegimeBook()
    entries = [services.record_entry(SYSTEM, c, category, c.closed_on, book) for c in found]
    if not entries:
        return
    Writer(None, "system:demo", "cli", f"{PREFIX}投诉举报查实", timezone.now()).write(entries)
    ids = dict(Record.objects.filter(category=category, document_number__in=[e.document_number for e in entries])
               .values_list("document_number", "pk"))
    by_doc = {e.document_number: c for e, c in zip(entries, found, strict=True)}
    for doc, c in by_doc.items():
        c.ledger_record_id = ids.get(doc)
    for p in plans:
        if p.c.ledger_record_id:
            p.events.append((EventKind.RECORDED, p.c.closed_on, f"{services.DOCUMENT_PREFIX}{p.c.serial}", None))


def _merge(rng: random.Random, plans: list[Plan], anchor: dt.date, days: Days) -> None:
    """Each duplicate joins an earlier open-or-answered case about a body, taking its body and category."""
    roots = [p.c for p in plans if p.c.pk and p.c.status not in (Status.DECLINED,)]
    dupes = [p for p in plans if getattr(p.c, "_merge", False)]
    for p in dupes:
        root = rng.choice(roots)
        c = p.c
        c.body, c.body_name, c.category, c.merged_into = root.body, root.body.name, root.category, root
        c.received_on = max(root.received_on, c.received_on)
        c.accept_due = days.add(c.received_on, c.rule.accept_working_days)
        day = min(max(c.received_on, root.accepted_on or root.received_on), anchor)
        services.enter(c, Status.MERGED, day, days.count)
        p.events = [(EventKind.FILED, c.received_on, f"{c.get_channel_display()}：{c.category.name}", None)]
        p.events.append((EventKind.MERGED, day, f"并入{root.serial}：同一被投诉单位、同一事项", None))
        if root.replied_on:
            p.events.append((EventKind.ANSWERED, max(day, root.replied_on), f"并入{root.serial}，答复：{root.reply}", None))
    Complaint.objects.bulk_create([p.c for p in dupes], batch_size=500)


def _serious(rng: random.Random, plans: list[Plan]) -> None:
    from govtrust.commitments.rectification_scan import level_above

    chosen = [p for p in plans if p.c.status not in (Status.DECLINED, Status.MERGED) and rng.random() < 0.02]
    above: dict[int, Any] = {}
    for p in chosen:
        c = p.c
        if c.body_id not in above:
            above[c.body_id] = level_above(c.body)
        c.serious, c.serious_reason = True, "涉及金额较大、企业反映强烈"
        c.reported_to, c.reported_on = above[c.body_id], c.accepted_on or c.received_on
        p.events.append((EventKind.SERIOUS, c.reported_on, f"报告{getattr(c.reported_to, 'name', '上级机关')}："
                                                           f"{c.serious_reason}", c.reported_to))
    Complaint.objects.bulk_update([p.c for p in chosen], ["serious", "serious_reason", "reported_to", "reported_on"])


def _events(plans: list[Plan]) -> None:
    rows = []
    for p in plans:
        for i, (kind, day, reason, org) in enumerate(sorted(p.events, key=lambda e: e[1])):
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)) + dt.timedelta(minutes=i))
            rows.append(ComplaintEvent(complaint_id=p.c.pk, kind=kind, actor="system:demo", reason=reason, day=day,
                                       organization=org, at=at))
    ComplaintEvent.objects.bulk_create(rows, batch_size=1000)
