"""The one console script: `govtrust <command>` runs a Django management command with our settings.

One entry point means operators never need to know about manage.py or DJANGO_SETTINGS_MODULE.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govtrust.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["govtrust", *sys.argv[1:]])


if __name__ == "__main__":
    main()
