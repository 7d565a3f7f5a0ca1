"""The portal's 双公示 pages: search current decisions, read one. No login; public fields only.

Reads go through `services.public_decisions` (current items: within their disclosure period; withdrawn ones
with their public note) and never touch encrypted identifiers: a natural person shows only the masked number.
The list is ordered by decision date and id (indexed) and paged by keyset (`after`/`before` cursors), never
by a full COUNT: the count stops at COUNT_CAP and then reads "超过 10,000 条" (docs/benchmarks.md has the figures).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Decision, Kind, PenaltyKind
from .queries import (
    Search,
    decode_cursor,
    encode_cursor,
    listing_order,
    needs_scan,
    newer_than,
    older_than,
    parse_day,
    search,
)
from .services import public_decisions

PAGE_SIZE = 20
COUNT_CAP = 10_000  # counted exactly up to here; beyond, the page says "超过 10,000 条"
MAX_NUMBERED_PAGE = COUNT_CAP // PAGE_SIZE  # ?page=N (an OFFSET) is served only this deep
COLUMNS = ("id", "kind", "counterparty_name", "counterparty_category", "uscc", "id_masked", "document_number",
           "decision_date", "authority_name", "status", "withdrawn_note", "penalty_content", "licence_content",
           "source__name", "authority__name")


@dataclass
class Listing:
    """One page of the public list: its items, links to the pages around it, and a count that may be capped."""

    items: list[Decision]
    count: int  # exact when not `more_than`
    more_than: bool  # True: at least `count` items (the count stopped at COUNT_CAP)
    number: int | None  # the page's number, when it is known (carried along the next/previous links)
    next_after: str | None
    previous_before: str | None

    def __iter__(self) -> Any:
        return iter(self.items)


def _search(request: HttpRequest) -> Search:
    g = request.GET
    kind = g.get("kind", "")
    return Search(q=g.get("q", "").strip(), kind=kind if kind in Kind.values else "",
                  authority=g.get("authority", "").strip(), date_from=parse_day(g.get("from")),
                  date_to=parse_day(g.get("to")))


def _int(text: str | None) -> int | None:
    try:
        value = int(text or "")
    except ValueError:
        return None
    return value if value > 0 else None


def paginate(qs: QuerySet[Decision], params: Any, scan: bool = False) -> Listing:
    """Keyset pages over (decision date, id) descending, with `after`/`before` cursors and a capped count.

    The page query stops after PAGE_SIZE + 1 rows in listing order (one more, to know whether a next page
    exists) wherever it starts; the count is `COUNT(*)` over at most COUNT_CAP + 1 rows, and is skipped when
    the page is the only one. `?page=N` (old links, the first pages) still works by
    OFFSET up to MAX_NUMBERED_PAGE; deeper pages are reached by the next links.
    """
    after, before = decode_cursor(params.get("after")), decode_cursor(params.get("before"))
    number = _int(params.get("n"))
    ordered = listing_order(qs, scan)
    if after:
        rows = list(ordered.filter(older_than(*after))[: PAGE_SIZE + 1])
        has_next, has_previous = len(rows) > PAGE_SIZE, True
        rows = rows[:PAGE_SIZE]
    elif before:
        rows = list(ordered.reverse().filter(newer_than(*before))[: PAGE_SIZE + 1])
        has_previous, has_next = len(rows) > PAGE_SIZE, True
        rows = rows[:PAGE_SIZE][::-1]
        if not has_previous:
            number = 1
    else:
        number = min(_int(params.get("page")) or 1, MAX_NUMBERED_PAGE)
        offset = (number - 1) * PAGE_SIZE
        rows = list(ordered[offset: offset + PAGE_SIZE + 1])
        has_next, has_previous = len(rows) > PAGE_SIZE, number > 1
        rows = rows[:PAGE_SIZE]
    if not rows and (after or before or (number and number > 1)):
        has_previous = has_next = False  # a stale cursor or a page past the end: offer the first page
    if not has_next and not has_previous:  # the only page: nothing to count beyond it
        count = len(rows)
    else:
        count = qs.order_by().values("pk")[: COUNT_CAP + 1].count()
    return Listing(items=rows, count=min(count, COUNT_CAP), more_than=count > COUNT_CAP, number=number,
                   next_after=encode_cursor(rows[-1].decision_date, rows[-1].pk) if has_next else None,
                   previous_before=encode_cursor(rows[0].decision_date, rows[0].pk) if has_previous else None)


def decision_list(request: HttpRequest) -> HttpResponse:
    s = _search(request)
    qs = search(public_decisions(), s).only(*COLUMNS)
    listing = paginate(qs, request.GET, scan=needs_scan(qs, s))
    return render(request, "publicity/list.html", {"s": s, "page": listing, "kinds": Kind.choices})


def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = public_decisions().filter(pk=pk).first()
    if decision is None:
        raise Http404
    kinds = dict(PenaltyKind.objects.values_list("code", "name"))
    return render(request, "publicity/detail.html", {
        "d": decision, "penalty_kinds": "、".join(kinds.get(k, k) for k in decision.penalty_kinds)})
