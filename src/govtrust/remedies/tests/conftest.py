"""Remedies test helpers: records from the real intake pipeline (the sanctions fixtures), evidence files,
and the people who act: the credit office of county A, the finance bureau (a subject and a source)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govtrust.console.tests.browser import page  # noqa: F401  (the e2e tests' browser fixture)
from govtrust.remedies.filing import Filing
from govtrust.sanctions.tests.conftest import make_record, person  # noqa: F401  (shared fixtures)
from govtrust.testing import factories

PDF = b"%PDF-1.4\n% evidence\n"


@pytest.fixture(autouse=True)
def media(media_root):
    return media_root


def pdf(name="证明.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def filing(**kw):
    """A complete filing; override any field."""
    kw.setdefault("grounds", "该处罚决定已被复议机关撤销（五华复决〔2026〕3号），记录与事实不符。")
    kw.setdefault("files", [pdf()])
    return Filing(**kw)


def repair_filing(**kw):
    kw.setdefault("grounds", "已于2026年8月足额缴纳罚款并完成整改，整改报告附后。")
    kw.setdefault("pledge", "本单位承诺：已纠正失信行为并履行相关义务，今后依法诚信履职，如有违反愿承担相应责任。")
    kw.setdefault("pledge_signer", "昆明市五华区财政局")
    return filing(**kw)


@pytest.fixture
def finance_a_user(world):
    """A department user of county A's finance bureau: the subject of the records, and a source organization."""
    return factories.user("department", world.finance_a)
