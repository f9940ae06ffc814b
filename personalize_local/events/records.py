"""Turn the events API's records into dataset rows, checked against the dataset's schema.

``properties`` is a JSON string whose keys are the camelCase forms of schema fields
(``numberOfRatings`` for NUMBER_OF_RATINGS); multi-valued categoricals are ``|``-separated.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from ..data.csv_import import INTEGER_RANGES, MAX_EPOCH_SECONDS, TIME_FIELDS
from ..data.schemas import DatasetSchema, Field
from ..errors import InvalidInputException


def _key(name: str) -> str:
    return name.replace("_", "").lower()


def properties(text: str | None, what: str) -> dict[str, Any]:
    """The parsed ``properties`` JSON object (empty when absent)."""
    if text is None:
        return {}
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep
        raise InvalidInputException(f"The properties of {what} are not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise InvalidInputException(f"The properties of {what} must be a JSON object.")
    return parsed


def _value(field: Field, value: Any, what: str) -> Any:
    if value is None:
        if not field.nullable:
            raise InvalidInputException(f"{what}: {field.name} cannot be null.")
        return None
    kind = field.type
    if kind == "string":
        if not isinstance(value, str):
            raise InvalidInputException(f"{what}: {field.name} must be a string.")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise InvalidInputException(f"{what}: {field.name} must be true or false.")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInputException(f"{what}: {field.name} must be a number.")
    if kind in ("int", "long"):
        if value != int(value):
            raise InvalidInputException(f"{what}: {field.name} must be an integer.")
        # The validator passes any finite number; 1e308 would become an int no array can hold.
        low, high = INTEGER_RANGES[kind]
        if field.name.upper() in TIME_FIELDS:
            low, high = 0, MAX_EPOCH_SECONDS
        if not low <= value < high:
            raise InvalidInputException(
                f"{what}: {field.name} {value:.6g} is out of range (from {low} to below {high})."
            )
        return int(value)
    return float(value)


def to_row(
    schema: DatasetSchema,
    fixed: Mapping[str, Any],
    props: Mapping[str, Any],
    what: str,
) -> dict[str, Any]:
    """A dataset row from the record's own members (``fixed``) and its properties.

    Every property must name a schema field; every non-nullable field must get a value.
    """
    by_key = {_key(f.name): f for f in schema.fields}
    row: dict[str, Any] = {}
    for name, value in props.items():
        field = by_key.get(_key(name))
        if field is None:
            raise InvalidInputException(
                f"{what}: the property {name} is not a field of the schema."
            )
        row[field.name] = _value(field, value, what)
    for name, value in fixed.items():
        field = schema.field(name)
        if field is not None and value is not None:
            row[field.name] = _value(field, value, what)
    missing = [f.name for f in schema.fields if not f.nullable and row.get(f.name) is None]
    if missing:
        raise InvalidInputException(f"{what}: missing the required field(s) {', '.join(missing)}.")
    return {f.name: row.get(f.name) for f in schema.fields}
