"""Write a provider's result on the wire as its botocore output shape says."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape


def to_wire(value: Any, shape: Shape | None) -> Any:
    """The JSON-ready form of ``value``: members of ``shape`` only, epoch-second timestamps.

    ``None`` members are left out, as the service leaves out members it has no value for.
    """
    if shape is None or value is None:
        return None
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        out = {}
        for name, member in shape.members.items():
            item = value.get(name)
            if item is not None:
                out[name] = to_wire(item, member)
        return out
    if isinstance(shape, ListShape):
        return [to_wire(item, shape.member) for item in value]
    if isinstance(shape, MapShape):
        return {key: to_wire(item, shape.value) for key, item in value.items()}
    if kind == "timestamp":
        return value.timestamp() if isinstance(value, datetime) else float(value)
    if kind in ("float", "double"):
        return float(value)
    return value


def dumps(body: Any) -> bytes:
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    # A lone surrogate (only ever inside a JSON string) goes out as its \uXXXX escape.
    return text.encode("utf-8", "backslashreplace")
