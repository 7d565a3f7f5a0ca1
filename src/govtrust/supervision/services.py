"""Every write of a supervision input: validate all fields, resolve the body, check reach, upsert by the natural key
and audit — in one transaction. The console form, the API, the imports (datasets.py) and the demo call these.

`save_*` creates the row, or updates the stored row with the same natural key (编号 per year and kind, 案号, 文号 per
督查单位, the assessment's kind × assessor × body × period): an identical row changes nothing and writes no audit
event; a changed one is updated with an "update" event listing what changed. A key already stored for a body
outside the caller's reach is a conflict that names the key and shows nothing of the stored row.

Values may come as text (an import's cells) or typed (the API, the console): dates as `date` or text, scores as
Decimal, number or text; every refusal names its field in Chinese and English, all of them at once. The body is an
Organization, its id, its USCC or its exact name (or a former name), among the organizations the caller sees.
Dates of things that happened (received, answered, filed, judged, performed, inspected) may not lie after `today`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from govtrust.core import access, audit
from govtrust.core.access import Perm, Role
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, ServiceError, invalid
from govtrust.core.identifiers import check_uscc, normalize_name
from govtrust.ledger.schema import parse_date
from govtrust.subjects.models import Organization

from .models import (
    Assessment,
    AssessmentKind,
    Inspection,
    Judgment,
    LitigationCase,
    Outcome,
    Proposal,
    ProposalKind,
    Satisfaction,
    SupervisionInput,
)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
FIRST_YEAR = 2000
SCORE_MAX = Decimal(100)
CENT = Decimal("0.01")
PERIOD = re.compile(r"(\d{4})(?:Q([1-4])|-(0[1-9]|1[0-2]))?")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "有", "出庭"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否", "无", "未出庭"}


@dataclass(frozen=True)
class Saved:
    """What a save did: the stored row and whether it was created, updated or already so."""

    obj: Any
    outcome: str

    @property
    def created(self) -> bool:
        return self.outcome == CREATED


def period_bounds(text: str) -> tuple[str, dt.date, dt.date] | None:
    """"2026" / "2026Q3" / "2026-07" → (the normalized text, its first day, its last day); None if not a period."""
    text = (text or "").strip().upper()
    match = PERIOD.fullmatch(text)
    if not match:
        return None
    year = int(match.group(1))
    if match.group(2):
        first_month, months = (int(match.group(2)) - 1) * 3 + 1, 3
    elif match.group(3):
        first_month, months = int(match.group(3)), 1
    else:
        first_month, months = 1, 12
    start = dt.date(year, first_month, 1)
    after = first_month + months
    end = (dt.date(year + 1, 1, 1) if after > 12 else dt.date(year, after, 1)) - dt.timedelta(days=1)
    return text, start, end


class Checker:
    """Collects every field error of one input; each method returns the parsed value (None when refused)."""

    def __init__(self, today: dt.date | None) -> None:
        self.today = today or timezone.localdate()
        self.errors: list[FieldError] = []

    def error(self, name: str, message: str, message_en: str) -> None:
        self.errors.append(FieldError(name, message, message_en))

    def text(self, name: str, value: Any, label: str, label_en: str, max_length: int, required: bool = True) -> str:
        text = str(value or "").strip()
        if required and not text:
            self.error(name, f"{label}不能为空", f"{label_en} is required")
        elif len(text) > max_length:
            self.error(name, f"{label}不能超过{max_length}个字", f"{label_en} is longer than {max_length} characters")
        return text

    def choice(self, name: str, value: Any, choices: type[models.TextChoices], label: str, label_en: str,
               required: bool = True) -> str:
        code = str(value or "").strip()
        if not code:
            if required:
                self.error(name, f"{label}不能为空", f"{label_en} is required")
            return ""
        if code not in choices.values:
            options = "、".join(f"{c}（{lbl}）" for c, lbl in choices.choices)
            self.error(name, f"{label}“{code}”无效，可选：{options}",
                       f"{label_en} {code!r} is not valid; choose one of: {', '.join(choices.values)}")
            return ""
        return code

    def date(self, name: str, value: Any, label: str, label_en: str, required: bool = True,
             past: bool = True) -> dt.date | None:
        if value in (None, ""):
            if required:
                self.error(name, f"{label}不能为空", f"{label_en} is required")
            return None
        day = value if isinstance(value, dt.date) else parse_date(str(value).strip())
        if day is None:
            self.error(name, f"{label}“{value}”不是日期（如2026-03-05）", f"{label_en} {value!r} is not a date (e.g. 2026-03-05)")
            return None
        if past and day > self.today:
            self.error(name, f"{label}不能晚于今天", f"{label_en} is in the future")
            return None
        return day

    def not_before(self, name: str, day: dt.date | None, other: dt.date | None, label: str, other_label: str,
                   label_en: str, other_en: str) -> None:
        if day is not None and other is not None and day < other:
            self.error(name, f"{label}不能早于{other_label}", f"{label_en} is before the {other_en}")

    def year(self, name: str, value: Any, label: str, label_en: str) -> int | None:
        text = str(value if value is not None else "").strip()
        if not text:
            self.error(name, f"{label}不能为空", f"{label_en} is required")
            return None
        if not text.isdigit() or not FIRST_YEAR <= int(text) <= self.today.year:
            self.error(name, f"{label}“{text}”应为{FIRST_YEAR}至{self.today.year}年之间的四位年份",
                       f"{label_en} {text!r} must be a year from {FIRST_YEAR} to {self.today.year}")
            return None
        return int(text)

    def score(self, name: str, value: Any, label: str, label_en: str, required: bool = True) -> Decimal | None:
        if value is None or str(value).strip() == "":
            if required:
                self.error(name, f"{label}不能为空", f"{label_en} is required")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.error(name, f"{label}“{value}”不是数字", f"{label_en} {value!r} is not a number")
            return None
        if not Decimal(0) <= number <= SCORE_MAX:
            self.error(name, f"{label}{value}超出0至100的范围", f"{label_en} {value} is outside 0 to 100")
            return None
        if number != number.quantize(CENT):
            self.error(name, f"{label}最多保留两位小数", f"{label_en} has more than two decimal places")
            return None
        return number.quantize(CENT)

    def boolean(self, name: str, value: Any, label: str, label_en: str) -> bool:
        if isinstance(value, bool):
            return value
        word = str(value if value is not None else "").strip().casefold()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        self.error(name, f"{label}应填“是”或“否”", f"{label_en} must be yes or no")
        return False

    def body(self, principal: Any, value: Any, label: str, label_en: str, body_name: str = "") -> Organization | None:
        found = self._body(principal, value, label, label_en)
        name = (body_name or "").strip()
        if found is not None and name and normalize_name(name) != found.name_normalized and not (
                found.former_names.filter(name_normalized=normalize_name(name)).exists()):
            self.error("body_name", f"单位名称与统一社会信用代码不符（该代码对应“{found.name}”）",
                       f"the name does not match the USCC, which belongs to {found.name!r}")
            return None
        return found

    def _body(self, principal: Any, value: Any, label: str, label_en: str) -> Organization | None:
        visible = access.restrict(principal, Organization.objects.select_related("region"), Perm.SUBJECTS_VIEW)
        if isinstance(value, Organization):
            if not access.in_scope(principal, value):
                self.error("body", f"{label}“{value.name}”不在您的管辖范围内", f"the {label_en} is outside your scope")
                return None
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            found = visible.filter(pk=value).first()
            if found is None:
                self.error("body", f"{label}（编号{value}）不存在或无权访问",
                           f"the {label_en} (id {value}) is not found or not accessible")
            return found
        text = str(value or "").strip()
        if not text:
            self.error("body", f"{label}不能为空", f"the {label_en} is required")
            return None
        chk = check_uscc(text)
        if chk:
            found = visible.filter(uscc=chk.value).first()
            if found is None:
                self.error("body", f"统一社会信用代码为{chk.value}的{label}不存在或无权访问",
                           f"no {label_en} with USCC {chk.value}, or not accessible")
            return found
        key = normalize_name(text)
        matches = list(visible.filter(Q(name_normalized=key) | Q(former_names__name_normalized=key)).distinct()[:3])
        matches = [o for o in matches if o.name_normalized == key] or matches
        if not matches:
            self.error("body", f"{label}“{text[:64]}”不存在或无权访问（请填写单位全称或统一社会信用代码）",
                       f"the {label_en} {text[:64]!r} is not found or not accessible (give its full name or USCC)")
            return None
        if len(matches) > 1:
            self.error("body", f"名称“{text[:64]}”对应多个单位，请改填统一社会信用代码",
                       f"{text[:64]!r} matches several organizations; give the USCC instead")
            return None
        return matches[0]

    def done(self) -> None:
        if self.errors:
            raise invalid(self.errors)


def _upsert(principal: Any, model: type[SupervisionInput], values: dict[str, Any], reason: str) -> Saved:
    """Create the row, or update the stored one with the same natural key (auditing only what changed)."""
    key = {name: values[name] for name in model.NATURAL_KEY}
    found = model.objects.select_for_update().filter(**key).first()
    now = timezone.now()
    if found is None:
        obj = model(**values, created_by=current().actor_label, created_at=now, updated_at=now)
        obj.save()
        audit.record("create", obj, after=audit.snapshot(obj, model.AUDITED), reason=reason)
        return Saved(obj, CREATED)
    if not access.in_scope(principal, found):
        first = next(n for n in reversed(model.NATURAL_KEY) if n != "body")  # the number, not the kind
        label = str(model._meta.get_field(first).verbose_name)
        raise Conflict(f"{label}“{values[first]}”已由您管辖范围以外的单位登记", f"{first} {values[first]!r} is already "
                       "registered for a body outside your scope", errors=[FieldError(
                           first, f"{label}已被登记", f"{first} is already registered")])
    before = audit.snapshot(found, model.AUDITED)
    for name, value in values.items():
        setattr(found, name, value)
    changed_before, changed_after = audit.diff(before, audit.snapshot(found, model.AUDITED))
    if not changed_after:
        return Saved(found, UNCHANGED)
    found.updated_at = now
    found.save()
    audit.record("update", found, before=changed_before, after=changed_after, reason=reason)
    return Saved(found, UPDATED)


def _start(principal: Any) -> None:
    access.require(principal, Perm.SUPERVISION_SUBMIT)


# ------------------------------------------------------------------------------------------------- proposals

@transaction.atomic
def save_proposal(principal: Any, *, kind: str, year: Any, number: str, title: str, body: Any, received_on: Any,
                  due_on: Any, answered_on: Any = None, satisfaction: str = "", body_name: str = "",
                  reason: str = "", today: dt.date | None = None) -> Saved:
    """A deputies' suggestion or CPPCC proposal handled by `body` (承办单位), by kind, year and number."""
    _start(principal)
    c = Checker(today)
    values = {
        "kind": c.choice("kind", kind, ProposalKind, "类别", "kind"),
        "year": c.year("year", year, "年度", "year"),
        "number": c.text("number", number, "编号", "number", 40),
        "title": c.text("title", title, "标题", "title", 200),
        "body": c.body(principal, body, "承办单位", "handling body", body_name),
        "received_on": c.date("received_on", received_on, "交办日期", "received date"),
        "due_on": c.date("due_on", due_on, "答复期限", "answer deadline", past=False),
        "answered_on": c.date("answered_on", answered_on, "答复日期", "answer date", required=False),
        "satisfaction": c.choice("satisfaction", satisfaction, Satisfaction, "满意度", "satisfaction", required=False),
    }
    c.not_before("due_on", values["due_on"], values["received_on"], "答复期限", "交办日期", "answer deadline",
                 "received date")
    c.not_before("answered_on", values["answered_on"], values["received_on"], "答复日期", "交办日期", "answer date",
                 "received date")
    if values["satisfaction"] and values["answered_on"] is None and not any(e.field == "answered_on" for e in c.errors):
        c.error("satisfaction", "尚未答复的建议提案不能填写满意度", "satisfaction is given for an unanswered item")
    c.done()
    return _upsert(principal, Proposal, values, reason)


# ------------------------------------------------------------------------------------------------ litigation

@transaction.atomic
def save_litigation(principal: Any, *, case_number: str, body: Any, court: str, filed_on: Any, judged_on: Any = None,
                    outcome: str = "", head_appeared: Any = False, body_name: str = "", reason: str = "",
                    today: dt.date | None = None) -> Saved:
    """An administrative case with `body` as defendant (被告), by case number; outcome and judgment date together."""
    _start(principal)
    c = Checker(today)
    values = {
        "case_number": c.text("case_number", case_number, "案号", "case number", 64),
        "body": c.body(principal, body, "被告单位", "defendant body", body_name),
        "court": c.text("court", court, "审理法院", "court", 128),
        "filed_on": c.date("filed_on", filed_on, "立案日期", "filing date"),
        "judged_on": c.date("judged_on", judged_on, "裁判日期", "judgment date", required=False),
        "outcome": c.choice("outcome", outcome, Outcome, "裁判结果", "outcome", required=False),
        "head_appeared": c.boolean("head_appeared", head_appeared, "负责人出庭应诉", "head appeared in court"),
    }
    c.not_before("judged_on", values["judged_on"], values["filed_on"], "裁判日期", "立案日期", "judgment date",
                 "filing date")
    bad = {e.field for e in c.errors}
    if values["outcome"] and values["judged_on"] is None and "judged_on" not in bad:
        c.error("judged_on", "填写裁判结果时须填写裁判日期", "the judgment date is required with an outcome")
    if values["judged_on"] is not None and not values["outcome"] and "outcome" not in bad:
        c.error("outcome", "填写裁判日期时须填写裁判结果", "the outcome is required with a judgment date")
    c.done()
    return _upsert(principal, LitigationCase, values, reason)


# ------------------------------------------------------------------------------------------------- judgments

@transaction.atomic
def save_judgment(principal: Any, *, case_number: str, body: Any, court: str, effective_on: Any, due_on: Any,
                  performed_on: Any = None, body_name: str = "", reason: str = "",
                  today: dt.date | None = None) -> Saved:
    """An effective judgment `body` (义务单位) must perform by `due_on`, by case number."""
    _start(principal)
    c = Checker(today)
    values = {
        "case_number": c.text("case_number", case_number, "案号", "case number", 64),
        "body": c.body(principal, body, "义务单位", "obliged body", body_name),
        "court": c.text("court", court, "作出法院", "court", 128),
        "effective_on": c.date("effective_on", effective_on, "生效日期", "effective date"),
        "due_on": c.date("due_on", due_on, "履行期限", "performance deadline", past=False),
        "performed_on": c.date("performed_on", performed_on, "履行日期", "performance date", required=False),
    }
    c.not_before("due_on", values["due_on"], values["effective_on"], "履行期限", "生效日期", "performance deadline",
                 "effective date")
    c.not_before("performed_on", values["performed_on"], values["effective_on"], "履行日期", "生效日期",
                 "performance date", "effective date")
    c.done()
    return _upsert(principal, Judgment, values, reason)


# ----------------------------------------------------------------------------------------------- inspections

@transaction.atomic
def save_inspection(principal: Any, *, inspector: str, document_number: str, body: Any, inspected_on: Any,
                    findings: str = "", score: Any = None, body_name: str = "", reason: str = "",
                    today: dt.date | None = None) -> Saved:
    """An upper-level inspection of `body`, by the inspector and its document number (文号)."""
    _start(principal)
    c = Checker(today)
    values = {
        "inspector": c.text("inspector", inspector, "督查单位", "inspector", 128),
        "document_number": c.text("document_number", document_number, "督查文号", "document number", 64),
        "body": c.body(principal, body, "被督查单位", "inspected body", body_name),
        "inspected_on": c.date("inspected_on", inspected_on, "督查日期", "inspection date"),
        "findings": c.text("findings", findings, "督查发现问题", "findings", 4000, required=False),
        "score": c.score("score", score, "督查得分", "score", required=False),
    }
    c.done()
    return _upsert(principal, Inspection, values, reason)


# ----------------------------------------------------------------------------------------------- assessments

@transaction.atomic
def save_assessment(principal: Any, *, kind: str, body: Any, period: str, score: Any, assessor: str = "",
                    method: str = "", body_name: str = "", reason: str = "", today: dt.date | None = None) -> Saved:
    """A third-party assessment result or a self-assessment (自评, the assessor is the body) of `body` for a period.

    A third-party assessor (the assessor role) may submit only third-party results."""
    _start(principal)
    c = Checker(today)
    kind = c.choice("kind", kind, AssessmentKind, "类别", "kind")
    if getattr(principal, "role", None) == Role.ASSESSOR and kind == AssessmentKind.SELF:
        raise ServiceError("forbidden", "第三方评估机构只能报送第三方评估结果", "an assessor may submit only third-party "
                           "assessment results", status=403, errors=[FieldError(
                               "kind", "第三方评估机构只能报送第三方评估结果", "an assessor may submit only third-party results")])
    found = c.body(principal, body, "被评估单位", "assessed body", body_name)
    if kind == AssessmentKind.SELF:
        assessor_name = found.name if found is not None else ""
    else:
        assessor_name = c.text("assessor", assessor, "评估机构", "assessor", 128, required=kind == AssessmentKind.THIRD_PARTY)
    bounds = period_bounds(period)
    if not (period or "").strip():
        c.error("period", "评估期间不能为空", "the period is required")
    elif bounds is None:
        c.error("period", f"评估期间“{period}”格式应为年（2026）、季度（2026Q3）或月份（2026-07）",
                f"period {period!r} must be a year (2026), a quarter (2026Q3) or a month (2026-07)")
    elif bounds[1] > c.today:
        c.error("period", f"评估期间{bounds[0]}尚未开始", f"the period {bounds[0]} has not begun")
        bounds = None
    values = {
        "kind": kind, "body": found, "assessor": assessor_name,
        "method": c.text("method", method, "评估方法", "method", 200, required=kind == AssessmentKind.THIRD_PARTY),
        "period": bounds[0] if bounds else "", "period_start": bounds[1] if bounds else None,
        "period_end": bounds[2] if bounds else None,
        "score": c.score("score", score, "得分", "score"),
    }
    c.done()
    return _upsert(principal, Assessment, values, reason)

