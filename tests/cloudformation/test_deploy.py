"""Deploy PersonalizePOC.yaml on personalize-local and find its resources the way 00_Setup does.

personalize-local hands CloudFormation, S3, IAM, SSM and SageMaker to moto 5.2.5, whose
CloudFormation is partial. What it ignores is checked statically in test_template.py:

- ``AWS::S3::BucketPolicy``: not created at all (the stack shows it as an empty resource row);
- ``AWS::S3::Bucket``: only ``BucketName``, ``BucketEncryption`` and ``Tags`` are applied, not
  the public-access block, ownership controls, versioning or lifecycle rules;
- ``AWS::SageMaker::NotebookInstance``: only ``InstanceType`` and ``RoleArn`` (the name is
  generated; lifecycle configuration, volume size, platform, root access and IMDS are dropped);
- ``AWS::IAM::Role.ManagedPolicyArns`` (the template uses none);
- ``Custom::`` resources: moto tries to run the Lambda in Docker (here it logs "error running
  docker") and waits for its answer. The tests play the Lambda instead, running the template's
  own inline code against the endpoint, so the janitor's code is what gets tested;
- inline role policies created by the stack come back from ``GetRolePolicy`` as a Python repr
  string instead of a JSON document;
- a stack whose bucket is not empty is reported ``DELETE_COMPLETE`` while the bucket stays (AWS
  would fail the deletion), so the tests check that the bucket is really gone.

moto's S3 does evaluate bucket policies on object requests, but skips every condition operator
but StringEquals: a TLS-only Deny (``Bool aws:SecureTransport``) refuses every request, which on
a plain-HTTP endpoint is right anyway. ``workshop.discovery`` therefore adds that Deny only when
it talks to S3 over HTTPS.
"""

from __future__ import annotations

import ast
import base64
import json
import types
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from workshop import discovery

from . import TEMPLATE, load_template, scope_problems, statements

# moto warns on every deploy that it cannot create the bucket policy: known, and checked statically.
# (Dots stand for the colons of AWS::S3::BucketPolicy, which the filter syntax reserves.)
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS..S3..BucketPolicy:UserWarning")

REGION = "us-east-1"
STACK = "PersonalizePOC"
#: The template has no default repository (WorkshopRepositoryUrl is required).
REPOSITORY = "https://github.com/example/startup-personalize-workshop.git"
JANITOR = "EmptyDataBucketOnDelete"


@dataclass
class Deployed:
    stack_id: str
    outputs: dict[str, str]
    physical_ids: dict[str, str]

    @property
    def bucket(self) -> str:
        return self.outputs["BucketName"]


@pytest.fixture
def session(aws: Any, monkeypatch: pytest.MonkeyPatch) -> boto3.Session:
    """A session configured as an offline notebook is: only AWS_ENDPOINT_URL differs."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws.url)
    return boto3.Session(region_name=REGION)


def janitor() -> types.ModuleType:
    """The template's inline Lambda code, loaded as the module ``index``."""
    properties = load_template()["Resources"]["EmptyBucketFunction"]["Properties"]
    module = types.ModuleType("index")
    exec(compile(properties["Code"]["ZipFile"], "index.py", "exec"), module.__dict__)
    return module


def play_janitor(
    url: str, stack_id: str, bucket: str, request_type: str, response_url: str | None = None
) -> None:
    """Invoke the janitor as CloudFormation would; it answers on moto's response URL."""
    moto_response_url = f"{url}/cloudformation_{REGION}/cfnresponse?stack={stack_id}"
    event = {
        "RequestType": request_type,
        "ResponseURL": response_url or moto_response_url,
        "StackId": stack_id,
        "RequestId": str(uuid.uuid4()),
        "LogicalResourceId": JANITOR,
        "ResourceType": "Custom::EmptyBucket",
        "ResourceProperties": {"ServiceToken": "janitor", "BucketName": bucket},
    }
    if request_type != "Create":
        event["PhysicalResourceId"] = bucket
    janitor().handler(event, types.SimpleNamespace(log_stream_name="test"))


def create_stack(aws: Any) -> str:
    return aws.cloudformation.create_stack(
        StackName=STACK,
        TemplateBody=TEMPLATE.read_text(),
        Capabilities=["CAPABILITY_NAMED_IAM"],
        Parameters=[{"ParameterKey": "WorkshopRepositoryUrl", "ParameterValue": REPOSITORY}],
    )["StackId"]


def describe(aws: Any, stack_id: str) -> dict[str, Any]:
    return aws.cloudformation.describe_stacks(StackName=stack_id)["Stacks"][0]


def deploy(aws: Any, *, complete: bool = True) -> Deployed:
    """Create the stack; with ``complete``, answer for the custom resource as its Lambda would."""
    stack_id = create_stack(aws)
    # Every resource exists now, but the stack waits for the custom resource's answer.
    assert describe(aws, stack_id)["StackStatus"] == "CREATE_IN_PROGRESS"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in describe(aws, stack_id)["Outputs"]}
    if complete:
        complete_stack(aws, stack_id, outputs["BucketName"])
    rows = aws.cloudformation.list_stack_resources(StackName=stack_id)["StackResourceSummaries"]
    physical_ids = {
        row["LogicalResourceId"]: row["PhysicalResourceId"]
        for row in rows
        if row.get("LogicalResourceId")  # moto lists the ignored bucket policy as an empty row
    }
    return Deployed(stack_id, outputs, physical_ids)


def complete_stack(aws: Any, stack_id: str, bucket: str) -> None:
    play_janitor(aws.url, stack_id, bucket, "Create")
    aws.cloudformation.get_waiter("stack_create_complete").wait(
        StackName=stack_id, WaiterConfig={"Delay": 1, "MaxAttempts": 10}
    )


def role_name(arn: str) -> str:
    return arn.rsplit("/", 1)[1]


def inline_policies(aws: Any, role: str) -> dict[str, dict[str, Any]]:
    found = {}
    for name in aws.iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = aws.iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        if isinstance(document, str):
            # moto stores a stack's inline policies as str(dict), which botocore cannot decode.
            document = ast.literal_eval(document)
        found[name] = document
    return found


def bucket_policy(aws: Any, bucket: str) -> dict[str, Any]:
    return json.loads(aws.s3.get_bucket_policy(Bucket=bucket)["Policy"])


def sids(document: dict[str, Any]) -> list[str | None]:
    return [statement.get("Sid") for statement in statements(document)]


# ------------------------------------------------------------------------------------------------
# The stack
# ------------------------------------------------------------------------------------------------


def test_stack_deploys_and_moto_reports_its_resources_in_scope(aws: Any) -> None:
    stack = deploy(aws)
    assert describe(aws, stack.stack_id)["StackStatus"] == "CREATE_COMPLETE"
    assert set(stack.outputs) == {
        "BucketName",
        "PersonalizeRoleArn",
        "NotebookInstanceName",
        "NotebookRoleArn",
        "BucketNameParameter",
        "PersonalizeRoleArnParameter",
        "OpenJupyterLab",
    }
    account = aws.sts.get_caller_identity()["Account"]
    personalize_arn = stack.outputs["PersonalizeRoleArn"]

    # SSM parameters: what 00_Setup reads when it cannot read the outputs.
    bucket_parameter, role_parameter = discovery.parameter_names(STACK)
    found = aws.ssm.get_parameters(Names=[bucket_parameter, role_parameter])
    assert {p["Name"]: p["Value"] for p in found["Parameters"]} == {
        bucket_parameter: stack.bucket,
        role_parameter: personalize_arn,
    }
    assert stack.outputs["BucketNameParameter"] == bucket_parameter

    # The bucket: moto applies its name, encryption and tags (the rest: test_template.py).
    assert stack.bucket.startswith("personalizepoc-databucket-")  # generated: BucketName empty
    encryption = aws.s3.get_bucket_encryption(Bucket=stack.bucket)
    (rule,) = encryption["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    tags = aws.s3.get_bucket_tagging(Bucket=stack.bucket)["TagSet"]
    assert {"Key": "Project", "Value": "personalize-workshop"} in tags

    # The notebook: moto applies the instance type and role (the rest: test_template.py).
    notebook = aws.sagemaker.describe_notebook_instance(
        NotebookInstanceName=stack.outputs["NotebookInstanceName"]
    )
    assert notebook["NotebookInstanceStatus"] == "InService"
    assert notebook["RoleArn"] == stack.outputs["NotebookRoleArn"]
    assert notebook["InstanceType"] == "ml.t3.medium"
    name = stack.physical_ids["NotebookLifecycleConfig"].rsplit("/", 1)[1]
    config = aws.sagemaker.describe_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=name
    )
    on_create = base64.b64decode(config["OnCreate"][0]["Content"]).decode()
    assert f"REPO_URL='{REPOSITORY}'" in on_create
    assert "requirements.txt" in base64.b64decode(config["OnStart"][0]["Content"]).decode()

    # The roles, as IAM reports them.
    personalize = role_name(personalize_arn)
    trust = aws.iam.get_role(RoleName=personalize)["Role"]["AssumeRolePolicyDocument"]
    assert trust == discovery.personalize_trust_policy(account, REGION)
    assert inline_policies(aws, personalize) == {
        discovery.ROLE_POLICY_NAME: discovery.personalize_role_policy(stack.bucket)
    }
    roles = {
        "PersonalizeRole": personalize,
        "NotebookRole": role_name(stack.outputs["NotebookRoleArn"]),
        "EmptyBucketRole": stack.physical_ids["EmptyBucketRole"],
    }
    for logical_id, role in roles.items():
        # No managed policies (moto would ignore ManagedPolicyArns; the template has none).
        assert aws.iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []
        (document,) = inline_policies(aws, role).values()
        assert scope_problems(document, stack.bucket, personalize_arn) == [], logical_id
    (notebook_policy,) = inline_policies(aws, roles["NotebookRole"]).values()
    (pass_role,) = [s for s in statements(notebook_policy) if s["Sid"] == "PassPersonalizeRole"]
    assert pass_role["Resource"] == personalize_arn


# ------------------------------------------------------------------------------------------------
# What 00_Setup does: discovery
# ------------------------------------------------------------------------------------------------


def test_discover_finds_the_stack_and_deleting_it_removes_everything(
    aws: Any, session: boto3.Session
) -> None:
    stack = deploy(aws, complete=False)
    # Offline nobody answers for the custom resource unless a test does: while the stack is
    # CREATE_IN_PROGRESS its outputs are not trusted, and the SSM parameters already exist.
    found = discovery.discover(session)
    role_arn = stack.outputs["PersonalizeRoleArn"]
    assert found == discovery.WorkshopResources(stack.bucket, role_arn, "ssm")

    complete_stack(aws, stack.stack_id, stack.bucket)
    found = discovery.discover(session)
    assert found == discovery.WorkshopResources(stack.bucket, role_arn, "stack")
    # moto dropped the stack's bucket policy, so discovery merged the Personalize statements in;
    # not the TLS-only Deny: this endpoint is plain HTTP, so it would refuse every request.
    account = aws.sts.get_caller_identity()["Account"]
    expected = discovery.personalize_bucket_statements(stack.bucket, account)
    assert bucket_policy(aws, stack.bucket)["Statement"] == expected
    # Idempotent: a second run finds the same and writes nothing new.
    assert discovery.discover(session) == found
    assert bucket_policy(aws, stack.bucket)["Statement"] == expected

    # Deleting the stack. moto ignored VersioningConfiguration; turn it on as AWS would have.
    s3, bucket = aws.s3, stack.bucket
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="data/interactions.csv", Body=b"USER_ID,ITEM_ID\n1,2\n")
    s3.put_object(Bucket=bucket, Key="data/interactions.csv", Body=b"USER_ID,ITEM_ID\n1,3\n")
    s3.put_object(Bucket=bucket, Key="batch/output/users.json.out", Body=b"{}\n")
    s3.delete_object(Bucket=bucket, Key="batch/output/users.json.out")  # a delete marker
    versions = s3.list_object_versions(Bucket=bucket)
    assert len(versions["Versions"]) == 3 and len(versions["DeleteMarkers"]) == 1

    # CloudFormation deletes the custom resource (it depends on the bucket) before the bucket.
    play_janitor(aws.url, stack.stack_id, bucket, "Delete")
    versions = s3.list_object_versions(Bucket=bucket)
    assert "Versions" not in versions and "DeleteMarkers" not in versions

    aws.cloudformation.delete_stack(StackName=stack.stack_id)
    aws.cloudformation.get_waiter("stack_delete_complete").wait(
        StackName=stack.stack_id, WaiterConfig={"Delay": 1, "MaxAttempts": 10}
    )
    assert describe(aws, stack.stack_id)["StackStatus"] == "DELETE_COMPLETE"
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert aws.iam.list_roles()["Roles"] == []
    found_parameters = aws.ssm.get_parameters(Names=list(discovery.parameter_names(STACK)))
    assert found_parameters["Parameters"] == []
    assert aws.sagemaker.list_notebook_instances()["NotebookInstances"] == []


def test_discover_from_ssm_alone_keeps_the_bucket_policy(aws: Any, session: boto3.Session) -> None:
    # Resources provisioned elsewhere and published only in SSM; the bucket is shared.
    bucket, account = "shared-team-bucket", aws.sts.get_caller_identity()["Account"]
    aws.s3.create_bucket(Bucket=bucket)
    other = {
        "Sid": "OtherTeamReads",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/reports/*",
    }
    policy = {"Version": "2012-10-17", "Statement": [other]}
    aws.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    role_arn = aws.iam.create_role(
        RoleName="TeamPersonalizeRole",
        AssumeRolePolicyDocument=json.dumps(discovery.personalize_trust_policy(account, REGION)),
    )["Role"]["Arn"]
    bucket_parameter, role_parameter = discovery.parameter_names(discovery.DEFAULT_STACK_NAME)
    aws.ssm.put_parameter(Name=bucket_parameter, Value=bucket, Type="String")
    aws.ssm.put_parameter(Name=role_parameter, Value=role_arn, Type="String")

    found = discovery.discover(session)

    assert found == discovery.WorkshopResources(bucket, role_arn, "ssm")
    # The other team's statement stays; no TLS Deny is imposed on a shared bucket.
    assert bucket_policy(aws, bucket)["Statement"] == [
        other,
        *discovery.personalize_bucket_statements(bucket, account),
    ]
    assert [b["Name"] for b in aws.s3.list_buckets()["Buckets"]] == [bucket]


def test_discover_creates_the_resources_when_none_exist(aws: Any, session: boto3.Session) -> None:
    account = aws.sts.get_caller_identity()["Account"]
    found = discovery.discover(session)
    bucket, role = discovery.default_names(account, REGION)
    assert found == discovery.WorkshopResources(
        bucket, f"arn:aws:iam::{account}:role/{role}", "created"
    )

    # The bucket has the template's protections (here moto applies them all).
    s3 = aws.s3
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"], True
    )
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
    assert ownership == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert {r["ID"] for r in rules} == {"ExpireOldVersions", "AbortIncompleteUploads"}
    # No TLS-only Deny over this plain-HTTP endpoint (it would lock everyone out, us too).
    expected_statements = discovery.personalize_bucket_statements(bucket, account)
    assert bucket_policy(aws, bucket)["Statement"] == expected_statements
    s3.put_object(Bucket=bucket, Key="data/ratings.csv", Body=b"USER_ID,ITEM_ID\n1,2\n")
    assert s3.get_object(Bucket=bucket, Key="data/ratings.csv")["Body"].read()

    # The role: Personalize only, for this account and Region, scoped to the bucket.
    assert aws.iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"] == (
        discovery.personalize_trust_policy(account, REGION)
    )
    assert inline_policies(aws, role) == {
        discovery.ROLE_POLICY_NAME: discovery.personalize_role_policy(bucket)
    }
    assert aws.iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"] == []

    # Idempotent: the same bucket and role, nothing duplicated.
    assert discovery.discover(session) == found
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [bucket]
    assert [r["RoleName"] for r in aws.iam.list_roles()["Roles"]] == [role]
    assert bucket_policy(aws, bucket)["Statement"] == expected_statements


def test_bucket_policy_merge_keeps_existing_statements_and_removal_leaves_them(
    aws: Any,
) -> None:
    s3, bucket = aws.s3, "workshop-policy-merge"
    account = aws.sts.get_caller_identity()["Account"]
    s3.create_bucket(Bucket=bucket)
    existing = [
        {
            "Sid": "AnalyticsReadsReports",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/reports/*",
        },
        {  # a statement without Sid is kept too
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:DeleteBucket",
            "Resource": f"arn:aws:s3:::{bucket}",
        },
    ]
    s3.put_bucket_policy(
        Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": existing})
    )
    personalize = discovery.personalize_bucket_statements(bucket, account)

    merged = discovery.add_personalize_statements(s3, bucket, account)
    assert merged["Statement"] == existing + personalize
    assert bucket_policy(aws, bucket) == merged
    # Merge by Sid: adding again replaces, never duplicates.
    discovery.add_personalize_statements(s3, bucket, account)
    assert bucket_policy(aws, bucket)["Statement"] == existing + personalize

    remaining = discovery.remove_personalize_statements(s3, bucket)
    assert remaining is not None
    assert bucket_policy(aws, bucket)["Statement"] == existing == remaining["Statement"]
    assert discovery.remove_personalize_statements(s3, bucket) == remaining  # nothing to remove

    # With the TLS Deny: removal takes Personalize's statements only.
    discovery.add_personalize_statements(s3, bucket, account, deny_insecure_transport=True)
    discovery.remove_personalize_statements(s3, bucket)
    assert sids(bucket_policy(aws, bucket)) == ["AnalyticsReadsReports", None, discovery.TLS_SID]

    # A policy of Personalize statements only is deleted, not left empty.
    s3.delete_bucket_policy(Bucket=bucket)
    discovery.add_personalize_statements(s3, bucket, account)
    assert discovery.remove_personalize_statements(s3, bucket) is None
    with pytest.raises(ClientError) as missing:
        s3.get_bucket_policy(Bucket=bucket)
    assert missing.value.response["Error"]["Code"] == "NoSuchBucketPolicy"


# ------------------------------------------------------------------------------------------------
# The janitor's own answers
# ------------------------------------------------------------------------------------------------


def test_janitor_answers_success_for_a_missing_bucket_and_failure_on_errors(
    endpoint_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Creates nothing, so it needs no reset of the endpoint.
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint_url)
    answers: list[dict[str, Any]] = []

    class Answer:
        def __enter__(self) -> Answer:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def read(self) -> bytes:
            return b""

    def capture(request: urllib.request.Request, timeout: float) -> Answer:
        assert request.get_method() == "PUT"
        answers.append(json.loads(request.data))
        return Answer()

    monkeypatch.setattr(urllib.request, "urlopen", capture)
    url = "https://cloudformation-custom-resource-response.example/answer"
    play_janitor(endpoint_url, "stack", "no-such-bucket", "Delete", response_url=url)
    play_janitor(endpoint_url, "stack", "Not A Valid Bucket Name!", "Delete", response_url=url)

    gone, broken = answers
    assert gone["Status"] == "SUCCESS" and gone["PhysicalResourceId"] == "no-such-bucket"
    assert broken["Status"] == "FAILED" and broken["Reason"]
    assert broken["LogicalResourceId"] == JANITOR
