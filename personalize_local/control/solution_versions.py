"""Solution versions: real training in the background, metrics, stopping, and GetSolutionMetrics."""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..errors import InvalidInputException, ResourceInUseException
from ..recipes import catalogue
from ..serving.payloads import SolutionVersionPayload
from ..store.jobs import JobFailure
from ..store.state import Resource
from . import training
from .common import IN_FLIGHT, check_quota, register, require_status, summaries
from .import_jobs import in_flight
from .training import training_input

KIND = "solution-version"
#: Pending or in-progress solution versions per region (adjustable on the service).
MAX_IN_FLIGHT = 20


def create_solution_version(
    ctx: Context,
    solution_arn: str,
    name: str | None = None,
    training_mode: str | None = None,
    tags: list | None = None,
) -> dict:
    solution = ctx.state.get("solution", solution_arn)
    require_status(solution, ("ACTIVE",), "solution", ctx.now)
    recipe = catalogue.recipe_by_arn(solution.attrs.get("recipeArn") or "")
    mode = training_mode or "FULL"
    base: Resource | None = None
    if mode == "UPDATE":
        if recipe is None or not recipe.updatable:
            raise InvalidInputException(
                "trainingMode UPDATE is supported only for the User-Personalization recipe."
            )
        base = _latest_full(ctx, solution_arn)
    elif mode == "AUTOTRAIN":
        raise InvalidInputException("trainingMode AUTOTRAIN is used by automatic training only.")
    check_quota(
        in_flight(ctx, KIND),
        MAX_IN_FLIGHT,
        f"More than {MAX_IN_FLIGHT} resources with PENDING or IN_PROGRESS status.",
    )
    version_id = ctx.ids.hex8()
    arn = f"{solution_arn}/{version_id}"
    attrs = {
        "name": name or version_id,
        "solutionVersionArn": arn,
        "solutionArn": solution_arn,
        "performHPO": solution.attrs["performHPO"],
        "performAutoML": solution.attrs["performAutoML"],
        "performIncrementalUpdate": solution.attrs["performIncrementalUpdate"],
        "recipeArn": solution.attrs["recipeArn"],
        "eventType": solution.attrs.get("eventType"),
        "datasetGroupArn": solution.attrs["datasetGroupArn"],
        "solutionConfig": solution.attrs.get("solutionConfig"),
        "trainingMode": mode,
        "trainingType": "MANUAL",
    }
    version = register(ctx, KIND, arn, attrs, ctx.pending(), solution_arn, tags)
    snapshot = training_input(ctx, solution.attrs["datasetGroupArn"])
    seed = ctx.ids.derive()
    ctx.emulator.jobs.submit(version, lambda: _train(version, recipe, snapshot, seed, base))
    return {"solutionVersionArn": arn}


def _latest_full(ctx: Context, solution_arn: str) -> Resource:
    for version in ctx.state.of_kind(KIND, parent=solution_arn):
        if version.attrs["trainingMode"] == "FULL" and version.status(ctx.now) == "ACTIVE":
            return version
    raise InvalidInputException(
        "trainingMode UPDATE needs an ACTIVE solution version trained with trainingMode FULL."
    )


def _train(
    version: Resource,
    recipe: catalogue.RecipeInfo | None,
    snapshot: dict[str, Any],
    seed: int,
    base: Resource | None,
):
    """Train (and tune and evaluate) off the request thread; return the commit step."""
    if recipe is None:
        raise JobFailure("The solution has no recipe (AutoML is not emulated).")
    config = dict(version.attrs.get("solutionConfig") or {})
    if version.attrs.get("eventType"):
        config["eventType"] = version.attrs["eventType"]
    trained = training.fit(
        recipe.name,
        snapshot,
        config,
        seed,
        perform_hpo=version.attrs["performHPO"],
        base=SolutionVersionPayload.of(base) if base is not None else None,
    )

    def commit() -> None:
        version.data = SolutionVersionPayload(
            model=trained.model,
            metrics=trained.metrics,
            hyperparameters=trained.hyperparameters,
            # Batch jobs answer from the data the model was trained on (kept by reference).
            training_interactions=snapshot["frames"].get("Interactions"),
        )
        version.attrs["trainingHours"] = round(trained.hours, 6)
        if trained.tuned is not None:
            version.attrs["tunedHPOParams"] = {"algorithmHyperParameters": dict(trained.tuned)}

    return commit


def describe_solution_version(ctx: Context, solution_version_arn: str) -> dict:
    return {"solutionVersion": ctx.state.get(KIND, solution_version_arn).describe(ctx.now)}


def list_solution_versions(
    ctx: Context,
    solution_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    if solution_arn:
        ctx.state.get("solution", solution_arn)
    rows, token = summaries(
        ctx,
        ctx.state.of_kind(KIND, parent=solution_arn),
        "SolutionVersionSummary",
        max_results,
        next_token,
        {"solutionArn": solution_arn},
    )
    return {"solutionVersions": rows, "nextToken": token}


def stop_solution_version_creation(ctx: Context, solution_version_arn: str) -> None:
    version = ctx.state.get(KIND, solution_version_arn)
    status = version.status(ctx.now)
    if status not in IN_FLIGHT:
        raise ResourceInUseException(
            f"The solution version {solution_version_arn} is {status}; only a version in "
            "CREATE PENDING or CREATE IN_PROGRESS can be stopped."
        )
    version.stop_requested = True
    if status == "CREATE PENDING":
        version.timeline.finish("CREATE STOPPED")
    else:
        # The job ends it CREATE STOPPED when its current step returns.
        version.timeline.walk("CREATE STOPPING", step=0)


def get_solution_metrics(ctx: Context, solution_version_arn: str) -> dict:
    version = ctx.state.get(KIND, solution_version_arn)
    if version.status(ctx.now) != "ACTIVE":
        raise InvalidInputException(
            f"The given solution must be in the ACTIVE state: {solution_version_arn}"
        )
    metrics = SolutionVersionPayload.of(version).metrics
    return {"solutionVersionArn": solution_version_arn, "metrics": metrics}
