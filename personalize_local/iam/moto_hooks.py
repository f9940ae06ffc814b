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
    if action == "ssm:GetParameter" and data.get("Name"):
        return f"arn:aws:ssm:{region}:{account}:parameter/{data['Name'].lstrip('/')}"
    if action == "cloudformation:DescribeStacks" and data.get("StackName"):
        name = data["StackName"]
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


#: moto names some S3 checks after the operation; IAM authorizes them as another action
#: (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html: s3:ListBucket).
_IAM_ACTIONS = {"s3:HeadBucket": "s3:ListBucket"}


def _check_and_log(self: Any, resource: str) -> None:
    self._action = _IAM_ACTIONS.get(self._action, self._action)
    resource = _resource_of(self, resource)
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
