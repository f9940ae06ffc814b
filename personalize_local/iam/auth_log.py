"""``--auth-log FILE``: every authorization decision as one JSON line."""

from __future__ import annotations

import json
import threading
import time
from typing import Any


class AuthLog:
    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        # Line-buffered: a line is complete on disk once written, whatever happens next.
        self._file = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115

    def write(
        self,
        *,
        principal: str,
        action: str,
        resource: str,
        allowed: bool,
        statement: str | None,
        source: str,
        **extra: Any,
    ) -> None:
        line = {
            "time": round(time.time(), 3),
            "principal": principal,
            "action": action,
            "resource": resource,
            "decision": "allowed" if allowed else "denied",
            "statement": statement,
            "source": source,
            **extra,
        }
        text = json.dumps(line, sort_keys=True)
        with self._lock:
            self._file.write(text + "\n")

    def close(self) -> None:
        with self._lock:
            self._file.close()
