"""The recipe catalogue: every dict matches its botocore output shape; the data hangs together."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import botocore.session
import pytest
from botocore.model import Shape

from personalize_local.recipes import catalogue
from personalize_local.recipes.catalogue import RECIPES, RecipeInfo

MODEL = botocore.session.get_session().get_service_model("personalize")
ARN_PATTERN = MODEL.shape_for("Arn").metadata["pattern"]
RETIRED = [catalogue.recipe_arn(n) for n in ("aws-hrnn", "aws-hrnn-metadata", "aws-hrnn-coldstart")]

# The public catalogue as of the live guide (2025-11): custom recipes, then the use cases.
EXPECTED_CUSTOM = {
    "aws-user-personalization",
    "aws-user-personalization-v2",
    "aws-personalized-ranking",
    "aws-personalized-ranking-v2",
    "aws-sims",
    "aws-similar-items",
    "aws-semantic-similarity",
    "aws-popularity-count",
    "aws-trending-now",
    "aws-item-affinity",
    "aws-item-attribute-affinity",
    "aws-next-best-action",
}
EXPECTED_DOMAIN = {
    "aws-ecomm-customers-who-viewed-x-also-viewed": "ECOMMERCE",
    "aws-ecomm-frequently-bought-together": "ECOMMERCE",
    "aws-ecomm-popular-items-by-purchases": "ECOMMERCE",
    "aws-ecomm-popular-items-by-views": "ECOMMERCE",
    "aws-ecomm-recommended-for-you": "ECOMMERCE",
    "aws-vod-because-you-watched-x": "VIDEO_ON_DEMAND",
    "aws-vod-more-like-x": "VIDEO_ON_DEMAND",
    "aws-vod-most-popular": "VIDEO_ON_DEMAND",
    "aws-vod-top-picks": "VIDEO_ON_DEMAND",
    "aws-vod-trending-now": "VIDEO_ON_DEMAND",
}


def violations(value: Any, shape: Shape, path: str = "$") -> list[str]:
    """Every way ``value`` breaks ``shape``: unknown or missing members, wrong types, bad enums,
    lengths, ranges and patterns. A timestamp must be a timezone-aware ``datetime``."""
    kind, meta = shape.type_name, shape.metadata
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        found = [
            f"{path}.{k}: not a member of {shape.name}" for k in value if k not in shape.members
        ]
        found += [f"{path}.{k}: required" for k in shape.required_members if k not in value]
        for name, member in shape.members.items():
            if name in value:
                found += violations(value[name], member, f"{path}.{name}")
        return found
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        found = _length(len(value), meta, path)
        for index, item in enumerate(value):
            found += violations(item, shape.member, f"{path}[{index}]")
        return found
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected a map, got {type(value).__name__}"]
        found = _length(len(value), meta, path)
        for key, item in value.items():
            found += violations(key, shape.key, f"{path}<key {key!r}>")
            found += violations(item, shape.value, f"{path}[{key!r}]")
        return found
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a string, got {type(value).__name__}"]
        found = _length(len(value), meta, path)
        if shape.enum and value not in shape.enum:
            found.append(f"{path}: {value!r} is not one of {shape.enum}")
        if "pattern" in meta and not re.fullmatch(meta["pattern"], value):
            found.append(f"{path}: {value!r} does not match {meta['pattern']!r}")
        return found
    if kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: expected an integer, got {type(value).__name__}"]
        return _range(value, meta, path)
    if kind in ("double", "float"):
        if not isinstance(value, float):
            return [f"{path}: expected a float, got {type(value).__name__}"]
        return _range(value, meta, path)
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected a boolean"]
    if kind == "timestamp":
        if not isinstance(value, datetime) or value.utcoffset() is None:
            return [f"{path}: expected a timezone-aware datetime, got {value!r}"]
        return []
    return [f"{path}: unexpected shape type {kind}"]


def _length(size: int, meta: dict[str, Any], path: str) -> list[str]:
    if size < meta.get("min", 0) or size > meta.get("max", size):
        return [f"{path}: length {size} outside [{meta.get('min')}, {meta.get('max')}]"]
    return []


def _range(number: float, meta: dict[str, Any], path: str) -> list[str]:
    if number < meta.get("min", number) or number > meta.get("max", number):
        return [f"{path}: {number} outside [{meta.get('min')}, {meta.get('max')}]"]
    return []


def output_member(operation: str, member: str) -> Shape:
    return MODEL.operation_model(operation).output_shape.members[member]


def test_the_checker_rejects_what_it_should():
    recipe = catalogue.recipe_dict(RECIPES[0])
    shape = output_member("DescribeRecipe", "recipe")
    assert violations(recipe, shape) == []
    assert violations({**recipe, "extra": 1}, shape)
    assert violations({**recipe, "creationDateTime": 1_560_124_800}, shape)
    assert violations({**recipe, "creationDateTime": datetime(2019, 6, 10)}, shape)
    assert violations({**recipe, "recipeArn": "arn:aws:s3:::bucket"}, shape)
    summary = catalogue.recipe_summary(RECIPES[0])
    assert violations(
        {**summary, "domain": "RETAIL"}, output_member("ListRecipes", "recipes").member
    )
    ranges = MODEL.shape_for("DefaultIntegerHyperParameterRange")
    assert violations({"name": "x", "minValue": 1.0, "maxValue": 2, "isTunable": True}, ranges)
    assert violations({"name": "x", "minValue": 1, "maxValue": 2, "isTunable": "yes"}, ranges)


@pytest.mark.parametrize("info", RECIPES, ids=lambda r: r.name)
def test_recipe_shapes(info: RecipeInfo):
    described = {"recipe": catalogue.recipe_dict(info)}
    assert violations(described, MODEL.operation_model("DescribeRecipe").output_shape) == []
    summary = catalogue.recipe_summary(info)
    assert violations(summary, output_member("ListRecipes", "recipes").member) == []


def test_list_recipes_response_shape():
    listed = {"recipes": [catalogue.recipe_summary(r) for r in RECIPES]}
    assert violations(listed, MODEL.operation_model("ListRecipes").output_shape) == []


@pytest.mark.parametrize("info", RECIPES, ids=lambda r: r.name)
def test_algorithm_and_transformation_are_describable(info: RecipeInfo):
    algorithm = catalogue.algorithm_by_arn(info.algorithm_arn)
    assert algorithm is not None
    assert algorithm["algorithmArn"] == info.algorithm_arn
    output = MODEL.operation_model("DescribeAlgorithm").output_shape
    assert violations({"algorithm": algorithm}, output) == []
    assert algorithm["defaultHyperParameters"] == info.default_hyperparameters
    if info.feature_transformation_arn is not None:
        transformation = catalogue.feature_transformation_by_arn(info.feature_transformation_arn)
        assert transformation is not None
        assert transformation["featureTransformationArn"] == info.feature_transformation_arn
        output = MODEL.operation_model("DescribeFeatureTransformation").output_shape
        assert violations({"featureTransformation": transformation}, output) == []


def test_every_arn_matches_the_model_pattern():
    arns = [r.arn for r in RECIPES] + [r.algorithm_arn for r in RECIPES]
    arns += [r.feature_transformation_arn for r in RECIPES if r.feature_transformation_arn]
    for arn in arns:
        assert re.fullmatch(ARN_PATTERN, arn), arn
        assert arn.startswith("arn:aws:personalize:::")
    for info in RECIPES:
        assert info.arn == f"arn:aws:personalize:::recipe/{info.name}"
        assert info.algorithm_arn.startswith("arn:aws:personalize:::algorithm/")
        if info.feature_transformation_arn:
            assert "feature-transformation/" in info.feature_transformation_arn


def test_names_are_unique_and_listed_in_order():
    names = [r.name for r in RECIPES]
    assert len(names) == len(set(names))
    assert names == sorted(names)
    assert len({r.algorithm_arn for r in RECIPES}) == len(RECIPES)


def test_the_catalogue_is_the_current_public_one():
    assert {r.name for r in RECIPES} == EXPECTED_CUSTOM | set(EXPECTED_DOMAIN)
    documented = {
        "aws-user-personalization": "USER_PERSONALIZATION",
        "aws-personalized-ranking": "PERSONALIZED_RANKING",
        "aws-sims": "RELATED_ITEMS",
        "aws-semantic-similarity": "RELATED_ITEMS",
        "aws-trending-now": "POPULAR_ITEMS",
        "aws-item-affinity": "USER_SEGMENTATION",
        "aws-next-best-action": "PERSONALIZED_ACTIONS",
    }
    for name, recipe_type in documented.items():
        info = catalogue.recipe_by_name(name)
        assert info is not None and info.recipe_type == recipe_type
    trending = catalogue.recipe_by_name("aws-trending-now")
    assert trending is not None
    assert trending.algorithm_arn == "arn:aws:personalize:::algorithm/aws-trending-now-custom"


def test_recipe_types_and_status():
    for info in RECIPES:
        assert info.recipe_type in catalogue.RECIPE_TYPES
        assert info.status == "ACTIVE"
        assert info.creation <= info.last_updated


def test_domain_recipes_carry_their_domain_and_custom_ones_none():
    for info in RECIPES:
        assert info.domain == EXPECTED_DOMAIN.get(info.name)
        summary = catalogue.recipe_summary(info)
        if info.domain is None:
            assert "domain" not in summary
            assert info.custom_analogue is None
        else:
            assert summary["domain"] == info.domain
            assert catalogue.recipe_by_name(info.custom_analogue or "") is not None
            # Recommenders take no hyperparameters.
            assert info.default_hyperparameters == {} and info.default_feature_params == {}


def test_retired_recipes_are_absent_and_explained():
    for arn in RETIRED:
        assert catalogue.recipe_by_arn(arn) is None
        assert catalogue.algorithm_by_arn(arn.replace("recipe/", "algorithm/")) is None
        message = catalogue.retired_recipe_message(arn)
        assert message is not None
        assert arn in message and "no longer available" in message
        assert "User-Personalization" in message
        assert catalogue.recipe_arn("aws-user-personalization") in message
    assert not any("hrnn" in r.name for r in RECIPES)
    for arn in [r.arn for r in RECIPES] + ["arn:aws:personalize:::recipe/aws-made-up", "x"]:
        assert catalogue.retired_recipe_message(arn) is None


def test_unknown_arns_give_none():
    assert catalogue.recipe_by_arn("arn:aws:personalize:::recipe/aws-made-up") is None
    assert catalogue.algorithm_by_arn("arn:aws:personalize:::algorithm/nothing") is None
    assert (
        catalogue.feature_transformation_by_arn("arn:aws:personalize:::algorithm/nothing") is None
    )
    # The HRNN transformations served only retired recipes.
    retired_ft = "arn:aws:personalize:::feature-transformation/featurize_coldstart"
    assert catalogue.feature_transformation_by_arn(retired_ft) is None


def _check_default(spec: catalogue.ParamSpec) -> None:
    if spec.kind == "categorical":
        assert spec.default in spec.values and len(spec.values) >= 2
        return
    assert spec.min_value is not None and spec.max_value is not None
    value = int(spec.default) if spec.kind == "integer" else float(spec.default)
    assert spec.min_value <= value <= spec.max_value, spec


@pytest.mark.parametrize("info", RECIPES, ids=lambda r: r.name)
def test_defaults_are_strings_within_their_ranges(info: RecipeInfo):
    for defaults in (info.default_hyperparameters, info.default_feature_params):
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in defaults.items())
    assert info.default_hyperparameters == {p.name: p.default for p in info.hyperparameters}
    assert info.default_feature_params == {p.name: p.default for p in info.feature_params}
    for spec in info.hyperparameters + info.feature_params:
        _check_default(spec)
    # Featurization parameters never take part in HPO.
    assert not any(p.tunable for p in info.feature_params)


def test_hpo_ranges_in_the_algorithm():
    up = catalogue.algorithm_by_arn(catalogue.algorithm_arn("aws-user-personalization"))
    assert up is not None
    ranges = up["defaultHyperParameterRanges"]
    assert {
        r["name"]: (r["minValue"], r["maxValue"], r["isTunable"])
        for r in ranges["integerHyperParameterRanges"]
    } == {"hidden_dimension": (32, 256, True), "bptt": (2, 32, True)}
    assert ranges["categoricalHyperParameterRanges"] == [
        {"name": "recency_mask", "values": ["true", "false"], "isTunable": True}
    ]
    assert up["defaultResourceConfig"] == {
        "maxNumberOfTrainingJobs": "40",
        "maxParallelTrainingJobs": "10",
    }
    sims = catalogue.recipe_by_name("aws-sims")
    assert sims is not None
    assert {p.name for p in sims.tunable_hyperparameters} == {
        "popularity_discount_factor",
        "min_cointeraction_count",
    }
    # Recipes without HPO publish no resource config and no tunable ranges.
    nba = catalogue.algorithm_by_arn(catalogue.algorithm_arn("aws-next-best-action"))
    assert nba is not None and "defaultResourceConfig" not in nba
    affinity = catalogue.recipe_by_name("aws-item-affinity")
    assert affinity is not None and affinity.tunable_hyperparameters == ()


def test_documented_defaults():
    def recipe(name: str) -> RecipeInfo:
        info = catalogue.recipe_by_name(name)
        assert info is not None
        return info

    assert recipe("aws-user-personalization").default_hyperparameters == {
        "hidden_dimension": "149",
        "bptt": "32",
        "recency_mask": "true",
    }
    assert recipe("aws-sims").default_feature_params["max_item_interaction_count_percentile"] == (
        "0.9"
    )
    assert recipe("aws-trending-now").default_feature_params == {
        "trend_discovery_frequency": "2 hours"
    }
    assert recipe("aws-user-personalization-v2").default_hyperparameters == {
        "apply_recency_bias": "true"
    }
    assert recipe("aws-next-best-action").default_feature_params == {
        "action_optimization_period": "14"
    }
    ranking = catalogue.feature_transformation_by_arn(
        catalogue.feature_transformation_arn("JSON-percentile-filtering")
    )
    assert ranking is not None
    assert ranking["defaultParameters"] == recipe("aws-personalized-ranking").default_feature_params


def test_creation_dates_as_observed():
    observed = {
        "aws-ecomm-recommended-for-you": (2019, 6, 10),
        "aws-personalized-ranking": (2019, 6, 10),
        "aws-popularity-count": (2019, 6, 10),
        "aws-similar-items": (2019, 6, 10),
        "aws-item-affinity": (2021, 7, 15),
        "aws-item-attribute-affinity": (2021, 8, 25),
        "aws-next-best-action": (2023, 8, 11),
        "aws-personalized-ranking-v2": (2024, 1, 1),
    }
    for name, day in observed.items():
        info = catalogue.recipe_by_name(name)
        assert info is not None
        assert (info.creation.year, info.creation.month, info.creation.day) == day
        assert info.last_updated == catalogue.CATALOGUE_UPDATED


def test_catalogue_dicts_are_copies():
    info = catalogue.recipe_by_name("aws-sims")
    assert info is not None
    algorithm = catalogue.algorithm_by_arn(info.algorithm_arn)
    assert algorithm is not None
    algorithm["defaultHyperParameters"]["popularity_discount_factor"] = "0.9"
    assert info.default_hyperparameters["popularity_discount_factor"] == "0.5"
