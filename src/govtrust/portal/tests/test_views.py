"""The public portal: no login, organizations' public fields only, never civil servants."""

from django.test import Client

from govtrust.core import crypto
from govtrust.portal import queries
from govtrust.subjects import services
from govtrust.testing.factories import SYSTEM


def test_home_shows_the_headline_figures(world):
    res = Client().get("/")
    assert res.status_code == 200
    assert res.context["figures"] == {"regions": 5, "organizations": 7}
    html = res.content.decode()
    assert "政务诚信" in html and 'action="/search/"' in html


def test_search_by_name_former_name_and_uscc(world):
    client = Client()
    assert [o.name for o in client.get("/search/?q=五华区财政").context["page"]] == ["昆明市五华区财政局"]
    by_code = client.get(f"/search/?q={world.finance_b.uscc}")
    assert [o.name for o in by_code.context["page"]] == ["昆明市盘龙区财政局"]
    services.update_organization(SYSTEM, world.finance_a, name="昆明市五华区财政局（新）", reason="更名")
    assert [o.name for o in client.get("/search/?q=昆明市五华区财政局").context["page"]] == ["昆明市五华区财政局（新）"]
    assert client.get("/search/").context["page"].paginator.count == 0  # no query, no list of everything


def test_historic_organizations_stay_public(world):
    services.update_organization(SYSTEM, world.finance_b, status="merged", status_date="2026-01-01",
                                 successor=world.gov_b, reason="合并")
    res = Client().get(f"/organizations/{world.finance_b.pk}/")
    assert res.status_code == 200
    assert "已合并" in res.content.decode() and "昆明市盘龙区人民政府" in res.content.decode()
    assert world.finance_b in queries.search_public_organizations("盘龙区财政")


def test_detail_shows_public_fields_and_never_people(world):
    res = Client().get(f"/organizations/{world.finance_a.pk}/")
    html = res.content.decode()
    assert world.finance_a.uscc in html and "政府部门" in html and "五华区" in html
    full_id = crypto.decrypt(world.person_a.resident_id_encrypted)
    for secret in ("李四", world.person_a.resident_id_masked, full_id, "公务员"):
        assert secret not in html
    assert Client().get("/organizations/999999/").status_code == 404


def test_integrity_page_and_english(world):
    client = Client()
    assert "坚持依法行政" in client.get("/integrity/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Search" in html and 'lang="en"' in html
