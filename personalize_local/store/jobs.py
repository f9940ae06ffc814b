"""Background work behind a lifecycle: imports, training, exports, batch jobs.

A job runs off the request thread. When it ends, its lifecycle finishes ACTIVE (or the job's
own final status) no sooner than the intermediate statuses were visible, or CREATE FAILED
with the failure reason the job raised as :class:`JobFailure`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from ..config import Settings
from .journal import Journal
from .lifecycle import Lifecycle

log = logging.getLogger("personalize_local.jobs")


#: Members a job measures (wall time), which a replay must not measure again.
MEASURED = ("trainingHours",)


class Finishable(Protocol):
    """What a job needs of the resource whose lifecycle it ends (a `store.state.Resource`)."""

    arn: str
    attrs: dict[str, Any]
    stop_requested: bool
    created: float
    lifecycle: Lifecycle | None


class Owner(Protocol):
    """What the pool needs of the emulator that owns it (`store.state.Emulator`).

    The emulator creates its pool, so the pool names only what it uses of it: `state` imports
    this module, never the reverse.
    """

    settings: Settings
    generation: int
    journal: Journal | None

    @property
    def lock(self) -> AbstractContextManager[Any]: ...

    def clock(self) -> float: ...

    def at(self, moment: float) -> AbstractContextManager[None]: ...

    def on_reset(self, hook: Callable[[], None]) -> None: ...


class JobFailure(Exception):
    """A job ended CREATE FAILED; the message is the resource's ``failureReason``."""


@dataclass
class Job:
    """One piece of background work and the resource whose lifecycle it ends."""

    number: int
    resource: Finishable
    work: Callable[[], Callable[[], None] | None]
    done: str
    failed: str
    generation: int


@dataclass
class Outcome:
    """What a job's work produced: a commit to apply, or the reason it failed."""

    commit: Callable[[], None] | None = None
    failure: str | None = None


class Jobs:
    """A small pool of workers, ``Settings.job_workers`` of them."""

    def __init__(self, emulator: Owner) -> None:
        self.emulator = emulator
        self._pool = ThreadPoolExecutor(
            max_workers=emulator.settings.job_workers, thread_name_prefix="personalize-job"
        )
        self._futures: set[Future] = set()
        self._lock = threading.Lock()
        #: Jobs are numbered in submission order, which the journal replays exactly.
        self._next = 0
        #: While a journal is replayed, submitted jobs wait here for the replay to run them.
        self.replaying: list[Job] | None = None
        emulator.on_reset(self._restart_numbering)

    def _restart_numbering(self) -> None:
        self._next = 0

    @property
    def next_number(self) -> int:
        """The number the next job gets (a checkpoint keeps it: the journal's tail uses it)."""
        return self._next

    @next_number.setter
    def next_number(self, number: int) -> None:
        self._next = number

    def idle(self) -> bool:
        """No submitted job is still to settle (read under the emulator lock: jobs are
        submitted under it, so a quiet state can be checkpointed without any job in flight)."""
        with self._lock:
            return not self._futures

    def submit(
        self,
        resource: Finishable,
        work: Callable[[], Callable[[], None] | None],
        *,
        done: str = "ACTIVE",
        failed: str = "CREATE FAILED",
    ) -> Future | None:
        """Run ``work`` in the background, then finish ``resource``'s lifecycle.

        ``work`` runs without the emulator lock and may return a ``commit`` callable, which
        runs under the lock just before the status changes (so readers never see a half-done
        result).
        """
        job = Job(self._next, resource, work, done, failed, self.emulator.generation)
        self._next += 1
        if self.replaying is not None:
            self.replaying.append(job)
            return None
        future = self._pool.submit(self._run, job)
        with self._lock:
            self._futures.add(future)
            future.add_done_callback(self._futures.discard)
        return future

    def _run(self, job: Job) -> None:
        if job.resource.stop_requested:
            return  # stopped before it started: already CREATE STOPPED
        outcome = self.work(job)
        with self.emulator.lock:
            self.settle(job, outcome)

    @staticmethod
    def work(job: Job) -> Outcome:
        """Do the job's work (without the lock); never raises."""
        try:
            return Outcome(commit=job.work())
        except JobFailure as failure:
            return Outcome(failure=str(failure))
        except Exception as error:  # a bug: fail the job, keep serving
            log.exception("job for %s failed", job.resource.arn)
            return Outcome(failure=f"Internal error: {error}")

    def settle(self, job: Job, outcome: Outcome) -> str | None:
        """Apply the outcome and end the lifecycle (under the lock); the final status."""
        if job.generation != self.emulator.generation:
            return None  # the endpoint was reset meanwhile
        now = self.emulator.clock()
        with self.emulator.at(now):
            status = self._apply(job, outcome)
        journal = self.emulator.journal
        if journal is not None and self.replaying is None:
            # What was measured, not computed, is kept as measured the first time.
            measured = {k: job.resource.attrs[k] for k in MEASURED if k in job.resource.attrs}
            record = {"kind": "job", "t": now, "job": job.number, "status": status}
            journal.append({**record, "measured": measured})
        return status

    def _apply(self, job: Job, outcome: Outcome) -> str:
        resource = job.resource
        if resource.stop_requested:
            status = "CREATE STOPPED"
        elif outcome.failure is not None:
            resource.attrs["failureReason"] = outcome.failure
            status = job.failed
        else:
            if outcome.commit is not None:
                outcome.commit()
            status = job.done
        if resource.lifecycle is not None:
            step = self.emulator.settings.transition_seconds
            # Keep CREATE PENDING and CREATE IN_PROGRESS each visible for one step.
            resource.lifecycle.finish(status, min_at=resource.created + 2 * step)
        return status

    def wait(self, timeout: float | None = None) -> None:
        """Block until every submitted job has ended (tests, shutdown)."""
        with self._lock:
            pending = list(self._futures)
        for future in pending:
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
