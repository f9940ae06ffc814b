"""Exploration blending and probability scores."""

from __future__ import annotations

import numpy as np
import pytest

from personalize_local.models import explore, to_probabilities, top_k
from personalize_local.models.exploration import item_age_days


def inputs():
    scores = np.array([5.0, 4.0, 3.0, 2.0, 1.0, -np.inf])
    relevance = np.array([0.0, 0.0, 0.0, 1.0, 0.1, 1.0])
    ages = np.array([400.0, 400.0, 400.0, 2.0, 2.0, 1.0])  # items 3-5 are young
    counts = np.array([50.0, 40.0, 30.0, 0.0, 0.0, 0.0])
    return scores, relevance, ages, counts


def test_weight_zero_keeps_the_order():
    scores, rel, ages, counts = inputs()
    out = explore(scores, rel, ages, counts, 0.0, 30.0, np.random.default_rng(0))
    np.testing.assert_array_equal(top_k(out, 5), [0, 1, 2, 3, 4])


def test_high_weight_promotes_young_relevant_items():
    scores, rel, ages, counts = inputs()
    out = explore(scores, rel, ages, counts, 0.9, 30.0, np.random.default_rng(0))
    assert top_k(out, 1)[0] == 3
    assert np.isneginf(out[5])  # ruled out by the model, stays out


def test_age_cutoff_and_impressions():
    scores, rel, ages, counts = inputs()
    rng = np.random.default_rng(0)
    short = explore(scores, rel, ages, counts, 0.9, 1.5, rng)
    assert top_k(short, 1)[0] == 0  # nothing is young enough
    shown = explore(
        scores,
        rel,
        ages,
        counts,
        0.9,
        30.0,
        np.random.default_rng(0),
        impressions=np.array([0, 0, 0, 100, 0, 0.0]),
    )
    fresh = explore(scores, rel, ages, counts, 0.9, 30.0, np.random.default_rng(0))
    assert shown[3] < fresh[3]  # impressions without clicks shrink the bonus


def test_noise_is_seeded():
    scores, rel, ages, counts = inputs()
    a = explore(scores, rel, ages, counts, 0.5, 30.0, np.random.default_rng(4))
    b = explore(scores, rel, ages, counts, 0.5, 30.0, np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)


def test_item_age_days():
    np.testing.assert_allclose(item_age_days(np.array([0.0, np.nan]), 86400.0), [1.0, np.nan])


def test_probabilities_are_a_rounded_softmax():
    p = to_probabilities(np.array([3.0, 1.0, 1.0, -np.inf]))
    assert p[3] == 0.0 and p[0] > p[1] == p[2]
    assert p.sum() == pytest.approx(1.0, abs=1e-6)
    assert all(round(v, 7) == v for v in p)


def test_top_k_breaks_ties_by_index():
    np.testing.assert_array_equal(top_k(np.array([1.0, 2.0, 2.0, 0.5]), 3), [1, 2, 0])
    np.testing.assert_array_equal(top_k(np.array([1.0, 2.0]), 2, exclude=np.array([1])), [0])
