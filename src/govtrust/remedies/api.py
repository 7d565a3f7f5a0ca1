"""Remedies API: the rules, a record's repairability, the case queue and one case with its timeline, filing
objections and repair applications (multipart, with evidence), every step of handling, the repair results
feed for sharing, figures, and mitigation. Reads go through the access layer (another scope's case answers
404); changes go through objections, repairs, mitigation (via services for the steps both kinds share).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from govtrust.commitments.api import FileOut
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.ledger.models import Record
from govtrust.ledger.queries import get_record
from govtrust.subjects.models import Organization

from . import figures, mitigation, objections, queries, repairs, services
from .filing import Filing
from .models import Case, Mitigation, RemedyRule, RepairExclusion
from .models import Status as CaseStatus

router = Router(tags=["remedies 异议与信用修复"])
MAX_PAGE = 200


class RuleOut(Schema):
    code: str
    name: str
    in_force_from: dt.date
    objection_accept_days: int
    objection_decide_days: int
    objection_forward_days: int
    source_decide_days: int
    repair_accept_days: int
    repair_decide_days: int
    repair_share_days: int
    remind_before_days: int
    repair_commitment_months: int
    legal_basis: str


class ExclusionOut(Schema):
    category: str
    category_name: str
    reason: str
    legal_basis: str

    @staticmethod
    def resolve_category(obj: RepairExclusion) -> str:
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj: RepairExclusion) -> str:
        return obj.category.name


class RulesOut(Schema):
    rules: list[RuleOut]
    repair_exclusions: list[ExclusionOut]


class RepairabilityOut(Schema):
    record_id: int
    repairable: bool
    from_date: dt.date | None
    reason: str
    reason_en: str


class CaseOut(Schema):
    id: int
    serial: str
    kind: str
    channel: str
    record_id: int
    record_status: str
    document_number: str
    category: str
    subject_name: str
    capacity: str
    applicant_organization_id: int | None
    name_masked: str
    contact_masked: str
    grounds: str
    requested: str
    pledge: str
    pledge_signer: str
    received_on: dt.date
    rule: str
    status: str
    stage_on: dt.date
    current_due: dt.date | None
    decide_due: dt.date | None
    forward_due: dt.date | None
    forwarded_on: dt.date | None
    forwarded_to_id: int | None
    accepted_on: dt.date | None
    decided_on: dt.date | None
    on_time: bool | None
    outcome: str
    decision: str
    changes: dict[str, Any]
    share_due: dt.date | None
    shared_on: dt.date | None
    lifted_checks: int
    commitment_id: int | None
    overdue: bool
    calendar_basis: dict[str, Any]

    @staticmethod
    def resolve_record_status(obj: Case) -> str:
        return obj.record.status

    @staticmethod
    def resolve_document_number(obj: Case) -> str:
        return obj.record.document_number

    @staticmethod
    def resolve_category(obj: Case) -> str:
        return obj.record.category.code

    @staticmethod
    def resolve_rule(obj: Case) -> str:
        return obj.rule.code


class EventOut(Schema):
    kind: str
    actor: str
    reason: str
    day: dt.date
    due: dt.date | None
    at: dt.datetime


class DetailOut(CaseOut):
    events: list[EventOut]
    files: list[FileOut]

    @staticmethod
    def resolve_events(obj: Case) -> list[Any]:
        return list(obj.events.order_by("at", "id"))

    @staticmethod
    def resolve_files(obj: Case) -> list[Any]:
        return list(obj.files.order_by("uploaded_at", "id"))


class Page(Schema):
    count: int
    items: list[CaseOut]


class FiledOut(Schema):
    serial: str
    extraction_code: str
    case: DetailOut


class ApiFilters(Schema):
    queue: str = ""
    kind: str = ""
    status: str = ""
    overdue: bool | None = None
    record: int | None = None
    q: str = ""
    offset: int = 0
    limit: int = 50


class ReasonIn(Schema):
    reason: str = ""


class ForwardIn(Schema):
    organization_id: int | None = None  # none: the record's source organization
    note: str = ""


class DecideIn(Schema):
    upheld: bool
    reason: str = ""
    outcome: str = ""  # corrected | revoked, when upheld
    changes: dict[str, Any] = {}  # the corrected fields (severity, facts, authority, decision_date, legal_basis, data)


class ResultOut(Schema):
    serial: str
    record_id: int
    subject_name: str
    document_number: str
    category: str
    decided_on: dt.date | None
    shared_on: dt.date | None
    share_due: dt.date | None

    @staticmethod
    def resolve_document_number(obj: Case) -> str:
        return obj.record.document_number

    @staticmethod
    def resolve_category(obj: Case) -> str:
        return obj.record.category.code


class MitigationOut(Schema):
    id: int
    record_id: int
    person_name: str
    corrections: list[str]
    facts: str
    status: str
    reliefs: dict[str, str]
    decision: str
    decided_by: str
    decided_on: dt.date | None
    created_at: dt.datetime


class MitigationDecideIn(Schema):
    grant: bool
    decision: str = ""
    reliefs: dict[str, str] = {}  # measure code → waive | reduce


def _case(request: HttpRequest, case_id: int) -> Case:
    return queries.get_case(request.auth, case_id)


def _filing(grounds: str, requested: str, files: list[UploadedFile] | None, pledge: str = "",
            pledge_signer: str = "") -> Filing:
    return Filing(grounds=grounds, requested=requested, pledge=pledge, pledge_signer=pledge_signer,
                  files=list(files or []))


@router.get("/remedies/rules", response=RulesOut, summary="异议与修复时限规则、不适用修复的类别 / the rules")
def get_rules(request: HttpRequest) -> dict[str, Any]:
    access.require(request.auth, Perm.REMEDIES_VIEW)
    return {"rules": list(RemedyRule.objects.all()),
            "repair_exclusions": list(RepairExclusion.objects.select_related("category"))}


@router.get("/remedies/records/{record_id}/repairability", response=RepairabilityOut,
            summary="记录能否及何时可申请信用修复 / whether and from when a record can be repaired")
def get_repairability(request: HttpRequest, record_id: int) -> dict[str, Any]:
    record = get_record(request.auth, Record.objects.select_related("category", "regime_rule"), pk=record_id)
    r = repairs.repairability(record)
    return {"record_id": record.pk, "repairable": r.repairable, "from_date": r.from_date, "reason": r.reason,
            "reason_en": r.reason_en}


@router.get("/remedies/cases", response=Page, summary="异议与修复申请（队列）/ the case queue")
def list_cases(request: HttpRequest, filters: Query[ApiFilters]) -> dict[str, Any]:
    qs = queries.filter_cases(request.auth, queries.CaseFilters(filters.queue, filters.kind, filters.status,
                                                                filters.overdue, filters.record, filters.q))
    limit, offset = max(1, min(filters.limit, MAX_PAGE)), max(0, filters.offset)
    return {"count": qs.count(), "items": list(qs.select_related("rule")[offset:offset + limit])}


@router.get("/remedies/cases/{case_id}", response=DetailOut, summary="申请详情与办理记录 / one case")
def get_case(request: HttpRequest, case_id: int) -> Case:
    return _case(request, case_id)


@router.post("/remedies/objections", response={201: FiledOut},
             summary="提出异议（附证明材料）/ file an objection about a record, with evidence")
def file_objection(request: HttpRequest, record_id: Form[int], grounds: Form[str], requested: Form[str] = "",
                   files: File[list[UploadedFile]] = None) -> Status:  # type: ignore[assignment]
    c, code = objections.file(request.auth, record_id, _filing(grounds, requested, files))
    return Status(201, {"serial": c.serial, "extraction_code": code, "case": _case(request, c.pk)})


@router.post("/remedies/repairs", response={201: FiledOut},
             summary="申请信用修复（附证明材料和信用修复承诺）/ apply for credit repair")
def apply_repair(request: HttpRequest, record_id: Form[int], grounds: Form[str], pledge: Form[str],
                 pledge_signer: Form[str], requested: Form[str] = "",
                 files: File[list[UploadedFile]] = None) -> Status:  # type: ignore[assignment]
    c, code = repairs.apply(request.auth, record_id, _filing(grounds, requested, files, pledge, pledge_signer))
    return Status(201, {"serial": c.serial, "extraction_code": code, "case": _case(request, c.pk)})


def _act(request: HttpRequest, case_id: int, action: Any, **kw: Any) -> Case:
    action(request.auth, _case(request, case_id), **kw)
    return _case(request, case_id)


@router.post("/remedies/cases/{case_id}/accept", response=DetailOut,
             summary="受理（异议：同时标注异议中）/ accept (an objection marks the record disputed)")
def accept(request: HttpRequest, case_id: int) -> Case:
    return _act(request, case_id, services.accept)


@router.post("/remedies/cases/{case_id}/decline", response=DetailOut, summary="不予受理 / decline")
def decline(request: HttpRequest, case_id: int, payload: ReasonIn) -> Case:
    return _act(request, case_id, services.decline, reason=payload.reason)


@router.post("/remedies/cases/{case_id}/forward", response=DetailOut,
             summary="转数据来源单位核查 / forward an objection to the source organization")
def forward(request: HttpRequest, case_id: int, payload: ForwardIn) -> Case:
    org = None
    if payload.organization_id is not None:
        org = access.get_visible(request.auth, Organization.objects.all(), pk=payload.organization_id)
    return _act(request, case_id, services.forward, organization=org, note=payload.note)


@router.post("/remedies/cases/{case_id}/decide", response=DetailOut,
             summary="异议处理决定（成立：更正或撤销；不成立）/ decide an objection")
def decide(request: HttpRequest, case_id: int, payload: DecideIn) -> Case:
    return _act(request, case_id, services.decide, upheld=payload.upheld, reason=payload.reason,
                outcome=payload.outcome, changes=payload.changes)


@router.post("/remedies/cases/{case_id}/approve", response=DetailOut,
             summary="准予信用修复（终止公示、停止共享、解除惩戒）/ approve a repair")
def approve(request: HttpRequest, case_id: int, payload: ReasonIn) -> Case:
    return _act(request, case_id, services.approve, reason=payload.reason)


@router.post("/remedies/cases/{case_id}/refuse", response=DetailOut, summary="不予修复 / refuse a repair")
def refuse(request: HttpRequest, case_id: int, payload: ReasonIn) -> Case:
    return _act(request, case_id, services.refuse, reason=payload.reason)


class PurposeIn(Schema):
    purpose: str


class IdentityOut(Schema):
    name: str
    contact: str


@router.post("/remedies/cases/{case_id}/identity", response=IdentityOut,
             summary="查看网站申请人的姓名和联系方式（须说明用途，记入审计）/ a portal applicant's identity (audited)")
def reveal(request: HttpRequest, case_id: int, payload: PurposeIn) -> dict[str, str]:
    return services.reveal_applicant(request.auth, _case(request, case_id), purpose=payload.purpose)


@router.get("/remedies/repair-results", response=list[ResultOut],
            summary="信用修复结果（供共享）/ repair results since a date, for sharing with other platforms")
def repair_results(request: HttpRequest, since: dt.date) -> list[Case]:
    qs = queries.filter_cases(request.auth, queries.CaseFilters(kind="repair", status=CaseStatus.APPROVED))
    return list(qs.filter(decided_on__gte=since).order_by("decided_on", "id"))


@router.get("/remedies/figures", summary="异议与修复统计 / figures: outcomes, handling time, overdue")
def get_figures(request: HttpRequest, start: dt.date, end: dt.date) -> dict[str, Any]:
    return figures.figures(request.auth, start, end)


@router.get("/remedies/mitigations", response=list[MitigationOut], summary="从轻或免于惩戒 / mitigations")
def list_mitigations(request: HttpRequest, record: int | None = None) -> list[Mitigation]:
    qs = queries.mitigations(request.auth)
    return list(qs.filter(record_id=record) if record else qs[:MAX_PAGE])


@router.post("/remedies/mitigations", response={201: MitigationOut},
             summary="登记公务员自我纠错情况（附证明材料）/ record a civil servant's self-correction")
def record_mitigation(request: HttpRequest, record_id: Form[int], corrections: Form[str], facts: Form[str],
                      files: File[list[UploadedFile]] = None) -> Status:  # type: ignore[assignment]
    wanted = [c.strip() for c in corrections.replace("，", ",").split(",") if c.strip()]
    return Status(201, mitigation.record_correction(request.auth, record_id, corrections=wanted, facts=facts,
                                                    files=list(files or [])))


@router.get("/remedies/mitigations/{mitigation_id}", response=MitigationOut, summary="从轻或免于惩戒详情 / one")
def get_mitigation(request: HttpRequest, mitigation_id: int) -> Mitigation:
    return queries.get_mitigation(request.auth, mitigation_id)


@router.post("/remedies/mitigations/{mitigation_id}/decide", response=MitigationOut,
             summary="决定从轻或免于惩戒（比对随即依此执行）/ decide: the check honours it from now")
def decide_mitigation(request: HttpRequest, mitigation_id: int, payload: MitigationDecideIn) -> Mitigation:
    m = queries.get_mitigation(request.auth, mitigation_id)
    return mitigation.decide(request.auth, m, grant=payload.grant, decision=payload.decision, reliefs=payload.reliefs)


@router.post("/remedies/mitigations/{mitigation_id}/lift", response=MitigationOut, summary="撤销决定 / lift")
def lift_mitigation(request: HttpRequest, mitigation_id: int, payload: ReasonIn) -> Mitigation:
    return mitigation.lift(request.auth, queries.get_mitigation(request.auth, mitigation_id), reason=payload.reason)
