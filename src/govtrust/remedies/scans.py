"""The remedies' daily scan (see scan.py): reminders before deadlines and 逾期督办 after them."""

from govtrust.jobs.scans import register

from .scan import scan

register("remedies", scan)
