"""Bulk intake of credit records (归集): stream a file, check every row, resolve subjects, hand chunks to
the ledger's set-based writer — in one transaction per batch.

Speed comes from doing per row only what must be done per row, in memory: the catalog, the regimes and
the subjects registry (USCC → organization, keyed hash of the resident ID → person) are loaded once;
each chunk of rows costs one lookup query and two or three `executemany` statements (ledger.bulk).
Memory stays flat whatever the file size: rows are read as they are consumed, and what is kept per row
is a 16-byte key digest for spotting duplicates inside the file.

A row names its subject by USCC or resident ID. A name alone is never enough to write: the row is
refused with the registry's match as a proposal, and the user confirms it by adding the code (or by
asking, with `match_names`, that exact name matches be taken).

All-or-nothing by default: the first refused row stops the writing (checking goes on, so every bad row
is reported) and the transaction rolls back. With `accept_valid` the valid rows are written and the
refused ones come back with their reasons. Either way, a process killed half-way leaves nothing: the
batch's rows commit together or not at all, and running the same file again completes it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import multiprocessing
import operator
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from govtrust.core import access, audit, crypto
from govtrust.core.access import Scope
from govtrust.core.context import current
from govtrust.core.errors import FieldError, ServiceError
from govtrust.core.identifiers import check_resident_id, check_uscc, normalize_name
from govtrust.ledger.bulk import Entry, Wired, Writer, db_date, wire
from govtrust.ledger.models import CIVIL_SERVANT_KIND, Category, Polarity, Severity
from govtrust.ledger.regimes import PeriodError, RegimeBook, add_months
from govtrust.ledger.schema import check_value, choice_codes, parse_date
from govtrust.subjects.models import CivilServant, Organization, OrganizationName

from .datasets import DATASETS, Binding, Column, bind, header_key
from .models import Batch
from .tabular import Row, Source, binary_file, file_error, open_table

if TYPE_CHECKING:
    from .services import ImportResult

CHUNK = 2000
EARLIEST_DECISION = dt.date(1990, 1, 1)
FIELD_PREFIX = "field:"  # columns of category-specific fields: "field:<header key of the label>"

COLUMNS = (
    Column("信用信息类别", "category", required=True, aliases=("信息类别", "类别", "类别代码", "记录类别"),
           example="行政处罚", note="类别名称或代码，见信用信息目录"),
    Column("主体名称", "subject_name", aliases=("单位名称", "姓名", "当事人", "被处罚单位", "主体"),
           example="昆明市五华区某局", note="与统一社会信用代码或公民身份号码一致；只填名称时给出匹配建议，需补填代码确认"),
    Column("统一社会信用代码", "uscc", identifier=True, aliases=("社会信用代码", "主体统一社会信用代码"),
           example="11530102MB0000001X", note="单位主体填写"),
    Column("公民身份号码", "resident_id", identifier=True, aliases=("身份证号", "身份证号码"),
           example="", note="公务员主体填写"),
    Column("决定文书号", "document_number", required=True, aliases=("文书号", "决定书文号", "处罚决定书文号", "文号"),
           example="五华罚〔2026〕12号"),
    Column("决定机关", "authority", required=True, aliases=("作出决定机关", "处罚机关", "认定机关"),
           example="昆明市五华区市场监督管理局"),
    Column("决定日期", "decision_date", required=True, aliases=("作出决定日期", "处罚决定日期", "认定日期"),
           example="2026-05-20", note="如2026-05-20，不得晚于今天"),
    Column("失信程度", "severity", choices=tuple(Severity.choices), aliases=("严重程度",),
           example="一般", note="失信类别填写；不填时取目录中的默认程度"),
    Column("事实", "facts", required=True, aliases=("失信事实", "主要事实", "内容", "事由"), example="未按合同约定支付货款"),
    Column("依据", "legal_basis", aliases=("法律依据", "处罚依据", "决定依据"), example="《保障中小企业款项支付条例》第八条"),
    Column("报送单位统一社会信用代码", "source", identifier=True, aliases=("报送单位代码",),
           note="不填时为当前用户所在单位；命令行与管理员导入时必填"),
)


CELL_ORDER = ("category", "subject_name", "uscc", "resident_id", "document_number", "authority", "decision_date",
              "severity", "facts", "legal_basis", "source")


def field_columns() -> tuple[Column, ...]:
    """One column per distinct label of the active categories' own fields (shared labels share a column)."""
    seen: dict[str, Column] = {}
    for category in Category.objects.filter(active=True):
        for spec in category.fields:
            key = header_key(spec["label"])
            seen.setdefault(key, Column(spec["label"], FIELD_PREFIX + key, aliases=(spec["name"],),
                                        note=f"“{category.name}”等类别的专有字段"))
    return tuple(seen.values())


def template_columns(category_code: str | None) -> tuple[Column, ...]:
    """The template for one category: the common columns and the category's own, its name as the example."""
    if not category_code:
        return COLUMNS + field_columns()
    category = Category.objects.filter(code=category_code, active=True).first()
    if category is None:
        raise ServiceError("unknown_category", f"信用信息目录中没有代码为“{category_code}”的类别",
                           f"the catalog has no category {category_code!r}", status=404)
    negative = category.polarity == Polarity.NEGATIVE
    common = tuple(
        replace(c, example=category.name) if c.field == "category" else
        replace(c, example="" if not negative else c.example) if c.field == "severity" else c
        for c in COLUMNS)
    own = tuple(Column(spec["label"], FIELD_PREFIX + header_key(spec["label"]), required=bool(spec.get("required")),
                       choices=tuple((code, label) for code, label in spec.get("choices", [])),
                       note=spec.get("label_en", "")) for spec in category.fields)
    return common + own


TEMPLATE_NOTE = ("第一个工作表为数据；请勿修改表头。每行一条信用记录。主体以统一社会信用代码或公民身份号码识别；"
                 "同一报送单位、文书号、类别和主体的记录再次导入时：内容相同则不变，内容不同则生成新的修订版本。")


@dataclass(frozen=True, slots=True)
class _Org:
    id: int
    name: str
    kind: str
    region_path: str
    normalized: str


@dataclass(frozen=True, slots=True)
class _CategoryPlan:
    category: Category
    specs: tuple[tuple[dict[str, Any], int | None, dict[str, str]], ...]  # spec, its cell index, choice codes


class Registry:
    """The subjects registry in memory for one batch: organizations by USCC, id and name; people by hash."""

    def __init__(self) -> None:
        rows = Organization.objects.values_list("id", "uscc", "name", "name_normalized", "kind", "region__path")
        self.by_id: dict[int, _Org] = {}
        self.by_uscc: dict[str, _Org] = {}
        self.by_name: dict[str, list[tuple[_Org, str]]] = {}
        for pk, uscc, name, normalized, kind, path in rows.iterator(chunk_size=5000):
            org = _Org(pk, name, kind, path, normalized)
            self.by_id[pk] = org
            if uscc:
                self.by_uscc[uscc] = org
            self.by_name.setdefault(normalized, []).append((org, uscc or ""))
        for normalized, org_id in OrganizationName.objects.values_list("name_normalized", "organization_id"):
            org = self.by_id[org_id]
            self.by_name.setdefault(normalized, []).append((org, ""))
        self.people = {h: (pk, name, org) for h, pk, name, org in CivilServant.objects.values_list(
            "resident_id_hash", "id", "name", F("organization_id")).iterator(chunk_size=5000)}


class RecordChecker:
    """Turns the rows of one file into ledger entries or field errors, in file order."""

    def __init__(self, principal: Any, binding: Binding, *, source: Organization | None, today: dt.date,
                 match_names: bool = False):
        self.binding, self.today, self.match_names = binding, today, match_names
        self.registry = Registry()
        self.book = RegimeBook()
        self.unlimited = access.policy(principal).scope == Scope.ALL
        self.default_source = source
        # The common columns' cells in one itemgetter call; a column the file lacks reads the "" appended to
        # every row (index `width`).
        self.width = len(binding.table_headers)
        self.names = tuple(c.field for c in COLUMNS)
        if self.names != CELL_ORDER:  # `check` unpacks the cells in this order
            raise RuntimeError(f"records.COLUMNS changed order: {self.names}")
        self.index = {name: binding.index.get(name) for name in self.names}
        self._take = operator.itemgetter(*(self.index[n] if self.index[n] is not None else self.width
                                           for n in self.names))
        self._periods_seen: dict[tuple[dt.date, str, str], Any] = {}
        self.categories: dict[str, _CategoryPlan] = {}
        for category in Category.objects.filter(active=True):
            plan = _CategoryPlan(category, tuple(
                (spec, binding.index.get(FIELD_PREFIX + header_key(spec["label"])), choice_codes(spec))
                for spec in category.fields))
            for name in (category.code, category.name, header_key(category.name), header_key(category.code)):
                self.categories[name] = plan
        self.severities = binding.choices["severity"]
        self.seen: dict[bytes, int] = {}  # natural-key digest → first row
        self._date = db_date()

    def seal(self, entry: Entry) -> Wired:
        """The entry as the writer takes it, converted here (in the reader process when there is one)."""
        return wire(entry, self._date)

    def _cells(self, row: Row) -> tuple[str, ...]:
        """The common columns' cells, in COLUMNS order (a tuple, unpacked by name in `check`: no dict per row)."""
        cells = row.cells
        padded = cells + ("",) * (self.width + 1 - len(cells)) if len(cells) <= self.width else (*cells[:self.width], "")
        return self._take(padded)

    def check(self, row: Row) -> tuple[Entry | None, list[FieldError]]:
        errors: list[FieldError] = []
        label = self.binding.label
        number = row.number

        def error(name: str, message: str, message_en: str) -> None:
            errors.append(FieldError(label(name), message, message_en, row=number))

        (category_text, subject_name, uscc, resident_id, document, authority, decision_text, severity_text, facts,
         legal_basis, source_text) = self._cells(row)
        if len(row.cells) > self.width and any(row.cells[self.width:]):
            errors.append(FieldError(f"第{self.width + 1}列", "该行的数据比表头多（可能是未加引号的逗号导致错列）",
                                     "the row has more cells than the header (an unquoted comma may have shifted the "
                                     "columns)", row=number))
        for name, text in (("document_number", document), ("authority", authority), ("facts", facts)):
            if not text:
                error(name, "不能为空", "is required")
        plan = None
        if not category_text:
            error("category", "不能为空", "is required")
        else:
            plan = self.categories.get(category_text) or self.categories.get(header_key(category_text))
            if plan is None:
                error("category", f"“{category_text}”不是信用信息目录中的类别",
                      f"{category_text!r} is not a category of the catalog")
        decision = self._decision_date(decision_text, error)
        subject = self._subject(uscc, resident_id, subject_name, error)
        source = self._source(source_text, error)
        for i in row.lossy:
            errors.append(FieldError(self.binding.table_headers[i] if i < len(self.binding.table_headers) else
                                     f"第{i + 1}列", "数字已被Excel改写（超过15位或科学计数法），请将该列设为文本格式后重新填写",
                                     "the number was already rounded by Excel; format the column as text and enter it "
                                     "again", row=number))
        if plan is None:
            return None, errors
        category = plan.category
        severity = self._severity(severity_text, category, error)
        data = self._fields(row, plan, errors)
        if subject is not None:
            kind = CIVIL_SERVANT_KIND if subject[1] is not None else subject[4]
            if kind not in category.subject_kinds:
                error("subject_name", f"“{category.name}”不适用于该类主体", f"category {category.code!r} does not apply "
                      f"to subjects of kind {kind!r}")
            elif source is not None and not self.unlimited and not subject[5].startswith(source.region_path):
                error("subject_name", "该主体不在报送单位所在区划内，不能由其报送",
                      "the subject lies outside the submitting organization's region")
        if errors or subject is None or source is None or decision is None:
            return None, errors
        periods = self._periods(category, decision, severity, error)
        if errors:
            return None, errors
        # The natural key (source, document number, category, subject) as 16 bytes; the document number last,
        # after separators no other part contains, so no two keys share a digest input.
        digest = hashlib.blake2b(f"{source.id}\x00{category.pk}\x00{subject[0]}\x00{document}".encode(),
                                 digest_size=16).digest()
        first = self.seen.setdefault(digest, number)
        if first != number:
            error("document_number", f"与第{first}行重复（同一报送单位、文书号、类别和主体）",
                  f"duplicates row {first} (same source, document number, category and subject)")
            return None, errors
        return Entry(
            row=number, subject_key=subject[0], organization_id=None if subject[1] else subject[2],
            person_id=subject[1], unit_id=subject[2], subject_name=subject[3], category_id=category.pk,
            category_version=category.version, severity=severity, facts=facts, document_number=document,
            authority=authority, decision_date=decision, legal_basis=legal_basis,
            source_id=source.id, data=data, disclosure_scope=category.disclosure_scope,
            regime_rule_id=periods[0], repair_from=periods[1], disclosure_end=periods[2],
        ), errors

    def _decision_date(self, text: str, error: Callable[[str, str, str], None]) -> dt.date | None:
        if not text:
            error("decision_date", "不能为空", "is required")
            return None
        day = parse_date(text)
        if day is None:
            error("decision_date", f"“{text}”不是有效日期（如2026-05-20）", f"{text!r} is not a valid date (e.g. 2026-05-20)")
        elif day > self.today:
            error("decision_date", f"决定日期{day.isoformat()}晚于今天", f"the decision date {day.isoformat()} is in the future")
        elif day < EARLIEST_DECISION:
            error("decision_date", f"决定日期{day.isoformat()}早于{EARLIEST_DECISION.year}年，请核对",
                  f"the decision date {day.isoformat()} is before {EARLIEST_DECISION.year}; check it")
        else:
            return day
        return None

    def _subject(self, uscc: str, resident_id: str, name: str,
                 error: Callable[[str, str, str], None]) -> tuple[str, int | None, int, str, str, str] | None:
        """(subject key, person id or None, unit id, name, kind, region path) or None with an error."""
        reg = self.registry
        if uscc:
            org = reg.by_uscc.get(uscc)
            if org is None:
                checked = check_uscc(uscc)
                if not checked:
                    error("uscc", checked.reason, checked.reason_en)
                    return None
                org = reg.by_uscc.get(checked.value)
            if org is None:
                error("uscc", f"统一社会信用代码{uscc}不在主体库中，请先登记该单位",
                      f"no organization with USCC {uscc} is registered; register it first")
                return None
            if name and name != org.name and normalize_name(name) != org.normalized and not self._former(name, org):
                error("subject_name", f"名称与统一社会信用代码不符：主体库中为“{org.name}”",
                      f"the name does not match the USCC: the registry has {org.name!r}")
                return None
            return f"o:{org.id}", None, org.id, org.name, org.kind, org.region_path
        if resident_id:
            # A registered ID was checked when the person was registered: look it up as written first, and
            # check it (for the reason to give) only when that misses — most rows name registered people.
            person = reg.people.get(crypto.lookup_hash(resident_id))
            if person is None:
                checked = check_resident_id(resident_id, today=self.today)
                if not checked:
                    error("resident_id", checked.reason, checked.reason_en)
                    return None
                person = reg.people.get(crypto.lookup_hash(checked.value))
            if person is None:
                error("resident_id", "该公民身份号码不在公务员库中，请先登记", "no civil servant with this resident ID is registered")
                return None
            pk, person_name, org_id = person
            if name and name != person_name:
                error("subject_name", "姓名与公民身份号码不符", "the name does not match the resident ID")
                return None
            unit = reg.by_id[org_id]
            return f"p:{pk}", pk, org_id, person_name, CIVIL_SERVANT_KIND, unit.region_path
        if not name:
            error("uscc", "统一社会信用代码、公民身份号码至少填写一项", "give the USCC or the resident ID")
            return None
        matches = reg.by_name.get(normalize_name(name), [])
        orgs = list({org.id: (org, code) for org, code in matches}.values())
        if len(orgs) == 1 and self.match_names:
            org = orgs[0][0]
            return f"o:{org.id}", None, org.id, org.name, org.kind, org.region_path
        if len(orgs) == 1:
            org, code = orgs[0]
            error("uscc", f"未填写统一社会信用代码。按名称匹配到“{org.name}”（{code or '无代码'}），请核对后补填代码以确认",
                  f"no USCC given. The name matches {org.name!r} ({code or 'no code'}); add the code to confirm")
        elif orgs:
            names = "、".join(f"{o.name}（{c or '无代码'}）" for o, c in orgs[:5])
            error("uscc", f"未填写统一社会信用代码，名称匹配到多个单位：{names}，请补填代码",
                  f"no USCC given and the name matches several organizations: {names}; add the code")
        else:
            error("uscc", f"未填写统一社会信用代码，主体库中没有名为“{name}”的单位",
                  f"no USCC given and no organization named {name!r} is registered")
        return None

    def _former(self, name: str, org: _Org) -> bool:
        return any(o.id == org.id for o, _ in self.registry.by_name.get(normalize_name(name), []))

    def _source(self, text: str, error: Callable[[str, str, str], None]) -> _Org | None:
        if not text:
            if self.default_source is None:
                error("source", "请填写报送单位统一社会信用代码（命令行或管理员导入时必填）",
                      "give the submitting organization's USCC (required for command-line and administrator imports)")
                return None
            return self.registry.by_id[self.default_source.pk]
        org = self.registry.by_uscc.get(text) or self.registry.by_uscc.get(check_uscc(text).value)
        if org is None:
            error("source", f"报送单位{text}不在主体库中", f"the submitting organization {text} is not registered")
            return None
        if self.default_source is not None and org.id != self.default_source.pk and not self.unlimited:
            error("source", "只能以本单位名义报送", "you can only submit on behalf of your own organization")
            return None
        return org

    def _severity(self, text: str, category: Category, error: Callable[[str, str, str], None]) -> str:
        if category.polarity != Polarity.NEGATIVE:
            if text:
                error("severity", f"“{category.name}”不是失信类别，不填失信程度",
                      f"{category.code!r} is not a negative category: leave the severity empty")
            return ""
        if not text:
            return category.default_severity
        code = self.severities.get(text) or self.severities.get(header_key(text))
        if code is None:
            error("severity", f"“{text}”不是有效的失信程度，可选：轻微、一般、严重", f"{text!r} is not a severity (minor, general, "
                  "serious)")
            return ""
        return code

    def _fields(self, row: Row, plan: _CategoryPlan, errors: list[FieldError]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        cells = row.cells
        for spec, i, codes in plan.specs:
            text = cells[i] if i is not None and i < len(cells) else ""
            header = self.binding.table_headers[i] if i is not None else spec["label"]
            if not text:
                if spec.get("required"):
                    errors.append(FieldError(header, f"“{plan.category.name}”必填", f"required for {plan.category.code!r}",
                                             row=row.number))
                continue
            value, problem = check_value(spec, text, codes)
            if problem:
                errors.append(FieldError(header, problem[0], problem[1], row=row.number))
            else:
                data[spec["name"]] = value
        return data

    def _periods(self, category: Category, decision: dt.date, severity: str,
                 error: Callable[[str, str, str], None]) -> tuple[int | None, dt.date | None, dt.date | None]:
        if category.polarity == Polarity.NEGATIVE:
            key = (decision, severity, category.domain)
            p = self._periods_seen.get(key)  # decision dates repeat: a million rows span a few thousand days
            if p is None:
                try:
                    p = self._periods_seen[key] = self.book.periods(decision, severity, category.domain)
                except PeriodError as exc:
                    error("decision_date", exc.message, exc.message_en)
                    return None, None, None
            return p.rule_id, p.repair_from, p.disclosure_end
        end = add_months(decision, category.disclosure_months) if category.disclosure_months else None
        return None, None, end


def chunks(rows: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def import_records(principal: Any, *, source: Source, filename: str, accept_valid: bool = False, reason: str = "",
                   match_names: bool = False, today: dt.date | None = None,
                   progress: Callable[[int], None] | None = None, limit: int | None = None) -> ImportResult:
    """Import a records file as one batch (see the module's docstring). Raises ImportRejected when refused."""
    today = today or timezone.localdate()
    home = getattr(principal, "organization", None)
    return run_bulk(
        "records", principal, source=source, filename=filename, accept_valid=accept_valid, reason=reason,
        progress=progress, limit=limit,
        checker=lambda binding: RecordChecker(principal, binding, source=home, today=today, match_names=match_names),
        writer=lambda batch: Writer(batch.pk, current().actor_label, current().channel, reason, timezone.now(),
                                    unique_keys=True))


def run_bulk(dataset: str, principal: Any, *, source: Source, filename: str, accept_valid: bool, reason: str,
             checker: Callable[[Binding], Any], writer: Callable[[Batch], Any],
             progress: Callable[[int], None] | None = None, limit: int | None = None,
             check_headers: Callable[[tuple[str, ...]], None] | None = None) -> ImportResult:
    """The batch loop every set-based dataset shares: stream, check in chunks, write, commit or roll back.

    `checker(binding)` gives an object whose `check(row)` returns (item with `seal()`, field errors) — or,
    when the checker has a `seal(item)` of its own, what that makes of the item for the writer;
    `writer(batch)` one whose `write(items)` stores a chunk and whose `outcome` counts created, revised and
    unchanged rows (and carries a digest). `check_headers` may refuse the file from its header row alone.
    """
    from .services import ImportRejected, ImportResult, RejectedRow  # services imports the datasets

    table = open_table(source, filename, limit=limit)
    if check_headers is not None:
        check_headers(table.headers)
    binding = bind(DATASETS[dataset], table)
    batch = start_batch(principal, filename, source, accept_valid, reason, dataset=dataset)
    result = ImportResult(dataset, filename, table.headers, warnings=list(binding.warnings), batch_id=batch.pk)
    try:
        check = checker(binding)
        write = writer(batch)
        with transaction.atomic():
            for count, entries, rejected in checked(check, table.rows, parallel=_parallel(source)):
                result.rejected += [RejectedRow(*r) for r in rejected]
                result.total += count
                if entries and (accept_valid or not result.rejected):
                    write.write(entries)
                if progress:
                    progress(result.total)
            if result.total == 0:
                raise file_error(f"文件只有表头（第{table.header_row}行），没有数据行",
                                 f"The file has a header (row {table.header_row}) but no data rows")
            if result.rejected and not accept_valid:
                raise ImportRejected(result)
            outcome = write.outcome
            result.created, result.revised, result.unchanged = outcome.created, outcome.revised, outcome.unchanged
            finish_batch(batch, result, Batch.Status.COMMITTED, outcome.digest.hexdigest())
    except ServiceError as err:
        finish_batch(batch, result, Batch.Status.REJECTED, message=f"{err.message}\n{err.message_en}")
        raise
    except BaseException:
        finish_batch(batch, result, Batch.Status.FAILED, message="导入中断 / the import was interrupted")
        raise
    return result


Checked = tuple[int, list[Entry], list[tuple[int, dict[str, str], list[FieldError]]]]


def _check_chunks(checker: Any, rows: Iterable[Row]) -> Iterator[Checked]:
    """Per chunk: how many rows, the entries ready to write (content serialized), the refused rows."""
    original = checker.binding.original
    seal = getattr(checker, "seal", operator.methodcaller("seal"))
    for chunk in chunks(rows):
        entries, rejected = [], []
        for row in chunk:
            entry, errors = checker.check(row)
            if errors:
                rejected.append((row.number, original(row), errors))
            elif entry is not None:
                entries.append(seal(entry))
        yield len(chunk), entries, rejected


def _parallel(source: Source) -> bool:
    """Large files are read and checked in a second process while this one writes (2 cores: both busy)."""
    return hasattr(os, "fork") and source_size(source) >= settings.IMPORT_PARALLEL_MIN_BYTES


def checked(checker: Any, rows: Iterator[Row], parallel: bool) -> Iterator[Checked]:
    if not parallel:
        yield from _check_chunks(checker, rows)
        return
    # A forked reader: it inherits the checker (registry, catalog, regimes: all in memory) and the open
    # file, and never touches the database. Chunks come back through a pipe, which also throttles it.
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    reader = context.Process(target=_reader, args=(checker, rows, send, receive), daemon=True)
    reader.start()
    send.close()
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                raise ServiceError("reader_failed", "读取文件的进程意外退出", "the file reader process died") from None
            if message is None:
                break
            if isinstance(message, dict):
                raise ServiceError(message["code"], message["message"], message["message_en"],
                                   errors=[FieldError(**e) for e in message["errors"]], status=message["status"])
            yield message
    finally:
        receive.close()
        reader.join(timeout=5)
        if reader.is_alive():
            reader.kill()


def _reader(checker: Any, rows: Iterator[Row], send: Any, receive: Any) -> None:
    """The reader process: check every chunk and send it; a refused file is sent as its error.

    It lets go of what it inherited and must not hold: the pipe's reading end (so that a writer killed
    mid-import breaks the pipe and ends the reader), and the database sockets (so that the killed writer's
    connection closes, and the server rolls its transaction back). The sockets are closed at the file
    level only: a proper close would end the writer's session.
    """
    receive.close()
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and conn.vendor == "postgresql":
            os.close(conn.connection.fileno())
    outbox: queue.Queue[Any] = queue.Queue(maxsize=READ_AHEAD)
    gone = threading.Event()  # set by the sender when the writer has gone away
    sender = threading.Thread(target=_send_all, args=(outbox, send, gone), daemon=True)
    sender.start()
    try:
        for checked in _check_chunks(checker, rows):
            if gone.is_set():
                break
            outbox.put(checked)
        outbox.put(None)  # the end of the file, as the writer reads it
    except ServiceError as err:
        outbox.put({"code": err.code, "message": err.message, "message_en": err.message_en, "status": err.status,
                    "errors": [e.as_dict() for e in err.errors]})
    finally:
        outbox.put(_END)
        sender.join()
        send.close()


READ_AHEAD = 8  # checked chunks the reader may hold while the writer is busy (about 1 MB each)
_END = object()  # tells the sender thread to stop


def _send_all(outbox: queue.Queue[Any], send: Any, gone: threading.Event) -> None:
    """The reader's sender thread: pickles and sends what the reader queues (chunks, then the end of the file
    or a refusal) while the reader checks the next chunks, so that neither process waits for the other chunk
    by chunk (the pipe itself holds less than one chunk). A writer that is gone (killed or failed) breaks
    the pipe: the reader is told to stop, and what it still queues is dropped."""
    while (item := outbox.get()) is not _END:
        if gone.is_set():
            continue
        try:
            send.send(item)
        except OSError:  # BrokenPipeError and the like: nothing to report to
            gone.set()


def start_batch(principal: Any, filename: str, source: Source, accept_valid: bool, reason: str,
                dataset: str = "records") -> Batch:
    """The batch row, committed on its own so the history shows refused and interrupted imports too."""
    ctx = current()
    user = ctx.user if hasattr(ctx.user, "get_username") else None  # a console user, not an API key
    sha, size = _fingerprint(source)
    with transaction.atomic():
        # A batch of the same file still "running" was interrupted (its transaction died with its process):
        # say so in the history. Nothing of it was written, so this run simply does the whole file.
        Batch.objects.filter(sha256=sha, status=Batch.Status.RUNNING).update(
            status=Batch.Status.FAILED, finished_at=timezone.now(),
            message="导入被中断，未写入任何数据；已重新导入 / interrupted, nothing written; imported again")
        return Batch.objects.create(
            dataset=dataset, filename=filename[:255], sha256=sha, size=size, channel=ctx.channel,
            actor=ctx.actor_label, user=user, organization=getattr(principal, "organization", None),
            accept_valid=accept_valid, reason=reason, status=Batch.Status.RUNNING, started_at=timezone.now())


def finish_batch(batch: Batch, result: Any, status: str, digest: str = "", message: str = "") -> None:
    batch.status, batch.finished_at, batch.message = status, timezone.now(), message
    batch.total, batch.rejected = result.total, len(result.rejected)
    batch.created, batch.revised, batch.unchanged = result.created, result.revised, result.unchanged
    if status == Batch.Status.COMMITTED:
        batch.save()
        counts = {"total": batch.total, "created": batch.created, "revised": batch.revised,
                  "unchanged": batch.unchanged, "rejected": batch.rejected, "sha256": batch.sha256, "rows": digest}
        audit.record("import", batch, after=counts, reason=batch.reason)
    else:
        Batch.objects.filter(pk=batch.pk).update(
            status=status, finished_at=batch.finished_at, message=message, total=batch.total,
            rejected=batch.rejected, created=0, revised=0, unchanged=0)


def _fingerprint(source: Source) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with _reopened(source) as file:
        while block := file.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


@contextlib.contextmanager
def _reopened(source: Source) -> Iterator[IO[bytes]]:
    """The source from its start; a path is opened (and closed) here, a file object is rewound after."""
    if isinstance(source, str | PurePath):
        with open(source, "rb") as file:
            yield file
        return
    file = binary_file(source)
    position = file.tell()
    file.seek(0)
    try:
        yield file
    finally:
        file.seek(position)


def source_size(source: Source) -> int:
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, str | PurePath):
        return os.path.getsize(source)
    with _reopened(source) as file:
        return file.seek(0, io.SEEK_END)
