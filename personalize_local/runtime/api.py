"""The personalize-runtime operations: GetRecommendations, GetPersonalizedRanking,
GetActionRecommendations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..context import Context
from ..errors import InvalidInputException
from ..models.base import to_probabilities, top_k
from ..protocol.dispatch import lock_free
from ..protocol.serialize import Wire
from ..serving import answers, recommenders
from ..serving.deployment import Deployment, for_campaign, for_recommender
from ..serving.filters import active_filter
from ..serving.histories import History
from ..serving.payloads import FilterPayload
from ..store.state import Resource
from . import scoring

DEFAULT_RESULTS = 25
MAX_RESULTS = 500
MAX_RESULTS_WITH_METADATA = 50


@dataclass
class Lookup:
    """What a runtime request reads from the store, gathered under the lock in one go."""

    dep: Deployment
    filter: Resource | None
    recommendation_id: str
    promotion_filter: Resource | None = None


def _lookup(
    ctx: Context,
    find: Callable[[], Deployment],
    filter_arn: str | None,
    promotion_filter_arn: str | None = None,
    user: str = "campaign",
) -> Lookup:
    # The lock guards only these reads; scoring then runs in parallel with other requests.
    with ctx.emulator.lock:
        dep = find()
        group = dep.version.attrs["datasetGroupArn"]
        resource = active_filter(ctx, filter_arn, group, user) if filter_arn else None
        promotion = (
            active_filter(ctx, promotion_filter_arn, group, user) if promotion_filter_arn else None
        )
        return Lookup(dep, resource, f"RID-{ctx.ids.request_uuid()}", promotion)


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
        found.dep, FilterPayload.of(found.filter).parsed, filter_values, user_id, history, item_id
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


def _promotion(promotions: list[dict] | None, dep: Deployment, recommender: bool) -> dict | None:
    """The request's promotion (the model allows at most one), checked against the recipe."""
    if not promotions:
        return None
    promotion = promotions[0]
    name = dep.recipe.name
    if not dep.recipe.promotable:
        raise InvalidInputException(
            f"Promotions are not supported for {'the use case' if recommender else 'the recipe'}"
            f" {name}."
        )
    for member in ("name", "percentPromotedItems", "filterArn"):
        if promotion.get(member) is None:
            # The model marks every member optional; a promotion cannot work without them
            # (inferred: the guide documents no promotion without them).
            raise InvalidInputException(f"The promotion needs a {member}.")
    return promotion


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
    promotion_filter = (promotions[0].get("filterArn") if promotions else None) or None
    if recommender_arn:
        found = _lookup(
            ctx,
            lambda: for_recommender(ctx, recommender_arn),
            filter_arn,
            promotion_filter,
            "recommender",
        )
        recommenders.check_request(found.dep.recipe, user_id, item_id)
    else:
        assert campaign_arn  # one of the two, checked above
        found = _lookup(ctx, lambda: for_campaign(ctx, campaign_arn), filter_arn, promotion_filter)
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
    promotion = _promotion(promotions, dep, bool(recommender_arn))
    if found.filter is None and filter_values:
        raise InvalidInputException("filterValues were given without a filterArn.")
    history = dep.histories.get(user_id) if user_id else History()
    key = _answer_key(dep, found, history, user_id, item_id, n, filter_values, promotion)
    answer = dep.answers.get(key)
    if answer is None:
        answer = _recommend(
            dep,
            found,
            history,
            user_id,
            item_id,
            n,
            filter_values,
            promotion,
            bool(recommender_arn),
        )
        dep.answers.put(key, answer, len(answer.ids))
    items = _item_list(answer, _metadata(dep, metadata_columns, answer.ids), dep.recipe.v2)
    return Wire(itemList=items, recommendationId=found.recommendation_id)


def _item_list(answer: scoring.Answer, metadata: list, v2: bool) -> list[dict[str, Any]]:
    """The answer's ``itemList`` in its wire form (`Wire`): PredictedItem's members in their
    order (itemId, score, promotionName, metadata, reason), absent ones left out."""
    scores = answer.scores
    marked = answer.promoted or answer.explored or answer.placeholders
    if scores is not None and not marked and all(m is None for m in metadata):
        return [{"itemId": i, "score": p} for i, p in zip(answer.ids, scores, strict=True)]
    items: list[dict[str, Any]] = []
    for position, (item, meta) in enumerate(zip(answer.ids, metadata, strict=True)):
        row: dict[str, Any] = {"itemId": item}
        placeholder = position in answer.placeholders
        if scores is not None and not placeholder:
            row["score"] = scores[position]
        promoted = position in answer.promoted
        if promoted and answer.promotion is not None:
            row["promotionName"] = answer.promotion
        if meta is not None:
            row["metadata"] = meta
        # PredictedItem.reason, User-Personalization-v2 only (botocore's documentation).
        reasons = [
            reason
            for reason, present in (
                ("Promoted item", promoted),
                ("Exploration", position in answer.explored),
                ("Popular item", placeholder),
            )
            if present
        ]
        if reasons and v2:
            row["reason"] = reasons
        items.append(row)
    return items


def _answer_key(
    dep: Deployment,
    found: Lookup,
    history: History,
    user_id: str | None,
    item_id: str | None,
    n: int,
    filter_values: dict[str, str] | None,
    promotion: dict | None,
) -> tuple:
    """Everything a GetRecommendations answer depends on (see `answers`)."""
    exploration = dep.config.get("itemExplorationConfig") or {}
    weight = float(exploration.get("explorationWeight", 0) or 0)
    # Item ages (exploration) and trends are measured from the newest event of any user.
    clock = dep.histories.latest if weight > 0 or dep.recipe.trending else 0
    promoted = None
    if promotion is not None:
        assert found.promotion_filter is not None
        promoted = (
            promotion["name"],
            promotion["percentPromotedItems"],
            FilterPayload.of(found.promotion_filter).parsed,
            answers.frozen(promotion.get("filterValues")),
        )
    return (
        dep.arn,
        dep.histories.serial,
        user_id,
        len(history.items),
        clock,
        dep.data_key,
        weight,
        str(exploration.get("explorationItemAgeCutOff", "")),
        item_id,
        n,
        None if found.filter is None else FilterPayload.of(found.filter).parsed,
        answers.frozen(filter_values),
        promoted,
    )


def _recommend(
    dep: Deployment,
    found: Lookup,
    history: History,
    user_id: str | None,
    item_id: str | None,
    n: int,
    filter_values: dict[str, str] | None,
    promotion: dict | None,
    recommender: bool,
) -> scoring.Answer:
    """Score, filter and pick the answer of one GetRecommendations request."""
    with scoring.SCORING:
        mask = _filter_mask(found, filter_values, user_id, history, item_id)
        if recommender:
            mask = recommenders.without_consumed(dep.recipe, dep.model, history, mask)
    exploit = scoring.request_scores(dep, history, user_id, item_id)
    scores = scoring.explored(dep, exploit, history, user_id or "")
    # Top-k and softmax read only this request's arrays: outside the lock, so they overlap
    # the next request's scoring.
    if promotion is None:
        return scoring.top_items(dep, scores, mask, n, exploit)
    with scoring.SCORING:
        assert found.promotion_filter is not None
        promoted = scoring.filter_mask(
            dep,
            FilterPayload.of(found.promotion_filter).parsed,
            promotion.get("filterValues"),
            user_id,
            history,
            item_id,
        )
        if recommender:  # the use case's own rule (e.g. nothing purchased) holds for every slot
            promoted = recommenders.without_consumed(dep.recipe, dep.model, history, promoted)
        name = promotion["name"]
        rng = dep.rng("promotion", user_id or "", item_id or "", len(history.items), name)
        return scoring.promoted_items(
            dep,
            scores,
            mask,
            promoted,
            n,
            int(promotion["percentPromotedItems"]),
            name,
            rng,
            exploit,
        )


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
    with scoring.SCORING:
        mask = _filter_mask(found, filter_values, user_id, history, None)
        scores = next(scoring.history_scores(dep.model, [history], typed=False))
        ranked = scoring.rank(dep, scores, input_list, mask)
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
