"""Validate a request body against its botocore input shape, as the service does.

botocore's own ``ParamValidator`` checks only required members, types and ``min``; the service
also enforces ``max``, ``pattern`` and ``enum``. This walker checks all of them and answers in
the service's words ("1 validation error detected: Value ... at 'name' failed to satisfy
constraint: ..."). Unknown members are ignored, as AWS JSON services ignore them.
"""

from __future__ import annotations

import math
import reprlib
from functools import cache
from typing import Any

import regex
from botocore.model import ListShape, MapShape, Shape, StructureShape

from ..errors import InvalidInputException

#: Problems named in one error message.
MAX_LISTED = 10


@cache
def _pattern(expression: str) -> regex.Pattern[str]:
    # The models' patterns are Java regexes (\p{L}, \p{ASCII}); the `regex` module speaks them.
    return regex.compile(expression)


def validate(params: Any, shape: StructureShape | None) -> None:
    """Raise ``InvalidInputException`` listing every constraint ``params`` breaks."""
    if shape is None:
        return
    problems: list[str] = []
    _check_structure(params, shape, "", problems)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        # Name the first few: a 5,000-entry map of bad values must not make a megabyte answer.
        shown = "; ".join(problems[:MAX_LISTED])
        if count > MAX_LISTED:
            shown += f"; and {count - MAX_LISTED} more"
        raise InvalidInputException(f"{count} validation {noun} detected: {shown}")


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring = 3, 5, 5, 60


def _describe(value: Any, shape: Shape) -> str:
    if shape.metadata.get("sensitive"):
        return "Value"
    # reprlib bounds depth and width: a value may be a 20,000-item list nested 900 deep.
    text = _REPR.repr(value) if not isinstance(value, str) else f"'{value[:201]}'"
    if len(text) > 200:
        text = text[:200] + "...'"
    return f"Value {text}"


def _fail(problems: list[str], value: Any, shape: Shape, path: str, constraint: str) -> None:
    problems.append(
        f"{_describe(value, shape)} at '{path}' failed to satisfy constraint: {constraint}"
    )


def _check_structure(value: Any, shape: StructureShape, path: str, problems: list[str]) -> None:
    if not isinstance(value, dict):
        _fail(problems, value, shape, path or "body", "Member must be a structure")
        return
    for name in shape.required_members:
        if value.get(name) is None:
            member_path = f"{path}.{name}" if path else name
            problems.append(
                f"Value null at '{member_path}' failed to satisfy constraint: "
                "Member must not be null"
            )
    for name, member in shape.members.items():
        if name in value and value[name] is not None:
            _check(value[name], member, f"{path}.{name}" if path else name, problems)


def _check(value: Any, shape: Shape, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    meta = shape.metadata
    if isinstance(shape, StructureShape):
        _check_structure(value, shape, path, problems)
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            _fail(problems, value, shape, path, "Member must be a list")
            return
        _check_size(value, len(value), shape, path, problems, "length")
        for index, item in enumerate(value, start=1):
            if item is None:
                problems.append(
                    f"Value null at '{path}.{index}.member' failed to satisfy constraint: "
                    "Member must not be null"
                )
            else:
                _check(item, shape.member, f"{path}.{index}.member", problems)
    elif isinstance(shape, MapShape):
        if not isinstance(value, dict):
            _fail(problems, value, shape, path, "Member must be a map")
            return
        _check_size(value, len(value), shape, path, problems, "length")
        for key, item in value.items():
            name = key if len(key) <= 64 else f"{key[:61]}..."  # the path repeats the key
            _check(key, shape.key, f"{path}.{name}.key", problems)
            if item is None:
                problems.append(
                    f"Value null at '{path}.{name}.value' failed to satisfy constraint: "
                    "Member must not be null"
                )
            else:
                _check(item, shape.value, f"{path}.{name}.value", problems)
    elif kind == "string":
        if not isinstance(value, str):
            _fail(problems, value, shape, path, "Member must be a string")
            return
        sized = _check_size(value, len(value), shape, path, problems, "length")
        if "enum" in meta and value not in meta["enum"]:
            enum = ", ".join(meta["enum"])
            _fail(problems, value, shape, path, f"Member must satisfy enum value set: [{enum}]")
        # Only a string within its length is matched: patterns such as ".*:.*:.+" backtrack
        # quadratically, so a 1 MB value would hold the request for minutes.
        if sized and "pattern" in meta and not _pattern(meta["pattern"]).fullmatch(value):
            _fail(
                problems,
                value,
                shape,
                path,
                f"Member must satisfy regular expression pattern: {meta['pattern']}",
            )
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(problems, value, shape, path, "Member must be an integer")
            return
        _check_size(value, value, shape, path, problems, "value")
    elif kind in ("float", "double"):
        if not _is_number(value):
            _fail(problems, value, shape, path, "Member must be a number")
            return
        _check_size(value, value, shape, path, problems, "value")
    elif kind == "boolean":
        if not isinstance(value, bool):
            _fail(problems, value, shape, path, "Member must be a boolean")
    elif kind == "timestamp" and not _is_number(value):
        # JSON protocols send timestamps as epoch seconds.
        _fail(problems, value, shape, path, "Member must be a timestamp in epoch seconds")


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _check_size(
    value: Any, size: float, shape: Shape, path: str, problems: list[str], what: str
) -> bool:
    """Report ``size`` outside the shape's min and max; True when it is within them."""
    meta = shape.metadata
    within = True
    if "min" in meta and size < meta["min"]:
        relation = "greater than or equal to"
        _fail(problems, value, shape, path, f"Member must have {what} {relation} {meta['min']}")
        within = False
    if "max" in meta and size > meta["max"]:
        relation = "less than or equal to"
        _fail(problems, value, shape, path, f"Member must have {what} {relation} {meta['max']}")
        within = False
    return within
