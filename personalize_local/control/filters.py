"""Filters: Create (expression parsed and checked against the schemas), Describe, List, Delete."""

from __future__ import annotations

from ..context import Context
from ..filters import grammar
from ..serving.datasets import datasets_of, schema_of
from ..serving.payloads import FilterPayload
from . import dataset_groups
from .common import check_quota, live, register, require_status, summaries

KIND = "filter"
#: Filters per dataset group and distinct dataset fields across them: the live quotas page
#: (30 and 20; the 2023 guide said 10 and 10).
MAX_FILTERS = 30
MAX_FIELDS_PER_GROUP = 20


def create_filter(
    ctx: Context,
    name: str,
    dataset_group_arn: str,
    filter_expression: str,
    tags: list | None = None,
) -> dict:
    dataset_groups.active_group(ctx, dataset_group_arn)
    parsed = grammar.parse(filter_expression)
    schemas = {kind: schema_of(ctx, d) for kind, d in datasets_of(ctx, dataset_group_arn).items()}
    grammar.validate(parsed, schemas)
    group_filters = live(ctx.state.of_kind(KIND, parent=dataset_group_arn), ctx.now)
    check_quota(
        len(group_filters),
        MAX_FILTERS,
        f"Cannot create a filter. More than {MAX_FILTERS} filters exist in the dataset group "
        f"{dataset_group_arn}. Please delete some and try again.",
    )
    own_fields = set(grammar.fields(parsed))
    fields = set(own_fields)
    for other in group_filters:
        fields |= FilterPayload.of(other).fields
    check_quota(
        len(fields),
        MAX_FIELDS_PER_GROUP,
        f"Cannot create a filter. The filters of dataset group {dataset_group_arn} would use "
        f"more than {MAX_FIELDS_PER_GROUP} distinct dataset fields.",
        adding=0,
    )
    arn = ctx.arn(KIND, name)
    attrs = {
        "name": name,
        "filterArn": arn,
        "datasetGroupArn": dataset_group_arn,
        "filterExpression": filter_expression,
    }
    data = FilterPayload(parsed, own_fields)
    register(ctx, KIND, arn, attrs, ctx.creating(), dataset_group_arn, tags, data)
    return {"filterArn": arn}


def describe_filter(ctx: Context, filter_arn: str) -> dict:
    return {"filter": ctx.state.get(KIND, filter_arn).describe(ctx.now)}


def list_filters(
    ctx: Context,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    rows, token = summaries(
        ctx,
        ctx.state.of_kind(KIND, parent=dataset_group_arn),
        "FilterSummary",
        max_results,
        next_token,
        {"datasetGroupArn": dataset_group_arn},
    )
    # The model spells this member with a capital F.
    return {"Filters": rows, "nextToken": token}


def delete_filter(ctx: Context, filter_arn: str) -> None:
    resource = ctx.state.get(KIND, filter_arn)
    require_status(resource, ("ACTIVE", "CREATE FAILED"), "filter", ctx.now)
    ctx.delete(resource.timeline, "DELETE PENDING")
