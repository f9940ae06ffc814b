"""Write a provider's result on the wire as its botocore output shape says."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from botocore.model import ListShape, MapShape, Shape, StructureShape

#: Turns a value of one shape into its JSON-ready form; None: the value goes out as it is.
Writer = Callable[[Any], Any] | None

#: One writer per shape, built on first use: the shape tree is walked once, not per answer
#: (a 25-item GetRecommendations answer was 150 recursive calls). Shapes hash by identity and
#: botocore keeps one object per shape of a loaded model.
_WRITERS: dict[Shape, Writer] = {}
_BUILDING = threading.Lock()
_MISSING = object()


class Wire(dict[str, Any]):
    """A result its handler built in its wire form already: members of the shape only, in the
    shape's order, ``None`` members left out, floats as ``float``. `to_wire` passes it as it is
    (a hot path's answer, e.g. GetRecommendations', is then not copied member by member);
    ``--strict`` still checks it against the shape."""


def to_wire(value: Any, shape: Shape | None) -> Any:
    """The JSON-ready form of ``value``: members of ``shape`` only, epoch-second timestamps.

    ``None`` members are left out, as the service leaves out members it has no value for.
    """
    if shape is None or value is None:
        return None
    if type(value) is Wire:
        return value
    write = _writer(shape)
    return value if write is None else write(value)


def _writer(shape: Shape) -> Writer:
    found = _WRITERS.get(shape, _MISSING)
    if found is not _MISSING:
        return cast(Writer, found)
    with _BUILDING:
        # Published only when whole: another thread must never see a structure writer whose
        # members are still being built.
        built: dict[Shape, Writer] = {}
        write = _build(shape, built)
        _WRITERS.update(built)
    return write


def _build(shape: Shape, built: dict[Shape, Writer]) -> Writer:
    for known in (_WRITERS, built):
        if shape in known:
            return known[shape]
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        return _structure_writer(shape, built)
    write: Writer = None
    if isinstance(shape, ListShape):
        write = _list_writer(_build(shape.member, built))
    elif isinstance(shape, MapShape):
        write = _map_writer(_build(shape.value, built))
    elif kind == "timestamp":
        write = _timestamp
    elif kind in ("float", "double"):
        write = float
    built[shape] = write
    return write


def _structure_writer(shape: StructureShape, built: dict[Shape, Writer]) -> Writer:
    members: list[tuple[str, Writer]] = []

    def write(value: Any) -> dict[str, Any]:
        out = {}
        for name, member in members:
            item = value.get(name)
            if item is not None:
                out[name] = item if member is None else member(item)
        return out

    built[shape] = write  # before its members: a shape may contain itself
    members.extend((name, _build(member, built)) for name, member in shape.members.items())
    return write


def _list_writer(member: Writer) -> Writer:
    if member is None:
        return list
    return lambda value: [None if item is None else member(item) for item in value]


def _map_writer(member: Writer) -> Writer:
    if member is None:
        return dict
    return lambda value: {
        key: None if item is None else member(item) for key, item in value.items()
    }


def _timestamp(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(body: Any) -> bytes:
    text = _ENCODER.encode(body)
    # A lone surrogate (only ever inside a JSON string) goes out as its \uXXXX escape.
    return text.encode("utf-8", "backslashreplace")
