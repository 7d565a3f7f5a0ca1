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

__all__ = ["SYSTEM", "World", "category", "civil_servant", "client", "complete_resident_id", "complete_uscc",
           "organization", "record_row", "records_csv", "region", "resident_id", "uscc", "user"]
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


def category(code: str | None = None, polarity: str = "negative", fields: list[dict[str, Any]] | None = None,
             subject_kinds: list[str] | None = None, **kw: Any) -> Any:
    """A catalog category made through the catalog service (tests stay independent of the shipped catalog)."""
    from govtrust.ledger import catalog

    code = code or f"test_cat_{next(_seq)}"
    kw.setdefault("name", f"测试类别{code}")
    kw.setdefault("name_en", f"Test category {code}")
    kw.setdefault("legal_basis", "测试依据")
    kw.setdefault("disclosure_scope", "public")
    kw.setdefault("default_severity", "general" if polarity == "negative" else "")
    kinds = subject_kinds or [*Organization.Kind.values, "civil_servant"]
    return catalog.create_category(SYSTEM, code=code, polarity=polarity, fields=fields or [], subject_kinds=kinds,
                                   reason="测试", **kw)


RECORD_HEADERS = ["信用信息类别", "主体名称", "统一社会信用代码", "公民身份号码", "决定文书号", "决定机关", "决定日期", "失信程度",
                  "事实", "依据", "报送单位统一社会信用代码"]


def record_row(category_name: str, subject: Organization | None = None, document: str | None = None,
               decided: str = "2026-05-20", source: Organization | None = None, **cells: str) -> dict[str, str]:
    """One row of a records file, by header; `cells` overrides or adds columns (use the Chinese headers)."""
    row = {"信用信息类别": category_name, "主体名称": subject.name if subject else "",
           "统一社会信用代码": (subject.uscc or "") if subject else "", "公民身份号码": "",
           "决定文书号": document or f"测试罚〔2026〕{next(_seq)}号", "决定机关": "昆明市五华区市场监督管理局",
           "决定日期": decided, "失信程度": "", "事实": "未按期履行", "依据": "测试依据",
           "报送单位统一社会信用代码": (source.uscc or "") if source else ""}
    row.update(cells)
    return row


def records_csv(rows: list[dict[str, str]], encoding: str = "utf-8-sig") -> bytes:
    """A records file: the union of the rows' headers (standard ones first), one line per row."""
    import csv
    import io

    headers = list(dict.fromkeys([*RECORD_HEADERS, *(h for row in rows for h in row)]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([[row.get(h, "") for h in headers] for row in rows])
    return out.getvalue().encode(encoding)


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
