"""Authorize each Personalize operation against the caller's identity policies.

Action names and resource ARNs follow the service authorization reference for Amazon Personalize
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonpersonalize.html):
the action is ``personalize:<Operation>``; a Create is authorized on the ARN the new resource will
have, other operations on the resource they name, List operations on ``*``. A ``roleArn`` in the
request also needs ``iam:PassRole`` on that role with ``iam:PassedToService`` =
``personalize.amazonaws.com`` (https://docs.aws.amazon.com/IAM/latest/UserGuide/
id_roles_use_passrole.html).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import PersonalizeError
from .auth_log import AuthLog
from .evaluate import Decision, evaluate
from .principal import CredentialsRejected, Principal, resolve

SERVICE_PRINCIPAL = "personalize.amazonaws.com"

#: Create operations whose ARN is not ``<kind>/<name>``.
_CREATED_ELSEWHERE = {"CreateSolutionVersion": "solutionArn", "CreateDataset": None}
#: Which member names the resource, in order of preference, when several ARNs are sent.
_PREFERRED = ("resourceArn", "campaignArn", "recommenderArn", "trackingId")


class AccessDeniedException(PersonalizeError):
    code = "AccessDeniedException"


class UnrecognizedClientException(PersonalizeError):
    code = "UnrecognizedClientException"
    status = 403


class ExpiredTokenException(PersonalizeError):
    code = "ExpiredTokenException"
    status = 403


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def resource_arn(
    operation: str, params: Mapping[str, Any], region: str, account: str, partition: str = "aws"
) -> str:
    """The ARN the operation is authorized on (``*`` when it names no resource)."""
    prefix = f"arn:{partition}:personalize:{region}:{account}"
    if operation == "CreateDataset":
        group = str(params.get("datasetGroupArn", "")).rsplit("/", 1)[-1]
        return f"{prefix}:dataset/{group}/{str(params.get('datasetType', '')).upper()}"
    if operation in _CREATED_ELSEWHERE:
        return str(params.get(_CREATED_ELSEWHERE[operation] or "", "*"))
    if operation.startswith("Create") and "name" in params:
        return f"{prefix}:{_kebab(operation.removeprefix('Create'))}/{params['name']}"
    if operation.startswith("List"):
        return "*"
    for member in _PREFERRED:
        if isinstance(params.get(member), str) and params[member].startswith("arn:"):
            return params[member]
    for member, value in params.items():
        if member.endswith("Arn") and member != "roleArn" and isinstance(value, str):
            return value
    return "*"


def _context(
    principal: Principal,
    region: str,
    resource_tags: Mapping[str, str],
    request_tags: list[dict[str, str]],
    source_ip: str,
) -> dict[str, list[str]]:
    """Condition keys this endpoint can evaluate, lower-cased (they are case-insensitive)."""
    context = {
        "aws:requestedregion": [region],
        "aws:principalarn": [principal.arn],
        "aws:sourceip": [source_ip] if source_ip else [],
        "aws:securetransport": ["false"],
    }
    for key, value in resource_tags.items():
        context[f"aws:resourcetag/{key.lower()}"] = [value]
    for tag in request_tags:
        if "tagKey" in tag:
            context[f"aws:requesttag/{tag['tagKey'].lower()}"] = [tag.get("tagValue", "")]
    if request_tags:
        context["aws:tagkeys"] = [t["tagKey"] for t in request_tags if "tagKey" in t]
    return {k: v for k, v in context.items() if v}


class Authorizer:
    """What ``PersonalizeApp`` calls before a handler when IAM is enforced."""

    def __init__(self, account_id: str, log: AuthLog | None = None) -> None:
        self.account_id = account_id
        self.log = log

    def authorize(
        self,
        *,
        operation: str,
        params: Mapping[str, Any],
        region: str,
        access_key_id: str,
        session_token: str | None,
        resource_tags: Mapping[str, str],
        source_ip: str = "",
    ) -> None:
        """Return when allowed; raise the service's error otherwise."""
        try:
            principal = resolve(self.account_id, access_key_id, session_token)
        except CredentialsRejected as rejected:
            if rejected.kind == "expired":
                raise ExpiredTokenException(
                    "The security token included in the request is expired"
                ) from None
            raise UnrecognizedClientException(
                "The security token included in the request is invalid."
            ) from None
        given = params.get("tags")
        tags = given if isinstance(given, list) else []
        context = _context(principal, region, resource_tags, tags, source_ip)
        action = f"personalize:{operation}"
        resource = resource_arn(operation, params, region, self.account_id)
        self._decide(principal, action, resource, context)
        role = params.get("roleArn")
        if isinstance(role, str) and role:
            passing = {**context, "iam:passedtoservice": [SERVICE_PRINCIPAL]}
            self._decide(principal, "iam:PassRole", role, passing, operation=operation)

    def _decide(
        self,
        principal: Principal,
        action: str,
        resource: str,
        context: Mapping[str, list[str]],
        **extra: Any,
    ) -> Decision:
        decision = evaluate(principal.policies, action, resource, context)
        if self.log is not None:
            self.log.write(
                principal=principal.arn,
                action=action,
                resource=resource,
                allowed=decision.allowed,
                statement=decision.statement,
                source="personalize",
                reason=decision.reason,
                **extra,
            )
        if not decision.allowed:
            why = (
                "with an explicit deny in an identity-based policy"
                if decision.reason == "explicit-deny"
                else f"because no identity-based policy allows the {action} action"
            )
            raise AccessDeniedException(
                f"User: {principal.arn} is not authorized to perform: {action} on resource: "
                f"{resource} {why}"
            )
        return decision
