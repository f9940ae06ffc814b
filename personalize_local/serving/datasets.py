"""A dataset group's datasets and the rows each holds."""

from __future__ import annotations

from ..context import Context
from ..data.contents import Contents
from ..store.state import Resource

KIND = "dataset"


def contents(dataset: Resource) -> Contents:
    """The dataset's rows (made empty on first use)."""
    if "contents" not in dataset.data:
        dataset.data["contents"] = Contents(dataset.data["type"])
    return dataset.data["contents"]


def datasets_of(ctx: Context, dataset_group_arn: str) -> dict[str, Resource]:
    """The live datasets of a group by canonical type."""
    return {d.data["type"]: d for d in ctx.state.of_kind(KIND, parent=dataset_group_arn)}
