"""SigV4 signature verification for every request the endpoint serves (issue 7, safe defaults).

Off on loopback unless asked for; always on when the endpoint binds another address. The
canonical request, string to sign and signature are botocore's own (``SigV4Auth`` and, for S3,
``S3SigV4Auth``, which signs the path as sent instead of normalising and re-encoding it), fed the
request exactly as the client signed it: its ``SignedHeaders``, its raw path, its query, its
timestamp and its payload hash. Refusals carry the codes AWS answers with, in the wire format of
the protocol the client speaks (JSON, Query XML or S3 XML), so botocore raises the usual errors.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit
from xml.sax.saxutils import escape

from botocore.auth import (
    EMPTY_SHA256_HASH,
    UNSIGNED_PAYLOAD,
    HmacV1Auth,
    S3SigV4Auth,
    SigV4Auth,
)
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

if TYPE_CHECKING:
    from .config import Settings

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW_SECONDS = 15 * 60
MAX_PRESIGNED_EXPIRES = 7 * 24 * 3600
SIGV4_TIMESTAMP = "%Y%m%dT%H%M%SZ"
MOTO_API_PREFIX = "/moto-api/"
#: Bodies hashed for the signature are kept in memory up to this size, then on disk.
SPOOL_BYTES = 8 * 1024 * 1024
_READ_BLOCK = 64 * 1024
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")
#: Query-protocol services the workshop calls; others are recognised by their form body.
_QUERY_SERVICES = frozenset({"iam", "sts", "cloudformation", "sns", "sqs", "ec2", "rds"})

StartResponse = Callable[..., Any]


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1, ::ffff:127.x)."""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


# --- refusals ---------------------------------------------------------------------------------

_MISMATCH_JSON = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details."
)
_MISMATCH_S3 = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "key and signing method."
)
_INVALID_TOKEN = "The security token included in the request is invalid."

#: kind -> (JSON code, Query code, S3 code, S3 status, default message for JSON and Query,
#: default message for S3). Every JSON and Query refusal is a 403, as AWS answers today.
_KINDS: dict[str, tuple[str, str, str, int, str, str]] = {
    "missing": (
        "MissingAuthenticationTokenException",
        "MissingAuthenticationToken",
        "AccessDenied",
        403,
        "Missing Authentication Token",
        "Access Denied",
    ),
    "incomplete": (
        "IncompleteSignatureException",
        "IncompleteSignature",
        "AuthorizationHeaderMalformed",
        400,
        "The request signature does not conform to AWS standards.",
        "The authorization header is malformed.",
    ),
    "incomplete_query": (
        "IncompleteSignatureException",
        "IncompleteSignature",
        "AuthorizationQueryParametersError",
        400,
        "The request signature does not conform to AWS standards.",
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    ),
    "unsupported": (
        "IncompleteSignatureException",
        "IncompleteSignature",
        "InvalidRequest",
        400,
        f"Unsupported authorization type; only {ALGORITHM} is accepted.",
        f"The authorization mechanism you have provided is not supported. Please use {ALGORITHM}.",
    ),
    "no_date": (
        "IncompleteSignatureException",
        "IncompleteSignature",
        "AccessDenied",
        403,
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        "AWS authentication requires a valid Date or x-amz-date header",
    ),
    "unknown_key": (
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidAccessKeyId",
        403,
        _INVALID_TOKEN,
        "The AWS Access Key Id you provided does not exist in our records.",
    ),
    "mismatch": (
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "SignatureDoesNotMatch",
        403,
        _MISMATCH_JSON,
        _MISMATCH_S3,
    ),
    "skewed": (
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "RequestTimeTooSkewed",
        403,
        "Signature expired.",
        "The difference between the request time and the current time is too large.",
    ),
    "expired": (
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "AccessDenied",
        403,
        "Signature expired.",
        "Request has expired",
    ),
    "not_yet_valid": (
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "AccessDenied",
        403,
        "Signature not yet current.",
        "Request is not valid yet",
    ),
    "content_sha256": (
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "XAmzContentSHA256Mismatch",
        400,
        _MISMATCH_JSON,
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
    ),
    "bad_content_sha256": (
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
        json_code, query_code, s3_code, s3_status, message, s3_message = _KINDS[self.kind]
        if protocol == "s3":
            # S3 keeps its own wording; the extra elements are what S3 adds to help debugging.
            return Refusal(s3_status, s3_code, s3_message, protocol, self.s3_details)
        code = json_code if protocol == "json" else query_code
        return Refusal(403, code, self.message or message, protocol)


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
        if self.protocol == "json":
            body = json.dumps({"__type": self.code, "message": self.message}).encode()
            requested = environ.get("CONTENT_TYPE", "")
            json_type = requested.startswith("application/x-amz-json")
            content_type = requested.split(";")[0] if json_type else "application/json"
            headers = [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", self.code)]
        elif self.protocol == "query":
            body = (
                "<ErrorResponse><Error><Type>Sender</Type>"
                f"<Code>{escape(self.code)}</Code><Message>{escape(self.message)}</Message>"
                f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
            ).encode()
            content_type = "text/xml"
            headers = [("x-amzn-RequestId", request_id)]
        else:
            extra = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in self.details.items())
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<Error><Code>{escape(self.code)}</Code><Message>{escape(self.message)}</Message>"
                f"{extra}<RequestId>{request_id}</RequestId></Error>"
            ).encode()
            content_type = "application/xml"
            headers = [("x-amz-request-id", request_id)]
        if environ.get("REQUEST_METHOD") == "HEAD":
            body = b""  # a HEAD answer has no body; botocore reads the status code
        headers += [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        reason = "Bad Request" if self.status == 400 else "Forbidden"
        start_response(f"{self.status} {reason}", headers)
        return [body]


# --- the request as the client signed it -----------------------------------------------------


@dataclass(frozen=True)
class Signed:
    """The signature a request carries, from its Authorization header or presigned query."""

    access_key: str
    scope_date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: str  # ISO 8601 basic, as in the string to sign
    presigned: bool
    expires: int | None = None


def _query_pairs(query: str) -> list[tuple[str, str]]:
    pairs = []
    for item in query.split("&"):
        if item:
            key, _, value = item.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


def _wsgi_text(value: str) -> str:
    """Undo PEP 3333's latin-1 decoding of header bytes, so UTF-8 values canonicalise as sent."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _header(environ: Mapping[str, Any], name: str) -> str | None:
    key = name.upper().replace("-", "_")
    if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        key = f"HTTP_{key}"
    value = environ.get(key)
    return None if value is None else _wsgi_text(value)


def _raw_path(environ: Mapping[str, Any]) -> str:
    """The path as it was on the wire (still percent-encoded), which is what the client signed."""
    uri = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if uri:
        if uri.startswith(("http://", "https://")):
            return urlsplit(uri).path or "/"
        return uri.split("?", 1)[0] or "/"
    # Called without a server in between (tests): re-encode as botocore encodes paths.
    path = environ.get("PATH_INFO", "") or "/"
    return quote(_wsgi_text(path), safe="/~")


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


def _from_header(header: str, environ: Mapping[str, Any]) -> Signed:
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
        scope_date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=tuple(fields["SignedHeaders"].split(";")),
        signature=fields["Signature"],
        timestamp=_timestamp(environ),
        presigned=False,
    )


def _from_query(params: Mapping[str, str]) -> Signed:
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
        scope_date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=tuple(params["X-Amz-SignedHeaders"].split(";")),
        signature=params["X-Amz-Signature"],
        timestamp=params["X-Amz-Date"],
        presigned=True,
        expires=int(expires),
    )


def _service_hint(environ: Mapping[str, Any], params: Mapping[str, str]) -> str | None:
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


# --- botocore's signer, given what the server knows -----------------------------------------


class _Signer(SigV4Auth):
    """botocore's SigV4 over the headers the client listed and the payload hash decided here."""

    def __init__(
        self,
        credentials: Credentials,
        signed: Signed,
        payload_hash: str,
    ) -> None:
        super().__init__(credentials, signed.service, signed.region)
        self._signed_names = signed.signed_headers
        self._payload_hash = payload_hash

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        # Exactly the client's list: botocore's own choice skips some and adds host.
        headers = HTTPHeaders()
        for name in self._signed_names:
            headers[name] = request.headers.get(name, "")
        return headers

    def payload(self, request: AWSRequest) -> str:
        return self._payload_hash


class _S3Signer(_Signer, S3SigV4Auth):
    """S3 signs the path as sent: no dot-segment removal, no second percent-encoding."""


def _read_body(environ: dict[str, Any]) -> str:
    """SHA-256 of the body; the body is put back as a fresh stream for whoever reads it next."""
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    try:
        remaining: int | None = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        remaining = 0
    if chunked:
        remaining = None
    elif not remaining:
        return EMPTY_SHA256_HASH
    stream = environ["wsgi.input"]
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed on
    digest = hashlib.sha256()
    size = 0
    while remaining is None or remaining > 0:
        block = stream.read(_READ_BLOCK if remaining is None else min(_READ_BLOCK, remaining))
        if not block:
            break
        digest.update(block)
        spool.write(block)
        size += len(block)
        if remaining is not None:
            remaining -= len(block)
    spool.seek(0)
    environ["wsgi.input"] = spool
    # A chunked upload is now a plain body of known length.
    environ["CONTENT_LENGTH"] = str(size)
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    return digest.hexdigest()


class _V2QuerySigner(HmacV1Auth):
    """botocore's S3 SigV2 string to sign, with the URL's ``Expires`` in the Date line."""

    def __init__(self, credentials: Credentials, expires: str) -> None:
        super().__init__(credentials)
        self._expires = expires

    def _get_date(self) -> str:
        return self._expires


def _iso(instant: float) -> str:
    return datetime.fromtimestamp(instant, UTC).strftime(SIGV4_TIMESTAMP)


class Verifier:
    """Checks the SigV4 signature of each request against the configured credentials."""

    def __init__(
        self,
        credentials: Mapping[str, str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not credentials:
            raise ValueError("signature verification needs at least one access key")
        self._secrets = dict(credentials)
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: Settings) -> Verifier | None:
        """A verifier when the settings ask for one; refuses to run without credentials."""
        if not settings.verify_signatures:
            return None
        if not (settings.access_key_id and settings.secret_access_key):
            raise ValueError(
                "signature verification needs credentials: set PERSONALIZE_LOCAL_ACCESS_KEY_ID "
                "and PERSONALIZE_LOCAL_SECRET_ACCESS_KEY (or --access-key-id and "
                "--secret-access-key)"
            )
        return cls({settings.access_key_id: settings.secret_access_key})

    def __repr__(self) -> str:  # never the secrets
        return f"Verifier(access_keys={sorted(self._secrets)!r})"

    def check(self, environ: dict[str, Any]) -> Refusal | None:
        """None when the request may go on; otherwise the response refusing it."""
        path = environ.get("PATH_INFO", "")
        moto_api = path.startswith(MOTO_API_PREFIX)
        if moto_api and is_loopback(environ.get("REMOTE_ADDR", "")):
            return None  # reset, seed and the dashboard stay usable from this machine
        params = dict(_query_pairs(environ.get("QUERY_STRING", "")))
        try:
            self.verify(environ, params)
        except Rejected as rejected:
            if moto_api and rejected.kind == "missing":
                return Refusal(
                    403,
                    "AccessDeniedException",
                    f"{MOTO_API_PREFIX} is served to loopback clients or signed requests only.",
                    "json",
                )
            return rejected.refusal(protocol_of(environ, _service_hint(environ, params)))
        return None

    def verify(self, environ: dict[str, Any], params: Mapping[str, str]) -> Signed | None:
        """Raise :class:`Rejected` unless the request is signed with a configured key.

        Returns the SigV4 signature checked (None for an S3 SigV2 presigned URL).
        """
        header = environ.get("HTTP_AUTHORIZATION")
        if header:
            signed = _from_header(header, environ)
        elif "AWSAccessKeyId" in params and "Signature" in params:
            # boto3 presigns S3 URLs with SigV2 unless told s3v4, so those are checked too.
            self._verify_v2_query(environ, params)
            return None
        elif "X-Amz-Signature" in params or "X-Amz-Credential" in params:
            signed = _from_query(params)
        else:
            raise Rejected("missing")
        secret = self._secrets.get(signed.access_key)
        if secret is None:
            raise Rejected("unknown_key", s3_details={"AWSAccessKeyId": signed.access_key})
        self._check_time(signed)
        payload_hash = self._payload_hash(environ, signed)
        signer_class = _S3Signer if signed.service == "s3" else _Signer
        signer = signer_class(Credentials(signed.access_key, secret), signed, payload_hash)
        pairs = _query_pairs(environ.get("QUERY_STRING", ""))
        if signed.presigned:
            pairs = [(k, v) for k, v in pairs if k != "X-Amz-Signature"]
        headers = {}
        for name in signed.signed_headers:
            value = _header(environ, name)
            if value is not None:
                headers[name] = value
        request = AWSRequest(
            method=environ.get("REQUEST_METHOD", "GET"),
            url=f"http://endpoint{_raw_path(environ)}",
            headers=headers,
            params=pairs,
        )
        request.context["timestamp"] = signed.timestamp
        canonical = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical)
        expected = signer.signature(string_to_sign, request)
        if not hmac.compare_digest(expected, signed.signature):
            raise Rejected(
                "mismatch",
                s3_details={
                    "AWSAccessKeyId": signed.access_key,
                    "StringToSign": string_to_sign,
                    "SignatureProvided": signed.signature,
                    "CanonicalRequest": canonical,
                },
            )
        return signed

    def _verify_v2_query(self, environ: dict[str, Any], params: Mapping[str, str]) -> None:
        """An S3 SigV2 presigned URL (``AWSAccessKeyId``, ``Signature``, ``Expires``)."""
        access_key, expires = params["AWSAccessKeyId"], params.get("Expires", "")
        secret = self._secrets.get(access_key)
        if secret is None:
            raise Rejected("unknown_key", s3_details={"AWSAccessKeyId": access_key})
        if not expires.isdigit():
            raise Rejected("missing")
        now = self.clock()
        if now > int(expires):
            raise Rejected(
                "expired",
                s3_details={"Expires": _iso(int(expires)), "ServerTime": _iso(now)},
            )
        # The headers the signer saw were moved into the query; the request's own win.
        headers = HTTPHeaders()
        for name, value in params.items():
            lowered = name.lower()
            if lowered.startswith("x-amz-") or lowered in ("content-md5", "content-type"):
                headers[lowered] = _header(environ, lowered) or value
        signer = _V2QuerySigner(Credentials(access_key, secret), expires)
        split = urlsplit(f"http://endpoint{_raw_path(environ)}?{environ.get('QUERY_STRING', '')}")
        string_to_sign = signer.canonical_string(
            environ.get("REQUEST_METHOD", "GET"), split, headers
        )
        if not hmac.compare_digest(signer.sign_string(string_to_sign), params["Signature"]):
            raise Rejected(
                "mismatch",
                s3_details={
                    "AWSAccessKeyId": access_key,
                    "StringToSign": string_to_sign,
                    "SignatureProvided": params["Signature"],
                },
            )

    def _check_time(self, signed: Signed) -> None:
        try:
            when = datetime.strptime(signed.timestamp, SIGV4_TIMESTAMP).replace(tzinfo=UTC)
        except ValueError:
            raise Rejected("no_date") from None
        moment = when.timestamp()
        now = self.clock()
        if signed.presigned:
            assert signed.expires is not None
            if moment - now > MAX_SKEW_SECONDS:
                raise Rejected("not_yet_valid", s3_details={"ServerTime": _iso(now)})
            if now > moment + signed.expires:
                raise Rejected(
                    "expired",
                    f"Signature expired: {signed.timestamp} is now earlier than "
                    f"{_iso(now - signed.expires)}.",
                    {
                        "X-Amz-Expires": str(signed.expires),
                        "Expires": _iso(moment + signed.expires),
                        "ServerTime": _iso(now),
                    },
                )
            return
        skew = {
            "RequestTime": signed.timestamp,
            "ServerTime": _iso(now),
            "MaxAllowedSkewMilliseconds": str(MAX_SKEW_SECONDS * 1000),
        }
        if now - moment > MAX_SKEW_SECONDS:
            raise Rejected(
                "skewed",
                f"Signature expired: {signed.timestamp} is now earlier than "
                f"{_iso(now - MAX_SKEW_SECONDS)} ({_iso(now)} - 15 min.)",
                skew,
            )
        if moment - now > MAX_SKEW_SECONDS:
            raise Rejected(
                "skewed",
                f"Signature not yet current: {signed.timestamp} is still later than "
                f"{_iso(now + MAX_SKEW_SECONDS)} ({_iso(now)} + 15 min.)",
                skew,
            )

    def _payload_hash(self, environ: dict[str, Any], signed: Signed) -> str:
        """The payload hash the canonical request uses, reading the body only when it must."""
        s3 = signed.service == "s3"
        if signed.presigned and s3:
            # S3 presigned URLs sign no payload (unless x-amz-content-sha256 is a signed header,
            # in which case botocore's canonical request takes the header's value).
            return UNSIGNED_PAYLOAD
        declared = environ.get("HTTP_X_AMZ_CONTENT_SHA256")
        if declared is None or signed.presigned:
            return _read_body(environ)
        if declared == UNSIGNED_PAYLOAD or declared.startswith("STREAMING-"):
            # Accepted as declared. For STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER) each
            # aws-chunked chunk carries its own signature chained from this one; those chunk
            # signatures are NOT verified here (moto strips them), so only the headers, not the
            # chunk data, are authenticated, as with UNSIGNED-PAYLOAD.
            return declared
        if not _HEX_SHA256.fullmatch(declared):
            if s3:
                raise Rejected("bad_content_sha256")
            return _read_body(environ)
        actual = _read_body(environ)
        if actual != declared:
            if s3:
                raise Rejected(
                    "content_sha256",
                    s3_details={
                        "ClientComputedContentSHA256": declared,
                        "S3ComputedContentSHA256": actual,
                    },
                )
            raise Rejected("mismatch")
        return declared
