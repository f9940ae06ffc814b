"""Tags: TagResource, UntagResource, ListTagsForResource (create-time tags are in ``register``)."""

from __future__ import annotations

from ..context import Context
from ..errors import ResourceNotFoundException
from ..store import tags as _tags
from ..store.lifecycle import GONE
from ..store.state import Resource


def _resource(ctx: Context, resource_arn: str) -> Resource:
    resource = ctx.state.resources.get(resource_arn)
    if resource is None or resource.status(ctx.now) == GONE:
        raise ResourceNotFoundException(f"The given resource does not exist: {resource_arn}")
    return resource


def tag_resource(ctx: Context, resource_arn: str, tags: list) -> None:
    resource = _resource(ctx, resource_arn)
    resource.tags = _tags.merge(resource.tags, _tags.tags_from_wire(tags))


def untag_resource(ctx: Context, resource_arn: str, tag_keys: list) -> None:
    resource = _resource(ctx, resource_arn)
    resource.tags = _tags.remove(resource.tags, tag_keys)


def list_tags_for_resource(ctx: Context, resource_arn: str) -> dict:
    return {"tags": _tags.tags_to_wire(_resource(ctx, resource_arn).tags)}
