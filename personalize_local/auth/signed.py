"""What a request says it is signed with: its Authorization header or presigned query.

Parsing only; a malformed signature raises :class:`Rejected` with the kind AWS answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote

from botocore.auth import SIGV4_TIMESTAMP

from .refusals import ALGORITHM, Rejected

#: The longest a SigV4 presigned URL may be valid (X-Amz-Expires), seven days.
MAX_PRESIGNED_EXPIRES = 7 * 24 * 3600


@dataclass(frozen=True)
class Signed:
    """The signature a request carries, from its Authorization header or presigned query."""

    access_key: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: str  # ISO 8601 basic, as in the string to sign
    presigned: bool
    expires: int | None = None


def query_pairs(query: str) -> list[tuple[str, str]]:
    """The decoded ``key=value`` pairs of a query string, in order, blanks kept."""
    pairs = []
    for item in query.split("&"):
        if item:
            key, _, value = item.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


def _scope(credential: str) -> tuple[str, str, str, str] | None:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not all(parts):
        return None
    return parts[0], parts[1], parts[2], parts[3]


def _timestamp(environ: Mapping[str, Any]) -> str:
    amz_date = environ.get("HTTP_X_AMZ_DATE")
    if amz_date:
        return amz_date.strip()
    date = environ.get("HTTP_DATE")
    if date:
        # botocore signs a request that carries Date with that instant in ISO 8601 basic form.
        try:
            parsed = parsedate_to_datetime(date)
        except (TypeError, ValueError):
            raise Rejected("no_date") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).strftime(SIGV4_TIMESTAMP)
    raise Rejected("no_date")


def from_header(header: str, environ: Mapping[str, Any]) -> Signed:
    """The signature of an ``Authorization: AWS4-HMAC-SHA256 Credential=…`` header."""
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise Rejected("unsupported")
    fields: dict[str, str] = {}
    for item in rest.split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            fields[key.strip()] = value.strip()
    missing = [
        name for name in ("Credential", "SignedHeaders", "Signature") if not fields.get(name)
    ]
    if missing:
        raise Rejected(
            "incomplete",
            " ".join(f"Authorization header requires '{name}' parameter." for name in missing),
        )
    scope = _scope(fields["Credential"])
    if scope is None:
        raise Rejected(
            "incomplete",
            "Credential should be scoped correctly: "
            "<key>/<yyyymmdd>/<region>/<service>/aws4_request.",
        )
    return Signed(
        access_key=scope[0],
        region=scope[2],
        service=scope[3],
        signed_headers=tuple(fields["SignedHeaders"].split(";")),
        signature=fields["Signature"],
        timestamp=_timestamp(environ),
        presigned=False,
    )


def from_query(params: Mapping[str, str]) -> Signed:
    """The signature of a SigV4 presigned URL (``X-Amz-Algorithm``, ``X-Amz-Credential``, …)."""
    if params.get("X-Amz-Algorithm") != ALGORITHM:
        raise Rejected("unsupported" if "X-Amz-Algorithm" in params else "incomplete_query")
    names = ("X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders")
    if not all(params.get(name) for name in (*names, "X-Amz-Signature")):
        raise Rejected("incomplete_query")
    scope = _scope(params["X-Amz-Credential"])
    expires = params["X-Amz-Expires"]
    if scope is None or not expires.isdigit() or not 0 < int(expires) <= MAX_PRESIGNED_EXPIRES:
        raise Rejected("incomplete_query")
    return Signed(
        access_key=scope[0],
        region=scope[2],
        service=scope[3],
        signed_headers=tuple(params["X-Amz-SignedHeaders"].split(";")),
        signature=params["X-Amz-Signature"],
        timestamp=params["X-Amz-Date"],
        presigned=True,
        expires=int(expires),
    )
