"""Export in the national column set (CSV, XLSX, JSON) for reporting to the provincial or national platform.

The columns are the import templates' (so a provincial platform reading the national set reads ours), one
file per kind. Incremental: `since` selects what was published or changed from that date on. Identity
numbers leave masked: the full numbers stay encrypted here and are released only through an audited,
purpose-bound lookup. Cells that a spreadsheet would take for a formula are escaped as intake's writers do.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import field_error
from govtrust.intake import writers

from .importer import COLUMNS
from .models import CounterpartyCategory, Decision, LicenceCategory, PenaltyKind

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


def rows(principal: Any, kind: str, since: dt.date | None) -> Iterator[list[str]]:
    qs = access.restrict(principal, Decision.objects.filter(kind=kind), Perm.PUBLICITY_VIEW)
    if since:
        moment = timezone.make_aware(dt.datetime.combine(since, dt.time()))
        qs = qs.filter(Q(published_at__gte=moment) | Q(updated_at__gte=moment))
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


def export(principal: Any, kind: str, fmt: str, since: dt.date | None = None) -> bytes:
    if fmt not in FORMATS:
        raise field_error("format", f"不支持的格式“{fmt}”，可选：csv、xlsx、json", f"unsupported format {fmt!r}")
    headers = [c.header for c in columns(kind)]
    data = list(rows(principal, kind, since))
    if fmt == "csv":
        return writers.csv_bytes(headers, data)
    if fmt == "json":
        return json.dumps([dict(zip(headers, r, strict=True)) for r in data], ensure_ascii=False, indent=1).encode()
    text = {i for i, c in enumerate(columns(kind)) if c.identifier}
    return writers.xlsx_bytes([writers.Sheet("数据", headers, [[writers.escape_cell(c) for c in r] for r in data],
                                             text_columns=text)])
