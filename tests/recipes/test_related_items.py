"""SIMS and Similar-Items: related items from co-occurrence (and metadata)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest

from personalize_local.models import InteractionData, train
from tests.recipes import served
from tests.recipes.conformance import RecipeConformance
from tests.recipes.synthetic import cluster_of, clustered, item_id, with_cold_items


@pytest.fixture(scope="module")
def data() -> InteractionData:
    return clustered()


class TestSims(RecipeConformance):
    recipe = "aws-sims"
    # Keep every item explicitly (the percentiles filter only when a solution sets them).
    feature_params: ClassVar = {
        "min_item_interaction_count_percentile": "0.0",
        "max_item_interaction_count_percentile": "1.0",
    }

    def test_related_items_come_from_the_items_cluster(self, model):
        for c in range(4):
            ids = served.related(served.deployed(model), item_id(c, 0), n=8).ids
            assert item_id(c, 0) not in ids
            assert [cluster_of(i) for i in ids] == [c] * 8

    def test_unknown_item_gets_popular_items(self, model):
        np.testing.assert_array_equal(model.score_related("nope"), model.score_popular())

    def test_min_cointeraction_count_cuts_weak_pairs(self, data):
        strict = train(
            self.recipe, data, {"min_cointeraction_count": "10"}, self.feature_params, seed=0
        )
        loose = train(
            self.recipe, data, {"min_cointeraction_count": "1"}, self.feature_params, seed=0
        )
        assert strict.neighbours.nnz < loose.neighbours.nnz

    def test_default_keeps_the_most_interacted_items(self, data):
        # The real default SIMS recommends the most-interacted items (bench/RESULTS.md).
        model = train(self.recipe, data, {}, {}, seed=0)
        assert len(model.item_ids) == data.n_items

    def test_item_percentiles_set_by_the_solution_drop_the_most_interacted_items(self, data):
        model = train(
            self.recipe, data, {}, {"max_item_interaction_count_percentile": "0.9"}, seed=0
        )
        assert 0 < len(model.item_ids) < data.n_items
        counts = np.bincount(data.item_idx, minlength=data.n_items)
        kept = np.isin(data.items, model.item_ids)
        assert not kept[np.argmax(counts)]
        assert counts[kept].max() <= np.quantile(counts, 0.9)


class TestSimilarItems(RecipeConformance):
    recipe = "aws-similar-items"

    @pytest.fixture(scope="class")
    @classmethod
    def data(cls) -> InteractionData:
        return with_cold_items()

    def test_related_items_come_from_the_items_cluster(self, model):
        ids = served.related(served.deployed(model), item_id(2, 3), n=8).ids
        assert [cluster_of(i) if i.startswith("i") else int(i[4]) for i in ids] == [2] * 8

    def test_cold_item_is_related_through_metadata(self, model):
        ids = served.related(served.deployed(model), "cold1_0", n=6).ids
        assert all((cluster_of(i) if i.startswith("i") else int(i[4])) == 1 for i in ids)

    def test_cold_items_can_be_recommended(self, model):
        scores = model.score_related(item_id(0, 1))
        cold_same = scores[model.item_index(["cold0_0"])[0]]
        cold_other = scores[model.item_index(["cold3_0"])[0]]
        assert cold_same > cold_other
