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


def test_original_discount_weighs_ranks_one_and_two_alike():
    """Järvelin and Kekäläinen's original DCG: rel_1 + Σ_{i≥2} rel_i / log2(i)."""
    one = np.array([1])
    assert M.ndcg_at_k(hits_at([2]), one, 5, discount=M.ORIGINAL) == 1.0
    assert M.ndcg_at_k(hits_at([4]), one, 5, discount=M.ORIGINAL) == 0.5
    assert M.ndcg_at_k(hits_at([8]), one, 10, discount=M.ORIGINAL) == pytest.approx(1 / 3)
    # aws-samples metrics.py, ndcg_at_k([0, 1, 0, 0, 1], 5) with its default method=0 (ideal =
    # the retrieved hits sorted): 0.7153382790366966.
    value = M.ndcg_at_k(hits_at([2, 5], 5), np.array([2]), 5, M.RETRIEVED, M.ORIGINAL)
    assert value == pytest.approx(0.7153382790366966, abs=1e-15)
    with pytest.raises(ValueError):
        M.ndcg_at_k(hits_at([1]), one, 5, discount="natural")


# A 2018 HRNN GetSolutionMetrics response on ml-100k ratings > 3.6, with unrounded values and its
# 91 evaluation users (aws-samples/amazon-personalize-samples, commit 9abd6cb,
# personalize_sample_notebook.ipynb). One hit rank per user (last-item truth), 76 users without a
# hit, and these 15 ranks: the only ranks that give all seven values under the original discount
# (an exhaustive search finds none under 1 / log2(1 + i)).
PREVIEW_USERS = 91
PREVIEW_HIT_RANKS = [2, 4, 8, 8, 8, 11, 12, 12, 13, 17, 17, 17, 18, 22, 22]
PREVIEW_METRICS = {
    "mrr": 0.019587187573612913,
    5: (0.016483516483516484, 0.004395604395604396),
    10: (0.027472527472527472, 0.005494505494505495),
    25: (0.055378468279180526, 0.006593406593406594),
}


def test_a_real_hrnn_response_is_reproduced_with_the_original_discount():
    hits = np.zeros((PREVIEW_USERS, 25))
    for user, rank in enumerate(PREVIEW_HIT_RANKS):
        hits[user, rank - 1] = 1
    one = np.ones(PREVIEW_USERS)
    assert M.mean_reciprocal_rank(hits) == pytest.approx(PREVIEW_METRICS["mrr"], abs=1e-15)
    for k in (5, 10, 25):
        ndcg, precision = PREVIEW_METRICS[k]
        assert M.precision_at_k(hits, k) == pytest.approx(precision, abs=1e-15)
        assert M.ndcg_at_k(hits, one, k, discount=M.ORIGINAL) == pytest.approx(ndcg, abs=1e-15)
        # The guide's discount gives another value for the same list.
        assert abs(M.ndcg_at_k(hits, one, k) - ndcg) > 1e-3


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
