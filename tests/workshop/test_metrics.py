"""workshop.metrics: the worked examples of the guide's metric definitions, exactly.

https://docs.aws.amazon.com/personalize/latest/dg/working-with-training-metrics.html#metric-definitions
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest

from personalize_local.evaluation import metrics as emulator
from workshop import metrics

WORKSHOP = Path(__file__).resolve().parents[2] / "workshop"


def ranked_with_hits_at(*ranks: int, length: int = 25) -> list[str]:
    """A list of ``length`` items where the relevant ones ("hit<r>") sit at the given ranks."""
    return [f"hit{i}" if i in ranks else f"miss{i}" for i in range(1, length + 1)]


# ---------------------------------------------------------------------------- documented examples
def test_mrr_documented_example_first_hits_at_4_2_6():
    vectors = [[0, 0, 0, 1], [0, 1], [0, 0, 0, 0, 0, 1]]
    mean = sum(metrics.reciprocal_rank(r) for r in vectors) / 3
    assert mean == pytest.approx((1 / 4 + 1 / 2 + 1 / 6) / 3)
    assert round(mean, 4) == 0.3056


def test_ndcg_documented_example_hits_at_2_and_5():
    r = [0, 1, 0, 0, 1]
    expected = (1 / math.log(3) + 1 / math.log(6)) / (1 / math.log(2) + 1 / math.log(3))
    value = metrics.ndcg_at_k(r, n_relevant=2, k=5)
    assert value == pytest.approx(0.6240505200038379, abs=1e-15)
    assert value == pytest.approx(expected, abs=1e-15)
    assert round(value, 4) == 0.6241
    assert metrics.precision_at_k(r, 5) == 0.4
    assert metrics.reciprocal_rank(r) == 0.5


def test_coverage_example():
    assert metrics.coverage([[1, 2], [2, 3, 4]], catalogue=range(1, 11)) == 0.4
    # Items outside the catalogue do not count.
    assert metrics.coverage([[1, 99]], catalogue=[1, 2]) == 0.5
    with pytest.raises(ValueError):
        metrics.coverage([[1]], catalogue=[])


# ---------------------------------------------------------------------------- last-item examples
def test_last_item_examples_ranks_3_and_12():
    a, b = [0, 0, 1], [0] * 11 + [1]
    assert (metrics.reciprocal_rank(a) + metrics.reciprocal_rank(b)) / 2 == pytest.approx(
        (1 / 3 + 1 / 12) / 2
    )
    assert round((1 / 3 + 1 / 12) / 2, 4) == 0.2083
    for k in (5, 10, 25):
        assert metrics.ndcg_at_k(a, 1, k) == pytest.approx(0.5)
    assert metrics.ndcg_at_k(b, 1, 5) == 0.0
    assert metrics.ndcg_at_k(b, 1, 10) == 0.0
    assert round(metrics.ndcg_at_k(b, 1, 25), 4) == 0.2702
    assert round((metrics.ndcg_at_k(a, 1, 25) + metrics.ndcg_at_k(b, 1, 25)) / 2, 4) == 0.3851
    assert metrics.precision_at_k(a, 5) == pytest.approx(0.2)
    assert metrics.precision_at_k(a, 10) == pytest.approx(0.1)
    assert metrics.precision_at_k(a, 25) == pytest.approx(0.04)


def test_score_reproduces_the_last_item_table():
    recommendations = {"A": ranked_with_hits_at(3), "B": ranked_with_hits_at(12)}
    truth = {"A": {"hit3"}, "B": {"hit12"}}
    result = metrics.score(recommendations, truth)
    assert round(result["mean_reciprocal_rank_at_25"], 4) == 0.2083
    assert result["normalized_discounted_cumulative_gain_at_5"] == pytest.approx(0.25)
    assert result["normalized_discounted_cumulative_gain_at_10"] == pytest.approx(0.25)
    assert round(result["normalized_discounted_cumulative_gain_at_25"], 4) == 0.3851
    assert result["precision_at_5"] == pytest.approx(0.1)  # (0.2 + 0) / 2
    assert result["precision_at_25"] == pytest.approx(0.04)  # P@K = HR@K / K with R = 1
    assert result["hit_rate_at_5"] == 0.5
    assert result["hit_rate_at_25"] == 1.0
    assert "coverage" not in result


# ---------------------------------------------------------------------------- fraction example
def test_fraction_example_three_relevant_hits_at_2_and_7():
    r = metrics.relevance(ranked_with_hits_at(2, 7), {"hit2", "hit7", "never-retrieved"})
    assert round(metrics.ndcg_at_k(r, 3, 5), 4) == 0.2961
    assert round(metrics.ndcg_at_k(r, 3, 10), 4) == 0.4525
    assert metrics.precision_at_k(r, 5) == pytest.approx(0.2)
    assert metrics.precision_at_k(r, 10) == pytest.approx(0.2)
    assert metrics.precision_at_k(r, 25) == pytest.approx(0.08)
    # The same through the vectorised path.
    result = metrics.score(
        {"u": ranked_with_hits_at(2, 7)}, {"u": {"hit2", "hit7", "never-retrieved"}}
    )
    assert round(result["normalized_discounted_cumulative_gain_at_5"], 4) == 0.2961
    assert round(result["normalized_discounted_cumulative_gain_at_10"], 4) == 0.4525
    assert result["precision_at_25"] == pytest.approx(0.08)


def test_ndcg_is_not_the_original_method_0():
    # The original metrics.py gave 1.0 for a lone hit at rank 2 (and 0.7153 for [0,1,0,0,1]).
    assert metrics.ndcg_at_k([0, 1], n_relevant=1, k=25) == pytest.approx(1 / math.log2(3))
    assert metrics.ndcg_at_k([0, 1, 0, 0, 1], 2, 5) != pytest.approx(0.7153382790366966)
    # Missed relevant items count: the ideal uses R, not the retrieved hits.
    assert metrics.ndcg_at_k([1], n_relevant=2, k=5) < 1.0
    assert metrics.ndcg_at_k([1, 0], n_relevant=0, k=5) == 0.0


# ---------------------------------------------------------------------------- edge cases
def test_short_lists_count_missing_positions_as_misses():
    assert metrics.precision_at_k([1, 1], 25) == pytest.approx(2 / 25)
    assert metrics.precision_at_k([], 5) == 0.0
    assert metrics.reciprocal_rank([], 25) == 0.0
    assert metrics.hit_at_k([0, 0, 1], 2) == 0.0
    assert metrics.hit_at_k([0, 0, 1], 3) == 1.0
    # Cut-off respected: a hit below K is ignored.
    assert metrics.reciprocal_rank([0] * 30 + [1], 25) == 0.0


def test_inputs_of_any_numeric_type():
    for r in ([0, 1, 0], [False, True, False], np.array([0, 1, 0], dtype=np.int8), (0.0, 1.0)):
        assert metrics.reciprocal_rank(r) == 0.5
        assert metrics.dcg_at_k(r, 3) == pytest.approx(1 / math.log2(3))
    with pytest.raises(ValueError):
        metrics.precision_at_k([1], 0)
    # Plain Python floats, so tables and doctests print 0.5, not np.float64(0.5).
    r = np.array([0, 1])
    for value in (
        metrics.reciprocal_rank(r),
        metrics.precision_at_k(r, 2),
        metrics.hit_at_k(r, 2),
        metrics.dcg_at_k(r, 2),
        metrics.ndcg_at_k(r, 1, 2),
    ):
        assert type(value) is float


def test_score_rules():
    truth = {"a": {"x"}, "b": set(), "c": {"y"}}
    result = metrics.score({"a": ["x"], "z": ["x"]}, truth, k=5, ks=(1, 5), catalogue=["x", "y"])
    # "b" has no truth and is skipped; "c" has no list and counts as all misses.
    assert result["hit_rate_at_1"] == 0.5
    assert result["coverage"] == 0.5
    assert list(result) == metrics.metric_names(k=5, ks=(1, 5))
    with pytest.raises(ValueError):
        metrics.score({}, {"a": set()})
    with pytest.raises(ValueError):
        metrics.score({}, {"a": {"x"}}, k=5, ks=(10,))


def test_score_agrees_with_the_emulator_on_random_lists():
    rng = np.random.default_rng(0)
    n_users, k, n_items = 60, 25, 80
    recommendations, truth, ranked = {}, {}, []
    for u in range(n_users):
        items = rng.permutation(n_items)[:k]
        relevant = set(rng.choice(n_items, size=rng.integers(1, 30), replace=False).tolist())
        recommendations[u], truth[u] = items.tolist(), relevant
        ranked.append(items)
    hits = emulator.hit_matrix(np.array(ranked), [np.array(sorted(t)) for t in truth.values()])
    n_relevant = np.array([len(t) for t in truth.values()])
    result = metrics.score(recommendations, truth, catalogue=range(n_items))
    assert result["mean_reciprocal_rank_at_25"] == pytest.approx(
        emulator.mean_reciprocal_rank(hits, 25)
    )
    for c in (5, 10, 25):
        assert result[f"normalized_discounted_cumulative_gain_at_{c}"] == pytest.approx(
            emulator.ndcg_at_k(hits, n_relevant, c)
        )
        assert result[f"precision_at_{c}"] == pytest.approx(emulator.precision_at_k(hits, c))
        assert result[f"hit_rate_at_{c}"] == pytest.approx(emulator.hit_rate_at_k(hits, c))
    assert result["coverage"] == pytest.approx(emulator.coverage(np.array(ranked), n_items))
    # And the per-list functions average to the same numbers.
    per_user = [
        metrics.ndcg_at_k(metrics.relevance(recommendations[u], truth[u]), len(truth[u]), 10)
        for u in range(n_users)
    ]
    assert np.mean(per_user) == pytest.approx(result["normalized_discounted_cumulative_gain_at_10"])


def test_workshop_package_never_imports_the_emulator():
    """On SageMaker the kernel has only requirements.txt: no personalize_local there."""
    for path in WORKSHOP.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "personalize_local" for n in names), path.name


def test_docstring_examples():
    import doctest

    assert doctest.testmod(metrics).failed == 0
