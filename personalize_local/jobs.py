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

from .store.state import Emulator, Resource

log = logging.getLogger("personalize_local.jobs")


class JobFailure(Exception):
    """A job ended CREATE FAILED; the message is the resource's ``failureReason``."""


class Jobs:
    """A small pool of workers (2 cores: more would only contend)."""

    def __init__(self, emulator: Emulator, workers: int = 2) -> None:
        self.emulator = emulator
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="personalize-job")
        self._futures: set[Future] = set()
        self._lock = threading.Lock()

    def submit(
        self,
        resource: Resource,
        work: Callable[[], Callable[[], None] | None],
        *,
        done: str = "ACTIVE",
        failed: str = "CREATE FAILED",
    ) -> Future:
        """Run ``work`` in the background, then finish ``resource``'s lifecycle.

        ``work`` runs without the emulator lock and may return a ``commit`` callable, which
        runs under the lock just before the status changes (so readers never see a half-done
        result).
        """
        generation = self.emulator.generation

        def run() -> None:
            if resource.data.get("stop_requested"):
                return  # stopped before it started: already CREATE STOPPED
            try:
                commit = work()
                with self.emulator.lock:
                    if generation != self.emulator.generation:
                        return  # the endpoint was reset meanwhile
                    if resource.data.get("stop_requested"):
                        self._finish(resource, "CREATE STOPPED")
                        return
                    if commit is not None:
                        commit()
                    self._finish(resource, done)
            except JobFailure as failure:
                with self.emulator.lock:
                    resource.attrs["failureReason"] = str(failure)
                    self._finish(resource, failed)
            except Exception as error:  # a bug: fail the job, keep serving
                log.exception("job for %s failed", resource.arn)
                with self.emulator.lock:
                    resource.attrs["failureReason"] = f"Internal error: {error}"
                    self._finish(resource, failed)

        future = self._pool.submit(run)
        with self._lock:
            self._futures.add(future)
            future.add_done_callback(self._futures.discard)
        return future

    def _finish(self, resource: Resource, status: str) -> None:
        if resource.lifecycle is None:
            return
        step = self.emulator.settings.transition_seconds
        # Keep CREATE PENDING and CREATE IN_PROGRESS each visible for one step.
        resource.lifecycle.finish(status, min_at=resource.created + 2 * step)

    def wait(self, timeout: float | None = None) -> None:
        """Block until every submitted job has ended (tests, shutdown)."""
        with self._lock:
            pending = list(self._futures)
        for future in pending:
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
