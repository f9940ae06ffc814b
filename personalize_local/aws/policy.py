"""Evaluate IAM policy documents well enough to answer "may Personalize do this?".

Covers what workshop policies use: Allow/Deny, Action/NotAction, Resource/NotResource with
``*``/``?`` wildcards, service principals, and the common condition operators on the keys the
service sets (``aws:SourceAccount``, ``aws:SourceArn``, ``aws:SecureTransport``). An explicit
Deny wins; otherwise some Allow must match. A condition on an unknown key never matches, so an
Allow we cannot understand grants nothing (fail closed) and such a Deny denies nothing.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from typing import Any


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _glob(pattern: str, value: str, case_sensitive: bool = True) -> bool:
    if not case_sensitive:
        pattern, value = pattern.lower(), value.lower()
    # fnmatch treats [] as classes; IAM does not.
    pattern = pattern.replace("[", "[[]")
    return fnmatch.fnmatchcase(value, pattern)


def _principal_matches(principal: Any, service: str | None) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict) or service is None:
        return False
    if principal.get("AWS") == "*":
        return True
    return service in _as_list(principal.get("Service"))


def _condition_matches(condition: Mapping[str, Any], context: Mapping[str, str]) -> bool:
    for operator, tests in condition.items():
        if_exists = operator.endswith("IfExists")
        base = operator.removesuffix("IfExists")
        for key, expected in tests.items():
            actual = next((v for k, v in context.items() if k.lower() == key.lower()), None)
            if actual is None:
                if if_exists or base.startswith(("StringNot", "ArnNot")):
                    continue
                return False
            if not _operator(base, actual, [str(e) for e in _as_list(expected)]):
                return False
    return True


def _operator(name: str, actual: str, expected: list[str]) -> bool:
    if name == "StringEquals" or name == "ArnEquals":
        return actual in expected
    if name == "StringEqualsIgnoreCase":
        return actual.lower() in [e.lower() for e in expected]
    if name == "StringLike" or name == "ArnLike":
        return any(_glob(e, actual) for e in expected)
    if name == "StringNotEquals" or name == "ArnNotEquals":
        return actual not in expected
    if name == "StringNotLike" or name == "ArnNotLike":
        return not any(_glob(e, actual) for e in expected)
    if name == "Bool":
        return actual.lower() in [e.lower() for e in expected]
    return False  # an operator we do not model never matches


def _statement_applies(
    statement: Mapping[str, Any],
    action: str,
    resource: str | None,
    service: str | None,
    context: Mapping[str, str],
    resource_policy: bool,
) -> bool:
    if resource_policy and not _principal_matches(statement.get("Principal"), service):
        return False
    if "Action" in statement:
        if not any(_glob(a, action, False) for a in _as_list(statement["Action"])):
            return False
    elif any(_glob(a, action, False) for a in _as_list(statement.get("NotAction"))):
        return False
    if resource is not None:
        if "Resource" in statement:
            if not any(_glob(r, resource) for r in _as_list(statement["Resource"])):
                return False
        elif "NotResource" in statement and any(
            _glob(r, resource) for r in _as_list(statement["NotResource"])
        ):
            return False
    return _condition_matches(statement.get("Condition") or {}, context)


def statements(documents: Iterable[str | Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """All statements of some policy documents (JSON text or parsed)."""
    found: list[Mapping[str, Any]] = []
    for document in documents:
        parsed = json.loads(document) if isinstance(document, str) else document
        found += [s for s in _as_list(parsed.get("Statement")) if isinstance(s, dict)]
    return found


def decide(
    documents: Iterable[str | Mapping[str, Any]],
    action: str,
    resource: str | None = None,
    *,
    service: str | None = None,
    context: Mapping[str, str] | None = None,
    resource_policy: bool = False,
) -> str:
    """``"Allow"``, ``"Deny"`` (explicit) or ``"ImplicitDeny"`` for one request."""
    context = context or {}
    verdict = "ImplicitDeny"
    for statement in statements(documents):
        if _statement_applies(statement, action, resource, service, context, resource_policy):
            if statement.get("Effect") == "Deny":
                return "Deny"
            if statement.get("Effect") == "Allow":
                verdict = "Allow"
    return verdict
