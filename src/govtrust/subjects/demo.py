"""The demo world: a realistic, synthetic data set modelled on the seed documents, loaded idempotently.

A loader rather than a Django fixture, because everything goes through the service functions: the demo
data is validated, access-checked and audited like real data (the audit chain starts with it), and a
second run finds what exists and creates nothing. The world itself is data (fixtures/demo_world.json);
this module only interprets it.

Deterministic: USCCs are derived from (region, name) and people come from one seeded random stream, so
every run produces the same identifiers. The first N people of a larger run are the N people of a smaller
run, so `govtrust demo --civil-servants 50` followed by `govtrust demo` adds only the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from govtrust.accounts import services as account_services
from govtrust.accounts.models import ApiKey
from govtrust.core import access, crypto
from govtrust.core.access import SYSTEM, Perm, Role
from govtrust.core.context import acting
from govtrust.core.errors import field_error
from govtrust.core.identifiers import USCC_ALPHABET, normalize_name, resident_id_check_char, uscc_check_char

from . import services
from .models import CivilServant, Organization, Region
from .services import region_level_for

WORLD_FILE = Path(__file__).parent / "data" / "demo_world.json"
DEFAULT_CIVIL_SERVANTS = 2000
PASSWORD_ENV = "GOVTRUST_DEMO_PASSWORD"
DEFAULT_PASSWORD = "govtrust-demo-2026"
ACTOR_LABEL = "system:demo"
REASON = "加载演示数据 load demo data"

# Organizations that are the government of their own region; departments hang below them.
_GOVERNMENT_KINDS = {Organization.Kind.GOVERNMENT, Organization.Kind.TOWNSHIP, Organization.Kind.SUBDISTRICT}



def make_uscc(category: str, division: str, serial: int) -> str:
    """A valid synthetic USCC: category (2) + division (6) + `serial` in base 31 (9) + check character."""
    n, body = serial % 31**9, ""
    for _ in range(9):
        n, r = divmod(n, 31)
        body = USCC_ALPHABET[r] + body
    first17 = f"{category}{division}{body}"
    return first17 + uscc_check_char(first17)


def make_resident_id(division: str, birth: dt.date, sequence: int) -> str:
    """A valid synthetic resident ID (GB 11643): division, birth date, 3-digit sequence (odd = male), check."""
    first17 = f"{division}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def load_world() -> dict[str, Any]:
    return json.loads(WORLD_FILE.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------- report

@dataclass
class Tally:
    created: int = 0
    existing: int = 0

    def add(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.existing += 1


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    organization: str
    created: bool

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass(frozen=True)
class IssuedKey:
    """An API key of the demo; `raw` is the key itself only in the run that issued it (it is not stored)."""

    name: str
    organization: str
    prefix: str
    raw: str = ""


@dataclass
class DemoReport:
    password: str
    regions: Tally = field(default_factory=Tally)
    organizations: Tally = field(default_factory=Tally)
    civil_servants: Tally = field(default_factory=Tally)
    users: Tally = field(default_factory=Tally)
    api_keys: Tally = field(default_factory=Tally)
    logins: list[Login] = field(default_factory=list)
    keys: list[IssuedKey] = field(default_factory=list)

    def tallies(self) -> dict[str, Tally]:
        return {"regions": self.regions, "organizations": self.organizations,
                "civil_servants": self.civil_servants, "users": self.users, "api_keys": self.api_keys}

    @property
    def created(self) -> int:
        return sum(t.created for t in self.tallies().values())


# ------------------------------------------------------------------------------------------- people

@dataclass(frozen=True)
class _Slot:
    """One demo organization as an employer: its level's staffing rules, its weight, its head's title,
    and the county-level division codes its people's resident IDs may carry."""

    org: Organization
    divisions: tuple[str, ...]
    level: str
    weight: int
    head: str


@dataclass(frozen=True)
class _Person:
    name: str
    resident_id: str
    org: Organization
    position: str
    rank: str


def _birth(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    start = dt.date(first_year, 1, 1)
    return start + dt.timedelta(days=rng.randrange((dt.date(last_year, 12, 31) - start).days + 1))


def _name(rng: random.Random, people: dict[str, Any], male: bool) -> str:
    surnames, weights = zip(*people["surnames"], strict=True)
    chars = people["given_male"] if male else people["given_female"]
    given = rng.choice(chars)
    if rng.random() >= people["single_given_share"]:
        given = rng.choice(people["given_shared"] + chars) + given
    return rng.choices(surnames, weights=weights)[0] + given


def _people(world: dict[str, Any], slots: list[_Slot], count: int) -> Iterator[_Person]:
    """`count` synthetic civil servants spread over the slots by weight; the first in an organization
    is its head, the next ones its deputies, the rest staff. Resident IDs are unique within the run."""
    people, staffing = world["people"], world["staffing"]
    rng = random.Random(people["seed"])
    cum_weights = list(accumulate(s.weight for s in slots))
    filled: Counter[int] = Counter()
    issued: set[str] = set()
    for _ in range(count):
        index = rng.choices(range(len(slots)), cum_weights=cum_weights)[0]
        slot, rules = slots[index], staffing[slots[index].level]
        placed, filled[index] = filled[index], filled[index] + 1
        if placed == 0:
            position, rank, last_year = slot.head, rules["head_rank"], people["leaders_born_to"]
        elif placed <= rules["deputies"]:
            position, rank, last_year = "副" + slot.head, rules["deputy_rank"], people["leaders_born_to"]
        else:
            entry = rng.choices(rules["staff"], weights=[e["weight"] for e in rules["staff"]])[0]
            position, rank, last_year = entry["position"], rng.choice(entry["ranks"]), people["born_to"]
        birth = _birth(rng, people["born_from"], last_year)
        male = rng.random() < people["male_share"]
        name = _name(rng, people, male)
        resident_id = ""
        while not resident_id or resident_id in issued:
            division = rng.choice(slot.divisions)
            resident_id = make_resident_id(division, birth, rng.randrange(500) * 2 + int(male))
        issued.add(resident_id)
        yield _Person(name, resident_id, slot.org, position, rank)


# ------------------------------------------------------------------------------------------- loader

def _serial(region_code: str, name: str) -> int:
    """A stable organization-code serial for a demo organization, the same on every run and machine."""
    return int.from_bytes(hashlib.sha256(f"{region_code}|{name}".encode()).digest()[:8], "big")


def _county_divisions(node: dict[str, Any]) -> tuple[str, ...]:
    """County-level codes at or below a region: resident IDs carry these, never a province's 440000."""
    if region_level_for(node["code"]) == Region.Level.TOWNSHIP:
        return (node["code"][:6],)
    if region_level_for(node["code"]) == Region.Level.COUNTY:
        return (node["code"],)
    return tuple(code for child in node.get("children", []) for code in _county_divisions(child))


def _prefix(region: Region, parent: Region | None, upper_prefix: str) -> str:
    """How names start at this level: districts carry their city's name (昆明市五华区), counties and
    county-level cities do not (涟水县), townships carry their county's prefix (涟水县高沟镇)."""
    if region.level == Region.Level.TOWNSHIP:
        return upper_prefix + region.name
    if region.level == Region.Level.COUNTY and parent is not None and parent.level == Region.Level.CITY \
            and region.name.endswith("区"):
        return upper_prefix + region.name
    return region.name


class _Loader:
    """Walks the world, creating what is missing through the services and counting what exists."""

    def __init__(self, world: dict[str, Any], report: DemoReport) -> None:
        self.world, self.report = world, report
        self.regions = {r.code: r for r in access.restrict(SYSTEM, Region.objects.all())}
        orgs = list(access.restrict(SYSTEM, Organization.objects.all()))
        self.orgs_by_uscc = {o.uscc: o for o in orgs if o.uscc}
        self.orgs_by_name = {(o.region_id, o.name_normalized): o for o in orgs}
        self.named: dict[tuple[str, str], Organization] = {}
        self.slots: list[_Slot] = []

    def load(self, civil_servants: int, password: str) -> None:
        for node in self.world["regions"]:
            self._region_tree(node, None, "", None)
        self._civil_servants(civil_servants)
        self._users(password)
        self._api_keys()

    def _region_tree(self, node: dict[str, Any], parent: Region | None, upper_prefix: str,
                     upper_government: Organization | None) -> None:
        region = self._region(node, parent)
        prefix = _prefix(region, parent, upper_prefix)
        divisions = _county_divisions(node)
        government = None
        for template in self._templates(region):
            org_parent = {"government": government, "upper_government": upper_government}.get(template.get("parent"))
            org = self._organization(template, region, prefix, org_parent)
            head = template["head"].format(s=region.name[-1])
            self.slots.append(_Slot(org, divisions, region.level, template["staff"], head))
            if government is None and org.kind in _GOVERNMENT_KINDS:
                government = org
        for child in node.get("children", []):
            self._region_tree(child, region, prefix, government)

    def _templates(self, region: Region) -> list[dict[str, Any]]:
        templates = self.world["organizations"][region.level]
        if region.level != Region.Level.TOWNSHIP:
            return templates
        matches = [t for suffix, t in templates.items() if region.name.endswith(suffix)]
        if not matches:
            raise ValueError(f"{WORLD_FILE.name}: no township template fits {region.name}")
        return matches[:1]

    def _region(self, node: dict[str, Any], parent: Region | None) -> Region:
        region = self.regions.get(node["code"])
        self.report.regions.add(region is None)
        return region or services.create_region(SYSTEM, code=node["code"], name=node["name"], parent=parent)

    def _organization(self, template: dict[str, Any], region: Region, prefix: str,
                      parent: Organization | None) -> Organization:
        name = template["name"].format(p=prefix)
        kind = template["kind"]
        category = "12" if kind == Organization.Kind.PUBLIC_INSTITUTION else "11"
        uscc = make_uscc(category, region.code[:6], _serial(region.code, name))
        org = self.orgs_by_uscc.get(uscc) or self.orgs_by_name.get((region.pk, normalize_name(name)))
        self.report.organizations.add(org is None)
        if org is None:
            org = services.create_organization(SYSTEM, name=name, kind=kind, region=region, uscc=uscc, parent=parent)
        self.named[(region.code, name)] = org
        return org

    def _civil_servants(self, count: int) -> None:
        known = set(access.restrict(SYSTEM, CivilServant.objects.all(), Perm.CIVIL_SERVANTS_CHANGE)
                    .values_list("resident_id_hash", flat=True))
        for person in _people(self.world, self.slots, count):
            created = crypto.lookup_hash(person.resident_id) not in known
            self.report.civil_servants.add(created)
            if created:
                services.create_civil_servant(SYSTEM, name=person.name, resident_id=person.resident_id,
                                              organization=person.org, position=person.position, rank=person.rank)

    def _org_ref(self, ref: dict[str, str] | None) -> Organization | None:
        return self.named[(ref["region"], ref["name"])] if ref else None

    def _users(self, password: str) -> None:
        specs = self.world["users"]
        users = access.restrict(SYSTEM, get_user_model().objects.select_related("organization"), Perm.USERS_MANAGE)
        existing = {u.username: u for u in users.filter(username__in=[s["username"] for s in specs])}
        for spec in specs:
            user = existing.get(spec["username"])
            created = user is None
            if created:
                user = account_services.create_user(
                    SYSTEM, username=spec["username"], password=password, role=spec["role"],
                    organization=self._org_ref(spec.get("organization")), display_name=spec["display_name"],
                )
            self.report.users.add(created)
            org_name = user.organization.name if user.organization else ""
            self.report.logins.append(Login(user.username, user.role, org_name, created))

    def _api_keys(self) -> None:
        for spec in self.world["api_keys"]:
            org = self._org_ref(spec["organization"])
            keys = ApiKey.objects.filter(organization=org, name=spec["name"], revoked_at__isnull=True)
            key = access.restrict(SYSTEM, keys, Perm.APIKEYS_MANAGE).first()
            raw = ""
            if key is None:
                key, raw = account_services.create_api_key(SYSTEM, organization=org, name=spec["name"],
                                                           scenes=spec.get("scenes", ()))
            self.report.api_keys.add(bool(raw))
            self.report.keys.append(IssuedKey(key.name, org.name, key.prefix, raw))


def _check_password(password: str) -> None:
    try:
        validate_password(password)
    except ValidationError as exc:
        raise field_error("password", f"{PASSWORD_ENV}：" + "；".join(exc.messages),
                          f"{PASSWORD_ENV} is not an acceptable password") from None


def load_demo(civil_servants: int = DEFAULT_CIVIL_SERVANTS, password: str | None = None) -> DemoReport:
    """Load the demo world in one transaction (all or nothing), acting as `system:demo`.

    The users' password is `password`, else $GOVTRUST_DEMO_PASSWORD, else DEFAULT_PASSWORD; existing
    users, like everything else that exists, are left alone.
    """
    if civil_servants < 0:
        raise field_error("civil_servants", "公务员人数不能为负数", "the number of civil servants cannot be negative")
    password = password or os.environ.get(PASSWORD_ENV, "").strip() or DEFAULT_PASSWORD
    _check_password(password)
    report = DemoReport(password=password)
    with acting(actor_label=ACTOR_LABEL, channel="cli", reason=REASON), transaction.atomic():
        _Loader(load_world(), report).load(civil_servants, password)
    return report
