"""Empty cells: missing in optional metadata whatever the type, an error in required fields."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from personalize_local.data import csv_import
from personalize_local.data.schemas import metadata_fields, parse_avro
from personalize_local.store.jobs import JobFailure

SCHEMA = parse_avro(
    json.dumps(
        {
            "type": "record",
            "name": "Items",
            "fields": [
                {"name": "ITEM_ID", "type": "string"},
                {"name": "GENRE", "type": "string", "categorical": True},
                {"name": "YEAR", "type": "int"},
                {"name": "SCORE", "type": "float"},
                {"name": "CREATION_TIMESTAMP", "type": "long"},
            ],
        }
    )
)
OPTIONAL = frozenset(f.name.upper() for f in metadata_fields(SCHEMA, "Items"))


def read(text: str) -> pd.DataFrame:
    return csv_import.read(text.encode(), SCHEMA, "items.csv", OPTIONAL)


def test_optional_metadata_fields_are_the_non_reserved_ones():
    assert sorted(OPTIONAL) == ["GENRE", "SCORE", "YEAR"]


def test_blank_optional_cells_import_as_missing():
    frame = read(
        "ITEM_ID,GENRE,YEAR,SCORE,CREATION_TIMESTAMP\n"
        "i1,Comedy,1995,0.5,1600000000\n"
        "i2,,,,1600000000\n"
    )
    assert frame["YEAR"].dtype == "Int64"
    assert frame["YEAR"].tolist()[0] == 1995 and pd.isna(frame["YEAR"].iloc[1])
    assert pd.isna(frame["SCORE"].iloc[1]) and pd.isna(frame["GENRE"].iloc[1])
    # Without blanks a non-nullable int stays a plain int64 column.
    full = read("ITEM_ID,GENRE,YEAR,SCORE,CREATION_TIMESTAMP\ni1,A,1,1,1\n")
    assert full["YEAR"].dtype == "int64"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (",Comedy,1995,1,1600000000", "row 3, column ITEM_ID: value '' is empty"),
        ("i2,Comedy,1995,1,", "row 3, column CREATION_TIMESTAMP: value '' is empty"),
        ("i2,Comedy,abc,1,1600000000", "row 3, column YEAR: value 'abc' is not an integer"),
    ],
)
def test_required_blanks_and_wrong_types_still_fail(row, expected):
    with pytest.raises(JobFailure, match=expected):
        read(f"ITEM_ID,GENRE,YEAR,SCORE,CREATION_TIMESTAMP\ni1,Comedy,1995,1,1600000000\n{row}\n")


def test_without_the_optional_set_blanks_fail_as_before():
    with pytest.raises(JobFailure, match="column YEAR: value '' is empty"):
        csv_import.read(b"ITEM_ID,GENRE,YEAR,SCORE,CREATION_TIMESTAMP\ni1,A,,1,1\n", SCHEMA, "x")


def test_an_unnamed_index_column_reads_as_if_absent():
    """pandas' ``to_csv`` without ``index=False`` (see data/csv_import.py)."""
    plain = "ITEM_ID,GENRE,YEAR,SCORE,CREATION_TIMESTAMP\ni1,A,1999,0.5,1\ni2,B,,1.5,2\n"
    frame = pd.read_csv(io.StringIO(plain), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(read(frame.to_csv()), read(plain))
