"""The endpoint's whole state as bytes, and back: Personalize's store and moto's backends.

A snapshot is taken under the locks that order the journal (see :mod:`.checkpoint`), while no
job is in flight, so it is the state the journal's first N records produce. It holds:

- every region's resources (trained models, imported rows, lifecycles, tags) as they are,
  minus the caches serving rebuilds on demand (payload fields marked ``store.state.CACHE``,
  which a payload leaves out of its pickled state);
- where the id stream stands and the next job's number, so the journal's tail replays onto it
  with the same ids; the answers' own id stream starts afresh, as after a full replay;
- moto's backends in use (``BackendDict._instances``: the ones ``/moto-api/reset`` clears),
  S3 objects included. AWS managed IAM policies (1,595 of them, 25 MB) are stored by ARN and
  rebuilt from moto's own data, as moto builds them for a new account.

Pickle is used because the data is ours, in the user's own ``--data-dir`` (mode 0600), written
by this process: whoever can write that directory can already change what the endpoint holds.
It is never read from anywhere else. Locks are stored as new, unlocked locks.
"""

from __future__ import annotations

import importlib
import io
import json
import pickle
import threading
from typing import TYPE_CHECKING, Any

from moto.core.base_backend import BackendDict, backend_lock

from .store.state import Emulator

if TYPE_CHECKING:
    from moto.iam.models import AWSManagedPolicy

_LOCK_TYPES = {type(threading.Lock()): threading.Lock, type(threading.RLock()): threading.RLock}
_EMULATOR = "emulator"
_AWS_POLICY = "iam-aws-managed-policy"


def _aws_policy_type() -> type[AWSManagedPolicy]:
    from moto.iam.models import AWSManagedPolicy

    return AWSManagedPolicy


class _Pickler(pickle.Pickler):
    def __init__(self, stream: io.BytesIO, emulator: Emulator) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.emulator = emulator
        self.aws_policy = _aws_policy_type()

    def persistent_id(self, obj: Any) -> Any:
        if obj is self.emulator:  # lifecycles' clocks are its bound methods
            return (_EMULATOR,)
        if type(obj) is self.aws_policy and obj.partition == "aws":
            return (_AWS_POLICY, obj.account_id, obj.name, obj.attachment_count)
        return None

    def reducer_override(self, obj: Any) -> Any:
        fresh = _LOCK_TYPES.get(type(obj))
        if fresh is not None:
            return fresh, ()
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream: io.BytesIO, emulator: Emulator) -> None:
        super().__init__(stream)
        self.emulator = emulator
        self._aws_policies: dict[tuple[str, str], Any] = {}

    def persistent_load(self, pid: Any) -> Any:
        if pid[0] == _EMULATOR:
            return self.emulator
        if pid[0] == _AWS_POLICY:
            _, account, name, attachments = pid
            policy = self._aws_policy(account, name)
            policy.attachment_count = attachments
            return policy
        raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")

    def _aws_policy(self, account: str, name: str) -> Any:
        key = (account, name)
        if not self._aws_policies:
            from moto.iam.aws_managed_policies import aws_managed_policies_data

            self._data = json.loads(aws_managed_policies_data)
        found = self._aws_policies.get(key)
        if found is None:
            found = _aws_policy_type().from_data(name, account, "us-east-1", self._data[name])
            self._aws_policies[key] = found
        return found


def take(emulator: Emulator) -> bytes:
    """The state as bytes (call under the emulator lock, with no job in flight)."""
    # The registry is a class attribute that moto's own code reads the same way.
    instances = list(BackendDict._instances)  # type: ignore[misc]
    moto = {_backend_key(backends): dict(backends) for backends in instances}
    personalize = {
        "regions": emulator.regions,
        "ids": emulator.ids._rng.getstate(),
        "seed": emulator.settings.seed,
        "next_job": emulator.jobs.next_number,
    }
    stream = io.BytesIO()
    _Pickler(stream, emulator).dump({"personalize": personalize, "moto": moto})
    return stream.getvalue()


def restore(emulator: Emulator, payload: bytes) -> None:
    """Put the state ``payload`` holds in place of the endpoint's (before it serves)."""
    state = _Unpickler(io.BytesIO(payload), emulator).load()
    personalize = state["personalize"]
    with emulator.lock:
        emulator.reseed(personalize["seed"])
        emulator.ids._rng.setstate(personalize["ids"])
        emulator.regions.clear()
        emulator.regions.update(personalize["regions"])
        emulator.jobs.next_number = personalize["next_job"]
    for key, accounts in state["moto"].items():
        backends = _live_backends(key)
        with backend_lock:
            dict.clear(backends)
            for account, regions in accounts.items():
                dict.__setitem__(backends, account, regions)
            registry = BackendDict._instances  # type: ignore[misc]  # as in take()
            if backends not in registry:
                registry.append(backends)


def clear(emulator: Emulator) -> None:
    """Empty state again after a restore that failed halfway (the journal is not attached)."""
    emulator.reset()
    BackendDict.reset()


def _backend_key(backends: BackendDict) -> tuple[str, str, str]:
    cls = backends.backend
    return cls.__module__, cls.__qualname__, backends.service_name


def _live_backends(key: tuple[str, str, str]) -> BackendDict:
    """The module-level ``BackendDict`` moto's responses read, for a stored one's key."""
    module_name, qualname, service = key
    module = importlib.import_module(module_name)
    for value in vars(module).values():
        if (
            isinstance(value, BackendDict)
            and value.service_name == service
            and value.backend.__qualname__ == qualname
        ):
            return value
    raise LookupError(f"moto has no {service} backends in {module_name} any more")
