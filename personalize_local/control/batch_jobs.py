"""Batch inference and batch segment jobs: JSON lines read from S3, answered by a solution version.

The operations check a request, register the job and answer its files in the background: `batch`
holds how (S3 objects, input lines, the two answerers). Sources: the live guide
``creating-batch-inference-job`` and ``creating-batch-seg-job``
(https://docs.aws.amazon.com/personalize/latest/dg/creating-batch-inference-job.html,
https://docs.aws.amazon.com/personalize/latest/dg/creating-batch-seg-job.html).

The model answers from its training data: events recorded after training are not used until the
next training, so histories come from the training interactions, not the live ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from ..aws.clients import AwsClients
from ..context import Context
from ..errors import InvalidInputException
from ..filters.evaluate import SEGMENT_TARGETS, Catalog
from ..filters.grammar import Filter
from ..recipes import catalogue
from ..recipes.catalogue import RecipeInfo
from ..serving.campaigns import serving_config
from ..serving.deployment import Deployment, deployment
from ..serving.filters import active_filter
from ..serving.histories import Histories
from ..serving.payloads import FilterPayload, SolutionVersionPayload
from ..store.state import Resource
from .batch import s3
from .batch.inference import INFERENCE_MEMBERS, Inference
from .batch.lines import MAX_ITEMS
from .batch.segments import Segments
from .common import check_quota, register, summaries
from .import_jobs import in_flight

INFERENCE = "batch-inference-job"
SEGMENT = "batch-segment-job"
#: Pending or in-progress jobs of each kind per region (https://docs.aws.amazon.com/personalize/latest/dg/limits.html)
#: and the service's message.
MAX_IN_FLIGHT = 5
QUOTA_MESSAGE = f"More than {MAX_IN_FLIGHT} resources with PENDING or IN_PROGRESS status."
#: numResults when the request has none: items per line (observed in real batch output) and
#: users per segment (the guide's creating-batch-seg-job: "The default is 25").
DEFAULT_RESULTS = 25
#: Users per segment (the model's numResults documentation).
MAX_USERS = 5_000_000


# --------------------------------------------------------------------------------------------
# Checks at creation
# --------------------------------------------------------------------------------------------


def _active_version(ctx: Context, arn: str) -> tuple[Resource, RecipeInfo]:
    version = ctx.state.get("solution-version", arn)
    if version.status(ctx.now) != "ACTIVE":
        raise InvalidInputException(
            f"The given solution version must be in the ACTIVE state: {arn}"
        )
    recipe = catalogue.recipe_by_arn(version.attrs.get("recipeArn") or "")
    if recipe is None:
        raise InvalidInputException(f"The solution version {arn} has no recipe to answer with.")
    return version, recipe


def _count(num_results: int | None, limit: int, what: str) -> int:
    n = DEFAULT_RESULTS if num_results is None else num_results
    if not 1 <= n <= limit:
        raise InvalidInputException(f"numResults must be between 1 and {limit} {what}.")
    return n


def _filter(ctx: Context, filter_arn: str | None, version: Resource) -> Filter | None:
    if not filter_arn:
        return None
    group = version.attrs["datasetGroupArn"]
    return FilterPayload.of(active_filter(ctx, filter_arn, group, "solution version")).parsed


def _exploration(version: Resource, config: dict[str, Any] | None) -> dict[str, Any]:
    """The scoring config: a campaign's exploration rules and defaults for the same version.

    Inferred: the guide documents batchInferenceJobConfig.itemExplorationConfig as the campaign's
    setting; without one, User-Personalization explores with the campaign defaults.
    """
    given = (config or {}).get("itemExplorationConfig")
    return serving_config(version, {"itemExplorationConfig": given} if given else None)


# --------------------------------------------------------------------------------------------
# Training histories
# --------------------------------------------------------------------------------------------


def _submit(
    ctx: Context,
    job: Resource,
    version: Resource,
    dep: Deployment,
    answerer: Callable[[Deployment], Any],
    role_arn: str,
    job_input: dict,
    job_output: dict,
) -> None:
    """Answer every input line in the background, from the data the version was trained on.

    Events recorded after training are not used until the next training, so the
    histories are the version's training interactions, not the live ones.
    """
    rows = SolutionVersionPayload.of(version).training_interactions
    clients = AwsClients(ctx.emulator.endpoint_url, ctx.region, ctx.settings.client_credentials)
    context = {"aws:SourceAccount": ctx.account, "aws:SourceArn": job.arn}

    def work() -> None:
        answering = answerer(replace(dep, histories=Histories(rows)))
        s3.run(clients, role_arn, job_input, job_output, context, answering.answer)

    ctx.emulator.jobs.submit(job, work)


def create_batch_inference_job(
    ctx: Context,
    job_name: str,
    solution_version_arn: str,
    job_input: dict,
    job_output: dict,
    role_arn: str,
    filter_arn: str | None = None,
    num_results: int | None = None,
    batch_inference_job_config: dict | None = None,
    tags: list | None = None,
    batch_inference_job_mode: str | None = None,
    theme_generation_config: dict | None = None,
) -> dict:
    version, recipe = _active_version(ctx, solution_version_arn)
    mode = batch_inference_job_mode or "BATCH_INFERENCE"
    if mode == "THEME_GENERATION":
        raise InvalidInputException(
            "batchInferenceJobMode THEME_GENERATION is not emulated: themes come from a "
            "generative model (Content Generator) that personalize-local does not have."
        )
    if theme_generation_config:
        raise InvalidInputException(
            "themeGenerationConfig needs batchInferenceJobMode THEME_GENERATION."
        )
    if not recipe.batchable or recipe.recipe_type not in INFERENCE_MEMBERS:
        raise InvalidInputException(
            f"You can't get batch recommendations with the {recipe.name} recipe"
            + (": use CreateBatchSegmentJob." if recipe.recipe_type == "USER_SEGMENTATION" else ".")
        )
    n = _count(num_results, MAX_ITEMS, "items")
    parsed_filter = _filter(ctx, filter_arn, version)
    config = _exploration(version, batch_inference_job_config)
    check_quota(in_flight(ctx, INFERENCE), MAX_IN_FLIGHT, QUOTA_MESSAGE)
    arn = ctx.arn(INFERENCE, job_name)
    dep = deployment(ctx, version, arn, config)
    if parsed_filter is not None:
        dep.catalog.compiled(parsed_filter)  # a user-segment filter fails here, not per line
    attrs = {
        "jobName": job_name,
        "batchInferenceJobArn": arn,
        "filterArn": filter_arn,
        "solutionVersionArn": solution_version_arn,
        "numResults": n,
        "jobInput": job_input,
        "jobOutput": job_output,
        "batchInferenceJobConfig": batch_inference_job_config,
        "roleArn": role_arn,
        "batchInferenceJobMode": mode,
    }
    job = register(ctx, INFERENCE, arn, attrs, ctx.pending(), solution_version_arn, tags)
    _submit(
        ctx,
        job,
        version,
        dep,
        lambda d: Inference(d, parsed_filter, n),
        role_arn,
        job_input,
        job_output,
    )
    return {"batchInferenceJobArn": arn}


def describe_batch_inference_job(ctx: Context, batch_inference_job_arn: str) -> dict:
    return {
        "batchInferenceJob": ctx.state.get(INFERENCE, batch_inference_job_arn).describe(ctx.now)
    }


def list_batch_inference_jobs(
    ctx: Context,
    solution_version_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    rows, token = summaries(
        ctx,
        ctx.state.of_kind(INFERENCE, parent=solution_version_arn),
        "BatchInferenceJobSummary",
        max_results,
        next_token,
        {"solutionVersionArn": solution_version_arn},
    )
    return {"batchInferenceJobs": rows, "nextToken": token}


def create_batch_segment_job(
    ctx: Context,
    job_name: str,
    solution_version_arn: str,
    job_input: dict,
    job_output: dict,
    role_arn: str,
    filter_arn: str | None = None,
    num_results: int | None = None,
    tags: list | None = None,
) -> dict:
    version, recipe = _active_version(ctx, solution_version_arn)
    if recipe.recipe_type != "USER_SEGMENTATION":
        raise InvalidInputException(
            f"Batch segment jobs need a USER_SEGMENTATION solution version (Item-Affinity or "
            f"Item-Attribute-Affinity); {recipe.name} is {recipe.recipe_type}: use "
            "CreateBatchInferenceJob."
        )
    n = _count(num_results, MAX_USERS, "users")
    parsed_filter = _filter(ctx, filter_arn, version)
    check_quota(in_flight(ctx, SEGMENT), MAX_IN_FLIGHT, QUOTA_MESSAGE)
    arn = ctx.arn(SEGMENT, job_name)
    dep = deployment(ctx, version, arn, {})
    users = Catalog(np.asarray(dep.model.user_ids, dtype=object), dep.users_meta)
    if parsed_filter is not None:
        users.compiled(parsed_filter, SEGMENT_TARGETS)  # an item filter fails here
    attrs = {
        "jobName": job_name,
        "batchSegmentJobArn": arn,
        "filterArn": filter_arn,
        "solutionVersionArn": solution_version_arn,
        "numResults": n,
        "jobInput": job_input,
        "jobOutput": job_output,
        "roleArn": role_arn,
    }
    job = register(ctx, SEGMENT, arn, attrs, ctx.pending(), solution_version_arn, tags)
    _submit(
        ctx,
        job,
        version,
        dep,
        lambda d: Segments(d, parsed_filter, n, users),
        role_arn,
        job_input,
        job_output,
    )
    return {"batchSegmentJobArn": arn}


def describe_batch_segment_job(ctx: Context, batch_segment_job_arn: str) -> dict:
    return {"batchSegmentJob": ctx.state.get(SEGMENT, batch_segment_job_arn).describe(ctx.now)}


def list_batch_segment_jobs(
    ctx: Context,
    solution_version_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    rows, token = summaries(
        ctx,
        ctx.state.of_kind(SEGMENT, parent=solution_version_arn),
        "BatchSegmentJobSummary",
        max_results,
        next_token,
        {"solutionVersionArn": solution_version_arn},
    )
    return {"batchSegmentJobs": rows, "nextToken": token}
