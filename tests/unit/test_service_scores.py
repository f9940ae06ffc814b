"""User-Personalization scores: a softmax over the whole catalogue, shaped like the service's."""

from __future__ import annotations

import numpy as np

from personalize_local.models.base import probabilities_of, round_significant


def heavy_tailed(n: int, seed: int = 0) -> np.ndarray:
    """Scores like the engine's on MovieLens: a few strong items, a long weak tail."""
    rng = np.random.default_rng(seed)
    return rng.standard_exponential(n) ** 2


def test_the_whole_catalogue_sums_to_one():
    s = heavy_tailed(9742)
    p = probabilities_of(s, np.arange(len(s)))
    assert abs(p.sum() - 1) < 1e-3 and (p > 0).all()


def test_returned_scores_are_small_distinct_and_decreasing():
    for n in (1682, 9742):
        s = heavy_tailed(n, seed=n)
        top = np.argsort(-s)[:25]
        p = probabilities_of(s, top)
        assert 0.01 <= p[0] <= 0.7, p[:5]
        assert (np.diff(p) < 0).all() and (p > 0).all()


def test_ruled_out_items_score_zero_and_leave_the_sum():
    s = np.array([3.0, 2.0, -np.inf, 1.0, 0.0])
    p = probabilities_of(s, np.arange(5))
    assert p[2] == 0 and abs(p.sum() - 1) < 1e-3
    assert probabilities_of(s, np.array([0, 1])).tolist() == p[:2].tolist()


def test_scores_keep_four_significant_digits():
    assert round_significant(np.array([0.077512, 8.1234e-05, 0.0])).tolist() == [
        0.07751,
        8.123e-05,
        0.0,
    ]
