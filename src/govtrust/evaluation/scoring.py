"""From raw inputs to scores, grades, ranks and the sensitivity of ranks — pure functions, no database.

For each subject and leaf indicator, the (num, den) pair of its source gives a value (a rate num/den, a
count num, a mean score num/den). The value is not applicable (NA) when there is nothing to count
(`na_missing`) or fewer cases than the leaf's `min_sample` (`na_sample`); a leaf whose `missing` rule is
`zero` takes the value 0 instead of `na_missing` (a count of new breach records is 0 when there are none).

Normalization to 0–100 (tree.py documents the specification):
- linear: between lo and hi, clamped; the direction says which end earns 100 (higher: the larger bound;
  lower: the smaller bound);
- thresholds: the score of the first step from the top whose `min` the value reaches;
- rank: among the subjects of the same kind with a value, best 100, worst 0, ties sharing the mean rank.

A branch's score is the weighted mean of its children that are not NA: an NA indicator's weight is spread
over its siblings, never counted as zero. A subject's coverage is the share of the total weight that had
data; a subject with no data at all has no score and no rank. Ranks are per kind (county governments are not
ranked against departments), standard competition ranking (1, 2, 2, 4) on the score rounded to two places.

Sensitivity: every first-level weight in turn is raised and lowered by the system's `sensitivity` step (a
share: 0.2 is ±20 %, as issue 9 and the default system have it), the totals recomputed from the dimension scores,
and each subject's best and worst rank over those scenarios kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from statistics import fmean, median
from typing import Any

from . import tree
from .sources import SOURCES

# The step of systems published before it was part of the content: the ±20 % they were run with.
EARLIER_SENSITIVITY = 0.2
SCORE_PLACES = 2
SCORED = ("ok", "zero")  # the statuses that have a value to score


@dataclass
class Result:
    subject: int
    kind: str
    values: dict[str, dict[str, Any]]
    dimensions: dict[str, float | None]
    score: float | None
    coverage: float
    grade: str = ""
    rank: int | None = None
    rank_best: int | None = None
    rank_worst: int | None = None
    scenario_ranks: list[int | None] = field(default_factory=list)


def valuer(leaf: dict[str, Any]) -> Callable[[tuple[float, float] | None], dict[str, Any]]:
    """A leaf's (num, den) → its value for one subject, with its raw inputs and status; the leaf read once."""
    count, zero, least = SOURCES[leaf["source"]].unit == "count", leaf.get("missing", "na") == "zero", \
        leaf.get("min_sample", 0)

    def value(pair: tuple[float, float] | None) -> dict[str, Any]:
        num, den = pair if pair else (0.0, 0.0)
        if not den:
            if zero:
                return {"num": 0, "den": 0, "value": 0.0, "status": "zero"}
            return {"num": num, "den": den, "value": None, "status": "na_missing"}
        x = round(num if count else num / den, 6)
        return {"num": num, "den": den, "value": x, "status": "na_sample" if den < least else "ok"}
    return value


def value_of(leaf: dict[str, Any], pair: tuple[float, float] | None) -> dict[str, Any]:
    """The leaf's value for one subject (see `valuer`)."""
    return valuer(leaf)(pair)


def normalizer(spec: dict[str, Any], direction: str) -> Callable[[float], float]:
    """A leaf's value → 0–100 score by linear bounds or thresholds, with the specification read once (a run
    scores every subject; rank is done over the group: `_rank_scores`)."""
    if spec["method"] == "linear":
        lo, hi = sorted((float(spec["lo"]), float(spec["hi"])))
        lower = direction == "lower"

        def linear(value: float) -> float:
            share = (value - lo) / (hi - lo)
            if lower:
                share = 1 - share
            return round(100 * min(1.0, max(0.0, share)), 4)
        return linear
    steps = [(float(step["min"]), float(step["score"])) for step in spec["steps"]]

    def thresholds(value: float) -> float:
        return next((score for least, score in steps if value >= least), 0.0)
    return thresholds


def normalize(spec: dict[str, Any], direction: str, value: float) -> float:
    """One value's 0–100 score (see `normalizer`)."""
    return normalizer(spec, direction)(value)


def _rank_scores(values: dict[int, float], direction: str) -> dict[int, float]:
    """Scores by rank among `values`: best 100, worst 0, ties the mean of the ranks they share."""
    ordered = sorted(values.items(), key=lambda kv: kv[1], reverse=direction == "higher")
    n, out, i = len(ordered), {}, 0
    while i < n:
        j = i
        while j + 1 < n and ordered[j + 1][1] == ordered[i][1]:
            j += 1
        position = (i + j) / 2  # 0-based mean rank of the tie
        for subject, _ in ordered[i:j + 1]:
            out[subject] = 100.0 if n == 1 else round(100 * (n - 1 - position) / (n - 1), 4)
        i = j + 1
    return out


# The tree compiled once per run: (weight, leaf code, children) with children None for a leaf, and the same
# with each node's share of the total weight in place of its weight (for coverage). A run walks it for every
# subject; walking the JSON document, converting every weight again, cost most of the scoring time.
Compiled = tuple[tuple[float, str, "Compiled | None"], ...]


def _compiled(nodes: list[dict[str, Any]]) -> Compiled:
    return tuple((float(n["weight"]), n["code"], _compiled(n["children"]) if n.get("children") else None)
                 for n in nodes)


def _shares(nodes: list[dict[str, Any]], share: float = 1.0) -> Compiled:
    total = sum(float(n["weight"]) for n in nodes)
    return tuple((part := share * float(n["weight"]) / total, n["code"],
                  _shares(n["children"], part) if n.get("children") else None) for n in nodes)


def _weighted(children: Iterable[tuple[float, float | None]]) -> float | None:
    """The weighted mean of the children that have a score (an NA child's weight goes to its siblings)."""
    total = acc = 0.0
    for w, s in children:
        if s is not None:
            total += w
            acc += w * s
    return acc / total if total else None


def _node_score(weight_code_children: tuple[float, str, Compiled | None], leaf_scores: dict[str, float | None]
                ) -> float | None:
    _w, code, children = weight_code_children
    if children is None:
        return leaf_scores.get(code)
    return _weighted([(c[0], _node_score(c, leaf_scores)) for c in children])


def _coverage(shares: Compiled, leaf_scores: dict[str, float | None]) -> float:
    out = 0.0
    for part, code, children in shares:
        out += _coverage(children, leaf_scores) if children is not None else (
            part if leaf_scores.get(code) is not None else 0.0)
    return out


def grade_of(grades: list[dict[str, Any]], score: float | None) -> str:
    if score is None:
        return ""
    return next((str(g["grade"]) for g in grades if score >= float(g["min"])), str(grades[-1]["grade"]))


def competition_ranks(scores: dict[int, float | None]) -> dict[int, int | None]:
    """1, 2, 2, 4 … on the score rounded to two places; no score, no rank."""
    ranked = sorted(((round(s, SCORE_PLACES), k) for k, s in scores.items() if s is not None), key=lambda t: -t[0])
    out: dict[int, int | None] = dict.fromkeys(scores)
    previous, rank = None, 0
    for position, (score, key) in enumerate(ranked, start=1):
        if score != previous:
            rank, previous = position, score
        out[key] = rank
    return out


def evaluate(content: dict[str, Any], subjects: dict[int, str], inputs: dict[str, dict[int, tuple[float, float]]]
             ) -> list[Result]:
    """Every subject's result; `subjects` maps id → ranking group; `inputs` maps source → subject → (num, den)."""
    leaves = [leaf for _, leaf in tree.leaves(content)]
    order = sorted(subjects.items())
    values: dict[int, dict[str, dict[str, Any]]] = {s: {} for s, _ in order}
    by_kind: dict[str, list[int]] = defaultdict(list)
    for s, kind in order:
        by_kind[kind].append(s)
    for leaf in leaves:
        code, spec, pairs = leaf["code"], leaf["normalize"], inputs.get(leaf["source"], {})
        value = valuer(leaf)
        column = {s: value(pairs.get(s)) for s, _ in order}
        if spec["method"] == "rank":
            for members in by_kind.values():
                usable = {s: column[s]["value"] for s in members if column[s]["status"] in SCORED}
                for s, score in _rank_scores(usable, leaf["direction"]).items():
                    column[s]["score"] = score
        else:
            scale = normalizer(spec, leaf["direction"])
            for v in column.values():
                if v["status"] in SCORED:
                    v["score"] = scale(v["value"])
        for s, v in column.items():
            v.setdefault("score", None)
            values[s][code] = v
    nodes, shares = _compiled(content["children"]), _shares(content["children"])
    results = []
    for s, kind in order:
        leaf_scores = {c: v["score"] for c, v in values[s].items()}
        dims = {node[1]: _rounded(_node_score(node, leaf_scores)) for node in nodes}
        total = _weighted((node[0], dims[node[1]]) for node in nodes)
        results.append(Result(s, kind, values[s], dims, _rounded(total, SCORE_PLACES),
                              round(_coverage(shares, leaf_scores), 4)))
    _rank(content, results, by_kind)
    return results


def _rounded(x: float | None, places: int = 4) -> float | None:
    return None if x is None else round(x, places)


def sensitivity_step(content: dict[str, Any]) -> float:
    """The share by which each first-level weight is raised and lowered for the sensitivity of ranks."""
    return float(content.get("sensitivity", EARLIER_SENSITIVITY))


def _rank(content: dict[str, Any], results: list[Result], by_kind: dict[str, list[int]]) -> None:
    grades = content["grades"]
    index = {r.subject: r for r in results}
    for r in results:
        r.grade = grade_of(grades, r.score)
    dims = [(d["code"], float(d["weight"])) for d in content["children"]]
    step = sensitivity_step(content)
    scenarios = [None] + [(code, factor) for code, _ in dims for factor in (1 + step, 1 - step)]
    floor = float(content.get("min_coverage") or 0)
    for everyone in by_kind.values():
        members = [s for s in everyone if index[s].score is not None and index[s].coverage >= floor]
        dim_scores = {s: [index[s].dimensions[c] for c, _ in dims] for s in members}
        for scenario in scenarios:
            if scenario is None:
                totals = {s: index[s].score for s in members}
            else:
                weights = [w * (scenario[1] if scenario[0] == c else 1) for c, w in dims]
                totals = {s: _weighted(zip(weights, dim_scores[s], strict=True)) for s in members}
            ranks = competition_ranks(totals)
            for s in everyone:
                index[s].scenario_ranks.append(ranks.get(s))
        for s in everyone:  # scenario 0 has the published weights: it is the rank
            r = index[s]
            r.rank = r.scenario_ranks[0]
            ranked = [x for x in r.scenario_ranks if x is not None]
            r.rank_best, r.rank_worst = (min(ranked), max(ranked)) if ranked else (None, None)


def summary(content: dict[str, Any], results: list[Result]) -> dict[str, Any]:
    """Per leaf: coverage (subjects with data), NA counts by reason, distribution of values and scores;
    per sensitivity scenario: how many subjects' ranks moved and by how much at most."""
    indicators = {}
    for path, leaf in tree.leaves(content):
        code = leaf["code"]
        rows = [r.values[code] for r in results]
        vals = sorted(v["value"] for v in rows if v["status"] in ("ok", "zero"))
        scores = sorted(v["score"] for v in rows if v["score"] is not None)
        indicators[code] = {
            "path": path, "subjects": len(rows), "with_data": len(vals),
            "na_missing": sum(v["status"] == "na_missing" for v in rows),
            "na_sample": sum(v["status"] == "na_sample" for v in rows),
            "values": _distribution(vals), "scores": _distribution(scores),
            "histogram": _histogram(scores),
        }
    dims = [d["code"] for d in content["children"]]
    percent = f"{sensitivity_step(content) * 100:g}%"
    scenarios = [(code, f"{sign}{percent}") for code in dims for sign in ("+", "-")]
    sensitivity = []
    for i, (code, change) in enumerate(scenarios, start=1):  # scenario 0 is the published weights
        shifts = [abs(moved - base) for r in results
                  if (moved := r.scenario_ranks[i]) is not None and (base := r.scenario_ranks[0]) is not None]
        sensitivity.append({"dimension": code, "change": change, "moved": sum(1 for x in shifts if x),
                            "max_shift": max(shifts, default=0)})
    ranked = [r for r in results if r.rank is not None]
    return {"indicators": indicators, "sensitivity": sensitivity, "sensitivity_step": percent,
            "subjects": len(results), "ranked": len(ranked),
            "mean_score": round(fmean(r.score for r in ranked if r.score is not None), 2) if ranked else None}


def _histogram(scores: list[float]) -> list[int]:
    """Scores in ten bands of ten points, [0, 10) … [90, 100] (100 in the last)."""
    bands = [0] * 10
    for score in scores:
        if 0 <= score <= 100:
            bands[min(int(score // 10), 9)] += 1
    return bands


def _distribution(xs: list[float]) -> dict[str, float] | None:
    if not xs:
        return None
    q = len(xs) - 1
    return {"min": xs[0], "p25": xs[q // 4], "median": round(median(xs), 6), "p75": xs[(3 * q) // 4],
            "max": xs[-1], "mean": round(fmean(xs), 6)}
