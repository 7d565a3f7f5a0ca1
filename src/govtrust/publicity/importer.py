"""Intake of licence and penalty decisions: the national column sets through intake's set-based batch loop.

`intake.records.run_bulk` streams the file, hands chunks of rows to `DecisionChecker` (possibly in a forked
reader process) and the checked chunks to `DecisionWriter`, one transaction per batch. What is refused
(the row is not written; with `--accept-valid` the others are) and what is only measured is deliberate:

- refused: what makes a decision unpublishable or wrong to publish — no counterparty, a category whose codes
  contradict it (a natural person with a USCC, an organization without a valid one), an authority or source
  not in the registry, a decision date after the day it reached the platform, an amount that is not in 万元;
- measured (the decision is published and counted against its department): required fields left empty
  (`missing`, the completeness metric) and inconsistencies that do not block publication (`issues`, the
  accuracy metric), because the platform's job is to publish what departments decided and to show them
  where their data falls short.

A penalty against a registered 机关 or 事业单位 also becomes a ledger record of the 行政处罚 category in the
same transaction, through the ledger's own set-based writer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from govtrust.core import access, calendar, crypto
from govtrust.core.access import Scope
from govtrust.core.context import current
from govtrust.core.errors import FieldError
from govtrust.core.identifiers import check_resident_id, check_uscc, mask_resident_id, normalize_name
from govtrust.intake.datasets import Binding, Column, header_key
from govtrust.intake.records import Registry, run_bulk
from govtrust.intake.tabular import Row, Source, file_error
from govtrust.ledger.bulk import Entry, Outcome
from govtrust.ledger.bulk import Writer as LedgerWriter
from govtrust.ledger.models import Category, Record
from govtrust.ledger.regimes import PeriodError, RegimeBook
from govtrust.ledger.schema import parse_date

from .catalog import RuleBook
from .models import CounterpartyCategory, Decision, Kind, LicenceCategory, PenaltyKind

EARLIEST_DECISION = dt.date(1990, 1, 1)
PENALTY_CATEGORY = "administrative_penalty"
GOVERNMENT_USCC_CATEGORIES = ("11", "12")  # 机关, 事业单位 (GB 32100-2015)
INDIVIDUAL_BUSINESS_USCC = "92"
RESIDENT_ID_TYPES = {header_key(t) for t in ("身份证", "居民身份证", "公民身份号码", "身份证号码", "resident_id")}
_SPLIT = re.compile(r"[、,，;；/\s]+")
_SEVERITY_ORDER = {"minor": 0, "general": 1, "serious": 2}

COUNTERPARTY_COLUMNS = (
    Column("行政相对人名称", "counterparty_name", required=True, aliases=("相对人名称", "行政相对人", "处罚对象", "被许可人"),
           example="昆明市某某商贸有限公司"),
    Column("行政相对人类别", "counterparty_category", required=True, choices=tuple(CounterpartyCategory.choices),
           aliases=("相对人类别",), example="法人及非法人组织"),
    Column("统一社会信用代码", "uscc", identifier=True,
           aliases=("行政相对人代码_1（统一社会信用代码）", "行政相对人代码_1", "代码_1"), example="91530102MA6K000000",
           note="法人及非法人组织必填；个体工商户与工商注册号至少填一项；自然人不填"),
    Column("工商注册号", "registration_number", identifier=True, aliases=("行政相对人代码_2（工商注册号）", "行政相对人代码_2", "代码_2")),
    Column("组织机构代码", "organization_code", identifier=True, aliases=("行政相对人代码_3（组织机构代码）", "行政相对人代码_3", "代码_3")),
    Column("税务登记号", "tax_number", identifier=True, aliases=("行政相对人代码_4（税务登记号）", "行政相对人代码_4", "代码_4")),
    Column("事业单位证书号", "institution_number", identifier=True,
           aliases=("行政相对人代码_5（事业单位证书号）", "行政相对人代码_5", "代码_5")),
    Column("社会组织登记证号", "social_org_number", identifier=True,
           aliases=("行政相对人代码_6（社会组织登记证号）", "行政相对人代码_6", "代码_6")),
    Column("法定代表人", "legal_representative", aliases=("法定代表人姓名", "负责人"), note="法人及非法人组织填写"),
    Column("法定代表人证件类型", "legal_rep_id_type"),
    Column("法定代表人证件号码", "legal_rep_id", identifier=True, note="加密保存，不对外公开"),
    Column("证件类型", "id_type", aliases=("相对人证件类型",), example="", note="自然人填写，如：身份证"),
    Column("证件号码", "id_number", identifier=True, aliases=("相对人证件号码", "身份证号码", "公民身份号码"),
           note="自然人必填；加密保存，公示时脱敏"),
)
TAIL_COLUMNS = (
    Column("公示截止期", "disclosure_end", aliases=("公示截止日期",), note="不填时按公示期限规则计算"),
    Column("数据来源单位", "source_name", aliases=("报送单位",)),
    Column("数据来源单位统一社会信用代码", "source_uscc", identifier=True, aliases=("报送单位统一社会信用代码",),
           note="不填时为当前用户所在单位；命令行与管理员导入时必填"),
    Column("备注", "remarks"),
    # Columns of the 2016-17 templates that the national set dropped: accepted, checked where they can be.
    Column("地方编码", "division_code", aliases=("区划代码",), note="旧模板列：与数据来源单位所在区划核对"),
    Column("数据更新时间戳", "source_timestamp", note="旧模板列：平台以接收时间为公示时间"),
)
PENALTY_COLUMNS = (
    *COUNTERPARTY_COLUMNS,
    Column("行政处罚决定书文号", "document_number", required=True, aliases=("处罚决定书文号", "决定书文号", "决定文书号"),
           example="五华市监罚〔2026〕12号"),
    Column("违法行为类型", "violation_type", aliases=("处罚名称",), example="虚假宣传"),
    Column("违法事实", "facts", aliases=("处罚事由", "主要违法事实"), example="经查，当事人……"),
    Column("处罚依据", "basis", example="《中华人民共和国反不正当竞争法》第二十条"),
    Column("处罚类别", "penalty_kinds", aliases=("处罚类别1", "处罚种类"), example="警告、罚款",
           note="《行政处罚法》第九条所列种类，多项用顿号分隔"),
    Column("处罚类别2", "penalty_kinds_2", note="旧模板列：与处罚类别合并"),
    Column("处罚内容", "penalty_content", aliases=("处罚结果",), example="警告，罚款人民币2万元"),
    Column("罚款金额（万元）", "fine_amount", aliases=("罚款金额", "罚款金额(万元)"), example="2", note="以万元为单位"),
    Column("没收违法所得、没收非法财物的金额（万元）", "confiscation_amount",
           aliases=("没收违法所得、没收非法财物的金额", "没收金额（万元）"), example="", note="以万元为单位"),
    Column("暂扣或吊销证照名称及编号", "suspended_licence"),
    Column("处罚决定日期", "decision_date", required=True, aliases=("决定日期", "作出处罚决定日期"), example="2026-10-09"),
    Column("处罚有效期", "penalty_term"),
    Column("处罚机关", "authority_name", required=True, aliases=("决定机关",), example="昆明市五华区市场监督管理局"),
    Column("处罚机关统一社会信用代码", "authority_uscc", required=True, identifier=True, aliases=("决定机关统一社会信用代码",)),
    *TAIL_COLUMNS,
)
LICENCE_COLUMNS = (
    *COUNTERPARTY_COLUMNS,
    Column("行政许可决定文书名称", "document_name", aliases=("许可决定文书名称",), example="准予行政许可决定书"),
    Column("行政许可决定文书号", "document_number", required=True, aliases=("许可决定文书号", "行政许可决定书文号", "许可文书号"),
           example="五华市监许〔2026〕88号"),
    Column("许可类别", "licence_category", choices=tuple(LicenceCategory.choices), example="普通"),
    Column("许可证书名称", "certificate_name", example="食品经营许可证"),
    Column("许可编号", "licence_number", identifier=True, aliases=("许可证书编号",)),
    Column("许可内容", "licence_content", example="预包装食品销售"),
    Column("许可决定日期", "decision_date", required=True, aliases=("决定日期",), example="2026-10-09"),
    Column("有效期自", "valid_from", example="2026-10-09"),
    Column("有效期至", "valid_to", example="2031-10-08"),
    Column("许可机关", "authority_name", required=True, aliases=("决定机关",), example="昆明市五华区市场监督管理局"),
    Column("许可机关统一社会信用代码", "authority_uscc", required=True, identifier=True, aliases=("决定机关统一社会信用代码",)),
    Column("当前状态", "licence_status", example="有效"),
    *TAIL_COLUMNS,
)
COLUMNS = {Kind.PENALTY: PENALTY_COLUMNS, Kind.LICENCE: LICENCE_COLUMNS}
DATASET_NAMES = {Kind.PENALTY: "penalties", Kind.LICENCE: "licences"}
# Required by the national set but, when empty, counted against completeness rather than refused.
QUALITY_REQUIRED = {
    Kind.PENALTY: ("violation_type", "facts", "basis", "penalty_kinds", "penalty_content"),
    Kind.LICENCE: ("document_name", "licence_category", "licence_content", "valid_from", "valid_to"),
}
TEMPLATE_NOTE = ("第一个工作表为数据；请勿修改表头。每行一项决定，金额以万元为单位。同一数据来源单位、文书号和行政相对人的决定再次导入时："
                 "内容相同则不变，内容不同则更新。自然人的证件号码加密保存，公示时脱敏。")


def _distinctive(kind: str) -> set[str]:
    """The header keys only this kind's template uses: they tell a licence file from a penalty file."""
    other = Kind.LICENCE if kind == Kind.PENALTY else Kind.PENALTY
    own = {header_key(h) for c in COLUMNS[kind] for h in (c.header, *c.aliases)}
    theirs = {header_key(h) for c in COLUMNS[other] for h in (c.header, *c.aliases)}
    return own - theirs


def check_headers(kind: str) -> Callable[[tuple[str, ...]], None]:
    """Refuse, from the header row alone, a file of the other kind (a licence file sent as penalties)."""
    other = Kind.LICENCE if kind == Kind.PENALTY else Kind.PENALTY

    def check(headers: tuple[str, ...]) -> None:
        keys = {header_key(h) for h in headers}
        if len(keys & _distinctive(other)) > len(keys & _distinctive(kind)):
            raise file_error(
                f"该文件的表头是{Kind(other).label}决定的表头，不能作为{Kind(kind).label}导入；请选择数据集“{DATASET_NAMES[other]}”",
                f"the file has the headers of {other} decisions and cannot be imported as {kind}; "
                f"use the dataset {DATASET_NAMES[other]!r}")
    return check


@dataclass(frozen=True)
class Checked:
    """One row ready to write: the Decision's field values, its natural key, and its ledger entry if any."""

    row: int
    key: tuple[int, str, str, str]  # source id, kind, document number, counterparty key
    values: dict[str, Any]
    content_hash: str
    ledger: Entry | None = None

    def seal(self) -> Checked:
        return replace(self, ledger=self.ledger.seal()) if self.ledger is not None and not self.ledger.content_hash \
            else self


class Timeliness:
    """Deadline, on-time flag and working days late, from the rule in force on the decision date (cached by date)."""

    def __init__(self) -> None:
        self.rules = RuleBook()
        self.calendar = calendar.WorkingCalendar()  # one view of the schedules for the whole batch
        self._seen: dict[tuple[dt.date, dt.date], tuple[int | None, dt.date | None, bool | None, int]] = {}

    def __call__(self, decided: dt.date, published: dt.date) -> tuple[int | None, dt.date | None, bool | None, int]:
        key = (decided, published)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._compute(decided, published)
        return found

    def _compute(self, decided: dt.date, published: dt.date) -> tuple[int | None, dt.date | None, bool | None, int]:
        rule = self.rules.for_date(decided)
        if rule is None:
            return None, None, None, 0
        try:
            deadline = self.calendar.add_working_days(decided, rule.working_days)
            late = self.calendar.working_days_between(deadline, published) if published > deadline else 0
        except calendar.UnknownCalendarYear:
            return rule.pk, None, None, 0  # not guessed: measured once the year's schedule is entered
        return rule.pk, deadline, late == 0, late


class DecisionChecker:
    """Turns rows of a penalty or licence file into `Checked` items or field errors (see the module docstring)."""

    def __init__(self, principal: Any, binding: Binding, kind: str, *, today: dt.date, now: dt.datetime):
        self.binding, self.kind, self.today, self.now = binding, kind, today, now
        self.registry = Registry()
        self.unlimited = access.policy(principal).scope == Scope.ALL
        home = getattr(principal, "organization", None)
        self.default_source = self.registry.by_id.get(home.pk) if home is not None else None
        self.timeliness = Timeliness()
        self.max_amount = {r.pk: r.max_amount for r in self.timeliness.rules.rules}
        self.regimes = RegimeBook()
        self.penalty_kinds: dict[str, PenaltyKind] = {}
        for pk in PenaltyKind.objects.all():
            for name in (pk.code, pk.name, *pk.aliases):
                self.penalty_kinds[header_key(name)] = pk
        self.category = Category.objects.filter(code=PENALTY_CATEGORY, active=True).first()
        self.seen: dict[tuple[int, str, str, str], int] = {}
        self.division_codes = dict(self._division_codes())

    @staticmethod
    def _division_codes() -> Any:
        from govtrust.subjects.models import Region

        return Region.objects.values_list("path", "code")

    def check(self, row: Row) -> tuple[Checked | None, list[FieldError]]:
        v, errors = self.binding.values(row)
        label, number = self.binding.label, row.number

        def error(name: str, message: str, message_en: str) -> None:
            errors.append(FieldError(label(name), message, message_en, row=number))

        issues: list[str] = []
        decided = self._date(v, "decision_date", error, required=True)
        counterparty = self._counterparty(v, error)
        authority = self._registered(v["authority_uscc"], "authority_uscc", "决定机关", error) if v["authority_uscc"] else None
        source = self._source(v, error)
        disclosure_end = self._date(v, "disclosure_end", error)
        if disclosure_end and decided and disclosure_end < decided:
            error("disclosure_end", "公示截止期早于决定日期", "the disclosure end is before the decision date")
        values: dict[str, Any] = {}
        rule_id, deadline, on_time, late = (None, None, None, 0)
        if decided:
            rule_id, deadline, on_time, late = self.timeliness(decided, self.today)
        if self.kind == Kind.PENALTY:
            values |= self._penalty(v, error, rule_id)
        else:
            values |= self._licence(v, error)
        if errors or counterparty is None or authority is None or source is None or decided is None:
            return None, errors
        if authority.name != v["authority_name"] and normalize_name(v["authority_name"]) != authority.normalized:
            issues.append(f"{label('authority_name')}“{v['authority_name']}”与主体库名称“{authority.name}”不一致")
        division = self.division_codes.get(source.region_path, "")
        if v["division_code"] and division and v["division_code"] != division:
            issues.append(f"{label('division_code')}“{v['division_code']}”与数据来源单位所在区划{division}不一致")
        org = self.registry.by_uscc.get(counterparty["uscc"]) if counterparty["uscc"] else None
        if org is not None and normalize_name(counterparty["counterparty_name"]) != org.normalized:
            issues.append(f"行政相对人名称与主体库中该代码的单位“{org.name}”不一致")
        if org is None and counterparty["uscc"][:2] in GOVERNMENT_USCC_CATEGORIES:
            issues.append("行政相对人为机关或事业单位，但未在主体库登记，未能生成政务失信记录")
        missing = [label(n) for n in QUALITY_REQUIRED[self.kind] if not v[n] and not values.get(n)]
        missing += self._conditionally_missing(v, values, counterparty["counterparty_category"])
        if disclosure_end is None:
            disclosure_end = self._default_end(decided, values)
        key = (source.id, self.kind, v["document_number"], counterparty["counterparty_key"])
        first = self.seen.setdefault(key, number)
        if first != number:
            error("document_number", f"与第{first}行重复（同一数据来源单位、文书号和行政相对人）",
                  f"duplicates row {first} (same source, document number and counterparty)")
            return None, errors
        values |= counterparty
        values |= {
            "kind": self.kind, "document_number": v["document_number"], "decision_date": decided,
            "disclosure_end": disclosure_end, "authority_id": authority.id, "authority_name": v["authority_name"],
            "source_id": source.id, "remarks": v["remarks"], "rule_id": rule_id, "deadline": deadline,
            "on_time": on_time, "days_late": late, "complete": not missing, "missing": missing,
            "accurate": not issues, "issues": issues,
        }
        stated = sorted((k, str(x)) for k, x in values.items()
                        if k not in ("rule_id", "deadline", "on_time", "days_late", "id_encrypted",
                                     "legal_rep_id_encrypted"))
        content_hash = hashlib.md5(repr((stated, v["legal_rep_id"])).encode(), usedforsecurity=False).hexdigest()
        ledger = self._ledger_entry(org, values, source.id, number) if self.kind == Kind.PENALTY else None
        return Checked(number, key, values, content_hash, ledger), errors

    # -- the parts of a row --------------------------------------------------------------------------------------

    def _date(self, v: dict[str, str], name: str, error: Any, required: bool = False) -> dt.date | None:
        text = v.get(name, "")
        if not text:
            return None  # a missing required date was reported by the binding
        day = parse_date(text)
        if day is None:
            error(name, f"“{text}”不是有效日期（如2026-10-09）", f"{text!r} is not a valid date (e.g. 2026-10-09)")
        elif required and day > self.today:
            error(name, f"决定日期{day.isoformat()}晚于公示日期{self.today.isoformat()}",
                  f"the decision date {day.isoformat()} is after the publication date {self.today.isoformat()}")
        elif required and day < EARLIEST_DECISION:
            error(name, f"决定日期早于{EARLIEST_DECISION.year}年，请核对", f"the decision date is before "
                  f"{EARLIEST_DECISION.year}; check it")
        else:
            return day
        return None

    def _counterparty(self, v: dict[str, str], error: Any) -> dict[str, Any] | None:
        category, name, uscc = v["counterparty_category"], v["counterparty_name"], v["uscc"]
        if not category or not name:
            return None
        out: dict[str, Any] = {"counterparty_name": name, "counterparty_normalized": normalize_name(name),
                               "counterparty_category": category}
        for f in ("registration_number", "organization_code", "tax_number", "institution_number", "social_org_number",
                  "legal_representative", "legal_rep_id_type", "id_type"):
            out[f] = v[f]
        if uscc:
            checked = check_uscc(uscc)
            if not checked:
                error("uscc", checked.reason, checked.reason_en)
                return None
            uscc = checked.value
        out["uscc"] = uscc
        if category == CounterpartyCategory.NATURAL_PERSON:
            if uscc:
                error("uscc", "行政相对人类别为自然人，不应填写统一社会信用代码", "a natural person has no USCC; leave it empty")
                return None
            if not v["id_number"]:
                error("id_number", "自然人必须填写证件号码", "a natural person needs an ID number")
                return None
        elif category == CounterpartyCategory.ORGANIZATION:
            if not uscc:
                error("uscc", "法人及非法人组织必须填写统一社会信用代码", "an organization needs its USCC")
                return None
            if uscc[:2] == INDIVIDUAL_BUSINESS_USCC:
                error("counterparty_category", "统一社会信用代码第1—2位为92（个体工商户），行政相对人类别应为个体工商户",
                      "the USCC is of an individual business (92): the category should be 个体工商户")
                return None
        elif category == CounterpartyCategory.INDIVIDUAL_BUSINESS:
            if not uscc and not v["registration_number"]:
                error("uscc", "个体工商户须填写统一社会信用代码或工商注册号", "an individual business needs its USCC or its "
                      "registration number")
                return None
            if uscc and uscc[:2] != INDIVIDUAL_BUSINESS_USCC:
                error("uscc", "个体工商户的统一社会信用代码第1—2位应为92", "an individual business's USCC starts with 92")
                return None
        personal = self._personal_id(v.get("id_type", ""), v["id_number"], "id_number", error)
        rep = self._personal_id(v["legal_rep_id_type"], v["legal_rep_id"], "legal_rep_id", error)
        if personal is False or rep is False:
            return None
        if personal:
            out |= {"id_encrypted": crypto.encrypt(personal), "id_hash": crypto.lookup_hash(personal),
                    "id_masked": mask_resident_id(personal)}
        if rep:
            out |= {"legal_rep_id_encrypted": crypto.encrypt(rep), "legal_rep_id_masked": mask_resident_id(rep)}
        if category == CounterpartyCategory.NATURAL_PERSON:
            out["counterparty_key"] = "id:" + out["id_hash"]
        else:
            out["counterparty_key"] = uscc or "reg:" + v["registration_number"]
        return out

    def _personal_id(self, id_type: str, number: str, name: str, error: Any) -> str | bool:
        """The normalized number ("" if none), or False with an error; resident IDs are checked by checksum."""
        if not number:
            return ""
        if not id_type or header_key(id_type) in RESIDENT_ID_TYPES:
            checked = check_resident_id(number, today=self.today)
            if not checked:
                error(name, checked.reason, checked.reason_en)
                return False
            return checked.value
        return number.strip()

    def _registered(self, text: str, name: str, what: str, error: Any) -> Any:
        org = self.registry.by_uscc.get(text) or self.registry.by_uscc.get(check_uscc(text).value)
        if org is None:
            error(name, f"{what}统一社会信用代码{text}不在主体库中，请先登记该单位",
                  f"no organization with USCC {text} is registered; register it first")
        return org

    def _source(self, v: dict[str, str], error: Any) -> Any:
        text = v["source_uscc"]
        if not text:
            if self.default_source is None:
                error("source_uscc", "请填写数据来源单位统一社会信用代码（命令行或管理员导入时必填）",
                      "give the source organization's USCC (required for command-line and administrator imports)")
            return self.default_source
        org = self._registered(text, "source_uscc", "数据来源单位", error)
        if org is not None and self.default_source is not None and org.id != self.default_source.id \
                and not self.unlimited:
            error("source_uscc", "只能以本单位名义报送", "you can only submit on behalf of your own organization")
            return None
        return org

    def _amount(self, v: dict[str, str], name: str, error: Any, rule_id: int | None) -> Decimal | None:
        text = v[name].replace(",", "").replace("，", "").strip()
        if not text:
            return None
        if text.endswith("元") and not text.endswith("万元"):
            error(name, "金额应以万元为单位填写（如2.5表示2.5万元）", "amounts are in 10,000 yuan (万元), e.g. 2.5")
            return None
        try:
            amount = Decimal(text.removesuffix("万元"))
        except InvalidOperation:
            error(name, f"“{v[name]}”不是有效金额（万元，如2.5）", f"{v[name]!r} is not an amount in 万元 (e.g. 2.5)")
            return None
        limit = self.max_amount.get(rule_id) if rule_id else None
        if amount < 0 or amount.as_tuple().exponent < -6:
            error(name, "金额不能为负数，最多6位小数", "the amount must not be negative and has at most 6 decimals")
        elif limit is not None and amount > limit:
            error(name, f"金额{text}万元超过合理上限{limit}万元，疑似按元填写，请换算为万元",
                  f"{text} (10,000 yuan) exceeds the plausible {limit}: it looks like yuan; convert to 万元")
        else:
            return amount
        return None

    def _penalty(self, v: dict[str, str], error: Any, rule_id: int | None) -> dict[str, Any]:
        kinds: list[str] = []
        for name in ("penalty_kinds", "penalty_kinds_2"):
            for part in filter(None, _SPLIT.split(v[name])):
                found = self.penalty_kinds.get(header_key(part))
                if found is None:
                    error(name, f"“{part}”不是《行政处罚法》第九条规定的处罚种类", f"{part!r} is not a penalty kind of "
                          "art. 9 of the Administrative Penalty Law")
                elif found.code not in kinds:
                    kinds.append(found.code)
        return {"violation_type": v["violation_type"], "facts": v["facts"], "basis": v["basis"], "penalty_kinds": kinds,
                "penalty_content": v["penalty_content"], "fine_amount": self._amount(v, "fine_amount", error, rule_id),
                "confiscation_amount": self._amount(v, "confiscation_amount", error, rule_id),
                "suspended_licence": v["suspended_licence"], "penalty_term": v["penalty_term"]}

    def _licence(self, v: dict[str, str], error: Any) -> dict[str, Any]:
        start, end = self._date(v, "valid_from", error), self._date(v, "valid_to", error)
        if start and end and end < start:
            error("valid_to", "有效期至早于有效期自", "the validity ends before it starts")
        return {"document_name": v["document_name"], "licence_category": v["licence_category"],
                "certificate_name": v["certificate_name"], "licence_number": v["licence_number"],
                "licence_content": v["licence_content"], "valid_from": start, "valid_to": end,
                "licence_status": v["licence_status"]}

    def _conditionally_missing(self, v: dict[str, str], values: dict[str, Any], category: str) -> list[str]:
        label = self.binding.label
        missing = []
        if category == CounterpartyCategory.ORGANIZATION and not v["legal_representative"]:
            missing.append(label("legal_representative"))
        kinds = set(values.get("penalty_kinds", ()))
        if "fine" in kinds and values.get("fine_amount") is None:
            missing.append(label("fine_amount"))
        if kinds & {"confiscate_gains", "confiscate_property"} and values.get("confiscation_amount") is None:
            missing.append(label("confiscation_amount"))
        if kinds & {"suspend_licence", "revoke_licence"} and not v["suspended_licence"]:
            missing.append(label("suspended_licence"))
        return missing

    def _default_end(self, decided: dt.date, values: dict[str, Any]) -> dt.date | None:
        """Licences: their validity; penalties: the maximum period of the disclosure regime in force."""
        if self.kind == Kind.LICENCE:
            return values.get("valid_to")
        try:
            return self.regimes.periods(decided, self._severity(values)).disclosure_end
        except PeriodError:
            return None

    def _severity(self, values: dict[str, Any]) -> str:
        kinds = [self.penalty_kinds[header_key(k)] for k in values.get("penalty_kinds", ())]
        return max((k.severity for k in kinds), key=_SEVERITY_ORDER.__getitem__, default="general")

    def _ledger_entry(self, org: Any, values: dict[str, Any], source_id: int, row: int) -> Entry | None:
        """The 行政处罚 ledger record of a penalty against a registered public body (机关, 事业单位 …)."""
        category = self.category
        if org is None or category is None or org.kind not in category.subject_kinds:
            return None
        severity = self._severity(values)
        kinds = [self.penalty_kinds[header_key(k)] for k in values["penalty_kinds"]]
        worst = max(kinds, key=lambda k: _SEVERITY_ORDER[k.severity], default=None)
        data: dict[str, Any] = {"penalty_type": worst.ledger_type if worst else "other"}
        if values["fine_amount"] is not None:
            data["fine_amount"] = str((values["fine_amount"] * 10000).quantize(Decimal("0.01")))
        try:
            periods = self.regimes.periods(values["decision_date"], severity)
        except PeriodError:
            return None  # before the earliest regime: published, but no ledger period can be set
        decided = values["decision_date"]
        return Entry(
            row=row, subject_key=f"o:{org.id}", organization_id=org.id, person_id=None, unit_id=org.id,
            subject_name=org.name, category_id=category.pk, category_version=category.version, severity=severity,
            facts=values["facts"] or values["penalty_content"] or values["violation_type"] or "见处罚决定书",
            document_number=values["document_number"], authority=values["authority_name"], decision_date=decided,
            legal_basis=values["basis"], source_id=source_id, data=data, disclosure_scope=category.disclosure_scope,
            regime_rule_id=periods.rule_id, repair_from=periods.repair_from, disclosure_end=periods.disclosure_end)


_WRITABLE = tuple(f.name if not f.is_relation else f.attname for f in Decision._meta.concrete_fields
                  if f.name not in ("id", "published_at", "status", "withdrawn_note", "withdrawn_at"))


class DecisionWriter:
    """Writes one batch's checked chunks: new decisions, changed ones (same natural key), and their ledger records.

    Per chunk: one query for the stored decisions sharing a natural key, the ledger's own writer for the
    penalties against public bodies, one query for those records' ids, then bulk inserts and updates.
    A re-sent decision keeps its first publication time: timeliness is measured once, from when it first
    reached the platform.
    """

    def __init__(self, batch_id: int | None, kind: str, reason: str, now: dt.datetime, timeliness: Timeliness):
        ctx = current()
        self.batch_id, self.kind, self.now, self.timeliness = batch_id, kind, now, timeliness
        self.ledger = LedgerWriter(batch_id, ctx.actor_label, ctx.channel, reason, now)
        self.outcome = Outcome()

    def write(self, items: list[Checked]) -> None:
        sources = {i.key[0] for i in items}
        documents = {i.key[2] for i in items}
        stored = {(s, k, d, c): (pk, h, published) for s, k, d, c, pk, h, published in Decision.objects.filter(
            kind=self.kind, source_id__in=sources, document_number__in=documents).values_list(
            "source_id", "kind", "document_number", "counterparty_key", "id", "content_hash", "published_at")}
        fresh, changed = [], []
        for item in items:
            found = stored.get(item.key)
            if found is None:
                fresh.append(item)
            elif found[1] == item.content_hash:
                self.outcome.unchanged += 1
            else:
                changed.append((found, item))
        with_ledger = [i for i in (*fresh, *(c[1] for c in changed)) if i.ledger is not None]
        records = self._ledger(with_ledger) if with_ledger else {}
        digest = self.outcome.digest
        new_rows = []
        for item in fresh:
            new_rows.append(Decision(**item.values, content_hash=item.content_hash, batch_id=self.batch_id,
                                     published_at=self.now, updated_at=self.now,
                                     ledger_record_id=records.get(item.key)))
            digest.update(f"{item.key}:{item.content_hash};".encode())
        Decision.objects.bulk_create(new_rows, batch_size=500)
        updates = []
        for (pk, _, published), item in changed:
            values = dict(item.values)
            rule_id, deadline, on_time, late = self.timeliness(values["decision_date"], timezone.localdate(published))
            values |= {"rule_id": rule_id, "deadline": deadline, "on_time": on_time, "days_late": late}
            updates.append(Decision(pk=pk, **values, content_hash=item.content_hash, batch_id=self.batch_id,
                                    updated_at=self.now, ledger_record_id=records.get(item.key)))
            digest.update(f"{item.key}:{item.content_hash};".encode())
        if updates:
            Decision.objects.bulk_update(updates, list(_WRITABLE), batch_size=500)
        self.outcome.created += len(new_rows)
        self.outcome.revised += len(updates)

    def _ledger(self, items: list[Checked]) -> dict[tuple[int, str, str, str], int]:
        """Write the items' ledger entries; the record id of each, by the decision's natural key."""
        entries = [i.ledger for i in items if i.ledger is not None]
        self.ledger.write(entries)
        found = Record.objects.filter(category_id=entries[0].category_id, source_id__in={e.source_id for e in entries},
                                      document_number__in={e.document_number for e in entries}).values_list(
            "source_id", "document_number", "subject_key", "id")
        by_record = {(s, d, k): pk for s, d, k, pk in found}
        return {i.key: by_record[(i.ledger.source_id, i.ledger.document_number, i.ledger.subject_key)]
                for i in items if i.ledger is not None}


def import_decisions(kind: str) -> Callable[..., Any]:
    """The bulk importer of one kind, as the intake registry calls it (CLI, console upload, API push)."""

    def run(principal: Any, *, source: Source, filename: str, accept_valid: bool = False, reason: str = "",
            today: dt.date | None = None, now: dt.datetime | None = None,
            progress: Callable[[int], None] | None = None, limit: int | None = None, **_: Any) -> Any:
        now = now or timezone.now()
        today = today or timezone.localdate(now)
        state: dict[str, Any] = {}

        def checker(binding: Binding) -> DecisionChecker:
            state["checker"] = DecisionChecker(principal, binding, kind, today=today, now=now)
            return state["checker"]

        return run_bulk(DATASET_NAMES[kind], principal, source=source, filename=filename, accept_valid=accept_valid,
                        reason=reason, progress=progress, limit=limit, check_headers=check_headers(kind),
                        checker=checker,
                        writer=lambda batch: DecisionWriter(batch.pk, kind, reason, now, state["checker"].timeliness))

    return run

