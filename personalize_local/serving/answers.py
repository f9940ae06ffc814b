"""A bounded cache of GetRecommendations answers, kept per deployed model.

A key names everything an answer depends on: the deployment, the user's history *version* (a
history only grows, one event per PutEvents record, so its length is its version; a re-import
builds new histories with a new serial), the metadata versions, the exploration config and
reference time when they apply, and the request (item, count, filter and its values,
promotion). So a PutEvents, PutItems or PutUsers changes the next answer at once, and a hit
returns exactly what scoring would: exploration noise is seeded by the same parts of the key.
``recommendationId`` is not part of an answer; every request gets its own.

``PERSONALIZE_LOCAL_ANSWER_CACHE`` bounds the items kept in the answers of one model (0 turns
the cache off, e.g. to measure scoring itself); the default, 100,000, is 4,000 answers of 25
items, a few MB.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

#: Items (summed over answers) kept per deployed model.
DEFAULT_SIZE = 100_000


def configured_size() -> int:
    raw = os.environ.get("PERSONALIZE_LOCAL_ANSWER_CACHE", "")
    return int(raw) if raw.strip().isdigit() else DEFAULT_SIZE


class AnswerCache:
    """Least-recently-used answers by key, at most ``size`` items in all; thread-safe."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, answer: Any, items: int) -> None:
        """Keep ``answer`` (of ``items`` items) and forget the least recently used beyond size."""
        weight = items + 1  # an empty answer still takes an entry
        if weight > self.size:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._held -= previous[1]
            self._entries[key] = (answer, weight)
            self._held += weight
            while self._held > self.size:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._held -= dropped

    def __len__(self) -> int:
        return len(self._entries)


def frozen(values: dict[str, str] | None) -> tuple[tuple[str, str], ...]:
    """A filterValues map as a key part (order does not matter)."""
    return tuple(sorted((values or {}).items()))
