"""SigV4 verification on a live endpoint: signed clients of every service work, the rest is refused.

The endpoint runs with ``verify_signatures`` on loopback, exactly as it does when bound to another
address (where it is forced on). Refusals are checked for the status and the code AWS answers with.
"""

from __future__ import annotations

import datetime
import io
import json
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import botocore.auth
import pytest
import urllib3
from boto3.s3.transfer import TransferConfig
from botocore.auth import HmacV1QueryAuth, S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from werkzeug.test import EnvironBuilder

from personalize_local.config import Settings
from personalize_local.server import LocalServer

from .builders import dataset, dataset_group, settle
from .s3data import BUCKET, interactions_csv, put, workshop_bucket

KEY = "AKIDPERSONALIZELOCAL"
SECRET = "local-secret-for-tests"
REGION = "us-east-1"
_NO_RETRY = Config(retries={"mode": "standard", "max_attempts": 1})


@pytest.fixture(scope="module")
def signed() -> Iterator[LocalServer]:
    settings = Settings(
        seed=11,
        transition_seconds=0.0,
        strict=True,
        verify_signatures=True,
        access_key_id=KEY,
        secret_access_key=SECRET,
    )
    with LocalServer(settings=settings) as local:
        yield local


@pytest.fixture
def client(signed: LocalServer) -> Iterator[Callable[..., Any]]:
    """``client(service, key=..., secret=...)`` on a freshly reset endpoint, without retries."""
    # moto rebuilds IAM managed policies on reset: seconds on a busy machine (tests/conftest.py).
    urllib3.request("POST", f"{signed.url}/moto-api/reset", timeout=60)

    def make(
        service: str, key: str = KEY, secret: str = SECRET, signature_version: str | None = None
    ) -> Any:
        return boto3.client(
            service,
            endpoint_url=signed.url,
            region_name=REGION,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=_NO_RETRY.merge(Config(signature_version=signature_version)),
        )

    yield make


def refused(call: Callable[[], Any]) -> tuple[int, str]:
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response
    return error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"]


def test_signed_clients_reach_every_service(client):
    personalize = client("personalize")
    assert personalize.list_recipes()["recipes"]
    group = personalize.create_dataset_group(name="signed")["datasetGroupArn"]
    assert personalize.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]["name"]
    # Reaching the handlers (not the signature check) shows as the service's own errors.
    campaign = f"arn:aws:personalize:{REGION}:123456789012:campaign/none"
    assert refused(
        lambda: client("personalize-runtime").get_recommendations(campaignArn=campaign, userId="u")
    ) == (404, "ResourceNotFoundException")
    dataset(SimpleNamespace(personalize=personalize), group, "Interactions")
    tracker = personalize.create_event_tracker(name="t", datasetGroupArn=group)
    client("personalize-events").put_events(
        trackingId=tracker["trackingId"],
        userId="u1",
        sessionId="s1",
        eventList=[{"eventType": "watch", "itemId": "i1", "sentAt": 1_700_000_000}],
    )
    s3 = client("s3")
    s3.create_bucket(Bucket="signed-bucket")
    s3.put_object(Bucket="signed-bucket", Key="dir/a b+c=é.csv", Body=b"x,y\n1,2\n")
    body = s3.get_object(Bucket="signed-bucket", Key="dir/a b+c=é.csv")["Body"].read()
    assert body == b"x,y\n1,2\n"
    assert s3.list_objects_v2(Bucket="signed-bucket", Prefix="dir/a b")["KeyCount"] == 1
    iam = client("iam")
    iam.create_role(RoleName="signed-role", AssumeRolePolicyDocument="{}")
    assert iam.get_role(RoleName="signed-role")["Role"]["RoleName"] == "signed-role"
    assert client("sts").get_caller_identity()["Account"] == "123456789012"
    assert client("cloudformation").list_stacks()["StackSummaries"] == []
    assert client("sagemaker").list_notebook_instances()["NotebookInstances"] == []
    ssm = client("ssm")
    ssm.put_parameter(Name="/workshop/bucket", Value="signed-bucket", Type="String")
    assert ssm.get_parameter(Name="/workshop/bucket")["Parameter"]["Value"] == "signed-bucket"


@pytest.mark.parametrize(
    ("service", "call", "wrong_secret", "unknown_key"),
    [
        (
            "personalize",
            lambda c: c.list_recipes(),
            (403, "InvalidSignatureException"),
            (403, "UnrecognizedClientException"),
        ),
        (
            "personalize-events",
            lambda c: c.put_users(
                datasetArn="arn:aws:personalize:::dataset/x", users=[{"userId": "u"}]
            ),
            (403, "InvalidSignatureException"),
            (403, "UnrecognizedClientException"),
        ),
        (
            "s3",
            lambda c: c.list_buckets(),
            (403, "SignatureDoesNotMatch"),
            (403, "InvalidAccessKeyId"),
        ),
        (
            "iam",
            lambda c: c.list_roles(),
            (403, "SignatureDoesNotMatch"),
            (403, "InvalidClientTokenId"),
        ),
        (
            "sts",
            lambda c: c.get_caller_identity(),
            (403, "SignatureDoesNotMatch"),
            (403, "InvalidClientTokenId"),
        ),
        (
            "ssm",
            lambda c: c.describe_parameters(),
            (403, "InvalidSignatureException"),
            (403, "UnrecognizedClientException"),
        ),
    ],
)
def test_wrong_secret_and_unknown_key_are_refused(client, service, call, wrong_secret, unknown_key):
    assert refused(lambda: call(client(service, secret="not-the-secret"))) == wrong_secret
    assert refused(lambda: call(client(service, key="AKIDSOMEONEELSE"))) == unknown_key


def test_unsigned_requests_are_refused_in_each_protocol(signed, client):
    client("s3").create_bucket(Bucket="open-bucket")
    answer = urllib3.request(
        "POST",
        signed.url,
        body=b"{}",
        headers={
            "X-Amz-Target": "AmazonPersonalize.ListRecipes",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    assert answer.status == 403
    assert json.loads(answer.data) == {
        "__type": "MissingAuthenticationTokenException",
        "message": "Missing Authentication Token",
    }
    answer = urllib3.request("GET", f"{signed.url}/open-bucket")
    assert answer.status == 403
    assert b"<Code>AccessDenied</Code>" in answer.data
    answer = urllib3.request(
        "POST",
        signed.url,
        body=b"Action=GetCallerIdentity&Version=2011-06-15",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert answer.status == 403
    assert b"<ErrorResponse><Error>" in answer.data
    assert b"<Code>MissingAuthenticationToken</Code>" in answer.data


def _tamper(old: bytes, new: bytes) -> Callable[..., None]:
    """A before-send hook changing the body after it was signed (same length, so it is sent)."""

    def hook(request: Any, **kwargs: Any) -> None:
        body = request.body
        if hasattr(body, "read"):  # S3 streams its bodies
            body = body.read()
        body = body.encode() if isinstance(body, str) else body
        assert old in body, body
        request.body = body.replace(old, new)

    return hook


def test_a_tampered_body_is_refused(client):
    personalize = client("personalize")
    personalize.meta.events.register(
        "before-send.personalize.CreateDatasetGroup", _tamper(b"group-aa", b"group-bb")
    )
    assert refused(lambda: personalize.create_dataset_group(name="group-aa")) == (
        403,
        "InvalidSignatureException",
    )
    assert client("personalize").list_dataset_groups()["datasetGroups"] == []
    iam = client("iam")
    iam.meta.events.register("before-send.iam.CreateRole", _tamper(b"role-aa", b"role-bb"))
    assert refused(lambda: iam.create_role(RoleName="role-aa", AssumeRolePolicyDocument="{}")) == (
        403,
        "SignatureDoesNotMatch",
    )
    # S3 compares the body with the x-amz-content-sha256 it declared, as AWS does (a 400).
    s3 = client("s3")
    s3.create_bucket(Bucket="tamper-bucket")
    s3.meta.events.register("before-send.s3.PutObject", _tamper(b"honest", b"forged"))
    assert refused(lambda: s3.put_object(Bucket="tamper-bucket", Key="k", Body=b"honest")) == (
        400,
        "XAmzContentSHA256Mismatch",
    )
    assert client("s3").list_objects_v2(Bucket="tamper-bucket")["KeyCount"] == 0


def _signing_clock(monkeypatch: pytest.MonkeyPatch, offset: datetime.timedelta) -> None:
    """Make botocore sign (and presign) as if its clock were ``offset`` away from the server's."""
    real = botocore.auth.get_current_datetime

    def skewed(remove_tzinfo: bool = True) -> datetime.datetime:
        return real(remove_tzinfo) + offset

    monkeypatch.setattr(botocore.auth, "get_current_datetime", skewed)


@pytest.mark.parametrize("minutes", [-20, 20])
def test_clock_skew_over_15_minutes_is_refused(client, monkeypatch, minutes):
    personalize, s3, sts = client("personalize"), client("s3"), client("sts")
    _signing_clock(monkeypatch, datetime.timedelta(minutes=minutes))
    with pytest.raises(ClientError) as info:
        personalize.list_recipes()
    assert info.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert info.value.response["Error"]["Message"].startswith("Signature ")
    assert refused(s3.list_buckets) == (403, "RequestTimeTooSkewed")
    assert refused(sts.get_caller_identity) == (403, "SignatureDoesNotMatch")


def test_clock_skew_within_15_minutes_is_accepted(client, monkeypatch):
    _signing_clock(monkeypatch, datetime.timedelta(minutes=-10))
    assert client("personalize").list_recipes()["recipes"]
    assert client("s3").list_buckets()["Buckets"] == []


@pytest.mark.parametrize("version", ["s3v4", None])
def test_presigned_urls(client, monkeypatch, version):
    """SigV4 presigned URLs, and the SigV2 ones boto3 makes when no signature version is set."""
    s3 = client("s3", signature_version=version)
    s3.create_bucket(Bucket="presigned-bucket")
    s3.put_object(Bucket="presigned-bucket", Key="data/ratings file.csv", Body=b"a,b\n")
    params = {"Bucket": "presigned-bucket", "Key": "data/ratings file.csv"}
    url = s3.generate_presigned_url("get_object", Params=params, ExpiresIn=600)
    assert ("X-Amz-Signature=" in url) == (version == "s3v4"), url
    answer = urllib3.request("GET", url)
    assert (answer.status, answer.data) == (200, b"a,b\n")
    # Another key under the same signature does not match it.
    other = urllib3.request("GET", url.replace("ratings%20file", "ratings%20fila"))
    assert other.status == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in other.data
    # Signed two hours ago for one hour (SigV4), or already past its Expires (SigV2): expired.
    _signing_clock(monkeypatch, datetime.timedelta(hours=-2))
    monkeypatch.setattr(HmacV1QueryAuth, "_get_date", lambda self: str(int(time.time()) - 5))
    expired = s3.generate_presigned_url("get_object", Params=params, ExpiresIn=3600)
    answer = urllib3.request("GET", expired)
    assert answer.status == 403
    assert b"<Code>AccessDenied</Code><Message>Request has expired</Message>" in answer.data
    monkeypatch.undo()
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": "presigned-bucket", "Key": "up.csv"}, ExpiresIn=60
    )
    assert urllib3.request("PUT", put_url, body=b"uploaded").status == 200
    assert s3.get_object(Bucket="presigned-bucket", Key="up.csv")["Body"].read() == b"uploaded"


def test_multipart_upload(client):
    s3 = client("s3")
    s3.create_bucket(Bucket="multipart-bucket")
    data = bytes(range(256)) * (6 * 1024 * 1024 // 256 + 1)
    config = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024**2)
    s3.upload_fileobj(io.BytesIO(data), "multipart-bucket", "big.bin", Config=config)
    head = s3.head_object(Bucket="multipart-bucket", Key="big.bin")
    assert head["ETag"].endswith('-2"')  # two parts: create, two uploads and complete, signed
    assert s3.get_object(Bucket="multipart-bucket", Key="big.bin")["Body"].read() == data


class _StreamingSigner(S3SigV4Auth):
    """Signs as SDKs do for aws-chunked uploads: the payload hash is the STREAMING-* marker."""

    def payload(self, request: AWSRequest) -> str:
        return "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"


def _aws_chunked(data: bytes, size: int = 1000) -> bytes:
    chunks = [data[i : i + size] for i in range(0, len(data), size)] + [b""]
    # Chunk signatures are not verified by the endpoint (moto strips them), so any will do.
    return b"".join(
        f"{len(chunk):x};chunk-signature={'0' * 64}\r\n".encode() + chunk + b"\r\n"
        for chunk in chunks
    )


def _streaming_put(url: str, data: bytes, secret: str) -> urllib3.BaseHTTPResponse:
    request = AWSRequest(
        method="PUT",
        url=url,
        headers={
            "Content-Encoding": "aws-chunked",
            "X-Amz-Decoded-Content-Length": str(len(data)),
        },
        data=_aws_chunked(data),
    )
    _StreamingSigner(Credentials(KEY, secret), "s3", REGION).add_auth(request)
    assert request.headers["X-Amz-Content-SHA256"] == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    return urllib3.request("PUT", url, body=request.body, headers=dict(request.headers.items()))


def test_aws_chunked_streaming_upload(signed, client):
    s3 = client("s3")
    s3.create_bucket(Bucket="chunked-bucket")
    data = b"USER_ID,ITEM_ID\n" + b"u1,i1\n" * 500
    url = f"{signed.url}/chunked-bucket/streamed.csv"
    assert _streaming_put(url, data, SECRET).status == 200
    assert s3.get_object(Bucket="chunked-bucket", Key="streamed.csv")["Body"].read() == data
    refusal = _streaming_put(url, data, "not-the-secret")
    assert refusal.status == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in refusal.data


def test_moto_api_is_refused_off_loopback_and_open_on_it(signed, client):
    client("s3").create_bucket(Bucket="before-reset")
    # The endpoint's own WSGI application, as a remote client would reach it.
    environ = EnvironBuilder(
        path="/moto-api/reset", method="POST", environ_base={"REMOTE_ADDR": "10.1.2.3"}
    ).get_environ()
    answered: list[str] = []
    b"".join(signed.app(environ, lambda status, headers, exc_info=None: answered.append(status)))
    assert answered == ["403 Forbidden"]
    assert [b["Name"] for b in client("s3").list_buckets()["Buckets"]] == ["before-reset"]
    assert urllib3.request("POST", f"{signed.url}/moto-api/reset").status == 200
    assert client("s3").list_buckets()["Buckets"] == []


def test_background_import_job_signs_with_the_configured_credentials(signed, client):
    aws = SimpleNamespace(personalize=client("personalize"), s3=client("s3"), iam=client("iam"))
    role = workshop_bucket(aws)
    location = put(aws, "data/interactions.csv", interactions_csv())
    interactions = dataset(aws, dataset_group(aws, "signed-import"), "Interactions")
    arn = aws.personalize.create_dataset_import_job(
        jobName="signed-import",
        datasetArn=interactions,
        dataSource={"dataLocation": location},
        roleArn=role,
    )["datasetImportJobArn"]
    job = settle(
        lambda: aws.personalize.describe_dataset_import_job(datasetImportJobArn=arn),
        "datasetImportJob",
    )
    assert job["status"] == "ACTIVE", job.get("failureReason")
    assert location.startswith(f"s3://{BUCKET}/")
