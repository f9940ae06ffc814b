"""A bounded cache of GetRecommendations answers, kept per deployed model.

A key names everything an answer depends on: the deployment, the user's history *version* (a
history only grows, one event per PutEvents record, so its length is its version; a re-import
builds new histories with a new serial), the metadata versions, the exploration config and
reference time when they apply, and the request (item, count, filter and its values,
promotion). So a PutEvents, PutItems or PutUsers changes the next answer at once, and a hit
returns exactly what scoring would: exploration noise is seeded by the same parts of the key.
``recommendationId`` is not part of an answer; every request gets its own.

``PERSONALIZE_LOCAL_ANSWER_CACHE`` sets the entries kept per model (0 turns the cache off,
e.g. to measure scoring itself).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

#: Entries per deployed model: a few MB at the default 25 results per answer.
DEFAULT_SIZE = 4096


def configured_size() -> int:
    raw = os.environ.get("PERSONALIZE_LOCAL_ANSWER_CACHE", "")
    return int(raw) if raw.strip().isdigit() else DEFAULT_SIZE


class AnswerCache:
    """Least-recently-used answers by key; safe to share between request threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: Hashable, answer: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = answer
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def frozen(values: dict[str, str] | None) -> tuple[tuple[str, str], ...]:
    """A filterValues map as a key part (order does not matter)."""
    return tuple(sorted((values or {}).items()))
