"""Screening-check API (自动比对、自动拦截): checks, batches, feedback, name judgements; the measures list,
scenes and party lists; listings. Reads go through the access layer; writes through `services`/`catalog`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from govtrust.core import access
from govtrust.core.access import Perm

from . import catalog, figures, services
from .models import Check, CheckBatch, Listing, Measure, MeasureVersion, PartyList, Scene

router = Router(tags=["sanctions 守信激励与失信惩戒"])
MAX_PAGE = 200


class CheckIn(Schema):
    party: dict[str, Any]  # {"uscc": …} | {"resident_id": …} | {"name": …}
    scene: str  # code or Chinese name
    system: str = ""
    reference: str = ""  # the caller's own case number (e.g. the tender number)


class BatchIn(Schema):
    parties: list[Any]
    scene: str
    system: str = ""
    reference: str = ""


class FeedbackItem(Schema):
    measure: str = ""
    outcome: str
    reason: str = ""


class FeedbackIn(Schema):
    items: list[FeedbackItem]


class JudgementIn(Schema):
    name: str
    candidate_key: str
    reason: str
    check_id: int | None = None


class MeasureIn(Schema):
    name: str
    name_en: str
    kind: str
    subject_kinds: list[str]
    trigger: dict[str, Any]
    scenes: list[str]
    effect: str
    legal_basis: str
    implementing_organization: str
    note: str = ""
    reason: str


class MeasureCreateIn(MeasureIn):
    code: str


class MeasureStatusIn(Schema):
    status: str
    reason: str


class ListingIn(Schema):
    party_list: str
    name: str
    uscc: str = ""
    resident_id: str = ""
    authority: str
    document_number: str
    listed_on: dt.date
    listed_until: dt.date | None = None
    reason: str = ""


class ReasonIn(Schema):
    reason: str
    day: dt.date | None = None


class MeasureOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    subject_kinds: list[str]
    trigger: dict[str, Any]
    scenes: list[str]
    effect: str
    legal_basis: str
    implementing_organization: str
    note: str
    status: str
    version: int


class SceneOut(Schema):
    code: str
    name: str
    name_en: str


class PartyListOut(Schema):
    code: str
    name: str
    name_en: str
    polarity: str
    legal_basis: str


class ListingOut(Schema):
    id: int
    party_list: str
    name: str
    uscc: str
    resident_id_masked: str
    authority: str
    document_number: str
    listed_on: dt.date
    listed_until: dt.date | None
    removed_on: dt.date | None
    removal_reason: str

    @staticmethod
    def resolve_party_list(obj: Listing) -> str:
        return obj.party_list.code


class JudgementOut(Schema):
    id: int
    name_normalized: str
    candidate_key: str
    candidate_name: str
    reason: str
    actor: str
    created_at: dt.datetime


class CheckListFilters(Schema):
    scene: str = ""
    decision: str = ""
    subject_key: str = ""
    since: dt.date | None = None
    offset: int = 0
    limit: int = 50


def answer_of(c: Check) -> dict[str, Any]:
    """The answer as given, with its check id."""
    return {"check_id": c.pk, **c.answer}


def _page(filters: CheckListFilters) -> tuple[int, int]:
    return max(1, min(filters.limit, MAX_PAGE)), max(0, filters.offset)


def _json(data: Any) -> HttpResponse:
    """The answers are plain JSON values already: orjson writes them (Chinese as UTF-8) several times faster
    than the API's general renderer, which matters at a thousand checks a second and for 10,000-party batches."""
    return HttpResponse(orjson.dumps(data), content_type="application/json")


def answer_check(principal: Any, payload: CheckIn) -> HttpResponse:
    """One check answered: for the route below and for its short path (sanctions.fastpath)."""
    return _json(answer_of(services.check(principal, party=payload.party, scene=payload.scene,
                                          system=payload.system, reference=payload.reference)))


@router.post("/checks", summary="信用比对 / screen one party in a scene")
def post_check(request: HttpRequest, payload: CheckIn) -> HttpResponse:
    return answer_check(request.auth, payload)


@router.post("/checks/batch", summary="批量信用比对（最多10000个主体）/ screen up to 10,000 parties")
def post_batch(request: HttpRequest, payload: BatchIn) -> HttpResponse:
    batch, checks = services.check_batch(request.auth, parties=payload.parties, scene=payload.scene,
                                         system=payload.system, reference=payload.reference)
    return _json({"batch_id": batch.pk, "size": batch.size, "decisions": batch.decisions,
                  "results": [answer_of(c) for c in checks]})


@router.get("/checks", summary="比对记录 / the check log")
def list_checks(request: HttpRequest, filters: Query[CheckListFilters]) -> dict[str, Any]:
    qs = access.restrict(request.auth, Check.objects.all(), Perm.CHECKS_VIEW)
    for name in ("scene", "decision", "subject_key"):
        if getattr(filters, name):
            qs = qs.filter(**{name: getattr(filters, name)})
    if filters.since:
        qs = qs.filter(asked_at__date__gte=filters.since)
    limit, offset = _page(filters)
    rows = qs.values("id", "asked_at", "actor", "system", "scene", "reference", "party_kind", "party_shown",
                     "party_name", "subject_key", "decision", "ledger_version", "measures_version", "batch_id")
    return {"count": qs.count(), "items": list(rows[offset:offset + limit])}


@router.get("/checks/figures", summary="实施反馈统计（按措施、场景）/ feedback figures per measure and scene")
def get_figures(request: HttpRequest, start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    return figures.feedback_figures(request.auth, start, end)


@router.post("/checks/judgements", response={201: JudgementOut},
             summary="判定候选主体非同一主体 / record that a name candidate is not the party")
def post_judgement(request: HttpRequest, payload: JudgementIn) -> Status:
    check_obj = None
    if payload.check_id is not None:
        check_obj = access.get_visible(request.auth, Check.objects.all(), Perm.CHECKS_RUN, pk=payload.check_id)
    judgement = services.judge_not_party(request.auth, name=payload.name, candidate_key=payload.candidate_key,
                                         reason=payload.reason, check_obj=check_obj)
    return Status(201, judgement)


@router.get("/checks/batches/{batch_id}", summary="批量比对结果 / a batch and its results")
def get_batch(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    batch = access.get_visible(request.auth, CheckBatch.objects.all(), Perm.CHECKS_VIEW, pk=batch_id)
    return {"batch_id": batch.pk, "size": batch.size, "decisions": batch.decisions, "scene": batch.scene,
            "results": [answer_of(c) for c in batch.checks.order_by("position")]}


@router.get("/checks/{check_id}", summary="一次比对的答复 / one check as answered")
def get_check(request: HttpRequest, check_id: int) -> dict[str, Any]:
    found = access.get_visible(request.auth, Check.objects.all(), Perm.CHECKS_VIEW, pk=check_id)
    feedback = list(found.feedback.values("measure", "outcome", "reason", "actor", "reported_at"))
    return {**answer_of(found), "feedback": feedback}


@router.post("/checks/{check_id}/feedback", summary="实施反馈 / report what was done with a check")
def post_feedback(request: HttpRequest, check_id: int, payload: FeedbackIn) -> dict[str, Any]:
    found = access.get_visible(request.auth, Check.objects.all(), Perm.CHECKS_RUN, pk=check_id)
    saved = services.report_feedback(request.auth, found, [i.dict() for i in payload.items])
    return {"check_id": found.pk, "feedback": [{"measure": f.measure, "outcome": f.outcome, "reason": f.reason}
                                               for f in saved]}


@router.get("/measures", response=list[MeasureOut], auth=None, summary="联合奖惩措施清单（已发布）/ the published list")
def list_measures(request: HttpRequest) -> Any:
    return Measure.objects.filter(status="published")


@router.get("/measures/all", response=list[MeasureOut], summary="全部措施（含草稿、已停用）/ every measure")
def list_all_measures(request: HttpRequest) -> Any:
    access.require(request.auth, Perm.MEASURES_CHANGE)
    return Measure.objects.all()


@router.get("/measures/{code}/versions", summary="措施的历次版本 / a measure's versions")
def measure_versions(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    measure = access.get_visible(request.auth, Measure.objects.all(), Perm.CHECKS_VIEW, code=code)
    return list(MeasureVersion.objects.filter(measure=measure).values("number", "content", "reason", "actor",
                                                                      "created_at"))


@router.post("/measures", response={201: MeasureOut}, summary="新增措施（草稿）/ add a measure as a draft")
def create_measure(request: HttpRequest, payload: MeasureCreateIn) -> Status:
    data = payload.dict()
    return Status(201, catalog.create_measure(request.auth, code=data.pop("code"), reason=data.pop("reason"), **data))


@router.put("/measures/{code}", response=MeasureOut, summary="修改措施 / change a measure (a new version)")
def update_measure(request: HttpRequest, code: str, payload: MeasureIn) -> Measure:
    measure = access.get_visible(request.auth, Measure.objects.all(), Perm.MEASURES_CHANGE, code=code)
    data = payload.dict()
    return catalog.update_measure(request.auth, measure, reason=data.pop("reason"), **data)


@router.post("/measures/{code}/status", response=MeasureOut, summary="发布或停用措施 / publish or withdraw a measure")
def set_measure_status(request: HttpRequest, code: str, payload: MeasureStatusIn) -> Measure:
    measure = access.get_visible(request.auth, Measure.objects.all(), Perm.MEASURES_CHANGE, code=code)
    return catalog.update_measure(request.auth, measure, reason=payload.reason, status=payload.status)


@router.get("/scenes", response=list[SceneOut], auth=None, summary="应用场景 / scenes")
def list_scenes(request: HttpRequest) -> Any:
    return Scene.objects.filter(active=True)


@router.get("/party-lists", response=list[PartyListOut], auth=None, summary="名单 / the lists kept by authorities")
def list_party_lists(request: HttpRequest) -> Any:
    return PartyList.objects.all()


@router.get("/listings", response=list[ListingOut], summary="名单主体 / parties on lists")
def list_listings(request: HttpRequest, party_list: str = "", offset: int = 0, limit: int = 50) -> Any:
    qs = access.restrict(request.auth, Listing.objects.select_related("party_list"), Perm.LISTINGS_SUBMIT)
    if party_list:
        qs = qs.filter(party_list__code=party_list)
    limit = max(1, min(limit, MAX_PAGE))
    return qs[max(0, offset):max(0, offset) + limit]


@router.post("/listings", response={201: ListingOut}, summary="列入名单 / put a party on a list")
def create_listing(request: HttpRequest, payload: ListingIn) -> Status:
    return Status(201, services.add_listing(request.auth, **payload.dict()))


@router.post("/listings/{listing_id}/remove", response=ListingOut, summary="移出名单 / take a party off a list")
def remove_listing(request: HttpRequest, listing_id: int, payload: ReasonIn) -> Listing:
    listing = access.get_visible(request.auth, Listing.objects.select_related("party_list"), Perm.LISTINGS_SUBMIT,
                                 pk=listing_id)
    return services.remove_listing(request.auth, listing, reason=payload.reason, day=payload.day)
