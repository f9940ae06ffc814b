"""moto's own access control (``moto/core/authorization.py``, ``moto/iam/access_control.py``),
switched on per request and logged.

moto enforces IAM once ``settings.INITIAL_NO_AUTH_ACTION_COUNT`` requests have been served
(``request_count >= INITIAL_NO_AUTH_ACTION_COUNT``). That setting is process-wide, but the
endpoint's own jobs read S3 and IAM through the same app and are authorized separately (the
Personalize service role, aws/access.py), so the threshold is replaced by an object whose
comparison answers per request, from a context variable the gateway sets. moto's decisions are
also written to the authorization log, and the few read actions the workshop scopes to a
resource (SSM parameters, CloudFormation stacks, IAM roles), for which moto passes ``*``, are
given their ARN so that resource-scoped statements match as on AWS.
"""

from __future__ import annotations

import contextvars
import json
import threading
from typing import Any
from xml.etree import ElementTree

from moto import settings
from moto.iam import access_control

from .auth_log import AuthLog

#: Whether moto's access control applies to the request being served in this context.
enforcing: contextvars.ContextVar[bool] = contextvars.ContextVar("enforcing", default=False)
#: Where moto's decisions go for the request being served.
auth_log: contextvars.ContextVar[AuthLog | None] = contextvars.ContextVar("auth_log", default=None)


class _PerRequestThreshold:
    """Stands in for ``INITIAL_NO_AUTH_ACTION_COUNT``: 0 while enforcing, infinity otherwise."""

    def _value(self) -> float:
        return 0 if enforcing.get() else float("inf")

    def __le__(self, count: object) -> bool:  # count >= threshold
        return self._value() <= count  # type: ignore[operator]

    def __gt__(self, count: object) -> bool:  # count < threshold
        return self._value() > count  # type: ignore[operator]

    def __float__(self) -> float:
        return self._value()


def _param(request: Any, name: str) -> str | None:
    """A request parameter, from the query string (query protocol) or the JSON body."""
    value = (request._data or {}).get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None and request._body:
        try:
            body = json.loads(request._body)
        except (ValueError, TypeError):
            return None
        value = body.get(name) if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


def _resource_of(request: Any, resource: str) -> str:
    """The ARN of a workshop read that moto authorizes on ``*``."""
    if resource != "*":
        return resource
    data = {n: _param(request, n) for n in ("Name", "StackName", "RoleName")}
    account, region = request.account_id, request._region
    action = request._action
    if action == "ssm:GetParameter" and (parameter := data.get("Name")):
        return f"arn:aws:ssm:{region}:{account}:parameter/{parameter.lstrip('/')}"
    if action == "cloudformation:DescribeStacks" and (name := data.get("StackName")):
        if name.startswith("arn:"):
            return name
        from moto.cloudformation.models import cloudformation_backends

        for stack in cloudformation_backends[account][region].stacks.values():
            if stack.name == name and stack.status != "DELETE_COMPLETE":
                return stack.stack_id
    if action == "iam:GetRole" and data.get("RoleName"):
        return f"arn:aws:iam::{account}:role/{data['RoleName']}"
    return resource


_installed = threading.Lock()
_original = access_control.IAMRequestBase.check_action_permitted


#: moto names S3 checks after the API operation; IAM authorizes them as these actions
#: (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
_IAM_ACTIONS = {
    "s3:HeadBucket": "s3:ListBucket",
    "s3:ListObjects": "s3:ListBucket",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:ListObjectVersions": "s3:ListBucketVersions",
    "s3:HeadObject": "s3:GetObject",
    "s3:CreateMultipartUpload": "s3:PutObject",
    "s3:UploadPart": "s3:PutObject",
    "s3:CompleteMultipartUpload": "s3:PutObject",
}
#: With a ``versionId`` these act on one version, which IAM authorizes separately.
_VERSIONED = {"s3:GetObject": "s3:GetObjectVersion", "s3:DeleteObject": "s3:DeleteObjectVersion"}


def _deleted_objects(body: bytes | str | None) -> list[dict[str, str]]:
    """The ``<Object>`` entries (Key, VersionId) of a DeleteObjects request body; none if it
    cannot be read (moto then answers MalformedXML itself)."""
    try:
        root = ElementTree.fromstring(body or b"")
    except ElementTree.ParseError:
        return []
    found = []
    for entry in root.iterfind("{*}Object"):
        fields = {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in entry}
        if "Key" in fields:
            found.append(fields)
    return found


def _checks(request: Any, resource: str) -> list[tuple[str, str]]:
    """The (IAM action, resource) pairs AWS authorizes for this request.

    DeleteObjects is authorized per key, as s3:DeleteObject or s3:DeleteObjectVersion on each
    object (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html); moto checks
    it once on the bucket. When any key is denied, moto answers every key with AccessDenied.
    """
    action = _IAM_ACTIONS.get(request._action, request._action)
    if action == "s3:DeleteObjects":
        objects = _deleted_objects(request._body)
        if objects:
            return [
                ("s3:DeleteObjectVersion" if o.get("VersionId") else "s3:DeleteObject",
                 f"{resource}/{o['Key']}")
                for o in objects
            ]  # fmt: skip
        action = "s3:DeleteObject"
    if action in _VERSIONED and _param(request, "versionId"):
        action = _VERSIONED[action]
    return [(action, resource)]


def _check_and_log(self: Any, resource: str) -> None:
    for action, target in _checks(self, resource):
        self._action = action
        _check_one(self, _resource_of(self, target))


def _check_one(self: Any, resource: str) -> None:
    log = auth_log.get()
    try:
        _original(self, resource)
    except Exception:
        if log is not None:
            log.write(
                principal=self._access_key.arn,
                action=self._action,
                resource=resource,
                allowed=False,
                statement=None,
                source="moto",
            )
        raise
    if log is not None:
        log.write(
            principal=self._access_key.arn,
            action=self._action,
            resource=resource,
            allowed=True,
            statement=None,
            source="moto",
        )


_original_role_policies = access_control.AssumedRoleAccessKey.collect_policies


def _role_policies(self: Any) -> list[Any]:
    # moto's CloudFormation stores a stack role's inline policies as dicts, which moto's
    # IAMPolicy cannot read (it expects a JSON string or a managed Policy): hand it JSON.
    return [
        json.dumps(policy) if isinstance(policy, dict) else policy
        for policy in _original_role_policies(self)
    ]


def install() -> None:
    """Idempotent: make moto's access control answer per request."""
    with _installed:
        if not isinstance(settings.INITIAL_NO_AUTH_ACTION_COUNT, _PerRequestThreshold):
            settings.INITIAL_NO_AUTH_ACTION_COUNT = _PerRequestThreshold()  # type: ignore[assignment]
            access_control.IAMRequestBase.check_action_permitted = _check_and_log  # type: ignore[method-assign]
            access_control.AssumedRoleAccessKey.collect_policies = _role_policies  # type: ignore[method-assign]
