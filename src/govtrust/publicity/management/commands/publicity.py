"""`govtrust publicity report --month 2026-10 [--json]`, `govtrust publicity export --since DATE|last --format csv`
and the scheduled `govtrust publicity expire [--today DATE]`.

Every export is recorded (publicity.ExportRun, and an audit event): `--since last` exports what was published,
changed or withdrawn since the previous export of that kind (to that `--target`), and the first one exports all.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from govtrust.core.access import SYSTEM
from govtrust.core.context import acting
from govtrust.core.errors import ServiceError
from govtrust.intake.operator import operator
from govtrust.publicity import exports, metrics, services
from govtrust.publicity.models import Kind

KINDS = {"penalty": Kind.PENALTY, "licence": Kind.LICENCE}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


class Command(BaseCommand):
    help = ("双公示：时效与质量报告、按国家标准格式导出、公示期满处理 / "
            "publicity: timeliness and quality report, national-format export, expiry")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="时效与质量报告 / the timeliness and quality report")
        period = report.add_mutually_exclusive_group(required=True)
        period.add_argument("--month", help="月份，如2026-10 / a month")
        period.add_argument("--quarter", help="季度，如2026Q4 / a quarter")
        report.add_argument("--kind", choices=sorted(KINDS), help="只统计一类决定 / one kind only")
        report.add_argument("--json", action="store_true", help="以JSON输出 / print JSON")
        export = sub.add_parser("export", help="导出国家标准格式 / export in the national column set")
        export.add_argument("--since", help="只导出此日期起公示、更新或撤下的决定（YYYY-MM-DD）；last 表示自上次导出以来 / "
                                            "incremental since this date, or since the last export (last)")
        export.add_argument("--target", default="", help="报送对象，如“云南省公共信用信息平台”（--since last 按对象分别续接）/ "
                                                     "where the export goes (last continues per target)")
        export.add_argument("--format", choices=exports.FORMATS, default="csv")
        export.add_argument("--kind", choices=sorted(KINDS), default="penalty")
        export.add_argument("--output", "-o", help="输出文件（默认标准输出，xlsx须指定）/ output file")
        expire = sub.add_parser("expire", help="公示期满的决定标记为期满（定时任务）/ mark decisions past their disclosure end")
        expire.add_argument("--today", help="以该日为今天（YYYY-MM-DD），默认今天 / the day to run as (default: today)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, action)(**options)
        except ServiceError as err:
            raise CommandError(str(err)) from None

    def report(self, month: str | None, quarter: str | None, kind: str | None, json: bool, **_: Any) -> None:
        data = metrics.report(SYSTEM, metrics.parse_period(month or quarter), KINDS.get(kind or ""))
        if json:
            self.stdout.write(_dumps(data))
            return
        t = data["total"]
        w = self.stdout.write
        w(f"双公示时效与质量报告 {data['period']}（{data['start']} — {data['end']}）")
        w(f"决定 {t['total']} 项；按时公示率 {_pct(t['on_time_rate'])}（超期 {t['late']} 项，累计 {t['days_late_total']} 个工作日；"
          f"无法计算 {t['unknown']} 项）；要素完整率 {_pct(t['completeness'])}；准确率 {_pct(t['accuracy'])}")
        w("\n按数据来源单位 by department")
        for r in data["by_department"]:
            w(f"  {r['source__name']}（{r['source__region__name']}）: {r['total']} 项, 按时 {_pct(r['on_time_rate'])}, "
              f"完整 {_pct(r['completeness'])}, 准确 {_pct(r['accuracy'])}")
        w("\n按区划 by region")
        for r in data["by_region"]:
            w(f"  {r['source__region__name']}（{r['source__region__code']}）: {r['total']} 项, 按时 {_pct(r['on_time_rate'])}, "
              f"完整 {_pct(r['completeness'])}, 准确 {_pct(r['accuracy'])}")
        w("\n报送情况 coverage (报送 reported / 申报无数据 declared empty / 未报送 silent)")
        for c in data["coverage"]:
            w(f"  {c['month']} {Kind(c['kind']).label}: {c['reported']} / {c['declared_empty']} / {c['silent']}"
              f"（共 {c['departments']} 个部门）")
        w(f"\n预警 warnings: {len(data['warnings'])}")
        for item in data["warnings"]:
            w(f"  [{item['type']}] {item['department']}: {item['message']}")

    def export(self, since: str | None, format: str, kind: str, output: str | None, target: str, **_: Any) -> None:
        if format == "xlsx" and not output:
            raise CommandError("xlsx须用 --output 指定文件 / xlsx needs --output")
        start: dt.date | str | None = None
        if since == "last":
            start = "last"
        elif since:
            try:
                start = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError(f"日期格式应为YYYY-MM-DD或last：{since} / --since must be YYYY-MM-DD or last") from None
        op = operator()
        with acting(actor_label=op.label, channel="cli"):
            content, run = exports.run(op, KINDS[kind], format, start, target=target)
        since_text = f"{timezone.localtime(run.since):%Y-%m-%d %H:%M:%S}" if run.since else "全部 all"
        self.stderr.write(f"导出{run.count}项（自 {since_text} 至 {timezone.localtime(run.until):%Y-%m-%d %H:%M:%S}，"
                          f"导出记录#{run.pk}）/ exported {run.count} decisions (run #{run.pk})")
        if output:
            Path(output).write_bytes(content)
            self.stdout.write(f"已导出到 {output} / exported to {output}")
        else:
            self.stdout.write(content.decode("utf-8"), ending="")

    def expire(self, today: str | None, **_: Any) -> None:
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期格式应为YYYY-MM-DD：{today} / --today must be YYYY-MM-DD") from None
        op = operator()
        with acting(actor_label=op.label, channel="job"):
            done = services.expire_due(op, day)
        self.stdout.write(f"公示期满{done}项（截至{day.isoformat()}）/ {done} decisions expired as of {day.isoformat()}")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)
