"""Complaints API: the catalog, the queue, one case with its timeline, staff entry, the 12345 hand-over (one
case, idempotent by the hotline's number; or a CSV/XLSX file), every workflow action, the routing table, the
figures and the register. Reads go through the access layer (another scope's case answers 404); changes go
through `services`, `intake` and `routing`. The complainant's identity is masked here; the unmasked read is
its own audited endpoint with a purpose.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status, UploadedFile

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import field_error
from govtrust.subjects.models import Organization, Region

from . import figures, intake, routing, services
from .models import Complaint, ComplaintCategory, DeadlineRule, NotAcceptedMatter, RoutingEntry
from .queries import QueueFilters, filter_complaints

router = Router(tags=["complaints 投诉举报"])
MAX_PAGE = 200


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    limit_class: str
    writes_record: bool
    legal_basis: str


class RuleOut(Schema):
    code: str
    name: str
    in_force_from: dt.date
    accept_working_days: int
    assign_working_days: int
    reassign_working_days: int
    close_working_days: int
    visit_working_days: int
    remind_before_working_days: int
    handle_working_days: dict[str, int]
    legal_basis: str


class MatterOut(Schema):
    code: str
    text: str
    legal_basis: str


class CatalogOut(Schema):
    categories: list[CategoryOut]
    rules: list[RuleOut]
    not_accepted: list[MatterOut]


class ComplaintOut(Schema):
    id: int
    serial: str
    hotline_number: str | None
    channel: str
    category: str
    category_name: str
    body_id: int
    body_name: str
    facts: str
    demand: str
    anonymous: bool
    name_masked: str
    contact_masked: str
    received_on: dt.date
    rule: str
    status: str
    stage_on: dt.date
    current_due: dt.date | None
    calendar_basis: dict[str, Any]
    accept_due: dt.date | None
    decline_reason: str
    assignee_id: int | None
    routing_entry_id: int | None
    assigned_on: dt.date | None
    handle_due: dt.date | None
    return_reason: str
    reply: str
    finding: str
    replied_on: dt.date | None
    on_time: bool | None
    closed_on: dt.date | None
    rating: str
    visited_on: dt.date | None
    reopen_count: int
    return_count: int
    merged_into_id: int | None
    serious: bool
    reported_to_id: int | None
    overdue: bool
    ledger_record_id: int | None

    @staticmethod
    def resolve_category(obj: Complaint) -> str:
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj: Complaint) -> str:
        return obj.category.name

    @staticmethod
    def resolve_rule(obj: Complaint) -> str:
        return obj.rule.code


class EventOut(Schema):
    kind: str
    actor: str
    organization_id: int | None
    reason: str
    day: dt.date
    due: dt.date | None
    at: dt.datetime


class FileOut(Schema):
    id: int
    original_name: str
    extension: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class DetailOut(ComplaintOut):
    events: list[EventOut]
    files: list[FileOut]

    @staticmethod
    def resolve_events(obj: Complaint) -> list[Any]:
        return list(obj.events.order_by("at", "id"))

    @staticmethod
    def resolve_files(obj: Complaint) -> list[Any]:
        return list(obj.files.order_by("uploaded_at", "id"))


class Page(Schema):
    count: int
    items: list[ComplaintOut]


class FileIn(Schema):
    """A complaint as staff or a 12345 system states it: the body by id, USCC or full name."""

    category: str
    body: str = ""
    body_id: int | None = None
    facts: str
    demand: str = ""
    anonymous: bool = False
    name: str = ""
    contact: str = ""
    received_on: dt.date | None = None


class HotlineIn(FileIn):
    hotline_number: str


class FiledOut(Schema):
    created: bool
    serial: str
    extraction_code: str  # shown only when the case was created; pass it on to the complainant
    complaint: ComplaintOut


class ImportOut(Schema):
    created: int
    existing: int
    serials: list[str]


class NoteIn(Schema):
    note: str = ""


class DeclineIn(Schema):
    matter: str
    reason: str = ""


class AssignIn(Schema):
    organization_id: int | None = None  # none: by the routing table
    note: str = ""


class ReassignIn(Schema):
    organization_id: int
    note: str = ""


class ReasonIn(Schema):
    reason: str = ""


class ReplyIn(Schema):
    reply: str
    finding: str = ""


class CloseIn(Schema):
    finding: str = ""
    note: str = ""


class VisitIn(Schema):
    rating: str
    note: str = ""


class MergeIn(Schema):
    into_id: int
    reason: str = ""


class PurposeIn(Schema):
    purpose: str


class IdentityOut(Schema):
    name: str
    contact: str


class RouteOut(Schema):
    id: int
    category: str | None
    region: str
    organization_id: int
    organization_name: str
    valid_from: dt.date
    valid_to: dt.date | None
    replaced_by_id: int | None
    note: str
    created_by: str

    @staticmethod
    def resolve_category(obj: RoutingEntry) -> str | None:
        return obj.category.code if obj.category_id else None

    @staticmethod
    def resolve_region(obj: RoutingEntry) -> str:
        return obj.region.code

    @staticmethod
    def resolve_organization_name(obj: RoutingEntry) -> str:
        return obj.organization.name


class RouteIn(Schema):
    category: str | None = None
    region: str  # division code
    organization_id: int
    valid_from: dt.date
    note: str = ""


class RouteReplaceIn(Schema):
    organization_id: int
    valid_from: dt.date
    note: str = ""


class ApiFilters(Schema):
    queue: str = ""
    status: str = ""
    category: str = ""
    body: int | None = None
    overdue: bool | None = None
    serious: bool | None = None
    q: str = ""
    offset: int = 0
    limit: int = 50


SELECTED = ("category", "rule")


def _visible(request: HttpRequest, complaint_id: int) -> Complaint:
    return access.get_visible(request.auth, Complaint.objects.select_related(*SELECTED), Perm.COMPLAINTS_VIEW,
                              pk=complaint_id)


def _org(request: HttpRequest, org_id: int | None) -> Organization | None:
    return None if org_id is None else access.get_visible(request.auth, Organization.objects.all(), pk=org_id)


def _filing(payload: FileIn, number: str = "") -> intake.Filing:
    return intake.Filing(category=payload.category, body=payload.body, body_id=payload.body_id, facts=payload.facts,
                         demand=payload.demand, anonymous=payload.anonymous, name=payload.name,
                         contact=payload.contact, received_on=payload.received_on, hotline_number=number)


@router.get("/complaints/catalog", response=CatalogOut, summary="类别、办理时限、不予受理事项 / the complaints catalog")
def get_catalog(request: HttpRequest) -> dict[str, Any]:
    access.require(request.auth, Perm.COMPLAINTS_VIEW)
    return {"categories": list(ComplaintCategory.objects.filter(active=True)),
            "rules": list(DeadlineRule.objects.all()), "not_accepted": list(NotAcceptedMatter.objects.filter(active=True))}


@router.get("/complaints", response=Page, summary="投诉举报列表（队列）/ the complaint queue")
def list_complaints(request: HttpRequest, filters: Query[ApiFilters]) -> dict[str, Any]:
    qs = filter_complaints(request.auth, QueueFilters(filters.queue, filters.status, filters.category, filters.body,
                                                      filters.overdue, filters.serious, filters.q))
    limit, offset = max(1, min(filters.limit, MAX_PAGE)), max(0, filters.offset)
    return {"count": qs.count(), "items": list(qs.select_related(*SELECTED)[offset:offset + limit])}


@router.post("/complaints", response={201: FiledOut}, summary="登记投诉举报（热线来电）/ enter a hotline call")
def create_complaint(request: HttpRequest, payload: FileIn) -> Status:
    c, code = intake.file_staff(request.auth, _filing(payload))
    return Status(201, {"created": True, "serial": c.serial, "extraction_code": code, "complaint": c})


@router.post("/complaints/hotline", response={200: FiledOut, 201: FiledOut},
             summary="12345热线推送（按工单号幂等）/ a case from a 12345 system (idempotent by its number)")
def hotline_case(request: HttpRequest, payload: HotlineIn) -> Status:
    result = intake.from_hotline(request.auth, _filing(payload, payload.hotline_number))
    body = {"created": result.created, "serial": result.complaint.serial, "extraction_code": result.code,
            "complaint": result.complaint}
    return Status(201 if result.created else 200, body)


@router.post("/complaints/hotline/import", response=ImportOut,
             summary="12345热线批量导入（CSV/XLSX，全部或全不）/ import a hand-over file (all or nothing)")
def hotline_import(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    return intake.import_hotline(request.auth, filename=file.name or "", content=file.file).as_dict()


@router.get("/complaints/figures", summary="投诉举报统计（按单位、区划、类别、月份）/ figures")
def get_figures(request: HttpRequest, start: dt.date, end: dt.date) -> dict[str, Any]:
    return figures.report(request.auth, start, end)


@router.get("/complaints/register.xlsx", summary="投诉举报台账（XLSX）/ the register as XLSX")
def get_register(request: HttpRequest, start: dt.date, end: dt.date) -> HttpResponse:
    data = figures.register_xlsx(request.auth, start, end)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="complaints-{start}-{end}.xlsx"'
    return response


@router.get("/complaints/routing", response=list[RouteOut], summary="派单规则（含历史）/ the routing table")
def list_routes(request: HttpRequest, on: dt.date | None = None) -> Any:
    return list(routing.table(request.auth, on))


@router.post("/complaints/routing", response={201: RouteOut}, summary="新增派单规则 / add a routing entry")
def add_route(request: HttpRequest, payload: RouteIn) -> Status:
    access.require(request.auth, Perm.COMPLAINTS_MANAGE)
    category = None
    if payload.category:
        category = ComplaintCategory.objects.filter(code=payload.category).first()
        if category is None:
            raise field_error("category", f"“{payload.category}”不是投诉举报类别", "unknown category")
    region = Region.objects.filter(code=payload.region).first()
    e = routing.add(request.auth, category=category, region=region, organization=_org(request, payload.organization_id),
                    valid_from=payload.valid_from, note=payload.note)
    return Status(201, e)


@router.post("/complaints/routing/{entry_id}/replace", response={201: RouteOut},
             summary="变更派单规则（原规则失效并保留）/ replace a routing entry (the old one is kept, ended)")
def replace_route(request: HttpRequest, entry_id: int, payload: RouteReplaceIn) -> Status:
    entry = access.get_visible(request.auth, RoutingEntry.objects.all(), Perm.COMPLAINTS_VIEW, pk=entry_id)
    return Status(201, routing.replace(request.auth, entry, organization=_org(request, payload.organization_id),
                                       valid_from=payload.valid_from, note=payload.note))


@router.get("/complaints/{complaint_id}", response=DetailOut, summary="投诉举报详情与办理记录 / one case")
def get_complaint(request: HttpRequest, complaint_id: int) -> Complaint:
    return _visible(request, complaint_id)


@router.post("/complaints/{complaint_id}/identity", response=IdentityOut,
             summary="查看投诉人身份和联系方式（须说明用途，记入审计）/ the complainant's identity (audited)")
def reveal(request: HttpRequest, complaint_id: int, payload: PurposeIn) -> dict[str, str]:
    return services.reveal_identity(request.auth, _visible(request, complaint_id), purpose=payload.purpose)


def _act(request: HttpRequest, complaint_id: int, action: Any, **kw: Any) -> Complaint:
    action(request.auth, _visible(request, complaint_id), **kw)
    return _visible(request, complaint_id)


@router.post("/complaints/{complaint_id}/accept", response=DetailOut, summary="受理 / accept")
def accept(request: HttpRequest, complaint_id: int, payload: NoteIn) -> Complaint:
    return _act(request, complaint_id, services.accept, note=payload.note)


@router.post("/complaints/{complaint_id}/decline", response=DetailOut, summary="不予受理 / decline")
def decline(request: HttpRequest, complaint_id: int, payload: DeclineIn) -> Complaint:
    return _act(request, complaint_id, services.decline, matter=payload.matter, reason=payload.reason)


@router.post("/complaints/{complaint_id}/assign", response=DetailOut,
             summary="派单（不指定单位时按派单规则）/ assign (by the routing table unless an organization is given)")
def assign(request: HttpRequest, complaint_id: int, payload: AssignIn) -> Complaint:
    return _act(request, complaint_id, services.assign, organization=_org(request, payload.organization_id),
                note=payload.note)


@router.post("/complaints/{complaint_id}/handle", response=DetailOut, summary="签收办理 / sign for the case")
def handle(request: HttpRequest, complaint_id: int, payload: NoteIn) -> Complaint:
    return _act(request, complaint_id, services.handle, note=payload.note)


@router.post("/complaints/{complaint_id}/return", response=DetailOut, summary="退单 / return")
def return_case(request: HttpRequest, complaint_id: int, payload: ReasonIn) -> Complaint:
    return _act(request, complaint_id, services.return_case, reason=payload.reason)


@router.post("/complaints/{complaint_id}/reassign", response=DetailOut, summary="改派 / reassign")
def reassign(request: HttpRequest, complaint_id: int, payload: ReassignIn) -> Complaint:
    return _act(request, complaint_id, services.reassign, organization=_org(request, payload.organization_id),
                note=payload.note)


@router.post("/complaints/{complaint_id}/reply", response=DetailOut, summary="答复 / reply")
def reply(request: HttpRequest, complaint_id: int, payload: ReplyIn) -> Complaint:
    return _act(request, complaint_id, services.reply, text=payload.reply, finding=payload.finding)


@router.post("/complaints/{complaint_id}/close", response=DetailOut,
             summary="办结（查实的生成信用记录）/ close (a complaint found true writes a ledger record)")
def close(request: HttpRequest, complaint_id: int, payload: CloseIn) -> Complaint:
    return _act(request, complaint_id, services.close, finding=payload.finding, note=payload.note)


@router.post("/complaints/{complaint_id}/visit", response=DetailOut,
             summary="回访（不满意则重新办理）/ follow-up visit (unsatisfied reopens the case)")
def visit(request: HttpRequest, complaint_id: int, payload: VisitIn) -> Complaint:
    return _act(request, complaint_id, services.visit, rating=payload.rating, note=payload.note)


@router.post("/complaints/{complaint_id}/merge", response=DetailOut, summary="并单 / merge into another case")
def merge(request: HttpRequest, complaint_id: int, payload: MergeIn) -> Complaint:
    into = _visible(request, payload.into_id)
    return _act(request, complaint_id, services.merge, into=into, reason=payload.reason)


@router.post("/complaints/{complaint_id}/supervise", response=DetailOut, summary="督办 / supervise")
def supervise(request: HttpRequest, complaint_id: int, payload: NoteIn) -> Complaint:
    return _act(request, complaint_id, services.supervise, note=payload.note)


@router.post("/complaints/{complaint_id}/serious", response=DetailOut,
             summary="标记重大投诉并当日报告上级 / flag serious and report to the level above")
def serious(request: HttpRequest, complaint_id: int, payload: ReasonIn) -> Complaint:
    return _act(request, complaint_id, services.flag_serious, reason=payload.reason)
