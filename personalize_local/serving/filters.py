"""The filter a request or a batch job applies, resolved from its ARN."""

from __future__ import annotations

from ..context import Context
from ..errors import InvalidInputException, ResourceNotFoundException
from ..store.state import Resource


def active_filter(ctx: Context, filter_arn: str, group_arn: str, user: str) -> Resource:
    """The ACTIVE filter ``filter_arn`` of the dataset group ``group_arn``.

    ``user`` names what applies it (the campaign, a batch job) in the error message.
    """
    resource = ctx.state.find("filter", filter_arn)
    if resource is None or resource.status(ctx.now) != "ACTIVE":
        raise ResourceNotFoundException(f"The given filter does not exist: {filter_arn}")
    if resource.parent != group_arn:
        raise InvalidInputException(
            f"The filter {filter_arn} belongs to another dataset group than the {user}."
        )
    return resource
