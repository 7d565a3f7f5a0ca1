from govtrust.core import audit
from govtrust.subjects.models import Organization


def test_world_builds_through_services_and_audits(world):
    assert Organization.objects.count() == 7
    assert world.finance_a.path.startswith(world.gov_a.path)
    assert world.person_a.resident_id_masked.startswith("530102") and "*" in world.person_a.resident_id_masked
    count, problem = audit.verify()
    assert problem is None and count >= 14
