"""The IAM identity behind an access key: an IAM user's key or moto's STS session credentials.

Read from moto's IAM and STS backends (the same ones moto's access control reads), so keys from
``iam.create_access_key`` and ``sts.assume_role`` work as they do on AWS.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

from .evaluate import NamedPolicy


class CredentialsRejected(Exception):
    """The key is unknown, its session token wrong or its session expired."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        #: "unknown", "bad-token" or "expired".
        self.kind = kind


@dataclass(frozen=True)
class Principal:
    arn: str
    secret_access_key: str
    policies: tuple[NamedPolicy, ...]


def _document(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _managed(policies: dict[str, Any]) -> Iterator[NamedPolicy]:
    for policy in policies.values():
        default = next((v for v in policy.versions if v.is_default), None)
        if default is not None:
            yield NamedPolicy(policy.name, _document(default.document))


def _holder_policies(holder: Any) -> Iterator[NamedPolicy]:
    for name, document in holder.policies.items():
        yield NamedPolicy(name, _document(document))
    yield from _managed(holder.managed_policies)


def _user(iam: Any, access_key_id: str, session_token: str | None) -> Principal | None:
    for user in iam.users.values():
        for key in user.access_keys:
            if key.access_key_id != access_key_id:
                continue
            if session_token is not None or key.status != "Active":
                raise CredentialsRejected("bad-token" if session_token else "unknown")
            policies = list(_holder_policies(user))
            for group in iam.get_groups_for_user(user.name):
                policies.extend(_holder_policies(group))
            return Principal(user.arn, key.secret_access_key, tuple(policies))
    return None


def _session(
    iam: Any, sts: Any, access_key_id: str, session_token: str | None, now: datetime.datetime
) -> Principal | None:
    for session in sts.assumed_roles:
        if session.access_key_id != access_key_id:
            continue
        if session_token != session.session_token:
            raise CredentialsRejected("bad-token")
        if session.expiration <= now:
            raise CredentialsRejected("expired")
        try:
            role = iam.get_role_by_arn(session.role_arn)
        except Exception:  # the role was deleted: its sessions grant nothing
            return Principal(session.arn, session.secret_access_key, ())
        policies = tuple(_holder_policies(role))
        return Principal(session.arn, session.secret_access_key, policies)
    return None


def resolve(account_id: str, access_key_id: str, session_token: str | None) -> Principal:
    """The principal that owns ``access_key_id``; :class:`CredentialsRejected` otherwise."""
    iam = iam_backends[account_id]["aws"]
    sts = sts_backends[account_id]["aws"]
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    found = _user(iam, access_key_id, session_token) or _session(
        iam, sts, access_key_id, session_token, now
    )
    if found is None:
        raise CredentialsRejected("unknown")
    return found


def session_expired(account_id: str, access_key_id: str) -> bool:
    """Whether ``access_key_id`` belongs to an STS session past its expiration."""
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    return any(
        session.access_key_id == access_key_id and session.expiration <= now
        for session in sts_backends[account_id]["aws"].assumed_roles
    )


class KnownSecrets:
    """The secrets a signature may be made with: moto's keys, and the endpoint's own pair.

    A read-only mapping for :class:`personalize_local.auth.Verifier`.
    """

    def __init__(self, account_id: str, own: tuple[str, str]) -> None:
        self.account_id = account_id
        self.own = own

    def get(self, access_key_id: str, default: str | None = None) -> str | None:
        if access_key_id == self.own[0]:
            return self.own[1]
        iam = iam_backends[self.account_id]["aws"]
        for user in iam.users.values():
            for key in user.access_keys:
                if key.access_key_id == access_key_id:
                    return key.secret_access_key
        for session in sts_backends[self.account_id]["aws"].assumed_roles:
            if session.access_key_id == access_key_id:
                return session.secret_access_key
        return default

    def __bool__(self) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter([self.own[0]])
