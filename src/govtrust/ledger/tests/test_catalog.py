"""The catalog is data with its legal basis; every edit is a new version, audited."""

import pytest

from govtrust.core.access import Role
from govtrust.core.errors import PermissionDenied, ServiceError
from govtrust.core.models import AuditEvent
from govtrust.ledger import catalog
from govtrust.ledger.models import Category, Polarity
from govtrust.testing import factories


@pytest.mark.django_db
def test_the_default_catalog_is_loaded_with_its_basis_and_first_version():
    categories = list(Category.objects.all())
    assert len(categories) == len(catalog.default_data("catalog")["categories"]) > 0
    for c in categories:
        assert c.legal_basis.strip() and c.version == 1 and c.versions.get().number == 1
        assert catalog.check_category(catalog.content_of(c)) == [], c.code
        assert (c.polarity == Polarity.NEGATIVE) == bool(c.default_severity)


def test_an_edit_is_a_new_version_and_audited(world):
    office = factories.user(Role.CREDIT_OFFICE, world.credit_a)
    category = factories.category("test_edit")
    catalog.update_category(office, category, reason="依据更新", legal_basis="新依据", default_severity="serious")
    category.refresh_from_db()
    assert (category.version, category.legal_basis) == (2, "新依据")
    versions = list(category.versions.order_by("number").values_list("number", "content"))
    assert versions[0][1]["legal_basis"] == "测试依据" and versions[1][1]["default_severity"] == "serious"
    event = AuditEvent.objects.get(object_type="ledger.category", action="update")
    assert event.before == {"legal_basis": "测试依据", "default_severity": "general"} and event.reason == "依据更新"
    catalog.update_category(office, category, reason="无变化", legal_basis="新依据")
    assert Category.objects.get(pk=category.pk).version == 2  # nothing changed, no version


def test_bad_edits_name_the_attribute(world):
    category = factories.category("test_bad")
    with pytest.raises(ServiceError) as err:
        catalog.update_category(factories.SYSTEM, category, reason="改", polarity="positive", subject_kinds=["nobody"],
                                fields=[{"name": "Bad Name", "type": "text", "label": "x"},
                                        {"name": "ok", "type": "choice", "label": "选项"}])
    fields = {e.field for e in err.value.errors}
    assert fields == {"default_severity", "subject_kinds", "fields.0.name", "fields.1.choices"}
    with pytest.raises(ServiceError) as err:
        catalog.update_category(factories.SYSTEM, category, reason="", name="新名")
    assert err.value.errors[0].field == "reason"
    with pytest.raises(PermissionDenied):
        catalog.update_category(factories.user(Role.DEPARTMENT, world.finance_a), category, reason="x", name="新名")
    assert Category.objects.get(pk=category.pk).version == 1


def test_records_keep_the_category_version_they_were_taken_in_under(world, make_records, penalty):
    (before,) = make_records()
    catalog.update_category(factories.SYSTEM, penalty, reason="改名", name="测试行政处罚（新）")
    (after,) = make_records(1, 信用信息类别="测试行政处罚（新）")
    assert (before.category_version, after.category_version) == (1, 2)
