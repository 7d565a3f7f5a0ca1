"""`govtrust demo`: load the demo world (idempotent) and print how to log in.

`make run` calls it before starting the server, so every start shows the demo logins and URLs.
"""

from __future__ import annotations

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from govtrust.commitments.demo import load_commitments
from govtrust.commitments.rectification_demo import load_rectification
from govtrust.complaints.demo import load_complaints
from govtrust.core.context import acting
from govtrust.core.errors import ServiceError
from govtrust.evaluation.demo import load_runs
from govtrust.ledger.demo import DEFAULT_RECORDS, load_records
from govtrust.monitoring.demo import load_warnings
from govtrust.publicity.demo import DEFAULT_DECISIONS, load_decisions
from govtrust.remedies.demo import load_remedies
from govtrust.sanctions.demo import load_sanctions
from govtrust.subjects.demo import ACTOR_LABEL, DEFAULT_CIVIL_SERVANTS, PASSWORD_ENV, DemoReport, load_demo
from govtrust.supervision.demo import load_supervision

TALLY_LABELS = {
    "regions": "行政区划 regions",
    "organizations": "单位 organizations",
    "civil_servants": "公务员 civil servants",
    "users": "用户 users",
    "api_keys": "API密钥 API keys",
}


def _width(text: str) -> int:
    """Display width in a terminal: Chinese characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


class Command(BaseCommand):
    help = "加载演示数据（可重复执行，已有数据不变）/ Load the demo data set (idempotent: existing data is left alone)"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--civil-servants", type=int, default=DEFAULT_CIVIL_SERVANTS,
                            help=f"公务员人数 / number of civil servants (default {DEFAULT_CIVIL_SERVANTS})")
        parser.add_argument("--records", type=int, default=DEFAULT_RECORDS,
                            help=f"信用记录条数 / number of ledger records (default {DEFAULT_RECORDS})")
        parser.add_argument("--decisions", type=int, default=DEFAULT_DECISIONS,
                            help=f"双公示决定条数 / number of licence and penalty decisions (default {DEFAULT_DECISIONS})")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000",
                            help="打印链接所用的地址 / address used in the printed links")

    def handle(self, *args, civil_servants: int, records: int, decisions: int, base_url: str, **options) -> None:
        started = time.monotonic()
        try:
            report = load_demo(civil_servants=civil_servants)
            with acting(actor_label=ACTOR_LABEL, channel="cli"):
                loaded = load_records(records)
                published = load_decisions(decisions)
                committed = load_commitments()
                rectifying = load_rectification()
                checked = load_sanctions()
                complained = load_complaints()
                remedied = load_remedies()
                supervised = load_supervision()
                evaluated = load_runs()
                warned = load_warnings()
        except ServiceError as err:
            raise CommandError(str(err)) from None
        self._summary(report, time.monotonic() - started)
        if loaded:
            self.stdout.write(f"  信用记录 ledger records: {loaded}")
        if published:
            self.stdout.write(f"  双公示决定 licence and penalty decisions: {published}")
        if committed:
            self.stdout.write(f"  信用承诺 commitments: {committed}")
        if rectifying:
            self.stdout.write(f"  整改案件 rectification cases: {rectifying}")
        if checked:
            self.stdout.write(f"  信用比对 screening checks: {checked}")
        if complained:
            self.stdout.write(f"  投诉举报 complaints: {complained}")
        if remedied:
            self.stdout.write(f"  异议与信用修复 objections and repair applications: {remedied}")
        if supervised:
            self.stdout.write(f"  监督评价数据 supervision inputs: {supervised}")
        if evaluated:
            self.stdout.write(f"  考核评价（已发布） published evaluation runs: {evaluated}")
        if warned:
            self.stdout.write(f"  监测预警 early warnings: {warned}")
        self._logins(report)
        self._keys(report)
        self._links(base_url.rstrip("/"))

    def _summary(self, report: DemoReport, seconds: float) -> None:
        if report.created:
            self.stdout.write(self.style.SUCCESS(f"演示数据已加载 Demo data loaded ({seconds:.1f} s)"))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"演示数据此前已加载，本次未做改动 Demo data already loaded; nothing changed ({seconds:.1f} s)"))
        rows = [["", "新建 created", "已存在 already loaded"]]
        rows += [[TALLY_LABELS[key], str(t.created), str(t.existing)] for key, t in report.tallies().items()]
        self.stdout.write("\n".join(table(rows)))

    def _logins(self, report: DemoReport) -> None:
        self.stdout.write(f"\n演示账号 Demo logins (密码 password: {report.password}, 环境变量 env {PASSWORD_ENV})")
        rows = [["用户名 username", "角色 role", "单位 organization", "密码 password"]]
        rows += [[lg.username, lg.role_label, lg.organization or "—", report.password] for lg in report.logins]
        self.stdout.write("\n".join(table(rows)))
        if not all(lg.created for lg in report.logins):
            self.stdout.write("  已存在的账号保持不变（包括密码） Existing accounts are left unchanged, passwords included.")

    def _keys(self, report: DemoReport) -> None:
        for key in report.keys:
            if key.raw:
                self.stdout.write(self.style.WARNING(
                    f"\nAPI密钥 API key “{key.name}”（{key.organization}）: {key.raw}\n"
                    "  只显示这一次，请立即保存 Shown only this once; store it now."))
            else:
                self.stdout.write(
                    f"\nAPI密钥已存在 API key exists: “{key.name}”（{key.organization}，{key.prefix}…）\n"
                    "  原始密钥只在签发时显示；如需新密钥，请在工作台“API密钥”中签发\n"
                    "  The raw key is shown only when issued; issue a new one in the console under “API密钥” (API keys).")

    def _links(self, base_url: str) -> None:
        rows = [["门户 portal", base_url + reverse("portal:home")],
                ["工作台 console", base_url + reverse("console:home")],
                ["接口文档 API docs", base_url + reverse("api:openapi-view")]]
        self.stdout.write("\n" + "\n".join(table(rows)))
