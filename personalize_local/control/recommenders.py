"""Recommenders: domain use cases trained in the background, stopped, started, updated, deleted.

A recommender is a domain dataset group's answer to one use case (a domain recipe). Creating
one trains a real model with the recipe's custom analogue (`models.registry`) through the same
`training.fit` as solution versions, under the use case's data rules, and computes
``modelMetrics``. Sources: botocore's model for shapes and error lists, and the live guide:

- statuses and config: https://docs.aws.amazon.com/personalize/latest/dg/API_CreateRecommender.html
- 5 recommenders per dataset group: https://docs.aws.amazon.com/personalize/latest/dg/limits.html
- the use cases (and their VIDEO_ON_DEMAND / ECOMMERCE pages):
  https://docs.aws.amazon.com/personalize/latest/dg/domain-use-cases.html
- ``modelMetrics``: https://docs.aws.amazon.com/personalize/latest/dg/evaluating-recommenders.html

Choices the guide does not document say that they are inferred.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..context import Context
from ..errors import (
    InvalidInputException,
    ResourceInUseException,
)
from ..recipes.catalogue import RecipeInfo
from ..serving.payloads import ModelPayload, RecommenderPayload
from ..serving.recommenders import EXPLORATION_DEFAULTS, KIND, USE_CASES, serving
from ..store.jobs import JobFailure
from ..store.state import Resource, Update
from . import dataset_groups, training
from .common import IN_FLIGHT, check_quota, register, require_status, summaries
from .recipes import recipe_for

#: Recommenders per dataset group (https://docs.aws.amazon.com/personalize/latest/dg/limits.html).
MAX_RECOMMENDERS = 5
EXPLORATION_KEYS = frozenset(EXPLORATION_DEFAULTS)
DATASET_TYPES = ("Interactions", "Items", "Users")
#: Columns training cannot do without, so trainingDataConfig may not drop them (inferred).
KEY_COLUMNS = frozenset({"USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"})
#: Statuses in which DescribeRecommender has no modelMetrics (inferred: no model yet).
NO_METRICS = ("CREATE PENDING", "CREATE IN_PROGRESS", "DELETE PENDING", "DELETE IN_PROGRESS")


# --- validation -----------------------------------------------------------------------------


def _domain_recipe(group: Resource, recipe_arn: str) -> RecipeInfo:
    """The recipe, which must be a use case of the group's domain."""
    domain = group.attrs.get("domain")
    if not domain:
        raise InvalidInputException(
            f"Recommenders can be created only in a Domain dataset group; {group.arn} has no "
            "domain. Use a solution and a campaign in a custom dataset group."
        )
    recipe = recipe_for(recipe_arn)
    if recipe.domain is None:
        raise InvalidInputException(
            f"The recipe {recipe_arn} is not a domain use case. Recommenders need a "
            f"{domain} use case; create a solution for a custom recipe."
        )
    if recipe.domain != domain:
        raise InvalidInputException(
            f"The recipe {recipe_arn} is a {recipe.domain} use case, but the dataset group "
            f"{group.arn} has the domain {domain}."
        )
    return recipe


def _check_exploration(recipe: RecipeInfo, settings: dict[str, str] | None) -> None:
    if settings is None:
        return
    if recipe.recipe_type != "USER_PERSONALIZATION":
        raise InvalidInputException(
            "itemExplorationConfig is only supported for use cases that generate personalized "
            f"recommendations for a user, not for {recipe.name}."
        )
    unknown = sorted(set(settings) - EXPLORATION_KEYS)
    if unknown:
        raise InvalidInputException(
            f"Unknown itemExplorationConfig keys {unknown}: use explorationWeight and "
            "explorationItemAgeCutOff."
        )
    try:
        weight = float(settings.get("explorationWeight", EXPLORATION_DEFAULTS["explorationWeight"]))
        cutoff = float(settings.get("explorationItemAgeCutOff", "30"))
    except ValueError:
        raise InvalidInputException(
            "itemExplorationConfig explorationWeight and explorationItemAgeCutOff must be numbers."
        ) from None
    # explorationItemAgeCutOff has a minimum of 1 day for the domain use cases
    # (create-recommender-configure-exploration).
    if not 0.0 <= weight <= 1.0 or cutoff < 1:
        raise InvalidInputException(
            "explorationWeight must be between 0 and 1 and explorationItemAgeCutOff at least 1."
        )


def _check_training_data(config: dict[str, Any] | None) -> None:
    """trainingDataConfig: dataset types as keys, never the columns training needs (inferred)."""
    if not config:
        return
    excluded = config.get("excludedDatasetColumns") or {}
    included = config.get("includedDatasetColumns") or {}
    for kind in [*excluded, *included]:
        if kind not in DATASET_TYPES:
            raise InvalidInputException(
                f"trainingDataConfig: {kind} is not a dataset type; use {', '.join(DATASET_TYPES)}."
            )
    both = sorted(set(excluded) & set(included))
    if both:
        raise InvalidInputException(
            f"trainingDataConfig: give either excludedDatasetColumns or includedDatasetColumns "
            f"for {both[0]}, not both."
        )
    for kind, columns in excluded.items():
        needed = sorted({c.upper() for c in columns} & KEY_COLUMNS)
        if needed:
            raise InvalidInputException(
                f"trainingDataConfig: the {kind} column {needed[0]} is required for training "
                "and cannot be excluded."
            )


def _config(recipe: RecipeInfo, config: dict[str, Any] | None) -> dict[str, Any]:
    """The recommender config as Describe shows it: the given members plus the TPS default."""
    out = {"minRecommendationRequestsPerSecond": 1, **(config or {})}
    _check_exploration(recipe, out.get("itemExplorationConfig"))
    _check_training_data(out.get("trainingDataConfig"))
    return out


# --- training -------------------------------------------------------------------------------


def _columns(frame, kind: str, config: dict[str, Any]):
    """``frame`` with the columns trainingDataConfig leaves for training."""
    if frame is None:
        return None
    excluded = {c.upper() for c in (config.get("excludedDatasetColumns") or {}).get(kind, [])}
    included = (config.get("includedDatasetColumns") or {}).get(kind)
    keep = []
    for column in frame.columns:
        name = str(column).upper()
        if name in KEY_COLUMNS or (
            name not in excluded and (included is None or name in {c.upper() for c in included})
        ):
            keep.append(column)
    return frame[keep]


def _snapshot(ctx: Context, group_arn: str, config: dict[str, Any]) -> dict[str, Any]:
    snapshot = training.training_input(ctx, group_arn)
    data_config = config.get("trainingDataConfig") or {}
    if data_config:
        snapshot["frames"] = {
            kind: _columns(frame, kind, data_config) for kind, frame in snapshot["frames"].items()
        }
    return snapshot


def _required_data(recipe: RecipeInfo, frames: dict[str, Any]):
    """The use case's data rules beyond the general minimum (limits, domain-use-cases)."""
    use_case = USE_CASES[recipe.name]
    for kind in use_case.datasets:
        frame = frames.get(kind)
        if frame is None or len(frame) == 0:
            # The service's wording is not published.
            raise JobFailure(
                f"The {recipe.name} use case needs data in the {kind} dataset, and the dataset "
                "group has none."
            )
    wanted = recipe.required_event_type

    def check(data) -> None:
        if wanted is None:
            return
        # Domain event types match case-insensitively, as models.registry trains on them.
        codes = [i for i, t in enumerate(data.event_types) if str(t).lower() == wanted.lower()]
        count = int(np.isin(data.event_type_codes, codes).sum())
        if count < training.MIN_INTERACTIONS:
            raise JobFailure(
                f"Dataset has fewer than {training.MIN_INTERACTIONS} interactions after "
                f"filtering by event type: {wanted}"
            )

    return check


def _holder(recommender: Resource, model: Any) -> Resource:
    """What `serving.deployment` serves: a model with the recommender's group and recipe."""
    attrs = {
        "datasetGroupArn": recommender.attrs["datasetGroupArn"],
        "recipeArn": recommender.attrs["recipeArn"],
    }
    data = ModelPayload(model)
    return Resource("recommender-model", recommender.arn, attrs, recommender.created, data=data)


def _train(ctx: Context, recommender: Resource, recipe: RecipeInfo, config: dict[str, Any], target):
    """Start training in the background; ``target`` is the resource whose lifecycle it ends."""
    snapshot = _snapshot(ctx, recommender.attrs["datasetGroupArn"], config)
    seed = ctx.ids.derive()

    def work():
        check = _required_data(recipe, snapshot["frames"])
        trained = training.fit(recipe.name, snapshot, {}, seed, check=check)

        def commit() -> None:
            data = RecommenderPayload.of(recommender)
            data.serving = _holder(recommender, trained.model)
            data.metrics = trained.metrics

        return commit

    ctx.emulator.jobs.submit(target, work)


# --- operations -----------------------------------------------------------------------------


def create_recommender(
    ctx: Context,
    name: str,
    dataset_group_arn: str,
    recipe_arn: str,
    recommender_config: dict[str, Any] | None = None,
    tags: list | None = None,
) -> dict:
    group = dataset_groups.active_group(ctx, dataset_group_arn)
    recipe = _domain_recipe(group, recipe_arn)
    config = _config(recipe, recommender_config)
    existing = [
        r
        for r in ctx.state.of_kind(KIND, parent=dataset_group_arn)
        if not r.timeline.status(ctx.now).startswith("DELETE")
    ]
    check_quota(
        len(existing),
        MAX_RECOMMENDERS,
        f"Cannot create a recommender. More than {MAX_RECOMMENDERS} recommenders in dataset "
        f"group {dataset_group_arn}. Please delete some and try again.",
    )
    arn = ctx.arn(KIND, name)
    attrs = {
        "name": name,
        "recommenderArn": arn,
        "datasetGroupArn": dataset_group_arn,
        "recipeArn": recipe_arn,
        "recommenderConfig": config,
    }
    data = RecommenderPayload()
    recommender = register(ctx, KIND, arn, attrs, ctx.pending(), dataset_group_arn, tags, data)
    _train(ctx, recommender, recipe, config, recommender)
    return {"recommenderArn": arn}


def describe_recommender(ctx: Context, recommender_arn: str) -> dict:
    recommender = ctx.state.get(KIND, recommender_arn)
    described = recommender.describe(ctx.now)
    metrics = RecommenderPayload.of(recommender).metrics
    if described["status"] not in NO_METRICS and metrics is not None:
        described["modelMetrics"] = metrics
    return {"recommender": described}


def list_recommenders(
    ctx: Context,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    rows, token = summaries(
        ctx,
        ctx.state.of_kind(KIND, parent=dataset_group_arn),
        "RecommenderSummary",
        max_results,
        next_token,
        {"datasetGroupArn": dataset_group_arn},
    )
    return {"recommenders": rows, "nextToken": token}


def update_recommender(
    ctx: Context, recommender_arn: str, recommender_config: dict[str, Any]
) -> dict:
    recommender = ctx.state.get(KIND, recommender_arn)
    require_status(recommender, ("ACTIVE",), "recommender", ctx.now)
    update = recommender.attrs.get("latestRecommenderUpdate")
    if update is not None and update.lifecycle.status(ctx.now) in IN_FLIGHT:
        raise ResourceInUseException(f"An update of recommender {recommender_arn} is in progress.")
    recipe = recipe_for(recommender.attrs["recipeArn"])
    old = recommender.attrs["recommenderConfig"]
    # Members left out of the request keep their values (inferred: the service does not say).
    config = _config(recipe, {**old, **recommender_config})
    # What serves now keeps serving until the update is ACTIVE (UpdateRecommender doc).
    model, serving_config = serving(ctx, recommender)
    RecommenderPayload.of(recommender).previous = (model, serving_config)
    recommender.attrs["recommenderConfig"] = config
    retrain = (old.get("trainingDataConfig") or {}) != (config.get("trainingDataConfig") or {})
    if not retrain:
        latest = Update({"recommenderConfig": config}, ctx.now, ctx.creating())
        recommender.attrs["latestRecommenderUpdate"] = latest
        return {"recommenderArn": recommender_arn}
    # "If you update the recommender to modify the columns used in training, Amazon Personalize
    # automatically starts a full retraining": the update stays in progress until it ends.
    latest = Update({"recommenderConfig": config}, ctx.now, ctx.pending())
    recommender.attrs["latestRecommenderUpdate"] = latest
    # The job ends the update's lifecycle and writes its failureReason into the update.
    target = Resource(
        "recommender-update", recommender_arn, latest.attrs, ctx.now, latest.lifecycle
    )
    _train(ctx, recommender, recipe, config, target)
    return {"recommenderArn": recommender_arn}


def stop_recommender(ctx: Context, recommender_arn: str) -> dict:
    recommender = ctx.state.get(KIND, recommender_arn)
    require_status(recommender, ("ACTIVE",), "recommender", ctx.now)
    recommender.timeline.walk(
        "STOP PENDING", "STOP IN_PROGRESS", "INACTIVE", step=ctx.settings.transition_seconds
    )
    return {"recommenderArn": recommender_arn}


def start_recommender(ctx: Context, recommender_arn: str) -> dict:
    recommender = ctx.state.get(KIND, recommender_arn)
    require_status(recommender, ("INACTIVE",), "recommender", ctx.now)
    # Starting creates no model: the one trained before the stop serves again.
    recommender.timeline.walk(
        "START PENDING", "START IN_PROGRESS", "ACTIVE", step=ctx.settings.transition_seconds
    )
    return {"recommenderArn": recommender_arn}


def delete_recommender(ctx: Context, recommender_arn: str) -> None:
    recommender = ctx.state.get(KIND, recommender_arn)
    require_status(recommender, ("ACTIVE", "INACTIVE", "CREATE FAILED"), "recommender", ctx.now)
    ctx.delete(recommender.timeline, "DELETE PENDING", "DELETE IN_PROGRESS")
