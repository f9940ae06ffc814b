"""The personalize-runtime operations: GetRecommendations, GetPersonalizedRanking,
GetActionRecommendations."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..context import Context
from ..errors import InvalidInputException, ResourceNotFoundException
from ..filters import grammar
from ..filters.evaluate import UserView, item_mask
from ..models.base import to_probabilities, top_k
from ..models.exploration import explore, item_age_days
from .deployment import Deployment, for_campaign
from .histories import History

DEFAULT_RESULTS = 25
MAX_RESULTS = 500
MAX_RESULTS_WITH_METADATA = 50
#: Recipes whose responses carry no scores (observed on the service).
UNSCORED = ("RELATED_ITEMS", "POPULAR_ITEMS")


def _filter_mask(
    ctx: Context,
    dep: Deployment,
    filter_arn: str | None,
    filter_values: dict[str, str] | None,
    user_id: str | None,
    history: History,
    item_id: str | None,
) -> np.ndarray | None:
    if not filter_arn:
        if filter_values:
            raise InvalidInputException("filterValues were given without a filterArn.")
        return None
    resource = ctx.state.find("filter", filter_arn)
    if resource is None or resource.status(ctx.now) != "ACTIVE":
        raise ResourceNotFoundException(f"The given filter does not exist: {filter_arn}")
    if resource.parent != dep.version.attrs["datasetGroupArn"]:
        raise InvalidInputException(
            f"The filter {filter_arn} belongs to another dataset group than the campaign."
        )
    values = grammar.parse_filter_values(filter_values or {})
    metadata = None
    if user_id and dep.users_meta is not None and user_id in dep.users_meta.index:
        metadata = dep.users_meta.loc[user_id].to_dict()
    user = UserView(interactions=history.newest_first(), metadata=metadata, current_item=item_id)
    return item_mask(resource.data["parsed"], values, dep.catalog, user)


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


def _explored(dep: Deployment, scores: np.ndarray, history: History, user_id: str) -> np.ndarray:
    settings = dep.config.get("itemExplorationConfig") or {}
    weight = float(settings.get("explorationWeight", 0) or 0)
    if weight <= 0 or dep.items_meta is None or "CREATION_TIMESTAMP" not in dep.items_meta:
        return scores
    created = dep.items_meta["CREATION_TIMESTAMP"].reindex(dep.model.item_ids)
    ages = item_age_days(created.to_numpy(np.float64), dep.histories.latest)
    relevance = dep.model.cold_item_scores(history.items, history.times)
    return explore(
        scores,
        relevance,
        ages,
        np.asarray(dep.model.popularity, np.float64),
        weight,
        float(settings.get("explorationItemAgeCutOff", 30)),
        dep.rng(user_id, len(history.items)),
    )


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
        raise ResourceNotFoundException(f"The given recommender does not exist: {recommender_arn}")
    dep = for_campaign(ctx, campaign_arn)
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
    mask = _filter_mask(ctx, dep, filter_arn, filter_values, user_id, history, item_id)
    if promotions:
        raise InvalidInputException("personalize-local does not serve promotions yet.")
    model = dep.model
    if kind == "USER_PERSONALIZATION":
        scores = model.score_user(history.items, history.times, history.types, history.values)
        scores = _explored(dep, scores, history, user_id)
    elif kind == "RELATED_ITEMS":
        scores = model.score_related(item_id)
    elif dep.recipe.name.endswith("trending-now"):
        scores = model.score_trending(dep.histories.latest)
    else:
        scores = model.score_popular()
    scores = np.asarray(scores, np.float64)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    chosen = top_k(scores, n)
    ids = [str(i) for i in model.item_ids[chosen]]
    items: list[dict[str, Any]] = [{"itemId": item} for item in ids]
    if kind not in UNSCORED:
        v2 = dep.recipe.name.endswith("-v2")
        probabilities = to_probabilities(scores[chosen] if v2 else scores)
        picked = probabilities if v2 else probabilities[chosen]
        for item, score in zip(items, picked, strict=True):
            item["score"] = float(score)
    for item, meta in zip(items, _metadata(dep, metadata_columns, ids), strict=True):
        if meta is not None:
            item["metadata"] = meta
    return {"itemList": items, "recommendationId": f"RID-{ctx.ids.uuid()}"}


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
    dep = for_campaign(ctx, campaign_arn)
    if dep.recipe.recipe_type != "PERSONALIZED_RANKING":
        raise InvalidInputException(
            "GetPersonalizedRanking needs a campaign of a PERSONALIZED_RANKING recipe."
        )
    limit = MAX_RESULTS_WITH_METADATA if metadata_columns else MAX_RESULTS
    if len(input_list) > limit:
        raise InvalidInputException(f"inputList must have at most {limit} items.")
    history = dep.histories.get(user_id)
    mask = _filter_mask(ctx, dep, filter_arn, filter_values, user_id, history, None)
    candidates = list(dict.fromkeys(input_list))
    if mask is not None:
        index = dep.model.item_index(candidates)
        candidates = [c for c, i in zip(candidates, index, strict=True) if i < 0 or mask[i]]
    ranked, scores, unknown = dep.model.rank(history.items, candidates, history.times)
    probabilities = to_probabilities(np.asarray(scores, np.float64))
    ranking: list[dict[str, Any]] = [
        {"itemId": str(item), "score": float(p)}
        for item, p in zip(ranked, probabilities, strict=True)
    ]
    # Items the model does not know come last, without a score, in input order.
    ranking += [{"itemId": item} for item in unknown]
    ids = [r["itemId"] for r in ranking]
    for row, meta in zip(ranking, _metadata(dep, metadata_columns, ids), strict=True):
        if meta is not None:
            row["metadata"] = meta
    return {"personalizedRanking": ranking, "recommendationId": f"RID-{ctx.ids.uuid()}"}


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
    dep = for_campaign(ctx, campaign_arn)
    if dep.recipe.recipe_type != "PERSONALIZED_ACTIONS":
        raise InvalidInputException(
            "GetActionRecommendations needs a campaign of the Next-Best-Action recipe."
        )
    n = 5 if num_results is None else num_results
    if n > 100:
        raise InvalidInputException("numResults must be at most 100.")
    history = dep.histories.get(user_id) if user_id else History()
    mask = _filter_mask(ctx, dep, filter_arn, filter_values, user_id, history, None)
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
    return {"actionList": actions, "recommendationId": f"RID-{ctx.ids.uuid()}"}
