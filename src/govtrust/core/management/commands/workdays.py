"""`govtrust workdays add DATE N` and `govtrust workdays between A B`: the deadline arithmetic, from a shell.

Prints only the answer (an ISO date, or a count) so scripts can use it; errors, such as a year whose
schedule has not been entered, go to stderr in Chinese and English with a non-zero exit status.
"""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govtrust.core.calendar import add_working_days, working_days_between
from govtrust.core.errors import ServiceError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为YYYY-MM-DD / a date must be YYYY-MM-DD: {text!r}") from None


class Command(BaseCommand):
    help = "按中国大陆工作日推算期限 / count mainland-China working days (holidays and adjusted working days included)"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="DATE之后的第N个工作日 / the N-th working day strictly after DATE")
        add.add_argument("date", type=_date)
        add.add_argument("n", type=int)
        between = actions.add_parser("between", help="(START, END] 内的工作日数 / working days after START up to END")
        between.add_argument("start", type=_date)
        between.add_argument("end", type=_date)

    def handle(self, *args, action: str, **options) -> None:
        try:
            if action == "add":
                answer = add_working_days(options["date"], options["n"]).isoformat()
            else:
                answer = str(working_days_between(options["start"], options["end"]))
        except ServiceError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(answer)
