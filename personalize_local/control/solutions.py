"""Solutions: Create, Describe, List, Update (automatic training) and Delete."""

from __future__ import annotations

import re
from typing import Any

from ..context import Context
from ..errors import InvalidInputException, ResourceInUseException
from ..recipes import catalogue
from ..store.lifecycle import Lifecycle
from ..store.state import Update
from . import dataset_groups
from .common import (
    IN_FLIGHT,
    check_quota,
    live,
    register,
    require_status,
    require_unused,
    summaries,
)
from .recipes import recipe_for

KIND = "solution"
#: Active solutions per dataset group (adjustable on the service).
MAX_SOLUTIONS = 10
DEFAULT_SCHEDULE = "rate(7 days)"


def _check_schedule(config: dict[str, Any] | None) -> None:
    expression = ((config or {}).get("autoTrainingConfig") or {}).get("schedulingExpression")
    if expression is None:
        return
    match = re.fullmatch(r"rate\((\d+) days?\)", expression)
    if not match or not 1 <= int(match.group(1)) <= 30:
        raise InvalidInputException(
            f"Invalid schedulingExpression {expression!r}: use rate(N days) with N from 1 to 30."
        )


def create_solution(
    ctx: Context,
    name: str,
    dataset_group_arn: str,
    perform_hpo: bool | None = None,
    perform_auto_ml: bool | None = None,
    perform_auto_training: bool | None = None,
    perform_incremental_update: bool | None = None,
    recipe_arn: str | None = None,
    event_type: str | None = None,
    solution_config: dict[str, Any] | None = None,
    tags: list | None = None,
) -> dict:
    if perform_auto_ml:
        recipes = ((solution_config or {}).get("autoMLConfig") or {}).get("recipeList") or []
        if not recipes and not recipe_arn:
            raise InvalidInputException(
                "performAutoML needs solutionConfig.autoMLConfig.recipeList or a recipeArn."
            )
        for arn in recipes:
            _custom_recipe(arn)
    elif not recipe_arn:
        raise InvalidInputException("recipeArn is required when performAutoML is false.")
    recipe = _custom_recipe(recipe_arn) if recipe_arn else None
    if perform_incremental_update and (recipe is None or not recipe.incremental):
        raise InvalidInputException(
            "performIncrementalUpdate is supported only for the semantic-similarity recipe."
        )
    _check_schedule(solution_config)
    dataset_groups.active_group(ctx, dataset_group_arn)
    check_quota(
        len(live(ctx.state.of_kind(KIND, parent=dataset_group_arn), ctx.now)),
        MAX_SOLUTIONS,
        f"Cannot create a solution. More than {MAX_SOLUTIONS} resources in ACTIVE state in "
        f"dataset group {dataset_group_arn}. Please delete some and try again.",
    )
    auto_training = True if perform_auto_training is None else perform_auto_training
    config = dict(solution_config or {})
    if auto_training and "autoTrainingConfig" not in config:
        config["autoTrainingConfig"] = {"schedulingExpression": DEFAULT_SCHEDULE}
    arn = ctx.arn(KIND, name)
    attrs = {
        "name": name,
        "solutionArn": arn,
        "performHPO": bool(perform_hpo),
        "performAutoML": bool(perform_auto_ml),
        "performAutoTraining": auto_training,
        "performIncrementalUpdate": bool(perform_incremental_update),
        "recipeArn": recipe_arn,
        "datasetGroupArn": dataset_group_arn,
        "eventType": event_type,
        "solutionConfig": config or None,
    }
    # A solution is configuration only: the service answers ACTIVE at once, with
    # lastUpdatedDateTime equal to creationDateTime, and CreateSolutionVersion may follow in the
    # same second (DescribeSolution right after CreateSolution in the aws-samples notebook
    # https://github.com/aws-samples/amazon-personalize-samples/blob/master/next_steps/core_use_cases/user_segmentation/user_segmentation_example.ipynb).
    active = Lifecycle("ACTIVE", ctx.emulator.clock, since=ctx.now)
    register(ctx, KIND, arn, attrs, active, dataset_group_arn, tags)
    return {"solutionArn": arn}


def _custom_recipe(recipe_arn: str) -> catalogue.RecipeInfo:
    """A recipe a solution may use: known, not retired, not a domain (recommender) recipe."""
    retired = catalogue.retired_recipe_message(recipe_arn)
    if retired:
        raise InvalidInputException(retired)
    recipe = recipe_for(recipe_arn)
    if recipe.domain:
        raise InvalidInputException(
            f"The recipe {recipe_arn} is a {recipe.domain} use case: create a recommender "
            "with it instead of a solution."
        )
    return recipe


def describe_solution(ctx: Context, solution_arn: str) -> dict:
    solution = ctx.state.get(KIND, solution_arn)
    described = solution.describe(ctx.now)
    versions = ctx.state.of_kind("solution-version", parent=solution_arn)
    if versions:
        described["latestSolutionVersion"] = versions[0].describe(ctx.now)
    return {"solution": described}


def list_solutions(
    ctx: Context,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    rows, token = summaries(
        ctx,
        ctx.state.of_kind(KIND, parent=dataset_group_arn),
        "SolutionSummary",
        max_results,
        next_token,
        {"datasetGroupArn": dataset_group_arn},
    )
    return {"solutions": rows, "nextToken": token}


def update_solution(
    ctx: Context,
    solution_arn: str,
    perform_auto_training: bool | None = None,
    perform_incremental_update: bool | None = None,
    solution_update_config: dict[str, Any] | None = None,
) -> dict:
    solution = ctx.state.get(KIND, solution_arn)
    require_status(solution, ("ACTIVE",), "solution", ctx.now)
    previous = solution.attrs.get("latestSolutionUpdate")
    if previous is not None and previous.lifecycle.status(ctx.now) in IN_FLIGHT:
        raise ResourceInUseException(f"An update of solution {solution_arn} is in progress.")
    recipe = catalogue.recipe_by_arn(solution.attrs.get("recipeArn") or "")
    if perform_incremental_update and (recipe is None or not recipe.incremental):
        raise InvalidInputException(
            "performIncrementalUpdate is supported only for the semantic-similarity recipe."
        )
    _check_schedule(solution_update_config)
    config = dict(solution.attrs.get("solutionConfig") or {})
    for key in ("autoTrainingConfig", "eventsConfig"):
        if solution_update_config and key in solution_update_config:
            config[key] = solution_update_config[key]
    if perform_auto_training is not None:
        solution.attrs["performAutoTraining"] = perform_auto_training
    if perform_incremental_update is not None:
        solution.attrs["performIncrementalUpdate"] = perform_incremental_update
    solution.attrs["solutionConfig"] = config or None
    solution.attrs["latestSolutionUpdate"] = Update(
        {
            "solutionUpdateConfig": solution_update_config,
            "performAutoTraining": solution.attrs["performAutoTraining"],
            "performIncrementalUpdate": solution.attrs["performIncrementalUpdate"],
        },
        ctx.now,
        ctx.creating(),
    )
    return {"solutionArn": solution_arn}


def delete_solution(ctx: Context, solution_arn: str) -> None:
    solution = ctx.state.get(KIND, solution_arn)
    require_status(solution, ("ACTIVE", "CREATE FAILED"), "solution", ctx.now)
    require_unused(
        [c for c in ctx.state.of_kind("campaign") if _campaign_solution(c) == solution_arn],
        "campaign",
        solution_arn,
    )
    for version in ctx.state.of_kind("solution-version", parent=solution_arn):
        if version.status(ctx.now) in IN_FLIGHT:
            raise ResourceInUseException(
                f"Cannot delete {solution_arn} while its solution version {version.arn} is "
                f"{version.status(ctx.now)}."
            )
    # Its versions go with it (the store forgets children of a forgotten parent).
    ctx.delete(solution.timeline, "DELETE PENDING", "DELETE IN_PROGRESS")


def _campaign_solution(campaign) -> str:
    version = campaign.attrs.get("solutionVersionArn", "")
    return version.rsplit("/", 1)[0]
