"""A full quarterly evaluation run (issue 9) at province size, next to its floor: the same aggregates in DuckDB.

    .venv/bin/python bench/evaluate.py [--scale 1.0] [--databases sqlite,postgresql] [--runs 2]
                                       [--workdir DIR] [--reuse]

For each database a scratch database (an SQLite file under --workdir, a temporary folder by default; a
PostgreSQL database `govtrust_bench_evaluate` on 127.0.0.1, dropped and created) is migrated, then filled with
bare bulk inserts into the real tables (executemany on SQLite, COPY on PostgreSQL; no services, no audit):
at --scale 1.0

  a province, 15 cities, 150 counties; 10,000 organizations (a government, a court and two party organs per
  region; departments under the government; public institutions under departments; townships under county
  governments; 1 % merged), with their `path`;
  100,000 civil servants (dummy encrypted IDs: they only carry records);
  5,000,000 ledger records (60 % about organizations, 40 % about people; every shipped category that fits the
  subject; decision dates over 2024-01-01 – 2026-11-30; negative records minor / general / serious 20/55/25;
  85 % active, 3 % disputed, 2 % corrected, 5 % repaired, 2 % revoked, 3 % expired), with a creation revision
  for every 失信被执行人 record about an organization and a second one for those that ended;
  1,000,000 双公示 decisions, 200,000 complaints, 100,000 commitments, 50,000 rectification cases, 50,000
  proposals, 20,000 litigation cases, 10,000 judgments, 40,000 inspections, 40,000 assessments;

and ANALYZEd. --scale multiplies every count (regions shrink with its square root).

Then, each in a fresh process:
  run      `runs.create_run(SYSTEM, period="2026Q3", region=<province>)` with the default kinds (government,
           department), --runs times (the first in a fresh process, later ones warm). Wall time split into
           inputs (`inputs.read`: one grouped query per table read, each timed under the sources it feeds),
           roll-up, scoring (evaluate + summary), fingerprint, the rest of compute (subjects, paths) and write (runs, scores,
           audit: total minus compute). Afterwards `inputs.read` is called once more on its own, as compute
           calls it, and its SQL and the plans of the slowest sources are written to the work folder.
  floor    the columns those queries read are exported through Python (COPY TO STDOUT on PostgreSQL, a
           cursor on SQLite) into CSV files and loaded into an in-memory DuckDB (export and load are timed
           and reported, but are not part of the floor); then the equivalent grouped aggregates — same
           filters, same grouping body, results fetched into the same {body: (num, den)} dicts — are run
           three times; the floor is the fastest of the three. The DuckDB results are compared with what the
           run read from the database.
Prints a table per database and one JSON line at the end; peak resident memory of every child.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from scratch import scratch_database

ROOT = Path(__file__).resolve().parents[1]
PG_NAME = "govtrust_bench_evaluate"
KEYS = {"GOVTRUST_SECRET_KEY": "test-secret-key-not-for-production-0123456789abcdef",
        "GOVTRUST_FIELD_KEY": "test-field-key-not-for-production-0123456789abcdef"}
PERIOD = "2026Q3"
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 1)
FIRST_DAY, LAST_DAY = dt.date(2024, 1, 1), dt.date(2026, 11, 30)

SIZES = {"organizations": 10_000, "civil_servants": 100_000, "records": 5_000_000, "decisions": 1_000_000,
         "complaints": 200_000, "commitments": 100_000, "rectification_cases": 50_000, "proposals": 50_000,
         "litigation_cases": 20_000, "judgments": 10_000, "inspections": 40_000, "assessments": 40_000}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------------------------ build

class Writer:
    """Bulk inserts into a model's table: the columns given per row (`vary`, in order), every other column a
    constant — the value given, else the field's default, else NULL when nullable, else an empty value."""

    def __init__(self, model: Any, vary: list[str], **const: Any) -> None:
        from django.db import connection, models

        self.connection = connection
        self.table = model._meta.db_table
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = [c for c in [*vary, *const] if c not in fields]
        if unknown:
            raise ValueError(f"{self.table}: no columns {unknown}")
        pg = connection.vendor == "postgresql"
        now = "2026-12-01 08:00:00" + ("+00:00" if pg else "")
        rest = []
        for column, f in fields.items():
            if column in vary or (f.primary_key and column not in const):
                continue
            if column in const:
                value = const[column]
            elif f.null:
                value = None
            elif f.has_default():
                value = f.get_default()
            elif isinstance(f, models.ForeignKey):
                raise ValueError(f"{self.table}.{column}: a NOT NULL foreign key needs a value")
            elif isinstance(f, models.JSONField):
                value = {}
            elif isinstance(f, models.BooleanField):
                value = False
            elif isinstance(f, models.IntegerField | models.DecimalField | models.FloatField):
                value = 0
            elif isinstance(f, models.DateTimeField):
                value = now
            elif isinstance(f, models.DateField):
                value = "2026-01-01"
            else:
                value = ""
            if isinstance(f, models.JSONField) and not isinstance(value, str):
                value = json.dumps(value, ensure_ascii=False)
            elif isinstance(value, dt.datetime):
                value = now
            rest.append((column, value))
        self.columns = [*vary, *(c for c, _ in rest)]
        self.const = tuple(v for _, v in rest)

    def write(self, rows: Iterable[tuple]) -> int:
        from django.db import transaction

        const, n = self.const, 0
        names = ", ".join(f'"{c}"' for c in self.columns)
        with transaction.atomic(), self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{self.table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row + const)
                        n += 1
            else:
                sql = f'INSERT INTO "{self.table}" ({names}) VALUES ({", ".join("?" * len(self.columns))})'
                raw = self.connection.connection
                chunk: list[tuple] = []
                for row in rows:
                    chunk.append(row + const)
                    if len(chunk) == 50_000:
                        raw.executemany(sql, chunk)
                        n += len(chunk)
                        chunk.clear()
                raw.executemany(sql, chunk)
                n += len(chunk)
        return n


def _days(first: dt.date, last: dt.date) -> list[str]:
    return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]], k: int = 1000) -> list[Any]:
    """A lookup list for weighted draws with rng.choice (k entries)."""
    total = sum(w for _, w in pairs)
    out = []
    for value, w in pairs:
        out += [value] * round(k * w / total)
    return out


def build(scale: float, workdir: str) -> dict:
    """Migrate and fill the scratch database (see the module's docstring); returns counts and seconds."""
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    from govtrust.commitments.models import Commitment, CommitmentKind, RectificationCase, RectificationRule
    from govtrust.complaints.models import Complaint, ComplaintCategory, DeadlineRule
    from govtrust.ledger.models import Category, Record, Revision
    from govtrust.publicity.models import Decision
    from govtrust.subjects.models import CivilServant, Organization, Region
    from govtrust.supervision.models import Assessment, Inspection, Judgment, LitigationCase, Proposal

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    seconds: dict[str, float] = {"migrate": time.perf_counter() - started}
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if pg:
            cursor.execute("SET synchronous_commit = off")
        else:  # a scratch file: no journal while it is built, a 1 GiB page cache for the indexes
            cursor.execute("PRAGMA journal_mode = OFF")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1048576")
    n = {k: max(1, round(v * scale)) for k, v in SIZES.items()}
    rng = random.Random(2026)
    counts: dict[str, int] = {}

    def timed(name: str, fn: Callable[[], int]) -> None:
        t = time.perf_counter()
        counts[name] = fn()
        seconds[name] = time.perf_counter() - t

    # Regions: a province, cities, counties (codes are synthetic; paths as services.create_region writes them).
    cities = max(2, min(15, round(15 * scale ** 0.5)))
    per_city = max(2, min(10, round(10 * scale ** 0.5)))
    regions: list[tuple] = [(1, "530000", "基准省", "province", "/530000/", None)]
    for c in range(cities):
        code = f"53{c + 1:02d}00"
        cid = len(regions) + 1
        regions.append((cid, code, f"基准{c + 1}市", "city", f"/530000/{code}/", 1))
        for k in range(per_city):
            sub = f"53{c + 1:02d}{k + 1:02d}"
            regions.append((len(regions) + 1, sub, f"基准{c + 1}市{k + 1}县", "county", f"/530000/{code}/{sub}/", cid))
    timed("regions", lambda: Writer(Region, ["id", "code", "name", "level", "path", "parent_id"]).write(regions))

    # Organizations, region by region: the fixed four, then departments, public institutions and townships.
    orgs: list[tuple] = []
    kind_of: dict[int, str] = {}

    def org(region: tuple, kind: str, parent: tuple | None, status: str = "active") -> tuple:
        oid = len(orgs) + 1
        name = f"{region[2]}{kind}{oid}"
        row = (oid, f"11{oid:016d}", name, name, kind, (parent[5] if parent else "/") + f"{oid}/", status,
               region[0], parent[0] if parent else None)
        orgs.append(row)
        kind_of[oid] = kind
        return row

    fixed = 4 if n["organizations"] >= 4 * len(regions) else 1
    rest = max(0, n["organizations"] - fixed * len(regions))
    for i, region in enumerate(regions):
        government = org(region, "government", None)
        for kind in ("judicial", "party_organ", "party_organ")[: fixed - 1]:
            org(region, kind, None)
        mine = rest // len(regions) + (1 if i < rest % len(regions) else 0)
        departments: list[tuple] = []
        for _ in range(mine):
            roll = rng.random()
            status = "merged" if rng.random() < 0.01 else "active"
            if region[3] == "county" and roll < 0.08:
                org(region, "township", government, status)
            elif roll < 0.70 or not departments:
                departments.append(org(region, "department", government, status))
            else:
                org(region, "public_institution", rng.choice(departments), status)
    timed("organizations", lambda: Writer(Organization, ["id", "uscc", "name", "name_normalized", "kind", "path",
                                                         "status", "region_id", "parent_id"]).write(orgs))
    org_ids = [o[0] for o in orgs]
    publishers = [o[0] for o in orgs if o[4] in ("government", "department")]

    people_org = [rng.choice(org_ids) for _ in range(n["civil_servants"])]
    timed("civil_servants", lambda: Writer(CivilServant, ["id", "name", "resident_id_hash", "organization_id"],
                                           resident_id_encrypted="x", resident_id_masked="530***********1234").write(
        (i + 1, f"基准{i}", f"{i:064x}", people_org[i]) for i in range(len(people_org))))

    # Ledger records, with revisions for judgment debtors; remember candidates for rectification cases.
    cats = list(Category.objects.all())
    org_cats = [c for c in cats if any(k != "civil_servant" for k in c.subject_kinds)]
    person_cats = [c for c in cats if "civil_servant" in c.subject_kinds]
    debtor = next(c.pk for c in cats if c.code == "dishonest_judgment_debtor")
    days = _days(FIRST_DAY, LAST_DAY)
    statuses = _weighted(rng, [("active", 85), ("disputed", 3), ("corrected", 2), ("repaired", 5), ("revoked", 2),
                               ("expired", 3)])
    severities = _weighted(rng, [("minor", 20), ("general", 55), ("serious", 25)])
    revisions: list[tuple] = []
    case_records: list[tuple[int, int, int]] = []  # (record id, organization, decision day index)
    stride = max(1, int(n["records"] * 0.45 / n["rectification_cases"]))

    def records() -> Iterator[tuple]:
        people = len(people_org)
        for i in range(n["records"]):
            rid = i + 1
            d = rng.randrange(len(days))
            day = days[d]
            if rng.random() < 0.6:
                oid = rng.choice(org_ids)
                cat = rng.choice(org_cats)
                key, org_id, person_id, unit = f"o:{oid}", oid, None, oid
            else:
                pid = rng.randrange(people)
                cat = rng.choice(person_cats)
                key, org_id, person_id, unit = f"p:{pid + 1}", None, pid + 1, people_org[pid]
            negative = cat.polarity == "negative"
            status = rng.choice(statuses)
            revision = 1
            if org_id is not None and cat.pk == debtor:
                revisions.append((1, "create", "active", f"{day} 09:00:00", rid))
                if status in ("repaired", "revoked", "expired"):
                    left = min(d + rng.randrange(30, 400), len(days) - 1)
                    revisions.append((2, {"repaired": "repair", "revoked": "revoke", "expired": "expire"}[status], status,
                                      f"{days[left]} 0{rng.randrange(10)}:00:00", rid))
                    revision = 2
            elif org_id is not None and negative and i % stride == 0:
                case_records.append((rid, org_id, d))
            yield (rid, key, org_id, person_id, unit, cat.pk, rng.choice(severities) if negative else "",
                   f"基准〔{day[:4]}〕{rid}号", day, cat.disclosure_scope, day, status, revision, f"{rid:032x}",
                   rng.choice(publishers))

    timed("records", lambda: Writer(Record, ["id", "subject_key", "organization_id", "person_id", "unit_id",
                                             "category_id", "severity", "document_number", "decision_date",
                                             "disclosure_scope", "disclosure_start", "status", "revision",
                                             "content_hash", "source_id"],
                                    subject_name="基准", category_version=1, facts="基准测试", authority="基准测试机关",
                                    data="{}").write(records()))
    if pg:  # executemany on SQLite keeps the dates as text; PostgreSQL wants real timestamps for recorded_at
        revisions = [(a, b, c, d + "+00", e) for a, b, c, d, e in revisions]
    timed("revisions", lambda: Writer(Revision, ["number", "kind", "status", "recorded_at", "record_id"],
                                      content="{}", actor="bench", channel="cli").write(revisions))
    counts["debtor_records"] = sum(1 for r in revisions if r[0] == 1)

    # 双公示 decisions: published by governments and departments.
    on_time = _weighted(rng, [(True, 88), (False, 10), (None, 2)])

    def decisions() -> Iterator[tuple]:
        for i in range(n["decisions"]):
            d = rng.randrange(len(days))
            source = rng.choice(publishers)
            late = rng.choice(on_time)
            yield (rng.choice(("licence", "penalty", "penalty")), f"基准公司{i % 5000}", f"k{i}", f"基准决〔{i}〕号",
                   days[d], f"{days[min(d + rng.randrange(1, 12), len(days) - 1)]} 02:00:00" + ("+00" if pg else ""),
                   late, 0 if late is not False else rng.randrange(1, 30), rng.random() < 0.95, rng.random() < 0.97,
                   f"{i:032x}", source, source)

    timed("decisions", lambda: Writer(Decision, ["kind", "counterparty_name", "counterparty_key", "document_number",
                                                 "decision_date", "published_at", "on_time", "days_late", "complete",
                                                 "accurate", "content_hash", "authority_id", "source_id"],
                                      counterparty_normalized="基准公司", counterparty_category="legal_person",
                                      status="published", authority_name="基准机关", penalty_kinds="[]",
                                      missing="[]", issues="[]").write(decisions()))

    # Complaints: received over the three years, each as far through its stages as its status says.
    category_id = ComplaintCategory.objects.order_by("pk").values_list("pk", flat=True)[0]
    rule_id = DeadlineRule.objects.order_by("pk").values_list("pk", flat=True)[0]
    c_status = _weighted(rng, [("visited", 45), ("closed", 25), ("replied", 10), ("handling", 10),
                               ("assigned", 4), ("declined", 4), ("received", 2)])
    findings = _weighted(rng, [("substantiated", 30), ("partly", 15), ("unfounded", 45), ("not_applicable", 10)])
    ratings = _weighted(rng, [("satisfied", 60), ("basically", 25), ("unsatisfied", 15)])
    last = len(days) - 1

    def complaints() -> Iterator[tuple]:
        for i in range(n["complaints"]):
            r = rng.randrange(len(days) - 40)
            status = rng.choice(c_status)
            replied = closed = visited = on = None
            finding = rating = ""
            stage = r
            if status in ("replied", "closed", "visited"):
                rep = r + rng.randrange(2, 22)
                replied, on, stage = days[rep], rep - r <= 15, rep
                if status != "replied":
                    clo = rep + rng.randrange(1, 6)
                    closed, finding, stage = days[clo], rng.choice(findings), clo
                    if status == "visited":
                        vis = min(clo + rng.randrange(1, 8), last)
                        visited, rating, stage = days[vis], rng.choice(ratings), vis
            yield (f"TS{i:012d}", rng.choice(org_ids), days[r], status, days[stage], replied, on, closed, finding,
                   visited, rating)

    timed("complaints", lambda: Writer(Complaint, ["serial", "body_id", "received_on", "status", "stage_on",
                                                   "replied_on", "on_time", "closed_on", "finding", "visited_on",
                                                   "rating"],
                                       code_hash="x", channel="portal", body_name="基准单位", facts="基准", demand="基准",
                                       calendar_basis="{}", created_by="bench", category_id=category_id,
                                       rule_id=rule_id).write(complaints()))

    # Commitments: due over 2024 – 2026; those past due mostly fulfilled.
    kind_id = CommitmentKind.objects.order_by("pk").values_list("pk", flat=True)[0]
    past = _weighted(rng, [("fulfilled", 75), ("breached", 8), ("changed_by_law", 4), ("in_progress", 13)])
    today = TODAY.isoformat()

    def commitments() -> Iterator[tuple]:
        for _ in range(n["commitments"]):
            d = rng.randrange(len(days))
            status = rng.choice(past) if days[d] < today else ("fulfilled" if rng.random() < 0.1 else "in_progress")
            unit = rng.choice(org_ids)
            yield (f"o:{unit}", unit, unit, days[max(0, d - rng.randrange(90, 720))], days[d], status,
                   status == "in_progress" and days[d] < today)

    timed("commitments", lambda: Writer(Commitment, ["subject_key", "organization_id", "unit_id", "start_date",
                                                     "due_date", "status", "overdue"],
                                        subject_name="基准单位", title="基准承诺", is_public=True, created_by="bench",
                                        kind_id=kind_id).write(commitments()))

    # Rectification cases, one per chosen negative record about an organization.
    rule = RectificationRule.objects.order_by("pk").values_list("pk", flat=True)[0]
    open_statuses = ["awaiting_explanation", "explained", "rectifying", "submitted", "returned"]

    def cases() -> Iterator[tuple]:
        for rid, oid, d in case_records[: n["rectification_cases"]]:
            opened = min(d + 5, last)
            explain = min(opened + 15, last)
            due = min(opened + rng.randrange(60, 180), last) if rng.random() < 0.7 else None
            deadline = days[due if due is not None else explain]
            roll = rng.random()
            if deadline < today:
                status = "accepted" if roll < 0.7 else rng.choice(open_statuses) if roll < 0.9 else \
                    "closed_by_repair_or_revocation"
            else:
                status = rng.choice(open_statuses) if roll < 0.85 else "accepted"
            yield (rid, oid, status, days[opened], days[explain], days[due] if due is not None else None,
                   deadline if due is not None else None)

    timed("rectification_cases", lambda: Writer(RectificationCase, ["record_id", "body_id", "status", "opened_on",
                                                                     "explanation_due", "rectification_due",
                                                                     "current_due"],
                                                 rule_id=rule).write(cases()))

    def proposals() -> Iterator[tuple]:
        for i in range(n["proposals"]):
            d = rng.randrange(len(days) - 120)
            answered = d + rng.randrange(30, 110) if rng.random() < 0.9 else None
            sat = rng.choice(ratings) if answered is not None and rng.random() < 0.8 else ""
            yield (("suggestion", "proposal")[i % 2], int(days[d][:4]), str(i), rng.choice(publishers), days[d],
                   days[d + 90], days[answered] if answered is not None else None, sat)

    timed("proposals", lambda: Writer(Proposal, ["kind", "year", "number", "body_id", "received_on", "due_on",
                                                 "answered_on", "satisfaction"],
                                      title="基准建议", created_by="bench").write(proposals()))
    outcomes = _weighted(rng, [("won", 60), ("lost", 15), ("withdrawn", 20), ("other", 5)])

    def litigation() -> Iterator[tuple]:
        for i in range(n["litigation_cases"]):
            d = rng.randrange(len(days))
            judged = min(d + rng.randrange(60, 300), last) if rng.random() < 0.9 else None
            yield (f"（基准）行初{i}号", rng.choice(publishers), days[d], days[judged] if judged is not None else None,
                   rng.choice(outcomes) if judged is not None else "", rng.random() < 0.7)

    timed("litigation_cases", lambda: Writer(LitigationCase, ["case_number", "body_id", "filed_on", "judged_on",
                                                              "outcome", "head_appeared"],
                                             court="基准法院", created_by="bench").write(litigation()))

    def judgments() -> Iterator[tuple]:
        for i in range(n["judgments"]):
            d = rng.randrange(len(days) - 100)
            due = d + rng.randrange(30, 90)
            done = (due - rng.randrange(0, 25) if rng.random() < 0.8 else due + rng.randrange(1, 60)) \
                if rng.random() < 0.85 else None
            yield (f"（基准）执{i}号", rng.choice(publishers), days[d], days[due],
                   days[min(done, last)] if done is not None else None)

    timed("judgments", lambda: Writer(Judgment, ["case_number", "body_id", "effective_on", "due_on", "performed_on"],
                                      court="基准法院", created_by="bench").write(judgments()))
    timed("inspections", lambda: Writer(Inspection, ["document_number", "body_id", "inspected_on", "score"],
                                        inspector="基准督查组", created_by="bench").write(
        (f"督〔{i}〕号", rng.choice(publishers), days[rng.randrange(len(days))],
         None if rng.random() < 0.05 else f"{rng.uniform(60, 100):.2f}") for i in range(n["inspections"])))
    quarters = [(f"{y}Q{q}", dt.date(y, 3 * q - 2, 1).isoformat(),
                 (dt.date(y + q // 4, 3 * q % 12 + 1, 1) - dt.timedelta(days=1)).isoformat())
                for y in (2024, 2025, 2026) for q in (1, 2, 3, 4)]
    n_pub = len(publishers)
    timed("assessments", lambda: Writer(Assessment, ["kind", "assessor", "body_id", "period", "period_start",
                                                     "period_end", "score"],
                                        method="基准方法", created_by="bench").write(
        (("third_party", "self")[i % 2], f"评估机构{i // (n_pub * 12)}", publishers[i % n_pub],
         *quarters[(i // n_pub) % 12], f"{rng.uniform(55, 100):.2f}") for i in range(n["assessments"])))

    t = time.perf_counter()
    with connection.cursor() as cursor:  # explicit ids were given: move the sequences past them
        for sql in connection.ops.sequence_reset_sql(no_style(), [Region, Organization, CivilServant, Record]):
            cursor.execute(sql)
        if not pg:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("ANALYZE")
    if pg:
        connection.close()
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", PG_NAME, "-q", "-c", "VACUUM ANALYZE"],
                       check=True, capture_output=True)
    seconds["analyze"] = time.perf_counter() - t
    seconds["total"] = time.perf_counter() - started
    counts["subjects_government_department"] = len(publishers)
    counts["regions"] = len(regions)
    size = (Path(connection.settings_dict["NAME"]).stat().st_size if not pg else None)
    if pg:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    out = {"counts": counts, "seconds": seconds, "bytes": size, "peak_mib": peak_mib(), "scale": scale}
    Path(workdir, "build.json").write_text(json.dumps(out))
    return out


# -------------------------------------------------------------------------------------------------- run

def measure(runs: int, workdir: str) -> dict:
    """create_run `runs` times with its phases timed; then inputs.read alone, its SQL and the slow plans."""
    from django.db import connection

    from govtrust.core.access import SYSTEM
    from govtrust.core.context import acting
    from govtrust.evaluation import inputs, periods, scoring, tree
    from govtrust.evaluation import runs as R
    from govtrust.subjects.models import Region

    phases: dict[str, float] = {}
    sources: dict[str, float] = {}

    def clock(name: str, fn: Callable[..., Any], into: dict[str, float] = phases) -> Callable[..., Any]:
        def wrapper(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                into[name] = into.get(name, 0.0) + time.perf_counter() - t
        return wrapper

    # Wrap, in this process only, what compute calls: the phases and every source reader.
    originals = (inputs.read, R.roll_up, scoring.evaluate, scoring.summary, R.fingerprint, R.compute)
    inputs.read = clock("inputs", inputs.read)
    R.roll_up = clock("roll_up", R.roll_up)
    scoring.evaluate = clock("scoring", scoring.evaluate)
    scoring.summary = clock("scoring", scoring.summary)
    R.fingerprint = clock("fingerprint", R.fingerprint)
    R.compute = clock("compute", R.compute)
    queries = dict(inputs.QUERIES)  # one query may feed several sources: timed under their joined codes
    for codes, fn in queries.items():
        inputs.QUERIES[codes] = clock("+".join(codes), fn, sources)

    province = Region.objects.filter(parent__isnull=True).order_by("path").first()
    out_runs = []
    with acting(actor_label="bench", channel="cli"):
        for _ in range(runs):
            phases.clear()
            sources.clear()
            t = time.perf_counter()
            run = R.create_run(SYSTEM, period=PERIOD, region=province, note="bench", now=NOW)
            total = time.perf_counter() - t
            p = dict(phases)
            other = p["compute"] - p["inputs"] - p["roll_up"] - p["scoring"] - p["fingerprint"]
            out_runs.append({"total": total, "inputs": p["inputs"], "roll_up": p["roll_up"], "scoring": p["scoring"],
                             "fingerprint": p["fingerprint"], "compute_other": other,
                             "write": total - p["compute"], "sources": dict(sources),
                             "subjects": run.summary["subjects"], "ranked": run.summary["ranked"],
                             "fingerprint_hex": run.fingerprint})
    inputs.read, R.roll_up, scoring.evaluate, scoring.summary, R.fingerprint, R.compute = originals

    # inputs.read on its own, as compute calls it, with each statement's SQL captured.
    system = R._system(None, None)
    period = periods.parse(PERIOD)
    codes = [leaf["source"] for _, leaf in tree.leaves(system.content)]
    statements: list[tuple[str, str, Any]] = []
    current: list[str] = [""]

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((current[0], sql, params))
        return execute(sql, params, many, context)

    for fed, fn in queries.items():
        def named(s: dt.date, e: dt.date, a: dt.date, code: str = "+".join(fed), fn: Any = fn) -> Any:
            current[0] = code
            return fn(s, e, a)
        inputs.QUERIES[fed] = clock("+".join(fed), named, sources)
    sources.clear()
    with connection.execute_wrapper(capture):
        t = time.perf_counter()
        raw = inputs.read(codes, period.start, period.end, min(period.end, TODAY))
        alone = time.perf_counter() - t
    inputs.QUERIES.update(queries)
    alone_sources = dict(sources)
    Path(workdir, "inputs.json").write_text(json.dumps({c: sorted([k, *v] for k, v in pairs.items())
                                                        for c, pairs in raw.items()}))
    worst = sorted(alone_sources, key=alone_sources.get, reverse=True)[:3]
    text = []
    with connection.cursor() as cursor:
        for code, sql, params in statements:
            text.append(f"-- {code}: {alone_sources[code] * 1000:.0f} ms\n{sql}\n-- params: {list(params or [])}\n")
            if code in worst:
                explain = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
                cursor.execute(explain + sql, params)
                text.append("\n".join("  " + " | ".join(str(x) for x in row) for row in cursor.fetchall()) + "\n")
    Path(workdir, "queries.sql").write_text("\n".join(text))
    return {"runs": out_runs, "inputs_alone": alone, "inputs_alone_sources": alone_sources, "codes": codes,
            "statements": len(statements), "peak_mib": peak_mib(), "vendor": connection.vendor}


# ------------------------------------------------------------------------------------------------ floor

# (table, exported columns with DuckDB types); the columns the run's queries read, nothing else.
EXPORT = {
    "publicity_decision": [("id", "BIGINT"), ("source_id", "BIGINT"), ("decision_date", "DATE"),
                           ("on_time", "BOOLEAN"), ("complete", "BOOLEAN"), ("accurate", "BOOLEAN")],
    "supervision_litigationcase": [("id", "BIGINT"), ("body_id", "BIGINT"), ("judged_on", "DATE"),
                                   ("outcome", "VARCHAR"), ("head_appeared", "BOOLEAN")],
    "supervision_judgment": [("id", "BIGINT"), ("body_id", "BIGINT"), ("due_on", "DATE"), ("performed_on", "DATE")],
    "commitments_commitment": [("id", "BIGINT"), ("unit_id", "BIGINT"), ("due_date", "DATE"), ("status", "VARCHAR")],
    "ledger_category": [("id", "BIGINT"), ("code", "VARCHAR"), ("polarity", "VARCHAR")],
    "ledger_record": [("id", "BIGINT"), ("organization_id", "BIGINT"), ("category_id", "BIGINT"),
                      ("severity", "VARCHAR"), ("decision_date", "DATE"), ("status", "VARCHAR")],
    "ledger_revision": [("id", "BIGINT"), ("record_id", "BIGINT"), ("status", "VARCHAR"), ("recorded_at", "TIMESTAMP")],
    "commitments_rectificationcase": [("id", "BIGINT"), ("body_id", "BIGINT"), ("rectification_due", "DATE"),
                                      ("explanation_due", "DATE"), ("status", "VARCHAR")],
    "complaints_complaint": [("id", "BIGINT"), ("body_id", "BIGINT"), ("replied_on", "DATE"), ("on_time", "BOOLEAN"),
                             ("visited_on", "DATE"), ("rating", "VARCHAR"), ("closed_on", "DATE"),
                             ("finding", "VARCHAR"), ("status", "VARCHAR")],
    "supervision_proposal": [("id", "BIGINT"), ("body_id", "BIGINT"), ("due_on", "DATE"), ("answered_on", "DATE"),
                             ("satisfaction", "VARCHAR")],
    "supervision_inspection": [("id", "BIGINT"), ("body_id", "BIGINT"), ("inspected_on", "DATE"), ("score", "DOUBLE")],
    "supervision_assessment": [("id", "BIGINT"), ("body_id", "BIGINT"), ("kind", "VARCHAR"), ("period_start", "DATE"),
                               ("period_end", "DATE"), ("score", "DOUBLE")],
}

# The equivalent of each source of inputs.QUERIES: (body, num, den) per group; $s, $e, $a are start, end, as of.
_OPEN = "('awaiting_explanation', 'explained', 'rectifying', 'submitted', 'returned')"
_LIVE = "('active', 'disputed', 'corrected')"
_ENDED = "('repaired', 'revoked', 'expired')"
_BREACHES = """SELECT r.organization_id, COUNT(*), 1 FROM ledger_record r JOIN ledger_category c ON c.id = r.category_id
  WHERE r.organization_id IS NOT NULL AND c.polarity = 'negative' AND r.severity = '{sev}'
    AND r.decision_date BETWEEN $s AND $e AND r.status <> 'revoked' GROUP BY 1"""
DUCK = {
    "publicity.on_time_rate": "SELECT source_id, COUNT(*) FILTER (WHERE on_time), COUNT(*) FILTER (WHERE on_time IS NOT NULL) "
                              "FROM publicity_decision WHERE decision_date BETWEEN $s AND $e GROUP BY 1",
    "publicity.completeness": "SELECT source_id, COUNT(*) FILTER (WHERE complete), COUNT(*) FROM publicity_decision "
                              "WHERE decision_date BETWEEN $s AND $e GROUP BY 1",
    "publicity.accuracy": "SELECT source_id, COUNT(*) FILTER (WHERE accurate), COUNT(*) FROM publicity_decision "
                          "WHERE decision_date BETWEEN $s AND $e GROUP BY 1",
    "litigation.lost_rate": "SELECT body_id, COUNT(*) FILTER (WHERE outcome = 'lost'), COUNT(*) "
                            "FROM supervision_litigationcase WHERE judged_on BETWEEN $s AND $e GROUP BY 1",
    "litigation.head_appearance_rate": "SELECT body_id, COUNT(*) FILTER (WHERE head_appeared), COUNT(*) "
                                       "FROM supervision_litigationcase WHERE judged_on BETWEEN $s AND $e GROUP BY 1",
    "judgments.performed_rate": "SELECT body_id, COUNT(*) FILTER (WHERE performed_on IS NOT NULL AND performed_on <= due_on), "
                                "COUNT(*) FROM supervision_judgment WHERE due_on BETWEEN $s AND $e GROUP BY 1",
    "commitments.fulfilment_rate": "SELECT unit_id, COUNT(*) FILTER (WHERE status = 'fulfilled'), COUNT(*) FILTER (WHERE "
                                   "status IN ('fulfilled', 'breached') OR (status = 'in_progress' AND due_date < $a)) "
                                   "FROM commitments_commitment WHERE due_date BETWEEN $s AND $e GROUP BY 1",
    "ledger.new_serious": _BREACHES.format(sev="serious"),
    "ledger.new_general": _BREACHES.format(sev="general"),
    "rectification.completion_rate": f"""SELECT body_id, COUNT(*) FILTER (WHERE status = 'accepted'),
  COUNT(*) FILTER (WHERE status = 'accepted' OR (status IN {_OPEN} AND deadline < $a))
  FROM (SELECT body_id, status, COALESCE(rectification_due, explanation_due) AS deadline
        FROM commitments_rectificationcase) WHERE deadline BETWEEN $s AND $e GROUP BY 1""",
    "ledger.debtor_cleared_rate": f"""SELECT organization_id, COUNT(*) FILTER (WHERE left_on BETWEEN $s AND $e), COUNT(*)
  FROM (SELECT r.organization_id, r.status, CAST(f.recorded_at + INTERVAL 8 HOUR AS DATE) AS left_on
        FROM ledger_record r JOIN ledger_category c ON c.id = r.category_id
        LEFT JOIN (SELECT record_id, MIN(recorded_at) AS recorded_at FROM ledger_revision
                   WHERE status IN {_ENDED} GROUP BY 1) f ON f.record_id = r.id
        WHERE c.code = 'dishonest_judgment_debtor' AND r.organization_id IS NOT NULL AND r.decision_date <= $e)
  WHERE status IN {_LIVE} OR left_on >= $s GROUP BY 1""",
    "complaints.on_time_rate": "SELECT body_id, COUNT(*) FILTER (WHERE on_time), COUNT(*) FROM complaints_complaint "
                               "WHERE replied_on BETWEEN $s AND $e AND on_time IS NOT NULL GROUP BY 1",
    "complaints.satisfaction": "SELECT body_id, COUNT(*) FILTER (WHERE rating IN ('satisfied', 'basically')), COUNT(*) "
                               "FROM complaints_complaint WHERE visited_on BETWEEN $s AND $e AND rating <> '' GROUP BY 1",
    "complaints.found_true": "SELECT body_id, COUNT(*), 1 FROM complaints_complaint WHERE closed_on BETWEEN $s AND $e "
                             "AND finding IN ('substantiated', 'partly') AND status IN ('closed', 'visited') GROUP BY 1",
    "proposals.on_time_rate": "SELECT body_id, COUNT(*) FILTER (WHERE answered_on IS NOT NULL AND answered_on <= due_on), "
                              "COUNT(*) FROM supervision_proposal WHERE due_on BETWEEN $s AND $e GROUP BY 1",
    "proposals.satisfaction": "SELECT body_id, COUNT(*) FILTER (WHERE satisfaction IN ('satisfied', 'basically')), "
                              "COUNT(*) FROM supervision_proposal WHERE answered_on BETWEEN $s AND $e "
                              "AND satisfaction <> '' GROUP BY 1",
    "inspections.mean_score": "SELECT body_id, SUM(score), COUNT(score) FROM supervision_inspection "
                              "WHERE inspected_on BETWEEN $s AND $e AND score IS NOT NULL GROUP BY 1",
    "assessments.third_party": "SELECT body_id, SUM(score), COUNT(score) FROM supervision_assessment WHERE kind = "
                               "'third_party' AND period_start >= $s AND period_end <= $e AND score IS NOT NULL GROUP BY 1",
    "assessments.self": "SELECT body_id, SUM(score), COUNT(score) FROM supervision_assessment WHERE kind = 'self' "
                        "AND period_start >= $s AND period_end <= $e AND score IS NOT NULL GROUP BY 1",
}


def _export(folder: Path) -> dict[str, int]:
    """Each table's columns into a CSV file (NULL as \\N), streamed through this process."""
    from django.db import connection

    rows: dict[str, int] = {}
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for table, columns in EXPORT.items():
            names = ", ".join(f"{c} AT TIME ZONE 'UTC'" if t == "TIMESTAMP" and pg else c for c, t in columns)
            path = folder / f"{table}.csv"
            if pg:
                with path.open("wb") as out, cursor.cursor.copy(
                        f"COPY (SELECT {names} FROM {table}) TO STDOUT WITH (FORMAT csv, NULL '\\N')") as copy:
                    for block in copy:
                        out.write(block)
            else:
                raw = connection.connection.cursor()
                raw.execute(f"SELECT {names} FROM {table}")
                with path.open("w", newline="", encoding="utf-8") as out:
                    writer = csv.writer(out)
                    while batch := raw.fetchmany(100_000):
                        writer.writerows(tuple("\\N" if v is None else v for v in row) for row in batch)
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            rows[table] = cursor.fetchone()[0]
    return rows


def floor(workdir: str, repeats: int = 3) -> dict:
    import duckdb

    from govtrust.evaluation import periods

    folder = Path(workdir, "duckdb")
    folder.mkdir(exist_ok=True)
    t = time.perf_counter()
    rows = _export(folder)
    exported = time.perf_counter() - t
    t = time.perf_counter()
    duck = duckdb.connect()
    for table, columns in EXPORT.items():
        types = ", ".join(f"'{c}': '{ty}'" for c, ty in columns)
        duck.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{folder / (table + '.csv')}', header = false, "
                     f"columns = {{{types}}}, nullstr = '\\N', quote = '\"')")
    loaded = time.perf_counter() - t
    for table in EXPORT:
        (folder / f"{table}.csv").unlink()
    measured = json.loads(Path(workdir, "inputs.json").read_text())
    codes = sorted(measured)
    p = periods.parse(PERIOD)
    params = {"s": p.start, "e": p.end, "a": min(p.end, TODAY)}
    totals, per_source, results = [], {c: [] for c in codes}, {}
    for _ in range(repeats):
        t0 = time.perf_counter()
        for code in codes:
            t = time.perf_counter()
            sql = DUCK[code]
            got = duck.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).fetchall()
            results[code] = {b: (float(n or 0), float(d or 0)) for b, n, d in got if d}
            per_source[code].append(time.perf_counter() - t)
        totals.append(time.perf_counter() - t0)
    mismatched = []
    for code in codes:
        expect = {int(b): (round(n, 6), round(d, 6)) for b, n, d in measured[code]}
        mine = {int(b): (round(n, 6), round(d, 6)) for b, (n, d) in results[code].items()}
        if expect != mine:
            mismatched.append(code)
    return {"export_seconds": exported, "load_seconds": loaded, "rows": rows, "totals": totals,
            "floor": min(totals), "sources": {c: min(v) for c, v in per_source.items()}, "mismatched": mismatched,
            "duckdb": duckdb.__version__, "peak_mib": peak_mib()}


# ------------------------------------------------------------------------------------------------ parent

def _child(database_url: str, code: str) -> dict:
    env = os.environ | KEYS | {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "govtrust.test_settings",
                               "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT / 'bench'}"}
    done = subprocess.run([sys.executable, "-c", "import django; django.setup(); import evaluate as b; "
                           f"import json; print(json.dumps({code}))"], env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-5000:])
        raise SystemExit(f"child failed: {code}")
    return json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])


def _report(vendor: str, built: dict, m: dict, f: dict) -> dict:
    c, s = built["counts"], built["seconds"]
    print(f"\n== {vendor}")
    print(f"   data    {c['organizations']:,} organizations ({c['subjects_government_department']:,} governments and "
          f"departments) in {c['regions']} regions, {c['civil_servants']:,} civil servants, {c['records']:,} records "
          f"({c['debtor_records']:,} debtor records, {c['revisions']:,} revisions), {c['decisions']:,} decisions, "
          f"{c['complaints']:,} complaints, {c['commitments']:,} commitments, {c['rectification_cases']:,} cases, "
          f"{c['proposals']:,} proposals, {c['litigation_cases']:,} litigation, {c['judgments']:,} judgments, "
          f"{c['inspections']:,} inspections, {c['assessments']:,} assessments")
    print(f"   build   {s['total']:.0f} s (records {s['records']:.0f} s, decisions {s['decisions']:.0f} s, analyze "
          f"{s['analyze']:.0f} s); database {built['bytes'] / 2**20:,.0f} MiB; peak {built['peak_mib']:.0f} MiB")
    print("   run       total   inputs  roll-up  scoring  fingerp.  other    write   (seconds)")
    for i, r in enumerate(m["runs"], start=1):
        print(f"   #{i}     {r['total']:7.2f}  {r['inputs']:7.2f}  {r['roll_up']:7.2f}  {r['scoring']:7.2f}  "
              f"{r['fingerprint']:7.2f}  {r['compute_other']:7.2f}  {r['write']:7.2f}")
    r0 = m["runs"][0]
    print(f"   subjects {r0['subjects']:,}, ranked {r0['ranked']:,}; same fingerprint every run: "
          f"{len({r['fingerprint_hex'] for r in m['runs']}) == 1}; peak {m['peak_mib']:.0f} MiB")
    print(f"   inputs.read alone {m['inputs_alone']:.2f} s ({m['statements']} statements)")
    print(f"   floor   DuckDB {f['duckdb']}: {f['floor']:.3f} s (runs " + ", ".join(f"{x:.3f}" for x in f["totals"])
          + f"); export {f['export_seconds']:.0f} s, load {f['load_seconds']:.0f} s (not in the floor); "
          f"results equal to the run's: {not f['mismatched']}{'' if not f['mismatched'] else ' ' + str(f['mismatched'])}"
          f"; peak {f['peak_mib']:.0f} MiB")
    best = min(r["total"] for r in m["runs"])
    print("   ratio   run / floor: " + ", ".join(f"{r['total'] / f['floor']:.1f}×" for r in m["runs"])
          + f"; inputs.read / floor: {m['inputs_alone'] / f['floor']:.1f}×")
    alone = m["inputs_alone_sources"]
    print("   query (the sources it feeds)        run #1    run #2     alone    DuckDB   (ms; slowest first)")
    for code in sorted(alone, key=alone.get, reverse=True):  # DuckDB: the sum of its sources' own queries
        times = [r["sources"].get(code, 0) * 1000 for r in m["runs"]] + [0.0] * (2 - len(m["runs"]))
        duck = sum(f["sources"].get(c, 0.0) for c in code.split("+"))  # sources the system does not use: none
        print(f"   {code:34s} {times[0]:8.0f}  {times[1]:8.0f}  {alone[code] * 1000:8.0f}  {duck * 1000:8.1f}")

    return {"vendor": vendor, "build_seconds": s["total"], "build": s, "counts": c, "db_mib": built["bytes"] / 2**20,
            "runs": [{k: v for k, v in r.items() if k != "fingerprint_hex"} for r in m["runs"]],
            "best_run": best, "inputs_alone": m["inputs_alone"], "inputs_alone_sources": alone,
            "floor": f["floor"], "floor_sources": f["sources"], "export_seconds": f["export_seconds"],
            "load_seconds": f["load_seconds"], "ratio_first": m["runs"][0]["total"] / f["floor"],
            "ratio_best": best / f["floor"], "results_equal": not f["mismatched"],
            "peak_mib": {"build": built["peak_mib"], "run": m["peak_mib"], "floor": f["peak_mib"]},
            "target_met": best < 60 and best / f["floor"] <= 3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every size (0.01 for a smoke run)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=2, help="create_run calls per database (the first cold)")
    parser.add_argument("--workdir", help="keep the SQLite file, queries and plans here (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="measure the databases built by an earlier run")
    parser.add_argument("--build-only", action="store_true",
                        help="build the databases and stop (to build both side by side, then measure with --reuse)")
    args = parser.parse_args()
    sizes = ", ".join(f"{k.replace('_', ' ')} {round(v * args.scale):,}" for k, v in SIZES.items())
    print(f"scale {args.scale}: {sizes}"
          f"\nmachine: {os.cpu_count()} cores, python {sys.version.split()[0]}; period {PERIOD}, whole province, "
          "default kinds (government, department)")
    summary = []
    with tempfile.TemporaryDirectory(prefix="govtrust-bench-evaluate-") as tmp:
        folder = Path(args.workdir or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for vendor in args.databases.split(","):
            url = scratch_database(vendor, folder, "evaluate", PG_NAME, reuse=args.reuse)
            work = folder / vendor
            work.mkdir(exist_ok=True)
            if not args.reuse:
                built = _child(url, f"b.build({args.scale}, {str(work)!r})")
                print(f"\n== {vendor}: built in {built['seconds']['total']:.0f} s: " + ", ".join(
                    f"{k} {v:.0f} s" for k, v in built["seconds"].items() if k != "total" and v >= 0.5))
                if args.build_only:
                    continue
            else:
                built = json.loads((work / "build.json").read_text())
            m = _child(url, f"b.measure({args.runs}, {str(work)!r})")
            f = _child(url, f"b.floor({str(work)!r})")
            summary.append(_report(vendor, built, m, f))
            print(f"   SQL and plans of the slowest sources: {work / 'queries.sql'}")
    if summary:
        print(json.dumps({"bench": "evaluate", "scale": args.scale, "cores": os.cpu_count(), "period": PERIOD,
                          "databases": summary}))


if __name__ == "__main__":
    main()
