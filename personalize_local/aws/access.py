"""What Personalize may do in S3 with the role it is given, decided as the service decides.

Personalize assumes the role (its trust policy must name personalize.amazonaws.com), acts with
the role's permissions, and the bucket policy must also allow the Personalize principal:
the documented setup in "Giving Amazon Personalize access to Amazon S3 resources".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from botocore.exceptions import ClientError

from ..store.jobs import JobFailure
from . import policy

PRINCIPAL = "personalize.amazonaws.com"
GUIDE = "https://docs.aws.amazon.com/personalize/latest/dg/granting-personalize-s3-access.html"


@dataclass(frozen=True)
class S3Location:
    """``s3://bucket/key`` (a single object) or ``s3://bucket/prefix/`` (every object below)."""

    bucket: str
    key: str

    @classmethod
    def parse(cls, uri: str, what: str = "Data location") -> S3Location:
        parsed = urlparse(uri)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise JobFailure(f"Invalid {what}: {uri}. Use s3://bucket/key or s3://bucket/prefix/.")
        return cls(parsed.netloc, parsed.path.lstrip("/"))

    @property
    def is_prefix(self) -> bool:
        return self.key == "" or self.key.endswith("/")

    @property
    def bucket_arn(self) -> str:
        return f"arn:aws:s3:::{self.bucket}"

    def object_arn(self, key: str | None = None) -> str:
        return f"arn:aws:s3:::{self.bucket}/{self.key if key is None else key}"

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def _role_documents(iam: Any, role_arn: str) -> tuple[Mapping, list[Mapping]]:
    """The role's trust policy and every identity policy attached to it."""
    name = role_arn.rsplit("/", 1)[-1]
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except ClientError:
        raise JobFailure(f"The role {role_arn} does not exist.") from None
    documents: list[Mapping] = []
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name):
        for attached in page["AttachedPolicies"]:
            managed = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
            version = iam.get_policy_version(
                PolicyArn=attached["PolicyArn"], VersionId=managed["DefaultVersionId"]
            )
            documents.append(version["PolicyVersion"]["Document"])
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=name):
        for inline in page["PolicyNames"]:
            documents.append(
                iam.get_role_policy(RoleName=name, PolicyName=inline)["PolicyDocument"]
            )
    return role["AssumeRolePolicyDocument"], documents


def _bucket_policy(s3: Any, bucket: str) -> list[str]:
    try:
        return [s3.get_bucket_policy(Bucket=bucket)["Policy"]]
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code == "NoSuchBucketPolicy":
            return []
        if code == "NoSuchBucket":
            raise JobFailure(
                f"Invalid Data location. The bucket {bucket} does not exist."
            ) from None
        raise


def check(
    clients: Any,
    role_arn: str | None,
    bucket: str,
    requests: Iterable[tuple[str, str]],
    context: Mapping[str, str],
) -> None:
    """Raise :class:`JobFailure` unless Personalize, with ``role_arn``, may make every request.

    ``requests`` are (action, resource ARN) pairs such as ("s3:GetObject", object ARN). Without
    a role, only the bucket policy grants access.
    """
    context = {"aws:SecureTransport": "true", **context}
    trust, identity = _role_documents(clients.iam, role_arn) if role_arn else ({}, [])
    assumed = policy.decide(
        [trust], "sts:AssumeRole", service=PRINCIPAL, context=context, resource_policy=True
    )
    if role_arn and assumed != "Allow":
        raise JobFailure(
            f"Amazon Personalize cannot assume the role {role_arn}: its trust policy must allow "
            f"{PRINCIPAL} to call sts:AssumeRole."
        )
    bucket_documents = _bucket_policy(clients.s3, bucket)
    for action, resource in requests:
        by_role = policy.decide(identity, action, resource, context=context)
        by_bucket = policy.decide(
            bucket_documents,
            action,
            resource,
            service=PRINCIPAL,
            context=context,
            resource_policy=True,
        )
        if role_arn and by_role != "Allow":
            raise JobFailure(
                f"Insufficient privileges for accessing data in Amazon S3: the role {role_arn} "
                f"does not allow {action} on {resource}. See {GUIDE}"
            )
        if by_bucket != "Allow":
            raise JobFailure(
                f"Insufficient privileges for accessing data in Amazon S3: the bucket policy of "
                f"{bucket} does not allow {PRINCIPAL} {action} on {resource}. See {GUIDE}"
            )


def list_objects(s3: Any, location: S3Location) -> list[str]:
    """The keys a location names: the object itself, or every object under the prefix."""
    if not location.is_prefix:
        return [location.key]
    keys = []
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=location.bucket, Prefix=location.key
        ):
            keys += [o["Key"] for o in page.get("Contents", []) if not o["Key"].endswith("/")]
    except ClientError as error:
        if error.response["Error"]["Code"] == "NoSuchBucket":
            message = f"Invalid Data location. The bucket {location.bucket} does not exist."
            raise JobFailure(message) from None
        raise
    return sorted(keys)


def readable_keys(
    clients: Any, location: S3Location, role_arn: str | None, context: Mapping[str, str]
) -> list[str]:
    """The keys at ``location``, once Personalize may list the bucket and read each of them."""
    keys = list_objects(clients.s3, location)
    if not keys:
        raise JobFailure(f"Invalid Data location. No objects found at {location}.")
    requests = [("s3:ListBucket", location.bucket_arn)]
    requests += [("s3:GetObject", location.object_arn(key)) for key in keys]
    check(clients, role_arn, location.bucket, requests, context)
    return keys


def read_object(s3: Any, bucket: str, key: str) -> bytes:
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as error:
        if error.response["Error"]["Code"] in ("NoSuchKey", "NoSuchBucket", "404"):
            raise JobFailure(
                f"Invalid Data location. s3://{bucket}/{key} does not exist."
            ) from None
        raise
