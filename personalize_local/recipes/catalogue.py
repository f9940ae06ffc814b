"""The public catalogue of Amazon Personalize recipes, algorithms and feature transformations.

Pure data, no state: `RECIPES` in ListRecipes order, lookups by ARN, and functions that return
dicts shaped like botocore's ``Recipe``, ``RecipeSummary``, ``Algorithm`` and
``FeatureTransformation`` output shapes (timestamps are timezone-aware ``datetime`` objects; the
edge serialises them). Hyperparameter and featurization defaults are string maps, as the service
passes them in ``solutionConfig``.

Sources, and where the live guide disagrees with its 2023 snapshot
(https://github.com/awsdocs/amazon-personalize-developer-guide, archived; the live guide wins):

* Names, ARNs, recipe types, hyperparameter tables: the live Developer Guide recipe pages
  (https://docs.aws.amazon.com/personalize/latest/dg/, 2024-2025) and the 2023 snapshot for
  pages unchanged since.
* Trending-Now: the live guide says ``trend_discovery_frequency`` defaults to **2 hours** and
  adds "2 hours" to the allowed values; the 2023 snapshot says 3 hours.
* User-Personalization-v2 and Personalized-Ranking-v2: the live guide publishes one algorithm
  hyperparameter, ``apply_recency_bias`` (default true, **not** HPO tunable; with automatic
  training the service runs HPO itself every 90 days). The 2023 snapshot predates them.
* Similar-Items: the live guide adds ``popularity_discount_factor`` (default 0.0, not tunable)
  beside the two HPO-only hidden dimensions.
* Next-Best-Action: the live guide documents ``action_optimization_period`` (featurization,
  default 14, [7, 28], not tunable) and says the recipe has no HPO; the 2023 snapshot does not.
* Semantic-Similarity (``aws-semantic-similarity``, RELATED_ITEMS) is public since the guide's
  2025-11-30 release; it is not in the 2023 snapshot. It exposes no hyperparameters.
* Popularity-Count: its recipe page still says ``USER_PERSONALIZATION``, but the guide's
  recipe-type table, its API requirements (userId only for filters) and the batch examples
  ("POPULAR_ITEMS recipes (Popularity-Count only)") all file it under ``POPULAR_ITEMS``. We
  report POPULAR_ITEMS so runtime checks treat it like Trending-Now.
* Campaign-level settings (User-Personalization's ``explorationWeight`` and
  ``explorationItemAgeCutOff``, Semantic-Similarity's freshness and popularity factors) are not
  algorithm hyperparameters and are not listed here.

Observed in real ListRecipes output (aws-samples/amazon-personalize-samples, 2021-2024): the list
is sorted by recipe name, every recipe is ``ACTIVE``, ``lastUpdatedDateTime`` was
2024-06-19 16:47:19.191 UTC for all, and recipes without a domain carry no ``domain`` key.
Anything else not published (descriptions' wording, algorithm images, resource configs, creation
dates of some recipes, domain recipes' algorithms and types) is inferred, and a comment says so
where it is chosen.

Adding a recipe: declare it once here, with ``_recipe(...)`` in ``_CUSTOM`` or ``_DOMAIN``,
naming its capabilities (``promotable``, ``batchable``, ``updatable``, ``v2``, ``trending``,
``explores``, ``incremental``, segmentation limits, a domain recipe's ``use_case``) and how it
trains (``training``: a `ModelKind` and its `parameters` class; a domain recipe trains like its
``custom_analogue``). The runtime, control plane, models and evaluation read the record and never
test recipe names; `personalize_local.models.registry` maps each `ModelKind` to its builder in
one table. ``tests/recipes/test_recipe_record.py`` checks both (see CONTRIBUTING.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal, get_args

from personalize_local.recipes.parameters import (
    AffinityConfig,
    HrnnColdstartConfig,
    HrnnConfig,
    NextBestActionConfig,
    PopularityConfig,
    SimilarItemsConfig,
    SimsConfig,
    TrendingConfig,
    UserPersonalizationConfig,
    UserPersonalizationV2Config,
)

ARN_PREFIX = "arn:aws:personalize:::"

RecipeType = Literal[
    "USER_PERSONALIZATION",
    "PERSONALIZED_RANKING",
    "RELATED_ITEMS",
    "POPULAR_ITEMS",
    "USER_SEGMENTATION",
    "PERSONALIZED_ACTIONS",
]
RECIPE_TYPES: tuple[str, ...] = get_args(RecipeType)

ParamKind = Literal["integer", "continuous", "categorical"]


def recipe_arn(name: str) -> str:
    return f"{ARN_PREFIX}recipe/{name}"


def algorithm_arn(name: str) -> str:
    return f"{ARN_PREFIX}algorithm/{name}"


def feature_transformation_arn(name: str) -> str:
    return f"{ARN_PREFIX}feature-transformation/{name}"


def _day(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


# lastUpdatedDateTime of every recipe, observed in the 2024 listing.
CATALOGUE_UPDATED = datetime(2024, 6, 19, 16, 47, 19, 191000, tzinfo=UTC)
# The creation date most recipes report, whatever their launch date (observed in the listings).
ORIGINAL = _day(2019, 6, 10)


@dataclass(frozen=True)
class ParamSpec:
    """One documented hyperparameter or featurization parameter.

    ``default`` is the string the service expects in ``solutionConfig``. Integer and continuous
    parameters carry ``min_value``/``max_value``; categorical ones carry ``values`` (booleans are
    categorical ``("true", "false")``). ``tunable`` says whether HPO may tune it.
    """

    name: str
    default: str
    kind: ParamKind
    min_value: float | None = None
    max_value: float | None = None
    values: tuple[str, ...] = ()
    tunable: bool = False


def _int(name: str, default: int, lo: int, hi: int, tunable: bool = False) -> ParamSpec:
    return ParamSpec(name, str(default), "integer", lo, hi, tunable=tunable)


def _float(name: str, default: str, lo: float, hi: float, tunable: bool = False) -> ParamSpec:
    return ParamSpec(name, default, "continuous", lo, hi, tunable=tunable)


def _bool(name: str, default: bool, tunable: bool = False) -> ParamSpec:
    # The guide writes True/true; the API's HPO examples pass lower-case strings.
    text = "true" if default else "false"
    return ParamSpec(name, text, "categorical", values=("true", "false"), tunable=tunable)


def _choice(name: str, default: str, values: tuple[str, ...]) -> ParamSpec:
    return ParamSpec(name, default, "categorical", values=values)


@dataclass(frozen=True)
class UseCase:
    """GetRecommendations inputs and automatic behaviour of one use case (live guide).

    ``consumed`` is the event type whose items are removed from the user's recommendations
    ("automatically filters videos the user watched based on the userId … and Watch events").
    """

    user_required: bool
    item_required: bool
    consumed: str | None = None
    datasets: tuple[str, ...] = ("Interactions",)


class ModelKind(StrEnum):
    """The local model that trains a recipe (`personalize_local.models.registry` builds it)."""

    USER_PERSONALIZATION = "up"  # the UP engine (also Next-Best-Action)
    PERSONALIZED_RANKING = "ranking"  # the UP engine, keeping seen items in the ranking
    COLDSTART = "coldstart"  # the UP engine over a pool of cold items (legacy HRNN-Coldstart)
    AFFINITY = "affinity"  # the UP engine kept with its histories, scoring users
    SIMS = "sims"  # item-to-item co-occurrence
    SIMILAR_ITEMS = "similar"  # co-occurrence blended with item metadata and text
    POPULARITY = "popularity"  # distinct users per item
    TRENDING = "trending"  # growth of interactions per trend window


@dataclass(frozen=True)
class Training:
    """How personalize-local trains a recipe.

    ``config`` is the recipe's `personalize_local.recipes.parameters` dataclass, which parses and
    validates the solution's string parameters. ``strict`` rejects hyperparameter names it does
    not know (recipes with a published table). ``positive_event_type``, when the data holds that
    event type, is the only one trained on, matched case-insensitively (Next-Best-Action's
    ``TAKEN``: https://docs.aws.amazon.com/personalize/latest/dg/action-interactions-datasets.html).
    """

    model: ModelKind
    config: type
    strict: bool = True
    positive_event_type: str | None = None


@dataclass(frozen=True)
class RecipeInfo:
    """A recipe with its algorithm and featurization defaults.

    ``hyperparameters`` are the algorithm's (``algorithmHyperParameters``), ``feature_params``
    the featurization ones (``featureTransformationParameters``); ``default_hyperparameters``
    and ``default_feature_params`` are their defaults as string maps. Domain recipes
    (recommender use cases) add ``required_event_type`` (the event type their data must hold,
    if any; training keeps only that type, case-insensitively) and ``custom_analogue``, the
    custom recipe whose behaviour the use case resembles and whose `Training` it takes (inferred:
    AWS does not publish how use cases are trained). ``retired`` recipes (the legacy HRNN ones)
    are not listed and cannot be created, but still train, for the evaluation of their old runs.
    """

    name: str
    arn: str
    recipe_type: RecipeType
    domain: str | None
    description: str
    algorithm_arn: str
    feature_transformation_arn: str | None
    creation: datetime
    default_hyperparameters: dict[str, str] = field(hash=False, compare=False)
    default_feature_params: dict[str, str] = field(hash=False, compare=False)
    training: Training
    last_updated: datetime = CATALOGUE_UPDATED
    hyperparameters: tuple[ParamSpec, ...] = ()
    feature_params: tuple[ParamSpec, ...] = ()
    status: str = "ACTIVE"
    required_event_type: str | None = None
    custom_analogue: str | None = None
    # Capabilities: every runtime and control check on a recipe reads these, never its name.
    # Promotions: https://docs.aws.amazon.com/personalize/latest/dg/promoting-items.html and
    # https://docs.aws.amazon.com/personalize/latest/dg/promoting-items-domain-dsg.html
    promotable: bool = False  # GetRecommendations takes a promotion
    # https://docs.aws.amazon.com/personalize/latest/dg/API_CreateBatchInferenceJob.html
    batchable: bool = True  # CreateBatchInferenceJob accepts it (if its type allows batch)
    updatable: bool = False  # CreateSolutionVersion takes trainingMode UPDATE
    v2: bool = False  # transformer-based v2 recipe: scores only its best items (runtime.scoring)
    trending: bool = False  # scores trends at request time from the newest event
    explores: bool = False  # campaigns get the itemExplorationConfig defaults
    incremental: bool = False  # CreateSolution takes performIncrementalUpdate
    # Segmentation: queries per batch segment input file, and whether they are item attributes
    # (https://docs.aws.amazon.com/personalize/latest/dg/prepare-input-data-user-segment.html).
    max_segment_queries: int | None = None
    segments_by_attributes: bool = False
    use_case: UseCase | None = None  # a domain recipe's GetRecommendations and data rules
    retired: bool = False

    @property
    def algorithm_name(self) -> str:
        return self.algorithm_arn.rsplit("/", 1)[1]

    @property
    def softmax_scores(self) -> bool:
        """Scores are one softmax of the model's logits: over the whole catalogue for
        GetRecommendations (User-Personalization; v2 over its best items), over the input list for
        GetPersonalizedRanking ("identical ... except that it only considers the input items",
        https://docs.aws.amazon.com/personalize/latest/dg/rankings.html); training fits their
        temperature (`evaluation.calibration`)."""
        return self.recipe_type in ("USER_PERSONALIZATION", "PERSONALIZED_RANKING")

    @property
    def hrnn_based(self) -> bool:
        """The recipes on the HRNN engine: the legacy HRNN recipes and Personalized-Ranking v1
        ("a hierarchical recurrent neural network (HRNN) recipe",
        https://docs.aws.amazon.com/personalize/latest/dg/personalized-ranking-recipes.html);
        v2 is transformer-based. Their published metrics differ from the current recipes' in
        how they were scored and trained (`personalize_local.evaluation.solution_metrics`)."""
        hrnn_ranking = self.recipe_type == "PERSONALIZED_RANKING" and not self.v2
        return self.retired or hrnn_ranking

    @property
    def tunable_hyperparameters(self) -> tuple[ParamSpec, ...]:
        """The hyperparameters HPO may tune, with their default ranges."""
        return tuple(p for p in self.hyperparameters if p.tunable)


def _defaults(specs: tuple[ParamSpec, ...]) -> dict[str, str]:
    return {p.name: p.default for p in specs}


def _recipe(
    name: str,
    recipe_type: RecipeType,
    description: str,
    *,
    training: Training | None = None,
    creation: datetime = ORIGINAL,
    algorithm: str | None = None,
    transformation: str | None = None,
    hyperparameters: tuple[ParamSpec, ...] = (),
    feature_params: tuple[ParamSpec, ...] = (),
    domain: str | None = None,
    required_event_type: str | None = None,
    custom_analogue: str | None = None,
    promotable: bool = False,
    batchable: bool = True,
    updatable: bool = False,
    v2: bool = False,
    trending: bool = False,
    explores: bool = False,
    incremental: bool = False,
    max_segment_queries: int | None = None,
    segments_by_attributes: bool = False,
    use_case: UseCase | None = None,
    retired: bool = False,
) -> RecipeInfo:
    if training is None and custom_analogue is not None:
        training = _trained_like(custom_analogue)
    if training is None:
        raise TypeError(f"{name}: a recipe names its training or its custom analogue")
    return RecipeInfo(
        name=name,
        arn=recipe_arn(name),
        recipe_type=recipe_type,
        domain=domain,
        description=description,
        # Every documented custom recipe but Trending-Now names its algorithm after itself.
        algorithm_arn=algorithm_arn(algorithm or name),
        feature_transformation_arn=(
            feature_transformation_arn(transformation) if transformation else None
        ),
        creation=creation,
        default_hyperparameters=_defaults(hyperparameters),
        default_feature_params=_defaults(feature_params),
        training=training,
        # A recipe added after the observed listing cannot have been updated before it existed.
        last_updated=max(CATALOGUE_UPDATED, creation),
        hyperparameters=hyperparameters,
        feature_params=feature_params,
        required_event_type=required_event_type,
        custom_analogue=custom_analogue,
        promotable=promotable,
        batchable=batchable,
        updatable=updatable,
        v2=v2,
        trending=trending,
        explores=explores,
        incremental=incremental,
        max_segment_queries=max_segment_queries,
        segments_by_attributes=segments_by_attributes,
        use_case=use_case,
        retired=retired,
    )


def _trained_like(analogue: str) -> Training:
    """A domain recipe trains like the custom recipe it behaves like
    (https://docs.aws.amazon.com/personalize/latest/dg/domain-use-cases.html); recommenders
    take no hyperparameters, so it ignores unknown ones."""
    return replace(next(r for r in _CUSTOM if r.name == analogue).training, strict=False)


# --- shared parameter tables (live guide) --------------------------------------------------

# User-Personalization and Personalized-Ranking share the same algorithm table.
_HRNN_FAMILY = (
    _int("hidden_dimension", 149, 32, 256, tunable=True),
    _int("bptt", 32, 2, 32, tunable=True),
    _bool("recency_mask", True, tunable=True),
)
_USER_HISTORY_PERCENTILES = (
    _float("min_user_history_length_percentile", "0.0", 0.0, 1.0),
    _float("max_user_history_length_percentile", "0.99", 0.0, 1.0),
)
_V2 = (_bool("apply_recency_bias", True),)
_SIMS_FEATURES = (
    _float("min_user_history_length_percentile", "0.005", 0.0, 1.0),
    _float("max_user_history_length_percentile", "0.995", 0.0, 1.0),
    _float("min_item_interaction_count_percentile", "0.01", 0.0, 1.0),
    _float("max_item_interaction_count_percentile", "0.9", 0.0, 1.0),
)
_AFFINITY = (_int("hidden_dimension", 149, 32, 256),)
TREND_DISCOVERY_FREQUENCIES = ("30 minutes", "1 hour", "2 hours", "3 hours", "1 day")

# Descriptions: the service's own description strings are not published; these paraphrase the
# first lines of each recipe's page in the guide.
_CUSTOM = (
    _recipe(
        "aws-user-personalization",
        "USER_PERSONALIZATION",
        "Predicts the items a user will most likely interact with, exploring new items and "
        "adapting to the user's recent interactions in real time.",
        training=Training(ModelKind.USER_PERSONALIZATION, UserPersonalizationConfig),
        hyperparameters=_HRNN_FAMILY,
        feature_params=_USER_HISTORY_PERCENTILES,
        promotable=True,
        updatable=True,
        explores=True,
    ),
    _recipe(
        "aws-user-personalization-v2",
        "USER_PERSONALIZATION",
        "Recommends the items a user will most likely interact with, using a transformer-based "
        "model that trains on up to 5 million items with lower latency.",
        training=Training(
            ModelKind.USER_PERSONALIZATION, UserPersonalizationV2Config, strict=False
        ),
        # Not observed; inferred from Personalized-Ranking-v2, launched with it (2024-01-01).
        creation=_day(2024, 1, 1),
        hyperparameters=_V2,
        promotable=True,
        v2=True,
        explores=True,
    ),
    _recipe(
        "aws-personalized-ranking",
        "PERSONALIZED_RANKING",
        "Re-ranks a list of items you supply, such as search results or a curated list, for a "
        "specific user.",
        training=Training(ModelKind.PERSONALIZED_RANKING, UserPersonalizationConfig),
        transformation="JSON-percentile-filtering",
        hyperparameters=_HRNN_FAMILY,
        feature_params=_USER_HISTORY_PERCENTILES,
    ),
    _recipe(
        "aws-personalized-ranking-v2",
        "PERSONALIZED_RANKING",
        "Re-ranks a list of items you supply for a specific user, using a transformer-based "
        "model that trains on up to 5 million items with lower latency.",
        training=Training(
            ModelKind.PERSONALIZED_RANKING, UserPersonalizationV2Config, strict=False
        ),
        creation=_day(2024, 1, 1),
        hyperparameters=_V2,
        v2=True,
    ),
    _recipe(
        "aws-sims",
        "RELATED_ITEMS",
        "Recommends items similar to a given item from their co-occurrence in user histories "
        "(item-to-item collaborative filtering).",
        training=Training(ModelKind.SIMS, SimsConfig),
        transformation="sims",
        hyperparameters=(
            _float("popularity_discount_factor", "0.5", 0.0, 1.0, tunable=True),
            _int("min_cointeraction_count", 3, 0, 10, tunable=True),
        ),
        feature_params=_SIMS_FEATURES,
        promotable=True,
    ),
    _recipe(
        "aws-similar-items",
        "RELATED_ITEMS",
        "Recommends items similar to a given item from interactions data and item metadata, "
        "including items with few interactions.",
        training=Training(ModelKind.SIMILAR_ITEMS, SimilarItemsConfig),
        hyperparameters=(
            _float("popularity_discount_factor", "0.0", 0.0, 1.0),
            # The guide: these two take effect only through HPO.
            _int("item_id_hidden_dim", 100, 30, 200, tunable=True),
            _int("item_metadata_hidden_dim", 100, 30, 200, tunable=True),
        ),
        promotable=True,
    ),
    _recipe(
        "aws-semantic-similarity",
        "RELATED_ITEMS",
        "Recommends items semantically similar to a given item from the text of their names and "
        "descriptions, without needing interactions data.",
        # Offline, the Similar-Items model's TF-IDF text and metadata similarity is the closest
        # real algorithm we can run to one that ranks items by the meaning of their text.
        training=Training(ModelKind.SIMILAR_ITEMS, SimilarItemsConfig, strict=False),
        # Not observed; inferred from the guide, which announced the recipe on 2025-11-30.
        creation=_day(2025, 11, 30),
        transformation="aws-semantic-similarity",
        incremental=True,
    ),
    _recipe(
        "aws-popularity-count",
        "POPULAR_ITEMS",
        "Recommends the same most popular items to every user: the items with interactions "
        "from the most unique users.",
        training=Training(ModelKind.POPULARITY, PopularityConfig),
        transformation="sims",
        # No exposed parameters: the shared "sims" transformation's percentile defaults are
        # not documented as applying to this recipe.
        promotable=True,
    ),
    _recipe(
        "aws-trending-now",
        "POPULAR_ITEMS",
        "Recommends the items whose interactions are increasing fastest over a configurable "
        "interval.",
        training=Training(ModelKind.TRENDING, TrendingConfig),
        # Not observed; inferred from the guide, which announced the custom recipe on 2023-01-06.
        creation=_day(2023, 1, 6),
        algorithm="aws-trending-now-custom",
        feature_params=(
            _choice("trend_discovery_frequency", "2 hours", TREND_DISCOVERY_FREQUENCIES),
        ),
        promotable=True,
        batchable=False,
        trending=True,
    ),
    _recipe(
        "aws-item-affinity",
        "USER_SEGMENTATION",
        "Creates a segment of the users most likely to interact with each item you specify "
        "(batch segment jobs only).",
        training=Training(ModelKind.AFFINITY, AffinityConfig),
        creation=_day(2021, 7, 15),
        transformation="item-affinity",
        hyperparameters=_AFFINITY,
        max_segment_queries=500,
    ),
    _recipe(
        "aws-item-attribute-affinity",
        "USER_SEGMENTATION",
        "Creates a segment of the users most likely to interact with items that have each item "
        "attribute you specify (batch segment jobs only).",
        training=Training(ModelKind.AFFINITY, AffinityConfig),
        creation=_day(2021, 8, 25),
        transformation="item-attribute-affinity",
        hyperparameters=_AFFINITY,
        max_segment_queries=10,
        segments_by_attributes=True,
    ),
    _recipe(
        "aws-next-best-action",
        "PERSONALIZED_ACTIONS",
        "Recommends the actions a user will most likely take within the action optimization "
        "period, in real time.",
        training=Training(
            ModelKind.USER_PERSONALIZATION,
            NextBestActionConfig,
            strict=False,
            positive_event_type="TAKEN",
        ),
        creation=_day(2023, 8, 11),
        feature_params=(_int("action_optimization_period", 14, 7, 28),),
        batchable=False,
    ),
)

# Domain use cases (recommenders). The guide gives only their ARNs, requirements and event
# types. Inferred: their recipe types follow the API requirements of each use case, and their
# algorithms are named after the recipe, like the custom ones; recommenders take no
# hyperparameters, so those algorithms publish none. Creation dates: the ECOMMERCE ones are
# observed (2019-06-10); the VIDEO_ON_DEMAND ones are assumed to match.
_ECOMMERCE, _VOD = "ECOMMERCE", "VIDEO_ON_DEMAND"
_DOMAIN = (
    _recipe(
        "aws-ecomm-customers-who-viewed-x-also-viewed",
        "RELATED_ITEMS",
        "Customers who viewed X also viewed: items customers also viewed, given an item; "
        "removes items the user purchased.",
        domain=_ECOMMERCE,
        required_event_type="View",
        custom_analogue="aws-sims",
        promotable=True,
        use_case=UseCase(True, True, "Purchase"),
    ),
    _recipe(
        "aws-ecomm-frequently-bought-together",
        "RELATED_ITEMS",
        "Frequently bought together: items customers frequently buy together with a given item.",
        domain=_ECOMMERCE,
        required_event_type="Purchase",
        custom_analogue="aws-sims",
        promotable=True,
        use_case=UseCase(False, True),
    ),
    _recipe(
        "aws-ecomm-popular-items-by-purchases",
        "POPULAR_ITEMS",
        "Best sellers: popular items by how many times customers purchased them.",
        domain=_ECOMMERCE,
        required_event_type="Purchase",
        custom_analogue="aws-popularity-count",
        promotable=True,
        use_case=UseCase(True, False),
    ),
    _recipe(
        "aws-ecomm-popular-items-by-views",
        "POPULAR_ITEMS",
        "Most viewed: popular items by how many times customers viewed them.",
        domain=_ECOMMERCE,
        required_event_type="View",
        custom_analogue="aws-popularity-count",
        promotable=True,
        use_case=UseCase(True, False),
    ),
    _recipe(
        "aws-ecomm-recommended-for-you",
        "USER_PERSONALIZATION",
        "Recommended for you: personalized item recommendations for a user; removes items the "
        "user purchased.",
        domain=_ECOMMERCE,
        custom_analogue="aws-user-personalization",
        promotable=True,
        use_case=UseCase(True, False, "Purchase"),
    ),
    _recipe(
        "aws-vod-because-you-watched-x",
        "RELATED_ITEMS",
        "Because you watched X: videos other users also watched, given a video; removes videos "
        "the user watched.",
        domain=_VOD,
        required_event_type="Watch",
        custom_analogue="aws-sims",
        promotable=True,
        use_case=UseCase(True, True, "Watch"),
    ),
    _recipe(
        "aws-vod-more-like-x",
        "RELATED_ITEMS",
        "More like X: videos similar to a given video; removes videos the user watched.",
        domain=_VOD,
        custom_analogue="aws-similar-items",
        promotable=True,
        use_case=UseCase(True, True, "Watch", ("Interactions", "Items")),
    ),
    _recipe(
        "aws-vod-most-popular",
        "POPULAR_ITEMS",
        "Most popular: videos watched by the most users.",
        domain=_VOD,
        required_event_type="Watch",
        custom_analogue="aws-popularity-count",
        promotable=True,
        use_case=UseCase(True, False),
    ),
    _recipe(
        "aws-vod-top-picks",
        "USER_PERSONALIZATION",
        "Top picks for you: personalized video recommendations for a user; removes videos the "
        "user watched.",
        domain=_VOD,
        custom_analogue="aws-user-personalization",
        promotable=True,
        use_case=UseCase(True, False, "Watch", ("Interactions", "Items")),
    ),
    _recipe(
        "aws-vod-trending-now",
        "POPULAR_ITEMS",
        "Trending now: videos rapidly becoming more popular, re-evaluated every two hours.",
        domain=_VOD,
        custom_analogue="aws-trending-now",
        trending=True,
        # userId only for CurrentUser or interaction filters.
        use_case=UseCase(False, False),
    ),
)

# [Doc] Legacy HRNN recipes are no longer available; ListRecipes no longer shows them. They
# still train, so the evaluation can reproduce their published runs (bench/RESULTS.md).
_RETIRED = tuple(
    _recipe(
        name,
        "USER_PERSONALIZATION",
        "Legacy hierarchical recurrent neural network recipe (retired).",
        training=training,
        retired=True,
    )
    for name, training in (
        ("aws-hrnn", Training(ModelKind.USER_PERSONALIZATION, HrnnConfig)),
        ("aws-hrnn-metadata", Training(ModelKind.USER_PERSONALIZATION, HrnnConfig)),
        ("aws-hrnn-coldstart", Training(ModelKind.COLDSTART, HrnnColdstartConfig)),
    )
)

#: Every listed recipe, in ListRecipes order (observed: sorted by name, domain and custom mixed).
RECIPES: tuple[RecipeInfo, ...] = tuple(sorted(_CUSTOM + _DOMAIN, key=lambda r: r.name))
RETIRED_RECIPES = tuple(r.name for r in _RETIRED)

_BY_ARN = {r.arn: r for r in RECIPES}
_TRAINABLE = {r.arn: r for r in RECIPES + _RETIRED}
_BY_ALGORITHM = {r.algorithm_arn: r for r in RECIPES}


@dataclass(frozen=True)
class _Transformation:
    name: str
    default_parameters: dict[str, str] = field(hash=False, compare=False)


# Feature transformations named in the guide for current recipes. Their defaults are the
# featurization defaults of the recipes that use them. (featurize_metadata and
# featurize_coldstart served only the retired HRNN recipes.)
_TRANSFORMATIONS = {
    t.name: t
    for t in (
        _Transformation("JSON-percentile-filtering", _defaults(_USER_HISTORY_PERCENTILES)),
        _Transformation("sims", _defaults(_SIMS_FEATURES)),
        _Transformation("item-affinity", {}),
        _Transformation("item-attribute-affinity", {}),
        _Transformation("aws-semantic-similarity", {}),
    )
}

# [Doc] HPOResourceConfig caps: at most 40 training jobs, 10 in parallel. The model says
# defaultResourceConfig "specifies the default maximum number of training jobs and parallel
# training jobs"; the actual defaults are unpublished, so we report the caps.
HPO_RESOURCE_DEFAULTS = {"maxNumberOfTrainingJobs": "40", "maxParallelTrainingJobs": "10"}


def recipe_by_arn(arn: str) -> RecipeInfo | None:
    """The listed recipe with this ARN, or None (retired and unknown recipes alike)."""
    return _BY_ARN.get(arn)


def recipe_by_name(name: str) -> RecipeInfo | None:
    return _BY_ARN.get(recipe_arn(name))


def trainable_recipe(recipe: str) -> RecipeInfo | None:
    """The record of a recipe name or ARN that can train, listed or retired, or None."""
    return _TRAINABLE.get(recipe if recipe.startswith(ARN_PREFIX) else recipe_arn(recipe))


def recipe_dict(info: RecipeInfo) -> dict[str, Any]:
    """The DescribeRecipe ``Recipe`` shape."""
    recipe: dict[str, Any] = {
        "name": info.name,
        "recipeArn": info.arn,
        "algorithmArn": info.algorithm_arn,
        "status": info.status,
        "description": info.description,
        "creationDateTime": info.creation,
        "recipeType": info.recipe_type,
        "lastUpdatedDateTime": info.last_updated,
    }
    if info.feature_transformation_arn:
        recipe["featureTransformationArn"] = info.feature_transformation_arn
    return recipe


def recipe_summary(info: RecipeInfo) -> dict[str, Any]:
    """The ListRecipes ``RecipeSummary`` shape; custom recipes have no ``domain`` key (observed)."""
    summary: dict[str, Any] = {
        "name": info.name,
        "recipeArn": info.arn,
        "status": info.status,
        "creationDateTime": info.creation,
        "lastUpdatedDateTime": info.last_updated,
    }
    if info.domain:
        summary["domain"] = info.domain
    return summary


def _range(spec: ParamSpec) -> tuple[str, dict[str, Any]]:
    """The ``DefaultHyperParameterRanges`` list a parameter belongs to, and its entry."""
    bounds: dict[str, Any]
    if spec.kind == "categorical":
        key, bounds = "categorical", {"values": list(spec.values)}
    else:
        cast = int if spec.kind == "integer" else float
        key = spec.kind
        bounds = {"minValue": cast(spec.min_value or 0), "maxValue": cast(spec.max_value or 0)}
    return f"{key}HyperParameterRanges", {"name": spec.name, **bounds, "isTunable": spec.tunable}


def algorithm_by_arn(arn: str) -> dict[str, Any] | None:
    """The DescribeAlgorithm ``Algorithm`` shape, or None for an unknown or retired algorithm."""
    info = _BY_ALGORITHM.get(arn)
    if info is None:
        return None
    ranges: dict[str, list[dict[str, Any]]] = {
        "integerHyperParameterRanges": [],
        "continuousHyperParameterRanges": [],
        "categoricalHyperParameterRanges": [],
    }
    for spec in info.hyperparameters:
        key, entry = _range(spec)
        ranges[key].append(entry)
    algorithm: dict[str, Any] = {
        "name": info.algorithm_name,
        "algorithmArn": arn,
        # The real image URI is internal and unpublished; name the local implementation
        # rather than invent an AWS registry path.
        "algorithmImage": {
            "name": info.algorithm_name,
            "dockerURI": f"personalize-local/{info.algorithm_name}",
        },
        "defaultHyperParameters": dict(info.default_hyperparameters),
        "defaultHyperParameterRanges": ranges,
        # SageMaker's default input mode; the service's value is unpublished.
        "trainingInputMode": "File",
        # roleArn is left out: the service's internal role is unpublished, and an IAM role ARN
        # would not even match the model's personalize-only Arn pattern.
        "creationDateTime": info.creation,
        "lastUpdatedDateTime": info.last_updated,
    }
    if info.tunable_hyperparameters:
        algorithm["defaultResourceConfig"] = dict(HPO_RESOURCE_DEFAULTS)
    return algorithm


def _users_of(transformation_arn: str) -> list[RecipeInfo]:
    return [r for r in RECIPES if r.feature_transformation_arn == transformation_arn]


def feature_transformation_by_arn(arn: str) -> dict[str, Any] | None:
    """The DescribeFeatureTransformation ``FeatureTransformation`` shape, or None."""
    prefix = f"{ARN_PREFIX}feature-transformation/"
    transformation = _TRANSFORMATIONS.get(arn[len(prefix) :]) if arn.startswith(prefix) else None
    users = _users_of(arn)
    if transformation is None or not users:
        return None
    # Timestamps unpublished: those of the earliest recipe that uses the transformation.
    first = min(users, key=lambda r: r.creation)
    return {
        "name": transformation.name,
        "featureTransformationArn": arn,
        "defaultParameters": dict(transformation.default_parameters),
        "creationDateTime": first.creation,
        "lastUpdatedDateTime": max(r.last_updated for r in users),
        "status": "ACTIVE",
    }


def retired_recipe_message(arn: str) -> str | None:
    """The rejection text for a retired HRNN recipe ARN, or None for any other ARN.

    The service's exact wording is unpublished. The guide says only that the legacy HRNN
    recipes "are no longer available" and recommends User-Personalization, so the message says
    that and names the replacements.
    """
    name = arn.removeprefix(f"{ARN_PREFIX}recipe/")
    if arn != recipe_arn(name) or name not in RETIRED_RECIPES:
        return None
    return (
        f"The recipe {arn} is no longer available: the legacy HRNN recipes have been retired. "
        f"Use User-Personalization ({recipe_arn('aws-user-personalization')}) or "
        f"User-Personalization-v2 ({recipe_arn('aws-user-personalization-v2')}) instead."
    )
