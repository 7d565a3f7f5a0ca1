"""The one console script: `govtrust <command>` runs a Django management command with our settings.

One entry point means operators never need to know about manage.py or DJANGO_SETTINGS_MODULE.
`govtrust check` with a party (--uscc, --resident-id, --name) is a screening check (the `screen` command);
without one it is Django's system check.
"""

import os
import sys

PARTY_OPTIONS = ("--uscc", "--resident-id", "--name")


def command_line(args: list[str]) -> list[str]:
    if args[:1] == ["check"] and any(a.split("=", 1)[0] in PARTY_OPTIONS for a in args[1:]):
        return ["screen", *args[1:]]
    return args


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govtrust.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["govtrust", *command_line(sys.argv[1:])])


if __name__ == "__main__":
    main()
