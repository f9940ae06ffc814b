"""Durable state under ``--data-dir``: what goes into the journal, and replaying it.

The journal is a write-ahead log of the requests that changed state, Personalize's and moto's
alike, plus one record per finished background job. Restarting replays it in order through the
same code that served it, with "now" pinned to each record's time: ids come from the same
seeded stream, models retrain from the same data with the same seeds, and jobs end when they
ended. A job that was running at the crash has run again during the replay and finishes when the
replay does (it resumes). Replaying moto's requests restores buckets, objects, roles and
policies without depending on moto's internals.

A checkpoint (:mod:`.checkpoint`) holds the state a prefix of the journal produced; when there
is a usable one, the restart loads it and replays only the records after it.

This module sits below the gateway and the Personalize application: what it needs of them is
passed in (:class:`Endpoint`), so it imports neither.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs

from . import checkpoint, snapshot
from .store.jobs import Job, Outcome
from .store.journal import Journal
from .store.state import Emulator

log = logging.getLogger("personalize_local.persistence")

#: Reads that nonetheless change state: they publish metric reports not yet written.
_PUBLISHING_READS = {
    "DescribeMetricAttribution",
    "ListMetricAttributions",
    "ListMetricAttributionMetrics",
}
_READ_PREFIXES = ("Describe", "List", "Get", "Head")

#: A background job's own calls to S3 and IAM carry this header; the job is replayed instead.
INTERNAL_HEADER = "X-Personalize-Local-Job"
_INTERNAL_ENVIRON = "HTTP_" + INTERNAL_HEADER.upper().replace("-", "_")

#: Request headers kept for replaying a moto request (CGI names, as in the WSGI environ).
_ENVIRON_KEYS = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE")


def changes_state(operation: str) -> bool:
    """Whether a Personalize operation must be journaled."""
    return operation in _PUBLISHING_READS or not operation.startswith(_READ_PREFIXES)


def is_internal(environ: dict[str, Any]) -> bool:
    return _INTERNAL_ENVIRON in environ


def moto_changes_state(environ: dict[str, Any], body: bytes) -> bool:
    """Whether a request for moto may change its state (so it must be journaled)."""
    if environ.get("REQUEST_METHOD", "GET") in ("GET", "HEAD", "OPTIONS"):
        return False
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:  # JSON protocols (SSM, SageMaker): Service.Operation
        return not target.rsplit(".", 1)[-1].startswith(_READ_PREFIXES)
    action = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if action is None and "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        action = parse_qs(body.decode("latin-1")).get("Action")
    if action:  # Query protocols (IAM, STS, CloudFormation)
        return not action[0].startswith(_READ_PREFIXES)
    return True  # REST (S3): PUT, POST and DELETE write


def moto_record(environ: dict[str, Any], body: bytes, now: float) -> dict[str, Any]:
    """A journal record from which :func:`moto_environ` rebuilds the request."""
    headers = {k: v for k, v in environ.items() if k.startswith("HTTP_") or k in _ENVIRON_KEYS}
    return {
        "kind": "moto",
        "t": now,
        "environ": {k: v for k, v in headers.items() if isinstance(v, str)},
        "body": base64.b64encode(body).decode("ascii"),
    }


def moto_environ(record: dict[str, Any]) -> dict[str, Any]:
    body = base64.b64decode(record["body"])
    environ: dict[str, Any] = {
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "REMOTE_ADDR": "127.0.0.1",
        **record["environ"],
    }
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def _discard(status: str, headers: list, exc_info: Any = None) -> Any:
    return lambda data: None


def _drain(answer: Iterable[bytes]) -> None:
    for _ in answer:
        pass
    close = getattr(answer, "close", None)
    if close is not None:
        close()


class Endpoint(Protocol):
    """What restoring needs of the endpoint it restores (the gateway provides it)."""

    emulator: Emulator

    @property
    def moto_writes(self) -> AbstractContextManager[Any]:
        """Held while moto's change is made and journaled (it orders moto's records)."""

    def replay_personalize(self, record: dict[str, Any]) -> None:
        """Call a journaled Personalize operation again, at its time."""

    def call_moto(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """moto's answer to a request."""


class Replay:
    """Rebuild an endpoint's state from its journal."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.emulator = endpoint.emulator
        self.jobs = self.emulator.jobs
        #: Jobs whose work is running (or done) in the replay, waiting for their end record.
        self.running: dict[int, tuple[Job, Future[Outcome]]] = {}
        # As live: `Settings.job_workers` jobs at a time (the workshop's four trainings start
        # together).
        self._pool = ThreadPoolExecutor(
            max_workers=self.emulator.settings.job_workers,
            thread_name_prefix="personalize-replay",
        )
        self.counts = {"personalize": 0, "moto": 0, "job": 0, "resumed": 0}

    def run(self, records: list[dict[str, Any]]) -> dict[str, int]:
        self.jobs.replaying = []
        try:
            for record in records:
                with self.emulator.at(record["t"]):
                    try:
                        self._apply(record)
                    except Exception:  # one bad record must not take the rest with it
                        log.exception("could not replay journal record %s", _describe(record))
                    self._start_submitted()
        finally:
            self.jobs.replaying = None
        return self.counts

    def resume(self) -> None:
        """Finish the jobs the crash interrupted: their work has run again during the replay."""
        for job, work in self.running.values():
            outcome = work.result()
            with self.emulator.lock:
                self.jobs.settle(job, outcome)
            self.counts["resumed"] += 1
        self.running.clear()
        self._pool.shutdown()

    def _apply(self, record: dict[str, Any]) -> None:
        kind = record.get("kind")
        if kind == "personalize":
            self.endpoint.replay_personalize(record)
        elif kind == "moto":
            # Jobs read and write S3: let them finish what they did before this change.
            for _, work in self.running.values():
                work.result()
            _drain(self.endpoint.call_moto(moto_environ(record), _discard))
        elif kind == "job":
            self._end_job(record)
        else:
            raise ValueError(f"unknown record kind {kind!r}")
        self.counts[kind] += 1

    def _start_submitted(self) -> None:
        """Start the work of jobs the last record submitted, as the live endpoint did."""
        submitted, self.jobs.replaying = self.jobs.replaying or [], []
        for job in submitted:
            if not job.resource.stop_requested:
                self.running[job.number] = (job, self._pool.submit(self.jobs.work, job))

    def _end_job(self, record: dict[str, Any]) -> None:
        found = self.running.pop(record["job"], None)
        if found is None:
            log.warning("journal ends job %s, which the replay did not start", record["job"])
            return
        job, work = found
        outcome = work.result()
        with self.emulator.lock:
            status = self.jobs.settle(job, outcome)
            job.resource.attrs.update(record.get("measured", {}))
        if status != record["status"]:
            log.warning(
                "replayed job %s ended %s, not %s as before",
                job.resource.arn,
                status,
                record["status"],
            )


def _describe(record: dict[str, Any]) -> str:
    if record.get("kind") == "personalize":
        return f"{record.get('op')} at {record.get('t')}"
    if record.get("kind") == "moto":
        env = record.get("environ", {})
        return f"{env.get('REQUEST_METHOD')} {env.get('PATH_INFO')} at {record.get('t')}"
    return str(record)[:200]


def open_data_dir(
    endpoint: Endpoint, directory: str | Path, *, fsync: bool = True
) -> tuple[dict[str, int], checkpoint.Checkpointer | None]:
    """Attach a journal in ``directory`` to the endpoint and restore what it holds: the last
    checkpoint, then the records after it. Returns what was replayed (``checkpointed``: the
    records the checkpoint covered) and the checkpointer that keeps taking them."""
    directory = Path(directory)
    emulator = endpoint.emulator
    journal = Journal(directory, fsync=fsync)
    requested = emulator.settings.seed
    seed, records = journal.open(requested if requested is not None else _fresh_seed())
    if requested is not None and requested != seed and records:
        log.warning("the data dir was started with seed %s; using it, not %s", seed, requested)
    emulator.reseed(seed)
    enabled = emulator.settings.checkpoint
    covered = _load_checkpoint(emulator, directory, records) if enabled else 0
    replay = Replay(endpoint)
    replay.run(records[covered:])
    emulator.journal = journal  # from here on, changes (the resumed jobs' ends too) are kept
    replay.resume()
    counts = {"checkpointed": covered, **replay.counts}
    if not enabled:
        return counts, None
    keeper = checkpoint.Checkpointer(
        emulator,
        directory,
        endpoint.moto_writes,
        covered=covered,
        jobs_covered=sum(1 for r in records[:covered] if r.get("kind") == "job"),
        fsync=fsync,
    )
    keeper.start()
    return counts, keeper


def _load_checkpoint(emulator: Emulator, directory: Path, records: list[dict[str, Any]]) -> int:
    """Restore the checkpoint, if there is a usable one; the number of records it covers."""
    found = checkpoint.read(directory, records)
    if found is None:
        return 0
    covered, payload = found
    try:
        snapshot.restore(emulator, payload)
    except Exception:
        # Nothing is served yet: start over from an empty state and replay everything.
        log.warning("could not load the checkpoint: replaying the whole journal", exc_info=True)
        snapshot.clear(emulator)
        return 0
    return covered


def _fresh_seed() -> int:
    import secrets

    return secrets.randbits(31)
