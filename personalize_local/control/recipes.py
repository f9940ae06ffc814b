"""The recipe catalogue: ListRecipes and the three Describe operations of recipes."""

from __future__ import annotations

from ..context import Context
from ..errors import ResourceNotFoundException
from ..recipes import catalogue
from ..recipes.catalogue import RecipeInfo
from ..store.pagination import paginate


def recipe_for(recipe_arn: str) -> RecipeInfo:
    """The catalogue entry, or ``ResourceNotFoundException`` (with the retirement notice)."""
    info = catalogue.recipe_by_arn(recipe_arn)
    if info is None:
        retired = catalogue.retired_recipe_message(recipe_arn)
        raise ResourceNotFoundException(retired or f"The given recipe does not exist: {recipe_arn}")
    return info


def list_recipes(
    ctx: Context,
    recipe_provider: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
    domain: str | None = None,
) -> dict:
    # recipeProvider has one value, SERVICE, which validation already enforced.
    chosen = [r for r in catalogue.RECIPES if domain is None or r.domain == domain]
    page, token = paginate(
        chosen, max_results, next_token, {"recipeProvider": recipe_provider, "domain": domain}
    )
    return {"recipes": [catalogue.recipe_summary(r) for r in page], "nextToken": token}


def describe_recipe(ctx: Context, recipe_arn: str) -> dict:
    return {"recipe": catalogue.recipe_dict(recipe_for(recipe_arn))}


def describe_algorithm(ctx: Context, algorithm_arn: str) -> dict:
    algorithm = catalogue.algorithm_by_arn(algorithm_arn)
    if algorithm is None:
        raise ResourceNotFoundException(f"The given algorithm does not exist: {algorithm_arn}")
    return {"algorithm": algorithm}


def describe_feature_transformation(ctx: Context, feature_transformation_arn: str) -> dict:
    transformation = catalogue.feature_transformation_by_arn(feature_transformation_arn)
    if transformation is None:
        raise ResourceNotFoundException(
            f"The given feature transformation does not exist: {feature_transformation_arn}"
        )
    return {"featureTransformation": transformation}
