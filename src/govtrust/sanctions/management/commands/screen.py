"""`govtrust check --uscc CODE --scene 招标投标 [--json]` (or `--resident-id`, `--name`): the same answer as
POST /api/v1/checks, stored in the check log like any other check, asked by the server's operator.

The command is `screen`: Django's own `check` (the system checks) keeps its name, and `govtrust check` with
a party option is routed here by govtrust.cli.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govtrust.core.context import acting
from govtrust.core.errors import ServiceError
from govtrust.intake.operator import operator
from govtrust.sanctions import services
from govtrust.sanctions.api import answer_of
from govtrust.sanctions.models import Decision, Effect

SYSTEM_NAME = "govtrust 命令行"


class Command(BaseCommand):
    help = "信用比对：主体在某一场景下适用的奖惩措施 / screening check: the measures that apply to a party in a scene"

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--uscc", help="统一社会信用代码 / USCC")
        who.add_argument("--resident-id", help="公民身份号码 / resident ID")
        who.add_argument("--name", help="名称（只给出候选，不作拦截）/ a name (candidates only, never blocks)")
        parser.add_argument("--scene", required=True, help="场景代码或名称，如 招标投标 / tendering")
        parser.add_argument("--reference", default="", help="业务编号，如招标项目编号 / the case number")
        parser.add_argument("--json", action="store_true", help="以JSON输出 / print JSON")

    def handle(self, *args: Any, uscc: str | None, resident_id: str | None, name: str | None, scene: str,
               reference: str, **options: Any) -> None:
        party = {"uscc": uscc} if uscc else {"resident_id": resident_id} if resident_id else {"name": name}
        op = operator()
        try:
            with acting(actor_label=op.label, channel="cli"):
                found = services.check(op, party=party, scene=scene, system=SYSTEM_NAME, reference=reference)
        except ServiceError as err:
            raise CommandError(str(err)) from None
        answer = answer_of(found)
        if options["json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=1))
            return
        self._print(answer)

    def _print(self, a: dict[str, Any]) -> None:
        w = self.stdout.write
        subject = a.get("subject") or {}
        who = subject.get("name") or a["party"]["name"] or a["party"]["shown"]
        w(f"比对#{a['check_id']} {a['scene']['name']}：{who}（{a['party']['shown']}）")
        w(f"结论 decision: {Decision(a['decision']).label} ({a['decision']})")
        for m in a["measures"]:
            w(f"  [{Effect(m['effect']).label}] {m['code']} {m['name']} — 依据：{m['legal_basis']}")
            if m.get("note"):
                w(f"      {m['note']}")
        for r in a["records"]:
            w(f"  记录#{r['id']} {r['category_name']} {r['decision_date']} {r['document_number']}（{r['authority']}）")
        for x in a["listings"]:
            w(f"  名单#{x['id']} {x['list_name']} {x['listed_on']} {x['document_number']}（{x['authority']}）")
        for c in a.get("candidates", []):
            w(f"  候选 {c['name']} {c['uscc'] or c['key']} 得分{c['score']:.2f} {c['reason']} → 若为同一主体：{c['would_be']}")
        if a.get("note"):
            w(a["note"])
        w(f"信用记录版本 ledger version {a['ledger_version']} · 措施清单版本 measures version {a['measures_version']}")
