"""Training shared by solution versions and recommenders: data snapshot, minimum data, fit, metrics.

Both train the same way off the request thread: build `InteractionData` from a snapshot of the
dataset group, apply the service's minimum-data rules, optionally tune, evaluate and fit with
`models.registry.train`. A failure becomes :class:`JobFailure`, whose text is the resource's
``failureReason``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..context import Context
from ..errors import PersonalizeError
from ..models.base import TrainedModel
from ..serving.datasets import contents, datasets_of, schema_of
from ..serving.payloads import SolutionVersionPayload
from ..store.jobs import JobFailure

MIN_INTERACTIONS = 1000
MIN_USERS = 25

#: An extra rule on the data (a recommender's required event type), raising JobFailure.
Check = Callable[[Any], None]


def training_input(ctx: Context, group_arn: str) -> dict[str, Any]:
    """A snapshot of the group's data, as the service trains on what exists at the start."""
    frames: dict[str, Any] = {}
    text_columns: list[str] = []
    for kind, dataset in datasets_of(ctx, group_arn).items():
        frames[kind] = contents(dataset).frame("ALL")
        if kind == "Items":
            text_columns = [f.name for f in schema_of(ctx, dataset).fields if f.textual]
    return {"frames": frames, "item_text_columns": text_columns}


@dataclass
class Trained:
    """What one training run produced."""

    model: TrainedModel
    metrics: dict[str, float]
    hyperparameters: dict[str, str]
    #: The hyperparameters HPO chose (None when HPO did not run).
    tuned: dict[str, str] | None
    hours: float


def fit(
    recipe: str,
    snapshot: dict[str, Any],
    config: Mapping[str, Any],
    seed: int,
    *,
    perform_hpo: bool = False,
    base: SolutionVersionPayload | None = None,
    check: Check | None = None,
) -> Trained:
    """Train ``recipe`` on ``snapshot`` with a solution-style ``config``.

    ``base`` is what an earlier FULL version holds (trainingMode UPDATE reuses its
    hyperparameters and metrics); ``check`` adds a rule after the general minimum.
    """
    from ..evaluation.hpo import tune
    from ..evaluation.solution_metrics import evaluate_solution
    from ..models.data import InteractionData
    from ..models.registry import train

    started = time.perf_counter()
    frames = snapshot["frames"]
    interactions = frames.get("Interactions")
    if interactions is None or len(interactions) == 0:
        raise JobFailure("There is no interactions data in the dataset group to train on.")
    hyperparameters = dict(config.get("algorithmHyperParameters") or {})
    feature_params = dict(config.get("featureTransformationParameters") or {})
    hpo = config.get("hpoConfig") or {}
    try:
        data = InteractionData.from_frames(
            interactions,
            frames.get("Items"),
            frames.get("Users"),
            item_text_columns=snapshot["item_text_columns"],
        )
        check_minimum(data)
        if check is not None:
            check(data)
        tuned = None
        if base is not None:
            hyperparameters = dict(base.hyperparameters or hyperparameters)
        elif perform_hpo:
            tuned, _trials = tune(
                recipe,
                data,
                hpo,
                hpo.get("hpoObjective"),
                hyperparameters,
                feature_params,
                seed,
            )
            hyperparameters = {**hyperparameters, **tuned}
        if base is not None:
            metrics = base.metrics
            temperature = base.model.score_temperature
        else:
            evaluation = evaluate_solution(
                recipe, data, hyperparameters, feature_params, seed, solution_config=config
            )
            metrics, temperature = evaluation.metrics, evaluation.temperature
        model = train(recipe, data, hyperparameters, feature_params, seed, config)
        model.score_temperature = temperature
    except PersonalizeError as error:
        raise JobFailure(error.message) from None
    hours = (time.perf_counter() - started) / 3600
    return Trained(model, metrics, hyperparameters, tuned, hours)


def check_minimum(data) -> None:
    """The service's minimum data to train, with its failure texts."""
    import numpy as np

    if len(data.user_idx) < MIN_INTERACTIONS:
        raise JobFailure(
            f"Create failed. Dataset has fewer than {MIN_INTERACTIONS} interactions "
            f"({len(data.user_idx)})."
        )
    per_user = np.bincount(data.user_idx, minlength=len(data.users))
    if int((per_user >= 2).sum()) < MIN_USERS:
        raise JobFailure(
            f"Create failed. Dataset has fewer than {MIN_USERS} users with at least 2 "
            "interactions each."
        )
