"""pytest fixtures serving personalize-local for a test session (entry point ``pytest11``).

- ``personalize_endpoint`` (session): the endpoint on a free loopback port, with
  ``AWS_ENDPOINT_URL`` and fake credentials set while it lives; each xdist worker has its own.
- ``personalize`` (function): the same endpoint, reset before the test, so tests never see each
  other's resources; ``@pytest.mark.personalize_keep_state`` on a module resets it once, before
  the module's first test, instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from ..config import Settings
from .endpoint import CREDENTIALS, REGION, PersonalizeEndpoint
from .mock import install_handler

KEEP_STATE = "personalize_keep_state"
TRANSITION = "personalize_transition_seconds"
SEED = "personalize_seed"
MANAGED_POLICIES = "personalize_iam_managed_policies"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        TRANSITION,
        "seconds personalize-local spends in each intermediate status (default 0: immediate)",
        default="0",
    )
    parser.addini(SEED, "seed for personalize-local's ids and models (default 0)", default="0")
    parser.addini(
        MANAGED_POLICIES,
        "let moto build AWS managed IAM policies (seconds after each reset; default false)",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{KEEP_STATE}: reset personalize-local once per module instead of before every test",
    )
    # Before any test module makes a boto3 session, so personalize_local.mock() reaches the
    # clients of sessions made at import time too (inert while no mock is active).
    install_handler()


@pytest.fixture(scope="session")
def personalize_endpoint(pytestconfig: pytest.Config) -> Iterator[PersonalizeEndpoint]:
    """personalize-local on a free loopback port for the session (one per xdist worker)."""
    settings = Settings(
        seed=int(pytestconfig.getini(SEED)),
        transition_seconds=float(pytestconfig.getini(TRANSITION)),
    )
    endpoint = PersonalizeEndpoint.start(
        settings, managed_policies=bool(pytestconfig.getini(MANAGED_POLICIES))
    )
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("AWS_ENDPOINT_URL", endpoint.url)
            patch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["aws_access_key_id"])
            patch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["aws_secret_access_key"])
            patch.setenv("AWS_DEFAULT_REGION", REGION)
            for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):
                patch.delenv(name, raising=False)
            # boto3's default session caches credentials: start one that reads the above.
            patch.setattr(boto3, "DEFAULT_SESSION", None)
            yield endpoint
    finally:
        endpoint.stop()


@pytest.fixture
def personalize(
    request: pytest.FixtureRequest, personalize_endpoint: PersonalizeEndpoint
) -> PersonalizeEndpoint:
    """The session's endpoint, emptied before this test (or before its module's first test)."""
    keep = request.node.get_closest_marker(KEEP_STATE) is not None
    scope = request.module.__name__ if keep else request.node.nodeid
    if personalize_endpoint.reset_for != scope:
        personalize_endpoint.reset()
        personalize_endpoint.reset_for = scope
    return personalize_endpoint
