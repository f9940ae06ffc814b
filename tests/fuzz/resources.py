"""Real resources for the fuzz, so valid-but-mutated requests reach the handlers' code."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from ..wire.builders import UP_RECIPE, dataset, settle
from ..wire.s3data import BUCKET, ROLE_ARN
from ..wire.training import campaign, imported_group, trained
from .shapes import OMIT

FILTER = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("watch")'


def create(aws: SimpleNamespace) -> dict[str, Any]:
    """Member name -> value, and operation name -> members its base requests must have."""
    group = imported_group(aws)
    interactions = aws.personalize.list_datasets(datasetGroupArn=group)["datasets"][0]
    schema = aws.personalize.describe_dataset(datasetArn=interactions["datasetArn"])["dataset"][
        "schemaArn"
    ]
    items = dataset(aws, group, "Items")
    users = dataset(aws, group, "Users")
    solution, version = trained(aws, group, "aws-user-personalization")
    _, ranking_version = trained(aws, group, "aws-personalized-ranking", name="ranking")
    campaign_arn = campaign(aws, version)
    ranking = campaign(aws, ranking_version, name="ranking")
    tracker = aws.personalize.create_event_tracker(name="fuzz-tracker", datasetGroupArn=group)
    filter_arn = aws.personalize.create_filter(
        name="fuzz-filter", datasetGroupArn=group, filterExpression=FILTER
    )["filterArn"]
    tracker_arn = tracker["eventTrackerArn"]
    settle(
        lambda: aws.personalize.describe_event_tracker(eventTrackerArn=tracker_arn), "eventTracker"
    )
    settle(lambda: aws.personalize.describe_filter(filterArn=filter_arn), "filter")
    for arn in (items, users):
        settle(lambda arn=arn: aws.personalize.describe_dataset(datasetArn=arn), "dataset")
    location = f"s3://{BUCKET}/data/interactions.csv"
    item = {"genres": "Comedy", "year": 1999, "creationTimestamp": 1600000000}
    return {
        "datasetGroupArn": group,
        "datasetArn": interactions["datasetArn"],
        "schemaArn": schema,
        "solutionArn": solution,
        "solutionVersionArn": version,
        "campaignArn": campaign_arn,
        "eventTrackerArn": tracker_arn,
        "trackingId": tracker["trackingId"],
        "filterArn": filter_arn,
        "recipeArn": UP_RECIPE,
        "roleArn": ROLE_ARN,
        "resourceArn": group,
        "dataLocation": location,
        "path": f"s3://{BUCKET}/fuzz-out/",
        # Operation names: members their base requests need (OMIT: must leave out) to be valid.
        "CreateSolution": {"recipeArn": UP_RECIPE, "performIncrementalUpdate": OMIT},
        "UpdateSolution": {"performIncrementalUpdate": OMIT},
        "CreateSolutionVersion": {"trainingMode": "FULL"},
        "CreateCampaign": {"syncWithLatestSolutionVersion": OMIT},
        "CreateSchema": {"domain": OMIT},
        "CreateBatchInferenceJob": {"batchInferenceJobMode": "BATCH_INFERENCE"}
        | dict.fromkeys(("themeGenerationConfig",), OMIT),
        "CreateDatasetImportJob": {"dataSource": {"dataLocation": location}, "roleArn": ROLE_ARN},
        "CreateDataDeletionJob": {"dataSource": {"dataLocation": location}},
        "UpdateCampaign": {"syncWithLatestSolutionVersion": OMIT},
        "PutEvents": {
            "userId": "u1",
            "eventList": [{"eventType": "watch", "itemId": "i1", "sentAt": 1700000000}],
        },
        "GetRecommendations": {
            "campaignArn": campaign_arn,
            "userId": "u1",
            "numResults": 5,
            **dict.fromkeys(
                ("recommenderArn", "itemId", "metadataColumns", "promotions", "filterValues"), OMIT
            ),
        },
        "GetPersonalizedRanking": {
            "campaignArn": ranking,
            "inputList": ["i1", "i2", "i3"],
            **dict.fromkeys(("metadataColumns", "filterValues"), OMIT),
        },
        "PutItems": {
            "datasetArn": items,
            "items": [{"itemId": "i1", "properties": json.dumps(item)}],
        },
        "PutUsers": {
            "datasetArn": users,
            "users": [{"userId": "u1", "properties": json.dumps({"gender": "F"})}],
        },
    }
