"""How the measures list and check answers read to people, shared by the console and the portal.

A measure stores codes (scene codes, subject kinds, a trigger as JSON) because code interprets them; a
person reads names and a sentence. A stored check answer likewise holds codes (decision, severity, record
status) so that it stays what was answered; the labels are put beside them only when it is shown, in the
reader's language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govtrust.ledger.models import CIVIL_SERVANT_KIND, Category, Polarity, RecordStatus, Severity
from govtrust.subjects.models import Organization

from .catalog import MARKET_ENTITY, NATURAL_PERSON
from .models import Decision, Effect, MeasureKind, MeasureStatus, PartyList, Scene


def subject_kind_choices() -> list[tuple[str, Any]]:
    """Every subject kind a measure may name (catalog.SUBJECT_KINDS), labelled."""
    return [*Organization.Kind.choices, (CIVIL_SERVANT_KIND, gettext_lazy("公务员")),
            (MARKET_ENTITY, gettext_lazy("登记库外的市场主体（企业、村集体经济组织等）")),
            (NATURAL_PERSON, gettext_lazy("登记库外的自然人（拟录用人员、信用户等）"))]


def _labels(choices: Any) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def scene_names() -> dict[str, str]:
    return dict(Scene.objects.values_list("code", "name"))


def trigger_text(trigger: Any, categories: dict[str, str] | None = None, lists: dict[str, str] | None = None) -> str:
    """The trigger (see sanctions.rules) as one sentence: 近36个月内有失信（负面）记录（一般及以上）…"""
    if not isinstance(trigger, dict):
        return _("（触发条件无效）")
    categories = categories if categories is not None else dict(Category.objects.values_list("code", "name"))
    lists = lists if lists is not None else dict(PartyList.objects.values_list("code", "name"))
    match = trigger.get("match", "any")
    if match == "always":
        return _("每次比对均适用（不论有无信用记录）")
    window = _("近%(months)s个月内") % {"months": trigger["within_months"]} if trigger.get("within_months") else ""
    records = ""
    if trigger.get("polarity") or trigger.get("categories"):
        kind = "、".join(f"“{categories.get(c, c)}”" for c in trigger.get("categories") or [])
        if trigger.get("polarity"):
            polarity = _labels(Polarity.choices).get(trigger["polarity"], trigger["polarity"])
            kind = f"{kind}{polarity}" if kind else polarity
        records = _("%(kind)s记录") % {"kind": kind}
        if trigger.get("min_severity"):
            severity = _labels(Severity.choices).get(trigger["min_severity"], trigger["min_severity"])
            records += _("（%(severity)s及以上）") % {"severity": severity}
    listed = ""
    if trigger.get("lists"):
        listed = _("被列入%(lists)s") % {"lists": "、".join(f"“{lists.get(c, c)}”" for c in trigger["lists"])}
    if match == "none":
        what = "、".join(x for x in (records, listed) if x)
        return _("%(window)s没有%(what)s") % {"window": window, "what": what}
    count = int(trigger.get("min_count") or 1)
    amount = _("至少%(n)s条（项）") % {"n": count} if count > 1 else ""
    parts = []
    if records:
        parts.append(_("%(window)s有%(amount)s%(records)s") % {"window": window, "amount": amount, "records": records})
    if listed:
        parts.append(listed)
    return _("，或").join(parts) or _("（触发条件无效）")


def measure_view(measure: Any, scenes: dict[str, str], kinds: dict[str, str] | None = None,
                 categories: dict[str, str] | None = None, lists: dict[str, str] | None = None) -> dict[str, Any]:
    """A measure with its coded attributes in words (the list pages show many: lookups are passed in)."""
    kinds = kinds if kinds is not None else _labels(subject_kind_choices())
    return {"m": measure, "scenes": [scenes.get(s, s) for s in measure.scenes],
            "subject_kinds": [kinds.get(k, k) for k in measure.subject_kinds],
            "trigger_text": trigger_text(measure.trigger, categories, lists)}


def measure_views(measures: Any) -> list[dict[str, Any]]:
    scenes, kinds = scene_names(), _labels(subject_kind_choices())
    categories = dict(Category.objects.values_list("code", "name"))
    lists = dict(PartyList.objects.values_list("code", "name"))
    return [measure_view(m, scenes, kinds, categories, lists) for m in measures]


def readable_content(content: dict[str, Any], scenes: dict[str, str]) -> dict[str, Any]:
    """A MeasureVersion's content with codes in words, so that a version's changes read as a person wrote them."""
    kinds = _labels(subject_kind_choices())
    coded = {"kind": _labels(MeasureKind.choices), "effect": _labels(Effect.choices),
             "status": _labels(MeasureStatus.choices)}
    out = dict(content)
    for name, labels in coded.items():
        if name in out:
            out[name] = labels.get(out[name], out[name])
    if "scenes" in out:
        out["scenes"] = "、".join(scenes.get(s, s) for s in out["scenes"] or [])
    if "subject_kinds" in out:
        out["subject_kinds"] = "、".join(kinds.get(k, k) for k in out["subject_kinds"] or [])
    if "trigger" in out:
        out["trigger"] = trigger_text(out["trigger"])
    return out


def _findings(part: dict[str, Any]) -> dict[str, Any]:
    severity, status = _labels(Severity.choices), _labels(RecordStatus.choices)
    effect = _labels(Effect.choices)
    records = [{**r, "severity_label": severity.get(r.get("severity", ""), "—"),
                "status_label": status.get(r.get("status", ""), r.get("status", ""))}
               for r in part.get("records") or []]
    measures = [{**m, "effect_label": effect.get(m["effect"], m["effect"]),
                 "kind_label": _labels(MeasureKind.choices).get(m.get("kind", ""), "")}
                for m in part.get("measures") or []]
    return {"records": records, "measures": measures, "listings": part.get("listings") or []}


def answer_view(answer: dict[str, Any], kinds: dict[str, str] | None = None) -> dict[str, Any]:
    """A stored answer with labels beside its codes (decision, effects, severities, record statuses, kinds)."""
    decision = _labels(Decision.choices)
    kinds = kinds if kinds is not None else _labels(subject_kind_choices())
    subject = answer.get("subject")
    candidates = [{**c, **_findings(c), "would_be_label": decision.get(c["would_be"], c["would_be"]),
                   "kind_label": kinds.get(c.get("kind", ""), c.get("kind", ""))}
                  for c in answer.get("candidates") or []]
    return {**answer, **_findings(answer), "decision_label": decision.get(answer["decision"], answer["decision"]),
            "subject": {**subject, "kind_label": kinds.get(subject.get("kind", ""), "")} if subject else None,
            "candidates": candidates}
