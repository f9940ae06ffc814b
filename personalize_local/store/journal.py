"""The write-ahead journal behind ``--data-dir``: every change, in order, before it is answered.

One JSON object per line. A record is appended (and flushed to the operating system, and by
default fsynced) before the client sees the answer, so whatever the endpoint acknowledged
survives a ``kill -9``. A crash can leave at most one torn line at the end; reading drops it.
The first record names the format and the seed the ids and models are drawn from.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any

log = logging.getLogger("personalize_local.journal")

FORMAT = "personalize-local-journal/1"
FILE_NAME = "journal.jsonl"


class JournalError(Exception):
    """The journal cannot be read back: the endpoint refuses to start rather than lose data."""


class Journal:
    """An append-only record of what changed the endpoint's state."""

    def __init__(self, directory: Path, *, fsync: bool = True) -> None:
        self.path = Path(directory) / FILE_NAME
        self.fsync = fsync
        self._lock = threading.Lock()
        self._file: Any = None
        #: Records after the header, and how many of each kind: a checkpoint covers a prefix.
        self.count = 0
        self.kinds: Counter[str] = Counter()
        self._last_line = b""

    def open(self, seed: int) -> tuple[int, list[dict[str, Any]]]:
        """Read the records written so far and open for appending.

        Returns the seed the journal was started with (``seed`` for a new journal) and the
        records after the header.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        records = self._read() if self.path.exists() else []
        if not records:
            self.restart(seed)
            return seed, []
        header = records[0]
        if header.get("format") != FORMAT:
            raise JournalError(f"{self.path} is not a {FORMAT} file (first line: {header}).")
        self._file = self.path.open("ab")
        self.count = len(records) - 1
        self.kinds = Counter(str(r.get("kind")) for r in records[1:])
        self._last_line = encode(records[-1]) if self.count else b""
        return int(header["seed"]), records[1:]

    def _read(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        good = 0  # byte offset after the last whole record
        with self.path.open("rb") as stream:
            lines = stream.readlines()
        for number, line in enumerate(lines, start=1):
            last = number == len(lines)
            try:
                if not line.endswith(b"\n"):
                    raise ValueError("no end of line")
                records.append(json.loads(line))
            except ValueError as error:
                if last:
                    # A write cut short by the crash: it was never acknowledged.
                    log.warning("dropping a torn last record in %s (%s)", self.path, error)
                    break
                raise JournalError(f"{self.path}, line {number}, is corrupt: {error}") from None
            good += len(line)
        if good < self.path.stat().st_size:
            with self.path.open("r+b") as stream:
                stream.truncate(good)
        return records

    def restart(self, seed: int | None) -> None:
        """Start an empty journal (a new data dir, or ``/moto-api/reset``)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
            self._file = self.path.open("wb")
            self._write({"format": FORMAT, "seed": seed})
            self.count = 0
            self.kinds = Counter()
            self._last_line = b""

    def append(self, record: dict[str, Any]) -> None:
        with self._lock:
            self._write(record)

    def _write(self, record: dict[str, Any]) -> None:
        if self._file is None:
            return  # closed at shutdown: a job ending now resumes after the restart
        line = encode(record)
        self._file.write(line)
        self._file.flush()
        if self.fsync:
            os.fsync(self._file.fileno())
        self.count += 1
        self.kinds[str(record.get("kind"))] += 1
        self._last_line = line

    def position(self) -> tuple[int, str]:
        """How many records are written, and a digest of the last (see :func:`digest`)."""
        with self._lock:
            return self.count, hashlib.sha256(self._last_line).hexdigest()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def encode(record: dict[str, Any]) -> bytes:
    """A record as one journal line (reading it back and encoding it again gives the same)."""
    return json.dumps(record, separators=(",", ":")).encode() + b"\n"


def digest(records: list[dict[str, Any]], count: int) -> str:
    """The digest :meth:`Journal.position` gives after the first ``count`` of ``records``."""
    return hashlib.sha256(encode(records[count - 1]) if count else b"").hexdigest()
