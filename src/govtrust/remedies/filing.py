"""Which record an applicant may file about, and what every filing checks (both kinds, every door).

Reach (REFERENCE §3; the issue's "outside the applicant's reach"):
- in the console or through the API, a record the principal sees through the access layer. An objection may
  come from the subject's own staff or from a data user (anyone who reads the record); a repair application
  only from the subject's own unit — an organization-scoped principal for a record of its own subtree, or
  the credit office filing on the subject's behalf;
- on the portal, a record disclosed there now (portal.queries.public_records), or — for a civil servant
  about their own record, which the portal never shows — the record with that document number about the
  person whose resident ID is given. A wrong ID or number gets the same answer as a missing record.

Every filing needs grounds, at least one evidence file (type, size and content checked) and, from the portal,
the applicant's name and a contact; a second open case of the same kind about the same record is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govtrust.commitments.files import Checked, read_checked
from govtrust.core import access, crypto, tracking
from govtrust.core.access import Perm, Scope
from govtrust.core.errors import Conflict, FieldError, NotFound, ServiceError, invalid
from govtrust.core.identifiers import check_resident_id
from govtrust.ledger.models import LIVE_STATUSES, Record
from govtrust.ledger.queries import visible_records
from govtrust.portal.queries import public_records

from .models import OPEN_STATUSES, Capacity, Case, Kind

MAX_GROUNDS = 5000
MAX_FILES = 5


@dataclass
class Filing:
    """What an applicant states, as text, from any door."""

    grounds: str = ""
    requested: str = ""
    name: str = ""
    contact: str = ""
    pledge: str = ""  # repair: the credit-repair commitment as signed
    pledge_signer: str = ""
    files: list[Any] = field(default_factory=list)


def console_record(principal: Any, kind: str, record_id: Any) -> tuple[Record, str]:
    """The record a console or API principal files about, and the capacity it files in."""
    access.require(principal, Perm.OBJECTIONS_FILE if kind == Kind.OBJECTION else Perm.REPAIRS_APPLY)
    try:
        pk = int(record_id)
    except (TypeError, ValueError):
        raise invalid([FieldError("record", "请指定信用记录", "a record id is required")]) from None
    record = visible_records(principal, Record.objects.select_related("category", "unit__region")).filter(pk=pk).first()
    if record is None:
        raise NotFound("信用记录", "Record")
    org = getattr(principal, "organization", None)
    own = org is not None and record.unit.path.startswith(org.path)
    if kind == Kind.REPAIR and not own and access.policy(principal).scope == Scope.ORGANIZATION:
        raise ServiceError("out_of_reach", "只能为本单位（及下属单位）的信用记录申请修复",
                           "a repair may be applied for only for records of the applicant's own unit", status=403)
    return record, Capacity.SUBJECT if own or kind == Kind.REPAIR else Capacity.USER


def public_record(record_id: Any = None, resident_id: str = "", document_number: str = "") -> tuple[Record, str]:
    """The record a portal applicant files about: a disclosed record, or a civil servant's own record."""
    if resident_id or document_number:
        chk = check_resident_id(resident_id or "")
        errors = [] if chk else [FieldError("resident_id", chk.reason, chk.reason_en)]
        if not (document_number or "").strip():
            errors.append(FieldError("document_number", "请填写记录的决定文书号", "the document number is required"))
        if errors:
            raise invalid(errors)
        record = (Record.objects.select_related("category", "person").filter(
            person__resident_id_hash=crypto.lookup_hash(chk.value), document_number=document_number.strip(),
            status__in=LIVE_STATUSES).first())
        if record is None:
            raise invalid([FieldError("document_number", "未找到与该公民身份号码对应的这一文书号的记录",
                                      "no record with this document number about the person with this ID")])
        return record, Capacity.SELF
    try:
        pk = int(record_id)
    except (TypeError, ValueError):
        raise invalid([FieldError("record", "请从公示记录中选择要申请的记录", "choose a disclosed record")]) from None
    record = Record.objects.select_related("category", "organization").filter(pk=pk).first()
    if record is None or record.organization is None or not public_records(record.organization).filter(pk=pk).exists():
        raise invalid([FieldError("record", "该记录未在本网站公示，不能在线申请；请向信用办现场申请",
                                  "this record is not disclosed on the portal; apply at the credit office")])
    return record, Capacity.SUBJECT


def check(kind: str, record: Record, f: Filing, public: bool) -> list[Checked]:
    """The filing's evidence as checked files; raises with every error, each naming its field."""
    errors: list[FieldError] = []
    grounds = (f.grounds or "").strip()
    if not grounds:
        errors.append(FieldError("grounds", "请填写事实和理由", "the grounds are required"))
    elif len(grounds) > MAX_GROUNDS:
        errors.append(FieldError("grounds", f"事实和理由不能超过{MAX_GROUNDS}字", f"at most {MAX_GROUNDS} characters"))
    if public:
        if not (f.name or "").strip():
            errors.append(FieldError("name", "请填写申请人姓名", "the applicant's name is required"))
        if not tracking.valid_contact(f.contact or ""):
            errors.append(FieldError("contact", "请填写有效的手机号、固定电话或电子邮箱",
                                     "a valid mobile, landline or e-mail is required"))
    if kind == Kind.REPAIR:
        if not (f.pledge or "").strip():
            errors.append(FieldError("pledge", "须签署信用修复承诺书", "the credit-repair commitment must be signed"))
        if not (f.pledge_signer or "").strip():
            errors.append(FieldError("pledge_signer", "请填写承诺人", "the signer of the commitment is required"))
    checked = evidence(f.files, errors)
    same = Case.objects.filter(record=record, kind=kind, status__in=OPEN_STATUSES).values_list("serial", flat=True)
    if same:
        raise Conflict(f"该记录已有正在办理的{Kind(kind).label}申请（编号{same[0]}），请勿重复提交",
                       f"an open {kind} case about this record exists ({same[0]})")
    if errors:
        raise invalid(errors, "申请内容有误，请修改后重新提交", "The application has errors; correct them and submit again")
    return checked


def evidence(uploads: list[Any], errors: list[FieldError]) -> list[Checked]:
    """The uploaded evidence, checked (commitments.files); at least one file and at most MAX_FILES. Each
    refused file adds an error naming its position, `files[i]`, to `errors`."""
    files = [x for x in uploads if x]
    if not files:
        errors.append(FieldError("files", "请上传证明材料", "at least one evidence file is required"))
        return []
    if len(files) > MAX_FILES:
        errors.append(FieldError("files", f"证明材料不能超过{MAX_FILES}个", f"at most {MAX_FILES} files"))
        return []
    checked: list[Checked] = []
    for i, upload in enumerate(files):
        try:
            checked.append(read_checked(upload))
        except ServiceError as err:
            errors += [FieldError(f"files[{i}]", f"{getattr(upload, 'name', '')}：{e.message}", e.message_en)
                       for e in err.errors]
    return checked
