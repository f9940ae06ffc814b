"""Popularity-Count and Trending-Now."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from personalize_local.errors import InvalidInputException
from personalize_local.evaluation import solution_metrics
from personalize_local.models import InteractionData, train
from tests.recipes import served
from tests.recipes.conformance import RecipeConformance
from tests.recipes.synthetic import clustered, growing_frames, trending_frames


@pytest.fixture(scope="module")
def data() -> InteractionData:
    return clustered()


class TestPopularityCount(RecipeConformance):
    recipe = "aws-popularity-count"

    def test_order_is_the_count_of_distinct_users(self):
        frame = pd.DataFrame(
            [
                ("u1", "a", 1),
                ("u1", "a", 2),
                ("u1", "a", 3),  # one user, three events
                ("u1", "b", 4),
                ("u2", "b", 5),
                ("u1", "c", 6),
                ("u2", "c", 7),
                ("u3", "c", 8),
            ],
            columns=["USER_ID", "ITEM_ID", "TIMESTAMP"],
        )
        model = train(self.recipe, InteractionData.from_frames(frame), {}, {}, seed=0)
        ids = served.recommend(served.deployed(model), served.history([]), n=3).ids
        assert ids == ["c", "b", "a"]
        assert list(model.score_popular()[model.item_index(ids)]) == [3.0, 2.0, 1.0]

    def test_everyone_gets_the_same_list(self, model):
        np.testing.assert_array_equal(model.score_user(["i0_1", "i2_2"]), model.score_user([]))


class TestTrendingNow(RecipeConformance):
    recipe = "aws-trending-now"
    metric_keys: ClassVar = {"trend_prediction_accuracy"}

    @pytest.fixture(scope="class")
    @classmethod
    def data(cls) -> InteractionData:
        return InteractionData.from_frames(trending_frames())

    def test_empty_history_gets_popular_items(self, model):
        # Trending-Now's "popular" list is the trending list, the same for every user.
        np.testing.assert_array_equal(model.score_user([]), model.score_trending())

    def test_finds_the_item_that_took_off(self, model):
        top = model.item_ids[np.argsort(-model.score_trending(), kind="stable")[:3]]
        assert top[0] == "rocket"
        assert "fading" not in top

    def test_new_events_move_trends_without_retraining(self, model):
        now = model.latest + 3 * 3600
        burst = ["steady7"] * 200
        times = [now - 600] * 200
        scores = model.score_trending(now, burst, times)
        assert model.item_ids[np.argmax(scores)] == "steady7"

    def test_quiet_windows_fall_back_to_popularity(self, model):
        far = model.latest + 30 * 86400
        order = np.argsort(-model.score_trending(far), kind="stable")
        counts = np.bincount(model.event_items, minlength=len(model.item_ids))
        assert counts[order[0]] == counts.max()

    def test_trend_prediction_accuracy_rewards_the_real_trend(self, data):
        # The rocket keeps accelerating, so the trend seen before the test window continues
        # into it; popularity-count's list (the steady items) would not capture it.
        for window in ("1 hour", "3 hours"):
            got = solution_metrics(
                self.recipe, data, {}, {"trend_discovery_frequency": window}, seed=0
            )["trend_prediction_accuracy"]
            assert 0.5 < got <= 1.0

    def test_trend_accuracy_is_positive_on_data_that_trends_and_zero_without_a_trend(self):
        # Six items gain events every hour for the last eight hours among forty steady ones.
        frames = growing_frames()
        trending = InteractionData.from_frames(frames)
        accuracy = {
            window: solution_metrics(
                self.recipe, trending, {}, {"trend_discovery_frequency": window}, seed=0
            )["trend_prediction_accuracy"]
            for window in ("1 hour", "3 hours")
        }
        assert all(value > 0.25 for value in accuracy.values()), accuracy
        # The same events at shuffled times: nothing trends, nothing is predicted.
        shuffled = frames.assign(
            TIMESTAMP=np.random.default_rng(1).permutation(frames["TIMESTAMP"].to_numpy())
        )
        flat = solution_metrics(
            self.recipe,
            InteractionData.from_frames(shuffled),
            {},
            {"trend_discovery_frequency": "1 hour"},
            seed=0,
        )["trend_prediction_accuracy"]
        assert flat < accuracy["1 hour"]

    def test_frequency_must_be_a_documented_value(self, data):
        with pytest.raises(InvalidInputException, match="trend_discovery_frequency"):
            train(self.recipe, data, {}, {"trend_discovery_frequency": "5 hours"}, seed=0)
        model = train(self.recipe, data, {}, {"trend_discovery_frequency": "30 minutes"}, 0)
        assert model.window == 1800
