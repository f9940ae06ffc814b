"""One endpoint: Personalize answered here, everything else by moto, errors as JSON."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import boto3
import pytest
import urllib3
from botocore.config import Config
from botocore.exceptions import ClientError
from werkzeug.test import Client

from personalize_local.app import PersonalizeApp
from personalize_local.config import Settings
from personalize_local.protocol.spec import all_operations
from personalize_local.server import LocalServer
from personalize_local.store.state import Emulator

from .builders import dataset_group, error_code, error_message


def test_the_three_models_have_79_operations():
    assert len(all_operations()) == 79


def test_control_plane_answers_json_11(aws):
    arn = dataset_group(aws)
    assert arn == "arn:aws:personalize:us-east-1:123456789012:dataset-group/movies"
    raw = aws.personalize.describe_dataset_group(datasetGroupArn=arn)
    assert raw["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"


@pytest.mark.parametrize(
    ("path", "target"),
    [("/", "AmazonPersonalize.ListCampaigns"), ("/recommendations", None), ("/events", None)],
)
def test_an_operation_without_a_handler_is_a_clear_4xx_json_error(path, target):
    app = PersonalizeApp(Emulator(Settings(transition_seconds=0)), handlers={})
    headers = {"X-Amz-Target": target} if target else {}
    response = Client(app).post(path, data=b"{}", headers=headers)
    assert 400 <= response.status_code < 500
    body = response.get_json(force=True)
    assert body["__type"] == "UnknownOperationException"
    operation = (
        target.split(".")[1]
        if target
        else {"/recommendations": "GetRecommendations", "/events": "PutEvents"}[path]
    )
    assert operation in body["message"]


def test_unknown_target_and_bad_json(endpoint_url):
    headers = {"Content-Type": "application/x-amz-json-1.1"}
    unknown = urllib3.request(
        "POST",
        endpoint_url,
        body=b"{}",
        headers={**headers, "X-Amz-Target": "AmazonPersonalize.MakeCoffee"},
    )
    assert unknown.status == 400
    assert json.loads(unknown.data)["__type"] == "UnknownOperationException"
    bad = urllib3.request(
        "POST",
        endpoint_url,
        body=b"{not json",
        headers={**headers, "X-Amz-Target": "AmazonPersonalize.ListSchemas"},
    )
    assert bad.status == 400
    assert json.loads(bad.data)["__type"] == "SerializationException"
    assert bad.headers["Content-Type"] == "application/x-amz-json-1.1"


@pytest.fixture
def unvalidated(aws):
    """A client that skips botocore's own checks, so the server's are what answer."""
    return boto3.client(
        "personalize",
        endpoint_url=aws.url,
        region_name="us-east-1",
        config=Config(parameter_validation=False),
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"name": "x" * 64}, "Member must have length less than or equal to 63"),
        ({"name": ""}, "Member must have length greater than or equal to 1"),
        ({"name": "bad name!"}, "Member must satisfy regular expression pattern"),
        ({"name": "ok", "domain": "RETAIL"}, "Member must satisfy enum value set"),
        ({"name": 42}, "Member must be a string"),
        ({}, "Value null at 'name' failed to satisfy constraint: Member must not be null"),
        ({"name": "ok", "tags": [{"tagKey": "k"}]}, "at 'tags.1.member.tagValue'"),
    ],
)
def test_server_validates_every_constraint(unvalidated, kwargs, expected):
    with pytest.raises(ClientError) as info:
        unvalidated.create_dataset_group(**kwargs)
    assert error_code(info) == "InvalidInputException"
    assert expected in error_message(info)


def test_ranges_and_nested_members_are_validated(unvalidated):
    with pytest.raises(ClientError) as info:
        unvalidated.list_schemas(maxResults=101)
    assert "Member must have value less than or equal to 100" in error_message(info)
    with pytest.raises(ClientError) as info:
        unvalidated.describe_schema(schemaArn="not-an-arn")
    assert error_code(info) == "InvalidInputException"


def test_moto_serves_the_rest_of_the_workshop(aws):
    assert aws.sts.get_caller_identity()["Account"] == "123456789012"
    aws.s3.create_bucket(Bucket="workshop-data")
    aws.s3.put_object(Bucket="workshop-data", Key="a.csv", Body=b"x")
    assert aws.s3.get_object(Bucket="workshop-data", Key="a.csv")["Body"].read() == b"x"
    aws.iam.create_role(RoleName="personalize-role", AssumeRolePolicyDocument="{}")
    aws.iam.attach_role_policy(
        RoleName="personalize-role",
        PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonPersonalizeFullAccess",
    )
    attached = aws.iam.list_attached_role_policies(RoleName="personalize-role")
    assert [p["PolicyName"] for p in attached["AttachedPolicies"]] == [
        "AmazonPersonalizeFullAccess"
    ]
    aws.cloudformation.create_stack(
        StackName="tiny",
        TemplateBody=json.dumps({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}),
    )
    assert aws.cloudformation.describe_stacks(StackName="tiny")["Stacks"][0]["StackStatus"] == (
        "CREATE_COMPLETE"
    )


def test_buckets_named_like_personalize_routes_still_reach_moto(aws):
    for name in ("events", "recommendations", "users"):
        aws.s3.create_bucket(Bucket=name)
    names = {b["Name"] for b in aws.s3.list_buckets()["Buckets"]}
    assert {"events", "recommendations", "users"} <= names


def test_reset_clears_personalize_and_moto(aws):
    dataset_group(aws)
    aws.s3.create_bucket(Bucket="gone-after-reset")
    urllib3.request("POST", f"{aws.url}/moto-api/reset")
    assert aws.personalize.list_dataset_groups()["datasetGroups"] == []
    assert aws.s3.list_buckets()["Buckets"] == []


def test_python_api_starts_on_a_free_port_and_stops():
    with LocalServer(settings=Settings(transition_seconds=0)) as local:
        client = boto3.client("personalize", endpoint_url=local.url, region_name="us-east-1")
        assert client.list_schemas()["schemas"] == []
        url = local.url
    with pytest.raises(urllib3.exceptions.HTTPError):
        urllib3.request("GET", url, retries=False, timeout=2)


def _trace(seed: int) -> list[str]:
    with LocalServer(settings=Settings(seed=seed, transition_seconds=0)) as local:
        client = boto3.client("personalize", endpoint_url=local.url, region_name="us-east-1")
        out = []
        for index in range(2):
            group = client.create_dataset_group(name=f"g{index}")["datasetGroupArn"]
            tracker = client.create_event_tracker(name=f"t{index}", datasetGroupArn=group)
            out += [group, tracker["eventTrackerArn"], tracker["trackingId"]]
        return out


def test_same_seed_same_arns_and_tracking_ids():
    first, second, other = _trace(11), _trace(11), _trace(12)
    assert first == second
    assert first != other


def test_seed_endpoint_reseeds_ids(aws):
    def tracker() -> str:
        urllib3.request("POST", f"{aws.url}/moto-api/reset")
        urllib3.request("POST", f"{aws.url}/moto-api/seed?a=5")
        group = dataset_group(aws)
        return aws.personalize.create_event_tracker(name="t", datasetGroupArn=group)["trackingId"]

    assert tracker() == tracker()


def _serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "personalize_local.cli", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_cli_prints_one_ready_line_and_stops_on_sigterm():
    process = _serve("--port", "0", "--seed", "3")
    try:
        line = process.stdout.readline()
        assert line.startswith("personalize-local ready at http://127.0.0.1:")
        url = line.split()[3]
        client = boto3.client("personalize", endpoint_url=url, region_name="us-east-1")
        assert client.list_dataset_groups()["datasetGroups"] == []
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        process.kill()


def test_cli_refuses_a_non_loopback_address():
    process = _serve("--host", "0.0.0.0", "--port", "0")
    assert process.wait(timeout=30) == 2
    assert "not a loopback address" in process.stderr.read()
