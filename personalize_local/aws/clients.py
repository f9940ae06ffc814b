"""boto3 clients for S3 and IAM that call this endpoint itself, as Personalize calls AWS.

Going through the public wire API (not moto's internals) keeps personalize-local independent of
moto's models, and it is what the real service does: it reads S3 with the role it was given.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

from ..jobs import JobFailure

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 2}, connect_timeout=5, read_timeout=60
)


class AwsClients:
    """Lazily made, shared clients (boto3 clients are thread-safe once made)."""

    def __init__(self, endpoint_url: str | None, region: str) -> None:
        self.endpoint_url = endpoint_url
        self.region = region
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str) -> Any:
        if self.endpoint_url is None:
            raise JobFailure("personalize-local is not served over HTTP, so it cannot reach S3.")
        with self._lock:
            if service not in self._clients:
                # Any credentials do: moto does not check signatures.
                self._clients[service] = boto3.client(
                    service,
                    endpoint_url=self.endpoint_url,
                    region_name=self.region,
                    aws_access_key_id="personalize-local",
                    aws_secret_access_key="personalize-local",
                    config=_CONFIG,
                )
            return self._clients[service]

    @property
    def s3(self) -> Any:
        return self.client("s3")

    @property
    def iam(self) -> Any:
        return self.client("iam")
