"""The console inbox (/console/inbox/): the notices to the user's organization, newest first, and marking
them read (one, or all). The unread count in the top bar comes from `notices.unread_count`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from govtrust.console.views.base import console_view, paginate
from govtrust.core.access import Perm

from . import notices


@console_view(Perm.CONSOLE)
def inbox(request: HttpRequest) -> HttpResponse:
    qs = notices.inbox(request.user)
    if request.GET.get("unread") == "yes":
        qs = qs.filter(read_at__isnull=True)
    return render(request, "console/inbox/list.html", {"page": paginate(request, qs),
                                                       "unread_only": request.GET.get("unread") == "yes"})


@console_view(Perm.CONSOLE)
def mark_read(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        raw = request.POST.get("notice", "")
        count = notices.mark_read(request.user, int(raw) if raw.isdigit() else None)
        messages.success(request, _("已标记%(n)d条通知为已读。") % {"n": count})
    return redirect("console:inbox")
