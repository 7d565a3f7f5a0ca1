"""`govtrust ledger expire [--today DATE]`: the scheduled scan that ends disclosure past the maximum period.

Run it daily from cron or a systemd timer (docs/operations.md). Each expired record gets an expiry
revision and an audit event; the scan is restartable (one transaction per record) and takes "today" as
a parameter, so a missed day can be re-run as of that day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from govtrust.core.context import acting
from govtrust.intake.operator import operator
from govtrust.ledger import services


class Command(BaseCommand):
    help = "信用记录定时任务：expire 终止超过最长公示期限的记录 / ledger jobs: expire ends disclosure past the maximum period"

    def add_arguments(self, parser: CommandParser) -> None:
        jobs = parser.add_subparsers(dest="job", required=True)
        expire = jobs.add_parser("expire", help="终止超过最长公示期限的记录 / end disclosure past the maximum period")
        expire.add_argument("--today", help="以该日为今天（YYYY-MM-DD），默认今天 / the day to run as (default: today)")
        expire.add_argument("--limit", type=int, help="最多处理条数 / at most this many records")

    def handle(self, *args: Any, job: str, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期格式应为YYYY-MM-DD：{options['today']} / the date must be YYYY-MM-DD") from None
        op = operator()
        with acting(actor_label=op.label, channel="job"):
            done = services.expire_due(op, today, limit=options["limit"])
        self.stdout.write(f"已终止公示{done}条（截至{today.isoformat()}）/ {done} records expired as of {today.isoformat()}")
