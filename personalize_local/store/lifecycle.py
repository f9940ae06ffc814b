"""Status lifecycles that a polling client observes, with short configurable transitions.

A lifecycle is a timeline of (time, status) steps; the status at any moment is the latest step
that has begun. Nothing runs in the background: statuses are read off the clock when asked,
so PENDING → IN_PROGRESS → ACTIVE needs no thread. Work that must finish before the last step
(an import, a training run) holds the timeline open and closes it with :meth:`finish`.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

#: The status of a resource whose deletion has completed; the store then forgets it.
GONE = "GONE"

Clock = Callable[[], float]

#: Numbers each GONE step a timeline is given, process-wide (see `endings`).
_ENDINGS = itertools.count(1)
_last_ending = 0


def endings() -> int:
    """Changes whenever a timeline is given a GONE step: a store that found no deletion
    pending need not look at its resources again until this moves (`RegionState.sweep`)."""
    return _last_ending


def _ended() -> None:
    global _last_ending
    _last_ending = next(_ENDINGS)  # unique, so a change never reads as no change


class Lifecycle:
    """The status timeline of one resource."""

    def __init__(self, status: str, clock: Clock = time.time, since: float | None = None) -> None:
        self._clock = clock
        self._steps: list[tuple[float, str]] = [(clock() if since is None else since, status)]
        self._lock = threading.Lock()
        if status == GONE:
            _ended()

    def status(self, now: float | None = None) -> str:
        now = self._clock() if now is None else now
        with self._lock:
            current = self._steps[0][1]
            for at, status in self._steps:
                if at <= now:
                    current = status
                else:
                    break
            return current

    def last_change(self, now: float | None = None) -> float:
        """When the current status began (``lastUpdatedDateTime``)."""
        now = self._clock() if now is None else now
        with self._lock:
            return max(at for at, _ in self._steps if at <= now)

    def ends(self) -> bool:
        """Whether the timeline holds a GONE step, past or still to come."""
        with self._lock:
            return any(status == GONE for _, status in self._steps)

    def walk(self, *statuses: str, step: float) -> None:
        """From now, take each status in turn, ``step`` seconds apart (the first at once)."""
        with self._lock:
            at = self._clock()
            self._steps = [s for s in self._steps if s[0] <= at]
            for index, status in enumerate(statuses):
                self._steps.append((at + index * step, status))
        if GONE in statuses:
            _ended()  # after the step is in place, so a sweep sees one or the other

    def finish(self, status: str, min_at: float | None = None) -> None:
        """End the timeline with ``status``, no earlier than ``min_at`` (keeps steps visible)."""
        with self._lock:
            at = max(self._clock(), min_at or 0.0)
            # Steps scheduled before the end stay, so a poller still sees them.
            self._steps = [s for s in self._steps if s[0] <= at]
            self._steps.append((at, status))
        if status == GONE:
            _ended()


def create(clock: Clock, step: float, final: str = "ACTIVE") -> Lifecycle:
    """CREATE PENDING → CREATE IN_PROGRESS → ``final``, ``step`` seconds apart."""
    lifecycle = Lifecycle("CREATE PENDING", clock)
    lifecycle.walk("CREATE PENDING", "CREATE IN_PROGRESS", final, step=step)
    return lifecycle
