"""Item-Affinity, Item-Attribute-Affinity, Next-Best-Action and HRNN-Coldstart."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from personalize_local.errors import InvalidInputException
from personalize_local.evaluation import solution_metrics
from personalize_local.models import InteractionData, train
from tests.recipes import served
from tests.recipes.conformance import SEGMENT_KEYS, RecipeConformance
from tests.recipes.synthetic import DAY, clustered, clustered_frames, item_id


@pytest.fixture(scope="module")
def data() -> InteractionData:
    return clustered()


class TestItemAffinity(RecipeConformance):
    recipe = "aws-item-affinity"
    metric_keys: ClassVar = SEGMENT_KEYS

    def test_finds_the_clusters_users(self, model):
        for c in range(4):
            users = model.top_users([item_id(c, 0)], n=10)
            assert all(u.startswith(f"u{c}_") for u in users)

    def test_users_who_already_have_the_item_are_left_out(self, model, data):
        scores = model.score_users_for_items([item_id(0, 0)])
        had = np.unique(data.user_idx[data.item_idx == model.item_index([item_id(0, 0)])[0]])
        assert np.isneginf(scores[had]).all()


class TestItemAttributeAffinity(RecipeConformance):
    recipe = "aws-item-attribute-affinity"
    metric_keys: ClassVar = SEGMENT_KEYS

    def test_attribute_expression_selects_the_segment(self, model):
        users = model.top_users(expression='ITEMS.GENRES = "genre2"', n=10)
        assert all(u.startswith("u2_") for u in users)

    def test_and_or_expressions(self, model):
        assert len(model.items_matching('ITEMS.genres = "genre1" AND ITEMS.YEAR = "1991"')) == 12
        assert len(model.items_matching('ITEMS.GENRES = "genre1" AND ITEMS.YEAR = "1990"')) == 0
        assert len(model.items_matching('ITEMS.GENRES = "genre1" OR ITEMS.GENRES = "genre3"')) == 24

    def test_bad_expression_is_rejected(self, model):
        with pytest.raises(InvalidInputException):
            model.items_matching("GENRES IN ('x')")

    def test_users_rank_by_their_taste_for_the_attribute(self):
        # Everyone watches comedies and dramas; user k's share of comedies grows with k.
        rows, t = [], 1_600_000_000
        for k in range(40):
            comedies = 2 + k // 4
            for n in range(12):
                genre = "comedy" if n < comedies else "drama"
                rows.append((f"u{k}", f"{genre}{(n * 7 + k) % 20}", t + 3600 * (k * 20 + n)))
        inter = pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP"])
        items = pd.DataFrame(
            [(f"{g}{i}", g.title()) for g in ("comedy", "drama") for i in range(20)],
            columns=["ITEM_ID", "GENRES"],
        )
        data = InteractionData.from_frames(inter, items)
        model = train(self.recipe, data, {}, {}, seed=0)
        top = model.top_users(expression='ITEMS.GENRES = "Comedy"', n=8)
        assert {int(u[1:]) for u in top} <= set(range(28, 40)), top
        # Users who already watched comedies are its audience, not left out.
        assert np.isfinite(model.score_users_for_attributes('ITEMS.GENRES = "Comedy"')).all()

    def test_segment_metrics_query_attributes_not_items(self, data):
        by_item = solution_metrics("aws-item-affinity", data, {}, {}, seed=0)
        by_attribute = solution_metrics(self.recipe, data, {}, {}, seed=0)
        assert by_attribute != by_item
        # A genre's top 1% of users all come from the cluster that watches it.
        assert by_attribute["hits_at_1_percent"] == 1.0


class TestNextBestAction(RecipeConformance):
    recipe = "aws-next-best-action"

    @pytest.fixture(scope="class")
    @classmethod
    def data(cls) -> InteractionData:
        inter, _ = clustered_frames(event_types=("TAKEN", "TAKEN", "NOT_TAKEN"))
        inter = inter.rename(columns={"ITEM_ID": "ACTION_ID"})
        return InteractionData.from_action_frames(inter)

    def test_only_taken_actions_train(self, model):
        assert model.event_weight("taken") == 1.0
        assert model.event_weight("NOT_TAKEN") == 0.0


def test_hrnn_coldstart_recommends_only_cold_items():
    inter, items = clustered_frames(users_per_cluster=20)
    latest = int(inter["TIMESTAMP"].max())
    cold = pd.DataFrame(
        [
            (f"new{c}_{k}", f"genre{c}|common", 2000, latest - DAY)
            for c in range(4)
            for k in range(30)
        ],
        columns=list(items.columns),
    )
    data = InteractionData.from_frames(inter, pd.concat([items, cold], ignore_index=True))
    model = train("aws-hrnn-coldstart", data, {}, {}, seed=0)
    user = served.history([item_id(2, k) for k in range(4)])
    ids = served.recommend(served.deployed(model), user, n=10).ids
    assert all(i.startswith("new2_") for i in ids)


def test_hrnn_coldstart_needs_enough_cold_items(data):
    with pytest.raises(InvalidInputException, match="cold items"):
        train("aws-hrnn-coldstart", data, {}, {}, seed=0)
