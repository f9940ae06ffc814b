"""Read one CSV file of a bulk import and check it against the dataset's schema.

The rules are the service's (data-prep-formatting and the quotas page): UTF-8 text, a header
row naming the schema's fields, values of the field's Avro type, ``true``/``false`` booleans,
TIMESTAMP in Unix epoch *seconds*, ``|``-separated categorical values, and the documented length
limits. A failure names the file, the row (its line in the file), the column and the value.

Empty cells. The guide says metadata "can include empty/null values" when the schema adds the
null type (https://docs.aws.amazon.com/personalize/latest/dg/item-dataset-requirements.html,
likewise user-dataset-requirements.html). The service is more lenient than that sentence in
practice: the public POC workshop declares ``YEAR`` as a plain ``"int"`` and imports 13 movies
without a year as empty cells, and its committed output shows that import ACTIVE
(aws-samples/amazon-personalize-samples,
next_steps/workshops/POC_in_a_box/completed/02_Validating_and_Importing_Item_Metadata.ipynb).
So an empty cell in an *optional metadata* field (a field that is neither required nor a
reserved keyword for its dataset type, see
https://docs.aws.amazon.com/personalize/latest/dg/custom-datasets-and-schemas.html) imports as
missing whatever its declared type; missing values match no filter condition. Required fields
and reserved keywords (USER_ID, ITEM_ID, ACTION_ID, TIMESTAMP, EVENT_TYPE,
CREATION_TIMESTAMP, …) stay strict: empty fails unless the schema makes them nullable. A value
that is present must still have the field's type ('abc' in an int column fails). Where the
public record is silent (a blank in a non-nullable *string* metadata field) the same rule is
applied by analogy: a guess.

Unnamed columns. A file written by ``pandas.DataFrame.to_csv`` without ``index=False`` starts
with the frame's index under an empty header name. The service imports such files: the public
recommender-agent notebook writes its interactions and items that way and its committed output
shows the imports ACTIVE (aws-samples/amazon-personalize-samples,
next_steps/generative_ai/personalized_recommender_agent/01_Recommender-Agent_Configure-Personalize-Resources.ipynb).
So a column whose header is empty is ignored. A *named* column the schema lacks still fails
the job (no public record either way; a misspelt field name should not vanish silently).
"""

from __future__ import annotations

import codecs
import csv
import io

import numpy as np
import pandas as pd

from ..store.jobs import JobFailure
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
#: Avro's int and long: [low, high).
INTEGER_RANGES = {"int": (-(2**31), 2**31), "long": (-(2**63), 2**63)}


#: Leading bytes of files that are not text: what an attendee may upload by mistake.
MAGIC = (
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"PK\x03\x04", "a ZIP archive (or an .xlsx workbook)"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"PAR1", "a Parquet file"),
    (b"\xd0\xcf\x11\xe0", "an .xls workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
#: Byte order marks of the encodings that are not UTF-8 (UTF-32 LE first: it starts like UTF-16).
BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _fail(source: str, row: int, column: str, value: object, problem: str) -> JobFailure:
    shown = str(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return JobFailure(f"{source}: row {row}, column {column}: value '{shown}' {problem}.")


def _row_of(payload: bytes, offset: int) -> int:
    """The line number (1 = the header) of byte ``offset`` in the file."""
    return payload.count(b"\n", 0, offset) + 1


def _decode(payload: bytes, source: str) -> str:
    """The file as text, or a failure saying what the bytes are instead of UTF-8 CSV."""
    for magic, what in MAGIC:
        if payload.startswith(magic):
            raise JobFailure(
                f"{source}: the file is binary ({what}), not CSV text; Amazon Personalize "
                "imports uncompressed UTF-8 CSV files."
            )
    for bom, encoding in BOMS:
        if payload.startswith(bom):
            raise JobFailure(
                f"{source}: the file is {encoding} text (it starts with a {encoding} byte order "
                "mark); save it as UTF-8."
            )
    nul = payload.find(b"\x00")
    if nul >= 0:
        raise JobFailure(
            f"{source}: the file is binary, not CSV text (a NUL byte at row "
            f"{_row_of(payload, nul)}, byte offset {nul})."
        )
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        byte = payload[error.start]
        raise JobFailure(
            f"{source}: the file is not UTF-8 text: byte 0x{byte:02x} at row "
            f"{_row_of(payload, error.start)} (byte offset {error.start}) is not valid UTF-8; "
            "save the file as UTF-8."
        ) from None


def _header(text: str, schema: DatasetSchema, source: str) -> list[str]:
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not first_line.strip():
        raise JobFailure(f"{source}: the file is empty or its first row (the header) is blank.")
    if "\r" in first_line:
        raise JobFailure(
            f"{source}: lines end in a carriage return alone (\\r); save the file with \\n "
            "or \\r\\n line endings."
        )
    if '"' in first_line:
        raise JobFailure(f"{source}: header names must not be quoted: {first_line[:200]}")
    names = next(csv.reader([first_line]))
    upper = [n.strip().upper() for n in names]
    if len(set(upper)) != len(upper):
        raise JobFailure(f"{source}: the header repeats a column: {first_line[:200]}")
    missing = [f.name for f in schema.fields if f.name.upper() not in upper]
    if missing:
        message = f"Input CSV is missing the following columns: [{', '.join(missing)}]."
        if not any(schema.field(u) for u in upper):
            shown = first_line if len(first_line) <= 80 else first_line[:77] + "..."
            message += (
                f" {source}: the first row '{shown}' names no column of the schema; the file "
                "needs a header row."
            )
        raise JobFailure(message)
    unknown = [n for n, u in zip(names, upper, strict=True) if u and schema.field(u) is None]
    if unknown:
        raise JobFailure(
            f"{source}: the header has columns that are not in the schema: [{', '.join(unknown)}]."
        )
    return names


def read(
    payload: bytes,
    schema: DatasetSchema,
    source: str,
    optional: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """The rows of one CSV file as a frame with the schema's field names and types.

    ``optional``: upper-case names of the optional metadata fields, whose empty cells import as
    missing even when the field is not nullable (see the module docstring).
    """
    text = _decode(payload, source)
    names = _header(text, schema, source)
    _check_widths(text, names, schema, source)
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
        if not name.strip():
            continue  # an unnamed column (a pandas index): see the module docstring
        field = schema.field(name)
        assert field is not None  # _header checked every name
        missing_ok = field.nullable or field.name.upper() in optional
        columns[field.name] = _convert(raw[name], field, source, missing_ok)
    return pd.DataFrame(columns, columns=[f.name for f in schema.fields if f.name in columns])


def _check_widths(text: str, names: list[str], schema: DatasetSchema, source: str) -> None:
    """Every row has as many fields as the header (pandas would pad short rows silently)."""
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            if row and len(row) != len(names):
                raise _width_failure(source, reader.line_num, len(row), len(names))
    except csv.Error:
        # The csv module refuses a field over 128 KB, longer than any column may be.
        raise _huge_field(text, reader.line_num, names, schema, source) from None


def _width_failure(source: str, row: int, found: int, width: int) -> JobFailure:
    relation = "fewer" if found < width else "more"
    return JobFailure(
        f"{source}: row {row} has {relation} fields ({found}) than the header ({width})."
    )


def _huge_field(
    text: str, row: int, names: list[str], schema: DatasetSchema, source: str
) -> JobFailure:
    """Name the row and column of a field too large for the csv module."""
    start = 0
    for _ in range(row - 1):
        start = text.index("\n", start) + 1
    end = text.find("\n", start)
    line = text[start : end if end >= 0 else len(text)].rstrip("\r")
    cells = line.split(",")  # a rough split is enough to point at the culprit
    if len(cells) != len(names):
        return _width_failure(source, row, len(cells), len(names))
    index = max(range(len(cells)), key=lambda i: len(cells[i]))
    field = schema.field(names[index])
    assert field is not None  # _header checked every name
    value = cells[index]
    if field.type == "string":
        return _fail(source, row, field.name, value, f"is longer than {_limit(field)} characters")
    return _fail(source, row, field.name, value, f"is not a valid {field.type} value")


def _first_bad(mask: np.ndarray) -> int:
    return int(np.argmax(mask))


def _convert(values: pd.Series, field: Field, source: str, missing_ok: bool) -> pd.Series:
    text = values.str.strip() if field.type != "string" else values
    empty = (text == "").to_numpy()
    if empty.any() and not missing_ok:
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
    if field.type in ("int", "long"):
        # Beyond the type's range the int64 cast below would silently wrap around.
        low, high = INTEGER_RANGES[field.type]
        outside = ~empty & ((numbers < low) | (numbers >= high)).to_numpy()
        if outside.any():
            index = _first_bad(outside)
            problem = f"is out of range for {field.type}"
            raise _fail(source, index + 2, field.name, values.iloc[index], problem)
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
        return numbers.astype("Int64") if field.nullable or empty.any() else numbers.astype("int64")
    return numbers.astype("float64")


def _limit(field: Field) -> int:
    upper = field.name.upper()
    return ID_MAX if upper in ID_FIELDS else TEXT_MAX if field.textual else STRING_MAX


def _strings(values: pd.Series, field: Field, source: str, empty: np.ndarray) -> pd.Series:
    upper = field.name.upper()
    limit = _limit(field)
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
