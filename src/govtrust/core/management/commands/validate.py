"""`govtrust validate uscc CODE…` and `govtrust validate resident-id NUMBER…`: check identifiers from a shell.

One line per value: the value (a resident ID masked), then valid with the USCC's category, or the
reason it is invalid in Chinese and English. Exits non-zero unless every value is valid. A value of
`-` reads one value per line from standard input, which keeps resident IDs out of the shell history.
"""

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govtrust.core.identifiers import CHECKS, shown

KINDS = {"uscc": "uscc", "resident-id": "resident_id"}


class Command(BaseCommand):
    help = "校验统一社会信用代码或公民身份号码 / validate USCCs or resident ID numbers"
    stealth_options = ("stdin",)  # tests pass their own standard input, as Django's createsuperuser allows

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        kinds.add_parser("uscc", help="统一社会信用代码 / USCC").add_argument("values", nargs="+")
        kinds.add_parser("resident-id", help="公民身份号码 / resident ID").add_argument("values", nargs="+")

    def handle(self, *args, kind: str, values: list[str], **options) -> None:
        stdin = options.get("stdin") or sys.stdin
        checked: list[str] = []
        for v in values:
            checked += [line.strip() for line in stdin if line.strip()] if v == "-" else [v]
        if not checked:
            raise CommandError("没有要校验的值 / nothing to validate: standard input was empty")
        key = KINDS[kind]
        bad = 0
        for raw in checked:
            check = CHECKS[key](raw)
            if check.valid:
                self.stdout.write(f"{shown(key, check)}\t有效 valid\t{check.category}".rstrip())
            else:
                bad += 1
                self.stdout.write(f"{shown(key, check) or '(空)'}\t无效 invalid\t{check.reason} / {check.reason_en}")
        if bad:
            raise CommandError(f"{len(checked)}个中有{bad}个无效 / {bad} of {len(checked)} invalid")
