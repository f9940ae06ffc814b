"""A strict check of a raw JSON response against its botocore output shape.

botocore's parser silently drops unknown members, coerces ``"0.5"`` to 0.5, accepts ISO
timestamps and any enum value, so "boto3 accepted it" proves little. This walker flags
each of those; the test suite runs it on every response it receives.
"""

from __future__ import annotations

from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape


def problems(body: Any, shape: Shape | None, path: str = "") -> list[str]:
    """Every way ``body`` (parsed JSON) departs from ``shape``; empty when it conforms."""
    if shape is None:
        return [] if body in (None, {}) else [f"{path or 'body'}: the operation has no output"]
    found: list[str] = []
    _walk(body, shape, path or shape.name, found)
    return found


def _walk(value: Any, shape: Shape, path: str, found: list[str]) -> None:
    kind = shape.type_name
    meta = shape.metadata
    if value is None:
        found.append(f"{path}: null is never sent; leave the member out")
        return
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            found.append(f"{path}: expected object, got {value!r}")
            return
        for name in value:
            if name not in shape.members:
                found.append(f"{path}.{name}: not a member of {shape.name}")
        for name in shape.required_members:
            if name not in value:
                found.append(f"{path}.{name}: required member missing")
        for name, member in shape.members.items():
            if name in value:
                _walk(value[name], member, f"{path}.{name}", found)
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            found.append(f"{path}: expected array, got {value!r}")
            return
        _sizes(len(value), meta, path, found)
        for index, item in enumerate(value):
            _walk(item, shape.member, f"{path}[{index}]", found)
    elif isinstance(shape, MapShape):
        if not isinstance(value, dict):
            found.append(f"{path}: expected object, got {value!r}")
            return
        _sizes(len(value), meta, path, found)
        for key, item in value.items():
            _walk(key, shape.key, f"{path}.<key>", found)
            _walk(item, shape.value, f"{path}[{key!r}]", found)
    elif kind == "string":
        if not isinstance(value, str):
            found.append(f"{path}: expected string, got {value!r}")
            return
        _sizes(len(value), meta, path, found)
        if "enum" in meta and value not in meta["enum"]:
            found.append(f"{path}: {value!r} not in enum {meta['enum']}")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            found.append(f"{path}: expected integer, got {value!r}")
    elif kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            found.append(f"{path}: expected number, got {value!r}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            found.append(f"{path}: expected boolean, got {value!r}")
    elif kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, int | float):
            found.append(f"{path}: JSON-protocol timestamp must be epoch seconds, got {value!r}")
    else:
        found.append(f"{path}: unexpected shape type {kind}")


def _sizes(size: int, meta: dict, path: str, found: list[str]) -> None:
    if "max" in meta and size > meta["max"]:
        found.append(f"{path}: size {size} over max {meta['max']}")
    if "min" in meta and size < meta["min"]:
        found.append(f"{path}: size {size} under min {meta['min']}")
