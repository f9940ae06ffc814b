"""What a recommender serves, and its use case's request rules.

A recommender answers with the model its last training left (the previous one while an update
runs) under its use case's rules: the inputs GetRecommendations needs, and the items the use
case removes on its own (what the user already watched or purchased). Sources: the live guide's
VIDEO_ON_DEMAND and ECOMMERCE use-case pages
(https://docs.aws.amazon.com/personalize/latest/dg/VIDEO_ON_DEMAND-use-cases.html,
https://docs.aws.amazon.com/personalize/latest/dg/ECOMMERCE-use-cases.html).
"""

from __future__ import annotations

from typing import Any, overload

import numpy as np

from ..context import Context
from ..errors import InvalidInputException, ResourceNotFoundException
from ..models.base import TrainedModel
from ..recipes.catalogue import RECIPES, RecipeInfo, UseCase, recipe_by_arn
from ..store.state import Resource
from .histories import History
from .payloads import RecommenderPayload

KIND = "recommender"
#: The service's defaults for use cases that explore (as for User-Personalization):
#: https://docs.aws.amazon.com/personalize/latest/dg/create-recommender-configure-exploration.html.
EXPLORATION_DEFAULTS = {"explorationWeight": "0.3", "explorationItemAgeCutOff": "30"}
#: "When filtering, Amazon Personalize considers at most 100 item interactions per user per
#: event type" (live use-case pages): the automatic filter reads no further back.
FILTER_DEPTH = 100


#: The use cases' request and data rules, from their records in the catalogue.
USE_CASES: dict[str, UseCase] = {r.name: r.use_case for r in RECIPES if r.use_case}


def active_recommender(ctx: Context, recommender_arn: str) -> Resource:
    """A recommender that answers requests: ACTIVE only (runtime: 404 otherwise)."""
    recommender = ctx.state.find(KIND, recommender_arn)
    if recommender is None or recommender.status(ctx.now) != "ACTIVE":
        raise ResourceNotFoundException(f"The given recommender does not exist: {recommender_arn}")
    return recommender


def serving(ctx: Context, recommender: Resource) -> tuple[Resource, dict[str, Any]]:
    """The model holder and config answering now (the previous ones while an update runs)."""
    data = RecommenderPayload.of(recommender)
    update = recommender.attrs.get("latestRecommenderUpdate")
    if update is not None and update.lifecycle.status(ctx.now) != "ACTIVE" and data.previous:
        return data.previous
    # A recommender is ACTIVE only once its training has left a model.
    assert data.serving is not None, recommender.arn
    recipe = recipe_by_arn(recommender.attrs["recipeArn"])
    return data.serving, _explored(recipe, recommender.attrs["recommenderConfig"])


def _explored(recipe: RecipeInfo | None, config: dict[str, Any]) -> dict[str, Any]:
    """The config a request sees: exploring use cases explore by default. Describe shows only
    what was given (the guide's Top-picks example shows ``recommenderConfig: {}``).
    """
    if recipe is None or recipe.recipe_type != "USER_PERSONALIZATION":
        return config
    exploration = {**EXPLORATION_DEFAULTS, **(config.get("itemExplorationConfig") or {})}
    return {**config, "itemExplorationConfig": exploration}


def check_request(recipe: RecipeInfo, user_id: str | None, item_id: str | None) -> None:
    """GetRecommendations inputs the use case requires; inputs it does not use are ignored."""
    use_case = USE_CASES[recipe.name]
    if use_case.user_required and not user_id:
        raise InvalidInputException(f"userId is required for the {recipe.name} use case.")
    if use_case.item_required and not item_id:
        raise InvalidInputException(f"itemId is required for the {recipe.name} use case.")


@overload
def without_consumed(
    recipe: RecipeInfo, model: TrainedModel, history: History, mask: np.ndarray
) -> np.ndarray: ...
@overload
def without_consumed(
    recipe: RecipeInfo, model: TrainedModel, history: History, mask: np.ndarray | None
) -> np.ndarray | None: ...
def without_consumed(
    recipe: RecipeInfo, model: TrainedModel, history: History, mask: np.ndarray | None
) -> np.ndarray | None:
    """``mask`` minus the items the user already watched or purchased, if the use case says so.

    Only the user's newest `FILTER_DEPTH` interactions of that event type count. The user's own
    filter (``mask``) applies on top, as the guide says it applies after this one.
    """
    wanted = USE_CASES[recipe.name].consumed
    if wanted is None:
        return mask
    consumed = [item for item, kind in history.newest_first() if kind.lower() == wanted.lower()]
    index = model.item_index(consumed[:FILTER_DEPTH])
    index = index[index >= 0]
    if len(index) == 0:
        return mask
    allowed = np.ones(len(model.item_ids), bool) if mask is None else np.array(mask, bool)
    allowed[index] = False
    return allowed
