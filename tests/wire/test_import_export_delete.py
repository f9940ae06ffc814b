"""Dataset import, export and data deletion jobs: S3 through its API, the service's rules."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .builders import dataset, dataset_group, error_code, settle
from .s3data import (
    BUCKET,
    ROLE_ARN,
    TRUST,
    exported,
    interactions_csv,
    put,
    run_import,
    workshop_bucket,
)

GOOD = interactions_csv()  # 60 users x 20 items = 1200 rows


@pytest.fixture
def interactions(aws):
    group = dataset_group(aws)
    return dataset(aws, group, "Interactions")


def test_import_reads_s3_and_loads_the_dataset(aws, interactions):
    workshop_bucket(aws)
    job = run_import(aws, interactions, put(aws, "data/interactions.csv", GOOD))
    assert job["status"] == "ACTIVE", job.get("failureReason")
    assert job["importMode"] == "FULL"
    rows = exported(aws, interactions)
    assert len(rows) == 1200
    assert list(rows.columns) == ["USER_ID", "ITEM_ID", "EVENT_TYPE", "EVENT_VALUE", "TIMESTAMP"]
    listed = aws.personalize.list_dataset_import_jobs(datasetArn=interactions)
    assert [j["jobName"] for j in listed["datasetImportJobs"]] == ["import"]


def test_prefix_imports_every_object(aws, interactions):
    workshop_bucket(aws)
    text = GOOD.decode().splitlines()
    header, body = text[0], text[1:]
    put(aws, "data/part/a.csv", ("\n".join([header, *body[:600]]) + "\n").encode())
    put(aws, "data/part/b.csv", ("\n".join([header, *body[600:]]) + "\n").encode())
    job = run_import(aws, interactions, f"s3://{BUCKET}/data/part/")
    assert job["status"] == "ACTIVE", job.get("failureReason")
    assert len(exported(aws, interactions)) == 1200


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ({"bucket_policy": None}, "bucket policy of personalize-workshop-data does not allow"),
        ({"role_policy": None}, f"the role {ROLE_ARN} does not allow s3:ListBucket"),
        (
            {
                "trust": {
                    **TRUST,
                    "Statement": [
                        {
                            **TRUST["Statement"][0],
                            "Principal": {"Service": "sagemaker.amazonaws.com"},
                        }
                    ],
                }
            },
            "cannot assume the role",
        ),
    ],
)
def test_import_needs_the_documented_permissions(aws, interactions, setup, reason):
    workshop_bucket(aws, **setup)
    job = run_import(aws, interactions, put(aws, "data/interactions.csv", GOOD))
    assert job["status"] == "CREATE FAILED"
    assert "Insufficient privileges" in job["failureReason"] or "assume" in job["failureReason"]
    assert reason in job["failureReason"]


def _csv_with(replace_line: int, line: str) -> bytes:
    lines = GOOD.decode().splitlines()
    lines[replace_line] = line
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (
            GOOD.replace(b",TIMESTAMP", b""),
            "Input CSV is missing the following columns: [TIMESTAMP].",
        ),
        (_csv_with(5, "u1,i3,watch,abc,1600000000"), "row 6, column EVENT_VALUE: value 'abc'"),
        (_csv_with(7, ",i3,watch,1.0,1600000000"), "row 8, column USER_ID: value '' is empty"),
        (_csv_with(9, "u1,i3,watch,1.0,1600000000000"), "milliseconds"),
        (_csv_with(9, "u1,i3,watch,1.0,16000.5"), "is not an integer"),
        (_csv_with(11, "u1,i3,watch"), "row 12 has fewer fields"),
        (_csv_with(11, "u1,i3,watch,1.0,1600000000,extra"), "row 12 has more fields"),
        (_csv_with(3, "u" + "x" * 300 + ",i3,watch,1.0,1600000000"), "longer than 256"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "binary"),
        (
            "USER_ID,ITEM_ID,EVENT_TYPE,EVENT_VALUE,TIMESTAMP\nü,i,w,1,1\n".encode("latin-1"),
            "UTF-8",
        ),
        (b"", "empty"),
        (
            GOOD.replace(b"EVENT_TYPE,", b"EVENT_TYPE,COLOUR,", 1),
            "columns that are not in the schema: [COLOUR]",
        ),
        (b"\n".join(GOOD.splitlines()[:500]) + b"\n", "needs at least 1000"),
    ],
)
def test_bad_files_fail_with_a_reason_and_keep_the_data(aws, interactions, payload, reason):
    workshop_bucket(aws)
    assert run_import(aws, interactions, put(aws, "data/good.csv", GOOD))["status"] == "ACTIVE"
    job = run_import(aws, interactions, put(aws, "data/bad.csv", payload), name="bad")
    assert job["status"] == "CREATE FAILED"
    assert reason in job["failureReason"]
    assert len(exported(aws, interactions)) == 1200


def test_incremental_appends_and_needs_a_bulk_import_first(aws, interactions):
    workshop_bucket(aws)
    location = put(aws, "data/interactions.csv", GOOD)
    with pytest.raises(ClientError) as info:
        aws.personalize.create_dataset_import_job(
            jobName="inc",
            datasetArn=interactions,
            dataSource={"dataLocation": location},
            roleArn=ROLE_ARN,
            importMode="INCREMENTAL",
        )
    assert error_code(info) == "InvalidInputException"
    assert run_import(aws, interactions, location)["status"] == "ACTIVE"
    more = put(aws, "data/more.csv", interactions_csv(seed=1))
    assert (
        run_import(aws, interactions, more, name="more", importMode="INCREMENTAL")["status"]
        == "ACTIVE"
    )
    assert len(exported(aws, interactions)) == 2400
    assert run_import(aws, interactions, more, name="full-again")["status"] == "ACTIVE"
    assert len(exported(aws, interactions, name="after-full")) == 1200


def test_missing_bucket_or_object(aws, interactions):
    workshop_bucket(aws)
    job = run_import(aws, interactions, f"s3://{BUCKET}/data/none.csv")
    assert job["status"] == "CREATE FAILED"
    assert "Invalid Data location" in job["failureReason"]
    job = run_import(aws, interactions, "s3://no-such-bucket/x.csv", name="nobucket")
    assert "Invalid Data location" in job["failureReason"]


def test_import_job_quota(server, aws, interactions):
    workshop_bucket(aws)
    location = put(aws, "data/interactions.csv", GOOD)
    settings = server.emulator.settings
    before, settings.transition_seconds = settings.transition_seconds, 3.0
    try:
        for index in range(5):
            aws.personalize.create_dataset_import_job(
                jobName=f"j{index}",
                datasetArn=interactions,
                dataSource={"dataLocation": location},
                roleArn=ROLE_ARN,
            )
        with pytest.raises(ClientError) as info:
            aws.personalize.delete_dataset(datasetArn=interactions)
        assert error_code(info) == "ResourceInUseException"
        # botocore retries LimitExceededException with backoff, as it would on AWS.
        with pytest.raises(ClientError) as info:
            aws.personalize.create_dataset_import_job(
                jobName="j5",
                datasetArn=interactions,
                dataSource={"dataLocation": location},
                roleArn=ROLE_ARN,
            )
        assert error_code(info) == "LimitExceededException"
    finally:
        settings.transition_seconds = before
        server.emulator.jobs.wait(timeout=60)


def test_export_modes(aws, interactions):
    workshop_bucket(aws)
    run_import(aws, interactions, put(aws, "data/interactions.csv", GOOD))
    assert exported(aws, interactions, mode="PUT", name="put") is None
    job = aws.personalize.list_dataset_export_jobs(datasetArn=interactions)["datasetExportJobs"][0]
    assert job["status"] == "CREATE FAILED" and "no PUT data" in job["failureReason"]
    assert len(exported(aws, interactions, mode="ALL", name="all")) == 1200


def test_data_deletion_job_removes_users(aws, interactions):
    workshop_bucket(aws)
    run_import(aws, interactions, put(aws, "data/interactions.csv", GOOD))
    group = aws.personalize.describe_dataset(datasetArn=interactions)["dataset"]["datasetGroupArn"]
    location = put(aws, "deletion/users.csv", b"USER_ID\nu0\nu1\n")
    arn = aws.personalize.create_data_deletion_job(
        jobName="forget",
        datasetGroupArn=group,
        dataSource={"dataLocation": location},
        roleArn=ROLE_ARN,
    )["dataDeletionJobArn"]
    job = settle(
        lambda: aws.personalize.describe_data_deletion_job(dataDeletionJobArn=arn),
        "dataDeletionJob",
    )
    assert job["status"] == "COMPLETED"
    assert job["numDeleted"] == 40
    rows = exported(aws, interactions, name="after")
    assert len(rows) == 1160 and not rows["USER_ID"].isin(["u0", "u1"]).any()
    listed = aws.personalize.list_data_deletion_jobs(datasetGroupArn=group)["dataDeletionJobs"]
    assert [j["jobName"] for j in listed] == ["forget"]
