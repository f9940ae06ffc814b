"""Datasets, solutions and event trackers through boto3."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .builders import (
    INTERACTIONS,
    ITEMS,
    UP_RECIPE,
    dataset,
    dataset_group,
    error_code,
    error_message,
    schema,
)
from .training import imported_group


def test_dataset_arn_names_group_and_type(aws):
    group = dataset_group(aws)
    arn = dataset(aws, group, "Interactions")
    assert arn == "arn:aws:personalize:us-east-1:123456789012:dataset/movies/INTERACTIONS"
    described = aws.personalize.describe_dataset(datasetArn=arn)["dataset"]
    assert described["datasetType"] == "Interactions"
    assert described["datasetGroupArn"] == group
    assert described["status"] == "ACTIVE"
    assert "trackingId" not in described
    summary = aws.personalize.list_datasets(datasetGroupArn=group)["datasets"][0]
    assert summary["datasetArn"] == arn


def test_dataset_type_is_case_insensitive_and_one_per_group(aws):
    group = dataset_group(aws)
    schema_arn = schema(aws, "i", INTERACTIONS)
    aws.personalize.create_dataset(
        name="a", schemaArn=schema_arn, datasetGroupArn=group, datasetType="INTERACTIONS"
    )
    with pytest.raises(ClientError) as info:
        aws.personalize.create_dataset(
            name="b", schemaArn=schema_arn, datasetGroupArn=group, datasetType="interactions"
        )
    assert error_code(info) == "ResourceAlreadyExistsException"


def test_dataset_schema_must_fit_its_type(aws):
    group = dataset_group(aws)
    items_schema = schema(aws, "items", ITEMS)
    with pytest.raises(ClientError) as info:
        aws.personalize.create_dataset(
            name="d", schemaArn=items_schema, datasetGroupArn=group, datasetType="Interactions"
        )
    assert error_code(info) == "InvalidInputException"
    with pytest.raises(ClientError) as info:
        aws.personalize.create_dataset(
            name="d", schemaArn=items_schema, datasetGroupArn=group, datasetType="Clicks"
        )
    assert error_code(info) == "InvalidInputException"


def test_domain_group_needs_a_domain_schema(aws):
    group = dataset_group(aws, "vod", domain="VIDEO_ON_DEMAND")
    custom = schema(aws, "custom", INTERACTIONS)
    with pytest.raises(ClientError) as info:
        aws.personalize.create_dataset(
            name="d", schemaArn=custom, datasetGroupArn=group, datasetType="Interactions"
        )
    assert error_code(info) == "InvalidInputException"
    vod = schema(aws, "vod-interactions", INTERACTIONS, domain="VIDEO_ON_DEMAND")
    aws.personalize.create_dataset(
        name="d", schemaArn=vod, datasetGroupArn=group, datasetType="Interactions"
    )


def test_missing_references(aws):
    group = dataset_group(aws)
    with pytest.raises(ClientError) as info:
        aws.personalize.create_dataset(
            name="d",
            schemaArn="arn:aws:personalize:us-east-1:123456789012:schema/none",
            datasetGroupArn=group,
            datasetType="Interactions",
        )
    assert error_code(info) == "ResourceNotFoundException"


def test_update_dataset_replaces_its_schema(aws):
    group = dataset_group(aws)
    arn = dataset(aws, group, "Interactions")
    wider = dict(
        INTERACTIONS,
        fields=[
            *INTERACTIONS["fields"],
            {"name": "DEVICE", "type": ["null", "string"], "categorical": True},
        ],
    )
    new_schema = schema(aws, "wider", wider)
    assert aws.personalize.update_dataset(datasetArn=arn, schemaArn=new_schema)["datasetArn"] == arn
    described = aws.personalize.describe_dataset(datasetArn=arn)["dataset"]
    assert described["schemaArn"] == new_schema
    assert described["latestDatasetUpdate"]["schemaArn"] == new_schema
    assert described["latestDatasetUpdate"]["status"] == "ACTIVE"


def test_solution_round_trip(aws):
    group = dataset_group(aws)
    config = {
        "algorithmHyperParameters": {"hidden_dimension": "64"},
        "featureTransformationParameters": {"max_user_history_length_percentile": "0.99"},
    }
    arn = aws.personalize.create_solution(
        name="up", datasetGroupArn=group, recipeArn=UP_RECIPE, solutionConfig=config
    )["solutionArn"]
    assert arn == "arn:aws:personalize:us-east-1:123456789012:solution/up"
    described = aws.personalize.describe_solution(solutionArn=arn)["solution"]
    assert described["recipeArn"] == UP_RECIPE
    assert described["performHPO"] is False
    assert described["performAutoTraining"] is True
    assert described["solutionConfig"]["autoTrainingConfig"] == {
        "schedulingExpression": "rate(7 days)"
    }
    assert described["solutionConfig"]["algorithmHyperParameters"] == {"hidden_dimension": "64"}
    summary = aws.personalize.list_solutions(datasetGroupArn=group)["solutions"][0]
    assert summary["recipeArn"] == UP_RECIPE and summary["status"] == "ACTIVE"


def test_update_solution_turns_off_automatic_training(aws):
    group = dataset_group(aws)
    arn = aws.personalize.create_solution(name="up", datasetGroupArn=group, recipeArn=UP_RECIPE)[
        "solutionArn"
    ]
    aws.personalize.update_solution(
        solutionArn=arn,
        performAutoTraining=True,
        solutionUpdateConfig={"autoTrainingConfig": {"schedulingExpression": "rate(3 days)"}},
    )
    described = aws.personalize.describe_solution(solutionArn=arn)["solution"]
    update = described["latestSolutionUpdate"]
    assert update["status"] == "ACTIVE"
    assert update["solutionUpdateConfig"]["autoTrainingConfig"]["schedulingExpression"] == (
        "rate(3 days)"
    )
    aws.personalize.update_solution(solutionArn=arn, performAutoTraining=False)
    assert (
        aws.personalize.describe_solution(solutionArn=arn)["solution"]["performAutoTraining"]
        is False
    )


@pytest.mark.parametrize(
    ("recipe", "code", "text"),
    [
        ("arn:aws:personalize:::recipe/aws-hrnn", "InvalidInputException", "aws-hrnn"),
        ("arn:aws:personalize:::recipe/aws-made-up", "ResourceNotFoundException", "aws-made-up"),
        (
            "arn:aws:personalize:::recipe/aws-vod-top-picks",
            "InvalidInputException",
            "recommender",
        ),
    ],
)
def test_solution_recipe_rules(aws, recipe, code, text):
    group = dataset_group(aws)
    with pytest.raises(ClientError) as info:
        aws.personalize.create_solution(name="s", datasetGroupArn=group, recipeArn=recipe)
    assert error_code(info) == code
    assert text in error_message(info)


def test_solution_schedule_and_incremental_rules(aws):
    group = dataset_group(aws)
    with pytest.raises(ClientError) as info:
        aws.personalize.create_solution(
            name="s",
            datasetGroupArn=group,
            recipeArn=UP_RECIPE,
            solutionConfig={"autoTrainingConfig": {"schedulingExpression": "rate(31 days)"}},
        )
    assert error_code(info) == "InvalidInputException"
    with pytest.raises(ClientError) as info:
        aws.personalize.create_solution(
            name="s", datasetGroupArn=group, recipeArn=UP_RECIPE, performIncrementalUpdate=True
        )
    assert error_code(info) == "InvalidInputException"


def test_solution_quota_per_group(aws):
    group = dataset_group(aws)
    for index in range(10):
        aws.personalize.create_solution(
            name=f"s{index}", datasetGroupArn=group, recipeArn=UP_RECIPE
        )
    with pytest.raises(ClientError) as info:
        aws.personalize.create_solution(name="s10", datasetGroupArn=group, recipeArn=UP_RECIPE)
    assert error_code(info) == "LimitExceededException"


def test_delete_solution(aws):
    group = dataset_group(aws)
    arn = aws.personalize.create_solution(name="s", datasetGroupArn=group, recipeArn=UP_RECIPE)[
        "solutionArn"
    ]
    aws.personalize.delete_solution(solutionArn=arn)
    with pytest.raises(ClientError) as info:
        aws.personalize.describe_solution(solutionArn=arn)
    assert error_code(info) == "ResourceNotFoundException"


def test_event_tracker_round_trip(aws):
    group = dataset_group(aws)
    interactions = dataset(aws, group, "Interactions")
    created = aws.personalize.create_event_tracker(name="clicks", datasetGroupArn=group)
    arn, tracking_id = created["eventTrackerArn"], created["trackingId"]
    assert arn.startswith("arn:aws:personalize:us-east-1:123456789012:event-tracker/")
    assert len(arn.rsplit("/", 1)[1]) == 8
    assert len(tracking_id) == 36 and tracking_id.count("-") == 4
    described = aws.personalize.describe_event_tracker(eventTrackerArn=arn)["eventTracker"]
    assert described["accountId"] == "123456789012"
    assert described["trackingId"] == tracking_id
    dataset_view = aws.personalize.describe_dataset(datasetArn=interactions)["dataset"]
    assert dataset_view["trackingId"] == tracking_id
    listed = aws.personalize.list_event_trackers(datasetGroupArn=group)["eventTrackers"]
    assert [t["eventTrackerArn"] for t in listed] == [arn]


def test_one_event_tracker_per_group(aws):
    group = dataset_group(aws)
    first = aws.personalize.create_event_tracker(name="a", datasetGroupArn=group)
    with pytest.raises(ClientError) as info:
        aws.personalize.create_event_tracker(name="b", datasetGroupArn=group)
    assert error_code(info) == "ResourceAlreadyExistsException"
    assert error_message(info) == (
        f"EventTracker {first['eventTrackerArn']} already exists for DatasetGroup {group}"
    )


def test_delete_event_tracker_keeps_the_dataset(aws):
    group = dataset_group(aws)
    interactions = dataset(aws, group, "Interactions")
    arn = aws.personalize.create_event_tracker(name="a", datasetGroupArn=group)["eventTrackerArn"]
    aws.personalize.delete_event_tracker(eventTrackerArn=arn)
    with pytest.raises(ClientError) as info:
        aws.personalize.describe_event_tracker(eventTrackerArn=arn)
    assert error_code(info) == "ResourceNotFoundException"
    assert aws.personalize.describe_dataset(datasetArn=interactions)["dataset"]["status"] == (
        "ACTIVE"
    )


def test_solution_config_round_trips_unchanged(aws):
    group = dataset_group(aws)
    config = {
        "eventValueThreshold": "3.5",
        "hpoConfig": {
            "hpoObjective": {"type": "Maximize", "metricName": "precision_at_25"},
            "hpoResourceConfig": {"maxNumberOfTrainingJobs": "4", "maxParallelTrainingJobs": "2"},
            "algorithmHyperParameterRanges": {
                "integerHyperParameterRanges": [
                    {"name": "hidden_dimension", "minValue": 32, "maxValue": 128}
                ],
                "categoricalHyperParameterRanges": [
                    {"name": "recency_mask", "values": ["true", "false"]}
                ],
            },
        },
        "eventsConfig": {
            "eventParametersList": [{"eventType": "watch", "eventValueThreshold": 4, "weight": 1.0}]
        },
    }
    arn = aws.personalize.create_solution(
        name="hpo",
        datasetGroupArn=group,
        recipeArn=UP_RECIPE,
        performHPO=True,
        performAutoTraining=False,
        solutionConfig=config,
    )["solutionArn"]
    described = aws.personalize.describe_solution(solutionArn=arn)["solution"]
    assert json.loads(json.dumps(described["solutionConfig"])) == config


def test_a_solution_is_active_at_once_and_trains_in_the_same_second(aws, server):
    """As on AWS, where samples call CreateSolutionVersion right after CreateSolution."""
    group = imported_group(aws)
    settings = server.emulator.settings
    before, settings.transition_seconds = settings.transition_seconds, 30.0
    try:
        arn = aws.personalize.create_solution(
            name="at-once", datasetGroupArn=group, recipeArn=UP_RECIPE
        )["solutionArn"]
        described = aws.personalize.describe_solution(solutionArn=arn)["solution"]
        assert described["status"] == "ACTIVE"
        assert described["lastUpdatedDateTime"] == described["creationDateTime"]
        version = aws.personalize.create_solution_version(solutionArn=arn)["solutionVersionArn"]
        status = aws.personalize.describe_solution_version(solutionVersionArn=version)
        assert status["solutionVersion"]["status"] == "CREATE PENDING"  # its own lifecycle
        aws.personalize.stop_solution_version_creation(solutionVersionArn=version)
    finally:
        settings.transition_seconds = before
    server.emulator.jobs.wait(timeout=60)
