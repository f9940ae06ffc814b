"""Schemas and dataset groups through boto3: ARNs, names, rules, dependencies, quotas."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .builders import INTERACTIONS, ITEMS, dataset, dataset_group, error_code, error_message, schema


def test_schema_round_trip(aws):
    arn = schema(aws, "interactions", INTERACTIONS)
    assert arn == "arn:aws:personalize:us-east-1:123456789012:schema/interactions"
    described = aws.personalize.describe_schema(schemaArn=arn)["schema"]
    assert described["name"] == "interactions"
    assert json.loads(described["schema"]) == INTERACTIONS
    assert "domain" not in described
    assert described["creationDateTime"] == described["lastUpdatedDateTime"]
    listed = aws.personalize.list_schemas()["schemas"]
    assert [s["schemaArn"] for s in listed] == [arn]


def test_schema_names_are_unique(aws):
    schema(aws, "dup", INTERACTIONS)
    with pytest.raises(ClientError) as info:
        schema(aws, "dup", ITEMS)
    assert error_code(info) == "ResourceAlreadyExistsException"
    assert "schema/dup already exists" in error_message(info)


@pytest.mark.parametrize(
    "body",
    ["not json", json.dumps({"type": "array", "items": "string"}), json.dumps({"type": "record"})],
)
def test_bad_avro_is_invalid_input(aws, body):
    with pytest.raises(ClientError) as info:
        aws.personalize.create_schema(name="bad", schema=body)
    assert error_code(info) == "InvalidInputException"


def test_schema_in_use_cannot_be_deleted(aws):
    group = dataset_group(aws)
    dataset(aws, group, "Interactions")
    arn = "arn:aws:personalize:us-east-1:123456789012:schema/interactions-schema"
    with pytest.raises(ClientError) as info:
        aws.personalize.delete_schema(schemaArn=arn)
    assert error_code(info) == "ResourceInUseException"
    assert "dataset" in error_message(info)


def test_delete_schema(aws):
    arn = schema(aws, "short-lived", INTERACTIONS)
    aws.personalize.delete_schema(schemaArn=arn)
    with pytest.raises(ClientError) as info:
        aws.personalize.describe_schema(schemaArn=arn)
    assert error_code(info) == "ResourceNotFoundException"


def test_dataset_group_round_trip(aws):
    role = "arn:aws:iam::123456789012:role/kms-access"
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    created = aws.personalize.create_dataset_group(
        name="vod", domain="VIDEO_ON_DEMAND", roleArn=role, kmsKeyArn=key
    )
    assert created["domain"] == "VIDEO_ON_DEMAND"
    group = aws.personalize.describe_dataset_group(datasetGroupArn=created["datasetGroupArn"])
    described = group["datasetGroup"]
    assert described["status"] == "ACTIVE"
    assert described["roleArn"] == role
    assert described["kmsKeyArn"] == key
    summary = aws.personalize.list_dataset_groups()["datasetGroups"][0]
    assert set(summary) == {
        "name",
        "datasetGroupArn",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "domain",
    }


def test_kms_key_needs_a_role(aws):
    key = "arn:aws:kms:us-east-1:123456789012:key/abc"
    with pytest.raises(ClientError) as info:
        aws.personalize.create_dataset_group(name="g", kmsKeyArn=key)
    assert error_code(info) == "InvalidInputException"


def test_dataset_group_quota(aws):
    for index in range(5):
        dataset_group(aws, f"g{index}")
    with pytest.raises(ClientError) as info:
        dataset_group(aws, "g5")
    assert error_code(info) == "LimitExceededException"


def test_missing_dataset_group(aws):
    arn = "arn:aws:personalize:us-east-1:123456789012:dataset-group/nope"
    for call in (
        aws.personalize.describe_dataset_group,
        aws.personalize.delete_dataset_group,
    ):
        with pytest.raises(ClientError) as info:
            call(datasetGroupArn=arn)
        assert error_code(info) == "ResourceNotFoundException"
        assert arn in error_message(info)


@pytest.mark.parametrize("kind", ["dataset", "solution", "event-tracker", "filter"])
def test_group_that_holds_resources_cannot_be_deleted(aws, kind):
    group = dataset_group(aws)
    dataset(aws, group, "Interactions")
    if kind == "solution":
        aws.personalize.create_solution(
            name="s",
            datasetGroupArn=group,
            recipeArn="arn:aws:personalize:::recipe/aws-sims",
        )
    elif kind == "event-tracker":
        aws.personalize.create_event_tracker(name="t", datasetGroupArn=group)
    elif kind == "filter":
        aws.personalize.create_filter(
            name="f",
            datasetGroupArn=group,
            filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("watch")',
        )
    if kind != "dataset":
        ds = "arn:aws:personalize:us-east-1:123456789012:dataset/movies/INTERACTIONS"
        aws.personalize.delete_dataset(datasetArn=ds)
    with pytest.raises(ClientError) as info:
        aws.personalize.delete_dataset_group(datasetGroupArn=group)
    assert error_code(info) == "ResourceInUseException"
