"""`govtrust report quarterly --period 2026Q3 --out FILE.pdf [--html FILE.html] [--region CODE]`: the quarterly
monitoring report of a quarter as PDF (and HTML).

A published report of that quarter and region is written as it was published (its frozen PDF and HTML);
otherwise the report is rendered as a draft from the quarter's latest published evaluation run (nothing is
stored: drafting and publishing are done in the console or through the API). Exit status 0 when the file is
written; non-zero with a message in Chinese and English otherwise (a bad period, no published run, no font).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govtrust.core.context import acting
from govtrust.core.errors import ServiceError
from govtrust.intake.operator import operator
from govtrust.reports import render, services


class Command(BaseCommand):
    help = "监测报告：输出季度监测报告PDF / monitoring reports: write the quarterly report as PDF"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        q = sub.add_parser("quarterly", help="季度监测报告 / the quarterly monitoring report")
        q.add_argument("--period", required=True, help="季度，如2026Q3 / the quarter")
        q.add_argument("--out", required=True, help="PDF输出文件 / the PDF file to write")
        q.add_argument("--html", help="同时输出HTML文件 / also write the HTML version")
        q.add_argument("--region", help="区划代码（默认：有评价的最高一级区划）/ region code")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, action)(**options)
        except ServiceError as err:
            raise CommandError(str(err)) from None

    def quarterly(self, period: str, out: str, html: str | None, region: str | None, **_: Any) -> None:
        op = operator()
        started = time.perf_counter()
        with acting(actor_label=op.label, channel="cli"):
            place = services.region_by_code(region) if region else None
            run = services.run_for(op, period, place)
            published = services.published_reports().filter(period=run.period, region=run.region).first()
            if published is not None:
                text, pdf, state = published.html, bytes(published.pdf), "已发布 published"
            else:
                _run, text = services.preview(op, period, run.region)
                pdf, state = render.render_pdf(text), "草稿 draft"
        try:
            Path(out).write_bytes(pdf)
            if html:
                Path(html).write_text(text, encoding="utf-8")
        except OSError as err:
            raise CommandError(f"无法写入文件：{err} / cannot write the file: {err}") from None
        seconds = time.perf_counter() - started
        self.stdout.write(f"{run.region.name}{run.period}季度监测报告（{state}，依据评价#{run.pk}）已写入 {out}"
                          f"{'、' + html if html else ''}，{len(pdf)} 字节，用时 {seconds:.2f} 秒 / "
                          f"report {run.period} ({state}, run #{run.pk}) written to {out} in {seconds:.2f} s")
