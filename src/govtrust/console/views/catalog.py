"""The record catalog (信用信息目录): categories with their legal basis, field specs and version history,
edited and created through ledger.catalog (each edit a new CategoryVersion); and the disclosure regimes,
read-only (they change with the national rules, by migration)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.ledger import catalog
from govtrust.ledger.models import CIVIL_SERVANT_KIND, Category, DisclosureScope, Polarity, Regime, Severity
from govtrust.subjects.models import Organization

from ..forms import ServiceForm, reason_field
from .base import console_view, edit_versioned, submit
from .records import Change, diff

FIELDS_HELP = gettext_lazy(
    "JSON 列表，每项一个字段：name（小写英文）、label（中文名称）、label_en、type（text/date/money/integer/choice）、"
    "required（true/false）、choices（选项字段必填，如 [[\"judgment\", \"判决\"]]）、max_length。"
)


def subject_kind_choices() -> list[tuple[str, Any]]:
    return [*Organization.Kind.choices, (CIVIL_SERVANT_KIND, gettext_lazy("公务员"))]


class CategoryForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=64)
    name_en = forms.CharField(label=gettext_lazy("英文名称"), max_length=128)
    polarity = forms.ChoiceField(label=gettext_lazy("性质"), choices=Polarity.choices)
    subject_kinds = forms.MultipleChoiceField(label=gettext_lazy("适用主体"), choices=subject_kind_choices,
                                              widget=forms.CheckboxSelectMultiple)
    default_severity = forms.ChoiceField(label=gettext_lazy("默认失信程度"), required=False,
                                         choices=[("", "—"), *Severity.choices],
                                         help_text=gettext_lazy("仅失信类别填写"))
    legal_basis = forms.CharField(label=gettext_lazy("依据"), widget=forms.Textarea(attrs={"rows": 3}))
    disclosure_scope = forms.ChoiceField(label=gettext_lazy("公开范围"), choices=DisclosureScope.choices)
    domain = forms.CharField(label=gettext_lazy("领域"), max_length=32, required=False,
                             help_text=gettext_lazy("用于选择公示期限规则中的领域专项规则，可留空"))
    disclosure_months = forms.IntegerField(label=gettext_lazy("公示期限（月）"), min_value=0, max_value=1200,
                                           required=False)
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False)
    ordering = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=32767, initial=0)
    fields = forms.CharField(label=gettext_lazy("专有字段"), help_text=FIELDS_HELP, required=False,
                             widget=forms.Textarea(attrs={"rows": 12, "class": "mono"}))
    reason = reason_field()

    def clean_fields_json(self) -> Any:
        text = (self.cleaned_data.get("fields") or "").strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise forms.ValidationError(
                _("不是有效的 JSON：第%(line)s行第%(col)s列（%(msg)s）") % {"line": err.lineno, "col": err.colno,
                                                                      "msg": err.msg}) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "fields" in data:
            try:
                data["fields"] = self.clean_fields_json()
            except forms.ValidationError as err:
                self.add_error("fields", err)
        data["default_severity"] = data.get("default_severity") or ""
        return data


class CategoryCreateForm(CategoryForm):
    code = forms.CharField(label=gettext_lazy("代码"), max_length=40,
                           help_text=gettext_lazy("英文字母、数字和下划线，创建后不能修改"))
    field_order = ["code", "name", "name_en"]


def _initial(category: Category) -> dict[str, Any]:
    initial = catalog.content_of(category)
    initial["fields"] = json.dumps(category.fields, ensure_ascii=False, indent=2)
    return initial


def _visible(user: Any, pk: int) -> Category:
    return access.get_visible(user, Category.objects.all(), Perm.LEDGER_VIEW, pk=pk)


def _kind_labels() -> dict[str, str]:
    return {value: str(label) for value, label in subject_kind_choices()}


def _category_labels() -> dict[str, str]:
    return {f.name: str(f.verbose_name) for f in Category._meta.get_fields() if hasattr(f, "verbose_name")}


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@console_view(Perm.LEDGER_VIEW)
def category_list(request: HttpRequest) -> HttpResponse:
    kinds = _kind_labels()
    categories = [(c, [kinds.get(k, k) for k in c.subject_kinds])
                  for c in access.restrict(request.user, Category.objects.all(), Perm.LEDGER_VIEW)]
    return render(request, "console/catalog/list.html", {
        "categories": categories, "can_change": access.can(request.user, Perm.CATALOG_CHANGE)})


@console_view(Perm.LEDGER_VIEW)
def category_detail(request: HttpRequest, pk: int) -> HttpResponse:
    category = _visible(request.user, pk)
    labels = _category_labels()
    # A stored version may lack an attribute (the shipped defaults omit `active`): it had the model's default.
    defaults = {name: Category._meta.get_field(name).get_default() for name in catalog.VERSIONED}
    versions, previous = [], None
    for version in category.versions.order_by("number"):
        content = defaults | version.content
        changes = [Change(c.label, _show(c.before), _show(c.after)) for c in diff(previous, content, labels)]
        versions.append({"version": version, "changes": changes})
        previous = content
    kinds = _kind_labels()
    return render(request, "console/catalog/detail.html", {
        "category": category, "subject_kinds": [kinds.get(k, k) for k in category.subject_kinds],
        "versions": list(reversed(versions)), "can_change": access.can(request.user, Perm.CATALOG_CHANGE),
    })


@console_view(Perm.CATALOG_CHANGE)
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = _visible(request.user, pk)
    form = CategoryForm(request.POST or None, initial=_initial(category))
    return edit_versioned(request, category, form, catalog.update_category, template="console/catalog/form.html",
                          context={"category": category}, url_name="console:category")


@console_view(Perm.CATALOG_CHANGE)
def category_create(request: HttpRequest) -> HttpResponse:
    form = CategoryCreateForm(request.POST or None, initial={"active": True, "fields": "[]",
                                                             "disclosure_scope": DisclosureScope.PUBLIC})

    def create(data: dict[str, Any]) -> Category:
        return catalog.create_category(request.user, **data)

    created, status = submit(request, form, create)
    if created:
        messages.success(request, _("已新增类别“%(name)s”。") % {"name": created.name})
        return redirect("console:category", pk=created.pk)
    return render(request, "console/catalog/form.html", {"form": form, "category": None}, status=status)


@console_view(Perm.LEDGER_VIEW)
def regime_list(request: HttpRequest) -> HttpResponse:
    regimes = access.restrict(request.user, Regime.objects.prefetch_related("rules"), Perm.LEDGER_VIEW)
    return render(request, "console/catalog/regimes.html", {"regimes": regimes})
