"""Small builders the wire tests share: workshop-shaped schemas and resources."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

INTERACTIONS = {
    "type": "record",
    "name": "Interactions",
    "namespace": "com.amazonaws.personalize.schema",
    "fields": [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "EVENT_TYPE", "type": "string"},
        {"name": "EVENT_VALUE", "type": ["null", "float"]},
        {"name": "TIMESTAMP", "type": "long"},
    ],
    "version": "1.0",
}

ITEMS = {
    "type": "record",
    "name": "Items",
    "namespace": "com.amazonaws.personalize.schema",
    "fields": [
        {"name": "ITEM_ID", "type": "string"},
        {"name": "GENRES", "type": ["null", "string"], "categorical": True},
        {"name": "YEAR", "type": ["null", "int"]},
        {"name": "CREATION_TIMESTAMP", "type": "long"},
    ],
    "version": "1.0",
}

USERS = {
    "type": "record",
    "name": "Users",
    "namespace": "com.amazonaws.personalize.schema",
    "fields": [
        {"name": "USER_ID", "type": "string"},
        {"name": "GENDER", "type": "string", "categorical": True},
    ],
    "version": "1.0",
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
