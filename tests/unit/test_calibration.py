"""Temperature scaling of the served scores finds the temperature the data came from."""

from __future__ import annotations

import numpy as np
import pytest

from personalize_local.evaluation import calibration
from personalize_local.models.base import catalogue_logits, probabilities_of


def _held_out(temperature: float, users: int = 400, items: int = 300, seed: int = 0):
    """Scores per user, and one held-out item drawn from `probabilities_of` at ``temperature``."""
    rng = np.random.default_rng(seed)
    every = np.arange(items)
    rows = []
    for _ in range(users):
        scores = rng.gumbel(size=items)
        p = probabilities_of(scores, every, digits=15, temperature=temperature)
        rows.append((scores, np.array([rng.choice(items, p=p / p.sum())])))
    return rows


@pytest.mark.parametrize("true_temperature", [0.7, 1.0, 1.8])
def test_the_fitted_temperature_is_the_one_the_truth_was_drawn_at(true_temperature):
    fitted = calibration.fit_temperature(_held_out(true_temperature))
    assert fitted == pytest.approx(true_temperature, rel=0.15)


def test_logits_are_those_probabilities_of_takes_a_softmax_of():
    scores = np.array([3.0, -np.inf, 1.0, 0.5, 2.0])
    z = catalogue_logits(scores)
    assert z[1] == -np.inf and z.max() == 0.0
    finite = np.isfinite(z)
    expected = np.exp(z[finite] / 1.3) / np.exp(z[finite] / 1.3).sum()
    chosen = np.flatnonzero(finite)
    got = probabilities_of(scores, chosen, digits=15, temperature=1.3)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_no_usable_held_out_item_leaves_the_scores_as_they_are():
    assert calibration.fit_temperature([]) == 1.0
    assert calibration.fit_temperature([(np.zeros(5), np.array([-1]))]) == 1.0


def test_a_ranking_is_the_recommendation_softmax_over_the_input_items():
    """ "Identical to GetRecommendations, except that it only considers the input items"
    (https://docs.aws.amazon.com/personalize/latest/dg/rankings.html)."""
    from types import SimpleNamespace

    from personalize_local.models.base import TrainedModel
    from personalize_local.recipes import catalogue
    from personalize_local.runtime import scoring

    items = np.array([f"i{i}" for i in range(50)], dtype=object)
    model = TrainedModel("aws-personalized-ranking", items, np.array(["u"]), np.ones(50))
    model.score_temperature = 1.4
    recipe = catalogue.recipe_by_name("aws-personalized-ranking")
    scores = np.random.default_rng(3).normal(size=50)
    inputs = ["i7", "i3", "nope", "i20", "i41"]
    ranked = scoring.rank(SimpleNamespace(model=model, recipe=recipe), scores, inputs, None)
    every = np.arange(50)
    p = probabilities_of(scores, every, digits=15, temperature=1.4)
    chosen = p[[int(i[1:]) for i in ranked.ids]]
    np.testing.assert_allclose(ranked.scores, chosen / chosen.sum(), atol=1e-7)
    assert ranked.unknown == ["nope"]
    assert ranked.scores == sorted(ranked.scores, reverse=True)
