"""`govtrust audit verify` and `govtrust audit checkpoint`: check the audit chain, and record its end
outside the database so that a cut-off tail is noticed.

    govtrust audit checkpoint                     # prints "SEQ HASH SIGNATURE", appends to var/audit-checkpoints
    govtrust audit checkpoint --no-append | ssh archive 'cat >> govtrust-checkpoints'
    govtrust audit verify                         # uses var/audit-checkpoints when it exists
    govtrust audit verify --checkpoint 1200:9f3a… --checkpoints-file /mnt/worm/govtrust-checkpoints

Exit status 0 when the chain is intact, 1 with the first broken event otherwise (for cron and monitoring).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govtrust.core import audit
from govtrust.core.errors import ServiceError


class Command(BaseCommand):
    help = "校验审计链或记录链外检查点 / Verify the audit chain or record an off-database checkpoint"
    requires_system_checks = []  # the auditor must be able to verify even when other parts are misconfigured

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=CommandParser)
        verify = sub.add_parser("verify", help="校验整条审计链 / verify the whole chain")
        verify.add_argument("--checkpoint", action="append", default=[], metavar="SEQ:HASH",
                            help="链外记录的检查点，可重复 / a checkpoint recorded elsewhere (repeatable)")
        verify.add_argument("--checkpoints-file", type=Path, metavar="FILE",
                            help="检查点文件（默认 var/audit-checkpoints）/ checkpoints file "
                                 "(default var/audit-checkpoints, when it exists)")
        checkpoint = sub.add_parser("checkpoint", help="校验后记录当前链尾 / verify, then record the chain end")
        where = checkpoint.add_mutually_exclusive_group()
        where.add_argument("--append", type=Path, metavar="FILE",
                           help="追加到此文件（默认 var/audit-checkpoints）/ append to FILE "
                                "(default var/audit-checkpoints)")
        where.add_argument("--no-append", action="store_true", help="只打印 / only print the line")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "verify":
                self._verify(options)
            else:
                self._checkpoint(options)
        except audit.ChainBroken as exc:
            raise CommandError(self._broken(exc.problem), returncode=1) from None
        except ServiceError as exc:
            raise CommandError(str(exc), returncode=1) from None

    @staticmethod
    def _broken(problem: audit.Problem) -> str:
        return (f"审计链校验失败：第一个异常事件 #{problem.seq}：{problem.reason}\n"
                f"Audit chain verification FAILED at event #{problem.seq}: {problem.reason_en}")

    def _verify(self, options: dict[str, Any]) -> None:
        checkpoints = audit.recorded_checkpoints(options["checkpoints_file"])
        checkpoints += [audit.Checkpoint.parse(text) for text in options["checkpoint"]]
        result = audit.verify(checkpoints)
        if result.problem is not None:
            raise audit.ChainBroken(result.problem)
        head = result.head
        self.stdout.write(
            f"审计链完整：已校验 {result.checked} 个事件（对照 {len(checkpoints)} 个检查点），链尾 #{head.seq} {head.hash}\n"
            f"Audit chain intact: {result.checked} events checked against {len(checkpoints)} checkpoints, "
            f"head #{head.seq} {head.hash}"
        )

    def _checkpoint(self, options: dict[str, Any]) -> None:
        target = options["append"] or audit.default_checkpoints_file()
        cp = audit.checkpoint(audit.recorded_checkpoints(target) if target.exists() else [])
        self.stdout.write(str(cp))
        if not options["no_append"]:
            audit.append_checkpoint(cp, target)
            self.stderr.write(f"已追加到 {target}，请另行异地保存 / appended to {target}; keep a copy off this server")
