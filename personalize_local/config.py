"""Settings of one personalize-local endpoint, from arguments or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


@dataclass
class Settings:
    """How the endpoint behaves; every field has an environment variable for ``serve``."""

    #: Seconds a resource spends in each intermediate status (CREATE PENDING, …) so that
    #: polling notebooks see the lifecycle; 0 makes transitions immediate.
    transition_seconds: float = field(
        default_factory=lambda: _env_float("PERSONALIZE_LOCAL_TRANSITION_SECONDS", 0.5)
    )
    #: Seed for ARNs, ids and models; None draws one from the OS.
    seed: int | None = None
    #: The account in every ARN; moto's default, so both halves of the endpoint agree.
    account_id: str = field(
        default_factory=lambda: os.environ.get("MOTO_ACCOUNT_ID", "123456789012")
    )
    #: Check every response against its output shape and fail loudly on a mismatch.
    strict: bool = field(default_factory=lambda: os.environ.get("PERSONALIZE_LOCAL_STRICT") == "1")
    #: Largest request body accepted, in bytes.
    max_body_bytes: int = 8 * 1024 * 1024
    #: Verify the SigV4 signature of every request against the credentials below (auth.py);
    #: always on when ``serve`` binds anything but loopback.
    verify_signatures: bool = field(
        default_factory=lambda: os.environ.get("PERSONALIZE_LOCAL_VERIFY_SIGNATURES") == "1"
    )
    #: The one access key clients sign with when signatures are verified.
    access_key_id: str | None = field(
        default_factory=lambda: os.environ.get("PERSONALIZE_LOCAL_ACCESS_KEY_ID") or None
    )
    #: Its secret; kept out of ``repr`` so it never reaches a log or a traceback.
    secret_access_key: str | None = field(
        default_factory=lambda: os.environ.get("PERSONALIZE_LOCAL_SECRET_ACCESS_KEY") or None,
        repr=False,
    )
    #: Where the journal keeps state across restarts (None: in memory only).
    data_dir: str | None = field(
        default_factory=lambda: os.environ.get("PERSONALIZE_LOCAL_DATA_DIR") or None
    )
    #: fsync each journal record: survives power loss, not only a crash of the process.
    fsync: bool = field(
        default_factory=lambda: os.environ.get("PERSONALIZE_LOCAL_FSYNC", "1") != "0"
    )

    #: Authorize every request against the caller's IAM identity (personalize_local/iam/).
    enforce_iam: bool = field(
        default_factory=lambda: os.environ.get("PERSONALIZE_LOCAL_ENFORCE_IAM") == "1"
    )
    #: Write every authorization decision to this file as JSON lines (with ``enforce_iam``).
    auth_log: str | None = field(
        default_factory=lambda: os.environ.get("PERSONALIZE_LOCAL_AUTH_LOG") or None
    )

    @property
    def client_credentials(self) -> tuple[str, str]:
        """What the endpoint's own jobs sign their S3 and IAM calls with."""
        if self.access_key_id and self.secret_access_key:
            return self.access_key_id, self.secret_access_key
        return "personalize-local", "personalize-local"
