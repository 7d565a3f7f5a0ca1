"""Scoring against hand-computed expectations: normalization, not-applicable handling, weights spread over
what has data, grades, competition ranks per kind, and ranks under ±20 % dimension weights."""

import pytest

from govtrust.evaluation import scoring

GRADES = [{"grade": "A", "min": 90}, {"grade": "B", "min": 80}, {"grade": "C", "min": 60}, {"grade": "D", "min": 0}]


def leaf(code, source, weight, normalize, direction="higher", min_sample=1, missing="na"):
    return {"code": code, "name": code, "weight": weight, "source": source, "direction": direction,
            "normalize": normalize, "min_sample": min_sample, "missing": missing, "definition": code}


def linear(lo, hi):
    return {"method": "linear", "lo": lo, "hi": hi}


STEPS = {"method": "thresholds", "steps": [{"min": 3, "score": 0}, {"min": 2, "score": 40}, {"min": 1, "score": 70},
                                           {"min": 0, "score": 100}]}


@pytest.mark.parametrize(("spec", "direction", "value", "expected"), [
    (linear(0.6, 1.0), "higher", 0.9, 75.0),
    (linear(0.6, 1.0), "higher", 0.5, 0.0),  # clamped
    (linear(0.6, 1.0), "higher", 1.0, 100.0),
    (linear(0.0, 0.3), "lower", 0.15, 50.0),  # lower is better: the smaller bound earns 100
    (linear(0.0, 0.3), "lower", 0.0, 100.0),
    (linear(0.0, 0.3), "lower", 0.5, 0.0),
    (STEPS, "lower", 0, 100.0), (STEPS, "lower", 1, 70.0), (STEPS, "lower", 2.5, 40.0), (STEPS, "lower", 7, 0.0),
])
def test_normalization(spec, direction, value, expected):
    assert scoring.normalize(spec, direction, value) == pytest.approx(expected)


def test_values_know_missing_small_samples_zero_and_counts():
    rate = leaf("r", "judgments.performed_rate", 100, linear(0, 1), min_sample=3)
    assert scoring.value_of(rate, None)["status"] == "na_missing"
    assert scoring.value_of(rate, (1, 2)) == {"num": 1, "den": 2, "value": 0.5, "status": "na_sample"}
    assert scoring.value_of(rate, (2, 3)) == {"num": 2, "den": 3, "value": 0.666667, "status": "ok"}
    count = leaf("c", "ledger.new_serious", 100, STEPS, direction="lower", min_sample=0, missing="zero")
    assert scoring.value_of(count, None) == {"num": 0, "den": 0, "value": 0.0, "status": "zero"}
    assert scoring.value_of(count, (4, 1))["value"] == 4  # a count is its numerator


def test_rank_normalization_shares_ties():
    content = {"grades": GRADES, "children": [{"code": "d", "name": "d", "weight": 100, "children": [
        leaf("x", "inspections.mean_score", 100, {"method": "rank"})]}]}
    inputs = {"inspections.mean_score": {1: (90, 1), 2: (80, 1), 3: (80, 1), 4: (50, 1)}}
    results = {r.subject: r for r in scoring.evaluate(content, dict.fromkeys((1, 2, 3, 4, 5), "department"), inputs)}
    assert [results[s].values["x"]["score"] for s in (1, 2, 3, 4)] == [100.0, 50.0, 50.0, 0.0]
    assert results[5].score is None and results[5].rank is None and results[5].coverage == 0


def test_weights_of_missing_indicators_are_spread_and_each_kind_is_ranked_apart():
    content = {"grades": GRADES, "children": [
        {"code": "A", "name": "A", "weight": 60, "children": [
            leaf("a1", "judgments.performed_rate", 50, linear(0, 1)),
            leaf("a2", "ledger.new_serious", 50, STEPS, direction="lower", min_sample=0, missing="zero")]},
        {"code": "B", "name": "B", "weight": 40, "children": [
            leaf("b1", "inspections.mean_score", 100, linear(60, 100))]}]}
    inputs = {"judgments.performed_rate": {1: (3, 4), 2: (1, 1), 3: (0, 2)}, "ledger.new_serious": {1: (1, 1)},
              "inspections.mean_score": {1: (170, 2)}}
    results = {r.subject: r for r in scoring.evaluate(content, {1: "government", 2: "government", 3: "department"},
                                                      inputs)}
    one, two, three = results[1], results[2], results[3]
    # 1: a1 0.75 → 75, a2 one record → 70, A = 72.5; b1 mean 85 → 62.5; total 0.6·72.5 + 0.4·62.5 = 68.5
    assert one.dimensions == {"A": 72.5, "B": 62.5} and one.score == 68.5 and one.grade == "C"
    assert one.coverage == 1.0 and one.values["b1"]["value"] == 85.0
    # 2: no inspection → B not applicable: its weight goes to A (100), not counted as zero
    assert two.dimensions == {"A": 100.0, "B": None} and two.score == 100.0 and two.grade == "A"
    assert two.coverage == 0.6 and two.values["a2"]["status"] == "zero"
    assert (two.rank, one.rank) == (1, 2)
    assert three.score == 50.0 and three.rank == 1 and three.grade == "D"  # departments ranked on their own


def test_sensitivity_shows_ranks_that_turn_on_a_weight():
    content = {"grades": GRADES, "children": [
        {"code": "A", "name": "A", "weight": 60, "children": [leaf("a", "assessments.third_party", 100, linear(0, 100))]},
        {"code": "B", "name": "B", "weight": 40, "children": [leaf("b", "inspections.mean_score", 100, linear(0, 100))]},
    ]}
    # x: 0.6·90 + 0.4·50 = 74.0; y: 0.6·70 + 0.4·82 = 74.8 → y first; with A at 72 of 112, x leads (75.71 v 74.29)
    inputs = {"assessments.third_party": {1: (90, 1), 2: (70, 1), 3: (10, 1)},
              "inspections.mean_score": {1: (50, 1), 2: (82, 1), 3: (10, 1)}}
    results = scoring.evaluate(content, dict.fromkeys((1, 2, 3), "government"), inputs)
    x, y, z = results
    assert (x.score, y.score, x.rank, y.rank) == (74.0, 74.8, 2, 1)
    assert (x.rank_best, x.rank_worst, y.rank_best, y.rank_worst) == (1, 2, 1, 2)
    assert (z.rank_best, z.rank_worst) == (3, 3)
    summary = scoring.summary(content, results)
    moved = {s["dimension"] + s["change"]: (s["moved"], s["max_shift"]) for s in summary["sensitivity"]}
    assert moved["A+20%"] == (2, 1) and moved["A-20%"] == (0, 0) and moved["B-20%"] == (2, 1)
    assert summary["indicators"]["a"]["with_data"] == 3 and summary["indicators"]["a"]["values"]["median"] == 70
    # scores 90, 70, 10 → bands [10, 20), [70, 80), [90, 100]
    assert summary["indicators"]["a"]["histogram"] == [0, 1, 0, 0, 0, 0, 0, 1, 0, 1]


def test_the_sensitivity_step_is_the_systems():
    """At ±1 % no weight turns the ranks of the bodies above (±20 % did): the step is data, shown as it is."""
    content = {"sensitivity": 0.01, "grades": GRADES, "children": [
        {"code": "A", "name": "A", "weight": 60, "children": [leaf("a", "assessments.third_party", 100, linear(0, 100))]},
        {"code": "B", "name": "B", "weight": 40, "children": [leaf("b", "inspections.mean_score", 100, linear(0, 100))]},
    ]}
    inputs = {"assessments.third_party": {1: (90, 1), 2: (70, 1)}, "inspections.mean_score": {1: (50, 1), 2: (82, 1)}}
    results = scoring.evaluate(content, dict.fromkeys((1, 2), "government"), inputs)
    assert [(r.rank, r.rank_best, r.rank_worst) for r in results] == [(2, 2, 2), (1, 1, 1)]
    summary = scoring.summary(content, results)
    assert summary["sensitivity_step"] == "1%"
    assert [(s["change"], s["moved"]) for s in summary["sensitivity"]] == [
        ("+1%", 0), ("-1%", 0), ("+1%", 0), ("-1%", 0)]
    assert scoring.summary({**content, "sensitivity": 0.2}, scoring.evaluate(
        {**content, "sensitivity": 0.2}, dict.fromkeys((1, 2), "government"), inputs))["sensitivity"][0] == {
        "dimension": "A", "change": "+20%", "moved": 2, "max_shift": 1}


def test_the_score_histogram_bands_are_closed_below_and_100_falls_in_the_last():
    content = {"min_coverage": 0, "grades": GRADES, "children": [
        {"code": "A", "name": "A", "weight": 100, "children": [leaf("a", "inspections.mean_score", 100,
                                                                     linear(0, 100))]}]}
    inputs = {"inspections.mean_score": {i: (x, 1) for i, x in enumerate((0, 9.99, 10, 99.99, 100), start=1)}}
    results = scoring.evaluate(content, dict.fromkeys(range(1, 6), "government"), inputs)
    assert scoring.summary(content, results)["indicators"]["a"]["histogram"] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]


def test_competition_ranks_and_grade_boundaries():
    assert scoring.competition_ranks({1: 90, 2: 80, 3: 80.001, 4: 70, 5: None}) == {1: 1, 2: 2, 3: 2, 4: 4, 5: None}
    assert [scoring.grade_of(GRADES, s) for s in (90, 89.99, 60, 0, None)] == ["A", "B", "C", "D", ""]


def test_a_subject_under_the_minimum_coverage_keeps_its_score_but_is_not_ranked():
    content = {"min_coverage": 0.5, "grades": GRADES, "children": [
        {"code": "A", "name": "A", "weight": 60, "children": [leaf("a", "assessments.third_party", 100, linear(0, 100))]},
        {"code": "B", "name": "B", "weight": 40, "children": [leaf("b", "inspections.mean_score", 100, linear(0, 100))]},
    ]}
    inputs = {"assessments.third_party": {1: (50, 1)}, "inspections.mean_score": {1: (50, 1), 2: (99, 1)}}
    one, two = scoring.evaluate(content, {1: "g", 2: "g"}, inputs)
    assert (one.rank, one.coverage) == (1, 1.0)
    assert (two.score, two.coverage, two.rank, two.rank_best) == (99.0, 0.4, None, None)  # 40 % of the weight
