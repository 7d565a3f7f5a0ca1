"""Export in the national column set (CSV, XLSX, JSON) for reporting to the provincial or national platform.

The columns are the import templates' (so a provincial platform reading the national set reads ours), one
file per kind. Incremental: `since` selects what was published, changed or withdrawn from that date (or
moment) on; `run` records each export as an ExportRun (and in the audit chain, since an export releases
data), and `since="last"` continues from the end of the previous run of that kind to that target. Identity
numbers leave masked: the full numbers stay encrypted here and are released only through an audited,
purpose-bound lookup. Cells that a spreadsheet would take for a formula are escaped as intake's writers do.

Decisions whose publicity ended with the credit repair of their ledger record (Status.ENDED) are not
exported, in full or incremental runs: repair ends the sharing of their content, so it is no longer
released, not even to say that it ended. The repair result itself (which record was repaired, when, on
what grounds) is shared with other platforms through the remedies API, not through these files.
A withdrawal, by contrast, is exported: the receiving platform must hear about it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import field_error
from govtrust.intake import writers

from .importer import COLUMNS
from .models import CounterpartyCategory, Decision, ExportRun, Kind, LicenceCategory, PenaltyKind, Status

FORMATS = ("csv", "xlsx", "json")
# Columns whose export value is not the model field of the same name.
_SPECIAL = {"id_number": "id_masked", "legal_rep_id": "legal_rep_id_masked", "source_name": "source__name",
            "source_uscc": "source__uscc", "authority_uscc": "authority__uscc"}
_SKIPPED = {"penalty_kinds_2", "division_code", "source_timestamp"}  # the 2016-17 columns are import-only


def columns(kind: str) -> list[Any]:
    return [c for c in COLUMNS[kind] if c.field not in _SKIPPED]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _moment(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time()))


def changed(qs: Any, since: dt.date | dt.datetime | None, until: dt.datetime | None = None) -> Any:
    """Decisions published, changed or withdrawn in [since, until)."""
    if since:
        moment = _moment(since)
        qs = qs.filter(Q(published_at__gte=moment) | Q(updated_at__gte=moment) | Q(withdrawn_at__gte=moment))
    if until:
        qs = qs.filter(published_at__lt=until).exclude(updated_at__gte=until)
    return qs


def rows(principal: Any, kind: str, since: dt.date | dt.datetime | None,
         until: dt.datetime | None = None) -> Iterator[list[str]]:
    released = Decision.objects.filter(kind=kind).exclude(status=Status.ENDED)  # see the module docstring
    qs = changed(access.restrict(principal, released, Perm.PUBLICITY_VIEW), since, until)
    cols = columns(kind)
    names = [_SPECIAL.get(c.field, c.field) for c in cols]
    kinds = dict(PenaltyKind.objects.values_list("code", "name"))
    labels = {"counterparty_category": dict(CounterpartyCategory.choices),
              "licence_category": dict(LicenceCategory.choices)}
    for values in qs.order_by("id").values_list(*names).iterator(chunk_size=2000):
        out = []
        for name, value in zip(names, values, strict=True):
            if name == "penalty_kinds":
                value = "、".join(kinds.get(k, k) for k in value)
            elif name in labels:
                value = labels[name].get(value, value)
            out.append(_text(value))
        yield out


def export(principal: Any, kind: str, fmt: str, since: dt.date | dt.datetime | None = None,
           until: dt.datetime | None = None) -> bytes:
    return _render(kind, fmt, list(rows(principal, kind, since, until)))


def _render(kind: str, fmt: str, data: list[list[str]]) -> bytes:
    if fmt not in FORMATS:
        raise field_error("format", f"不支持的格式“{fmt}”，可选：csv、xlsx、json", f"unsupported format {fmt!r}")
    headers = [c.header for c in columns(kind)]
    if fmt == "csv":
        return writers.csv_bytes(headers, data)
    if fmt == "json":
        return json.dumps([dict(zip(headers, r, strict=True)) for r in data], ensure_ascii=False, indent=1).encode()
    text = {i for i, c in enumerate(columns(kind)) if c.identifier}
    return writers.xlsx_bytes([writers.Sheet("数据", headers, [[writers.escape_cell(c) for c in r] for r in data],
                                             text_columns=text)])


def last_run(kind: str, target: str = "") -> ExportRun | None:
    return ExportRun.objects.filter(kind=kind, target=target).order_by("-until", "-id").first()


@transaction.atomic
def run(principal: Any, kind: str, fmt: str, since: dt.date | dt.datetime | str | None = None, *, target: str = "",
        now: dt.datetime | None = None) -> tuple[bytes, ExportRun]:
    """Export and record the run: `since` a date or moment, "last" (where the previous run of this kind to this
    target ended; everything when there was none) or None (everything). The run covers [since, now)."""
    if fmt not in FORMATS:
        raise field_error("format", f"不支持的格式“{fmt}”，可选：csv、xlsx、json", f"unsupported format {fmt!r}")
    if kind not in Kind.values:
        raise field_error("kind", f"不支持的类型“{kind}”", f"unknown kind {kind!r}")
    until = now or timezone.now()
    previous = last_run(kind, target)
    if since == "last":
        since = previous.until if previous else None
    start = _moment(since) if since else None
    data = list(rows(principal, kind, start, until))
    content = _render(kind, fmt, data)
    export_run = ExportRun.objects.create(kind=kind, format=fmt, since=start, until=until, count=len(data),
                                          actor=current().actor_label, target=target, previous=previous)
    audit.record("export", export_run, after={
        "kind": kind, "format": fmt, "since": start.isoformat() if start else None, "until": until.isoformat(),
        "count": len(data), "target": target}, reason=f"双公示数据导出{('：' + target) if target else ''}")
    return content, export_run
