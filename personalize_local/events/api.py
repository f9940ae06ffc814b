"""PutEvents, PutItems, PutUsers, PutActions, PutActionInteractions.

Recorded rows join the dataset's individually-imported data (kept through FULL imports) and,
for events, the user's live history at once, so the next request reflects them.
"""

from __future__ import annotations

import sys
from typing import Any

from ..context import Context
from ..errors import InvalidInputException, ResourceInUseException, ResourceNotFoundException
from ..serving.datasets import contents, dataset_type, datasets_of, schema_of
from ..serving.deployment import histories
from ..serving.payloads import DatasetPayload
from ..serving.trackers import tracker_by_tracking_id
from ..store.state import Resource
from .records import properties, to_row

#: Event columns whose values repeat across events (interned to keep stored events small).
_SHARED_COLUMNS = ("USER_ID", "ITEM_ID", "EVENT_TYPE")


def _not_found(message: str) -> ResourceNotFoundException:
    error = ResourceNotFoundException(message)
    error.status = 404  # the data plane's status for missing resources
    return error


def _dataset(ctx: Context, dataset_arn: str, kind: str) -> Resource:
    dataset = ctx.state.find("dataset", dataset_arn)
    if dataset is None:
        raise _not_found(f"The given dataset does not exist: {dataset_arn}")
    if dataset_type(dataset) != kind:
        raise InvalidInputException(f"The dataset {dataset_arn} is not a {kind} dataset.")
    if dataset.status(ctx.now) != "ACTIVE":
        raise ResourceInUseException(f"The dataset {dataset_arn} is not ACTIVE.")
    return dataset


def put_events(
    ctx: Context,
    tracking_id: str,
    session_id: str,
    event_list: list[dict[str, Any]],
    user_id: str | None = None,
) -> None:
    tracker = tracker_by_tracking_id(ctx, tracking_id)
    if tracker is None or tracker.status(ctx.now) != "ACTIVE":
        raise _not_found(f"The given tracking ID does not exist or is not ACTIVE: {tracking_id}")
    group_arn = tracker.owner
    dataset = datasets_of(ctx, group_arn).get("Interactions")
    if dataset is None:
        raise InvalidInputException(
            f"The dataset group {group_arn} has no Interactions dataset to record events into."
        )
    schema = schema_of(ctx, dataset)
    # Anonymous events are kept under the session id, which also answers GetRecommendations.
    who = user_id or session_id
    rows = []
    event_ids: list[str | None] = []
    for index, event in enumerate(event_list, start=1):
        what = f"eventList.{index}"
        event_ids.append(event.get("eventId"))
        props = properties(event.get("properties"), what)
        fixed = {
            "USER_ID": who,
            "ITEM_ID": event.get("itemId"),
            "EVENT_TYPE": event["eventType"],
            "EVENT_VALUE": event.get("eventValue"),
            "TIMESTAMP": int(event["sentAt"]),
            "IMPRESSION": "|".join(event["impression"]) if event.get("impression") else None,
            "RECOMMENDATION_ID": event.get("recommendationId"),
            "EVENT_ATTRIBUTION_SOURCE": (event.get("metricAttribution") or {}).get(
                "eventAttributionSource"
            ),
        }
        row = to_row(schema, fixed, props, what)
        # Ids and event types recur event after event: stored rows share one copy of each.
        for column in _SHARED_COLUMNS:
            if isinstance(row.get(column), str):
                row[column] = sys.intern(row[column])
        rows.append(row)
    stored = contents(dataset)
    seen = DatasetPayload.of(dataset).event_ids
    live = histories(ctx, group_arn)
    fresh = []
    for event_id, row in zip(event_ids, rows, strict=True):
        # The service tells events apart by eventId only (it makes one up when absent, so
        # identical events without one all count); a repeated eventId is not used again.
        if event_id is not None:
            if event_id in seen:
                continue
            seen.add(event_id)
        fresh.append(row)
        live.record(
            str(row["USER_ID"]),
            str(row["ITEM_ID"]),
            int(row["TIMESTAMP"]),
            str(row.get("EVENT_TYPE") or ""),
            float("nan") if row.get("EVENT_VALUE") is None else float(row["EVENT_VALUE"]),
        )
    stored.record(fresh)


def _put_records(
    ctx: Context,
    dataset_arn: str,
    kind: str,
    id_field: str,
    records: list[dict[str, Any]],
    id_member: str,
) -> None:
    dataset = _dataset(ctx, dataset_arn, kind)
    schema = schema_of(ctx, dataset)
    rows = [
        to_row(
            schema,
            {id_field: record[id_member]},
            properties(record.get("properties"), f"{id_member} {record[id_member]}"),
            f"{id_member} {record[id_member]}",
        )
        for record in records
    ]
    contents(dataset).record(rows)


def put_items(ctx: Context, dataset_arn: str, items: list[dict[str, Any]]) -> None:
    _put_records(ctx, dataset_arn, "Items", "ITEM_ID", items, "itemId")


def put_users(ctx: Context, dataset_arn: str, users: list[dict[str, Any]]) -> None:
    _put_records(ctx, dataset_arn, "Users", "USER_ID", users, "userId")


def put_actions(ctx: Context, dataset_arn: str, actions: list[dict[str, Any]]) -> None:
    _put_records(ctx, dataset_arn, "Actions", "ACTION_ID", actions, "actionId")


def put_action_interactions(
    ctx: Context, tracking_id: str, action_interactions: list[dict[str, Any]]
) -> None:
    tracker = tracker_by_tracking_id(ctx, tracking_id)
    if tracker is None or tracker.status(ctx.now) != "ACTIVE":
        raise _not_found(f"The given tracking ID does not exist or is not ACTIVE: {tracking_id}")
    dataset = datasets_of(ctx, tracker.owner).get("Action_Interactions")
    if dataset is None:
        raise InvalidInputException(
            f"The dataset group {tracker.parent} has no Action_Interactions dataset."
        )
    schema = schema_of(ctx, dataset)
    rows = []
    for index, record in enumerate(action_interactions, start=1):
        what = f"actionInteractions.{index}"
        fixed = {
            "USER_ID": record.get("userId") or record["sessionId"],
            "ACTION_ID": record["actionId"],
            "EVENT_TYPE": record["eventType"],
            "TIMESTAMP": int(record["timestamp"]),
            "IMPRESSION": "|".join(record["impression"]) if record.get("impression") else None,
            "RECOMMENDATION_ID": record.get("recommendationId"),
        }
        rows.append(to_row(schema, fixed, properties(record.get("properties"), what), what))
    contents(dataset).record(rows)
    live = histories(ctx, tracker.owner, "Action_Interactions")
    for row in rows:
        live.record(
            str(row["USER_ID"]),
            str(row["ACTION_ID"]),
            int(row["TIMESTAMP"]),
            str(row.get("EVENT_TYPE") or ""),
            float("nan"),
        )
