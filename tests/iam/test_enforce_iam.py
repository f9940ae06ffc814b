"""``--enforce-iam`` on the wire: Personalize's checks, moto's access control, the auth log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from personalize_local.config import Settings
from personalize_local.server import LocalServer
from personalize_local.testing.schemas import field, record

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROOT = ("root-key", "root-secret-for-tests")
SCHEMA = json.dumps(
    record(
        "Interactions",
        [field("USER_ID", "string"), field("ITEM_ID", "string"), field("TIMESTAMP", "long")],
    )
)


@pytest.fixture(scope="module")
def enforced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalServer, Path]]:
    log = tmp_path_factory.mktemp("iam") / "auth.jsonl"
    settings = Settings(
        seed=3,
        transition_seconds=0.0,
        enforce_iam=True,
        auth_log=str(log),
        access_key_id=ROOT[0],
        secret_access_key=ROOT[1],
    )
    with LocalServer(settings=settings) as local:
        yield local, log


def _session(local: LocalServer, key: str, secret: str, token: str | None = None) -> boto3.Session:
    return boto3.Session(
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        region_name=REGION,
    )


def _client(local: LocalServer, service: str, credentials: tuple[str, ...]) -> object:
    return _session(local, *credentials).client(service, endpoint_url=local.url)


def _user(local: LocalServer, name: str, statements: list[dict]) -> tuple[str, str]:
    """An IAM user with one inline policy, and its access key (made by the root)."""
    iam = _client(local, "iam", ROOT)
    iam.create_user(UserName=name)
    policy = {"Version": "2012-10-17", "Statement": statements}
    iam.put_user_policy(UserName=name, PolicyName="test", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str]:
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def test_ungranted_personalize_action_is_denied(enforced) -> None:
    local, _ = enforced
    key = _user(
        local,
        "schema-maker",
        [
            {
                "Effect": "Allow",
                "Action": "personalize:CreateSchema",
                "Resource": f"arn:aws:personalize:{REGION}:{ACCOUNT}:schema/personalize-workshop-*",
            }
        ],
    )
    personalize = _client(local, "personalize", key)
    created = personalize.create_schema(name="personalize-workshop-a", schema=SCHEMA)
    assert created["schemaArn"].endswith(":schema/personalize-workshop-a")
    with pytest.raises(ClientError) as raised:
        personalize.create_schema(name="someone-else", schema=SCHEMA)
    code, status, message = _error(raised)
    assert (code, status) == ("AccessDeniedException", 400)
    assert message.startswith(
        f"User: arn:aws:iam::{ACCOUNT}:user/schema-maker is not authorized to perform: "
        f"personalize:CreateSchema on resource: arn:aws:personalize:{REGION}:{ACCOUNT}"
        ":schema/someone-else"
    )
    with pytest.raises(ClientError) as raised:
        personalize.create_dataset_group(name="personalize-workshop-a")
    assert _error(raised)[0] == "AccessDeniedException"
    assert "personalize:CreateDatasetGroup" in _error(raised)[2]


def test_missing_pass_role_is_denied(enforced) -> None:
    local, _ = enforced
    iam = _client(local, "iam", ROOT)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "personalize.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = iam.create_role(RoleName="pl-import-role", AssumeRolePolicyDocument=json.dumps(trust))
    role_arn = role["Role"]["Arn"]
    root_personalize = _client(local, "personalize", ROOT)
    group = root_personalize.create_dataset_group(name="pass-role-group")["datasetGroupArn"]
    schema = root_personalize.create_schema(name="pass-role-schema", schema=SCHEMA)["schemaArn"]
    dataset = root_personalize.create_dataset(
        name="pass-role-ds",
        datasetGroupArn=group,
        datasetType="Interactions",
        schemaArn=schema,
    )["datasetArn"]
    allow_import = {
        "Effect": "Allow",
        "Action": "personalize:CreateDatasetImportJob",
        "Resource": "*",
    }
    key = _user(local, "no-pass-role", [allow_import])
    request = {
        "jobName": "job",
        "datasetArn": dataset,
        "dataSource": {"dataLocation": "s3://nowhere/data.csv"},
        "roleArn": role_arn,
    }
    with pytest.raises(ClientError) as raised:
        _client(local, "personalize", key).create_dataset_import_job(**request)
    code, status, message = _error(raised)
    assert (code, status) == ("AccessDeniedException", 400)
    assert f"perform: iam:PassRole on resource: {role_arn}" in message

    # PassRole to another service does not count: the condition names Personalize.
    pass_elsewhere = {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": role_arn,
        "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
    }
    key = _user(local, "pass-elsewhere", [allow_import, pass_elsewhere])
    with pytest.raises(ClientError) as raised:
        _client(local, "personalize", key).create_dataset_import_job(**request)
    assert "iam:PassRole" in _error(raised)[2]

    pass_here = {
        **pass_elsewhere,
        "Condition": {"StringEquals": {"iam:PassedToService": "personalize.amazonaws.com"}},
    }
    key = _user(local, "pass-here", [allow_import, pass_here])
    job = _client(local, "personalize", key).create_dataset_import_job(**request)
    assert job["datasetImportJobArn"].endswith("/job")


def test_s3_outside_the_bucket_is_denied_by_moto(enforced) -> None:
    local, _ = enforced
    s3_root = _client(local, "s3", ROOT)
    for bucket in ("pl-mine", "pl-theirs"):
        s3_root.create_bucket(Bucket=bucket)
        s3_root.put_object(Bucket=bucket, Key="data/x.csv", Body=b"a")
    key = _user(
        local,
        "bucket-user",
        [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": "arn:aws:s3:::pl-mine/*",
            }
        ],
    )
    s3 = _client(local, "s3", key)
    assert s3.get_object(Bucket="pl-mine", Key="data/x.csv")["Body"].read() == b"a"
    with pytest.raises(ClientError) as raised:
        s3.get_object(Bucket="pl-theirs", Key="data/x.csv")
    code, status, _ = _error(raised)
    assert (code, status) == ("AccessDenied", 403)


def test_explicit_deny_beats_allow(enforced) -> None:
    local, log = enforced
    key = _user(
        local,
        "denied-user",
        [
            {"Sid": "All", "Effect": "Allow", "Action": "personalize:*", "Resource": "*"},
            {
                "Sid": "NoGroups",
                "Effect": "Deny",
                "Action": "personalize:CreateDatasetGroup",
                "Resource": "*",
            },
        ],
    )
    personalize = _client(local, "personalize", key)
    personalize.list_dataset_groups()
    with pytest.raises(ClientError) as raised:
        personalize.create_dataset_group(name="forbidden")
    code, _, message = _error(raised)
    assert code == "AccessDeniedException"
    assert message.endswith("with an explicit deny in an identity-based policy")
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    mine = [line for line in lines if line["principal"].endswith(":user/denied-user")]
    assert [(x["action"], x["decision"], x["statement"]) for x in mine] == [
        ("personalize:ListDatasetGroups", "allowed", "test#All"),
        ("personalize:CreateDatasetGroup", "denied", "test#NoGroups"),
    ]
    assert mine[1]["resource"] == f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-group/forbidden"


def test_assumed_role_credentials_and_bad_credentials(enforced) -> None:
    local, _log = enforced
    iam = _client(local, "iam", ROOT)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/assumer"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = iam.create_role(RoleName="pl-reader", AssumeRolePolicyDocument=json.dumps(trust))
    reader = {"Effect": "Allow", "Action": "personalize:ListRecipes", "Resource": "*"}
    iam.put_role_policy(
        RoleName="pl-reader",
        PolicyName="read",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [reader]}),
    )
    assume = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role["Role"]["Arn"]}
    assumer = _user(local, "assumer", [assume])
    stranger = _user(local, "stranger", [assume])
    credentials = _client(local, "sts", assumer).assume_role(
        RoleArn=role["Role"]["Arn"], RoleSessionName="s1"
    )["Credentials"]
    session = (
        credentials["AccessKeyId"],
        credentials["SecretAccessKey"],
        credentials["SessionToken"],
    )
    personalize = _client(local, "personalize", session)
    assert personalize.list_recipes()["recipes"]
    with pytest.raises(ClientError) as raised:
        personalize.list_solutions()
    assert "assumed-role/pl-reader/s1 is not authorized" in _error(raised)[2]

    # A role that does not trust the caller: the trust policy names another user.
    with pytest.raises(ClientError) as raised:
        _client(local, "sts", stranger).assume_role(
            RoleArn=role["Role"]["Arn"], RoleSessionName="s2"
        )
    assert _error(raised)[0] == "AccessDenied"

    # A wrong session token, and a key nobody issued.
    for wrong in ((*session[:2], "not-the-token"), ("AKIAUNKNOWN000000000", "x")):
        with pytest.raises(ClientError) as raised:
            _client(local, "personalize", wrong).list_recipes()
        code, status, _ = _error(raised)
        assert status == 403
        assert code in ("UnrecognizedClientException", "InvalidSignatureException")


def test_s3_checks_are_the_iam_actions_of_the_service_authorization_reference(enforced) -> None:
    """ListObjectVersions is authorized as s3:ListBucketVersions, HeadBucket as s3:ListBucket,
    and DeleteObjects per key as s3:DeleteObjectVersion (with a version) on each object."""
    local, log = enforced
    s3_root = _client(local, "s3", ROOT)
    s3_root.create_bucket(Bucket="pl-versions")
    s3_root.put_bucket_versioning(
        Bucket="pl-versions", VersioningConfiguration={"Status": "Enabled"}
    )
    versions = {
        key: s3_root.put_object(Bucket="pl-versions", Key=key, Body=b"x")["VersionId"]
        for key in ("data/a.csv", "private/b.csv")
    }
    key = _user(
        local,
        "version-cleaner",
        [
            {
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:ListBucketVersions"],
                "Resource": "arn:aws:s3:::pl-versions",
            },
            {
                "Effect": "Allow",
                "Action": "s3:DeleteObjectVersion",
                "Resource": "arn:aws:s3:::pl-versions/data/*",
            },
        ],
    )
    s3 = _client(local, "s3", key)
    s3.head_bucket(Bucket="pl-versions")
    listed = s3.list_object_versions(Bucket="pl-versions", Prefix="data/")
    assert [v["Key"] for v in listed["Versions"]] == ["data/a.csv"]

    # A key outside data/: AWS answers per key, inside a 200.
    both = [{"Key": k, "VersionId": v} for k, v in versions.items()]
    answer = s3.delete_objects(Bucket="pl-versions", Delete={"Objects": both})
    assert {e["Key"]: e["Code"] for e in answer["Errors"]} == {
        "data/a.csv": "AccessDenied",
        "private/b.csv": "AccessDenied",
    }
    mine = [{"Key": "data/a.csv", "VersionId": versions["data/a.csv"]}]
    answer = s3.delete_objects(Bucket="pl-versions", Delete={"Objects": mine})
    assert [d["Key"] for d in answer["Deleted"]] == ["data/a.csv"]
    assert not answer.get("Errors")

    lines = [json.loads(line) for line in log.read_text().splitlines()]
    decided = [
        (x["action"], x["resource"].removeprefix("arn:aws:s3:::pl-versions"), x["decision"])
        for x in lines
        if x["principal"].endswith(":user/version-cleaner")
    ]
    assert decided == [
        ("s3:ListBucket", "", "allowed"),
        ("s3:ListBucketVersions", "", "allowed"),
        ("s3:DeleteObjectVersion", "/data/a.csv", "allowed"),
        ("s3:DeleteObjectVersion", "/private/b.csv", "denied"),
        ("s3:DeleteObjectVersion", "/data/a.csv", "allowed"),
    ]


def test_malformed_identity_policy_is_refused_and_leaves_the_role_unchanged(enforced) -> None:
    local, _ = enforced
    iam = _client(local, "iam", ROOT)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName="pl-malformed", AssumeRolePolicyDocument=json.dumps(trust))
    malformed = (
        "{not json",
        json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}),
        json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "s3:*"}]}),
    )
    for document in malformed:
        with pytest.raises(ClientError) as raised:
            iam.put_role_policy(
                RoleName="pl-malformed", PolicyName="broken", PolicyDocument=document
            )
        code, status, _ = _error(raised)
        assert (code, status) == ("MalformedPolicyDocument", 400)
    assert iam.list_role_policies(RoleName="pl-malformed")["PolicyNames"] == []


def test_expired_session_credentials_get_the_expired_token_error(enforced) -> None:
    """An STS session past its Expiration gets the service's expired-token error, never a 5xx.
    Time is moved by ending the session in moto's STS backend."""
    from moto.sts.models import sts_backends

    local, _ = enforced
    iam = _client(local, "iam", ROOT)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = iam.create_role(RoleName="pl-expiring", AssumeRolePolicyDocument=json.dumps(trust))
    reader = {"Effect": "Allow", "Action": "personalize:ListRecipes", "Resource": "*"}
    iam.put_role_policy(
        RoleName="pl-expiring",
        PolicyName="read",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [reader]}),
    )
    found = _client(local, "sts", ROOT).assume_role(
        RoleArn=role["Role"]["Arn"], RoleSessionName="short"
    )["Credentials"]
    session = (found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"])
    personalize = _client(local, "personalize", session)
    assert personalize.list_recipes()["recipes"]
    (assumed,) = [
        s for s in sts_backends[ACCOUNT]["aws"].assumed_roles if s.access_key_id == session[0]
    ]
    assumed.expiration = assumed.expiration.replace(year=2000)
    with pytest.raises(ClientError) as raised:
        personalize.list_recipes()
    code, status, message = _error(raised)
    assert (code, status) == ("ExpiredTokenException", 403)
    assert "expired" in message
    # moto's services too, each in its own protocol's words.
    with pytest.raises(ClientError) as raised:
        _client(local, "s3", session).list_buckets()
    assert _error(raised)[:2] == ("ExpiredToken", 400)
    with pytest.raises(ClientError) as raised:
        _client(local, "sts", session).get_caller_identity()
    assert _error(raised)[:2] == ("ExpiredToken", 403)
    with pytest.raises(ClientError) as raised:
        _client(local, "ssm", session).get_parameters(Names=["/x"])
    assert _error(raised)[:2] == ("ExpiredTokenException", 403)
