"""boto3 clients for S3 and IAM that call this endpoint itself, as Personalize calls AWS.

Going through the public wire API (not moto's internals) keeps personalize-local independent of
moto's models, and it is what the real service does: it reads S3 with the role it was given.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.config import Config

from ..persistence import INTERNAL_HEADER
from ..store.jobs import JobFailure

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 2}, connect_timeout=5, read_timeout=60
)


#: What jobs sign with when the endpoint does not verify signatures (moto checks none).
ANY_CREDENTIALS = ("personalize-local", "personalize-local")
#: A server bound on every interface is reached over loopback from the same machine.
_UNSPECIFIED = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def reachable_url(url: str) -> str:
    """``url`` with an unspecified bind address (0.0.0.0, ::) replaced by loopback."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host not in _UNSPECIFIED:
        return url
    loopback = _UNSPECIFIED[host]
    netloc = f"[{loopback}]" if ":" in loopback else loopback
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _mark_internal(request: Any, **kwargs: Any) -> None:
    request.headers[INTERNAL_HEADER] = "1"


class AwsClients:
    """Lazily made, shared clients (boto3 clients are thread-safe once made)."""

    def __init__(
        self,
        endpoint_url: str | None,
        region: str,
        credentials: tuple[str, str] = ANY_CREDENTIALS,
    ) -> None:
        self.endpoint_url = reachable_url(endpoint_url) if endpoint_url else None
        self.region = region
        # The endpoint's own credentials (Settings.client_credentials): when it verifies
        # signatures, its jobs must sign like any other client.
        self._credentials = credentials
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str) -> Any:
        if self.endpoint_url is None:
            raise JobFailure("personalize-local is not served over HTTP, so it cannot reach S3.")
        with self._lock:
            if service not in self._clients:
                # boto3-stubs types each service's name as a Literal; ours is any of them.
                self._clients[service] = boto3.client(  # type: ignore[call-overload]
                    service,
                    endpoint_url=self.endpoint_url,
                    region_name=self.region,
                    aws_access_key_id=self._credentials[0],
                    aws_secret_access_key=self._credentials[1],
                    config=_CONFIG,
                )
                # The journal replays the job itself, so its own calls are marked to skip.
                self._clients[service].meta.events.register("before-send", _mark_internal)
            return self._clients[service]

    @property
    def s3(self) -> Any:
        return self.client("s3")

    @property
    def iam(self) -> Any:
        return self.client("iam")
