"""Find the workshop's S3 bucket and Amazon Personalize role, or create them when absent.

``00_Setup`` calls :func:`discover`. It looks in three places, in order:

1. the outputs ``BucketName`` and ``PersonalizeRoleArn`` of the CloudFormation stack
   (``cloudformation/PersonalizePOC.yaml``);
2. the SSM parameters ``/personalize-workshop/<stack name>/bucket-name`` and
   ``/personalize-workshop/<stack name>/personalize-role-arn`` the same stack writes;
3. otherwise it creates a bucket and a role with the template's protections and scope, under
   names derived from the account and Region, so running it again finds the same ones.

The bucket-policy helpers merge statements by ``Sid`` instead of replacing the whole policy (the
original workshop's ``put_bucket_policy`` overwrote whatever a shared bucket already had), and
:func:`remove_personalize_statements` takes back exactly what was added. That is for the
clean-up notebook, on buckets this module created (``source == "created"``); a stack's bucket
goes with its stack.

The stack's name is :func:`find_stack_name`: ``WORKSHOP_STACK_NAME``, else the file the notebook
instance's lifecycle configuration writes, else ``PersonalizePOC``. Attendees who share one
account keep apart by :func:`attendee`, a short id in every resource name
(:func:`workshop_prefix`).

The statements and Sids here are the ones the template declares; a test keeps the two in step.
Written for Python 3.10 as well, the version of SageMaker's ``conda_python3`` kernel.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.exceptions import ClientError

DEFAULT_STACK_NAME = "PersonalizePOC"
BUCKET_OUTPUT = "BucketName"
ROLE_OUTPUT = "PersonalizeRoleArn"
PARAMETER_ROOT = "/personalize-workshop"

STACK_NAME_ENV = "WORKSHOP_STACK_NAME"
ATTENDEE_ENV = "WORKSHOP_ATTENDEE"
#: Written by the notebook instance's lifecycle configuration: ``{"stackName": "…"}``.
LIFECYCLE_FILE = Path("/home/ec2-user/SageMaker/.personalize-workshop.json")
#: Present on SageMaker notebook instances; ``ResourceName`` is the instance's name, see
#: https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-metadata.html
NOTEBOOK_METADATA = Path("/opt/ml/metadata/resource-metadata.json")
NAME_PREFIX = "personalize-workshop"
#: Personalize names allow 63 characters; the attendee id stays short so every workshop name
#: (``personalize-workshop-<attendee>-user-personalization-v2``, …) fits.
ATTENDEE_MAX = 12

#: Where the notebooks put things in the bucket.
DATA_PREFIX = "data/"
BATCH_INPUT_PREFIX = "batch/input/"
BATCH_OUTPUT_PREFIX = "batch/output/"
EXPORT_PREFIX = "export/"

PERSONALIZE_SERVICE = "personalize.amazonaws.com"
TLS_SID = "DenyInsecureTransport"
PERSONALIZE_SIDS = ("PersonalizeListBucket", "PersonalizeReadData", "PersonalizeWriteOutput")
ROLE_POLICY_NAME = "PersonalizeWorkshopBucketAccess"
TAGS = {"Project": "personalize-workshop"}
POLICY_VERSION = "2012-10-17"

# Stack states in which every resource exists and the outputs can be trusted.
_READY_STATES = frozenset(
    {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"}
)
_ACCESS_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "403"})


@dataclass(frozen=True)
class WorkshopResources:
    """The bucket and role every notebook uses, and where they were found.

    ``source`` is ``"stack"`` (the CloudFormation outputs), ``"ssm"`` (the SSM parameters) or
    ``"created"`` (made, or found again on a later call, by :func:`create_resources`).
    """

    bucket: str
    role_arn: str
    source: str


def parameter_names(stack: str) -> tuple[str, str]:
    """The SSM parameters (bucket, role ARN) the stack named ``stack`` writes."""
    return f"{PARAMETER_ROOT}/{stack}/bucket-name", f"{PARAMETER_ROOT}/{stack}/personalize-role-arn"


def find_stack_name(
    environ: Mapping[str, str] | None = None, lifecycle_file: Path = LIFECYCLE_FILE
) -> str:
    """The workshop stack's name: ``WORKSHOP_STACK_NAME``, else the lifecycle file's
    ``stackName``, else ``PersonalizePOC``."""
    environ = os.environ if environ is None else environ
    if environ.get(STACK_NAME_ENV, "").strip():
        return environ[STACK_NAME_ENV].strip()
    try:
        named = json.loads(lifecycle_file.read_text()).get("stackName")
    except (OSError, ValueError, AttributeError):
        named = None
    return named.strip() if isinstance(named, str) and named.strip() else DEFAULT_STACK_NAME


def _short_id(text: str) -> str:
    """``text`` as a name part: lower-case letters, digits and dashes, at most
    :data:`ATTENDEE_MAX` long (a longer one keeps its start and a hash of the whole)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) <= ATTENDEE_MAX:
        return slug
    return slug[:5].strip("-") + "-" + hashlib.sha256(slug.encode()).hexdigest()[:6]


def attendee(
    session: boto3.Session,
    environ: Mapping[str, str] | None = None,
    metadata_file: Path = NOTEBOOK_METADATA,
    lifecycle_file: Path = LIFECYCLE_FILE,
) -> str:
    """A short, stable, lower-case id of whoever runs the notebooks.

    ``WORKSHOP_ATTENDEE`` when set; else the lifecycle file's ``attendee`` (the stack's id, which
    its notebook role's Personalize permissions are scoped to); else the SageMaker notebook
    instance's name; else six hex characters of a SHA-256 of the caller's ARN
    (``sts:GetCallerIdentity``), so the same person gets the same id on every run and two people
    in one account get different ones.
    """
    environ = os.environ if environ is None else environ
    chosen = _short_id(environ.get(ATTENDEE_ENV, ""))
    if chosen:
        return chosen
    for path, key in ((lifecycle_file, "attendee"), (metadata_file, "ResourceName")):
        try:
            found = _short_id(json.loads(path.read_text()).get(key) or "")
        except (OSError, ValueError, AttributeError):
            found = ""
        if found:
            return found
    arn = session.client("sts").get_caller_identity()["Arn"]
    return hashlib.sha256(arn.encode()).hexdigest()[:6]


def workshop_prefix(attendee_id: str) -> str:
    """The name every Personalize resource of this attendee starts with."""
    return f"{NAME_PREFIX}-{attendee_id}"


def mask_account(account_id: str) -> str:
    """An account id as notebooks print it: only its last four digits."""
    return "*" * (len(account_id) - 4) + account_id[-4:]


def discover(
    session: boto3.Session,
    stack_name: str | None = None,
    *,
    ensure_bucket_policy: bool = True,
) -> WorkshopResources:
    """Find the workshop's bucket and Personalize role: stack outputs, SSM, else create them.

    Parameters
    ----------
    session:
        The boto3 session to use (its Region is the workshop's Region).
    stack_name:
        Name of the stack launched from ``cloudformation/PersonalizePOC.yaml``; default
        :func:`find_stack_name`.
    ensure_bucket_policy:
        When the bucket comes from the stack or SSM, check that its policy grants Personalize
        access and merge the statements in when they are missing (moto's CloudFormation, behind
        personalize-local, ignores ``AWS::S3::BucketPolicy``). On AWS the stack's policy is
        already there, so this only reads it; if reading or writing is denied it warns.

    The TLS-only Deny is only ever added when the session reaches S3 over HTTPS (always, on
    AWS): over plain HTTP, i.e. a local endpoint, it would refuse every request, ours included.
    """
    stack_name = stack_name or find_stack_name()
    found = _from_stack(session, stack_name) or _from_parameters(session, stack_name)
    if found is None:
        return create_resources(session)
    if ensure_bucket_policy:
        _ensure_policy(session.client("s3"), found)
    return found


# ------------------------------------------------------------------------------------------------
# Policy documents (the template declares the same ones)
# ------------------------------------------------------------------------------------------------


def uses_tls(client: Any) -> bool:
    """Whether a boto3 client reaches its endpoint over HTTPS (on AWS, always)."""
    return urlparse(client.meta.endpoint_url).scheme == "https"


def bucket_arn(bucket: str, partition: str = "aws") -> str:
    """The ARN of an S3 bucket."""
    return f"arn:{partition}:s3:::{bucket}"


def tls_only_statement(bucket: str, partition: str = "aws") -> dict[str, Any]:
    """A Deny of every request to the bucket or its objects that is not made over TLS."""
    arn = bucket_arn(bucket, partition)
    return {
        "Sid": TLS_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def personalize_bucket_statements(
    bucket: str, account_id: str, partition: str = "aws"
) -> list[dict[str, Any]]:
    """Bucket-policy statements letting Personalize read ``data/`` and write batch output.

    Each is held to ``aws:SourceAccount`` so that Personalize acting for another account cannot
    use them (the confused-deputy problem).
    """
    arn = bucket_arn(bucket, partition)
    principal = {"Service": PERSONALIZE_SERVICE}
    condition = {"StringEquals": {"aws:SourceAccount": account_id}}
    list_sid, read_sid, write_sid = PERSONALIZE_SIDS
    return [
        {
            "Sid": list_sid,
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:ListBucket",
            "Resource": arn,
            "Condition": condition,
        },
        {
            "Sid": read_sid,
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:GetObject",
            "Resource": [f"{arn}/{DATA_PREFIX}*", f"{arn}/{BATCH_INPUT_PREFIX}*"],
            "Condition": condition,
        },
        {
            "Sid": write_sid,
            "Effect": "Allow",
            "Principal": principal,
            "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
            "Resource": [f"{arn}/{BATCH_OUTPUT_PREFIX}*", f"{arn}/{EXPORT_PREFIX}*"],
            "Condition": condition,
        },
    ]


def personalize_role_policy(bucket: str, partition: str = "aws") -> dict[str, Any]:
    """The Personalize role's only permissions: list the bucket, read data, write output."""
    arn = bucket_arn(bucket, partition)
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "ListWorkshopBucket",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": arn,
            },
            {
                "Sid": "ReadWorkshopData",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": [f"{arn}/{DATA_PREFIX}*", f"{arn}/{BATCH_INPUT_PREFIX}*"],
            },
            {
                "Sid": "WriteWorkshopOutput",
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
                "Resource": [f"{arn}/{BATCH_OUTPUT_PREFIX}*", f"{arn}/{EXPORT_PREFIX}*"],
            },
        ],
    }


def personalize_trust_policy(
    account_id: str, region: str, partition: str = "aws"
) -> dict[str, Any]:
    """Trust Personalize only on behalf of this account's Personalize resources in ``region``."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": PERSONALIZE_SERVICE},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {
                        "aws:SourceArn": f"arn:{partition}:personalize:{region}:{account_id}:*"
                    },
                },
            }
        ],
    }


# ------------------------------------------------------------------------------------------------
# Bucket policy: merge and remove by Sid
# ------------------------------------------------------------------------------------------------


def read_bucket_policy(s3: Any, bucket: str) -> dict[str, Any]:
    """The bucket's policy as a dict whose ``Statement`` is a list (empty if it has none)."""
    try:
        text = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    except ClientError as error:
        if _code(error) == "NoSuchBucketPolicy":
            return {"Version": POLICY_VERSION, "Statement": []}
        raise
    policy = json.loads(text)
    statements = policy.get("Statement", [])
    policy["Statement"] = statements if isinstance(statements, list) else [statements]
    return policy


def merge_statements(policy: dict[str, Any], statements: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of ``policy`` where ``statements`` replace those with the same Sid, or are added.

    Statements with other Sids, or none, are kept in place, so another tenant of a shared bucket
    keeps its access.
    """
    incoming = {statement["Sid"] for statement in statements}
    kept = [s for s in policy.get("Statement", []) if s.get("Sid") not in incoming]
    merged = {key: value for key, value in policy.items() if key != "Statement"}
    merged.setdefault("Version", POLICY_VERSION)
    merged["Statement"] = kept + [dict(statement) for statement in statements]
    return merged


def add_personalize_statements(
    s3: Any,
    bucket: str,
    account_id: str,
    partition: str = "aws",
    *,
    deny_insecure_transport: bool = False,
) -> dict[str, Any]:
    """Merge the Personalize statements into the bucket policy, keeping every other statement.

    Parameters
    ----------
    s3:
        A boto3 S3 client.
    bucket, account_id, partition:
        The bucket, and the account Personalize acts for (``aws:SourceAccount``).
    deny_insecure_transport:
        Also merge the TLS-only Deny (``DenyInsecureTransport``). Off by default because it
        changes the bucket for every other user too; the buckets this module creates have it.

    Returns the policy now on the bucket. Writes only when a statement is missing or differs,
    so running it twice writes once.
    """
    statements = personalize_bucket_statements(bucket, account_id, partition)
    if deny_insecure_transport:
        statements.insert(0, tls_only_statement(bucket, partition))
    current = read_bucket_policy(s3, bucket)
    policy = merge_statements(current, statements)
    # Nothing to write when the policy already holds them (the stack's bucket policy does): the
    # notebook role needs no s3:PutBucketPolicy then.
    if policy != current:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return policy


def remove_personalize_statements(s3: Any, bucket: str) -> dict[str, Any] | None:
    """Remove the Personalize statements (by Sid) and keep everything else.

    Deletes the policy when nothing is left. Returns the remaining policy, or None when the
    bucket has no policy afterwards. The TLS-only Deny stays: it protects the bucket, not
    Personalize.
    """
    policy = read_bucket_policy(s3, bucket)
    remaining = [s for s in policy["Statement"] if s.get("Sid") not in PERSONALIZE_SIDS]
    if len(remaining) == len(policy["Statement"]):
        return policy if remaining else None
    if not remaining:
        s3.delete_bucket_policy(Bucket=bucket)
        return None
    policy["Statement"] = remaining
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return policy


# ------------------------------------------------------------------------------------------------
# Clean-up of the bucket (06_Clean_Up_Resources)
# ------------------------------------------------------------------------------------------------

#: Every prefix the workshop or Personalize writes to.
WORKSHOP_PREFIXES = (DATA_PREFIX, "batch/", EXPORT_PREFIX)


def bucket_exists(s3: Any, bucket: str) -> bool:
    """Whether the bucket exists (False after an earlier clean-up deleted it)."""
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        if _code(error) in ("404", "NoSuchBucket", "NotFound"):
            return False
        raise
    return True


def delete_object_versions(
    s3: Any, bucket: str, prefixes: tuple[str, ...] | None = WORKSHOP_PREFIXES
) -> int:
    """Delete every version and delete marker under ``prefixes`` (None: the whole bucket).

    The workshop buckets are versioned, so deleting the current objects would only add delete
    markers and keep the data for the lifecycle rule's 7 days. Returns how many versions and
    markers were deleted; 0 when the bucket does not exist.
    """
    if not bucket_exists(s3, bucket):
        return 0
    pages = s3.get_paginator("list_object_versions")
    found = [
        {"Key": entry["Key"], "VersionId": entry["VersionId"]}
        for prefix in (prefixes if prefixes is not None else ("",))
        for page in pages.paginate(Bucket=bucket, Prefix=prefix)
        for entry in page.get("Versions", []) + page.get("DeleteMarkers", [])
    ]
    for start in range(0, len(found), 1000):
        batch = found[start : start + 1000]
        response = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        if response.get("Errors"):
            first = response["Errors"][0]
            raise RuntimeError(f"Could not delete s3://{bucket}/{first['Key']}: {first['Message']}")
    return len(found)


def delete_bucket_if_empty(s3: Any, bucket: str) -> bool:
    """Delete the bucket when no object version is left in it; True when it is gone now.

    A bucket that still holds objects the workshop did not put there is kept (and False is
    returned): the clean-up never deletes somebody else's data.
    """
    if not bucket_exists(s3, bucket):
        return True
    listed = s3.list_object_versions(Bucket=bucket, MaxKeys=1)
    if listed.get("Versions") or listed.get("DeleteMarkers"):
        return False
    s3.delete_bucket(Bucket=bucket)
    return True


# ------------------------------------------------------------------------------------------------
# Creating the resources when no stack exists
# ------------------------------------------------------------------------------------------------


def default_names(account_id: str, region: str) -> tuple[str, str]:
    """The bucket and role names :func:`create_resources` uses: one pair per account and Region.

    IAM is global, so the role name carries the Region: its trust policy names the Region.
    """
    return f"personalize-workshop-{account_id}-{region}", f"PersonalizeWorkshop-{region}"


def create_resources(session: boto3.Session) -> WorkshopResources:
    """Create (or bring up to date) the workshop bucket and Personalize role. Idempotent.

    The bucket gets the template's protections: SSE-S3 encryption, all public access blocked,
    object ownership enforced, versioning with old versions expiring after 7 days, a TLS-only
    policy (when the session itself uses TLS, see :func:`discover`) and the scoped Personalize
    statements. The role trusts Personalize for this account and Region only and has one inline
    policy scoped to the bucket's prefixes.

    Needs rights the notebook role of the stack does not have (s3:CreateBucket, iam:CreateRole,
    iam:PutRolePolicy, ...): this path is for accounts without the stack, and for
    personalize-local.
    """
    region = session.region_name
    if not region:
        raise ValueError("The boto3 session has no Region; set AWS_DEFAULT_REGION.")
    identity = session.client("sts").get_caller_identity()
    account_id = identity["Account"]
    partition = identity["Arn"].split(":")[1]
    bucket, role_name = default_names(account_id, region)
    _ensure_bucket(session.client("s3"), bucket, region, account_id, partition)
    role_arn = _ensure_role(session.client("iam"), role_name, bucket, account_id, region, partition)
    return WorkshopResources(bucket=bucket, role_arn=role_arn, source="created")


def _ensure_bucket(s3: Any, bucket: str, region: str, account_id: str, partition: str) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        if _code(error) not in ("404", "NoSuchBucket", "NotFound"):
            raise  # 403: the name belongs to someone else
        where = {} if region == "us-east-1" else {"LocationConstraint": region}
        s3.create_bucket(Bucket=bucket, **({"CreateBucketConfiguration": where} if where else {}))
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_ownership_controls(
        Bucket=bucket,
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "ExpireOldVersions",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 7},
                },
                {
                    "ID": "AbortIncompleteUploads",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                },
            ]
        },
    )
    s3.put_bucket_tagging(
        Bucket=bucket, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in TAGS.items()]}
    )
    add_personalize_statements(
        s3, bucket, account_id, partition, deny_insecure_transport=uses_tls(s3)
    )


def _ensure_role(
    iam: Any, name: str, bucket: str, account_id: str, region: str, partition: str
) -> str:
    trust = json.dumps(personalize_trust_policy(account_id, region, partition))
    try:
        role = iam.get_role(RoleName=name)["Role"]
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=trust)
    except ClientError as error:
        if _code(error) != "NoSuchEntity":
            raise
        role = iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=trust,
            Description="Amazon Personalize service role of the workshop, scoped to its bucket.",
            Tags=[{"Key": k, "Value": v} for k, v in TAGS.items()],
        )["Role"]
    iam.put_role_policy(
        RoleName=name,
        PolicyName=ROLE_POLICY_NAME,
        PolicyDocument=json.dumps(personalize_role_policy(bucket, partition)),
    )
    # IAM is eventually consistent: a role Personalize cannot assume yet fails the first job.
    iam.get_waiter("role_exists").wait(RoleName=name)
    return role["Arn"]


# ------------------------------------------------------------------------------------------------
# Reading the stack and the parameters
# ------------------------------------------------------------------------------------------------


def _from_stack(session: boto3.Session, stack_name: str) -> WorkshopResources | None:
    try:
        stacks = session.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as error:
        # ValidationError: "Stack with id … does not exist".
        if _code(error) in _ACCESS_DENIED or _code(error) == "ValidationError":
            return None
        raise
    if not stacks or stacks[0]["StackStatus"] not in _READY_STATES:
        return None
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs") or []}
    if BUCKET_OUTPUT not in outputs or ROLE_OUTPUT not in outputs:
        return None
    return WorkshopResources(outputs[BUCKET_OUTPUT], outputs[ROLE_OUTPUT], "stack")


def _from_parameters(session: boto3.Session, stack_name: str) -> WorkshopResources | None:
    bucket_parameter, role_parameter = parameter_names(stack_name)
    try:
        found = session.client("ssm").get_parameters(Names=[bucket_parameter, role_parameter])
    except ClientError as error:
        if _code(error) in _ACCESS_DENIED:
            return None
        raise
    values = {parameter["Name"]: parameter["Value"] for parameter in found["Parameters"]}
    if bucket_parameter not in values or role_parameter not in values:
        return None
    return WorkshopResources(values[bucket_parameter], values[role_parameter], "ssm")


def _ensure_policy(s3: Any, found: WorkshopResources) -> None:
    """Merge the Personalize statements into the bucket policy if they are missing."""
    # arn:<partition>:iam::<account>:role/<name>
    _, partition, _, _, account_id, _ = found.role_arn.split(":", 5)
    # The stack's own policy has the TLS Deny; a bucket named in SSM may be shared.
    deny_insecure_transport = found.source == "stack" and uses_tls(s3)
    wanted = set(PERSONALIZE_SIDS) | ({TLS_SID} if deny_insecure_transport else set())
    try:
        present = {s.get("Sid") for s in read_bucket_policy(s3, found.bucket)["Statement"]}
        if wanted <= present:
            return
        add_personalize_statements(
            s3,
            found.bucket,
            account_id,
            partition,
            deny_insecure_transport=deny_insecure_transport,
        )
    except ClientError as error:
        if _code(error) == "NoSuchBucket":
            raise LookupError(
                f"The {found.source} names bucket {found.bucket!r}, which does not exist."
            ) from error
        if _code(error) not in _ACCESS_DENIED:
            raise
        warnings.warn(
            f"Could not check the policy of bucket {found.bucket!r} ({_code(error)}); "
            "Personalize jobs fail if it does not grant personalize.amazonaws.com access.",
            stacklevel=3,
        )


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
