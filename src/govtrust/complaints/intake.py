"""Taking complaints in: the portal form, staff entry of hotline calls, and cases handed over by a 12345
system (API, or a CSV/XLSX file), plus the public lookup by serial number and extraction code.

Every door checks the same way (`check`) and writes the same way (`_create`): category from the catalog, the
body resolved against the registry (unknown → an error naming the field), facts required and size-limited,
the complainant's name and contact required unless anonymous, encrypted at rest with masked copies. The
complainant gets a serial number and an extraction code; only a keyed hash of the code is stored, so the
code cannot be read back — it is shown once.

12345 hand-overs are keyed by the hotline's own number: a re-sent case returns the stored one unchanged (and
notes the re-sending in its timeline), so a retrying system never duplicates a case. A file is all or
nothing: any bad row refuses the whole file with every error named by row and column.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govtrust.commitments.files import Checked, read_checked, store
from govtrust.core import access, audit, crypto, tracking
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, ServiceError, invalid
from govtrust.core.identifiers import check_uscc, normalize_name
from govtrust.intake import tabular
from govtrust.ledger.schema import parse_date
from govtrust.subjects.models import Organization, OrganizationName

from . import services
from .catalog import portal_limits
from .models import Channel, Complaint, ComplaintCategory, ComplaintFile, EventKind, Status

SERIAL_PREFIX = "TS"
NAMESPACE = "complaint"  # of the tracking codes (core.tracking)
mask_name, mask_contact, new_code = tracking.mask_name, tracking.mask_contact, tracking.new_code



# ------------------------------------------------------------------------------------------ privacy

def code_hash(serial: str, code: str) -> str:
    return tracking.code_hash(NAMESPACE, serial, code)


def track(serial: str, code: str) -> Complaint | None:
    """The complaint for a serial number and its extraction code; None when either is wrong. The answer and
    the work done are the same whether the serial exists or not, so a wrong code tells nothing about it."""
    return tracking.find(Complaint.objects.select_related("merged_into", "category"), NAMESPACE, serial, code)


# ------------------------------------------------------------------------------------------ checking

@dataclass
class Filing:
    """What a complainant states, as text, from any door."""

    category: str
    body: str = ""  # the body's name as written (or its USCC)
    body_id: int | None = None
    facts: str = ""
    demand: str = ""
    anonymous: bool = False
    name: str = ""
    contact: str = ""
    hotline_number: str = ""
    received_on: dt.date | None = None
    files: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Resolved:
    category: ComplaintCategory
    body: Organization
    files: list[Checked]


def resolve_body(text: str, body_id: int | None = None) -> Organization | None:
    """The registered body named by id, USCC, name or former name (NFKC, brackets and spaces folded)."""
    if body_id is not None:
        return Organization.objects.filter(pk=body_id).first()
    text = (text or "").strip()
    if not text:
        return None
    checked = check_uscc(text)
    if checked:
        return Organization.objects.filter(uscc=checked.value).first()
    key = normalize_name(text)
    found = list(Organization.objects.filter(name_normalized=key).order_by("status", "pk")[:2])
    if not found:
        found = [n.organization for n in OrganizationName.objects.filter(name_normalized=key)
                 .select_related("organization")[:2]]
    return found[0] if len(found) == 1 else None


def check(f: Filing, row: int | None = None, public: bool = False) -> tuple[Resolved | None, list[FieldError]]:
    """All the errors of one filing (each naming its field, and the row for a file), or what it resolves to."""
    limits = portal_limits()
    errors: list[FieldError] = []

    def err(name: str, message: str, message_en: str) -> None:
        errors.append(FieldError(name, message, message_en, row=row))

    category = ComplaintCategory.objects.filter(code=(f.category or "").strip(), active=True).first()
    if category is None and f.category:
        category = ComplaintCategory.objects.filter(name=f.category.strip(), active=True).first()
    if category is None:
        err("category", "请选择投诉举报类别" if not f.category else f"“{f.category}”不是投诉举报类别",
            "the category is required" if not f.category else f"unknown category {f.category!r}")
    body = resolve_body(f.body, f.body_id)
    if body is None:
        if not (f.body or "").strip() and f.body_id is None:
            err("body", "必须填写被投诉单位", "the body complained about is required")
        else:
            err("body", f"未找到被投诉单位“{(f.body or '').strip()[:64]}”，请填写单位全称",
                "the body complained about is not a registered organization; give its full name")
    facts, demand = (f.facts or "").strip(), (f.demand or "").strip()
    if not facts:
        err("facts", "必须填写事实和理由", "the facts are required")
    elif len(facts) > limits["max_facts_chars"]:
        err("facts", f"事实和理由不得超过{limits['max_facts_chars']}字（现{len(facts)}字）",
            f"the facts are too long ({len(facts)} characters; at most {limits['max_facts_chars']})")
    if len(demand) > limits["max_demand_chars"]:
        err("demand", f"诉求不得超过{limits['max_demand_chars']}字", f"the demand is too long (at most "
                                                               f"{limits['max_demand_chars']} characters)")
    if not f.anonymous:
        if not (f.name or "").strip():
            err("name", "实名投诉须填写姓名（或选择匿名）", "give your name, or choose to stay anonymous")
        elif len(f.name.strip()) > 32:
            err("name", "姓名过长（最多32字）", "the name is too long (32 characters at most)")
        if not (f.contact or "").strip():
            err("contact", "实名投诉须填写联系电话或电子邮箱", "give a phone number or e-mail, or stay anonymous")
        elif not tracking.valid_contact(f.contact):
            err("contact", "联系方式应为手机号、固定电话或电子邮箱", "the contact must be a phone number or an e-mail address")
    if len(f.hotline_number) > 40:
        err("hotline_number", "工单号过长（最多40字符）", "the hotline number is too long (40 characters at most)")
    if f.received_on and f.received_on > timezone.localdate():
        err("received_on", f"登记日期{f.received_on.isoformat()}晚于今天", "the date received is in the future")
    files = _check_files(f.files, limits, public, err)
    if errors:
        return None, errors
    return Resolved(category, body, files), []


def _check_files(files: list[Any], limits: dict[str, Any], public: bool, err: Any) -> list[Checked]:
    files = [f for f in files if f]
    if len(files) > limits["max_files"]:
        err("files", f"附件最多{limits['max_files']}个", f"at most {limits['max_files']} attachments")
        return []
    out = []
    for f in files:
        name = getattr(f, "name", "") or ""
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if public and ext not in limits["file_types"]:
            err("files", f"附件“{name[:60]}”的类型不允许，仅限：{'、'.join(limits['file_types'])}",
                f"attachment {name[:60]!r}: type not allowed (only {', '.join(limits['file_types'])})")
            continue
        size = getattr(f, "size", None)
        if size is not None and size > limits["max_file_bytes"]:
            err("files", f"附件“{name[:60]}”过大，不得超过{limits['max_file_bytes'] / 1048576:.0f} MB",
                f"attachment {name[:60]!r} is too large (at most {limits['max_file_bytes']} bytes)")
            continue
        try:
            out.append(read_checked(f))  # type, size and content (leading bytes) — a disguised file fails here
        except ServiceError as exc:
            for e in exc.errors:
                err("files", f"附件“{name[:60]}”：{e.message}", f"attachment {name[:60]!r}: {e.message_en}")
    return out


# ------------------------------------------------------------------------------------------ writing

def _serial(day: dt.date) -> str:
    return f"{SERIAL_PREFIX}{day:%Y%m%d}{secrets.randbelow(10**6):06d}"


def _create(f: Filing, ok: Resolved, channel: str, day: dt.date) -> tuple[Complaint, str]:
    now, code = timezone.now(), new_code()
    rule = services.rule_in_force(day)
    name, contact = ("", "") if f.anonymous else (f.name.strip(), f.contact.strip())
    c = Complaint(channel=channel, category=ok.category, body=ok.body, body_name=(f.body or ok.body.name).strip()[:128],
                  facts=f.facts.strip(), demand=(f.demand or "").strip(), anonymous=f.anonymous,
                  name_encrypted=crypto.encrypt(name) if name else "", name_masked=mask_name(name),
                  contact_encrypted=crypto.encrypt(contact) if contact else "", contact_masked=mask_contact(contact),
                  hotline_number=f.hotline_number.strip() or None, received_on=day, rule=rule,
                  stage_on=day, accept_due=day, created_by=current().actor_label, created_at=now, updated_at=now)
    services.enter(c, Status.RECEIVED, day)
    c.accept_due = c.current_due
    for _attempt in range(5):
        c.serial = _serial(day)
        c.code_hash = code_hash(c.serial, code)
        try:
            with transaction.atomic():
                c.save()
            break
        except IntegrityError:
            if f.hotline_number and Complaint.objects.filter(hotline_number=c.hotline_number).exists():
                raise
            c.pk = None
    else:  # pragma: no cover - a million serials a day
        raise ServiceError("serial", "编号生成失败，请重试", "could not allocate a serial number; retry", status=503)
    _store(c, ok.files)
    services.event(c, EventKind.FILED, f"{Channel(channel).label}：{ok.category.name}", day, due=c.current_due)
    audit.record("create", c, after=services.snapshot(c), reason=f"投诉举报登记（{Channel(channel).label}）")
    return c, code


def _store(c: Complaint, files: list[Checked]) -> None:
    store(files, lambda **kw: ComplaintFile(complaint=c, **kw), "投诉举报", c.serial)


@transaction.atomic
def file_public(f: Filing, today: dt.date | None = None) -> tuple[Complaint, str]:
    """A complaint from the portal (no login). Returns the complaint and its extraction code (shown once)."""
    ok, errors = check(f, public=True)
    if errors:
        raise invalid(errors, "投诉举报内容有误，请修改后重新提交", "The complaint has errors; correct them and submit again")
    return _create(f, ok, Channel.PORTAL, today or timezone.localdate())


@transaction.atomic
def file_staff(principal: Any, f: Filing, today: dt.date | None = None) -> tuple[Complaint, str]:
    """A hotline call entered by staff (登记), about a body the principal's scope reaches."""
    access.require(principal, Perm.COMPLAINTS_INTAKE)
    ok, errors = check(f)
    if ok is not None and not access.in_scope(principal, ok.body):
        errors = [FieldError("body", "被投诉单位不在您的管辖范围内", "the body is outside your scope")]
    if errors:
        raise invalid(errors)
    return _create(f, ok, Channel.HOTLINE, f.received_on or today or timezone.localdate())


@dataclass(frozen=True)
class HotlineResult:
    complaint: Complaint
    created: bool
    code: str  # the extraction code: only when created


@transaction.atomic
def from_hotline(principal: Any, f: Filing, channel: str = Channel.HOTLINE_API, today: dt.date | None = None
                 ) -> HotlineResult:
    """A case handed over by a 12345 system, keyed by its own number: sent again, the stored case is returned."""
    access.require(principal, Perm.COMPLAINTS_INTAKE)
    number = (f.hotline_number or "").strip()
    if not number:
        raise invalid([FieldError("hotline_number", "必须填写12345工单号", "the hotline's case number is required")])
    existing = Complaint.objects.filter(hotline_number=number).first()
    if existing is not None:
        if not access.in_scope(principal, existing):  # says that the number is taken, and nothing of the case
            raise Conflict("该12345工单号已由其他地区登记", "this hotline number was registered by another region",
                           [FieldError("hotline_number", "工单号已被登记", "already registered")])
        services.event(existing, EventKind.RESENT, "12345热线重复推送，未重复登记", today or timezone.localdate())
        audit.record("resent", existing, after={"hotline_number": number}, reason="12345热线重复推送，未重复登记")
        return HotlineResult(existing, False, "")
    ok, errors = check(f)
    if ok is not None and not access.in_scope(principal, ok.body):
        errors = [FieldError("body", "被投诉单位不在您的管辖范围内", "the body is outside your scope")]
    if errors:
        raise invalid(errors)
    c, code = _create(f, ok, channel, f.received_on or today or timezone.localdate())
    return HotlineResult(c, True, code)


# --------------------------------------------------------------------------------------- file import

# The hand-over file's columns (Chinese headers, as 12345 systems export them) → Filing fields.
COLUMNS = {"热线工单号": "hotline_number", "投诉类别": "category", "被投诉单位": "body", "事实和理由": "facts",
           "诉求": "demand", "登记日期": "received_on", "是否匿名": "anonymous", "投诉人姓名": "name",
           "联系方式": "contact"}
REQUIRED_COLUMNS = ("热线工单号", "投诉类别", "被投诉单位", "事实和理由")
_YES = {"是", "匿名", "y", "yes", "true", "1"}


@dataclass
class ImportResult:
    created: int = 0
    existing: int = 0
    serials: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "existing": self.existing, "serials": self.serials}


def _row_filing(row: tabular.Row, index: dict[str, int], errors: list[FieldError]) -> Filing:
    cells = {name: (row.cells[i] if i < len(row.cells) else "").strip() for name, i in index.items()}
    values = {COLUMNS[h]: v for h, v in cells.items()}
    received = parse_date(values["received_on"]) if values.get("received_on") else None
    if values.get("received_on") and received is None:
        errors.append(FieldError("登记日期", f"日期“{values['received_on']}”无效（应为2026-10-09）",
                                 f"invalid date {values['received_on']!r} (expected 2026-10-09)", row=row.number))
    return Filing(category=values.get("category", ""), body=values.get("body", ""), facts=values.get("facts", ""),
                  demand=values.get("demand", ""), anonymous=values.get("anonymous", "").lower() in _YES,
                  name=values.get("name", ""), contact=values.get("contact", ""),
                  hotline_number=values.get("hotline_number", ""), received_on=received)


@transaction.atomic
def import_hotline(principal: Any, *, filename: str, content: Any, today: dt.date | None = None) -> ImportResult:
    """A CSV/XLSX hand-over from a 12345 system: every row checked first; any error refuses the whole file."""
    access.require(principal, Perm.COMPLAINTS_INTAKE)
    table = tabular.read_table(content, filename)
    headers = [h.strip() for h in table.headers]
    missing = [h for h in REQUIRED_COLUMNS if h not in headers]
    if missing:
        raise invalid([FieldError(h, f"缺少列“{h}”", f"missing column {h!r}", row=table.header_row) for h in missing],
                      "导入文件缺少必需的列", "The file lacks required columns")
    index = {h: headers.index(h) for h in COLUMNS if h in headers}
    errors: list[FieldError] = []
    labels = {v: k for k, v in COLUMNS.items()}
    planned: list[tuple[Filing, Resolved | None]] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        f = _row_filing(row, index, errors)
        if not f.hotline_number:
            errors.append(FieldError("热线工单号", "必须填写12345工单号", "the hotline number is required", row=row.number))
            continue
        if f.hotline_number in seen:
            errors.append(FieldError("热线工单号", f"工单号与第{seen[f.hotline_number]}行重复",
                                     f"the same number as row {seen[f.hotline_number]}", row=row.number))
            continue
        seen[f.hotline_number] = row.number
        if Complaint.objects.filter(hotline_number=f.hotline_number).exists():
            planned.append((f, None))
            continue
        ok, row_errors = check(f, row=row.number)
        if ok is not None and not access.in_scope(principal, ok.body):
            row_errors = [FieldError("body", "被投诉单位不在您的管辖范围内", "the body is outside your scope", row=row.number)]
        errors += [FieldError(labels.get(e.field, e.field), e.message, e.message_en, row=e.row) for e in row_errors]
        planned.append((f, ok))
    if errors:
        raise invalid(errors, f"导入文件有{len({e.row for e in errors})}行错误，未导入任何数据",
                      f"{len({e.row for e in errors})} rows have errors; nothing was imported")
    result = ImportResult()
    for f, ok in planned:
        if ok is None:
            result.existing += 1
            continue
        c, _code = _create(f, ok, Channel.HOTLINE_CSV, f.received_on or today or timezone.localdate())
        result.created += 1
        result.serials.append(c.serial)
    audit.record_many([audit.Change("import", Complaint._meta.label_lower, filename[:64], filename[:200], None,
                                    result.as_dict(), f"12345热线批量导入：{filename}")])
    return result
