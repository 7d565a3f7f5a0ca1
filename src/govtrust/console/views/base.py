"""The guard every console view goes through, and small helpers the areas share.

`console_view(perm)` sends anonymous users to the login page, answers 403 to users without the
console permission or without `perm`, and turns the access layer's NotFound / PermissionDenied into
the console's 404 / 403 pages, so a view body can call `get_visible` and the services directly.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import NotFound, PermissionDenied, ServiceError

from ..forms import ServiceForm

PAGE_SIZE = 20

View = Callable[..., HttpResponse]


def forbidden(request: HttpRequest, error: PermissionDenied | None = None) -> HttpResponse:
    return render(request, "console/403.html", {"error": error or PermissionDenied()}, status=403)


def not_found(request: HttpRequest, error: NotFound | None = None) -> HttpResponse:
    return render(request, "console/404.html", {"error": error or NotFound()}, status=404)


def console_view(perm: str = Perm.CONSOLE) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (access.can(user, Perm.CONSOLE) and access.can(user, perm)):
                return forbidden(request)
            try:
                return view(request, *args, **kwargs)
            except NotFound as err:
                return not_found(request, err)
            except PermissionDenied as err:
                return forbidden(request, err)

        return guarded

    return decorate


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def no_store(response: HttpResponse) -> HttpResponse:
    """For responses carrying a secret (a full resident ID, a new API key): never cached anywhere."""
    response["Cache-Control"] = "no-store"
    return response


def submit(request: HttpRequest, form: ServiceForm, action: Callable[[dict[str, Any]], Any]) -> tuple[Any, int]:
    """Run a change form: on a valid POST call `action(cleaned_data)` (a service call).

    Returns (the action's result or None, the status to re-render the form with): a refusal by the
    service is shown on the form and answered with the ServiceError's status.
    """
    if request.method != "POST":
        return None, 200
    if not form.is_valid():
        return None, 400
    try:
        return action(form.cleaned_data), 200
    except ServiceError as err:
        form.show_service_error(err)
        return None, err.status


def run_action(request: HttpRequest, obj: Any, action: str, *, forms: dict[str, type[ServiceForm]],
               act: Callable[[Any, Any, str, dict[str, Any]], Any], done: dict[str, Any],
               detail: Callable[..., HttpResponse], url_name: str) -> HttpResponse:
    """One of a detail page's action forms, posted: `act(user, obj, action, data)` calls the service; on success
    back to the page with `done[action]`; a refusal shows the page again with the form and its errors."""
    if action not in forms or request.method != "POST":
        return redirect(url_name, pk=obj.pk)
    form = forms[action](request.POST, request.FILES)
    result, status = submit(request, form, lambda data: act(request.user, obj, action, data))
    if result:
        messages.success(request, done[action])
        return redirect(url_name, pk=obj.pk)
    obj.refresh_from_db()
    return detail(request, obj, (action, form), status=status)


def edit_versioned(request: HttpRequest, obj: Any, form: ServiceForm, update: Callable[..., Any], *,
                   template: str, context: dict[str, Any], url_name: str) -> HttpResponse:
    """The edit page of a versioned catalog entry (a record category, a measure): `update(principal, obj,
    reason=…, **changes)` makes a new version; an unchanged form says so and makes none."""
    before = obj.version

    def save(data: dict[str, Any]) -> Any:
        reason = data.pop("reason")
        return update(request.user, obj, reason=reason, **data)

    saved, status = submit(request, form, save)
    if saved:
        if saved.version == before:
            messages.info(request, _("内容没有变化，未生成新版本。"))
        else:
            messages.success(request, _("已保存“%(name)s”（第%(version)s版）。") % {"name": saved.name,
                                                                            "version": saved.version})
        return redirect(url_name, pk=saved.pk)
    return render(request, template, {"form": form, **context}, status=status)
