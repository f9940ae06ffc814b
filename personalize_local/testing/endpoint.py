"""A personalize-local endpoint served for a test session, and clients ready to call it."""

from __future__ import annotations

import os
import urllib.request
from typing import Any

import boto3
from botocore.config import Config

from ..server import LocalServer

REGION = "us-east-1"
#: Fake credentials the endpoint accepts (it does not verify signatures on loopback).
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
#: Fail fast rather than hang: a client kept past its endpoint's life gets
#: EndpointConnectionError within seconds instead of botocore's 60 s connect timeout.
CLIENT_CONFIG = Config(
    connect_timeout=2, read_timeout=120, retries={"mode": "standard", "max_attempts": 2}
)


class PersonalizeEndpoint:
    """personalize-local served on a free loopback port, with clients for it."""

    def __init__(
        self, server: LocalServer, region: str = REGION, managed_policies: bool = False
    ) -> None:
        self.server = server
        self.region = region
        #: Whether moto's IAM has the ~1,600 AWS managed policies after a reset (seconds to
        #: build, so off by default: attach your own policies in tests).
        self.managed_policies = managed_policies
        self._session = boto3.session.Session(region_name=region, **CREDENTIALS)
        #: The test (or module) the endpoint was last reset for (the pytest plugin's).
        self.reset_for: str | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, service_name: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service_name`` (any AWS service: moto serves the others)."""
        options: dict[str, Any] = {"endpoint_url": self.url, "config": CLIENT_CONFIG}
        options.update(kwargs)
        return self._session.client(service_name, **options)

    def reset(self) -> None:
        """Forget every resource, Personalize's and moto's, and restart the seeded ids."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=60) as answer:
            answer.read()
        # moto rebuilds IAM on its first call after a reset, reading this setting then
        # (moto/iam/models.py): build it now, under this endpoint's choice, and leave the
        # process's environment as it was.
        name = "MOTO_IAM_LOAD_MANAGED_POLICIES"
        before = os.environ.get(name)
        os.environ[name] = "true" if self.managed_policies else "false"
        try:
            self.client("iam").list_roles(MaxItems=1)
        finally:
            if before is None:
                del os.environ[name]
            else:
                os.environ[name] = before
