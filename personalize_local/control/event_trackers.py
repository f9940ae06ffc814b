"""Event trackers: Create, Describe, List and Delete. One per dataset group."""

from __future__ import annotations

from ..context import Context
from ..errors import ResourceAlreadyExistsException
from ..serving.trackers import KIND
from . import dataset_groups
from .common import register, require_status, summaries


def create_event_tracker(
    ctx: Context, name: str, dataset_group_arn: str, tags: list | None = None
) -> dict:
    dataset_groups.active_group(ctx, dataset_group_arn)
    existing = ctx.state.of_kind(KIND, parent=dataset_group_arn)
    if existing:
        raise ResourceAlreadyExistsException(
            f"EventTracker {existing[0].arn} already exists for DatasetGroup {dataset_group_arn}"
        )
    if any(t.attrs["name"] == name for t in ctx.state.of_kind(KIND)):
        raise ResourceAlreadyExistsException(f"An event tracker named {name} already exists.")
    # Real tracker ARNs end in a random id, not the name.
    arn = ctx.arn(KIND, ctx.ids.hex8())
    tracking_id = ctx.ids.uuid()
    attrs = {
        "name": name,
        "eventTrackerArn": arn,
        "accountId": ctx.account,
        "trackingId": tracking_id,
        "datasetGroupArn": dataset_group_arn,
    }
    register(ctx, KIND, arn, attrs, ctx.creating(), dataset_group_arn, tags)
    return {"eventTrackerArn": arn, "trackingId": tracking_id}


def describe_event_tracker(ctx: Context, event_tracker_arn: str) -> dict:
    return {"eventTracker": ctx.state.get(KIND, event_tracker_arn).describe(ctx.now)}


def list_event_trackers(
    ctx: Context,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    rows, token = summaries(
        ctx,
        ctx.state.of_kind(KIND, parent=dataset_group_arn),
        "EventTrackerSummary",
        max_results,
        next_token,
        {"datasetGroupArn": dataset_group_arn},
    )
    return {"eventTrackers": rows, "nextToken": token}


def delete_event_tracker(ctx: Context, event_tracker_arn: str) -> None:
    tracker = ctx.state.get(KIND, event_tracker_arn)
    require_status(tracker, ("ACTIVE", "CREATE FAILED"), "event tracker", ctx.now)
    # The events it recorded stay in the Interactions dataset.
    ctx.delete(tracker.timeline, "DELETE PENDING", "DELETE IN_PROGRESS")
