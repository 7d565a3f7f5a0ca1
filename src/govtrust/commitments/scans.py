"""The commitments' daily scans: overdue marking and warnings before the due date (see scan.py), and the
rectification scans (see rectification_scan.py): opening and closing cases, reminders and 通报."""

from govtrust.jobs.scans import register

from .rectification_scan import escalate, open_cases
from .scan import scan

register("commitments", scan)
register("rectification-open", open_cases)
register("rectification-deadlines", escalate)
