"""Sanctions test helpers: records imported through the real intake pipeline against the shipped catalog,
people with known resident IDs, listings and API keys with scenes."""

import datetime as dt
import random

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.accounts import services as account_services
from govtrust.intake.services import run_import
from govtrust.ledger.demo import sample_value
from govtrust.ledger.models import Category, Record
from govtrust.ledger.services import change_status
from govtrust.sanctions import services
from govtrust.testing import factories

SEVERITY = {"minor": "轻微", "general": "一般", "serious": "严重"}


@pytest.fixture
def make_record(world):
    """`make_record(subject, "administrative_penalty", severity="serious", status="repair")` → the Record."""

    def make(subject=None, category="administrative_penalty", severity=None, decided=None, status=None,
             person_id=None, days_ago=30):
        """`decided` (ISO date) or `days_ago`: recent by default, so the record is within every period."""
        subject = subject or world.finance_a
        decided = decided or (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()
        cat = Category.objects.get(code=category)
        day = dt.date.fromisoformat(decided)
        cells = {spec["label"]: sample_value(spec, random.Random(1), day) for spec in cat.fields}
        cells |= {"失信程度": SEVERITY[severity]} if severity else {}
        if person_id:
            cells |= {"主体名称": subject.name, "统一社会信用代码": "", "公民身份号码": person_id}
            row = factories.record_row(cat.name, None, decided=decided, source=world.credit_a, **cells)
        else:
            row = factories.record_row(cat.name, subject, decided=decided, source=world.credit_a, **cells)
        result = run_import(factories.SYSTEM, dataset="records", filename="r.csv",
                            content=factories.records_csv([row]), reason="测试")
        assert result.created == 1, result
        record = Record.objects.get(batch_id=result.batch_id)
        if status:
            change_status(factories.SYSTEM, record, status, reason="测试")
            record.refresh_from_db()
        return record

    return make


@pytest.fixture
def person(world):
    """A civil servant of county A's finance bureau with a known resident ID: (person, resident_id)."""
    rid = factories.resident_id("530102", dt.date(1980, 3, 3))
    return factories.civil_servant(world.finance_a, "赵六", resident_id=rid), rid


@pytest.fixture
def listing(world):
    def make(party_list="tendering_blacklist", name="昆明某某建设工程有限公司", uscc=None, **kw):
        kw.setdefault("authority", "昆明市住房和城乡建设局")
        kw.setdefault("document_number", f"昆建失信〔2026〕{factories.uscc()[-4:]}号")
        kw.setdefault("listed_on", dt.date(2026, 3, 1))
        return services.add_listing(factories.SYSTEM, party_list=party_list, name=name,
                                    uscc=uscc or factories.uscc("91", "530100"), source=world.credit_a, **kw)
    return make


def ask(scene, **party):
    """A check asked from the command line's principal (every scene)."""
    return services.check(factories.SYSTEM, party=party, scene=scene)


def codes(check):
    return {m["code"] for m in check.answer["measures"]}


@pytest.fixture
def key_client(world):
    """`key_client(scenes)` → a test client authenticated with a new API key granted those scenes."""

    def make(scenes=("tendering", "procurement"), org=None):
        _key, raw = account_services.create_api_key(factories.SYSTEM, organization=org or world.city_credit,
                                                    name="公共资源交易平台", scenes=list(scenes))
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture
def shipped_lists(transactional_db):
    """The shipped catalog and measures list come from data migrations: gone after a transactional test's flush."""
    from govtrust.ledger import catalog as ledger_catalog
    from govtrust.ledger.models import Category, CategoryVersion, Regime, RegimeRule
    from govtrust.sanctions import catalog
    from govtrust.sanctions.models import Measure, MeasureVersion, PartyList, Scene

    ledger_catalog.load_defaults(Category, CategoryVersion, Regime, RegimeRule)
    catalog.load_defaults(Scene, PartyList, Measure, MeasureVersion)
