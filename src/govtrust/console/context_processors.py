"""Template context for both shells: the site's name and owner, and the console navigation the user may see."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from govtrust.commitments.notices import unread_count

from .navigation import menu_for


def console(request: HttpRequest) -> dict[str, Any]:
    """`console_menu` holds (item, active) pairs; it is built only for console pages, where it is shown."""
    user = getattr(request, "user", None)
    menu, unread = [], 0
    if user is not None and request.path.startswith(reverse("console:home")):
        menu = [(item, item.is_active(request.path)) for item in menu_for(user)]
        unread = unread_count(user)
    return {
        "site_name": settings.PORTAL_SITE_NAME,
        # Who runs the site and its ICP filing number, for the portal footer (settings may not name them yet).
        "site_owner": getattr(settings, "PORTAL_OWNER", "") or _("社会信用体系建设工作领导小组办公室"),
        "site_icp": getattr(settings, "PORTAL_ICP", ""),
        "console_menu": menu,
        "inbox_unread": unread,  # notices to the user's organization not yet read (console pages only)
    }
