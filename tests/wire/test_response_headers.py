"""Response headers and statuses as AWS sends them, moto's answers included.

No answer names personalize-local as its server: Personalize's carry no ``Server`` header,
S3's say ``AmazonS3`` (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html),
and S3 PutBucketPolicy answers 204 with no body
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html).
"""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from .s3data import BUCKET, BUCKET_POLICY


def headers(answer: dict) -> dict[str, str]:
    return answer["ResponseMetadata"]["HTTPHeaders"]


def test_personalize_answers_carry_no_server_header(aws):
    assert "server" not in headers(aws.personalize.list_recipes())
    assert "server" not in headers(aws.personalize.list_dataset_groups())


def test_moto_answers_do_not_name_personalize_local(aws):
    aws.s3.create_bucket(Bucket=BUCKET)
    assert headers(aws.s3.list_buckets())["server"] == "AmazonS3"
    assert headers(aws.s3.head_bucket(Bucket=BUCKET))["server"] == "AmazonS3"
    for answer in (aws.iam.list_roles(), aws.sts.get_caller_identity()):
        assert headers(answer).get("server", "") != "personalize-local"


def test_put_bucket_policy_answers_204_without_a_body(aws):
    aws.s3.create_bucket(Bucket=BUCKET)
    answer = aws.s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(BUCKET_POLICY))
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert headers(answer).get("content-length", "0") == "0"
    assert headers(answer)["server"] == "AmazonS3"
    stored = json.loads(aws.s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert stored["Statement"][0]["Sid"] == BUCKET_POLICY["Statement"][0]["Sid"]
    # An S3 error keeps its status and S3's server name.
    with pytest.raises(ClientError) as error:
        aws.s3.put_bucket_policy(Bucket="no-such-bucket-here", Policy=json.dumps(BUCKET_POLICY))
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["server"] == "AmazonS3"


def test_personalize_answers_carry_distinct_uuid_request_ids(aws):
    """Each answer, errors included, has its own uuid4-shaped ``x-amzn-RequestId``."""
    ids = [aws.personalize.list_recipes()["ResponseMetadata"]["RequestId"] for _ in range(3)]
    with pytest.raises(ClientError) as error:
        aws.personalize.describe_dataset_group(
            datasetGroupArn="arn:aws:personalize:us-east-1:123456789012:dataset-group/none"
        )
    ids.append(error.value.response["ResponseMetadata"]["RequestId"])
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(value).version == 4 for value in ids)
