"""ARNs and seeded identifiers, so the same calls with the same seed give the same ids."""

from __future__ import annotations

import itertools
import random
import uuid


def arn(region: str, account: str, kind: str, *path: str) -> str:
    """``arn:aws:personalize:<region>:<account>:<kind>/<path…>``."""
    return f"arn:aws:personalize:{region}:{account}:{kind}/{'/'.join(path)}"


def arn_name(resource_arn: str) -> str:
    """The last path element of an ARN (a resource's name for most kinds)."""
    return resource_arn.rsplit("/", 1)[-1]


class IdSource:
    """Random ids from one seeded generator (thread-safety is the caller's lock)."""

    def __init__(self, seed: int | None) -> None:
        self.reseed(seed)

    def reseed(self, seed: int | None) -> None:
        self.seed = seed
        self._rng = random.Random(seed)
        # Reads (recommendation ids) draw from their own stream, so how many requests were
        # answered never changes the ids of resources created later (or replayed from a journal).
        self._reads = random.Random(None if seed is None else f"reads-{seed}")
        # Response ids (x-amzn-RequestId): a seeded base plus a counter, so each answer costs no
        # random draw or lock (uuid4 reads os.urandom per call); next() on a count is atomic.
        headers = random.Random(None if seed is None else f"request-ids-{seed}")
        self._request_base = headers.getrandbits(128)
        self._requests = itertools.count()

    def hex8(self) -> str:
        """Eight lowercase hex digits, as in solution-version and event-tracker ARNs."""
        return f"{self._rng.getrandbits(32):08x}"

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def request_uuid(self) -> str:
        """An id for one answer (``recommendationId``), from the reads' own stream."""
        return str(uuid.UUID(int=self._reads.getrandbits(128), version=4))

    def request_id(self) -> str:
        """The ``x-amzn-RequestId`` of one response: uuid4-shaped, distinct, seeded."""
        value = (self._request_base + next(self._requests)) & _UUID_BITS
        return str(uuid.UUID(int=value, version=4))

    def derive(self) -> int:
        """A seed for a model or job, drawn from this generator."""
        return self._rng.getrandbits(31)


_UUID_BITS = (1 << 128) - 1
