"""``--enforce-iam``: the pieces the gateway plugs in, built from the settings."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator, Mapping
from typing import Any

from botocore.model import OperationModel

from ..auth import Verifier
from ..auth.refusals import Refusal, protocol_of
from ..protocol.signing import credential_scope
from ..store.state import Emulator
from . import moto_hooks
from .auth_log import AuthLog
from .personalize import Authorizer, UnrecognizedClientException
from .principal import KnownSecrets, session_expired

DEFAULT_REGION = "us-east-1"
_EXPIRED = "The security token included in the request is expired"


def expired_token(protocol: str) -> Refusal:
    """AWS's answer to session credentials past their expiration, in the client's protocol
    (S3: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html, ExpiredToken)."""
    if protocol == "s3":
        return Refusal(400, "ExpiredToken", "The provided token has expired.", protocol)
    code = "ExpiredTokenException" if protocol == "json" else "ExpiredToken"
    return Refusal(403, code, _EXPIRED, protocol)


class SessionVerifier(Verifier):
    """Signatures against every key moto has issued, and no session past its expiration: moto's
    own access control does not look at expiry, so every service is checked here at once."""

    def __init__(self, known: KnownSecrets, *, body_limit: int) -> None:
        super().__init__(known, body_limit=body_limit)
        self.known = known

    def check(self, environ: dict[str, Any]) -> Refusal | None:
        refusal = super().check(environ)
        if refusal is not None:
            return refusal
        scope = credential_scope(environ)
        if scope is None or scope.access_key == self.known.own[0]:
            return None
        if session_expired(self.known.account_id, scope.access_key):
            return expired_token(protocol_of(environ, scope.service))
        return None


class Enforcement:
    def __init__(self, emulator: Emulator) -> None:
        settings = emulator.settings
        self.emulator = emulator
        if not (settings.access_key_id and settings.secret_access_key):
            # Without a configured pair, a random secret: nobody but the endpoint's own jobs
            # can sign as the account's root.
            settings.access_key_id = "personalize-local"
            settings.secret_access_key = secrets.token_hex(16)
        #: The configured pair acts as the account's root user, as AWS root credentials do: it
        #: bootstraps users, roles and stacks, and the endpoint's own jobs sign with it (the
        #: Personalize service role's S3 access is evaluated by aws/access.py).
        self.own_key = settings.access_key_id
        self.log = AuthLog(settings.auth_log) if settings.auth_log else None
        self.authorizer = Authorizer(settings.account_id, self.log)
        # Signature checks against every key moto has issued, not one configured pair.
        known = KnownSecrets(settings.account_id, settings.client_credentials)
        self.verifier = SessionVerifier(known, body_limit=settings.max_upload_bytes)
        moto_hooks.install()

    def is_root(self, environ: Mapping[str, Any]) -> bool:
        """Signed with the configured pair (the verifier has checked the signature)."""
        scope = credential_scope(environ)
        return scope is not None and scope.access_key == self.own_key

    @contextlib.contextmanager
    def request(self, environ: Mapping[str, Any]) -> Iterator[None]:
        """Enforce moto's access control for this request unless the root signed it."""
        on = moto_hooks.enforcing.set(not self.is_root(environ))
        log = moto_hooks.auth_log.set(self.log)
        try:
            yield
        finally:
            moto_hooks.auth_log.reset(log)
            moto_hooks.enforcing.reset(on)

    def authorize_personalize(
        self, environ: Mapping[str, Any], operation: OperationModel, params: Mapping[str, Any]
    ) -> None:
        """Called by PersonalizeApp before the handler; raises the service's error."""
        scope = credential_scope(environ)
        if scope is not None and scope.access_key == self.own_key:
            return
        if scope is None:
            raise UnrecognizedClientException(
                "The security token included in the request is invalid."
            )
        region = scope.region or DEFAULT_REGION
        self.authorizer.authorize(
            operation=operation.name,
            params=params,
            region=region,
            access_key_id=scope.access_key,
            session_token=environ.get("HTTP_X_AMZ_SECURITY_TOKEN"),
            resource_tags=self._tags(region, params),
            source_ip=environ.get("REMOTE_ADDR", ""),
        )

    def _tags(self, region: str, params: Mapping[str, Any]) -> dict[str, str]:
        """Tags of the resource the request names (for ``aws:ResourceTag/…``)."""
        with self.emulator.lock:
            state = self.emulator.region(region)
            for value in params.values():
                if isinstance(value, str) and value in state.resources:
                    return dict(state.resources[value].tags)
        return {}

    def close(self) -> None:
        if self.log is not None:
            self.log.close()
