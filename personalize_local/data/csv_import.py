"""Read one CSV file of a bulk import and check it against the dataset's schema.

The rules are the service's (data-prep-formatting and the quotas page): UTF-8 text, a header
row naming the schema's fields, values of the field's Avro type, empty cells only in nullable
fields, ``true``/``false`` booleans, TIMESTAMP in Unix epoch *seconds*, ``|``-separated
categorical values, and the documented length limits. A failure names the file, the row (its
line in the file), the column and the value.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from ..jobs import JobFailure
from .schemas import DatasetSchema, Field

#: USER_ID / ITEM_ID / ACTION_ID values.
ID_MAX = 256
#: Categorical values (each, after splitting on "|") and other strings.
STRING_MAX = 1000
#: Textual Items fields.
TEXT_MAX = 20_000
ID_FIELDS = ("USER_ID", "ITEM_ID", "ACTION_ID")
TIME_FIELDS = ("TIMESTAMP", "CREATION_TIMESTAMP")
#: Epoch seconds beyond this (year 5138) are almost surely milliseconds.
MAX_EPOCH_SECONDS = 100_000_000_000


def _fail(source: str, row: int, column: str, value: object, problem: str) -> JobFailure:
    shown = str(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return JobFailure(f"{source}: row {row}, column {column}: value '{shown}' {problem}.")


def _header(text: str, schema: DatasetSchema, source: str) -> list[str]:
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not first_line.strip():
        raise JobFailure(f"{source}: the file is empty or its first row (the header) is blank.")
    if '"' in first_line:
        raise JobFailure(f"{source}: header names must not be quoted: {first_line[:200]}")
    names = next(csv.reader([first_line]))
    upper = [n.strip().upper() for n in names]
    if len(set(upper)) != len(upper):
        raise JobFailure(f"{source}: the header repeats a column: {first_line[:200]}")
    missing = [f.name for f in schema.fields if f.name.upper() not in upper]
    if missing:
        raise JobFailure(f"Input CSV is missing the following columns: [{', '.join(missing)}].")
    unknown = [n for n, u in zip(names, upper, strict=True) if schema.field(u) is None]
    if unknown:
        raise JobFailure(
            f"{source}: the header has columns that are not in the schema: [{', '.join(unknown)}]."
        )
    return names


def read(payload: bytes, schema: DatasetSchema, source: str) -> pd.DataFrame:
    """The rows of one CSV file as a frame with the schema's field names and types."""
    if b"\x00" in payload[:65536]:
        raise JobFailure(f"{source}: the file is binary, not CSV text.")
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise JobFailure(
            f"{source}: the file is not UTF-8 text (invalid byte at offset {error.start})."
        ) from None
    names = _header(text, schema, source)
    _check_widths(text, len(names), source)
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            engine="c",
        )
    except pd.errors.ParserError as error:
        raise JobFailure(f"{source}: the CSV is malformed: {error}".rstrip(".") + ".") from None
    raw.columns = names
    columns = {}
    for name in names:
        field = schema.field(name)
        assert field is not None  # _header checked every name
        columns[field.name] = _convert(raw[name], field, source)
    return pd.DataFrame(columns, columns=[f.name for f in schema.fields if f.name in columns])


def _check_widths(text: str, width: int, source: str) -> None:
    """Every row has as many fields as the header (pandas would pad short rows silently)."""
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if row and len(row) != width:
            relation = "fewer" if len(row) < width else "more"
            raise JobFailure(
                f"{source}: row {number} has {relation} fields ({len(row)}) than the header "
                f"({width})."
            )


def _first_bad(mask: np.ndarray) -> int:
    return int(np.argmax(mask))


def _convert(values: pd.Series, field: Field, source: str) -> pd.Series:
    text = values.str.strip() if field.type != "string" else values
    empty = (text == "").to_numpy()
    if empty.any() and not field.nullable:
        index = _first_bad(empty)
        raise _fail(source, index + 2, field.name, "", "is empty, but the field is not nullable")
    if field.type == "string":
        return _strings(values, field, source, empty)
    if field.type == "boolean":
        lowered = text.where(~empty, "true")
        bad = ~lowered.isin(["true", "false"]).to_numpy()
        if bad.any():
            index = _first_bad(bad)
            raise _fail(source, index + 2, field.name, values.iloc[index], "is not true or false")
        return (text == "true").where(~empty, None).astype("boolean")
    numbers = pd.to_numeric(text.where(~empty, None), errors="coerce")
    bad = numbers.isna().to_numpy() & ~empty
    if field.type in ("int", "long"):
        bad |= ~empty & (numbers.fillna(0) % 1 != 0).to_numpy()
    else:
        bad |= ~empty & ~np.isfinite(numbers.fillna(0).to_numpy(dtype=float))
    if bad.any():
        index = _first_bad(bad)
        noun = "an integer" if field.type in ("int", "long") else "a number"
        raise _fail(source, index + 2, field.name, values.iloc[index], f"is not {noun}")
    if field.name.upper() in TIME_FIELDS:
        out_of_range = ~empty & ((numbers < 0) | (numbers >= MAX_EPOCH_SECONDS)).to_numpy()
        if out_of_range.any():
            index = _first_bad(out_of_range)
            raise _fail(
                source,
                index + 2,
                field.name,
                values.iloc[index],
                "is not a Unix epoch time in seconds (milliseconds?)",
            )
    if field.type in ("int", "long"):
        return numbers.astype("Int64") if field.nullable else numbers.astype("int64")
    return numbers.astype("float64")


def _strings(values: pd.Series, field: Field, source: str, empty: np.ndarray) -> pd.Series:
    upper = field.name.upper()
    limit = ID_MAX if upper in ID_FIELDS else TEXT_MAX if field.textual else STRING_MAX
    lengths = values.str.len().to_numpy()
    if field.categorical and upper not in ID_FIELDS:
        too_long = lengths > limit
        if too_long.any():  # only then split: each value of a "|" list has the limit
            parts = values.str.split("|")
            too_long = parts.map(lambda p: max(len(v) for v in p) > limit).to_numpy()
    else:
        too_long = lengths > limit
    if too_long.any():
        index = _first_bad(too_long)
        raise _fail(
            source, index + 2, field.name, values.iloc[index], f"is longer than {limit} characters"
        )
    return values.where(~empty, None)
