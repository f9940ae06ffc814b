"""Small builders the wire tests share: workshop-shaped schemas and resources."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from personalize_local.testing import schemas
from personalize_local.testing.schemas import INTERACTIONS, field, record

#: The workshop's Items schema plus a creation time (exploration and Trending-Now use it).
ITEMS = record("Items", [*schemas.ITEMS["fields"], field("CREATION_TIMESTAMP", "long")])

USERS = record("Users", [field("USER_ID", "string"), field("GENDER", "string", categorical=True)])

#: GetSolutionMetrics' names for recipes that answer an item list, as the guide lists them
#: (https://docs.aws.amazon.com/personalize/latest/dg/working-with-training-metrics.html).
METRIC_KEYS = {
    "coverage",
    "mean_reciprocal_rank_at_25",
    "normalized_discounted_cumulative_gain_at_5",
    "normalized_discounted_cumulative_gain_at_10",
    "normalized_discounted_cumulative_gain_at_25",
    "precision_at_5",
    "precision_at_10",
    "precision_at_25",
}

UP_RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"


def error_code(info: pytest.ExceptionInfo[ClientError]) -> str:
    return info.value.response["Error"]["Code"]


def error_message(info: pytest.ExceptionInfo[ClientError]) -> str:
    return info.value.response["Error"]["Message"]


def schema(aws: SimpleNamespace, name: str, body: dict, domain: str | None = None) -> str:
    extra = {"domain": domain} if domain else {}
    return aws.personalize.create_schema(name=name, schema=json.dumps(body), **extra)["schemaArn"]


def dataset_group(aws: SimpleNamespace, name: str = "movies", **kwargs) -> str:
    return aws.personalize.create_dataset_group(name=name, **kwargs)["datasetGroupArn"]


def dataset(aws: SimpleNamespace, group_arn: str, kind: str = "Interactions") -> str:
    body = {"Interactions": INTERACTIONS, "Items": ITEMS, "Users": USERS}[kind]
    schema_arn = schema(aws, f"{kind.lower()}-schema", body)
    return aws.personalize.create_dataset(
        name=f"{kind.lower()}-dataset",
        schemaArn=schema_arn,
        datasetGroupArn=group_arn,
        datasetType=kind,
    )["datasetArn"]


def wait_until(describe, key: str, status: str = "ACTIVE", timeout: float = 10.0) -> list[str]:
    """Poll ``describe()[key]['status']`` until ``status``; return the statuses seen."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = describe()[key]["status"]
        if not seen or seen[-1] != current:
            seen.append(current)
        if current == status:
            return seen
        time.sleep(0.01)
    raise AssertionError(f"never reached {status}: {seen}")


def wait_gone(describe, timeout: float = 10.0) -> None:
    """Poll ``describe()`` until it raises ResourceNotFoundException."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            describe()
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ResourceNotFoundException"
            return
        time.sleep(0.01)
    raise AssertionError("resource never went away")


def settle(describe, key: str, timeout: float = 60.0) -> dict:
    """Poll ``describe()[key]`` until its status is no longer pending or in progress."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = describe()[key]
        if current["status"] not in (
            "CREATE PENDING",
            "CREATE IN_PROGRESS",
            "CREATE STOPPING",
            "PENDING",
            "IN_PROGRESS",
        ):
            return current
        time.sleep(0.02)
    raise AssertionError(f"{key} never settled")
