"""Test session: fake credentials for every process, and one personalize-local server."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
import urllib3

from personalize_local.config import Settings
from personalize_local.protocol import strict
from personalize_local.server import LocalServer
from tests import movielens

REGION = "us-east-1"


def pytest_sessionstart(session: pytest.Session) -> None:
    # Set before any kernel or client starts, so nothing can fall through to real AWS.
    empty = tempfile.mkdtemp(prefix="aws-empty-")
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.path.join(empty, "config"),
        AWS_SHARED_CREDENTIALS_FILE=os.path.join(empty, "credentials"),
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    """One endpoint for the session; strict mode makes it refuse to send a malformed reply."""
    local = LocalServer(settings=Settings(seed=7, transition_seconds=0.0, strict=True))
    local.start()
    yield local
    local.stop()


@pytest.fixture(scope="session")
def endpoint_url(server: LocalServer) -> str:
    return server.url


@pytest.fixture
def movielens_small(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The MovieLens root holding ml-latest-small, exported as ``$MOVIELENS_DIR`` for the test
    (skipped without it; failing in CI, see :mod:`tests.movielens`)."""
    folder = movielens.require("ml-latest-small")
    monkeypatch.setenv("MOVIELENS_DIR", str(folder))
    return folder


def reset(endpoint_url: str) -> None:
    # moto rebuilds IAM's ~1,600 managed policies on reset: seconds on a busy machine, more
    # than urllib3's default 3 s timeout.
    urllib3.request("POST", f"{endpoint_url}/moto-api/reset", timeout=60)


class WireChecker:
    """Checks every raw response a client receives against botocore's shapes."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, operation_model, response_dict, **kwargs) -> None:
        status = response_dict["status_code"]
        body = response_dict["body"]
        name = operation_model.name
        service = operation_model.service_model
        expected_type = (
            "application/x-amz-json-1.1" if service.protocol == "json" else "application/json"
        )
        if service.signing_name != "personalize":
            return
        content_type = response_dict["headers"].get("content-type", "")
        if status == 200:
            if body and content_type != expected_type:
                self.problems.append(f"{name}: content type {content_type!r}")
            parsed = json.loads(body) if body else None
            if operation_model.output_shape is not None or parsed:
                found = strict.problems(parsed or {}, operation_model.output_shape)
                self.problems += [f"{name}: {problem}" for problem in found]
        else:
            error = json.loads(body)
            if set(error) != {"__type", "message"} or not 400 <= status < 500:
                self.problems.append(f"{name}: bad error envelope {status} {body!r}")


@pytest.fixture(scope="session")
def clients(endpoint_url: str) -> SimpleNamespace:
    """boto3 clients of every service the workshop touches, each response checked strictly."""
    checker = WireChecker()
    session = boto3.Session(region_name=REGION)
    names = {
        "personalize": "personalize",
        "runtime": "personalize-runtime",
        "events": "personalize-events",
        "s3": "s3",
        "iam": "iam",
        "sts": "sts",
        "cloudformation": "cloudformation",
        "sagemaker": "sagemaker",
        "ssm": "ssm",
    }
    made = {}
    for attr, service in names.items():
        client = session.client(service, endpoint_url=endpoint_url)
        client.meta.events.register("before-parse", checker)
        made[attr] = client
    return SimpleNamespace(**made, url=endpoint_url, checker=checker)


@pytest.fixture
def aws(clients: SimpleNamespace) -> Iterator[SimpleNamespace]:
    """The clients on a freshly reset endpoint; the test fails if any response broke its shape."""
    reset(clients.url)
    clients.checker.problems.clear()
    yield clients
    assert clients.checker.problems == [], "responses broke their botocore shapes"
