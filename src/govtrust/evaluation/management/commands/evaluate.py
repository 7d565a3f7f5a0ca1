"""`govtrust evaluate --period 2026Q3 [--system VERSION] [--region CODE] [--kinds government,department]
[--publish] [--json]`: run an evaluation (the same service as the console and the API) and print the ranking.

`--system` takes a version number of the default system (`3`), a system code (`gov-integrity-2026`) or both
(`gov-integrity-2026:3`). Without `--publish` the run stays a draft for the credit office to review.
Exit status: 0 when the run was stored, non-zero with a message naming the field otherwise.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govtrust.core.context import acting
from govtrust.core.errors import ServiceError
from govtrust.evaluation import queries, runs
from govtrust.intake.operator import operator


def system_option(text: str | None) -> tuple[str | None, int | None]:
    if not text:
        return None, None
    code, _sep, version = text.strip().rpartition(":")
    if not code and not version.isdigit():
        return version, None
    if not version.isdigit():
        raise CommandError(f"--system：“{text}”应为版本号、体系代码或 代码:版本 / a version, a code or code:version")
    return code or None, int(version)


class Command(BaseCommand):
    help = "考核评价：评价一个评价期并输出排名 / evaluate a period and print the ranking"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="评价期，如 2026Q3、2026-09、2026、2026-09R12 / the period")
        parser.add_argument("--system", help="指标体系版本 / indicator system: VERSION, CODE or CODE:VERSION")
        parser.add_argument("--region", help="区划代码（默认：全部）/ region code")
        parser.add_argument("--kinds", help="评价对象类别，逗号分隔 / subject kinds, comma-separated")
        parser.add_argument("--note", default="", help="说明 / a note")
        parser.add_argument("--publish", action="store_true", help="评价后发布 / publish the run")
        parser.add_argument("--json", action="store_true", help="以JSON输出 / print JSON")

    def handle(self, *args: Any, period: str, system: str | None, region: str | None, kinds: str | None,
               note: str, publish: bool, **options: Any) -> None:
        code, version = system_option(system)
        op = operator()
        try:
            with acting(actor_label=op.label, channel="cli"):
                run = runs.create_run(op, period=period, system_code=code, version=version, region=region,
                                      kinds=[k.strip() for k in kinds.split(",")] if kinds else None, note=note)
                if publish:
                    run = runs.publish_run(op, run)
        except ServiceError as err:
            raise CommandError(str(err)) from None
        rows = queries.ranking(run)
        if options["json"]:
            self.stdout.write(json.dumps({
                "run": run.pk, "period": run.period, "system": {"code": run.system.code, "version": run.system.version},
                "region": run.region.code, "status": run.status, "fingerprint": run.fingerprint,
                "cutoff": run.cutoff.isoformat(), "corrects": run.corrects_id, "summary": run.summary,
                "ranking": [{k: v for k, v in r.items() if k != "values"} for r in rows]}, ensure_ascii=False))
            return
        w = self.stdout.write
        w(f"评价#{run.pk} {run.period}（{run.period_start}—{run.period_end}） {run.system.name} v{run.system.version} "
          f"· {run.region.name} · {run.get_status_display()}")
        w(f"数据截止 cut-off {run.cutoff:%Y-%m-%d %H:%M} · 输入指纹 fingerprint {run.fingerprint[:16]}")
        group = None
        for r in rows:
            if r["group"] != group:
                group = r["group"]
                w(f"\n{r['group_label']}")
                w("  排名   得分   等次  覆盖   敏感性排名  名称")
            if r["rank"] is None:
                w(f"  {'—':>4} {'—':>6}  {'':4} {r['coverage']:>5.0%}  {'':10}  {r['name']}（无数据，不参与排名）")
                continue
            span = f"{r['rank_best']}–{r['rank_worst']}" if r["rank_best"] != r["rank_worst"] else str(r["rank"])
            w(f"  {r['rank']:>4} {r['score']:>6.2f}  {r['grade']:4} {r['coverage']:>5.0%}  {span:10}  {r['name']}")
