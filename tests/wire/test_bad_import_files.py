"""Bad data files: each import ends CREATE FAILED naming the problem; the endpoint keeps serving.

Binary data, other encodings, ragged rows, no header, a header only, huge lines, spreadsheet
formulas in typed columns, an empty file, compressed bytes named .csv. A formula in a *string*
column is data, as it is for the service: Personalize stores strings verbatim and never
evaluates them, so those files import.
"""

from __future__ import annotations

import gzip
import io
import itertools
import zipfile
from types import SimpleNamespace

import pytest

from ..conftest import reset
from .builders import dataset, dataset_group, settle
from .s3data import ROLE_ARN, interactions_csv, put, workshop_bucket

GOOD = interactions_csv()  # 1,200 rows, "USER_ID,ITEM_ID,EVENT_TYPE,EVENT_VALUE,TIMESTAMP"
HEADER = GOOD.split(b"\n", 1)[0]
KEY = "data/bad.csv"
SOURCE = f"s3://personalize-workshop-data/{KEY}"
JOBS = itertools.count()  # job names are unique per dataset


def with_line(number: int, line: bytes) -> bytes:
    """GOOD with file line ``number`` (1 = the header) replaced by ``line``."""
    lines = GOOD.split(b"\n")
    lines[number - 1] = line
    return b"\n".join(lines)


def zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("interactions.csv", data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def endpoint(clients):
    """One reset for the module (moto's IAM reset takes seconds); each test imports anew."""
    reset(clients.url)
    workshop_bucket(clients)
    return SimpleNamespace(aws=clients, group=dataset_group(clients))


@pytest.fixture
def aws(endpoint):
    endpoint.aws.checker.problems.clear()
    yield endpoint.aws
    assert endpoint.aws.checker.problems == [], "responses broke their botocore shapes"


@pytest.fixture(scope="module")
def interactions(endpoint):
    return dataset(endpoint.aws, endpoint.group, "Interactions")


def run_import(aws, dataset_arn: str, payload: bytes, name: str = "bad") -> dict:
    arn = aws.personalize.create_dataset_import_job(
        jobName=f"{name}-{next(JOBS)}",
        datasetArn=dataset_arn,
        dataSource={"dataLocation": put(aws, KEY, payload)},
        roleArn=ROLE_ARN,
    )["datasetImportJobArn"]
    return settle(
        lambda: aws.personalize.describe_dataset_import_job(datasetImportJobArn=arn),
        "datasetImportJob",
    )


BAD_FILES = {
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ["binary", "PNG"]),
    "random high bytes": (
        bytes(0x80 + (i * 37) % 128 for i in range(4096)),
        ["not UTF-8", "row 1", "0x80"],
    ),
    "latin-1": (
        HEADER + b"\nu1,caf\xe9,watch,1.0,1600000000\n",
        ["not UTF-8", "row 2", "0xe9"],
    ),
    "utf-16 with BOM": (GOOD.decode().encode("utf-16"), ["UTF-16", "save it as UTF-8"]),
    "utf-16-be with BOM": (b"\xfe\xff" + GOOD.decode().encode("utf-16-be"), ["UTF-16"]),
    "utf-32 with BOM": (GOOD.decode().encode("utf-32"), ["UTF-32"]),
    "short row": (with_line(12, b"u1,i3,watch"), ["row 12 has fewer fields (3)", "(5)"]),
    "long row": (with_line(30, b"u1,i3,watch,1.0,1600000000,x,y"), ["row 30 has more fields"]),
    "no header": (
        b"\n".join(GOOD.split(b"\n")[1:]),
        [
            "missing the following columns: [USER_ID, ITEM_ID, EVENT_TYPE, EVENT_VALUE, TIMESTAMP]",
            "the first row 'u0,",
        ],
    ),
    "header only": (HEADER + b"\n", ["0 records", "at least 1000"]),
    "header only, no newline": (HEADER, ["0 records"]),
    "empty": (b"", ["empty"]),
    "blank lines only": (b"\n\n\r\n", ["empty"]),
    "10 MB line in an id column": (
        with_line(5, b"u" + b"x" * (10 << 20) + b",i3,watch,1.0,1600000000"),
        ["row 5", "USER_ID", "longer than"],
    ),
    "10 MB line in a typed column": (
        with_line(7, b"u1,i3,watch,1.0," + b"9" * (10 << 20)),
        ["row 7", "TIMESTAMP"],
    ),
    "10 MB line without separators": (
        with_line(9, b"z" * (10 << 20)),
        ["row 9 has fewer fields (1)"],
    ),
    "formula in a float column": (
        with_line(6, b"u1,i3,watch,=cmd|' /C calc'!A0,1600000000"),
        ["row 6, column EVENT_VALUE: value '=cmd|' /C calc'!A0' is not a number"],
    ),
    "formula in a long column": (
        with_line(8, b'u1,i3,watch,1.0,"=HYPERLINK(""http://x"",""y"")"'),
        ["row 8, column TIMESTAMP", "=HYPERLINK(", "is not an integer"],
    ),
    "gzip named .csv": (gzip.compress(GOOD), ["gzip", "uncompressed"]),
    "zip (or .xlsx) named .csv": (zipped(GOOD), ["ZIP", "uncompressed"]),
    "NUL byte past the first 64 KB": (
        with_line(1100, b"u1,i\x003,watch,1.0,1600000000"),
        ["binary", "row 1100"],
    ),
    "carriage returns alone": (GOOD.replace(b"\n", b"\r"), ["line"]),
    "unterminated quote": (with_line(1201, b'u1,"i3,watch,1.0,1600000000'), ["row 1201"]),
}


@pytest.mark.parametrize(("payload", "reasons"), BAD_FILES.values(), ids=list(BAD_FILES))
def test_bad_file_fails_with_a_clear_reason(aws, interactions, payload, reasons):
    job = run_import(aws, interactions, payload)
    assert job["status"] == "CREATE FAILED", job
    reason = job["failureReason"]
    assert not reason.startswith("Internal error"), reason
    assert len(reason) < 1000
    for expected in reasons:
        assert expected in reason
    if "Input CSV" not in reason and "records" not in reason:
        assert SOURCE in reason  # the file is named
    # The endpoint keeps serving, and the failed import left the dataset as it was.
    assert (
        aws.personalize.describe_dataset(datasetArn=interactions)["dataset"]["status"] == "ACTIVE"
    )


FORMULAS_AS_DATA = {
    # Strings are stored verbatim and never evaluated; the service accepts them, so do we.
    "formula item id": with_line(3, b"u1,=cmd|' /C calc'!A0,watch,1.0,1600000000"),
    "hyperlink event type": with_line(4, b'u1,i3,"=HYPERLINK(""http://x"",""y"")",1.0,1600000000'),
    "leading + - @": with_line(5, b"+u1,-i3,@watch,1.0,1600000000"),
}


@pytest.mark.parametrize("payload", FORMULAS_AS_DATA.values(), ids=list(FORMULAS_AS_DATA))
def test_formulas_in_string_columns_are_data(aws, interactions, payload):
    job = run_import(aws, interactions, payload, name="formula")
    assert job["status"] == "ACTIVE", job.get("failureReason")


def test_items_formulas_and_the_endpoint_after_bad_files(aws, endpoint, interactions):
    """Items: a formula is data in a categorical column, an error in an int column."""
    items = dataset(aws, endpoint.group, "Items")
    header = b"ITEM_ID,GENRES,YEAR,CREATION_TIMESTAMP\n"
    good = header + b'i1,"=HYPERLINK(""http://x"",""y"")|Comedy",1999,1600000000\n'
    assert run_import(aws, items, good, name="ok")["status"] == "ACTIVE"
    bad = header + b"i1,Comedy,=1+1,1600000000\n"
    job = run_import(aws, items, bad)
    assert job["status"] == "CREATE FAILED"
    assert "row 2, column YEAR: value '=1+1' is not an integer" in job["failureReason"]
    # Beyond an Avro int, the int64 cast used to wrap around silently.
    job = run_import(aws, items, header + b"i1,Comedy,99999999999,1600000000\n")
    assert "row 2, column YEAR: value '99999999999' is out of range for int" in job["failureReason"]
    # After every kind of bad file the same endpoint imports a good one.
    assert run_import(aws, interactions, GOOD, name="good")["status"] == "ACTIVE"
