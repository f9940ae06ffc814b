"""The `train` entry point the server calls for a solution version, and each model's builder.

``train(recipe, data, hyperparameters, feature_params, seed, solution_config)`` finds the
recipe's record (`personalize_local.recipes.catalogue`), validates the string parameters with
the parameters class the record names, applies the solution's training-data selection
(`selection.select`), and fits the model its `ModelKind` maps to in `BUILDERS` on everything that
remains. The evaluation (`personalize_local.evaluation`) uses the same `prepare` /
`fit_prepared` steps on its training split, so metrics describe exactly the model the server
serves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from personalize_local.errors import InvalidInputException
from personalize_local.models.affinity import AffinityModel
from personalize_local.models.base import TrainedModel
from personalize_local.models.coldstart import ColdstartModel
from personalize_local.models.data import InteractionData
from personalize_local.models.engine import EngineSettings, UserPersonalizationModel
from personalize_local.models.popularity import PopularityModel, TrendingModel
from personalize_local.models.selection import Selection, parse_selection, select
from personalize_local.models.similar_items import SimilarItemsModel
from personalize_local.models.sims import SimsModel
from personalize_local.recipes import parameters as C
from personalize_local.recipes.catalogue import ModelKind, RecipeInfo, trainable_recipe

USER_PERSONALIZATION = "USER_PERSONALIZATION"
PERSONALIZED_RANKING = "PERSONALIZED_RANKING"
RELATED_ITEMS = "RELATED_ITEMS"
POPULAR_ITEMS = "POPULAR_ITEMS"
USER_SEGMENTATION = "USER_SEGMENTATION"
PERSONALIZED_ACTIONS = "PERSONALIZED_ACTIONS"

#: optimizationObjective.objectiveSensitivity → weight of the reward in the score.
OBJECTIVE_WEIGHTS = {"OFF": 0.0, "LOW": 0.1, "MEDIUM": 0.25, "HIGH": 0.5}
#: SIMS featurization parameters applied only when a solution sets one (their documented
#: defaults, 0.01 / 0.9, would drop the items the real default SIMS model recommends most).
SIMS_ITEM_PERCENTILES = frozenset(
    {"min_item_interaction_count_percentile", "max_item_interaction_count_percentile"}
)


def resolve(recipe: str) -> RecipeInfo:
    """The record of a recipe name or recipe ARN that can train (listed or retired)."""
    info = trainable_recipe(recipe)
    if info is None:
        raise InvalidInputException(f"The recipe {recipe} does not exist.")
    return info


#: v2 recipes' sequence emphasis (see `engine_settings`).
V2_HALF_LIFE, V2_GAMMA, V2_BETA = 3.0, 0.8, 0.5


def engine_settings(cfg: Any) -> EngineSettings:
    """Map a UP-family config onto the engine.

    * ``recency_mask`` (v2: ``apply_recency_bias``) true: recent events weigh more
      (half-life 5 events), the last 4·``bptt`` events count, and the order-aware terms
      (next-item regression, transitions) are on.
    * false: an order-free model: every event of the history weighs the same and only the
      collaborative part scores (for data whose order carries no signal; `bptt` is moot).
    * ``hidden_dimension``: the ALS factors on catalogues too large for EASE.
    * v2 recipes (`C.UserPersonalizationV2Config`) are a model of their own: on the service they
      are transformer-based sequence models
      (https://docs.aws.amazon.com/personalize/latest/dg/native-recipe-user-personalization-v2.html),
      so (inferred) their engine weighs the latest events more (half-life `V2_HALF_LIFE` events
      instead of 5) and leans on the sequence: next-item regression γ = `V2_GAMMA` (v1 0.5) and
      transitions β = `V2_BETA` (v1 0.3).
    """
    factors = int(getattr(cfg, "hidden_dimension", 149))
    if getattr(cfg, "recency_mask", True) and getattr(cfg, "apply_recency_bias", True):
        v2 = isinstance(cfg, C.UserPersonalizationV2Config)
        return EngineSettings(
            half_life=V2_HALF_LIFE if v2 else 5.0,
            window=4 * int(getattr(cfg, "bptt", 32)),
            gamma=V2_GAMMA if v2 else 0.5,
            beta=V2_BETA if v2 else 0.3,
            factors=factors,
        )
    return EngineSettings(half_life=None, window=2**31 - 1, beta=0.0, gamma=0.0, factors=factors)


@dataclass
class Prepared:
    """A validated config and the selected training data of one solution."""

    recipe: RecipeInfo
    config: Any
    selection: Selection
    data: InteractionData
    solution_config: Mapping


def prepare(
    recipe: str,
    data: InteractionData,
    hyperparameters: Mapping[str, str] | None,
    feature_params: Mapping[str, str] | None,
    solution_config: Mapping | None = None,
) -> Prepared:
    """Validate parameters and select the training data (shared by training and evaluation)."""
    info = resolve(recipe)
    training = info.training
    cfg = C.parse_config(training.config, hyperparameters, feature_params, strict=training.strict)
    users: tuple[Any, Any] = (
        getattr(cfg, "min_user_history_length_percentile", None),
        getattr(cfg, "max_user_history_length_percentile", None),
    )
    items: tuple[Any, Any] = (
        getattr(cfg, "min_item_interaction_count_percentile", None),
        getattr(cfg, "max_item_interaction_count_percentile", None),
    )
    if not SIMS_ITEM_PERCENTILES & set(feature_params or {}):
        # The service's default SIMS keeps the most-interacted items (see models/sims.py):
        # the item-count percentiles (only SIMS has them) filter only when the solution sets them.
        items = (None, None)
    event_type = info.required_event_type
    positive = training.positive_event_type
    if positive and any(t.upper() == positive for t in data.event_types):
        event_type = positive
    selection = parse_selection(
        solution_config,
        users if users[0] is not None else None,
        items if items[0] is not None else None,
        event_type=event_type,
        case_insensitive_types=info.required_event_type is not None or positive is not None,
    )
    selected = select(data, selection)
    if len(selected) == 0:
        raise InvalidInputException(
            "There are no interactions left for training after applying the solution's "
            "event type and value filters."
        )
    return Prepared(info, cfg, selection, selected, dict(solution_config or {}))


def _objective(prep: Prepared) -> tuple[np.ndarray | None, float]:
    """Per-item rewards in [0, 1] and their weight, from solutionConfig.optimizationObjective."""
    objective = prep.solution_config.get("optimizationObjective") or {}
    column = objective.get("itemAttribute")
    if not column:
        return None, 0.0
    meta = prep.data.items_meta
    if meta is None or column.upper() not in meta.columns:
        raise InvalidInputException(
            f"optimizationObjective.itemAttribute {column} is not a column of the Items dataset."
        )
    values = pd.to_numeric(meta[column.upper()], errors="coerce")
    r = values.reindex(pd.Index(prep.data.items)).to_numpy(np.float64)
    lo, hi = np.nanmin(r), np.nanmax(r)
    r = np.nan_to_num((r - lo) / (hi - lo) if hi > lo else np.zeros_like(r))
    sensitivity = str(objective.get("objectiveSensitivity", "MEDIUM")).upper()
    if sensitivity not in OBJECTIVE_WEIGHTS:
        raise InvalidInputException(f"Invalid objectiveSensitivity {sensitivity}.")
    return r, OBJECTIVE_WEIGHTS[sensitivity]


# --- one builder per model kind ------------------------------------------------------------


def _engine(
    prep: Prepared, settings: EngineSettings | None
) -> tuple[EngineSettings, dict[str, Any]]:
    """The UP engine's settings and keyword arguments (rewards from the objective)."""
    rewards, weight = _objective(prep)
    settings = settings or engine_settings(prep.config)
    if prep.recipe.hrnn_based:
        settings = dataclasses.replace(settings, one_step_per_moment=False)
    kw = {
        "recipe": prep.recipe.name,
        "selection": prep.selection,
        "rewards": rewards,
        "reward_weight": weight,
    }
    return settings, kw


def _fit_user_personalization(
    prep: Prepared, data: InteractionData, seed: int, settings: EngineSettings | None
) -> TrainedModel:
    settings, kw = _engine(prep, settings)
    return UserPersonalizationModel.fit(data, settings, seed, **kw)


def _fit_personalized_ranking(
    prep: Prepared, data: InteractionData, seed: int, settings: EngineSettings | None
) -> TrainedModel:
    settings, kw = _engine(prep, settings)
    # A ranking keeps the items the user has seen (ranks them by score like any other).
    settings = dataclasses.replace(settings, rule_out_seen=False)
    return UserPersonalizationModel.fit(data, settings, seed, **kw)


def _fit_affinity(
    prep: Prepared, data: InteractionData, seed: int, settings: EngineSettings | None
) -> TrainedModel:
    settings, kw = _engine(prep, settings)
    model = AffinityModel.fit(data, settings, seed, keep_histories=True, **kw)
    model.items_meta = data.items_meta
    model.by_attributes = prep.recipe.segments_by_attributes
    return model


def _fit_coldstart(
    prep: Prepared, data: InteractionData, seed: int, settings: EngineSettings | None
) -> TrainedModel:
    settings, kw = _engine(prep, settings)
    cfg = prep.config
    return ColdstartModel.fit_coldstart(
        data,
        settings,
        seed,
        max_interactions=cfg.cold_start_max_interactions,
        max_duration_days=cfg.cold_start_max_duration,
        relative_from=cfg.cold_start_relative_from,
        **kw,
    )


def _fit_sims(
    prep: Prepared, data: InteractionData, seed: int, settings: EngineSettings | None
) -> TrainedModel:
    cfg = prep.config
    return SimsModel.fit(
        data,
        cfg.popularity_discount_factor,
        cfg.min_cointeraction_count,
        recipe=prep.recipe.name,
        selection=prep.selection,
    )


def _fit_similar_items(
    prep: Prepared, data: InteractionData, seed: int, settings: EngineSettings | None
) -> TrainedModel:
    return SimilarItemsModel.fit(
        data,
        popularity_discount_factor=prep.config.popularity_discount_factor,
        recipe=prep.recipe.name,
        selection=prep.selection,
    )


def _fit_popularity(
    prep: Prepared, data: InteractionData, seed: int, settings: EngineSettings | None
) -> TrainedModel:
    return PopularityModel.fit(data, recipe=prep.recipe.name, selection=prep.selection)


def _fit_trending(
    prep: Prepared, data: InteractionData, seed: int, settings: EngineSettings | None
) -> TrainedModel:
    window = C.parse_trend_frequency(prep.config.trend_discovery_frequency)
    return TrendingModel.fit(data, window, recipe=prep.recipe.name, selection=prep.selection)


#: Fits one model kind on (prepared solution, data, seed, engine settings override).
Builder = Callable[[Prepared, InteractionData, int, EngineSettings | None], TrainedModel]

#: The builder of every `ModelKind` a recipe record can name.
BUILDERS: dict[ModelKind, Builder] = {
    ModelKind.USER_PERSONALIZATION: _fit_user_personalization,
    ModelKind.PERSONALIZED_RANKING: _fit_personalized_ranking,
    ModelKind.COLDSTART: _fit_coldstart,
    ModelKind.AFFINITY: _fit_affinity,
    ModelKind.SIMS: _fit_sims,
    ModelKind.SIMILAR_ITEMS: _fit_similar_items,
    ModelKind.POPULARITY: _fit_popularity,
    ModelKind.TRENDING: _fit_trending,
}


def fit_prepared(
    prep: Prepared,
    seed: int,
    data: InteractionData | None = None,
    settings: EngineSettings | None = None,
) -> TrainedModel:
    """Fit the recipe's model on ``data`` (default: the prepared selection).

    ``settings`` overrides the UP engine's (`engine_settings`); other models ignore it.
    """
    build = BUILDERS[prep.recipe.training.model]
    return build(prep, prep.data if data is None else data, seed, settings)


def train(
    recipe: str,
    data: InteractionData,
    hyperparameters: Mapping[str, str] | None,
    feature_params: Mapping[str, str] | None,
    seed: int,
    solution_config: Mapping | None = None,
) -> TrainedModel:
    """Train the model of one solution version on all of the dataset group's data.

    Parameters
    ----------
    recipe : str
        Recipe name or ARN, e.g. ``"aws-user-personalization"`` or a domain recipe.
    data : InteractionData
        The dataset group's interactions and metadata.
    hyperparameters, feature_params : mapping of str to str
        ``algorithmHyperParameters`` / ``featureTransformationParameters`` (strings).
    seed : int
        Seeds every random choice (derive it from the solution-version ARN).
    solution_config : mapping, optional
        CreateSolution's ``solutionConfig`` (camelCase); its ``eventType`` key, if any, is the
        solution's ``eventType``.

    Raises
    ------
    InvalidInputException
        Unknown recipe, unknown or out-of-range parameter, or no data left after selection.
    """
    prep = prepare(recipe, data, hyperparameters, feature_params, solution_config)
    return fit_prepared(prep, seed)
