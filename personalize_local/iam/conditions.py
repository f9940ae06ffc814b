"""The ``Condition`` block of a policy statement, for the operators the workshop's policies use.

Semantics of the IAM reference (https://docs.aws.amazon.com/IAM/latest/UserGuide/
reference_policies_elements_condition_operators.html): every operator in the block and every key
under it must hold; a key missing from the request fails a positive operator and satisfies a
negated one; ``…IfExists`` holds when the key is missing; the values of one key are OR'ed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from typing import Any


def _like(pattern: str, value: str) -> bool:
    # IAM wildcards: * any run, ? one character; no character classes.
    escaped = pattern.replace("[", "[[]")
    return fnmatch.fnmatchcase(value, escaped)


def _bool(expected: str, value: str) -> bool:
    return expected.lower() == value.lower()


_POSITIVE: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda expected, value: expected == value,
    "StringEqualsIgnoreCase": lambda expected, value: expected.lower() == value.lower(),
    "StringLike": _like,
    "ArnEquals": lambda expected, value: expected == value,
    "ArnLike": _like,
    "Bool": _bool,
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


class UnsupportedCondition(ValueError):
    """An operator this evaluator does not know: the statement is never applied."""


def _as_list(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in values]


def _holds(operator: str, expected: list[str], actual: list[str] | None) -> bool:
    set_operator = None
    if ":" in operator:
        set_operator, operator = operator.split(":", 1)
    if_exists = operator.endswith("IfExists")
    operator = operator.removesuffix("IfExists")
    if actual is None:
        return if_exists or operator in _NEGATED or set_operator == "ForAllValues"
    negated = operator in _NEGATED
    compare = _POSITIVE.get(_NEGATED.get(operator, operator))
    if compare is None:
        raise UnsupportedCondition(operator)

    def matches(value: str) -> bool:
        found = any(compare(e, value) for e in expected)
        return not found if negated else found

    if set_operator == "ForAllValues":
        return all(matches(v) for v in actual)
    return any(matches(v) for v in actual)


def conditions_hold(block: Mapping[str, Any] | None, context: Mapping[str, list[str]]) -> bool:
    """Whether every condition of ``block`` holds for the request ``context``.

    Condition keys are case-insensitive, so ``context`` is keyed in lower case.
    """
    for operator, keys in (block or {}).items():
        for key, expected in keys.items():
            if not _holds(operator, _as_list(expected), context.get(key.lower())):
                return False
    return True
