"""One policy evaluator for Personalize: identity policies, explicit Deny over Allow.

Action and resource matching reuse moto's ``IAMPolicyStatement`` (the same code moto's access
control runs for S3, IAM, SSM …); conditions go through :mod:`.conditions`, which knows the
operators moto's does not. The logic of https://docs.aws.amazon.com/IAM/latest/UserGuide/
reference_policies_evaluation-logic.html, for identity-based policies of one account.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from moto.iam.access_control import IAMPolicyStatement

from .conditions import UnsupportedCondition, conditions_hold


@dataclass(frozen=True)
class NamedPolicy:
    """An identity policy document and where it comes from (for the authorization log)."""

    name: str
    document: str


@dataclass(frozen=True)
class Decision:
    allowed: bool
    #: "allow", "explicit-deny" or "implicit-deny".
    reason: str
    #: ``policy-name#Sid`` (or ``#index``) of the deciding statement; None for an implicit deny.
    statement: str | None = None


def _statements(policy: NamedPolicy) -> Iterable[tuple[str, dict[str, Any]]]:
    try:
        document = json.loads(policy.document)
        statements = document["Statement"]
    except (ValueError, TypeError, KeyError):
        return  # an unreadable document grants nothing
    if isinstance(statements, dict):
        statements = [statements]
    for index, statement in enumerate(statements if isinstance(statements, list) else []):
        if isinstance(statement, dict):
            yield f"{policy.name}#{statement.get('Sid') or index}", statement


def _applies(
    statement: dict[str, Any], action: str, resource: str, context: Mapping[str, list[str]]
) -> bool:
    """Whether the statement covers this action on this resource, its conditions holding."""
    matcher = IAMPolicyStatement(statement)
    try:
        if "NotAction" in statement:
            if matcher._check_element_matches("NotAction", action):
                return False
        elif "Action" not in statement or not matcher._check_element_matches("Action", action):
            return False
        if "NotResource" in statement:
            if matcher._check_element_matches("NotResource", resource):
                return False
        elif "Resource" not in statement or not matcher._check_element_matches(
            "Resource", resource
        ):
            return False
        return conditions_hold(statement.get("Condition"), context)
    except (UnsupportedCondition, TypeError, AttributeError):
        return False  # a statement this evaluator cannot read applies to nothing


def evaluate(
    policies: Iterable[NamedPolicy],
    action: str,
    resource: str,
    context: Mapping[str, list[str]],
) -> Decision:
    allowed_by: str | None = None
    for policy in policies:
        for label, statement in _statements(policy):
            if not _applies(statement, action, resource, context):
                continue
            if statement.get("Effect") == "Deny":
                return Decision(False, "explicit-deny", label)
            if statement.get("Effect") == "Allow" and allowed_by is None:
                allowed_by = label
    if allowed_by is not None:
        return Decision(True, "allow", allowed_by)
    return Decision(False, "implicit-deny")
