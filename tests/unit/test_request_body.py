"""Regressions from the fuzz: reading, parsing and validating a hostile request body."""

from __future__ import annotations

import base64
import io
import json
import re
import time

import pytest

from personalize_local.control.batch import lines
from personalize_local.control.common import data_location
from personalize_local.data.schemas import parse_avro
from personalize_local.errors import (
    InvalidInputException,
    InvalidNextTokenException,
    RequestTooLargeException,
    SerializationException,
)
from personalize_local.events.records import properties, to_row
from personalize_local.protocol.body import parse_object, read_body
from personalize_local.protocol.serialize import dumps
from personalize_local.protocol.spec import all_operations
from personalize_local.protocol.validate import validate
from personalize_local.store.pagination import paginate

from ..wire.builders import INTERACTIONS, ITEMS

DEEP = '{"a":' * 5000 + "1" + "}" * 5000


class Unreadable(io.RawIOBase):
    """A body that must not be read: the check comes before the read."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")


class Counting(io.BytesIO):
    """Counts the bytes handed out."""

    handed = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.handed += len(data)
        return data


class BadChunks(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise ValueError("Bad chunked transfer size: b'zz'")


def environ(stream, length: str | None = None, chunked: bool = False) -> dict:
    env = {"wsgi.input": stream}
    if length is not None:
        env["CONTENT_LENGTH"] = length
    if chunked:
        env["HTTP_TRANSFER_ENCODING"] = "chunked"
    return env


@pytest.mark.parametrize(
    ("length", "error"),
    [
        ("-1", InvalidInputException),
        ("12abc", InvalidInputException),
        ("9", RequestTooLargeException),
    ],
)
def test_bad_or_oversized_length_is_refused_before_reading(length, error):
    with pytest.raises(error):
        read_body(environ(Unreadable(), length), limit=8)


def test_a_body_shorter_than_its_length_is_a_serialization_error():
    with pytest.raises(SerializationException, match="ended after 2 of its 5 bytes"):
        read_body(environ(io.BytesIO(b"{}"), "5"), limit=100)


def test_chunked_bodies_are_read_up_to_the_limit_only():
    stream = Counting(b"x" * 10_000)
    with pytest.raises(RequestTooLargeException) as info:
        read_body(environ(stream, chunked=True), limit=100)
    assert info.value.status == 413
    assert stream.handed == 101
    assert read_body(environ(io.BytesIO(b'{"a": 1}'), chunked=True), limit=100) == b'{"a": 1}'


def test_bad_chunk_framing_is_a_serialization_error():
    with pytest.raises(SerializationException, match="could not be read"):
        read_body(environ(BadChunks(), chunked=True), limit=100)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (DEEP.encode(), "nested too deeply"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"name": "\\ud800"}', "unpaired UTF-16 surrogate"),
        (b'{"\\udc00": 1}', "unpaired UTF-16 surrogate"),
        (b'{"value": NaN}', "not valid JSON"),
        (b'{"value": -Infinity}', "not valid JSON"),
        (b'{"value": ' + b"9" * 5000 + b"}", "not valid JSON"),
        (b'{"name": "\xed\xa0\x80"}', "not UTF-8"),
        (b'{"name": "\xff"}', "not UTF-8"),
        ('{"name": "x"}'.encode("utf-16"), "not UTF-8"),
        (b"\xef\xbb\xbf{}", "not valid JSON"),
        (b"[]", "must be a JSON object"),
    ],
)
def test_hostile_json_is_a_serialization_error(raw, message):
    with pytest.raises(SerializationException, match=message):
        parse_object(raw)


def test_paired_surrogates_and_unicode_are_fine():
    assert parse_object(b'{"a": "\\ud83d\\ude00", "b": "\xc3\xa9"}') == {"a": "😀", "b": "é"}


def test_a_pattern_is_not_matched_against_an_oversized_string():
    # ".*:.*:.+" on 100,000 colons and a newline backtracks for minutes if it is tried.
    arn = "arn:aws:personalize:us-east-1:1:campaign/x" + ":" * 100_000 + "\n"
    shape = all_operations()["DescribeCampaign"].input_shape
    start = time.monotonic()
    with pytest.raises(InvalidInputException, match="length less than or equal to 256"):
        validate({"campaignArn": arn}, shape)
    assert time.monotonic() - start < 2


def test_validation_messages_stay_short():
    shape = all_operations()["GetRecommendations"].input_shape
    many = {f"K{i}": "x" * 2000 for i in range(25)}
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(InvalidInputException) as info:
        validate({"filterValues": many, "context": {"k" * 1_000_000: "v"}, "userId": deep}, shape)
    message = info.value.message
    assert message.startswith("27 validation errors detected:")
    assert message.endswith("and 17 more") and len(message) < 5000


def test_answers_carry_lone_surrogates_as_escapes():
    assert json.loads(dumps({"message": "bad \ud800"})) == {"message": "bad \ud800"}


def test_json_members_nested_too_deeply_are_invalid_input():
    with pytest.raises(InvalidInputException, match="nested too deeply"):
        parse_avro(DEEP)
    with pytest.raises(InvalidInputException, match="not valid JSON"):
        properties(DEEP, "items.1")
    # A batch inference input line gets an error line in the output, not a crashed job.
    assert lines.read(DEEP, ("userId",)).error == "The line is not valid JSON."
    token = base64.urlsafe_b64encode(("[" * 2000).encode()).decode()
    with pytest.raises(InvalidNextTokenException):
        paginate(list(range(5)), 2, token)


def test_a_job_without_a_data_location_is_invalid_input():
    with pytest.raises(InvalidInputException, match="dataLocation is required"):
        data_location({})
    assert data_location({"dataLocation": "s3://b/k"}) == "s3://b/k"


@pytest.mark.parametrize(
    ("schema", "fixed", "props", "message"),
    [
        (INTERACTIONS, {"USER_ID": "u", "TIMESTAMP": int(1e308)}, {}, "TIMESTAMP 1e+308"),
        (INTERACTIONS, {"USER_ID": "u", "TIMESTAMP": -1}, {}, "TIMESTAMP -1 is out of range"),
        (ITEMS, {"ITEM_ID": "i"}, {"year": 2**31, "creationTimestamp": 1}, "YEAR 2.14748e+09"),
        (ITEMS, {"ITEM_ID": "i"}, {"creationTimestamp": 1e300}, "CREATION_TIMESTAMP 1e+300"),
    ],
)
def test_recorded_numbers_out_of_range_are_invalid_input(schema, fixed, props, message):
    # The validator passes any finite number; training then failed on a 300-digit int.
    row = {"ITEM_ID": "i", "EVENT_TYPE": "watch", "TIMESTAMP": 1, "CREATION_TIMESTAMP": 1}
    parsed = parse_avro(json.dumps(schema))
    fields = {f.name for f in parsed.fields}
    fixed = {k: v for k, v in {**row, **fixed}.items() if k in fields}
    with pytest.raises(InvalidInputException, match=re.escape(message)):
        to_row(parsed, fixed, props, "eventList.1")
