"""Per-attendee names and the stack name: what 00_Setup computes before any resource exists."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from moto import mock_aws

from workshop import discovery


@pytest.fixture
def session(monkeypatch):
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", discovery.ATTENDEE_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.Session(region_name="us-east-1")


def test_stack_name_from_env_then_lifecycle_file_then_default(tmp_path):
    lifecycle = tmp_path / "lifecycle.json"
    missing = tmp_path / "absent.json"
    assert discovery.find_stack_name({}, missing) == "PersonalizePOC"
    lifecycle.write_text(json.dumps({"stackName": "TeamA"}))
    assert discovery.find_stack_name({}, lifecycle) == "TeamA"
    assert discovery.find_stack_name({"WORKSHOP_STACK_NAME": "TeamB"}, lifecycle) == "TeamB"
    lifecycle.write_text("not json")
    assert discovery.find_stack_name({}, lifecycle) == "PersonalizePOC"
    assert discovery.parameter_names("TeamA") == (
        "/personalize-workshop/TeamA/bucket-name",
        "/personalize-workshop/TeamA/personalize-role-arn",
    )


def test_attendee_from_env_then_notebook_instance_then_caller(session, tmp_path):
    metadata = tmp_path / "resource-metadata.json"
    missing = tmp_path / "absent.json"
    assert discovery.attendee(session, {"WORKSHOP_ATTENDEE": "Kim Min-su"}, missing) == "kim-min-su"
    metadata.write_text(json.dumps({"ResourceName": "PersonalizeWorkshop-Notebook-7"}))
    from_instance = discovery.attendee(session, {}, metadata)
    assert re.fullmatch(r"perso-[0-9a-f]{6}", from_instance)  # long names: start and a hash
    metadata.write_text(json.dumps({"ResourceName": "PersonalizeWorkshop-Notebook-8"}))
    assert discovery.attendee(session, {}, metadata) != from_instance
    from_caller = discovery.attendee(session, {}, missing)
    assert re.fullmatch(r"[0-9a-f]{6}", from_caller)
    assert discovery.attendee(session, {}, missing) == from_caller  # stable


def test_two_callers_in_one_account_get_different_prefixes(session, tmp_path):
    missing = tmp_path / "absent.json"
    iam = session.client("iam")
    prefixes = set()
    for user in ("alice", "bob"):
        iam.create_user(UserName=user)
        key = iam.create_access_key(UserName=user)["AccessKey"]
        caller = boto3.Session(
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
            region_name="us-east-1",
        )
        prefixes.add(discovery.workshop_prefix(discovery.attendee(caller, {}, missing)))
    assert len(prefixes) == 2
    longest = max(prefixes, key=len) + "-user-personalization-v2-hpo"
    assert len(longest) <= 63  # Personalize's name limit


def test_discover_reads_the_parameters_of_its_stack(session, monkeypatch):
    s3 = session.client("s3")
    s3.create_bucket(Bucket="team-a-bucket")
    role = "arn:aws:iam::123456789012:role/TeamARole"
    bucket_name, role_name = discovery.parameter_names("TeamA")
    ssm = session.client("ssm")
    ssm.put_parameter(Name=bucket_name, Value="team-a-bucket", Type="String")
    ssm.put_parameter(Name=role_name, Value=role, Type="String")
    monkeypatch.setenv(discovery.STACK_NAME_ENV, "TeamA")
    found = discovery.discover(session)
    assert (found.bucket, found.role_arn, found.source) == ("team-a-bucket", role, "ssm")


def test_mask_account_keeps_the_last_four_digits():
    assert discovery.mask_account("123456789012") == "********9012"
