"""`govtrust publicity report --month 2026-10 [--json]` and `govtrust publicity export --since DATE --format csv`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govtrust.core.access import SYSTEM
from govtrust.core.errors import ServiceError
from govtrust.publicity import exports, metrics
from govtrust.publicity.models import Kind

KINDS = {"penalty": Kind.PENALTY, "licence": Kind.LICENCE}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


class Command(BaseCommand):
    help = "双公示：时效与质量报告、按国家标准格式导出 / publicity: timeliness and quality report, national-format export"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="时效与质量报告 / the timeliness and quality report")
        period = report.add_mutually_exclusive_group(required=True)
        period.add_argument("--month", help="月份，如2026-10 / a month")
        period.add_argument("--quarter", help="季度，如2026Q4 / a quarter")
        report.add_argument("--kind", choices=sorted(KINDS), help="只统计一类决定 / one kind only")
        report.add_argument("--json", action="store_true", help="以JSON输出 / print JSON")
        export = sub.add_parser("export", help="导出国家标准格式 / export in the national column set")
        export.add_argument("--since", help="只导出此日期起公示或更新的决定（YYYY-MM-DD）/ incremental since this date")
        export.add_argument("--format", choices=exports.FORMATS, default="csv")
        export.add_argument("--kind", choices=sorted(KINDS), default="penalty")
        export.add_argument("--output", "-o", help="输出文件（默认标准输出，xlsx须指定）/ output file")

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

    def export(self, since: str | None, format: str, kind: str, output: str | None, **_: Any) -> None:
        try:
            day = dt.date.fromisoformat(since) if since else None
        except ValueError:
            raise CommandError(f"日期格式应为YYYY-MM-DD：{since} / --since must be YYYY-MM-DD") from None
        content = exports.export(SYSTEM, KINDS[kind], format, day)
        if output:
            Path(output).write_bytes(content)
            self.stdout.write(f"已导出到 {output} / exported to {output}")
        elif format == "xlsx":
            raise CommandError("xlsx须用 --output 指定文件 / xlsx needs --output")
        else:
            self.stdout.write(content.decode("utf-8"), ending="")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)
