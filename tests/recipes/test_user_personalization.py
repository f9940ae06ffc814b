"""User-Personalization (v1, v2, HRNN) and Personalized-Ranking: the UP engine."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest

from personalize_local.models import InteractionData, train
from personalize_local.models.engine import EngineSettings, UserPersonalizationModel
from tests.recipes import served
from tests.recipes.conformance import RecipeConformance
from tests.recipes.synthetic import (
    cluster_of,
    clustered,
    item_id,
    repeat_frames,
    with_cold_items,
)


@pytest.fixture(scope="module")
def data() -> InteractionData:
    return clustered()


class TestUserPersonalization(RecipeConformance):
    recipe = "aws-user-personalization"

    def test_users_get_their_clusters_items(self, model):
        for c in range(4):
            history = [item_id(c, k) for k in range(5)]
            ids = served.recommend(served.deployed(model), served.history(history), n=5).ids
            assert [cluster_of(i) for i in ids] == [c] * 5

    def test_seen_items_are_not_recommended_when_data_never_repeats(self, model):
        history = [item_id(1, k) for k in range(5)]
        scores = model.score_user(history)
        assert np.isneginf(scores[model.item_index(history)]).all()

    def test_a_new_event_changes_recommendations_without_retraining(self, model):
        dep = served.deployed(model)
        before = served.recommend(dep, served.history([item_id(0, 0), item_id(0, 1)]), n=5).ids
        later = [item_id(0, 0), item_id(0, 1), item_id(2, 0), item_id(2, 1), item_id(2, 2)]
        after = served.recommend(dep, served.history(later), n=5).ids
        assert cluster_of(before[0]) == 0
        assert cluster_of(after[0]) == 2  # the latest events dominate (recency weights)

    def test_event_weights_apply_to_histories(self, data):
        model = train(self.recipe, data, {}, {}, seed=1, solution_config={"eventType": "click"})
        assert model.event_weight("click") == 1.0
        assert model.event_weight("view") == 0.0
        # an event of another type does not count
        np.testing.assert_array_equal(
            model.score_user([item_id(0, 0), item_id(3, 0)], history_types=["click", "view"]),
            model.score_user([item_id(0, 0)], history_types=["click"]),
        )


class TestUserPersonalizationV2(RecipeConformance):
    recipe = "aws-user-personalization-v2"
    hyperparameters: ClassVar = {"apply_recency_bias": "false"}


def test_v2_is_a_model_of_its_own(data):
    """v2 (transformer-based on the service) weighs recent events and the sequence more: the
    same data gives it other scores and other metrics than v1, and v1 stays HRNN's model."""
    from personalize_local.evaluation import solution_metrics

    v1 = train("aws-user-personalization", data, {}, {}, seed=0)
    v2 = train("aws-user-personalization-v2", data, {}, {}, seed=0)
    hrnn = train("aws-hrnn", data, {}, {}, seed=0)
    assert v2.settings.half_life < v1.settings.half_life
    assert v2.settings.gamma > v1.settings.gamma and v2.settings.beta > v1.settings.beta
    history = [item_id(0, 0), item_id(1, 1), item_id(2, 2), item_id(3, 3)]
    s1, s2 = v1.score_user(history), v2.score_user(history)
    assert not np.array_equal(s1, s2)
    np.testing.assert_array_equal(s1, hrnn.score_user(history))
    long = clustered(items_per_cluster=30, events_per_user=20)
    m1 = solution_metrics("aws-user-personalization", long, {}, {}, 0)
    m2 = solution_metrics("aws-user-personalization-v2", long, {}, {}, 0)
    assert m1 != m2


class TestHrnn(RecipeConformance):
    recipe = "aws-hrnn"


class TestPersonalizedRanking(RecipeConformance):
    recipe = "aws-personalized-ranking"

    def test_rank_puts_the_users_cluster_first(self, model):
        history = [item_id(3, k) for k in range(4)]
        inputs = [item_id(0, 9), item_id(3, 9), "unknown", item_id(1, 9), item_id(3, 10)]
        ranking = served.rank(served.deployed(model), served.history(history), inputs)
        assert [cluster_of(i) for i in ranking.ids[:2]] == [3, 3]
        assert ranking.unknown == ["unknown"]
        assert np.all(np.diff(ranking.scores) <= 0)


def test_repeat_aware_engine_ranks_the_last_item_first():
    data = InteractionData.from_frames(repeat_frames())
    model = UserPersonalizationModel.fit(data, EngineSettings(), seed=0)
    assert model.repeat > 0.4  # half of the events repeat the previous item
    history = ["i3", "i3", "i7", "i7", "i12"]  # a click on i12 not yet followed by its watch
    ids = served.recommend(served.deployed(model), served.history(history), n=3).ids
    assert ids[0] == "i12"


def test_als_path_learns_clusters_too(data):
    settings = EngineSettings(max_ease_items=10, factors=8, als_iterations=10)
    model = UserPersonalizationModel.fit(data, settings, seed=0)
    assert model.als is not None
    for c in range(4):
        user = served.history([item_id(c, k) for k in range(5)])
        ids = served.recommend(served.deployed(model), user, n=3).ids
        assert all(cluster_of(i) == c for i in ids)


def test_exploration_surfaces_young_items_of_the_users_taste():
    data = with_cold_items()
    model = train("aws-user-personalization", data, {}, {}, seed=0)
    user = served.history([item_id(1, k) for k in range(4)])

    def top(weight: str, cutoff: str = "7") -> list[str]:
        """The top 3 of a campaign exploring with ``weight`` items up to ``cutoff`` days old."""
        config = {
            "itemExplorationConfig": {
                "explorationWeight": weight,
                "explorationItemAgeCutOff": cutoff,
            }
        }
        dep = served.deployed(
            model, config, item_created=model.creation_times, latest=int(model.latest_time)
        )
        return served.recommend(dep, user, n=3).ids

    assert not any(i.startswith("cold") for i in top("0.0"))
    assert all(i.startswith("cold1_") for i in top("0.9"))
    assert not any(i.startswith("cold") for i in top("0.9", cutoff="0.5"))
