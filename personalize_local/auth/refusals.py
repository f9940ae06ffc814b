"""Refusals: the error AWS answers an unauthenticated request with, in the client's protocol.

A refusal carries the code the service would use and is written in the wire format of the
protocol the client speaks (JSON, Query XML or S3 XML), so botocore raises the usual errors.
Codes and messages: https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html
and, for S3, https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from ..errors import PersonalizeError, RequestTooLargeException

#: The one signing algorithm accepted (SigV4); S3's SigV2 presigned URLs are checked apart.
ALGORITHM = "AWS4-HMAC-SHA256"
#: Query-protocol services the workshop calls; others are recognised by their form body.
_QUERY_SERVICES = frozenset({"iam", "sts", "cloudformation", "sns", "sqs", "ec2", "rds"})

StartResponse = Callable[..., Any]
#: A rendered error: body, Content-Type and the other headers.
_Rendered = tuple[bytes, str, list[tuple[str, str]]]
_REASONS = {400: "Bad Request", 403: "Forbidden", 413: "Request Entity Too Large"}

_MISMATCH_JSON = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details."
)
_MISMATCH_S3 = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "key and signing method."
)
_INVALID_TOKEN = "The security token included in the request is invalid."


@dataclass(frozen=True)
class _Kind:
    """One reason to refuse, as each protocol words it."""

    json_code: str
    query_code: str
    s3_code: str
    s3_status: int
    #: Default message for JSON and Query (every JSON and Query refusal is a 403).
    message: str
    s3_message: str


_KINDS: dict[str, _Kind] = {
    "missing": _Kind(
        "MissingAuthenticationTokenException",
        "MissingAuthenticationToken",
        "AccessDenied",
        403,
        "Missing Authentication Token",
        "Access Denied",
    ),
    "incomplete": _Kind(
        "IncompleteSignatureException",
        "IncompleteSignature",
        "AuthorizationHeaderMalformed",
        400,
        "The request signature does not conform to AWS standards.",
        "The authorization header is malformed.",
    ),
    "incomplete_query": _Kind(
        "IncompleteSignatureException",
        "IncompleteSignature",
        "AuthorizationQueryParametersError",
        400,
        "The request signature does not conform to AWS standards.",
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    ),
    "unsupported": _Kind(
        "IncompleteSignatureException",
        "IncompleteSignature",
        "InvalidRequest",
        400,
        f"Unsupported authorization type; only {ALGORITHM} is accepted.",
        f"The authorization mechanism you have provided is not supported. Please use {ALGORITHM}.",
    ),
    "no_date": _Kind(
        "IncompleteSignatureException",
        "IncompleteSignature",
        "AccessDenied",
        403,
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        "AWS authentication requires a valid Date or x-amz-date header",
    ),
    "unknown_key": _Kind(
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidAccessKeyId",
        403,
        _INVALID_TOKEN,
        "The AWS Access Key Id you provided does not exist in our records.",
    ),
    "mismatch": _Kind(
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "SignatureDoesNotMatch",
        403,
        _MISMATCH_JSON,
        _MISMATCH_S3,
    ),
    "skewed": _Kind(
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "RequestTimeTooSkewed",
        403,
        "Signature expired.",
        "The difference between the request time and the current time is too large.",
    ),
    "expired": _Kind(
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "AccessDenied",
        403,
        "Signature expired.",
        "Request has expired",
    ),
    "not_yet_valid": _Kind(
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "AccessDenied",
        403,
        "Signature not yet current.",
        "Request is not valid yet",
    ),
    "content_sha256": _Kind(
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "XAmzContentSHA256Mismatch",
        400,
        _MISMATCH_JSON,
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
    ),
    "bad_content_sha256": _Kind(
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "InvalidArgument",
        400,
        _MISMATCH_JSON,
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a STREAMING-* value, or a valid sha256 "
        "value.",
    ),
}


class Rejected(Exception):
    """Why a request is refused; :meth:`refusal` renders it for the client's protocol."""

    def __init__(
        self, kind: str, message: str | None = None, s3_details: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(kind)
        self.kind = kind
        self.message = message
        self.s3_details = dict(s3_details or {})

    def refusal(self, protocol: str) -> Refusal:
        kind = _KINDS[self.kind]
        if protocol == "s3":
            # S3 keeps its own wording; the extra elements are what S3 adds to help debugging.
            return Refusal(kind.s3_status, kind.s3_code, kind.s3_message, protocol, self.s3_details)
        code = kind.json_code if protocol == "json" else kind.query_code
        return Refusal(403, code, self.message or kind.message, protocol)


def unreadable_body(error: PersonalizeError, protocol: str) -> Refusal:
    """The answer to a body that could not be read for its hash: too large or cut short."""
    if protocol != "s3":
        return Refusal(error.status, error.code, error.message, protocol)
    if isinstance(error, RequestTooLargeException):
        return Refusal(
            400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", "s3"
        )
    return Refusal(
        400,
        "IncompleteBody",
        "You did not provide the number of bytes specified by the Content-Length HTTP header.",
        "s3",
    )


def service_hint(environ: Mapping[str, Any], params: Mapping[str, str]) -> str | None:
    """The signing name, read leniently, only to pick the wire format of a refusal."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    match = re.search(r"Credential=([^,\s]+)", header)
    credential = match.group(1) if match else params.get("X-Amz-Credential", "")
    parts = credential.split("/")
    return parts[3] if len(parts) >= 4 else None


def protocol_of(environ: Mapping[str, Any], service: str | None) -> str:
    """How the client expects errors: ``json``, ``query`` (XML ErrorResponse) or ``s3``."""
    if environ.get("HTTP_X_AMZ_TARGET"):
        return "json"
    if service == "s3":
        return "s3"
    form = "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", "")
    if service in _QUERY_SERVICES or form or "Action=" in environ.get("QUERY_STRING", ""):
        return "query"
    # Unsigned requests with no other clue are browser or curl GETs, which means S3.
    return "s3" if service is None else "json"


@dataclass
class Refusal:
    """An error response in the wire format of the refused request's protocol."""

    status: int
    code: str
    message: str
    protocol: str  # "json", "query" or "s3"
    details: dict[str, str] = field(default_factory=dict)

    def __call__(self, environ: Mapping[str, Any], start_response: StartResponse) -> list[bytes]:
        request_id = str(uuid.uuid4())
        render = {"json": self._json, "query": self._query}.get(self.protocol, self._s3)
        body, content_type, headers = render(environ, request_id)
        if environ.get("REQUEST_METHOD") == "HEAD":
            body = b""  # a HEAD answer has no body; botocore reads the status code
        headers += [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        start_response(f"{self.status} {_REASONS[self.status]}", headers)
        return [body]

    def _json(self, environ: Mapping[str, Any], request_id: str) -> _Rendered:
        body = json.dumps({"__type": self.code, "message": self.message}).encode()
        requested = environ.get("CONTENT_TYPE", "")
        json_type = requested.startswith("application/x-amz-json")
        content_type = requested.split(";")[0] if json_type else "application/json"
        headers = [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", self.code)]
        return body, content_type, headers

    def _query(self, environ: Mapping[str, Any], request_id: str) -> _Rendered:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{escape(self.code)}</Code><Message>{escape(self.message)}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        return body, "text/xml", [("x-amzn-RequestId", request_id)]

    def _s3(self, environ: Mapping[str, Any], request_id: str) -> _Rendered:
        extra = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in self.details.items())
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{escape(self.code)}</Code><Message>{escape(self.message)}</Message>"
            f"{extra}<RequestId>{request_id}</RequestId></Error>"
        ).encode()
        return body, "application/xml", [("x-amz-request-id", request_id)]
