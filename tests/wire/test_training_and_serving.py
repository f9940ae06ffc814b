"""Solution versions train real models; campaigns serve them; events change answers at once."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from .builders import METRIC_KEYS, error_code, settle
from .s3data import interactions_csv
from .training import campaign, imported_group, items_csv, trained


def parity(ids) -> list[int]:
    return [int(i.lstrip("i")) % 2 for i in ids]


def test_user_personalization_end_to_end(aws):
    group = imported_group(aws)
    _, version = trained(aws, group, "aws-user-personalization")
    described = aws.personalize.describe_solution_version(solutionVersionArn=version)[
        "solutionVersion"
    ]
    assert described["trainingMode"] == "FULL" and described["trainingHours"] > 0
    metrics = aws.personalize.get_solution_metrics(solutionVersionArn=version)["metrics"]
    assert set(metrics) == METRIC_KEYS
    assert all(0 <= v <= 1 and round(v, 4) == v for v in metrics.values())
    arn = campaign(aws, version)
    answer = aws.runtime.get_recommendations(campaignArn=arn, userId="u0", numResults=10)
    ids = [i["itemId"] for i in answer["itemList"]]
    assert len(ids) == 10 and answer["recommendationId"].startswith("RID-")
    assert parity(ids).count(0) >= 8  # u0 belongs to the even cluster
    scores = [i["score"] for i in answer["itemList"]]
    assert scores == sorted(scores, reverse=True)


def test_events_change_recommendations_without_retraining(aws):
    group = imported_group(aws)
    _, version = trained(aws, group, "aws-user-personalization")
    arn = campaign(aws, version)
    tracker = aws.personalize.create_event_tracker(name="t", datasetGroupArn=group)
    settle(
        lambda: aws.personalize.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"]),
        "eventTracker",
    )
    now = int(time.time())
    aws.events.put_events(
        trackingId=tracker["trackingId"],
        userId="newcomer",
        sessionId="s1",
        eventList=[
            {"eventType": "watch", "itemId": f"i{i}", "sentAt": now + i} for i in (1, 3, 5, 7, 9)
        ],
    )
    ids = [
        i["itemId"]
        for i in aws.runtime.get_recommendations(campaignArn=arn, userId="newcomer", numResults=10)[
            "itemList"
        ]
    ]
    assert parity(ids).count(1) >= 8  # the odd cluster, straight after the events


def test_sims_and_popularity(aws):
    group = imported_group(aws)
    _, sims = trained(aws, group, "aws-sims")
    arn = campaign(aws, sims, name="sims")
    related = aws.runtime.get_recommendations(campaignArn=arn, itemId="i4", numResults=5)
    ids = [i["itemId"] for i in related["itemList"]]
    assert parity(ids) == [0] * 5 and "i4" not in ids
    assert all("score" not in i for i in related["itemList"])
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(campaignArn=arn, userId="u0")
    assert error_code(info) == "InvalidInputException"
    _, popular = trained(aws, group, "aws-popularity-count")
    top = aws.runtime.get_recommendations(campaignArn=campaign(aws, popular, "pop"), userId="u1")
    assert len(top["itemList"]) == 25


def test_personalized_ranking(aws):
    group = imported_group(aws)
    _, version = trained(aws, group, "aws-personalized-ranking")
    arn = campaign(aws, version)
    seen = {
        line.split(",")[1]
        for line in interactions_csv().decode().splitlines()[1:]
        if line.startswith("u1,")
    }
    unseen = [f"i{i}" for i in range(60) if f"i{i}" not in seen]
    odd = [i for i in unseen if int(i[1:]) % 2][:2]
    even = [i for i in unseen if not int(i[1:]) % 2][:2]
    ranking = aws.runtime.get_personalized_ranking(
        campaignArn=arn, userId="u1", inputList=[even[0], odd[0], "unknown-item", even[1], odd[1]]
    )["personalizedRanking"]
    assert [r["itemId"] for r in ranking][-1] == "unknown-item"
    assert "score" not in ranking[-1]
    scored = ranking[:-1]
    assert parity([r["itemId"] for r in scored[:2]]) == [1, 1]
    assert abs(sum(r["score"] for r in scored) - 1) < 1e-5


def test_filters_apply_at_request_time(aws):
    group = imported_group(aws, items=items_csv())
    _, version = trained(aws, group, "aws-user-personalization")
    arn = campaign(aws, version)
    genre = aws.personalize.create_filter(
        name="genre",
        datasetGroupArn=group,
        filterExpression="INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)",
    )["filterArn"]
    settle(lambda: aws.personalize.describe_filter(filterArn=genre), "filter")
    ids = [
        i["itemId"]
        for i in aws.runtime.get_recommendations(
            campaignArn=arn,
            userId="u0",
            filterArn=genre,
            filterValues={"GENRE": '"Thriller"'},
        )["itemList"]
    ]
    assert ids and parity(ids) == [1] * len(ids)
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(campaignArn=arn, userId="u0", filterArn=genre)
    assert error_code(info) == "InvalidInputException"


def test_solution_version_rules(aws, server):
    group = imported_group(aws)
    solution, version = trained(aws, group, "aws-sims")
    with pytest.raises(ClientError) as info:
        aws.personalize.create_solution_version(solutionArn=solution, trainingMode="UPDATE")
    assert error_code(info) == "InvalidInputException"
    settings = server.emulator.settings
    before, settings.transition_seconds = settings.transition_seconds, 1.0
    try:
        pending = aws.personalize.create_solution_version(solutionArn=solution)[
            "solutionVersionArn"
        ]
        with pytest.raises(ClientError) as info:
            aws.personalize.get_solution_metrics(solutionVersionArn=pending)
        assert error_code(info) == "InvalidInputException"
        assert "must be in the ACTIVE state" in info.value.response["Error"]["Message"]
        aws.personalize.stop_solution_version_creation(solutionVersionArn=pending)
        status = aws.personalize.describe_solution_version(solutionVersionArn=pending)[
            "solutionVersion"
        ]["status"]
        assert status == "CREATE STOPPED"
    finally:
        settings.transition_seconds = before
        server.emulator.jobs.wait(timeout=60)
    listed = aws.personalize.list_solution_versions(solutionArn=solution)["solutionVersions"]
    assert {v["solutionVersionArn"] for v in listed} == {version, pending}


def test_too_little_data_fails_training(aws):
    few_users = interactions_csv(users=10, items=200, per_user=100)
    group = imported_group(aws, payload=few_users)
    solution = aws.personalize.create_solution(
        name="s",
        datasetGroupArn=group,
        recipeArn="arn:aws:personalize:::recipe/aws-user-personalization",
    )["solutionArn"]
    version = aws.personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    described = settle(
        lambda: aws.personalize.describe_solution_version(solutionVersionArn=version),
        "solutionVersion",
    )
    assert described["status"] == "CREATE FAILED"
    assert "fewer than 25 users with at least 2 interactions" in described["failureReason"]


def test_campaign_lifecycle(aws):
    group = imported_group(aws)
    solution, version = trained(aws, group, "aws-user-personalization")
    arn = campaign(aws, version, minProvisionedTPS=2)
    described = aws.personalize.describe_campaign(campaignArn=arn)["campaign"]
    assert described["minProvisionedTPS"] == 2
    assert described["campaignConfig"]["itemExplorationConfig"] == {
        "explorationWeight": "0.3",
        "explorationItemAgeCutOff": "30",
    }
    aws.personalize.update_campaign(campaignArn=arn, minProvisionedTPS=3)
    described = aws.personalize.describe_campaign(campaignArn=arn)["campaign"]
    assert described["latestCampaignUpdate"]["minProvisionedTPS"] == 3
    listed = aws.personalize.list_campaigns(solutionArn=solution)["campaigns"]
    assert [c["campaignArn"] for c in listed] == [arn]
    with pytest.raises(ClientError) as info:
        aws.personalize.delete_solution(solutionArn=solution)
    assert error_code(info) == "ResourceInUseException"
    aws.personalize.delete_campaign(campaignArn=arn)
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(campaignArn=arn, userId="u0")
    assert error_code(info) == "ResourceNotFoundException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
