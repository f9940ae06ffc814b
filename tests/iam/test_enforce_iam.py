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

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROOT = ("root-key", "root-secret-for-tests")
SCHEMA = json.dumps(
    {
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
