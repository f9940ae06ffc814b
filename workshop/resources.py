"""Create Amazon Personalize resources once, reuse them on a re-run, and delete them all again.

**Re-running a notebook.** Names are unique in an account and Region, so running notebook 01
twice would fail on its second ``create_schema`` with ``ResourceAlreadyExistsException``. The
workshop's decision, made once here: *a name identifies a resource, and a re-run reuses it*.
:func:`create_or_reuse` calls the ``create_*`` operation it is given; when the service answers
``ResourceAlreadyExistsException`` it finds the resource of that name (``list_*``) and returns
the ARN a create would have returned. The notebook then waits for it as usual: one that is
ACTIVE returns at once, one still being created is waited for, one that failed raises with its
``failureReason``. Settings are not compared: to start over with different data or settings,
run ``06_Clean_Up_Resources`` first. Solution versions have no name: a re-run reuses the newest
version that is ACTIVE or still training, and only trains (and bills training hours) when the
solution has none.

**Cleaning up.** :func:`delete_all` deletes resources of one kind and waits until every one is
gone. It is safe on resources that are already gone or being deleted, and on resources that
cannot be deleted *yet*: one still being created, or one whose import job or training is still
running, answers ``ResourceInUseException``, and the delete is tried again at each poll until
the service accepts it. :func:`stop_training` stops solution versions that are still training,
so that a clean-up after an interrupted run does not wait for (and pay for) them.

Written for Python 3.10 as well, the version of SageMaker's ``conda_python3`` kernel.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import ClientError

from .lang import tr
from .wait import DEFAULT_POLL, NOT_FOUND, ResourceFailed, error_code, until_done

ALREADY_EXISTS = "ResourceAlreadyExistsException"
LIMIT_EXCEEDED = "LimitExceededException"
IN_USE = "ResourceInUseException"
#: Statuses of a solution version that is still training (and billing).
TRAINING = ("CREATE PENDING", "CREATE IN_PROGRESS")
#: A solution version in one of these is reused by a re-run instead of training another one.
REUSABLE_VERSION = ("ACTIVE", *TRAINING)


@dataclass(frozen=True)
class _Kind:
    """How to find an existing resource of one ``create_*`` operation."""

    noun: str
    arn_key: str
    list_operation: str
    list_key: str
    name_param: str = "name"
    #: Create parameters that scope the list call (a dataset group for datasets and trackers).
    scope: tuple[str, ...] = ()
    #: Summary member that also identifies the resource in its scope (one dataset per type).
    same: str | None = None
    #: At most one per scope: any resource found in the scope is the one (event trackers).
    one_per_scope: bool = False


_KINDS: dict[str, _Kind] = {
    "create_schema": _Kind("schema", "schemaArn", "list_schemas", "schemas"),
    "create_dataset_group": _Kind(
        "dataset group", "datasetGroupArn", "list_dataset_groups", "datasetGroups"
    ),
    "create_dataset": _Kind(
        "dataset",
        "datasetArn",
        "list_datasets",
        "datasets",
        scope=("datasetGroupArn",),
        same="datasetType",
    ),
    "create_dataset_import_job": _Kind(
        "dataset import job",
        "datasetImportJobArn",
        "list_dataset_import_jobs",
        "datasetImportJobs",
        name_param="jobName",
    ),
    "create_solution": _Kind("solution", "solutionArn", "list_solutions", "solutions"),
    "create_campaign": _Kind("campaign", "campaignArn", "list_campaigns", "campaigns"),
    "create_filter": _Kind("filter", "filterArn", "list_filters", "Filters"),
    "create_event_tracker": _Kind(
        "event tracker",
        "eventTrackerArn",
        "list_event_trackers",
        "eventTrackers",
        scope=("datasetGroupArn",),
        one_per_scope=True,
    ),
    "create_batch_inference_job": _Kind(
        "batch inference job",
        "batchInferenceJobArn",
        "list_batch_inference_jobs",
        "batchInferenceJobs",
        name_param="jobName",
    ),
}


def list_all(client: Any, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paginated ``list_*`` call, e.g. ``list_all(p, "list_solutions",
    "solutions", datasetGroupArn=arn)``."""
    pages = client.get_paginator(operation).paginate(**params)
    return [item for page in pages for item in page.get(key, [])]


def create_or_reuse(create: Callable[..., Mapping[str, Any]], **params: Any) -> dict[str, Any]:
    """``create(**params)``, or the resource of that name when an earlier run created it.

    Parameters
    ----------
    create : bound boto3 method
        A Personalize ``create_*`` operation, e.g. ``personalize.create_schema``.
    **params
        Its parameters, exactly as for the operation.

    Returns
    -------
    dict
        The operation's response; for a reused resource, ``{<arn member>: arn}`` (for example
        ``{"schemaArn": …}``), so that ``create_or_reuse(...)["schemaArn"]`` works either way.

    Raises
    ------
    RuntimeError
        The resource of that name is being deleted (run the cell again once notebook 06 is done).
    botocore.exceptions.ClientError
        Any other error of the operation, and ``ResourceAlreadyExistsException`` when no
        resource matching the parameters can be found.
    """
    operation = getattr(create, "__name__", "")
    client = getattr(create, "__self__", None)
    if client is None or not operation.startswith("create_"):
        raise TypeError("create_or_reuse takes a boto3 create_* method, e.g. client.create_schema")
    if operation == "create_solution_version":
        found = _reusable_version(client, params["solutionArn"])
        if found is not None:
            status = _status_of(found)
            print(
                tr(
                    f"이전 실행의 솔루션 버전 {_tail(found)}({status})을 재사용합니다.",
                    f"Reusing solution version {_tail(found)} ({status}) of an earlier run.",
                )
            )
            return {"solutionVersionArn": found["solutionVersionArn"]}
        return dict(create(**params))
    kind = _KINDS.get(operation)
    if kind is None:
        return dict(create(**params))
    try:
        return dict(create(**params))
    except ClientError as error:
        # A name taken by an earlier run may be refused as a limit instead (a second event
        # tracker for a dataset group; a sixth campaign once the earlier five are active): reuse
        # the resource of that name if there is one, whichever check the service made first.
        if error_code(error) not in (ALREADY_EXISTS, LIMIT_EXCEEDED):
            raise
        existing = _find(client, kind, params)
        if existing is None:
            raise
    name = existing.get(kind.name_param, params.get(kind.name_param))
    status = _status_of(existing)
    if status.startswith("DELETE"):
        raise RuntimeError(
            tr(
                f"{NOUNS_KO[kind.noun]} {name!r}을(를) 삭제하는 중입니다({status}). 06 노트북이 "
                "끝난 뒤 이 셀을 다시 실행하십시오.",
                f"The {kind.noun} {name!r} is being deleted ({status}). Wait until notebook 06 "
                "has finished, then run this cell again.",
            )
        )
    shown = status or "EXISTS"
    print(
        tr(
            f"이전 실행의 {NOUNS_KO[kind.noun]} {name!r}({shown})을(를) 재사용합니다.",
            f"Reusing the {kind.noun} {name!r} ({shown}) of an earlier run.",
        )
    )
    return {kind.arn_key: existing[kind.arn_key]}


#: What the Korean notebooks call each kind (AWS's Korean documentation's terms).
NOUNS_KO = {
    "schema": "스키마",
    "dataset group": "데이터 세트 그룹",
    "dataset": "데이터 세트",
    "dataset import job": "데이터 세트 가져오기 작업",
    "solution": "솔루션",
    "campaign": "캠페인",
    "filter": "필터",
    "event tracker": "이벤트 트래커",
    "batch inference job": "배치 추론 작업",
}


def _find(client: Any, kind: _Kind, params: Mapping[str, Any]) -> dict[str, Any] | None:
    """The existing resource the create call collided with."""
    scope = {key: params[key] for key in kind.scope if key in params}
    items = list_all(client, kind.list_operation, kind.list_key, **scope)
    name = params.get(kind.name_param)
    for item in items:
        if item.get(kind.name_param) == name:
            return item
    if kind.same is not None:
        for item in items:
            if item.get(kind.same) == params.get(kind.same):
                return item
    if kind.one_per_scope and scope and items:
        return items[0]
    return None


def _reusable_version(client: Any, solution_arn: str) -> dict[str, Any] | None:
    versions = list_all(
        client, "list_solution_versions", "solutionVersions", solutionArn=solution_arn
    )
    usable = [v for v in versions if v.get("status") in REUSABLE_VERSION]
    if not usable:
        return None
    oldest = datetime.min.replace(tzinfo=timezone.utc)  # noqa: UP017 (datetime.UTC: 3.11+)
    return max(usable, key=lambda v: v.get("creationDateTime") or oldest)


def _status_of(item: Mapping[str, Any]) -> str:
    return str(item.get("status", ""))


def _tail(item: Mapping[str, Any]) -> str:
    return str(item.get("solutionVersionArn", "")).rsplit("/", 1)[-1]


# ------------------------------------------------------------------------------------------------
# Clean-up
# ------------------------------------------------------------------------------------------------


def arn_parameter(kind: str) -> str:
    """``"event_tracker"`` → ``"eventTrackerArn"``: the ARN parameter of describe/delete."""
    first, *rest = kind.split("_")
    return first + "".join(part.title() for part in rest) + "Arn"


def delete_all(
    client: Any,
    kind: str,
    arns: Iterable[str],
    *,
    timeout: float = 3600.0,
    poll: float = DEFAULT_POLL,
    progress: bool = True,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Delete resources of one kind and wait until every one is gone.

    Parameters
    ----------
    client : boto3 client
        The ``personalize`` client.
    kind : str
        ``"campaign"``, ``"event_tracker"``, ``"filter"``, ``"solution"``, ``"dataset"``,
        ``"schema"`` or ``"dataset_group"``: ``delete_<kind>`` and ``describe_<kind>`` are called
        with ``<kind>Arn`` (``eventTrackerArn``, …).
    arns : iterable of str
        What to delete (duplicates are ignored).
    timeout, poll, progress, sleep, clock
        As in :func:`workshop.wait.wait_all` (default timeout one hour).

    Returns
    -------
    int
        How many of them still existed when called: 0 when everything was already gone.

    Each round tries the delete of every resource it has not been accepted for yet:
    ``ResourceNotFoundException`` means already gone; ``ResourceInUseException`` means it is
    being deleted already (then it is waited for), or cannot be deleted yet because it, or
    something it holds, is still being created (then the delete is tried again next round).
    Once accepted, the resource is polled until ``describe_<kind>`` answers
    ``ResourceNotFoundException``.

    Raises
    ------
    ResourceFailed
        When a resource reaches ``DELETE FAILED``.
    TimeoutError
        After ``timeout`` seconds, naming what is left and why the service refused its delete.
    """
    parameter = arn_parameter(kind)
    delete = getattr(client, f"delete_{kind}")
    describe = getattr(client, f"describe_{kind}")
    targets = list(dict.fromkeys(arns))
    accepted: set[str] = set()
    existed: set[str] = set()
    refused: dict[str, str] = {}

    def status_of(arn: str) -> str | None:
        """The resource's status; None when it is gone ("EXISTS" when it has none: schemas)."""
        try:
            response = describe(**{parameter: arn})
        except ClientError as error:
            if error_code(error) == NOT_FOUND:
                return None
            raise
        members = [v for k, v in response.items() if k != "ResponseMetadata"]
        holder = members[0] if len(members) == 1 and isinstance(members[0], Mapping) else {}
        return str(holder.get("status", "EXISTS"))

    def check(arn: str, _: Any) -> tuple[bool, str, dict[str, Any]]:
        if arn not in accepted:
            try:
                delete(**{parameter: arn})
            except ClientError as error:
                code = error_code(error)
                if code == NOT_FOUND:
                    return True, "DELETED", {}
                if code != IN_USE:
                    raise
                status = status_of(arn)
                if status is None:
                    return True, "DELETED", {}
                existed.add(arn)
                if not status.startswith("DELETE"):
                    refused[arn] = str(error.response.get("Error", {}).get("Message", code))
                    return False, f"waiting to delete ({status})", {}
            existed.add(arn)
            accepted.add(arn)
            refused.pop(arn, None)
        status = status_of(arn)
        if status is None:
            return True, "DELETED", {}
        if status == "DELETE FAILED":
            raise ResourceFailed(arn, status, None, {})
        return False, status, {}

    label = kind.replace("_", " ") + "s"
    try:
        until_done(
            {arn: arn for arn in targets},
            check,
            timeout=timeout,
            poll=poll,
            progress=progress,
            name=f"deleting {label}",
            sleep=sleep,
            clock=clock,
        )
    except TimeoutError as error:
        reasons = "; ".join(f"{arn}: {message}" for arn, message in refused.items())
        raise TimeoutError(f"{error}. {reasons}" if reasons else str(error)) from None
    return len(existed)


def stop_training(client: Any, solution_arns: Sequence[str]) -> list[str]:
    """Stop every solution version of these solutions that is still training.

    A version stops at ``CREATE STOPPED`` after a short ``CREATE STOPPING``; until then its
    solution cannot be deleted (:func:`delete_all` keeps trying). Returns the stopped ARNs.
    """
    stopped = []
    for solution_arn in solution_arns:
        versions = list_all(
            client, "list_solution_versions", "solutionVersions", solutionArn=solution_arn
        )
        for version in versions:
            if version.get("status") not in TRAINING:
                continue
            try:
                client.stop_solution_version_creation(
                    solutionVersionArn=version["solutionVersionArn"]
                )
            except ClientError as error:
                # It finished (or vanished) between the list and the stop: nothing to stop.
                if error_code(error) not in (IN_USE, NOT_FOUND):
                    raise
                continue
            stopped.append(version["solutionVersionArn"])
    return stopped
