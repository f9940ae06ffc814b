"""The battery every recipe model passes (implicit's RecommenderBaseTestMixin style).

A recipe test class inherits `RecipeConformance`, names its ``recipe`` and provides a
``data`` fixture; the mixin then checks the contract of `personalize_local.models.base`.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import ClassVar

import numpy as np
import pytest

from personalize_local.evaluation import solution_metrics
from personalize_local.models import InteractionData, TrainedModel, to_probabilities, train
from personalize_local.runtime import scoring
from tests.recipes import served

ITEM_LIST_KEYS = {
    "coverage",
    "mean_reciprocal_rank_at_25",
    "normalized_discounted_cumulative_gain_at_5",
    "normalized_discounted_cumulative_gain_at_10",
    "normalized_discounted_cumulative_gain_at_25",
    "precision_at_5",
    "precision_at_10",
    "precision_at_25",
}
SEGMENT_KEYS = {"coverage", "hits_at_1_percent", "recall_at_1_percent"}


def history_of(data: InteractionData, user: int) -> tuple[list[str], list[int]]:
    """(item ids, timestamps) of one user's training history."""
    rows = np.flatnonzero(data.user_idx == user)
    return [str(data.items[i]) for i in data.item_idx[rows]], data.timestamp[rows].tolist()


class RecipeConformance:
    """Contract tests; subclasses set ``recipe`` and define a ``data`` fixture."""

    recipe: ClassVar[str]
    hyperparameters: ClassVar[Mapping[str, str]] = {}
    feature_params: ClassVar[Mapping[str, str]] = {}
    solution_config: ClassVar[Mapping | None] = None
    metric_keys: ClassVar[set[str]] = ITEM_LIST_KEYS

    @pytest.fixture(scope="class")
    @classmethod
    def model(cls, data: InteractionData) -> TrainedModel:
        return train(
            cls.recipe,
            data,
            cls.hyperparameters,
            cls.feature_params,
            seed=3,
            solution_config=cls.solution_config,
        )

    def _scores(self, model: TrainedModel, data: InteractionData) -> np.ndarray:
        items, times = history_of(data, 0)
        return model.score_user(items, times)

    def test_score_vector_covers_the_catalogue(self, model, data):
        scores = self._scores(model, data)
        assert scores.shape == (len(model.item_ids),)
        assert not np.isnan(scores).any()
        assert np.isfinite(scores).sum() > 0

    def test_pickle_round_trip_keeps_scores(self, model, data):
        clone = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(self._scores(clone, data), self._scores(model, data))
        np.testing.assert_array_equal(clone.item_ids, model.item_ids)

    def test_empty_history_gets_popular_items(self, model):
        scores = model.score_user([])
        top = np.argsort(-scores, kind="stable")[:5]
        assert set(top) <= set(np.argsort(-model.popularity, kind="stable")[:10])

    def test_unknown_items_are_ignored(self, model):
        np.testing.assert_array_equal(
            model.score_user(["no-such-item", "nor-this"]), model.score_user([])
        )

    def test_same_seed_same_model(self, model, data):
        again = train(
            self.recipe,
            data,
            self.hyperparameters,
            self.feature_params,
            seed=3,
            solution_config=self.solution_config,
        )
        np.testing.assert_array_equal(self._scores(again, data), self._scores(model, data))

    def test_probabilities_sum_to_one(self, model, data):
        p = to_probabilities(self._scores(model, data))
        assert p.min() >= 0
        assert abs(p.sum() - 1.0) < 1e-4

    def test_top_items_are_known_ids_best_first(self, model, data):
        scores = self._scores(model, data)
        answer = scoring.top_items(served.deployed(model), scores, None, 5)
        assert len(answer.ids) == 5
        assert set(answer.ids) <= set(model.item_ids)
        assert np.all(np.diff(scores[model.item_index(answer.ids)]) <= 0)

    def test_solution_metrics_are_deterministic_and_bounded(self, data):
        first = solution_metrics(
            self.recipe,
            data,
            self.hyperparameters,
            self.feature_params,
            seed=5,
            solution_config=self.solution_config,
        )
        second = solution_metrics(
            self.recipe,
            data,
            self.hyperparameters,
            self.feature_params,
            seed=5,
            solution_config=self.solution_config,
        )
        assert first == second
        assert self.metric_keys <= set(first)
        assert all(0.0 <= v <= 1.0 for v in first.values())
        assert all(round(v, 4) == v for v in first.values())
