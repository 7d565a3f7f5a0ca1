"""The commitments' daily scan: overdue marking and warnings before the due date (see scan.py)."""

from govtrust.jobs.scans import register

from .scan import scan

register("commitments", scan)
