"""Read the SigV4 credential scope (``AKID/date/region/service/aws4_request``) of a request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple


class Scope(NamedTuple):
    access_key: str
    region: str
    service: str


def credential_scope(environ: Mapping[str, Any]) -> Scope | None:
    """The scope in the ``Authorization`` header (or presigned query), if the request is signed."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    marker = "Credential="
    start = header.find(marker)
    if start < 0:
        return None
    credential = header[start + len(marker) :].split(",", 1)[0].strip()
    parts = credential.split("/")
    if len(parts) < 5:
        return None
    return Scope(parts[0], parts[2], parts[3])
