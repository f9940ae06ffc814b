"""The lines of a batch job's input: JSON objects parsed into the members a job reads.

A line that cannot be answered gets an output line with an ``error`` message instead of an
answer (live guide ``batch-data-upload``); only what stops the whole job ends it CREATE FAILED.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...errors import PersonalizeError

#: [Inf] GetRecommendations' limit; the model sets none for batch inference.
MAX_ITEMS = 500


class LineError(Exception):
    """A line that gets an error line in the output instead of an answer."""


@dataclass
class Line:
    """One input line: the object as read (echoed as ``input``) and its parsed members."""

    record: Any
    error: str | None = None
    user_id: str | None = None
    item_id: str | None = None
    item_list: list[str] = field(default_factory=list)
    item_attributes: str | None = None
    filter_values: dict[str, str] | None = None


def _string(record: dict, key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value:
        raise LineError(f"The input must have a non-empty string {key}.")
    return value


def read(text: str, wanted: tuple[str, ...]) -> Line:
    """Parse a line that must hold the members ``wanted`` (userId, itemId, itemList, …)."""
    try:
        record = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep
        return Line(text, "The line is not valid JSON.")
    line = Line(record)
    try:
        if not isinstance(record, dict):
            raise LineError("The line must be a JSON object.")
        values = record.get("filterValues")
        if values is not None and not (
            isinstance(values, dict) and all(isinstance(v, str) for v in values.values())
        ):
            raise LineError("filterValues must map placeholder names to strings.")
        line.filter_values = values
        if "userId" in wanted:
            line.user_id = _string(record, "userId")
        if "itemId" in wanted:
            line.item_id = _string(record, "itemId")
        if "itemAttributes" in wanted:
            line.item_attributes = _string(record, "itemAttributes")
        if "itemList" in wanted:
            items = record.get("itemList")
            if (
                not isinstance(items, list)
                or not items
                or not all(isinstance(i, str) for i in items)
            ):
                raise LineError("The input must have an itemList of item id strings.")
            if len(items) > MAX_ITEMS:
                raise LineError(f"itemList must have at most {MAX_ITEMS} items.")
            line.item_list = items
    except LineError as error:
        line.error = str(error)
    return line


def error_line(line: Line, message: str) -> dict[str, Any]:
    # [Inf] Observed lines always carry input, output and error; a failed line has no output.
    return {"input": line.record, "output": None, "error": message}


def answered(line: Line, output: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    if line.error is not None:
        return error_line(line, line.error)
    try:
        return {"input": line.record, "output": output(), "error": None}
    except (LineError, PersonalizeError) as error:
        return error_line(line, str(error))
