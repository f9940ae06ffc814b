"""Checkpoints under --data-dir: a checkpoint plus the journal's tail restores exactly what the
whole journal restores, and a checkpoint that does not check out is ignored, never trusted."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from personalize_local.checkpoint import FILE_NAME, TEMP_NAME
from tests.wire.builders import settle
from tests.wire.s3data import BUCKET, ROLE, ROLE_ARN, put
from tests.wire.test_batch_jobs import inference, jsonl
from tests.wire.training import campaign, imported_group, trained

from .process import ServerProcess
from .test_durable_state import tracker


@pytest.fixture
def servers() -> Iterator[list[ServerProcess]]:
    started: list[ServerProcess] = []
    yield started
    for server in started:
        server.stop()


def serve(servers: list[ServerProcess], data_dir: Path) -> ServerProcess:
    server = ServerProcess(data_dir)
    servers.append(server)
    return server


def restored(server: ServerProcess) -> dict[str, int]:
    """The counts of the ``restored …: 12 checkpointed, 3 personalize, …`` line."""
    counts = server.restored.split(": ", 1)[1].split(", ")
    return {kind: int(n) for n, kind in (count.split(" ", 1) for count in counts)}


def checkpointed(directory: Path, timeout: float = 30.0) -> bytes:
    """The checkpoint the server takes by itself once its jobs have ended."""
    path = directory / FILE_NAME
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, "no checkpoint was taken"
        time.sleep(0.1)
    return path.read_bytes()


def answer(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def state(aws: SimpleNamespace, names: dict[str, str]) -> dict[str, Any]:
    """What a client can see of the workshop's resources, and answers from the campaign."""
    p = aws.personalize
    group = names["group"]
    versions = [
        v["solutionVersionArn"]
        for s in p.list_solutions(datasetGroupArn=group)["solutions"]
        for v in p.list_solution_versions(solutionArn=s["solutionArn"])["solutionVersions"]
    ]
    batch = p.list_batch_inference_jobs()["batchInferenceJobs"]
    out = aws.s3.list_objects_v2(Bucket=BUCKET, Prefix="out/").get("Contents", [])
    return {
        "group": answer(p.describe_dataset_group(datasetGroupArn=group)),
        "datasets": [
            answer(p.describe_dataset(datasetArn=d["datasetArn"]))
            for d in p.list_datasets(datasetGroupArn=group)["datasets"]
        ],
        "imports": answer(p.list_dataset_import_jobs()),
        "solutions": answer(p.list_solutions(datasetGroupArn=group)),
        "versions": [answer(p.describe_solution_version(solutionVersionArn=v)) for v in versions],
        "metrics": [answer(p.get_solution_metrics(solutionVersionArn=v)) for v in versions],
        "campaigns": [
            answer(p.describe_campaign(campaignArn=c["campaignArn"]))
            for c in p.list_campaigns()["campaigns"]
        ],
        "filters": answer(p.list_filters(datasetGroupArn=group)),
        "trackers": answer(p.list_event_trackers(datasetGroupArn=group)),
        "batch": [
            answer(p.describe_batch_inference_job(batchInferenceJobArn=j["batchInferenceJobArn"]))
            for j in batch
        ],
        "batch output": {
            o["Key"]: aws.s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in out
        },
        "role": aws.iam.get_role(RoleName=ROLE)["Role"]["Arn"],
        "recommended": [
            answer(aws.runtime.get_recommendations(campaignArn=names["campaign"], userId=user))
            for user in ("u1", "u7", "a-new-user")
        ],
        "filtered": answer(
            aws.runtime.get_recommendations(
                campaignArn=names["campaign"], userId="u1", filterArn=names["filter"]
            )
        ),
    }


def workshop(aws: SimpleNamespace, tracking: bool = True) -> dict[str, str]:
    """Import, train, deploy and run a batch job: the state a checkpoint is worth having for."""
    group = imported_group(aws)
    _, version = trained(aws, group, "aws-user-personalization")
    names = {"group": group, "version": version, "campaign": campaign(aws, version)}
    source = put(aws, "batch/users.json", jsonl([{"userId": "u1"}, {"userId": "u2"}]))
    job = inference(aws, version, source)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    names["tracking"] = tracker(aws, group)
    return names


def more(aws: SimpleNamespace, names: dict[str, str]) -> None:
    """Changes after the checkpoint, for the journal's tail: a training run, a filter, events."""
    trained(aws, names["group"], "aws-popularity-count", name="popular")
    arn = aws.personalize.create_filter(
        name="unseen",
        datasetGroupArn=names["group"],
        filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("watch")',
    )["filterArn"]
    settle(lambda: aws.personalize.describe_filter(filterArn=arn), "filter")
    names["filter"] = arn
    for n in range(5):
        aws.events.put_events(
            trackingId=names["tracking"],
            userId="u1",
            sessionId="s1",
            eventList=[{"eventType": "watch", "itemId": f"i{n}", "sentAt": 1_700_000_000 + n}],
        )


def test_a_checkpoint_and_the_tail_restore_what_the_whole_journal_restores(
    servers: list[ServerProcess], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = serve(servers, tmp_path / "state")
    aws = first.start()
    names = workshop(aws)
    first.stop()  # a clean shutdown writes a checkpoint
    assert (tmp_path / "state" / FILE_NAME).exists()

    second = serve(servers, tmp_path / "state")
    aws = second.start()
    counts = restored(second)
    assert counts["checkpointed"] > 0
    assert counts["personalize"] == counts["moto"] == counts["job"] == 0
    more(aws, names)
    second.kill()  # the tail since the last checkpoint is only in the journal
    shutil.copytree(tmp_path / "state", tmp_path / "copy")

    from_checkpoint = serve(servers, tmp_path / "state")
    aws = from_checkpoint.start()
    counts = restored(from_checkpoint)
    assert counts["checkpointed"] > 0
    assert counts["personalize"] > 0  # the tail was replayed
    with_checkpoint = state(aws, names)
    from_checkpoint.stop()

    monkeypatch.setenv("PERSONALIZE_LOCAL_CHECKPOINT", "0")
    from_journal = serve(servers, tmp_path / "copy")
    aws = from_journal.start()
    assert restored(from_journal)["checkpointed"] == 0
    replayed = state(aws, names)

    assert with_checkpoint == replayed
    assert len(with_checkpoint["versions"]) == 2
    assert with_checkpoint["batch output"]  # written by a job: only in the checkpoint of moto
    assert with_checkpoint["recommended"][0]["itemList"]


def test_a_checkpoint_cut_short_while_written_is_ignored(
    servers: list[ServerProcess], tmp_path: Path
) -> None:
    directory = tmp_path / "state"
    first = serve(servers, directory)
    aws = first.start()
    names = workshop(aws)
    whole = checkpointed(directory)
    tags = [{"tagKey": "a", "tagValue": "b"}]
    aws.personalize.tag_resource(resourceArn=names["group"], tags=tags)
    first.kill()
    # Killed while writing the next one: the temporary file holds half of a checkpoint.
    (directory / TEMP_NAME).write_bytes(whole[: len(whole) // 2])

    second = serve(servers, directory)
    aws = second.start()
    assert restored(second)["checkpointed"] > 0  # the last whole checkpoint, then the tail
    assert not (directory / TEMP_NAME).exists()
    assert aws.personalize.list_tags_for_resource(resourceArn=names["group"])["tags"] == [
        {"tagKey": "a", "tagValue": "b"},
    ]
    assert aws.iam.get_role(RoleName=ROLE)["Role"]["Arn"] == ROLE_ARN
    answer = aws.runtime.get_recommendations(campaignArn=names["campaign"], userId="u1")
    assert answer["itemList"]


def test_a_corrupt_checkpoint_falls_back_to_the_whole_journal(
    servers: list[ServerProcess], tmp_path: Path
) -> None:
    directory = tmp_path / "state"
    first = serve(servers, directory)
    aws = first.start()
    names = workshop(aws)
    before = aws.runtime.get_recommendations(campaignArn=names["campaign"], userId="u1")
    first.stop()
    path = directory / FILE_NAME
    damaged = bytearray(path.read_bytes())
    damaged[-100] ^= 0xFF
    path.write_bytes(bytes(damaged))

    second = serve(servers, directory)
    aws = second.start()
    counts = restored(second)
    assert counts["checkpointed"] == 0
    assert counts["job"] > 0  # everything was replayed, jobs included
    after = aws.runtime.get_recommendations(campaignArn=names["campaign"], userId="u1")
    assert after["itemList"] == before["itemList"]
