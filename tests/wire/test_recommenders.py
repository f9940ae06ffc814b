"""Recommenders in a VIDEO_ON_DEMAND dataset group: training, serving, lifecycle, rules."""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pytest
from botocore.exceptions import ClientError

from .builders import (
    INTERACTIONS,
    METRIC_KEYS,
    dataset_group,
    error_code,
    error_message,
    schema,
    settle,
    wait_gone,
    wait_until,
)
from .s3data import ROLE_ARN, put, workshop_bucket
from .training import items_csv

VOD = "VIDEO_ON_DEMAND"
RECIPE = "arn:aws:personalize:::recipe/{}"
VOD_ITEMS = {
    "type": "record",
    "name": "Items",
    "namespace": "com.amazonaws.personalize.schema",
    "fields": [
        {"name": "ITEM_ID", "type": "string"},
        {"name": "GENRES", "type": "string", "categorical": True},
        {"name": "YEAR", "type": ["null", "int"]},
        {"name": "CREATION_TIMESTAMP", "type": "long"},
    ],
    "version": "1.0",
}


def watches(users: int = 60, items: int = 60, per_user: int = 20, clicks: int = 0) -> bytes:
    """Clustered events: user u watches items of cluster u % 2; ``clicks`` of each user's
    events are Click instead of Watch."""
    rng = np.random.default_rng(0)
    lines = ["USER_ID,ITEM_ID,EVENT_TYPE,EVENT_VALUE,TIMESTAMP"]
    t = 1_600_000_000
    for user in range(users):
        own = [i for i in range(items) if i % 2 == user % 2]
        for n, item in enumerate(rng.choice(own, size=per_user, replace=False)):
            t += int(rng.integers(1, 100))
            kind = "Click" if n < clicks else "Watch"
            lines.append(f"u{user},i{item},{kind},1.0,{t}")
    return ("\n".join(lines) + "\n").encode()


def watched(payload: bytes, user: str) -> set[str]:
    rows = [line.split(",") for line in payload.decode().splitlines()[1:]]
    return {r[1] for r in rows if r[0] == user and r[2] == "Watch"}


def vod_group(
    aws: SimpleNamespace, payload: bytes, with_items: bool = True, items: int = 60
) -> str:
    """A VIDEO_ON_DEMAND group with domain schemas and imported Interactions (and Items)."""
    workshop_bucket(aws)
    group = dataset_group(aws, "vod", domain=VOD)
    kinds = [("Interactions", INTERACTIONS, payload)]
    if with_items:
        kinds.append(("Items", VOD_ITEMS, items_csv(items)))
    for kind, body, data in kinds:
        dataset = aws.personalize.create_dataset(
            name=kind.lower(),
            schemaArn=schema(aws, f"vod-{kind.lower()}", body, domain=VOD),
            datasetGroupArn=group,
            datasetType=kind,
        )["datasetArn"]
        job = aws.personalize.create_dataset_import_job(
            jobName=f"import-{kind.lower()}",
            datasetArn=dataset,
            dataSource={"dataLocation": put(aws, f"vod/{kind}.csv", data)},
            roleArn=ROLE_ARN,
        )["datasetImportJobArn"]
        done = settle(
            lambda job=job: aws.personalize.describe_dataset_import_job(datasetImportJobArn=job),
            "datasetImportJob",
        )
        assert done["status"] == "ACTIVE", done.get("failureReason")
    return group


def recommender(aws: SimpleNamespace, group: str, use_case: str, name: str, **kwargs) -> str:
    return aws.personalize.create_recommender(
        name=name, datasetGroupArn=group, recipeArn=RECIPE.format(use_case), **kwargs
    )["recommenderArn"]


def described(aws: SimpleNamespace, arn: str) -> dict:
    return aws.personalize.describe_recommender(recommenderArn=arn)["recommender"]


def response(aws: SimpleNamespace, arn: str) -> dict:
    return aws.personalize.describe_recommender(recommenderArn=arn)


def settled(aws: SimpleNamespace, arn: str) -> dict:
    return settle(lambda: response(aws, arn), "recommender")


def ids(answer: dict) -> list[str]:
    return [i["itemId"] for i in answer["itemList"]]


def typical_item(payload: bytes, cluster: int) -> str:
    """An item of ``cluster`` with a median watch count (SIMS drops the most watched 10%)."""
    counts: dict[str, int] = {}
    for line in payload.decode().splitlines()[1:]:
        item = line.split(",")[1]
        counts[item] = counts.get(item, 0) + 1
    own = sorted((n, i) for i, n in counts.items() if int(i[1:]) % 2 == cluster)
    return own[len(own) // 2][1]


def parity(items: list[str]) -> list[int]:
    return [int(i.lstrip("i")) % 2 for i in items]


def test_recommenders_train_serve_stop_start_update_delete(aws, server):
    payload = watches()
    group = vod_group(aws, payload)
    top = recommender(aws, group, "aws-vod-top-picks", "top-picks")
    also = recommender(aws, group, "aws-vod-because-you-watched-x", "because")
    for arn in (top, also):
        assert settled(aws, arn)["status"] == "ACTIVE", described(aws, arn).get("failureReason")
    found = described(aws, top)
    assert set(found["modelMetrics"]) == METRIC_KEYS
    assert found["recommenderConfig"] == {"minRecommendationRequestsPerSecond": 1}
    assert found["recipeArn"] == RECIPE.format("aws-vod-top-picks")
    listed = aws.personalize.list_recommenders(datasetGroupArn=group)["recommenders"]
    assert {r["recommenderArn"] for r in listed} == {top, also}

    # Top picks: the user's cluster, minus what the user watched; scored.
    picks = aws.runtime.get_recommendations(recommenderArn=top, userId="u0", numResults=10)
    assert parity(ids(picks)).count(0) >= 8
    assert not set(ids(picks)) & watched(payload, "u0")
    assert all("score" in i for i in picks["itemList"])
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(recommenderArn=top)
    assert error_code(info) == "InvalidInputException"

    # Because you watched X needs both ids; it filters watched videos too and has no scores.
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(recommenderArn=also, userId="u0")
    assert error_code(info) == "InvalidInputException"
    assert "itemId" in error_message(info)
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(recommenderArn=also, itemId="i4")
    assert error_code(info) == "InvalidInputException"
    query = typical_item(payload, 0)
    related = ids(
        aws.runtime.get_recommendations(
            recommenderArn=also, userId="u0", itemId=query, numResults=5
        )
    )
    assert related and set(parity(related)) == {0}
    assert not set(related) & watched(payload, "u0") and query not in related

    # Real time: a newcomer's Watch events turn top picks to the odd cluster at once.
    tracker = aws.personalize.create_event_tracker(name="t", datasetGroupArn=group)
    now = int(time.time())
    seen = [f"i{i}" for i in (1, 3, 5, 7, 9)]
    aws.events.put_events(
        trackingId=tracker["trackingId"],
        userId="newcomer",
        sessionId="s",
        eventList=[
            {"eventType": "Watch", "itemId": item, "sentAt": now + n} for n, item in enumerate(seen)
        ],
    )
    fresh = ids(aws.runtime.get_recommendations(recommenderArn=top, userId="newcomer"))
    assert parity(fresh[:10]).count(1) >= 8 and not set(fresh) & set(seen)

    # Stop, then 404 until started again; stopping keeps the model.
    aws.personalize.stop_recommender(recommenderArn=also)
    wait_until(lambda: response(aws, also), "recommender", "INACTIVE")
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(recommenderArn=also, userId="u0", itemId="i4")
    assert error_code(info) == "ResourceNotFoundException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as info:
        aws.personalize.stop_recommender(recommenderArn=also)
    assert error_code(info) == "ResourceInUseException"
    aws.personalize.start_recommender(recommenderArn=also)
    wait_until(lambda: response(aws, also), "recommender")
    assert ids(aws.runtime.get_recommendations(recommenderArn=also, userId="u0", itemId="i4"))

    # Update: exploration only where the use case personalises; old config serves meanwhile.
    with pytest.raises(ClientError) as info:
        aws.personalize.update_recommender(
            recommenderArn=also,
            recommenderConfig={"itemExplorationConfig": {"explorationWeight": "0.5"}},
        )
    assert error_code(info) == "InvalidInputException"
    settings = server.emulator.settings
    before, settings.transition_seconds = settings.transition_seconds, 1.0
    try:
        aws.personalize.update_recommender(
            recommenderArn=top,
            recommenderConfig={
                "minRecommendationRequestsPerSecond": 2,
                "itemExplorationConfig": {"explorationWeight": "0.1"},
            },
        )
        update = described(aws, top)["latestRecommenderUpdate"]
        assert update["status"] in ("CREATE PENDING", "CREATE IN_PROGRESS")
        assert update["recommenderConfig"]["minRecommendationRequestsPerSecond"] == 2
        assert aws.runtime.get_recommendations(recommenderArn=top, userId="u0")["itemList"]
        with pytest.raises(ClientError) as info:
            aws.personalize.update_recommender(recommenderArn=top, recommenderConfig={})
        assert error_code(info) == "ResourceInUseException"
        # A new recommender shows no modelMetrics while it is created.
        pending = recommender(aws, group, "aws-vod-most-popular", "popular")
        assert described(aws, pending)["status"] in ("CREATE PENDING", "CREATE IN_PROGRESS")
        assert "modelMetrics" not in described(aws, pending)
    finally:
        settings.transition_seconds = before
    wait_until(lambda: described(aws, top), "latestRecommenderUpdate", timeout=5)
    assert described(aws, top)["recommenderConfig"]["itemExplorationConfig"] == {
        "explorationWeight": "0.1"
    }
    # Changing the training columns retrains; the update ends ACTIVE with the new model.
    aws.personalize.update_recommender(
        recommenderArn=also,
        recommenderConfig={"trainingDataConfig": {"excludedDatasetColumns": {"Items": ["YEAR"]}}},
    )
    wait_until(lambda: described(aws, also), "latestRecommenderUpdate", timeout=30)

    # Quota: 5 recommenders per dataset group.
    assert settled(aws, pending)["status"] == "ACTIVE"
    popular = ids(aws.runtime.get_recommendations(recommenderArn=pending, userId="u3"))
    assert len(popular) == 25
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(recommenderArn=pending)
    assert error_code(info) == "InvalidInputException"  # Most popular needs userId
    trending = recommender(aws, group, "aws-vod-trending-now", "trending")
    assert settled(aws, trending)["status"] == "ACTIVE"
    assert ids(aws.runtime.get_recommendations(recommenderArn=trending))  # no ids needed
    recommender(aws, group, "aws-vod-most-popular", "fifth")
    with pytest.raises(ClientError) as info:
        recommender(aws, group, "aws-vod-most-popular", "sixth")
    assert error_code(info) == "LimitExceededException"

    # Delete: the group refuses deletion while recommenders exist.
    with pytest.raises(ClientError) as info:
        aws.personalize.delete_dataset_group(datasetGroupArn=group)
    assert error_code(info) == "ResourceInUseException"
    aws.personalize.delete_recommender(recommenderArn=trending)
    wait_gone(lambda: described(aws, trending))
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(recommenderArn=trending)
    assert error_code(info) == "ResourceNotFoundException"


def test_watched_filter_reads_the_newest_100_watch_events(aws):
    """The live guide: "When filtering, Amazon Personalize considers at most 100 item
    interactions per user per event type"
    (https://docs.aws.amazon.com/personalize/latest/dg/VIDEO_ON_DEMAND-use-cases.html). A video
    watched before the user's 100 newest Watch events can come back, as Forrest Gump (user 1's
    185th newest watch) did for user 1 of ml-latest-small in the aws-samples VOD notebook.
    """
    payload = watches(items=240)
    t = 1_700_000_000  # after every other event
    binge = [f"i{2 * n}" for n in range(110)]  # oldest first, all of the even cluster
    rows = [f"binge,{item},Watch,1.0,{t + n}" for n, item in enumerate(binge)]
    rows += [f"binge,i{2 * n + 1},Click,1.0,{t + 200 + n}" for n in range(10)]  # not Watch
    payload += ("\n".join(rows) + "\n").encode()
    group = vod_group(aws, payload, items=240)
    arn = recommender(aws, group, "aws-vod-more-like-x", "more-like")
    assert settled(aws, arn)["status"] == "ACTIVE", described(aws, arn).get("failureReason")

    def answer() -> set[str]:
        found = aws.runtime.get_recommendations(
            recommenderArn=arn, userId="binge", itemId="i230", numResults=500
        )
        return set(ids(found))

    newest, older = set(binge[10:]), set(binge[:10])
    first = answer()
    assert not first & newest  # the newest 100 Watch events are filtered
    assert older <= first  # the 10 before them are not
    assert {f"i{2 * n + 1}" for n in range(10)} <= first  # Click events are not Watch events
    # A Watch recorded with PutEvents is the newest: its video goes, and the one that was the
    # 100th newest comes back.
    tracker = aws.personalize.create_event_tracker(name="t", datasetGroupArn=group)
    aws.events.put_events(
        trackingId=tracker["trackingId"],
        userId="binge",
        sessionId="s",
        eventList=[{"eventType": "Watch", "itemId": binge[0], "sentAt": t + 1000}],
    )
    second = answer()
    assert binge[0] not in second and binge[10] in second
    assert not second & set(binge[11:])


def test_too_few_events_of_the_required_type_fail_creation(aws):
    # 1200 interactions, but only 600 Watch events: Most popular needs 1000 of them.
    group = vod_group(aws, watches(clicks=10), with_items=False)
    arn = recommender(aws, group, "aws-vod-most-popular", "popular")
    failed = settled(aws, arn)
    assert failed["status"] == "CREATE FAILED"
    assert failed["failureReason"] == (
        "Dataset has fewer than 1000 interactions after filtering by event type: Watch"
    )
    assert "modelMetrics" not in failed
    with pytest.raises(ClientError) as info:
        aws.runtime.get_recommendations(recommenderArn=arn, userId="u0")
    assert error_code(info) == "ResourceNotFoundException"
    # Top picks needs the Items dataset this group lacks.
    picks = settled(aws, recommender(aws, group, "aws-vod-top-picks", "picks"))
    assert picks["status"] == "CREATE FAILED" and "Items" in picks["failureReason"]
    aws.personalize.delete_recommender(recommenderArn=arn)


def test_recommenders_need_a_use_case_of_the_groups_domain(aws):
    vod = dataset_group(aws, "vod", domain=VOD)
    custom = dataset_group(aws, "custom")
    cases = [
        (custom, "aws-vod-top-picks", {}, "InvalidInputException"),
        (vod, "aws-ecomm-recommended-for-you", {}, "InvalidInputException"),
        (vod, "aws-user-personalization", {}, "InvalidInputException"),
        (vod, "aws-vod-no-such-use-case", {}, "ResourceNotFoundException"),
        (
            vod,
            "aws-vod-most-popular",
            {"recommenderConfig": {"itemExplorationConfig": {"explorationWeight": "0.2"}}},
            "InvalidInputException",
        ),
        (
            vod,
            "aws-vod-top-picks",
            {"recommenderConfig": {"itemExplorationConfig": {"explorationWeight": "2"}}},
            "InvalidInputException",
        ),
        (
            vod,
            "aws-vod-top-picks",
            {
                "recommenderConfig": {
                    "trainingDataConfig": {"excludedDatasetColumns": {"Interactions": ["USER_ID"]}}
                }
            },
            "InvalidInputException",
        ),
    ]
    for group, use_case, extra, code in cases:
        with pytest.raises(ClientError) as info:
            recommender(aws, group, use_case, "r", **extra)
        assert error_code(info) == code, (use_case, error_message(info))
    with pytest.raises(ClientError) as info:
        described(aws, "arn:aws:personalize:us-east-1:123456789012:recommender/none")
    assert error_code(info) == "ResourceNotFoundException"
    assert aws.personalize.list_recommenders(datasetGroupArn=vod)["recommenders"] == []
