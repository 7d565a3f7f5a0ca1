"""Test factories that build data through the service functions, as real users would.

`uscc(category, division)` and `resident_id(division, birth)` make fresh valid synthetic identifiers
with the demo loader's generators.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from govtrust.core.access import SYSTEM
from govtrust.core.identifiers import resident_id_check_char, uscc_check_char
from govtrust.subjects import services
from govtrust.subjects.demo import make_resident_id, make_uscc
from govtrust.subjects.models import CivilServant, Organization, Region

__all__ = ["SYSTEM", "World", "civil_servant", "client", "complete_resident_id", "complete_uscc", "organization",
           "region", "resident_id", "uscc", "user"]
_seq = itertools.count(1)


def uscc(category: str = "11", division: str = "530100", serial: int | None = None) -> str:
    """A valid USCC: category, division, a 9-character organization code from `serial`, check character."""
    return make_uscc(category, division, next(_seq) if serial is None else serial)


def resident_id(division: str = "530102", birth: dt.date = dt.date(1985, 6, 1), serial: int | None = None) -> str:
    return make_resident_id(division, birth, next(_seq) if serial is None else serial)


def complete_uscc(first17: str) -> str:
    """A USCC from its first 17 characters, with the right check character (for hand-picked codes)."""
    return first17 + uscc_check_char(first17)


def complete_resident_id(first17: str) -> str:
    """A resident ID from its first 17 digits, with the right MOD 11-2 check character."""
    return first17 + resident_id_check_char(first17)


def region(code: str, name: str | None = None) -> Region:
    found = Region.objects.filter(code=code).first()
    return found or services.create_region(SYSTEM, code=code, name=name or f"区划{code}")


def organization(name: str, region_: Region, kind: str = Organization.Kind.DEPARTMENT,
                 parent: Organization | None = None, **kw: Any) -> Organization:
    category = "12" if kind == Organization.Kind.PUBLIC_INSTITUTION else "11"
    kw.setdefault("uscc", uscc(category, region_.code[:6]))
    return services.create_organization(SYSTEM, name=name, kind=kind, region=region_, parent=parent, **kw)


def civil_servant(org: Organization, name: str = "张三", **kw: Any) -> CivilServant:
    kw.setdefault("resident_id", resident_id(org.region.code[:6]))
    return services.create_civil_servant(SYSTEM, name=name, organization=org, **kw)


def user(role: str, org: Organization | None, username: str | None = None, password: str = "pass-for-tests-1"):
    User = get_user_model()
    return User.objects.create_user(username=username or f"{role}-{next(_seq)}", password=password, role=role,
                                    organization=org)


def client(role: str, org: Organization | None) -> Client:
    """A test client logged in (session) as a new user of `role` at `org`."""
    c = Client()
    c.force_login(user(role, org))
    return c


class World:
    """A small two-county world: 云南省 › 昆明市 › 五华区 / 盘龙区, with a government and departments in each."""

    def __init__(self) -> None:
        self.province = region("530000", "云南省")
        self.city = region("530100", "昆明市")
        self.county_a = region("530102", "五华区")
        self.county_b = region("530103", "盘龙区")
        self.township_a = region("530102001", "华山街道")
        self.city_gov = organization("昆明市人民政府", self.city, Organization.Kind.GOVERNMENT)
        self.city_credit = organization("昆明市发展和改革委员会", self.city, parent=self.city_gov)
        self.gov_a = organization("昆明市五华区人民政府", self.county_a, Organization.Kind.GOVERNMENT)
        self.finance_a = organization("昆明市五华区财政局", self.county_a, parent=self.gov_a)
        self.credit_a = organization("昆明市五华区发展和改革局", self.county_a, parent=self.gov_a)
        self.gov_b = organization("昆明市盘龙区人民政府", self.county_b, Organization.Kind.GOVERNMENT)
        self.finance_b = organization("昆明市盘龙区财政局", self.county_b, parent=self.gov_b)
        self.person_a = civil_servant(self.finance_a, "李四")
        self.person_b = civil_servant(self.finance_b, "王五")
