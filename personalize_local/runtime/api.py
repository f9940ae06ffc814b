"""The personalize-runtime operations: GetRecommendations, GetPersonalizedRanking,
GetActionRecommendations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..context import Context
from ..control import recommenders
from ..errors import InvalidInputException, ResourceNotFoundException
from ..models.base import to_probabilities, top_k
from ..protocol.dispatch import lock_free
from ..store.state import Resource
from . import scoring
from .deployment import Deployment, for_campaign, for_recommender
from .histories import History

DEFAULT_RESULTS = 25
MAX_RESULTS = 500
MAX_RESULTS_WITH_METADATA = 50


def active_filter(ctx: Context, filter_arn: str, group_arn: str, user: str) -> Resource:
    """The ACTIVE filter ``filter_arn`` of the dataset group ``group_arn``.

    ``user`` names what applies it (the campaign, a batch job) in the error message.
    """
    resource = ctx.state.find("filter", filter_arn)
    if resource is None or resource.status(ctx.now) != "ACTIVE":
        raise ResourceNotFoundException(f"The given filter does not exist: {filter_arn}")
    if resource.parent != group_arn:
        raise InvalidInputException(
            f"The filter {filter_arn} belongs to another dataset group than the {user}."
        )
    return resource


@dataclass
class Lookup:
    """What a runtime request reads from the store, gathered under the lock in one go."""

    dep: Deployment
    filter: Resource | None
    recommendation_id: str


def _lookup(ctx: Context, find: Callable[[], Deployment], filter_arn: str | None) -> Lookup:
    # The lock guards only these reads; scoring then runs in parallel with other requests.
    with ctx.emulator.lock:
        dep = find()
        resource = None
        if filter_arn:
            group = dep.version.attrs["datasetGroupArn"]
            resource = active_filter(ctx, filter_arn, group, "campaign")
        return Lookup(dep, resource, f"RID-{ctx.ids.uuid()}")


def _filter_mask(
    found: Lookup,
    filter_values: dict[str, str] | None,
    user_id: str | None,
    history: History,
    item_id: str | None,
) -> np.ndarray | None:
    if found.filter is None:
        if filter_values:
            raise InvalidInputException("filterValues were given without a filterArn.")
        return None
    return scoring.filter_mask(
        found.dep, found.filter.data["parsed"], filter_values, user_id, history, item_id
    )


def _metadata(dep: Deployment, columns: dict[str, list[str]] | None, ids: list[str]) -> list:
    if not columns:
        return [None] * len(ids)
    if not dep.config.get("enableMetadataWithRecommendations"):
        raise InvalidInputException(
            "metadataColumns needs enableMetadataWithRecommendations in the campaign config."
        )
    wanted = [c.upper() for c in columns.get("ITEMS", [])]
    meta = dep.items_meta
    out = []
    for item in ids:
        row = meta.loc[item] if meta is not None and item in meta.index else None
        out.append(
            {c: "" if row is None or row.get(c) is None else str(row.get(c)) for c in wanted}
        )
    return out


def _count(num_results: int | None, metadata: Any, default: int = DEFAULT_RESULTS) -> int:
    n = default if num_results is None else num_results
    limit = MAX_RESULTS_WITH_METADATA if metadata else MAX_RESULTS
    if n > limit:
        raise InvalidInputException(f"numResults must be at most {limit}.")
    return n


@lock_free
def get_recommendations(
    ctx: Context,
    campaign_arn: str | None = None,
    item_id: str | None = None,
    user_id: str | None = None,
    num_results: int | None = None,
    context: dict[str, str] | None = None,
    filter_arn: str | None = None,
    filter_values: dict[str, str] | None = None,
    recommender_arn: str | None = None,
    promotions: list[dict] | None = None,
    metadata_columns: dict[str, list[str]] | None = None,
) -> dict:
    if bool(campaign_arn) == bool(recommender_arn):
        raise InvalidInputException("Provide either a campaignArn or a recommenderArn.")
    if recommender_arn:
        found = _lookup(ctx, lambda: for_recommender(ctx, recommender_arn), filter_arn)
        recommenders.check_request(found.dep.recipe, user_id, item_id)
    else:
        found = _lookup(ctx, lambda: for_campaign(ctx, campaign_arn), filter_arn)
    dep = found.dep
    n = _count(num_results, metadata_columns)
    kind = dep.recipe.recipe_type
    if kind == "USER_PERSONALIZATION" and not user_id:
        raise InvalidInputException("userId is required for this campaign's recipe.")
    if kind == "RELATED_ITEMS" and not item_id:
        raise InvalidInputException("itemId is required for this campaign's recipe.")
    if kind not in ("USER_PERSONALIZATION", "RELATED_ITEMS", "POPULAR_ITEMS"):
        raise InvalidInputException(
            f"GetRecommendations does not serve {kind} campaigns"
            + (": use GetPersonalizedRanking." if kind == "PERSONALIZED_RANKING" else ".")
        )
    history = dep.histories.get(user_id) if user_id else History()
    mask = _filter_mask(found, filter_values, user_id, history, item_id)
    if recommender_arn:
        mask = recommenders.without_consumed(dep.recipe, dep.model, history, mask)
    if promotions:
        raise InvalidInputException("personalize-local does not serve promotions yet.")
    answer = scoring.top_items(dep, scoring.request_scores(dep, history, user_id, item_id), mask, n)
    ids = answer.ids
    items: list[dict[str, Any]] = [{"itemId": item} for item in ids]
    if answer.scores is not None:
        for item, score in zip(items, answer.scores, strict=True):
            item["score"] = score
    for item, meta in zip(items, _metadata(dep, metadata_columns, ids), strict=True):
        if meta is not None:
            item["metadata"] = meta
    return {"itemList": items, "recommendationId": found.recommendation_id}


@lock_free
def get_personalized_ranking(
    ctx: Context,
    campaign_arn: str,
    input_list: list[str],
    user_id: str,
    context: dict[str, str] | None = None,
    filter_arn: str | None = None,
    filter_values: dict[str, str] | None = None,
    metadata_columns: dict[str, list[str]] | None = None,
) -> dict:
    found = _lookup(ctx, lambda: for_campaign(ctx, campaign_arn), filter_arn)
    dep = found.dep
    if dep.recipe.recipe_type != "PERSONALIZED_RANKING":
        raise InvalidInputException(
            "GetPersonalizedRanking needs a campaign of a PERSONALIZED_RANKING recipe."
        )
    limit = MAX_RESULTS_WITH_METADATA if metadata_columns else MAX_RESULTS
    if len(input_list) > limit:
        raise InvalidInputException(f"inputList must have at most {limit} items.")
    history = dep.histories.get(user_id)
    mask = _filter_mask(found, filter_values, user_id, history, None)
    scores = next(scoring.history_scores(dep.model, [history], typed=False))
    ranked = scoring.rank(dep.model, scores, input_list, mask)
    ranking: list[dict[str, Any]] = [
        {"itemId": item, "score": score}
        for item, score in zip(ranked.ids, ranked.scores, strict=True)
    ]
    # Items the model does not know come last, without a score, in input order.
    ranking += [{"itemId": item} for item in ranked.unknown]
    ids = [r["itemId"] for r in ranking]
    for row, meta in zip(ranking, _metadata(dep, metadata_columns, ids), strict=True):
        if meta is not None:
            row["metadata"] = meta
    return {"personalizedRanking": ranking, "recommendationId": found.recommendation_id}


@lock_free
def get_action_recommendations(
    ctx: Context,
    campaign_arn: str | None = None,
    user_id: str | None = None,
    num_results: int | None = None,
    filter_arn: str | None = None,
    filter_values: dict[str, str] | None = None,
) -> dict:
    if not campaign_arn:
        raise InvalidInputException("campaignArn is required.")
    found = _lookup(ctx, lambda: for_campaign(ctx, campaign_arn), filter_arn)
    dep = found.dep
    if dep.recipe.recipe_type != "PERSONALIZED_ACTIONS":
        raise InvalidInputException(
            "GetActionRecommendations needs a campaign of the Next-Best-Action recipe."
        )
    n = 5 if num_results is None else num_results
    if n > 100:
        raise InvalidInputException("numResults must be at most 100.")
    history = dep.histories.get(user_id) if user_id else History()
    mask = _filter_mask(found, filter_values, user_id, history, None)
    scores = np.asarray(
        dep.model.score_user(history.items, history.times, history.types, history.values),
        np.float64,
    )
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    chosen = top_k(scores, n)
    probabilities = to_probabilities(scores)
    actions = [
        {"actionId": str(dep.model.item_ids[i]), "score": float(probabilities[i])} for i in chosen
    ]
    return {"actionList": actions, "recommendationId": found.recommendation_id}
