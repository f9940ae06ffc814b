"""Valid request bodies built from botocore's input shapes, filled with real resources.

The fuzz mutates these, so a mutation that breaks one member still leaves the rest valid and
the request gets past the validator into the handler.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import regex
from botocore.model import OperationModel, Shape

from personalize_local.protocol.spec import all_operations

from ..wire.builders import INTERACTIONS

#: In an operation's overrides: leave this member out of its base requests.
OMIT = object()

#: A path to a node of a request body: member names, map keys and list indexes.
Path = tuple[str | int, ...]

#: Strings tried, in order, for a patterned string member nobody named in ``known``.
CANDIDATES = (
    "fuzz-name",
    "fuzz_name",
    "a",
    "arn:aws:personalize:us-east-1:123456789012:schema/fuzz",
    "arn:aws:iam::123456789012:role/PersonalizeWorkshopRole",
    "arn:aws:kms:us-east-1:123456789012:key/fuzz",
    "s3://personalize-workshop-data/fuzz/",
    "rate(1 day)",
    "1",
)

#: Values for members whose meaning the shape does not carry (JSON strings, expressions).
SPECIAL = {
    "schema": json.dumps({**INTERACTIONS, "name": "FuzzInteractions"}),
    "filterExpression": 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("watch")',
    "userId": "u1",
    "itemId": "i1",
    "sessionId": "s1",
    "eventType": "watch",
    "properties": "{}",
    "expression": "SUM(Interactions.EVENT_VALUE)",
    "metricName": "fuzz_metric",
    "datasetType": "Interactions",
    "schedulingExpression": "rate(7 days)",
}


@cache
def operations() -> list[OperationModel]:
    """The 79 operations of the three Personalize clients, in a stable order."""
    return [all_operations()[name] for name in sorted(all_operations())]


@cache
def _pattern(expression: str) -> regex.Pattern[str]:
    return regex.compile(expression)


def fits(value: str, shape: Shape) -> bool:
    meta = shape.metadata
    if not meta.get("min", 0) <= len(value) <= meta.get("max", 1 << 30):
        return False
    if "enum" in meta and value not in meta["enum"]:
        return False
    return "pattern" not in meta or bool(_pattern(meta["pattern"]).fullmatch(value))


class Builder:
    """Valid values for every member; ``known`` names real resources (``datasetGroupArn`` …)."""

    def __init__(self, known: Mapping[str, Any], rng: random.Random) -> None:
        self.known = known
        self.rng = rng
        self._names = 0

    def request(self, operation: OperationModel, full: bool) -> dict[str, Any]:
        """Every required member, and with ``full`` every optional one too."""
        shape = operation.input_shape
        if shape is None:
            return {}
        overrides = self.known.get(operation.name, {})
        return self._structure(shape, full, 0, overrides)

    def _structure(
        self, shape: Shape, full: bool, depth: int, overrides: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        overrides = overrides or {}
        for name, member in shape.members.items():
            if overrides.get(name) is OMIT:
                continue
            if name in overrides:
                out[name] = overrides[name]
            elif name in shape.required_members or (full and depth < 4):
                out[name] = self.value(member, name, full, depth + 1)
        return out

    def value(self, shape: Shape, name: str, full: bool, depth: int) -> Any:
        kind = shape.type_name
        meta = shape.metadata
        if kind == "structure":
            return self._structure(shape, full, depth)
        if kind == "list":
            count = max(1, meta.get("min", 0))
            return [self.value(shape.member, name, full, depth + 1) for _ in range(count)]
        if kind == "map":
            key = self._string(shape.key, "key")
            return {key: self.value(shape.value, name, full, depth + 1)}
        if kind == "string":
            return self._string(shape, name)
        if kind in ("integer", "long"):
            low, high = meta.get("min", 1), meta.get("max", 100)
            return max(low, min(high, 10))
        if kind in ("float", "double"):
            return 0.5
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "timestamp":
            return 1_700_000_000
        raise AssertionError(f"no value for {kind}")

    def _string(self, shape: Shape, name: str) -> str:
        if name in self.known and isinstance(self.known[name], str):
            return self.known[name]
        if name in SPECIAL and fits(SPECIAL[name], shape):
            return SPECIAL[name]
        if "enum" in shape.metadata:
            return self.rng.choice(shape.metadata["enum"])
        if name in ("name", "jobName"):
            self._names += 1  # unique, so creates do not collide with each other
            return f"fuzz-{self._names}"
        for candidate in CANDIDATES:
            if fits(candidate, shape):
                return candidate
        raise AssertionError(f"no valid string for {name} ({shape.name})")


def nodes(value: Any, shape: Shape, path: Path = ()) -> Iterator[tuple[Path, Shape, Any]]:
    """Every node of a request body with its shape, the root first."""
    yield path, shape, value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                yield from nodes(value[name], member, (*path, name))
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from nodes(item, shape.member, (*path, index))
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield from nodes(item, shape.value, (*path, key))


def replaced(body: Any, path: Path, new: Any) -> Any:
    """A copy of ``body`` with the node at ``path`` replaced (the body itself when empty)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(body, dict):
        copy: Any = dict(body)
    else:
        copy = list(body)
    copy[head] = replaced(body[head], rest, new)
    return copy


def removed(body: Any, path: Path) -> Any:
    """A copy of ``body`` without the member at ``path``."""
    head, rest = path[0], path[1:]
    copy = dict(body) if isinstance(body, dict) else list(body)
    if rest:
        copy[head] = removed(body[head], rest)
    else:
        del copy[head]
    return copy
