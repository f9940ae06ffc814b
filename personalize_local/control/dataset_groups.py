"""Dataset groups: Create, Describe, List and Delete."""

from __future__ import annotations

from ..context import Context
from ..errors import InvalidInputException
from ..serving.payloads import DatasetGroupPayload
from .common import check_quota, live, register, require_status, require_unused, summaries

KIND = "dataset-group"
#: Active dataset groups per region (adjustable on the service).
MAX_DATASET_GROUPS = 5

#: What a dataset group holds; each must be deleted before the group.
DEPENDANTS = (
    ("dataset", "dataset"),
    ("solution", "solution"),
    ("event-tracker", "event tracker"),
    ("filter", "filter"),
    ("recommender", "recommender"),
    ("metric-attribution", "metric attribution"),
)


def create_dataset_group(
    ctx: Context,
    name: str,
    role_arn: str | None = None,
    kms_key_arn: str | None = None,
    domain: str | None = None,
    tags: list | None = None,
) -> dict:
    if kms_key_arn and not role_arn:
        raise InvalidInputException(
            "A roleArn with permission to use the KMS key is required when kmsKeyArn is given."
        )
    check_quota(
        len(live(ctx.state.of_kind(KIND), ctx.now)),
        MAX_DATASET_GROUPS,
        f"Cannot create a dataset group. More than {MAX_DATASET_GROUPS} resources in ACTIVE "
        "state. Please delete some and try again.",
    )
    arn = ctx.arn(KIND, name)
    attrs = {
        "name": name,
        "datasetGroupArn": arn,
        "roleArn": role_arn,
        "kmsKeyArn": kms_key_arn,
        "domain": domain,
    }
    register(ctx, KIND, arn, attrs, ctx.creating(), tags=tags, data=DatasetGroupPayload())
    return {"datasetGroupArn": arn, "domain": domain}


def describe_dataset_group(ctx: Context, dataset_group_arn: str) -> dict:
    return {"datasetGroup": ctx.state.get(KIND, dataset_group_arn).describe(ctx.now)}


def list_dataset_groups(
    ctx: Context, next_token: str | None = None, max_results: int | None = None
) -> dict:
    rows, token = summaries(
        ctx, ctx.state.of_kind(KIND), "DatasetGroupSummary", max_results, next_token, {}
    )
    return {"datasetGroups": rows, "nextToken": token}


def delete_dataset_group(ctx: Context, dataset_group_arn: str) -> None:
    group = ctx.state.get(KIND, dataset_group_arn)
    require_status(group, ("ACTIVE", "CREATE FAILED"), "dataset group", ctx.now)
    for kind, noun in DEPENDANTS:
        require_unused(ctx.state.of_kind(kind, parent=dataset_group_arn), noun, dataset_group_arn)
    ctx.delete(group.timeline, "DELETE PENDING")


def active_group(ctx: Context, dataset_group_arn: str):
    """The dataset group, which must be ACTIVE before anything is added to it."""
    group = ctx.state.get(KIND, dataset_group_arn)
    require_status(group, ("ACTIVE",), "dataset group", ctx.now)
    return group
