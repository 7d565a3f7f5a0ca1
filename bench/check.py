"""Screening checks (自动比对、自动拦截) at a million ledger records over 100,000 subjects.

    .venv/bin/python bench/check.py [--records 1000000] [--subjects 100000] [--databases sqlite,postgresql]
                                    [--checks 3000] [--seconds 10] [--connections 32] [--threads 1]
                                    [--workdir DIR] [--reuse]

For each database: a scratch database (an SQLite file under --workdir, a temporary folder by default; a
PostgreSQL database `govtrust_bench_check` on 127.0.0.1, dropped and created) is migrated and given the demo
world, then --subjects subjects (one in five an organization with a USCC, the rest civil servants with
encrypted resident IDs), --records ledger records over them with executemany (ten a subject on average, every
shipped category, 85 % active, 5 % disputed, 10 % repaired, revoked or expired), and 10,000 listed companies.

Then, each in a fresh process:
  in-process   --checks single checks through `services.check` (resolve, read records, evaluate, store):
               p50 / p99 / mean in ms; the same-run floor is the two indexed reads a check cannot avoid (the
               subject by identifier, its records by subject key) done with a bare cursor;
  batch        one `services.check_batch` of 10,000 parties (70 % organizations, 20 % people, 10 % listed);
  HTTP         `granian --interface wsgi --workers 2 --blocking-threads --threads` (as `make serve` runs it) on
               loopback, and --connections keep-alive connections sending POST /api/v1/checks for --seconds:
               requests per second, p50 / p99 latency, errors. The same-run reference is GET /api/v1/scenes on
               the same server (the cost of a request that does no check).
The load generator is wrk when it is installed (`apt-get install wrk`: C, one thread), else asyncio on raw
sockets in this process; either way it shares the two cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scratch import scratch_database

ROOT = Path(__file__).resolve().parents[1]
PG_NAME = "govtrust_bench_check"
TODAY = dt.date(2026, 12, 1)
KEYS = {"GOVTRUST_SECRET_KEY": "test-secret-key-not-for-production-0123456789abcdef",
        "GOVTRUST_FIELD_KEY": "test-field-key-not-for-production-0123456789abcdef"}
PORT = 8765
LISTED = 10_000


# --------------------------------------------------------------------------------------------- children

def build(records: int, subjects: int, workdir: str) -> dict:
    """Migrate, load the demo world, insert the subjects, records and listings; write the parties file."""
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from govtrust.accounts.services import create_api_key
    from govtrust.core import crypto
    from govtrust.core.access import SYSTEM
    from govtrust.core.context import acting
    from govtrust.core.identifiers import mask_resident_id, normalize_name
    from govtrust.ledger.models import Category, Record
    from govtrust.sanctions.models import Listing, PartyList, Scene
    from govtrust.subjects.demo import load_demo, make_resident_id, make_uscc
    from govtrust.subjects.models import CivilServant, Organization

    with acting(actor_label="bench", channel="cli"):
        load_demo()
    rng = random.Random(11)
    started = time.perf_counter()
    parents = list(Organization.objects.filter(kind=Organization.Kind.GOVERNMENT).values_list("id", "region_id",
                                                                                                "path"))
    kinds = [Organization.Kind.DEPARTMENT] * 6 + [Organization.Kind.PUBLIC_INSTITUTION] * 2 + [
        Organization.Kind.TOWNSHIP, Organization.Kind.GOVERNMENT]
    n_orgs = subjects // 5
    orgs = []
    for i in range(n_orgs):
        parent, region, path = parents[i % len(parents)]
        name = f"基准测试单位{i:06d}"
        orgs.append(Organization(uscc=make_uscc("11", "530100", 800000 + i), name=name, name_normalized=name,
                                 kind=kinds[i % len(kinds)], region_id=region, parent_id=parent, path=f"{path}b{i}/"))
    with transaction.atomic():
        Organization.objects.bulk_create(orgs, batch_size=5000)
    org_rows = list(Organization.objects.filter(name__startswith="基准测试单位").values_list("id", "uscc", "kind"))
    existing = set(CivilServant.objects.values_list("resident_id_hash", flat=True))
    unique_people, unique_ids = [], []
    for i in range(subjects - n_orgs):  # unique by construction: a birth day per 997 people, a sequence within it
        rid = make_resident_id("530128", dt.date(1960, 1, 1) + dt.timedelta(days=i // 997), i % 997)
        digest = crypto.lookup_hash(rid)
        if digest in existing:
            continue
        unique_people.append(CivilServant(name=f"基准{i}", resident_id_encrypted=crypto.encrypt(rid),
                                          resident_id_hash=digest, resident_id_masked=mask_resident_id(rid),
                                          organization_id=org_rows[i % len(org_rows)][0]))
        unique_ids.append(rid)
    with transaction.atomic():
        CivilServant.objects.bulk_create(unique_people, batch_size=5000)
    person_rows = list(CivilServant.objects.filter(name__startswith="基准").values_list("id", "organization_id"))
    subjects_made = time.perf_counter() - started

    cats = {c.code: c for c in Category.objects.all()}
    org_cats = [c for c in cats.values() if any(k != "civil_servant" for k in c.subject_kinds)]
    person_cats = [c for c in cats.values() if "civil_servant" in c.subject_kinds]
    fields = [f for f in Record._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    sql = f"INSERT INTO {Record._meta.db_table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    source = org_rows[0][0]
    now = "2026-12-01 08:00:00" + ("+00:00" if connection.vendor == "postgresql" else "")
    statuses = ["active"] * 85 + ["disputed"] * 5 + ["repaired"] * 5 + ["revoked"] * 2 + ["expired"] * 3
    started = time.perf_counter()
    chunk: list[tuple] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(records):
            if rng.random() < 0.4:
                pid, unit = person_rows[rng.randrange(len(person_rows))]
                key, org_id, person_id, cat = f"p:{pid}", None, pid, rng.choice(person_cats)
            else:
                oid = org_rows[rng.randrange(len(org_rows))][0]
                key, org_id, person_id, unit, cat = f"o:{oid}", oid, None, oid, rng.choice(org_cats)
            decided = TODAY - dt.timedelta(days=rng.randrange(1, 1800))
            severity = rng.choice(["minor", "general", "general", "serious"]) if cat.polarity == "negative" else ""
            row = {"subject_key": key, "organization_id": org_id, "person_id": person_id, "unit_id": unit,
                   "subject_name": "基准", "category_id": cat.pk, "category_version": 1, "severity": severity,
                   "facts": "基准测试", "document_number": f"基准〔{decided.year}〕{i}号", "authority": "基准测试机关",
                   "decision_date": decided.isoformat(), "legal_basis": "", "source_id": source, "batch_id": None,
                   "data": "{}", "disclosure_scope": cat.disclosure_scope, "regime_rule_id": None,
                   "disclosure_start": decided.isoformat(), "repair_from": None, "disclosure_end": None,
                   "status": rng.choice(statuses), "revision": 1, "content_hash": f"{i:032x}", "created_at": now,
                   "updated_at": now}
            chunk.append(tuple(row[c] for c in columns))
            if len(chunk) == 10000:
                cursor.executemany(sql, chunk)
                chunk.clear()
        if chunk:
            cursor.executemany(sql, chunk)
    records_made = time.perf_counter() - started
    lists = list(PartyList.objects.filter(polarity="negative"))
    listings = [Listing(party_list=lists[i % len(lists)], name=f"基准建设工程有限公司{i}",
                        name_normalized=normalize_name(f"基准建设工程有限公司{i}"), uscc=make_uscc("91", "530100", 600000 + i),
                        authority="基准监管部门", document_number=f"基准失信〔2026〕{i}号", listed_on=dt.date(2026, 1, 1),
                        source_id=source) for i in range(LISTED)]
    with transaction.atomic():
        Listing.objects.bulk_create(listings, batch_size=5000)
    with acting(actor_label="bench", channel="cli"):
        _key, raw = create_api_key(SYSTEM, organization=Organization.objects.get(pk=source), name="基准测试平台",
                                   scenes=list(Scene.objects.values_list("code", flat=True)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    parties = ([{"uscc": u} for _i, u, _k in org_rows] + [{"resident_id": r} for r in unique_ids]
               + [{"uscc": x.uscc} for x in listings])
    Path(workdir, "parties.json").write_text(json.dumps({"parties": parties, "key": raw,
                                                         "orgs": len(org_rows), "people": len(unique_ids)}))
    return {"records": records, "organizations": len(org_rows), "people": len(unique_ids), "listings": LISTED,
            "subjects_seconds": subjects_made, "records_seconds": records_made}


def _sample(parties: dict, n: int, rng: random.Random) -> list[dict]:
    """n parties: 70 % organizations, 20 % people, 10 % listed companies."""
    orgs, people = parties["orgs"], parties["people"]
    pool = parties["parties"]
    out = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.7:
            out.append(pool[rng.randrange(orgs)])
        elif roll < 0.9:
            out.append(pool[orgs + rng.randrange(people)])
        else:
            out.append(pool[orgs + people + rng.randrange(LISTED)])
    return out


SCENES_ORG = ("honours", "tendering", "project_application", "civilized_unit", "procurement")
SCENES_PERSON = ("promotion", "recruitment", "awards")


def _scene(party: dict, rng: random.Random) -> str:
    return rng.choice(SCENES_PERSON if "resident_id" in party else SCENES_ORG)


def _pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def in_process(checks: int, workdir: str) -> dict:
    from django.db import connection

    from govtrust.core import crypto
    from govtrust.core.access import SYSTEM
    from govtrust.core.context import acting
    from govtrust.core.identifiers import check_uscc
    from govtrust.sanctions import services
    from govtrust.sanctions.models import Check

    parties = json.loads(Path(workdir, "parties.json").read_text())
    rng = random.Random(5)
    sample = _sample(parties, checks, rng)
    decisions: dict[str, int] = {}
    times = []
    with acting(actor_label="bench", channel="cli"):
        for party in sample[:50]:  # warm-up: compile the rulebook, fill caches
            services.check(SYSTEM, party=party, scene=_scene(party, rng))
        for party in sample:
            scene = _scene(party, rng)
            t = time.perf_counter()
            c = services.check(SYSTEM, party=party, scene=scene)
            times.append((time.perf_counter() - t) * 1000)
            decisions[c.decision] = decisions.get(c.decision, 0) + 1
    floor = []
    with connection.cursor() as cursor:
        for party in sample:
            t = time.perf_counter()
            if "uscc" in party:
                cursor.execute("SELECT id FROM subjects_organization WHERE uscc = %s", [check_uscc(party["uscc"]).value])
                row = cursor.fetchone()
                key = f"o:{row[0]}" if row else ""
            else:
                digest = crypto.lookup_hash(party["resident_id"])
                cursor.execute("SELECT id FROM subjects_civilservant WHERE resident_id_hash = %s", [digest])
                row = cursor.fetchone()
                key = f"p:{row[0]}" if row else ""
            cursor.execute("SELECT id, category_id, severity, status, decision_date FROM ledger_record "
                           "WHERE subject_key = %s AND status IN ('active', 'disputed', 'corrected')", [key])
            cursor.fetchall()
            floor.append((time.perf_counter() - t) * 1000)
    return {"checks": checks, "p50": _pct(times, 0.5), "p99": _pct(times, 0.99), "mean": statistics.fmean(times),
            "floor_p50": _pct(floor, 0.5), "floor_p99": _pct(floor, 0.99), "decisions": decisions,
            "stored": Check.objects.count()}


def batch(workdir: str, size: int = 10_000) -> dict:
    from govtrust.core.access import SYSTEM
    from govtrust.core.context import acting
    from govtrust.sanctions import services

    parties = json.loads(Path(workdir, "parties.json").read_text())
    rng = random.Random(9)
    seen, chosen = set(), []
    while len(chosen) < size:
        p = _sample(parties, 1, rng)[0]
        k = json.dumps(p)
        if k not in seen:
            seen.add(k)
            chosen.append(p)
    runs = []
    with acting(actor_label="bench", channel="cli"):
        services.check_batch(SYSTEM, parties=chosen[:100], scene="tendering")  # warm-up
        for _ in range(3):
            t = time.perf_counter()
            b, _checks = services.check_batch(SYSTEM, parties=chosen, scene="tendering")
            runs.append(time.perf_counter() - t)
    return {"size": size, "seconds": runs, "decisions": b.decisions}


# ------------------------------------------------------------------------------------------------ HTTP

async def _load(requests: list[bytes], seconds: float, connections: int) -> dict:
    """Send the requests round-robin over keep-alive connections for `seconds`; latencies and statuses."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        try:
            while time.perf_counter() < deadline:
                req = requests[next(counter) % len(requests)]
                t = time.perf_counter()
                writer.write(req)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                latencies.append((time.perf_counter() - t) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    return {"rps": len(latencies) / elapsed, "p50": _pct(latencies, 0.5), "p99": _pct(latencies, 0.99),
            "statuses": statuses, "requests": len(latencies)}


WRK_SCRIPT = """
local requests, i = {}, 0
local key = io.open(KEY):read("*l")
for body in io.lines(BODIES) do
  requests[#requests + 1] = wrk.format("POST", "/api/v1/checks", {["Host"] = "127.0.0.1",
    ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}, body)
end
function setup(thread) thread:set("offset", math.random(#requests)) end
request = function() i = i + 1; return requests[((i + offset) % #requests) + 1] end
"""


def _wrk(workdir: str, bodies: list[bytes] | None, path: str, seconds: float, connections: int) -> dict:
    """wrk (C, one thread) against the server: it takes far less of the two cores than a Python generator."""
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:.0f}s", "--latency"]
    if bodies is not None:
        folder = Path(workdir)
        (folder / "bodies.txt").write_bytes(b"\n".join(bodies) + b"\n")
        script = folder / "checks.lua"
        script.write_text(f"KEY = {str(folder / 'key.txt')!r}\nBODIES = {str(folder / 'bodies.txt')!r}\n"
                          + WRK_SCRIPT)
        args += ["-s", str(script)]
    out = subprocess.run([*args, f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True,
                         check=True).stdout

    def ms(label: str) -> float:
        value = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if value is None:
            return float("nan")
        return float(value[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[value[2]]

    total = int(re.search(r"(\d+) requests in", out)[1])
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = int(failed[1]) if failed else 0
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]), "p50": ms("50%"), "p99": ms("99%"),
            "statuses": {"2xx": total - bad, "other": bad}, "requests": total,
            "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0}


def http(database_url: str, workdir: str, seconds: float, connections: int, threads: int) -> dict:
    parties = json.loads(Path(workdir, "parties.json").read_text())
    rng = random.Random(3)
    key = parties["key"]
    Path(workdir, "key.txt").write_text(key + "\n")
    bodies = [json.dumps({"party": party, "scene": _scene(party, rng)}, ensure_ascii=False).encode()
              for party in _sample(parties, 5000, rng)]
    checks = [b"POST /api/v1/checks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key.encode()
              + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
              + b"\r\n\r\n" + body for body in bodies]
    scenes = [b"GET /api/v1/scenes HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"]
    env = os.environ | KEYS | {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "govtrust.settings",
                               "GOVTRUST_DEBUG": "0", "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([str(Path(sys.executable).parent / "granian"), "--interface", "wsgi", "--host",
                               "127.0.0.1", "--port", str(PORT), "--workers", "2", "--blocking-threads",
                               str(threads), "--log-level", "warning",
                               "govtrust.wsgi:application"], env=env, start_new_session=True)
    use_wrk = shutil.which("wrk") is not None
    try:
        for _ in range(100):
            try:
                asyncio.run(_load(scenes, 0.05, 1))
                break
            except OSError:
                time.sleep(0.2)
        asyncio.run(_load(checks, 2, connections))  # warm-up: both workers compile the rulebook
        if use_wrk:
            reference = _wrk(workdir, None, "/api/v1/scenes", seconds, connections)
            measured = _wrk(workdir, bodies, "/", seconds, connections)
        else:
            reference = asyncio.run(_load(scenes, seconds, connections))
            measured = asyncio.run(_load(checks, seconds, connections))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    return {"checks": measured, "reference": reference, "generator": "wrk" if use_wrk else "asyncio"}


# ------------------------------------------------------------------------------------------------ parent

def _child(database_url: str, code: str) -> dict:
    env = os.environ | {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "govtrust.test_settings",
                        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT / 'bench'}"}
    done = subprocess.run([sys.executable, "-c", "import django; django.setup(); import check as b; "
                           f"import json; print(json.dumps({code}))"], env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-5000:])
        raise SystemExit(f"child failed: {code}")
    return json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--checks", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="granian blocking threads per worker (as make serve)")
    parser.add_argument("--workdir", help="keep the SQLite file and parties here (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="measure the databases built by an earlier run")
    args = parser.parse_args()
    print(f"records: {args.records:,}  subjects: {args.subjects:,}  machine: {os.cpu_count()} cores  "
          f"python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="govtrust-bench-check-") as tmp:
        folder = Path(args.workdir or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for vendor in args.databases.split(","):
            url = scratch_database(vendor, folder, "check", PG_NAME, reuse=args.reuse)
            work = folder / vendor
            work.mkdir(exist_ok=True)
            if not args.reuse:
                built = _child(url, f"b.build({args.records}, {args.subjects}, {str(work)!r})")
                print(f"\n== {vendor}: {built['organizations']:,} organizations + {built['people']:,} civil servants "
                      f"in {built['subjects_seconds']:.0f} s; {built['records']:,} records in "
                      f"{built['records_seconds']:.0f} s; {built['listings']:,} listings")
            single = _child(url, f"b.in_process({args.checks}, {str(work)!r})")
            print(f"\n== {vendor}: in-process single checks ({single['checks']:,}, stored)")
            print(f"   check     p50 {single['p50']:.2f} ms   p99 {single['p99']:.2f} ms   mean {single['mean']:.2f} ms"
                  f"   decisions {single['decisions']}")
            print(f"   floor     p50 {single['floor_p50']:.2f} ms   p99 {single['floor_p99']:.2f} ms"
                  "   (bare cursor: subject by identifier + its live records)")
            b = _child(url, f"b.batch({str(work)!r})")
            print(f"   batch of {b['size']:,}: " + ", ".join(f"{s:.2f} s" for s in b["seconds"])
                  + f"   decisions {b['decisions']}")
            h = _child(url, f"b.http({url!r}, {str(work)!r}, {args.seconds}, {args.connections}, {args.threads})")
            c, r = h["checks"], h["reference"]
            print(f"   HTTP: granian, 2 workers x {args.threads} threads; {args.connections} connections from "
                  f"{h['generator']} for {args.seconds:.0f} s")
            print(f"   HTTP checks   {c['rps']:,.0f} req/s   p50 {c['p50']:.1f} ms   p99 {c['p99']:.1f} ms   "
                  f"statuses {c['statuses']}")
            print(f"   HTTP /scenes  {r['rps']:,.0f} req/s   p50 {r['p50']:.1f} ms   p99 {r['p99']:.1f} ms   "
                  f"statuses {r['statuses']}   (same server, a request without a check)")


if __name__ == "__main__":
    main()
