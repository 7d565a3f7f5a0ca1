"""The public 双公示 listing (/publicity/) at a million decisions: each page the public opens, timed.

    .venv/bin/python bench/publicity_listing.py [--rows 1000000] [--databases sqlite,postgresql]
                                                [--runs 20] [--workdir DIR] [--reuse]

For each database: a scratch database (an SQLite file under --workdir, a temporary folder by default; a
PostgreSQL database `govtrust_bench_listing` on 127.0.0.1 that is dropped and created) is migrated and given
the demo subjects, then N decisions are inserted with executemany: realistic rows over the demo's
departments, five years of decision dates, a few hundred thousand counterparties whose trade names (字号) are
Zipf-distributed (so a two-character name fragment matches hundreds to tens of thousands, a four-character
one tens), 20 % natural persons (masked numbers), penalties shown for 3 months to 3 years, licences for
3 years, so a third of the table is past its period (most already `expired`, some still `published` with
an end date behind today: the listing's own filter must hide them), 0.5 % withdrawn.

Then, in a fresh process (migrations applied first, so that `--reuse` measures new indexes on the same
data), each page is requested through Django's test Client (the full view, template and middleware),
`--runs` times after one warm-up (5 times when the warm-up took over 0.5 s): median and p95 in milliseconds, the number of SQL statements, and the
slowest statement's time. The same-run floor is a primary-key range read of 20 decisions with the
same columns (what any page must at least cost), and the plain template render of a list page is
included in each figure. `--explain` prints PostgreSQL's EXPLAIN ANALYZE (SQLite's EXPLAIN QUERY PLAN) of
the slowest statement of every page that takes more than 20 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_NAME = "govtrust_bench_listing"
PG = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
TODAY = dt.date(2026, 12, 1)  # fixed, so that a reused database describes the same "current" set
SLOW, SLOW_RUNS = 0.5, 5  # a page whose warm-up takes over 0.5 s is timed 5 times, not --runs times

# 字号 (trade names): two characters, drawn Zipf-like from a fixed pool, so fragments have realistic spread.
ZIHAO_CHARS = "恒信华泰宏达昌盛鑫源金鼎嘉禾锦绣云海天成永和瑞丰新立德隆兴旺福安康明远志诚通顺佳美创亿博宇辉煌"
TRADES = ("商贸", "科技", "建设", "餐饮", "物流", "建材", "农业", "医药", "环保", "实业", "文化", "酒店", "工程", "食品",
          "电子", "汽车服务", "房地产开发", "劳务", "矿业", "旅游")
SUFFIXES = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司", "经营部")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
VIOLATIONS = ("虚假宣传", "未按规定明码标价", "无证经营", "超范围经营", "违规排放", "未按规定公示信息", "安全隐患未整改")
PENALTIES = (("警告", ["warning"]), ("罚款", ["fine"]), ("警告、罚款", ["warning", "fine"]),
             ("罚款、没收违法所得", ["fine", "confiscation"]), ("责令停产停业", ["suspension"]))
LICENCES = (("食品经营许可证", "ordinary"), ("建设工程规划许可证", "ordinary"), ("排污许可证", "approval"),
            ("道路运输经营许可证", "franchise"), ("个体工商户登记", "registration"))


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govtrust.test_settings")
    import django

    django.setup()


# --------------------------------------------------------------------------------------------- children

def build(rows: int) -> dict:
    """Migrate, load the demo subjects, insert `rows` decisions with executemany (one transaction)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from govtrust.core.context import acting
    from govtrust.core.identifiers import normalize_name
    from govtrust.publicity.models import Decision
    from govtrust.subjects.demo import load_demo, make_resident_id, make_uscc
    from govtrust.subjects.models import Organization

    with acting(actor_label="bench", channel="cli"):
        load_demo()
    departments = list(Organization.objects.filter(kind=Organization.Kind.DEPARTMENT).exclude(uscc=None)
                       .order_by("pk").values_list("id", "name", "region__code"))
    rng = random.Random(7)
    zihao = [a + b for a in ZIHAO_CHARS for b in ZIHAO_CHARS if a != b]
    rng.shuffle(zihao)
    weights = [1 / (i + 1) ** 0.9 for i in range(len(zihao))]
    # counterparties: (category, name, uscc, id_masked)
    parties: list[tuple[str, str, str, str]] = []
    for n in range(max(1000, rows // 4)):
        _, dname, region = departments[n % len(departments)]
        division = (region or "530102")[:6]
        place = dname[:2]
        roll = rng.random()
        if roll < 0.2:
            rid = make_resident_id(division, dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28), n % 999)
            parties.append(("natural_person", rng.choice(SURNAMES) + "某" + rng.choice(SURNAMES[:8] + "某"), "",
                            rid[:6] + "********" + rid[-4:]))
        elif roll < 0.35:
            parties.append(("individual_business",
                            f"{place}{rng.choice(SURNAMES)}记{rng.choice(('小吃店', '便利店', '五金店', '理发店'))}",
                            make_uscc("92", division, 700000 + n), ""))
        else:
            name = f"{place}{rng.choices(zihao, weights)[0]}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
            parties.append(("organization", name, make_uscc("91", division, 500000 + n), ""))
    fields = [f for f in Decision._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    sql = (f"INSERT INTO {Decision._meta.db_table} ({', '.join(columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    pg = connection.vendor == "postgresql"
    start_day = TODAY - dt.timedelta(days=5 * 365)
    blank = {f.column: (None if f.null else "[]" if f.get_internal_type() == "JSONField" else
                        False if f.get_internal_type() == "BooleanField" else 0 if "Integer" in f.get_internal_type()
                        else "") for f in fields}
    started = time.perf_counter()
    chunk: list[tuple] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(rows):
            # 30 % of the decisions concern one party in twenty (frequent licensees, repeat offenders)
            category, name, uscc, masked = parties[rng.randrange(len(parties) // 20 if rng.random() < 0.3
                                                                 else len(parties))]
            authority, aname, _ = departments[rng.randrange(len(departments))]
            decided = start_day + dt.timedelta(days=int(rng.triangular(0, 5 * 365, 5 * 365)))
            penalty = rng.random() < 0.6
            row = dict(blank)
            if penalty:
                text, kinds = rng.choice(PENALTIES)
                months = rng.choice((3, 12, 12, 36)) if "fine" in kinds else 3
                end = decided + dt.timedelta(days=30 * months)
                fine = round(rng.uniform(0.05, 30), 2) if "fine" in kinds else None
                row |= {"kind": "penalty", "document_number": f"罚〔{decided.year}〕{i}号",
                        "violation_type": rng.choice(VIOLATIONS), "facts": "经查，当事人存在违法行为，事实清楚。",
                        "basis": "《中华人民共和国行政处罚法》及相关法律法规", "penalty_kinds": json.dumps(kinds),
                        "penalty_content": text + (f"，罚款{fine}万元" if fine else ""), "fine_amount": fine}
            else:
                cert, lcat = rng.choice(LICENCES)
                end = decided + dt.timedelta(days=3 * 365)
                row |= {"kind": "licence", "document_number": f"许〔{decided.year}〕{i}号",
                        "document_name": "准予行政许可决定书", "licence_category": lcat, "certificate_name": cert,
                        "licence_number": f"XK{i:010d}", "licence_content": cert, "valid_from": decided.isoformat(),
                        "valid_to": (decided + dt.timedelta(days=5 * 365)).isoformat()}
            roll = rng.random()
            status = ("withdrawn" if roll < 0.005 else
                      "expired" if end < TODAY and roll < 0.9 else "published")
            key = uscc or f"id:{i:064x}"
            published = f"{decided + dt.timedelta(days=rng.randrange(1, 10))} 08:00:00" + ("+00:00" if pg else "")
            row |= {"counterparty_name": name, "counterparty_normalized": normalize_name(name),
                    "counterparty_category": category, "counterparty_key": key, "uscc": uscc,
                    "id_type": "身份证" if masked else "", "id_masked": masked, "id_hash": f"{i:064x}" if masked else "",
                    "id_encrypted": "x" if masked else "", "legal_representative": rng.choice(SURNAMES) + "某",
                    "decision_date": decided.isoformat(), "disclosure_end": end.isoformat(),
                    "authority_id": authority, "authority_name": aname, "source_id": authority, "status": status,
                    "withdrawn_note": "原决定已依法撤销" if status == "withdrawn" else "",
                    "published_at": published, "updated_at": published, "on_time": True, "complete": True,
                    "accurate": True, "content_hash": f"{i:032x}"}
            chunk.append(tuple(row[c] for c in columns))
            if len(chunk) == 10000:
                cursor.executemany(sql, chunk)
                chunk.clear()
        if chunk:
            cursor.executemany(sql, chunk)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"rows": rows, "insert_seconds": seconds}


def _cases() -> list[tuple[str, str]]:
    """The pages: (label, URL), with search terms picked from the data so that they match what they say."""

    from govtrust.publicity.models import Decision
    from govtrust.publicity.services import public_decisions

    current = public_decisions(TODAY)
    mid = current.order_by("-decision_date", "-pk").values_list("pk", "uscc").filter(uscc__startswith="91")[5000]
    authority = Decision.objects.values_list("authority_name", flat=True).order_by("pk")[123]
    zihao = [a + b for a in ZIHAO_CHARS for b in ZIHAO_CHARS if a != b]
    random.Random(7).shuffle(zihao)  # as build() ordered them: the last are the rarest
    # 字号 by rank: the most common one (tens of thousands of decisions), the 20th (thousands), the rarest (tens);
    # four characters: a department's place name and the 20th
    place = Decision.objects.filter(counterparty_category="organization").values_list(
        "counterparty_name", flat=True).order_by("pk")[0][:2]
    top, common, rare = zihao[0], zihao[19], zihao[-1]
    four = place + common

    def hits(term: str) -> str:
        return f"{current.filter(counterparty_normalized__contains=term).count():,} current"

    year = TODAY.year - 1
    return [
        ("floor: 20 by primary key", ""),
        ("list, first page", "/publicity/"),
        ("list, page 2 (next link)", "NEXT:/publicity/"),
        ("list, page 500", "/publicity/?page=500"),
        (f"name, most common 2 chars ({top}, {hits(top)})", f"/publicity/?q={top}"),
        (f"name, 2 chars ({common}, {hits(common)})", f"/publicity/?q={common}"),
        (f"name, 4 chars ({four}, {hits(four)})", f"/publicity/?q={four}"),
        (f"name, rare 2 chars ({rare}, {hits(rare)})", f"/publicity/?q={rare}"),
        ("full USCC", f"/publicity/?q={mid[1]}"),
        (f"USCC prefix ({mid[1][:8]})", f"/publicity/?q={mid[1][:8]}"),
        ("authority", f"/publicity/?authority={authority[3:]}"),
        (f"date range ({year}-03)", f"/publicity/?from={year}-03-01&to={year}-03-31"),
        ("kind = licence", "/publicity/?kind=licence"),
        ("kind + name + dates", f"/publicity/?kind=penalty&q={common}&from={year}-01-01&to={year}-12-31"),
        ("detail page", f"/publicity/{mid[0]}/"),
        ("API public list", "/api/v1/publicity/public/decisions?limit=20"),
        (f"API public list, name ({common})", f"/api/v1/publicity/public/decisions?limit=20&q={common}"),
    ]


def measure(runs: int, explain: bool) -> dict:
    """Apply migrations (new indexes), then time every page through the test Client."""
    from unittest import mock

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    if migrated > 1:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from govtrust.publicity.models import Decision
    from govtrust.publicity.services import public_decisions

    client = Client(HTTP_HOST="localhost")
    results = []
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        cases = _cases()
        columns = ("id", "kind", "counterparty_name", "counterparty_category", "uscc", "id_masked", "document_number",
                   "decision_date", "authority_name", "status", "withdrawn_note", "penalty_content", "licence_content",
                   "source__name", "authority__name")
        top = Decision.objects.order_by("-pk").values_list("pk", flat=True)[0]
        for label, url in cases:
            if url.startswith("NEXT:"):
                body = client.get(url[5:]).content.decode()
                marker = 'rel="next" href="'
                url = body.split(marker, 1)[1].split('"', 1)[0].replace("&amp;", "&") if marker in body else url[5:] + "?page=2"
            times, queries, status, size = [], None, 0, 0
            planned = runs
            for run in range(runs + 1):
                if run > planned:
                    break
                with CaptureQueriesContext(connection) as captured:
                    t0 = time.perf_counter()
                    if url:
                        response = client.get(url)
                        status, size = response.status_code, len(response.content)
                    else:
                        list(public_decisions(TODAY).filter(pk__lte=top - 1000, pk__gt=top - 1020).only(*columns))
                    elapsed = time.perf_counter() - t0
                if run:
                    times.append(elapsed * 1000)
                    queries = captured.captured_queries
                elif elapsed > SLOW:  # a slow page: fewer runs (its spread is small next to its size)
                    planned = min(runs, SLOW_RUNS)
            slowest = max(queries, key=lambda q: float(q["time"])) if queries else {"sql": "", "time": "0"}
            entry = {"label": label, "url": url, "status": status, "bytes": size, "median": statistics.median(times),
                     "p95": statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0],
                     "runs": len(times), "queries": len(queries or []), "slowest_ms": float(slowest["time"]) * 1000,
                     "slowest_sql": slowest["sql"]}
            if explain and entry["median"] > 20 and slowest["sql"]:
                with connection.cursor() as cursor:
                    if connection.vendor == "postgresql":
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                    else:
                        cursor.execute("EXPLAIN QUERY PLAN " + slowest["sql"])
                    entry["plan"] = "\n".join(" | ".join(str(c) for c in r) for r in cursor.fetchall())
            results.append(entry)
    return {"cases": results, "migrate_seconds": migrated, "decisions": Decision.objects.count(),
            "current": public_decisions(TODAY).count()}


# ------------------------------------------------------------------------------------------------ parent

def _child(database_url: str, code: str) -> dict:
    env = os.environ | {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "govtrust.test_settings",
                        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT / 'bench'}"}
    done = subprocess.run([sys.executable, "-c", "import django; django.setup(); import publicity_listing as b; "
                           f"import json; print(json.dumps({code}))"], env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"child failed: {code}")
    return json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workdir", help="keep the SQLite file here (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="measure the databases built by an earlier run")
    parser.add_argument("--explain", action="store_true", help="print the plan of the slowest statement of slow pages")
    args = parser.parse_args()
    print(f"rows: {args.rows:,}   machine: {os.cpu_count()} cores   python {sys.version.split()[0]}   "
          f"today = {TODAY}   runs: {args.runs} (+1 warm-up)")
    with tempfile.TemporaryDirectory(prefix="govtrust-bench-") as tmp:
        folder = Path(args.workdir or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for vendor in args.databases.split(","):
            url = f"sqlite:///{folder / 'listing.sqlite3'}" if vendor == "sqlite" else PG
            if not args.reuse:
                if vendor == "postgresql":
                    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c",
                                    f"DROP DATABASE IF EXISTS {PG_NAME}", "-c", f"CREATE DATABASE {PG_NAME}"],
                                   check=True, capture_output=True)
                else:
                    for suffix in ("", "-wal", "-shm"):
                        (folder / f"listing.sqlite3{suffix}").unlink(missing_ok=True)
                built = _child(url, f"b.build({args.rows})")
                print(f"\n== {vendor}: inserted {built['rows']:,} decisions in {built['insert_seconds']:.0f} s")
            done = _child(url, f"b.measure({args.runs}, {args.explain})")
            print(f"\n== {vendor}  ({done['decisions']:,} decisions, {done['current']:,} current; "
                  f"migrations applied before measuring: {done['migrate_seconds']:.1f} s)")
            print(f"{'page':<52} {'median ms':>10} {'p95 ms':>8} {'runs':>4} {'SQL':>4} {'slowest SQL ms':>15}  status")
            for c in done["cases"]:
                print(f"{c['label']:<52} {c['median']:>10.1f} {c['p95']:>8.1f} {c.get('runs', 0):>4} {c['queries']:>4} "
                      f"{c['slowest_ms']:>15.1f}  {c['status'] or '-'}")
            for c in done["cases"]:
                print(f"\n-- {c['label']}: {c['url']}\n   slowest SQL ({c['slowest_ms']:.1f} ms): {c['slowest_sql'][:1500]}")
                if c.get("plan"):
                    print("   plan:\n     " + c["plan"].replace("\n", "\n     "))


if __name__ == "__main__":
    main()
