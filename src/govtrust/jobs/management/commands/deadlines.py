"""`govtrust deadlines scan [--today DATE] [--only NAME]`: run the scheduled deadline scans on demand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from govtrust.core.context import acting
from govtrust.core.errors import ServiceError
from govtrust.intake.operator import operator
from govtrust.jobs import scans


class Command(BaseCommand):
    help = "期限扫描：逾期标记与到期提醒（定时任务每日运行）/ deadline scans: overdue marking and warnings"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        scan = sub.add_parser("scan", help="运行期限扫描 / run the deadline scans")
        scan.add_argument("--today", help="以该日为今天（YYYY-MM-DD），默认今天 / the day to run as (default: today)")
        scan.add_argument("--only", action="append", help="只运行指定扫描：commitments、ledger-expiry、publicity-expiry / run only this scan")

    def handle(self, *args: Any, action: str, today: str | None = None, only: list[str] | None = None,
               **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期格式应为YYYY-MM-DD：{today} / --today must be YYYY-MM-DD") from None
        op = operator()
        try:
            with acting(actor_label=op.label, channel="job"):
                results = scans.run(op, day, only)
        except KeyError as err:
            raise CommandError(f"未知的扫描：{err.args[0]} / unknown scan") from None
        except ServiceError as err:
            raise CommandError(str(err)) from None
        for name, result in results.items():
            self.stdout.write(f"[{name}] {day.isoformat()} {result.summary()}")
