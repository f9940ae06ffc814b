"""--data-dir: state survives a restart and a kill -9, and interrupted jobs resume."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from tests.wire.builders import dataset, dataset_group, settle
from tests.wire.s3data import (
    BUCKET,
    ROLE_ARN,
    exported,
    interactions_csv,
    put,
    run_import,
    workshop_bucket,
)
from tests.wire.training import campaign, imported_group, trained

from .process import ServerProcess


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path / "state")
    yield process
    process.stop()


def tracker(aws: SimpleNamespace, group: str) -> str:
    arn = aws.personalize.create_event_tracker(name="clicks", datasetGroupArn=group)[
        "eventTrackerArn"
    ]
    return settle(
        lambda: aws.personalize.describe_event_tracker(eventTrackerArn=arn), "eventTracker"
    )["trackingId"]


def recommended(aws: SimpleNamespace, campaign_arn: str, user: str) -> list[str]:
    answer = aws.runtime.get_recommendations(campaignArn=campaign_arn, userId=user, numResults=10)
    return [item["itemId"] for item in answer["itemList"]]


def test_everything_survives_a_graceful_restart(server: ServerProcess) -> None:
    aws = server.start()
    group = imported_group(aws)
    solution, version = trained(aws, group, "aws-user-personalization")
    campaign_arn = campaign(aws, version)
    tracking_id = tracker(aws, group)
    aws.events.put_events(
        trackingId=tracking_id,
        userId="u1",
        sessionId="s1",
        eventList=[{"eventType": "watch", "itemId": "i3", "sentAt": 1_700_000_000}],
    )
    aws.personalize.tag_resource(resourceArn=group, tags=[{"tagKey": "team", "tagValue": "ml"}])
    before = {
        "group": aws.personalize.describe_dataset_group(datasetGroupArn=group)["datasetGroup"],
        "version": aws.personalize.describe_solution_version(solutionVersionArn=version)[
            "solutionVersion"
        ],
        "metrics": aws.personalize.get_solution_metrics(solutionVersionArn=version)["metrics"],
        "recommended": recommended(aws, campaign_arn, "u1"),
    }
    server.stop()

    aws = server.start()
    after = {
        "group": aws.personalize.describe_dataset_group(datasetGroupArn=group)["datasetGroup"],
        "version": aws.personalize.describe_solution_version(solutionVersionArn=version)[
            "solutionVersion"
        ],
        "metrics": aws.personalize.get_solution_metrics(solutionVersionArn=version)["metrics"],
        "recommended": recommended(aws, campaign_arn, "u1"),
    }
    assert after == before
    assert aws.personalize.list_tags_for_resource(resourceArn=group)["tags"] == [
        {"tagKey": "team", "tagValue": "ml"}
    ]
    assert aws.iam.get_role(RoleName=ROLE_ARN.rsplit("/", 1)[1])["Role"]["Arn"] == ROLE_ARN
    assert aws.s3.get_object(Bucket=BUCKET, Key="data/interactions.csv")["Body"].read() == (
        interactions_csv()
    )
    # The event tracker still takes events, and new resources continue the id sequence.
    aws.events.put_events(
        trackingId=tracking_id,
        userId="u1",
        sessionId="s1",
        eventList=[{"eventType": "watch", "itemId": "i5", "sentAt": 1_700_000_100}],
    )
    assert (
        aws.personalize.list_solutions(datasetGroupArn=group)["solutions"][0]["solutionArn"]
        == solution
    )


def test_no_acknowledged_event_is_lost_to_kill_9(server: ServerProcess) -> None:
    aws = server.start()
    workshop_bucket(aws)
    group = dataset_group(aws)
    interactions = dataset(aws, group, "Interactions")
    tracking_id = tracker(aws, group)
    acknowledged: list[str] = []
    stop = threading.Event()

    def send() -> None:
        clients = server.clients()
        for n in range(100_000):
            if stop.is_set():
                return
            item = f"event-{n}"
            try:
                clients.events.put_events(
                    trackingId=tracking_id,
                    userId="u1",
                    sessionId="s1",
                    eventList=[{"eventType": "watch", "itemId": item, "sentAt": 1_700_000_000 + n}],
                )
            except Exception:
                return  # the server died mid-request: this one was never acknowledged
            acknowledged.append(item)

    sender = threading.Thread(target=send)
    sender.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    stop.set()
    sender.join(timeout=30)
    assert len(acknowledged) >= 200

    aws = server.start()
    rows = exported(aws, interactions, mode="PUT", name="after-crash")
    assert rows is not None
    assert set(acknowledged) <= set(rows["ITEM_ID"])


def test_training_interrupted_by_kill_9_resumes(server: ServerProcess) -> None:
    aws = server.start()
    # Enough data that training is still running when the process is killed.
    payload = interactions_csv(users=1500, items=2500, per_user=60, clusters=5)
    group = imported_group(aws, payload)
    solution = aws.personalize.create_solution(
        name="up",
        datasetGroupArn=group,
        recipeArn="arn:aws:personalize:::recipe/aws-user-personalization",
    )["solutionArn"]
    version = aws.personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    server.kill()

    aws = server.start()
    assert "1 resumed" in server.restored
    described = settle(
        lambda: aws.personalize.describe_solution_version(solutionVersionArn=version),
        "solutionVersion",
        timeout=120,
    )
    assert described["status"] == "ACTIVE", described.get("failureReason")
    metrics = aws.personalize.get_solution_metrics(solutionVersionArn=version)["metrics"]
    assert metrics["coverage"] > 0
    campaign_arn = campaign(aws, version)
    assert len(recommended(aws, campaign_arn, "u1")) == 10

    # Its end is journaled now: another restart does not resume it again.
    server.stop()
    aws = server.start()
    assert "0 resumed" in server.restored
    assert len(recommended(aws, campaign_arn, "u1")) == 10


def test_a_failed_import_fails_again_with_its_reason(server: ServerProcess) -> None:
    aws = server.start()
    workshop_bucket(aws)
    group = dataset_group(aws)
    interactions = dataset(aws, group, "Interactions")
    location = put(aws, "data/bad.csv", b"USER_ID,ITEM_ID,EVENT_TYPE,EVENT_VALUE,TIMESTAMP\nu1\n")
    job = run_import(aws, interactions, location, name="bad")
    assert job["status"] == "CREATE FAILED"
    server.kill()

    aws = server.start()
    arn = job["datasetImportJobArn"]
    again = aws.personalize.describe_dataset_import_job(datasetImportJobArn=arn)
    assert again["datasetImportJob"] == job


def test_reset_empties_the_data_dir(server: ServerProcess) -> None:
    aws = server.start()
    group = dataset_group(aws)
    import urllib3

    urllib3.request("POST", f"{server.url}/moto-api/reset")
    aws.personalize.create_dataset_group(name="after-reset")
    server.stop()

    aws = server.start()
    with pytest.raises(ClientError) as raised:
        aws.personalize.describe_dataset_group(datasetGroupArn=group)
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    names = [g["name"] for g in aws.personalize.list_dataset_groups()["datasetGroups"]]
    assert names == ["after-reset"]
