"""Datasets: Create, Describe, List, Update (replace the schema) and Delete."""

from __future__ import annotations

from ..context import Context
from ..data import schemas as avro
from ..errors import InvalidInputException, ResourceInUseException
from ..ids import arn_name
from ..serving.datasets import dataset_type
from ..serving.payloads import DatasetPayload, SchemaPayload
from ..store.state import Update
from . import dataset_groups
from .common import IN_FLIGHT, register, require_status, summaries

KIND = "dataset"


def _schema_for(ctx: Context, schema_arn: str, kind: str, domain: str | None):
    schema = ctx.state.get("schema", schema_arn)
    if (schema.attrs.get("domain") or None) != (domain or None):
        raise InvalidInputException(
            f"The schema {schema_arn} has domain {schema.attrs.get('domain') or 'none'}, but the "
            f"dataset group's domain is {domain or 'none'}. Use a schema of the same domain."
        )
    avro.check_dataset_schema(SchemaPayload.of(schema).parsed, kind, domain)
    return schema


def create_dataset(
    ctx: Context,
    name: str,
    schema_arn: str,
    dataset_group_arn: str,
    dataset_type: str,
    tags: list | None = None,
) -> dict:
    canonical = avro.canonical_dataset_type(dataset_type)
    group = dataset_groups.active_group(ctx, dataset_group_arn)
    _schema_for(ctx, schema_arn, canonical, group.attrs.get("domain"))
    # The ARN names the group and the type, not the dataset: one dataset per type and group.
    arn = ctx.arn(KIND, arn_name(dataset_group_arn), canonical.upper())
    attrs = {
        "name": name,
        "datasetArn": arn,
        "datasetGroupArn": dataset_group_arn,
        "datasetType": dataset_type,
        "schemaArn": schema_arn,
    }
    data = DatasetPayload(canonical)
    register(ctx, KIND, arn, attrs, ctx.creating(), dataset_group_arn, tags, data)
    return {"datasetArn": arn}


def describe_dataset(ctx: Context, dataset_arn: str) -> dict:
    dataset = ctx.state.get(KIND, dataset_arn)
    described = dataset.describe(ctx.now)
    if dataset_type(dataset) == "Interactions":
        trackers = ctx.state.of_kind("event-tracker", parent=dataset.parent)
        if trackers:
            described["trackingId"] = trackers[0].attrs["trackingId"]
    return {"dataset": described}


def list_datasets(
    ctx: Context,
    dataset_group_arn: str | None = None,
    next_token: str | None = None,
    max_results: int | None = None,
) -> dict:
    found = ctx.state.of_kind(KIND, parent=dataset_group_arn)
    rows, token = summaries(
        ctx,
        found,
        "DatasetSummary",
        max_results,
        next_token,
        {"datasetGroupArn": dataset_group_arn},
    )
    return {"datasets": rows, "nextToken": token}


def update_dataset(ctx: Context, dataset_arn: str, schema_arn: str) -> dict:
    dataset = ctx.state.get(KIND, dataset_arn)
    require_status(dataset, ("ACTIVE",), "dataset", ctx.now)
    group = ctx.state.get(dataset_groups.KIND, dataset.owner)
    _schema_for(ctx, schema_arn, dataset_type(dataset), group.attrs.get("domain"))
    dataset.attrs["schemaArn"] = schema_arn
    update = Update({"schemaArn": schema_arn}, ctx.now, ctx.creating())
    dataset.attrs["latestDatasetUpdate"] = update
    return {"datasetArn": dataset_arn}


def delete_dataset(ctx: Context, dataset_arn: str) -> None:
    dataset = ctx.state.get(KIND, dataset_arn)
    require_status(dataset, ("ACTIVE", "CREATE FAILED"), "dataset", ctx.now)
    busy = [
        job
        for job in ctx.state.of_kind("dataset-import-job", parent=dataset_arn)
        if job.status(ctx.now) in IN_FLIGHT
    ]
    busy += [
        version
        for version in ctx.state.of_kind("solution-version")
        if version.attrs["datasetGroupArn"] == dataset.parent
        and version.status(ctx.now) in IN_FLIGHT
    ]
    if busy:
        raise ResourceInUseException(
            f"Cannot delete {dataset_arn} while {busy[0].arn} is {busy[0].status(ctx.now)}."
        )
    ctx.delete(dataset.timeline, "DELETE PENDING", "DELETE IN_PROGRESS")
