"""A dataset group's datasets, the rows each holds and the schema each was created with."""

from __future__ import annotations

from ..context import Context
from ..data.contents import Contents
from ..data.schemas import DatasetSchema
from ..store.state import Resource
from .payloads import DatasetPayload, SchemaPayload

KIND = "dataset"


def contents(dataset: Resource) -> Contents:
    """The dataset's rows."""
    return DatasetPayload.of(dataset).contents


def dataset_type(dataset: Resource) -> str:
    """The dataset's canonical type (Interactions, Items, Users, Actions, Action_Interactions)."""
    return DatasetPayload.of(dataset).type


def schema_of(ctx: Context, dataset: Resource) -> DatasetSchema:
    """The parsed schema the dataset was created (or last updated) with."""
    return SchemaPayload.of(ctx.state.get("schema", dataset.attrs["schemaArn"])).parsed


def datasets_of(ctx: Context, dataset_group_arn: str) -> dict[str, Resource]:
    """The live datasets of a group by canonical type."""
    return {dataset_type(d): d for d in ctx.state.of_kind(KIND, parent=dataset_group_arn)}
