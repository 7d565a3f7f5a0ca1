"""An indicator system's tree (指标体系) as data, and every check it must pass before it is published.

Content (one JSON document, kept whole per version):

    {"min_coverage": 0.3,                            # share of the weight with data a subject needs to be ranked
     "sensitivity": 0.2,                             # each first-level weight ± this share for the rank range
     "grades": [{"grade": "A", "min": 90}, {"grade": "B", "min": 80}, {"grade": "C", "min": 60}, {"grade": "D", "min": 0}],
     "children": [                                   # the dimensions (first level)
        {"code": "transparency", "name": "政务公开", "weight": 20, "children": [   # weights of siblings sum to 100
            {"code": "publicity_on_time", "name": "双公示按时公示率", "weight": 60,
             "source": "publicity.on_time_rate",     # a code of sources.SOURCES
             "direction": "higher",                  # higher (is better) | lower
             "normalize": {"method": "linear", "lo": 0.6, "hi": 1.0},
                 # linear: between the bounds, clamped; direction higher: the larger bound → 100, lower: the
                 # smaller bound → 100; thresholds: [{"min": v, "score": s}, …] first match from
                 # the top; rank: by rank among the subjects evaluated, best 100, worst 0
             "min_sample": 5,                        # fewer cases → not applicable for that subject
             "missing": "na",                        # na: not applicable (weight spread over the others) | zero
             "definition": "…", "example": "…", "assumptions": "…"}]}]}

`check(content)` returns every error at once, each naming the node by its path of codes (e.g.
`transparency/publicity_on_time.normalize.hi`), in Chinese and English. `from_table(rows)` builds the
content from a flat table (code, parent, …) as a credit office keeps it in a spreadsheet, refusing orphans
(a parent that is not in the table) and cycles.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from govtrust.core.errors import FieldError

from .sources import SOURCES

DIRECTIONS = ("higher", "lower")
MISSING = ("na", "zero")
METHODS = ("linear", "thresholds", "rank")
WEIGHT_TOTAL = 100
TOLERANCE = 0.01
MIN_DEPTH = 2
LEAF_KEYS = {"code", "name", "weight", "source", "direction", "normalize", "min_sample", "missing", "definition",
             "example", "assumptions"}
BRANCH_KEYS = {"code", "name", "weight", "children", "definition"}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def leaves(content: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, leaf) for every leaf indicator, depth first."""
    def walk(nodes: Iterable[dict[str, Any]], prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for node in nodes:
            path = f"{prefix}{node.get('code')}"
            if node.get("children"):
                yield from walk(node["children"], path + "/")
            else:
                yield path, node
    return walk(content.get("children") or [], "")


def _check_normalize(path: str, spec: Any, err: Any) -> None:
    if not isinstance(spec, dict) or spec.get("method") not in METHODS:
        err(f"{path}.normalize", f"标准化方法应为{'、'.join(METHODS)}之一", f"normalize.method must be one of {METHODS}")
        return
    if spec["method"] == "linear":
        lo, hi = _number(spec.get("lo")), _number(spec.get("hi"))
        if lo is None or hi is None or lo == hi:
            err(f"{path}.normalize", "线性标准化须给出不相等的下限 lo 和上限 hi", "linear needs distinct numbers lo and hi")
    elif spec["method"] == "thresholds":
        steps = spec.get("steps")
        ok = isinstance(steps, list) and steps and all(
            isinstance(s, dict) and _number(s.get("min")) is not None and _number(s.get("score")) is not None
            and 0 <= float(s["score"]) <= 100 for s in steps)
        if not ok:
            err(f"{path}.normalize.steps", "阈值须为 [{min, score}] 列表，得分0—100",
                "thresholds need a list of {min, score} with scores 0–100")
        elif [s["min"] for s in steps] != sorted((s["min"] for s in steps), reverse=True):
            err(f"{path}.normalize.steps", "阈值应从高到低排列", "threshold steps must run from the highest down")


def _check_leaf(path: str, node: dict[str, Any], err: Any) -> None:
    unknown = sorted(set(node) - LEAF_KEYS)
    if unknown:
        err(path, f"不认识的字段：{'、'.join(unknown)}", f"unknown keys: {', '.join(unknown)}")
    if node.get("source") not in SOURCES:
        err(f"{path}.source", f"数据来源“{node.get('source')}”不存在", f"unknown data source {node.get('source')!r}")
    if node.get("direction") not in DIRECTIONS:
        err(f"{path}.direction", "方向应为 higher（越高越好）或 lower（越低越好）", "direction must be higher or lower")
    if node.get("missing", "na") not in MISSING:
        err(f"{path}.missing", "缺失数据处理应为 na（不适用）或 zero（计零分）", "missing must be na or zero")
    sample = node.get("min_sample", 0)
    if not isinstance(sample, int) or isinstance(sample, bool) or sample < 0:
        err(f"{path}.min_sample", "最小样本量应为不小于0的整数", "min_sample must be a non-negative integer")
    if not str(node.get("definition") or "").strip():
        err(f"{path}.definition", "须写明指标定义（统计什么、对象、期间）", "a definition is required")
    _check_normalize(path, node.get("normalize"), err)


def _check_grades(grades: Any, err: Any) -> None:
    ok = isinstance(grades, list) and grades and all(
        isinstance(g, dict) and str(g.get("grade") or "").strip() and _number(g.get("min")) is not None for g in grades)
    if not ok:
        err("grades", "等次应为 [{grade, min}] 列表", "grades must be a list of {grade, min}")
        return
    mins = [float(g["min"]) for g in grades]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        err("grades", "等次下限应从高到低且互不相同", "grade boundaries must decrease strictly")
    if mins[-1] != 0:
        err("grades", "最低等次的下限应为0", "the lowest grade must start at 0")


def check(content: Any) -> list[FieldError]:
    """Every reason the content is not a publishable indicator system (none: it is)."""
    errors: list[FieldError] = []

    def err(field: str, message: str, message_en: str) -> None:
        errors.append(FieldError(field, message, message_en))

    if not isinstance(content, dict) or not isinstance(content.get("children"), list) or not content["children"]:
        return [FieldError("children", "指标体系至少应有一个一级指标", "the system needs at least one dimension")]
    _check_grades(content.get("grades"), err)
    floor = content.get("min_coverage", 0)
    if _number(floor) is None or not 0 <= float(floor) <= 1:
        err("min_coverage", "参与排名的最低数据覆盖权重应为0—1之间的数", "min_coverage must be a number from 0 to 1")
    step = content.get("sensitivity")  # absent: the ±20 % of scoring.EARLIER_SENSITIVITY
    if step is not None and (_number(step) is None or not 0 < float(step) < 1):
        err("sensitivity", "敏感性检验的权重调整幅度应为大于0、小于1的数（如0.2即±20%）",
            "sensitivity must be a number greater than 0 and less than 1 (0.2 is ±20 %)")
    seen: set[str] = set()

    def walk(nodes: list[Any], prefix: str, depth: int) -> None:
        total = 0.0
        for node in nodes:
            if not isinstance(node, dict):
                err(prefix or "children", "指标应为对象", "an indicator must be an object")
                continue
            code = str(node.get("code") or "").strip()
            path = f"{prefix}{code or '?'}"
            if not code:
                err(path, "指标须有代码", "an indicator needs a code")
            elif code in seen:
                err(path, f"指标代码“{code}”重复", f"duplicate indicator code {code!r}")
            seen.add(code)
            if not str(node.get("name") or "").strip():
                err(f"{path}.name", "指标须有名称", "an indicator needs a name")
            weight = _number(node.get("weight"))
            if weight is None or weight <= 0:
                err(f"{path}.weight", "权重应为正数", "the weight must be a positive number")
            else:
                total += weight
            children = node.get("children")
            if children:
                unknown = sorted(set(node) - BRANCH_KEYS)
                if unknown:
                    err(path, f"不认识的字段：{'、'.join(unknown)}", f"unknown keys: {', '.join(unknown)}")
                walk(children, path + "/", depth + 1)
            elif depth < MIN_DEPTH:
                err(path, f"指标体系至少{MIN_DEPTH}级：一级指标下应有具体指标", f"the tree needs at least {MIN_DEPTH} levels")
            else:
                _check_leaf(path, node, err)
        if nodes and abs(total - WEIGHT_TOTAL) > TOLERANCE:
            where = prefix.rstrip("/") or "children"
            err(f"{where}.weight", f"同级指标权重之和应为{WEIGHT_TOTAL}，现为{total:g}",
                f"sibling weights must sum to {WEIGHT_TOTAL}, not {total:g}")

    walk(content["children"], "", 1)
    return errors


TABLE_FIELDS = ("code", "parent", "name", "weight", "source", "direction", "normalize", "min_sample", "missing",
                "definition", "example", "assumptions")


def _typed(node: dict[str, Any], row: int) -> list[FieldError]:
    """A spreadsheet's text cells as the content's types: weight a number, min_sample an integer, normalize JSON."""
    errors = []
    for name, kind in (("weight", float), ("min_sample", int)):
        if isinstance(node.get(name), str):
            try:
                node[name] = kind(node[name].strip())
            except ValueError:
                errors.append(FieldError(name, f"“{node[name]}”不是数字", f"{node[name]!r} is not a number", row=row))
    if isinstance(node.get("normalize"), str):
        try:
            node["normalize"] = json.loads(node["normalize"])
        except ValueError:
            errors.append(FieldError("normalize", "标准化方法应为JSON，如 {\"method\": \"linear\", \"lo\": 0, \"hi\": 1}",
                                     "normalize must be JSON", row=row))
    return errors


def from_table(rows: list[dict[str, Any]], grades: list[dict[str, Any]]) -> tuple[dict[str, Any] | None,
                                                                                 list[FieldError]]:
    """Build the content from flat rows (code, parent code or empty, the node's fields); orphans and cycles
    are refused naming the row (1-based, as a spreadsheet shows it after its header)."""
    errors: list[FieldError] = []
    by_code: dict[str, dict[str, Any]] = {}
    parents: dict[str, str] = {}
    for i, row in enumerate(rows, start=2):
        code = str(row.get("code") or "").strip()
        if not code:
            errors.append(FieldError("code", "指标代码不能为空", "the code is required", row=i))
            continue
        if code in by_code:
            errors.append(FieldError("code", f"指标代码“{code}”重复", f"duplicate code {code!r}", row=i))
            continue
        node = {k: v for k, v in row.items() if k in TABLE_FIELDS and k != "parent" and v not in (None, "")}
        errors += _typed(node, i)
        node["_row"] = i
        by_code[code] = node
        parents[code] = str(row.get("parent") or "").strip()
    for code, parent in parents.items():
        if parent and parent not in by_code:
            errors.append(FieldError("parent", f"上级指标“{parent}”不在表中", f"parent {parent!r} is not in the table",
                                     row=by_code[code]["_row"]))
    for code in parents:
        seen, at = {code}, parents[code]
        while at and at in by_code:
            if at in seen:
                errors.append(FieldError("parent", f"指标“{code}”的上级关系成环", f"{code!r} is in a cycle of parents",
                                         row=by_code[code]["_row"]))
                break
            seen.add(at)
            at = parents[at]
    if errors:
        return None, errors
    children: dict[str, list[dict[str, Any]]] = {}
    for code, parent in parents.items():
        children.setdefault(parent, []).append(by_code[code])
    for code, node in by_code.items():
        node.pop("_row")
        if code in children:
            node["children"] = children[code]
    return {"grades": grades, "children": children.get("", [])}, []
