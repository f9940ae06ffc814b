"""Every recipe trains, scores and evaluates on a dataset too small to learn from."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from personalize_local.evaluation import solution_metrics
from personalize_local.models import InteractionData, train
from tests.recipes import served

TINY = pd.DataFrame(
    {
        "USER_ID": ["a", "a", "b", "b", "c"],
        "ITEM_ID": ["x", "y", "x", "z", "w"],
        "TIMESTAMP": [1, 2, 3, 4, 5],
    }
)


@pytest.mark.parametrize(
    "recipe",
    [
        "aws-user-personalization",
        "aws-user-personalization-v2",
        "aws-personalized-ranking",
        "aws-sims",
        "aws-similar-items",
        "aws-popularity-count",
        "aws-trending-now",
        "aws-item-affinity",
        "aws-item-attribute-affinity",
        "aws-next-best-action",
        "aws-vod-top-picks",
        "aws-ecomm-recommended-for-you",
    ],
)
def test_tiny_dataset(recipe):
    data = InteractionData.from_frames(TINY)
    model = train(recipe, data, {}, {}, seed=0)
    scores = model.score_user(["x"])
    assert scores.shape == (len(model.item_ids),) and not np.isnan(scores).any()
    values = solution_metrics(recipe, data, {}, {}, seed=0)
    assert values and all(0.0 <= v <= 1.0 for v in values.values())


def test_single_item_world():
    frame = pd.DataFrame({"USER_ID": ["a", "b"], "ITEM_ID": ["x", "x"], "TIMESTAMP": [1, 2]})
    model = train("aws-user-personalization", InteractionData.from_frames(frame), {}, {}, 0)
    dep = served.deployed(model)
    assert served.recommend(dep, served.history([]), n=5).ids == ["x"]
    assert served.recommend(dep, served.history(["x"]), n=5).ids == []  # seen, nothing else
