"""Checkpoints under ``--data-dir``: a restart loads the last one and replays only the tail.

The journal stays the record of truth; a checkpoint is a snapshot (:mod:`.snapshot`) of the
state its first N records produce, so restoring costs the state's size plus the tail, not the
whole history (retraining every model). One file, ``checkpoint.bin``:

    personalize-local-checkpoint/1\\n
    {"records": N, "last": <sha256 of record N's line>, "code": <fingerprint>,
     "sha256": <of the payload>}\\n
    <payload>

It is written to a temporary file, fsynced and renamed over the old one (then the directory is
fsynced), so a crash leaves the old checkpoint or the new one, never half of one. Anything
that does not check out — another format or code version, a digest that does not match, a
journal that no longer starts with those N records (``/moto-api/reset``) — is logged and the
whole journal is replayed instead, as without a checkpoint.

A checkpoint is taken while no job is in flight (a job's work is in no record yet): once the
jobs that were running have all ended, every ``Settings.checkpoint_records`` records, and at a
clean shutdown. ``Settings.checkpoint`` turns checkpoints off.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import sys
import threading
from contextlib import AbstractContextManager
from importlib import metadata
from pathlib import Path
from typing import Any

from . import snapshot
from .store.journal import digest
from .store.state import Emulator

log = logging.getLogger("personalize_local.checkpoint")

FORMAT = b"personalize-local-checkpoint/1\n"
FILE_NAME = "checkpoint.bin"
TEMP_NAME = FILE_NAME + ".tmp"

#: How often the checkpointer looks whether one is due, in seconds.
CHECK_SECONDS = 1.0


@functools.cache
def fingerprint() -> str:
    """The code a payload was pickled by: this package's sources and the libraries' versions.

    A snapshot holds our classes as they were; after any change to them, replaying the journal
    through the new code is the only faithful restore.
    """
    sha = hashlib.sha256(sys.version.encode())
    for library in ("moto", "numpy", "pandas", "scipy", "implicit"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            sha.update(f"{library}={metadata.version(library)}".encode())
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        sha.update(str(source.relative_to(package)).encode())
        sha.update(source.read_bytes())
    return sha.hexdigest()


def write(directory: Path, records: int, last: str, payload: bytes, *, fsync: bool = True) -> None:
    """Atomically replace the checkpoint with ``payload``, covering ``records`` records."""
    meta = {
        "records": records,
        "last": last,
        "code": fingerprint(),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    temp = directory / TEMP_NAME
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(FORMAT + json.dumps(meta).encode() + b"\n")
        stream.write(payload)
        stream.flush()
        if fsync:
            os.fsync(stream.fileno())
    os.replace(temp, directory / FILE_NAME)
    if fsync:  # the rename itself survives a power loss once the directory is synced
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def read(directory: Path, records: list[dict[str, Any]]) -> tuple[int, bytes] | None:
    """The checkpoint's payload and how many of ``records`` it covers, if it is usable."""
    # A temporary file is a checkpoint whose writing was cut short: never renamed, never used.
    (directory / TEMP_NAME).unlink(missing_ok=True)
    path = directory / FILE_NAME
    if not path.exists():
        return None
    try:
        with path.open("rb") as stream:
            if stream.readline() != FORMAT:
                raise ValueError("not a checkpoint of this format")
            meta = json.loads(stream.readline())
            payload = stream.read()
        covered = int(meta["records"])
        if meta["code"] != fingerprint():
            raise ValueError("written by another version of personalize-local or its libraries")
        if hashlib.sha256(payload).hexdigest() != meta["sha256"]:
            raise ValueError("its contents do not match their digest")
        if covered > len(records) or digest(records, covered) != meta["last"]:
            raise ValueError("the journal no longer starts with the records it covers")
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("ignoring the checkpoint %s (%s): replaying the whole journal", path, error)
        return None
    return covered, payload


def remove(directory: Path) -> None:
    (directory / FILE_NAME).unlink(missing_ok=True)


class Checkpointer:
    """Takes checkpoints of a served endpoint when one is due, from a thread of its own."""

    def __init__(
        self,
        emulator: Emulator,
        directory: Path,
        writes: AbstractContextManager[Any],
        *,
        covered: int,
        jobs_covered: int,
        fsync: bool = True,
    ) -> None:
        """``writes`` orders moto's journaled changes (held with the emulator lock while a
        snapshot is taken); ``covered`` records (``jobs_covered`` job ends) are checkpointed."""
        self.emulator = emulator
        self.directory = Path(directory)
        self.writes = writes
        self.fsync = fsync
        self.covered = covered
        self.jobs_covered = jobs_covered
        self._taking = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        emulator.on_reset(self._forget)

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._watch, name="personalize-checkpoint", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop watching and take a last checkpoint if anything is new (a clean shutdown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        self.take(force=True)

    def due(self) -> bool:
        journal = self.emulator.journal
        if journal is None:
            return False
        new = journal.count - self.covered
        every = self.emulator.settings.checkpoint_records
        return new >= every or (new > 0 and journal.kinds["job"] > self.jobs_covered)

    def take(self, *, force: bool = False) -> bool:
        """Checkpoint now if due (or anything is new, with ``force``) and no job is in flight."""
        with self._taking:
            with self.writes, self.emulator.lock:
                journal = self.emulator.journal
                if journal is None or not self.emulator.jobs.idle():
                    return False
                if not (self.due() or (force and journal.count > self.covered)):
                    return False
                records, last = journal.position()
                jobs = journal.kinds["job"]
                generation = self.emulator.generation
                try:
                    payload = snapshot.take(self.emulator)
                except Exception:  # the journal still has everything: keep serving
                    log.exception("could not take a checkpoint")
                    return False
            # Written outside the locks: serving goes on while the bytes reach the disk.
            write(self.directory, records, last, payload, fsync=self.fsync)
            with self.emulator.lock:
                if generation != self.emulator.generation:  # reset meanwhile: it is stale
                    remove(self.directory)
                    return False
                self.covered, self.jobs_covered = records, jobs
            return True

    def _watch(self) -> None:
        while not self._stop.wait(CHECK_SECONDS):
            if self.due():
                try:
                    self.take()
                except Exception:
                    log.exception("could not write a checkpoint")

    def _forget(self) -> None:
        """``/moto-api/reset`` empties the journal: a checkpoint of the old one is stale."""
        with contextlib.suppress(OSError):
            remove(self.directory)
        self.covered = self.jobs_covered = 0
