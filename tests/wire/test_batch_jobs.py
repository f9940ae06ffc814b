"""Batch inference and batch segment jobs: JSON lines in S3, answered line by line."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from .builders import dataset, error_code, error_message, settle, wait_until
from .s3data import BUCKET, ROLE, ROLE_ARN, ROLE_POLICY, TRUST, interactions_csv, put
from .training import campaign, imported_group, items_csv, trained

USERS = [f"u{n}" for n in range(60)]


def parity(ids) -> list[int]:
    return [int(i.lstrip("i")) % 2 for i in ids]


def jsonl(rows, newline: str = "\n") -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + newline for r in rows).encode()


def inference(aws, version: str, source: str, output: str = "out/", name="job", **kwargs) -> dict:
    """Create a batch inference job and wait until it has ended."""
    arn = aws.personalize.create_batch_inference_job(
        jobName=name,
        solutionVersionArn=version,
        jobInput={"s3DataSource": {"path": source}},
        jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/{output}"}},
        roleArn=kwargs.pop("roleArn", ROLE_ARN),
        **kwargs,
    )["batchInferenceJobArn"]
    return settle(
        lambda: aws.personalize.describe_batch_inference_job(batchInferenceJobArn=arn),
        "batchInferenceJob",
    )


def segment(aws, version: str, source: str, output: str = "segments/", name="seg", **kw) -> dict:
    arn = aws.personalize.create_batch_segment_job(
        jobName=name,
        solutionVersionArn=version,
        jobInput={"s3DataSource": {"path": source}},
        jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/{output}"}},
        roleArn=ROLE_ARN,
        **kw,
    )["batchSegmentJobArn"]
    return settle(
        lambda: aws.personalize.describe_batch_segment_job(batchSegmentJobArn=arn),
        "batchSegmentJob",
    )


def output(aws, key: str) -> list[dict]:
    body = aws.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
    return [json.loads(line) for line in body.splitlines()]


def newcomer_events(aws, group: str) -> None:
    """After training: a new user watches odd items, u0 (even cluster) watches odd items."""
    tracker = aws.personalize.create_event_tracker(name="t", datasetGroupArn=group)
    settle(
        lambda: aws.personalize.describe_event_tracker(eventTrackerArn=tracker["eventTrackerArn"]),
        "eventTracker",
    )
    now = int(time.time())
    for user in ("newcomer", "u0"):
        aws.events.put_events(
            trackingId=tracker["trackingId"],
            userId=user,
            sessionId=f"s-{user}",
            eventList=[
                {"eventType": "watch", "itemId": f"i{i}", "sentAt": now + i}
                for i in (1, 3, 5, 7, 9, 11, 13, 15, 17, 19)
            ],
        )


def test_user_personalization_batch_line_by_line(aws):
    group = imported_group(aws)
    _, version = trained(aws, group, "aws-user-personalization")
    live = campaign(aws, version)
    newcomer_events(aws, group)
    lines = [{"userId": u} for u in USERS] + [
        {"userId": "unknown-user"},
        {"userId": "newcomer"},
        "not json",
        {"itemId": "i1"},
        {"userId": 7},
        ["u1"],
    ]
    source = put(aws, "batch/users.json", jsonl(lines, "\r\n"))  # the workshop's file is CRLF
    job = inference(aws, version, source, output="batch/", numResults=10)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    rows = output(aws, "batch/users.json.out")
    assert len(rows) == len(lines)
    assert [r["input"] for r in rows] == lines  # every line once, the input echoed as read
    answered = {r["input"]["userId"]: r for r in rows if r["error"] is None}
    assert set(answered) == {*USERS, "unknown-user", "newcomer"}
    for user in USERS:
        out = answered[user]["output"]
        items, scores = out["recommendedItems"], out["scores"]
        assert len(items) == len(set(items)) == 10 and len(scores) == 10
        assert scores == sorted(scores, reverse=True) and all(round(s, 7) == s for s in scores)
        cluster = int(user[1:]) % 2
        assert parity(items).count(cluster) >= 8, (user, items)
    # Unknown users get popular items; events recorded after training are not used.
    popular = answered["unknown-user"]["output"]
    assert answered["newcomer"]["output"] == popular
    assert parity(answered["u0"]["output"]["recommendedItems"]).count(0) >= 8
    # The same answers as a campaign of the same version, where histories are the same.
    for user in ("u2", "u3", "unknown-user"):
        real_time = aws.runtime.get_recommendations(campaignArn=live, userId=user, numResults=10)
        assert answered[user]["output"] == {
            "recommendedItems": [i["itemId"] for i in real_time["itemList"]],
            "scores": [i["score"] for i in real_time["itemList"]],
        }
    errors = [r for r in rows if r["error"] is not None]
    assert len(errors) == 4 and all(r["output"] is None for r in errors)
    assert errors[0]["error"] == "The line is not valid JSON."
    assert "userId" in errors[1]["error"] and "userId" in errors[2]["error"]
    # Describe and List, as botocore shapes them.
    assert job["numResults"] == 10 and job["batchInferenceJobMode"] == "BATCH_INFERENCE"
    assert job["jobInput"] == {"s3DataSource": {"path": source}}
    assert job["jobOutput"] == {"s3DataDestination": {"path": f"s3://{BUCKET}/batch/"}}
    assert job["roleArn"] == ROLE_ARN and job["solutionVersionArn"] == version
    assert job["batchInferenceJobArn"].endswith(":batch-inference-job/job")
    assert "filterArn" not in job and "failureReason" not in job
    assert job["creationDateTime"] <= job["lastUpdatedDateTime"]
    second = inference(aws, version, source, output="again/", name="job2")
    assert second["numResults"] == 25
    assert len(output(aws, "again/users.json.out")[0]["output"]["recommendedItems"]) == 25
    page = aws.personalize.list_batch_inference_jobs(solutionVersionArn=version, maxResults=1)
    assert [j["jobName"] for j in page["batchInferenceJobs"]] == ["job2"]
    rest = aws.personalize.list_batch_inference_jobs(
        solutionVersionArn=version, nextToken=page["nextToken"]
    )
    summary = rest["batchInferenceJobs"][0]
    assert set(summary) == {
        "batchInferenceJobArn",
        "jobName",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "solutionVersionArn",
        "batchInferenceJobMode",
    }
    assert "nextToken" not in rest
    other = aws.personalize.list_batch_inference_jobs(solutionVersionArn=f"{version}x")
    assert other["batchInferenceJobs"] == []


def test_filter_values_per_line_and_an_input_prefix(aws):
    group = imported_group(aws, items=items_csv())
    _, version = trained(aws, group, "aws-user-personalization")
    genre = aws.personalize.create_filter(
        name="genre",
        datasetGroupArn=group,
        filterExpression="INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)",
    )["filterArn"]
    settle(lambda: aws.personalize.describe_filter(filterArn=genre), "filter")
    thriller = {"GENRE": '"Thriller"'}
    animation = {"GENRE": '"Animation","Children"'}
    put(aws, "in/a.json", jsonl([{"userId": u, "filterValues": thriller} for u in USERS[:6]]))
    put(aws, "in/b.json", jsonl([{"userId": "u1", "filterValues": animation}, {"userId": "u3"}]))
    job = inference(aws, version, f"s3://{BUCKET}/in/", output="in-out/", filterArn=genre)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    assert job["filterArn"] == genre
    listed = aws.s3.list_objects_v2(Bucket=BUCKET, Prefix="in-out/")["Contents"]
    assert sorted(o["Key"] for o in listed) == ["in-out/a.json.out", "in-out/b.json.out"]
    # Only Thriller (odd) items; seen items are not recommended, so an odd user gets fewer.
    for row in output(aws, "in-out/a.json.out"):
        ids = row["output"]["recommendedItems"]
        assert parity(ids) == [1] * len(ids) and len(ids) == (
            10 if row["input"]["userId"] in ("u1", "u3", "u5") else 25
        )
    animated, missing = output(aws, "in-out/b.json.out")
    assert parity(animated["output"]["recommendedItems"]) == [0] * 25  # odd user, even items
    assert missing["output"] is None and "$GENRE" in missing["error"]


def test_batch_inference_failures_and_rules(aws, server):
    group = imported_group(aws)
    solution, version = trained(aws, group, "aws-user-personalization")
    source = put(aws, "batch/users.json", jsonl([{"userId": "u1"}]))
    # The role may read but not write: the job fails with the reason.
    aws.iam.create_role(RoleName="ReadOnly", AssumeRolePolicyDocument=json.dumps(TRUST))
    read_only = {**ROLE_POLICY, "Statement": [{**ROLE_POLICY["Statement"][0]}]}
    read_only["Statement"][0]["Action"] = ["s3:GetObject", "s3:ListBucket"]
    aws.iam.put_role_policy(
        RoleName="ReadOnly", PolicyName="s3", PolicyDocument=json.dumps(read_only)
    )
    denied = inference(
        aws, version, source, roleArn=ROLE_ARN.replace(ROLE, "ReadOnly"), name="denied"
    )
    assert denied["status"] == "CREATE FAILED"
    assert "Insufficient privileges" in denied["failureReason"]
    assert "s3:PutObject" in denied["failureReason"]
    folder = put(aws, "folder/users.json", jsonl([{"userId": "u1"}]))
    same = inference(aws, version, f"s3://{BUCKET}/folder/", output="folder/", name="same")
    assert same["status"] == "CREATE FAILED"
    assert same["failureReason"].startswith("Invalid S3 output path")
    # The workshop writes next to its input file: that is allowed.
    beside = inference(aws, version, folder, output="folder/", name="beside")
    assert beside["status"] == "ACTIVE", beside.get("failureReason")
    prefix = inference(aws, version, f"s3://{BUCKET}/folder", output="folder/", name="prefix")
    assert prefix["failureReason"].startswith("Invalid S3 output path")
    empty = inference(aws, version, f"s3://{BUCKET}/nothing/", name="empty")
    assert empty["failureReason"].startswith("Invalid S3 input path")
    for kwargs, text in [
        ({"batchInferenceJobMode": "THEME_GENERATION"}, "not emulated"),
        ({"numResults": 501}, "numResults"),
        ({"filterArn": version.replace("solution/", "filter/")}, "does not exist"),
    ]:
        with pytest.raises(ClientError) as info:
            aws.personalize.create_batch_inference_job(**_request(version, source, **kwargs))
        assert text in error_message(info), kwargs
    settings = server.emulator.settings
    before, settings.transition_seconds = settings.transition_seconds, 30.0
    try:
        # Still pending (with no transition time, a tiny version may be ACTIVE already).
        pending = aws.personalize.create_solution_version(solutionArn=solution)
        with pytest.raises(ClientError) as info:
            aws.personalize.create_batch_inference_job(
                **_request(pending["solutionVersionArn"], source)
            )
        assert error_code(info) == "InvalidInputException"
        assert "must be in the ACTIVE state" in error_message(info)
        aws.personalize.stop_solution_version_creation(
            solutionVersionArn=pending["solutionVersionArn"]
        )
    finally:
        settings.transition_seconds = before
    server.emulator.jobs.wait(timeout=60)
    # Five jobs pending or in progress per region.
    no_retry = boto3.client(
        "personalize", endpoint_url=aws.url, config=Config(retries={"total_max_attempts": 1})
    )
    before, settings.transition_seconds = settings.transition_seconds, 1.0
    try:
        arns = [
            aws.personalize.create_batch_inference_job(
                **_request(version, source, name=f"q{index}")
            )["batchInferenceJobArn"]
            for index in range(5)
        ]
        first = arns[0]
        with pytest.raises(ClientError) as info:
            no_retry.create_batch_inference_job(**_request(version, source, name="q5"))
        assert error_code(info) == "LimitExceededException"
        assert error_message(info) == "More than 5 resources with PENDING or IN_PROGRESS status."
        seen = wait_until(
            lambda: aws.personalize.describe_batch_inference_job(batchInferenceJobArn=first),
            "batchInferenceJob",
        )
        assert seen[0] == "CREATE PENDING" and seen[-1] == "ACTIVE"
        assert set(seen) <= {"CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE"}
    finally:
        settings.transition_seconds = before
        server.emulator.jobs.wait(timeout=60)


def _request(version: str, source: str, name: str = "job", **kwargs) -> dict:
    return {
        "jobName": name,
        "solutionVersionArn": version,
        "jobInput": {"s3DataSource": {"path": source}},
        "jobOutput": {"s3DataDestination": {"path": f"s3://{BUCKET}/out/"}},
        "roleArn": ROLE_ARN,
        **kwargs,
    }


def test_related_items_ranking_and_recipes_without_batch(aws):
    group = imported_group(aws)
    _, sims = trained(aws, group, "aws-sims")
    source = put(aws, "sims/items.json", jsonl([{"itemId": "i4"}, {"itemId": "nowhere"}]))
    job = inference(aws, sims, source, output="sims-out/", numResults=5)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    related, unknown = output(aws, "sims-out/items.json.out")
    assert set(related["output"]) == {"recommendedItems"}  # no scores for related items
    assert parity(related["output"]["recommendedItems"]) == [0] * 5
    assert "i4" not in related["output"]["recommendedItems"]
    assert len(unknown["output"]["recommendedItems"]) == 5  # popular items
    _, ranking = trained(aws, group, "aws-personalized-ranking")
    seen = {
        line.split(",")[1]
        for line in interactions_csv().decode().splitlines()[1:]
        if line.startswith("u1,")
    }
    unseen = [f"i{i}" for i in range(60) if f"i{i}" not in seen]
    odd = [i for i in unseen if int(i[1:]) % 2][:2]
    even = [i for i in unseen if not int(i[1:]) % 2][:2]
    item_list = [even[0], odd[0], "unknown-item", even[1], odd[1]]
    source = put(aws, "rank/users.json", jsonl([{"userId": "u1", "itemList": item_list}]))
    job = inference(aws, ranking, source, output="rank-out/", name="rank")
    assert job["status"] == "ACTIVE", job.get("failureReason")
    (row,) = output(aws, "rank-out/users.json.out")
    items, scores = row["output"]["recommendedItems"], row["output"]["scores"]
    assert sorted(items) == sorted(item_list) and items[-1] == "unknown-item"
    assert parity(items[:2]) == [1, 1]
    assert scores[:4] == sorted(scores[:4], reverse=True) and abs(sum(scores) - 1) < 1e-5
    _, trending = trained(aws, group, "aws-trending-now")
    with pytest.raises(ClientError) as info:
        aws.personalize.create_batch_inference_job(**_request(trending, source))
    assert error_code(info) == "InvalidInputException"
    assert "aws-trending-now" in error_message(info)


def users_csv() -> bytes:
    rows = ["USER_ID,GENDER"] + [f"u{n},{'F' if n % 4 < 2 else 'M'}" for n in range(60)]
    return ("\n".join(rows) + "\n").encode()


def import_users(aws: SimpleNamespace, group: str) -> None:
    arn = aws.personalize.create_dataset_import_job(
        jobName="users",
        datasetArn=dataset(aws, group, "Users"),
        dataSource={"dataLocation": put(aws, "data/users.csv", users_csv())},
        roleArn=ROLE_ARN,
    )["datasetImportJobArn"]
    job = settle(
        lambda: aws.personalize.describe_dataset_import_job(datasetImportJobArn=arn),
        "datasetImportJob",
    )
    assert job["status"] == "ACTIVE", job.get("failureReason")


def test_batch_segment_jobs(aws):
    group = imported_group(aws, items=items_csv())
    import_users(aws, group)
    _, affinity = trained(aws, group, "aws-item-affinity")
    queries = [{"itemId": "i4"}, {"itemId": "i7"}, {"itemId": "nowhere"}]
    job = segment(aws, affinity, put(aws, "seg/items.json", jsonl(queries)), numResults=5)
    assert job["status"] == "ACTIVE", job.get("failureReason")
    even, odd, unknown = output(aws, "segments/items.json.out")
    assert even["input"] == {"itemId": "i4"} and even["error"] is None
    assert [int(u[1:]) % 2 for u in even["output"]["usersList"]] == [0] * 5
    assert [int(u[1:]) % 2 for u in odd["output"]["usersList"]] == [1] * 5
    assert unknown["output"] is None and "nowhere" in unknown["error"]
    assert job["numResults"] == 5 and job["batchSegmentJobArn"].endswith(":batch-segment-job/seg")
    assert set(job) >= {"jobInput", "jobOutput", "roleArn", "solutionVersionArn", "status"}
    # A user filter, with its placeholder value on each line.
    women = aws.personalize.create_filter(
        name="gender",
        datasetGroupArn=group,
        filterExpression="INCLUDE UserID WHERE Users.GENDER IN ($G)",
    )["filterArn"]
    settle(lambda: aws.personalize.describe_filter(filterArn=women), "filter")
    lines = [{"itemId": "i4", "filterValues": {"G": '"F"'}}]
    job = segment(
        aws, affinity, put(aws, "seg/f.json", jsonl(lines)), output="f/", name="f", filterArn=women
    )
    (row,) = output(aws, "f/f.json.out")
    women_only = [int(u[1:]) for u in row["output"]["usersList"]]
    assert women_only and all(n % 4 < 2 for n in women_only)
    assert [n % 2 for n in women_only[:5]] == [0] * 5
    recent = aws.personalize.create_filter(
        name="recent",
        datasetGroupArn=group,
        filterExpression="EXCLUDE ItemID WHERE Items.YEAR > 2000",
    )["filterArn"]
    settle(lambda: aws.personalize.describe_filter(filterArn=recent), "filter")
    with pytest.raises(ClientError) as info:
        aws.personalize.create_batch_segment_job(
            **{**_request(affinity, "s3://b/x.json"), "filterArn": recent}
        )
    assert "needs a filter on UserID" in error_message(info)
    _, attributes = trained(aws, group, "aws-item-attribute-affinity")
    queries = [
        {"itemAttributes": 'ITEMS.GENRES = "Thriller" AND ITEMS.genres = "Crime"'},
        {"itemAttributes": "ITEMS.YEAR = 1974"},
        {"itemAttributes": 'ITEMS.GENRES IN ("Thriller")'},
    ]
    source = put(aws, "attr/q.json", jsonl(queries))
    job = segment(aws, attributes, source, output="attr-out/", name="attr")
    assert job["status"] == "ACTIVE", job.get("failureReason")
    thriller, year, bad = output(aws, "attr-out/q.json.out")
    assert len(thriller["output"]["usersList"]) == 25  # the default numResults
    assert [int(u[1:]) % 2 for u in thriller["output"]["usersList"]].count(1) >= 20
    assert [int(u[1:]) % 2 for u in year["output"]["usersList"][:10]] == [0] * 10  # i4 is even
    assert bad["output"] is None and "AND" in bad["error"]
    eleven = jsonl([{"itemAttributes": 'ITEMS.GENRES = "Crime"'}] * 11)
    over = segment(aws, attributes, put(aws, "attr/many.json", eleven), output="x/", name="over")
    assert over["status"] == "CREATE FAILED" and "at most 10" in over["failureReason"]
    listed = aws.personalize.list_batch_segment_jobs(solutionVersionArn=attributes)
    assert [j["jobName"] for j in listed["batchSegmentJobs"]] == ["over", "attr"]
    assert set(listed["batchSegmentJobs"][0]) == {
        "batchSegmentJobArn",
        "jobName",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "failureReason",
        "solutionVersionArn",
    }
    with pytest.raises(ClientError) as info:
        aws.personalize.create_batch_inference_job(**_request(affinity, "s3://b/x.json"))
    assert "CreateBatchSegmentJob" in error_message(info)
