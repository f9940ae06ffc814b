"""personalize_local.mock(): alone, inside moto's mock_aws(), and misused."""

from __future__ import annotations

import json
import time

import boto3
import pytest
from moto import mock_aws

import personalize_local
from personalize_local.testing import MockError

REGION = "us-east-1"
SCHEMA = {
    "type": "record",
    "name": "Interactions",
    "namespace": "com.amazonaws.personalize.schema",
    "fields": [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
    ],
    "version": "1.0",
}
PRINCIPAL = {"Service": "personalize.amazonaws.com"}


def client(name: str):
    return boto3.client(name, region_name=REGION)


def test_the_mock_answers_personalize_in_process():
    with personalize_local.mock():
        personalize = client("personalize")
        arn = personalize.create_dataset_group(name="alone")["datasetGroupArn"]
        listed = personalize.list_dataset_groups()["datasetGroups"]
    assert [group["datasetGroupArn"] for group in listed] == [arn]


def test_each_start_is_fresh_and_seeded():
    arns = []
    for _ in range(2):
        with personalize_local.mock():
            personalize = client("personalize")
            assert personalize.list_dataset_groups()["datasetGroups"] == []
            arns.append(personalize.create_dataset_group(name="g")["datasetGroupArn"])
    assert arns[0] == arns[1]


def test_errors_are_the_services():
    with personalize_local.mock():
        personalize = client("personalize")
        with pytest.raises(personalize.exceptions.ResourceNotFoundException):
            personalize.describe_dataset_group(
                datasetGroupArn="arn:aws:personalize:us-east-1:123456789012:dataset-group/none"
            )


@personalize_local.mock
def test_the_decorator_form():
    assert client("personalize").list_schemas()["schemas"] == []


def test_other_services_are_refused_without_moto():
    with personalize_local.mock(), pytest.raises(MockError, match="mock_aws"):
        client("s3").list_buckets()


def test_nesting_is_refused():
    with personalize_local.mock(), pytest.raises(MockError, match="nested"):
        personalize_local.mock().start()


def _import(personalize, role_arn: str, location: str) -> dict:
    group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
    schema = personalize.create_schema(name="s", schema=json.dumps(SCHEMA))["schemaArn"]
    dataset = personalize.create_dataset(
        name="d", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )["datasetArn"]
    job = personalize.create_dataset_import_job(
        jobName="j", datasetArn=dataset, dataSource={"dataLocation": location}, roleArn=role_arn
    )["datasetImportJobArn"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        described = personalize.describe_dataset_import_job(datasetImportJobArn=job)
        if described["datasetImportJob"]["status"] in {"ACTIVE", "CREATE FAILED"}:
            return described["datasetImportJob"]
        time.sleep(0.02)
    raise TimeoutError(job)


def _bucket_and_role(rows: str, trust_principal: dict = PRINCIPAL) -> str:
    s3, iam = client("s3"), client("iam")
    s3.create_bucket(Bucket="data")
    s3.put_object(Bucket="data", Key="i.csv", Body=rows.encode())
    read = {
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
    }
    s3.put_bucket_policy(
        Bucket="data",
        Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [{**read, "Principal": PRINCIPAL}]}
        ),
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": trust_principal, "Action": "sts:AssumeRole"}
        ],
    }
    arn = iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policy = json.dumps({"Version": "2012-10-17", "Statement": [read]})
    iam.put_role_policy(RoleName="r", PolicyName="read", PolicyDocument=policy)
    return arn


ROWS = "USER_ID,ITEM_ID,TIMESTAMP\n" + "".join(f"u{i % 37},i{i % 53},{i}\n" for i in range(1000))


def test_inside_mock_aws_an_import_reads_the_csv_put_in_moto():
    with mock_aws(), personalize_local.mock():
        role = _bucket_and_role(ROWS)
        job = _import(client("personalize"), role, "s3://data/i.csv")
        assert job["status"] == "ACTIVE", job.get("failureReason")


def test_inside_mock_aws_the_role_made_there_is_checked():
    with mock_aws(), personalize_local.mock():
        role = _bucket_and_role(ROWS, trust_principal={"Service": "ec2.amazonaws.com"})
        job = _import(client("personalize"), role, "s3://data/i.csv")
    assert job["status"] == "CREATE FAILED"
    assert "cannot assume the role" in job["failureReason"]


def test_without_mock_aws_an_import_fails_saying_so():
    with personalize_local.mock():
        job = _import(client("personalize"), "arn:aws:iam::123456789012:role/r", "s3://d/i.csv")
    assert job["status"] == "CREATE FAILED"
    assert "mock_aws" in job["failureReason"]
