"""Pieces every provider shares: creating, listing and guarding resources."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from botocore.model import StructureShape

from ..context import Context
from ..errors import InvalidInputException, LimitExceededException, ResourceInUseException
from ..protocol.spec import service_model
from ..store.lifecycle import Lifecycle
from ..store.pagination import paginate
from ..store.state import Payload, Resource
from ..store.tags import merge, tags_from_wire

#: Statuses in which a resource is being created or is usable (not failed, not deleting).
LIVE = ("CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE")
IN_FLIGHT = ("CREATE PENDING", "CREATE IN_PROGRESS")


def register(
    ctx: Context,
    kind: str,
    arn: str,
    attrs: dict[str, Any],
    lifecycle: Lifecycle | None = None,
    parent: str | None = None,
    tags: Iterable[Mapping[str, str]] | None = None,
    data: Payload | None = None,
) -> Resource:
    """Add a new resource to the region (``ResourceAlreadyExistsException`` if the ARN is taken),
    holding ``data`` (its kind's payload; none by default)."""
    resource = Resource(
        kind=kind,
        arn=arn,
        attrs=attrs,
        created=ctx.now,
        lifecycle=lifecycle,
        parent=parent,
        tags=merge({}, tags_from_wire(tags)),
        data=data or Payload(),
    )
    return ctx.state.add(resource)


def summaries(
    ctx: Context,
    resources: Sequence[Resource],
    shape_name: str,
    max_results: int | None,
    next_token: str | None,
    request: Mapping[str, Any],
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of resources, each projected onto its List summary shape."""
    page, token = paginate(resources, max_results, next_token, request)
    shape = service_model("personalize").shape_for(shape_name)
    assert isinstance(shape, StructureShape), shape_name  # every List summary is a structure
    members = shape.members
    rows = []
    for resource in page:
        described = resource.describe(ctx.now)
        rows.append({key: value for key, value in described.items() if key in members})
    return rows, token


def require_status(resource: Resource, allowed: Sequence[str], noun: str, now: float) -> None:
    """``ResourceInUseException`` unless the resource is in one of ``allowed`` statuses."""
    status = resource.status(now)
    if status not in allowed:
        wanted = " or ".join(allowed)
        raise ResourceInUseException(
            f"The {noun} {resource.arn} must be {wanted}, but it is {status}."
        )


def require_unused(dependants: Sequence[Resource], what: str, arn: str) -> None:
    """``ResourceInUseException`` naming the first resource that still depends on ``arn``."""
    if dependants:
        raise ResourceInUseException(
            f"Cannot delete {arn}: {what} {dependants[0].arn} still depends on it. "
            f"Delete the {what}s first."
        )


def check_quota(count: int, limit: int, message: str, *, adding: int = 1) -> None:
    """``LimitExceededException`` when ``adding`` more to the ``count`` there are exceeds ``limit``.

    ``adding=0`` when ``count`` already includes what the request adds.
    """
    if count + adding > limit:
        raise LimitExceededException(message)


def live(resources: Iterable[Resource], now: float) -> list[Resource]:
    """Resources that are being created or are ACTIVE (not failed or being deleted)."""
    return [r for r in resources if r.status(now) in LIVE]


def data_location(data_source: Mapping[str, Any]) -> str:
    """``dataSource.dataLocation``: optional in the model, but a job has nothing to read without."""
    location = data_source.get("dataLocation")
    if not location:
        raise InvalidInputException("dataSource.dataLocation is required: the S3 path to read.")
    return location
