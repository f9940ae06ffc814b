"""Static checks of cloudformation/PersonalizePOC.yaml: linters, suppressions, policy scope.

The parts moto's CloudFormation ignores (the bucket policy, the bucket's public-access block,
ownership, versioning and lifecycle, most notebook properties) are checked here, on the
template itself.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from workshop import discovery

from . import (
    README,
    ROOT,
    TEMPLATE,
    as_list,
    load_template,
    policy_documents,
    resolve,
    scope_problems,
    statements,
)

CHECKOV = ROOT / ".venv-tools" / "bin" / "checkov"
ACCOUNT = "123456789012"
REGION = "us-east-1"
BUCKET = "personalizepoc-databucket-example"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
PERSONALIZE_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/PersonalizePOC-PersonalizeRole-EXAMPLE"
STACK_UUID = "90d41edb-8c77-461f-b8d7-8dadb1c104b5"
#: The attendee id the stack names its notebooks' Personalize resources with.
ATTENDEE = "90d41edb"
# Stand-ins for what CloudFormation would substitute, to read the policies as plain strings.
NAMES = {
    "AWS::AccountId": ACCOUNT,
    "AWS::Region": REGION,
    "AWS::Partition": "aws",
    "AWS::StackName": "PersonalizePOC",
    "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/PersonalizePOC/{STACK_UUID}",
    "NotebookName": "PersonalizePOC",
    "DataBucket": BUCKET,
    "DataBucket.Arn": BUCKET_ARN,
    "PersonalizeRole.Arn": PERSONALIZE_ROLE_ARN,
    "EmptyBucketLogGroup.Arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:janitor:*",
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def role_policy(template: dict[str, Any], role: str) -> dict[str, Any]:
    (policy,) = template["Resources"][role]["Properties"]["Policies"]
    return resolve(policy["PolicyDocument"], NAMES)


def by_sid(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {statement["Sid"]: statement for statement in statements(document)}


def normalised(statement: dict[str, Any]) -> dict[str, Any]:
    """Single values and one-item lists compare equal; list order does not matter."""
    return {
        key: sorted(as_list(value)) if key in ("Action", "Resource") else value
        for key, value in statement.items()
    }


# ------------------------------------------------------------------------------------------------
# Linters
# ------------------------------------------------------------------------------------------------


def test_cfn_lint_reports_nothing() -> None:
    from cfnlint.api import ManualArgs, lint_file

    # Informational findings too, and Regions where the workshop has run (Seoul) or may run.
    config = ManualArgs(include_checks=["I"], regions=["us-east-1", "ap-northeast-2", "eu-west-1"])
    matches = lint_file(TEMPLATE, config)
    assert [str(match) for match in matches] == []


@pytest.fixture(scope="module")
def checkov() -> dict[str, Any]:
    if not CHECKOV.exists():
        pytest.fail(
            f"{CHECKOV} is missing: run `make install` (it installs requirements-tools.txt)"
        )
    # --skip-download: no calls to Prisma Cloud (offline, and faster).
    command = [
        str(CHECKOV),
        "-f",
        str(TEMPLATE),
        "--framework",
        "cloudformation",
        "--skip-download",
        "-o",
        "json",
    ]
    env = {**os.environ, "LOG_LEVEL": "ERROR"}
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"checkov gave no JSON (exit {done.returncode}):\n{done.stderr[-3000:]}")
    reports = report if isinstance(report, list) else [report]
    (cloudformation,) = [r for r in reports if r.get("check_type") == "cloudformation"]
    return cloudformation


def test_checkov_reports_no_failed_check(checkov: dict[str, Any]) -> None:
    results = checkov["results"]
    failed = [(c["check_id"], c["resource"], c["check_name"]) for c in results["failed_checks"]]
    assert failed == []
    assert results["parsing_errors"] == []
    assert checkov["summary"]["failed"] == 0
    assert checkov["summary"]["passed"] >= 40  # it really scanned the resources


def test_checkov_skips_all_carry_reasons_and_none_is_stale(
    checkov: dict[str, Any], template: dict[str, Any]
) -> None:
    skipped = checkov["results"]["skipped_checks"]
    assert all(c["check_result"].get("suppress_comment", "").strip() for c in skipped)
    used = {(c["check_id"], c["resource"].split(".", 1)[1]) for c in skipped}
    declared = {
        (skip["id"], logical_id)
        for logical_id, resource in template["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    }
    assert declared - used == set(), "suppressions that suppress nothing: remove them"


def test_every_suppression_has_a_written_reason(template: dict[str, Any]) -> None:
    for logical_id, resource in template["Resources"].items():
        metadata = resource.get("Metadata", {})
        for skip in metadata.get("checkov", {}).get("skip", []):
            assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), (logical_id, skip)
            reason = skip.get("comment", "")
            assert len(reason.split()) >= 12, f"{logical_id} {skip['id']}: give a real reason"
        # cfn-lint suppressions have no reason field; the template needs none.
        assert "cfn-lint" not in metadata, f"{logical_id}: cfn-lint suppression"
    assert "cfn-lint" not in template.get("Metadata", {})
    text = TEMPLATE.read_text()
    assert "checkov:skip" not in text  # inline skips would bypass the reasons checked above


# ------------------------------------------------------------------------------------------------
# Policy scope
# ------------------------------------------------------------------------------------------------


def test_no_broad_managed_policies(template: dict[str, Any]) -> None:
    for logical_id, resource in template["Resources"].items():
        arns = resource.get("Properties", {}).get("ManagedPolicyArns", [])
        assert arns == [], f"{logical_id}: use scoped inline policies, not {arns}"
    text = TEMPLATE.read_text()
    for broad in ("IAMFullAccess", "AmazonS3FullAccess", "FullAccess", "AdministratorAccess"):
        assert broad not in text


def test_identity_policies_are_least_privilege(template: dict[str, Any]) -> None:
    documents = [
        (logical_id, resolve(document, NAMES))
        for logical_id, kind, document in policy_documents(template)
        if kind == "identity"
    ]
    assert {logical_id for logical_id, _ in documents} == {
        "EmptyBucketRole",
        "PersonalizeRole",
        "NotebookRole",
    }
    for logical_id, document in documents:
        assert scope_problems(document, BUCKET, PERSONALIZE_ROLE_ARN) == [], logical_id
        for statement in statements(document):
            assert statement.get("Sid"), f"{logical_id}: every statement is named"


def test_pass_role_only_for_the_personalize_role(template: dict[str, Any]) -> None:
    passing = [
        (logical_id, statement)
        for logical_id, kind, document in policy_documents(template)
        if kind == "identity"
        for statement in statements(resolve(document, NAMES))
        if "iam:PassRole" in as_list(statement["Action"])
    ]
    assert len(passing) == 1
    logical_id, statement = passing[0]
    assert logical_id == "NotebookRole"
    assert as_list(statement["Action"]) == ["iam:PassRole"]
    assert statement["Resource"] == PERSONALIZE_ROLE_ARN
    assert statement["Condition"] == {
        "StringEquals": {"iam:PassedToService": "personalize.amazonaws.com"}
    }


def test_trust_policies_name_one_service_each(template: dict[str, Any]) -> None:
    expected = {
        "PersonalizeRole": "personalize.amazonaws.com",
        "NotebookRole": "sagemaker.amazonaws.com",
        "EmptyBucketRole": "lambda.amazonaws.com",
    }
    for logical_id, kind, document in policy_documents(template):
        if kind != "trust":
            continue
        (statement,) = statements(document)
        assert statement["Principal"] == {"Service": expected[logical_id]}
        assert statement["Action"] == "sts:AssumeRole"


def test_personalize_role_matches_discovery(template: dict[str, Any]) -> None:
    """Read data/ and batch/input/, write batch/output/ and export/, nothing else."""
    properties = template["Resources"]["PersonalizeRole"]["Properties"]
    trust = resolve(properties["AssumeRolePolicyDocument"], NAMES)
    assert trust == discovery.personalize_trust_policy(ACCOUNT, REGION)
    condition = trust["Statement"][0]["Condition"]
    assert condition["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert condition["ArnLike"] == {"aws:SourceArn": f"arn:aws:personalize:{REGION}:{ACCOUNT}:*"}

    policy = role_policy(template, "PersonalizeRole")
    assert policy == discovery.personalize_role_policy(BUCKET)
    grants = {
        action: sorted(as_list(s["Resource"]))
        for s in statements(policy)
        for action in as_list(s["Action"])
    }
    assert grants == {
        "s3:ListBucket": [BUCKET_ARN],
        "s3:GetObject": [f"{BUCKET_ARN}/batch/input/*", f"{BUCKET_ARN}/data/*"],
        "s3:PutObject": [f"{BUCKET_ARN}/batch/output/*", f"{BUCKET_ARN}/export/*"],
        "s3:AbortMultipartUpload": [f"{BUCKET_ARN}/batch/output/*", f"{BUCKET_ARN}/export/*"],
    }


def test_bucket_policy_denies_plain_http_and_holds_personalize_to_the_account(
    template: dict[str, Any],
) -> None:
    # moto's CloudFormation ignores AWS::S3::BucketPolicy, so this document is checked here.
    (policy,) = resources_of(template, "AWS::S3::BucketPolicy").values()
    assert policy["Properties"]["Bucket"] == {"Ref": "DataBucket"}
    document = resolve(policy["Properties"]["PolicyDocument"], NAMES)
    found = by_sid(document)

    deny = found.pop(discovery.TLS_SID)
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert sorted(deny["Resource"]) == [BUCKET_ARN, f"{BUCKET_ARN}/*"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    assert set(found) == set(discovery.PERSONALIZE_SIDS)
    for statement in found.values():
        assert statement["Effect"] == "Allow"
        assert statement["Principal"] == {"Service": "personalize.amazonaws.com"}
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
        assert not any("Delete" in action for action in as_list(statement["Action"]))
    read = found["PersonalizeReadData"]
    assert sorted(as_list(read["Resource"])) == [
        f"{BUCKET_ARN}/batch/input/*",
        f"{BUCKET_ARN}/data/*",
    ]
    write = found["PersonalizeWriteOutput"]
    assert sorted(as_list(write["Resource"])) == [
        f"{BUCKET_ARN}/batch/output/*",
        f"{BUCKET_ARN}/export/*",
    ]

    # workshop.discovery writes exactly these statements on buckets it creates.
    expected = [discovery.tls_only_statement(BUCKET)]
    expected += discovery.personalize_bucket_statements(BUCKET, ACCOUNT)
    assert [normalised(s) for s in statements(document)] == [normalised(s) for s in expected]


def test_notebook_role_scope(template: dict[str, Any]) -> None:
    found = by_sid(role_policy(template, "NotebookRole"))
    # No personalize:* and no account-wide ARN: named actions on this attendee's names only.
    for sid, statement in found.items():
        assert "personalize:*" not in as_list(statement["Action"]), sid
    prefix = f"arn:aws:personalize:{REGION}:{ACCOUNT}:"
    assert sorted(as_list(found["PersonalizeWorkshopResources"]["Resource"])) == sorted(
        prefix + kind.format(f"personalize-workshop-{ATTENDEE}")
        for kind in (
            "schema/{}-*",
            "dataset-group/{}",
            "dataset/{}/*",
            "dataset-import-job/{}-*",
            "solution/{}-*",
            "campaign/{}-*",
            "filter/{}-*",
            "batch-inference-job/{}-*",
        )
    )
    assert found["PassPersonalizeRole"]["Resource"] == NAMES["PersonalizeRole.Arn"]
    assert found["PassPersonalizeRole"]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "personalize.amazonaws.com"}
    }
    # S3: each action only where the notebooks use it.
    grants = {
        action: sorted(as_list(s["Resource"]))
        for sid, s in found.items()
        for action in as_list(s["Action"])
        if action.startswith("s3:")
    }
    assert grants == {
        "s3:ListBucket": [BUCKET_ARN],
        "s3:ListBucketVersions": [BUCKET_ARN],
        "s3:GetBucketPolicy": [BUCKET_ARN],
        "s3:PutObject": [f"{BUCKET_ARN}/batch/input/*", f"{BUCKET_ARN}/data/*"],
        "s3:GetObject": [f"{BUCKET_ARN}/batch/output/*"],
        "s3:DeleteObjectVersion": [f"{BUCKET_ARN}/batch/*", f"{BUCKET_ARN}/data/*"],
    }
    for sid, statement in found.items():
        if "*" in as_list(statement["Resource"]):
            actions = as_list(statement["Action"])
            assert all("*" not in action for action in actions), sid
            if sid != "CallerIdentity":
                assert statement["Condition"] == {
                    "StringEquals": {"aws:RequestedRegion": REGION}
                }, sid
    assert found["CallerIdentity"]["Action"] == "sts:GetCallerIdentity"
    assert found["ReadStackOutputs"]["Resource"] == NAMES["AWS::StackId"]
    assert found["ReadWorkshopParameters"]["Action"] == "ssm:GetParameters"  # what discovery calls
    assert found["ReadWorkshopParameters"]["Resource"] == (
        f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/personalize-workshop/{NAMES['AWS::StackName']}/*"
    )
    for sid in ("NotebookLogGroup", "NotebookLogStreams"):
        assert ":log-group:/aws/sagemaker/NotebookInstances:" in found[sid]["Resource"]


def test_notebook_role_conditions_are_ones_the_stack_role_run_evaluates(
    template: dict[str, Any],
) -> None:
    """moto's access control (S3, CloudFormation, SSM, STS, Logs) ignores most condition
    operators and keys, so a condition there would go untested by the stack-role run: only the
    statements personalize-local authorizes itself (Personalize, iam:PassRole) carry any."""
    for sid, statement in by_sid(role_policy(template, "NotebookRole")).items():
        if "Condition" not in statement:
            continue
        for action in as_list(statement["Action"]):
            assert action.startswith("personalize:") or action == "iam:PassRole", (sid, action)


def test_janitor_role_only_empties_the_bucket(template: dict[str, Any]) -> None:
    found = by_sid(role_policy(template, "EmptyBucketRole"))
    assert found["ListWorkshopBucket"]["Resource"] == BUCKET_ARN
    assert found["DeleteWorkshopObjects"]["Resource"] == f"{BUCKET_ARN}/*"
    assert found["WriteOwnLogs"]["Resource"] == NAMES["EmptyBucketLogGroup.Arn"]


# ------------------------------------------------------------------------------------------------
# Resources and properties (moto ignores most of these)
# ------------------------------------------------------------------------------------------------


def test_bucket_protections(template: dict[str, Any]) -> None:
    bucket = template["Resources"]["DataBucket"]
    properties = bucket["Properties"]
    (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(properties["PublicAccessBlockConfiguration"]) == 4
    assert properties["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
    }
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = {r["Id"]: r for r in properties["LifecycleConfiguration"]["Rules"]}
    assert rules["ExpireOldVersions"]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 7}
    assert bucket["DeletionPolicy"] == "Delete"
    # The optional name: generated unless given.
    assert properties["BucketName"] == {
        "Fn::If": ["HasBucketName", {"Ref": "BucketName"}, {"Ref": "AWS::NoValue"}]
    }


def test_bucket_is_emptied_before_it_is_deleted(template: dict[str, Any]) -> None:
    (janitor,) = resources_of(template, "Custom::EmptyBucket").values()
    assert janitor["Properties"] == {
        "ServiceToken": {"Fn::GetAtt": ["EmptyBucketFunction", "Arn"]},
        "BucketName": {"Ref": "DataBucket"},
    }
    function = template["Resources"]["EmptyBucketFunction"]["Properties"]
    code = function["Code"]["ZipFile"]
    assert len(code) < 4096  # CloudFormation's limit for inline code
    namespace: dict[str, Any] = {}
    exec(compile(code, "index.py", "exec"), namespace)  # it imports only stdlib and boto3
    assert callable(namespace["handler"])
    assert function["Handler"] == "index.handler"
    assert re.fullmatch(r"python3\.1[2-9]", function["Runtime"])


def test_notebook_instance(template: dict[str, Any]) -> None:
    properties = template["Resources"]["NotebookInstance"]["Properties"]
    assert properties["NotebookInstanceName"] == {"Ref": "NotebookName"}
    assert properties["InstanceType"] == {"Ref": "NotebookInstanceType"}
    assert properties["VolumeSizeInGB"] == {"Ref": "NotebookVolumeSize"}
    assert properties["RoleArn"] == {"Fn::GetAtt": ["NotebookRole", "Arn"]}
    assert properties["LifecycleConfigName"] == {
        "Fn::GetAtt": ["NotebookLifecycleConfig", "NotebookInstanceLifecycleConfigName"]
    }
    assert properties["PlatformIdentifier"] == "notebook-al2023-v1"  # AL2023, JupyterLab 4
    assert properties["RootAccess"] == "Disabled"
    assert properties["InstanceMetadataServiceConfiguration"] == {
        "MinimumInstanceMetadataServiceVersion": "2"
    }
    assert "DefaultCodeRepository" not in properties  # the lifecycle configuration clones


def lifecycle_script(template: dict[str, Any], hook: str) -> str:
    properties = template["Resources"]["NotebookLifecycleConfig"]["Properties"]
    (entry,) = properties[hook]
    substitution = entry["Content"]["Fn::Base64"]
    text, local = as_list(substitution["Fn::Sub"]) + [{}] * (
        not isinstance(substitution["Fn::Sub"], list)
    )
    placeholders = set(re.findall(r"\$\{([^}]+)\}", text))
    allowed = {"WorkshopRepositoryUrl", "AWS::StackName", *local}
    assert placeholders <= allowed, "bash ${…} inside Fn::Sub needs ${!…}"
    names = {**NAMES, "WorkshopRepositoryUrl": "https://github.com/example/workshop.git"}
    return resolve(substitution, names)


@pytest.mark.parametrize("hook", ["OnCreate", "OnStart"])
def test_lifecycle_scripts_are_valid_bash(template: dict[str, Any], hook: str) -> None:
    script = lifecycle_script(template, hook)
    assert script.startswith("#!/bin/bash\n")
    done = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_lifecycle_clones_the_workshop_and_installs_its_requirements(
    template: dict[str, Any],
) -> None:
    on_create = lifecycle_script(template, "OnCreate")
    assert 'sudo -u ec2-user git clone --depth 1 "$REPO_URL"' in on_create
    assert "/home/ec2-user/SageMaker/" in on_create
    on_start = lifecycle_script(template, "OnStart")
    assert "source /home/ec2-user/anaconda3/bin/activate python3" in on_start
    assert 'pip install --quiet --disable-pip-version-check -r "$1"' in on_start
    assert '"$REPO_DIR/requirements.txt"' in on_start
    assert "sudo -u ec2-user nohup" in on_start  # as ec2-user, in the background
    # The notebooks find their own stack (workshop/discovery.py) from this file.
    config = "/home/ec2-user/SageMaker/.personalize-workshop.json"
    assert f"CONFIG={config}" in on_start
    echo = f"""echo '{{"stackName": "PersonalizePOC", "attendee": "{ATTENDEE}"}}' > "$CONFIG\""""
    assert echo in on_start


def test_lifecycle_file_names_the_attendee_the_notebook_role_is_scoped_to(
    template: dict[str, Any], tmp_path: Path
) -> None:
    """The stack's attendee id reaches the notebooks (discovery.attendee reads the lifecycle
    file) and is the one the role's Personalize ARNs name: one expression, used twice."""
    on_start = lifecycle_script(template, "OnStart")
    (line,) = [line for line in on_start.splitlines() if line.strip().startswith("echo '{")]
    written = tmp_path / ".personalize-workshop.json"
    written.write_text(line.strip().split("'")[1])
    missing = tmp_path / "no-metadata.json"
    assert discovery.attendee(None, {}, missing, written) == ATTENDEE
    assert discovery.find_stack_name({}, written) == "PersonalizePOC"
    prefix = discovery.workshop_prefix(ATTENDEE)
    resources = as_list(
        by_sid(role_policy(template, "NotebookRole"))["PersonalizeWorkshopResources"]["Resource"]
    )
    assert f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-group/{prefix}" in resources


def test_parameters_have_labels_and_constraints(template: dict[str, Any]) -> None:
    parameters = template["Parameters"]
    assert set(parameters) == {
        "NotebookName",
        "NotebookInstanceType",
        "NotebookVolumeSize",
        "WorkshopRepositoryUrl",
        "BucketName",
    }
    interface = template["Metadata"]["AWS::CloudFormation::Interface"]
    assert set(interface["ParameterLabels"]) == set(parameters)
    grouped = [name for group in interface["ParameterGroups"] for name in group["Parameters"]]
    assert sorted(grouped) == sorted(parameters)
    for name, parameter in parameters.items():
        assert parameter.get("Description"), name
        constrained = {"AllowedValues", "AllowedPattern", "MinValue", "MaxValue"} & set(parameter)
        assert constrained, f"{name} has no constraint"
    instance_type = parameters["NotebookInstanceType"]
    assert instance_type["Default"] == "ml.t3.medium"
    assert "ml.t3.medium" in instance_type["AllowedValues"]
    assert parameters["BucketName"]["Default"] == ""  # optional
    repository = parameters["WorkshopRepositoryUrl"]
    # Required: no default, so the stack never clones a personal repository by accident.
    assert "Default" not in repository
    url = re.compile(repository["AllowedPattern"])
    assert url.fullmatch("https://github.com/example/startup-personalize-workshop.git")
    assert not url.fullmatch("")
    assert not url.fullmatch("https://example.com/x.git; rm -rf ~")
    assert not url.fullmatch("https://example.com/$(id).git")


def test_outputs_and_parameters_are_what_discovery_reads(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    assert outputs[discovery.BUCKET_OUTPUT]["Value"] == {"Ref": "DataBucket"}
    assert outputs[discovery.ROLE_OUTPUT]["Value"] == {"Fn::GetAtt": ["PersonalizeRole", "Arn"]}
    ssm = {
        str(resource["Properties"]["Name"]): resource["Properties"]["Value"]
        for resource in resources_of(template, "AWS::SSM::Parameter").values()
    }
    bucket_parameter, role_parameter = discovery.parameter_names("${AWS::StackName}")
    assert ssm == {
        str({"Fn::Sub": bucket_parameter}): {"Ref": "DataBucket"},
        str({"Fn::Sub": role_parameter}): {"Fn::GetAtt": ["PersonalizeRole", "Arn"]},
    }


@pytest.mark.parametrize("path", [TEMPLATE, README], ids=["template", "readme"])
def test_no_account_ids(path: Path) -> None:
    assert re.findall(r"(?<!\d)\d{12}(?!\d)", path.read_text()) == []


def test_readme_covers_launch_cost_and_deletion() -> None:
    text = README.read_text()
    for needed in (
        "aws cloudformation deploy",
        "--capabilities CAPABILITY_NAMED_IAM",
        "ml.t3.medium",
        "aws cloudformation delete-stack",
        "PersonalizePOC.yaml",
    ):
        assert needed in text, needed
    assert re.search(r"\$0\.\d+ per hour", text)


def test_no_personal_repository_anywhere() -> None:
    """The template once defaulted to a personal fork; neither it nor its README names one."""
    for path in (TEMPLATE, README):
        assert "jihys" not in path.read_text(), path
