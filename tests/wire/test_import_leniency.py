"""Imports exactly as lenient as the service: blanks in optional metadata import as missing.

The public POC workshop's item file declares ``YEAR`` as a plain ``"int"`` and leaves it empty
for movies without a year; on AWS that import goes ACTIVE (see data/csv_import.py). Here too,
and a metadata filter on YEAR then treats those items as having no YEAR. Required fields stay
strict, and a present value of the wrong type still fails naming the row and column.
"""

from __future__ import annotations

import pytest

from .builders import dataset, dataset_group, schema
from .s3data import interactions_csv, put, run_import, workshop_bucket
from .training import campaign, trained

#: The POC workshop's item schema, verbatim: YEAR is "int", not ["null", "int"].
POC_ITEMS = {
    "type": "record",
    "name": "Items",
    "namespace": "com.amazonaws.personalize.schema",
    "fields": [
        {"name": "ITEM_ID", "type": "string"},
        {"name": "GENRE", "type": "string", "categorical": True},
        {"name": "YEAR", "type": "int"},
    ],
    "version": "1.0",
}
ITEMS = 60
BLANK = {f"i{i}" for i in range(ITEMS) if i % 5 == 0}  # movies without a year in the title


def year(i: int) -> int:
    return 1960 + i


def items_csv(bad_line: str | None = None) -> bytes:
    lines = ["ITEM_ID,GENRE,YEAR"]
    for i in range(ITEMS):
        lines.append(f"i{i},{'Drama' if i % 2 else 'Comedy'},{'' if f'i{i}' in BLANK else year(i)}")
    if bad_line is not None:
        lines.insert(7, bad_line)  # file row 8
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def group(aws):
    workshop_bucket(aws)
    arn = dataset_group(aws)
    interactions = dataset(aws, arn, "Interactions")
    items = aws.personalize.create_dataset(
        name="items",
        schemaArn=schema(aws, "poc-items", POC_ITEMS),
        datasetGroupArn=arn,
        datasetType="Items",
    )["datasetArn"]
    job = run_import(aws, interactions, put(aws, "data/interactions.csv", interactions_csv()))
    assert job["status"] == "ACTIVE", job.get("failureReason")
    return arn, items


def test_blank_int_metadata_imports_as_missing_and_filters_skip_it(aws, group):
    arn, items = group
    job = run_import(aws, items, put(aws, "data/items.csv", items_csv()), name="items")
    assert job["status"] == "ACTIVE", job.get("failureReason")

    _, version = trained(aws, arn, "aws-popularity-count")
    serving = campaign(aws, version)

    names: list[str] = []

    def recommended(expression: str | None) -> list[str]:
        extra = {}
        if expression is not None:
            name = f"filter-{len(names)}"
            names.append(name)
            extra["filterArn"] = aws.personalize.create_filter(
                name=name, datasetGroupArn=arn, filterExpression=expression
            )["filterArn"]
        answer = aws.runtime.get_recommendations(
            campaignArn=serving, userId="u1", numResults=ITEMS, **extra
        )
        return [entry["itemId"] for entry in answer["itemList"]]

    seventies = recommended("INCLUDE ItemID WHERE Items.YEAR >= 1970 AND Items.YEAR < 1990")
    assert seventies, "the YEAR filter returned nothing"
    for item in seventies:
        assert item not in BLANK
        assert 1970 <= year(int(item[1:])) < 1990
    # A missing YEAR satisfies no comparison: excluding every dated item leaves the blanks.
    undated = recommended("EXCLUDE ItemID WHERE Items.YEAR < 3000")
    assert undated and set(undated) <= BLANK
    # Categorical filters are unaffected by the blanks.
    assert recommended('INCLUDE ItemID WHERE Items.GENRE IN ("Comedy")')


BAD_ROWS = {
    "blank required ITEM_ID": (",Drama,1999", ["row 8", "column ITEM_ID", "not nullable"]),
    "wrong type in the optional int": ("i99,Drama,abc", ["row 8", "column YEAR", "'abc'"]),
}


@pytest.mark.parametrize(("line", "reasons"), BAD_ROWS.values(), ids=list(BAD_ROWS))
def test_rows_the_service_rejects_still_fail(aws, group, line, reasons):
    _, items = group
    job = run_import(aws, items, put(aws, "data/items.csv", items_csv(line)), name="bad-items")
    assert job["status"] == "CREATE FAILED"
    for expected in reasons:
        assert expected in job["failureReason"]


def test_blank_required_interaction_field_still_fails(aws):
    workshop_bucket(aws)
    arn = dataset_group(aws, "strict")
    interactions = dataset(aws, arn, "Interactions")
    lines = interactions_csv().split(b"\n")
    lines[4] = b"u1,i3,watch,1.0,"  # row 5: TIMESTAMP is required
    job = run_import(aws, interactions, put(aws, "data/blank-ts.csv", b"\n".join(lines)))
    assert job["status"] == "CREATE FAILED"
    assert "row 5, column TIMESTAMP" in job["failureReason"]
    assert "not nullable" in job["failureReason"]


def test_a_pandas_index_column_is_ignored(aws, group):
    """``DataFrame.to_csv`` without ``index=False`` writes an unnamed first column; the service
    imports such files (see data/csv_import.py), and the rows are the same as without it."""
    import io

    import pandas as pd

    _, items = group
    frame = pd.read_csv(io.BytesIO(items_csv()), dtype=str, keep_default_na=False)
    with_index = frame.to_csv().encode()
    assert with_index.startswith(b",ITEM_ID,GENRE,YEAR\n0,i0,")
    job = run_import(aws, items, put(aws, "data/indexed.csv", with_index), name="indexed")
    assert job["status"] == "ACTIVE", job.get("failureReason")
    # A named column the schema lacks still fails (a misspelt field must not vanish).
    named = frame.assign(COLOUR="red").to_csv(index=False).encode()
    job = run_import(aws, items, put(aws, "data/named.csv", named), name="named")
    assert job["status"] == "CREATE FAILED"
    assert "not in the schema: [COLOUR]" in job["failureReason"]
