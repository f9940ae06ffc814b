"""Request-size limits and broken framing over a real socket: a 4xx at once, never a hang.

AWS documents no request-size quota for Personalize (the quotas page lists none); its models
bound the members instead, so an events request is at most ~1.3 MB (PutItems: 10 items of
32,000-character properties, 4 bytes a character). ``Settings.max_body_bytes`` (8 MiB) stays
above any valid request, and it is checked before the body is read, so a client announcing
1 GiB costs nothing.
"""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from ..fuzz.generate import Case, route
from ..fuzz.shapes import operations
from ..fuzz.wire import send
from .builders import dataset, dataset_group, error_code, error_message
from .s3data import ROLE_ARN

OPERATIONS = {op.name: op for op in operations()}


def case(name: str, body: bytes = b"{}", **kwargs) -> Case:
    operation = OPERATIONS[name]
    return Case(operation, "limits", body, **{**route(operation), **kwargs})


def error(answer) -> str:
    body = json.loads(answer.body)
    assert set(body) == {"__type", "message"}, body
    return body["__type"]


@pytest.mark.parametrize("name", ["ListRecipes", "GetRecommendations", "PutEvents"])
def test_an_announced_gigabyte_is_refused_before_it_is_sent(endpoint_url, name):
    start = time.monotonic()
    answer = send(case(name, framing="claim-huge"), endpoint_url)
    assert answer.status == 413 and error(answer) == "RequestEntityTooLargeException"
    assert time.monotonic() - start < 2  # answered without waiting for the body


def test_bodies_over_the_limit_are_413(endpoint_url):
    over = b'{"x": "' + b"x" * (8 * 1024 * 1024) + b'"}'
    for framing in ("length", "chunked"):
        answer = send(case("CreateSchema", over, framing=framing), endpoint_url)
        assert answer.status == 413 and error(answer) == "RequestEntityTooLargeException"


def test_a_chunked_body_within_the_limit_is_served(endpoint_url):
    answer = send(case("ListRecipes", b'{"maxResults": 2}', framing="chunked"), endpoint_url)
    assert answer.status == 200 and len(json.loads(answer.body)["recipes"]) == 2


@pytest.mark.parametrize(
    ("framing", "code"),
    [
        ("negative", "InvalidInputException"),  # used to read until the client gave up
        ("long", "SerializationException"),  # the client closed before sending it all
        ("short", "SerializationException"),
    ],
)
def test_broken_framing_is_a_prompt_400(endpoint_url, framing, code):
    start = time.monotonic()
    answer = send(case("ListRecipes", b'{"maxResults": 2}', framing=framing), endpoint_url)
    assert answer.status == 400 and error(answer) == code
    assert time.monotonic() - start < 2


def test_oversized_headers_are_refused_by_the_http_server(endpoint_url):
    huge = case("ListRecipes", headers=(("X-Padding", "h" * 100_000),))
    assert send(huge, endpoint_url).status == 413
    assert send(case("ListRecipes", b"{}"), endpoint_url).status == 200


def test_what_the_fuzz_found_in_handlers_is_invalid_input(aws):
    """A JSON member nested thousands deep, and a job without a data location (both 500s)."""
    deep = '{"a":' * 3000 + "1" + "}" * 3000
    with pytest.raises(ClientError) as info:
        aws.personalize.create_schema(name="deep", schema=deep)
    assert error_code(info) == "InvalidInputException"
    group = dataset_group(aws)
    interactions = dataset(aws, group, "Interactions")
    for create, extra in (
        (aws.personalize.create_dataset_import_job, {"datasetArn": interactions}),
        (aws.personalize.create_data_deletion_job, {"datasetGroupArn": group}),
    ):
        with pytest.raises(ClientError) as info:
            create(jobName="no-location", dataSource={}, roleArn=ROLE_ARN, **extra)
        assert error_code(info) == "InvalidInputException"
        assert "dataLocation is required" in error_message(info)
