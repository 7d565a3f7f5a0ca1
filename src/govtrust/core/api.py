"""Core API routes: the working-day calendar, identifier validation and the audit trail."""

from ninja import Router

from .audit_api import router as audit_router
from .calendar_api import router as calendar_router
from .identifiers_api import router as identifiers_router

router = Router()
router.add_router("/calendar", calendar_router)
router.add_router("/audit", audit_router)
router.add_router("/identifiers", identifiers_router)
