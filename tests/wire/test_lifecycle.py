"""Statuses a polling client observes, and the rules that depend on them."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .builders import INTERACTIONS, dataset_group, error_code, schema, wait_gone, wait_until

STEP = 0.2


@pytest.fixture
def slow(server, aws):
    """Transitions long enough for a poller to see every status."""
    settings = server.emulator.settings
    before, settings.transition_seconds = settings.transition_seconds, STEP
    yield aws
    settings.transition_seconds = before


def test_create_walks_pending_in_progress_active(slow):
    group = dataset_group(slow)
    seen = wait_until(
        lambda: slow.personalize.describe_dataset_group(datasetGroupArn=group), "datasetGroup"
    )
    assert seen == ["CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"]


def test_last_updated_follows_the_status(slow):
    group = dataset_group(slow)
    first = slow.personalize.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]
    wait_until(
        lambda: slow.personalize.describe_dataset_group(datasetGroupArn=group), "datasetGroup"
    )
    later = slow.personalize.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]
    assert later["creationDateTime"] == first["creationDateTime"]
    assert later["lastUpdatedDateTime"] > first["lastUpdatedDateTime"]


def test_dataset_needs_an_active_group(slow):
    group = dataset_group(slow)
    schema_arn = schema(slow, "i", INTERACTIONS)
    with pytest.raises(ClientError) as info:
        slow.personalize.create_dataset(
            name="d", schemaArn=schema_arn, datasetGroupArn=group, datasetType="Interactions"
        )
    assert error_code(info) == "ResourceInUseException"


def test_delete_walks_delete_pending_then_gone(slow):
    group = dataset_group(slow)
    describe = lambda: slow.personalize.describe_dataset_group(datasetGroupArn=group)  # noqa: E731
    wait_until(describe, "datasetGroup")
    slow.personalize.delete_dataset_group(datasetGroupArn=group)
    assert describe()["datasetGroup"]["status"] == "DELETE PENDING"
    listed = slow.personalize.list_dataset_groups()["datasetGroups"]
    assert [g["status"] for g in listed] == ["DELETE PENDING"]
    wait_gone(describe)
    assert slow.personalize.list_dataset_groups()["datasetGroups"] == []


def test_dataset_delete_walks_delete_in_progress(slow):
    group = dataset_group(slow)
    wait_until(
        lambda: slow.personalize.describe_dataset_group(datasetGroupArn=group), "datasetGroup"
    )
    schema_arn = schema(slow, "i", INTERACTIONS)
    arn = slow.personalize.create_dataset(
        name="d", schemaArn=schema_arn, datasetGroupArn=group, datasetType="Interactions"
    )["datasetArn"]
    describe = lambda: slow.personalize.describe_dataset(datasetArn=arn)  # noqa: E731
    wait_until(describe, "dataset")
    slow.personalize.delete_dataset(datasetArn=arn)
    seen = wait_until(describe, "dataset", status="DELETE IN_PROGRESS")
    assert seen == ["DELETE PENDING", "DELETE IN_PROGRESS"]
    wait_gone(describe)


def test_a_resource_being_created_cannot_be_deleted(slow):
    group = dataset_group(slow)
    with pytest.raises(ClientError) as info:
        slow.personalize.delete_dataset_group(datasetGroupArn=group)
    assert error_code(info) == "ResourceInUseException"
