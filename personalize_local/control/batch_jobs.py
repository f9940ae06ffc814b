"""Batch inference and batch segment jobs: JSON lines read from S3, answered by a solution version.

A job reads its input through the endpoint's own S3 API with the role's permissions checked, as
import jobs do, answers every line and writes ``<input file name>.out`` under the output path
(personalize-api.md §10; live guide ``batch-data-upload``, ``prepare-input-data-user-segment``,
``filter-batch``). A line that cannot be answered gets an output line with an ``error`` message;
only what stops the whole job (paths, permissions, limits) ends it CREATE FAILED.

The model answers from its training data: events recorded after training are not used until the
next training (§10.1), so histories come from the training interactions, not the live ones.
Scoring is the runtime's own (`runtime.scoring`), so a batch line answers as GetRecommendations
or GetPersonalizedRanking would for the same history.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np
from botocore.exceptions import ClientError

from ..aws import access
from ..aws.access import S3Location
from ..aws.clients import AwsClients
from ..context import Context
from ..errors import InvalidInputException, PersonalizeError
from ..filters import grammar
from ..filters.evaluate import SEGMENT_TARGETS, Catalog, user_mask
from ..filters.grammar import Filter
from ..jobs import JobFailure
from ..recipes import catalogue
from ..recipes.catalogue import RecipeInfo
from ..runtime import scoring
from ..runtime.api import active_filter
from ..runtime.deployment import Deployment, deployment
from ..runtime.histories import Histories, History
from ..store.state import Resource
from .campaigns import _config as campaign_config
from .common import check_quota, register, summaries
from .import_jobs import in_flight

INFERENCE = "batch-inference-job"
SEGMENT = "batch-segment-job"
#: Pending or in-progress jobs of each kind per region (§5.5) and the service's message.
MAX_IN_FLIGHT = 5
QUOTA_MESSAGE = f"More than {MAX_IN_FLIGHT} resources with PENDING or IN_PROGRESS status."
#: numResults when the request has none: items per line (§10.1 [Obs]) and users per segment
#: (DG-2023 creating-batch-seg-job: "The default is 25").
DEFAULT_RESULTS = 25
#: [Inf] GetRecommendations' limit; the model sets none for batch inference.
MAX_ITEMS = 500
#: Users per segment (the model's numResults documentation).
MAX_USERS = 5_000_000
#: Input files per batch inference job (§5.5).
MAX_INPUT_FILES = 1000
#: Queries per input file of a batch segment job (§5.5; item-attribute-affinity-recipe).
MAX_QUERIES = {"aws-item-affinity": 500, "aws-item-attribute-affinity": 10}
#: Recipes that cannot answer batch inference (the CreateBatchInferenceJob documentation).
NO_BATCH = ("aws-trending-now", "aws-next-best-action")


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
    return active_filter(ctx, filter_arn, group, "solution version").data["parsed"]


def _exploration(version: Resource, config: dict[str, Any] | None) -> dict[str, Any]:
    """The scoring config: a campaign's exploration rules and defaults for the same version.

    [Inf] The guide documents batchInferenceJobConfig.itemExplorationConfig as the campaign's
    setting; without one, User-Personalization explores with the campaign defaults.
    """
    given = (config or {}).get("itemExplorationConfig")
    return campaign_config(version, {"itemExplorationConfig": given} if given else None)


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

    Events recorded after training are not used until the next training (§10.1), so the
    histories are the version's training interactions, not the live ones.
    """
    rows = version.data.get("training_interactions")
    clients = AwsClients(ctx.emulator.endpoint_url, ctx.region, ctx.settings.client_credentials)
    context = {"aws:SourceAccount": ctx.account, "aws:SourceArn": job.arn}

    def work() -> None:
        answering = answerer(replace(dep, histories=Histories(rows)))
        _run(clients, role_arn, job_input, job_output, context, answering.answer)

    ctx.emulator.jobs.submit(job, work)


# --------------------------------------------------------------------------------------------
# S3: paths, permissions, files
# --------------------------------------------------------------------------------------------


def _folder(location: S3Location) -> str:
    """The key prefix objects are written under (the path as a folder)."""
    key = location.key
    return key if key == "" or key.endswith("/") else key + "/"


def _list(s3: Any, bucket: str, prefix: str) -> list[str]:
    keys: list[str] = []
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys += [o["Key"] for o in page.get("Contents", []) if not o["Key"].endswith("/")]
    except ClientError as error:
        if error.response["Error"]["Code"] == "NoSuchBucket":
            raise JobFailure(
                f"Invalid S3 input path. The bucket {bucket} does not exist."
            ) from None
        raise
    return sorted(keys)


@dataclass(frozen=True)
class _Plan:
    """Which objects a job reads and where each answer goes."""

    source: S3Location
    destination: S3Location
    outputs: dict[str, str]  # input key -> output key


def _plan(s3: Any, input_path: str, output_path: str) -> _Plan:
    """Input objects and output keys, or :class:`JobFailure` in the service's words.

    S3 paths are prefixes (live guide ``creating-batch-inference-job``): every object whose key
    starts with the input path is input, except that a path naming one object means that object
    only ([Inf]: it keeps earlier ``.out`` files next to it out). Each answer is
    ``<output folder><input name>.out``, the name taken below the input's folder.
    """
    source = S3Location.parse(input_path, "S3 input path")
    destination = S3Location.parse(output_path, "S3 output path")
    folder = _folder(destination)
    keys = _list(s3, source.bucket, source.key)
    single = source.key in keys
    if source.bucket == destination.bucket:
        if (destination.key == source.key) if single else (folder == _folder(source)):
            raise JobFailure(
                f"Invalid S3 output path: {output_path} is the input location. Write the "
                "output to another folder or bucket (troubleshooting: Invalid S3 output path)."
            )
        if folder and not single:
            keys = [k for k in keys if not k.startswith(folder)]  # earlier answers
    if single:
        keys = [source.key]
    if not keys:
        raise JobFailure(f"Invalid S3 input path. No objects found at {source}.")
    if len(keys) > MAX_INPUT_FILES:
        raise JobFailure(
            f"Invalid S3 input path. {len(keys)} input files were found at {source}; a job reads "
            f"at most {MAX_INPUT_FILES}."
        )
    base = source.key.rsplit("/", 1)[0] + "/" if "/" in source.key else ""
    outputs = {key: f"{folder}{key[len(base) :]}.out" for key in keys}
    return _Plan(source, destination, outputs)


def _authorise(clients: AwsClients, role_arn: str, plan: _Plan, context: dict) -> None:
    """Read on the input, write on the output, for the role and in both bucket policies."""
    source, destination = plan.source, plan.destination
    reads = [("s3:ListBucket", source.bucket_arn)]
    reads += [("s3:GetObject", source.object_arn(key)) for key in plan.outputs]
    access.check(clients, role_arn, source.bucket, reads, context)
    writes = [("s3:PutObject", destination.object_arn(key)) for key in plan.outputs.values()]
    access.check(clients, role_arn, destination.bucket, writes, context)


def _lines(payload: bytes, where: str) -> list[str]:
    """The non-blank lines of a JSON-lines object (LF or CRLF, an optional UTF-8 BOM)."""
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JobFailure(f"Invalid input data: {where} is not UTF-8 text.") from None
    return [line for line in (raw.strip() for raw in text.split("\n")) if line]


def _run(
    clients: AwsClients,
    role_arn: str,
    job_input: dict,
    job_output: dict,
    context: dict,
    answer: Callable[[str, list[str]], list[dict[str, Any]]],
) -> None:
    """Read every input object, answer its lines and write its ``.out`` object."""
    plan = _plan(
        clients.s3, job_input["s3DataSource"]["path"], job_output["s3DataDestination"]["path"]
    )
    _authorise(clients, role_arn, plan, context)
    for key, out_key in plan.outputs.items():
        where = f"s3://{plan.source.bucket}/{key}"
        records = answer(
            where, _lines(access.read_object(clients.s3, plan.source.bucket, key), where)
        )
        body = "".join(
            json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n" for r in records
        )
        clients.s3.put_object(Bucket=plan.destination.bucket, Key=out_key, Body=body.encode())


# --------------------------------------------------------------------------------------------
# Input lines
# --------------------------------------------------------------------------------------------


class _LineError(Exception):
    """A line that gets an error line in the output instead of an answer."""


@dataclass
class _Line:
    """One input line: the object as read (echoed as ``input``) and its parsed members."""

    record: Any
    error: str | None = None
    user_id: str | None = None
    item_id: str | None = None
    item_list: list[str] = field(default_factory=list)
    item_attributes: str | None = None
    filter_values: dict[str, str] | None = None


def _string(record: dict, key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value:
        raise _LineError(f"The input must have a non-empty string {key}.")
    return value


def _read(text: str, wanted: tuple[str, ...]) -> _Line:
    """Parse a line that must hold the members ``wanted`` (userId, itemId, itemList, …)."""
    try:
        record = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep
        return _Line(text, "The line is not valid JSON.")
    line = _Line(record)
    try:
        if not isinstance(record, dict):
            raise _LineError("The line must be a JSON object.")
        values = record.get("filterValues")
        if values is not None and not (
            isinstance(values, dict) and all(isinstance(v, str) for v in values.values())
        ):
            raise _LineError("filterValues must map placeholder names to strings.")
        line.filter_values = values
        if "userId" in wanted:
            line.user_id = _string(record, "userId")
        if "itemId" in wanted:
            line.item_id = _string(record, "itemId")
        if "itemAttributes" in wanted:
            line.item_attributes = _string(record, "itemAttributes")
        if "itemList" in wanted:
            items = record.get("itemList")
            if (
                not isinstance(items, list)
                or not items
                or not all(isinstance(i, str) for i in items)
            ):
                raise _LineError("The input must have an itemList of item id strings.")
            if len(items) > MAX_ITEMS:
                raise _LineError(f"itemList must have at most {MAX_ITEMS} items.")
            line.item_list = items
    except _LineError as error:
        line.error = str(error)
    return line


def _error_line(line: _Line, message: str) -> dict[str, Any]:
    # [Inf] Observed lines always carry input, output and error; a failed line has no output.
    return {"input": line.record, "output": None, "error": message}


def _answered(line: _Line, output: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    if line.error is not None:
        return _error_line(line, line.error)
    try:
        return {"input": line.record, "output": output(), "error": None}
    except (_LineError, PersonalizeError) as error:
        return _error_line(line, str(error))


# --------------------------------------------------------------------------------------------
# Batch inference
# --------------------------------------------------------------------------------------------

#: The members each recipe type reads from a line (batch-data-upload).
_INFERENCE_MEMBERS = {
    "USER_PERSONALIZATION": ("userId",),
    "POPULAR_ITEMS": ("userId",),
    "PERSONALIZED_RANKING": ("userId", "itemList"),
    "RELATED_ITEMS": ("itemId",),
}


@dataclass
class _Inference:
    """Answers the lines of one batch inference job."""

    dep: Deployment
    parsed_filter: Filter | None
    n: int

    @property
    def kind(self) -> str:
        return self.dep.recipe.recipe_type

    def answer(self, where: str, texts: list[str]) -> list[dict[str, Any]]:
        lines = [_read(text, _INFERENCE_MEMBERS[self.kind]) for text in texts]
        if self.kind in ("USER_PERSONALIZATION", "PERSONALIZED_RANKING"):
            return self._personal(lines)
        return [_answered(line, partial(self._general, line)) for line in lines]

    def _mask(self, line: _Line, history: History) -> np.ndarray | None:
        if self.parsed_filter is None:
            return None  # [Inf] per-line filterValues without a job filter are ignored
        return scoring.filter_mask(
            self.dep, self.parsed_filter, line.filter_values, line.user_id, history, line.item_id
        )

    def _personal(self, lines: list[_Line]) -> list[dict[str, Any]]:
        """User-personalization and ranking lines: the users' histories scored in blocks."""
        histories = [self.dep.histories.get(line.user_id or "") for line in lines if not line.error]
        typed = self.kind == "USER_PERSONALIZATION"
        answer = self._recommend if typed else self._rank
        # Rows come in the order of the answerable lines, a block of users per model call.
        rows = zip(
            histories, scoring.history_scores(self.dep.model, histories, typed=typed), strict=True
        )
        out = []
        for line in lines:
            if line.error is not None:
                out.append(_error_line(line, line.error))
                continue
            history, scores = next(rows)
            out.append(_answered(line, partial(answer, line, history, scores)))
        return out

    def _recommend(self, line: _Line, history: History, scores: np.ndarray) -> dict[str, Any]:
        scores = scoring.explored(self.dep, scores, history, line.user_id or "")
        return _items(scoring.top_items(self.dep, scores, self._mask(line, history), self.n))

    def _rank(self, line: _Line, history: History, scores: np.ndarray) -> dict[str, Any]:
        ranked = scoring.rank(self.dep.model, scores, line.item_list, self._mask(line, history))
        # [Inf] Unknown items come last, as in GetPersonalizedRanking, with score 0 (the live
        # guide's value for items that were not in training): the lists stay aligned.
        return {
            "recommendedItems": ranked.ids + ranked.unknown,
            "scores": ranked.scores + [0.0] * len(ranked.unknown),
        }

    def _general(self, line: _Line) -> dict[str, Any]:
        """Related items (by itemId) and popular items (the same list for every userId)."""
        history = self.dep.histories.get(line.user_id) if line.user_id else History()
        scores = scoring.request_scores(self.dep, history, line.user_id, line.item_id)
        return _items(scoring.top_items(self.dep, scores, self._mask(line, history), self.n))


def _items(answer: scoring.Answer) -> dict[str, Any]:
    out: dict[str, Any] = {"recommendedItems": answer.ids}
    if answer.scores is not None:
        out["scores"] = answer.scores
    return out


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
    if recipe.name in NO_BATCH or recipe.recipe_type not in _INFERENCE_MEMBERS:
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
        lambda d: _Inference(d, parsed_filter, n),
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


# --------------------------------------------------------------------------------------------
# Batch segment jobs
# --------------------------------------------------------------------------------------------

_ATTRIBUTE = re.compile(
    r'\s*ITEMS\.([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?))\s*',
    re.IGNORECASE,
)
_AND = re.compile(r"AND\b", re.IGNORECASE)


def parse_attributes(expression: str) -> list[tuple[str, str]]:
    """``ITEMS.<column> = "<value>" [AND …]`` as (COLUMN, value) pairs.

    prepare-input-data-user-segment: segment queries use only ``=`` (not IN), joined with AND;
    quotes inside a value are escaped with ``\\``. A number may stand unquoted ([Inf]: the guide
    allows numeric columns and shows only quoted strings).
    """
    clauses: list[tuple[str, str]] = []
    position = 0
    while True:
        match = _ATTRIBUTE.match(expression, position)
        if match is None:
            raise _LineError(
                f'Invalid itemAttributes {expression!r}: use ITEMS.<column> = "<value>", '
                "joined with AND."
            )
        quoted, number = match.group(2), match.group(3)
        value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else number
        clauses.append((match.group(1).upper(), value))
        position = match.end()
        if position == len(expression):
            return clauses
        joined = _AND.match(expression, position)
        if joined is None:
            raise _LineError(
                f"Invalid itemAttributes {expression!r}: clauses are joined with AND only."
            )
        position = joined.end()


@dataclass
class _Segments:
    """Answers the lines of one batch segment job."""

    dep: Deployment
    parsed_filter: Filter | None
    n: int
    users: Catalog
    interactions: dict[str, list[tuple[str, str]]] | None = field(default=None, init=False)

    @property
    def by_attributes(self) -> bool:
        return self.dep.recipe.name == "aws-item-attribute-affinity"

    def answer(self, where: str, texts: list[str]) -> list[dict[str, Any]]:
        limit = MAX_QUERIES.get(self.dep.recipe.name, MAX_QUERIES["aws-item-affinity"])
        if len(texts) > limit:
            raise JobFailure(
                f"Invalid input data: {where} has {len(texts)} queries; the "
                f"{self.dep.recipe.name} recipe takes at most {limit} per input file."
            )
        member = "itemAttributes" if self.by_attributes else "itemId"
        lines = [_read(text, (member,)) for text in texts]
        return [_answered(line, partial(self._segment, line)) for line in lines]

    def _items(self, line: _Line) -> list[str]:
        """The queried items: the item, or every item matching the attributes."""
        model = self.dep.model
        if line.item_id is not None:
            if model.item_index([line.item_id])[0] < 0:
                raise _LineError(f"The item {line.item_id} is not in the training data.")
            return [line.item_id]
        mask = np.ones(len(model.item_ids), dtype=bool)
        for column, value in parse_attributes(line.item_attributes or ""):
            found = self.dep.catalog.column(column)
            if found is None:
                raise _LineError(f"The Items dataset has no column {column}.")
            if found.numeric:
                try:
                    operand: list[Any] = [float(value)]
                except ValueError:
                    raise _LineError(f"ITEMS.{column} is numeric: {value!r} is not.") from None
            else:
                operand = [value]
            mask &= found.match("=", operand)
        if not mask.any():
            raise _LineError(f"No item matches {line.item_attributes}.")
        return [str(i) for i in model.item_ids[mask]]

    def _segment(self, line: _Line) -> dict[str, Any]:
        scores = np.asarray(self.dep.model.score_users_for_items(self._items(line)), np.float64)
        if self.parsed_filter is not None:
            values = grammar.parse_filter_values(line.filter_values or {})
            allowed = user_mask(
                self.parsed_filter,
                values,
                self.users.ids,
                None,
                self._histories(),
                users=self.users,
            )
            scores = np.where(allowed, scores, -np.inf)
        finite = np.flatnonzero(np.isfinite(scores))
        best = finite[np.lexsort((finite, -scores[finite]))][: self.n]
        return {"usersList": [str(u) for u in self.users.ids[best]]}

    def _histories(self) -> dict[str, list[tuple[str, str]]]:
        """Every user's training interactions, newest first, for interaction filters."""
        if self.interactions is None:
            self.interactions = {
                str(u): self.dep.histories.get(str(u)).newest_first() for u in self.users.ids
            }
        return self.interactions


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
        lambda d: _Segments(d, parsed_filter, n, users),
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
