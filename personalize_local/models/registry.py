"""Recipe catalogue and the `train` entry point the server calls for a solution version.

``train(recipe, data, hyperparameters, feature_params, seed, solution_config)`` validates the
string parameters against the recipe's documented table, applies the solution's training-data
selection (`selection.select`), and fits the recipe's model on everything that remains. The
evaluation (`personalize_local.evaluation`) uses the same `prepare` / `fit_prepared` steps on
its training split, so metrics describe exactly the model the server serves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from personalize_local.errors import InvalidInputException
from personalize_local.models import config as C
from personalize_local.models.affinity import AffinityModel
from personalize_local.models.base import TrainedModel
from personalize_local.models.coldstart import ColdstartModel
from personalize_local.models.data import InteractionData
from personalize_local.models.engine import EngineSettings, UserPersonalizationModel
from personalize_local.models.popularity import PopularityModel, TrendingModel
from personalize_local.models.selection import Selection, parse_selection, select
from personalize_local.models.similar_items import SimilarItemsModel
from personalize_local.models.sims import SimsModel
from personalize_local.recipes import catalogue

USER_PERSONALIZATION = "USER_PERSONALIZATION"
PERSONALIZED_RANKING = "PERSONALIZED_RANKING"
RELATED_ITEMS = "RELATED_ITEMS"
POPULAR_ITEMS = "POPULAR_ITEMS"
USER_SEGMENTATION = "USER_SEGMENTATION"
PERSONALIZED_ACTIONS = "PERSONALIZED_ACTIONS"

ARN_PREFIX = catalogue.recipe_arn("")  # the catalogue owns recipe ARNs


@dataclass(frozen=True)
class RecipeSpec:
    """One recipe: its family (evaluation protocol), model kind and configuration."""

    name: str
    family: str
    kind: str  # up | ranking | coldstart | sims | similar | popularity | trending | affinity | nba
    config: type
    strict: bool = True  # reject unknown hyperparameter names
    event_type: str | None = None  # domain recipes train on one event type


_CUSTOM = [
    RecipeSpec("aws-user-personalization", USER_PERSONALIZATION, "up", C.UserPersonalizationConfig),
    RecipeSpec(
        "aws-user-personalization-v2",
        USER_PERSONALIZATION,
        "up",
        C.UserPersonalizationV2Config,
        strict=False,
    ),
    RecipeSpec("aws-hrnn", USER_PERSONALIZATION, "up", C.HrnnConfig),
    RecipeSpec("aws-hrnn-metadata", USER_PERSONALIZATION, "up", C.HrnnConfig),
    RecipeSpec("aws-hrnn-coldstart", USER_PERSONALIZATION, "coldstart", C.HrnnColdstartConfig),
    RecipeSpec(
        "aws-personalized-ranking", PERSONALIZED_RANKING, "ranking", C.UserPersonalizationConfig
    ),
    RecipeSpec(
        "aws-personalized-ranking-v2",
        PERSONALIZED_RANKING,
        "ranking",
        C.UserPersonalizationV2Config,
        strict=False,
    ),
    RecipeSpec("aws-sims", RELATED_ITEMS, "sims", C.SimsConfig),
    RecipeSpec("aws-similar-items", RELATED_ITEMS, "similar", C.SimilarItemsConfig),
    # Semantic-Similarity ranks items by the meaning of their text; offline, the Similar-Items
    # model's TF-IDF text and metadata similarity is the closest real algorithm we can run.
    RecipeSpec(
        "aws-semantic-similarity", RELATED_ITEMS, "similar", C.SimilarItemsConfig, strict=False
    ),
    RecipeSpec("aws-popularity-count", POPULAR_ITEMS, "popularity", C.PopularityConfig),
    RecipeSpec("aws-trending-now", POPULAR_ITEMS, "trending", C.TrendingConfig),
    RecipeSpec("aws-item-affinity", USER_SEGMENTATION, "affinity", C.AffinityConfig),
    RecipeSpec("aws-item-attribute-affinity", USER_SEGMENTATION, "affinity", C.AffinityConfig),
    RecipeSpec(
        "aws-next-best-action", PERSONALIZED_ACTIONS, "nba", C.NextBestActionConfig, strict=False
    ),
]

# Domain recipes mapped onto the custom recipes they behave like
# (https://docs.aws.amazon.com/personalize/latest/dg/domain-use-cases.html).
_DOMAIN = [
    RecipeSpec(
        "aws-vod-because-you-watched-x",
        RELATED_ITEMS,
        "sims",
        C.SimsConfig,
        strict=False,
        event_type="Watch",
    ),
    RecipeSpec("aws-vod-more-like-x", RELATED_ITEMS, "similar", C.SimilarItemsConfig, strict=False),
    RecipeSpec(
        "aws-vod-most-popular",
        POPULAR_ITEMS,
        "popularity",
        C.PopularityConfig,
        strict=False,
        event_type="Watch",
    ),
    RecipeSpec("aws-vod-trending-now", POPULAR_ITEMS, "trending", C.TrendingConfig, strict=False),
    RecipeSpec(
        "aws-vod-top-picks", USER_PERSONALIZATION, "up", C.UserPersonalizationConfig, strict=False
    ),
    RecipeSpec(
        "aws-ecomm-popular-items-by-views",
        POPULAR_ITEMS,
        "popularity",
        C.PopularityConfig,
        strict=False,
        event_type="View",
    ),
    RecipeSpec(
        "aws-ecomm-popular-items-by-purchases",
        POPULAR_ITEMS,
        "popularity",
        C.PopularityConfig,
        strict=False,
        event_type="Purchase",
    ),
    RecipeSpec(
        "aws-ecomm-frequently-bought-together",
        RELATED_ITEMS,
        "sims",
        C.SimsConfig,
        strict=False,
        event_type="Purchase",
    ),
    RecipeSpec(
        "aws-ecomm-customers-who-viewed-x-also-viewed",
        RELATED_ITEMS,
        "sims",
        C.SimsConfig,
        strict=False,
        event_type="View",
    ),
    RecipeSpec(
        "aws-ecomm-recommended-for-you",
        USER_PERSONALIZATION,
        "up",
        C.UserPersonalizationConfig,
        strict=False,
    ),
]

RECIPES: dict[str, RecipeSpec] = {s.name: s for s in _CUSTOM + _DOMAIN}

#: optimizationObjective.objectiveSensitivity → weight of the reward in the score.
OBJECTIVE_WEIGHTS = {"OFF": 0.0, "LOW": 0.1, "MEDIUM": 0.25, "HIGH": 0.5}
#: SIMS featurization parameters applied only when a solution sets one (their documented
#: defaults, 0.01 / 0.9, would drop the items the real default SIMS model recommends most).
SIMS_ITEM_PERCENTILES = frozenset(
    {"min_item_interaction_count_percentile", "max_item_interaction_count_percentile"}
)


def resolve(recipe: str) -> RecipeSpec:
    """The spec of a recipe name or recipe ARN."""
    name = recipe[len(ARN_PREFIX) :] if recipe.startswith(ARN_PREFIX) else recipe
    spec = RECIPES.get(name)
    if spec is None:
        raise InvalidInputException(f"The recipe {recipe} does not exist.")
    return spec


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

    spec: RecipeSpec
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
    spec = resolve(recipe)
    cfg = C.parse_config(spec.config, hyperparameters, feature_params, strict=spec.strict)
    if spec.kind == "trending":
        C.parse_trend_frequency(cfg.trend_discovery_frequency)
    users: tuple[Any, Any] = (
        getattr(cfg, "min_user_history_length_percentile", None),
        getattr(cfg, "max_user_history_length_percentile", None),
    )
    items: tuple[Any, Any] = (
        getattr(cfg, "min_item_interaction_count_percentile", None),
        getattr(cfg, "max_item_interaction_count_percentile", None),
    )
    if spec.kind == "sims" and not SIMS_ITEM_PERCENTILES & set(feature_params or {}):
        # The service's default SIMS keeps the most-interacted items (see models/sims.py):
        # the item-count percentiles filter only when the solution sets them.
        items = (None, None)
    event_type = spec.event_type
    if spec.kind == "nba" and any(t.upper() == "TAKEN" for t in data.event_types):
        event_type = "TAKEN"  # actions the user took are the positives
    selection = parse_selection(
        solution_config,
        users if users[0] is not None else None,
        items if items[0] is not None else None,
        event_type=event_type,
        case_insensitive_types=spec.event_type is not None or spec.kind == "nba",
    )
    selected = select(data, selection)
    if len(selected) == 0:
        raise InvalidInputException(
            "There are no interactions left for training after applying the solution's "
            "event type and value filters."
        )
    return Prepared(spec, cfg, selection, selected, dict(solution_config or {}))


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


def fit_prepared(
    prep: Prepared,
    seed: int,
    data: InteractionData | None = None,
    settings: EngineSettings | None = None,
) -> TrainedModel:
    """Fit the recipe's model on ``data`` (default: the prepared selection)."""
    spec, cfg = prep.spec, prep.config
    data = prep.data if data is None else data
    common: dict[str, Any] = {"recipe": spec.name, "selection": prep.selection}
    if spec.kind in ("up", "ranking", "nba", "affinity", "coldstart"):
        rewards, weight = _objective(prep)
        settings = settings or engine_settings(cfg)
        if spec.kind == "ranking":
            settings = dataclasses.replace(settings, rule_out_seen=False)
        kw = dict(common, rewards=rewards, reward_weight=weight)
        if spec.kind == "affinity":
            model = AffinityModel.fit(data, settings, seed, keep_histories=True, **kw)
            model.items_meta = data.items_meta
            return model
        if spec.kind == "coldstart":
            return ColdstartModel.fit_coldstart(
                data,
                settings,
                seed,
                max_interactions=cfg.cold_start_max_interactions,
                max_duration_days=cfg.cold_start_max_duration,
                relative_from=cfg.cold_start_relative_from,
                **kw,
            )
        return UserPersonalizationModel.fit(data, settings, seed, **kw)
    if spec.kind == "sims":
        return SimsModel.fit(
            data, cfg.popularity_discount_factor, cfg.min_cointeraction_count, **common
        )
    if spec.kind == "similar":
        return SimilarItemsModel.fit(
            data, popularity_discount_factor=cfg.popularity_discount_factor, **common
        )
    if spec.kind == "popularity":
        return PopularityModel.fit(data, **common)
    if spec.kind == "trending":
        return TrendingModel.fit(
            data, C.parse_trend_frequency(cfg.trend_discovery_frequency), **common
        )
    raise AssertionError(spec.kind)


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
