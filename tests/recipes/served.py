"""A trained model answered through the server's own ranking (`runtime.scoring`).

Recipe tests train a model directly; these helpers deploy it as a campaign deploys a solution
version, so what a test asserts about an answer is what GetRecommendations and
GetPersonalizedRanking return for the same model and history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from personalize_local.filters.evaluate import ItemCatalog
from personalize_local.models import TrainedModel
from personalize_local.recipes import catalogue
from personalize_local.runtime import scoring
from personalize_local.serving.deployment import Deployment
from personalize_local.serving.histories import Histories, History
from personalize_local.serving.payloads import ModelPayload
from personalize_local.store.state import Resource

#: The recipe of models trained without one, and of retired (HRNN) recipes.
STAND_IN = "aws-user-personalization"
CAMPAIGN = "arn:aws:personalize:us-east-1:123456789012:campaign/recipe-test"


def deployed(
    model: TrainedModel,
    config: Mapping[str, Any] | None = None,
    *,
    item_created: np.ndarray | None = None,
    latest: int = 0,
) -> Deployment:
    """``model`` deployed with the campaign ``config``; its recipe is the one it was trained for.

    ``item_created`` is each item's CREATION_TIMESTAMP and ``latest`` the newest interaction
    time (the reference for item ages), as the group's datasets give them to a campaign.
    """
    name = model.recipe or STAND_IN
    if name in catalogue.RETIRED_RECIPES:
        # HRNN recipes can no longer be deployed; their models answer as User-Personalization's.
        name = STAND_IN
    recipe = catalogue.recipe_by_name(name)
    assert recipe is not None, name
    version = Resource(
        "solution-version",
        f"{CAMPAIGN}-version",
        {"datasetGroupArn": "group", "recipeArn": recipe.arn},
        0.0,
        data=ModelPayload(model),
    )
    histories = Histories(None)
    histories.latest = latest
    return Deployment(
        arn=CAMPAIGN,
        version=version,
        recipe=recipe,
        config=dict(config or {}),
        model=model,
        histories=histories,
        items_meta=None,
        users_meta=None,
        catalog=ItemCatalog(np.asarray(model.item_ids, dtype=object), None),
        seed=0,
        item_created=item_created,
    )


def history(
    items: Sequence[str],
    times: Sequence[int] | None = None,
    types: Sequence[str] | None = None,
) -> History:
    """A user's history as the server keeps it (no event type, no value unless given)."""
    n = len(items)
    return History(
        list(items),
        list(range(n)) if times is None else [int(t) for t in times],
        [""] * n if types is None else list(types),
        [float("nan")] * n,
    )


def recommend(dep: Deployment, user: History, n: int = 25) -> scoring.Answer:
    """GetRecommendations for a user (User-Personalization, popular items), exploring as the
    campaign's config says."""
    exploit = scoring.request_scores(dep, user, "user", None)
    scores = scoring.explored(dep, exploit, user, "user")
    return scoring.top_items(dep, scores, None, n, exploit)


def related(dep: Deployment, item_id: str, n: int = 25) -> scoring.Answer:
    """GetRecommendations for an item (related items)."""
    scores = scoring.request_scores(dep, History(), None, item_id)
    return scoring.top_items(dep, scores, None, n)


def rank(dep: Deployment, user: History, input_list: Sequence[str]) -> scoring.Ranking:
    """GetPersonalizedRanking of ``input_list`` for a user."""
    scores = next(scoring.history_scores(dep.model, [user], typed=False))
    return scoring.rank(dep, scores, input_list, None)
