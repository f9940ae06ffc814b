"""The metric definitions, checked against every worked example of the guide's definitions.

https://docs.aws.amazon.com/personalize/latest/dg/working-with-training-metrics.html#metric-definitions
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from personalize_local.evaluation import metrics as M


def hits_at(ranks: list[int], k: int = 25) -> np.ndarray:
    """A one-user hit vector with hits at the given 1-based ranks."""
    h = np.zeros((1, k))
    h[0, [r - 1 for r in ranks]] = 1
    return h


def users_first_hit(ranks: list[int], k: int = 25) -> np.ndarray:
    return np.vstack([hits_at([r], k) for r in ranks])


# mean_reciprocal_rank_at_25 ---------------------------------------------------------------
def test_mrr_documented_example():
    assert round(M.mean_reciprocal_rank(users_first_hit([4, 2, 6])), 4) == 0.3056


def test_mrr_last_item_example():
    assert round(M.mean_reciprocal_rank(users_first_hit([3, 12])), 4) == 0.2083


def test_mrr_uses_the_first_hit_only_and_stops_at_25():
    assert M.mean_reciprocal_rank(hits_at([2, 3])) == 0.5
    assert M.mean_reciprocal_rank(hits_at([26], k=30)) == 0.0


# normalized_discounted_cumulative_gain_at_K -----------------------------------------------
def test_ndcg_documented_example():
    value = M.ndcg_at_k(hits_at([2, 5], 5), np.array([2]), 5)
    assert round(value, 4) == 0.6241
    assert value == pytest.approx(0.6240505200038379, abs=1e-12)


@pytest.mark.parametrize(("k", "expected"), [(5, 0.25), (10, 0.25), (25, 0.3851)])
def test_ndcg_last_item_examples(k, expected):
    assert round(M.ndcg_at_k(users_first_hit([3, 12]), np.array([1, 1]), k), 4) == expected


def test_ndcg_single_user_examples():
    assert M.ndcg_at_k(hits_at([3]), np.array([1]), 5) == pytest.approx(0.5)
    assert round(M.ndcg_at_k(hits_at([12]), np.array([1]), 25), 4) == 0.2702


@pytest.mark.parametrize(("k", "expected"), [(5, 0.2961), (10, 0.4525)])
def test_ndcg_fraction_example_uses_r_in_the_ideal(k, expected):
    assert round(M.ndcg_at_k(hits_at([2, 7]), np.array([3]), k), 4) == expected


def test_ndcg_is_zero_without_relevant_items():
    assert M.ndcg_at_k(hits_at([]), np.array([0]), 10) == 0.0


# precision_at_K ---------------------------------------------------------------------------
def test_precision_documented_list():
    assert M.precision_at_k(np.array([[0, 1, 0, 0, 1]]), 5) == pytest.approx(0.4)


@pytest.mark.parametrize(("k", "expected"), [(5, 0.2), (10, 0.1), (25, 0.04)])
def test_precision_last_item_at_rank_3(k, expected):
    assert M.precision_at_k(hits_at([3]), k) == pytest.approx(expected)


@pytest.mark.parametrize(("k", "expected"), [(5, 0.2), (10, 0.2), (25, 0.08)])
def test_precision_fraction_example_divides_by_k(k, expected):
    assert M.precision_at_k(hits_at([2, 7]), k) == pytest.approx(expected)


# coverage ---------------------------------------------------------------------------------
def test_coverage_example():
    ranked = np.array([[1, 2, -1], [3, 4, 1]])
    assert M.coverage(ranked, 10) == pytest.approx(0.4)


def test_hit_matrix_ignores_padding():
    ranked = np.array([[5, 3, -1], [7, -1, -1]])
    hits = M.hit_matrix(ranked, [np.array([3]), np.array([-1, 8])])
    np.testing.assert_array_equal(hits, [[0, 1, 0], [0, 0, 0]])


# segmentation and rewards -----------------------------------------------------------------
def test_hits_and_recall_at_one_percent():
    ranked = [np.array([1, 2, 3, 4]), np.array([5, 6, 7, 8])]
    truths = [np.array([2, 4, 9, 10, 11, 12, 13, 14]), np.array([5])]
    hits, recall = M.hits_and_recall_at_fraction(ranked, truths)
    assert hits == pytest.approx((2 / 4 + 1 / 4) / 2)
    assert recall == pytest.approx((2 / 8 + 1 / 1) / 2)


def test_average_rewards_is_one_for_the_best_list():
    rewards = np.array([0.1, 1.0, 0.5, 0.0])
    assert M.average_rewards_at_k(np.array([[1, 2]]), rewards, k=2) == pytest.approx(1.0)
    assert M.average_rewards_at_k(np.array([[3, 0]]), rewards, k=2) == pytest.approx(0.1 / 1.5)


# properties -------------------------------------------------------------------------------
hit_rows = st.lists(st.lists(st.integers(0, 1), min_size=25, max_size=25), min_size=1, max_size=20)


@given(hit_rows, st.sampled_from([5, 10, 25]))
def test_metrics_are_bounded(rows, k):
    hits = np.array(rows, float)
    n_rel = np.maximum(hits.sum(axis=1), 1).astype(int)
    for value in (
        M.mean_reciprocal_rank(hits),
        M.ndcg_at_k(hits, n_rel, k),
        M.precision_at_k(hits, k),
        M.hit_rate_at_k(hits, k),
        M.recall_at_k(hits, n_rel, k),
    ):
        assert 0.0 <= value <= 1.0 + 1e-12


@given(st.integers(1, 25), st.sampled_from([5, 10, 25]))
def test_perfect_ranking_scores_one(n_rel, k):
    hits = hits_at(list(range(1, n_rel + 1)))
    assert M.ndcg_at_k(hits, np.array([n_rel]), k) == pytest.approx(1.0)
    assert M.mean_reciprocal_rank(hits) == 1.0
    assert M.precision_at_k(hits, k) == pytest.approx(min(n_rel, k) / k)


@given(st.integers(1, 24))
def test_moving_a_hit_down_never_helps(rank):
    up, down = hits_at([rank]), hits_at([rank + 1])
    one = np.array([1])
    assert M.ndcg_at_k(down, one, 25) < M.ndcg_at_k(up, one, 25)
    assert M.mean_reciprocal_rank(down) < M.mean_reciprocal_rank(up)


@given(st.integers(1, 25))
def test_single_hit_ndcg_is_the_log_discount(rank):
    assert M.ndcg_at_k(hits_at([rank]), np.array([1]), 25) == pytest.approx(1 / math.log2(rank + 1))
