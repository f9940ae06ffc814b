"""A personalize-local endpoint served for a test session, and clients ready to call it."""

from __future__ import annotations

import os
import urllib.request
from typing import Any

import boto3
from botocore.config import Config

from ..config import Settings
from ..gateway import moto_iam_managed_policies
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
        self._session = boto3.session.Session(
            aws_access_key_id=CREDENTIALS["aws_access_key_id"],
            aws_secret_access_key=CREDENTIALS["aws_secret_access_key"],
            region_name=region,
        )
        #: The test (or module) the endpoint was last reset for (the pytest plugin's).
        self.reset_for: str | None = None

    @classmethod
    def start(
        cls, settings: Settings | None = None, managed_policies: bool = False
    ) -> PersonalizeEndpoint:
        """Serve a fresh endpoint on a free loopback port (seeded, no status delays)."""
        settings = settings or Settings(seed=0, transition_seconds=0.0)
        # The server's moto would set MOTO_IAM_LOAD_MANAGED_POLICIES for the whole process
        # (gateway.moto_app), and the test's own mock_aws() would then build them too: this
        # endpoint's resets decide it instead, and the environment is left as it was.
        with moto_iam_managed_policies(False):  # moto_app() sets it only when absent
            server = LocalServer(settings=settings)
        server.start()
        endpoint = cls(server, managed_policies=managed_policies)
        endpoint.reset()
        return endpoint

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> PersonalizeEndpoint:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, service_name: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service_name`` (any AWS service: moto serves the others)."""
        options: dict[str, Any] = {"endpoint_url": self.url, "config": CLIENT_CONFIG}
        options.update(kwargs)
        # boto3-stubs types each service's name as a Literal; any name is passed on as given.
        return self._session.client(service_name, **options)  # type: ignore[call-overload]

    def reset(self) -> None:
        """Forget every resource, Personalize's and moto's, and restart the seeded ids."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=60) as answer:
            answer.read()
        # moto builds IAM again on the first request after a reset, for all six partitions
        # (moto/iam/models.py, get_account_id_from), reading MOTO_IAM_LOAD_MANAGED_POLICIES
        # then: build it now, under this endpoint's choice, whatever the process's setting.
        from moto.iam.models import PARTITION_NAMES, get_account_id_from, iam_backends

        with moto_iam_managed_policies(self.managed_policies):
            # The account moto serves these credentials from (moto/core/responses.py).
            account = os.environ.get("MOTO_ACCOUNT_ID") or get_account_id_from(
                CREDENTIALS["aws_access_key_id"]
            )
            for partition in PARTITION_NAMES:
                iam_backends[account][partition]  # built on first access
