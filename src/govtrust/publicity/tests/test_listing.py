"""The public listing's keyset pages, capped count and search, on rows written straight to the table.

Intake is tested elsewhere; here the rows are made with `bulk_create` so that a test can hold a few dozen
decisions with chosen dates, ties and periods. Page size and count cap are patched small. No timing here:
bench/publicity_listing.py measures the pages at a million rows (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.core.identifiers import normalize_name
from govtrust.publicity import views
from govtrust.publicity.models import Decision, Status
from govtrust.publicity.queries import decode_cursor, encode_cursor, uscc_prefix
from govtrust.testing import factories

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


def make(world, name: str, days_ago: int, **fields) -> Decision:
    n = next(_seq)
    today = timezone.localdate()
    values = {"kind": "penalty", "counterparty_name": name, "counterparty_normalized": normalize_name(name),
              "counterparty_category": "organization", "counterparty_key": f"name:{name}:{n}",
              "document_number": f"测试罚〔2026〕{n}号", "decision_date": today - dt.timedelta(days=days_ago),
              "disclosure_end": today + dt.timedelta(days=300), "authority": world.finance_a,
              "authority_name": world.finance_a.name, "source": world.finance_a, "published_at": timezone.now(),
              "updated_at": timezone.now(), "content_hash": f"{n:032x}"}
    values.update(fields)
    return Decision(**values)


def create(rows: list[Decision]) -> list[Decision]:
    return Decision.objects.bulk_create(rows)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    monkeypatch.setattr(views, "COUNT_CAP", 100)
    monkeypatch.setattr(views, "MAX_NUMBERED_PAGE", 4)


def _link(body: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', body)
    return html.unescape(found.group(1)) if found else None


def _walk(client: Client, url: str, rel: str = "next") -> list[list[int]]:
    """Follow the page's own next (or previous) links to the end: the ids of each page."""
    pages = []
    while url:
        res = client.get(url if url.startswith("/") else "/publicity/" + url)
        assert res.status_code == 200
        pages.append([d.pk for d in res.context["page"].items])
        url = _link(res.content.decode(), rel)
        assert len(pages) < 50
    return pages


def _listed(res) -> set[str]:
    return {d.counterparty_name for d in res.context["page"].items}


def test_next_pages_are_disjoint_ordered_and_end(world, small_pages):
    # 11 decisions on 6 days, several on the same day: the id breaks the tie
    rows = create([make(world, f"公司{i}", days_ago=i // 2) for i in range(11)])
    expected = [d.pk for d in sorted(rows, key=lambda d: (d.decision_date, d.pk), reverse=True)]
    client = Client()
    pages = _walk(client, "/publicity/")
    assert [len(p) for p in pages] == [3, 3, 3, 2]
    assert [pk for p in pages for pk in p] == expected  # disjoint, complete, in order
    last = client.get("/publicity/" + _link(client.get("/publicity/").content.decode(), "next"))
    assert last.context["page"].number == 2 and "第 2 页" in last.content.decode()
    # and back again from the last page by the previous links
    res = client.get("/publicity/")
    for _ in range(3):
        res = client.get("/publicity/" + _link(res.content.decode(), "next"))
    assert _link(res.content.decode(), "next") is None and res.context["page"].number == 4
    back = _walk(client, "/publicity/" + _link(res.content.decode(), "prev"), rel="prev")
    assert back == pages[:3][::-1]


def test_filters_carry_across_pages(world, small_pages):
    create([make(world, f"五华某商贸公司{i}", days_ago=i) for i in range(7)]
           + [make(world, f"五华某商贸公司许可{i}", days_ago=i, kind="licence") for i in range(3)]
           + [make(world, f"盘龙某餐饮店{i}", days_ago=i) for i in range(5)])
    client = Client()
    pages = _walk(client, "/publicity/?q=某商贸&kind=penalty")
    ids = [pk for p in pages for pk in p]
    assert len(ids) == len(set(ids)) == 7
    names = set(Decision.objects.filter(pk__in=ids).values_list("counterparty_name", flat=True))
    assert names == {f"五华某商贸公司{i}" for i in range(7)}
    # two characters: on PostgreSQL a scan ordered by an expression (queries.needs_scan), the same pages
    assert [pk for p in _walk(client, "/publicity/?q=商贸&kind=penalty") for pk in p] == ids


def test_count_is_exact_under_the_cap_and_says_more_than_above(world, small_pages, monkeypatch):
    create([make(world, f"公司{i}", days_ago=i) for i in range(8)])
    body = Client().get("/publicity/").content.decode()
    assert "共 8 条" in body and "超过" not in body
    monkeypatch.setattr(views, "COUNT_CAP", 5)
    res = Client().get("/publicity/")
    page = res.context["page"]
    assert page.more_than and page.count == 5
    assert "超过 5 条" in res.content.decode() and "共 8 条" not in res.content.decode()


def test_numbered_pages_stay_cheap_and_bad_cursors_start_over(world, small_pages):
    create([make(world, f"公司{i}", days_ago=i) for i in range(20)])
    client = Client()
    first = [d.pk for d in client.get("/publicity/").context["page"].items]
    second = client.get("/publicity/?page=2").context["page"]
    assert second.number == 2 and second.previous_before and second.next_after
    assert not set(first) & {d.pk for d in second.items}
    deep = client.get("/publicity/?page=99").context["page"]  # beyond MAX_NUMBERED_PAGE: the last numbered one
    assert deep.number == 4
    for junk in ("after=%%%", "after=bm90LWEtY3Vyc29y", "before=", "page=abc", "page=-3"):
        res = client.get(f"/publicity/?{junk}")
        assert res.status_code == 200 and [d.pk for d in res.context["page"].items] == first
    past = make(world, "x", 0)
    res = client.get(f"/publicity/?after={encode_cursor(past.decision_date - dt.timedelta(days=400), 1)}")
    assert res.status_code == 200 and not res.context["page"].items
    assert "没有找到符合条件的公示信息" in res.content.decode()


def test_search_by_name_uscc_authority_and_document(world):
    uscc = factories.uscc("91", "530102")
    other = factories.uscc("91", "530103")
    rows = create([
        make(world, "五华恒信商贸有限公司", 1, uscc=uscc, counterparty_key=uscc, document_number="五华市监罚〔2026〕88号"),
        make(world, "盘龙宏达建设有限公司", 2, uscc=other, counterparty_key=other, authority=world.finance_b,
             authority_name=world.finance_b.name, source=world.finance_b),
        make(world, "Kunming ABC Trading", 3),
    ])
    c = Client()
    assert _listed(c.get("/publicity/?q=恒信")) == {"五华恒信商贸有限公司"}
    assert _listed(c.get("/publicity/?q=恒信商贸有限")) == {"五华恒信商贸有限公司"}
    assert _listed(c.get("/publicity/?q=abc trading")) == {"Kunming ABC Trading"}  # case-insensitive, as before
    assert _listed(c.get(f"/publicity/?q={uscc}")) == {"五华恒信商贸有限公司"}
    assert _listed(c.get(f"/publicity/?q={uscc.lower()}")) == {"五华恒信商贸有限公司"}
    assert _listed(c.get(f"/publicity/?q={uscc[:10]}")) == {"五华恒信商贸有限公司"}
    assert _listed(c.get("/publicity/?q=915301")) == {"五华恒信商贸有限公司", "盘龙宏达建设有限公司"}
    assert _listed(c.get(f"/publicity/?q={uscc}X")) == set()
    assert _listed(c.get("/publicity/?q=五华市监罚〔2026〕88号")) == {"五华恒信商贸有限公司"}
    assert _listed(c.get("/publicity/?q=五华市监罚")) == set()  # document numbers match whole, not in part
    assert _listed(c.get("/publicity/?authority=盘龙区财政")) == {"盘龙宏达建设有限公司"}
    assert _listed(c.get("/publicity/?q=恒信&authority=盘龙区财政")) == set()
    day = rows[1].decision_date.isoformat()
    assert _listed(c.get(f"/publicity/?from={day}&to={day}")) == {"盘龙宏达建设有限公司"}
    assert _listed(c.get("/publicity/?q=不存在的名称")) == set()


def test_uscc_prefix_is_an_exact_prefix_match(world):
    codes = [factories.uscc("91", "530102") for _ in range(3)] + [factories.uscc("92", "530102")]
    create([make(world, f"公司{i}", i, uscc=code, counterparty_key=code) for i, code in enumerate(codes)])

    def matching(prefix: str) -> set[str]:
        return set(Decision.objects.filter(uscc_prefix(prefix)).values_list("uscc", flat=True))

    for code in codes:
        for length in (6, 8, 12, 17, 18):
            assert matching(code[:length]) == {c for c in codes if c.startswith(code[:length])}
    assert matching(codes[0] + "1") == set()


def test_expired_items_are_never_listed_withdrawn_ones_show_their_note(world, small_pages):
    number = factories.resident_id("530102")
    masked = number[:6] + "********" + number[-4:]
    rows = create([
        make(world, "在期公司", 1),
        make(world, "无截止期公司", 2, disclosure_end=None),
        make(world, "今日截止公司", 3, disclosure_end=timezone.localdate()),
        make(world, "期满未改状态公司", 4, disclosure_end=timezone.localdate() - dt.timedelta(days=1)),
        make(world, "已期满公司", 5, status=Status.EXPIRED, disclosure_end=timezone.localdate() - dt.timedelta(days=9)),
        make(world, "撤下公司", 6, status=Status.WITHDRAWN, withdrawn_note="原决定已依法撤销"),
        make(world, "张某", 7, counterparty_category="natural_person", id_masked=masked, id_type="身份证"),
    ])
    c = Client()
    names = {n for p in _walk(c, "/publicity/") for n in
             Decision.objects.filter(pk__in=p).values_list("counterparty_name", flat=True)}
    assert names == {"在期公司", "无截止期公司", "今日截止公司", "撤下公司", "张某"}
    body = c.get("/publicity/?q=撤下").content.decode()
    assert "原决定已依法撤销" in body
    body = c.get("/publicity/?q=张某").content.decode()
    assert masked in body and number not in body
    assert "共 5 条" in c.get("/publicity/").content.decode()
    for d in rows[3:5]:
        assert c.get(f"/publicity/{d.pk}/").status_code == 404
    assert c.get(f"/publicity/{rows[0].pk}/").status_code == 200


def test_cursor_round_trip():
    day = dt.date(2026, 3, 9)
    assert decode_cursor(encode_cursor(day, 12345)) == (day, 12345)
    assert decode_cursor(None) is None and decode_cursor("") is None and decode_cursor("!!") is None
