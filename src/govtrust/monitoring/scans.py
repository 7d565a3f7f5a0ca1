"""The monitoring scan, run daily by `govtrust deadlines scan`: every active warning rule (services.scan)."""

from govtrust.jobs.scans import register

from .services import scan

register("warnings", scan)
