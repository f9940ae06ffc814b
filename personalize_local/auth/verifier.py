"""The checks a signed request passes, in the order AWS makes them: key, time, payload, signature.

Signing: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html; S3's
payload hash and presigned URLs:
https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from botocore.auth import SIGV4_TIMESTAMP, UNSIGNED_PAYLOAD

from ..errors import PersonalizeError
from ..loopback import is_loopback
from ..protocol.body import buffer_body
from . import canonical
from .refusals import Refusal, Rejected, protocol_of, service_hint, unreadable_body
from .signed import Signed, from_header, from_query, query_pairs

if TYPE_CHECKING:
    from ..config import Settings

#: How far a request's time may be from the server's (SigV4 signatures are valid 15 minutes).
MAX_SKEW_SECONDS = 15 * 60
MOTO_API_PREFIX = "/moto-api/"
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


class Secrets(Protocol):
    """The secret of each access key a signature may be made with (a dict will do)."""

    def get(self, access_key: str, /) -> str | None: ...

    def __iter__(self) -> Iterator[str]: ...


def _iso(instant: float) -> str:
    return datetime.fromtimestamp(instant, UTC).strftime(SIGV4_TIMESTAMP)


class Verifier:
    """Checks the SigV4 signature of each request against the configured credentials.

    ``body_limit`` bounds a body read for its hash (the body is put back for whoever serves
    the request).
    """

    def __init__(
        self,
        credentials: Secrets,
        *,
        body_limit: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not credentials:
            raise ValueError("signature verification needs at least one access key")
        self._secrets = credentials
        self.body_limit = body_limit
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
        credentials = {settings.access_key_id: settings.secret_access_key}
        return cls(credentials, body_limit=settings.max_upload_bytes)

    def __repr__(self) -> str:  # never the secrets
        return f"Verifier(access_keys={sorted(self._secrets)!r})"

    def check(self, environ: dict[str, Any]) -> Refusal | None:
        """None when the request may go on; otherwise the response refusing it."""
        path = environ.get("PATH_INFO", "")
        moto_api = path.startswith(MOTO_API_PREFIX)
        if moto_api and is_loopback(environ.get("REMOTE_ADDR", "")):
            return None  # reset, seed and the dashboard stay usable from this machine
        params = dict(query_pairs(environ.get("QUERY_STRING", "")))
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
            return rejected.refusal(protocol_of(environ, service_hint(environ, params)))
        except PersonalizeError as error:  # the body, read for its hash
            return unreadable_body(error, protocol_of(environ, service_hint(environ, params)))
        return None

    def verify(self, environ: dict[str, Any], params: Mapping[str, str]) -> Signed | None:
        """Raise :class:`Rejected` unless the request is signed with a configured key.

        Returns the SigV4 signature checked (None for an S3 SigV2 presigned URL).
        """
        header = environ.get("HTTP_AUTHORIZATION")
        if header:
            signed = from_header(header, environ)
        elif "AWSAccessKeyId" in params and "Signature" in params:
            # boto3 presigns S3 URLs with SigV2 unless told s3v4, so those are checked too.
            self._verify_v2_query(environ, params)
            return None
        elif "X-Amz-Signature" in params or "X-Amz-Credential" in params:
            signed = from_query(params)
        else:
            raise Rejected("missing")
        secret = self._secrets.get(signed.access_key)
        if secret is None:
            raise Rejected("unknown_key", s3_details={"AWSAccessKeyId": signed.access_key})
        self._check_time(signed)
        payload_hash = self._payload_hash(environ, signed)
        pairs = query_pairs(environ.get("QUERY_STRING", ""))
        if signed.presigned:
            pairs = [(k, v) for k, v in pairs if k != "X-Amz-Signature"]
        expected = canonical.sigv4(environ, signed, secret, pairs, payload_hash)
        if not hmac.compare_digest(expected.signature, signed.signature):
            raise Rejected(
                "mismatch",
                s3_details={
                    "AWSAccessKeyId": signed.access_key,
                    "StringToSign": expected.string_to_sign,
                    "SignatureProvided": signed.signature,
                    "CanonicalRequest": expected.canonical_request,
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
        expected = canonical.sigv2_query(environ, params, access_key, secret)
        if not hmac.compare_digest(expected.signature, params["Signature"]):
            raise Rejected(
                "mismatch",
                s3_details={
                    "AWSAccessKeyId": access_key,
                    "StringToSign": expected.string_to_sign,
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

    def _body_hash(self, environ: dict[str, Any]) -> str:
        """SHA-256 of the body; the body is put back as a fresh stream for whoever reads next."""
        return hashlib.sha256(buffer_body(environ, self.body_limit)).hexdigest()

    def _payload_hash(self, environ: dict[str, Any], signed: Signed) -> str:
        """The payload hash the canonical request uses, reading the body only when it must."""
        s3 = signed.service == "s3"
        if signed.presigned and s3:
            # S3 presigned URLs sign no payload (unless x-amz-content-sha256 is a signed header,
            # in which case botocore's canonical request takes the header's value).
            return UNSIGNED_PAYLOAD
        declared = environ.get("HTTP_X_AMZ_CONTENT_SHA256")
        if declared is None or signed.presigned:
            return self._body_hash(environ)
        if declared == UNSIGNED_PAYLOAD or declared.startswith("STREAMING-"):
            # Accepted as declared. For STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER) each
            # aws-chunked chunk carries its own signature chained from this one; those chunk
            # signatures are NOT verified here (moto strips them), so only the headers, not the
            # chunk data, are authenticated, as with UNSIGNED-PAYLOAD.
            return declared
        if not _HEX_SHA256.fullmatch(declared):
            if s3:
                raise Rejected("bad_content_sha256")
            return self._body_hash(environ)
        actual = self._body_hash(environ)
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
